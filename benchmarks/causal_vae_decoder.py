"""The causal VAEs' decoder and part-variation penalty, chosen on validation images: SCM-VAE (the known-graph VAE with
additive-noise mechanisms) trained under each candidate decoder setting on one dataset's quick task, every candidate
scored on the same validation plan by `crl_nb.evaluation.choose`; the test split is not touched.

    python benchmarks/causal_vae_decoder.py pendulum circuit --out benchmarks/results/causal_vae_decoder

Candidates: the joint decoder (one decoder of all of z), and the additive decoder (one per variable, summed) with the
part-variation penalty at 0, 0.01 and 0.05. Everything else is the profile's config (`study_config`, as the
experiment notebook resolves it). Per dataset it writes <out>/<dataset>.json with the environment (commit, hardware,
profile, seed), each candidate's settings and validation scores, and the chosen one; it prints a table.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from crl_nb.core import get_device, write_json
from crl_nb.evaluation import SELECTION_KEY, build_setup, choose
from crl_nb.experiments.causal_vae import fit, load_study_task
from crl_nb.experiments.studies import study_config
from crl_nb.runner import environment

CANDIDATES = {"joint": dict(decoder="joint", sparsity=0.0),
              "additive": dict(decoder="additive", sparsity=0.0),
              "additive, penalty 0.01": dict(decoder="additive", sparsity=0.01),
              "additive, penalty 0.05": dict(decoder="additive", sparsity=0.05)}


def configs(dataset: str, profile: str, seed: int, n_val: int) -> dict:
    "Every candidate's config, checked before any work."
    base = study_config(f"causal_vae_{dataset}", profile, seed=seed).replace(variants=("scmvae",))
    if n_val < 1: raise SystemExit(f"--n-val: expected a positive integer, got {n_val}")
    return {name: base.replace(**c).checked() for name, c in CANDIDATES.items()}


def run(dataset: str, out: Path, profile: str = "quick", seed: int = 0, n_val: int = 100) -> dict:
    cfgs = configs(dataset, profile, seed, n_val)
    base = next(iter(cfgs.values()))
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset,
           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT")
    t0 = time.perf_counter()
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    device = get_device(base.device)
    task = load_study_task(base)
    setup = build_setup(task, base.n_test, base.measurer_steps, base.seed, device, log)
    val = setup.on_split("val", min(n_val, len(task.index("val"))))
    models, seconds = {}, {}
    for name, cfg in cfgs.items():
        model, hist = fit(cfg, task, "scmvae", device)
        models[name], seconds[name] = model, hist["seconds"]
        log(f"{name}: trained {cfg.steps} steps in {hist['seconds']:.0f}s")
    best, tried = choose(models, val)
    result = {"env": env, "model": "scmvae", "split": "val", "n_val": val.n_test, "criterion": SELECTION_KEY,
              "chosen": best, "candidates": {name: {**CANDIDATES[name], "train_seconds": seconds[name],
                                                    **tried[name]} for name in cfgs},
              "parameters": base.to_dict(), "seconds": time.perf_counter() - t0}
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / f"{dataset}.json", result)
    for name, s in tried.items():
        log(f"{name:24s} pixel MAE {s['pixel_mae_mean']:6.2f}  change achieved {s['change_achieved_mean']:.3f}  "
            f"failures {s['failure_rate_mean']:.1%}  effectiveness {s['effectiveness_mean']:.3f}"
            + ("  <- chosen" if name == best else ""))
    return result


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", nargs="+", choices=["morphomnist", "pendulum", "circuit"])
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/causal_vae_decoder"))
    ap.add_argument("--profile", default="quick", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-val", type=int, default=100)
    a = ap.parse_args()
    for d in a.datasets: configs(d, a.profile, a.seed, a.n_val)   # fail before the first run
    for d in a.datasets: run(d, a.out, a.profile, a.seed, a.n_val)
