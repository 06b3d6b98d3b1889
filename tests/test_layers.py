"""The package's layers: a module imports only modules of lower layers, and no private name of another module.

A module's layer is the number of the notebook it is exported from (`nbs/34_causaldiffae.ipynb` -> 34; a letter after the
number sorts after it: 11a comes after 11). Because every import must point to a strictly lower layer, the import graph
has no cycle, and the notebooks can be read in their numbered order: each one uses only what came before it.
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "crl_nb"
HEADER = re.compile(r"File to edit: [./]*nbs/(?:[\w/]*/)?(\d+)([a-z]?)_\w+\.ipynb")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(path: Path):
    "(number, letter) of the notebook that exports `path`, or None for a file no notebook exports."
    m = HEADER.search(path.read_text()[:600])
    return (int(m.group(1)), m.group(2)) if m else None


def modules() -> dict:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py")) if "__pycache__" not in p.parts and p.name != "_modidx.py"}


def imports(path: Path, mods: dict):
    """(imported crl_nb module, names taken from it, line) for every import statement in `path`, at any depth
    (imports inside functions count: they are dependencies all the same)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "crl_nb": yield a.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "crl_nb": continue
            names = [a.name for a in node.names]
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]      # `from crl_nb.models import ilcm`
            if subs:
                for s in subs: yield s, [], node.lineno
            else:
                yield target, names, node.lineno


def _graph():
    mods = modules()
    return mods, {m: list(imports(p, mods)) for m, p in mods.items()}


def test_every_module_comes_from_a_numbered_notebook():
    mods = modules()
    orphans = [m for m, p in mods.items() if p.name != "__init__.py" and layer_of(p) is None]
    assert not orphans, f"modules that no numbered notebook exports: {orphans}"


def test_imports_point_down_the_layers():
    mods, graph = _graph()
    bad = []
    for m, deps in graph.items():
        lm = layer_of(mods[m])
        if lm is None: continue
        for target, _, line in deps:
            if target == m: continue                      # a function-level import of the module's own names
            if target == "crl_nb" or target not in mods:
                if target != "crl_nb": bad.append(f"{m}:{line} imports {target}, which does not exist")
                continue
            lt = layer_of(mods[target])
            if lt is not None and not lt < lm:
                bad.append(f"{m} (layer {lm[0]}{lm[1]}) imports {target} (layer {lt[0]}{lt[1]}) at line {line}")
    assert not bad, "upward or sideways imports:\n" + "\n".join(bad)


def test_no_import_cycle():
    mods, graph = _graph()
    edges = {m: {t for t, _, _ in deps if t in mods and t != m} for m, deps in graph.items()}
    state, stack = {}, []

    def visit(m):
        state[m] = "open"; stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                cycle = stack[stack.index(t):] + [t]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if t not in state: visit(t)
        state[m] = "done"; stack.pop()

    for m in sorted(edges):
        if m not in state: visit(m)


@pytest.mark.parametrize("where", ["crl_nb", "benchmarks"])
def test_no_private_name_is_imported_from_another_module(where):
    mods = modules()
    files = sorted((ROOT / where).rglob("*.py"))
    bad = []
    for p in files:
        if "__pycache__" in p.parts or p.name == "_modidx.py": continue
        me = module_name(p) if where == "crl_nb" else None
        for target, names, line in imports(p, mods):
            if target == me: continue
            bad += [f"{p.relative_to(ROOT)}:{line} imports {n} from {target}" for n in names if n.startswith("_") and n != "__version__"]
    assert not bad, "private names used across modules (make them public, or move them):\n" + "\n".join(bad)


def test_the_checker_sees_a_violation(tmp_path):
    "The parser behind these tests finds relative, absolute and function-level imports (so the tests above can fail)."
    mods = {"crl_nb.a": None, "crl_nb.models.b": None, "crl_nb.models": None}
    f = tmp_path / "crl_nb" / "models" / "c.py"
    f.parent.mkdir(parents=True)
    f.write_text("from ..a import x, _y\nfrom crl_nb.models import b\ndef g():\n    from .b import _z\n    import crl_nb.a\n")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try: found = sorted((t, tuple(n)) for t, n, _ in imports(f, mods))
    finally: ROOT = old
    assert found == [("crl_nb.a", ()), ("crl_nb.a", ("x", "_y")), ("crl_nb.models.b", ()), ("crl_nb.models.b", ("_z",))]
