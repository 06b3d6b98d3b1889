#!/usr/bin/env python
"""Seconds per ILCM training step (n = 5) under each speed option of crl_nb.models.ilcm, measured side by side.

One step = loss + backward + gradient clipping + Adam step, as in `train_pairs`, on one intra-op thread. For each
model state (a fresh model, and one trained for --trained-steps steps, whose intervention posterior is sharp), each
phase ('full': the solution functions on, soft hypotheses; 'hard': the argmax phase) and each batch size, the variants
run in alternating rounds (A B C ... A B C ...), each round --steps steps from the same saved state on the same
batches, and the median round gives seconds per step.

Variants (each adds one option to the one before):
  before     subnormals kept, every solution function on every hypothesis, every hypothesis in the hard phase
  +flush     subnormal floats flushed to zero (`flush_denormals`)
  +own       each solution function on its own hypothesis only (the library's `_log_prior`)
  +chosen    the hard phase evaluates only each pair's most probable hypothesis (`Schedule.hard_hypotheses`);
             in the 'full' phase it is the same as +own and is not run

    python benchmarks/ilcm_step.py [--rounds 7] [--steps 20] [--trained-steps 2000] [--batches 64 256]

Writes benchmarks/results/ilcm_step.json: settings, every round's seconds, medians, ratios to 'before', env.
"""
import argparse
import copy
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import flush_denormals, write_json  # noqa: E402
from crl_nb.data.synthetic import weakly_supervised  # noqa: E402
from crl_nb.models.ilcm import ILCM, Schedule, train_pairs  # noqa: E402
from crl_nb.runner import environment, hardware_summary  # noqa: E402

N = 5
VARIANTS = ("before", "+flush", "+own", "+chosen")
LOG2PI = float(torch.log(torch.tensor(2 * torch.pi)))


def std_normal_logpdf(x):
    "Elementwise log N(x; 0, 1)."
    return -0.5 * x ** 2 - 0.5 * LOG2PI


class AllSolutionsILCM(ILCM):
    "ILCM whose prior runs every solution function on every hypothesis and keeps the diagonal (the former code)."
    def _log_prior(self, eps, eps_t, solutions: bool):
        if not (solutions and self.solutions is not None): return super()._log_prior(eps, eps_t, solutions)
        H, B, n = eps.shape
        idx = torch.arange(n)
        z_t, b = self.solutions(eps_t[1:].reshape(n * B, n))
        z_t, b = z_t.reshape(n, B, n)[idx, :, idx], b.reshape(n, B, n)[idx, :, idx]
        lp = std_normal_logpdf(eps).sum(-1)
        return torch.cat([lp[:1], lp[1:] + std_normal_logpdf(z_t) + b], 0)


def settings(variant: str) -> dict:
    "The options of one variant."
    k = VARIANTS.index(variant)
    return dict(flush=k >= 1, own=k >= 2, hard_hypotheses="chosen" if k >= 3 else "all")


def make_round(model: ILCM, batches: list, phase: str, variant: str):
    "A closure that runs one round (len(batches) steps) of `variant` from `model`'s state and returns its seconds."
    opt = dict(settings(variant))
    cls = ILCM if opt["own"] else AllSolutionsILCM
    state = copy.deepcopy(model.state_dict())
    sched = Schedule(hard_hypotheses=opt["hard_hypotheses"])
    w = sched.at(80 if phase == "hard" else 50, 100)
    assert w["phase"] == phase, (w, phase)

    def run() -> float:
        m = cls(model.dim, model.n, "ilcm"); m.load_state_dict(state); m.train()
        adam = torch.optim.Adam(m.parameters(), lr=1e-4)
        g = torch.Generator().manual_seed(0)
        with flush_denormals(opt["flush"]):
            t0 = time.perf_counter()
            for x, xt in batches:
                loss, _ = m.loss(x, xt, w, generator=g)
                adam.zero_grad(set_to_none=True); loss.backward()
                nn.utils.clip_grad_norm_(m.parameters(), 10.0); adam.step()
            return time.perf_counter() - t0
    return run


def measure(model: ILCM, x, xt, batch: int, phase: str, a) -> dict:
    "Alternating rounds of every variant; medians in seconds per step and ratios to 'before'."
    g = torch.Generator().manual_seed(1)
    batches = [(x[i], xt[i]) for i in (torch.randint(0, len(x), (batch,), generator=g) for _ in range(a.steps))]
    variants = [v for v in VARIANTS if not (phase == "full" and v == "+chosen")]
    runs = {v: make_round(model, batches, phase, v) for v in variants}
    for v in variants: runs[v]()                                             # warm-up round, not counted
    rounds = {v: [] for v in variants}
    for _ in range(a.rounds):
        for v in variants: rounds[v].append(runs[v]() / a.steps)
    med = {v: statistics.median(r) for v, r in rounds.items()}
    return {"seconds_per_step": rounds, "median_ms": {v: 1e3 * m for v, m in med.items()},
            "speedup_vs_before": {v: med["before"] / m for v, m in med.items()}}


def subnormal_share(model: ILCM, x, xt) -> float:
    "Share of the intervention posterior's entries below the smallest normal float32 on 2,000 pairs."
    with torch.no_grad():
        xs, xts = model.standardize(x[:2000]), model.standardize(xt[:2000])
        q = model.intervention_posterior(model.encoder(xs)[0], model.encoder(xts)[0])
        return float(((q > 0) & (q < torch.finfo(torch.float32).tiny)).float().mean())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--trained-steps", type=int, default=2000)
    p.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    p.add_argument("--out", default=str(ROOT / "benchmarks/results/ilcm_step.json"))
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    data = weakly_supervised(N, 20000, seed=0)["arrays"]
    tr = data["split"] == 0
    x, xt = torch.as_tensor(data["x"][tr]).float(), torch.as_tensor(data["x_tilde"][tr]).float()
    torch.manual_seed(0)
    fresh = ILCM(x.shape[1], N, "ilcm"); fresh.set_standardization(torch.cat([x, xt]))
    trained = copy.deepcopy(fresh)
    hist = train_pairs(trained, x, xt, steps=a.trained_steps, batch_size=64, seed=0, log_every=a.trained_steps)
    out = {"settings": vars(a), "n_latents": N, "trained_loss": hist["loss"][-1],
           "subnormal_posterior_share": {"fresh": subnormal_share(fresh, x, xt),
                                         "trained": subnormal_share(trained, x, xt)},
           "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "results": {}}
    for state, model in [("fresh", fresh), ("trained", trained)]:
        for phase in ["full", "hard"]:
            for batch in a.batches:
                key = f"{state}.{phase}.b{batch}"
                r = measure(model, x, xt, batch, phase, a)
                out["results"][key] = r
                print(key, "  ".join(f"{v} {m:.2f} ms ({r['speedup_vs_before'][v]:.2f}x)"
                                    for v, m in r["median_ms"].items()), flush=True)
    out["env"] = environment(); out["hardware"] = hardware_summary(out["env"])
    write_json(a.out, out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
