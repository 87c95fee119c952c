"""Numerical edge cases with exact expected values: huge logits, zeros, ties, repeated indices."""

import warnings

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor

STRICT = dict(over="raise", divide="raise", invalid="raise")


def test_log_softmax_of_logits_1e4_is_exact():
    with np.errstate(**STRICT):
        np.testing.assert_array_equal(ag.log_softmax(Tensor([1e4, 0.0, -1e4])), [0.0, -1e4, -2e4])


def test_softmax_of_logits_1e4_is_one_hot_with_a_finite_gradient():
    x = Tensor([1e4, -1e4], requires_grad=True)
    with np.errstate(**STRICT):
        p = ag.softmax(x)
        (p * Tensor([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(p, [1.0, 0.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_logsumexp_of_equal_huge_logits():
    with np.errstate(**STRICT):
        assert ag.logsumexp(Tensor([1e4, 1e4])).item() == 1e4 + np.log(2)
        assert ag.logsumexp(Tensor([-1e4, -1e4])).item() == -1e4 + np.log(2)


def test_logsumexp_of_all_minus_infinity_is_minus_infinity():
    with np.errstate(over="raise", invalid="raise", divide="ignore"):  # log(0) = -inf is the answer
        assert ag.logsumexp(Tensor([-np.inf, -np.inf])).item() == -np.inf


def test_sigmoid_gradient_at_1000_is_exactly_zero():
    x = Tensor([1000.0, -1000.0], requires_grad=True)
    with np.errstate(**STRICT):
        ag.sigmoid(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_sqrt_at_zero_is_zero_with_infinite_gradient():
    x = Tensor([0.0], requires_grad=True)
    y = ag.sqrt(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y.sum().backward()
    assert y.item() == 0.0 and x.grad.item() == np.inf


def test_log_at_zero_is_minus_infinity_with_infinite_gradient():
    x = Tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's divide-by-zero warning is kept: it is informative
        y = ag.log(x)
        y.sum().backward()
    assert y.item() == -np.inf and x.grad.item() == np.inf


def test_max_ties_share_the_gradient_equally():
    x = Tensor([3.0, 1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [1 / 3, 0.0, 1 / 3, 1 / 3])


def test_maximum_tie_gives_each_side_half():
    x, y = Tensor(2.0, requires_grad=True), Tensor(2.0, requires_grad=True)
    ag.maximum(x, y).backward()
    assert x.grad.item() == 0.5 and y.grad.item() == 0.5


def test_relu_and_abs_have_zero_gradient_at_zero():
    x = Tensor([0.0, 0.0], requires_grad=True)
    (ag.relu(x[0]) + abs(x[1])).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_repeated_fancy_indices_accumulate():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
