"""Check the engine's gradients against central finite differences, in float64.

`gradcheck(f, inputs)` compares every input's gradient of `f` with numerical derivatives and
raises an AssertionError naming the input, the output element, the worst entry, both values and
the errors. Small problems compare the full Jacobian; large ones compare vector-Jacobian products
along fixed random directions.
"""

import numpy as np

from autograd_core.backprop import grad
from autograd_core.grad_mode import enable_grad
from autograd_core.tensor import Tensor

FULL_JACOBIAN_LIMIT = 20_000  # input elements x output elements up to which the full Jacobian is built


def _float64_leaves(inputs):
    """Inputs as fresh float64 leaves, and the names of those that were given in lower precision."""
    inputs = [inputs] if isinstance(inputs, (Tensor, np.ndarray)) else list(inputs)
    leaves, widened = [], []
    for i, x in enumerate(inputs):
        a = np.asarray(x.data if isinstance(x, Tensor) else x)
        if a.dtype.kind != "f":
            raise TypeError(f"input {i} has dtype {a.dtype}: gradients need floating inputs")
        if a.dtype != np.float64:
            widened.append(f"input {i} ({a.dtype})")
        name = x.name if isinstance(x, Tensor) else None
        leaves.append(Tensor(a.astype(np.float64), requires_grad=True, name=name))
    return leaves, widened


def _label(i, x):
    return f"input {i}" + (f" '{x.name}'" if x.name else "") + f" of shape {x.shape}"


def numerical_jacobian(f, xs, i, eps, out_weights=None):
    """d f(xs) / d xs[i] by central differences: shape (f's size, xs[i]'s size).

    With `out_weights`, the output is first reduced to sum(out_weights * f), one row.
    """
    x = xs[i]
    cols = []
    flat = x.data.reshape(-1)  # a view: perturbing it perturbs x
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        plus = _evaluate(f, xs, out_weights)
        flat[j] = old - eps
        minus = _evaluate(f, xs, out_weights)
        flat[j] = old
        cols.append((plus - minus) / (2 * eps))
    return np.stack(cols, axis=1) if cols else np.zeros((1, 0))


def _evaluate(f, xs, out_weights):
    out = np.array(f(*xs).data, dtype=np.float64).reshape(-1)  # a copy: outputs may be views of x
    return out if out_weights is None else np.array([out @ out_weights])


def _analytic_jacobian(f, xs, out_weights):
    with enable_grad():
        out = f(*xs)
    if not isinstance(out, Tensor):
        raise TypeError(f"f must return a Tensor, got {type(out).__name__}")
    if out.dtype != np.float64:
        raise TypeError(f"f returned dtype {out.dtype} for float64 inputs: it should keep float64")
    seeds = [out_weights.reshape(out.shape)] if out_weights is not None else [
        np.eye(1, out.size, k).reshape(out.shape) for k in range(out.size)
    ]
    rows = [[] for _ in xs]
    for seed in seeds:
        if not out.requires_grad:
            gs = [None] * len(xs)
        else:
            gs = grad(out, xs, grad_outputs=seed, retain_graph=True, allow_unused=True)
        for r, g, x in zip(rows, gs, xs):
            r.append(np.zeros(x.size) if g is None else np.asarray(g.data).reshape(-1))
    return out, [np.stack(r) for r in rows]


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1, seed=0):
    """Assert that the engine's gradients of `f(*inputs)` match central finite differences.

    Args:
        f: a function of Tensors returning a Tensor of any shape.
        inputs: a Tensor/array or a sequence of them; each is checked in float64.
        order: 1 checks first derivatives; 2 also checks gradients of gradients.
    Returns True; raises AssertionError describing the worst mismatch.
    """
    xs, widened = _float64_leaves(inputs)
    if order == 2:
        return gradgradcheck(f, xs, eps=eps, atol=atol, rtol=rtol, seed=seed)
    if order != 1:
        raise ValueError(f"order must be 1 or 2, got {order}")
    with enable_grad():
        out_size = f(*xs).size
    rng = np.random.default_rng(seed)
    full = out_size * sum(x.size for x in xs) <= FULL_JACOBIAN_LIMIT
    weights = None if full else rng.standard_normal(out_size)
    out, analytic = _analytic_jacobian(f, xs, weights)
    for i, x in enumerate(xs):
        numeric = numerical_jacobian(f, xs, i, eps, weights)
        _compare(analytic[i], numeric, i, x, out, full, atol, rtol, widened)
    return True


def _compare(a, n, i, x, out, full, atol, rtol, widened):
    excess = np.abs(a - n) - (atol + rtol * np.abs(n))
    bad = ~(excess <= 0)  # NaN counts as a failure
    if not bad.any():
        return
    k, j = np.unravel_index(np.argmax(np.where(np.isnan(excess), np.inf, excess)), excess.shape)
    av, nv = a[k, j], n[k, j]
    abs_err = abs(av - nv)
    rel_err = abs_err / max(abs(nv), 1e-300)
    where_in = _index(j, x.shape)
    where_out = (f"output element {_index(k, out.shape)}"
                 if full else "the output (weighted by fixed random weights)")
    op = f" (made by {type(out._op).__name__})" if out._op is not None else ""
    msg = (f"gradient of {where_out}{op} with respect to {_label(i, x)} at index {where_in}: "
           f"analytic {av:.10g}, numeric {nv:.10g}, absolute error {abs_err:.3g}, "
           f"relative error {rel_err:.3g} (atol {atol}, rtol {rtol}); "
           f"{int(bad.sum())} of {bad.size} entries differ")
    if widened:
        msg += f"; checked in float64 although {', '.join(widened)} was given"
    raise AssertionError(msg)


def _index(flat, shape):
    return tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Assert that gradients of gradients of `f` match finite differences of its gradients.

    Checks d/dx <d(w . f)/dx, u> for fixed random w and u: every second-order term is exercised.
    """
    xs, _ = _float64_leaves(inputs)
    rng = np.random.default_rng(seed)
    with enable_grad():
        out = f(*xs)
    w = rng.standard_normal(out.shape)
    us = [rng.standard_normal(x.shape) for x in xs]

    def first_derivative_along_u(*ys):
        with enable_grad():
            o = f(*ys)
            gs = grad(o, ys, grad_outputs=w, create_graph=True, allow_unused=True)
        terms = [(g * u).sum() for g, u in zip(gs, us) if g is not None]
        if not terms:
            return Tensor(0.0)
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total

    return gradcheck(first_derivative_along_u, xs, eps=eps, atol=atol, rtol=rtol, seed=seed)
