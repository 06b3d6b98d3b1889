"""Print the key numbers of CausalDiffAE experiment runs: python benchmarks/causaldiffae_summary.py [RUNS_ROOT] (default: the committed quick runs)."""
import json, glob, sys
root = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/causaldiffae_runs"
for d in sorted(glob.glob(f"{root}/causaldiffae_*/*quick*")):
    import os
    if not os.path.exists(f"{d}/metrics.json"): continue
    m = json.load(open(f"{d}/metrics.json")); env = json.load(open(f"{d}/env.json"))
    print("==", d.split("/")[-2], d.split("/")[-1], "commit", env.get("commit", "")[:7], "dirty", env.get("dirty"), "seconds", round(env.get("seconds", 0)), env.get("cpu"), env.get("cpus"), "CPUs", env.get("gpus"))
    for k in ("causaldiffae", "diffae", "label"):
        e = m[k]; dci = e.get("dci", {})
        print(f"  {k:12s} train {e['train_seconds']:5.0f}s  DCI D/C/I {dci.get('disentanglement', float('nan')):.3f}/{dci.get('completeness', float('nan')):.3f}/{dci.get('informativeness_r2', float('nan')):.3f}"
              f"  eff {e['effectiveness_mean']:.3f}  pixel {e['pixel_mae_mean']:.1f}  recon {e['reconstruction_pixel_mae']:.1f}  comp {({a: round(b, 1) for a, b in e['composition'].items()})}"
              f"  rev {({a: round(b, 1) for a, b in e.get('reversibility', {}).items()})}  consistent {e['consistent']}")
        for a, b in e["moves"].items(): print(f"      moves {a}: corr {b['corr']:.3f} (measured |Δ| {b['mean_abs_measured_change']:.3f}, true {b['mean_abs_true_change']:.3f}) ok={b['ok']}")
        for a, b in e["stays"].items(): print(f"      stays {a}: {b['mean_abs_measured_change']:.3f} <= {b['tolerance']:.3f} ok={b['ok']} (vs factual {b['mean_abs_change_vs_factual']:.3f})")
        print("      effectiveness", {do: {me: round(v, 3) for me, v in row.items()} for do, row in e["effectiveness"].items()})
    print("  oracle floor", round(m["oracle"]["effectiveness_mean"], 3), {do: {me: round(v, 3) for me, v in row.items()} for do, row in m["oracle"]["effectiveness"].items()})
    for a, v in m["abduction"].items(): print(f"  abduction {a}: eff {v['effectiveness_mean']:.3f} pixel {v['pixel_mae_mean']:.1f} comp {({x: round(y, 1) for x, y in v.get('composition', {}).items()})} consistent {v['consistent']}")
    w = m["weak"]; print(f"  weak ({w['labelled_fraction']:.0%} labels, {w['steps']} steps): DCI-D {w['dci']['disentanglement']:.3f}; eff by omega", {a: round(b["effectiveness_mean"], 3) for a, b in w["omega"].items()})
    print("  measurers", {a: round(b["resolution_normalised"], 4) for a, b in m["measurers"].items()})
    print("  targets", json.dumps(m["targets"]))
