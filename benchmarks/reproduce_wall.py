#!/usr/bin/env python
"""`make reproduce` measured whole: `crl-nb reproduce --force --jobs N` into a fresh runs folder, its wall-clock time,
each study's own seconds and thread setting, and how far each study's numbers moved from its newest committed run.

    python benchmarks/reproduce_wall.py [--profile quick] [--jobs 2] [--runs-root DIR] [--only NAME ...]
    python benchmarks/reproduce_wall.py --no-run --runs-root DIR --jobs N [--only NAME ...]

--no-run reads the runs that an earlier `crl-nb reproduce --jobs N --runs-root DIR` left there instead of running;
the wall time is then the span from the first run's start to the last run's end (env.json, whole seconds).

The runs go to --runs-root (default: a new temporary folder, left in place for inspection). Every numeric value of a
run's metrics.json is compared with the same value of the newest committed run of that study
(benchmarks/results/**, as benchmarks/reproduce_time.py finds them): the JSON records, per study, how many values
were compared, the median absolute difference and the five largest ones. A difference there mixes what the thread
count and the hardware change (float rounding that training carries forward), not a change of code.

Writes benchmarks/results/reproduce_wall_<profile>_jobs<N>[_subset].json (with commit, dirty flag and hardware; _subset
when --only names the studies).
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from crl_nb.runner import environment, find_runs, hardware_summary, read_json, runnable
from compare_runs import gap, leaves, timed
from reproduce_time import newest_runs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def compare(new: dict, old: dict) -> dict:
    "How far the numbers of `new` moved from `old` (shared numeric leaves only; seconds and timings left out)."
    a, b = leaves(new), leaves(old)
    keys = [k for k in a if k in b and not timed(k)]
    diffs = sorted(((gap(a[k], b[k]), k) for k in keys), reverse=True)
    return {"compared": len(keys), "median_abs_diff": statistics.median(d for d, _ in diffs) if diffs else None,
            "largest": [{"value": k, "new": a[k], "committed": b[k]} for _, k in diffs[:5]]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="quick", choices=["smoke", "quick", "paper"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs-root", default=None)
    ap.add_argument("--only", nargs="+", default=None)
    ap.add_argument("--no-run", action="store_true", help="read the runs already in --runs-root")
    args = ap.parse_args()
    if args.jobs < 1: ap.error(f"--jobs: expected a positive integer, got {args.jobs}")
    if args.no_run and not args.runs_root: ap.error("--no-run: give --runs-root, the folder of the runs to read")
    root = Path(args.runs_root or tempfile.mkdtemp(prefix="reproduce_wall_"))
    cli = Path(sys.executable).parent / "crl-nb"
    cmd = [str(cli), "reproduce", "--profile", args.profile, "--jobs", str(args.jobs), "--force",
           "--runs-root", str(root)] + (["--only", *args.only] if args.only else [])
    if not args.no_run:
        print("running:", " ".join(cmd), flush=True)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, cwd=ROOT).returncode
        wall = time.perf_counter() - t0
    committed, rows, spans = newest_runs(args.profile), [], []
    for s in args.only or runnable():
        runs = find_runs(s, root)
        if not runs: rows.append({"study": s, "status": "missing"}); continue
        env = read_json(runs[-1] / "env.json")
        spans.append((datetime.fromisoformat(env["started"]), datetime.fromisoformat(env["ended"])))
        row = {"study": s, "status": env["status"], "seconds": env.get("seconds"),
               "omp_num_threads": env.get("omp_num_threads"), "run": str(runs[-1]),
               "run_commit": env.get("commit"), "run_dirty": env.get("dirty"), "hardware": hardware_summary(env)}
        old = committed.get(s)
        if env["status"] == "ok" and old:
            row["committed_run"] = old["path"]
            row["committed_hardware"] = hardware_summary(old)
            row["vs_committed"] = compare(read_json(runs[-1] / "metrics.json"), read_json(ROOT / old["path"] /
                                                                                          "metrics.json"))
        rows.append(row)
        print(f"{s:26s} {row['status']:8s} {row.get('seconds') or 0:8.1f} s  threads {row.get('omp_num_threads')}"
              + (f"  median |diff| {row['vs_committed']['median_abs_diff']:.3g} over "
                 f"{row['vs_committed']['compared']} values" if "vs_committed" in row else ""), flush=True)
    if args.no_run:
        rc, wall = None, (max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds()
    env = environment()
    out = RESULTS / f"reproduce_wall_{args.profile}_jobs{args.jobs}{'_subset' if args.only else ''}.json"
    made_by = cmd[1:] if not args.no_run else f"read from {root}: runs an earlier reproduce --jobs {args.jobs} made"
    out.write_text(json.dumps({"command": made_by, "ran_here": not args.no_run, "exit_code": rc,
                               "wall_seconds": round(wall, 1),
                               "sum_of_study_seconds": round(sum(r.get("seconds") or 0 for r in rows), 1),
                               "jobs": args.jobs, "profile": args.profile, "hardware": hardware_summary(env),
                               "commit": env.get("commit"), "dirty": env.get("dirty"), "studies": rows},
                              indent=2) + "\n")
    print(f"wall {wall / 60:.1f} min (exit {rc}); wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
