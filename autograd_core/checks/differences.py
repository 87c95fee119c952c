"""Central finite differences of a function of arrays perturbed in place (the checks' numeric side)."""

import numpy as np


def central_differences(evaluate, x, eps, directions=None):
    """(evaluate(x + eps d) - evaluate(x - eps d)) / 2 eps: shape (outputs, directions).

    `evaluate()` returns a 1-D array; `x` (a C-contiguous array) is changed in place and
    restored. The directions are each element of `x` in turn, or each array in `directions`.
    """
    if not x.flags.c_contiguous:
        raise ValueError("finite differences perturb x through a flat view: pass a C-contiguous "
                         "array (np.ascontiguousarray)")
    flat = x.reshape(-1)
    old = flat.copy()
    columns = []
    for k in range(flat.size if directions is None else len(directions)):
        values = []
        for step in (eps, -eps):
            if directions is None:
                flat[k] = old[k] + step
            else:
                flat[:] = old + step * directions[k].reshape(-1)
            values.append(evaluate())
        if directions is None:
            flat[k] = old[k]
        else:
            flat[:] = old
        columns.append((values[0] - values[1]) / (2 * eps))
    if not columns:
        return np.zeros((evaluate().size, 0))
    return np.stack(columns, axis=1)


def line_function(evaluate, x, direction, weights):
    """phi(t) = weights . evaluate() with `x` moved by t * direction: a failing entry as a 1-D function."""
    old = x.copy()

    def phi(t):
        x[...] = old + t * direction.reshape(x.shape)
        try:
            return float(weights @ evaluate())
        finally:
            x[...] = old

    return phi


def evaluate_flat(f, xs, out_weights=None):
    """f(*xs) as a flat float64 copy, or [out_weights . f(*xs)] (outputs may be views of x)."""
    out = np.array(f(*xs).data, dtype=np.float64).reshape(-1)
    return out if out_weights is None else np.array([out @ out_weights.reshape(-1)])


def numerical_jacobian(f, xs, i, eps, out_weights=None):
    """d f(xs) / d xs[i] by central differences: shape (f's size, xs[i]'s size).

    `xs` are Tensors whose data is perturbed in place (and restored). With `out_weights`, the
    output is first reduced to sum(out_weights * f), one row.
    """
    return central_differences(lambda: evaluate_flat(f, xs, out_weights), xs[i].data, eps)
