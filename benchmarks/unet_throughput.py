#!/usr/bin/env python
"""Training throughput and memory of crl_nb.nets.UNet ('cpu-tiny') against diffusers' UNet2DModel of the same shape.

Both models: 28x28x1 input, channels (32, 64, 64), one ResBlock per level, no attention, scale-shift (FiLM) time
conditioning, GroupNorm(32). One training step = forward + MSE against random targets + backward + AdamW step.

    python benchmarks/unet_throughput.py [--batch 64] [--steps 5] [--rounds 3]
    python benchmarks/unet_throughput.py --peak-rss ours|diffusers      # internal: one step in this process, prints JSON

Sections (each a key of the results dict, each a function of the parsed args, run in this order):
  peak_rss          peak RSS of one training step per model, each in a fresh subprocess. It runs first: Linux carries a
                    process's ru_maxrss across fork + exec, so a child started from a big parent would report the
                    parent's peak; VmHWM from /proc/self/status (the child's own peak) is recorded as a cross-check
  train_throughput  images/s, measured alternately (ours, diffusers, ours, ...) for --rounds rounds of --steps steps,
                    in float32 and, on a CPU with native bfloat16 arithmetic, under bf16 autocast
                    (as Trainer(bf16=True))
  conv_bound        FLOPs of one training step's convolutions and linear layers (torch's FlopCounterMode) over its
                    float32 time, against the rate of a large float32 matrix product on the same threads: how close
                    to the machine's float32 limit a step already is
  bf16_quality      the same UNet trained as a DDPM on MNIST in float32 and in bf16 (same seed, data and steps), then
                    both scored in float32 on held-out images: what bf16 costs in denoising error
  sampling_throughput  DDIM sampling and inversion (50 steps, eta 0) images/s, ours and diffusers' schedulers + UNet2DModel
Parameter counts (asserted within 10 %) are always computed. Add a section by writing `def my_section(a) -> dict`
and listing it in SECTIONS.

Writes benchmarks/results/unet_throughput.json (settings, parameter counts, every timing, env).
"""
import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from crl_nb.core import write_json  # noqa: E402
from crl_nb.nets import UNet, n_params  # noqa: E402
from crl_nb.runner import environment  # noqa: E402
from crl_nb.train import bf16_supported  # noqa: E402

IMAGE_SIZE, CHANNELS = 28, 1
MODELS = ("ours", "diffusers")


def build(which: str) -> torch.nn.Module:
    "The 'cpu-tiny' UNet, or diffusers' UNet2DModel configured to the same channels and blocks."
    torch.manual_seed(0)
    if which == "ours": return UNet.preset("cpu-tiny", CHANNELS, IMAGE_SIZE)
    if which != "diffusers": raise ValueError(f"model: unknown {which!r}; valid: {', '.join(MODELS)}")
    from diffusers import UNet2DModel
    return UNet2DModel(sample_size=IMAGE_SIZE, in_channels=CHANNELS, out_channels=CHANNELS, block_out_channels=(32, 64, 64),
                       layers_per_block=1, down_block_types=("DownBlock2D",) * 3, up_block_types=("UpBlock2D",) * 3,
                       add_attention=False, norm_num_groups=32, resnet_time_scale_shift="scale_shift")


def forward(which: str, model, x, t):
    return model(x, t) if which == "ours" else model(x, t).sample


def precisions() -> tuple:
    "float32, plus bf16 autocast where the CPU computes in bfloat16 natively."
    return ("fp32", "bf16") if bf16_supported("cpu") else ("fp32",)


def make_step(which: str, model, batch: int, precision: str = "fp32"):
    """A closure running one training step on fixed random inputs (the data cost is not timed); `precision="bf16"`
    runs the forward pass under CPU bf16 autocast, as `Trainer(bf16=True)` does."""
    g = torch.Generator().manual_seed(1)
    x = torch.randn(batch, CHANNELS, IMAGE_SIZE, IMAGE_SIZE, generator=g)
    target = torch.randn(x.shape, generator=g)
    t = torch.randint(0, 1000, (batch,), generator=g)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        with (torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()):
            out = forward(which, model, x, t)
        loss = F.mse_loss(out.float(), target)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        return loss.item()
    return step


