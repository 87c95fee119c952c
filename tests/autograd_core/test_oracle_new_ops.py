"""The issue #15 ops against PyTorch (float64, rtol 1e-9): forward values, gradients for a random
cotangent and, for smooth ops, a Hessian-vector product (create_graph on both sides).

Hypothesis draws the argument forms: shapes (0-d and empty where the op allows them), axes
(negative, tuples, None, np.int64), keepdims, ties and repeated indices. Without torch the module
is skipped, except under CI=true, where a missing oracle is a failure.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag


from tests.autograd_core.oracle import require_torch

torch = require_torch()
F = torch.nn.functional
SETTINGS = settings(derandomize=True, deadline=None, max_examples=12)


# --- comparison --------------------------------------------------------------------------------

def _close(ours, theirs, rtol, what):
    a = ours.data if isinstance(ours, ag.Tensor) else np.asarray(ours)
    b = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, PyTorch {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12, err_msg=what)


def _graph_sum(grads, vs):
    terms = [(g * v).sum() for g, v in zip(grads, vs) if g is not None and g.requires_grad]
    return None if not terms else sum(terms[1:], terms[0])


def compare(ours, theirs, arrays, second=True, rtol=1e-9, grad_rtol=None, seed=0):
    """Forward, a vjp and (second=True) an HVP of `ours` against `theirs` at float64 `arrays`."""
    rng = np.random.default_rng(seed)
    xs = [ag.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = ours(*xs), theirs(*ts)
    _close(out, ref, rtol, "forward")
    c = rng.standard_normal(out.shape)
    gs = ag.grad(out, xs, grad_outputs=ag.Tensor(c), create_graph=second, allow_unused=True)
    tgs = torch.autograd.grad(ref, ts, torch.tensor(c), create_graph=second, allow_unused=True)
    for i, (g, tg) in enumerate(zip(gs, tgs)):
        _close(np.zeros(arrays[i].shape) if g is None else g,
               torch.zeros(arrays[i].shape) if tg is None else tg, grad_rtol or rtol, f"gradient {i}")
    if not second:
        return
    vs = [rng.standard_normal(a.shape) for a in arrays]
    s, ts_ = _graph_sum(gs, vs), _graph_sum(tgs, [torch.tensor(v) for v in vs])
    if s is None and ts_ is None:
        return
    hs = ag.grad(s, xs, allow_unused=True) if s is not None else [None] * len(xs)
    ths = torch.autograd.grad(ts_, ts, allow_unused=True) if ts_ is not None else [None] * len(xs)
    for i, (h, th) in enumerate(zip(hs, ths)):
        _close(np.zeros(arrays[i].shape) if h is None else h,
               torch.zeros(arrays[i].shape) if th is None else th, grad_rtol or rtol, f"HVP {i}")


# --- argument forms ----------------------------------------------------------------------------

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
seeds = st.integers(0, 2 ** 31)


def values(shape, seed, domain="real"):
    rng = np.random.default_rng(seed)
    if domain == "unit":  # inside (-1, 1)
        return rng.uniform(-0.9, 0.9, shape)
    if domain == "pos":
        return rng.uniform(0.2, 3.0, shape)
    if domain == "gt1":
        return rng.uniform(1.1, 4.0, shape)
    if domain == "ties":  # few distinct values: ties in sorts, max and argmax
        return rng.integers(-2, 3, shape).astype(np.float64)
    if domain == "zeros":  # products with zeros, one or two per row
        x = rng.standard_normal(shape)
        x[rng.random(shape) < 0.3] = 0.0
        return x
    return rng.standard_normal(shape)


@st.composite
def axis_forms(draw, ndim, single=False):
    """None, an int, a negative int, an np.int64 or (unless single) a tuple of axes of an ndim array."""
    if ndim == 0:
        return None
    a = draw(st.integers(-ndim, ndim - 1))
    kind = draw(st.sampled_from(["int", "np.int64", "none", "tuple"] if not single else ["int", "np.int64"]))
    if kind == "none":
        return None
    if kind == "np.int64":
        return np.int64(a)
    if kind == "tuple":
        return tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True)))
    return a


def dims(axis, ndim):
    """torch's dim for a NumPy axis."""
    if axis is None:
        return tuple(range(ndim))
    return tuple(int(a) for a in axis) if isinstance(axis, tuple) else int(axis)


