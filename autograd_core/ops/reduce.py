"""Reductions over `axis` (None, an int, negative, NumPy integer, or a tuple) with NumPy's `keepdims`.

The public functions normalise `axis` against the input once (shapes.normalize_axes); the ops
keep the normalised tuple, so forward and vjp read the same axes.
"""

import numpy as np

from autograd_core.function import Function, quiet_underflow
from autograd_core.ops.elementwise import exp
from autograd_core.ops.shape import broadcast_to
from autograd_core.shapes import keepdims_shape, shape_of, normalize_axes


class _Reduction(Function):
    """A reduction over the normalised tuple `axes`."""

    def __init__(self, axes, keepdims=False):
        self.axes, self.keepdims = axes, bool(keepdims)


class Sum(_Reduction):
    """Sum over `axes`."""
    saves = "nothing"
    forward_ufuncs = True  # a reduction (compile replays it as a line, where it gives an array)

    def forward(self, x):
        x = x if isinstance(x, np.ndarray) else np.asarray(x)
        self.x_shape = x.shape
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def vjp(self, g, out, x):
        return (broadcast_to(g.reshape(keepdims_shape(self.x_shape, self.axes)), self.x_shape),)


def sum(x, axis=None, keepdims=False):  # noqa: A001 (NumPy's name)
    return Sum(normalize_axes(axis, shape_of(x)), keepdims).apply(x)


class Max(_Reduction):
    """Largest value over `axes`; tied maxima share the gradient equally."""
    def forward(self, x): return np.max(x, axis=self.axes, keepdims=self.keepdims)
    def vjp(self, g, out, x): return (_extremum_vjp(g, out, x, self.axes),)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return Max(normalize_axes(axis, shape_of(x)), keepdims).apply(x)


class Min(_Reduction):
    """Smallest value over `axes`; tied minima share the gradient equally."""
    def forward(self, x): return np.min(x, axis=self.axes, keepdims=self.keepdims)
    def vjp(self, g, out, x): return (_extremum_vjp(g, out, x, self.axes),)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return Min(normalize_axes(axis, shape_of(x)), keepdims).apply(x)


def _extremum_vjp(g, out, x, axes):
    shape = keepdims_shape(x.shape, axes)
    hit = x == out.reshape(shape)  # a constant mask: max/min is piecewise linear
    return g.reshape(shape) * (hit / hit.sum(axis=axes, keepdims=True))


class LogSumExp(_Reduction):
    """log(sum(exp(x))) over `axes`, the max subtracted first so that exp cannot overflow.

    Integer inputs are taken as float64; an empty axis gives -inf (the log of an empty sum).
    """
    float_inputs = True  # saves both: its vjp is g * exp(x - out)

    @quiet_underflow
    def forward(self, x):
        m = np.max(x, axis=self.axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) along the axis: shift by nothing
        total = np.sum(np.exp(x - m), axis=self.axes, keepdims=True)
        out = np.log(total, out=np.full_like(total, -np.inf), where=total > 0) + m  # log 0 = -inf
        return out if self.keepdims else np.squeeze(out, axis=self.axes)

    @quiet_underflow
    def vjp(self, g, out, x):
        shape = keepdims_shape(x.shape, self.axes)
        return (g.reshape(shape) * exp(x - out.reshape(shape)),)  # g * softmax(x)


def logsumexp(x, axis=None, keepdims=False):
    return LogSumExp(normalize_axes(axis, shape_of(x)), keepdims).apply(x)


class Softmax(_Reduction):
    """exp(x) / sum(exp(x)) along `axes` (keepdims is implied), as exp(x - logsumexp(x)).

    Its vjp, out * (g - sum(g * out)), reads only the output; far-off entries are exactly 0.
    """
    saves = "output"
    float_inputs = True

    @quiet_underflow
    def forward(self, x): return np.exp(x - LogSumExp(self.axes, True).forward(x))

    def vjp(self, g, out, x): return (out * (g - (g * out).sum(axis=self.axes, keepdims=True)),)


def softmax(x, axis=-1):
    """Probabilities along `axis` (an int or a tuple) that sum to 1, without overflow."""
    return Softmax(normalize_axes(axis, shape_of(x))).apply(x)


