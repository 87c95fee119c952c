"""float32 stays float32; integers cannot require grad."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_float32_survives_python_number_constants():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (x * 2.5 + 1) / 3.0 - 0.5
    assert y.dtype == np.float32


@pytest.mark.parametrize("dtype, number", [
    (np.complex64, 2.5), (np.complex64, 2), (np.complex64, 1j), (np.float32, 1j), (np.float16, 1j),
    (np.int8, 2.5), (np.bool_, 2), (np.uint8, 10), (np.float16, 3),
])
def test_a_python_number_gives_numpys_result_dtype(dtype, number):
    a = np.ones(3, dtype)
    assert (Tensor(a) * number).dtype == (a * number).dtype
    assert (number * Tensor(a)).dtype == (number * a).dtype


def test_float32_survives_float64_array_constants():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    assert (x * np.array([1.0, 2.0, 3.0])).dtype == np.float32


def test_float32_gradient_stays_float32():
    x = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    w = Tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True)
    (ag.tanh(x @ w) * 2.0).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_mixed_precision_gradient_takes_each_inputs_dtype():
    x = Tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    y = Tensor(np.ones(2, dtype=np.float64), requires_grad=True)
    (x * y).sum().backward()
    assert x.grad.dtype == np.float32 and y.grad.dtype == np.float64


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require grad.*int64"):
        Tensor([1, 2], requires_grad=True)


def test_object_array_is_refused():
    with pytest.raises(TypeError, match="numeric"):
        Tensor(np.array([object()]))


def test_python_scalar_gives_a_0d_float64_tensor():
    t = Tensor(2.0)
    assert t.shape == () and t.dtype == np.float64 and t.item() == 2.0


def test_numpy_functions_on_tensors_record_or_are_refused_instead_of_dropping_the_graph():
    assert np.exp(Tensor([1.0], requires_grad=True)).requires_grad
    with pytest.raises(TypeError, match="np.cbrt"):
        np.cbrt(Tensor([1.0], requires_grad=True))


def test_array_protocol_gives_the_data():
    t = Tensor([1.0, 2.0])
    assert np.asarray(t) is t.data
    np.testing.assert_allclose(t, [1.0, 2.0])


def test_ops_on_plain_arrays_return_plain_arrays():
    out = ag.exp(np.array([0.0, 1.0]))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, np.exp([0.0, 1.0]))


def test_in_place_update_by_a_number_computes_in_float32():
    values = np.array([0.1257302165031433, -0.13210485875606537], dtype=np.float32)
    p = Tensor(values.copy(), requires_grad=True)
    with ag.no_grad():
        p.mul_(0.9)  # rounded once in float32, not computed in float64 and rounded again
    assert p.dtype == np.float32
    np.testing.assert_array_equal(p.data, values * np.float32(0.9))