# --- elementwise -------------------------------------------------------------------------------

# (name, ours, PyTorch, domain, smooth, gradient rtol)
UNARY = [
    ("sin", ag.sin, torch.sin, "real", True, None),
    ("cos", ag.cos, torch.cos, "real", True, None),
    ("tan", ag.tan, torch.tan, "unit", True, None),
    ("arcsin", ag.arcsin, torch.asin, "unit", True, None),
    ("arccos", ag.arccos, torch.acos, "unit", True, None),
    ("arctan", ag.arctan, torch.atan, "real", True, None),
    ("sinh", ag.sinh, torch.sinh, "real", True, None),
    ("cosh", ag.cosh, torch.cosh, "real", True, None),
    ("arcsinh", ag.arcsinh, torch.asinh, "real", True, None),
    ("arccosh", ag.arccosh, torch.acosh, "gt1", True, None),
    ("arctanh", ag.arctanh, torch.atanh, "unit", True, None),
    ("log1p", ag.log1p, torch.log1p, "unit", True, None),
    ("expm1", ag.expm1, torch.expm1, "real", True, None),
    ("log2", ag.log2, torch.log2, "pos", True, None),
    ("log10", ag.log10, torch.log10, "pos", True, None),
    ("exp2", ag.exp2, torch.exp2, "real", True, None),
    ("erf", ag.erf, torch.erf, "real", True, None),
    ("gelu", ag.gelu, F.gelu, "real", True, None),
    ("gelu_tanh", lambda x: ag.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh"),
     "real", True, None),
    ("silu", ag.silu, F.silu, "real", True, None),
    ("elu", lambda x: ag.elu(x, 0.5), lambda x: F.elu(x, 0.5), "real", True, None),
    ("selu", ag.selu, F.selu, "real", True, None),
    # PyTorch's celu gradient uses 1/alpha rounded to float32 (errors of 1e-8): compared at 1e-7
    ("celu", lambda x: ag.celu(x, 0.7), lambda x: F.celu(x, 0.7), "real", True, 1e-7),
    ("mish", ag.mish, F.mish, "real", True, None),
    ("softsign", ag.softsign, F.softsign, "real", True, None),
    ("hardtanh", lambda x: ag.hardtanh(x, -0.5, 1.0), lambda x: F.hardtanh(x, -0.5, 1.0), "ties", False, None),
    # PyTorch's hardsigmoid gradient is float32's 1/6 (an error of 5e-9): compared at 1e-7
    ("hardsigmoid", lambda x: ag.hardsigmoid(2 * x), lambda x: F.hardsigmoid(2 * x), "ties", False, 1e-7),
    ("hardswish", lambda x: ag.hardswish(1.5 * x), lambda x: F.hardswish(1.5 * x), "ties", False, None),
    ("logsigmoid", ag.logsigmoid, F.logsigmoid, "real", True, None),
    ("softplus_beta", lambda x: ag.softplus(x, beta=2.0), lambda x: F.softplus(x, beta=2.0, threshold=100),
     "real", True, None),
    ("sign", ag.sign, torch.sign, "ties", False, None),
    ("floor", ag.floor, torch.floor, "real", False, None),
    ("ceil", ag.ceil, torch.ceil, "real", False, None),
    ("round", ag.round, torch.round, "real", False, None),
    ("trunc", ag.trunc, torch.trunc, "real", False, None),
    ("remainder", lambda x: x % 0.7, lambda x: x % 0.7, "real", False, None),
    ("floor_divide", lambda x: x // 0.7, lambda x: torch.div(x, 0.7, rounding_mode="floor"), "real", False, None),
]


@pytest.mark.parametrize("name, ours, theirs, domain, smooth, grad_rtol", UNARY, ids=[u[0] for u in UNARY])
@SETTINGS
@given(shape=shapes, seed=seeds)
def test_unary_matches_torch(name, ours, theirs, domain, smooth, grad_rtol, shape, seed):
    compare(ours, theirs, [values(shape, seed, domain)], second=smooth, grad_rtol=grad_rtol)


BINARY = [
    ("arctan2", ag.arctan2, torch.atan2, "real", True),
    ("logaddexp", ag.logaddexp, torch.logaddexp, "real", True),
    ("remainder", lambda x, y: x % y, torch.remainder, "pos", False),
    ("floor_divide", lambda x, y: x // y, lambda x, y: torch.div(x, y, rounding_mode="floor"), "pos", False),
]
BROADCAST_PAIRS = st.sampled_from([((3, 4), (3, 4)), ((3, 1), (4,)), ((), (2, 3)), ((2, 0), (1,)),
                                   ((2, 1, 3), (4, 1))])


@pytest.mark.parametrize("name, ours, theirs, domain, smooth", BINARY, ids=[b[0] for b in BINARY])
@SETTINGS
@given(pair=BROADCAST_PAIRS, seed=seeds)
def test_binary_matches_torch(name, ours, theirs, domain, smooth, pair, seed):
    compare(ours, theirs, [values(pair[0], seed, domain), values(pair[1], seed + 1, domain)],
            second=smooth)


@pytest.mark.parametrize("ours, theirs", [(ag.isnan, torch.isnan), (ag.isinf, torch.isinf),
                                          (ag.isfinite, torch.isfinite), (ag.logical_not, torch.logical_not)])
def test_tests_match_torch(ours, theirs):
    x = np.array([0.0, -1.5, np.inf, -np.inf, np.nan, 2.0])
    assert np.array_equal(ours(ag.Tensor(x)), theirs(torch.tensor(x)).numpy())


def test_logical_ops_and_operators_on_comparisons():
    x, y = ag.Tensor([-1.0, 0.0, 2.0, 3.0]), ag.Tensor([1.0, 0.0, -2.0, 3.0])
    assert np.array_equal(ag.logical_and(x > 0, y > 0), (x > 0) & (y > 0))
    assert np.array_equal(ag.logical_or(x > 0, y > 0), (x > 0) | (y > 0))
    assert np.array_equal(ag.logical_xor(x > 0, y > 0), [True, False, True, False])
    assert np.array_equal(~(x > 0), [True, True, False, False])


# --- reductions and running totals --------------------------------------------------------------

@SETTINGS
@given(shape=nonempty_shapes, seed=seeds, data=st.data(), keepdims=st.booleans(),
       ddof=st.sampled_from([0, 1]), std=st.booleans())
def test_var_std_match_torch(shape, seed, data, keepdims, ddof, std):
    axis = data.draw(axis_forms(len(shape)))
    x = values(shape, seed)
    count = np.prod([shape[a] for a in (np.atleast_1d(dims(axis, len(shape))))])
    if count - ddof <= 0:
        return  # NaN on both sides, with warnings: not a comparison of values
    ours = (lambda t: t.std(axis=axis, keepdims=keepdims, ddof=ddof)) if std else \
        (lambda t: t.var(axis=axis, keepdims=keepdims, ddof=ddof))
    fn = torch.std if std else torch.var
    if std and np.any(np.var(x, axis=axis) == 0):
        return  # sqrt'(0) is inf on both sides
    compare(ours, lambda t: fn(t, dim=dims(axis, len(shape)), correction=ddof, keepdim=keepdims), [x])


@SETTINGS
@given(shape=shapes, seed=seeds, data=st.data(), keepdims=st.booleans(),
       domain=st.sampled_from(["real", "zeros"]))
def test_prod_matches_torch(shape, seed, data, keepdims, domain):
    axis = data.draw(axis_forms(len(shape)))

    def theirs(t):
        for d in sorted(np.atleast_1d(dims(axis, len(shape))), reverse=True):
            t = torch.prod(t, dim=int(d), keepdim=keepdims)
        return t

    compare(lambda t: t.prod(axis=axis, keepdims=keepdims),
            theirs if len(shape) else torch.prod, [values(shape, seed, domain)])


@pytest.mark.parametrize("kind", ["cumsum", "cumprod"])
@SETTINGS
@given(shape=shapes, seed=seeds, data=st.data(), domain=st.sampled_from(["real", "zeros"]))
def test_cumulative_matches_torch(kind, shape, seed, data, domain):
    axis = data.draw(st.one_of(st.none(), axis_forms(len(shape), single=True)))
    x = values(shape, seed, domain)
    ours = getattr(ag, kind)
    if axis is None:
        theirs = lambda t: getattr(torch, kind)(t.reshape(-1), 0)  # noqa: E731 (NumPy flattens)
    else:
        theirs = lambda t: getattr(torch, kind)(t, int(axis))  # noqa: E731
    compare(lambda t: ours(t, axis=axis), theirs, [x])


@pytest.mark.parametrize("kind", ["argmax", "argmin"])
@SETTINGS
@given(shape=nonempty_shapes, seed=seeds, data=st.data(), keepdims=st.booleans())
def test_argmax_argmin_match_torch_with_ties(kind, shape, seed, data, keepdims):
    axis = data.draw(st.one_of(st.none(), axis_forms(len(shape), single=True)))
    x = values(shape, seed, "ties")
    ours = getattr(ag, kind)(ag.Tensor(x), axis=axis, keepdims=keepdims)
    t = torch.tensor(x)
    theirs = getattr(torch, kind)(t) if axis is None else getattr(torch, kind)(t, int(axis), keepdims)
    if axis is None and keepdims:
        theirs = theirs.reshape((1,) * len(shape))
    assert ours.dtype == np.int64 and np.array_equal(ours, theirs.numpy())


def test_argmax_of_empty_raises_naming_the_op():
    with pytest.raises(ValueError, match="argmax"):
        ag.argmax(ag.Tensor(np.zeros((2, 0))), axis=1)


# --- indexing, shape ----------------------------------------------------------------------------

@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=seeds, data=st.data())
def test_take_along_axis_and_scatter_add_match_gather(shape, seed, data):
    axis = int(data.draw(axis_forms(len(shape), single=True)))
    rng = np.random.default_rng(seed)
    idx_shape = list(shape)
    idx_shape[axis] = data.draw(st.integers(1, 6))  # more indices than elements: repeats
    idx = rng.integers(0, shape[axis], idx_shape)
    x, v = values(shape, seed), values(tuple(idx_shape), seed + 1)
    compare(lambda t: ag.take_along_axis(t, idx, axis), lambda t: torch.gather(t, axis, torch.tensor(idx)), [x])
    compare(lambda t, u: ag.add_along_axis(t, idx, u, axis),
            lambda t, u: torch.scatter_add(t, axis, torch.tensor(idx), u), [x, v])


@SETTINGS
@given(shape=shapes, seed=seeds, data=st.data())
def test_flip_roll_match_torch(shape, seed, data):
    axis = data.draw(axis_forms(len(shape)))
    x = values(shape, seed)
    d = dims(axis, len(shape))
    compare(lambda t: ag.flip(t, axis), lambda t: torch.flip(t, np.atleast_1d(d).tolist()), [x])
    shift = data.draw(st.integers(-5, 5))
    if axis is None:
        compare(lambda t: ag.roll(t, shift), lambda t: torch.roll(t, shift), [x])
    elif not isinstance(axis, tuple):
        compare(lambda t: ag.roll(t, shift, axis), lambda t: torch.roll(t, shift, int(axis)), [x])


@SETTINGS
@given(shape=nonempty_shapes, seed=seeds, data=st.data())
def test_repeat_tile_match_torch(shape, seed, data):
    x = values(shape, seed)
    axis = int(data.draw(axis_forms(len(shape), single=True)))
    r = data.draw(st.integers(0, 3))
    compare(lambda t: ag.repeat(t, r, axis), lambda t: torch.repeat_interleave(t, r, axis), [x])
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=4)))
    compare(lambda t: ag.tile(t, reps), lambda t: torch.tile(t, reps), [x])


