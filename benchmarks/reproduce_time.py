#!/usr/bin/env python
"""How long `make reproduce` (every study at the quick profile) takes: the newest committed successful quick run of
each study, its wall-clock seconds and hardware, and their sum.

    python benchmarks/reproduce_time.py [--profile quick]

Reads benchmarks/results/*_runs/<study>/<run-id>/env.json (crl_nb.runner.committed_run_roots);
writes benchmarks/results/reproduce_time_<profile>.json.
"""
import argparse
import json
import subprocess
from pathlib import Path

from crl_nb.runner import committed_run_roots, hardware_summary, newest_timed_run, read_json, runnable

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def newest_runs(profile: str) -> dict:
    "{study: env of its newest successful committed run at `profile`}."
    out = {}
    for study in runnable():
        run = newest_timed_run(study, profile, committed_run_roots())
        if run: out[study] = {**read_json(run / "env.json"), "path": str(run.relative_to(ROOT))}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="quick", choices=["smoke", "quick", "paper"])
    args = ap.parse_args()
    runs, studies = newest_runs(args.profile), runnable()
    rows, total = [], 0.0
    for s in studies:
        env = runs.get(s)
        if env is None: print(f"{s:26s} no committed {args.profile} run"); continue
        total += env["seconds"]
        rows.append({"study": s, "seconds": env["seconds"], "hardware": hardware_summary(env), "run": env["path"]})
        print(f"{s:26s} {env['seconds'] / 60:7.1f} min  {hardware_summary(env)}")
    missing = [s for s in studies if s not in runs]
    print(f"total {total / 60:.0f} min over {len(rows)} of {len(studies)} studies"
          + (f"; without a committed run: {', '.join(missing)}" if missing else ""))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    out = RESULTS / f"reproduce_time_{args.profile}.json"
    out.write_text(json.dumps({"commit": commit.strip(), "profile": args.profile, "total_seconds": round(total, 1),
                               "studies": rows, "missing": missing}, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
