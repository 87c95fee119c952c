"""Losses against hand-written NumPy formulas; gradients by finite differences."""

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.checks import gradcheck, gradgradcheck


def log_softmax_rows(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_numpy(reduction, rng):
    p, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    expected = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]((p - t) ** 2)
    np.testing.assert_allclose(nn.mse_loss(ag.Tensor(p), t, reduction).data, expected)


def test_seed000_cost_is_half_the_summed_squared_error(rng):
    Z, c = rng.uniform(0, 1, 6), rng.integers(0, 2, 6)
    J = 0.5 * nn.mse_loss(ag.Tensor(Z), c, reduction="sum")
    np.testing.assert_allclose(J.item(), 0.5 * np.sum((Z - c) ** 2))


def test_mse_loss_gradient_matches_finite_differences(rng):
    t = rng.standard_normal((3, 2))
    gradcheck(lambda p: nn.mse_loss(p, t), [rng.standard_normal((3, 2))])


def test_losses_refuse_to_broadcast_n1_against_n():
    with pytest.raises(ValueError, match=r"shape \(4, 1\) but target has shape \(4,\)"):
        nn.mse_loss(ag.Tensor(np.zeros((4, 1))), np.zeros(4))
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
        nn.binary_cross_entropy(ag.Tensor(np.full(4, 0.5)), np.zeros((4, 1)))


def test_losses_reject_an_unknown_reduction():
    with pytest.raises(ValueError, match="reduction"):
        nn.mse_loss(ag.Tensor(np.zeros(2)), np.zeros(2), reduction="max")


def test_cross_entropy_matches_numpy(rng):
    z, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    expected = -log_softmax_rows(z)[np.arange(5), y]
    np.testing.assert_allclose(nn.cross_entropy(ag.Tensor(z), y).item(), expected.mean())
    np.testing.assert_allclose(nn.cross_entropy(ag.Tensor(z), y, reduction="sum").item(),
                               expected.sum())


def test_cross_entropy_is_one_fused_node(rng):
    z = ag.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    loss = nn.cross_entropy(z, [0, 1, 2] * np.ones(3, dtype=int))
    assert loss.op.name == "CrossEntropy" and loss.op.inputs == (z,)


def test_cross_entropy_is_exact_for_huge_logits():
    z = ag.Tensor(np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]]), requires_grad=True)
    loss = nn.cross_entropy(z, np.array([0, 0]))
    loss.backward()
    np.testing.assert_allclose(loss.item(), 0.5 * 1e4)
    np.testing.assert_allclose(z.grad.data, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-300)


def test_cross_entropy_gradient_and_second_derivative_match_finite_differences(rng):
    y = rng.integers(0, 4, 5)
    z = rng.standard_normal((5, 4))
    gradcheck(lambda t: nn.cross_entropy(t, y), [z])
    gradgradcheck(lambda t: nn.cross_entropy(t, y), [z])


@pytest.mark.parametrize("labels, error, match", [
    (np.array([0.0, 1.0, 1.0]), TypeError, "integers"),
    (np.array([[0], [1], [1]]), ValueError, r"shape \(3,\).*got \(3, 1\)"),
    (np.array([0, 1]), ValueError, r"shape \(3,\).*got \(2,\)"),
    (np.array([0, 1, 4]), ValueError, r"\[0, 4\).*from 0 to 4"),
    (np.array([0, -1, 2]), ValueError, r"\[0, 4\).*from -1 to 2"),
], ids=["float", "column", "short", "too_big", "negative"])
def test_cross_entropy_validates_labels(labels, error, match):
    with pytest.raises(error, match=match):
        nn.cross_entropy(ag.Tensor(np.zeros((3, 4))), labels)


def test_cross_entropy_needs_2d_logits():
    with pytest.raises(ValueError, match=r"\(N, C\), got \(4,\)"):
        nn.cross_entropy(ag.Tensor(np.zeros(4)), np.zeros(4, dtype=int))


