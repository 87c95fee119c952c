"""gradcheck and gradgradcheck: the engine's first and second derivatives of one function
against central differences in float64, with the failure explained (and located in the graph)."""

import warnings
from dataclasses import dataclass

import numpy as np

from autograd_core import grad_mode
from autograd_core.debugging import keep_values, record_sites
from autograd_core.backprop import grad, topological_order
from autograd_core.checks.diagnosis import (
    _diagnose, _index, _lower_precision, _pattern, _random, _tolerance, _values,
)
from autograd_core.checks.differences import central_differences, evaluate_flat, line_function
from autograd_core.checks.graph import check_graph
from autograd_core.checks.report import GradcheckReport
from autograd_core.tensor import Tensor

FULL_JACOBIAN_LIMIT = 20_000  # output x input elements up to which gradcheck builds the full Jacobian
LOCATE_LIMIT = 100_000  # input elements up to which a failed random-direction check is redone per element


def _leaves(inputs, dtype):
    """Inputs as fresh leaves that require grad, in `dtype` (None: each keeps its own float dtype),
    and labels of those given in less precision than float64."""
    inputs = [inputs] if isinstance(inputs, (Tensor, np.ndarray)) else list(inputs)
    leaves, lowered = [], []
    for i, x in enumerate(inputs):
        a = np.asarray(x.data if isinstance(x, Tensor) else x)
        if a.dtype.kind != "f":
            raise TypeError(f"input {i} has dtype {a.dtype}: gradients need floating inputs")
        if _lower_precision(a.dtype):
            lowered.append(f"input {i} ({a.dtype})")
        name = x.name if isinstance(x, Tensor) else None
        data = np.array(a, dtype=dtype or a.dtype, order="C")  # a copy we may perturb in place
        leaves.append(Tensor(data, requires_grad=True, name=name))
    return leaves, lowered


def _label(i, x):
    return f"input {i}" + (f" '{x.name}'" if x.name else "") + f" of shape {x.shape}"


def _analytic_jacobian(out, xs, out_weights):
    """Per input, the engine's d(out)/d(x) as (out size, x size), or (1, x size) for weights . out."""
    seeds = [out_weights.reshape(out.shape)] if out_weights is not None else [
        np.eye(1, out.size, k).reshape(out.shape) for k in range(out.size)
    ]
    rows = [[] for _ in xs]
    for seed in seeds:
        if not out.requires_grad:
            gs = [None] * len(xs)
        else:
            gs = grad(out, xs, grad_outputs=seed, retain_graph=True, allow_unused=True)
        for r, g, x in zip(rows, gs, xs):
            r.append(np.zeros(x.size) if g is None else np.asarray(g.data, np.float64).reshape(-1))
    return [np.stack(r) for r in rows]


def _worst(a, n, atol, rtol):
    """(row, column, number failing) of the worst entry of |a - n| > atol + rtol |n|, or None."""
    excess = np.abs(a - n) - _tolerance(n, atol, rtol)
    bad = ~(excess <= 0)  # NaN counts as a failure
    if not bad.any():
        return None
    k, j = np.unravel_index(np.argmax(np.where(np.isnan(excess), np.inf, excess)), excess.shape)
    return int(k), int(j), int(bad.sum())


@dataclass
class _Failure:
    """The worst disagreeing entry of a gradcheck, with what the diagnosis needs."""

    text: str  # where it is, both values and the errors
    phi_at: object  # xs -> phi: t -> the checked output part, the input moved by t along the entry
    slope: float  # the engine's derivative of phi at 0
    numeric: float
    analytic_all: np.ndarray  # every entry for this input, (rows,) + input shape, for _pattern
    numeric_all: np.ndarray
    out: Tensor


