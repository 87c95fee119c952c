"""The op contract: `Function` holds an op's NumPy forward and its vector-Jacobian product.

To define an op, subclass `Function`:

    class Cube(Function):
        '''x ** 3'''
        saves = "inputs"
        def forward(self, x):
            return x ** 3
        def vjp(self, g, out, x):
            return (g * 3 * x * x,)

    def cube(x): return Cube().apply(x)

An op whose class has no __init__ and whose forward and vjp keep nothing on self (most of the
engine's: Add, Mul, Tanh, MatMul) is stateless: its function passes every call to one shared
instance, `_TANH = shared(Tanh)` and `def tanh(x): return _TANH.apply(x)`, so that recording it
makes no op object. What differs between calls goes elsewhere: needs_input_grad selects another
shared instance, and a site, scope or name is set on a private copy of the shared one.

- `forward(*arrays) -> ndarray`: NumPy in, NumPy out.
- `vjp(g, out, *inputs) -> tuple`: one gradient per input (None for an input with no gradient),
  in the output's broadcast shape; the engine sums each down to its input's shape and dtype.
  In an ordinary backward `g`, `out` and the inputs are ndarrays; under `create_graph=True` they are
  Tensors, so the vjp is recorded and can be differentiated again. Write it with operators, methods
  that ndarrays and Tensors share (`reshape`, `sum`, `transpose`, `@`, comparisons) and the
  engine's functions (`exp`, `where`, `broadcast_to`, ...), which return ndarrays for ndarrays.
- `saves` says what the vjp reads: "inputs", "output", "both" (the default) or "nothing". The
  graph keeps only those arrays until backward; what is not saved reaches the vjp as `NOT_SAVED`,
  which refuses every use. A shape the vjp needs goes on `self` in forward (`self.x_shape`).
- `kept` names the arrays an op holds on `self` (an index it was given, a mask its forward made):
  backward drops them with the saved arrays, as it drops the edges to leaves that need no
  gradient (a data batch), so that a loss kept after backward holds no batch.
- Non-tensor arguments (axis, shape, exponent) go to `__init__` and live on `self`.
- `float_inputs = True` marks a real-valued op (exp, log, sigmoid, softmax, ...): integer and
  boolean inputs reach its forward as float64, never wrapped around (-x of uint8) or computed
  in float16 (NumPy's exp of uint8). Other ops follow NumPy's type promotion.
- A vjp may skip (return None for) an input that needs no gradient: `self.needs_input_grad` is
  None when every input needs one, else one bool per input (MatMul uses it: an input batch
  needs no gradient, and its product is the largest of the step).

ag.compile replays recorded ops: it calls the same instance's `forward` and `vjp` again, on new
arrays, one call after another. So forward must compute from its arguments and the attributes
given to `__init__` only (what it stores on self for the vjp is recomputed at each call), and
an attribute that is an array (labels, an index) is replaced by the call's own argument where
the traced one was an argument. An op whose forward is one NumPy ufunc declares it, and a replay
then runs it on preallocated buffers: `ufunc = np.multiply` (with `ufunc_args = (0,)` for
constants after the arrays, as Relu's `np.maximum(x, 0)`) promises that forward(*arrays) is
`ufunc(*arrays, *ufunc_args)` bit for bit, in the same dtype, storing nothing on self (declared
beside that forward: a subclass that overrides forward does not inherit it). The replay
calls the ufunc directly with `out=` a buffer allocated at trace time, which later results of
its shape and dtype reuse once nothing reads it (in place, where an elementwise ufunc reads its
input for the last time); a buffer is held only where that does not raise the call's peak
memory, and what leaves the program (a returned Tensor, a `.grad`) or what an op keeps on self
is never one. An op whose vjp is nothing but ufunc calls (operators and `@` included),
reductions (`.sum(axis=..., keepdims=...)`) and the views `.T`, `.transpose`, `.swapaxes` and
`.reshape` of its arguments, with Python numbers, without reading a value (no branch on one)
or any other method or NumPy function, declares `vjp_ufuncs = True` beside that vjp: where the
gradient has one dimension or more, compile runs it once more on arrays that report what is
done with them, and replays that line by line, ufunc calls into buffers as above (checked:
they must give the gradients bit for bit; anything else, and the vjp replays whole). The
broadcasts undone on gradients (shapes.sum_to_shape) replay the same way. A forward of that
kind declares `forward_ufuncs = True` beside it, and replays the same way (MatMul: the product
of transposed views), without being called: what it stores on self must then be the same at
every call of a signature (Sum's input shape). Every other forward, and every other vjp,
replays as it is: it allocates what eager execution allocates, freed as soon as it is no
longer read.

`apply` runs the op, as PyTorch's `Function.apply`: Tensors (or numbers) in, a Tensor out.
Calling the instance, `Cube()(x)`, is the same call; the ops' functions use `apply`, which
skips the call of an object (about 550 CPU instructions of the ~34,000 an op costs). When grad
mode is on and an input requires grad, the output gets a `Node` in the graph (`t.op`,
PyTorch's grad_fn): the instance as its `function` (with its attributes), `inputs` (per input,
its node, or the leaf Tensor itself), the output's `shape` and `dtype`, and the saved arrays,
which backward releases. An instance is recorded once (a shared one at every call). With no
Tensor among the inputs it is plain NumPy and returns an ndarray.
"""

