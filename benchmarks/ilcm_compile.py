#!/usr/bin/env python
"""One training run of ILCM or DCRL on weakly supervised pairs, eager or compiled (`train_pairs(..., compile=True)`).

Time it as a whole process, eager against compiled in alternating runs, for example with GNU time:

    python benchmarks/ilcm_compile.py --model ilcm --n 10 --steps 20000
    python benchmarks/ilcm_compile.py --model ilcm --n 10 --steps 20000 --compile

The whole process counts: the compiled run pays for compiling its four phase graphs (pretraining, pairs, the solution
functions, the hard phase) out of its own time. The defaults are the DCRL study's paper budget for one model (n = 10,
100,000 pairs, 20,000 steps of 256 pairs). Each run also writes its training seconds, its scores on the held-out pairs
and the largest difference of its loss history from a run it finds with the other mode (same model, n, steps and seed)
to benchmarks/results/ilcm_compile/<model>_n<n>_s<steps>_<mode>.json, with commit and hardware.
"""
import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import write_json  # noqa: E402
from crl_nb.data.synthetic import weakly_supervised  # noqa: E402
from crl_nb.models.dcrl import DCRL  # noqa: E402
from crl_nb.models.ilcm import ILCM, evaluate_pairs, train_pairs  # noqa: E402
from crl_nb.runner import environment, hardware_summary  # noqa: E402

OUT = ROOT / "benchmarks/results/ilcm_compile"


def build(model: str, n: int):
    return DCRL(n, n, representation="point") if model == "dcrl" else ILCM(n, n, prior=model)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="ilcm", choices=["ilcm", "dvae", "beta_vae", "dcrl"])
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--pairs", type=int, default=100000)
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dci-samples", type=int, default=5000)
    p.add_argument("--compile", action="store_true", help="compile the loss (one graph per phase)")
    a = p.parse_args(argv)
    data = weakly_supervised(a.n, a.pairs, seed=a.seed)
    tr = data["arrays"]["split"] == 0
    torch.manual_seed(a.seed)
    model = build(a.model, a.n)
    t0 = time.perf_counter()
    hist = train_pairs(model, data["arrays"]["x"][tr], data["arrays"]["x_tilde"][tr], steps=a.steps,
                       batch_size=a.batch, seed=a.seed, log_every=max(1, a.steps // 100), desc=None, compile=a.compile)
    train_s = time.perf_counter() - t0
    scores = evaluate_pairs(model, data, dci_samples=a.dci_samples, seed=a.seed)
    mode = "compiled" if a.compile else "eager"
    out = {"benchmark": "ilcm_compile", "settings": vars(a), "mode": mode, "train_seconds": train_s,
           "scores": {k: v for k, v in scores.items() if isinstance(v, (int, float))}, "loss": hist["loss"],
           "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    other = OUT / f"{a.model}_n{a.n}_s{a.steps}_{'eager' if a.compile else 'compiled'}.json"
    o = json.loads(other.read_text()) if other.exists() else None
    if o is not None and o["settings"]["seed"] == a.seed and o["settings"]["pairs"] == a.pairs:
        out["largest_loss_difference_to_" + o["mode"]] = float(np.max(np.abs(np.array(o["loss"])
                                                                                - np.array(hist["loss"]))))
    out["env"] = environment(); out["hardware"] = hardware_summary(out["env"])
    path = write_json(OUT / f"{a.model}_n{a.n}_s{a.steps}_{mode}.json", out)
    print(f"{a.model} n={a.n} {mode}: trained {a.steps} steps in {train_s:.1f} s; DCI-D {scores['dci_d']:.3f}, "
          f"SHD {scores['shd']:.0f} -> {path}", flush=True)


if __name__ == "__main__":
    main()
