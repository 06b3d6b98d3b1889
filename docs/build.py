"""Build the documentation site into _docs/html (`make docs`); `--serve` also serves it on localhost.

    python docs/build.py            # build (incremental: only changed pages are rendered again)
    python docs/build.py --clean    # from nothing
    python docs/build.py --serve    # build, then serve on http://127.0.0.1:8000

The site is made from the project's own files and needs no network, neither to build nor to read:
- the library notebooks of nbs/ with the outputs they are committed with (nbdev's `#| hide` cells removed,
  `#| export` markers dropped), in notebook order;
- the experiment notebooks of nbs/experiments, each followed by the tables and figures of the newest committed
  run of each of its studies in benchmarks/results (the quick profile where there is one);
- the findings notebooks, the reproduction report (the report notebook executed over the committed results,
  cached until those change), an API reference generated from the docstrings, and the bibliography;
- MathJax 3 from docs/node_modules (installed from the npm registry by `npm ci` in docs/, see docs/package.json).

Generated sources go to _docs/src and are rewritten only when their content changes, so that Sphinx, which keeps
its environment in _docs/.doctrees, renders again only the pages whose source changed."""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS, NBS = ROOT / "docs", ROOT / "nbs"
OUT = ROOT / "_docs"
SRC, HTML, TREES, VENDOR = OUT / "src", OUT / "html", OUT / ".doctrees", OUT / "vendor"
RESULTS = ROOT / "benchmarks" / "results"
MATHJAX = DOCS / "node_modules" / "mathjax" / "es5"

# library notebooks grouped for the navigation, by their number
SECTIONS = [("Foundations", 0, 9), ("Diffusion", 10, 19), ("Data and oracles", 20, 29), ("Models", 30, 49),
            ("Evaluation and studies", 50, 79), ("Report and command line", 80, 99)]


def sync(path: Path, data) -> bool:
    "Write `data` (str or bytes) to `path` only if it differs; True when written."
    data = data.encode() if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == data: return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# ---------------------------------------------------------------------------------------------------------------
# notebooks: nbdev directives become MyST-NB cell tags

_DIRECTIVE = re.compile(r"^#\|\s*([\w-]+)\s*:?\s*(.*)$")


def page_cell(cell: dict) -> dict | None:
    "The cell as the site shows it, or None to leave it out (nbdev's `default_exp` and `hide`)."
    cell = json.loads(json.dumps(cell))
    cell.get("metadata", {}).pop("nbdev", None)
    if cell["cell_type"] != "code": return cell
    lines = "".join(cell["source"]).split("\n")
    tags, k = list(cell.get("metadata", {}).get("tags", [])), 0
    while k < len(lines) and (m := _DIRECTIVE.match(lines[k].strip())):
        name, value = m.group(1), m.group(2).strip().lower()
        if name in ("default_exp", "hide"): return None
        if name == "echo" and value == "false": tags.append("remove-input")
        if name == "output" and value == "false": tags.append("remove-output")
        k += 1
    body = "\n".join(lines[k:]).strip("\n")
    if not body: return None
    cell["source"] = body
    if tags: cell.setdefault("metadata", {})["tags"] = sorted(set(tags))
    return cell