def param_counts() -> dict:
    counts = {m: n_params(build(m)) for m in MODELS}
    print(f"parameters: ours {counts['ours']:,}   diffusers {counts['diffusers']:,}", flush=True)
    assert abs(counts["ours"] / counts["diffusers"] - 1) <= 0.10, counts
    return counts


def train_throughput(a) -> dict:
    """Median images/s of each model and precision; rounds alternate between them so drifts in machine load hit
    all. Ratios are against diffusers in float32, and between the two models at equal precision."""
    variants = [f"{m}_{p}" for p in precisions() for m in MODELS]
    steps = {}
    for v in variants:
        m, p = v.rsplit("_", 1)
        steps[v] = make_step(m, build(m), a.batch, p)
    for v in variants:
        for _ in range(a.warmup): steps[v]()
    rates = {v: [] for v in variants}
    for r in range(a.rounds):
        for v in variants:
            t0 = time.perf_counter()
            for _ in range(a.steps): steps[v]()
            rates[v].append(a.batch * a.steps / (time.perf_counter() - t0))
        print(f"round {r + 1}/{a.rounds}: " + "   ".join(f"{v} {rates[v][-1]:6.1f}" for v in variants) + " img/s",
              flush=True)
    med = {v: statistics.median(x) for v, x in rates.items()}
    ratios = {f"{v}_over_diffusers_fp32": med[v] / med["diffusers_fp32"] for v in variants if v != "diffusers_fp32"}
    ratios.update({f"ours_over_diffusers_{p}": med[f"ours_{p}"] / med[f"diffusers_{p}"] for p in precisions()})
    print("median img/s: " + "   ".join(f"{v} {med[v]:.1f}" for v in variants), flush=True)
    print("ratios: " + "   ".join(f"{k} {r:.3f}" for k, r in ratios.items()), flush=True)
    return {"batch": a.batch, "steps_per_round": a.steps, "rounds": a.rounds, "warmup_steps": a.warmup,
            "torch_threads": torch.get_num_threads(), "images_per_s": rates, "median_images_per_s": med,
            "ratios": ratios, "ratio_ours_over_diffusers": ratios["ours_over_diffusers_fp32"]}


def conv_bound(a) -> dict:
    """GFLOP/s of a float32 training step of each model (convolution and linear FLOPs, forward and backward, counted
    by torch) against a 1024×1024 float32 matrix product on the same threads."""
    from torch.utils.flop_counter import FlopCounterMode
    g = torch.Generator().manual_seed(3)
    A, B = torch.randn(1024, 1024, generator=g), torch.randn(1024, 1024, generator=g)
    A @ B
    t0 = time.perf_counter()
    for _ in range(20): A @ B
    peak = 2 * 1024 ** 3 * 20 / (time.perf_counter() - t0) / 1e9
    out = {"matmul_gflops": peak}
    for m in MODELS:
        step = make_step(m, build(m), a.batch)
        with FlopCounterMode(display=False) as fc: step()
        flops = fc.get_total_flops()
        for _ in range(a.warmup): step()
        times = []
        for _ in range(a.rounds):
            t0 = time.perf_counter()
            for _ in range(a.steps): step()
            times.append((time.perf_counter() - t0) / a.steps)
        rate = flops / statistics.median(times) / 1e9
        out[m] = {"gflop_per_step": flops / 1e9, "step_seconds": statistics.median(times), "gflops": rate,
                  "fraction_of_matmul": rate / peak}
        print(f"{m:9s} {flops / 1e9:6.2f} GFLOP per step in {statistics.median(times) * 1e3:6.1f} ms: "
              f"{rate:6.1f} GFLOP/s = {rate / peak:.2f} of a float32 matmul ({peak:.1f} GFLOP/s)", flush=True)
    return out


