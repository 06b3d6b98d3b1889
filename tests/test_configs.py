"""Every study resolves one config whichever path asks for it: the experiment notebook (its own cells, executed up to the
config), the scripts in benchmarks/ and a plain Python call (`study_config`, `<Config>.resolve`), at every profile; and a bad
setting is refused by name before any work starts."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crl_nb.experiments.studies import STUDIES, study_config
from crl_nb.runner import resolve_experiment, run_name

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("smoke", "quick", "paper")


def notebook_config(experiment: str, profile: str, overrides: dict | None = None):
    """The `cfg` that the notebook's own cells build: its imports, its parameters cell with `profile` (and `overrides`)
    injected as papermill would, and the cell that resolves the config. No training cell runs."""
    nb, params = resolve_experiment(experiment)   # a study's notebook, and the `dataset` the runner injects
    cells = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    src = ["".join(c["source"]) for c in cells]
    (i_params,) = [i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", [])]
    (i_cfg,) = [i for i, s in enumerate(src) if "cfg = study_config(" in s]
    ns = {}
    for s in src[:i_params + 1]: exec(s, ns)
    ns.update(profile=profile, **params, **({"overrides": overrides} if overrides is not None else {}))
    exec(src[i_cfg], ns)
    return ns["cfg"]


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod


def test_every_study_notebook_is_in_the_table():
    notebooks = {p.stem for p in (ROOT / "nbs" / "experiments").glob("*.ipynb")
                 if "cfg = study_config(" in p.read_text()}
    assert notebooks == {s.notebook for s in STUDIES.values()}
    # a family notebook runs one study per dataset of its config; every study name is the notebook's plus its dataset
    for name, s in STUDIES.items():
        assert run_name(s.notebook, s.dataset) == name and s.dataset in s.config.DATASETS


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("experiment", sorted(STUDIES))
def test_notebook_script_and_python_resolve_the_same_config(experiment, profile):
    cls, dataset = STUDIES[experiment].config, STUDIES[experiment].dataset
    direct = cls.resolve(dataset, profile)
    assert study_config(experiment, profile) == direct
    assert notebook_config(experiment, profile) == direct
    family, _, _ = experiment.rpartition("_")
    if family in ("causaldiffae", "diffscm"):
        assert script(f"{family}_paper").config(dataset, profile) == direct
    # an override reaches the config the same way on every path: a size setting of the study, one more than its value
    name = next(n for n in ("steps", "n_samples", "n_pairs", "n_test", "n_seeds") if n in cls.settings())
    over = {name: getattr(direct, name) + 1}
    changed = cls.resolve(dataset, profile, **over)
    assert getattr(changed, name) == over[name] and changed == direct.replace(**over)
    assert notebook_config(experiment, profile, over) == changed == study_config(experiment, profile, over)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("dataset", ["pendulum", "circuit"])
def test_the_part_map_variants_share_the_study_config(dataset, profile):
    mod = script("causaldiffae_part_maps")
    base = study_config(f"causaldiffae_{dataset}", profile)
    prof = mod.variant_config(base, "profile")
    assert prof == base.replace(baselines=(), weak_fraction=None, noising=False, reversibility_models=())
    tiled = mod.variant_config(base, "tiled")
    assert tiled.spatial_condition and not tiled.additive_mean and tiled.mean_sparsity == 0.01
    assert (tiled.steps, tiled.lr, tiled.decoder, tiled.n_test) == (base.steps, base.lr, base.decoder, base.n_test)


def test_the_profiles_differ_where_they_should():
    "The profiles are overrides of one declaration: smoke is small, paper follows the papers."
    cls = STUDIES["causaldiffae_pendulum"].config
    smoke, quick, paper = (cls.resolve("pendulum", p) for p in PROFILES)
    assert smoke.steps < quick.steps < paper.steps and paper.decoder == "paper" and paper.size == 64
    assert quick.additive_mean and quick.mean_sparsity == 0.05 and not paper.additive_mean and paper.spatial_condition


@pytest.mark.parametrize("bad, message", [({"stepz": 3}, "unknown setting"), ({"steps": 0}, "steps: expected a positive integer"),
                                          ({"decoder": "huge"}, "decoder"), ({"mode": "grid"}, "mode: applies to pendulum"),
                                          ({"n": 50}, "n: expected an integer >= 100")])
def test_a_bad_setting_is_refused_by_name(bad, message):
    with pytest.raises(ValueError, match=message): study_config("causaldiffae_circuit", "smoke", bad)


def test_the_runner_refuses_a_bad_setting_before_a_kernel_starts(tmp_path):
    cli = str(Path(sys.executable).parent / "crl-nb")
    r = subprocess.run([cli, "run", "causaldiffae_pendulum", "--profile", "smoke", "-p", "steps", "0", "--runs-root", tmp_path],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "steps: expected a positive integer" in r.stdout + r.stderr
    assert not any(tmp_path.rglob("*.ipynb")), "a run folder was written for a refused setting"


def test_a_script_refuses_a_bad_setting_before_any_work(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "causaldiffae_paper.py"), "pendulum", "--profile", "smoke",
                        "--set", "lr=-1", "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "lr: " in r.stderr and not (tmp_path / "out").exists()


def test_a_dataset_the_family_has_no_study_of_is_refused_before_a_kernel_starts(tmp_path):
    cli = str(Path(sys.executable).parent / "crl-nb")
    for args in (["causaldiffae", "-p", "dataset", "mnist"], ["causal_vae_circuit", "-p", "dataset", "pendulum"]):
        r = subprocess.run([cli, "run", *args, "--profile", "smoke", "--runs-root", tmp_path],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and "dataset: " in r.stderr, r.stdout + r.stderr
    assert not any(tmp_path.iterdir()), "a run folder was written for a refused dataset"
