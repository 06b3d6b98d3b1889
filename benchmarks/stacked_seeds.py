#!/usr/bin/env python
"""Does training K seeds of a pair model as one stacked model pay on this CPU? One training step of K models of the
same shape (ILCM or DCRL, as `train_pairs` takes it: loss, backward, gradient clipping per model, Adam), either as K
separate models one after another or as one stacked model (`crl_nb.models.ilcm.StackedPairLoss`, the step of
`train_pairs_stacked`: `torch.func.stack_module_state` + `vmap` over the parameters, the batches and the random draws
of each model).

    python benchmarks/stacked_seeds.py [--k 3] [--n 5 10] [--batch 64 256] [--rounds 5] [--steps 5]

For each model, n, batch and training phase (pretrain, pairs, full, hard) it first checks that the stacked step is
the separate step: five steps from the same start, after which every model's parameters are compared with its
separate run. Then it times both in alternating rounds (one torch thread, as `train_pairs` trains) and reports the
median milliseconds of a step of all K models and the ratio separate / stacked (above 1: stacking is faster).

Writes benchmarks/results/stacked_seeds.json (settings, every timing, the differences, env with commit).
"""
import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import write_json  # noqa: E402
from crl_nb.models.dcrl import DCRL  # noqa: E402
from crl_nb.models.ilcm import ILCM, PairLoss, Schedule, StackedPairLoss  # noqa: E402
from crl_nb.runner import environment  # noqa: E402

PHASE_STEP = {"pretrain": 0, "pairs": 3000, "full": 12000, "hard": 19000}   # a step of each phase, of 20,000
LR, CLIP = 1e-3, 10.0


def build(kind: str, n: int, seed: int):
    torch.manual_seed(seed)
    return DCRL(n, n, representation="point") if kind == "dcrl" else ILCM(n, n, prior="ilcm")


def make_data(n: int, k: int, size: int = 2048):
    "One dataset of pairs per seed (as the study gives each seed its own data)."
    out = []
    for s in range(k):
        g = torch.Generator().manual_seed(100 + s)
        x = torch.randn(size, n, generator=g)
        out.append((x, x + 0.1 * torch.randn(size, n, generator=g)))
    return out


class Separate:
    "K models, each stepped by the library's own step (`PairLoss`, eager), as train_pairs steps it."
    def __init__(self, models, data):
        self.models, self.data = models, data
        for m, (x, xt) in zip(models, data): m.set_standardization(torch.cat([x, xt]))
        self.steps = [PairLoss(m, compile=False) for m in models]
        for pl in self.steps: pl.optimizer(LR)

    def step(self, w, idx, gens):
        for pl, (x, xt), g in zip(self.steps, self.data, gens):
            loss, parts = pl(x[idx], xt[idx], w, g)
            pl.opt.zero_grad(set_to_none=True); pl.backward(loss, parts); pl.step(CLIP)

    def params(self, k): return {name: p.detach() for name, p in self.models[k].named_parameters()}


class Stacked:
    "The same K models as one: the library's `StackedPairLoss` (parameters stacked, the loss vmapped over them)."
    def __init__(self, models, data):
        self.models, self.data = models, data
        for m, (x, xt) in zip(models, data): m.set_standardization(torch.cat([x, xt]))
        self.loss = StackedPairLoss(models)
        self.loss.optimizer(LR)

    def step(self, w, idx, gens):
        losses, parts = self.loss([x[idx] for x, _ in self.data], [xt[idx] for _, xt in self.data], w, gens)
        self.loss.opt.zero_grad(set_to_none=True); self.loss.backward(losses, parts); self.loss.step(CLIP)

    def params_of(self, k): return {name: p[k].detach() for name, p in self.loss.params.items()}


def run_steps(trainer, w, k, steps, batch, size, seed=0):
    gens = [torch.Generator().manual_seed(s) for s in range(k)]
    gi = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        trainer.step(w, torch.randint(0, size, (batch,), generator=gi), gens)


def compare(kind, n, batch, phase, k, steps=5):
    "Largest absolute difference of any parameter after `steps` stacked and separate steps from the same start."
    w = Schedule().at(PHASE_STEP[phase], 20000)
    data = make_data(n, k)
    sep = Separate([build(kind, n, s) for s in range(k)], data)
    stk = Stacked([build(kind, n, s) for s in range(k)], data)
    run_steps(sep, w, k, steps, batch, 2048); run_steps(stk, w, k, steps, batch, 2048)
    return max(float((sep.params(i)[name] - stk.params_of(i)[name]).abs().max())
               for i in range(k) for name in sep.params(i))


def time_pair(kind, n, batch, phase, k, rounds, steps):
    w = Schedule().at(PHASE_STEP[phase], 20000)
    data = make_data(n, k)
    runners = {"separate": Separate([build(kind, n, s) for s in range(k)], data),
               "stacked": Stacked([build(kind, n, s) for s in range(k)], data)}
    for r in runners.values(): run_steps(r, w, k, 2, batch, 2048)
    ms = {name: [] for name in runners}
    for _ in range(rounds):
        for name, r in runners.items():
            t0 = time.perf_counter(); run_steps(r, w, k, steps, batch, 2048)
            ms[name].append((time.perf_counter() - t0) / steps * 1e3)
    med = {name: statistics.median(v) for name, v in ms.items()}
    return {"ms_per_step_of_all_k": ms, "median_ms": med, "ratio_separate_over_stacked": med["separate"] / med["stacked"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=3, help="models (seeds) per stack")
    ap.add_argument("--models", nargs="+", default=["ilcm", "dcrl"], choices=["ilcm", "dcrl"])
    ap.add_argument("--n", type=int, nargs="+", default=[5, 10])
    ap.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5, help="steps per timed round")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "stacked_seeds.json"))
    a = ap.parse_args()
    if a.k < 2: ap.error("--k: stacking needs at least 2 models")
    torch.set_num_threads(1)
    rows = []
    for kind in a.models:
        for n in a.n:
            for batch in a.batch:
                for phase in PHASE_STEP:
                    diff = compare(kind, n, batch, phase, a.k)
                    t = time_pair(kind, n, batch, phase, a.k, a.rounds, a.steps)
                    rows.append({"model": kind, "n": n, "batch": batch, "phase": phase, "k": a.k,
                                 "max_param_difference_after_5_steps": diff, **t})
                    print(f"{kind:5s} n={n:2d} batch={batch:3d} {phase:8s}  separate {t['median_ms']['separate']:6.2f} ms"
                          f"  stacked {t['median_ms']['stacked']:6.2f} ms  ratio {t['ratio_separate_over_stacked']:.2f}"
                          f"  (parameters differ by {diff:.1e})", flush=True)
    write_json(a.out, {"benchmark": "stacked_seeds", "torch_threads": 1, "lr": LR, "grad_clip": CLIP, "rows": rows,
                       "env": {**environment(), "date": datetime.now(timezone.utc).isoformat()}})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
