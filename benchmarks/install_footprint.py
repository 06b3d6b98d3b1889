#!/usr/bin/env python
"""Install footprint of crl_nb's core and of each extra: how many distributions they bring and their size on disk.

Each set is the closure of the requirements in the built wheel's metadata over the distributions installed in this
environment (unconditional requirements followed transitively), measured from their installed files. crl_nb itself
is not counted.

    python benchmarks/install_footprint.py

Writes benchmarks/results/install_footprint.json (commit, hardware, per set: packages, MB).
"""
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from test_wheel import closure, requires  # noqa: E402  (the same resolution the wheel test installs)


def size_mb(dists) -> float:
    total = 0
    for d in dists:
        for f in d.files or []:
            p = Path(d.locate_file(f))
            if p.is_file(): total += p.stat().st_size
    return round(total / 2**20, 1)


def main():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--disable-pip-version-check", "-w", out, str(ROOT)], check=True)
        whl = next(Path(out).glob("crl_nb-*.whl"))
        core = requires(whl)
        sets = {"torch (for comparison)": ["torch"], "core": core, **{f"core + {x}": core + requires(whl, x)
                                 for x in ("data", "notebooks", "docs", "ray", "dev")}}
    results = {}
    for name, reqs in sets.items():
        try: dists = closure(reqs)
        except Exception as e:
            results[name] = {"error": f"{type(e).__name__}: {e}"}; continue
        results[name] = {"packages": len(dists), "mb": size_mb(dists.values())}
        print(f"{name:18s} {len(dists):4d} packages {results[name]['mb']:8.1f} MB")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    out = {"commit": commit.strip(), "python": platform.python_version(), "machine": platform.machine(),
           "torch": __import__("importlib.metadata").metadata.version("torch"), "sets": results}
    path = ROOT / "benchmarks" / "results" / "install_footprint.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
