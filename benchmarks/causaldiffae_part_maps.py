"""CausalDiffAE variants side by side at one profile, seed and test plan: the tiled condition of the quick profile
(`spatial_condition=True`), per-variable part maps (`part_maps=True`, nbs/34), the tiled condition with mechanisms that
read their parents' posterior means (`mechanism_input="mean"`), and the additive mean image with residual diffusion
(`additive_mean=True`: unconditional residual; `_conditioned`: the residual UNet also sees the mean; `_mean_parents`: with
`mechanism_input="mean"`), "profile": the profile's own decoder settings (the quick defaults of nbs/34),
and "profile_conditioned": the same with `condition_residual=True` (the residual UNet also sees the mean image).
Every variant uses the profile's UNet preset (`decoder`), recorded in its config.

    python benchmarks/causaldiffae_part_maps.py pendulum circuit --out benchmarks/results/causaldiffae_part_maps
    python benchmarks/causaldiffae_part_maps.py circuit --variants mean_parents     # adds one variant to circuit.json

Only CausalDiffAE is trained (no baselines, no weakly supervised model, no noising abduction, no reversibility), so that a
dataset takes about 6 minutes on a 2-core CPU at the quick profile. Per dataset it writes <out>/<dataset>.json with the
environment (commit, hardware, profile, seed) and, per conditioning, DCI, effectiveness, pixel MAE, reconstruction,
composition and every consistency check; it prints a summary table.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from crl_nb.core import write_json
from crl_nb.experiments.causaldiffae import CausalDiffAEConfig, load_study_task, run as run_study
from crl_nb.experiments.studies import study_config
from crl_nb.runner import environment

DATASETS = ("morphomnist", "pendulum", "circuit")
CONDITIONINGS = {"tiled": dict(spatial_condition=True), "part_maps": dict(part_maps=True),
                 "mean_parents": dict(spatial_condition=True, mechanism_input="mean"),
                 "additive_mean": dict(additive_mean=True),
                 "additive_mean_conditioned": dict(additive_mean=True, condition_residual=True),
                 "additive_mean_mean_parents": dict(additive_mean=True, mechanism_input="mean")}
# a named variant starts from the declared defaults of the decoder's conditioning settings, not from the profile's
CONDITIONING_SETTINGS = ("spatial_condition", "part_maps", "additive_mean", "condition_residual", "mean_sparsity", "mean_width",
                         "mechanism_input", "residual_masks", "mean_sparsities")
ONLY_CAUSALDIFFAE = dict(baselines=(), weak_fraction=None, noising=False, reversibility_models=())
KEEP = ("train_seconds", "n_params", "dci", "effectiveness", "effectiveness_mean", "pixel_mae", "pixel_mae_mean",
        "reconstruction_pixel_mae", "moves", "stays", "consistent", "composition", "eval_seconds")


def variant_config(base: CausalDiffAEConfig, name: str) -> CausalDiffAEConfig:
    "The config of one conditioning variant: only CausalDiffAE, with the variant's decoder conditioning."
    if name == "profile": return base.replace(**ONLY_CAUSALDIFFAE)
    if name == "profile_conditioned": return base.replace(**ONLY_CAUSALDIFFAE, condition_residual=True, residual_masks=(0.0,))
    declared = {k: CausalDiffAEConfig.settings()[k].default for k in CONDITIONING_SETTINGS}
    return base.replace(**ONLY_CAUSALDIFFAE, **{**declared, **CONDITIONINGS[name]})


def run(dataset: str, out: Path, profile: str = "quick", seed: int = 0, variants=("tiled", "part_maps")) -> dict:
    base = study_config(f"causaldiffae_{dataset}", profile, seed=seed)
    configs = {name: variant_config(base, name) for name in variants}          # every variant checked before any training
    env = {**environment(), "profile": profile, "seed": seed, "dataset": dataset, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if not env.get("commit"): env["commit"] = os.environ.get("CRL_NB_COMMIT")
    task = load_study_task(base)
    t0 = time.perf_counter()
    log = lambda s: print(f"[{dataset} {time.perf_counter() - t0:6.0f}s] {s}", flush=True)
    result = {"env": env, "parameters": base.to_dict(), "conditionings": {}}
    for name, cfg in configs.items():
        study = run_study(cfg, task=task, log=lambda s, n=name: log(f"{n}: {s}"))
        c = study.metrics["models"]["causal"]
        result["conditionings"][name] = {**{k: c[k] for k in KEEP if k in c}, "config": study.metrics["config"], "env": env}
    result["oracle"] = study.metrics["oracle"]
    result["seconds"] = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{dataset}.json"
    if path.exists():                      # keep the variants measured earlier (each carries its own env: commit, time)
        old = json.loads(path.read_text())
        for name, r in old["conditionings"].items():
            r.setdefault("env", old["env"]); result["conditionings"].setdefault(name, r)
    write_json(path, result)
    return result


def summary(result: dict) -> str:
    rows = []
    for name, r in result["conditionings"].items():
        checks = {**r["moves"], **r["stays"]}
        failed = [f"{k} ({v['corr']:.3f})" if "corr" in v else f"{k} ({v['mean_abs_measured_change']:.4f} > {v['tolerance']:.4f})"
                  for k, v in checks.items() if not v["ok"]]
        rows.append(f"  {name:12s} [{str(r.get('env', result['env']).get('commit'))[:7]}] DCI-D {r['dci']['disentanglement']:.3f}  effectiveness {r['effectiveness_mean']:.3f}  pixel MAE "
                    f"{r['pixel_mae_mean']:.2f}  reconstruction {r['reconstruction_pixel_mae']:.2f}  checks "
                    f"{sum(v['ok'] for v in checks.values())}/{len(checks)}" + (f"  failed: {'; '.join(failed)}" if failed else ""))
    env = result["env"]
    return (f"{env['dataset']} ({env['profile']}, seed {env['seed']}, commit {env.get('commit')}, {result['seconds']:.0f} s)\n" + "\n".join(rows))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("datasets", nargs="+", choices=DATASETS)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/causaldiffae_part_maps"))
    ap.add_argument("--profile", default="quick", choices=["smoke", "quick", "paper"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--variants", nargs="+", default=["tiled", "part_maps"], choices=list(CONDITIONINGS) + ["profile", "profile_conditioned"])
    ap.add_argument("--summary", action="store_true", help="print the summary of existing result files instead of running")
    a = ap.parse_args()
    for d in a.datasets:
        if a.summary:
            print(summary(json.loads((a.out / f"{d}.json").read_text())))
        else:
            print(summary(run(d, a.out, a.profile, a.seed, a.variants)))
