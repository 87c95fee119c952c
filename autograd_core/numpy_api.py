"""NumPy's override protocols for Tensor (NEP 13 `__array_ufunc__`, NEP 18 `__array_function__`).

So that NumPy code either records or fails loudly, never silently drops the graph:

- a ufunc or array function the engine has an op for (`np.exp`, `np.maximum`, `np.sum`,
  `np.concatenate`, `np.dot`, ...) runs that op, with NumPy's argument names: see `UFUNCS` and
  `FUNCTIONS`;
- any other one runs on the tensors' arrays, as NumPy would, and returns what NumPy returns, unless
  a Tensor that requires grad went in while recording and the answer holds floating-point values:
  that would be a plain array cut from the graph, so it raises a TypeError naming the function and
  the engine's alternative. Answers without such values (booleans of comparisons, indices, shapes,
  dtypes) carry no gradient and are returned;
- with `out=` the answer goes into the arrays given: plain NumPy on the data, nothing to record
  (`p.data -= lr * p.grad`); a Tensor there, or as the target of `np.copyto`, `np.put`,
  `np.add.at`, ..., is updated in place by the rules of `sub_` (leaf, no recording, version bumped).

`np.asarray(t)` and `np.array(t)` (the `__array__` protocol) give the tensor's array, without graph:
that is how to ask for plain values.
"""

import numpy as np

from autograd_core import grad_mode, ops
from autograd_core.grad_mode import state as _state
from autograd_core.tensor import Tensor

_NV = np._NoValue  # NumPy's "argument not given"


# --- the engine's functions with NumPy's signatures ---------------------------------------------
def _value(x):
    return x.data if isinstance(x, Tensor) else x


def _only_defaults(name, **given):
    """Refuse NumPy arguments the engine's op does not implement, rather than drop them."""
    extra = [k for k, v in given.items() if v is not None and v is not _NV]
    if extra:
        raise TypeError(f"np.{name} on a Tensor does not support the argument(s) "
                        f"{', '.join(extra)}; leave them out, or call np.{name} on `t.data` "
                        "for a plain array")


def _keep(keepdims):
    return False if keepdims is _NV else bool(keepdims)


def _cast(a, dtype):
    if dtype is None or np.dtype(dtype) == np.result_type(_value(a)):
        return a
    return ops.astype(a, dtype)


def _sum(a, axis=None, dtype=None, out=None, keepdims=_NV, initial=_NV, where=_NV):
    _only_defaults("sum", out=out, initial=initial, where=where)
    return ops.sum(_cast(a, dtype), axis=axis, keepdims=_keep(keepdims))


def _mean(a, axis=None, dtype=None, out=None, keepdims=_NV, *, where=_NV):
    _only_defaults("mean", out=out, where=where)
    return ops.mean(_cast(a, dtype), axis=axis, keepdims=_keep(keepdims))


def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=_NV, *, where=_NV, mean=_NV,
         correction=_NV):
    """Population variance, scaled by n / (n - ddof) for NumPy's `ddof` (or `correction`)."""
    _only_defaults("var", out=out, where=where, mean=mean)
    ddof = ddof if correction is _NV else correction
    v = ops.var(_cast(a, dtype), axis=axis, keepdims=_keep(keepdims))
    if ddof == 0:
        return v
    n = np.size(_value(a)) // max(np.size(_value(v)), 1)
    return v * (n / np.float64(n - ddof))


def _std(a, *args, **kwargs):
    return ops.sqrt(_var(a, *args, **kwargs))


def _reduction(op, name):
    """np.max / np.min (and their aliases amax / amin) as the engine's reduction `op`."""
    def reduce(a, axis=None, out=None, keepdims=_NV, initial=_NV, where=_NV):
        _only_defaults(name, out=out, initial=initial, where=where)
        return op(a, axis=axis, keepdims=_keep(keepdims))
    return reduce


def _reshape(a, shape, order="C", *, copy=None):
    _only_defaults("reshape", order=None if order == "C" else order, copy=copy)
    return ops.reshape(a, shape)


def _ravel(a, order="C"):
    _only_defaults("ravel", order=None if order == "C" else order)
    return ops.reshape(a, (-1,))


def _reshaped_like(fn):
    """np.squeeze / np.expand_dims: a reshape to the shape `fn` gives (on a zero-byte view)."""
    def reshape(a, *args, **kwargs):
        shape = fn(np.broadcast_to(np.empty((), bool), np.shape(_value(a))), *args, **kwargs).shape
        return ops.reshape(a, shape)
    return reshape


def _transpose(a, axes=None): return ops.transpose(a, axes)
def _swapaxes(a, axis1, axis2): return ops.swapaxes(a, axis1, axis2)
def _broadcast_to(array, shape, subok=False): return ops.broadcast_to(array, shape)


