"""Function transforms: grad, value_and_grad, jacobian, hessian, hvp of plain functions."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import func


def test_grad_of_a_plain_function():
    g = func.grad(lambda x: ag.tanh(x).sum())
    x = np.array([0.1, -0.4])
    np.testing.assert_allclose(g(x), 1 - np.tanh(x) ** 2, rtol=1e-14)


def test_grad_with_respect_to_several_arguments():
    g = func.grad(lambda w, b: (w * 3.0 + b).sum(), argnums=(0, 1))
    gw, gb = g(np.ones(2), np.zeros(2))
    np.testing.assert_array_equal(gw, [3.0, 3.0])
    np.testing.assert_array_equal(gb, [1.0, 1.0])


def test_value_and_grad_returns_both():
    value, g = func.value_and_grad(lambda x: (x * x).sum())(np.array([3.0]))
    assert value == 9.0
    np.testing.assert_array_equal(g, [6.0])


def test_integer_argument_is_differentiated_as_float():
    np.testing.assert_array_equal(func.grad(lambda x: (x * x).sum())(np.array([2])), [4.0])


def test_jacobian_of_an_elementwise_map_is_diagonal():
    x = np.array([0.5, 1.0, 2.0])
    j = func.jacobian(lambda x: ag.exp(x))(x)
    np.testing.assert_allclose(j, np.diag(np.exp(x)), rtol=1e-14)


def test_jacobian_of_a_linear_map_is_its_matrix():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(func.jacobian(lambda x: ag.Tensor(a) @ x)(np.ones(3)), a)


def test_hessian_of_a_quadratic_form():
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    h = func.hessian(lambda x: x @ ag.Tensor(a) @ x)(np.array([1.0, -1.0]))
    np.testing.assert_allclose(h, a + a.T, rtol=1e-14)


def test_hvp_equals_hessian_times_vector():
    f = lambda x: (ag.tanh(x) ** 2).sum() * x[0]  # noqa: E731
    x, v = np.array([0.3, -0.2, 0.9]), np.array([1.0, 2.0, -1.0])
    np.testing.assert_allclose(func.hvp(f, x, v), func.hessian(f)(x) @ v, rtol=1e-12)


def test_hessian_of_a_piecewise_linear_function_is_zero():
    np.testing.assert_array_equal(func.hessian(lambda x: ag.relu(x).sum())(np.array([1.0, -2.0])),
                                  np.zeros((2, 2)))


def test_hvp_of_a_linear_function_is_zero():
    np.testing.assert_array_equal(func.hvp(lambda x: (3 * x).sum(), np.ones(2), np.ones(2)),
                                  np.zeros(2))


def test_jacobian_of_a_constant_is_zero():
    jac = func.jacobian(lambda x: ag.Tensor([1.0, 2.0]))(np.ones(3))
    np.testing.assert_array_equal(jac, np.zeros((2, 3)))


def test_grad_of_a_function_returning_a_number_names_the_problem():
    with pytest.raises(TypeError, match="returned float, not a Tensor"):
        func.grad(lambda x: 3.0)(1.0)
