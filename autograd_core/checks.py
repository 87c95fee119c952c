"""Gradient checks that say where a gradient is wrong and why, against finite differences in float64.

- `gradcheck(f, inputs)` / `gradgradcheck`: the engine's first / second derivatives of one function.
- `check_graph(output)`: every op of a recorded graph on its own, its vjp at the inputs it actually
  saw; reports the first wrong op, its input shapes and the line of user code that created it.
- `compare_grads(actual, expected)` / `assert_grads_close`: named gradients (a model's) against
  hand-derived ones, as a table.
A failure names the worst entry and the likely cause: float32 rounding, a kink, the step size, or a
wrong formula (and, where it shows, which: a sign, a transpose, a constant factor).
The public names are also at the top level: `ag.gradcheck`, `ag.check_graph`, `ag.compare_grads`.
"""

import copy
import warnings
from dataclasses import dataclass

import numpy as np

from autograd_core import grad_mode
from autograd_core.debugging import record_sites
from autograd_core.backprop import FREED, grad, topological_order
from autograd_core.shapes import sum_to_shape
from autograd_core.tensor import Tensor

FULL_JACOBIAN_LIMIT = 20_000  # output x input elements up to which gradcheck builds the full Jacobian
LOCATE_LIMIT = 100_000  # input elements up to which a failed random-direction check is redone per element
NODE_ELEMENTWISE_LIMIT = 256  # input elements up to which check_graph perturbs one element at a time
EPS_SWEEP = (1e3, 1e2, 1e1, 1.0, 1e-1, 1e-2, 1e-3)  # multiples of eps tried when explaining a failure


# --- finite differences ------------------------------------------------------------------------

def _differences(evaluate, x, eps, directions=None):
    """Central, right and left differences of `evaluate()` (a 1-D array) as `x` moves by eps.

    `x` (a C-contiguous array) is changed in place and restored. There is one column per direction:
    each element of `x` in turn, or each array in `directions`. Returns three (outputs, columns) arrays.
    """
    if not x.flags.c_contiguous:
        raise ValueError("finite differences perturb x through a flat view: pass a C-contiguous "
                         "array (np.ascontiguousarray)")
    flat = x.reshape(-1)
    old = flat.copy()
    base = evaluate()
    central, right, left = [], [], []
    for k in range(flat.size if directions is None else len(directions)):
        values = []
        for step in (eps, -eps):
            if directions is None:
                flat[k] = old[k] + step
            else:
                flat[:] = old + step * directions[k].reshape(-1)
            values.append(evaluate())
        if directions is None:
            flat[k] = old[k]
        else:
            flat[:] = old
        plus, minus = values
        central.append((plus - minus) / (2 * eps))
        right.append((plus - base) / eps)
        left.append((base - minus) / eps)
    empty = np.zeros((base.size, 0))
    return tuple(np.stack(c, axis=1) if c else empty for c in (central, right, left))


def _line(evaluate, x, direction, weights):
    """phi(t) = weights . evaluate() with `x` moved by t * direction: a failing entry as a 1-D function."""
    old = x.copy()

    def phi(t):
        x[...] = old + t * direction.reshape(x.shape)
        try:
            return float(weights @ evaluate())
        finally:
            x[...] = old

    return phi


def numerical_jacobian(f, xs, i, eps, out_weights=None):
    """d f(xs) / d xs[i] by central differences: shape (f's size, xs[i]'s size).

    `xs` are Tensors whose data is perturbed in place (and restored). With `out_weights`, the
    output is first reduced to sum(out_weights * f), one row.
    """
    return _differences(lambda: _evaluate(f, xs, out_weights), xs[i].data, eps)[0]


def _evaluate(f, xs, out_weights=None):
    out = np.array(f(*xs).data, dtype=np.float64).reshape(-1)  # a copy: outputs may be views of x
    return out if out_weights is None else np.array([out @ out_weights.reshape(-1)])


# --- diagnosis: why does an entry fail? -------------------------------------------------------

def _tolerance(value, atol, rtol):
    return atol + rtol * np.abs(value)