def _join(op, name):
    """np.concatenate / np.stack: `axis=None` (concatenate) joins the flattened arrays."""
    def join(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
        casting = None if casting == "same_kind" else casting
        _only_defaults(name, out=out, dtype=dtype, casting=casting)
        arrays = list(arrays)
        if axis is None and op is ops.concatenate:
            arrays, axis = [ops.reshape(x, (-1,)) for x in arrays], 0
        return op(arrays, axis)
    return join


def _where(condition, *xy):
    """np.where(cond, x, y) records; np.where(cond) alone gives indices, as NumPy's."""
    if not xy:
        return np.where(_value(condition))
    if len(xy) != 2:
        raise TypeError("np.where takes a condition and either both or neither of x and y")
    return ops.where(_value(condition), *xy)


def _clip(a, a_min=_NV, a_max=_NV, out=None, *, min=_NV, max=_NV, **kwargs):  # noqa: A002
    """np.clip; bounds that require grad are differentiated too (as maximum / minimum)."""
    _only_defaults("clip", out=out, **kwargs)
    lo = None if a_min is _NV and min is _NV else a_min if a_min is not _NV else min
    hi = None if a_max is _NV and max is _NV else a_max if a_max is not _NV else max
    if any(isinstance(b, Tensor) and b.requires_grad for b in (lo, hi)):
        a = a if lo is None else ops.maximum(a, lo)
        return a if hi is None else ops.minimum(a, hi)
    return ops.clip(a, _value(lo), _value(hi))


def _einsum(*operands, out=None, optimize=False, **kwargs):
    """np.einsum with explicit subscripts; `optimize` only orders the contraction, so it is moot."""
    _only_defaults("einsum", out=out, **kwargs)
    if not operands or not isinstance(operands[0], str):
        raise TypeError("np.einsum on Tensors takes a subscripts string first "
                        "(e.g. 'ij,jk->ik'), not the interleaved (operand, axes) form")
    return ops.einsum(*operands)


def _dot(a, b, out=None):
    """np.dot where it is a product the engine has: with a scalar, or b of at most two axes."""
    _only_defaults("dot", out=out)
    na, nb = np.ndim(_value(a)), np.ndim(_value(b))
    if na == 0 or nb == 0:
        return ops.multiply(a, b)
    if nb <= 2:
        return ops.matmul(a, b)
    raise TypeError(f"np.dot of a {na}-D and a {nb}-D array sums over the second-to-last axis "
                    "of b, which matmul does not; write it with ag.einsum (or use a @ b for "
                    "NumPy's matmul rules)")


def _like(fn):
    """zeros_like & co: the first argument gives a shape and a dtype only, no values."""
    def like(a, *args, **kwargs):
        shape_only = a._data if isinstance(a, Tensor) else a  # no values read (nor by compile)
        return _numpy_or_refuse(fn, f"np.{fn.__name__}", (shape_only,) + args, kwargs)
    return like


def _metadata(fn):
    """np.shape, np.ndim, np.size: read the array's shape."""
    return lambda a, *args, **kwargs: fn(a._data if isinstance(a, Tensor) else a, *args, **kwargs)


def _square(x): return ops.power(x, 2)


# ufuncs the engine has an op for (called as f(x) or f(x, y), without keyword arguments)
UFUNCS = {
    np.add: ops.add, np.subtract: ops.subtract, np.multiply: ops.multiply,
    np.divide: ops.divide, np.power: ops.power, np.negative: ops.negative, np.matmul: ops.matmul,
    np.exp: ops.exp, np.log: ops.log, np.sqrt: ops.sqrt, np.tanh: ops.tanh, np.absolute: ops.abs,
    np.square: _square, np.maximum: ops.maximum, np.minimum: ops.minimum,
    # the trigonometric, hyperbolic and log/exp family (ops/trig.py), piecewise ops (ops/piecewise.py)
    **{getattr(np, name): getattr(ops, name) for name in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "arcsinh",
        "arccosh", "arctanh", "log1p", "expm1", "log2", "log10", "exp2", "logaddexp", "sign",
        "floor", "ceil", "trunc") if hasattr(ops, name)},
}

# array functions the engine has an op for, and those that read only shapes and dtypes
FUNCTIONS = {
    np.sum: _sum, np.mean: _mean, np.var: _var, np.std: _std,
    np.max: _reduction(ops.max, "max"), np.amax: _reduction(ops.max, "amax"),
    np.min: _reduction(ops.min, "min"), np.amin: _reduction(ops.min, "amin"),
    np.reshape: _reshape, np.ravel: _ravel, np.transpose: _transpose, np.swapaxes: _swapaxes,
    np.squeeze: _reshaped_like(np.squeeze), np.expand_dims: _reshaped_like(np.expand_dims),
    np.broadcast_to: _broadcast_to, np.concatenate: _join(ops.concatenate, "concatenate"),
    np.stack: _join(ops.stack, "stack"), np.where: _where, np.clip: _clip, np.einsum: _einsum,
    np.dot: _dot,
    np.shape: _metadata(np.shape), np.ndim: _metadata(np.ndim), np.size: _metadata(np.size),
    np.zeros_like: _like(np.zeros_like), np.ones_like: _like(np.ones_like),
    np.empty_like: _like(np.empty_like), np.full_like: _like(np.full_like),
}

# functions that write into their first argument: a Tensor there is updated in place
IN_PLACE = {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis}