import functools
import itertools
import os
import sys
from collections import defaultdict

import numpy as np

from autograd_core.grad_mode import state as _state
from autograd_core.tensor import Tensor

_new = object.__new__  # a Node without __init__: _record fills its slots

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_ERRORS = (ValueError, TypeError, IndexError, OverflowError)  # a bad input, named by _forward_error
_CREATED = itertools.count(1)  # numbers the recorded nodes: each after its inputs (Python's GIL
# makes next() atomic, so threads recording at once still get distinct, increasing numbers)
# type -> dtype -> {number_key(number): (Tensor, NumPy scalar)}: see _number
_NUMBERS = {int: defaultdict(dict), float: defaultdict(dict), complex: defaultdict(dict)}
_FLOATS = _NUMBERS[float]  # (read directly by _operands's short cut for `x * 0.9`)
_FIRST_ONLY = (True, False)  # needs_input_grad of `x * 0.9`


class NotSavedError(RuntimeError):
    """A vjp used an array that its op does not declare in `saves`."""


class _NotSaved:
    """What a vjp gets for an array its op did not save: every use raises NotSavedError."""

    __array_ufunc__ = None  # NumPy hands binary operators back to us, and ufuncs refuse

    def _refuse(self, *args, **kwargs):
        raise NotSavedError("a vjp used an array that its op does not save")

    __getattr__ = __array__ = __getitem__ = __bool__ = __len__ = __iter__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = __abs__ = _refuse
    __hash__ = object.__hash__

    # The one marker, through copies and pickles of a graph (nodes hold it in `saved`): copy and
    # deepcopy ask an instance for __deepcopy__, which _refuse would answer with NotSavedError
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return "NOT_SAVED"

    def __repr__(self):
        return "NOT_SAVED"


NOT_SAVED = _NotSaved()


