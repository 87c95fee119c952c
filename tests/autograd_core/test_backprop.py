"""backprop: the gradients handed to users are their own writable ndarrays, 0-d included."""

import numpy as np

import autograd_core as ag


def test_a_0d_leaf_used_twice_gets_a_0d_array_gradient():
    x = ag.Tensor(2.0, requires_grad=True)
    (x * x + x).backward()
    assert type(x.grad.data) is np.ndarray and x.grad.shape == ()
    assert np.asarray(x.grad) == 5.0


def test_two_leaves_of_one_sum_get_separate_gradient_arrays():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    y = ag.Tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    x.grad.mul_(0.5)  # gradient clipping, in place
    np.testing.assert_array_equal(x.grad.data, [0.5, 0.5])
    np.testing.assert_array_equal(y.grad.data, [1.0, 1.0])


def test_a_gradient_from_a_broadcast_view_is_writable():
    x = ag.Tensor(np.ones((2, 3)), requires_grad=True)
    x.sum().backward()  # Sum's vjp is a read-only broadcast view
    x.grad.mul_(2.0)
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))


def test_the_callers_seed_is_not_handed_back_as_a_gradient():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([1.0, 1.0])
    (x + 1.0).backward(seed)
    x.grad.data[0] = 99.0
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_grad_returns_separate_arrays_for_inputs_sharing_a_gradient():
    x = ag.Tensor([1.0], requires_grad=True)
    y = ag.Tensor([2.0], requires_grad=True)
    gx, gy = ag.grad((x + y).sum(), [x, y])
    gx.data[0] = 7.0
    assert gy.data[0] == 1.0 and gx.data.flags.writeable


def test_accumulated_0d_gradients_stay_arrays():
    x = ag.Tensor(1.5, requires_grad=True)
    (x * 2).backward()
    (x * x).backward()
    assert type(x.grad.data) is np.ndarray and x.grad.data == 5.0


def test_a_recorded_chain_holds_at_most_half_of_its_intermediates():
    import tracemalloc

    x = ag.Tensor(np.full(4096, 0.5), requires_grad=True)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = x
        for _ in range(50):
            y = (y * 0.9 + 0.1).tanh()  # three intermediates a step; only the tanh output is read
        held = tracemalloc.get_traced_memory()[0] - base
        y.sum().backward()
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    intermediates = 3 * 50 * x.data.nbytes
    assert held <= 0.5 * intermediates  # about a third (the benchmark: benchmarks/graph_cost.py)
    assert after <= 0.05 * intermediates  # released by backward; y and x.grad remain


def test_a_vjp_that_raises_leaves_its_node_usable_for_a_retained_second_backward():
    # backward_step releases a node only after its vjp returned: a vjp that raises (here once)
    # leaves its saved arrays, so backward(retain_graph=True) can run again, with the gradient.
    calls = []

    class Flaky(ag.Function):
        saves = "inputs"
        def forward(self, x): return x * 2.0
        def vjp(self, g, out, x):
            calls.append(1)
            if len(calls) == 1:
                raise FloatingPointError("once")
            return (g * 2.0,)

    w = ag.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = ag.tanh(Flaky()(w * 3.0)).sum()
    try:
        y.backward(retain_graph=True)
    except FloatingPointError:
        pass
    assert w.grad is None  # nothing accumulated from the failed walk
    y.backward()
    np.testing.assert_allclose(w.grad.data, 6.0 * (1 - np.tanh(6.0 * np.array([1.0, 2.0])) ** 2))


def test_a_gradient_that_a_vjp_gives_as_a_transposed_view_reaches_grad_row_major(rng):
    x = ag.Tensor(rng.standard_normal((30, 5)))
    W = ag.Tensor(rng.standard_normal((4, 5)), requires_grad=True)
    (x @ W.T).sum().backward()
    assert W.grad.data.flags.c_contiguous and W.grad.data.flags.owndata
    np.testing.assert_allclose(W.grad.data, np.ones((30, 4)).T @ x.data, rtol=1e-12)
