"""Tensor: an ndarray, its gradient and the link to the op that made it. No derivative code here."""

import operator

import numpy as np


class Tensor:
    """A NumPy array that records the ops applied to it, for reverse-mode differentiation.

    `data` is the ndarray (0-d for scalars); `grad` the accumulated gradient (a Tensor) after
    `backward()`; `requires_grad` marks leaves to differentiate with respect to. Only floating
    tensors may require grad. Tensors are immutable apart from `grad` and the in-place updates
    (`sub_`, `copy_`, `p -= ...`, ...) that optimisers make under `no_grad`. NumPy's functions
    and ufuncs given a Tensor record, or refuse by name (numpy_api).
    """

    __slots__ = ("_data", "_grad", "requires_grad", "_name", "_op", "_version", "__weakref__")

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        if isinstance(data, Tensor):  # a copy, as torch.tensor(t): t may be updated in place
            data = np.array(data._data, dtype=dtype)
        data = np.asarray(data, dtype=dtype)
        if data.dtype.kind not in "biufc":
            raise TypeError(f"Tensor data must be numeric, got an array of dtype {data.dtype}")
        if requires_grad and data.dtype.kind != "f":
            raise TypeError(
                f"only floating-point tensors can require grad, got dtype {data.dtype}; "
                "pass float data or dtype=np.float64"
            )
        self._data, self._grad, self.requires_grad, self._name = data, None, bool(requires_grad), name
        if _state.tracer is not None:  # compile: a Tensor made during the call, of unknown values
            _state.tracer.created.add(id(self))
        self._op, self._version = None, 0

    @staticmethod
    def _wrap(data):
        """A constant or op output around an ndarray, without the checks of __init__."""
        t = _new(Tensor)  # one slot write per statement: cheaper than tuple assignment
        t._data = data
        t._grad = None
        t.requires_grad = False
        t._name = None
        t._op = None
        t._version = 0
        return t

    @staticmethod
    def _node(data, node):
        """The output of a recorded op, whose graph node is `node`, around an ndarray."""
        t = _new(Tensor)
        t._data = data
        t._grad = None
        t.requires_grad = True
        t._name = None
        t._op = node
        t._version = 0
        return t

    @property
    def data(self) -> np.ndarray:
        """The values: always an ndarray (0-d for a scalar). Python code that reads them is not
        captured by ag.compile, which then runs the function eagerly."""
        return self._read("t.data")

    @data.setter
    def data(self, value):
        """Replace the values (micrograd's `p.data = p.data - lr * p.grad`): a Tensor gives its
        array, anything else is converted; the version is bumped, so a graph recorded with the old
        values refuses to backpropagate."""
        array = value._data if isinstance(value, Tensor) else np.asarray(value)
        if array.dtype.kind not in "biufc":
            raise TypeError(f"Tensor data must be numeric, got {type(value).__name__} of dtype "
                            f"{array.dtype}")
        if self.requires_grad and array.dtype.kind != "f":
            raise TypeError(f"a tensor that requires grad needs floating-point data, got dtype "
                            f"{array.dtype}; assign value.astype(np.float64)")
        if _state.tracer is not None:
            _state.tracer.on_value_read("t.data = ...")
        self._data = array
        self._version += 1

    @property
    def grad(self):
        """The gradient accumulated by backward (a Tensor of this shape), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if _state.tracer is not None:  # compile: zero_grad inside a traced function is a step
            _state.tracer.on_grad_write(self, value)
        self._grad = value

    @property
    def name(self):
        """A label for pictures and messages (a Parameter's dotted name, or one you give)."""
        return self._name

    @name.setter
    def name(self, value):
        self._name = value
        if self._op is not None:  # the graph keeps the node, not this tensor: name it there too
            self._op.output_name = value

    # --- what it is -------------------------------------------------------------------------
    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    dtype = property(lambda self: self._data.dtype)
    is_leaf = property(lambda self: self._op is None)
    op = property(lambda self: self._op, doc="The graph's node (function.Node) of the op that "
                  "made this tensor: its `function`, and `inputs` that lead on (None for a leaf).")

    def item(self):
        return self._read("t.item()").item()

    def numpy(self) -> np.ndarray:
        return self._read("t.numpy()")

    def detach(self) -> "Tensor":
        """The same values, cut from the graph, refusing in-place updates (update the original
        leaf under no_grad). A leaf's array, or a view (of a leaf, maybe: w.T), is copied, since
        the leaf may be updated in place after a graph saved the detached values (PyTorch shares
        a version counter instead); an op's own output shares its array (it never changes)."""
        updatable = self._op is None and self._version >= 0
        t = Tensor._wrap(self._data.copy() if updatable or self._data.base is not None
                         else self._data)
        t._version = -1  # shares its array, or stands for one that does: no in-place updates
        return t

    def tolist(self):
        return self._read("t.tolist()").tolist()

    def _read(self, what="its values"):
        """The array, for Python code that reads the values (under compile: not captured)."""
        if _state.tracer is not None:
            _state.tracer.on_value_read(what)
        return self._data

    def __array__(self, dtype=None, copy=None):
        """np.asarray(t): the array itself, without graph (how to ask NumPy for plain values);
        np.array(t) (copy=True): a copy."""
        data = self._read("np.asarray(t)")
        data = data if dtype is None else data.astype(dtype, copy=False)
        return data.copy() if copy and data is self._data else data

    # NumPy functions and ufuncs given a Tensor record, or refuse by name (see numpy_api)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return numpy_api.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return numpy_api.array_function(func, types, args, kwargs)

    def __len__(self):
        return len(self._data)

    def __bool__(self):
        return bool(self._read("bool(t)"))

    def __float__(self):
        return float(self._read("float(t)"))

    def __int__(self):
        return int(self._read("int(t)"))

    def __format__(self, spec):
        """f"{loss:.4f}": a one-element tensor formats as its number; no spec gives str(t)."""
        if not spec:
            return str(self)
        if self._data.size != 1:
            raise TypeError(f"format spec {spec!r} needs a one-element tensor, got shape "
                            f"{self.shape}; format t.item(), or np.array2string(t.data)")
        return format(self._read("a format spec").item(), spec)

    def __repr__(self):
        body = np.array2string(self._data, prefix="Tensor(", separator=", ", threshold=20)
        extra = f", dtype={self.dtype}" if self.dtype not in (np.float64, np.int64, np.bool_) else ""
        if self._op is not None:
            extra += (", graph released by backward" if self._op.released
                      else f", op={self._op.name}")
        elif self.requires_grad:
            extra += ", requires_grad=True"
        if self.name:
            extra += f", name={self.name!r}"
        return f"Tensor({body}{extra})"

    # --- differentiation ----------------------------------------------------------------------
    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`. `grad` is required unless self has one element."""
        backprop.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    # --- in-place updates (optimisers); each bumps the version that backward checks -----------
    def _bump(self):
        """Refuse an in-place update the graph could not see; otherwise count it. Called first."""
        if self._op is not None or (self.requires_grad and _state.enabled):
            raise RuntimeError(
                "in-place update of a tensor that requires grad: do it under `no_grad()` on a leaf"
            )
        if self._version < 0:
            raise RuntimeError(
                "in-place update of a tensor that shares its array with another (t.detach(), or a "
                "constant of the engine), which a graph may have saved: update a copy, "
                "ag.Tensor(t.data.copy()), or the original leaf under `no_grad()`")
        if _state.tracer is not None:
            _state.tracer.on_value_read("an in-place update")
        self._version += 1

    def copy_(self, value):
        self._bump()
        self._data[...] = _operand(value)
        return self

    def add_(self, value, alpha=1.0):
        self._bump()
        value = _operand(value)
        self._data += value * alpha if alpha != 1.0 else value
        return self

    def sub_(self, value):
        self._bump()
        self._data -= _operand(value)
        return self

    def mul_(self, value):
        self._bump()
        self._data *= _operand(value)
        return self

    # x op= y: in place where nothing records it, out of place on a computed tensor (see _inplace)
    def __iadd__(self, other): return _inplace(self, other, ops.add, operator.iadd, "+=")
    def __isub__(self, other): return _inplace(self, other, ops.subtract, operator.isub, "-=")
    def __imul__(self, other): return _inplace(self, other, ops.multiply, operator.imul, "*=")
    def __itruediv__(self, other): return _inplace(self, other, ops.divide, operator.itruediv, "/=")
    def __ipow__(self, other): return _inplace(self, other, ops.power, operator.ipow, "**=")
    def __imatmul__(self, other): return _inplace(self, other, ops.matmul, operator.imatmul, "@=")

    # --- operators and methods: each one line, calling the op in autograd_core.ops -------------
    # (x + y, x * y, -x, x[i], ...: the ops' functions themselves, bound at the end of this file)
    def __radd__(self, other): return ops.add(other, self)
    def __rsub__(self, other): return ops.subtract(other, self)
    def __rmul__(self, other): return ops.multiply(other, self)
    def __rtruediv__(self, other): return ops.divide(other, self)
    def __rpow__(self, other): return ops.power(other, self)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __pos__(self): return self

    # comparisons give plain boolean arrays: they have no gradient
    def __lt__(self, other): return self._read("t < ...") < np.asarray(other)
    def __le__(self, other): return self._read("t <= ...") <= np.asarray(other)
    def __gt__(self, other): return self._read("t > ...") > np.asarray(other)
    def __ge__(self, other): return self._read("t >= ...") >= np.asarray(other)
    def __eq__(self, other): return self._read("t == ...") == np.asarray(other)
    def __ne__(self, other): return self._read("t != ...") != np.asarray(other)
    __hash__ = None  # elementwise == makes tensors unhashable; the engine keys nodes by id()

    def clip(self, a_min, a_max): return ops.clip(self, a_min, a_max)
    def sum(self, axis=None, keepdims=False): return ops.sum(self, axis=axis, keepdims=keepdims)
    def mean(self, axis=None, keepdims=False): return ops.mean(self, axis=axis, keepdims=keepdims)
    def var(self, axis=None, keepdims=False, ddof=0): return ops.var(self, axis=axis, keepdims=keepdims, ddof=ddof)
    def max(self, axis=None, keepdims=False): return ops.max(self, axis=axis, keepdims=keepdims)
    def min(self, axis=None, keepdims=False): return ops.min(self, axis=axis, keepdims=keepdims)
    def reshape(self, *shape): return ops.reshape(self, shape[0] if len(shape) == 1 else shape)
    def flatten(self): return ops.reshape(self, (-1,))
    def transpose(self, *axes): return ops.transpose(self, axes[0] if len(axes) == 1 else axes or None)
    def swapaxes(self, axis1, axis2): return ops.swapaxes(self, axis1, axis2)
    def broadcast_to(self, shape): return ops.broadcast_to(self, shape)
    def astype(self, dtype): return ops.astype(self, dtype)
    # issue #15
    def __mod__(self, other): return ops.remainder(self, other)
    def __rmod__(self, other): return ops.remainder(other, self)
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)
    def std(self, axis=None, keepdims=False, ddof=0): return ops.std(self, axis=axis, keepdims=keepdims, ddof=ddof)
    def prod(self, axis=None, keepdims=False): return ops.prod(self, axis=axis, keepdims=keepdims)
    def cumsum(self, axis=None): return ops.cumsum(self, axis=axis)
    def cumprod(self, axis=None): return ops.cumprod(self, axis=axis)
    def argmax(self, axis=None, keepdims=False): return ops.argmax(self, axis=axis, keepdims=keepdims)
    def argmin(self, axis=None, keepdims=False): return ops.argmin(self, axis=axis, keepdims=keepdims)
    def squeeze(self, axis=None): return ops.squeeze(self, axis=axis)
    T = property(lambda self: ops.transpose(self))
    mT = property(lambda self: ops.swapaxes(self, -1, -2))


_new = object.__new__  # Tensor without __init__: ops build their outputs through _wrap and _node


def _operand(value):
    """The right-hand side of an in-place update: a Tensor's array, a Python number as it is (NumPy
    computes it in the updated array's dtype, so float32 stays float32), anything else as an array."""
    if isinstance(value, Tensor):
        return value._data
    return value if isinstance(value, (np.ndarray, int, float)) else np.asarray(value)


def _inplace(x, y, op, update, symbol):
    """`x op= y` with PyTorch's rules. While recording, a computed x (or one that requires no grad,
    with a y that does) is rebound out of place, so the graph goes on (micrograd's `c += c + 1`);
    a leaf that requires grad is refused. Otherwise x's array is updated in place and its version
    bumped, so backward refuses graphs that used the old values (`p -= lr * p.grad`, no_grad)."""
    recording = _state.enabled
    if recording and (x._op is not None or
                      not x.requires_grad and isinstance(y, Tensor) and y.requires_grad):
        return op(x, y)
    if x._op is not None:
        raise RuntimeError(
            f"`t {symbol} ...` under no_grad() on a tensor computed by {x._op.name}: "
            f"updating it in place would make gradients through it wrong; write `t = t "
            f"{symbol[:-1]} ...` for a new tensor")
    if x.requires_grad and recording:
        raise RuntimeError(
            f"`p {symbol} ...` on a leaf that requires grad, while recording: the graph cannot "
            f"see an in-place update. Update parameters under `with ag.no_grad():` (as optimisers "
            f"do), or write `p = p {symbol[:-1]} ...` for a new tensor")
    x._bump()
    try:
        update(x._data, _operand(y))
    except (TypeError, ValueError) as e:
        kind = TypeError if isinstance(e, TypeError) else ValueError
        raise kind(f"t {symbol} y on a tensor of shape {x.shape} and dtype {x.dtype}: "
                   f"{e}") from None
    return x


# The one import cycle of the engine: Tensor's methods call the ops, and the ops build Tensors.
from autograd_core import backprop, numpy_api, ops  # noqa: E402
from autograd_core.grad_mode import state as _state  # noqa: E402

# The operators and the one-argument methods (t.tanh()) are the ops' functions themselves: one
# Python call less than a method wrapping them.
Tensor.__add__, Tensor.__sub__, Tensor.__mul__, Tensor.__truediv__ = (
    ops.add, ops.subtract, ops.multiply, ops.divide)
Tensor.__pow__, Tensor.__matmul__, Tensor.__neg__, Tensor.__abs__, Tensor.__getitem__ = (
    ops.power, ops.matmul, ops.negative, ops.abs, ops.getitem)
Tensor.exp, Tensor.log, Tensor.sqrt, Tensor.tanh, Tensor.sigmoid, Tensor.relu, Tensor.abs = (
    ops.exp, ops.log, ops.sqrt, ops.tanh, ops.sigmoid, ops.relu, ops.abs)
Tensor.sin, Tensor.cos = ops.sin, ops.cos
