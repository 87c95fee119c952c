"""Differential tests: every op's values, gradients and second derivatives against PyTorch's in
float64 (rtol 1e-9), over generated inputs and argument forms, one op at a time and composed into
random expressions. Derandomised: the same examples on every run."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core.backprop import topological_order
from tests.autograd_core.oracle import DOMAINS, Spec, broadcast_shapes, one_shape, require_torch, specs
from tests.autograd_core import test_oracle_new_ops as new_ops

torch = require_torch()


def new_op_specs():
    """The elementwise ops of test_oracle_new_ops's tables as Specs (those PyTorch computes with
    float32 constants, compared there at 1e-7, stay there)."""
    kinks = {"elu", "selu", "arctan2"}  # second derivatives at 0 (at the origin) are conventions
    unary = [Spec(name, ours, theirs, one_shape(), domains="away" if name in kinks else domain,
                  smooth=smooth)
             for name, ours, theirs, domain, smooth, grad_rtol in new_ops.UNARY if grad_rtol is None]
    binary = [Spec(name, ours, theirs, broadcast_shapes(2),
                   domains="away" if name in kinks else domain, smooth=smooth)
              for name, ours, theirs, domain, smooth in new_ops.BINARY]
    return unary + binary


SPECS = specs(torch) + new_op_specs()
SMOOTH = [s for s in SPECS if s.smooth]
RTOL, ATOL = 1e-9, 1e-11
EXAMPLES = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def close(ours, theirs, what):
    theirs = np.zeros(np.shape(ours)) if theirs is None else theirs
    ours = np.zeros(np.shape(theirs)) if ours is None else ours
    assert np.shape(ours) == np.shape(theirs), f"{what}: shape {np.shape(ours)} != {np.shape(theirs)}"
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=what)


def as_numpy(t):
    return None if t is None else t.detach().numpy()


def draw_inputs(data, spec, shapes):
    return [data.draw(hnp.arrays(np.float64, s, elements=DOMAINS[spec.domain(i)]), label=f"x{i}")
            for i, s in enumerate(shapes)]


def second_order_sum(grads, weights):
    """sum_i <grad_i, w_i> over the gradients that are still functions of the inputs."""
    terms = [(g * w).sum() for g, w in zip(grads, weights)
             if g is not None and g.requires_grad]
    return sum(terms[1:], terms[0]) if terms else None


def compare(spec, arrays, kw, data):
    xs = [ag.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = spec.ours(*xs, **kw), spec.theirs(*ts, **kw)
    assert isinstance(out, ag.Tensor) and out.dtype == np.float64
    close(out.data, as_numpy(ref), "forward")
    v = data.draw(hnp.arrays(np.float64, out.shape, elements=DOMAINS["real"]), label="cotangent")
    ours = ag.grad(out, xs, grad_outputs=v, allow_unused=True, create_graph=spec.smooth)
    theirs = torch.autograd.grad(ref, ts, torch.tensor(v), allow_unused=True,
                                 create_graph=spec.smooth)
    for i, (g, h) in enumerate(zip(ours, theirs)):
        close(None if g is None else g.data, as_numpy(h), f"gradient of input {i}")
    if not spec.smooth:
        return
    ws = [data.draw(hnp.arrays(np.float64, a.shape, elements=DOMAINS["real"]), label=f"w{i}")
          for i, a in enumerate(arrays)]
    s_ours = second_order_sum(ours, ws)
    s_theirs = second_order_sum(theirs, [torch.tensor(w) for w in ws])
    hv = ag.grad(s_ours, xs, allow_unused=True) if s_ours is not None else [None] * len(xs)
    hv_ref = (torch.autograd.grad(s_theirs, ts, allow_unused=True) if s_theirs is not None
              else [None] * len(ts))
    for i, (g, h) in enumerate(zip(hv, hv_ref)):
        close(None if g is None else g.data, as_numpy(h), f"second derivative (hvp) of input {i}")


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_values_and_gradients_match_pytorch(spec):
    @EXAMPLES
    @given(case=spec.cases(), data=st.data())
    def check(case, data):
        shapes, kw = case
        compare(spec, draw_inputs(data, spec, shapes), kw, data)
    check()


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_float32_stays_float32(spec):
    @settings(EXAMPLES, max_examples=10)
    @given(case=spec.cases(), data=st.data())
    def check(case, data):
        shapes, kw = case
        arrays = draw_inputs(data, spec, shapes)
        xs = [ag.Tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
        out = spec.ours(*xs, **kw)
        expected = spec.ours(*[ag.Tensor(a.astype(np.float32).astype(np.float64)) for a in arrays], **kw)
        if spec.name != "astype":
            assert out.dtype == np.float32
        np.testing.assert_allclose(out.data, expected.data, rtol=1e-4, atol=1e-5, equal_nan=True)
        grads = ag.grad(out, xs, grad_outputs=np.ones(out.shape, out.dtype), allow_unused=True)
        assert all(g is None or g.dtype == np.float32 for g in grads)
    check()


ONE_INPUT = [s for s in SPECS if s.name not in {"astype"}]


@pytest.mark.parametrize("spec", ONE_INPUT, ids=[s.name for s in ONE_INPUT])
def test_integer_inputs_compute_as_the_same_numbers_in_float64(spec):
    """Raw uint8 pixels or int labels: a floating result equals the float64 computation (no
    wrap-around, no float16); an integer result is NumPy's integer arithmetic; or a clear error."""
    @settings(EXAMPLES, max_examples=25)
    @given(case=spec.cases(), data=st.data(), dtype=st.sampled_from([np.uint8, np.int32, np.int64, np.bool_]))
    def check(case, data, dtype):
        shapes, kw = case
        top = 1 if dtype == np.bool_ else 255 if dtype == np.uint8 else 100
        arrays = [data.draw(hnp.arrays(dtype, s, elements=st.integers(0, top).map(dtype),
                                       unique=dtype != np.bool_ and int(np.prod(s)) <= top + 1))
                  for s in shapes]
        with np.errstate(all="ignore"):
            try:
                out = spec.ours(*[ag.Tensor(a) for a in arrays], **kw)
            except (TypeError, ValueError, OverflowError) as e:
                assert str(e)  # refused, loudly
                return
            if out.dtype.kind == "f":
                expected = spec.ours(*[ag.Tensor(a.astype(np.float64)) for a in arrays], **kw)
                np.testing.assert_array_equal(out.data, expected.data)
    check()