def page_notebook(nb: dict, extra: list | None = None) -> str:
    "The notebook `nb` (loaded JSON) as a site page, with markdown cells `extra` appended."
    cells = [c for c in (page_cell(c) for c in nb["cells"]) if c is not None]
    for text in extra or []:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
    for i, c in enumerate(cells): c["id"] = f"c{i:03d}"
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def library_notebooks() -> list[Path]:
    return sorted(p for p in NBS.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def number(p: Path) -> int:
    m = re.match(r"(\d+)", p.stem)
    return int(m.group(1)) if m else 99


def title(nb_path: Path) -> str:
    "The notebook's first `# heading`."
    for c in json.loads(nb_path.read_text())["cells"]:
        if c["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", "".join(c["source"]), re.M)
            if m: return m.group(1).strip()
    return nb_path.stem


# ---------------------------------------------------------------------------------------------------------------
# experiments: the notebook, then what its newest committed runs measured

def run_folders(study: str) -> list[Path]:
    "Committed run folders of `study` (benchmarks/results/<family>_runs/<study>/<run-id>/)."
    return sorted(p for d in RESULTS.glob(f"*/{study}") if d.is_dir() for p in d.iterdir()
                  if (p / "env.json").exists())


def newest_run(study: str) -> Path | None:
    "The newest successful committed run of `study`: quick profile if any, else any profile."
    ok = [p for p in run_folders(study) if json.loads((p / "env.json").read_text()).get("status") == "ok"]
    quick = [p for p in ok if json.loads((p / "env.json").read_text()).get("profile") == "quick"]
    pick = quick or ok
    return max(pick, key=lambda p: p.name) if pick else None


def _flat(d, prefix=""):
    "Scalar leaves of nested dicts as (dotted key, value)."
    if isinstance(d, dict):
        for k, v in d.items(): yield from _flat(v, f"{prefix}{k}.")
    elif isinstance(d, (int, float, str)):
        yield prefix[:-1], d


def _cell(v) -> str:
    if isinstance(v, float): v = f"{v:.4g}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def results_markdown(study: str, run: Path, image_dir: Path, rel: str, max_rows: int = 60) -> str:
    "A markdown section: where the numbers come from, the scalar metrics, and every figure of the run."
    env = json.loads((run / "env.json").read_text())
    metrics = json.loads((run / "metrics.json").read_text()) if (run / "metrics.json").exists() else {}
    facts = [("run", run.name), ("profile", env.get("profile")), ("seed", env.get("seed")),
             ("commit", str(env.get("commit"))[:12]), ("seconds", env.get("seconds")),
             ("hardware", env.get("hardware") or env.get("device") or env.get("platform"))]
    out = [f"### `{study}`", "", "| run facts | |", "|---|---|"]
    out += [f"| {k} | {_cell(v)} |" for k, v in facts if v is not None]
    rows = [(k, v) for k, v in _flat(metrics) if not isinstance(v, str) or len(v) < 60]
    if rows:
        out += ["", f"Scalar metrics (`metrics.json`, {len(rows)} values"
                + (f", the first {max_rows} shown" if len(rows) > max_rows else "") + "):", "",
                "| metric | value |", "|---|---|"]
        out += [f"| `{k}` | {_cell(v)} |" for k, v in rows[:max_rows]]
    for png in sorted(run.glob("*.png")):
        sync(image_dir / png.name, png.read_bytes())
        out += ["", f"**{png.stem.replace('_', ' ')}**", "", f"![{png.stem}]({rel}/{png.name})"]
    return "\n".join(out)


def experiment_pages() -> list[str]:
    "Write one page per experiment notebook; return their names (docnames)."
    from crl_nb.experiments.studies import STUDIES
    names = []
    for nb_path in sorted((NBS / "experiments").glob("*.ipynb")):
        studies = [s for s, st in STUDIES.items() if st.notebook == nb_path.stem]
        extra = ["## Latest committed results\n\nThe newest committed run of each study of this notebook "
                 "(`benchmarks/results/`), as `crl-nb run <study> --profile quick` writes it; the quick profile is "
                 "a CPU budget, not the papers' scale."]
        for s in studies:
            run = newest_run(s)
            if run is None:
                extra.append(f"### `{s}`\n\nNo committed run yet: `crl-nb run {s} --profile quick` makes one.")
                continue
            extra.append(results_markdown(s, run, SRC / "experiments" / "results" / s, f"results/{s}"))
        sync(SRC / "experiments" / nb_path.name, page_notebook(json.loads(nb_path.read_text()), extra))
        names.append(f"experiments/{nb_path.stem}")
    return names


# ---------------------------------------------------------------------------------------------------------------
# the reproduction report, executed over the committed results and cached

def _tree_digest(paths) -> str:
    h = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).is_dir() else [Path(root)]
        for p in files: h.update(str(p.relative_to(ROOT)).encode() + p.read_bytes())
    return h.hexdigest()


def report_page() -> str | None:
    "Execute the report notebook over benchmarks/results (only when an input changed) and write its page."
    from crl_nb.report import build_report
    from crl_nb.experiments.studies import STUDIES
    cache = OUT / "report"
    digest = _tree_digest([RESULTS, NBS / "reports", ROOT / "crl_nb" / "report.py",
                           ROOT / "crl_nb" / "experiments" / "schema.py"])
    stamp = cache / "inputs.sha256"
    if not (stamp.exists() and stamp.read_text() == digest and (cache / "report.ipynb").exists()):
        view = OUT / "results_view"  # the committed runs as one runs root: <study>/<run-id>/
        shutil.rmtree(view, ignore_errors=True); view.mkdir(parents=True)
        for s in STUDIES:
            for d in RESULTS.glob(f"*/{s}"):
                if d.is_dir() and not (view / s).exists(): (view / s).symlink_to(d.resolve())
        print("docs: executing the report notebook over the committed results", flush=True)
        build_report(runs_root=view, out_dir=cache)
        stamp.write_text(digest)
    nb = json.loads((cache / "report.ipynb").read_text())
    page_of = {s: st.notebook for s, st in STUDIES.items()}
    def relink(m):  # a run link of the report -> that study's section on its experiment page
        study, run = m.group(2), m.group(3)
        return f"[{m.group(1)}](experiments/{page_of.get(study, study)}.ipynb#{study} \"{run}\")"
    for c in nb["cells"]:
        if c["cell_type"] != "code": continue
        c.setdefault("metadata", {})["tags"] = ["remove-input"]
        for o in c.get("outputs", []):
            for kind, text in o.get("data", {}).items():
                if kind.startswith("text/") and isinstance(text, (str, list)):
                    text = "".join(text) if isinstance(text, list) else text
                    text = re.sub(r"\[([^\]]*)\]\(\.\./results_view/([^/)]+)/([^)]+)\)", relink, text)
                    o["data"][kind] = text.replace(str(OUT / "results_view"), "benchmarks/results")
    sync(SRC / "report.ipynb", page_notebook(nb))
    return "report"


