"""Every library notebook in nbs/ (outside nbs/experiments/) runs top to bottom through nbdev's runner,
one pytest case per notebook. Cells flagged with a word of `tst_flags` (notest, slow) are skipped, as nbdev-test does."""
from pathlib import Path

import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook  # aliased so pytest does not collect it

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "nbs").rglob("*.ipynb")
                   if "experiments" not in p.relative_to(ROOT / "nbs").parts
                   and not any(part.startswith(("_", ".")) for part in p.relative_to(ROOT / "nbs").parts))


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"00_core.ipynb", "01_graphs.ipynb", "02_scm.ipynb", "03_metrics.ipynb"} <= names


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook(nb):
    skip = get_config(path=ROOT).tst_flags.split()
    ok, seconds = run_notebook(nb, skip_flags=skip, basepath=str(ROOT))
    assert ok, f"{nb.name} failed (traceback above)"
