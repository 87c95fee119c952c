"""PyTorch as the oracle: every op as a `Spec` whose argument forms are generated, not listed.

A Spec pairs our function with PyTorch's and says how to draw its inputs: the shapes (0-d and
empty included, broadcastable pairs and triples), the values (a domain; "ties" draws from a few
values, so maxima, kinks and clip bounds are hit exactly) and the keyword arguments (`forms`:
axes as None, ints, negatives, NumPy integers and tuples; keepdims; indices with repeats; ...).
tests/autograd_core/test_oracle.py compares values, gradients and second derivatives of every
Spec with PyTorch in float64, and random compositions of them. To add an op: add a Spec to SPECS.
"""

import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag


def require_torch():
    """PyTorch, or a skip naming how to install it; under CI=true a missing oracle fails."""
    try:
        import torch
    except ImportError:
        if os.environ.get("CI") == "true":
            raise RuntimeError("CI needs PyTorch, the oracle: pip install -e '.[test]'") from None
        pytest.skip("PyTorch (the oracle of the differential tests) is not installed: "
                    "pip install -e '.[test]'")
    return torch


DOMAINS = {
    "real": st.floats(-2, 2, allow_nan=False, allow_subnormal=False),
    "wide": st.floats(-60, 60, allow_nan=False, allow_subnormal=False),
    "pos": st.floats(0.25, 3, allow_nan=False, allow_subnormal=False),
    "away": st.one_of(st.floats(-2, -0.5), st.floats(0.5, 2)),
    "ties": st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0]),
    "unit": st.floats(-0.9, 0.9, allow_nan=False, allow_subnormal=False),
    "gt1": st.floats(1.1, 4.0, allow_nan=False, allow_subnormal=False),
}


def none(*shapes):
    return st.just({})


@dataclass(frozen=True)
class Spec:
    """One op (or one way of calling it), ours beside PyTorch's.

    ours(*tensors, **kw) and theirs(*torch_tensors, **kw) get the same drawn keyword arguments;
    `shapes` draws a tuple of input shapes, `forms(*shapes)` the keyword arguments for them.
    `domains` gives each input's values (one name for all). `smooth`: second order is checked.
    """
    name: str
    ours: Callable
    theirs: Callable
    shapes: st.SearchStrategy
    forms: Callable = none
    domains: object = "real"
    smooth: bool = True

    def domain(self, i):
        return self.domains if isinstance(self.domains, str) else self.domains[i]

    def cases(self):
        """A strategy of (input shapes, keyword arguments); `shapes` may draw both at once."""
        return self.shapes.flatmap(
            lambda s: st.just(s) if isinstance(s[-1], dict) else
            self.forms(*s).map(lambda kw: (s, kw)))


# --- shapes and argument forms ----------------------------------------------------------------
def one_shape(min_dims=0, max_dims=3, min_side=0, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side).map(lambda s: (s,))


def broadcast_shapes(n, min_side=0):
    return hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3,
                                             min_side=min_side, max_side=3).map(
        lambda b: b.input_shapes)


def axis_forms(ndim, allow_none=True, allow_tuple=True):
    """Every form NumPy accepts for one axis or several: negatives, NumPy integers, tuples."""
    span = max(ndim, 1)
    one = st.integers(-span, span - 1)
    forms = [one, one.map(np.int64), one.map(np.intp)]
    if allow_none:
        forms.append(st.none())
    if allow_tuple and ndim >= 1:
        forms.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)
                     .flatmap(lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes])))
    return st.one_of(forms)


def reduction_forms(shape, **options):
    return st.fixed_dictionaries({"axis": axis_forms(len(shape), **options),
                                  "keepdims": st.booleans()})