def _check(f, xs, eps, atol, rtol, seed):
    """None if the engine's gradients of f at xs match central differences, else a _Failure."""
    with grad_mode.enable_grad():
        out = f(*xs)
    if not isinstance(out, Tensor):
        raise TypeError(f"f must return a Tensor, got {type(out).__name__}")
    if all(x.dtype == np.float64 for x in xs) and out.dtype != np.float64:
        raise TypeError(f"f returned dtype {out.dtype} for float64 inputs: it should keep float64")
    rng = _random(seed)
    full = out.size * sum(x.size for x in xs) <= FULL_JACOBIAN_LIMIT
    weights = None if full else rng.standard_normal(out.size)
    analytic = _analytic_jacobian(out, xs, weights)

    def evaluate():
        return evaluate_flat(f, xs, weights)

    def phi_at(i, direction, row):
        return lambda ys: line_function(lambda: evaluate_flat(f, ys, weights), ys[i].data,
                                        direction, row)

    for i, x in enumerate(xs):
        a = analytic[i]
        if not full:  # screen along one random direction; look closer only if it fails
            v = rng.standard_normal(x.shape)
            n = central_differences(evaluate, x.data, eps, [v])
            if _worst(a @ v.reshape(-1, 1), n, atol, rtol) is None:
                continue
            if x.size > LOCATE_LIMIT:
                slope, numeric = float((a @ v.reshape(-1))[0]), float(n[0, 0])
                text = (f"gradient of the output (weighted by fixed random weights) with respect "
                        f"to {_label(i, x)} along a fixed random direction: "
                        + _values(slope, numeric, atol, rtol))
                return _Failure(text, phi_at(i, v, np.ones(1)), slope, numeric, None, None, out)
        n = central_differences(evaluate, x.data, eps)
        bad = _worst(a, n, atol, rtol)
        if bad is not None:
            return _entry_failure(out, i, x, a, n, bad, full, phi_at, atol, rtol)
    return None


def _entry_failure(out, i, x, a, n, bad, full, phi_at, atol, rtol):
    """The _Failure of entry (k, j) of input i's Jacobian: analytic `a` against numeric `n`."""
    k, j, count = bad
    where_out = (f"output element {_index(k, out.shape)}" if full
                 else "the output (weighted by fixed random weights)")
    made_by = f" (made by {out.op.name})" if out.op is not None else ""
    text = (f"gradient of {where_out}{made_by} with respect to {_label(i, x)} at index "
            f"{_index(j, x.shape)}: " + _values(a[k, j], n[k, j], atol, rtol)
            + f"; {count} of {n.size} entries differ")
    direction = np.eye(1, x.size, j).reshape(x.shape)
    row = np.eye(1, a.shape[0], k).reshape(-1)
    shape = (a.shape[0],) + x.shape
    return _Failure(text, phi_at(i, direction, row), float(a[k, j]), float(n[k, j]),
                    a.reshape(shape), n.reshape(shape), out)


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1, seed=0, dtype=np.float64,
              raise_on_error=True):
    """Check that the engine's gradients of `f(*inputs)` match central finite differences.

    Small problems compare the full Jacobian; larger ones compare along fixed random directions
    (seed `seed`) and, on a mismatch, element by element. Returns a GradcheckReport (truthy when
    they match); a mismatch raises AssertionError (unless raise_on_error=False) naming the input,
    the output element, the worst index, both values, the errors and the likely cause.
    Args:
        f: a function of Tensors returning a Tensor of any shape.
        inputs: a Tensor/array or a sequence of them (the points to check at).
        order: 1 checks first derivatives; 2 is gradgradcheck (the same code path).
        dtype: the precision of the check. float64 (default) widens float32 inputs, with a warning;
            None checks each input in its own dtype (a float32 failure is re-run in float64).
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order}")
    if order == 2:
        return gradgradcheck(f, inputs, eps=eps, atol=atol, rtol=rtol, seed=seed,
                             raise_on_error=raise_on_error)
    xs, lowered = _leaves(inputs, dtype)
    widened = lowered if dtype is not None and not _lower_precision(dtype) else []
    if widened:
        warnings.warn(f"gradcheck checks {', '.join(widened)} in {np.dtype(dtype)}; pass "
                      "dtype=None to check in the input's own precision", stacklevel=2)
    failure = _check(f, xs, eps, atol, rtol, seed)
    message = None
    if failure is not None:
        message = _explain(f, xs, failure, eps, atol, rtol, seed)
        if widened:
            message += f"\n(checked in {np.dtype(dtype)} although {', '.join(widened)} was given)"
    report = GradcheckReport(message)
    return report.raise_() if raise_on_error else report


def _explain(f, xs, failure, eps, atol, rtol, seed):
    """The failure's message: its headline, the likely cause and, for a wrong gradient, where."""
    lines = [failure.text]
    low = sorted({str(x.dtype) for x in xs if _lower_precision(x.dtype)})
    if low:  # checked in the inputs' own low precision: re-run in float64 and show the gap
        wide = [Tensor(np.array(x.data, np.float64), requires_grad=True, name=x.name) for x in xs]
        again = _check(f, wide, eps, atol, rtol, seed)
        if again is None:
            phi64 = failure.phi_at(wide)
            n64 = (phi64(eps) - phi64(-eps)) / (2 * eps)
            lines.append(
                f"likely cause: {'/'.join(low)} rounding: the same check in float64 passes. At this "
                f"entry the numeric derivative is {failure.numeric:.6g} in {'/'.join(low)} and "
                f"{n64:.6g} in float64 (the engine's: {failure.slope:.6g}), a gap of "
                f"{abs(failure.numeric - n64):.2g}: with eps={eps:g} the rounding of "
                f"{'/'.join(low)} (~{np.finfo(low[0]).eps:.1g} relative) swamps the difference")
            return "\n".join(lines)
        lines.append(f"(it fails in float64 too, so {'/'.join(low)} rounding is not the cause:)")
        lines.append(again.text)
        xs, failure = wide, again
    inner = _first_low_precision_node(failure.out)
    if inner is not None:
        node, dt = inner
        lines.append(
            f"likely cause: f computes in {dt} inside ({node.name} makes a {dt} "
            f"tensor of shape {node.shape}): its rounding, about {np.finfo(dt).eps:.1g} relative, "
            f"swamps finite differences with eps={eps:g}; compute in float64 to check it")
        return "\n".join(lines)
    kind, cause = _diagnose(failure.phi_at(xs), failure.slope, eps, atol, rtol)
    if kind == "wrong" and failure.analytic_all is not None:
        pattern = _pattern(failure.analytic_all, failure.numeric_all)
        cause += f"; {pattern}" if pattern else ""
    lines.append(cause)
    if kind == "wrong":
        lines.append(_localise(f, xs, eps, atol, rtol, seed))
    return "\n".join(lines)


