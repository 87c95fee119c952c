"""Piecewise-constant ops (gradient 0 where flat, as PyTorch), remainder, and boolean tests.

Tests (isnan, any, logical_and, ...) have no gradient: like comparisons they return plain boolean
ndarrays, on which `& | ~` work as in NumPy.
"""

import numpy as np

from autograd_core.function import Function, shared
from autograd_core.shapes import normalize_axes
from autograd_core.tensor import Tensor


def _zeros_like(g):
    """A zero gradient of g's shape and dtype (a Tensor under create_graph)."""
    zeros = np.zeros(g.shape, dtype=g.dtype)
    return Tensor._wrap(zeros) if isinstance(g, Tensor) else zeros


class _Flat(Function):
    """An op whose value is piecewise constant: its gradient is 0 everywhere."""
    saves = "nothing"
    def vjp(self, g, out, *inputs): return tuple(_zeros_like(g) for _ in inputs)


class Sign(_Flat):
    """-1, 0 or 1 (NaN for NaN)."""
    ufunc = np.sign  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.sign(x)


_SIGN = shared(Sign)
def sign(x): return _SIGN.apply(x)


class Floor(_Flat):
    ufunc = np.floor  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.floor(x)


_FLOOR = shared(Floor)
def floor(x): return _FLOOR.apply(x)


class Ceil(_Flat):
    ufunc = np.ceil  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.ceil(x)


_CEIL = shared(Ceil)
def ceil(x): return _CEIL.apply(x)


class Round(_Flat):
    """Rounded to `decimals` places, halves to even (NumPy's and PyTorch's rule)."""
    def __init__(self, decimals=0): self.decimals = decimals
    def forward(self, x): return np.round(x, self.decimals)


def round(x, decimals=0): return Round(int(decimals)).apply(x)  # noqa: A001 (NumPy's name)


class Trunc(_Flat):
    ufunc = np.trunc  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.trunc(x)


_TRUNC = shared(Trunc)
def trunc(x): return _TRUNC.apply(x)


class FloorDivide(_Flat):
    """x // y (floor of the quotient): gradient 0 for both."""
    ufunc = np.floor_divide  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x, y): return np.floor_divide(x, y)


_FLOORDIVIDE = shared(FloorDivide)
def floor_divide(x, y): return _FLOORDIVIDE.apply(x, y)


class Remainder(Function):
    """x % y with the sign of y (NumPy's and PyTorch's `remainder`): x - floor(x / y) * y, so the
    gradients are 1 and -floor(x / y)."""
    saves = "inputs"
    ufunc = np.remainder  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x, y): return np.remainder(x, y)
    def vjp(self, g, out, x, y): return g, -g * floor_divide(x, y)


_REMAINDER = shared(Remainder)
def remainder(x, y): return _REMAINDER.apply(x, y)


def _data(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def isnan(x): return np.isnan(_data(x))
def isinf(x): return np.isinf(_data(x))
def isfinite(x): return np.isfinite(_data(x))
def logical_and(x, y): return np.logical_and(_data(x), _data(y))
def logical_or(x, y): return np.logical_or(_data(x), _data(y))
def logical_xor(x, y): return np.logical_xor(_data(x), _data(y))
def logical_not(x): return np.logical_not(_data(x))


def any(x, axis=None, keepdims=False):  # noqa: A001 (NumPy's name)
    """Whether any element along `axis` is nonzero: a boolean ndarray."""
    a = _data(x)
    return np.any(a, axis=normalize_axes(axis, a.ndim), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001 (NumPy's name)
    """Whether every element along `axis` is nonzero: a boolean ndarray."""
    a = _data(x)
    return np.all(a, axis=normalize_axes(axis, a.ndim), keepdims=keepdims)
