"""Reductions and axis-wise ops: every axis form, 0-d tensors, empty batches."""

import numpy as np
import pytest

import autograd_core as ag

REDUCTIONS = {"sum": ag.sum, "max": ag.max, "min": ag.min, "mean": ag.mean, "var": ag.var,
              "logsumexp": ag.logsumexp}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis", [0, -1, (0,), (-1,)], ids=str)
def test_a_0d_tensor_reduces_over_axis_0_or_minus_1_forward_and_backward(name, axis):
    x = ag.Tensor(1.5, requires_grad=True)
    out = REDUCTIONS[name](x, axis=axis)
    out.backward()
    assert out.shape == () and x.grad.shape == ()


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_a_numpy_integer_axis_works_as_an_int(name):
    data = np.arange(6.0).reshape(2, 3)
    x, y = ag.Tensor(data, requires_grad=True), ag.Tensor(data, requires_grad=True)
    REDUCTIONS[name](x, axis=np.int64(1)).sum().backward()
    REDUCTIONS[name](y, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.grad.data)


@pytest.mark.parametrize("fn", [ag.softmax, ag.log_softmax], ids=lambda f: f.__name__)
def test_softmax_of_an_empty_batch_is_empty(fn):
    x = ag.Tensor(np.ones((0, 3)), requires_grad=True)
    out = fn(x, axis=0)
    out.backward(np.ones((0, 3)))
    assert out.shape == (0, 3) and x.grad.shape == (0, 3)


def test_an_out_of_bounds_axis_names_the_shape():
    with pytest.raises(ValueError, match=r"axis 2 is out of bounds.*\(2, 3\)"):
        ag.Tensor(np.ones((2, 3))).sum(axis=2)


def test_a_boolean_axis_is_refused():
    with pytest.raises(TypeError, match="axis must be an integer"):
        ag.Tensor(np.ones(3)).sum(axis=True)
