"""Why a derivative fails a check: a kink, the step size, a wrong formula (and which: a sign, a
transpose, a constant factor); and the shared formatting of entries and tolerances."""

import numpy as np

EPS_SWEEP = (1e3, 1e2, 1e1, 1.0, 1e-1, 1e-2, 1e-3)  # multiples of eps tried when explaining a failure


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


def _values(analytic, numeric, atol, rtol):
    abs_err = abs(analytic - numeric)
    rel_err = abs_err / abs(numeric) if numeric != 0 else (0.0 if abs_err == 0 else np.inf)
    return (f"analytic {analytic:.10g}, numeric {numeric:.10g}, absolute error {abs_err:.3g}, "
            f"relative error {rel_err:.3g} (atol {atol:g}, rtol {rtol:g})")


def _index(flat, shape):
    return tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()


def _random(seed):
    """The checks' generator: salted, so that its draws never equal inputs made by default_rng(seed)
    (an upstream gradient equal to the input can hide a transposed gradient: x.T @ x is symmetric)."""
    return np.random.default_rng([seed, 0x9C])


def _lower_precision(dtype):
    return np.finfo(dtype).eps > np.finfo(np.float64).eps
