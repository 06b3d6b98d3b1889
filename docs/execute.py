"""Execute library notebooks in place so that they are committed with their outputs.

    python docs/execute.py                   # every library notebook in nbs/ (not experiments, findings, reports)
    python docs/execute.py 10_diffusion ...  # some of them, by file stem

Each notebook runs top to bottom in a fresh kernel started in `nbs/`, with one thread per BLAS / OpenMP pool
(the setting the tests use, so printed values are the same as in the test run), figures as PNG at a small
resolution, and then `nbdev-clean` strips execution counts and metadata. A failing cell stops that notebook and
leaves the file as it was; the others still run."""
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
THREADS = {k: "1" for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
QUIET = {"CRL_NB_PROGRESS": "0"}  # no progress bars in committed outputs


def library_notebooks():
    "The notebooks in nbs/ itself: the library, exported into crl_nb."
    return sorted(p for p in NBS.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def execute(path: Path, timeout: int = 1200) -> float:
    "Run `path` in place with outputs; return seconds. Raises on the first failing cell, writing nothing."
    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NBS)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])  # no TCP notice per kernel
    client.execute()
    nbformat.write(nb, path)
    return time.time() - t0


def main(argv):
    os.environ.update(THREADS | QUIET)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    todo = library_notebooks()
    if argv:
        by_stem = {p.stem: p for p in todo}
        unknown = [a for a in argv if a not in by_stem and Path(a).stem not in by_stem]
        if unknown: sys.exit(f"execute.py: not a library notebook: {', '.join(unknown)} (known: {', '.join(by_stem)})")
        todo = [by_stem[Path(a).stem] for a in argv]
    failed = []
    for p in todo:
        try:
            print(f"{p.name:34s} {execute(p):7.1f} s", flush=True)
        except Exception as e:  # report and go on with the next notebook
            failed.append(p.name)
            print(f"{p.name:34s} FAILED: {str(e).splitlines()[-1] if str(e) else type(e).__name__}", flush=True)
    subprocess.run([str(Path(sys.executable).with_name("nbdev-clean"))], cwd=ROOT, check=True)
    if failed: sys.exit(f"failed: {' '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
