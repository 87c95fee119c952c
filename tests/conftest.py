"""Shared fixtures: a seeded random generator, the ops of a graph; gradients are checked in float64."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _recorded_ops(out):
    """Every op in the graph that made `out`, through the public .op / .inputs links."""
    ops, stack, seen = [], [out], set()
    while stack:
        t = stack.pop()
        if id(t) not in seen and t.op is not None:
            seen.add(id(t))
            ops.append(t.op)
            stack.extend(t.inputs)
    return ops


@pytest.fixture
def recorded_ops():
    return _recorded_ops