def bf16_quality(a) -> dict:
    """Train the UNet as an epsilon-prediction DDPM on MNIST with crl_nb's Trainer, float32 and bf16 (same seed,
    data and steps), then score both in float32 on held-out images at fixed timesteps and noise."""
    from crl_nb.data.mnist import generate
    from crl_nb.diffusion import make_schedule
    from crl_nb.train import Trainer
    if not bf16_supported("cpu"): return {"skipped": "no native bfloat16 arithmetic on this CPU"}
    sched = make_schedule("linear", 1000)
    data = generate(seed=0)["arrays"]                   # the 5,000 bundled digits, split 80 / 10 / 10
    x = torch.as_tensor(data["x"]).float() / 127.5 - 1
    x_tr, x_te = x[data["split"] == 0], x[data["split"] == 2]
    g = torch.Generator().manual_seed(4)
    t_te = torch.randint(0, 1000, (len(x_te),), generator=g)
    n_te = torch.randn(x_te.shape, generator=g)

    def loss_fn(model, x, gen):
        t = torch.randint(0, 1000, (len(x),), generator=gen)
        noise = torch.randn(x.shape, generator=gen)
        return F.mse_loss(model(sched.q_sample(x, t, noise), t).float(), noise)

    out = {"train_images": len(x_tr), "steps": a.quality_steps, "batch": a.batch, "test_images": len(x_te)}
    for p in ("fp32", "bf16"):
        model = build("ours")
        T = Trainer(model, loss_fn, x_tr, batch_size=a.batch, lr=2e-4, max_steps=a.quality_steps, ema_decay=None,
                    seed=0, device="cpu", bf16=p == "bf16", log_every=10 ** 9)
        t0 = time.perf_counter(); T.fit(); secs = time.perf_counter() - t0
        with torch.no_grad(): mse = F.mse_loss(model.eval()(sched.q_sample(x_te, t_te, n_te), t_te), n_te).item()
        out[p] = {"train_seconds": secs, "test_mse": mse, "last_train_loss": T.history["loss"][-1]}
        print(f"{p}: {a.quality_steps} steps in {secs:.1f} s, held-out epsilon MSE {mse:.4f}", flush=True)
    out["test_mse_ratio_bf16_over_fp32"] = out["bf16"]["test_mse"] / out["fp32"]["test_mse"]
    out["speed_ratio_bf16_over_fp32"] = out["fp32"]["train_seconds"] / out["bf16"]["train_seconds"]
    return out


def _rss_mb() -> float:
    "Current resident set size in MB (Linux /proc)."
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _vmhwm_mb() -> float:
    "This process's own peak RSS (VmHWM, Linux), not inherited across exec."
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def peak_rss_child(which: str, batch: int) -> dict:
    "Run in a fresh process: RSS after imports, after building the model, and the peak after one training step."
    if which == "diffusers": import diffusers  # noqa: F401  (count the import before the model)
    out = {"model": which, "batch": batch, "rss_after_import_mb": _rss_mb()}
    model = build(which)
    out.update(rss_after_build_mb=_rss_mb(), maxrss_after_build_mb=_maxrss_mb())
    make_step(which, model, batch)()
    out.update(maxrss_after_step_mb=_maxrss_mb(), vmhwm_after_step_mb=_vmhwm_mb(), rss_after_step_mb=_rss_mb())
    out["step_increment_mb"] = out["maxrss_after_step_mb"] - out["rss_after_build_mb"]
    return out


def peak_rss(a) -> dict:
    "One subprocess per model, so neither sees the other's allocations or the parent's."
    res = {}
    for m in MODELS:
        cp = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--peak-rss", m, "--batch", str(a.batch)],
                            capture_output=True, text=True, cwd=ROOT, check=True)
        res[m] = json.loads(cp.stdout.strip().splitlines()[-1])
        r = res[m]
        print(f"peak RSS {m:9s}: after build {r['rss_after_build_mb']:7.1f} MB   peak after step {r['maxrss_after_step_mb']:7.1f} MB"
              f" (VmHWM {r['vmhwm_after_step_mb']:.1f})   step +{r['step_increment_mb']:.1f} MB", flush=True)
    return res