def _kink(phi, slope, eps, atol, rtol):
    """(left, right) slopes if phi has a kink at 0 that explains the failure, else None.

    A kink: the one-sided slopes disagree, and do not come together as the step shrinks (for a
    smooth function their gap is eps * phi'' and vanishes), with the engine's slope between them.
    """
    def sides(e):
        base = phi(0.0)
        return (base - phi(-e)) / e, (phi(e) - base) / e

    left, right = sides(eps)
    gap, tol = abs(right - left), _tolerance(max(abs(left), abs(right)), atol, rtol)
    if not gap > tol:
        return None
    left2, right2 = sides(eps / 100)
    if abs(right2 - left2) > gap / 2 and min(left, right) - tol <= slope <= max(left, right) + tol:
        return left, right
    return None


def _diagnose(phi, slope, eps, atol, rtol):
    """(kind, 'likely cause: ...') for a derivative `slope` of phi at 0 that fails the check.

    kind is 'kink', 'step' (some other eps passes), 'wrong' (the error does not depend on eps:
    the formula is wrong) or 'unclear'.
    """
    sides = _kink(phi, slope, eps, atol, rtol)
    if sides is not None:
        return "kink", (
            f"likely cause: a kink (relu or abs at 0, a tie in max, a clip bound): the one-sided "
            f"differences disagree (left {sides[0]:.6g}, right {sides[1]:.6g}) however small the "
            f"step, so there is no derivative to match; the engine's {slope:.6g} is one valid "
            "choice. Check at points away from the kink.")
    errors = {}
    for factor in EPS_SWEEP:
        e = eps * factor
        numeric = (phi(e) - phi(-e)) / (2 * e)
        errors[e] = (abs(slope - numeric), abs(slope - numeric) <= _tolerance(numeric, atol, rtol))
    sweep = ", ".join(f"{e:.0e}: {err:.2g}" + (" ok" if ok else "") for e, (err, ok) in errors.items())
    passing = [e for e, (_, ok) in errors.items() if ok]
    if passing:
        best = min(passing, key=lambda e: errors[e][0])
        why = ("too large for the curvature here (or a kink lies within eps of the point)"
               if best < eps else "too small: rounding error in f swamps the difference")
        return "step", (f"likely cause: the step size: eps={eps:g} is {why}; eps={best:.0e} passes "
                        f"(error by eps: {sweep})")
    middle = [errors[eps * factor][0] for factor in (1e1, 1.0, 1e-1)]
    if max(middle) <= 2 * min(middle):
        return "wrong", (f"likely cause: a wrong gradient: the error stays near {middle[1]:.3g} "
                         f"whatever the step (error by eps: {sweep}) and the one-sided differences "
                         "agree")
    return "unclear", (f"likely cause: unclear: the error changes with eps but no step passes "
                       f"(error by eps: {sweep}); f may be badly scaled or not smooth here")


