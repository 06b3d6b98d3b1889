"""The reproduction report from the committed runs in benchmarks/results: every Markdown table keeps its columns
(no cell adds an unescaped `|`), and the HTML report names itself and loads nothing from the network."""
import re
from pathlib import Path

import pytest

from crl_nb.experiments.schema import COMPARISON, TARGETS, collect_runs
from crl_nb.report import build_report, comparison_markdown, md_cell, model_comparison, results_table, to_markdown

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def committed_runs() -> list[dict]:
    "Every committed run folder: benchmarks/results/<family>_runs/<experiment>/<run>."
    runs = [r for d in sorted(RESULTS.glob("*_runs")) for r in collect_runs(d)]
    assert len(runs) >= 10, "expected the committed quick runs under benchmarks/results/*_runs"
    return runs


def cells(line: str) -> list[str]:
    "The cells of a Markdown table row, splitting on `|` that is not escaped."
    return re.split(r"(?<!\\)\|", line.strip().strip("|"))


def tables(md: str) -> list[list[str]]:
    out, cur = [], []
    for line in md.splitlines():
        if line.startswith("|"): cur.append(line)
        elif cur: out.append(cur); cur = []
    return out + ([cur] if cur else [])


def assert_tables_keep_their_columns(md: str) -> int:
    found = tables(md)
    for t in found:
        width = len(cells(t[0]))
        bad = [row for row in t[1:] if len(cells(row)) != width]
        assert not bad, f"rows with a cell count other than the header's {width}:\n" + "\n".join(bad[:3])
    return len(found)


def test_md_cell_escapes_pipes():
    assert md_cell("a | b\nc") == "a \\| b c"
    assert len(cells(f"| {md_cell('x | y')} | z |")) == 2


def test_results_tables_from_committed_runs_keep_their_columns():
    runs = committed_runs()
    rows = results_table(runs, TARGETS, existing={r["experiment"] for r in runs})
    assert sum(r.get("profile") is not None for r in rows) >= 10, "expected measured rows from the committed runs"
    md = to_markdown(rows)
    assert assert_tables_keep_their_columns(md) == len({t["table"] for t in TARGETS})
    assert "CausalDiffAE effectiveness" in md and " under do(" in md


def test_comparison_tables_from_committed_runs_keep_their_columns():
    runs = committed_runs()
    n = 0
    for ds in COMPARISON:
        rows = model_comparison(runs, ds)
        n += len(rows)
        assert_tables_keep_their_columns(comparison_markdown(rows, ds))
    assert n >= 6, "expected several models with committed quick runs"


def test_html_report_is_titled_and_offline(tmp_path):
    out = build_report(runs_root=RESULTS / "score_crl_runs", out_dir=tmp_path / "report")
    html = (out / "report.html").read_text()
    assert "<title>crl_nb reproduction report</title>" in html
    assert not re.findall(r"<script[^>]+src=", html), "the report loads a script"
    assert not re.findall(r"""<link[^>]+href=["']https?:""", html), "the report loads a stylesheet from the network"
    assert_tables_keep_their_columns((out / "report.md").read_text())


def test_report_refuses_a_missing_runs_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="runs_root: .* is not a folder"):
        build_report(runs_root=tmp_path / "rnus")
    assert not (tmp_path / "rnus").exists()
