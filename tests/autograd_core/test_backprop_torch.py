"""backprop against PyTorch where the node graph could go wrong (found by a review of it).

Third-order derivatives against PyTorch (float64) through constants, leaves and nodes, the
same node used twice, saves="output" ops, fused dense ops, conv; version counters; grad() with
non-leaf inputs; retain_graph accumulation; dtypes of NumPy-scalar and Python-number operands.
"""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor
from tests.autograd_core.oracle import require_torch


def _weights(g, k):
    return np.cos(np.arange(g.size).reshape(g.shape) + k)


def _ours(f, arrays, order):
    xs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    cur, found = f(ag, *xs), []
    for k in range(order):
        gs = ag.grad(cur, xs, create_graph=True, allow_unused=True)
        found.append([None if g is None else np.array(g.data) for g in gs])
        terms = [(g * Tensor(_weights(g, k))).sum() for g in gs if g is not None]
        if not terms or not any(t.requires_grad for t in terms):
            break
        cur = terms[0]
        for t in terms[1:]:
            cur = cur + t
    return found


def _theirs(torch, f, arrays, order):
    xs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    cur, found = f(torch, *xs), []
    for k in range(order):
        gs = torch.autograd.grad(cur, xs, create_graph=True, allow_unused=True)
        found.append([None if g is None else g.detach().numpy().copy() for g in gs])
        terms = [(g * torch.tensor(_weights(g.detach().numpy(), k))).sum() for g in gs if g is not None]
        if not terms or not any(t.requires_grad for t in terms):
            break
        cur = sum(terms[1:], terms[0])
    return found


_rng = np.random.default_rng(0)
X3 = _rng.standard_normal(3)
POS3 = _rng.uniform(0.5, 2.0, 3)
EXP3 = _rng.uniform(0.5, 2.0, 3)
M33 = _rng.standard_normal((3, 3))
XB = _rng.standard_normal((4, 3))
WB = _rng.standard_normal((3, 3))
BB = _rng.standard_normal(3)
IMG = _rng.standard_normal((2, 2, 5, 5))
KER = _rng.standard_normal((3, 2, 3, 3))


def _t(ns, a):
    return ns.tensor(a) if ns.__name__ == "torch" else Tensor(a)


def _act(ns, name, z):
    if name is None:
        return z
    return getattr(ns, name)(z)


def _linear(ns, x, w, b, act):
    if ns.__name__ == "torch":
        return _act(ns, act, ns.nn.functional.linear(x, w, b))
    return ag.linear(x, w, b, activation=act)


def _residual(ns, x, w, b, act, step=0.3):
    if ns.__name__ == "torch":
        return x + step * _act(ns, act, ns.nn.functional.linear(x, w, b))
    return ag.residual_linear(x, w, b, step=step, activation=act)


