import os
from pathlib import Path

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
