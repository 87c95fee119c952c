"""The op contract: `Function` holds an op's NumPy forward and its vector-Jacobian product.

To define an op, subclass `Function`:

    class Cube(Function):
        '''x ** 3'''
        def forward(self, x):
            return x ** 3
        def vjp(self, g, out, x):
            return (g * 3 * x * x,)

    cube = lambda x: Cube()(x)

- `forward(*arrays) -> ndarray`: NumPy in, NumPy out.
- `vjp(g, out, *inputs) -> tuple`: one gradient per input (None for an input with no gradient),
  in the output's broadcast shape; the engine sums each down to its input's shape and dtype.
  In an ordinary backward `g`, `out` and the inputs are ndarrays; under `create_graph=True` they are
  Tensors, so the vjp is recorded and can be differentiated again. Write it with operators, methods
  that ndarrays and Tensors share (`reshape`, `sum`, `transpose`, `@`, comparisons) and the
  engine's functions (`exp`, `where`, `broadcast_to`, ...), which return ndarrays for ndarrays.
- Non-tensor arguments (axis, shape, exponent) go to `__init__` and live on `self`.
- `float_inputs = True` marks a real-valued op (exp, log, sigmoid, softmax, ...): integer and
  boolean inputs reach its forward as float64, never wrapped around (-x of uint8) or computed
  in float16 (NumPy's exp of uint8). Other ops follow NumPy's type promotion.
- A vjp may skip (return None for) an input that needs no gradient: `self.needs_input_grad` is
  None when every input needs one, else one bool per input (MatMul uses it: an input batch
  needs no gradient, and its product is the largest of the step).

Calling an instance runs the op: Tensors in, a Tensor out, recorded when grad mode is on and an
input requires grad; with no Tensor among the inputs it is plain NumPy and returns an ndarray.
"""

import functools
import os
import sys

import numpy as np

