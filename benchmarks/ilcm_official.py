#!/usr/bin/env python
"""Seconds per ILCM training step (n = 5): crl_nb's `ILCM` against the authors' implementation, side by side.

The authors' code (Brehmer, de Haan, Lippe & Cohen, "Weakly supervised causal representation learning", NeurIPS
2022, arXiv:2203.16437; github.com/Qualcomm-AI-research/weakly-supervised-causal-representation-learning) is read
from a local copy given by --official; it needs `nflows` importable (a copy of its `nflows/` package folder next to
`ws_crl/` is enough). Nothing of it is part of crl_nb. Both models are built to the authors' "scaling" widths (MLPs
of 2 x 64 units for the encoder, the decoder and the solution functions) and train on the same pairs.

One step is what each training loop does per batch: the forward pass and loss (the authors' `ILCM.forward` with
`VAEMetrics`, including its logged metrics; ours `ILCM.loss`), backward, gradient clipping at 10 and an Adam step,
on one intra-op thread. The 'full' phase is the interventional prior through the solution functions with a soft
intervention posterior; the 'hard' phase is the argmax intervention encoder. States: fresh, and after
--trained-steps steps of each model's own phased training. In alternating rounds (ours, theirs, ours, ...) of
--steps steps from the same saved state, the median round gives seconds per step. Our step is also timed as
`train_pairs(..., compile=True)` runs it ('ours compiled': the loss compiled, in the untimed warm-up round, and
Adam's fused kernel with foreach clipping).

    python benchmarks/ilcm_official.py --official /path/to/weakly-supervised-causal-representation-learning

Writes benchmarks/results/ilcm_official.json: settings, every round, medians and the ratio theirs / ours.
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
from crl_nb.models.ilcm import ILCM, PairLoss, Schedule, train_pairs  # noqa: E402
from crl_nb.runner import environment, hardware_summary  # noqa: E402

N = 5
# the authors' scaling configuration (config/training/scaling.yaml) in the two phases measured here
THEIR_PHASES = {"full": dict(beta=1.0, beta_intervention_target=1.0, pretrain_beta=1e-3, full_likelihood=False,
                             likelihood_reduction="sum", pretrain=False, model_interventions=True,
                             deterministic_intervention_encoder=False, intervention_encoder_offset=1e-4,
                             graph_mode="deterministic", graph_temperature=1.0, graph_samples=1),
                "hard": None}
THEIR_PHASES["hard"] = dict(THEIR_PHASES["full"], deterministic_intervention_encoder=True)
THEIR_REG = dict(z_regularization_amount=0.0, consistency_regularization_amount=0.01,
                 intervention_entropy_regularization_amount=1.0)


def official_modules(path: str):
    "Import the authors' classes from a local copy of their repository."
    sys.path.insert(0, str(Path(path).resolve()))
    from ws_crl.causal.implicit_scm import MLPImplicitSCM
    from ws_crl.causal.interventions import HeuristicInterventionEncoder
    from ws_crl.encoder import GaussianEncoder
    from ws_crl.lcm import ILCM as TheirILCM
    from ws_crl.training import VAEMetrics
    return dict(scm=MLPImplicitSCM, intervention_encoder=HeuristicInterventionEncoder, encoder=GaussianEncoder,
                ilcm=TheirILCM, metrics=VAEMetrics)


def build_official(m: dict, dim: int, n: int):
    "The authors' ILCM at their scaling widths (config/model/scaling_ilcm.yaml)."
    scm = m["scm"](graph_parameterization="none", manifold_thickness=0.01, hidden_units=64, hidden_layers=2,
                   homoskedastic=False, dim_z=n, min_std=0.2)
    enc = m["encoder"](hidden=[64, 64], input_features=dim, output_features=n, fix_std=False, init_std=0.01,
                       min_std=1e-4)
    dec = m["encoder"](hidden=[64, 64], input_features=n, output_features=dim, fix_std=False, init_std=0.1,
                       min_std=1e-3)
    return m["ilcm"](scm, encoder=enc, decoder=dec, intervention_encoder=m["intervention_encoder"](),
                     intervention_prior=None, averaging_strategy="stochastic", dim_z=n)


def official_step(model, criteria, adam, x1, x2, labels, phase: dict):
    "One step of the authors' training loop (experiments/scaling.py: forward, VAEMetrics, optimizer_step)."
    log_prob, outputs = model(x1, x2, **phase)
    loss, _ = criteria(log_prob, true_intervention_labels=labels, **THEIR_REG, **outputs)
    adam.zero_grad(); loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 10.0, error_if_nonfinite=True).item()
    adam.step()


def official_phase_at(step: int, total: int) -> dict:
    "The authors' epoch schedule (pretrain 10 epochs, interventions from 30, deterministic from 60, of 90)."
    f = step / total
    base = THEIR_PHASES["hard" if f >= 60 / 90 else "full"]
    return dict(base, pretrain=f < 10 / 90, model_interventions=f >= 30 / 90,
                beta=min(1.0, max(0.0, (f - 10 / 90) / (10 / 90))))


def train_official(model, m, x, xt, labels, steps: int, batch: int):
    "Train the authors' model for `steps` steps of its own phased schedule (Adam at 3e-4, their initial rate)."
    criteria, adam = m["metrics"](dim_z=N), torch.optim.Adam(model.parameters(), lr=3e-4)
    g = torch.Generator().manual_seed(2)
    model.train()
    for step in range(steps):
        i = torch.randint(0, len(x), (batch,), generator=g)
        ph = official_phase_at(step, steps)
        official_step(model, criteria, adam, x[i], xt[i], labels[i], dict(ph, beta_intervention_target=ph["beta"]))


def rounds_ours(model: ILCM, batches, phase: str, compiled: bool = False):
    """A closure running one round of our step from `model`'s state, as `train_pairs` runs it (`PairLoss`);
    `compiled`: with `compile=True`. The compiled variant keeps one module and reloads the state into it in place,
    so that its graph is compiled once, in the warm-up round, and not timed."""
    state = copy.deepcopy(model.state_dict())
    w = Schedule().at(80 if phase == "hard" else 50, 100)
    keep = ILCM(model.dim, model.n, "ilcm") if compiled else None
    compiled_loss = PairLoss(keep) if compiled else None

    def run() -> float:
        mm = keep if compiled else ILCM(model.dim, model.n, "ilcm")
        mm.load_state_dict(state); mm.train()
        step_loss = compiled_loss or PairLoss(mm, compile=False)
        step_loss.optimizer(1e-4)                         # fused Adam when compiled, as train_pairs has it
        g = torch.Generator().manual_seed(0)
        with flush_denormals(True):
            t0 = time.perf_counter()
            for x, xt, _ in batches:
                loss, parts = step_loss(x, xt, w, g)
                step_loss.opt.zero_grad(set_to_none=True); step_loss.backward(loss, parts)
                step_loss.step(10.0)
            return time.perf_counter() - t0
    return run


def rounds_theirs(model, m, batches, phase: str, flush: bool):
    "A closure running one round of the authors' step from `model`'s state."
    state = copy.deepcopy(model.state_dict())

    def run() -> float:
        mm = build_official(m, batches[0][0].shape[1], N); mm.load_state_dict(state); mm.train()
        criteria, adam = m["metrics"](dim_z=N), torch.optim.Adam(mm.parameters(), lr=1e-4)
        torch.manual_seed(0)
        with flush_denormals(flush):
            t0 = time.perf_counter()
            for x, xt, lab in batches:
                official_step(mm, criteria, adam, x, xt, lab, THEIR_PHASES[phase])
            return time.perf_counter() - t0
    return run


def measure(ours, theirs, m, data, batch: int, phase: str, a) -> dict:
    "Alternating rounds; medians in ms per step and the ratio theirs / ours."
    x, xt, lab = data
    g = torch.Generator().manual_seed(1)
    idx = [torch.randint(0, len(x), (batch,), generator=g) for _ in range(a.steps)]
    batches = [(x[i], xt[i], lab[i]) for i in idx]
    runs = {"ours": rounds_ours(ours, batches, phase),
            "ours compiled": rounds_ours(ours, batches, phase, compiled=True),
            "theirs": rounds_theirs(theirs, m, batches, phase, flush=False),
            "theirs+flush": rounds_theirs(theirs, m, batches, phase, flush=True)}
    for r in runs.values(): r()                                                 # warm-up round, not counted
    sec = {k: [] for k in runs}
    for _ in range(a.rounds):
        for k, r in runs.items(): sec[k].append(r() / a.steps)
    med = {k: 1e3 * statistics.median(v) for k, v in sec.items()}
    return {"seconds_per_step": sec, "median_ms": med,
            "theirs_over_ours": med["theirs"] / med["ours"],
            "theirs_flushed_over_ours": med["theirs+flush"] / med["ours"],
            "theirs_over_ours_compiled": med["theirs"] / med["ours compiled"]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--official", required=True, help="local copy of the authors' repository (holds ws_crl/)")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--trained-steps", type=int, default=2000)
    p.add_argument("--batches", type=int, nargs="+", default=[64, 256])
    p.add_argument("--out", default=str(ROOT / "benchmarks/results/ilcm_official.json"))
    a = p.parse_args(argv)
    if not (Path(a.official) / "ws_crl").is_dir():
        p.error(f"--official: {a.official!r} does not hold the authors' ws_crl/ package")
    m = official_modules(a.official)
    torch.set_num_threads(1)
    d = weakly_supervised(N, 20000, seed=0)["arrays"]
    tr = d["split"] == 0
    x, xt = torch.as_tensor(d["x"][tr]).float(), torch.as_tensor(d["x_tilde"][tr]).float()
    lab = torch.as_tensor(d["targets"][tr]).long() + 1                          # 0: no intervention, i + 1: z_i
    torch.manual_seed(0)
    ours = ILCM(x.shape[1], N, "ilcm"); ours.set_standardization(torch.cat([x, xt]))
    theirs = build_official(m, x.shape[1], N)
    states = {"fresh": (copy.deepcopy(ours), copy.deepcopy(theirs))}
    t0 = time.perf_counter()
    train_pairs(ours, x, xt, steps=a.trained_steps, batch_size=64, seed=0, log_every=a.trained_steps)
    ours.train()
    train_official(theirs, m, x, xt, lab, a.trained_steps, 64)
    print(f"trained both for {a.trained_steps} steps in {time.perf_counter() - t0:.0f} s", flush=True)
    states["trained"] = (ours, theirs)
    results = {}
    for state, (o, t) in states.items():
        for phase in ("full", "hard"):
            for b in a.batches:
                r = results[f"{state}.{phase}.b{b}"] = measure(o, t, m, (x, xt, lab), b, phase, a)
                print(f"{state}.{phase}.b{b}: ours {r['median_ms']['ours']:.2f} ms, theirs "
                      f"{r['median_ms']['theirs']:.2f} ms ({r['theirs_over_ours']:.2f}x), theirs with subnormals "
                      f"flushed {r['median_ms']['theirs+flush']:.2f} ms ({r['theirs_flushed_over_ours']:.2f}x); ours "
                      f"compiled {r['median_ms']['ours compiled']:.2f} ms ({r['theirs_over_ours_compiled']:.2f}x)",
                      flush=True)
    out = {"benchmark": "ilcm_official", "n": N, "settings": vars(a) | {"official": "local copy"},
           "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "results": results}
    out["env"] = environment(); out["hardware"] = hardware_summary(out["env"])
    write_json(Path(a.out), out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
