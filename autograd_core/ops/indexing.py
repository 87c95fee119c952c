"""Gathering, scattering and rearranging: take_along_axis, add_along_axis, flip, roll, pad, and
the composites built on indexing (squeeze, repeat, tile, split, tril, diagonal, trace, ...)."""

import numpy as np

from autograd_core.function import Function
from autograd_core.ops.elementwise import where
from autograd_core.ops.shape import ScatterAdd, broadcast_to, getitem, reshape, transpose
from autograd_core.shapes import normalize_axes, normalize_axis
from autograd_core.tensor import Tensor


def _array(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _along_axis_index(indices, axis, shape, name):
    """The advanced index that picks indices[..., i, ...] along `axis` of an array of `shape`."""
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{name}: indices must be integers, got dtype {indices.dtype}")
    if indices.ndim != len(shape):
        raise ValueError(f"{name}: indices of shape {indices.shape} need as many dimensions as "
                         f"the array of shape {shape}")
    n = shape[axis]
    if indices.size and (indices.min() < -n or indices.max() >= n):
        raise IndexError(f"{name}: an index is out of bounds for axis {axis} of size {n} "
                         f"(array shape {shape})")
    out_shape = np.broadcast_shapes(shape[:axis] + (1,) + shape[axis + 1:], indices.shape)
    index = []
    for d, m in enumerate(out_shape):
        if d == axis:
            index.append(np.broadcast_to(indices, out_shape))
        else:
            index.append(np.arange(m).reshape((-1,) + (1,) * (len(out_shape) - d - 1)))
    return tuple(index)


class TakeAlongAxis(Function):
    """x[..., indices[..., i, ...], ...] along `axis` (torch.gather); repeated indices add up."""
    kept = ("indices", "index")
    def __init__(self, indices, axis): self.indices, self.axis = indices, axis
    def forward(self, x):
        self.index = _along_axis_index(self.indices, self.axis, x.shape, "take_along_axis")
        return x[self.index]
    def vjp(self, g, out, x): return (ScatterAdd(self.index, x.shape).apply(g),)


class AddAlongAxis(Function):
    """A copy of x with values[..., i, ...] added at indices[..., i, ...] along `axis`; repeated
    indices accumulate (np.put_along_axis's layout, torch.scatter_add's arithmetic)."""
    kept = ("indices", "index")
    def __init__(self, indices, axis): self.indices, self.axis = indices, axis

    def forward(self, x, values):
        if values.shape != self.indices.shape:
            raise ValueError(f"add_along_axis: values of shape {values.shape} must have the "
                             f"indices' shape {self.indices.shape}")
        self.index = _along_axis_index(self.indices, self.axis, x.shape, "add_along_axis")
        out = np.array(x, dtype=np.result_type(x, values))
        np.add.at(out, self.index, values)
        return out

    def vjp(self, g, out, x, values): return g, g[self.index]


def take_along_axis(x, indices, axis):
    """NumPy's take_along_axis (torch.gather with dim=axis); axis=None works on x flattened."""
    indices = _array(indices)
    if axis is None:
        return TakeAlongAxis(indices, 0).apply(reshape(x, (-1,)))
    return TakeAlongAxis(indices, normalize_axis(axis, np.ndim(x))).apply(x)


def add_along_axis(x, indices, values, axis):
    """x with `values` added at `indices` along `axis`, out of place (torch's scatter_add)."""
    return AddAlongAxis(_array(indices), normalize_axis(axis, np.ndim(x))).apply(x, values)


class Flip(Function):
    """x with the order of elements reversed along `axis` (a tuple of ints)."""
    def __init__(self, axis): self.axis = axis
    def forward(self, x): return np.flip(x, self.axis)
    def vjp(self, g, out, x): return (Flip(self.axis).apply(g),)


def flip(x, axis=None):
    return Flip(normalize_axes(axis, np.ndim(x))).apply(x)


class Roll(Function):
    """x shifted cyclically by `shift` along `axis` (ints, or tuples of them as np.roll)."""
    def __init__(self, shift, axis): self.shift, self.axis = shift, axis
    def forward(self, x): return np.roll(x, self.shift, self.axis)
    def vjp(self, g, out, x):
        back = tuple(-s for s in self.shift) if isinstance(self.shift, tuple) else -self.shift
        return (Roll(back, self.axis).apply(g),)


def roll(x, shift, axis=None):
    """np.roll: axis=None rolls the flattened array and restores the shape."""
    if axis is None:
        return reshape(Roll(int(shift), 0).apply(reshape(x, (-1,))), np.shape(x))
    if isinstance(axis, (tuple, list)):
        return Roll(tuple(int(s) for s in np.broadcast_to(shift, (len(axis),))),
                    tuple(normalize_axis(a, np.ndim(x)) for a in axis)).apply(x)
    return Roll(int(shift), normalize_axis(axis, np.ndim(x))).apply(x)


class Pad(Function):
    """x surrounded by `constant_values` (np.pad's constant mode); pad_width is ((before, after),) * ndim."""
    def __init__(self, pad_width, value): self.pad_width, self.value = pad_width, value
    def forward(self, x): return np.pad(x, self.pad_width, constant_values=self.value)
    def vjp(self, g, out, x):
        return (g[tuple(slice(b, b + n) for (b, _), n in zip(self.pad_width, x.shape))],)


def pad(x, pad_width, mode="constant", constant_values=0):
    """np.pad with mode "constant", "reflect", "symmetric", "edge" or "wrap"; the non-constant
    modes pick elements by index (each axis in turn), so their gradients add up exactly."""
    pw = _pad_width(pad_width, np.ndim(x))
    if mode == "constant":
        return Pad(pw, constant_values).apply(x)
    if mode not in ("reflect", "symmetric", "edge", "wrap"):
        raise ValueError(f"pad: unknown mode {mode!r}; use constant, reflect, symmetric, edge or wrap")
    for d, (b, a) in enumerate(pw):
        if b or a:
            n = np.shape(x)[d]
            if n == 0 or (mode == "reflect" and n == 1 and (b or a)):
                raise ValueError(f"pad: cannot {mode}-pad axis {d} of size {n}")
            idx = np.pad(np.arange(n), (b, a), mode=mode)
            x = getitem(x, (slice(None),) * d + (idx,))
    return x


def _pad_width(pad_width, ndim):
    pw = np.asarray(pad_width)
    if pw.dtype.kind not in "iu" or (pw < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative integers, got {pad_width!r}")
    try:
        return tuple((int(b), int(a)) for b, a in np.broadcast_to(pw, (ndim, 2)))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an array of {ndim} "
                         "dimensions") from None


def squeeze(x, axis=None):
    """x without the axes of length 1 named by `axis` (every such axis for None)."""
    shape = np.shape(x)
    if axis is None:
        axes = tuple(d for d, n in enumerate(shape) if n == 1)
    else:
        axes = normalize_axes(axis, len(shape))
        bad = [d for d in axes if shape[d] != 1]
        if bad:
            raise ValueError(f"squeeze: axis {bad[0]} of shape {shape} does not have length 1")
    return reshape(x, tuple(n for d, n in enumerate(shape) if d not in axes))


def expand_dims(x, axis):
    """x with new axes of length 1 at the positions `axis` of the result."""
    shape = np.shape(x)
    axes = normalize_axes(axis, len(shape) + (len(axis) if isinstance(axis, (tuple, list)) else 1))
    it = iter(shape)
    return reshape(x, tuple(1 if d in axes else next(it) for d in range(len(shape) + len(axes))))


def repeat(x, repeats, axis=None):
    """np.repeat: each element `repeats` times along `axis` (None: of the flattened array)."""
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, np.ndim(x))
    n = np.shape(x)[axis]
    try:
        idx = np.repeat(np.arange(n), repeats)
    except ValueError as e:
        raise ValueError(f"repeat: {e} (axis {axis} of shape {np.shape(x)})") from None
    return getitem(x, (slice(None),) * axis + (idx,))


