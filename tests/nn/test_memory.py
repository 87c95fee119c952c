"""Memory stays flat over long training; a step leaves no garbage cycles and frees its graph."""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd_core as ag
import nn


@pytest.fixture(scope="module")
def digits():
    (X, y), _ = nn.data.load_digits(seed=0)
    return X, y


def make_step(X, y, batch=32):
    model = nn.MLP([64, 64, 10], rng=0)
    opt = nn.optim.Adam(model.parameters(), lr=1e-3)
    batches = nn.data.DataLoader(X, y, batch_size=batch, shuffle=True, seed=0, drop_last=True)
    stream = iter(())

    def step():
        nonlocal stream
        try:
            xb, yb = next(stream)
        except StopIteration:
            stream = iter(batches)
            xb, yb = next(stream)
        opt.zero_grad()
        loss = nn.cross_entropy(model(ag.Tensor(xb)), yb)
        loss.backward()
        opt.step()
        return loss

    return step


def test_memory_is_flat_over_2000_training_steps(digits):
    step = make_step(*digits)
    for _ in range(100):  # warm up: optimiser state, caches
        step()
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(200):
            step()
        gc.collect()  # a full collection also empties CPython's free lists (of tuples, ...)
        after_200, _ = tracemalloc.get_traced_memory()
        for _ in range(1800):
            step()
        gc.collect()
        after_2000, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after_2000 - after_200 < 64 * 1024, f"grew by {after_2000 - after_200} bytes"


def test_a_training_step_leaves_no_reference_cycles(digits):
    step = make_step(*digits)
    step()
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            step()
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0


def test_intermediate_arrays_die_after_backward():
    model = nn.MLP([4, 8, 3], rng=0)
    hidden = ag.relu(model.layers[0](ag.Tensor(np.ones((2, 4)))))
    kept = weakref.ref(hidden.data)  # saved by the next layer (its input) and by relu (its output)
    loss = nn.cross_entropy(model.layers[1](hidden), np.array([0, 1]))
    del hidden
    assert kept() is not None
    loss.backward()
    assert kept() is None


def test_residual_network_graph_holds_two_arrays_per_block_like_a_hand_written_backprop():
    # A hand-written backward keeps tanh(W y + b) and y for each block; the pre-activation
    # W y + b need not be kept, because tanh' is a function of tanh's output.
    model, X = nn.ResNet(4, 10, rng=0), np.random.default_rng(0).standard_normal((1000, 4))
    one_array = X.nbytes
    tracemalloc.start()
    try:
        out = model(X)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.requires_grad
    assert 1.9 * 10 * one_array < held < 2.5 * 10 * one_array, f"{held / one_array:.2f} arrays"
