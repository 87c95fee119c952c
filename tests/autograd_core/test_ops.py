"""One table of every op: forward against NumPy, gradients against central differences."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.backprop import topological_order
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


# --- issue #15: the ops users reach for (one block, so the completeness test covers them) -------
from autograd_core.ops import Conv2dInputGrad, Conv2dWeightGrad  # noqa: E402

_erf_ref = np.vectorize(__import__("math").erf)


def conv2d_ref(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    """A direct loop over output pixels: the definition of cross-correlation."""
    x = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        gi = oc // og
        for i in range(oh):
            for j in range(ow):
                rows = i * stride[0] + dilation[0] * np.arange(kh)
                cols = j * stride[1] + dilation[1] * np.arange(kw)
                patch = x[:, gi * cg:(gi + 1) * cg][:, :, rows][:, :, :, cols]
                out[:, oc, i, j] = np.sum(patch * w[oc], axis=(1, 2, 3))
    return out if b is None else out + b[:, None, None]


def pool_ref(x, k, s, reduce):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    return np.array([[[[reduce(x[a, b, i * s:i * s + k, j * s:j * s + k]) for j in range(ow)]
                       for i in range(oh)] for b in range(c)] for a in range(n)])


_MASK = np.array([[1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0]])  # zeros in products
_IDX = np.array([[0, 2, 2, 1, 3], [3, 3, 0, 0, 1], [1, 0, 2, 0, 0]])  # repeated indices
_SIN_T = lambda f: (lambda x: f(x * 0.5))  # noqa: E731 (|x| in [0.25, 0.75] from the "away" domain)
for s in UNARY_SHAPES:
    CASES += [
        (f"sin{s}", ag.sin, np.sin, [s], "real", True),
        (f"cos{s}", ag.cos, np.cos, [s], "real", True),
        (f"tan{s}", ag.tan, np.tan, [s], "away", True),
        (f"arcsin{s}", _SIN_T(ag.arcsin), _SIN_T(np.arcsin), [s], "away", True),
        (f"arccos{s}", _SIN_T(ag.arccos), _SIN_T(np.arccos), [s], "away", True),
        (f"arctan{s}", ag.arctan, np.arctan, [s], "real", True),
        (f"sinh{s}", ag.sinh, np.sinh, [s], "real", True),
        (f"cosh{s}", ag.cosh, np.cosh, [s], "real", True),
        (f"arcsinh{s}", ag.arcsinh, np.arcsinh, [s], "real", True),
        (f"arccosh{s}", lambda x: ag.arccosh(x + 1), lambda x: np.arccosh(x + 1), [s], "pos", True),
        (f"arctanh{s}", _SIN_T(ag.arctanh), _SIN_T(np.arctanh), [s], "away", True),
        (f"log1p{s}", ag.log1p, np.log1p, [s], "pos", True),
        (f"expm1{s}", ag.expm1, np.expm1, [s], "real", True),
        (f"log2{s}", ag.log2, np.log2, [s], "pos", True),
        (f"log10{s}", ag.log10, np.log10, [s], "pos", True),
        (f"exp2{s}", ag.exp2, np.exp2, [s], "real", True),
        (f"erf{s}", ag.erf, _erf_ref, [s], "real", True),
        (f"gelu{s}", ag.gelu, lambda x: 0.5 * x * (1 + _erf_ref(x / np.sqrt(2))), [s], "real", True),
        (f"gelu_tanh{s}", lambda x: ag.gelu(x, approximate="tanh"),
         lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), [s], "real", True),
        (f"silu{s}", ag.silu, lambda x: x / (1 + np.exp(-x)), [s], "real", True),
        (f"elu{s}", lambda x: ag.elu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)), [s], "away", False),
        (f"selu{s}", ag.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
         [s], "away", False),
        (f"celu{s}", lambda x: ag.celu(x, 2.0), lambda x: np.where(x > 0, x, 2.0 * np.expm1(x / 2.0)), [s], "away", False),
        (f"mish{s}", ag.mish, lambda x: x * np.tanh(np.logaddexp(0, x)), [s], "real", True),
        (f"softsign{s}", ag.softsign, lambda x: x / (1 + np.abs(x)), [s], "away", True),
        (f"hardtanh{s}", lambda x: ag.hardtanh(x, -0.8, 1.2), lambda x: np.clip(x, -0.8, 1.2), [s], "away", False),
        (f"hardsigmoid{s}", lambda x: ag.hardsigmoid(4 * x), lambda x: np.clip(4 * x / 6 + 0.5, 0, 1), [s], "away", False),
        (f"hardswish{s}", lambda x: ag.hardswish(4 * x), lambda x: 4 * x * np.clip(4 * x / 6 + 0.5, 0, 1), [s], "away", False),
        (f"logsigmoid{s}", ag.logsigmoid, lambda x: -np.logaddexp(0, -x), [s], "real", True),
        (f"softplus_beta{s}", lambda x: ag.softplus(x, beta=2.0), lambda x: np.logaddexp(0, 2 * x) / 2, [s], "real", True),
        (f"sign{s}", lambda x: ag.sign(x) * x, lambda x: np.sign(x) * x, [s], "away", False),
        (f"floor{s}", lambda x: ag.floor(3 * x) + x, lambda x: np.floor(3 * x) + x, [s], "real", False),
        (f"ceil{s}", lambda x: ag.ceil(3 * x) + x, lambda x: np.ceil(3 * x) + x, [s], "real", False),
        (f"round{s}", lambda x: ag.round(3 * x, 1) + x, lambda x: np.round(3 * x, 1) + x, [s], "real", False),
        (f"trunc{s}", lambda x: ag.trunc(3 * x) + x, lambda x: np.trunc(3 * x) + x, [s], "real", False),
        (f"remainder{s}", lambda x: x * 3 % 0.7, lambda x: np.remainder(x * 3, 0.7), [s], "real", False),
        (f"floor_divide{s}", lambda x: x * 3 // 0.7 + x, lambda x: np.floor_divide(x * 3, 0.7) + x, [s], "real", False),
    ]
CASES += [
    ("arctan2", ag.arctan2, np.arctan2, [(3, 4), (4,)], "away", True),
    ("logaddexp", ag.logaddexp, np.logaddexp, [(3, 1), (4,)], "real", True),
    ("remainder_both", lambda x, y: x % y, np.remainder, [(3, 4), (4,)], "pos", False),
    ("rfloordiv", lambda x: 2.0 // x + x, lambda x: 2.0 // x + x, [(3,)], "pos", False),
    ("rmod", lambda x: 2.0 % x, lambda x: 2.0 % x, [(3,)], "pos", False),
    ("std_ddof1", lambda x: x.std(axis=(0, -1), ddof=1), lambda x: x.std(axis=(0, -1), ddof=1), [(2, 3, 4)], "real", True),
    ("var_ddof1_keepdims", lambda x: x.var(axis=1, keepdims=True, ddof=1),
     lambda x: x.var(axis=1, keepdims=True, ddof=1), [(2, 3, 4)], "real", True),
    ("prod", lambda x: x.prod(axis=(0, 2)), lambda x: x.prod(axis=(0, 2)), [(2, 3, 4)], "real", True),
    ("prod_zeros", lambda x: (x * _MASK).prod(axis=-1, keepdims=True),
     lambda x: (x * _MASK).prod(axis=-1, keepdims=True), [(3, 4)], "real", True),
    ("prod_all_zeros", lambda x: (x * _MASK).prod(), lambda x: (x * _MASK).prod(), [(3, 4)], "real", True),
    ("cumsum", lambda x: x.cumsum(axis=-2), lambda x: x.cumsum(axis=-2), [(2, 3, 4)], "real", True),
    ("cumsum_flat", lambda x: x.cumsum(), lambda x: x.cumsum(), [(3, 4)], "real", True),
    ("cumprod", lambda x: x.cumprod(axis=0), lambda x: x.cumprod(axis=0), [(3, 4)], "real", True),
    ("cumprod_zeros", lambda x: (x * _MASK).cumprod(axis=1), lambda x: (x * _MASK).cumprod(axis=1),
     [(3, 4)], "real", True),
    ("cumprod_zeros_axis0", lambda x: (x * _MASK.T).cumprod(axis=0), lambda x: (x * _MASK.T).cumprod(axis=0),
     [(4, 3)], "real", True),
    ("take_along_axis", lambda x: ag.take_along_axis(x, _IDX, 1), lambda x: np.take_along_axis(x, _IDX, 1),
     [(3, 4)], "real", True),
    ("take_along_axis_broadcast", lambda x: ag.take_along_axis(x, _IDX[:1], 1),
     lambda x: np.take_along_axis(x, _IDX[:1], 1), [(3, 4)], "real", True),
    ("add_along_axis", lambda x, v: ag.add_along_axis(x, _IDX, v, -1),
     lambda x, v: x + scatter_add_ref(v, (np.arange(3)[:, None], _IDX), (3, 4)), [(3, 4), (3, 5)], "real", True),
    ("squeeze", lambda x: ag.squeeze(x, (0, -1)), lambda x: np.squeeze(x, (0, -1)), [(1, 3, 1)], "real", True),
    ("expand_dims", lambda x: ag.expand_dims(x, (0, -1)), lambda x: np.expand_dims(x, (0, -1)), [(2, 3)], "real", True),
    ("flip", lambda x: ag.flip(x, (0, -1)), lambda x: np.flip(x, (0, -1)), [(2, 3, 4)], "real", True),
    ("roll", lambda x: ag.roll(x, (1, -2), (0, 2)), lambda x: np.roll(x, (1, -2), (0, 2)), [(2, 3, 4)], "real", True),
    ("roll_flat", lambda x: ag.roll(x, 5), lambda x: np.roll(x, 5), [(3, 4)], "real", True),
    ("repeat", lambda x: ag.repeat(x, [1, 0, 3], axis=0), lambda x: np.repeat(x, [1, 0, 3], axis=0), [(3, 2)], "real", True),
    ("tile", lambda x: ag.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), [(3, 2)], "real", True),
    ("pad_constant", lambda x: ag.pad(x, ((1, 0), (2, 3)), constant_values=0.5),
     lambda x: np.pad(x, ((1, 0), (2, 3)), constant_values=0.5), [(3, 2)], "real", True),
    ("pad_reflect", lambda x: ag.pad(x, 2, mode="reflect"), lambda x: np.pad(x, 2, mode="reflect"), [(3, 4)], "real", True),
    ("pad_edge", lambda x: ag.pad(x, (1, 2), mode="edge"), lambda x: np.pad(x, (1, 2), mode="edge"), [(3, 4)], "real", True),
    ("split", lambda x: ag.split(x, [1, 3], axis=1)[1], lambda x: np.split(x, [1, 3], axis=1)[1], [(3, 4)], "real", True),
    ("array_split", lambda x: ag.array_split(x, 3, axis=-1)[0], lambda x: np.array_split(x, 3, axis=-1)[0],
     [(3, 4)], "real", True),
    ("tril", lambda x: ag.tril(x, -1), lambda x: np.tril(x, -1), [(2, 3, 4)], "real", True),
    ("triu", lambda x: ag.triu(x, 1), lambda x: np.triu(x, 1), [(3, 4)], "real", True),
    ("diagonal", lambda x: ag.diagonal(x, 1, 0, 2), lambda x: np.diagonal(x, 1, 0, 2), [(3, 2, 4)], "real", True),
    ("diag_vector", lambda x: ag.diag(x, -1), lambda x: np.diag(x, -1), [(3,)], "real", True),
    ("trace", lambda x: ag.trace(x, -1), lambda x: np.trace(x, -1), [(3, 4)], "real", True),
    ("sort", lambda x: ag.sort(x, axis=0), lambda x: np.sort(x, axis=0), [(3, 4)], "real", True),
    ("sort_flat", lambda x: ag.sort(x, axis=None), lambda x: np.sort(x, axis=None), [(3, 4)], "real", True),
    ("topk", lambda x: ag.topk(x, 2)[0], lambda x: -np.sort(-x, axis=-1)[:, :2], [(3, 4)], "real", True),
    ("partition_kth", lambda x: ag.partition(x, 2)[:, 2], lambda x: np.partition(x, 2)[:, 2], [(3, 4)], "real", True),
    ("conv2d", lambda x, w, b: ag.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     lambda x, w, b: conv2d_ref(x, w, b, (2, 1), (1, 2), (1, 2), 2), [(2, 4, 5, 4), (4, 2, 2, 2), (4,)], "real", True),
    ("conv2d_plain", ag.conv2d, conv2d_ref, [(1, 2, 4, 4), (3, 2, 3, 3)], "real", True),
    ("conv2d_input_grad", lambda g, w: Conv2dInputGrad((1, 2, 5, 4), (2, 1), (1, 1), 1)(g, w),
     lambda g, w: _input_grad_ref(g, w, (1, 2, 5, 4), 2), [(1, 3, 2, 3), (3, 2, 2, 2)], "real", True),
    ("conv2d_weight_grad", lambda x, g: Conv2dWeightGrad((3, 2, 2, 2), (2, 1), (1, 1), 1)(x, g),
     lambda x, g: _weight_grad_ref(x, g, (3, 2, 2, 2), 2), [(1, 2, 5, 4), (1, 3, 2, 3)], "real", True),
    ("conv1d", lambda x, w: ag.conv1d(x, w, stride=2, padding=1),
     lambda x, w: conv2d_ref(x[:, :, None], w[:, :, None], stride=(1, 2), padding=(0, 1))[:, :, 0],
     [(2, 3, 7), (4, 3, 3)], "real", True),
    ("max_pool2d", lambda x: ag.max_pool2d(x, 2), lambda x: pool_ref(x, 2, 2, np.max), [(2, 2, 4, 5)], "real", False),
    ("max_pool2d_overlap", lambda x: ag.max_pool2d(x, 3, stride=1), lambda x: pool_ref(x, 3, 1, np.max),
     [(1, 2, 4, 4)], "real", False),
    ("avg_pool2d", lambda x: ag.avg_pool2d(x, 2, stride=1), lambda x: pool_ref(x, 2, 1, np.mean),
     [(2, 2, 3, 4)], "real", True),
    ("einsum_ellipsis_broadcast", lambda x, y: ag.einsum("...ij,...jk->...ik", x, y),
     lambda x, y: np.einsum("...ij,...jk->...ik", x, y), [(2, 1, 3, 4), (5, 4, 2)], "real", True),
    ("einsum_ellipsis_implicit", lambda x, y: ag.einsum("...i,...i", x, y),
     lambda x, y: np.einsum("...i,...i", x, y), [(2, 3), (3,)], "real", True),
    ("einsum_diagonal", lambda x: ag.einsum("bii->bi", x), lambda x: np.einsum("bii->bi", x), [(2, 3, 3)], "real", True),
    ("einsum_trace", lambda x: ag.einsum("ii", x), lambda x: np.einsum("ii", x), [(3, 3)], "real", True),
    ("einsum_repeated_two_operands", lambda x, y: ag.einsum("ij,jj->i", x, y),
     lambda x, y: np.einsum("ij,jj->i", x, y), [(2, 3), (3, 3)], "real", True),
]


def _input_grad_ref(g, w, shape, stride):
    """d/dx of sum(g * conv2d(x, w, stride)) by the transpose of the loop definition."""
    out = np.zeros(shape)
    for i in range(g.shape[2]):
        for j in range(g.shape[3]):
            out[:, :, i * stride:i * stride + w.shape[2], j:j + w.shape[3]] += np.einsum(
                "no,ochw->nchw", g[:, :, i, j], w)
    return out


def _weight_grad_ref(x, g, shape, stride):
    out = np.zeros(shape)
    for i in range(g.shape[2]):
        for j in range(g.shape[3]):
            out += np.einsum("no,nchw->ochw", g[:, :, i, j],
                             x[:, :, i * stride:i * stride + shape[2], j:j + shape[3]])
    return out

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
    with ag.keep_values():
        out = fn(*[ag.Tensor(a, requires_grad=True) for a in inputs_for(case, rng)])
    report = ag.check_graph(out, atol=1e-8, rtol=1e-6)
    assert [n.status for n in report] == ["ok"] * len(report), str(report)


SMOOTH = [c for c in CASES if c[5]]


@pytest.mark.parametrize("case", SMOOTH, ids=[c[0] for c in SMOOTH])
def test_second_derivative_matches_finite_differences(case, rng):
    _, fn, _, _, _, _ = case
    assert gradcheck(fn, inputs_for(case, rng), eps=1e-5, atol=1e-6, rtol=1e-5, order=2)


def op_classes_in(t):
    """The Function subclasses recorded in t's graph."""
    return {type(node.function) for node in topological_order([t])}


def test_table_covers_every_op_class(rng):
    every = {c for c in vars(ag.ops).values() if isinstance(c, type) and issubclass(c, ag.Function)}
    covered = set()
    for case in CASES:
        covered |= op_classes_in(case[1](*[ag.Tensor(a, requires_grad=True) for a in inputs_for(case, rng)]))
    assert sorted(c.__name__ for c in every - covered) == []
