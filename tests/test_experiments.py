"""The experiment runner end to end, through the `crl-nb` command as a user types it:
every real experiment at the smoke profile, the report, parameter errors, a killed kernel, and sweeps
on the local pool and on a local Ray instance (with the fixture notebooks below)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from crl_nb.runner import resolve_experiment, runnable

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).parent / "crl-nb")]
EXPERIMENTS = runnable()   # every notebook, a family notebook once per dataset (its studies)


def crl_nb(*args, timeout=900):
    return subprocess.run([*CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def _notebook(path, params_src, *cells):
    nb = nbformat.v4.new_notebook()
    pc = nbformat.v4.new_code_cell(params_src); pc.metadata["tags"] = ["parameters"]
    nb.cells = [pc] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    """A folder of tiny experiment notebooks: `toy` (instant), `sleepy` (writes its kernel pid, then sleeps) and `picky`
    (checks a value inside the notebook)."""
    d = tmp_path_factory.mktemp("experiments")
    _notebook(d / "toy.ipynb", 'profile: str = "quick"  # smoke | quick | paper\nseed: int = 0  # seed\nscale: float = 1.0  # a scale',
              "import random\nfrom crl_nb.runner import record\nrandom.seed(seed)\nrecord({'value': scale * random.random()}, 'toy')")
    _notebook(d / "sleepy.ipynb", 'profile: str = "quick"  # smoke | quick | paper\nseconds: float = 5.0  # how long to sleep\npid_file: str = ""  # where to write the kernel pid',
              "import os, time\nfrom crl_nb.runner import record\nrecord({'started': True}, 'sleepy')",
              "if pid_file: open(pid_file, 'w').write(str(os.getpid()))",
              "time.sleep(seconds)",
              "record({'slept': seconds}, 'sleepy')")
    _notebook(d / "picky.ipynb", 'profile: str = "quick"  # smoke | quick | paper\nmode: str = "a"  # a | b',
              "from crl_nb.runner import record\nrecord({'started': True}, 'picky')",
              "if mode not in ('a', 'b'): raise ValueError(f'mode: unknown option {mode!r}')")
    return d


def _selected_smoke(session) -> list[str]:
    "The studies whose smoke test this session selected (all of them, unless -k or node ids narrow it)."
    return [item.callspec.params["name"] for item in session.items
            if item.originalname == "test_every_experiment_runs_at_smoke_profile"]


@pytest.fixture(scope="session")   # session: a worker keeps it while it runs tests of other files in between
def smoke_runs(tmp_path_factory, request):
    """One `crl-nb reproduce --profile smoke` of the selected studies into a fresh runs root (one command, not one
    per study, spares a start-up of the command each); the tests below read its runs, and `reproduce` then finds
    every run done."""
    root = tmp_path_factory.mktemp("smoke_runs")
    names = _selected_smoke(request.session) or EXPERIMENTS
    r = crl_nb("reproduce", "--profile", "smoke", "--runs-root", root, "--no-report", "--only", *names, timeout=1800)
    return root, r, names


@pytest.mark.xdist_group("smoke_runs")
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_runs_at_smoke_profile(name, smoke_runs):
    tmp_path, r, _ = smoke_runs
    assert f"[{name}] ok" in r.stdout, r.stdout[-3000:] + r.stderr[-3000:]
    (run_dir,) = (tmp_path / name).iterdir()
    files = {p.name for p in run_dir.iterdir()}
    nb, study_params = resolve_experiment(name)   # a study of a family notebook: the notebook, and its dataset
    notebook = nb.name
    assert {notebook, "parameters.json", "env.json", "metrics.json"} <= files and any(f.endswith(".png") for f in files)
    env = json.loads((run_dir / "env.json").read_text())
    assert env["status"] == "ok" and env["profile"] == "smoke" and env["seed"] == 0
    for key in ("commit", "dirty", "python", "torch", "cpu", "gpus", "started", "ended", "key"):
        assert key in env
    params = json.loads((run_dir / "parameters.json").read_text())
    assert params["profile"] == "smoke" and all(params[k] == v for k, v in study_params.items())
    assert json.loads((run_dir / "metrics.json").read_text())["profile"] == "smoke"
    assert not list((ROOT / "nbs").rglob("metrics.json")), "outputs must never land in nbs/"
    # that the identical run is then skipped is checked for every experiment at once by test_reproduce_and_report


def test_explorer_builds_under_a_kernel(tmp_path):
    "Asked for explicitly, the ipywidgets explorer cell runs under a real kernel and displays a widget (papermill runs skip it by default)."
    r = crl_nb("run", "causal_vae_pendulum", "--profile", "smoke", "-p", "explorer", "True", "--runs-root", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    nb = json.loads(next((tmp_path / "causal_vae_pendulum").glob("*/causal_vae.ipynb")).read_text())
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any("explorer skipped" in "".join(o.get("text", "")) for o in outputs)

@pytest.mark.xdist_group("smoke_runs")
def test_reproduce_and_report(smoke_runs):
    "Every experiment at smoke (skipped where the smoke runs above already made it with the same parameters), then the report."
    tmp_path, first, selected = smoke_runs
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    r = crl_nb("reproduce", "--profile", "smoke", "--runs-root", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in EXPERIMENTS:
        # an identical run is skipped: nothing new is written
        assert f"[{name}] {'skipped' if name in selected else 'ok'}" in r.stdout, r.stdout
        assert len(list((tmp_path / name).iterdir())) == 1, name
    # and `crl-nb run` of a run already made skips it too
    again = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke", "--runs-root", tmp_path)
    assert again.returncode == 0 and "skipped" in again.stdout, again.stdout + again.stderr
    assert len(list((tmp_path / "scm_metrics_sanity").iterdir())) == 1
    report = tmp_path / "report"
    md = (report / "report.md").read_text()
    assert "DCI sanity checks" in md and "| D, permuted noisy latents (GBT) | 0.99–1.00 | smoke |" in md
    # a target whose experiment notebook does not exist yet is listed as pending (every one exists now; 80_report tests the pending row)
    from crl_nb.report import TARGETS
    missing = {t["experiment"] for t in TARGETS} - set(EXPERIMENTS)
    assert ("pending: experiment not written yet" in md) == bool(missing)
    im1 = "IM1 (median, test, at the s of lowest CLD on validation)"
    assert f"| {im1} |" in md and "| smoke |" in md.split(im1)[1][:200]
    assert (report / "report.html").stat().st_size > 10_000
    assert list((report / "report_files").glob("*.png")), "figures are exported with the markdown"
    # the report is rebuilt from runs/ alone
    shutil.rmtree(report)
    assert crl_nb("report", "--runs-root", tmp_path).returncode == 0 and (report / "report.md").exists()


def test_unknown_parameter_and_wrong_type_are_refused_before_a_kernel_starts(tmp_path, fixtures):
    # a study notebook: a name it does not declare is a setting of its config, checked by name
    r = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke", "-p", "n_sampels", "10", "--runs-root", tmp_path)
    assert r.returncode == 2
    assert "unknown setting(s) 'n_sampels'" in r.stderr and "n_samples = " in r.stderr, r.stderr
    r = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke", "-p", "n_samples", "many", "--runs-root", tmp_path)
    assert r.returncode == 2 and "n_samples: expected an integer" in r.stderr, r.stderr
    r = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke", "-p", "importance", "forest", "--runs-root", tmp_path)
    assert r.returncode == 2 and "importance: unknown option 'forest'" in r.stderr, r.stderr
    r = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke", "-p", "seed", "many", "--runs-root", tmp_path)
    assert r.returncode == 2 and "seed: expected an integer >= 0, got 'many'" in r.stderr, r.stderr
    # any other notebook: its parameters cell is the list of what it takes
    r = crl_nb("run", "toy", "--profile", "smoke", "-p", "sede", "1", "--runs-root", tmp_path, "--experiments-dir", fixtures)
    assert r.returncode == 2
    assert "unknown parameter(s) 'sede'; valid parameters are:" in r.stderr and "seed: int = 0" in r.stderr, r.stderr
    assert not any(tmp_path.iterdir()), "nothing may be written for a refused run"


def test_bad_value_fails_inside_the_notebook_and_is_recorded(tmp_path, fixtures):
    r = crl_nb("run", "picky", "--profile", "smoke", "-p", "mode", "c", "--runs-root", tmp_path, "--experiments-dir", fixtures)
    assert r.returncode == 1
    (run_dir,) = (tmp_path / "picky").iterdir()
    env = json.loads((run_dir / "env.json").read_text())
    assert env["status"] == "failed" and "mode: unknown option 'c'" in env["error"]
    assert (run_dir / "picky.ipynb").exists()
    assert json.loads((run_dir / "metrics.json").read_text()) == {"started": True}   # what was recorded before the error


def test_killed_kernel_leaves_a_failed_record_and_the_rerun_succeeds(fixtures, tmp_path):
    pid_file = tmp_path / "kernel.pid"
    args = ["run", "sleepy", "--profile", "smoke", "-p", "seconds", "4", "-p", "pid_file", pid_file,
            "--runs-root", tmp_path / "runs", "--experiments-dir", fixtures]
    proc = subprocess.Popen([*CLI, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.time() < deadline and proc.poll() is None, "kernel never started"
        time.sleep(0.1)
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, out + err
    (run_dir,) = (tmp_path / "runs" / "sleepy").iterdir()
    env = json.loads((run_dir / "env.json").read_text())
    assert env["status"] == "failed" and "DeadKernel" in env["error"]
    partial = nbformat.read(str(run_dir / "sleepy.ipynb"), as_version=4)
    assert partial.cells, "the partial executed notebook is kept"
    assert json.loads((run_dir / "metrics.json").read_text()) == {"started": True}
    # the same command again: the failed run does not count as done, so it runs and succeeds in a new folder
    pid_file.unlink()
    r = crl_nb(*args)
    assert r.returncode == 0, r.stdout + r.stderr
    ok = [d for d in (tmp_path / "runs" / "sleepy").iterdir() if json.loads((d / "env.json").read_text())["status"] == "ok"]
    assert len(ok) == 1 and ok[0] != run_dir and json.loads((run_dir / "env.json").read_text())["status"] == "failed"


@pytest.mark.parametrize("backend", ["local", "ray"])
def test_sweep_runs_the_grid_then_skips_it(fixtures, tmp_path, backend):
    runs = tmp_path / "runs"
    # one point done beforehand, as if an earlier sweep had been interrupted after it
    assert crl_nb("run", "toy", "--profile", "smoke", "-p", "scale", "1", "-p", "seed", "0", "--runs-root", runs, "--experiments-dir", fixtures).returncode == 0
    args = ["sweep", "toy", "--grid", "scale=1,2", "--seeds", "2", "--backend", backend, "--workers", "2", "--profile", "smoke",
            "--runs-root", runs, "--experiments-dir", fixtures]
    r = crl_nb(*args)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 run(s): 3 ok, 1 skipped, 0 failed" in r.stdout
    folders = list((runs / "toy").iterdir())
    assert len(folders) == 4
    points = sorted((json.loads((d / "parameters.json").read_text())["scale"], json.loads((d / "parameters.json").read_text())["seed"]) for d in folders)
    assert points == [(1, 0), (1, 1), (2, 0), (2, 1)]
    r = crl_nb(*args)
    assert r.returncode == 0 and "4 run(s): 0 ok, 4 skipped, 0 failed" in r.stdout


def test_unknown_experiment_and_bad_grid(tmp_path, fixtures):
    r = crl_nb("run", "no_such_experiment", "--runs-root", tmp_path)
    assert r.returncode == 2 and "unknown experiment 'no_such_experiment'" in r.stderr
    r = crl_nb("sweep", "toy", "--grid", "scale", "--experiments-dir", fixtures, "--runs-root", tmp_path)
    assert r.returncode == 2 and "expected NAME=V1,V2" in r.stderr
    r = crl_nb("sweep", "toy", "--grid", "scale=1,big", "--experiments-dir", fixtures, "--runs-root", tmp_path)
    assert r.returncode == 2 and "parameter 'scale' expects float" in r.stderr