CASES = {
    "pow const 3": (lambda ns, a: (a ** 3).sum(), [X3]),
    "pow const 2 of a node": (lambda ns, a: (ns.sin(a) ** 2).sum(), [X3]),
    "pow const 0.5": (lambda ns, a: (a ** 0.5).sum(), [POS3]),
    "pow const -1": (lambda ns, a: (a ** -1).sum(), [POS3]),
    "pow const 0": (lambda ns, a: (ns.sin(a) ** 0 * a).sum(), [X3]),
    "pow const 2 at 0": (lambda ns, a: (a ** 2.0).sum(), [np.array([0.0, 1.5])]),
    "pow both leaves": (lambda ns, a, b: (a ** b).sum(), [POS3, EXP3]),
    "pow both nodes": (lambda ns, a, b: (ns.exp(a) ** ns.sin(b)).sum(), [X3, EXP3]),
    "x ** x": (lambda ns, a: (a ** a).sum(), [POS3]),
    "number ** x": (lambda ns, a: (2.0 ** a).sum(), [X3]),
    "number ** node": (lambda ns, a: (2.0 ** ns.sin(a)).sum(), [X3]),
    "div leaves": (lambda ns, a, b: (a / b).sum(), [X3, POS3]),
    "div nodes": (lambda ns, a, b: (ns.sin(a) / ns.exp(b)).sum(), [X3, POS3]),
    "number / x": (lambda ns, a: (3.0 / a).sum(), [POS3]),
    "number / node": (lambda ns, a: (3.0 / ns.exp(a)).sum(), [X3]),
    "node / number": (lambda ns, a: (ns.sin(a) / 3.0).sum(), [X3]),
    "same node twice": (lambda ns, a: (lambda h: (h * h * h).sum())(ns.sin(a)), [X3]),
    "same node in a quotient": (lambda ns, a: (lambda h: (h / (h * h + 1)).sum())(ns.sin(a)), [X3]),
    "same leaf twice": (lambda ns, a: (a * a).sum(), [X3]),
    "data tensor factor": (lambda ns, a: (a * _t(ns, M33[0]) * a).sum(), [X3]),
    "number - x, x - number": (lambda ns, a: ((a - 2) * (2 - a) * a).sum(), [X3]),
    "exp (saves output)": (lambda ns, a: ns.exp(a * 2).sum(), [X3]),
    "sqrt of a node (saves output)": (lambda ns, a: ns.sqrt(ns.exp(a)).sum(), [X3]),
    "tanh of a node (saves output)": (lambda ns, a: ns.tanh(ns.sin(a)).sum(), [X3]),
    "sigmoid (saves output)": (lambda ns, a: ns.sigmoid(a * a).sum(), [X3]),
    "softmax (saves output)": (lambda ns, a: (ns.softmax(ns.sin(a), -1) * _t(ns, M33[1])).sum(), [X3]),
    "expm1 (saves output)": (lambda ns, a: ns.expm1(ns.sin(a)).sum(), [X3]),
    "exp2 (saves output)": (lambda ns, a: ns.exp2(ns.sin(a)).sum(), [X3]),
    "tan (saves output)": (lambda ns, a: ns.tan(a).sum(), [X3 * 0.3]),
    "matmul by a constant": (lambda ns, a: ns.tanh(_t(ns, M33) @ a).sum(), [X3]),
    "matmul of leaves": (lambda ns, a, b: ns.tanh(a.reshape(3, 1) @ b.reshape(1, 3)).sum(), [X3, POS3]),
    "logaddexp": (lambda ns, a, b: ns.logaddexp(a * b, b).sum(), [X3, POS3]),
    "maximum": (lambda ns, a, b: (ns.maximum(a * a, b) ** 2).sum(), [X3, POS3]),
    "remainder by a number": (lambda ns, a: (ns.remainder(a * a * 5, 1.3) ** 2).sum(), [X3]),
    "0-d": (lambda ns, a: (a * a * 2.0) ** 2 / (a + 3.0), [np.array(0.7)]),
    "0-d pow": (lambda ns, a: (a ** a) ** 2.5, [np.array(0.7)]),
    "sum of a broadcast product": (lambda ns, a: ((a.reshape(3, 1) * a).sum(0) ** 3).sum(), [X3]),
    "cumprod with a zero": (lambda ns, a: (ns.cumprod(a, 0) ** 2).sum(), [np.array([1.0, 0.0, 2.0])]),
    "advanced index with repeats": (lambda ns, a: (a[[0, 0, 2]] ** 3).sum(), [X3]),
}
for _act_name in (None, "tanh", "sigmoid", "relu"):
    CASES[f"linear {_act_name}"] = (
        lambda ns, x, w, b, act=_act_name: (_linear(ns, x, w, b, act) ** 3).sum(), [XB, WB, BB])
for _act_name in (None, "tanh", "sigmoid"):
    CASES[f"residual_linear {_act_name}"] = (
        lambda ns, x, w, b, act=_act_name: (_residual(ns, x, w, b, act) ** 3).sum(), [XB, WB, BB])