# the engine's way to write what NumPy does not record, named in the refusal
ALTERNATIVES = {
    "np.add.reduce": "ag.sum(x, axis=0)", "np.maximum.reduce": "ag.max(x, axis=0)",
    "np.minimum.reduce": "ag.min(x, axis=0)", "np.positive": "+x",
    "np.true_divide": "ag.divide", "np.reciprocal": "1 / x", "np.log1p": "ag.log(1 + x)",
    "np.expm1": "ag.exp(x) - 1", "np.logaddexp": "ag.softplus or ag.logsumexp",
    "np.average": "ag.mean or ag.sum of weighted values", "np.outer": "ag.einsum('i,j->ij', a, b)",
    "np.inner": "ag.einsum('...i,...i->...', a, b) with named axes, or a @ b for 1-D",
    "np.tensordot": "ag.einsum", "np.vdot": "ag.sum(a * b)", "np.hstack": "ag.concatenate",
    "np.vstack": "ag.concatenate", "np.column_stack": "ag.stack / ag.concatenate",
    "np.linalg.norm": "ag.sqrt(ag.sum(x * x))", "np.moveaxis": "ag.transpose",
    "np.rollaxis": "ag.transpose", "np.atleast_1d": "ag.reshape", "np.atleast_2d": "ag.reshape",
    "np.nansum": "ag.sum with ag.where", "np.nanmean": "ag.mean with ag.where",
    "np.ptp": "ag.max(x) - ag.min(x)", "np.sign": "np.sign(t.data) (a constant)",
}


# --- the protocols ------------------------------------------------------------------------------
def array_ufunc(ufunc, method, inputs, kwargs):
    """Tensor.__array_ufunc__: the engine's op, NumPy on the data, or a refusal (see above)."""
    if method == "__call__" and not kwargs:
        op = UFUNCS.get(ufunc)
        if op is not None:
            return op(*inputs)
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    call = getattr(ufunc, method)
    if kwargs.get("out") is not None:
        return _into(call, inputs, kwargs, kwargs["out"])
    if method == "at":
        return _into(call, inputs, kwargs, inputs[0])
    return _numpy_or_refuse(call, name, inputs, kwargs)


def array_function(func, types, args, kwargs):
    """Tensor.__array_function__: the engine's op, NumPy on the data, or a refusal."""
    for t in types:  # a loop, not all(...): np.shape(t) and np.ndim(t) run inside ag.mean
        if t is not Tensor and not issubclass(t, (Tensor, np.ndarray)):
            return NotImplemented  # another library's arrays are in: let it answer
    if kwargs.get("out") is not None:
        return _into(func, args, kwargs, kwargs["out"])
    fn = FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if func in IN_PLACE and args:
        return _into(func, args, kwargs, args[0])
    return _numpy_or_refuse(func, _name(func), args, kwargs)


def _name(func):
    module = getattr(func, "__module__", None) or "numpy"
    prefix = "np" + module[len("numpy"):] if module.startswith("numpy") else module
    return f"{prefix}.{func.__name__}"


def _unwrap(x, grads):
    """`x` with each Tensor (also in lists, tuples and dicts) replaced by its array; the ones
    that require grad are appended to `grads`."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            grads.append(x)
        return x.data
    if type(x) is list or type(x) is tuple:
        return type(x)(_unwrap(v, grads) for v in x)
    if type(x) is dict:
        return {k: _unwrap(v, grads) for k, v in x.items()}
    return x


def _holds_floats(x):
    """True if `x` holds float (or complex, or object) values: what a gradient flows through."""
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "fcO"
    if isinstance(x, (float, complex)):
        return True
    if isinstance(x, (list, tuple)):
        return any(_holds_floats(v) for v in x)
    return False


def _numpy_or_refuse(call, name, args, kwargs):
    """NumPy's answer on the arrays, unless it would be float values cut from a recorded graph."""
    grads = []
    args, kwargs = _unwrap(args, grads), _unwrap(kwargs, grads)
    result = call(*args, **kwargs)
    if grads and _state.enabled and _holds_floats(result):
        hint = ALTERNATIVES.get(name)
        use = f"Use {hint} instead, which is recorded. " if hint else ""
        raise TypeError(
            f"{name} got a Tensor that requires grad while recording: the engine has no op for it, "
            "and NumPy would return a plain array cut from the graph, so the gradient would miss "
            f"this path. {use}For a value without gradient, call it on `t.data` or under "
            "`ag.no_grad()`."
        )
    return result


def _into(call, args, kwargs, out):
    """NumPy writing into `out` (arrays, or Tensors updated in place by sub_'s rules)."""
    outs = out if isinstance(out, tuple) else (out,)
    for o in outs:
        if isinstance(o, Tensor):
            o._bump()  # refuses a computed tensor, or a leaf that requires grad while recording
    result = call(*_unwrap(args, []), **_unwrap(kwargs, []))
    if result is None:  # np.copyto, np.add.at, ...
        return None
    if isinstance(result, tuple) and len(outs) > 1:
        return tuple(o if isinstance(o, Tensor) else r for r, o in zip(result, outs))
    return outs[0] if isinstance(outs[0], Tensor) else result
