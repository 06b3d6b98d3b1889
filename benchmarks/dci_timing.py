#!/usr/bin/env python
"""Wall-clock time of crl_nb.metrics.dci on 10,000 samples x 10 codes x 10 factors, trees vs Lasso.

Reference: an earlier measurement put the GBT DCI at 39.4 s for codes = factors = 10 at 10k samples on a
2-core CPU (single-threaded, scikit-learn defaults) and 5-17 ms for Lasso importances.

    python benchmarks/dci_timing.py [--samples 10000] [--dim 10] [--repeats 3]

Writes benchmarks/results/dci_timing.json (commit, hardware, each timing, the D/C values).
"""
import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import write_json  # noqa: E402
from crl_nb.metrics import dci  # noqa: E402
from crl_nb.runner import environment  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--dim", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "dci_timing.json"))
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((a.samples, a.dim))
    codes = Z[:, rng.permutation(a.dim)] * rng.uniform(0.5, 2, a.dim) + 0.1 * rng.standard_normal((a.samples, a.dim))
    runs = {}
    for label, kw in [("lasso", dict(importance="lasso")), ("gbt_threads", dict(importance="gbt")),
                      ("gbt_1job", dict(importance="gbt", n_jobs=1))]:
        times, res = [], None
        reps = a.repeats if label == "lasso" else 1
        for _ in range(reps):
            t0 = time.perf_counter(); res = dci(codes, Z, **kw); times.append(time.perf_counter() - t0)
        runs[label] = {"seconds": min(times), "all_seconds": times, "disentanglement": res["disentanglement"],
                       "completeness": res["completeness"], "informativeness_r2": res["informativeness_r2"], **{k: v for k, v in kw.items()}}
        print(f"{label:12s} {min(times):8.3f} s   D={res['disentanglement']:.4f} C={res['completeness']:.4f} I={res['informativeness_r2']:.4f}", flush=True)
    import sklearn
    write_json(a.out, {"benchmark": "dci_timing", "samples": a.samples, "codes": a.dim, "factors": a.dim, "runs": runs,
                       "reference": {"gbt_seconds_reference": 39.4, "lasso_seconds_reference": [0.005, 0.017]},
                       "env": {**environment(), "scikit_learn": sklearn.__version__, "date": datetime.now(timezone.utc).isoformat()}})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