@pytest.mark.parametrize("mode, torch_mode", [("constant", "constant"), ("reflect", "reflect"),
                                              ("edge", "replicate"), ("wrap", "circular")])
@SETTINGS
@given(hw=st.tuples(st.integers(3, 5), st.integers(3, 5)), seed=seeds,
       pads=st.tuples(*[st.integers(0, 2)] * 4))
def test_pad_matches_torch(mode, torch_mode, hw, seed, pads):
    x = values((2, 1) + hw, seed)
    t, b, l, r = pads
    compare(lambda a: ag.pad(a, ((0, 0), (0, 0), (t, b), (l, r)), mode=mode),
            lambda a: F.pad(a, (l, r, t, b), mode=torch_mode), [x])


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple), seed=seeds,
       k=st.integers(-3, 3))
def test_triangles_diagonal_trace_match_torch(shape, seed, k):
    x = values(shape, seed)
    compare(lambda t: ag.tril(t, k), lambda t: torch.tril(t, k), [x])
    compare(lambda t: ag.triu(t, k), lambda t: torch.triu(t, k), [x])
    compare(lambda t: ag.diagonal(t, k, -2, -1), lambda t: torch.diagonal(t, k, -2, -1), [x])
    if len(shape) == 2:
        compare(lambda t: ag.trace(t), torch.trace, [x])
        compare(lambda t: ag.diag(t[0], k), lambda t: torch.diag(t[0], k), [x])


