"""crl_nb as another project's dependency: the wheel built from this checkout, installed with only its core
requirements into a fresh virtual environment outside the repository.

No network is needed: the fresh environment receives the core requirements' installed files from this one (the
distributions the core's `Requires-Dist` reach, followed transitively, and nothing else), so a module that imports
an extra's package at import time fails here exactly as it would for an importer."""
import importlib.metadata as md
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.xdist_group("wheel")


def closure(requirements: list[str]) -> dict[str, md.Distribution]:
    """The installed distributions that `requirements` reach, following each one's requirements as pip would: the
    unconditional ones and those of the extras asked for (`bleach[css]` brings tinycss2)."""
    seen, extras, todo = {}, {}, [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        new_extras = set(req.extras) - extras.get(name, set())
        if name in seen and not new_extras: continue
        extras[name] = extras.get(name, set()) | set(req.extras)
        seen[name] = dist = md.distribution(req.name)
        for dep in dist.requires or []:
            dep = Requirement(dep)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in ["", *extras[name]]):
                todo.append(dep)
    return seen


def top_level(dist: md.Distribution) -> set[Path]:
    "The entries of site-packages that a distribution installed (packages, modules, its .dist-info)."
    base = Path(dist.locate_file(""))
    return {base / Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}


def shared_data(dist: md.Distribution) -> set[Path]:
    "The folders a distribution installed under <prefix>/share (three levels deep: share/jupyter/nbconvert)."
    prefix, out = Path(sys.prefix).resolve(), set()
    for f in dist.files or []:
        path = Path(dist.locate_file(f)).resolve()
        try: rel = path.relative_to(prefix)
        except ValueError: continue
        if rel.parts[:1] == ("share",) and len(rel.parts) > 3: out.add(prefix.joinpath(*rel.parts[:3]))
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    import fcntl, tempfile
    out = tmp_path_factory.mktemp("wheel")
    # xdist workers each build the wheel in the checkout's build/ folder: one at a time, or they race on it
    with open(Path(tempfile.gettempdir()) / "crl_nb-wheel-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--disable-pip-version-check", "-w", str(out), str(ROOT)], check=True, cwd=out)
    (whl,) = out.glob("crl_nb-*.whl")
    return whl


def metadata(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return z.read(name).decode().splitlines()


def requires(whl: Path, extra: str | None = None) -> list[str]:
    "The wheel's requirements: the core (`extra=None`) or one extra's, without their markers."
    out = []
    for line in metadata(whl):
        if not line.startswith("Requires-Dist: "): continue
        req = Requirement(line[len("Requires-Dist: "):])
        in_extra = req.marker is not None and req.marker.evaluate({"extra": extra or ""})
        if (extra is None and req.marker is None) or (extra is not None and req.marker is not None and in_extra):
            req.marker = None
            out.append(str(req))
    return out


def make_env(tmp: Path, whl: Path, requirements: list[str]) -> Path:
    "A fresh venv outside the repository holding the wheel and the installed files `requirements` reach."
    env = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    (site,) = env.glob("lib/python*/site-packages")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(site), str(whl)], check=True)
    for dist in closure(requirements).values():
        for entry in top_level(dist):
            if entry.exists() and not (site / entry.name).exists(): (site / entry.name).symlink_to(entry)
        for entry in shared_data(dist):   # e.g. nbconvert's templates in <prefix>/share/jupyter/nbconvert
            target = env / entry.relative_to(Path(sys.prefix).resolve())
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True); target.symlink_to(entry)
    return env


