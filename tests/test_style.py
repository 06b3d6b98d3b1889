"""The house style that keeps notebooks readable, as checks: no code cell of a library notebook over 80 lines (one idea
per cell), no function of the package over 80 lines, and no code line over 119 characters (diffusers' line length) in
any notebook or module. Each check names every offender, so a failure says where to look."""
import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
MAX_CELL, MAX_FUNCTION, MAX_LINE = 80, 80, 119


def code_cells(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]


def notebooks() -> list[Path]:
    return sorted(p for p in NBS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def modules() -> list[Path]:
    return sorted(p for p in (ROOT / "crl_nb").rglob("*.py") if p.name != "_modidx.py" and "__pycache__" not in p.parts)


def long_cells(nb: Path, limit: int = MAX_CELL, root: Path = ROOT) -> list[str]:
    return [f"{nb.relative_to(root)} code cell {i}: {n} lines"
            for i, n in enumerate(len(c.splitlines()) for c in code_cells(nb)) if n > limit]


def long_lines(name: str, text: str, limit: int = MAX_LINE) -> list[str]:
    return [f"{name} line {i + 1}: {len(l)} characters" for i, l in enumerate(text.splitlines()) if len(l) > limit]


def hand_written(module: str) -> str:
    """A module's text with what nbdev writes itself blanked: the docstring of line 1 (the notebook's description) and
    the `__all__` list, which nbdev wraps at its own width."""
    lines = module.splitlines()
    if lines and lines[0].startswith('"""'): lines[0] = ""
    for node in ast.parse(module).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            for i in range(node.lineno - 1, node.end_lineno): lines[i] = ""
    return "\n".join(lines)


def long_functions(path: Path, limit: int = MAX_FUNCTION, root: Path = ROOT) -> list[str]:
    return [f"{path.relative_to(root)}: {n.name} has {n.end_lineno - n.lineno + 1} lines"
            for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > limit]


def test_the_checks_find_what_they_look_for(tmp_path):
    "Each check on a planted offender, so that a check that finds nothing cannot pass by accident."
    nb = tmp_path / "nbs" / "x.ipynb"; nb.parent.mkdir()
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": ["a = 1\n"] * 81},
                                        {"cell_type": "markdown", "source": ["text\n"] * 200}]}))
    assert long_cells(nb, root=tmp_path) == ["nbs/x.ipynb code cell 0: 81 lines"]
    mod = tmp_path / "m.py"
    mod.write_text("def f():\n" + "    x = 1\n" * 80 + "def g():\n    return 1\n")
    assert long_functions(mod, root=tmp_path) == ["m.py: f has 81 lines"]
    assert long_lines("t", "x" * 119 + "\n" + "y" * 120) == ["t line 2: 120 characters"]
    generated = '"""' + "d" * 200 + '"""\n__all__ = [' + "'a', " * 40 + "]\nx = '" + "c" * 120 + "'\n"
    assert long_lines("m", hand_written(generated)) == ["m line 3: 126 characters"]


def test_library_notebook_cells_are_small():
    library = [p for p in notebooks() if p.parent == NBS]
    assert len(library) > 20
    assert [m for nb in library for m in long_cells(nb)] == []


def test_package_functions_are_small():
    assert [m for p in modules() for m in long_functions(p)] == []


@pytest.mark.parametrize("kind", ["notebooks", "modules"])
def test_code_lines_are_short(kind):
    if kind == "notebooks":
        found = [m for nb in notebooks() for i, c in enumerate(code_cells(nb))
                 for m in long_lines(f"{nb.relative_to(ROOT)} code cell {i}", c)]
    else:
        found = [m for p in modules() for m in long_lines(str(p.relative_to(ROOT)), hand_written(p.read_text()))]
    assert found == []
