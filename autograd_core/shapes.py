"""Pure shape arithmetic shared by the ops and the backward pass (no Tensors, no graph).

Every axis argument of every op goes through `normalize_axes`, `normalize_axis` or
`normalize_permutation`: NumPy's forms (negative, tuple, None, NumPy integers) become
non-negative Python ints in one place. A 0-d array has the axes 0 and -1 as NumPy and PyTorch
allow (reducing over them reduces over nothing).
"""

import functools
import operator

import numpy as np

AxisError = np.exceptions.AxisError  # NumPy's: both a ValueError and an IndexError


def _axis_index(a, ndim: int) -> int:
    """One axis as a non-negative int (0-d arrays accept 0 and -1, as NumPy); `ndim` may be
    given as the shape, which the error then names."""
    shape = ndim if isinstance(ndim, tuple) else None
    ndim = len(shape) if shape is not None else ndim
    if isinstance(a, (bool, np.bool_)):
        raise TypeError(f"an axis must be an integer, got {a!r}")
    try:
        a = operator.index(a)
    except TypeError:
        raise TypeError(f"an axis must be an integer, got {type(a).__name__} {a!r}") from None
    if not -max(ndim, 1) <= a < max(ndim, 1):
        raise AxisError(f"axis {a} is out of bounds for a tensor of {ndim} dimensions"
                        + ("" if shape is None else f" (shape {shape})"))
    return a % max(ndim, 1)


def normalize_axes(axis, ndim: int) -> tuple:
    """`axis` (None, an int, or a tuple or list of ints) as a sorted tuple of non-negative ints.

    None means every axis. On a 0-d array the result is always (): there is nothing to reduce.
    `ndim` may be given as the shape (errors then name it); so for the functions below.
    """
    if isinstance(ndim, tuple):
        shape, ndim = ndim, len(ndim)
    else:
        shape = ndim
    if axis is None:
        return tuple(range(ndim))
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = [_axis_index(a, shape) for a in items]
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out)) if ndim else ()


def normalize_axis(axis, ndim: int) -> int:
    """One axis (an int, negative allowed) of an op that works along a single axis."""
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"this op takes one integer axis, got {axis!r}")
    return _axis_index(axis, ndim)


def normalize_permutation(axes, ndim: int) -> tuple:
    """`axes` of a transpose (None reverses) as a permutation of range(ndim)."""
    shape, ndim = (ndim, len(ndim)) if isinstance(ndim, tuple) else (ndim, ndim)
    if axes is None:
        return tuple(reversed(range(ndim)))
    items = tuple(axes) if isinstance(axes, (tuple, list)) else (axes,)
    perm = tuple(_axis_index(a, shape) for a in items) if ndim else ()
    if len(items) != ndim or sorted(perm) != list(range(ndim)):
        raise ValueError(f"axes {axes!r} are not a permutation of the {ndim} axes of the tensor")
    return perm


def shape_of(x) -> tuple:
    """The shape of a Tensor, an ndarray or anything np.shape takes."""
    shape = getattr(x, "shape", None)
    return shape if isinstance(shape, tuple) else np.shape(x)


def keepdims_shape(shape: tuple, axes: tuple) -> tuple:
    """The shape a reduction over the normalised `axes` has with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def sum_to_shape(g, shape: tuple):
    """Sum `g` (an ndarray or a Tensor) down to `shape`: the adjoint of broadcasting `shape` up.

    This is the only place in the engine where broadcasting is undone.
    """
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(shape, g.shape[lead:])):
        raise ValueError(f"cannot sum a gradient of shape {g.shape} down to shape {shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    if axes == (0,) and g.ndim == 2 and isinstance(g, np.ndarray) and not g.flags.f_contiguous \
            and g.dtype.kind in "fc":
        # a bias's gradient, the column sums of a row-major array: NumPy sums it row by row,
        # one short row at a time (10x slower than this product for a (2000, 4) layer). Floats
        # only: the product computes in g's dtype, so int8 would wrap and booleans would "or"
        return (ones_vector(len(g), g.dtype) @ g).reshape(shape)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


@functools.lru_cache(maxsize=16)
def ones_vector(n, dtype):
    """A read-only vector of n ones, made once per batch size (np.ones costs more than the product)."""
    ones = np.ones(n, dtype)
    ones.flags.writeable = False
    return ones
