"""Print the key numbers of Diff-SCM experiment runs: python benchmarks/diffscm_summary.py [RUNS_ROOT] (default: the committed quick runs)."""
import glob, json, os, sys
root = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/diffscm_runs"
for d in sorted(glob.glob(f"{root}/diffscm_*/*")):
    if not os.path.exists(f"{d}/metrics.json"): continue
    m = json.load(open(f"{d}/metrics.json")); env = json.load(open(f"{d}/env.json"))
    print("==", d.split("/")[-2], d.split("/")[-1], "profile", m.get("profile"), "seed", m.get("seed"), "commit", env.get("commit", "")[:7], "dirty", env.get("dirty"),
          "seconds", round(env.get("seconds", 0)), env.get("cpu"), env.get("cpus"), "CPUs", env.get("gpus"))
    if d.split("/")[-2] == "diffscm_mnist":
        t = m["training"]
        print(f"  score {t['score_train_seconds']:.0f}s, guide {t['guide_train_seconds']:.0f}s; guide accuracy by t {m['guide_accuracy']}; independent classifier {m['measurement']['classifier']}")
        for s, e in m["scales"].items():
            print(f"  s={float(s):6g}: effectiveness {e['effectiveness']:.3f}  still original {e['still_original']:.3f}  AE error {e['ae_error_mean']:.4f}  L1 {e['l1_to_input']:.1f}"
                  f"  IM1 med {e['im1_median']:.3f} / mean {e['im1_mean']:.3f}  IM2 med {e['im2_median']:.4f} / mean {e['im2_mean']:.4f}  CLD {e['cld_mean']:.3f}"
                  f"  composition {({a: round(b, 1) for a, b in e.get('composition', {}).items()})}  ({e['seconds']:.0f}s)")
        print("  trade-off", m["trade_off"], "| reconstruction", m["reconstruction"])
        print("  reported at the CLD-selected s:", {k: round(m[k], 4) for k in ("im1", "im2", "cld", "effectiveness")})
    else:
        rows = [("oracle", m["oracle"]), ("CausalDiffAE", m["causaldiffae"]), ("DiffAE", m["diffae"])] + [(f"Diff-SCM s={float(s):g}", e) for s, e in m["diffscm"]["scales"].items()]
        for name, e in rows:
            print(f"  {name:16s} eff {e['effectiveness_mean']:.3f} {({do: {me: round(v, 3) for me, v in r.items()} for do, r in e['effectiveness'].items()})}"
                  f"  pixel {e['pixel_mae_mean']:.1f}  recon {e['reconstruction_pixel_mae']:.1f}  comp {({a: round(b, 1) for a, b in e.get('composition', {}).items()})}"
                  f"  rev {({a: round(b, 1) for a, b in e.get('reversibility', {}).items()})}  consistent {e['consistent']}")
            for a, b in e["moves"].items(): print(f"      moves {a}: corr {b['corr']:.3f} ok={b['ok']}")
            for a, b in e["stays"].items(): print(f"      stays {a}: {b['mean_abs_measured_change']:.3f} <= {b['tolerance']:.3f} ok={b['ok']}")
        print("  seconds", m["benchmark_seconds"], "| summary", json.dumps(m["summary"]))
    print("  targets", json.dumps(m.get("targets")))
