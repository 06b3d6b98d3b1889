#!/usr/bin/env python
"""Two runs of one study side by side: their settings that differ, their wall-clock seconds, and whether every number
they recorded (metrics.json, and runs.json where the study writes one) is the same.

    python benchmarks/compare_runs.py RUN_A RUN_B --name NAME

RUN_A and RUN_B are run folders (runs/<study>/<run-id>/). Writes benchmarks/results/compare_runs/<NAME>.json with each
run's parameters, seconds, thread setting, commit, dirty flag and hardware, the seconds ratio A/B, the numeric values
compared (times left out) and every one that differs, with both values.
"""
import argparse
import json
import math
from pathlib import Path

from crl_nb.runner import hardware_summary, read_json

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "compare_runs"


def leaves(d, prefix=""):
    "{dotted path: float} of every number (not bool) in a nested dict / list."
    out = {}
    if isinstance(d, dict):
        for k, v in d.items(): out.update(leaves(v, f"{prefix}{k}."))
    elif isinstance(d, list):
        for i, v in enumerate(d): out.update(leaves(v, f"{prefix}{i}."))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        out[prefix[:-1]] = float(d)
    return out


def timed(key: str) -> bool: return "second" in key or "time" in key


def gap(x: float, y: float) -> float:
    "|x - y|; two NaNs (not yet defined in either run) are the same, a NaN and a number infinitely apart."
    if math.isnan(x) or math.isnan(y): return 0.0 if math.isnan(x) and math.isnan(y) else math.inf
    return abs(x - y)


def facts(run: Path) -> dict:
    env = read_json(run / "env.json")
    return {"run": str(run), "parameters": read_json(run / "parameters.json"), "seconds": env.get("seconds"),
            "omp_num_threads": env.get("omp_num_threads"), "commit": env.get("commit"), "dirty": env.get("dirty"),
            "status": env.get("status"), "hardware": hardware_summary(env)}


def numbers(run: Path) -> dict:
    "Every number the run recorded, by file and dotted path; seconds and timings left out."
    out = {}
    for name in ("metrics.json", "runs.json"):
        if (run / name).exists():
            out.update({f"{name}:{k}": v for k, v in leaves(read_json(run / name)).items() if not timed(k)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--name", required=True, help="the result file's name (without .json)")
    args = ap.parse_args()
    for r in (args.a, args.b):
        if not (r / "env.json").exists(): ap.error(f"{r}: not a run folder (no env.json)")
    a, b = facts(args.a), facts(args.b)
    na, nb = numbers(args.a), numbers(args.b)
    shared = [k for k in na if k in nb]
    differ = [{"value": k, "a": na[k], "b": nb[k]} for k in shared if gap(na[k], nb[k]) > 0]
    pa, pb = a["parameters"], b["parameters"]
    settings = {k: [pa.get(k), pb.get(k)] for k in set(pa) | set(pb) if pa.get(k) != pb.get(k)}
    result = {"a": a, "b": b, "settings_that_differ": settings,
              "seconds_a_over_b": round(a["seconds"] / b["seconds"], 4) if a["seconds"] and b["seconds"] else None,
              "values_compared": len(shared), "only_in_one": len(set(na) ^ set(nb)), "values_that_differ": differ}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"settings that differ: {settings}")
    print(f"seconds: A {a['seconds']}, B {b['seconds']} (A/B {result['seconds_a_over_b']})")
    out = (OUT / f"{args.name}.json").relative_to(ROOT)
    print(f"{len(shared)} values compared, {len(differ)} differ; written to {out}")


if __name__ == "__main__":
    main()