def sampling_throughput(a) -> dict:
    """DDIM sampling and DDIM inversion, 50 steps at eta=0, images/s under torch.no_grad: ours (crl_nb.diffusion with
    the cpu-tiny UNet) and, for reference, diffusers' DDIMScheduler / DDIMInverseScheduler with its UNet2DModel."""
    from diffusers import DDIMInverseScheduler, DDIMScheduler
    from crl_nb.diffusion import ddim_invert, ddim_sample, make_schedule
    sched = make_schedule("linear", 1000)
    cfg = dict(num_train_timesteps=1000, beta_schedule="linear", beta_start=1e-4, beta_end=0.02, clip_sample=False,
               set_alpha_to_one=True, steps_offset=0, timestep_spacing="leading", prediction_type="epsilon")
    x = torch.randn(a.sample_batch, CHANNELS, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(2))
    out = {}
    for m in MODELS:
        model = build(m).eval()
        eps = (lambda xx, tt, model=model: model(xx, tt)) if m == "ours" else (lambda xx, tt, model=model: model(xx, tt).sample)
        def sample():
            if m == "ours": return ddim_sample(eps, sched, x, steps=a.sample_steps)
            s = DDIMScheduler(**cfg); s.set_timesteps(a.sample_steps); y = x
            for t in s.timesteps: y = s.step(eps(y, t.expand(len(y))), t, y).prev_sample
            return y
        def invert():
            if m == "ours": return ddim_invert(eps, sched, x, steps=a.sample_steps)[0]
            s = DDIMInverseScheduler(**cfg); s.set_timesteps(a.sample_steps); y = x
            for t in s.timesteps: y = s.step(eps(y, t.expand(len(y))), t, y).prev_sample
            return y
        with torch.no_grad():
            res = {}
            for name, fn in (("ddim_sample", sample), ("ddim_invert", invert)):
                times = []
                for _ in range(a.sample_rounds):
                    t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
                res[name] = {"seconds": times, "images_per_s": a.sample_batch / min(times)}
        out[m] = res
        print(f"{m:9s} DDIM {a.sample_steps} steps: sample {res['ddim_sample']['images_per_s']:.2f} img/s, "
              f"invert {res['ddim_invert']['images_per_s']:.2f} img/s (batch {a.sample_batch}, best of {a.sample_rounds})", flush=True)
    return {"batch": a.sample_batch, "steps": a.sample_steps, "rounds": a.sample_rounds, **out}


SECTIONS = {"peak_rss": peak_rss, "train_throughput": train_throughput, "conv_bound": conv_bound,
            "sampling_throughput": sampling_throughput, "bf16_quality": bf16_quality}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--sample-batch", type=int, default=32, help="images per DDIM sampling / inversion run")
    ap.add_argument("--sample-steps", type=int, default=50)
    ap.add_argument("--sample-rounds", type=int, default=2)
    ap.add_argument("--quality-steps", type=int, default=300, help="training steps of each bf16_quality model")
    ap.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {', '.join(SECTIONS)}")
    ap.add_argument("--peak-rss", choices=MODELS, help="internal: measure one training step in this process and print JSON")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "unet_throughput.json"))
    a = ap.parse_args()
    if a.peak_rss:
        print(json.dumps(peak_rss_child(a.peak_rss, a.batch))); return
    names = [s for s in a.sections.split(",") if s]
    unknown = [s for s in names if s not in SECTIONS]
    if unknown: ap.error(f"--sections: unknown {unknown}; valid: {', '.join(SECTIONS)}")
    names = [s for s in SECTIONS if s in names]           # peak_rss first (see the module docstring)
    results = {}
    if "peak_rss" in names: results["peak_rss"] = peak_rss(a)
    results["parameters"] = param_counts()
    for name in names:
        if name not in results: results[name] = SECTIONS[name](a)
    import diffusers
    write_json(a.out, {"benchmark": "unet_throughput", "image_size": IMAGE_SIZE, "channels": CHANNELS, "results": results,
                       "env": {**environment(), "diffusers": diffusers.__version__, "date": datetime.now(timezone.utc).isoformat()}})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
