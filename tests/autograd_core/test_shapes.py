"""shapes: axis normalisation, keepdims shapes and sum_to_shape (the one broadcast adjoint)."""

import numpy as np
import pytest

from autograd_core.shapes import (
    keepdims_shape, normalize_axes, normalize_axis, normalize_permutation, sum_to_shape,
)


@pytest.mark.parametrize("axis, expected", [(None, (0, 1, 2)), (-1, (2,)), ((2, 0), (0, 2)),
                                            (np.int64(1), (1,)), ((np.intp(-1), 0), (0, 2)),
                                            ([1, 0], (0, 1))],
                         ids=["none", "negative", "unsorted", "numpy_int", "numpy_int_tuple", "list"])
def test_normalize_axes_gives_sorted_non_negative_axes(axis, expected):
    assert normalize_axes(axis, 3) == expected


@pytest.mark.parametrize("axis, match", [(3, "out of bounds"), (-4, "out of bounds"),
                                         ((0, -3), "repeated axis")])
def test_normalize_axes_refuses_bad_axes(axis, match):
    with pytest.raises(ValueError, match=match):
        normalize_axes(axis, 3)


@pytest.mark.parametrize("axis", [0, -1, (0,), None])
def test_a_0d_shape_accepts_axis_0_and_minus_1_and_reduces_over_nothing(axis):
    assert normalize_axes(axis, 0) == ()


def test_a_bool_axis_is_refused():
    with pytest.raises(TypeError, match="must be an integer"):
        normalize_axes(True, 2)


def test_an_out_of_bounds_axis_names_the_shape_when_given_one():
    with pytest.raises(np.exceptions.AxisError, match=r"\(2, 3\)"):
        normalize_axes(5, (2, 3))


def test_normalize_axis_takes_one_axis_only():
    assert normalize_axis(np.int64(-1), 3) == 2
    with pytest.raises(TypeError, match="one integer axis"):
        normalize_axis((0, 1), 3)


@pytest.mark.parametrize("axes, expected", [(None, (2, 1, 0)), ((-1, 0, 1), (2, 0, 1)),
                                            ((np.int64(1), 0, -1), (1, 0, 2))])
def test_normalize_permutation(axes, expected):
    assert normalize_permutation(axes, 3) == expected


def test_normalize_permutation_refuses_a_repeated_or_short_permutation():
    for axes in [(0, 0, 1), (0, 1)]:
        with pytest.raises(ValueError, match="not a permutation"):
            normalize_permutation(axes, 3)


def test_keepdims_shape_puts_ones_on_the_reduced_axes():
    assert keepdims_shape((2, 3, 4), (0, 2)) == (1, 3, 1)
    assert keepdims_shape((2, 3), (0, 1)) == (1, 1)


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


def test_sum_to_shape_of_a_narrow_integer_gradient_is_its_sum():
    # REGRESSION of c44bece: the bias-gradient product `ones @ g` computes in g's dtype, so an
    # int8 gradient's column sums wrapped (300 rows of 1 gave 44) where g.sum gives 300.
    from autograd_core.shapes import sum_to_shape

    np.testing.assert_array_equal(sum_to_shape(np.ones((300, 2), np.int8), (2,)), [300, 300])


def test_sum_to_shape_of_a_boolean_gradient_counts_the_trues():
    # REGRESSION of c44bece: `ones @ g` of booleans is a logical or (True), not a count (3).
    from autograd_core.shapes import sum_to_shape

    np.testing.assert_array_equal(sum_to_shape(np.ones((3, 2), bool), (1, 2)), [[3, 3]])


def test_a_custom_vjps_boolean_gradient_of_a_broadcast_input_is_summed():
    # What the regression above does to a gradient: a vjp handing back a mask (1 where x > 0)
    # for an input broadcast over 3 rows gave 1 instead of 3 (the float input's .grad).
    import autograd_core as ag

    class Step(ag.Function):
        saves = "inputs"
        def forward(self, x, y): return (x + y > 0) * 1.0
        def vjp(self, g, out, x, y): return (x + y > 0), None

    b = ag.Tensor(np.ones(2), requires_grad=True)
    Step()(b, ag.Tensor(np.ones((3, 2)))).sum().backward()
    np.testing.assert_array_equal(b.grad.data, [3.0, 3.0])
