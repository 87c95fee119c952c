"""Shared fixtures: a seeded random generator; gradients are checked in float64."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)
