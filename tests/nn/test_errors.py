"""Bad input to nn: each case asserts the error type and the words that name what was wrong."""

import numpy as np
import pytest

import autograd_core as ag
import nn


def logits(n=4, c=3):
    return ag.Tensor(np.zeros((n, c)), requires_grad=True)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "mlp.npz"
    nn.save(nn.MLP([2, 3, 1], rng=0), path)
    return path


CASES = [
    ("ce_float_labels", lambda: nn.cross_entropy(logits(), np.array([0.0, 1, 2, 0])), TypeError,
     r"labels must be integers.*float64"),
    ("ce_label_range", lambda: nn.cross_entropy(logits(), np.array([0, 1, 3, 0])), ValueError,
     r"labels must lie in \[0, 3\)"),
    ("ce_label_count", lambda: nn.cross_entropy(logits(), np.array([0, 1, 2])), ValueError,
     r"labels must have shape \(4,\) for logits of shape \(4, 3\), got \(3,\)"),
    ("ce_logits_1d", lambda: nn.cross_entropy(ag.Tensor(np.zeros(3)), np.array([0])), ValueError,
     r"logits must have shape \(N, C\), got \(3,\)"),
    ("mse_shapes", lambda: nn.mse_loss(ag.Tensor(np.zeros((4, 1))), np.zeros(4)), ValueError,
     r"prediction has shape \(4, 1\) but target has shape \(4,\)"),
    ("bce_shapes", lambda: nn.binary_cross_entropy(ag.Tensor(np.full(4, 0.5)), np.zeros((4, 1))),
     ValueError, r"\(4,\).*\(4, 1\)"),
    ("linear_input", lambda: nn.Linear(3, 2)(ag.Tensor(np.zeros((5, 4)))), ValueError,
     r"3 features, got shape \(5, 4\)"),
    ("optim_empty", lambda: nn.optim.Adam([]), ValueError, r"no parameters"),
    ("optim_module", lambda: nn.optim.Adam(nn.MLP([2, 1])), TypeError, r"MLP module itself.*parameters\(\)"),
    ("optim_array", lambda: nn.optim.SGD([np.zeros(3)], lr=0.1), TypeError, r"parameter 0 is ndarray"),
    ("optim_constant", lambda: nn.optim.SGD([ag.Tensor(np.zeros(3))], lr=0.1), TypeError,
     r"does not require grad"),
    ("optim_computed_tensor", lambda: nn.optim.Adam([ag.Tensor(np.zeros(3), requires_grad=True) * 2.0]),
     TypeError, "parameter 0 is a Tensor computed by an op"),
    ("optim_lr", lambda: nn.optim.SGD(nn.MLP([2, 1]).parameters(), lr=-1), ValueError, r"positive"),
    ("load_state_shapes", lambda: nn.MLP([2, 4, 1]).load_state_dict(nn.MLP([2, 3, 1]).state_dict()),
     ValueError, r"'layers.0.weight' has shape \(3, 2\), the model expects \(4, 2\)"),
    ("load_state_keys", lambda: nn.ResNet(2, 1).load_state_dict(nn.MLP([2, 3, 1]).state_dict()),
     ValueError, r"missing keys \['blocks.0.weight'.*unexpected keys \['layers.0.weight'"),
]


@pytest.mark.parametrize("make, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_truncated_file_is_named(saved, tmp_path):
    bad = tmp_path / "cut.npz"
    bad.write_bytes(saved.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"cut.npz is not a (readable )?saved model.*truncated"):
        nn.load(bad)


def test_file_with_object_arrays_is_refused_without_running_code(tmp_path):
    bad = tmp_path / "objects.npz"
    np.savez(bad, weights=np.array([print], dtype=object))
    with pytest.raises(ValueError, match=r"objects.npz.*dtype object.*nothing is unpickled"):
        nn.load(bad)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no saved model at .*nothing.npz"):
        nn.load(tmp_path / "nothing.npz")
