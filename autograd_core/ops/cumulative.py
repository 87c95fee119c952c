"""Products and running totals (prod, cumsum, cumprod) and the index reductions argmax/argmin.

The product rules are exact with zeros in the input: no gradient divides by an input that can
be 0 (the product of the other elements is built from running products from both ends).
"""

import numpy as np

from autograd_core.function import Function
from autograd_core.ops.elementwise import where
from autograd_core.ops.indexing import flip
from autograd_core.ops.shape import broadcast_to, concatenate, reshape, transpose
from autograd_core.shapes import keepdims_shape, normalize_axes, normalize_axis
from autograd_core.tensor import Tensor


class Prod(Function):
    """Product over `axis`; d/dx_k is the product of the other elements (exact at zeros)."""
    def __init__(self, axis=None, keepdims=False): self.axis, self.keepdims = axis, keepdims
    def forward(self, x): return np.prod(x, axis=self.axis, keepdims=self.keepdims)

    def vjp(self, g, out, x):
        axes = normalize_axes(self.axis, x.ndim)
        kept = tuple(a for a in range(x.ndim) if a not in axes)
        order = kept + axes
        moved = transpose(x, order) if order != tuple(range(x.ndim)) else x
        lead = moved.shape[:len(kept)]
        flat = reshape(moved, lead + (-1,))  # the reduced elements on one last axis
        others = _product_of_others(flat)
        others = reshape(others, moved.shape)
        if order != tuple(range(x.ndim)):
            others = transpose(others, tuple(np.argsort(order)))
        return (g.reshape(keepdims_shape(x.shape, axes)) * others,)


def prod(x, axis=None, keepdims=False): return Prod(axis, keepdims).apply(x)


def _product_of_others(x):
    """For each element along the last axis, the product of all the others on that axis."""
    n = x.shape[-1]
    if n == 0:
        return x
    ones = _ones_like(x[..., :1])
    left = cumprod(concatenate([ones, x[..., :-1]], axis=-1), axis=-1)  # x_0 ... x_{k-1}
    right = flip(cumprod(flip(concatenate([x[..., 1:], ones], axis=-1), -1), axis=-1), -1)
    return left * right


def _ones_like(x):
    ones = np.ones(x.shape, dtype=x.dtype)
    return Tensor._wrap(ones) if isinstance(x, Tensor) else ones


class CumSum(Function):
    """Running sum along `axis` (an int; the function flattens for axis=None, as NumPy)."""
    def __init__(self, axis): self.axis = axis
    def forward(self, x): return np.cumsum(x, axis=self.axis)
    def vjp(self, g, out, x):  # the running sum from the far end
        return (flip(cumsum(flip(g, self.axis), self.axis), self.axis),)


def cumsum(x, axis=None):
    """Running sum along `axis`; None runs over the flattened array (NumPy's default)."""
    if axis is None:
        return CumSum(0).apply(reshape(x, (-1,)))
    return CumSum(normalize_axis(axis, np.ndim(x))).apply(x)


class CumProd(Function):
    """Running product along `axis` (an int). The vjp divides by no input: where x has a zero it
    uses the product of x over (k, i] for every pair k <= i (quadratic in the axis length)."""
    def __init__(self, axis): self.axis = axis
    def forward(self, x): return np.cumprod(x, axis=self.axis)

    def vjp(self, g, out, x):
        axis = normalize_axis(self.axis, x.ndim)
        if np.all((x.data if isinstance(x, Tensor) else x) != 0):  # no zero: the quotient is exact
            return (flip(cumsum(flip(g * out, axis), axis), axis) / x,)
        last = x.ndim - 1
        perm = list(range(x.ndim))
        perm[axis], perm[last] = last, axis
        if axis != last:  # work on the last axis
            x, g = transpose(x, perm), transpose(g, perm)
        gx = _cumprod_vjp_last(g, x)
        return (transpose(gx, perm) if axis != last else gx,)


def cumprod(x, axis=None):
    """Running product along `axis`; None runs over the flattened array."""
    if axis is None:
        return CumProd(0).apply(reshape(x, (-1,)))
    return CumProd(normalize_axis(axis, np.ndim(x))).apply(x)


def _cumprod_vjp_last(g, x):
    """sum over i >= k of g_i * prod_{j <= i, j != k} x_j, along the last axis, with no division."""
    n = x.shape[-1]
    k = np.arange(n)
    # partial[..., k, i] = prod of x_j over k < j <= i, and 0 for i < k
    later = k[None, :] > k[:, None]
    rows = broadcast_to(reshape(x, x.shape[:-1] + (1, n)), x.shape[:-1] + (n, n))
    partial = cumprod(where(later, rows, 1.0), axis=-1) * (k[None, :] >= k[:, None])
    ones = _ones_like(x[..., :1])
    before = cumprod(concatenate([ones, x[..., :-1]], axis=-1), axis=-1)  # prod of x_j, j < k
    return before * (partial * reshape(g, g.shape[:-1] + (1, n))).sum(axis=-1)


def _index_reduction(f, name, x, axis, keepdims):
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if a.size == 0 and (axis is None or a.shape[normalize_axis(axis, a.ndim)] == 0):
        raise ValueError(f"{name}: attempt to get {name} of an empty sequence (shape {a.shape})")
    if axis is None:
        out = f(a, axis=None)
        return np.asarray(out).reshape((1,) * a.ndim) if keepdims else np.asarray(out)
    return f(a, axis=normalize_axis(axis, a.ndim), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (the first of ties) along `axis`, or in the flattened array:
    an int64 ndarray with no gradient, like a comparison's result."""
    return _index_reduction(np.argmax, "argmax", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (the first of ties): an int64 ndarray with no gradient."""
    return _index_reduction(np.argmin, "argmin", x, axis, keepdims)
