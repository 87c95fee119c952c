"""Function: the op contract (forward on arrays, vjp in Tensor ops) and what __call__ records."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_custom_function_with_forward_and_vjp():
    class Cube(ag.Function):
        def forward(self, x):
            return x ** 3

        def vjp(self, g, out, x):
            return (g * 3 * x * x,)

    x = Tensor(2.0, requires_grad=True)
    Cube()(x).backward()
    assert x.grad.item() == 12.0


def test_vjp_returning_a_list_instead_of_tuple_is_named():
    class Bad(ag.Function):
        def forward(self, x):
            return x * 1.0

        def vjp(self, g, out, x):
            return [g]

    x = Tensor(2.0, requires_grad=True)
    with pytest.raises(TypeError, match="Bad.vjp must return a tuple"):
        Bad()(x).backward()


def test_vjp_returning_an_unreducible_shape_is_named():
    class Bad(ag.Function):
        def forward(self, x):
            return x * 1.0

        def vjp(self, g, out, x):
            return (np.ones(7),)

    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"Bad.vjp.*\(7,\).*\(3,\)"):
        Bad()(x).sum().backward()


def test_op_records_which_inputs_need_a_gradient():
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 4)), requires_grad=True)
    assert (x @ w).op.needs_input_grad == (False, True)
    assert (w.T @ w).op.needs_input_grad is None  # every input needs one


def test_matmul_skips_the_gradient_of_an_input_without_grad():
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 4)), requires_grad=True)
    y = x @ w
    gx, gw = y.op.vjp(np.ones((2, 4)), y.data, x.data, w.data)
    assert gx is None
    np.testing.assert_array_equal(gw, np.full((3, 4), 2.0))
