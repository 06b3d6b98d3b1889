"""The documentation site, built by `docs/build.py` (`make docs`) and read in headless Chromium.

For every page: no console error or uncaught exception, no request leaving localhost (the site needs no network),
every image loaded, every internal link and anchor resolving, math typeset by the vendored MathJax (no raw `$$` or
`\\(` left, no MathJax error), code cells shown or removed as the page intends. Screenshots of the index, one
mechanism page and the report are saved under runs/docs/ for a person to look at.

Chromium comes from Debian (`apt-get install chromium`; .ci/run installs it), driven by Playwright's Python
client with `executable_path`, so no browser is downloaded. Without Chromium the browser test is skipped and says
how to install it; the build and the page inventory are still tested."""
import functools
import http.server
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import build as docs_build  # noqa: E402  (docs/build.py)

SHOTS = ROOT / "runs" / "docs"
pytestmark = pytest.mark.xdist_group("docs")


def chromium() -> str | None:
    for name in (os.environ.get("CRL_NB_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if name and (path := shutil.which(name)): return path
    return None


@pytest.fixture(scope="module")
def site():
    "Build (or bring up to date) the site; return the HTML folder."
    docs_build.build()
    return docs_build.HTML


def pages(html: Path) -> list[str]:
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))


def test_every_notebook_and_module_has_a_page(site):
    have = set(pages(site))
    want = {f"library/{p.stem}.html" for p in docs_build.library_notebooks()}
    want |= {f"experiments/{p.stem}.html" for p in (ROOT / "nbs" / "experiments").glob("*.ipynb")}
    want |= {f"findings/{p.stem}.html" for p in (ROOT / "nbs" / "findings").glob("*.ipynb")}
    want |= {f"api/{m}.html" for m in docs_build.modules()}
    want |= {"index.html", "report.html", "bibliography.html", "api/index.html", "search.html"}
    assert not want - have, f"pages missing from the site: {sorted(want - have)}"
    assert "crl_nb.metrics" in docs_build.modules() and len(docs_build.modules()) >= 20


def test_library_pages_show_their_figures(site):
    "Each library notebook page carries at least one figure from the notebook's stored outputs."
    bare = [p for p in docs_build.library_notebooks()
            if "<img" not in (site / "library" / f"{p.stem}.html").read_text()]
    assert not bare, f"library pages without a figure: {[p.name for p in bare]}"


def test_nbdev_directives_become_tags():
    hidden = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "#| hide\nimport x"}
    exported = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "#| export\ndef f(): pass"}
    quiet = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "#| echo: false\nplot()"}
    assert docs_build.page_cell(hidden) is None
    assert docs_build.page_cell({**hidden, "source": "#| default_exp core"}) is None
    assert docs_build.page_cell(exported)["source"] == "def f(): pass"
    assert docs_build.page_cell(quiet)["metadata"]["tags"] == ["remove-input"]
    md = {"cell_type": "markdown", "metadata": {}, "source": "#| hide is text here"}
    assert docs_build.page_cell(md) == md


def test_sources_are_rewritten_only_when_they_change(tmp_path):
    p = tmp_path / "a.md"
    assert docs_build.sync(p, "x") and not docs_build.sync(p, "x") and docs_build.sync(p, "y")
    assert p.read_text() == "y"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


@pytest.fixture(scope="module")
def server(site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


_IDS: dict = {}


def _ids(path: Path) -> set:
    if path not in _IDS: _IDS[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))
    return _IDS[path]


def _broken_links(site: Path, base: str, page: str, hrefs: list[str]) -> list[str]:
    bad = []
    for href in hrefs:
        u = urlparse(href)
        if not href.startswith(base): continue  # external links (paper references) are not followed
        target = site / unquote(u.path.lstrip("/"))
        if u.path.endswith("/") or target.is_dir(): target = target / "index.html"
        if not target.exists(): bad.append(f"{page}: link to missing {u.path}")
        elif u.fragment and target.suffix == ".html" and unquote(u.fragment) not in _ids(target):
            bad.append(f"{page}: anchor #{u.fragment} not in {target.relative_to(site)}")
    return bad


_PAGE_STATE = """async () => {
  if (document.querySelector('.math') && window.MathJax && MathJax.startup) await MathJax.startup.promise;
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
  return {
    text: body.innerText,
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    badImages: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    images: document.images.length,
    hrefs: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    inputs: document.querySelectorAll('.cell_input').length,
    openHidden: document.querySelectorAll('details.hide[open]').length,
  };
}"""


def test_site_in_a_real_browser(site, server):
    exe = chromium()
    if exe is None:
        pytest.skip("Chromium not found: install Debian's package (`sudo apt-get install chromium`) "
                    "or set CRL_NB_CHROMIUM to a Chromium binary")
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, seen = [], {}
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        current = {"page": ""}
        page.on("console", lambda m: m.type == "error" and problems.append(f"{current['page']}: console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"{current['page']}: uncaught: {e}"))

        def route(r):
            if r.request.url.startswith(server): return r.continue_()
            problems.append(f"{current['page']}: request leaves localhost: {r.request.url}")
            return r.abort()
        page.route("**/*", route)
        for name in pages(site):
            current["page"] = name
            resp = page.goto(f"{server}/{name}", wait_until="load")
            if resp is None or resp.status != 200: problems.append(f"{name}: HTTP {resp and resp.status}")
            st = page.evaluate(_PAGE_STATE)
            seen[name] = st
            problems += [f"{name}: image did not load: {src}" for src in st["badImages"]]
            problems += _broken_links(site, server, name, st["hrefs"])
            if st["math"] and st["typeset"] < st["math"]:
                problems.append(f"{name}: {st['math']} math elements, {st['typeset']} typeset")
            if st["mathErrors"]: problems.append(f"{name}: {st['mathErrors']} MathJax errors")
            for raw in ("$$", "\\(", "\\["):
                if raw in st["text"]: problems.append(f"{name}: raw {raw!r} left in the text")
            if st["openHidden"]: problems.append(f"{name}: {st['openHidden']} collapsed cells open on load")
            if name in ("index.html", "library/10_diffusion.html", "report.html"):
                page.screenshot(path=str(SHOTS / (name.replace("/", "_").replace(".html", ".png"))))
        browser.close()
    summary = {k: {x: v[x] for x in ("typeset", "images", "inputs")} for k, v in seen.items()}
    (SHOTS / "pages.json").write_text(json.dumps(summary, indent=1))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])
    assert seen["library/03_metrics.html"]["typeset"] > 10, "the metrics page's formulas were not typeset"
    assert seen["library/00_core.html"]["inputs"] > 0, "library pages show their code"
    assert seen["report.html"]["inputs"] == 0, "the report shows results, not code"
    assert sum(v["images"] > 0 for k, v in seen.items() if k.startswith("library/")) == \
        len(docs_build.library_notebooks()), "every library page shows a figure"
