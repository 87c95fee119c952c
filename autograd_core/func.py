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


def value_and_grad(f, argnums=0):
    """A function returning (f(*args), df/dargs[argnums]) as NumPy values."""
    def wrapped(*args):
        with enable_grad():
            args, nums = _leaves(args, argnums)
            out = f(*args)
            gs = _grad(out, [args[i] for i in nums], allow_unused=True)
        gs = [np.zeros_like(args[i].data) if g is None else g.data for i, g in zip(nums, gs)]
        value = out.data if isinstance(out, Tensor) else np.asarray(out)
        return value, gs[0] if isinstance(argnums, int) else tuple(gs)
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
            out = f(*args)
            x = args[i]
            rows = []
            for k in range(out.size):
                seed = np.zeros(out.size, dtype=out.dtype)
                seed[k] = 1
                (g,) = _grad(out, x, grad_outputs=seed.reshape(out.shape), retain_graph=True,
                             allow_unused=True)
                rows.append(np.zeros_like(x.data) if g is None else g.data)
        return np.stack(rows).reshape(out.shape + x.shape)
    return wrapped


def hessian(f, argnums=0):
    """The Hessian of a scalar f: shape x.shape + x.shape."""
    def df(*args):
        with enable_grad():
            args, (i,) = _leaves(args, (argnums,))
            (g,) = _grad(f(*args), args[i], create_graph=True)
            return g
    return jacobian(df, argnums)


def hvp(f, x, v):
    """Hessian-vector product H(x) @ v of a scalar f, by differentiating <grad f, v> (no Hessian is built)."""
    with enable_grad():
        (x,), _ = _leaves([x], 0)
        (g,) = _grad(f(x), x, create_graph=True)
        (hv,) = _grad((g * np.asarray(v, dtype=x.dtype)).sum(), x, allow_unused=True)
    return np.zeros_like(x.data) if hv is None else hv.data
