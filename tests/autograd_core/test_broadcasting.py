"""Gradients of broadcast operands have the operand's own shape and the summed values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.checks import gradcheck


@pytest.mark.parametrize("xs, ys", [((3, 4), (4,)), ((3, 4), (3, 1)), ((), (2, 3)), ((2, 1, 3), (4, 1)),
                                     ((1,), (5,))])
def test_gradient_of_broadcast_add_has_operand_shapes(xs, ys):
    x = Tensor(np.ones(xs), requires_grad=True)
    y = Tensor(np.ones(ys), requires_grad=True)
    out = x + y
    out.sum().backward()
    assert x.grad.shape == xs and y.grad.shape == ys
    np.testing.assert_array_equal(x.grad, np.full(xs, out.size / max(x.size, 1)))
    np.testing.assert_array_equal(y.grad, np.full(ys, out.size / max(y.size, 1)))


def test_mismatched_shapes_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"Mul:.*\(3, 4\), \(5,\)"):
        Tensor(np.ones((3, 4))) * Tensor(np.ones(5))


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"MatMul: shapes \(2, 3\) and \(4, 5\) do not fit"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
          "maximum": ag.maximum, "div": lambda a, b: a / (b * b + 1.0)}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3),
       op=st.sampled_from(sorted(BINARY)), data=st.data())
def test_random_broadcastable_shapes_match_finite_differences(shapes, op, data):
    xs, ys = shapes.input_shapes
    elems = st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > 0.1)
    x = data.draw(hnp.arrays(np.float64, xs, elements=elems))
    y = data.draw(hnp.arrays(np.float64, ys, elements=elems))
    if op == "maximum" and np.any(np.abs(np.subtract(x, y)) < 1e-3):
        return  # a tie is a kink: finite differences are not defined there
    out = BINARY[op](Tensor(x), Tensor(y))
    assert out.shape == shapes.result_shape
    assert gradcheck(BINARY[op], [x, y], atol=1e-8, rtol=1e-6)
