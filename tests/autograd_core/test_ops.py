"""One table of every op: forward against NumPy, gradients against central differences."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.checks import gradcheck
from autograd_core.ops import ScatterAdd


# Domains: "real" any value; "pos" positive; "away" |x| in [0.5, 1.5] (away from kinks at 0).
def sample(rng, shape, domain):
    if domain == "pos":
        return rng.uniform(0.5, 2.0, shape)
    if domain == "away":
        return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    return rng.standard_normal(shape)


def logsumexp_ref(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def scatter_add_ref(g, index, shape):
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((1, 4), (3, 1)), ((), (2, 3)),
             ((2, 3), ()), ((2, 1, 3), (4, 1))]

# (id, our function, NumPy reference, input shapes, domain, smooth: check second order too)
CASES = []
for a, b in BROADCAST:
    tag = f"{a}x{b}"
    CASES += [
        (f"add{tag}", lambda x, y: x + y, np.add, [a, b], "real", True),
        (f"add_alpha{tag}", lambda x, y: ag.add(x, y, alpha=0.3), lambda x, y: x + 0.3 * y, [a, b],
         "real", True),
        (f"sub{tag}", lambda x, y: x - y, np.subtract, [a, b], "real", True),
        (f"mul{tag}", lambda x, y: x * y, np.multiply, [a, b], "real", True),
        (f"div{tag}", lambda x, y: x / y, np.divide, [a, b], "pos", True),
        (f"pow{tag}", lambda x, y: x ** y, np.power, [a, b], "pos", True),
        (f"maximum{tag}", ag.maximum, np.maximum, [a, b], "real", False),
        (f"minimum{tag}", ag.minimum, np.minimum, [a, b], "real", False),
    ]

UNARY_SHAPES = [(), (5,), (2, 3)]
for s in UNARY_SHAPES:
    CASES += [
        (f"neg{s}", lambda x: -x, np.negative, [s], "real", True),
        (f"exp{s}", ag.exp, np.exp, [s], "real", True),
        (f"log{s}", ag.log, np.log, [s], "pos", True),
        (f"sqrt{s}", ag.sqrt, np.sqrt, [s], "pos", True),
        (f"tanh{s}", ag.tanh, np.tanh, [s], "real", True),
        (f"sigmoid{s}", ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), [s], "real", True),
        (f"softplus{s}", ag.softplus, lambda x: np.log1p(np.exp(x)), [s], "real", True),
        (f"relu{s}", ag.relu, lambda x: np.maximum(x, 0), [s], "away", False),
        (f"leaky_relu{s}", lambda x: ag.leaky_relu(x, 0.1), lambda x: np.where(x > 0, x, 0.1 * x),
         [s], "away", False),
        (f"abs{s}", abs, np.abs, [s], "away", False),
        (f"square{s}", lambda x: x ** 2, np.square, [s], "real", True),
        (f"cube{s}", lambda x: x ** 3, lambda x: x ** 3, [s], "real", True),
        (f"rsqrt{s}", lambda x: x ** -0.5, lambda x: x ** -0.5, [s], "pos", True),
        (f"pow_neg_int{s}", lambda x: x ** -3, lambda x: x ** -3.0, [s], "away", True),
        (f"pow_integral_float{s}", lambda x: x ** 3.0, lambda x: x ** 3.0, [s], "real", True),
        (f"rpow{s}", lambda x: 2.0 ** x, lambda x: 2.0 ** x, [s], "real", True),
        (f"rsub{s}", lambda x: 1.0 - x, lambda x: 1.0 - x, [s], "real", True),
        (f"add_number{s}", lambda x: x + 0.5, lambda x: x + 0.5, [s], "real", True),
        (f"radd_number{s}", lambda x: 2 + x, lambda x: 2 + x, [s], "real", True),
        (f"add_alpha_number{s}", lambda x: ag.add(x, 0.5, alpha=-2), lambda x: x - 1.0, [s], "real",
         True),
        (f"sub_number{s}", lambda x: x - 0.5, lambda x: x - 0.5, [s], "real", True),
        (f"mul_number{s}", lambda x: x * -1.5, lambda x: x * -1.5, [s], "real", True),
        (f"rmul_number{s}", lambda x: 3 * x, lambda x: 3 * x, [s], "real", True),
        (f"rdiv{s}", lambda x: 1.0 / x, lambda x: 1.0 / x, [s], "pos", True),
        (f"clip{s}", lambda x: ag.clip(x, -1.0, 1.0), lambda x: np.clip(x, -1, 1), [s], "away", False),
        (f"where{s}", lambda x, y: ag.where(x > 0, x, y), lambda x, y: np.where(x > 0, x, y),
         [s, s], "away", False),
        (f"astype{s}", lambda x: ag.astype(x, np.float64) * 2, lambda x: x * 2, [s], "real", True),
        (f"astype_longdouble{s}", lambda x: ag.astype(ag.astype(x, np.longdouble) * 3, np.float64),
         lambda x: x * 3, [s], "real", True),
    ]

REDUCE_AXES = [None, 0, -1, (0, 2), (-1, 0)]
for axis in REDUCE_AXES:
    for keepdims in (False, True):
        tag = f"(axis={axis},keepdims={keepdims})"
        kw = dict(axis=axis, keepdims=keepdims)
        CASES += [
            (f"sum{tag}", lambda x, kw=kw: x.sum(**kw), lambda x, kw=kw: x.sum(**kw), [(2, 3, 4)], "real", True),
            (f"mean{tag}", lambda x, kw=kw: x.mean(**kw), lambda x, kw=kw: x.mean(**kw), [(2, 3, 4)], "real", True),
            (f"var{tag}", lambda x, kw=kw: x.var(**kw), lambda x, kw=kw: x.var(**kw), [(2, 3, 4)], "real", True),
            (f"max{tag}", lambda x, kw=kw: x.max(**kw), lambda x, kw=kw: x.max(**kw), [(2, 3, 4)], "real", False),
            (f"min{tag}", lambda x, kw=kw: x.min(**kw), lambda x, kw=kw: x.min(**kw), [(2, 3, 4)], "real", False),
            (f"logsumexp{tag}", lambda x, kw=kw: ag.logsumexp(x, **kw), lambda x, kw=kw: logsumexp_ref(x, **kw),
             [(2, 3, 4)], "real", True),
        ]
CASES += [
    ("sum0d", lambda x: x.sum(), np.sum, [()], "real", True),
    ("softmax-1", ag.softmax, lambda x: np.exp(x - logsumexp_ref(x, -1, True)), [(3, 4)], "real", True),
    ("softmax0", lambda x: ag.softmax(x, axis=0), lambda x: np.exp(x - logsumexp_ref(x, 0, True)),
     [(3, 4)], "real", True),
    ("log_softmax", ag.log_softmax, lambda x: x - logsumexp_ref(x, -1, True), [(3, 4)], "real", True),
    ("reshape", lambda x: x.reshape(4, -1), lambda x: x.reshape(4, -1), [(2, 3, 2)], "real", True),
    ("reshape0d", lambda x: x.reshape(1, 1), lambda x: x.reshape(1, 1), [()], "real", True),
    ("transpose", lambda x: x.T, lambda x: x.T, [(2, 3, 4)], "real", True),
    ("transpose_axes", lambda x: x.transpose(1, 2, 0), lambda x: x.transpose(1, 2, 0), [(2, 3, 4)], "real", True),
    ("swapaxes", lambda x: x.swapaxes(0, -1), lambda x: x.swapaxes(0, -1), [(2, 3, 4)], "real", True),
    ("broadcast_to", lambda x: x.broadcast_to((2, 3, 4)), lambda x: np.broadcast_to(x, (2, 3, 4)),
     [(3, 1)], "real", True),
    ("getitem_int", lambda x: x[1], lambda x: x[1], [(3, 4)], "real", True),
    ("getitem_slice", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [(3, 4)], "real", True),
    ("getitem_neg_none_ellipsis", lambda x: x[..., -1, None], lambda x: x[..., -1, None], [(2, 3, 4)], "real", True),
    ("getitem_repeated_fancy", lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]], [(3, 4)], "real", True),
    ("getitem_fancy_pairs", lambda x: x[[0, 1, 1], [2, 2, 2]], lambda x: x[[0, 1, 1], [2, 2, 2]], [(3, 4)], "real", True),
    ("getitem_bool_mask", lambda x: x[x > 0], lambda x: x[x > 0], [(3, 4)], "away", True),
    ("getitem_tensor_index", lambda x: x[ag.Tensor(np.array([2, 0, 2]))], lambda x: x[[2, 0, 2]], [(3,)], "real", True),
    ("scatter_add_basic", lambda g: ScatterAdd((slice(1, None), 0), (3, 4))(g),
     lambda g: scatter_add_ref(g, (slice(1, None), 0), (3, 4)), [(2,)], "real", True),
    ("scatter_add_repeated", lambda g: ScatterAdd(np.array([0, 2, 0]), (3, 4))(g),
     lambda g: scatter_add_ref(g, np.array([0, 2, 0]), (3, 4)), [(3, 4)], "real", True),
    ("concatenate0", lambda x, y: ag.concatenate([x, y]), lambda x, y: np.concatenate([x, y]), [(2, 3), (4, 3)], "real", True),
    ("concatenate-1", lambda x, y: ag.concatenate([x, y], axis=-1), lambda x, y: np.concatenate([x, y], -1),
     [(2, 3), (2, 1)], "real", True),
    ("stack0", lambda x, y: ag.stack([x, y]), lambda x, y: np.stack([x, y]), [(2, 3), (2, 3)], "real", True),
    ("stack-1", lambda x, y: ag.stack([x, y], axis=-1), lambda x, y: np.stack([x, y], -1), [(2, 3), (2, 3)], "real", True),
    ("matmul2d", lambda x, y: x @ y, np.matmul, [(3, 4), (4, 2)], "real", True),
    ("matmul1d2d", lambda x, y: x @ y, np.matmul, [(4,), (4, 2)], "real", True),
    ("matmul2d1d", lambda x, y: x @ y, np.matmul, [(3, 4), (4,)], "real", True),
    ("matmul1d1d", lambda x, y: x @ y, np.matmul, [(4,), (4,)], "real", True),
    ("matmul_batched", lambda x, y: x @ y, np.matmul, [(2, 3, 4), (2, 4, 5)], "real", True),
    ("matmul_batch_broadcast", lambda x, y: x @ y, np.matmul, [(2, 1, 3, 4), (5, 4, 2)], "real", True),
    ("matmul1d_batched", lambda x, y: x @ y, np.matmul, [(4,), (2, 4, 3)], "real", True),
    ("matmul_batched_1d", lambda x, y: x @ y, np.matmul, [(2, 3, 4), (4,)], "real", True),
    ("rmatmul_array", lambda x: np.ones((2, 3)) @ x, lambda x: np.ones((2, 3)) @ x, [(3, 4)], "real", True),
    ("linear", ag.linear, lambda x, w, b: x @ w.T + b, [(5, 3), (4, 3), (4,)], "real", True),
    ("linear_no_bias", ag.linear, lambda x, w: x @ w.T, [(5, 3), (4, 3)], "real", True),
    ("linear_batched", ag.linear, lambda x, w, b: x @ w.T + b, [(2, 5, 3), (4, 3), (4,)], "real", True),
    ("linear_vector", ag.linear, lambda x, w, b: x @ w.T + b, [(3,), (4, 3), (4,)], "real", True),
    ("linear_tanh", lambda x, w, b: ag.linear(x, w, b, activation="tanh"),
     lambda x, w, b: np.tanh(x @ w.T + b), [(5, 3), (4, 3), (4,)], "real", True),
    ("linear_sigmoid_batched", lambda x, w, b: ag.linear(x, w, b, activation="sigmoid"),
     lambda x, w, b: 1 / (1 + np.exp(-(x @ w.T + b))), [(2, 5, 3), (4, 3), (4,)], "real", True),
    ("linear_relu_no_bias", lambda x, w: ag.linear(x, w, activation="relu"),
     lambda x, w: np.maximum(x @ w.T, 0), [(5, 3), (4, 3)], "real", True),
    ("residual_linear_tanh", lambda x, w, b: ag.residual_linear(x, w, b, step=0.3, activation="tanh"),
     lambda x, w, b: x + 0.3 * np.tanh(x @ w.T + b), [(5, 3), (3, 3), (3,)], "real", True),
    ("residual_linear_sigmoid_batched_no_bias",
     lambda x, w: ag.residual_linear(x, w, step=-2.0, activation="sigmoid"),
     lambda x, w: x - 2.0 / (1 + np.exp(-(x @ w.T))), [(2, 5, 3), (3, 3)], "real", True),
    ("residual_linear_vector", lambda x, w, b: ag.residual_linear(x, w, b, step=0.5),
     lambda x, w, b: x + 0.5 * (x @ w.T + b), [(3,), (3, 3), (3,)], "real", True),
    ("linear_relu_vector", lambda x, w, b: ag.linear(x, w, b, activation="relu"),
     lambda x, w, b: np.maximum(x @ w.T + b, 0), [(3,), (4, 3), (4,)], "real", True),
    ("einsum_matmul", lambda x, y: ag.einsum("ij,jk->ik", x, y), lambda x, y: np.einsum("ij,jk->ik", x, y),
     [(3, 4), (4, 2)], "real", True),
    ("einsum_outer", lambda x, y: ag.einsum("i,j->ij", x, y), lambda x, y: np.einsum("i,j->ij", x, y),
     [(3,), (4,)], "real", True),
    ("einsum_batched_sum_out", lambda x, y: ag.einsum("bij,bjk->b", x, y),
     lambda x, y: np.einsum("bij,bjk->b", x, y), [(2, 3, 4), (2, 4, 5)], "real", True),
    ("einsum_implicit", lambda x, y: ag.einsum("ij,jk", x, y), lambda x, y: np.einsum("ij,jk", x, y),
     [(3, 4), (4, 2)], "real", True),
    ("einsum_three", lambda x, y, z: ag.einsum("ij,jk,k->i", x, y, z),
     lambda x, y, z: np.einsum("ij,jk,k->i", x, y, z), [(3, 4), (4, 2), (2,)], "real", True),
]

IDS = [c[0] for c in CASES]


def inputs_for(case, rng):
    _, _, _, shapes, domain, _ = case
    return [sample(rng, s, domain) for s in shapes]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_matches_numpy(case, rng):
    _, fn, ref, _, _, _ = case
    arrays = inputs_for(case, rng)
    out = fn(*[ag.Tensor(a) for a in arrays])
    assert isinstance(out, ag.Tensor)
    np.testing.assert_allclose(out.data, ref(*arrays), rtol=1e-12, atol=1e-12)
    assert out.shape == np.shape(ref(*arrays))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_finite_differences(case, rng):
    _, fn, _, _, _, _ = case
    assert gradcheck(fn, inputs_for(case, rng), eps=1e-6, atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_graph_finds_every_vjp_right(case, rng):
    _, fn, _, _, _, _ = case
    report = ag.check_graph(fn(*[ag.Tensor(a, requires_grad=True) for a in inputs_for(case, rng)]),
                            atol=1e-8, rtol=1e-6)
    assert [n.status for n in report] == ["ok"] * len(report), str(report)


SMOOTH = [c for c in CASES if c[5]]


@pytest.mark.parametrize("case", SMOOTH, ids=[c[0] for c in SMOOTH])
def test_second_derivative_matches_finite_differences(case, rng):
    _, fn, _, _, _, _ = case
    assert gradcheck(fn, inputs_for(case, rng), eps=1e-5, atol=1e-6, rtol=1e-5, order=2)


def op_classes_in(t):
    """The Function subclasses recorded in t's graph."""
    seen, found, stack = set(), set(), [t]
    while stack:
        node = stack.pop()
        if node.op is not None and id(node) not in seen:
            seen.add(id(node))
            found.add(type(node.op))
            stack.extend(node.inputs)
    return found


def test_table_covers_every_op_class(rng):
    every = {c for c in vars(ag.ops).values() if isinstance(c, type) and issubclass(c, ag.Function)}
    covered = set()
    for case in CASES:
        covered |= op_classes_in(case[1](*[ag.Tensor(a, requires_grad=True) for a in inputs_for(case, rng)]))
    assert sorted(c.__name__ for c in every - covered) == []
