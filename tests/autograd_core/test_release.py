"""What a graph keeps after backward releases it (no batch, no kept arrays), and the updates,
casts and constants that would otherwise change gradients silently (found by a review)."""

import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


# --- memory: what a released graph still holds ---------------------------------------------------

def test_holding_the_loss_after_backward_does_not_keep_the_input_batch_alive():
    # REGRESSION of the rewrite. Before it, backward dropped each node's inputs (FREED); now
    # the released node keeps `inputs` and `versions`, which hold every leaf it used, data
    # batches and constants included. A training loop that keeps its loss tensors
    # (`losses.append(loss)`) then keeps every batch alive: about 154 KB per step for a 256 x 64
    # float64 batch through nn.MLP + cross_entropy, against 0.24 KB before the rewrite (and in
    # PyTorch, whose graph has no edge to an input that needs no grad and frees saved tensors).
    x = Tensor(np.ones((1000, 100)))
    w = Tensor(np.ones(100), requires_grad=True)
    loss = (x * w).sum()
    loss.backward()
    batch = weakref.ref(x.data)
    del x
    gc.collect()
    assert loss.op.released
    assert batch() is None, "the released graph still holds the input batch"


def test_cross_entropy_drops_its_softmax_when_backward_releases_it():
    # nn.losses.CrossEntropy keeps exp(x - max) and its row sums on self for the vjp; the node
    # now outlives backward (structure stays), so they must go in release(), as ResidualAffine's
    # activation_out does.
    import nn

    loss = nn.cross_entropy(Tensor(np.zeros((512, 10)), requires_grad=True), np.zeros(512, int))
    kept = weakref.ref(loss.op.function.exp)
    loss.backward()
    gc.collect()
    assert kept() is None, "CrossEntropy.exp survives backward on the released node"


# --- version counters: updates through detach() ------------------------------------------------

def test_an_in_place_update_through_detach_of_a_data_tensor_is_refused():
    # detach() shares the array (and a graph may have saved it): updating it in place would
    # silently change the gradient (w.grad [2, 4, 6] instead of [1, 2, 3]); it is refused at once.
    c = Tensor(np.array([1.0, 2.0, 3.0]))
    w = Tensor(np.ones(3), requires_grad=True)
    y = (w * c).sum()
    with pytest.raises(RuntimeError, match="shares its array with another"):
        c.detach().mul_(2.0)
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0, 3.0])


def test_an_in_place_update_through_detach_of_a_saved_output_is_refused():
    # tanh saves its output; updating h.detach() in place would change it (gradient -1.1378
    # instead of 1 - tanh(0.5)**2 = 0.7864).
    w = Tensor(np.full(3, 0.5), requires_grad=True)
    h = ag.tanh(w)
    y = h.sum()
    with ag.no_grad(), pytest.raises(RuntimeError, match="shares its array with another"):
        h.detach().add_(1.0)
    y.backward()
    np.testing.assert_allclose(w.grad.data, 1 - np.tanh(0.5) ** 2)


def _x_grad_when_w_is_updated_after_recording(w, saved_of):
    """x.grad of sum(x * saved_of(w)) for x = [1, 1], with w doubled in place between the
    forward and the backward: [1, 2] when the graph kept the values it was built with."""
    x = Tensor(np.ones(2), requires_grad=True)
    y = (x * saved_of(w)).sum()
    with ag.no_grad():
        w.mul_(2.0)
    y.backward()
    return x.grad.data


# Each of these came out [2, 4] before, silently: the graph saw the update through a shared array.
def test_a_graph_that_saved_a_detached_leaf_keeps_its_values_when_the_leaf_is_updated():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)  # detach() of a leaf copies
    np.testing.assert_array_equal(_x_grad_when_w_is_updated_after_recording(w, Tensor.detach), [1, 2])


def test_a_tensor_made_from_a_tensor_does_not_follow_its_in_place_updates():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)  # Tensor(w) copies, as torch.tensor(w)
    np.testing.assert_array_equal(_x_grad_when_w_is_updated_after_recording(w, Tensor), [1, 2])


def test_a_graph_that_saved_an_unrecorded_view_of_a_leaf_keeps_its_values_when_the_leaf_is_updated():
    w = Tensor(np.array([1.0, 2.0]))  # needs no grad: w[0:2] is not recorded, and is copied
    np.testing.assert_array_equal(
        _x_grad_when_w_is_updated_after_recording(w, lambda w: w[0:2]), [1, 2])


def test_a_graph_that_saved_a_detached_view_of_a_leaf_keeps_its_values_when_the_leaf_is_updated():
    w = Tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    np.testing.assert_array_equal(
        _x_grad_when_w_is_updated_after_recording(w, lambda w: w.reshape(2).detach()), [1, 2])


def test_a_recorded_view_of_a_leaf_updated_in_place_is_refused_in_backward():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)  # its node checks w's version
    with pytest.raises(RuntimeError, match="modified in place"):
        _x_grad_when_w_is_updated_after_recording(w, lambda w: w[0:2])


def test_a_detached_op_output_shares_its_array():
    x = Tensor(np.ones(3), requires_grad=True)
    y = x * 2.0
    assert np.shares_memory(y.detach().data, y.data)


# --- casts to non-float dtypes ----------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_a_cast_to_a_non_float_dtype_passes_no_gradient(dtype):
    # PRE-EXISTING, silent: Cast to int/bool is recorded (an integer node that "requires grad")
    # and its vjp hands the gradient, truncated to the integer dtype by _fit, straight back:
    # d/dx sum(int(x) * 2.0) comes out 2 (bool: 1 from 3.0) instead of 0. PyTorch gives the
    # cast no grad_fn (backward then raises); a zero gradient would also be right.
    x = Tensor(np.array([1.7, 2.2]), requires_grad=True)
    y = x.astype(dtype)
    if y.requires_grad:
        (y * 2.0).sum().backward()
        assert x.grad is None or not np.any(x.grad.data), f"gradient {x.grad.data} through a cast to {np.dtype(dtype)}"


# --- integer constants ----------------------------------------------------------------------------

def test_a_python_int_keeps_a_uint8_tensor_uint8():
    # A Python int beside an integer tensor takes its dtype (NumPy's and PyTorch's rule): uint8
    # + 10 is uint8 [4], not the int64 [260] that a 0-d int64 constant would promote to.
    u = Tensor(np.array([250], np.uint8))
    out = u + 10
    assert out.dtype == np.uint8, f"uint8 + 10 gave {out.dtype} {out.data}"


def test_an_unrecorded_view_of_a_recorded_output_shares_its_array():
    y = Tensor(np.arange(6.0), requires_grad=True) * 2.0  # an op's output: never updated in place
    with ag.no_grad():
        assert np.shares_memory(y.reshape(2, 3).data, y.data)