CASES.update({
    "linear of a node": (lambda ns, x, w, b: (_linear(ns, ns.sin(x), w, b, "tanh") ** 3).sum(), [XB, WB, BB]),
    "linear of constant x": (lambda ns, w, b: (_linear(ns, _t(ns, XB), w, b, "tanh") ** 3).sum(), [WB, BB]),
    "linear by constant W": (lambda ns, x: (_linear(ns, x, _t(ns, WB), _t(ns, BB), "tanh") ** 3).sum(), [XB]),
    "residual by constant W": (lambda ns, x: (_residual(ns, x, _t(ns, WB), _t(ns, BB), "tanh") ** 3).sum(), [XB]),
    "residual of a node": (lambda ns, x, w: (_residual(ns, ns.sin(x), w, None, "tanh") ** 3).sum(), [XB, WB]),
})


def _conv(ns, x, k, b=None, **kw):
    return ns.nn.functional.conv2d(x, k, b, **kw) if ns.__name__ == "torch" else ag.conv2d(x, k, b, **kw)


CASES.update({
    "conv2d": (lambda ns, x, k, b: (_conv(ns, x, k, b, stride=2, padding=1) ** 3).sum(), [IMG, KER, BB]),
    "conv2d by a constant kernel": (lambda ns, x: (_conv(ns, x, _t(ns, KER), padding=1) ** 3).sum(), [IMG]),
    "conv2d of a constant image": (lambda ns, k: (_conv(ns, _t(ns, IMG), k) ** 3).sum(), [KER]),
})


@pytest.mark.parametrize("name", sorted(CASES))
def test_three_orders_of_derivatives_match_pytorch(name):
    torch = require_torch()
    f, arrays = CASES[name]
    ours, theirs = _ours(f, arrays, 3), _theirs(torch, f, arrays, 3)
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        for i, (u, v) in enumerate(zip(a, b)):
            if u is None and v is None:
                continue
            u = np.zeros_like(v) if u is None else u
            v = np.zeros_like(u) if v is None else v
            np.testing.assert_allclose(u, v, rtol=1e-9, atol=1e-12,
                                       err_msg=f"order {k + 1}, input {i}")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_to_third_order_matches_pytorch(reduction):
    torch = require_torch()
    import nn

    labels = np.array([0, 2, 1, 1])

    def f(ns, x):
        if ns.__name__ == "torch":
            loss = torch.nn.functional.cross_entropy(torch.sin(x), torch.tensor(labels), reduction=reduction)
        else:
            loss = nn.cross_entropy(ag.sin(x), labels, reduction=reduction)
        return (loss ** 2).sum()

    for a, b in zip(_ours(f, [XB], 3), _theirs(torch, f, [XB], 3)):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-9, atol=1e-12)


# --- version counters --------------------------------------------------------------------------

def _update_data_mul(c):
    c.mul_(2.0)


def _update_data_iadd(c):
    c += 1.0


def _update_data_assign(c):
    c.data = c.data * 2


@pytest.mark.parametrize("update", [_update_data_mul, _update_data_iadd, _update_data_assign])
def test_updating_a_data_tensor_that_mul_saved_is_refused(update):
    c = Tensor(np.array([1.0, 2.0, 3.0]))
    w = Tensor(np.ones(3), requires_grad=True)
    y = (w * c).sum()
    update(c)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


@pytest.mark.parametrize("build", [lambda w: w * w, lambda w: ag.exp(w), lambda w: w + 1.0])
def test_updating_a_leaf_after_the_forward_is_refused_whatever_the_op_saves(build):
    w = Tensor(np.ones(3), requires_grad=True)
    y = build(w).sum()
    with ag.no_grad():
        w -= 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


# --- grad(), retain_graph ----------------------------------------------------------------------

def test_grad_with_a_non_leaf_input_and_a_leaf():
    x = Tensor(np.array([0.3, 0.7]), requires_grad=True)
    h = ag.sin(x)
    gh, gx = ag.grad((h * h).sum(), [h, x])
    np.testing.assert_allclose(gh.data, 2 * np.sin(x.data))
    np.testing.assert_allclose(gx.data, 2 * np.sin(x.data) * np.cos(x.data))