class Function:
    """Base class of every op: its forward and vjp, and its attributes (see the module docstring)."""

    saves = "both"  # what the vjp reads: "inputs", "output", "both" or "nothing"
    kept = ()  # names of the arrays the op holds on self, dropped by release()
    float_inputs = False  # a real-valued op: integer inputs are converted to float64 first
    vjp_ufuncs = False  # True: its vjp is ufunc calls, reductions and views (compile replays them)
    forward_ufuncs = False  # the same, of its forward
    # What the engine sets on a recorded op (class defaults keep unrecorded ops light):
    site = None  # "file:line" of the user code that created the op (record_sites or anomaly mode)
    scope = ()  # the name_scope blocks (e.g. a Module's dotted name) the op was recorded in
    needs_input_grad = None  # set when recorded with inputs that need no gradient: a bool per input
    output_name = None  # the name given to the output tensor (pictures show it)
    recorded = False  # True once the op is a node of a graph: an instance runs once (None: a
    # shared instance, see shared(), which runs at every call of its function)
    _variants = None  # of a shared instance: needs_input_grad -> the shared instance with it

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.saves not in ("inputs", "output", "both", "nothing"):
            raise ValueError(f"{cls.__name__}.saves must be 'inputs', 'output', 'both' or "
                             f"'nothing', got {cls.saves!r}")
        cls._saving = (cls.saves in ("output", "both"), cls.saves in ("inputs", "both"))

    def forward(self, *arrays):
        raise NotImplementedError(f"{type(self).__name__} defines no forward")

    def vjp(self, g, out, *inputs):
        raise NotImplementedError(f"{type(self).__name__} defines no vjp")

    def apply(self, *inputs):
        """Run the op; record it when grad mode is on and an input requires grad. Every op's
        function calls it (a Python call of a method costs less than the call of an instance)."""
        if self.recorded:  # a new call would overwrite what its forward kept for the vjp
            raise RuntimeError(f"this {type(self).__name__} instance was already recorded: "
                               "an op instance runs once, create a new one for each call")
        given = inputs
        if len(inputs) == 1 and isinstance(inputs[0], Tensor):  # most ops: a plain call
            x = inputs[0]
            a = x._data
            if self.float_inputs and a.dtype.kind in "biu":
                a = a.astype(np.float64)
            arrays = saved = (a,)
            record = x.requires_grad
            try:
                data = self.forward(a)
            except _ERRORS as e:
                raise self._forward_error(e, arrays) from None
        elif len(inputs) == 2 and type(inputs[1]) is float and isinstance(inputs[0], Tensor) \
                and inputs[0]._data.dtype.kind == "f":  # `x * 0.9`, the usual constant
            x, y = inputs
            a = x._data
            c, value = _FLOATS[a.dtype].get(y or repr(y)) or _number(y, a.dtype)
            b = c._data
            arrays = (a, b)
            saved = arrays if a.ndim else (a, value)  # (NumPy scalars: see _operands)
            inputs, record = (x, c), x.requires_grad
            try:
                data = self.forward(a, b)
            except _ERRORS as e:
                raise self._forward_error(e, arrays) from None
        else:
            inputs, arrays, saved, record = self._operands(inputs)
            if arrays is None:  # NumPy in, NumPy out: used by vjps in an ordinary backward
                return self.forward(*inputs)
            try:  # two arrays, the usual case, as a plain call (see Node.backward_step)
                data = (self.forward(arrays[0], arrays[1]) if len(arrays) == 2 else
                        self.forward(*arrays))
            except _ERRORS as e:
                raise self._forward_error(e, arrays) from None
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # a ufunc on 0-d arrays returns a NumPy scalar
        enabled, hooks, extras = _state.per_op  # this thread's switches, in one read
        if record and enabled:
            function = self._call_hooks(given, inputs, arrays, data) if hooks else self
            return _record(function, data, inputs, saved, extras)
        if data.base is not None:  # a view (x.T, x[1:]): of an updatable leaf?
            data = _unaliased(data, inputs)
        if hooks:
            self._call_hooks(given, inputs, arrays, data)
        return Tensor._wrap(data)

    __call__ = apply  # op(x) is op.apply(x)

    def _operands(self, inputs):
        """(inputs as Tensors, the values the forward gets, those the vjp gets, whether one
        requires grad). Constants (numbers, arrays) become Tensors typed by the first Tensor's
        dtype; real-valued ops get integers as float64. (inputs, None, None, False) when no
        input is a Tensor. Two operands, the usual case, take a short cut (a resnet step spends
        5 % of the engine's time less): a float's cache key `x or repr(x)` is number_key(x),
        written out, and beside a 0-d tensor its vjp gets it as a NumPy scalar (its gradients
        are NumPy scalars there: scalar math), the forward as a 0-d array (a ufunc converts a
        NumPy scalar: 30 % of the call)."""
        if len(inputs) == 2:  # the usual `x + y` and `0.5 * x` (apply takes `x * 0.9`)
            x, y = inputs
            if isinstance(x, Tensor):
                if isinstance(y, Tensor) and not self.float_inputs:
                    arrays = (x._data, y._data)
                    return inputs, arrays, arrays, x.requires_grad or y.requires_grad
            elif type(x) is float and isinstance(y, Tensor):
                b = y._data
                dtype = b.dtype
                if dtype.kind == "f":
                    c, value = _FLOATS[dtype].get(x or repr(x)) or _number(x, dtype)
                    arrays = (c._data, b)
                    return (c, y), arrays, arrays if b.ndim else (value, b), y.requires_grad
        tensors, arrays = list(inputs), list(inputs)
        dtype = None
        for x in tensors:
            if isinstance(x, Tensor):
                dtype = x._data.dtype
                break
        if dtype is None:
            return inputs, None, None, False
        record = False
        for i, x in enumerate(tensors):
            if not isinstance(x, Tensor):
                tensors[i], arrays[i] = self._constant(x, dtype)
            else:
                arrays[i] = x._data
                record = record or x.requires_grad
        if self.float_inputs:
            arrays = [a.astype(np.float64) if a.dtype.kind in "biu" else a for a in arrays]
        arrays = tuple(arrays)
        return tensors, arrays, arrays, record

    def _call_hooks(self, given, inputs, arrays, data):
        """What the debugging modes and compile do with every op call; returns the op to record
        (in anomaly mode one that remembers its site)."""
        function = self
        if _state.tracer is not None:  # compile: this call becomes a step of the program
            _state.tracer.forward(self, given, inputs, arrays, data)
        if _state.anomaly:
            function = _private(self)
            function.site = user_site()
            check_finite(function, "forward", data, arrays)
        return function

    def _forward_error(self, e, arrays):
        """The forward's error, naming the op and its inputs' shapes and dtypes, of the same type
        (or, for NumPy's error types that take other arguments, of its built-in base type)."""
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        dtypes = ", ".join(str(np.result_type(a)) for a in arrays)
        message = f"{type(self).__name__}: {e} (input shapes {shapes}; dtypes {dtypes})"
        try:
            return type(e)(message)
        except Exception:  # e.g. NumPy's UFuncTypeError needs the ufunc and the dtypes
            base = next(b for b in _ERRORS if isinstance(e, b))
            return base(message)

    def _constant(self, x, dtype):
        """(constant Tensor, the value the forward gets) for a non-Tensor operand: numbers and
        float arrays take a float tensor's dtype, a Python number is shared (_number).
        Non-numeric operands (strings, objects) are refused."""
        if type(x) is float or type(x) is int or type(x) is complex:
            return _number(x, dtype)
        a = np.asarray(x)
        if a.dtype.kind not in "biufc":
            raise TypeError(f"{type(self).__name__}: an operand of dtype {a.dtype} "
                            f"({type(x).__name__}) is not a number; use numeric arrays")
        cast = dtype.kind == "f" and a.dtype.kind in "biuf" and a.dtype != dtype
        t = Tensor._wrap(a.astype(dtype) if cast else a)
        return t, t._data

    def __repr__(self):
        return f"{type(self).__name__}()" if self.site is None else f"{type(self).__name__}() at {self.site}"