# --- random expression graphs ---------------------------------------------------------------------
UNARY_NAMES = ["negative", "exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "relu", "abs",
               "leaky_relu", "clip", "power_number", "number x - c", "number c / x", "sum", "mean", "var", "max", "min",
               "logsumexp", "softmax", "log_softmax", "reshape", "transpose", "broadcast_to",
               "getitem", "swapaxes"]
BINARY_NAMES = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "add_alpha"]
BY_NAME = {s.name: s for s in SPECS}
NEEDS_NONEMPTY = {"var", "max", "min", "logsumexp"}


def into_domain(x, domain):
    """Make any value fit a domain in both engines: positive for log, sqrt and divisors."""
    return x * x + 0.5 if domain in ("pos", "away") else x


@st.composite
def partner_shape(draw, shape):
    """A shape that broadcasts with `shape`: some of its trailing axes, some set to 1."""
    tail = shape[draw(st.integers(0, len(shape))):]
    return tuple(1 if draw(st.booleans()) else n for n in tail)


def apply_step(data, spec, pair, leaves):
    x, t = pair
    if spec.name in BINARY_NAMES:
        shape = data.draw(partner_shape(x.shape), label="partner shape")
        a = data.draw(hnp.arrays(np.float64, shape, elements=DOMAINS["real"]), label="partner")
        y, u = ag.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        leaves.append((y, u))
        left = data.draw(st.booleans(), label="leaf on the left")
        (x, t), (y, u) = ((y, u), (x, t)) if left else ((x, t), (y, u))
        x, t = into_domain(x, spec.domain(0)), into_domain(t, spec.domain(0))
        y, u = into_domain(y, spec.domain(1)), into_domain(u, spec.domain(1))
        kw = data.draw(spec.forms(x.shape, y.shape), label="forms")
        return spec.ours(x, y, **kw), spec.theirs(t, u, **kw)
    x, t = into_domain(x, spec.domain(0)), into_domain(t, spec.domain(0))
    kw = data.draw(spec.forms(x.shape), label=f"{spec.name} forms")
    return spec.ours(x, **kw), spec.theirs(t, **kw)


@settings(EXAMPLES, max_examples=200)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
       names=st.lists(st.sampled_from(UNARY_NAMES + BINARY_NAMES), min_size=1, max_size=5),
       data=st.data())
def test_random_expressions_match_pytorch(shape, names, data):
    a = data.draw(hnp.arrays(np.float64, shape, elements=DOMAINS["real"]), label="x")
    leaves = [(ag.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True))]
    pair, smooth = leaves[0], True
    for name in names:
        spec = BY_NAME[name]
        if name in NEEDS_NONEMPTY and 0 in pair[0].shape:
            continue
        pair = apply_step(data, spec, pair, leaves)
        smooth = smooth and spec.smooth
    out, ref = pair
    close(out.data, as_numpy(ref), f"forward of {names}")
    v = data.draw(hnp.arrays(np.float64, out.shape, elements=DOMAINS["real"]), label="cotangent")
    xs, ts = [x for x, _ in leaves], [t for _, t in leaves]
    ours = ag.grad(out, xs, grad_outputs=v, allow_unused=True, create_graph=smooth)
    theirs = torch.autograd.grad(ref, ts, torch.tensor(v), allow_unused=True, create_graph=smooth)
    for i, (g, h) in enumerate(zip(ours, theirs)):
        close(None if g is None else g.data, as_numpy(h), f"gradient of leaf {i} of {names}")
    if smooth:
        ws = [np.cos(np.arange(x.size) + 1.0).reshape(x.shape) for x in xs]
        s_ours = second_order_sum(ours, ws)
        s_theirs = second_order_sum(theirs, [torch.tensor(w) for w in ws])
        if s_ours is not None and s_theirs is not None:
            hv = ag.grad(s_ours, xs, allow_unused=True)
            hv_ref = torch.autograd.grad(s_theirs, ts, allow_unused=True)
            for i, (g, h) in enumerate(zip(hv, hv_ref)):
                close(None if g is None else g.data, as_numpy(h), f"hvp of leaf {i} of {names}")


def test_every_op_class_has_a_spec():
    """A new op without generated argument forms fails here (as a missing op-table row does)."""
    every = {c for c in vars(ag.ops).values() if isinstance(c, type) and issubclass(c, ag.Function)}
    covered = set()

    @settings(EXAMPLES, max_examples=5)
    @given(data=st.data())
    def collect(data):
        for spec in SPECS:
            shapes, kw = data.draw(spec.cases())
            out = spec.ours(*[ag.Tensor(a, requires_grad=True) for a in draw_inputs(data, spec, shapes)], **kw)
            covered.update(type(node.function) for node in topological_order([out]))
    collect()
    internal = {ag.ops.ScatterAdd}  # the vjp of GetItem: reached through getitem's second order
    names = {c.__name__ for c in every}
    assert new_ops.DEDICATED <= names, "DEDICATED names an op class that does not exist"
    missing = {c.__name__ for c in every - covered - internal} - new_ops.DEDICATED
    assert sorted(missing) == []