@SETTINGS
@given(shape=nonempty_shapes, seed=seeds, data=st.data())
def test_split_squeeze_expand_dims_match_torch(shape, seed, data):
    x = values(shape, seed)
    axis = int(data.draw(axis_forms(len(shape), single=True)))
    k = data.draw(st.integers(1, 4))
    ours = ag.array_split(ag.Tensor(x), k, axis=axis)
    theirs = torch.tensor_split(torch.tensor(x), k, dim=axis)
    assert len(ours) == len(theirs)
    for i in range(k):
        compare(lambda t, i=i: ag.array_split(t, k, axis=axis)[i],
                lambda t, i=i: torch.tensor_split(t, k, dim=axis)[i], [x])
    compare(lambda t: ag.expand_dims(t, axis), lambda t: torch.unsqueeze(t, axis % (len(shape) + 1)), [x])
    ones = tuple(1 if i == axis % len(shape) else n for i, n in enumerate(shape))
    compare(lambda t: ag.squeeze(t, axis), lambda t: torch.squeeze(t, axis), [values(ones, seed)])


def test_one_hot_matches_torch():
    idx = np.array([[0, 3], [2, 2]])
    assert np.array_equal(ag.one_hot(idx, 5).data, F.one_hot(torch.tensor(idx), 5).numpy())
    with pytest.raises(ValueError, match="one_hot"):
        ag.one_hot(np.array([5]), 5)