def test_binary_cross_entropy_matches_numpy(rng):
    p, t = rng.uniform(0.05, 0.95, 6), rng.integers(0, 2, 6)
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(nn.binary_cross_entropy(ag.Tensor(p), t).item(), expected)
    gradcheck(lambda q: nn.binary_cross_entropy(q, t), [p])


def test_binary_cross_entropy_of_a_saturated_prediction_is_finite():
    loss = nn.binary_cross_entropy(ag.Tensor(np.array([0.0, 1.0])), np.array([1, 0]))
    assert np.isfinite(loss.item()) and loss.item() > 30


def test_binary_cross_entropy_with_logits_matches_numpy(rng):
    x, t = rng.standard_normal(6) * 3, rng.integers(0, 2, 6)
    p = 1 / (1 + np.exp(-x))
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(nn.binary_cross_entropy_with_logits(ag.Tensor(x), t).item(), expected)
    gradcheck(lambda z: nn.binary_cross_entropy_with_logits(z, t), [x])


def test_binary_cross_entropy_with_logits_is_exact_at_plus_minus_1000():
    x = ag.Tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0]), requires_grad=True)
    t = np.array([1.0, 0.0, 0.0, 1.0])
    losses = nn.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_array_equal(losses.data, [0.0, 0.0, 1000.0, 1000.0])
    losses.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 1.0, -1.0])  # sigmoid(x) - t


def test_cross_entropy_without_reduction_gives_each_rows_loss(rng):
    z, y = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    expected = np.log(np.exp(z).sum(axis=1)) - z[np.arange(5), y]
    np.testing.assert_allclose(nn.cross_entropy(ag.Tensor(z), y, reduction="none").data, expected)
    gradcheck(lambda q: nn.cross_entropy(q, y, reduction="none"), [z])


def test_cross_entropy_without_reduction_is_differentiable_twice(rng):
    z, y = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)
    gradgradcheck(lambda q: nn.cross_entropy(q, y, reduction="none"), [z])


def test_cross_entropy_of_an_empty_batch_is_nan_with_an_empty_gradient():
    x = ag.Tensor(np.zeros((0, 3)), requires_grad=True)  # as torch: mean of nothing is NaN
    loss = nn.cross_entropy(x, np.zeros(0, dtype=int))
    assert np.isnan(loss.item())
    loss.backward()
    assert x.grad.shape == (0, 3)
    assert nn.cross_entropy(x, np.zeros(0, dtype=int), reduction="sum").item() == 0.0


def test_every_loss_takes_input_target_and_reduction_by_keyword():
    x, t = ag.Tensor(np.array([0.25, 0.5])), np.array([0.0, 1.0])
    for loss in (nn.mse_loss, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits):
        assert loss(input=x, target=t, reduction="none").shape == (2,)
    logits = ag.Tensor(np.zeros((2, 3)))
    assert nn.cross_entropy(input=logits, target=np.array([0, 2]), reduction="none").shape == (2,)


STRICT = dict(over="raise", invalid="raise", divide="raise")  # no overflow or NaN on the way


def test_cross_entropy_at_logits_1000():
    x = ag.Tensor([[1000.0, -1000.0], [1000.0, -1000.0]], requires_grad=True)
    with np.errstate(**STRICT):
        loss = nn.cross_entropy(x, np.array([0, 1]))
        loss.backward()
    assert loss.item() == 1000.0  # mean of 0 and 2000
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [0.5, -0.5]])


@pytest.mark.parametrize("z, t, expected", [(1000.0, 1.0, 0.0), (1000.0, 0.0, 1000.0),
                                            (-1000.0, 1.0, 1000.0), (-1000.0, 0.0, 0.0)])
def test_binary_cross_entropy_with_logits_at_1000(z, t, expected):
    x = ag.Tensor([z], requires_grad=True)
    with np.errstate(**STRICT):
        loss = nn.binary_cross_entropy_with_logits(x, np.array([t]))
        loss.backward()
    assert loss.item() == expected
    assert x.grad.item() == (1.0 if z > 0 else 0.0) - t
