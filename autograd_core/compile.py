"""ag.compile: run a function of Tensors once eagerly while recording what it computes, then
replay that as straight-line NumPy code on new arrays: no Tensors, nodes or heap per op.

    @ag.compile
    def step(X, y):
        model.zero_grad()
        loss = nn.cross_entropy(model(X), y)
        loss.backward()
        return loss

The first call for a signature (the shapes, dtypes and memory layouts of the Tensor and ndarray
arguments, the values of the others, grad mode) runs `fn` eagerly and records each op's
forward, the backward walk (each vjp, each broadcast undone, each gradient sum, in the walk's
order) and the `.grad` writes. Later calls run the recorded program: the same NumPy calls in
the same order, so results equal eager execution bit for bit. Where an op declares what its
forward or vjp does (the op contract, autograd_core.function: one ufunc, or only ufunc calls,
products, reductions and views), the program makes those NumPy calls itself, line by line,
ufunc calls writing into buffers the program allocated at trace time and reuses once nothing
reads them (`Trace._buffered`); a vjp that computes nothing the program reads (a gradient
passed through, as Add's) is not called. Other ops' forward and vjp are called as they are.
It reads the new arguments and the *current* arrays of every other leaf (parameters updated
in place between calls are seen), and accumulates `.grad` with eager semantics (set when
None, added otherwise). It returns Tensors holding the new values, without a graph.

Captured: ops on Tensors (forward under grad mode or no_grad), `backward()`, `.grad = None`
(zero_grad). Not captured, so the trace stops and the call goes on eagerly, with a warning naming
the line, and that signature stays eager: reading values in Python (`bool(t)`, `float(t)`,
`t.item()`, `t > 0`, `np.asarray(t)`), in-place updates (an optimizer's step: call it outside),
`backward(create_graph=True)`, `ag.grad`, reading `t.data`, and an op given a NumPy array of more
than one element that is not an argument (a dropout mask made with NumPy: it may differ at each
call; pass such arrays as arguments, or as Tensors, which are read at each call). Python numbers
in expressions are constants of the program. Anomaly mode, record_sites and keep_values run `fn`
eagerly. Threads may share a compiled function: its replays run one at a time.
"""

import collections
import functools
import operator
import re
import sys
import threading
import warnings

import numpy as np

from autograd_core import backprop
from autograd_core.function import _PACKAGE_DIR, NOT_SAVED, number_key, user_site
from autograd_core.grad_mode import state as _state
from autograd_core.shapes import ones_vector, sum_to_shape
from autograd_core.tensor import Tensor

_EAGER = object()  # the cache's entry for a signature that cannot be traced


class CompileWarning(UserWarning):
    """A traced function did something compile cannot capture, or baked in a constant."""


def compile(fn=None, *, cache_size=8):  # noqa: A001 (as torch.compile)
    """Trace `fn` on its first call per signature and replay it afterwards (see the module
    docstring). Usable as `@ag.compile` or `ag.compile(fn, cache_size=...)`."""
    if fn is None:
        return functools.partial(compile, cache_size=cache_size)
    return Compiled(fn, cache_size)


class Compiled:
    """A compiled function: `fn` with a bounded cache of programs, one per signature."""

    def __init__(self, fn, cache_size):
        self.fn, self.cache_size = fn, int(cache_size)
        self.programs = collections.OrderedDict()
        self.lock = threading.Lock()  # a program's ops keep per-call state: one replay at a time
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        if _state.anomaly or _state.sites or _state.keep_values or _state.tracer is not None:
            return self.fn(*args, **kwargs)
        flat = list(args) + [kwargs[k] for k in sorted(kwargs)]
        key = (_state.enabled, tuple(sorted(kwargs)), tuple(_signature(a) for a in flat))
        program = self.programs.get(key)
        if program is _EAGER:
            return self.fn(*args, **kwargs)
        if program is not None and program.fits():
            self.programs.move_to_end(key)
            with self.lock:
                return program.run(flat)
        return self._trace(key, flat, args, kwargs)

    def _trace(self, key, flat, args, kwargs):
        trace = Trace(flat)
        _state.set("tracer", trace)
        try:
            result = self.fn(*args, **kwargs)
        finally:
            _state.set("tracer", None)
        self.programs[key] = _EAGER if trace.abandoned else trace.program(result)
        while len(self.programs) > self.cache_size:
            self.programs.popitem(last=False)
        return result


