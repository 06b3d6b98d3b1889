#!/usr/bin/env python
"""Run the experiment notebooks in nbs/experiments headlessly with papermill.

Each run goes to runs/<experiment>/<run-id>/ with the executed notebook, the notebook's own outputs
(metrics.json, figures) and run.json (profile, parameters, status, commit, timings). Parameter names
are checked against the notebook's `parameters` cell before a kernel starts (papermill itself only warns).

    python scripts/run_experiments.py --profile quick                 # every experiment
    python scripts/run_experiments.py --only metrics_calibration --profile smoke -p seed 3
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "nbs" / "experiments"
PROFILES = ("smoke", "quick", "paper")


def experiments() -> dict[str, Path]:
    "Experiment notebooks by name (files starting with '_' or '.' are skipped)."
    return {p.stem: p for p in sorted(EXPERIMENTS.glob("*.ipynb")) if not p.name.startswith(("_", "."))}


def notebook_parameters(nb: Path) -> dict:
    import papermill as pm
    return pm.inspect_notebook(str(nb))


def git_state() -> tuple[str | None, bool | None]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
        return sha, dirty
    except Exception:
        return None, None


def run_one(name: str, nb: Path, profile: str, params: dict, out_root: Path, timeout: int) -> tuple[bool, Path]:
    import papermill as pm
    from crl_nb.core import write_json

    known = notebook_parameters(nb)
    if "profile" not in known or "out_dir" not in known:
        raise SystemExit(f"{nb}: the parameters cell must define 'profile' and 'out_dir'")
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise SystemExit(f"{name}: unknown parameter(s) {unknown}; valid parameters are {sorted(known)}")
    run_id = f"{datetime.now():%Y%m%d-%H%M%S}-{profile}"
    run_dir = out_root / name / run_id
    k = 1
    while run_dir.exists():
        run_dir = out_root / name / f"{run_id}-{k}"; k += 1
    run_dir.mkdir(parents=True)
    parameters = {**params, "profile": profile, "out_dir": str(run_dir)}
    sha, dirty = git_state()
    record = {"experiment": name, "profile": profile, "parameters": parameters, "commit": sha, "dirty": dirty,
              "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
              "started": datetime.now(timezone.utc).isoformat(), "status": "running"}
    write_json(run_dir / "run.json", record)
    t0 = time.time()
    print(f"[{name}] profile={profile} -> {run_dir.relative_to(ROOT) if run_dir.is_relative_to(ROOT) else run_dir}", flush=True)
    try:
        pm.execute_notebook(str(nb), str(run_dir / f"{name}.ipynb"), parameters=parameters, cwd=str(nb.parent),
                            kernel_name="python3", execution_timeout=timeout, progress_bar=False,
                            start_timeout=120)
        ok, error = True, None
    except Exception as e:  # papermill still writes the executed notebook with an error banner
        ok, error = False, f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
    record.update(status="ok" if ok else "failed", error=error, seconds=round(time.time() - t0, 2),
                  ended=datetime.now(timezone.utc).isoformat())
    write_json(run_dir / "run.json", record)
    print(f"[{name}] {'ok' if ok else 'FAILED: ' + str(error)} in {record['seconds']} s", flush=True)
    return ok, run_dir


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="quick", choices=PROFILES)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these experiments")
    ap.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                    help="override a parameter (VALUE is parsed as YAML: 3, 0.5, [5, 10], true)")
    ap.add_argument("--out-root", default=str(ROOT / "runs"), help="where run folders are created (default: runs/)")
    ap.add_argument("--timeout", type=int, default=3600, help="per-cell execution timeout in seconds")
    ap.add_argument("--list", action="store_true", help="list the experiments and their parameters")
    args = ap.parse_args(argv)

    exps = experiments()
    if args.list:
        for name, nb in exps.items():
            print(name)
            for p, info in notebook_parameters(nb).items():
                print(f"    {p} = {info['default']}  # {info.get('help', '')}")
        return 0
    if args.only:
        missing = [n for n in args.only if n not in exps]
        if missing:
            print(f"unknown experiment(s) {missing}; available: {sorted(exps)}", file=sys.stderr)
            return 2
        exps = {n: exps[n] for n in args.only}
    if not exps:
        print("no experiment notebooks in nbs/experiments")
        return 0
    params = {k: yaml.safe_load(v) for k, v in args.param}
    results = [run_one(n, nb, args.profile, params, Path(args.out_root).resolve(), args.timeout) for n, nb in exps.items()]
    failed = [str(d) for ok, d in results if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} experiment(s) ok" + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
