"""Ops that move values without arithmetic: reshape, transpose, broadcast, index, join."""

import numpy as np

from autograd_core.function import Function
from autograd_core.tensor import Tensor
from autograd_core.shapes import shape_of, normalize_axis, normalize_permutation


class Reshape(Function):
    """x viewed with another shape (-1 allowed)."""
    saves = "nothing"
    def __init__(self, shape): self.new_shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return np.reshape(x, self.new_shape)

    def vjp(self, g, out, x): return (g.reshape(self.x_shape),)


def reshape(x, shape): return Reshape(shape).apply(x)


class Transpose(Function):
    """Axes permuted by `axes`, a permutation of range(ndim) (see transpose())."""
    saves = "nothing"
    forward_ufuncs = vjp_ufuncs = True  # views: compile replays them as lines
    def __init__(self, axes): self.axes = axes
    def forward(self, x):  # (a method of the array, so that compile captures it as a line)
        return (x if isinstance(x, np.ndarray) else np.asarray(x)).transpose(self.axes)
    def vjp(self, g, out, x):  # the inverse permutation (sorted: 10x faster than np.argsort)
        return (g.transpose(tuple(sorted(range(len(self.axes)), key=self.axes.__getitem__))),)


def transpose(x, axes=None):
    """x with its axes permuted (None reverses them; negative axes count from the end)."""
    return Transpose(normalize_permutation(axes, shape_of(x))).apply(x)


class BroadcastTo(Function):
    """x repeated up to `shape` by NumPy's rules; the engine sums the gradient back down."""
    saves = "nothing"
    def __init__(self, shape): self.new_shape = tuple(shape)
    def forward(self, x): return np.broadcast_to(x, self.new_shape)
    def vjp(self, g, out, x): return (g,)


def broadcast_to(x, shape): return BroadcastTo(shape).apply(x)


class Cast(Function):
    """x converted to `dtype`; the gradient is converted back by the engine."""
    saves = "nothing"
    def __init__(self, dtype): self.new_dtype = np.dtype(dtype)
    def forward(self, x): return np.asarray(x).astype(self.new_dtype)
    def vjp(self, g, out, x): return (g,)


def astype(x, dtype):
    """x converted to `dtype`; converted to integers or booleans it has no gradient (PyTorch's
    rule: the derivative of rounding is 0 where it exists), so the result needs no grad."""
    if np.dtype(dtype).kind not in "fc" and isinstance(x, Tensor):
        x = x.detach()
    return Cast(dtype).apply(x)


class GetItem(Function):
    """x[index], basic or advanced indexing; repeated indices accumulate their gradients."""
    saves = "nothing"
    kept = ("index",)
    def __init__(self, index): self.index = index

    def forward(self, x):
        self.x_shape = x.shape
        return x[self.index]

    def vjp(self, g, out, x): return (ScatterAdd(self.index, self.x_shape).apply(g),)


def getitem(x, index):
    """x[index]; Tensors inside the index are used as integer or boolean arrays."""
    if isinstance(index, tuple):
        index = tuple(np.asarray(i) if hasattr(i, "__array__") else i for i in index)
    elif hasattr(index, "__array__") or isinstance(index, list):
        index = np.asarray(index)
    return GetItem(index).apply(x)


class ScatterAdd(Function):
    """zeros(shape) with g added at `index` (the adjoint of GetItem)."""
    saves = "nothing"
    kept = ("index",)
    def __init__(self, index, shape): self.index, self.new_shape = index, shape

    def forward(self, g):
        out = np.zeros(self.new_shape, dtype=np.result_type(g))
        if _is_basic(self.index):
            out[self.index] = g  # a basic index names each element once: plain assignment
        else:
            np.add.at(out, self.index, g)
        return out

    def vjp(self, g, out, x): return (g[self.index],)


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


class Concatenate(Function):
    """Inputs joined along an existing, non-negative `axis`; None joins them flattened."""
    saves = "nothing"
    def __init__(self, axis): self.axis = axis

    def forward(self, *xs):
        self.x_shapes = [x.shape for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def vjp(self, g, out, *xs):
        axis = 0 if self.axis is None else self.axis
        sizes = [int(np.prod(s)) if self.axis is None else s[axis] for s in self.x_shapes]
        starts = np.cumsum([0] + sizes[:-1])
        lead = (slice(None),) * axis
        return tuple(g[lead + (slice(start, start + n),)].reshape(shape)
                     for shape, start, n in zip(self.x_shapes, starts, sizes))


def concatenate(xs, axis=0):
    """The tensors `xs` joined along `axis` (None: flattened first, as NumPy)."""
    xs = list(xs)
    if not xs:
        raise ValueError("concatenate needs at least one tensor")
    return Concatenate(None if axis is None else normalize_axis(axis, shape_of(xs[0]))).apply(*xs)


class Stack(Function):
    """Inputs of one shape joined along a new, non-negative `axis`."""
    saves = "nothing"
    def __init__(self, axis): self.axis = axis
    def forward(self, *xs): return np.stack(xs, axis=self.axis)

    def vjp(self, g, out, *xs):
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (i,)] for i in range(len(xs)))


def stack(xs, axis=0):
    """The tensors `xs`, all of one shape, joined along a new `axis`."""
    xs = list(xs)
    if not xs:
        raise ValueError("stack needs at least one tensor")
    return Stack(normalize_axis(axis, len(shape_of(xs[0])) + 1)).apply(*xs)


def swapaxes(x, axis1, axis2):
    shape = shape_of(x)
    axes = list(range(len(shape)))
    i, j = normalize_axis(axis1, shape), normalize_axis(axis2, shape)
    if axes:  # a 0-d tensor has its axes 0 and -1 swapped with themselves
        axes[i], axes[j] = axes[j], axes[i]
    return transpose(x, axes)


