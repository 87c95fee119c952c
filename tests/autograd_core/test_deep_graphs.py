"""A chain of 1,000,000 ops: grad, the graph picture and the graph's teardown all work."""

import gc
import weakref

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor

DEPTH = 1_000_000


def chain(depth=DEPTH):
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0
    return x, y


@pytest.fixture(scope="module")
def deep():
    return chain()


def test_picture_of_a_million_node_chain_is_cut_to_the_budget(deep):
    _, y = deep
    dot = ag.to_dot(y, max_nodes=200)
    assert f"Only 200 of {2 * DEPTH + 1} nodes are drawn" in dot.source
    assert dot.source.count("->") < 1000


def test_grad_through_a_million_node_chain(deep):
    x, y = deep
    (g,) = ag.grad(y, x, retain_graph=True)
    assert g.item() == 1.0


def test_teardown_of_a_million_node_chain_without_backward():
    x, y = chain()
    first = weakref.ref(y.op.inputs[0])  # the node of the first multiplication
    del y
    gc.collect()
    assert first() is None
    assert np.asarray(x).item() == 0.5
