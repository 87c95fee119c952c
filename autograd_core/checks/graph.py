"""check_graph: each op of a recorded graph checked on its own (its vjp at the inputs it actually
saw, against differences of its forward), reporting the first wrong op and the line that made it."""

import copy
from dataclasses import dataclass

import numpy as np

from autograd_core.backprop import topological_order
from autograd_core.checks.diagnosis import (
    _diagnose, _index, _kink, _lower_precision, _pattern, _random, _tolerance, _values,
)
from autograd_core.checks.differences import central_differences, line_function
from autograd_core.checks.report import Report
from autograd_core.shapes import sum_to_shape
from autograd_core.tensor import Tensor

NODE_ELEMENTWISE_LIMIT = 256  # input elements up to which check_graph perturbs one element at a time


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


class GraphReport(Report):
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
    explain (relu/abs at 0, a tie in max) is a 'kink', not an error. Build the graph inside
    `ag.keep_values()`, so that every op keeps the inputs it saw (ops otherwise save only what their
    vjps read), and inside `ag.record_sites()` to learn the line that created each op; call it
    before backward, or after backward(retain_graph=True). Returns a GraphReport
    (`.first_wrong`, printable, `.raise_()`); with raise_on_error, a wrong op raises AssertionError.
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"check_graph needs a Tensor, got {type(output).__name__}")
    if output.op is None:
        raise ValueError("the output is a leaf: no graph was recorded (was it computed under "
                         "no_grad(), or from inputs that do not require grad?)")
    ops = topological_order([output])
    if any(node.released for node in ops):
        raise RuntimeError("check_graph needs the recorded graph, but a backward already released "
                           "it: call check_graph before backward, or use backward(retain_graph=True)")
    if any(node.saved_inputs is None for node in ops):
        raise RuntimeError("check_graph re-runs every op at the inputs it saw, but ops keep only what "
                           "their vjps read: build the graph inside `with ag.keep_values():` (and "
                           "`ag.record_sites()` to learn each op's line)")
    rng = _random(seed)
    report = GraphReport([_check_node(k, node, rng, eps, atol, rtol) for k, node in enumerate(ops)])
    return report.raise_() if raise_on_error else report


def _check_node(position, node, rng, eps, atol, rtol):
    """The NodeCheck of one op: its vjp against finite differences of its forward, in float64."""
    op = copy.copy(node.function)  # forward may keep state on self (a shape): leave it alone
    inputs = node.inputs  # per input: its node or the leaf, each with shape, dtype, requires_grad

    def result(status, err, detail, cause=""):
        return NodeCheck(position, node.name, tuple(x.shape for x in inputs), status, err,
                         detail, cause, node.site, ".".join(node.scope))

    arrays = [np.array(a, np.float64, order="C") if a.dtype.kind == "f" else a
              for a in node.saved_inputs]
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
        verdict = _check_input(i, x, gx, arrays[i], evaluate, rng, eps, atol, rtol)
        max_err, kinks = max(max_err, verdict.max_err), kinks + verdict.kinks
        if verdict.status == "wrong":
            return result("wrong", max(max_err, verdict.max_err), verdict.detail, verdict.cause)
        unsure = unsure or (verdict.status == "unsure" and (verdict.detail, verdict.cause))
    if unsure:
        return result("unsure", max_err, *unsure)
    if kinks:
        entries = "1 entry sits" if kinks == 1 else f"{kinks} entries sit"
        return result("kink", max_err, f"{entries} on a kink (one-sided differences disagree); "
                                       "not counted as errors")
    return result("ok", max_err, "")


@dataclass
class _InputVerdict:
    """One input's part of a NodeCheck: 'ok', 'wrong' or 'unsure', with the worst entry."""

    status: str
    max_err: float
    kinks: int = 0
    detail: str = ""
    cause: str = ""


def _check_input(i, x, gx, array, evaluate, rng, eps, atol, rtol):
    """The vjp's gradient `gx` for input i (`x`, its float64 copy `array`) against differences."""
    gx = np.zeros(x.shape) if gx is None else np.array(np.asarray(gx), np.float64)
    try:
        gx = sum_to_shape(gx, x.shape)
    except ValueError:
        return _InputVerdict("wrong", np.inf, detail=(
            f"vjp returned a gradient of shape {gx.shape} for input {i} of shape {x.shape}, "
            "which cannot be summed down to it"))
    elementwise = x.size <= NODE_ELEMENTWISE_LIMIT
    directions = None if elementwise else [rng.standard_normal(x.shape)]
    n = central_differences(evaluate, array, eps, directions)[0]
    a = gx.reshape(-1) if elementwise else np.array([np.vdot(gx, directions[0])])
    errors = np.nan_to_num(np.abs(a - n), nan=np.inf)
    max_err = float(errors.max(initial=0))
    kinks, candidates = 0, []  # failing entries that a kink does not explain
    for j in np.flatnonzero(~(errors <= _tolerance(n, atol, rtol))):
        d = np.eye(1, x.size, j).reshape(x.shape) if elementwise else directions[0]
        phi = line_function(evaluate, array, d, np.ones(1))
        if _kink(phi, a[j], eps, atol, rtol) is not None:
            kinks += 1
        else:
            candidates.append((errors[j], j, phi))
    if not candidates:
        return _InputVerdict("ok", max_err, kinks)
    _, j, phi = max(candidates, key=lambda c: c[0])
    kind, cause = _diagnose(phi, a[j], eps, atol, rtol)
    at = f"at index {_index(j, x.shape)}" if elementwise else "along a random direction"
    detail = (f"vjp for input {i} (shape {x.shape}) {at}: " + _values(a[j], n[j], atol, rtol)
              + f"; {len(candidates)} of {n.size} entries differ")
    if kind == "wrong":
        pattern = _pattern(gx, n.reshape(x.shape)) if elementwise else None
        return _InputVerdict("wrong", max_err, kinks, detail, cause + (f"; {pattern}" if pattern else ""))
    return _InputVerdict("unsure", max_err, kinks, detail, cause)