def _signature(value):
    """What a program depends on in an argument: shape, dtype and memory layout (strides) of
    arrays, else the value. The layout decides that of elementwise results (NumPy's order K),
    which the program's buffers keep, and with it the order of a reduction over them."""
    if isinstance(value, Tensor):
        return ("Tensor", value.shape, value.dtype.str, value._data.strides, value.requires_grad)
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape, value.dtype.str, value.strides)
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"compile: an argument of type {type(value).__name__} is neither an "
                        "array nor hashable; pass arrays, Tensors, numbers or tuples") from None
    return ("value", type(value), _value_key(value))


def _value_key(value):
    """`value` as a cache key (function.number_key: signed zeros apart), tuples item by item."""
    if isinstance(value, tuple):
        return tuple(_value_key(v) for v in value)
    return number_key(value) if isinstance(value, (float, complex, np.inexact)) else value


class Trace:
    """What one call did, as statements on variables: each array the call made or read while
    tracing is kept alive (so that its id names it) and gets a variable of the program. Once
    abandoned, it ignores what it is told."""

    def __init__(self, flat):
        self.names, self.arrays = {}, []  # id(array) -> variable; the arrays, kept alive
        self.env = {"NOT_SAVED": NOT_SAVED, "asarray": np.asarray,
                    "float64": np.float64,
                    "ones": np.ones, "fit": backprop._fit, "accumulate": backprop.accumulate}
        self.lines, self.leaves, self.ops = [], [], []
        self.into = {}  # line -> (the variable a ufunc line computes, the ufunc): out= a buffer
        self.buffers = []  # the arrays the program writes into (program(): _buffered)
        self.released = {}  # id(op) -> (the line of its last vjp, op): its `kept` are dropped there
        self.owners = {}  # id(an array owning memory) -> the array the program knows (_capture)
        self.args = {id(t): i for i, t in enumerate(flat) if isinstance(t, Tensor)}
        self.arguments = {}  # id(argument array) -> "arrays[i]"
        self.created = set()  # ids of the Tensors made during the call (Tensor.__init__)
        self.abandoned = None
        for i, a in enumerate(flat):
            array = a._data if isinstance(a, Tensor) else a
            if isinstance(array, np.ndarray):
                self.arguments[id(array)] = f"arrays[{i}]"
                self._bind(array, f"arrays[{i}]")

    # --- variables ------------------------------------------------------------------------
    def _bind(self, array, expression):
        """A new variable holding `array`, computed by `expression` in the program."""
        name = f"v{len(self.arrays)}"
        self.names[id(array)] = name
        self.arrays.append(array)
        self.lines.append(f"{name} = {expression}")
        return name

    def _object(self, obj, prefix):
        name = f"{prefix}{len(self.env)}"
        self.env[name] = obj
        return name

    def _tensor(self, t):
        """The program's name for Tensor `t`: the argument it is, or a leaf kept by the program."""
        if id(t) in self.args:
            return f"tensors[{self.args[id(t)]}]"
        self.leaves.append((t, t.shape, t.dtype, t._data.strides, t.requires_grad))
        return self._object(t, "leaf")

    def _name(self, array):
        """The variable of an array the program computed or read, or of a NumPy scalar (a
        number as a vjp gets it: a constant); an unknown array: abandon."""
        name = self.names.get(id(array))
        if name is None and isinstance(array, np.generic):
            return self._bind(array, self._object(array, "c"))
        if name is None:
            self.abandon("an array from outside the function (a graph recorded before the call)")
            return "?"
        return name

    def _input(self, x, given):
        """The variable of input Tensor `x` of an op (`given`: what the caller passed for it)."""
        name = self.names.get(id(x._data))
        if name is not None:
            return name
        if x._op is not None:
            return self._name(x._data)  # made by an op traced before: unknown, abandons
        if isinstance(given, np.ndarray):
            if id(given) in self.arguments:  # an argument, taking the dtype of the other input
                return self._bind(x._data, f"{self.arguments[id(given)]}.astype('{x.dtype.str}')")
            if given.size > 1:  # made by NumPy (a random mask?): it could differ at each call
                self.abandon(f"an array of shape {given.shape} made outside the engine (pass it "
                             "as an argument, or as a Tensor)")
                return "?"
        if id(x) in self.created:  # ag.Tensor(array) inside the function: its values may differ
            self.abandon(f"a Tensor of shape {x.shape} made inside the function from an array "
                         "that is not an argument (pass the array as an argument)")
            return "?"
        # a leaf made before the call (a parameter) or an engine constant: its data at each call
        return self._bind(x._data, f"{self._tensor(x)}._data")

    # --- what the engine reports while tracing --------------------------------------------
    def forward(self, op, given, inputs, arrays, data):
        """An op ran: its forward becomes a statement on its inputs' variables."""
        if self.abandoned:
            return
        names = []
        for x, g, a in zip(inputs, given, arrays):
            if isinstance(a, np.generic):  # a number, as its op gets it: a constant of the program
                names.append(self.names.get(id(a)) or self._bind(a, self._object(a, "c")))
                continue
            name = self._input(x, g)
            if a is not x._data:  # a real-valued op takes integers as float64
                name = self._bind(a, f"{name}.astype(float64)")
            names.append(name)
        if not (_declared(type(op), "forward", "forward_ufuncs")
                and self._captured_forward(op, arrays, data)):  # else its calls, as lines
            self._forward_call(op, names, data)
        arrays_on_op = {key: value for key, value in vars(op).items()
                        if key in op.kept or _holds_array(value)}
        self.ops.append((op, arrays_on_op))  # what backward's release() may drop, as it is now

    def _forward_call(self, op, names, data):
        """The forward as one statement: its ufunc where it declares one, else itself."""
        ufunc = _declared(type(op), "forward", "ufunc")
        if ufunc is not None and type(data) is np.ndarray and data.base is None:
            # the op's forward is ufunc(*arrays, *ufunc_args) (the op contract): called directly,
            # into a buffer of the program where one is free (program() decides, _buffered)
            args = [*names, *(self._object(c, "c") for c in getattr(op, "ufunc_args", ()))]
            self._bind(data, f"{self._object(ufunc, 'u')}({', '.join(args)})")
            self.into[len(self.lines) - 1] = (self.names[id(data)], ufunc)
        else:
            call = f"{self._object(op.forward, 'f')}({', '.join(names)})"
            self._bind(data, f"asarray({call})" if data.ndim == 0 else call)

    def _captured_forward(self, op, arrays, data):
        """The forward's NumPy calls as lines of the program (`_capture`), or False."""
        return _keeping_attributes(op, self._capture, lambda *a: (op.forward(*a),),
                                   list(arrays), [data])

    def backward(self, t, seed, create_graph):
        """backward() starts: the seed becomes a variable; returns self, told each step after."""
        if create_graph:
            self.abandon("backward(create_graph=True)")
        if self.abandoned:
            return None
        if id(seed) not in self.names:
            implicit = seed.size == 1 and seed.item() == 1
            self._bind(seed, f"ones({seed.shape}, '{seed.dtype.str}')" if implicit
                       else self._object(seed, "seed"))
        return self

    def vjp(self, node, g, gxs):
        """A node's vjp ran on its saved arrays: its ufunc calls, where its op declares that they
        are all it does (_captured), else one statement calling it; its gradients, variables."""
        if self.abandoned:
            return
        if not (_declared(type(node.function), "vjp", "vjp_ufuncs")
                and self._captured(node, g, gxs)):
            self._vjp_call(node, g, gxs)
        if node.function.kept:  # dropped after its last vjp: program()
            self.released[id(node)] = (len(self.lines) - 1, node.function)

    def _vjp_call(self, node, g, gxs):
        """The vjp as one statement of the program."""
        out = "NOT_SAVED" if node.saved_output is None else self._name(node.saved_output)
        ins = (["NOT_SAVED"] * len(node.inputs) if node.saved_inputs is None
               else [self._name(a) for a in node.saved_inputs])
        call = f"{self._object(node.function.vjp, 'b')}({', '.join([self._name(g), out, *ins])})"
        targets = []
        for gx in gxs:
            if gx is None or id(gx) in self.names:  # no gradient, or one the program has
                targets.append("_")
            else:
                targets.append(f"v{len(self.arrays)}")
                self.names[id(gx)] = targets[-1]
                self.arrays.append(gx)
        if any(t != "_" for t in targets):  # else it computes nothing the program reads
            self.lines.append(f"{', '.join(targets)}, = {call}")

    def _captured(self, node, g, gxs):
        """The vjp's NumPy calls as lines of the program (`_capture`), or False."""
        out = NOT_SAVED if node.saved_output is None else node.saved_output
        args = [g, out, *(node.saved_inputs or [NOT_SAVED] * len(node.inputs))]
        return _keeping_attributes(node.function, self._capture, node.function.vjp, args, gxs)

    def _capture(self, fn, args, expected):
        """Run `fn(*args)` again on arrays that report what is done with them (_Reporting), and
        make each ufunc call, reduction and view a line of the program (ufunc calls written into
        buffers as forward's are). Only for arrays of one dimension or more (on 0-d ones NumPy
        does scalar math) and only where the lines give every result bit for bit as `expected`
        (what fn's own run returned): else False, and nothing is added."""
        if type(args[0]) is not np.ndarray or args[0].ndim == 0 or not all(
                a is NOT_SAVED or type(a) is np.ndarray for a in args):
            return False
        calls = _Calls([a for a in args if a is not NOT_SAVED])
        traced = [a if a is NOT_SAVED else calls.reporting(a) for a in args]
        try:
            results = fn(*traced)
        except Exception:  # noqa: BLE001 (_NotCaptured, or whatever a reporting array led to:
            return False  # the call replays whole, as it ran)
        ends = ([calls.end(r, e) for r, e in zip(results, expected)]
                if type(results) is tuple and len(results) == len(expected) else [False])
        calls.views.clear()  # (each view refers to calls: no cycle left for the collector)
        if any(end is False for end in ends):
            return False
        names = [self._name(a) for a in calls.arguments]  # then each call's result's
        for how, operands, result in calls.made:
            names.append(self._bind(result, self._call_line(how, operands, names)))
            if not isinstance(how, tuple):  # a ufunc call: into a buffer (elementwise: in place)
                self.into[len(self.lines) - 1] = (names[-1], how)
        for end, e in zip(ends, expected):  # each result: the variable of the line that made it
            if end is not None:  # (its array now fn's own, the other's id forgotten, so that no
                i = int(names[end][1:])  # later array is taken for it; a view's owner stands
                made = self.arrays[i]  # for the owner of fn's own: they share memory alike)
                self.names.pop(id(made), None)
                self.names[id(e)], self.arrays[i] = names[end], e
                if made.base is not None:  # (made may view an array given to fn: its owner
                    self.owners[id(_root(e))] = self._owner(made)  # is the program's already)
        return True

    def _owner(self, a):
        """The array owning `a`'s memory, as the program knows it (see `owners`)."""
        r = _root(a)
        return self.owners.get(id(r), r)

    def _call_line(self, how, operands, names):
        """The expression of a captured call: a ufunc's, a reduction's or a view's."""
        parts = [names[o] if type(o) is int else self._object(o[0], "c") for o in operands]
        if not isinstance(how, tuple):
            return f"{self._object(how, 'u')}({', '.join(parts)})"
        kind, what, arguments = how  # ("reduce", ufunc, keywords) or ("view", method, arguments)
        if kind == "reduce":
            keywords = "".join(f", {k}={v!r}" for k, v in arguments.items())
            return f"{self._object(what.reduce, 'r')}({parts[0]}{keywords})"
        return f"{parts[0]}.T" if what == "T" else f"{parts[0]}.{what}{arguments!r}"

    def backward_step(self, fn, args, result):
        """A gradient summed down to its input's shape (fit), or two gradients added."""
        if self.abandoned:
            return
        if fn is np.add and type(result) is np.ndarray and result.ndim:  # a ufunc line: buffered
            self._bind(result, f"{self._object(np.add, 'u')}({self._name(args[0])}, "
                               f"{self._name(args[1])})")
            self.into[len(self.lines) - 1] = (self.names[id(result)], np.add)
        elif fn is np.add:
            self._bind(result, f"{self._name(args[0])} + {self._name(args[1])}")
        else:
            gx, x, node = args
            if gx.dtype == result.dtype and self._capture(
                    lambda g: (sum_to_shape(g, x.shape),), [gx], [result]):
                return  # its calls (shapes.sum_to_shape's), as lines
            self._bind(result, f"fit({self._name(gx)}, {self._object(x, 'e')}, "
                               f"{self._object(node, 'n')})")

    def leaf_grads(self, leaves, gradients, seed):
        """backward() ends: the gradients go into the leaves' .grad, as eager backward does."""
        if self.abandoned:
            return
        names = ", ".join(self._tensor(x) for x in leaves)
        grads = ", ".join(self._name(g) for g in gradients)
        self.lines.append(f"accumulate([{names}], [{grads}], [{self._name(seed)}])")

    def on_grad_write(self, t, value):
        if value is not None:
            self.abandon("setting .grad to a value")
        elif not self.abandoned:
            self.lines.append(f"{self._tensor(t)}._grad = None")

    def on_value_read(self, what):
        self.abandon(f"reading tensor values ({what})")

    def abandon(self, what):
        """Stop tracing: the call goes on eagerly, and so will later calls of this signature."""
        if self.abandoned is None:
            self.abandoned = what
            _state.set("tracer", None)
            warnings.warn(f"compile: {what} at {user_site()} is not captured: this call and later "
                          "ones with these argument shapes run eagerly", CompileWarning,
                          stacklevel=_user_stacklevel())

    # --- the program ------------------------------------------------------------------------
    def program(self, result):
        """The replayable Program for this trace, returning arrays shaped like `result`."""
        outputs = _outputs(result, self._output)
        if self.abandoned:
            return _EAGER
        body = self._buffered(self.lines + [f"return {outputs}"])
        for i, op in sorted(self.released.values(), key=lambda r: r[0], reverse=True):
            name = self._object(op, "op")  # what release() drops after the last vjp of the op
            body[i + 1:i + 1] = [f"{name}.{key} = None" for key in op.kept]  # (restored first)
        lines = ["if arrays is None:", "    return None  # (warming up: _warmed)",
                 *self._rebound_op_arguments(), *_freeing(body)]
        source = "def program(arrays, tensors):\n" + "".join(f"    {line}\n" for line in lines)
        namespace = dict(self.env)
        exec(source, namespace)  # noqa: S102 (generated from names this module made)
        return Program(_warmed(namespace["program"]), source, self.leaves, result, self.buffers)

    def _buffered(self, lines):
        """`lines` with each ufunc line writing its result into a buffer of the program (out=),
        allocated here once and written at every call. A buffer is shared by results of one
        shape and dtype whose memory is never read at the same time: it is reused once nothing
        reads it any more (the result and every view of it, `_root`), or in place by an
        elementwise ufunc reading it for the last time. Results that leave the program (returned,
        handed to `.grad`) or that an op keeps on itself stay fresh arrays. A new buffer is held
        for the whole call, where eager execution frees the array when it is no longer read: it
        is only added where that does not raise the bytes the call holds at its peak (`live`)."""
        roots = {f"v{i}": self._owner(a) for i, a in enumerate(self.arrays)}
        first, last, size, escaping = {}, {}, {}, set()
        for i, line in enumerate(lines):
            used = _VARIABLE.findall(line)
            for name in used:
                r = id(roots[name])
                first.setdefault(r, i)
                last[r] = i
                size[r] = getattr(roots[name], "nbytes", 0)
            if line.startswith(("return ", "accumulate(")):
                escaping.update(id(roots[name]) for name in used)
        for _, arrays in self.ops:
            for value in arrays.values():
                for a in value if isinstance(value, tuple) else (value,):
                    if isinstance(a, np.ndarray):
                        escaping.add(id(self._owner(a)))
        live = np.zeros(len(lines) + 1, np.int64)  # bytes held at each line without buffers
        for r, i in first.items():
            live[i] += size[r]
            live[last[r] + 1] -= size[r]
        live = np.cumsum(live)[:len(lines)]
        headroom = _Headroom(live.max() - live)  # what a buffer held throughout may add per line
        free = collections.defaultdict(list)  # (shape, dtype) -> buffers nothing reads now
        busy = collections.defaultdict(dict)  # line -> {root: (key, buffer)} free after that line
        uses = collections.defaultdict(list)  # buffer -> (line, its text without out=, span)
        for i, line in enumerate(lines):
            for key, buffer in busy.pop(i - 1, {}).values():
                free[key].append(buffer)
            if i not in self.into:
                continue
            name, ufunc = self.into[i]
            array, r = self.arrays[int(name[1:])], id(roots[name])
            if r in escaping:
                continue
            key = (array.shape, array.dtype.str, array.strides)  # the layout eager's would have
            buffer = free[key].pop() if free[key] else None
            if buffer is None and ufunc.signature is None:  # elementwise: into an input read last
                for arg in _VARIABLE.findall(line.partition(" = ")[2]):
                    a, held = self.arrays[int(arg[1:])], busy[i].get(id(roots[arg]))
                    if held is not None and held[0] == key and a is roots[arg]:
                        buffer = busy[i].pop(id(roots[arg]))[1]
                        break
            if buffer is None:
                buffer = np.empty_like(array)  # its layout too (a product of transposes: F)
            busy[last[r]][r] = (key, buffer)
            uses[id(buffer)].append((i, buffer, slice(first[r], last[r] + 1)))
        lines, written = list(lines), set()
        for spans in uses.values():  # held throughout: where it replaces no array, it adds
            buffer = spans[0][1]
            outside = _complement([span for _, _, span in spans], len(lines))
            if any(headroom.min(lo, hi) < buffer.nbytes for lo, hi in outside):
                continue  # fresh arrays, freed when no longer read, as eager execution does
            for lo, hi in outside:
                headroom.add(lo, hi, -buffer.nbytes)
            self.buffers.append(buffer)
            name = self._object(buffer, "buffer")
            for i, _, _ in spans:  # out given by position: 0.2 us less than by keyword
                out = f"out={name}" if self.into[i][1] in _OUT_BY_KEYWORD else name
                lines[i] = f"{lines[i][:-1]}, {out})"
                written.add(i)
        for i, (name, ufunc) in self.into.items():
            array = self.arrays[int(name[1:])]
            if i in written:
                continue
            if array.ndim == 0:
                lines[i] = lines[i].replace(" = ", " = asarray(", 1) + ")"  # not a NumPy scalar
            elif ufunc.signature is None and array.flags.f_contiguous \
                    and not array.flags.c_contiguous:
                lines[i] = f"{lines[i][:-1]}, order='F')"  # as eager's (Add's column-major sum)
        return lines

    def _output(self, t):
        if not isinstance(t, Tensor):
            raise TypeError(f"compile: the function returned a {type(t).__name__}; return "
                            "Tensors (or tuples, lists or dicts of them), or None")
        if id(t._data) not in self.names:
            self._bind(t._data, f"{self._tensor(t)}._data")
        return self.names[id(t._data)]

    def _rebound_op_arguments(self):
        """Statements giving ops, first thing, the arrays they hold as attributes: this call's
        arguments where the trace's were (cross_entropy's labels, an index), and what backward
        released (`kept`) back as it was traced."""
        lines = []
        for op, arrays in self.ops:
            for key, value in arrays.items():
                expression = self._argument_expression(value)
                if expression is None and key in op.kept:
                    expression = self._object(value, "k")
                if expression is not None:
                    lines.append(f"{self._object(op, 'op')}.{key} = {expression}")
        return lines

    def _argument_expression(self, value):
        """`value` rebuilt from this call's arguments, if it is or holds one (else None)."""
        if isinstance(value, np.ndarray):
            return self.arguments.get(id(value))
        if isinstance(value, tuple) and any(isinstance(v, np.ndarray) and id(v) in self.arguments
                                            for v in value):
            parts = [self._argument_expression(v) or self._object(v, "k") for v in value]
            return "(" + "".join(p + ", " for p in parts) + ")"
        return None


