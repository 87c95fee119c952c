"""Shared fixtures: a seeded random generator, the ops of a graph; gradients are checked in float64."""

import numpy as np
import pytest

import autograd_core as ag


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _recorded_ops(out):
    """Every op (node) in the graph that made `out`, through the public .op / .inputs links."""
    ops, stack, seen = [], [out.op] if out.op is not None else [], set()
    while stack:
        node = stack.pop()
        if id(node) not in seen and isinstance(node, ag.Node):
            seen.add(id(node))
            ops.append(node)
            stack.extend(node.inputs)
    return ops


@pytest.fixture
def recorded_ops():
    return _recorded_ops