class Node:
    """A recorded op in the graph: `t.op` of the Tensor it made (PyTorch's grad_fn).

    It holds the `function` that ran (the op, with its attributes), per input the node that made
    it or the leaf Tensor itself (`inputs`), (leaf, its version when used) for each leaf input
    (`versions`: an in-place update after that is refused), the output's `shape` and `dtype`, its
    place in creation order (after its inputs': backward runs the latest first), and what the
    vjp reads: `out`, the output array, and `saved`, the input arrays, each NOT_SAVED where the
    op's `saves` does not name it; both None once a backward (without retain_graph) ran it. The
    saved arrays are held apart from the edges, in the tuple the forward got: NumPy arrays are
    not tracked by Python's garbage collector, nor then is that tuple, so that a long graph
    costs the collector three objects per node (function, node, edges). One class with slots for every
    op: the engine's reads and writes of these fields are as cheap as Python's attributes get
    (an attribute of objects of many classes, such as the ops, costs three to four times that).
    """

    __slots__ = ("function", "inputs", "versions", "shape", "dtype", "out", "saved", "order",
                 "requires_grad", "__weakref__")  # requires_grad: always True (a leaf's is read alike)

    name = property(lambda self: type(self.function).__name__, doc="the op's class name")
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(np.prod(self.shape)))
    released = property(lambda self: self.saved is None, doc="True once a backward has run it")
    site = property(lambda self: self.function.site, doc="where the op was created (record_sites)")
    scope = property(lambda self: self.function.scope, doc="the name scopes it was recorded in")

    @property
    def output_name(self):
        """The name given to the output tensor (pictures show it)."""
        return self.function.output_name

    @output_name.setter
    def output_name(self, value):
        self.function = _private(self.function)
        self.function.output_name = value

    def backward_step(self, g, create_graph, release):
        """(input, its gradient) for each input, given `g` for the output: the vjp on the saved
        arrays (as Tensors linked into the graph under create_graph), NOT_SAVED for the rest.
        `release`: drop what only backward needs (release()) once the vjp has run."""
        saved, versions, inputs = self.saved, self.versions, self.inputs
        if saved is None or versions:
            self._check_usable()
        out = self.out
        if create_graph:
            out, saved = self._saved_as_tensors()
        function = self.function
        try:
            # most ops: a plain call (`*saved` makes a bound method, a list and then a tuple)
            n = len(saved)
            gxs = (function.vjp(g, out, saved[0]) if n == 1 else
                   function.vjp(g, out, saved[0], saved[1]) if n == 2 else
                   function.vjp(g, out, *saved))
        except (NotSavedError, TypeError, AttributeError) as e:
            if out is NOT_SAVED or any(a is NOT_SAVED for a in saved):
                raise NotSavedError(f"{self.name}.vjp used an array its op does not save "
                                    f"(saves = {function.saves!r}): {e}") from None
            raise
        if type(gxs) is not tuple or len(gxs) != n:  # (n: one saved entry per input)
            raise TypeError(f"{self.name}.vjp must return a tuple of {len(inputs)} gradients")
        if release:
            if versions or function.recorded is not None and function.kept:  # (shared: none)
                self.release()
            else:  # all that release() would do
                self.out = self.saved = None
        return zip(inputs, gxs)

    def _check_usable(self):
        """Refuse a node that an earlier backward released, or whose leaves were updated in
        place after it used them (its gradient would be computed from stale values)."""
        if self.saved is None:
            raise RuntimeError(
                "backward through a graph that an earlier backward already released; "
                "pass retain_graph=True to the first backward to go through it twice")
        for x, version in self.versions:
            if x._version != version:
                raise RuntimeError(
                    f"tensor {x.name or ''!r} of shape {x.shape}, an input of {self.name}, was "
                    "modified in place after the op used it: its gradient would be wrong; run "
                    "the forward again after the update")

    def _saved_as_tensors(self):
        """(output, inputs) for a vjp under create_graph: the saved arrays as Tensors linked to
        their nodes, so that the vjp is recorded; NOT_SAVED for what was not saved."""
        out = self.out if self.out is NOT_SAVED else Tensor._node(self.out, self)
        return out, tuple(a if a is NOT_SAVED else e if isinstance(e, Tensor) else
                          Tensor._node(a, e) for e, a in zip(self.inputs, self.saved))

    def release(self):
        """Drop what only backward needed (backward without retain_graph): the saved arrays, the
        `kept` ones, and the edges to leaves that need no gradient, which become descriptions of
        their shape, dtype and name. The structure stays, for pictures and messages."""
        self.out = self.saved = None
        for name in self.function.kept:
            setattr(self.function, name, None)
        if self.versions:  # some inputs are leaves
            self.versions = ()
            self.inputs = tuple(ReleasedLeaf(x) if isinstance(x, Tensor) and not x.requires_grad
                                and x.ndim else x for x in self.inputs)

    @property
    def saved_output(self):
        """The output array kept for the vjp; None when not saved, or released by backward."""
        out = self.out
        return None if out is None or out is NOT_SAVED else out

    @property
    def saved_inputs(self):
        """The input arrays kept for the vjp; None when not saved, or released by backward."""
        saved = self.saved
        return None if saved is None or saved[0] is NOT_SAVED else saved

    def __repr__(self):
        return repr(self.function)


