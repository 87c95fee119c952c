"""Elementwise ops at the edges: powers at a zero base, saturation without flags, integer pixels."""

import numpy as np
import pytest

import autograd_core as ag


def test_x_to_the_zero_has_gradient_zero_at_zero():
    x = ag.Tensor([0.0, 2.0], requires_grad=True)
    (x ** 0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_zero_to_a_positive_tensor_power_has_exponent_gradient_zero():
    base = ag.Tensor(0.0, requires_grad=True)
    y = ag.Tensor([0.0, 2.0], requires_grad=True)
    (base ** y).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [0.0, 0.0])
    assert base.grad.data == 0.0  # d/dx of 0 ** 0 and of 0 ** 2


def test_second_derivative_of_a_power_at_a_zero_exponent_is_exact():
    # d/dy [y x^(y-1)] = x^(y-1) (1 + y log x): 1/x at y = 0 (PyTorch's masked formula gives 0)
    x = ag.Tensor(2.0, requires_grad=True)
    y = ag.Tensor(0.0, requires_grad=True)
    (gx,) = ag.grad(x ** y, [x], create_graph=True)
    (gxy,) = ag.grad(gx, [y])
    assert gxy.data == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize("fn", [ag.sigmoid, ag.softplus, ag.softmax, ag.log_softmax,
                                lambda x: ag.logsumexp(x, axis=0)], ids=["sigmoid", "softplus",
                                "softmax", "log_softmax", "logsumexp"])
def test_saturated_values_raise_no_flag_under_seterr_raise(fn):
    x = ag.Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    with np.errstate(all="raise"):
        out = fn(x)
        out.backward(np.ones(out.shape))
    assert np.isfinite(out.data).all() and np.isfinite(x.grad.data).all()


def test_sigmoid_saturates_to_exact_zero_and_one():
    out = ag.sigmoid(ag.Tensor([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out.data, [0.0, 1.0])


def test_real_overflow_still_raises_under_seterr_raise():
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        ag.exp(ag.Tensor(1000.0))


@pytest.mark.parametrize("fn", [ag.sigmoid, ag.exp, ag.tanh, ag.softmax, ag.log_softmax,
                                ag.logsumexp], ids=lambda f: f.__name__)
def test_uint8_pixels_compute_in_float64_without_wrapping(fn):
    pixels = np.array([0, 1, 200, 255], dtype=np.uint8)
    out = fn(ag.Tensor(pixels))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.data, fn(ag.Tensor(pixels.astype(np.float64))).data)


def test_a_string_operand_is_refused_naming_the_op_and_dtype():
    with pytest.raises(TypeError, match=r"Add: an operand of dtype <U1"):
        ag.Tensor([1.0]) + np.array(["a"])


def test_an_object_operand_is_refused():
    with pytest.raises(TypeError, match="Mul: an operand of dtype object"):
        ag.Tensor([1.0]) * np.array([object()], dtype=object)


class AddsAString(ag.Function):
    def forward(self, x): return np.add(x, np.array(["a"]))  # NumPy: a UFuncTypeError


def test_numpys_own_error_types_are_rebuilt_with_the_op_name():
    # UFuncTypeError's constructor takes the ufunc and dtypes: the engine raises a TypeError
    with pytest.raises(TypeError, match=r"^AddsAString: .*input shapes \(1,\); dtypes float64"):
        AddsAString()(ag.Tensor([1.0]))
