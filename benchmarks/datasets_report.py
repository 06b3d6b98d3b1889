#!/usr/bin/env python
"""Dataset generation at the quick size, the cache hit on the second call, and the held-out scores of the
anti-causal predictors of every image dataset.

    python benchmarks/datasets_report.py [--only NAME ...] [--predictor-steps 1000] [--cache-dir DIR]

Writes benchmarks/results/datasets.json (commit, hardware, every timing and score).
"""
import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import write_json  # noqa: E402
from crl_nb.data.registry import DATASETS, load_dataset  # noqa: E402
from crl_nb.runner import environment  # noqa: E402

# the quick size of each dataset, and the factors its predictors classify rather than regress
QUICK = {
    "weakly_supervised": ({}, None),
    "interventional": ({}, None),
    "mnist": ({}, {"digit": 10}),
    "pendulum": ({"size": 64, "mode": "grid"}, {}),
    "morphomnist": ({"n": 1000}, {}),
    "circuit": ({"n": 2000, "size": 64}, {}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="+", default=None)
    ap.add_argument("--predictor-steps", type=int, default=1000)
    ap.add_argument("--cache-dir", default=None, help="default: a fresh temporary folder, so the first call really generates")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "datasets.json"))
    a = ap.parse_args()
    cache = Path(a.cache_dir) if a.cache_dir else Path(tempfile.mkdtemp(prefix="crl_nb_cache_"))
    names = [n for n in (a.only or QUICK) if n in DATASETS]
    results = {}
    for name in names:
        params, discrete = QUICK[name]
        d1 = load_dataset(name, cache_dir=cache, **params)
        d2 = load_dataset(name, cache_dir=cache, **params)
        r = {"params": d1.params, "n": len(d1), "generate_seconds": round(d1.seconds, 3), "first_from_cache": d1.from_cache,
             "second_from_cache": d2.from_cache, "cache_read_seconds": round(d2.seconds, 3),
             "cache_mb": round(d1.cache_path.stat().st_size / 2**20, 2)}
        print(f"{name:18s} n={len(d1):6d}  generate {d1.seconds:7.2f} s  second call from cache: {d2.from_cache} ({d2.seconds:.2f} s)", flush=True)
        if discrete is not None and "x" in d1.arrays and d1.arrays["x"].ndim == 4:
            from crl_nb.data.predictors import dataset_predictors
            t0 = time.perf_counter()
            P = dataset_predictors(d1, discrete=discrete, steps=a.predictor_steps, cache_dir=cache / "predictors")
            r["predictors"] = {k: v["score"] for k, v in P.items()}
            r["predictor_seconds"] = round(time.perf_counter() - t0, 1)
            for k, v in P.items(): print(f"    predictor {k:16s} {v['score']}", flush=True)
        results[name] = r
    write_json(a.out, {"benchmark": "datasets", "predictor_steps": a.predictor_steps, "results": results,
                       "env": {**environment(), "date": datetime.now(timezone.utc).isoformat()}})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
