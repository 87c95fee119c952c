"""Tensor constructors with NumPy's names; random ones take an explicit np.random.Generator."""

import numpy as np

from autograd_core.tensor import Tensor


def tensor(data, requires_grad=False, dtype=None, name=None) -> Tensor:
    """A Tensor from anything np.asarray takes."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(shape, dtype=np.float64, requires_grad=False) -> Tensor:
    return Tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad)


def ones(shape, dtype=np.float64, requires_grad=False) -> Tensor:
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad)


def full(shape, value, dtype=np.float64, requires_grad=False) -> Tensor:
    return Tensor(np.full(shape, value, dtype=dtype), requires_grad=requires_grad)


def zeros_like(t, requires_grad=False) -> Tensor:
    return zeros(np.shape(t), dtype=np.asarray(t).dtype, requires_grad=requires_grad)


def ones_like(t, requires_grad=False) -> Tensor:
    return ones(np.shape(t), dtype=np.asarray(t).dtype, requires_grad=requires_grad)


def arange(*args, dtype=None) -> Tensor:
    return Tensor(np.arange(*args, dtype=dtype))


def eye(n, m=None, k=0, dtype=np.float64, requires_grad=False) -> Tensor:
    """An n x m matrix with ones on diagonal k (np.eye)."""
    return Tensor(np.eye(n, m, k, dtype=dtype), requires_grad=requires_grad)


def linspace(start, stop, num=50, endpoint=True, dtype=np.float64, requires_grad=False) -> Tensor:
    """`num` evenly spaced values from start to stop (np.linspace)."""
    return Tensor(np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype),
                  requires_grad=requires_grad)


def randn(*shape, rng=None, dtype=np.float64, requires_grad=False) -> Tensor:
    """Standard normal samples; pass `rng` (a np.random.Generator) for reproducible draws."""
    rng = np.random.default_rng() if rng is None else rng
    return Tensor(rng.standard_normal(shape).astype(dtype, copy=False), requires_grad=requires_grad)


def rand(*shape, rng=None, dtype=np.float64, requires_grad=False) -> Tensor:
    """Uniform samples in [0, 1); pass `rng` for reproducible draws."""
    rng = np.random.default_rng() if rng is None else rng
    return Tensor(rng.random(shape).astype(dtype, copy=False), requires_grad=requires_grad)
