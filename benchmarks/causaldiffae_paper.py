"""CausalDiffAE's study at a profile of `crl_nb.experiments.causaldiffae.CausalDiffAEConfig`, without papermill (for GPU machines).

    python benchmarks/causaldiffae_paper.py morphomnist pendulum circuit --out benchmarks/results/causaldiffae_paper
    python benchmarks/causaldiffae_paper.py pendulum --profile smoke --set steps=30 --set n_test=8

The config is resolved exactly as the experiment notebooks (nbs/experiments/causaldiffae.ipynb, one study per dataset) resolve it
(`crl_nb.experiments.studies.study_config`), and the same `run` and `study_record` write the same metrics layout.
Per dataset it writes <out>/<dataset>/metrics.json, env.json (commit, hardware, software, seconds) and the counterfactual
grids, ω sweep and training curves as PNG. `--set name=value` overrides one setting (a Python literal: 3000, 1e-4, (1.0, 2.0)).
The commit is read from git, or from $CRL_NB_COMMIT where there is no git.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch

from crl_nb.core import write_json
from crl_nb.counterfactuals import cf_grid
from crl_nb.experiments.causaldiffae import NAMES, load_study_task, plot_omega_sweep, plot_training_curves, run, study_record
from crl_nb.experiments.config import parse_overrides
from crl_nb.experiments.studies import study_config
from crl_nb.runner import environment

DATASETS = ("morphomnist", "pendulum", "circuit")


def targets_of(record: dict) -> dict:
    c = record["causaldiffae"]
    return {"dci_at_least_0.99": c["dci"]["disentanglement"] >= 0.99, "consistent": c["consistent"],
            "beats_diffae_effectiveness": "diffae" in record and c["effectiveness_mean"] < record["diffae"]["effectiveness_mean"]}


def save_figures(result, task, out: Path):
    for key in ("causal", "diffae", "causal_noising"):
        if key not in result.images: continue
        cols = {}
        for name in task.factor_names:
            cols[f"{NAMES[key]} do({name})"] = result.images[key][name]; cols[f"oracle do({name})"] = result.images["oracle"][name]
        fig = cf_grid(result.images["x"], cols, rows=6, title=NAMES[key]); fig.savefig(out / f"cf_grid_{key}.png", dpi=100); plt.close(fig)
    if "weak" in result.metrics:
        fig = plot_omega_sweep(result.metrics); fig.savefig(out / "omega_sweep.png", dpi=100); plt.close(fig)
    fig = plot_training_curves(result.metrics); fig.savefig(out / "training_curves.png", dpi=100); plt.close(fig)


def config(dataset: str, profile: str = "paper", seed: int = 0, overrides: dict | None = None):
    "The study's config, resolved as the experiment notebook resolves it; every setting checked."
    return study_config(f"causaldiffae_{dataset}", profile, overrides, seed=seed)


def main(dataset: str, out: Path, profile: str = "paper", seed: int = 0, threads: int = 4, overrides: dict | None = None) -> dict:
    cfg = config(dataset, profile, seed, overrides)     # every setting checked before any work
    torch.set_num_threads(threads)
    out.mkdir(parents=True, exist_ok=True)
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset, "parameters": cfg.to_dict(),
           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT"); env["dirty"] = os.environ.get("CRL_NB_DIRTY")
    t0 = time.perf_counter()
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    task = load_study_task(cfg)
    log(f"{task.data}")
    result = run(cfg, task=task, log=log)
    record = study_record(result, cfg)
    record["targets"] = targets_of(record)
    write_json(out / "metrics.json", record)
    write_json(out / "env.json", {**env, "seconds": time.perf_counter() - t0, "status": "ok"})
    save_figures(result, task, out)
    c = record["causaldiffae"]
    log(f"done: DCI-D {c['dci']['disentanglement']:.4f}, effectiveness {c['effectiveness_mean']:.3f}, consistent {c['consistent']}")
    return record


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+", choices=DATASETS)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/causaldiffae_paper"))
    ap.add_argument("--profile", default="paper", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--set", action="append", metavar="NAME=VALUE", help="override one setting of CausalDiffAEConfig")
    a = ap.parse_args()
    overrides = parse_overrides(a.set)
    for d in a.datasets: config(d, a.profile, a.seed, overrides)   # fail before the first run
    for d in a.datasets: main(d, a.out / d, a.profile, a.seed, a.threads, overrides)
