"""Function transforms: differentiate a plain function of arrays (HIPS autograd / JAX style).

`f` takes arrays (or Tensors) and returns a one-element Tensor (for grad) or any Tensor (jacobian).
The results are NumPy arrays.
"""

import numpy as np

from autograd_core.backprop import grad as _grad
from autograd_core.grad_mode import enable_grad
from autograd_core.tensor import Tensor


def _leaves(args, argnums):
    argnums_t = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    args = list(args)
    for i in argnums_t:
        if isinstance(args[i], Tensor) and args[i].requires_grad:
            continue  # already differentiable, e.g. inside hessian's outer jacobian
        a = np.asarray(args[i].data if isinstance(args[i], Tensor) else args[i])
        args[i] = Tensor(a if a.dtype.kind == "f" else a.astype(np.float64), requires_grad=True)
    return args, argnums_t


def _result(f, args):
    """f(*args), which must be a Tensor built from the arguments by the engine's ops."""
    out = f(*args)
    if not isinstance(out, Tensor):
        raise TypeError(
            f"the function returned {type(out).__name__}, not a Tensor: build its result from its "
            "Tensor arguments with autograd_core's ops (NumPy on .data leaves the graph)")
    return out


def _grads_or_zeros(out, xs, **options):
    """d(out)/d(xs) as in backprop.grad, with zeros for the inputs out does not depend on (also
    when nothing in out depends on them: a constant has a zero derivative, as in PyTorch and JAX)."""
    if not out.requires_grad:
        return [np.zeros_like(x.data) for x in xs]
    gs = _grad(out, xs, allow_unused=True, **options)
    return [np.zeros_like(x.data) if g is None else g.data for x, g in zip(xs, gs)]


def value_and_grad(f, argnums=0):
    """A function returning (f(*args), df/dargs[argnums]) as NumPy values."""
    def wrapped(*args):
        with enable_grad():
            args, nums = _leaves(args, argnums)
            out = _result(f, args)
            if out.size != 1:
                raise ValueError(f"grad needs a function with one output element, got shape "
                                 f"{out.shape}; use jacobian for vector outputs")
            gs = _grads_or_zeros(out, [args[i] for i in nums])
        return out.data, gs[0] if isinstance(argnums, int) else tuple(gs)
    return wrapped


def grad(f, argnums=0):
    """df/dx as a function: `grad(f)(x)` has x's shape; f must return one element."""
    vg = value_and_grad(f, argnums)
    return lambda *args: vg(*args)[1]


def jacobian(f, argnums=0):
    """The Jacobian as a function: shape f(x).shape + x.shape, built one output row at a time."""
    def wrapped(*args):
        with enable_grad():
            args, (i,) = _leaves(args, (argnums,))
            out = _result(f, args)
            x = args[i]
            rows = []
            for k in range(out.size):
                seed = np.zeros(out.size, dtype=out.dtype)
                seed[k] = 1
                (g,) = _grads_or_zeros(out, [x], grad_outputs=seed.reshape(out.shape),
                                       retain_graph=True)
                rows.append(g)
        return np.stack(rows).reshape(out.shape + x.shape) if rows else \
            np.zeros(out.shape + x.shape, dtype=x.dtype)
    return wrapped


def hessian(f, argnums=0):
    """The Hessian of a scalar f: shape x.shape + x.shape."""
    def df(*args):
        with enable_grad():
            args, (i,) = _leaves(args, (argnums,))
            out = _result(f, args)
            if not out.requires_grad:  # constant in x: a zero gradient, constant too
                return Tensor._wrap(np.zeros_like(args[i].data))
            (g,) = _grad(out, args[i], create_graph=True, allow_unused=True)
            return Tensor._wrap(np.zeros_like(args[i].data)) if g is None else g
    return jacobian(df, argnums)


def hvp(f, x, v):
    """Hessian-vector product H(x) @ v of a scalar f, by differentiating <grad f, v> (no Hessian is built)."""
    with enable_grad():
        (x,), _ = _leaves([x], 0)
        out = _result(f, [x])
        if not out.requires_grad:
            return np.zeros_like(x.data)
        (g,) = _grad(out, x, create_graph=True, allow_unused=True)
        if g is None:
            return np.zeros_like(x.data)
        (hv,) = _grads_or_zeros((g * np.asarray(v, dtype=x.dtype)).sum(), [x])
    return hv
