"""How the backward pass walks, accumulates, frees and refuses."""

import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_diamond_fan_out_sums_both_paths():
    x = Tensor(3.0, requires_grad=True)
    a, b = x * 2.0, x * 5.0
    (a * b).backward()  # d(10 x^2)/dx = 20 x
    assert x.grad.item() == 60.0


def test_x_times_x_counts_the_input_twice():
    x = Tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_reuse_across_ops_accumulates():
    x = Tensor(0.5, requires_grad=True)
    y = ag.exp(x) + ag.tanh(x) * x
    y.backward()
    expected = np.exp(0.5) + (1 - np.tanh(0.5) ** 2) * 0.5 + np.tanh(0.5)
    assert x.grad.item() == pytest.approx(expected, rel=1e-14)


def test_grad_accumulates_over_two_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0 + 2.0, 3.0 + 4.0])


def test_explicit_seed_for_non_scalar_output():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])


def test_constants_get_no_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([5.0, 6.0])
    (x * c).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [5.0, 6.0])


def test_chain_of_a_million_ops_differentiates():
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y + 1e-6
    y.backward()
    assert x.grad.item() == 1.0


def test_saved_arrays_are_released_by_backward():
    x = Tensor(np.ones(3), requires_grad=True)
    hidden = ag.tanh(x)
    ref = weakref.ref(hidden.data)
    loss = (hidden * 2.0).sum()
    del hidden
    gc.collect()
    assert ref() is not None  # saved by Tanh (its output) and Mul (an input)
    loss.backward()
    assert ref() is None  # released by backward, without waiting for the garbage collector


def test_retain_graph_keeps_saved_arrays():
    x = Tensor(np.ones(3), requires_grad=True)
    hidden = ag.tanh(x)
    ref = weakref.ref(hidden.data)
    loss = (hidden * 2.0).sum()
    del hidden
    loss.backward(retain_graph=True)
    assert ref() is not None
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * 2 * (1 - np.tanh(1.0) ** 2))


def test_second_backward_through_freed_graph_raises():
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_backward_through_a_shared_freed_subgraph_raises():
    x = Tensor(2.0, requires_grad=True)
    h = ag.exp(x)
    (h * 2.0).backward()
    with pytest.raises(RuntimeError, match="already released"):
        (h * 3.0).backward()


def test_backward_on_non_scalar_without_grad_names_the_shape():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\)"):
        (x * 2.0).backward()


def test_backward_with_grad_of_wrong_shape_names_both_shapes():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        (x * 2.0).backward(np.ones(3))


def test_backward_on_tensor_without_history_raises():
    with pytest.raises(RuntimeError, match="no history"):
        Tensor(1.0).backward()


def test_grad_returns_gradients_without_touching_dot_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor(3.0, requires_grad=True)
    gx, gy = ag.grad((x * y).sum(), [x, y])
    np.testing.assert_array_equal(gx, [3.0, 3.0])
    assert gy.item() == 3.0
    assert x.grad is None and y.grad is None


def test_grad_with_respect_to_an_intermediate():
    x = Tensor(2.0, requires_grad=True)
    h = x * 3.0
    (gh,) = ag.grad(h * h, h)
    assert gh.item() == 12.0


def test_grad_of_an_intermediate_used_twice_is_complete_and_its_inputs_still_get_theirs():
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    gy, gx = ag.grad(y * y + y, [y, x])  # d/dy = 2y + 1 = 9; d/dx = 9 * 2x = 36
    assert (gy.item(), gx.item()) == (9.0, 36.0)


def test_backward_on_a_leaf_gives_it_gradient_one():
    x = Tensor(5.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0
    assert ag.grad(x, x)[0].item() == 1.0


def test_a_leaf_reached_by_several_paths_sums_them_before_any_use():
    x = Tensor([1.0, 2.0], requires_grad=True)
    w = Tensor(3.0, requires_grad=True)
    (x * w + ag.exp(x) * w + x).sum().backward()  # leaves are summed outside the walk's heap
    np.testing.assert_allclose(x.grad.data, 3.0 + np.exp([1.0, 2.0]) * 3.0 + 1.0, rtol=1e-15)
    np.testing.assert_allclose(w.grad.data, 3.0 + np.exp(1.0) + np.exp(2.0), rtol=1e-15)


def test_grad_of_unused_input_raises_unless_allowed():
    x = Tensor(1.0, requires_grad=True)
    z = Tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad(x * 2.0, [x, z], retain_graph=True)
    assert ag.grad(x * 2.0, [x, z], allow_unused=True)[1] is None


def test_grad_sums_over_several_outputs():
    x = Tensor(2.0, requires_grad=True)
    (g,) = ag.grad([x * x, x * 3.0], x)
    assert g.item() == 7.0


def test_in_place_update_of_a_used_leaf_is_detected_at_backward():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    with ag.no_grad():
        w.sub_(np.array([0.5, 0.5]))
    with pytest.raises(RuntimeError, match=r"tensor 'w' of shape \(2,\).*modified in place"):
        loss.backward()


def test_in_place_update_of_a_leaf_used_by_a_one_input_op_is_detected_at_backward():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = ag.exp(w).sum()
    with ag.no_grad():
        w.sub_(np.array([0.5, 0.5]))
    with pytest.raises(RuntimeError, match=r"tensor 'w' of shape \(2,\).*modified in place"):
        loss.backward()


def test_a_one_input_op_ranks_above_its_input_so_fan_out_around_it_is_complete():
    x = Tensor(0.5, requires_grad=True)
    a = ag.exp(x)
    b = ag.exp(a)
    assert 0 < a.op.order < b.op.order  # the walk's heap hands out b before a (made after a)
    (b + a).backward()  # a gets gradient from the sum and through exp(a): exp(a) + 1
    np.testing.assert_allclose(x.grad.item(), (np.exp(np.exp(0.5)) + 1) * np.exp(0.5), rtol=1e-15)


def test_in_place_update_outside_no_grad_is_refused():
    w = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w.sub_(np.array([1.0]))


def test_refused_in_place_update_leaves_the_data_unchanged():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        w.sub_(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