from autograd_core import grad_mode
from autograd_core.grad_mode import state as _state
from autograd_core.tensor import Tensor

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class Function:
    """Base class of every op: see the module docstring for the contract."""

    site = None  # "file:line" of the user code that created the op (record_sites or anomaly mode)
    scope = ()  # the name_scope blocks (e.g. a Module's dotted name) the op was recorded in
    needs_input_grad = None  # set when recorded with inputs that need no gradient: a bool per input
    float_inputs = False  # a real-valued op: integer inputs are converted to float64 first

    def forward(self, *arrays):
        raise NotImplementedError(f"{type(self).__name__} defines no forward")

    def vjp(self, g, out, *inputs):
        raise NotImplementedError(f"{type(self).__name__} defines no vjp")

    def __call__(self, *inputs):
        # This is the per-op overhead of the engine: one Tensor in (most ops) takes a short cut.
        if len(inputs) == 1 and isinstance(inputs[0], Tensor):
            x = inputs[0]
            a = x._data
            if self.float_inputs and a.dtype.kind in "biu":
                a = a.astype(np.float64)
            try:  # a plain call with one argument costs much less than unpacking a sequence into it
                data = self.forward(a)
            except (ValueError, TypeError, IndexError, OverflowError) as e:
                raise self._forward_error(e, (x._data,)) from None
            if not (x.requires_grad and _state.enabled or _state.anomaly):
                return Tensor._wrap(data if type(data) is np.ndarray else np.asarray(data))
            arrays, record, constants = (x._data,), x.requires_grad, False
        else:
            arrays, ref, record, constants = [], None, False, False
            for x in inputs:
                if isinstance(x, Tensor):
                    arrays.append(x._data)
                    if ref is None:
                        ref = x  # the first Tensor's dtype types the constants
                    if x.requires_grad:
                        record = True
                else:
                    arrays.append(x)  # converted below, once the dtype is known
                    constants = True
            if ref is None:  # NumPy in, NumPy out: used by vjps in an ordinary backward
                return self.forward(*inputs)
            if constants:
                dtype = ref._data.dtype
                for i, x in enumerate(inputs):
                    if not isinstance(x, Tensor):
                        arrays[i] = self._constant(x, dtype)
            if self.float_inputs:
                arrays = [a.astype(np.float64) if a.dtype.kind in "biu" else a for a in arrays]
            try:
                data = self.forward(*arrays)
            except (ValueError, TypeError, IndexError, OverflowError) as e:
                raise self._forward_error(e, arrays) from None
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # a ufunc on 0-d arrays returns a NumPy scalar
        if _state.anomaly:
            self.site = user_site()
            check_finite(self, "forward", data, arrays)
        if not (record and _state.enabled):
            return Tensor._wrap(data)
        # Record. Only a leaf can be updated in place (sub_, copy_, ...): remember the versions of
        # the leaves used, so that backward can refuse a gradient computed from stale values.
        rank, versions, without_grad = 0, (), constants
        if len(inputs) == 1:  # the short cut above: one Tensor, and it requires grad
            x = inputs[0]
            rank = x._rank + 1
            if x._op is None:
                versions = ((x, x._version),)
        else:
            for x in inputs:
                if isinstance(x, Tensor):
                    if x._op is None:
                        versions += ((x, x._version),)
                    if x.requires_grad:
                        if x._rank >= rank:
                            rank = x._rank + 1
                    else:
                        without_grad = True
        if without_grad:
            self.needs_input_grad = tuple([isinstance(x, Tensor) and x.requires_grad
                                           for x in inputs])
        if constants:
            inputs = tuple([x if isinstance(x, Tensor) else Tensor._wrap(a)
                            for x, a in zip(inputs, arrays)])
        if _state.scope:
            self.scope = _state.scope
        if _state.sites:
            self.site = user_site()
        return Tensor._node(data, self, inputs, versions, rank)

    def _forward_error(self, e, arrays):
        """The forward's error, naming the op and its inputs' shapes and dtypes, of the same type
        (or, for NumPy's error types that take other arguments, of its built-in base type)."""
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        dtypes = ", ".join(str(np.result_type(a)) for a in arrays)
        message = f"{type(self).__name__}: {e} (input shapes {shapes}; dtypes {dtypes})"
        try:
            return type(e)(message)
        except Exception:  # e.g. NumPy's UFuncTypeError needs the ufunc and the dtypes
            base = next(b for b in (IndexError, ValueError, TypeError, OverflowError)
                        if isinstance(e, b))
            return base(message)

    def _constant(self, x, dtype):
        """A non-Tensor operand as an array; numbers and float arrays take a float tensor's dtype.
        Non-numeric operands (strings, objects) are refused: a Tensor is always numeric."""
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            return dtype.type(x) if dtype.kind == "f" else np.asarray(x)
        a = np.asarray(x)
        if a.dtype.kind not in "biufc":
            raise TypeError(f"{type(self).__name__}: an operand of dtype {a.dtype} "
                            f"({type(x).__name__}) is not a number; use numeric arrays")
        return a.astype(dtype) if dtype.kind == "f" and a.dtype.kind in "biuf" and a.dtype != dtype else a

    def __repr__(self):
        return f"{type(self).__name__}()" if self.site is None else f"{type(self).__name__}() at {self.site}"


def user_site() -> str:
    """'file:line' of the innermost caller outside autograd_core."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return "<unknown>" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


def quiet_underflow(compute):
    """Decorate an op's forward or vjp whose results may round to 0 by design (a saturated sigmoid,
    a far-off softmax entry): under np.seterr(under="raise") it is run again with underflow
    ignored, so only real problems (overflow, invalid values) raise. Free in the default mode."""
    @functools.wraps(compute)
    def run(*args):
        try:
            return compute(*args)
        except FloatingPointError:
            with np.errstate(under="ignore"):
                return compute(*args)
    return run


def check_finite(fn, phase, value, inputs=()):
    """In anomaly mode: raise FloatingPointError if `value` holds NaN or Inf (fresh, not inherited)."""
    value = np.asarray(value)
    if value.dtype.kind not in "fc" or np.isfinite(value).all():
        return
    inherited = any(np.asarray(a).dtype.kind in "fc" and not np.isfinite(a).all() for a in inputs)
    what = "NaN" if np.isnan(value).any() else "Inf"
    raise FloatingPointError(
        f"{type(fn).__name__} {phase} produced {what}"
        + (" (its inputs already held NaN/Inf)" if inherited else "")
        + f"; the op was created at {fn.site or '<unknown>'}"
    )
