"""The notebooks are the source of truth: after nbdev-clean and nbdev-export, nothing in nbs/ or crl_nb/ changes."""
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def snapshot(root: Path = ROOT) -> dict:
    files = sorted(list((root / "nbs").rglob("*.ipynb")) + list((root / "crl_nb").rglob("*.py")))
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
            if ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


def tool(name):
    exe = BIN / name
    return str(exe) if exe.exists() else name


def test_clean_and_export_change_nothing(tmp_path):
    """On a copy of the project (so that tests running beside this one never read a half-written file): nbdev-clean
    and nbdev-export leave every notebook and module as committed."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.egg-info")
    for name in ("nbs", "crl_nb"): shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    for name in ("settings.ini", "pyproject.toml", "setup.py"): shutil.copy2(ROOT / name, copy / name)
    before = snapshot(copy)
    assert before == snapshot(), "the copy differs from the project"
    for cmd in ("nbdev-clean", "nbdev-export"):
        r = subprocess.run([tool(cmd)], cwd=copy, capture_output=True, text=True)
        assert r.returncode == 0, f"{cmd} failed:\n{r.stdout}\n{r.stderr}"
    after = snapshot(copy)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"out of sync after nbdev-clean + nbdev-export (commit notebooks and crl_nb/ together): {changed}"


def test_git_sees_no_untracked_module():
    "A new notebook's exported module must be committed with it (git status without -uno)."
    r = subprocess.run(["git", "status", "--porcelain", "--", "crl_nb", "nbs"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        import pytest; pytest.skip("not a git checkout")
    untracked = [l for l in r.stdout.splitlines() if l.startswith("??") and l.endswith(".py")]
    assert not untracked, f"exported modules not under version control: {untracked}"
