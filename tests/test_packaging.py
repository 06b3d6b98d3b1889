"""Packaging facts the README promises: one version, ranges in the package and pins in constraints.txt, the two
commands, CI calls the test one. The README's library examples run in tests/test_wheel.py, from the built wheel."""
import configparser
import importlib.metadata
import re
import tomllib
from pathlib import Path

import crl_nb

ROOT = Path(__file__).resolve().parents[1]


def settings():
    cp = configparser.ConfigParser(delimiters=["="]); cp.read(ROOT / "settings.ini")
    return cp["DEFAULT"]


def test_versions_agree():
    v = settings()["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", v)
    assert crl_nb.__version__ == v, "crl_nb/__init__.py disagrees with settings.ini"
    assert importlib.metadata.version("crl_nb") == v, "installed metadata is stale: rerun pip install -e ."


def test_pyproject_holds_only_build_system_and_nbdev():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(data) == {"build-system", "tool"} and set(data["tool"]) == {"nbdev"}
    assert "tags" in data["tool"]["nbdev"]["allowed_cell_metadata_keys"], "nbdev-clean would strip papermill tags"


def test_pins():
    "Exact versions live in constraints.txt only; the package declares ranges (an importer brings their own torch)."
    cons = dict(l.split("==") for l in (ROOT / "constraints.txt").read_text().splitlines() if "==" in l and not l.startswith("#"))
    assert cons["torch"] == "2.13.0"
    declared = [r for k, v in settings().items() if k.endswith("requirements") for r in v.split()]
    assert declared and not [r for r in declared if "==" in r], "exact pins belong in constraints.txt"
    assert any(r.startswith("torch>=") for r in settings()["requirements"].split())
    assert importlib.metadata.version("nbdev") == cons["nbdev"]
    assert importlib.metadata.version("torch").split("+")[0] == "2.13.0"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S).group(1)
    cmds = [l.strip() for l in block.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert cmds == ["make reproduce", "make test"]
    assert text.index("make reproduce") < text.index("##"), "the commands come before any section"
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_gitignore():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "runs/", "_proc/", "data/cache/"):
        assert entry in ignored