def torch_dims(axis, ndim):
    """Our axis form as PyTorch's dim: every dim for None."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(int(a) for a in axis) if isinstance(axis, tuple) else int(axis)


def torch_reduce(fn):
    """A PyTorch reduction called with our axis/keepdims (None reduces over every dim)."""
    def call(t, axis=None, keepdims=False):
        dims = torch_dims(axis, t.ndim)
        if dims == ():  # a 0-d tensor (or no axes): PyTorch reads dim=() as "all"; same here
            return fn(t.reshape(1), 0, keepdims).reshape(t.shape) if t.ndim == 0 else t
        return fn(t, dims, keepdims)
    return call


def permutation_forms(shape):
    n = len(shape)
    perm = st.permutations(list(range(n))).flatmap(
        lambda p: st.tuples(*[st.sampled_from([a, a - n]) for a in p]) if n else st.just(()))
    return st.fixed_dictionaries({"axes": st.one_of(st.none(), perm)})


def reshape_forms(shape):
    size = int(np.prod(shape))
    sides = [d for d in range(1, size + 1) if size % d == 0] if size else [0, 1]
    @st.composite
    def target(draw):
        dims, rest = [], size
        for _ in range(draw(st.integers(0, 3))):
            d = draw(st.sampled_from([d for d in sides if rest % d == 0] if rest else [0, 1]))
            dims.append(d)
            rest = rest // d if d else rest
        if size and rest != 1 or not size and 0 not in dims:
            dims.append(rest if size else 0)
        if size and dims and draw(st.booleans()):
            dims[draw(st.integers(0, len(dims) - 1))] = -1
        return tuple(dims)
    return st.fixed_dictionaries({"shape": target()})


def broadcast_to_forms(shape):
    @st.composite
    def target(draw):
        lead = draw(st.lists(st.integers(0, 3), max_size=2))
        return tuple(lead) + tuple(draw(st.integers(0, 3)) if n == 1 else n for n in shape)
    return st.fixed_dictionaries({"shape": target()})


@st.composite
def basic_index(draw, shape):
    """ints (negative too), slices with positive steps, None and one Ellipsis."""
    items, ellipsis = [], False
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis", "all"] if n else
                                    ["slice", "none", "all"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-n - 1, n + 1)),
                               draw(st.none() | st.integers(-n - 1, n + 1)),
                               draw(st.none() | st.integers(1, 3))))
        elif kind == "none":
            items += [None, slice(None)]
        elif kind == "ellipsis" and not ellipsis:
            items.append(Ellipsis)
            ellipsis = True
            break
        else:
            items.append(slice(None))
    return tuple(items)


@st.composite
def fancy_index(draw, shape):
    """Integer arrays with repeats and negatives on the leading axes, or a boolean mask."""
    kind = draw(st.sampled_from(["ints", "pairs", "mask"]))
    if kind == "mask" or not shape or shape[0] == 0:
        return draw(hnp.arrays(np.bool_, shape))
    ints = lambda n: hnp.arrays(np.int64, draw(st.integers(0, 5)), elements=st.integers(-n, n - 1))
    if kind == "pairs" and len(shape) >= 2 and shape[1]:
        k = draw(st.integers(1, 4))
        return (draw(hnp.arrays(np.int64, k, elements=st.integers(-shape[0], shape[0] - 1))),
                draw(hnp.arrays(np.int64, k, elements=st.integers(-shape[1], shape[1] - 1))))
    return draw(ints(shape[0]))


def index_forms(shape):
    return st.fixed_dictionaries({"index": st.one_of(basic_index(shape), fancy_index(shape))})


def torch_index(torch, index):
    items = index if isinstance(index, tuple) else (index,)
    items = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in items)
    return items if isinstance(index, tuple) else items[0]


@st.composite
def matmul_shapes(draw):
    """1-D, 2-D and batched operands, batch dimensions broadcast both ways."""
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2)).input_shapes
    x = draw(st.sampled_from([(k,), (n, k), batch[0] + (n, k)]))
    y = draw(st.sampled_from([(k,), (k, m), batch[1] + (k, m)]))
    return x, y


@st.composite
def einsum_case(draw):
    """Random explicit subscripts over 1-3 operands: each operand's letters distinct."""
    letters = "abcd"
    sizes = {c: draw(st.integers(1, 3)) for c in letters}
    operands = draw(st.lists(st.lists(st.sampled_from(letters), max_size=3, unique=True),
                             min_size=1, max_size=3))
    used = sorted(set().union(*map(set, operands)))
    out = draw(st.permutations(used).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])))
    subscripts = ",".join("".join(o) for o in operands) + "->" + "".join(out)
    return {"shapes": tuple(tuple(sizes[c] for c in o) for o in operands), "subscripts": subscripts}