def _pattern(analytic, right, noun="the right gradient"):
    """A phrase naming a simple relation between a wrong gradient and the right one, or None."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(right, dtype=np.float64)
    scale = max(np.abs(a).max(initial=0), np.abs(n).max(initial=0))
    if a.shape != n.shape or scale == 0 or not (np.isfinite(a).all() and np.isfinite(n).all()):
        return None

    def close(u, v):
        return np.allclose(u, v, rtol=1e-3, atol=1e-6 * scale)

    if close(a, 0):
        return f"it is zero where {noun} is not: the input's gradient is lost"
    if close(a, -n):
        return f"it is {noun} with the opposite sign: a sign error"
    if a.ndim >= 2 and a.shape[-1] == a.shape[-2] and close(a, np.swapaxes(n, -1, -2)):
        return f"it is the transpose of {noun}"
    if np.vdot(n, n) > 0:
        c = np.vdot(a, n) / np.vdot(n, n)
        if close(a, c * n):
            frac = f" = 1/{round(1 / c)}" if abs(c) < 1 and abs(1 / c - round(1 / c)) < 1e-3 else ""
            return (f"it is {noun} times {c:.4g}{frac}: a constant factor (a mean "
                    "where a sum belongs, a forgotten 2 or 1/2?)")
    return None


def _random(seed):
    """The checks' generator: salted, so that its draws never equal inputs made by default_rng(seed)
    (an upstream gradient equal to the input can hide a transposed gradient: x.T @ x is symmetric)."""
    return np.random.default_rng([seed, 0x9C])


def _lower_precision(dtype):
    return np.finfo(dtype).eps > np.finfo(np.float64).eps


# --- gradcheck ---------------------------------------------------------------------------------

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


def _index(flat, shape):
    return tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()


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
        return _evaluate(f, xs, weights)

    def phi_at(i, direction, row):
        return lambda ys: _line(lambda: _evaluate(f, ys, weights), ys[i].data, direction, row)

    for i, x in enumerate(xs):
        a = analytic[i]
        if not full:  # screen along one random direction; look closer only if it fails
            v = rng.standard_normal(x.shape)
            n = _differences(evaluate, x.data, eps, [v])[0]
            if _worst(a @ v.reshape(-1, 1), n, atol, rtol) is None:
                continue
            if x.size > LOCATE_LIMIT:
                slope, numeric = float((a @ v.reshape(-1))[0]), float(n[0, 0])
                text = (f"gradient of the output (weighted by fixed random weights) with respect "
                        f"to {_label(i, x)} along a fixed random direction: "
                        + _values(slope, numeric, atol, rtol))
                return _Failure(text, phi_at(i, v, np.ones(1)), slope, numeric, None, None, out)
        n = _differences(evaluate, x.data, eps)[0]
        bad = _worst(a, n, atol, rtol)
        if bad is None:
            continue
        k, j, count = bad
        where_out = (f"output element {_index(k, out.shape)}" if full
                     else "the output (weighted by fixed random weights)")
        made_by = f" (made by {type(out.op).__name__})" if out.op is not None else ""
        text = (f"gradient of {where_out}{made_by} with respect to {_label(i, x)} at index "
                f"{_index(j, x.shape)}: " + _values(a[k, j], n[k, j], atol, rtol)
                + f"; {count} of {n.size} entries differ")
        direction = np.eye(1, x.size, j).reshape(x.shape)
        row = np.eye(1, a.shape[0], k).reshape(-1)
        shape = (a.shape[0],) + x.shape
        return _Failure(text, phi_at(i, direction, row), float(a[k, j]), float(n[k, j]),
                        a.reshape(shape), n.reshape(shape), out)
    return None


def _values(analytic, numeric, atol, rtol):
    abs_err = abs(analytic - numeric)
    rel_err = abs_err / abs(numeric) if numeric != 0 else (0.0 if abs_err == 0 else np.inf)
    return (f"analytic {analytic:.10g}, numeric {numeric:.10g}, absolute error {abs_err:.3g}, "
            f"relative error {rel_err:.3g} (atol {atol:g}, rtol {rtol:g})")


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1, seed=0, dtype=np.float64):
    """Assert that the engine's gradients of `f(*inputs)` match central finite differences.

    Small problems compare the full Jacobian; larger ones compare along fixed random directions
    (seed `seed`) and, on a mismatch, element by element. Returns True; raises AssertionError naming
    the input, the output element, the worst index, both values, the errors and the likely cause.
    Args:
        f: a function of Tensors returning a Tensor of any shape.
        inputs: a Tensor/array or a sequence of them (the points to check at).
        order: 1 checks first derivatives; 2 checks gradients of gradients (gradgradcheck).
        dtype: the precision of the check. float64 (default) widens float32 inputs, with a warning;
            None checks each input in its own dtype (a float32 failure is re-run in float64).
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order}")
    xs, lowered = _leaves(inputs, dtype)
    widened = lowered if dtype is not None and not _lower_precision(dtype) else []
    if widened:
        warnings.warn(f"gradcheck checks {', '.join(widened)} in {np.dtype(dtype)}; pass "
                      "dtype=None to check in the input's own precision", stacklevel=2)
    if order == 2:
        return gradgradcheck(f, xs, eps=eps, atol=atol, rtol=rtol, seed=seed)
    failure = _check(f, xs, eps, atol, rtol, seed)
    if failure is None:
        return True
    message = _explain(f, xs, failure, eps, atol, rtol, seed)
    if widened:
        message += f"\n(checked in {np.dtype(dtype)} although {', '.join(widened)} was given)"
    raise AssertionError(message)


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
            f"likely cause: f computes in {dt} inside ({type(node.op).__name__} makes a {dt} "
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
    if out.op is None:
        return None
    for node in topological_order([out]):
        if node.op is not None and node.dtype.kind == "f" and _lower_precision(node.dtype):
            return node, node.dtype
    return None


