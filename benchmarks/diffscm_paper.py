"""Diff-SCM's studies at a profile of `crl_nb.experiments.diffscm.DiffSCMConfig`, without papermill (for GPU machines).

    python benchmarks/diffscm_paper.py mnist morphomnist --out benchmarks/results/diffscm_paper

The config is resolved exactly as nbs/experiments/diffscm_{mnist,morphomnist}.ipynb resolve it
(`crl_nb.experiments.studies.study_config`), and the same drivers run. MorphoMNIST runs the Diff-SCM part only (the
CausalDiffAE side is benchmarks/causaldiffae_paper.py on the same seed). Per dataset it writes <out>/<dataset>/metrics.json
(for MNIST the notebook's layout, `mnist_record`), env.json (commit, hardware, software, seconds) and the image grids as PNG.
`--profile smoke` checks the script in seconds on a CPU; `--set name=value` overrides one setting.
The commit is read from git, or from $CRL_NB_COMMIT where there is no git.
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
from crl_nb.counterfactuals import cf_grid
from crl_nb.experiments.config import parse_overrides
from crl_nb.experiments.diffscm import mnist_record, plot_scale_sweep, run_mnist, run_morpho
from crl_nb.experiments.studies import study_config
from crl_nb.runner import environment


def config(dataset: str, profile: str = "paper", seed: int = 0, overrides: dict | None = None):
    "The study's config, resolved as the experiment notebook resolves it; every setting checked."
    return study_config(f"diffscm_{dataset}", profile, overrides, seed=seed)


def main(dataset: str, out: Path, profile: str = "paper", seed: int = 0, threads: int = 4, overrides: dict | None = None) -> dict:
    cfg = config(dataset, profile, seed, overrides)     # every setting checked before any work
    torch.set_num_threads(threads)
    out.mkdir(parents=True, exist_ok=True)
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset, "parameters": cfg.to_dict(),
           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT"); env["dirty"] = os.environ.get("CRL_NB_DIRTY")
    t0 = time.perf_counter()
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    if dataset == "mnist":
        result = run_mnist(cfg, log=log)
        record = mnist_record(result, cfg)
        record["targets"] = {"im1_at_most_0.94": record["im1"] <= 0.94, "im2_at_most_0.04": record["im2"] <= 0.04}
        plot_scale_sweep(result.metrics).savefig(out / "scale_sweep.png", dpi=120, bbox_inches="tight")
        cols = {f"s={float(s):g}": result.images[s] for s in result.metrics["scales"]}
        cf_grid(result.images["x"], cols, rows=8).savefig(out / "cf_grid_scales.png", dpi=120)  # validation images
        T = result.images["test"]
        cf_grid(T["x"], {f"s={record['scale']:g}": T["cf"]}, rows=8).savefig(out / "cf_grid_test.png", dpi=120)
    else:
        result = run_morpho(cfg, log=log)
        M = result.metrics
        record = {"profile": profile, "seed": seed, **{k: v for k, v in M.items() if k != "training"},
                  "training": {k: v for k, v in M["training"].items() if not k.endswith("history")}}
        s, ims = M["test"]["scale"], result.images
        cols = {c: v for n in ims["diffscm"]
                for c, v in ((f"oracle do({n})", ims["oracle"][n]), (f"s={s:g} do({n})", ims["diffscm"][n]))}
        cf_grid(ims["x"], cols, rows=6, errors={f"s={s:g} do({n})": ims["oracle"][n] for n in ims["diffscm"]},
                error_label="|Δ|").savefig(out / "cf_grid.png", dpi=120)
    write_json(out / "metrics.json", record)
    write_json(out / "env.json", {**env, "seconds": time.perf_counter() - t0, "status": "ok"})
    return record


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+", choices=["mnist", "morphomnist"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/diffscm_paper"))
    ap.add_argument("--profile", default="paper", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--set", action="append", metavar="NAME=VALUE", help="override one setting of DiffSCMConfig")
    a = ap.parse_args()
    overrides = parse_overrides(a.set)
    for d in a.datasets: config(d, a.profile, a.seed, overrides)   # fail before the first run
    for d in a.datasets: main(d, a.out / d, a.profile, a.seed, a.threads, overrides)