def _record(function, data, inputs, arrays, extras):
    """The output Tensor of `function`, around `data`, and its node: edges to the inputs, the
    saved arrays (of `arrays`, the vjp's inputs), its order (and what `extras`, the debugging
    switches, add)."""
    shared = function.recorded is None  # (a shared instance runs again)
    if not shared:
        function.recorded = True
    node = _new(Node)
    if len(inputs) == 1:  # most ops: no loop
        x = inputs[0]
        if x._op is None:
            node.inputs = (x,)
            node.versions = ((x, x._version),)
        else:
            node.inputs = (x._op,)
            node.versions = ()
    elif len(inputs) == 2 and inputs[1]._version < 0 and not inputs[1].requires_grad:
        # `x * 0.9`: a shared number constant (version -1, as a detached tensor, which may
        # then be made to require grad: that one takes _link's path, and gets its gradient)
        x, c = inputs
        node.inputs = (x._op or x, c)
        node.versions = ((x, x._version),) if x._op is None else ()
        if shared:  # the instance with needs_input_grad (True, False): x is what requires it
            function = function._variants[_FIRST_ONLY]
        else:
            function.needs_input_grad = _FIRST_ONLY
    else:
        function = _link(node, function, inputs)
    node.function = function
    node.shape = data.shape
    node.dtype = data.dtype
    node.order = next(_CREATED)
    node.requires_grad = True
    saves_output, saves_inputs = function._saving
    node.out = data if saves_output else NOT_SAVED
    node.saved = arrays if saves_inputs else _UNSAVED[len(arrays)]
    if extras:
        _record_extras(node, arrays, data)
    t = _new(Tensor)  # Tensor._node(data, node), written out: a call is 1 % of an op
    t._data = data
    t._grad = None
    t.requires_grad = True
    t._name = None
    t._op = node
    t._version = 0
    return t