def _localise(f, xs, eps, atol, rtol, seed):
    """'where: ...': the first op of f's graph whose own vjp is wrong, with its creation line."""
    with record_sites(), grad_mode.enable_grad():
        out = f(*xs)
    lost = ("so the dependence is lost outside the graph: NumPy on .data or np.asarray, detach(), "
            "an in-place change, or (order 2) a vjp that computes with NumPy instead of Tensor ops")
    if out.op is None:
        return f"where: no recorded op of f depends on its inputs, {lost}"
    node = check_graph(out, eps=eps, atol=atol, rtol=rtol, seed=seed).first_wrong
    if node is not None:
        return f"where: the first op whose vjp is wrong is {node.headline()}; its {node.detail}"
    return f"where: every recorded op's vjp matches finite differences at its own inputs, {lost}"


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Assert that gradients of gradients of `f` match finite differences of its gradients.

    Checks d/dx <d(w . f)/dx, u> for fixed random w and u: every second-order term is exercised.
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

    try:
        return gradcheck(first_derivative_along_u, xs, eps=eps, atol=atol, rtol=rtol, seed=seed)
    except AssertionError as e:
        raise AssertionError(
            "second-order check (the checked function is x -> <d(w . f)/dx, u> for fixed random "
            f"w, u):\n{e}") from None


# --- check_graph: each op of a recorded graph on its own ---------------------------------------

@dataclass
class NodeCheck:
    """check_graph's verdict on one op.

    status: 'ok'; 'wrong'; 'kink' (mismatches only where one-sided differences disagree);
    'unsure' (a mismatch that another step size removes); 'skipped' (forward not in float64).
    """

    STATUSES = ("ok", "wrong", "kink", "unsure", "skipped")

    position: int  # among the graph's ops, in evaluation order
    op: str
    input_shapes: tuple
    status: str
    max_abs_err: float
    detail: str  # the worst entry, or why the op was skipped
    cause: str  # the likely cause of a 'wrong' or 'unsure' entry
    site: str | None  # "file:line" that created the op (under record_sites or detect_anomaly)
    scope: str  # the name_scope (e.g. the module) the op was recorded in

    def headline(self):
        shapes = ", ".join(str(s) for s in self.input_shapes)
        where = (f"created at {self.site}" if self.site else
                 "(line not recorded: build the graph inside `with ag.record_sites():`)")
        scope = f" in {self.scope}" if self.scope else ""
        return f"op #{self.position} {self.op} (input shapes {shapes}){scope} {where}"


class GraphReport:
    """check_graph's result: one NodeCheck per op, in evaluation order. Truthy when none is wrong."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.first_wrong = next((n for n in nodes if n.status == "wrong"), None)
        self.ok = self.first_wrong is None

    def __bool__(self):
        return self.ok

    def __len__(self):
        return len(self.nodes)

    def __iter__(self):
        return iter(self.nodes)

    def summary(self):
        count = {s: sum(n.status == s for n in self.nodes) for s in NodeCheck.STATUSES}
        head = (f"check_graph: {len(self.nodes)} ops: {count['ok']} ok, {count['wrong']} wrong, "
                f"{count['kink']} on a kink, {count['unsure']} unsure, {count['skipped']} skipped")
        if self.first_wrong is None:
            return head + "; no wrong vjp"
        node = self.first_wrong
        return f"{head}\nfirst wrong op: {node.headline()}\n  its {node.detail}\n  {node.cause}"

    def table(self):
        rows = [("#", "op", "input shapes", "status", "max abs err", "created at")]
        for n in self.nodes:
            site = n.site.replace("\\", "/").rsplit("/", 1)[-1] if n.site else "-"
            rows.append((str(n.position), n.op, " ".join(str(s) for s in n.input_shapes),
                         n.status, f"{n.max_abs_err:.2g}", site))
        widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)

    def __str__(self):
        return self.summary() + "\n" + self.table()

    __repr__ = summary


def check_graph(output, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_on_error=False):
    """Check each op of the graph recorded for `output` on its own, leaves first.

    Each op's vjp, for a random upstream gradient (seed `seed`), is compared in float64 with central
    differences of its forward at the inputs it actually saw. A gap that one-sided differences
    explain (relu/abs at 0, a tie in max) is a 'kink', not an error. The graph must still be
    recorded: call it before backward, or after backward(retain_graph=True). Build the graph inside
    `ag.record_sites()` to learn the line that created each op. Returns a GraphReport
    (`.first_wrong`, printable); with raise_on_error, a wrong op raises AssertionError.
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"check_graph needs a Tensor, got {type(output).__name__}")
    if output.op is None:
        raise ValueError("the output is a leaf: no graph was recorded (was it computed under "
                         "no_grad(), or from inputs that do not require grad?)")
    order = topological_order([output])
    if any(node.op is FREED for node in order):
        raise RuntimeError("check_graph needs the recorded graph, but a backward already released "
                           "it: call check_graph before backward, or use backward(retain_graph=True)")
    rng = _random(seed)
    ops = [node for node in order if node.op is not None]
    report = GraphReport([_check_node(k, node, rng, eps, atol, rtol) for k, node in enumerate(ops)])
    if raise_on_error and not report.ok:
        raise AssertionError(str(report))
    return report


