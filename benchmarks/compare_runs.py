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
from reproduce_wall import leaves

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "compare_runs"


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
            out.update({f"{name}:{k}": v for k, v in leaves(read_json(run / name)).items()
                        if "second" not in k and "time" not in k})
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
    same = lambda x, y: x == y or (math.isnan(x) and math.isnan(y))      # noqa: E731  (NaN: not yet defined)
    differ = [{"value": k, "a": na[k], "b": nb[k]} for k in shared if not same(na[k], nb[k])]
    pa, pb = a["parameters"], b["parameters"]
    settings = {k: [pa.get(k), pb.get(k)] for k in set(pa) | set(pb) if pa.get(k) != pb.get(k)}
    result = {"a": a, "b": b, "settings_that_differ": settings,  # a value NaN in both counts as the same
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