def _first_low_precision_node(out):
    """(node, dtype) of the first op in out's graph that makes a float tensor below float64."""
    for node in topological_order([out]):
        if node.dtype.kind == "f" and _lower_precision(node.dtype):
            return node, node.dtype
    return None


def _localise(f, xs, eps, atol, rtol, seed):
    """'where: ...': the first op of f's graph whose own vjp is wrong, with its creation line."""
    with record_sites(), keep_values(), grad_mode.enable_grad():
        out = f(*xs)
    lost = ("so the dependence is lost outside the graph: NumPy on .data or np.asarray, detach(), "
            "an in-place change, or (order 2) a vjp that computes with NumPy instead of Tensor ops")
    if out.op is None:
        return f"where: no recorded op of f depends on its inputs, {lost}"
    node = check_graph(out, eps=eps, atol=atol, rtol=rtol, seed=seed).first_wrong
    if node is not None:
        return f"where: the first op whose vjp is wrong is {node.headline()}; its {node.detail}"
    return f"where: every recorded op's vjp matches finite differences at its own inputs, {lost}"


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_on_error=True):
    """Check that gradients of gradients of `f` match finite differences of its gradients.

    Checks d/dx <d(w . f)/dx, u> for fixed random w and u: every second-order term is exercised.
    Returns a GradcheckReport; a mismatch raises AssertionError unless raise_on_error=False.
    """
    xs, lowered = _leaves(inputs, np.float64)
    if lowered:
        warnings.warn(f"gradgradcheck checks {', '.join(lowered)} in float64", stacklevel=2)
    rng = _random(seed)
    with grad_mode.enable_grad():
        out = f(*xs)
    w = rng.standard_normal(out.shape)
    us = [rng.standard_normal(x.shape) for x in xs]

    def first_derivative_along_u(*ys):
        with grad_mode.enable_grad():
            o = f(*ys)
            gs = grad(o, ys, grad_outputs=w, create_graph=True, allow_unused=True)
        terms = [(g * u).sum() for g, u in zip(gs, us) if g is not None]
        if not terms:
            return Tensor(0.0)
        total = terms[0]
        for t in terms[1:]:
            total = total + t
        return total

    first = gradcheck(first_derivative_along_u, xs, eps=eps, atol=atol, rtol=rtol, seed=seed,
                      raise_on_error=False)
    report = first if first else GradcheckReport(
        "second-order check (the checked function is x -> <d(w . f)/dx, u> for fixed random "
        f"w, u):\n{first.message}")
    return report.raise_() if raise_on_error else report
