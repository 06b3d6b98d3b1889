"""Reader-facing text cites papers and says nothing of how the project was made.

Checked: every markdown cell and code comment of every notebook in nbs/, every string constant of the package
(docstrings, error messages, table labels: the report's text comes from these), README.md and docs/*.md.
Forbidden: the internal reference file, the words "issue(s)", "the seeds" / "seed paper(s)" / `seeds/` (random
`seed`s are fine), run-folder names and commit hashes in prose; and control characters in markdown cells (a
backslash that Python read as an escape: `\\top` becoming TAB + "op"). Every arXiv link is well formed and every
paper the notebooks link appears in the bibliography."""
import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = re.compile(r"papers\.md|\bissues?\b|\bseeds/|\bthe seeds\b|\bseed papers?\b"
                       r"|\b\d{8}-\d{6}-(?:smoke|quick|paper)-[0-9a-f]{12}\b|\bcommits? [0-9a-f]{7,40}\b", re.I)
HASH = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
ARXIV = re.compile(r"arxiv\.org/abs/([^)\s\]>\"']+)", re.I)


def notebooks():
    return sorted(p for p in (ROOT / "nbs").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _comments(code: str):
    for line in code.splitlines():
        s = line.strip()
        if s.startswith("#") and not s.startswith("#|"): yield s
        elif "  # " in line: yield line.split("  # ", 1)[1]


def notebook_texts():
    "(where, text, is_markdown) for every markdown cell and code comment."
    for p in notebooks():
        for i, c in enumerate(json.loads(p.read_text())["cells"]):
            src = "".join(c["source"])
            where = f"{p.relative_to(ROOT)} cell {i}"
            if c["cell_type"] == "markdown": yield where, src, True
            else:
                for com in _comments(src): yield where, com, False


def package_strings():
    for p in sorted((ROOT / "crl_nb").rglob("*.py")):
        if p.name == "_modidx.py": continue
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{p.relative_to(ROOT)}:{node.lineno}", node.value


def docs_texts():
    for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        yield str(p.relative_to(ROOT)), p.read_text()


def _found(items):
    return [f"{where}: {m.group(0)!r}" for where, text in items for m in FORBIDDEN.finditer(text)]


def test_notebooks_say_nothing_of_the_project_history():
    bad = _found((w, t) for w, t, _ in notebook_texts())
    bad += [f"{w}: hash-like {m.group(0)!r}" for w, t, md in notebook_texts() if md for m in HASH.finditer(t)]
    assert not bad, "\n".join(bad)


def test_package_strings_say_nothing_of_the_project_history():
    bad = _found(package_strings())
    assert not bad, "\n".join(bad)


def test_readme_and_docs_pages():
    assert not _found(docs_texts()), "\n".join(_found(docs_texts()))


def test_no_control_characters_in_markdown():
    bad = [f"{w}: {CONTROL.search(t).group(0)!r} near {t[max(0, CONTROL.search(t).start() - 30):][:50]!r}"
           for w, t, md in notebook_texts() if md and CONTROL.search(t)]
    assert not bad, "\n".join(bad)


def test_arxiv_links_are_well_formed_and_in_the_bibliography():
    bib = (ROOT / "docs" / "bibliography.md").read_text()
    in_bib = set(ARXIV.findall(bib))
    cited = {(w, a) for w, t, md in notebook_texts() if md for a in ARXIV.findall(t)}
    malformed = sorted(f"{w}: {a}" for w, a in cited if not re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?", a))
    assert not malformed, "\n".join(malformed)
    missing = sorted({a.split("v")[0] for _, a in cited} - in_bib)
    assert not missing, f"cited in notebooks, absent from docs/bibliography.md: {missing}"
    assert len(in_bib) >= 20


@pytest.mark.parametrize("text,bad", [("see papers.md §3", True), ("as the issue asks", True),
                                      ("the seeds' recipe", True), ("run 20261124-000040-quick-b2c19d38600f", True),
                                      ("seed = 0; five seeds", False), ("a tissue sample", False)])
def test_the_rule_itself(text, bad):
    assert bool(FORBIDDEN.search(text)) == bad