# ---------------------------------------------------------------------------------------------------------------
# API reference

def modules() -> list[str]:
    "Every module of the package, in file order (private ones and the index excluded)."
    pkg = ROOT / "crl_nb"
    out = []
    for p in sorted(pkg.rglob("*.py")):
        rel = p.relative_to(ROOT).with_suffix("")
        if any(part.startswith("_") for part in rel.parts[1:]) and p.name != "__init__.py": continue
        if p.name == "__init__.py": continue
        out.append(".".join(rel.parts))
    return out


def api_pages() -> list[str]:
    names = []
    for mod in modules():
        src = ROOT / Path(*mod.split(".")).with_suffix(".py")
        digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]  # a changed module renders its page again
        text = (f"# `{mod}`\n\n<!-- source digest {digest} -->\n\n```{{eval-rst}}\n.. automodule:: {mod}\n"
                f"   :members:\n```\n")
        sync(SRC / "api" / f"{mod}.md", text)
        names.append(f"api/{mod}")
    sync(SRC / "api" / "index.md", "# API reference\n\nGenerated from the docstrings of each module.\n\n"
         "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(n.split("/", 1)[1] for n in names) + "\n```\n")
    return names


# ---------------------------------------------------------------------------------------------------------------

def _toctree(caption: str, names: list[str]) -> str:
    return f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```\n"


def sources() -> int:
    "Generate every source page under _docs/src; return how many pages there are."
    pages, trees = [], []
    lib = library_notebooks()
    for p in lib: sync(SRC / "library" / p.name, page_notebook(json.loads(p.read_text())))
    for cap, lo, hi in SECTIONS:
        names = [f"library/{p.stem}" for p in lib if lo <= number(p) <= hi]
        if names: trees.append(_toctree(cap, names)); pages += names
    exp = experiment_pages(); trees.append(_toctree("Experiments", exp)); pages += exp
    fnd = []
    for p in sorted((NBS / "findings").glob("*.ipynb")):
        sync(SRC / "findings" / p.name, page_notebook(json.loads(p.read_text()))); fnd.append(f"findings/{p.stem}")
    trees.append(_toctree("Findings", fnd)); pages += fnd
    rep = report_page()
    api = api_pages()
    trees.append(_toctree("Reference", [rep, "api/index", "bibliography"])); pages += [rep, "api/index", "bibliography"]
    pages += api
    sync(SRC / "bibliography.md", (DOCS / "bibliography.md").read_text())
    sync(SRC / "index.md", (DOCS / "index.md").read_text() + "\n" + "\n".join(trees))
    return len(pages) + 1


def vendor_mathjax():
    "Copy MathJax's one-file TeX component and its fonts into the site's static files."
    js = MATHJAX / "tex-chtml-full.js"
    if not js.exists():
        sys.exit(f"docs: {js.relative_to(ROOT)} is missing: run `npm ci --prefix docs` (the Makefile's docs target does)")
    sync(VENDOR / "mathjax" / js.name, js.read_bytes())
    fonts = MATHJAX / "output" / "chtml" / "fonts" / "woff-v2"
    for f in sorted(fonts.glob("*.woff")):
        sync(VENDOR / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2" / f.name, f.read_bytes())


def build(clean: bool = False, jobs: str = "auto") -> int:
    t0 = time.time()
    if clean: shutil.rmtree(OUT, ignore_errors=True)
    vendor_mathjax()
    from crl_nb.runner import without_iri_grammars
    without_iri_grammars()   # the notebook schema checks no IRI: skip the grammars jsonschema would compile for one
    n = sources()
    sphinx = ("import sys; from crl_nb.runner import without_iri_grammars; without_iri_grammars(); "
              "from sphinx.cmd.build import main; sys.exit(main(sys.argv[1:]))")
    cmd = [sys.executable, "-c", sphinx, "-b", "html", "-c", str(DOCS), "-d", str(TREES), "-j", jobs, "-q",
           str(SRC), str(HTML)]
    rc = subprocess.run(cmd, cwd=ROOT).returncode
    if rc: sys.exit(f"docs: sphinx-build failed ({rc})")
    print(f"docs: {n} pages in {HTML.relative_to(ROOT)}/ ({time.time() - t0:.1f} s)")
    return n


def serve(port: int):
    import functools
    import http.server
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"docs: serving {HTML.relative_to(ROOT)}/ on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        httpd.serve_forever()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", action="store_true", help="delete _docs/ first")
    ap.add_argument("--serve", action="store_true", help="serve the site after building it")
    ap.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    ap.add_argument("-j", "--jobs", default="auto", help="Sphinx worker processes (default: one per core)")
    a = ap.parse_args(argv)
    if not 0 < a.port < 65536: ap.error(f"--port: {a.port} is not a TCP port (1-65535)")
    build(a.clean, a.jobs)
    if a.serve: serve(a.port)


if __name__ == "__main__":
    main()
