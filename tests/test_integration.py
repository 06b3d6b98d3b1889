"""The package used as a library: the modules compose, and bad input is refused without side effects."""
import json

import numpy as np
import pytest
import torch

from crl_nb.core import CheckpointError, load_checkpoint, save_checkpoint, write_json
from crl_nb.graphs import random_dag, shd_up_to_permutation, permute_graph
from crl_nb.metrics import dci, mcc
from crl_nb.scm import Do, make_scm, rotation_mixing, weakly_supervised_pairs, linear_mixing


def test_pipeline_true_latents_score_perfectly_and_mixed_ones_do_not():
    A = random_dag(5, p=0.5, order="fixed", rng=0)
    scm = make_scm(A, weights="bimodal", rng=0)
    pairs = weakly_supervised_pairs(scm, 3000, rng=1)
    z = pairs["z"]
    x = rotation_mixing(5, rng=2)(z)
    # the true latents, shuffled and rescaled, are a perfect representation; the rotated observations are not
    perm = np.array([2, 4, 0, 1, 3])
    codes = z[:, perm] * np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    r = mcc(codes, z)
    assert r["mcc"] > 0.999
    assert np.array_equal(perm[r["perm"]], np.arange(5))
    good, bad = dci(codes, z, importance="lasso"), dci(x, z, importance="lasso")
    assert good["disentanglement"] > 0.95 and good["completeness"] > 0.95
    assert bad["informativeness_r2"] > 0.99  # a rotation keeps the information ...
    # ... but entangles: compare with the known-good codes rather than a fixed number (the SCM correlates z)
    assert bad["disentanglement"] < good["disentanglement"] - 0.2
    # the learned order of latents carries the graph: relabelling back by the MCC matching recovers it exactly
    A_learned = permute_graph(A, np.argsort(r["perm"]))
    assert shd_up_to_permutation(A, A_learned, perm=r["perm"])["shd"] == 0


def test_do_parent_moves_child_do_child_leaves_parent():
    A = np.array([[0, 1], [0, 0]])
    scm = make_scm(A, rng=3)
    z = scm.sample(500, rng=4)
    z_parent = scm.counterfactual(z, {0: Do(2.0)})
    z_child = scm.counterfactual(z, {1: Do(2.0)})
    assert not np.allclose(z_parent[:, 1], z[:, 1])
    np.testing.assert_array_equal(z_child[:, 0], z[:, 0])


@pytest.mark.parametrize("call, message", [
    (lambda: dci(np.zeros((100, 3)), np.zeros((90, 3))), "mismatched sample counts"),
    (lambda: dci(np.full((100, 3), np.inf), np.zeros((100, 3))), "codes: contains 0 NaN and 300 infinite"),
    (lambda: dci(np.zeros((100, 3)), np.zeros((100, 3)), importance="svm"), "importance: unknown option"),
    (lambda: mcc(np.zeros(10), np.zeros((10, 2))), "codes: expected a 2-D array"),
    (lambda: make_scm([[0, 1], [1, 0]]), "cycle 0 -> 1 -> 0"),
    (lambda: make_scm(np.zeros((2, 3))), "must be square"),
    (lambda: make_scm(np.zeros((2, 2)), mechanism="cubic"), "mechanism: unknown option"),
    (lambda: make_scm(np.zeros((2, 2))).sample(-1), "n_samples"),
    (lambda: linear_mixing(3, 2), "need d >= n"),
])
def test_bad_input_names_the_problem(call, message):
    with pytest.raises(ValueError, match=None) as e:
        call()
    assert message in str(e.value)


def test_failed_writes_keep_what_was_there(tmp_path):
    path = write_json(tmp_path / "metrics.json", {"D": 0.9})
    with pytest.raises(TypeError):
        write_json(path, {"D": object()})
    assert json.loads(path.read_text()) == {"D": 0.9}
    ck = save_checkpoint(tmp_path / "model.pt", {"w": torch.ones(3)}, step=1)
    ck.write_bytes(ck.read_bytes()[: len(ck.read_bytes()) // 2])  # simulate a torn copy
    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(ck)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json", "model.pt"]