# --- sorting -----------------------------------------------------------------------------------

@SETTINGS
@given(shape=nonempty_shapes, seed=seeds, data=st.data())
def test_sort_and_topk_match_torch(shape, seed, data):
    axis = int(data.draw(axis_forms(len(shape), single=True)))
    x = values(shape, seed)  # distinct values: with ties the chosen elements may differ
    compare(lambda t: ag.sort(t, axis), lambda t: torch.sort(t, axis).values, [x])
    k = data.draw(st.integers(0, shape[axis]))
    largest = data.draw(st.booleans())
    compare(lambda t: ag.topk(t, k, axis, largest)[0], lambda t: torch.topk(t, k, axis, largest).values, [x])


def test_sort_with_ties_is_stable_like_torch_stable():
    x = values((3, 6), 0, "ties")
    ours = ag.argsort(ag.Tensor(x), axis=1)
    assert np.array_equal(ours, torch.sort(torch.tensor(x), dim=1, stable=True).indices.numpy())


# --- convolution and pooling -------------------------------------------------------------------

@SETTINGS
@given(seed=seeds, groups=st.sampled_from([1, 2]), k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       stride=st.tuples(st.integers(1, 2), st.integers(1, 2)), padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)), bias=st.booleans())
def test_conv2d_matches_torch(seed, groups, k, stride, padding, dilation, bias):
    x, w = values((2, 4, 6, 5), seed), values((6, 4 // groups) + k, seed + 1)
    arrays = [x, w] + ([values((6,), seed + 2)] if bias else [])
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    compare(lambda *a: ag.conv2d(*a, **kw), lambda *a: F.conv2d(*a, **kw), arrays)


@SETTINGS
@given(seed=seeds, k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.integers(0, 1))
def test_conv1d_matches_torch(seed, k, stride, padding):
    compare(lambda a, w: ag.conv1d(a, w, stride=stride, padding=padding),
            lambda a, w: F.conv1d(a, w, stride=stride, padding=padding),
            [values((2, 3, 7), seed), values((4, 3, k), seed + 1)])


@SETTINGS
@given(seed=seeds, k=st.integers(1, 3), stride=st.one_of(st.none(), st.integers(1, 3)),
       data=st.data(), ties=st.booleans())
def test_pooling_matches_torch(seed, k, stride, data, ties):
    padding = data.draw(st.integers(0, k // 2))
    x = values((2, 3, 6, 5), seed, "ties" if ties else "real")  # ties: the first maximum, as torch
    compare(lambda a: ag.max_pool2d(a, k, stride, padding), lambda a: F.max_pool2d(a, k, stride, padding), [x])
    compare(lambda a: ag.avg_pool2d(a, k, stride, padding), lambda a: F.avg_pool2d(a, k, stride, padding), [x])


def test_conv2d_refuses_mismatched_channels_naming_the_shapes():
    with pytest.raises(ValueError, match=r"conv2d.*\(2, 3, 5, 5\).*\(4, 2, 3, 3\)"):
        ag.conv2d(ag.Tensor(np.zeros((2, 3, 5, 5))), ag.Tensor(np.zeros((4, 2, 3, 3))))


# --- einsum: '...' and repeated subscripts --------------------------------------------------------

EINSUM_FORMS = [("ii->i", [(3, 3)]), ("ii", [(4, 4)]), ("iij->j", [(3, 3, 2)]), ("iii->", [(2, 2, 2)]),
                ("bii->b", [(2, 3, 3)]), ("ij,jj->i", [(2, 3), (3, 3)]),
                ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]), ("i...->...", [(3, 2, 4)]),
                ("...i,...i", [(2, 3), (3,)]), ("...,...->...", [(), (2,)]), ("ij...,j->i...", [(2, 3, 0), (3,)])]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_FORMS, ids=[f[0] for f in EINSUM_FORMS])
def test_einsum_forms_match_torch(subscripts, shapes):
    arrays = [values(s, k) for k, s in enumerate(shapes)]
    compare(lambda *a: ag.einsum(subscripts, *a), lambda *a: torch.einsum(subscripts, *a), arrays)


# --- float32 stays float32 -----------------------------------------------------------------------

@pytest.mark.parametrize("fn", [ag.sin, ag.erf, ag.gelu, ag.mish, lambda t: t.cumprod(0), lambda t: t.prod(),
                                lambda t: ag.sort(t, 0), lambda t: ag.pad(t, 1, mode="reflect"),
                                lambda t: ag.conv2d(t.reshape(1, 1, 3, 4), np.ones((2, 1, 2, 2), np.float32)),
                                lambda t: ag.max_pool2d(t.reshape(1, 1, 3, 4), 2)])
def test_float32_is_kept(fn):
    x = ag.Tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    out = fn(x)
    out.sum().backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32


# The op classes checked against PyTorch by the dedicated tests above (their argument forms are
# structured: windows, pads, indices along an axis); test_oracle's completeness test reads this.
DEDICATED = {"AddAlongAxis", "Conv2d", "Conv2dInputGrad", "Conv2dWeightGrad", "CumProd", "CumSum",
             "Flip", "MaxPool2d", "Pad", "Prod", "Roll", "TakeAlongAxis",
             "Hardsigmoid"}  # in UNARY at rtol 1e-7 (PyTorch's float32 constant 1/6)