def _keeping_attributes(op, capture, *args):
    """capture(*args), with what the op's code sets on the op meanwhile set back (a capture
    runs it on reporting arrays, which must not stay on the op for its later calls)."""
    attributes = dict(vars(op))
    try:
        return capture(*args)
    finally:
        vars(op).clear()
        vars(op).update(attributes)


def _warmed(program):
    """`program`, called empty-handed until CPython (3.11 and later) has specialised its
    bytecode, as it does to a function after a few calls: else the first replays run each line
    twice as slowly, ~0.5 us more per NumPy call (a chain of small ops: 1.5 against 0.8 us/op)."""
    for _ in range(_WARMUP_CALLS):
        program(None, None)
    return program


_WARMUP_CALLS = 10  # CPython 3.11 specialises a function at its 8th call


def _freeing(lines):
    """`lines` with `del` after the last use of each variable, so that a replay holds no more
    arrays at once than eager execution does (which frees them as the walk goes)."""
    last = {}
    for i, line in enumerate(lines):
        for name in _VARIABLE.findall(line.partition(" = ")[2] if " = " in line else line):
            last[name] = i
    done_after = collections.defaultdict(list)
    for name, i in last.items():
        done_after[i].append(name)
    freed = []
    for i, line in enumerate(lines):
        freed.append(line)
        if done_after[i] and i < len(lines) - 1:
            freed.append("del " + ", ".join(sorted(done_after[i])))
    return freed


