"""Every library notebook in nbs/ runs top to bottom through nbdev's runner, one pytest case per notebook.
Folders holding a `.notest` file (nbs/experiments, nbs/reports) are skipped, as nbdev-test does: experiments run
through papermill at the smoke profile in test_experiments.py. Cells flagged with a word of `tst_flags` are skipped."""
from pathlib import Path

import pytest
from nbdev.config import get_config
from nbdev.test import test_nb as run_notebook  # aliased so pytest does not collect it

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"


def _skipped(p: Path) -> bool:
    rel = p.relative_to(NBS)
    if any(part.startswith(("_", ".")) for part in rel.parts): return True
    return any((NBS / Path(*rel.parts[:k]) / ".notest").exists() for k in range(len(rel.parts)))


NOTEBOOKS = sorted(p for p in NBS.rglob("*.ipynb") if not _skipped(p))


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"00_core.ipynb", "01_graphs.ipynb", "02_scm.ipynb", "03_metrics.ipynb", "70_runner.ipynb"} <= names
    assert not any("experiments" in p.parts or "reports" in p.parts for p in NOTEBOOKS)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook(nb):
    skip = get_config(path=ROOT).tst_flags.split()
    ok, seconds = run_notebook(nb, skip_flags=skip, basepath=str(ROOT))
    assert ok, f"{nb.name} failed (traceback above)"
