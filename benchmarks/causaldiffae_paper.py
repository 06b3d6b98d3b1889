"""CausalDiffAE at the `paper` profile of `crl_nb.models.causaldiffae.experiment_profiles`, for a GPU machine.

    python benchmarks/causaldiffae_paper.py morphomnist pendulum circuit --out benchmarks/results/causaldiffae_paper

The same `benchmark` call as the experiment notebooks (nbs/experiments/causaldiffae_*.ipynb) make with profile=paper,
without papermill (GPU machines here lack it). Per dataset it writes <out>/<dataset>/metrics.json (the notebook's record layout),
env.json (commit, hardware, software, seconds) and the counterfactual grids, ω sweep and training curves as PNG.
Options override single settings, e.g. --steps 3000. The commit is read from git, or from $CRL_NB_COMMIT where there is no git.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch

from crl_nb.core import write_json
from crl_nb.counterfactuals import cf_grid, load_task
from crl_nb.models.causaldiffae import DECODERS, benchmark, experiment_profiles, plot_omega_sweep, plot_training_curves
from crl_nb.runner import environment

DATA_KEYS = {"morphomnist": ("n",), "pendulum": ("size", "mode", "n"), "circuit": ("n", "size")}
NAMES = {"causal": "CausalDiffAE", "diffae": "DiffAE", "label": "label-conditional", "causal_noising": "CausalDiffAE (noising)"}


def run(dataset: str, out: Path, profile: str = "paper", seed: int = 0, threads: int = 4, **overrides) -> dict:
    torch.set_num_threads(threads)
    P = {**experiment_profiles(dataset)[profile], **{k: v for k, v in overrides.items() if v is not None}}
    out.mkdir(parents=True, exist_ok=True)
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset, "parameters": P, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT"); env["dirty"] = os.environ.get("CRL_NB_DIRTY")
    t0 = time.perf_counter()
    task = load_task(dataset, seed=seed, **{k: P[k] for k in DATA_KEYS[dataset]})
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    log(f"{task.data}")
    bench = benchmark(task, steps=P["steps"], batch_size=P["batch_size"], lr=P["lr"], unet=DECODERS[P["decoder"]], encoder_width=P["encoder_width"],
                      ddim_steps=P["ddim_steps"], n_test=P["n_test"], measurer_steps=P["measurer_steps"], omegas=tuple(P["omegas"]),
                      n_omega=P["n_omega"], n_composition=P["n_composition"], seed=seed, weak_steps=P["weak_steps"],
                      spatial_condition=P["spatial_condition"], ckpt_dir=None, log=log)
    M = bench.metrics
    public = lambda e: {k: v for k, v in e.items() if k != "history"}
    c = M["models"]["causal"]
    targets = {"dci_at_least_0.99": c["dci"]["disentanglement"] >= 0.99, "consistent": c["consistent"],
               "beats_diffae_effectiveness": c["effectiveness_mean"] < M["models"]["diffae"]["effectiveness_mean"]}
    metrics = {"causaldiffae": public(c), **{k: public(v) for k, v in M["models"].items() if k != "causal"}, "abduction": M["abduction"],
               "weak": public(M["weak"]), "oracle": M["oracle"], "measurers": M["measurers"], "task": M["task"], "config": M["config"],
               "targets": targets, "benchmark_seconds": M["seconds"]}
    write_json(out / "metrics.json", metrics)
    write_json(out / "env.json", {**env, "seconds": time.perf_counter() - t0, "status": "ok"})
    for key in ("causal", "diffae", "causal_noising"):
        cols = {}
        for name in task.factor_names:
            cols[f"{NAMES[key]} do({name})"] = bench.images[key][name]; cols[f"oracle do({name})"] = bench.images["oracle"][name]
        fig = cf_grid(bench.images["x"], cols, rows=6, title=NAMES[key]); fig.savefig(out / f"cf_grid_{key}.png", dpi=100); plt.close(fig)
    fig = plot_omega_sweep(M); fig.savefig(out / "omega_sweep.png", dpi=100); plt.close(fig)
    fig = plot_training_curves(M); fig.savefig(out / "training_curves.png", dpi=100); plt.close(fig)
    log(f"done: DCI-D {c['dci']['disentanglement']:.4f}, effectiveness {c['effectiveness_mean']:.3f} "
        f"(DiffAE {M['models']['diffae']['effectiveness_mean']:.3f}), consistent {c['consistent']}")
    return metrics


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+", choices=list(DATA_KEYS))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/causaldiffae_paper"))
    ap.add_argument("--profile", default="paper", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--steps", type=int); ap.add_argument("--n-test", type=int, dest="n_test")
    a = ap.parse_args()
    for d in a.datasets:
        run(d, a.out / d, a.profile, a.seed, a.threads, steps=a.steps, n_test=a.n_test)
    sys.exit(0)
