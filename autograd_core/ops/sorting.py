"""Sorting by value: sort, partition and topk pick elements by index, so each chosen element's
gradient flows back to where it came from (composites of take_along_axis, no vjp of their own)."""

import numpy as np

from autograd_core.ops.indexing import take_along_axis
from autograd_core.ops.shape import reshape
from autograd_core.shapes import normalize_axes, normalize_axis
from autograd_core.tensor import Tensor


def _array(x):
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def argsort(x, axis=-1):
    """Indices that sort x along `axis` (stable: ties keep their order); an int64 ndarray."""
    a = _array(x)
    if axis is None:
        return np.argsort(a, axis=None, kind="stable")
    return np.argsort(a, axis=normalize_axis(axis, a.ndim), kind="stable")


def sort(x, axis=-1):
    """x sorted ascending along `axis` (None: flattened), NaN last, as np.sort."""
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    return take_along_axis(x, argsort(x, axis), axis)


def partition(x, kth, axis=-1):
    """np.partition: the k-th smallest element in place k, smaller ones before it, larger after."""
    a = _array(x)
    if axis is None:
        x, a, axis = reshape(x, (-1,)), a.reshape(-1), 0
    axis = normalize_axis(axis, a.ndim)
    n = a.shape[axis]
    for k in np.atleast_1d(kth):
        if not -n <= int(k) < n:
            raise ValueError(f"partition: kth {k} is out of bounds for axis {axis} of length {n}")
    return take_along_axis(x, np.argpartition(a, kth, axis=axis), axis)


def topk(x, k, axis=-1, largest=True, sorted=True):  # noqa: A002 (torch's name)
    """(values, indices) of the k largest (or smallest) elements along `axis`, as torch.topk; the
    values are sorted from the largest (smallest) on; indices is an int64 ndarray."""
    a = _array(x)
    axis = normalize_axis(axis, a.ndim)
    n = a.shape[axis] if a.ndim else 1
    if not 0 <= int(k) <= n:
        raise ValueError(f"topk: k={k} is out of range for axis {axis} of length {n} (shape {a.shape})")
    order = np.argsort(-a if largest else a, axis=axis, kind="stable")
    idx = np.take(order, np.arange(int(k)), axis=axis)
    return take_along_axis(x, idx, axis), idx