_VARIABLE = re.compile(r"\bv\d+\b")
_OUT_BY_KEYWORD = {np.maximum, np.minimum}  # a third positional argument: deprecated (NumPy 2.4)


@functools.lru_cache(maxsize=None)
def _declared(cls, method, declaration):
    """What an op class declares about its `method` (the op contract: `ufunc` for forward,
    `vjp_ufuncs` for vjp), or None. Only a declaration beside the method it describes counts:
    a subclass that overrides the method does not inherit its parent's."""
    for klass in cls.__mro__:
        if method in vars(klass):
            return vars(klass).get(declaration)
    return None


class _NotCaptured(Exception):
    """A vjp being captured did something other than ufunc calls (Trace._captured)."""


class _Calls:
    """What one function run on _Reporting arrays did with them. Operands are numbered: its
    array arguments first, then each result; `made` holds (how, operands, result), `how` being
    a ufunc (called), ("reduce", ufunc, keywords) or ("view", method, its arguments), and an
    operand such a number or (a constant: a Python number of the code, or shapes' ones,)."""

    def __init__(self, arguments):
        self.arguments = arguments  # the arrays the function was given (NOT_SAVED left out)
        self.number = {}  # id(reporting view) -> its operand number
        self.views = []  # the reporting views, kept alive while their ids number them
        self.made = []

    def reporting(self, array):
        """`array` as a _Reporting view, numbered next."""
        view = array.view(_Reporting)
        view.calls = self
        self.number[id(view)] = len(self.views)
        self.views.append(view)
        return view

    def call(self, ufunc, method, inputs, kwargs):
        """A ufunc called (matmul too) or reducing (`x.sum(axis, keepdims)`): made here, on
        the plain arrays, and noted."""
        if ufunc.nout != 1 or not (
                (method == "__call__" and not kwargs)
                or (method == "reduce" and kwargs.get("dtype") is None
                    and kwargs.get("where", True) is True
                    and set(kwargs) <= {"axis", "dtype", "keepdims", "where"})):
            raise _NotCaptured  # out=, where=, initial=, accumulate, ...: not captured
        operands, values = [], []
        for a in inputs:
            if isinstance(a, _Reporting) and id(a) in self.number:
                operands.append(self.number[id(a)])
                values.append(a.view(np.ndarray))
            elif type(a) in (int, float, bool, complex) or _is_ones(a):  # a constant
                operands.append((a,))  # (apart from the operand numbers)
                values.append(a)
            else:
                raise _NotCaptured  # an array from elsewhere (an op's attribute)
        if method == "reduce":
            keywords = {"axis": kwargs.get("axis"), "keepdims": kwargs.get("keepdims", False)}
            result, how = ufunc.reduce(*values, **keywords), ("reduce", ufunc, keywords)
        else:
            result, how = ufunc(*values), ufunc
        return self._made(how, operands, result)

    def view(self, array, method, arguments):
        """A view (.T, transpose, swapaxes, reshape) of a reporting array, noted."""
        result = getattr(array.view(np.ndarray), method)
        result = result(*arguments) if method != "T" else result
        return self._made(("view", method, arguments), [self.number[id(array)]], result)

    def _made(self, how, operands, result):
        if type(result) is not np.ndarray:  # a NumPy scalar (0-d operands only)
            raise _NotCaptured
        self.made.append((how, operands, result))
        return self.reporting(result)

    def end(self, result, expected):
        """The operand number of a result the function returned; None for no result or for an
        argument passed through; False where it is not what the function's own run returned."""
        if result is None or expected is None:
            return None if result is expected else False
        k = self.number.get(id(result)) if isinstance(result, _Reporting) else None
        if k is None:
            return False
        if k < len(self.arguments):  # passed through: the own run handed out that very array
            return None if expected is self.arguments[k] else False
        made = self.made[k - len(self.arguments)][2]
        e = expected
        same = (type(e) is np.ndarray and e.shape == made.shape and e.dtype == made.dtype
                and e.strides == made.strides and (e.base is None) == (made.base is None)
                and e.tobytes() == made.tobytes())
        return k if same else False


