"""Ops that move values: transpose with negative axes, joins along every axis form."""

import numpy as np
import pytest

import autograd_core as ag


def test_transpose_with_negative_axes_has_the_inverse_permutation_as_gradient():
    x = ag.Tensor(np.zeros((2, 2, 2)), requires_grad=True)
    g = np.arange(8.0).reshape(2, 2, 2)
    x.transpose(-1, 0, 1).backward(g)
    np.testing.assert_array_equal(x.grad.data, np.transpose(g, (1, 2, 0)))


def test_transpose_of_a_1d_tensor_by_its_one_axis():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    x.transpose(0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


def test_transpose_refuses_axes_that_are_not_a_permutation():
    with pytest.raises(ValueError, match="not a permutation"):
        ag.Tensor(np.ones((2, 3))).transpose(0, 0)


def test_concatenate_with_axis_none_flattens_and_differentiates():
    a = ag.Tensor(np.ones((2, 2)), requires_grad=True)
    b = ag.Tensor(np.ones(3), requires_grad=True)
    out = ag.concatenate([a, b], axis=None)
    out.backward(np.arange(7.0))
    np.testing.assert_array_equal(a.grad.data, [[0, 1], [2, 3]])
    np.testing.assert_array_equal(b.grad.data, [4, 5, 6])


@pytest.mark.parametrize("axis", [np.int64(1), -1])
def test_concatenate_and_stack_take_numpy_integer_and_negative_axes(axis):
    a = ag.Tensor(np.ones((2, 2)), requires_grad=True)
    assert ag.concatenate([a, a], axis=axis).shape == (2, 4)
    assert ag.stack([a, a], axis=axis).shape == (2, 2, 2) if axis == 1 else (2, 2, 2)