def test_second_order_with_respect_to_a_non_leaf():
    x = Tensor(np.array([0.3, 0.7]), requires_grad=True)
    h = ag.sin(x)
    (gh,) = ag.grad((h ** 3).sum(), [h], create_graph=True)
    (ghh,) = ag.grad(gh.sum(), [h], retain_graph=True)
    (gx,) = ag.grad(gh.sum(), [x])
    np.testing.assert_allclose(ghh.data, 6 * np.sin(x.data))
    np.testing.assert_allclose(gx.data, 6 * np.sin(x.data) * np.cos(x.data))


def test_allow_unused_gives_none_and_otherwise_raises():
    x, z = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    assert ag.grad((x * x).sum(), [x, z], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="not used"):
        ag.grad((x * x).sum(), [x, z])


def test_backward_twice_with_retain_graph_accumulates_exactly_twice():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = (ag.sin(x) * x * 3.0).sum()
    loss.backward(retain_graph=True)
    once = x.grad.data.copy()
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, 2 * once)
    with pytest.raises(RuntimeError, match="already released"):
        loss.backward()


def test_backward_with_create_graph_twice_accumulates_twice():
    x = Tensor(np.array([0.3, 0.7]), requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    np.testing.assert_allclose(x.grad.data, 6 * x.data ** 2)


def test_double_vjp_trick_with_a_seed_that_requires_grad():
    torch = require_torch()
    rng = np.random.default_rng(3)
    a, x0, w = rng.standard_normal((2, 3)), rng.standard_normal(3), rng.standard_normal(3)
    x = Tensor(x0, requires_grad=True)
    v = Tensor(np.zeros(2), requires_grad=True)
    (u,) = ag.grad(ag.tanh(Tensor(a) @ x), [x], grad_outputs=[v], create_graph=True)
    (jw,) = ag.grad(u, [v], grad_outputs=[w])
    jac = torch.autograd.functional.jacobian(lambda t: torch.tanh(torch.tensor(a) @ t),
                                             torch.tensor(x0)).numpy()
    np.testing.assert_allclose(jw.data, jac @ w, rtol=1e-12)


# --- operand dtypes ----------------------------------------------------------------------------

@pytest.mark.parametrize("c", [np.float32(2.0), np.float64(2.0), np.int64(2), 2, 2.0, True,
                               np.array(2.0), np.full(3, 2.0, np.float32)], ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_number_and_numpy_operands_keep_the_tensor_dtype_and_the_gradient(c, dtype):
    t = Tensor(np.array([1.0, 2.0, 3.0], dtype), requires_grad=True)
    cv, x = float(np.asarray(c).ravel()[0]), t.data.astype(np.float64)
    cases = {
        "c * t": (lambda: c * t, cv + 0 * x), "t * c": (lambda: t * c, cv + 0 * x),
        "t ** c": (lambda: t ** c, cv * x ** (cv - 1)), "c / t": (lambda: c / t, -cv / x ** 2),
        "c - t": (lambda: c - t, -1 + 0 * x), "c ** t": (lambda: c ** t, cv ** x * np.log(cv)),
        "np.multiply": (lambda: np.multiply(c, t), cv + 0 * x),
    }
    for name, (build, expected) in cases.items():
        t.grad = None
        out = build()
        assert isinstance(out, Tensor) and out.dtype == dtype, name
        out.sum().backward()
        assert t.grad.dtype == dtype, name
        np.testing.assert_allclose(t.grad.data, expected, rtol=1e-6, err_msg=name)


def test_uint8_input_of_a_fused_layer_under_create_graph_matches_float64():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, (4, 3)).astype(np.uint8)
    w0, b0 = rng.standard_normal((3, 3)) * 0.01, rng.standard_normal(3)

    def second_order(x):
        w, b = Tensor(w0.copy(), requires_grad=True), Tensor(b0.copy(), requires_grad=True)
        y = (ag.linear(Tensor(x), w, b, activation="tanh") ** 2).sum()
        gw, gb = ag.grad(y, [w, b], create_graph=True)
        (hw,) = ag.grad((gw * gw).sum() + gb.sum(), [w])
        return gw.data, hw.data

    for a, b in zip(second_order(pixels), second_order(pixels.astype(np.float64))):
        np.testing.assert_allclose(a, b, rtol=1e-12)
