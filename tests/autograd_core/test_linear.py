"""ag.linear: the fused dense-layer op (product, bias and activation in one node)."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def layer(rng, n=6, d_in=3, d_out=4):
    x = Tensor(rng.standard_normal((n, d_in)), requires_grad=True)
    w = Tensor(rng.standard_normal((d_out, d_in)), requires_grad=True)
    b = Tensor(rng.standard_normal(d_out), requires_grad=True)
    return x, w, b


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_activation_is_applied_inside_one_node_that_keeps_no_pre_activation(activation, rng):
    x, w, b = layer(rng)
    out = ag.linear(x, w, b, activation=activation)
    assert isinstance(out.op, ag.ops.Affine)
    assert all(a is e for a, e in zip(out.inputs, (x, w, b))) and len(out.inputs) == 3


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_fused_activation_gives_the_gradients_of_the_two_separate_ops(activation, rng):
    x, w, b = layer(rng)
    fused = ag.grad(ag.linear(x, w, b, activation=activation).sum(), [x, w, b])
    apart = ag.grad(getattr(ag, activation)(ag.linear(x, w, b)).sum(), [x, w, b])
    for f, a in zip(fused, apart):
        np.testing.assert_allclose(f.data, a.data, rtol=1e-13, atol=1e-15)


def test_unknown_activation_is_refused_with_the_choices():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"unknown activation 'gelu'; choose one of \['relu', "
                                         r"'sigmoid', 'tanh'\] or None"):
        ag.linear(x, Tensor(np.ones((4, 3))), activation="gelu")


def test_row_major_and_column_major_inputs_give_the_same_values_and_gradients(rng):
    x, w, b = layer(rng)
    x_f = Tensor(np.asfortranarray(x.data), requires_grad=True)
    out, out_f = ag.linear(x, w, b, activation="tanh"), ag.linear(x_f, w, b, activation="tanh")
    np.testing.assert_array_equal(out.data, out_f.data)
    seed = rng.standard_normal(out.shape)
    np.testing.assert_allclose(ag.grad(out, x, seed)[0].data, ag.grad(out_f, x_f, seed)[0].data,
                               rtol=1e-14)


def test_output_and_input_gradient_keep_the_input_dtype_and_shape(rng):
    x = Tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 3)).astype(np.float32), requires_grad=True)
    out = ag.linear(x, w, activation="relu")
    out.sum().backward()
    assert out.dtype == np.float32 and out.shape == (5, 2)
    assert x.grad.dtype == np.float32 and x.grad.shape == (5, 3)