def _check_node(position, node, rng, eps, atol, rtol):
    """The NodeCheck of one op: its vjp against finite differences of its forward, in float64."""
    op = copy.copy(node.op)  # forward may keep state on self (a mask): leave the recorded op alone
    inputs = node.inputs

    def result(status, err, detail, cause=""):
        return NodeCheck(position, type(op).__name__, tuple(x.shape for x in inputs), status, err,
                         detail, cause, op.site, ".".join(op.scope))

    arrays = [np.array(x.data, np.float64, order="C") if x.dtype.kind == "f" else x.data
              for x in inputs]
    out = np.asarray(op.forward(*arrays))
    if out.dtype.kind != "f" or _lower_precision(out.dtype):
        return result("skipped", 0.0, f"forward gives {out.dtype} for float64 inputs")
    g = rng.standard_normal(out.shape)
    try:
        gxs = op.vjp(g, out, *arrays)
    except Exception as e:  # noqa: BLE001  (a vjp that crashes is a wrong vjp)
        return result("wrong", np.inf, f"vjp raised {type(e).__name__}: {e}")
    if not isinstance(gxs, tuple) or len(gxs) != len(inputs):
        return result("wrong", np.inf, f"vjp must return a tuple of {len(inputs)} gradients")

    def evaluate():
        return np.array([np.vdot(g, op.forward(*arrays))])

    max_err, kinks, unsure = 0.0, 0, None
    for i, (x, gx) in enumerate(zip(inputs, gxs)):
        if not x.requires_grad:
            continue
        gx = np.zeros(x.shape) if gx is None else np.array(np.asarray(gx), np.float64)
        try:
            gx = sum_to_shape(gx, x.shape)
        except ValueError:
            return result("wrong", np.inf, f"vjp returned a gradient of shape {gx.shape} for "
                          f"input {i} of shape {x.shape}, which cannot be summed down to it")
        elementwise = x.size <= NODE_ELEMENTWISE_LIMIT
        directions = None if elementwise else [rng.standard_normal(x.shape)]
        n = _differences(evaluate, arrays[i], eps, directions)[0][0]
        a = gx.reshape(-1) if elementwise else np.array([np.vdot(gx, directions[0])])
        errors = np.nan_to_num(np.abs(a - n), nan=np.inf)
        max_err = max(max_err, float(errors.max(initial=0)))
        failing = np.flatnonzero(~(errors <= _tolerance(n, atol, rtol)))
        candidates = []  # failing entries that a kink does not explain
        for j in failing:
            d = np.eye(1, x.size, j).reshape(x.shape) if elementwise else directions[0]
            phi = _line(evaluate, arrays[i], d, np.ones(1))
            if _kink(phi, a[j], eps, atol, rtol) is not None:
                kinks += 1
            else:
                candidates.append((errors[j], j, phi))
        if not candidates:
            continue
        _, j, phi = max(candidates, key=lambda c: c[0])
        kind, cause = _diagnose(phi, a[j], eps, atol, rtol)
        at = f"at index {_index(j, x.shape)}" if elementwise else "along a random direction"
        detail = (f"vjp for input {i} (shape {x.shape}) {at}: " + _values(a[j], n[j], atol, rtol)
                  + f"; {len(candidates)} of {n.size} entries differ")
        if kind == "wrong":
            pattern = _pattern(gx, n.reshape(x.shape)) if elementwise else None
            return result("wrong", max_err, detail, cause + (f"; {pattern}" if pattern else ""))
        unsure = unsure or (detail, cause)
    if unsure:
        return result("unsure", max_err, *unsure)
    if kinks:
        entries = "1 entry sits" if kinks == 1 else f"{kinks} entries sit"
        return result("kink", max_err, f"{entries} on a kink (one-sided differences disagree); "
                                       "not counted as errors")
    return result("ok", max_err, "")


# --- named gradients against hand-derived ones -------------------------------------------------