def _record_extras(node, arrays, data):
    """What keep_values, record_sites and name scopes add to a recorded op."""
    if _state.keep_values:
        node.out, node.saved = data, arrays
    if _state.scope or _state.sites:
        function = node.function = _private(node.function)
        if _state.scope:
            function.scope = _state.scope
        if _state.sites:
            function.site = user_site()


class _Unsaved(dict):
    """n -> (NOT_SAVED,) * n, made once for each number of inputs."""

    def __missing__(self, n):
        self[n] = unsaved = (NOT_SAVED,) * n
        return unsaved


_UNSAVED = _Unsaved()


def _link(node, function, inputs):
    """The edges and versions of a node of several inputs; returns `function` with its
    needs_input_grad."""
    edges, versions, needs = [], (), []
    for x in inputs:
        if x._op is None:  # a leaf: its own edge, and its version is checked in backward
            edges.append(x)
            if x._version >= 0:  # (a shared number constant, read-only, has version -1)
                versions += ((x, x._version),)
        else:
            edges.append(x._op)
        needs.append(x.requires_grad)
    node.inputs = tuple(edges)
    node.versions = versions
    return function if all(needs) else _needing(function, tuple(needs))


def shared(cls):
    """The instance of stateless op class `cls` that its function passes every call (see the
    module docstring): no __init__, nothing kept on self."""
    if cls.__init__ is not object.__init__ or cls.kept:
        raise TypeError(f"{cls.__name__} is not stateless (it has an __init__ or kept arrays): "
                        "create an instance per call")
    return _Variants(cls)[None]


