"""Gradients of gradients through create_graph=True."""

import numpy as np

import autograd_core as ag
from autograd_core import Tensor


def test_second_derivative_of_a_cubic():
    x = Tensor(2.0, requires_grad=True)
    (g,) = ag.grad(x ** 3, x, create_graph=True)
    (h,) = ag.grad(g, x)
    assert g.item() == 12.0 and h.item() == 12.0


def test_third_derivative_of_tanh():
    x = Tensor(0.3, requires_grad=True)
    (d1,) = ag.grad(ag.tanh(x), x, create_graph=True)
    (d2,) = ag.grad(d1, x, create_graph=True)
    (d3,) = ag.grad(d2, x)
    t = np.tanh(0.3)
    np.testing.assert_allclose(d3.item(), -2 * (1 - t * t) * (1 - 3 * t * t), rtol=1e-13)


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (h,) = ag.grad(x.grad.sum(), x)
    np.testing.assert_allclose(h, 6 * np.array([1.0, 2.0]))


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 4))
    v = rng.standard_normal(4)
    hv = ag.func.hvp(lambda x: x @ ag.Tensor(a) @ x, rng.standard_normal(4), v)
    np.testing.assert_allclose(hv, (a + a.T) @ v, rtol=1e-12)


def test_gradient_penalty_through_a_network():
    # d/dw of ||d(out)/dx||^2 for out = tanh(x @ w): needs second derivatives through matmul and tanh.
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 1)), requires_grad=True)

    def penalty(w_arr):
        w_t = ag.Tensor(w_arr) if not isinstance(w_arr, ag.Tensor) else w_arr
        out = ag.tanh(x @ w_t).sum()
        (gx,) = ag.grad(out, x, create_graph=True)
        return (gx * gx).sum()

    (gw,) = ag.grad(penalty(w), w)
    from autograd_core.checks import numerical_jacobian
    numeric = numerical_jacobian(lambda w_: penalty(w_), [Tensor(w.data.copy())], 0, 1e-6)
    np.testing.assert_allclose(gw.data.reshape(-1), numeric.reshape(-1), rtol=1e-7)


def test_hessian_matches_the_analytic_one():
    h = ag.func.hessian(lambda x: (ag.exp(x[0]) * x[1] ** 2))(np.array([0.5, 3.0]))
    e = np.exp(0.5)
    np.testing.assert_allclose(h, [[e * 9, e * 6], [e * 6, 2 * e]], rtol=1e-13)
