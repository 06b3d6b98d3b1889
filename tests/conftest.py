import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# progress bars off and a fixed device choice for reproducible test logs
os.environ.setdefault("CRL_NB_PROGRESS", "0")
# the suite runs on two workers (pytest.ini): one thread each, for them and for the kernels they start, so that two
# workers on two cores do not oversubscribe them (OpenMP threads spinning on a busy core slow small ops severalfold)
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")
# as the `crl-nb` command does: nbformat's schema checks no IRI, so jsonschema need not compile the grammars of one
from crl_nb.runner import without_iri_grammars  # noqa: E402
without_iri_grammars()

# The slowest library notebooks (they train their demonstrations; 18-38 s each on a 2-core CPU) start right after
# the grouped tests, longest first, so that the two workers end together instead of one finishing a long notebook
# alone at the end (pytest-xdist hands out tests in collection order).
SLOW_NOTEBOOKS = ("35_diffscm", "34_causaldiffae", "33_dcrl", "61_causaldiffae_study", "13_diffusion_toy", "32_ilcm",
                  "30_score_estimation", "70_runner", "36_causal_vae", "31_score_crl")


def pytest_collection_modifyitems(session, config, items):
    stale = [n for n in SLOW_NOTEBOOKS if not (ROOT / "nbs" / f"{n}.ipynb").exists()]
    if stale: raise pytest.UsageError(f"SLOW_NOTEBOOKS in tests/conftest.py names no notebook: {stale}")
    def rank(item):
        if item.get_closest_marker("xdist_group"): return 0
        name = item.name.removeprefix("test_notebook[").removesuffix(".ipynb]")
        return 1 + SLOW_NOTEBOOKS.index(name) if name in SLOW_NOTEBOOKS else 1 + len(SLOW_NOTEBOOKS)
    items.sort(key=rank)   # stable: the order within each rank is kept