def concat_shapes(stack):
    @st.composite
    def draw_shapes(draw):
        base = draw(hnp.array_shapes(min_dims=0 if stack else 1, max_dims=3, min_side=0, max_side=3))
        count = draw(st.integers(1, 3))
        if stack:
            return (base,) * count
        axis = draw(st.integers(0, len(base) - 1))
        return tuple(base[:axis] + (draw(st.integers(0, 3)),) + base[axis + 1:] for _ in range(count))
    return draw_shapes()


def join_forms(stack):
    def forms(*shapes):
        ndim = len(shapes[0]) + stack
        if stack:
            return st.fixed_dictionaries({"axis": axis_forms(ndim, allow_none=False, allow_tuple=False)})
        # the one axis along which the shapes may differ, in any form; or None when all fit
        differing = [a for a in range(ndim) if len({s[a] for s in shapes}) > 1]
        if differing:
            a = differing[0]
            return st.fixed_dictionaries({"axis": st.sampled_from([a, a - ndim, np.int64(a)])})
        return st.fixed_dictionaries({"axis": st.one_of(st.none(), axis_forms(ndim, False, False))})
    return forms


def torch_concatenate(torch):
    def call(*ts, axis=0):
        return torch.cat([t.reshape(-1) for t in ts]) if axis is None else torch.cat(ts, int(axis))
    return call