def _is_ones(a):
    """True for shapes' cached read-only vector of ones (sum_to_shape's column sums)."""
    return (type(a) is np.ndarray and a.ndim == 1 and not a.flags.writeable
            and a is ones_vector(len(a), a.dtype))


class _Reporting(np.ndarray):
    """An array under capture: its ufunc calls, reductions and views (.T, transpose, swapaxes,
    reshape) go to `calls`; anything else that makes an array from it or reads its values (a
    method, a NumPy function, an element) stops the capture, so that no value-dependent
    branch is baked into the program."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return self.calls.call(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        raise _NotCaptured

    def __array_finalize__(self, obj):
        if isinstance(obj, _Reporting):
            raise _NotCaptured

    @property
    def T(self):  # noqa: N802 (NumPy's name)
        return self.calls.view(self, "T", ())

    def transpose(self, *axes):
        return self.calls.view(self, "transpose", _plain(axes))

    def swapaxes(self, axis1, axis2):
        return self.calls.view(self, "swapaxes", _plain((axis1, axis2)))

    def reshape(self, *shape, **kwargs):
        if kwargs:
            raise _NotCaptured
        return self.calls.view(self, "reshape", _plain(shape))

    def _refuse(self, *args, **kwargs):
        raise _NotCaptured

    __getitem__ = __setitem__ = __float__ = __int__ = __complex__ = __index__ = _refuse
    __bool__ = __iter__ = __array__ = item = tolist = tobytes = _refuse
    fill = sort = partition = put = resize = byteswap = setfield = _refuse  # (in place: on the
    # eager arrays themselves, which a capture only views)


def _plain(arguments):
    """The arguments of a view as Python ints and tuples of them (they become code: repr)."""
    try:
        return tuple(tuple(map(operator.index, x)) if isinstance(x, (tuple, list))
                     else operator.index(x) for x in arguments)
    except TypeError:
        raise _NotCaptured from None


def _complement(spans, n):
    """The ranges (lo, hi) of range(n) that no slice in `spans` covers."""
    gaps, start = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > start:
            gaps.append((start, span.start))
        start = max(start, span.stop)
    if start < n:
        gaps.append((start, n))
    return gaps


class _Headroom:
    """An array of integers with the minimum over a range and an addition to a range, each in
    about sqrt(n) steps (blocks with a pending addition each): choosing a program's buffers
    stays near linear in its length instead of a pass over every line per buffer."""

    def __init__(self, values, block=512):
        self.block = block
        padded = np.full(-(-len(values) // block) * block or block, np.iinfo(np.int64).max // 2)
        padded[:len(values)] = values
        self.values = padded.reshape(-1, block)
        self.pending = np.zeros(len(self.values), np.int64)
        self.mins = self.values.min(axis=1)

    def _pieces(self, lo, hi):
        """(block, start, stop) of the partly covered blocks, and the range of whole blocks."""
        first, last = lo // self.block, (hi - 1) // self.block
        if first == last:
            return [(first, lo % self.block, (hi - 1) % self.block + 1)], (0, 0)
        return ([(first, lo % self.block, self.block), (last, 0, (hi - 1) % self.block + 1)],
                (first + 1, last))

    def min(self, lo, hi):
        parts, (a, b) = self._pieces(lo, hi)
        found = [self.values[k, i:j].min() + self.pending[k] for k, i, j in parts]
        if b > a:
            found.append((self.mins[a:b] + self.pending[a:b]).min())
        return min(found)

    def add(self, lo, hi, x):
        parts, (a, b) = self._pieces(lo, hi)
        for k, i, j in parts:
            self.values[k, i:j] += x
            self.mins[k] = self.values[k].min()
        self.pending[a:b] += x


def _root(a):
    """The array that owns `a`'s memory (a itself, or the base of a view)."""
    while isinstance(getattr(a, "base", None), np.ndarray):
        a = a.base
    return a


