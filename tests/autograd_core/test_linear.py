"""ag.linear and ag.residual_linear: dense layers as one op (product, bias, activation, residual)."""

import re
import weakref

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
    assert isinstance(out.op.function, ag.ops.Affine)
    assert all(a is e for a, e in zip(out.op.inputs, (x, w, b))) and len(out.op.inputs) == 3


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


def test_residual_linear_is_one_node_on_its_three_inputs(rng):
    x, w, b = layer(rng, d_out=3)
    out = ag.residual_linear(x, w, b, step=0.1, activation="tanh")
    assert isinstance(out.op.function, ag.ops.ResidualAffine)
    assert all(a is e for a, e in zip(out.op.inputs, (x, w, b))) and len(out.op.inputs) == 3


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh"])
def test_residual_linear_gives_the_values_and_gradients_of_the_separate_ops(activation, rng):
    x, w, b = layer(rng, d_out=3)
    fused = ag.residual_linear(x, w, b, step=0.3, activation=activation)
    apart = ag.add(x, ag.linear(x, w, b, activation=activation), alpha=0.3)
    np.testing.assert_allclose(fused.data, apart.data, rtol=1e-15)
    seed = rng.standard_normal(fused.shape)
    for f, a in zip(ag.grad(fused, [x, w, b], seed), ag.grad(apart, [x, w, b], seed)):
        np.testing.assert_allclose(f.data, a.data, rtol=1e-13, atol=1e-15)


def test_residual_linear_releases_its_kept_activation_with_the_graph(rng):
    x, w, b = layer(rng, d_out=3)
    out = ag.residual_linear(x, w, b, step=0.1, activation="tanh")
    kept = weakref.ref(out.op.function.activation_out)
    out.sum().backward()
    assert kept() is None and w.grad is not None


def test_residual_linear_refuses_a_weight_that_is_not_square():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"residual_linear needs a square weight, got shape \(4, 3\)"):
        ag.residual_linear(x, Tensor(np.ones((4, 3))))


def test_a_bias_of_another_shape_is_refused_not_broadcast():
    x, w = Tensor(np.ones((3, 2))), Tensor(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"the bias must have shape \(4,\) for a weight of shape "
                                         r"\(4, 2\), got \(3, 1\)"):
        ag.linear(x, w, Tensor(np.ones((3, 1))))


@pytest.mark.parametrize("x_shape, w_shape", [((3, 2), (4, 3)), ((), (4, 2)), ((3, 2), (2,))])
def test_an_input_that_does_not_fit_the_weight_is_refused_naming_both_shapes(x_shape, w_shape):
    with pytest.raises(ValueError, match=rf"Affine: an input of shape {re.escape(str(x_shape))} "
                                         rf"does not fit a weight of shape {re.escape(str(w_shape))}"):
        ag.linear(Tensor(np.ones(x_shape)), Tensor(np.ones(w_shape)))


@pytest.mark.parametrize("op", [ag.ops.Affine, lambda a: ag.ops.ResidualAffine(1.0, a)],
                         ids=["Affine", "ResidualAffine"])
def test_dense_ops_refuse_at_construction_an_activation_whose_vjp_needs_its_input(op):
    with pytest.raises(TypeError, match="cannot fuse Softplus: its vjp needs its input"):
        op(ag.ops.Softplus())