def run_in(env: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    environ = {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(cwd), "CRL_NB_PROGRESS": "0",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([str(env / "bin" / "python"), "-c", code], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=600)


def _needs_data(block: str) -> bool:
    "Whether a README example uses the image generators of the `data` extra (MNIST, Morpho-MNIST)."
    return any(s in block for s in ('load_dataset("mnist")', 'load_dataset("morphomnist")', "morphomnist_task"))


def readme_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_metadata_has_ranges_not_pins(wheel):
    lines = metadata(wheel)
    reqs = [l.split(": ", 1)[1] for l in lines if l.startswith("Requires-Dist: ")]
    pinned = [r for r in reqs if any(s.operator in ("==", "===") for s in Requirement(r).specifier)]
    assert reqs and not pinned, f"exact pins belong in constraints.txt: {pinned}"
    core = {canonicalize_name(Requirement(r).name) for r in requires(wheel)}
    assert {"numpy", "scipy", "torch", "scikit-learn", "matplotlib"} <= core
    assert not core & {"jupyterlab", "papermill", "ipykernel", "ipywidgets", "scikit-image", "mlxtend", "ray"}
    extras = {l.split(": ", 1)[1] for l in lines if l.startswith("Provides-Extra: ")}
    assert {"data", "notebooks", "docs", "ray", "dev"} <= extras
    assert not [l for l in lines if "example.org" in l or "github.com/crl-nb" in l], "placeholder contact data"


def test_core_install_imports_every_module_and_runs_the_readme(wheel, tmp_path):
    env = make_env(tmp_path, wheel, requires(wheel))
    work = tmp_path / "elsewhere"; work.mkdir()
    probe = run_in(env, """
import importlib, json, pkgutil, sys
import crl_nb
assert not crl_nb.__file__.startswith(%r), crl_nb.__file__
light = {}
for m in ("crl_nb.graphs", "crl_nb.scm", "crl_nb.metrics"):
    importlib.import_module(m); light[m] = "torch" in sys.modules
failed = {}
for info in pkgutil.walk_packages(crl_nb.__path__, "crl_nb."):
    try: importlib.import_module(info.name)
    except Exception as e: failed[info.name] = repr(e)
from crl_nb.data import morphomnist
try: morphomnist.measure([[0.0] * 28] * 28); extra_error = None
except ImportError as e: extra_error = str(e)
print(json.dumps({"torch_loaded": light, "failed": failed, "extra_error": extra_error}))
""" % str(ROOT), work)
    assert probe.returncode == 0, probe.stderr[-3000:]
    facts = json.loads(probe.stdout.strip().splitlines()[-1])
    assert facts["torch_loaded"] == {"crl_nb.graphs": False, "crl_nb.scm": False, "crl_nb.metrics": False}
    assert facts["failed"] == {}, facts["failed"]
    assert facts["extra_error"] and 'pip install "crl_nb[data]"' in facts["extra_error"]
    core_blocks = [b for b in readme_blocks() if not _needs_data(b)]
    assert len(core_blocks) >= 2
    for block in core_blocks:
        done = run_in(env, block, work)
        assert done.returncode == 0, done.stderr[-3000:]
    assert list(work.iterdir()) == [] or all(p.name.startswith(".") for p in work.iterdir()), list(work.iterdir())


def test_data_extra_runs_the_readme_image_example(wheel, tmp_path):
    env = make_env(tmp_path, wheel, requires(wheel) + requires(wheel, "data"))
    work = tmp_path / "elsewhere"; work.mkdir()
    blocks = [b for b in readme_blocks() if _needs_data(b)]
    assert len(blocks) == 1 and "crl_nb[data]" in (ROOT / "README.md").read_text()
    done = run_in(env, blocks[0], work)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (work / ".cache" / "crl_nb").is_dir(), "the dataset cache goes to the per-user cache folder"


CLI = "import sys; from crl_nb.cli import main; sys.exit(main(sys.argv[1:]))"   # what the crl-nb script runs


def test_cli_from_the_wheel_runs_outside_any_checkout(wheel, tmp_path):
    "`crl-nb` with the notebooks extra: the experiments and the report template come from the package; runs go to ./runs."
    with zipfile.ZipFile(wheel) as z:
        entry = next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))
        assert "crl-nb = crl_nb.cli:main" in z.read(entry).decode()
    env = make_env(tmp_path, wheel, requires(wheel) + requires(wheel, "notebooks"))
    work = tmp_path / "elsewhere"; work.mkdir()
    def crl_nb(*argv):
        environ = {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(work), "OMP_NUM_THREADS": "1"}
        return subprocess.run([str(env / "bin" / "python"), "-c", CLI, *argv], cwd=work, env=environ,
                              capture_output=True, text=True, timeout=600)
    version = crl_nb("--version")
    assert version.returncode == 0 and version.stdout.startswith("crl-nb "), version.stderr[-2000:]
    listed = crl_nb("list")
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert "scm_metrics_sanity" in listed.stdout and "causaldiffae_pendulum" in listed.stdout
    ran = crl_nb("run", "scm_metrics_sanity", "--profile", "smoke")
    assert ran.returncode == 0, (ran.stdout + ran.stderr)[-3000:]
    (run_dir,) = (work / "runs" / "scm_metrics_sanity").iterdir()
    assert json.loads((run_dir / "env.json").read_text())["status"] == "ok"
    assert "_notebooks" in json.loads((run_dir / "env.json").read_text())["notebook"]
    report = crl_nb("report")
    assert report.returncode == 0, report.stderr[-3000:]
    html = (work / "runs" / "report" / "report.html").read_text()
    assert "<title>crl_nb reproduction report</title>" in html and "scm_metrics_sanity" in html
    assert "running over TCP" not in ran.stdout + ran.stderr + report.stdout + report.stderr
    typo = crl_nb("report", "--runs-root", "rnus")
    assert typo.returncode == 2 and "rnus is not a folder" in typo.stderr
