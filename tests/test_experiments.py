"""Every experiment notebook runs headlessly through papermill at the smoke profile and writes its record."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "run_experiments.py"
EXPERIMENTS = sorted(p.stem for p in (ROOT / "nbs" / "experiments").glob("*.ipynb") if not p.name.startswith(("_", ".")))


def run(*args, timeout=900):
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_experiments_folder_is_skipped_by_nbdev_test():
    assert (ROOT / "nbs" / "experiments" / ".notest").exists()


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_experiment_smoke(name, tmp_path):
    r = run("--only", name, "--profile", "smoke", "--out-root", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    (run_dir,) = (tmp_path / name).iterdir()
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "ok" and record["profile"] == "smoke"
    assert (run_dir / f"{name}.ipynb").exists()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["profile"] == "smoke"
    assert not list((ROOT / "nbs").rglob("metrics.json")), "outputs must never land in nbs/"


def test_unknown_parameter_is_refused_before_the_kernel_starts(tmp_path):
    r = run("--only", EXPERIMENTS[0], "--profile", "smoke", "-p", "n_sampels", "10", "--out-root", str(tmp_path))
    assert r.returncode != 0
    assert "unknown parameter(s) ['n_sampels']" in r.stdout + r.stderr and "valid parameters are" in r.stdout + r.stderr
    assert not (tmp_path / EXPERIMENTS[0]).exists(), "nothing may be written for a refused run"


def test_bad_value_fails_inside_the_notebook(tmp_path):
    r = run("--only", "metrics_calibration", "--profile", "smoke", "-p", "importance", "forest", "--out-root", str(tmp_path))
    assert r.returncode == 1
    record = json.loads(next((tmp_path / "metrics_calibration").iterdir()).joinpath("run.json").read_text())
    assert record["status"] == "failed" and "importance" in record["error"]


def test_unknown_experiment(tmp_path):
    r = run("--only", "no_such_experiment", "--out-root", str(tmp_path))
    assert r.returncode == 2 and "unknown experiment" in r.stderr
