"""compare_grads / assert_grads_close: named gradients (a model's) against hand-derived ones,
name by name, as a table."""

import numpy as np

from autograd_core.checks.diagnosis import _lower_precision, _pattern, _tolerance
from autograd_core.checks.report import Report
from autograd_core.tensor import Tensor


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


class GradComparison(Report):
    """compare_grads' result: one row per name (name, shape, max abs err, max rel err, status)."""

    def __init__(self, rows, atol, rtol):
        self.rows, self.atol, self.rtol = rows, atol, rtol
        self.ok = all(r[4] == "ok" for r in rows)

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

    def failure_text(self):
        return f"gradients differ (atol {self.atol:g}, rtol {self.rtol:g}):\n{self}"


def _num(v):
    return "-" if v is None else f"{v:.3g}"


def compare_grads(actual, expected, atol=1e-8, rtol=1e-6, raise_on_error=False):
    """Compare named gradients, e.g. a model's against hand-derived ones, name by name.

    `actual` and `expected` are dicts name -> array or Tensor (its values), or objects with
    named_parameters() (a Module), whose parameters' `.grad` is used. A name matches when
    |a - e| <= atol + rtol |e| everywhere; missing names, missing gradients and shape mismatches
    fail. Returns a GradComparison (prints as a table, truthy when all match, `.raise_()`); with
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
    result = GradComparison(rows, atol, rtol)
    return result.raise_() if raise_on_error else result


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
