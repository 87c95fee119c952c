"""Reductions over `axis` (None, an int, negative, or a tuple) with NumPy's `keepdims`."""

import numpy as np

from autograd_core.function import Function
from autograd_core.ops.shape import broadcast_to
from autograd_core.ops.elementwise import exp
from autograd_core.shapes import keepdims_shape, normalize_axes


class Sum(Function):
    """Sum over `axis`."""
    def __init__(self, axis=None, keepdims=False): self.axis, self.keepdims = axis, keepdims
    def forward(self, x): return np.sum(x, axis=self.axis, keepdims=self.keepdims)
    def vjp(self, g, out, x):
        return (broadcast_to(g.reshape(keepdims_shape(x.shape, self.axis)), x.shape),)


class Max(Function):
    """Largest value over `axis`; tied maxima share the gradient equally."""
    def __init__(self, axis=None, keepdims=False): self.axis, self.keepdims = axis, keepdims
    def forward(self, x): return np.max(x, axis=self.axis, keepdims=self.keepdims)
    def vjp(self, g, out, x):
        return (_extremum_vjp(g, out, x, self.axis),)


class Min(Function):
    """Smallest value over `axis`; tied minima share the gradient equally."""
    def __init__(self, axis=None, keepdims=False): self.axis, self.keepdims = axis, keepdims
    def forward(self, x): return np.min(x, axis=self.axis, keepdims=self.keepdims)
    def vjp(self, g, out, x):
        return (_extremum_vjp(g, out, x, self.axis),)


def _extremum_vjp(g, out, x, axis):
    shape = keepdims_shape(x.shape, axis)
    hit = x == out.reshape(shape)  # a constant mask: max/min is piecewise linear
    return g.reshape(shape) * (hit / hit.sum(axis=normalize_axes(axis, x.ndim), keepdims=True))


class LogSumExp(Function):
    """log(sum(exp(x))) over `axis`, with the max subtracted first so that exp cannot overflow."""
    def __init__(self, axis=None, keepdims=False): self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        m = np.max(x, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) along the axis: shift by nothing
        out = np.log(np.sum(np.exp(x - m), axis=self.axis, keepdims=True)) + m
        return out if self.keepdims else np.squeeze(out, axis=self.axis)

    def vjp(self, g, out, x):
        shape = keepdims_shape(x.shape, self.axis)
        return (g.reshape(shape) * exp(x - out.reshape(shape)),)  # g * softmax(x)


def sum(x, axis=None, keepdims=False): return Sum(axis, keepdims)(x)  # noqa: A001
def max(x, axis=None, keepdims=False): return Max(axis, keepdims)(x)  # noqa: A001
def min(x, axis=None, keepdims=False): return Min(axis, keepdims)(x)  # noqa: A001
def logsumexp(x, axis=None, keepdims=False): return LogSumExp(axis, keepdims)(x)