# --- the specs ----------------------------------------------------------------------------------
def specs(torch):
    """Every op of the engine, as Specs (built with the torch module, imported lazily)."""
    F = torch.nn.functional
    unary, binary = one_shape(), broadcast_shapes(2)
    nonempty = one_shape(min_side=1)
    acts = {None: lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    S = Spec
    return [
        # elementwise, one input
        S("negative", lambda x: -x, lambda t: -t, unary),
        S("exp", ag.exp, torch.exp, unary),
        S("log", ag.log, torch.log, unary, domains="pos"),
        S("sqrt", ag.sqrt, torch.sqrt, unary, domains="pos"),
        S("tanh", ag.tanh, torch.tanh, unary, domains="wide"),
        S("sigmoid", ag.sigmoid, torch.sigmoid, unary, domains="wide"),
        S("softplus", ag.softplus, lambda t: F.softplus(t, threshold=1000.0), unary, domains="wide"),
        S("relu", ag.relu, torch.relu, unary, domains="ties", smooth=False),
        S("leaky_relu", ag.leaky_relu, lambda t, negative_slope: F.leaky_relu(t, negative_slope),
          unary, lambda s: st.fixed_dictionaries({"negative_slope": st.floats(0, 0.5)}),
          domains="ties", smooth=False),
        S("abs", abs, torch.abs, unary, domains="ties", smooth=False),
        S("clip", lambda x, a_min, a_max: ag.clip(x, a_min, a_max),
          lambda t, a_min, a_max: torch.clamp(t, a_min, a_max), unary,
          lambda s: st.fixed_dictionaries({"a_min": st.sampled_from([None, -1.0, 0.0, 0.5]),
                                           "a_max": st.sampled_from([0.0, 0.5, 1.0])}),
          domains="ties", smooth=False),
        S("power_number", lambda x, p: x ** p, lambda t, p: t ** p, unary,
          lambda s: st.fixed_dictionaries({"p": st.sampled_from([-2, -1, -0.5, 0.5, 1.5, 2.0, 3])}),
          domains="pos"),
        S("power_zero_base", lambda x, p: x ** p, lambda t, p: t ** p, unary,
          lambda s: st.fixed_dictionaries({"p": st.sampled_from([0, 1, 2, 3, 0.0, 2.0])}),
          domains="ties"),
        S("rpower_number", lambda x, c: c ** x, lambda t, c: c ** t, unary,
          lambda s: st.fixed_dictionaries({"c": st.sampled_from([0.5, 2, 3.0])})),
        S("astype", lambda x: ag.astype(ag.astype(x, np.float32), np.float64),
          lambda t: t.float().double(), unary),
        # elementwise, two or three inputs (broadcast both ways), and Python numbers
        S("add", lambda x, y: x + y, lambda a, b: a + b, binary),
        S("add_alpha", lambda x, y, alpha: ag.add(x, y, alpha=alpha),
          lambda a, b, alpha: torch.add(a, b, alpha=alpha), binary,
          lambda *s: st.fixed_dictionaries({"alpha": st.sampled_from([-1.0, 0.5, 2, 0])})),
        S("subtract", lambda x, y: x - y, lambda a, b: a - b, binary),
        S("multiply", lambda x, y: x * y, lambda a, b: a * b, binary),
        S("divide", lambda x, y: x / y, lambda a, b: a / b, binary, domains=("real", "away")),
        S("power", lambda x, y: x ** y, lambda a, b: a ** b, binary, domains=("pos", "away")),
        S("power_zero_base_tensor", lambda x, y: x ** y, lambda a, b: a ** b, binary,
          domains=("ties", "pos"), smooth=False),
        S("maximum", ag.maximum, torch.maximum, binary, domains="ties", smooth=False),
        S("minimum", ag.minimum, torch.minimum, binary, domains="ties", smooth=False),
        S("where", lambda x, y, c: ag.where(c, x, y), lambda a, b, c: torch.where(torch.from_numpy(c), a, b),
          broadcast_shapes(3).flatmap(lambda s: hnp.arrays(np.bool_, s[2]).map(
              lambda c: ((s[0], s[1]), {"c": c})))),
        *[S(f"number {op}", number_op(op), torch_number_op(op), unary, number_forms,
            domains="away" if op == "c / x" else "real") for op in NUMBER_OPS],
        # reductions
        S("sum", lambda x, **kw: x.sum(**kw), torch_reduce(lambda t, d, k: t.sum(d, keepdim=k)),
          unary, reduction_forms),
        S("mean", lambda x, **kw: x.mean(**kw), torch_reduce(lambda t, d, k: t.mean(d, keepdim=k)),
          unary, reduction_forms),
        S("var", lambda x, **kw: x.var(**kw),
          torch_reduce(lambda t, d, k: t.var(d, keepdim=k, correction=0)), one_shape(min_side=1),
          reduction_forms),
        S("max", lambda x, **kw: x.max(**kw), torch_reduce(lambda t, d, k: t.amax(d, keepdim=k)),
          nonempty, reduction_forms, domains="ties", smooth=False),
        S("min", lambda x, **kw: x.min(**kw), torch_reduce(lambda t, d, k: t.amin(d, keepdim=k)),
          nonempty, reduction_forms, domains="ties", smooth=False),
        S("logsumexp", ag.logsumexp,
          torch_reduce(lambda t, d, k: torch.logsumexp(t, d, keepdim=k)), nonempty,
          reduction_forms, domains="wide"),
        S("softmax", ag.softmax, lambda t, axis=-1: torch.softmax(t, int(axis)), unary,
          single_axis_forms, domains="wide"),
        S("log_softmax", ag.log_softmax, lambda t, axis=-1: torch.log_softmax(t, int(axis)), unary,
          single_axis_forms, domains="wide"),
        # moving values
        S("reshape", lambda x, shape: x.reshape(shape), lambda t, shape: t.reshape(shape), unary,
          reshape_forms),
        S("transpose", lambda x, axes: ag.transpose(x, axes),
          lambda t, axes: t.permute(tuple(reversed(range(t.ndim))) if axes is None else axes),
          st.one_of(unary, one_shape(min_dims=3, max_dims=4, max_side=3)), permutation_forms),
        S("swapaxes", lambda x, a, b: x.swapaxes(a, b), lambda t, a, b: t.swapaxes(int(a), int(b)),
          one_shape(min_dims=1),
          lambda s: st.fixed_dictionaries({"a": axis_forms(len(s), False, False),
                                           "b": axis_forms(len(s), False, False)})),
        S("broadcast_to", lambda x, shape: x.broadcast_to(shape),
          lambda t, shape: t.broadcast_to(shape), unary, broadcast_to_forms),
        S("getitem", lambda x, index: x[index], lambda t, index: t[torch_index(torch, index)],
          unary, index_forms),
        S("concatenate", lambda *xs, axis: ag.concatenate(xs, axis=axis), torch_concatenate(torch),
          concat_shapes(stack=False), join_forms(stack=False)),
        S("stack", lambda *xs, axis: ag.stack(xs, axis=axis),
          lambda *ts, axis: torch.stack(ts, int(axis)), concat_shapes(stack=True),
          join_forms(stack=True)),
        # products
        S("matmul", lambda x, y: x @ y, torch.matmul, matmul_shapes()),
        S("linear", lambda x, w, b, activation: ag.linear(x, w, b, activation=activation),
          lambda x, w, b, activation: acts[activation](F.linear(x, w, b)), linear_shapes(False),
          activation_forms),
        S("linear_no_bias", lambda x, w, activation: ag.linear(x, w, activation=activation),
          lambda x, w, activation: acts[activation](F.linear(x, w)),
          linear_shapes(False).map(lambda s: s[:2]), activation_forms),
        S("residual_linear",
          lambda x, w, b, activation, step: ag.residual_linear(x, w, b, step, activation),
          lambda x, w, b, activation, step: x + step * acts[activation](F.linear(x, w, b)),
          linear_shapes(True), residual_forms),
        S("einsum", lambda *xs, subscripts: ag.einsum(subscripts, *xs),
          lambda *ts, subscripts: torch.einsum(subscripts, *ts),
          einsum_case().map(lambda c: (c["shapes"], {"subscripts": c["subscripts"]}))),
    ]


def single_axis_forms(shape):
    return st.one_of(st.just({}), st.fixed_dictionaries(
        {"axis": axis_forms(len(shape), allow_none=False, allow_tuple=False)}))


NUMBER_OPS = ["x + c", "c + x", "x - c", "c - x", "x * c", "c * x", "x / c", "c / x"]


def number_op(op):
    """A tensor beside a Python or NumPy number, as written: x + c, c / x, ..."""
    return lambda x, c: eval(op, {"x": x, "c": c})  # noqa: S307 (one of NUMBER_OPS)


def torch_number_op(op):
    def call(t, c):
        c = float(c) if isinstance(c, (np.floating, np.integer)) else c
        return eval(op, {"x": t, "c": c})  # noqa: S307
    return call


def number_forms(shape):
    numbers = st.one_of(st.integers(-3, 3).filter(bool), st.sampled_from([0.5, -1.5, 2.0]),
                        st.sampled_from([np.float64(0.25), np.float32(-2.0), np.int64(3)]))
    return st.fixed_dictionaries({"c": numbers})


def linear_shapes(square):
    @st.composite
    def draw_shapes(draw):
        k = draw(st.integers(1, 4))
        out = k if square else draw(st.integers(1, 4))
        lead = draw(st.sampled_from([(), (draw(st.integers(1, 3)),), (2, draw(st.integers(1, 3)))]))
        return lead + (k,), (out, k), (out,)
    return draw_shapes()


def activation_forms(*shapes):
    return st.fixed_dictionaries({"activation": st.sampled_from([None, "relu", "sigmoid", "tanh"])})


def residual_forms(*shapes):
    return st.fixed_dictionaries({"activation": st.sampled_from([None, "relu", "sigmoid", "tanh"]),
                                  "step": st.sampled_from([0.25, -1.0, 2])})