class _Variants(dict):
    """needs_input_grad -> the shared instance of one op class with it, made on first use."""

    def __init__(self, cls):
        super().__init__()
        self.cls = cls

    def __missing__(self, needs):
        instance = self[needs] = self.cls()
        instance.recorded, instance.needs_input_grad, instance._variants = None, needs, self
        return instance


def _needing(function, needs):
    """`function` with needs_input_grad `needs`: set on an instance of one call; a shared
    instance is swapped for the shared instance with those needs."""
    if function.recorded is None:
        return function._variants[needs]
    function.needs_input_grad = needs
    return function


def _private(function):
    """`function` itself, or for a shared instance a copy that can take the attributes of one
    call (a site, a scope, a name)."""
    if function.recorded is not None:
        return function
    own = _new(type(function))
    own.__dict__.update(vars(function), recorded=True)
    del own._variants
    return own


class ReleasedLeaf(Tensor):
    """What a released node keeps of an input that needed no gradient (a data batch): its shape,
    dtype and name, without its values (a read-only view of one zero stands in for the array)."""

    __slots__ = ()

    def __init__(self, leaf):
        super().__init__(np.broadcast_to(np.zeros((), leaf.dtype), leaf.shape), name=leaf.name)
        self._version = -1  # no in-place updates

    @property
    def data(self):
        raise RuntimeError("this input's values were released by backward (only its shape, "
                           "dtype and name are kept); call backward(retain_graph=True) to keep them")


def _number(x, dtype):
    """(read-only constant Tensor, NumPy scalar) for the Python number x beside a tensor of
    `dtype`, made once and shared: `x * 0.9` allocates nothing, and its vjp multiplies by a
    NumPy scalar (on 0-d gradients NumPy's scalar math, ~10x faster than a 0-d array's ufunc)."""
    numbers = _NUMBERS[type(x)][dtype]  # types apart: 1 == 1.0 == 1 + 0j
    key = number_key(x)
    constant = numbers.get(key)
    if constant is None:
        if len(numbers) > 4096:
            numbers.clear()
        # NumPy's rule for a Python number beside an array: the array's dtype where it can hold
        # it (uint8 + 10 stays uint8, + 300 overflows; float32 * 1j is complex64), else NumPy's
        # default of its kind (int8 * 2.5 is float64)
        a = np.array(np.result_type(dtype, x).type(x))
        a.flags.writeable = False
        t = Tensor._wrap(a)
        t._version = -1  # never updated: backward need not check it
        constant = numbers[key] = (t, a[()])
    return constant


def number_key(x):
    """A number as a cache key: 0.0 == -0.0 and 1 + 0j == 1 - 0j (and hash alike), yet x * -0.0
    is -0.0 for x > 0 (1 / it: -inf), so zeros and complex numbers are keyed by their repr."""
    return x if x and type(x) is not complex and not isinstance(x, np.complexfloating) else repr(x)


def _unaliased(view, inputs):
    """An unrecorded op's output that is a view: copied if it may share memory with a leaf that
    can be updated in place (w.T of a w that needs no grad), whose update would otherwise change
    what a graph built on the view saved. (Recorded views are safe: their node checks the
    leaf's version in backward.) Views of op outputs, which never change, are kept."""
    for x in inputs:
        if isinstance(x, Tensor) and x._op is None and x._version >= 0 \
                and np.may_share_memory(view, x._data):
            return view.copy(order="K")  # the view's layout: later results do not change
    return view


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
