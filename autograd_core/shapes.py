"""Pure shape arithmetic shared by the ops and the backward pass (no Tensors, no graph)."""

import operator


def normalize_axes(axis, ndim: int) -> tuple:
    """`axis` (None, an int or a tuple, negatives allowed) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in map(operator.index, axes):  # an int or np.int64; a float or a bool is refused
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for a tensor of {ndim} dimensions")
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out))


def keepdims_shape(shape: tuple, axis) -> tuple:
    """The shape a reduction over `axis` has with keepdims=True."""
    axes = normalize_axes(axis, len(shape))
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
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)