def tile(x, reps):
    """np.tile: x repeated `reps` times along each axis (by broadcasting, then reshaping)."""
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetitions {reps}")
    d = max(len(reps), np.ndim(x))
    shape = (1,) * (d - np.ndim(x)) + np.shape(x)
    reps = (1,) * (d - len(reps)) + reps
    spread = reshape(x, tuple(v for n in shape for v in (1, n)))
    spread = broadcast_to(spread, tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def array_split(x, indices_or_sections, axis=0):
    """np.array_split: a list of slices of x along `axis` (sections may differ by one)."""
    axis = normalize_axis(axis, np.ndim(x))
    n = np.shape(x)[axis]
    if np.ndim(indices_or_sections) == 0:
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"array_split: the number of sections must be positive, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.concatenate([[0], np.cumsum(sizes)])
    else:
        bounds = np.concatenate([[0], np.asarray(indices_or_sections, dtype=int), [n]])
    lead = (slice(None),) * axis
    return [getitem(x, lead + (slice(int(a), max(int(a), int(b))),))
            for a, b in zip(bounds[:-1], bounds[1:])]


def split(x, indices_or_sections, axis=0):
    """np.split: as array_split, but a number of sections must divide the axis evenly."""
    if np.ndim(indices_or_sections) == 0:
        n = np.shape(x)[normalize_axis(axis, np.ndim(x))]
        if int(indices_or_sections) <= 0 or n % int(indices_or_sections):
            raise ValueError(f"split: {indices_or_sections} sections do not divide an axis of "
                             f"length {n} equally (shape {np.shape(x)}); use array_split")
    return array_split(x, indices_or_sections, axis)


def _triangle(x, k, lower):
    shape = np.shape(x)
    if len(shape) < 2:
        raise ValueError(f"{'tril' if lower else 'triu'}: needs at least 2 dimensions, got shape {shape}")
    rows, cols = np.indices(shape[-2:])
    keep = cols - rows <= k if lower else cols - rows >= k
    return where(keep, x, 0.0)


def tril(x, k=0):
    """The lower triangle of the last two axes (entries above diagonal k set to 0)."""
    return _triangle(x, int(k), True)


def triu(x, k=0):
    """The upper triangle of the last two axes (entries below diagonal k set to 0)."""
    return _triangle(x, int(k), False)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """np.diagonal: the diagonal `offset` of the axes (axis1, axis2), as the last axis."""
    ndim = np.ndim(x)
    a1, a2 = normalize_axis(axis1, ndim), normalize_axis(axis2, ndim)
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 are the same axis {a1}")
    rest = [d for d in range(ndim) if d not in (a1, a2)]
    moved = transpose(x, rest + [a1, a2])
    n1, n2 = np.shape(x)[a1], np.shape(x)[a2]
    size = max(0, min(n1 + min(offset, 0), n2 - max(offset, 0)))
    i = np.arange(size) - min(offset, 0)
    return getitem(moved, (Ellipsis, i, i + offset))


def diag(v, k=0):
    """np.diag: a 1-D v on diagonal k of a square matrix, or the diagonal k of a 2-D v."""
    if np.ndim(v) == 2:
        return diagonal(v, k)
    if np.ndim(v) != 1:
        raise ValueError(f"diag: needs a 1-D or 2-D input, got shape {np.shape(v)}")
    n = np.shape(v)[0] + abs(k)
    i = np.arange(np.shape(v)[0])
    return ScatterAdd((i + max(-k, 0), i + max(k, 0)), (n, n)).apply(v)


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum along a diagonal (np.trace)."""
    return diagonal(x, offset, axis1, axis2).sum(axis=-1)


def one_hot(indices, num_classes=-1, dtype=np.float64):
    """A constant Tensor of shape indices.shape + (num_classes,) with 1 at each index (torch's
    one_hot; num_classes=-1 takes max + 1)."""
    idx = _array(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got dtype {idx.dtype}")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got values in "
                         f"[{idx.min()}, {idx.max()}] (shape {idx.shape})")
    return Tensor(np.eye(num_classes, dtype=dtype)[idx])