def _named_arrays(obj, side):
    """{name: ndarray or None} from a dict of arrays/Tensors or an object with named_parameters()."""
    if hasattr(obj, "named_parameters"):
        return {name: None if p.grad is None else np.asarray(p.grad)
                for name, p in obj.named_parameters()}
    if hasattr(obj, "items"):
        return {str(name): None if v is None else np.asarray(v.data if isinstance(v, Tensor) else v)
                for name, v in obj.items()}
    raise TypeError(f"{side} must be a dict of name -> array, or have named_parameters(); got "
                    f"{type(obj).__name__}")


@dataclass
class GradComparison:
    """compare_grads' result: one row per name (name, shape, max abs err, max rel err, status)."""

    rows: list
    ok: bool

    def __bool__(self):
        return self.ok

    def __str__(self):
        head = ("name", "shape", "max abs err", "max rel err", "status")
        rows = [head] + [(r[0], r[1], _num(r[2]), _num(r[3]), r[4]) for r in self.rows]
        widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
        bad = sum(r[4] != "ok" for r in self.rows)
        summary = "gradients match" if self.ok else f"{bad} of {len(self.rows)} gradients differ"
        return summary + "\n" + "\n".join(lines)

    __repr__ = __str__


def _num(v):
    return "-" if v is None else f"{v:.3g}"


def compare_grads(actual, expected, atol=1e-8, rtol=1e-6, raise_on_error=False):
    """Compare named gradients, e.g. a model's against hand-derived ones, name by name.

    `actual` and `expected` are dicts name -> array or Tensor (its values), or objects with
    named_parameters() (a Module), whose parameters' `.grad` is used. A name matches when
    |a - e| <= atol + rtol |e| everywhere; missing names, missing gradients and shape mismatches
    fail. Returns a GradComparison (prints as a table, truthy when all match); with
    raise_on_error, a mismatch raises AssertionError with the table.
    """
    a_all, e_all = _named_arrays(actual, "actual"), _named_arrays(expected, "expected")
    rows = []
    for name in list(a_all) + [k for k in e_all if k not in a_all]:
        if name not in e_all or name not in a_all:
            present = a_all.get(name, e_all.get(name))
            shape = "-" if present is None else str(present.shape)
            rows.append((name, shape, None, None,
                         f"missing in {'expected' if name not in e_all else 'actual'}"))
            continue
        a, e = a_all[name], e_all[name]
        if a is None or e is None:
            rows.append((name, "-", None, None, f"no gradient in {'actual' if a is None else 'expected'}"))
            continue
        if a.shape != e.shape:
            hint = ""
            if a.shape == e.shape[::-1] and np.allclose(a.T, e, rtol=rtol * 10, atol=atol * 10):
                hint = ": it is the transpose of the expected gradient"
            rows.append((name, f"{a.shape} vs {e.shape}", None, None, f"shape differs{hint}"))
            continue
        rows.append((name, str(a.shape)) + _compare_arrays(a, e, atol, rtol))
    result = GradComparison(rows, all(r[4] == "ok" for r in rows))
    if raise_on_error and not result.ok:
        raise AssertionError(f"gradients differ (atol {atol:g}, rtol {rtol:g}):\n{result}")
    return result


def _compare_arrays(a, e, atol, rtol):
    """(max abs err, max rel err, status) of actual `a` against expected `e` (same shape)."""
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    diff = np.abs(a64 - e64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.abs(e64))
    abs_err, rel_err = float(diff.max(initial=0)), float(rel.max(initial=0))
    if np.isnan(diff).any():
        return np.nan, np.nan, "wrong: NaN"
    if (diff <= _tolerance(e64, atol, rtol)).all():
        return abs_err, rel_err, "ok"
    low = [str(d) for d in (a.dtype, e.dtype) if d.kind == "f" and _lower_precision(d)]
    if low and rel_err < 1e-2:
        return abs_err, rel_err, (f"wrong: likely {low[0]} rounding (compute in float64, or loosen "
                                  "rtol to ~1e-4)")
    pattern = _pattern(a64, e64, "the expected gradient")
    return abs_err, rel_err, "wrong" + (f": {pattern}" if pattern else "")


def assert_grads_close(actual, expected, atol=1e-8, rtol=1e-6):
    """compare_grads that raises AssertionError with the table when any gradient differs."""
    return compare_grads(actual, expected, atol=atol, rtol=rtol, raise_on_error=True)