def _user_stacklevel():
    """The stacklevel of warnings.warn that points at the innermost frame outside autograd_core."""
    level, frame = 2, sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _holds_array(value):
    return isinstance(value, np.ndarray) or (
        isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value))


def _outputs(result, name):
    """The program's return expression for `result` (Tensors, possibly nested in containers)."""
    if result is None:
        return "None"
    if isinstance(result, (tuple, list)):
        return "(" + "".join(_outputs(r, name) + ", " for r in result) + ")"
    if isinstance(result, dict):
        return "{" + ", ".join(f"{k!r}: {_outputs(v, name)}" for k, v in result.items()) + "}"
    return name(result)


class Program:
    """A traced call, replayable: `run(flat arguments)` returns what the function returned."""

    def __init__(self, code, source, leaves, result, buffers=()):
        self.code, self.source, self.leaves = code, source, leaves
        self.buffers = list(buffers)  # the arrays its ufunc lines write (out=), held between calls
        self.buffer_bytes = sum(b.nbytes for b in self.buffers)
        self.shape_of_result = _structure(result)

    def fits(self):
        """True while every leaf the program reads still has the traced shape, dtype, layout
        and requires_grad (a replaced parameter makes the function trace again)."""
        return all(t.shape == shape and t.dtype == dtype and t._data.strides == strides
                   and t.requires_grad == rg for t, shape, dtype, strides, rg in self.leaves)

    def run(self, flat):
        arrays = [a._data if isinstance(a, Tensor) else a for a in flat]
        return _rebuild(self.shape_of_result, self.code(arrays, flat))


def _structure(result):
    if isinstance(result, (tuple, list)):
        return type(result), [_structure(r) for r in result]
    if isinstance(result, dict):
        return dict, {k: _structure(v) for k, v in result.items()}
    return None if result is None else Tensor


def _rebuild(structure, values):
    if structure is None:
        return None
    if structure is Tensor:
        return Tensor._wrap(values)
    kind, parts = structure
    if kind is dict:
        return {k: _rebuild(parts[k], values[k]) for k in parts}
    return kind(_rebuild(p, v) for p, v in zip(parts, values))
