"""Diff-SCM at the `paper` profile of `crl_nb.models.diffscm.experiment_profiles`, for a GPU machine.

    python benchmarks/diffscm_paper.py mnist morphomnist --out benchmarks/results/diffscm_paper

The same driver calls as nbs/experiments/diffscm_{mnist,morphomnist}.ipynb with profile=paper, without papermill (GPU machines
here lack it). MorphoMNIST runs the Diff-SCM part only (the CausalDiffAE side is benchmarks/causaldiffae_paper.py on the same seed).
Per dataset it writes <out>/<dataset>/metrics.json, env.json (commit, hardware, software, seconds) and the image grids as PNG.
`--profile smoke` checks the script in seconds on a CPU. The commit is read from git, or from $CRL_NB_COMMIT where there is no git.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import torch

from crl_nb.core import write_json
from crl_nb.counterfactuals import cf_grid, load_task
from crl_nb.data.registry import load_dataset
from crl_nb.models.diffscm import DECODERS, experiment_profiles, mnist_benchmark, morpho_benchmark, plot_scale_sweep
from crl_nb.runner import environment


def run(dataset: str, out: Path, profile: str = "paper", seed: int = 0, threads: int = 4) -> dict:
    torch.set_num_threads(threads)
    P = experiment_profiles(dataset)[profile]
    out.mkdir(parents=True, exist_ok=True)
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset, "parameters": P, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT"); env["dirty"] = os.environ.get("CRL_NB_DIRTY")
    t0 = time.perf_counter()
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    common = dict(steps=P["steps"], batch_size=P["batch_size"], lr=P["lr"], unet=DECODERS[P["decoder"]], guide_steps=P["guide_steps"], L=P["L"],
                  ddim_steps=P["ddim_steps"], scales=tuple(P["scales"]), n_test=P["n_test"], measurer_steps=P["measurer_steps"],
                  n_composition=P["n_composition"], seed=seed, log=log)
    if dataset == "mnist":
        bench = mnist_benchmark(load_dataset("mnist", seed=seed), ae_steps=P["ae_steps"], vae_steps=P["vae_steps"], n_ref=P["n_ref"], **common)
        M = bench.metrics
        best = min(M["scales"], key=lambda s: M["scales"][s]["cld_mean"])        # Diff-SCM's protocol: tune s on CLD
        metrics = {"im1": M["scales"][best]["im1_median"], "im2": M["scales"][best]["im2_median"], "cld": M["scales"][best]["cld_mean"],
                   "cld_selected_scale": float(best), "targets": {"im1_at_most_0.94": M["scales"][best]["im1_median"] <= 0.94,
                                                                  "im2_at_most_0.04": M["scales"][best]["im2_median"] <= 0.04},
                   **{k: v for k, v in M.items() if k != "training"}, "training": {k: v for k, v in M["training"].items() if not k.endswith("history")}}
        plot_scale_sweep(M).savefig(out / "scale_sweep.png", dpi=120, bbox_inches="tight")
        cf_grid(bench.images["x"], {f"s={float(s):g}": bench.images[s] for s in M["scales"]}, rows=8).savefig(out / "cf_grid_scales.png", dpi=120)
    else:
        task = load_task("morphomnist", n=P["n"], seed=seed)
        bench = morpho_benchmark(task, **common)
        M = bench.metrics
        metrics = {**{k: v for k, v in M.items() if k != "training"}, "training": {k: v for k, v in M["training"].items() if not k.endswith("history")}}
        cols = {f"s={float(s):g} do({n})": bench.images[s][n] for s in M["scales"] for n in task.factor_names}
        cf_grid(bench.images["x"], cols, rows=6).savefig(out / "cf_grid.png", dpi=120)
    write_json(out / "metrics.json", {"profile": profile, "seed": seed, **metrics})
    write_json(out / "env.json", {**env, "seconds": time.perf_counter() - t0, "status": "ok"})
    return metrics


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+", choices=["mnist", "morphomnist"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/diffscm_paper"))
    ap.add_argument("--profile", default="paper", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=4)
    a = ap.parse_args()
    for d in a.datasets: run(d, a.out / d, a.profile, a.seed, a.threads)
