"""shapes: axis normalisation, keepdims shapes and sum_to_shape (the one broadcast adjoint)."""

import numpy as np
import pytest

from autograd_core.shapes import keepdims_shape, normalize_axes, sum_to_shape


@pytest.mark.parametrize("axis, expected", [(None, (0, 1, 2)), (-1, (2,)), ((2, 0), (0, 2))],
                         ids=["none", "negative", "unsorted"])
def test_normalize_axes_gives_sorted_non_negative_axes(axis, expected):
    assert normalize_axes(axis, 3) == expected


@pytest.mark.parametrize("axis, match", [(3, "out of bounds"), (-4, "out of bounds"),
                                         ((0, -3), "repeated axis")])
def test_normalize_axes_refuses_bad_axes(axis, match):
    with pytest.raises(ValueError, match=match):
        normalize_axes(axis, 3)


def test_normalize_axes_of_a_0d_shape_accepts_axis_0():
    assert normalize_axes(0, 0) == (0,)


def test_keepdims_shape_puts_ones_on_the_reduced_axes():
    assert keepdims_shape((2, 3, 4), (0, -1)) == (1, 3, 1)
    assert keepdims_shape((2, 3), None) == (1, 1)


def test_sum_to_shape_sums_leading_and_size_one_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(sum_to_shape(g, (3, 1)), g.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_array_equal(sum_to_shape(g, ()), g.sum())


def test_sum_to_shape_returns_a_gradient_of_the_right_shape_unchanged():
    g = np.ones((2, 3))
    assert sum_to_shape(g, (2, 3)) is g


@pytest.mark.parametrize("shape", [(2, 4), (5, 2, 3, 4)], ids=["mismatch", "more_axes"])
def test_sum_to_shape_refuses_a_shape_it_cannot_sum_down_to(shape):
    with pytest.raises(ValueError, match="cannot sum a gradient of shape"):
        sum_to_shape(np.ones((2, 3, 4)), shape)
