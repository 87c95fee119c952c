"""The engine's global switches: whether operations are recorded, and anomaly mode.

These are the only module-level states in the engine; everything else is passed explicitly.
"""

import contextlib

_enabled = True  # read by Function.__call__ on every op
_anomaly = False  # when on, ops remember where they were created and check for NaN/Inf
_sites = False  # when on, recorded ops remember the line of user code that created them
_scope = ()  # names of the enclosing name_scope blocks, recorded on each op (for graph pictures)


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward."""
    return _enabled


class _Switch(contextlib.ContextDecorator):
    """Set the module flag named by `flag` to `value` inside a `with` block or decorated function."""

    flag = ""

    def __init__(self, value=True):
        self.value = bool(value)

    def _recreate_cm(self):  # a fresh object per decorated call: safe under recursion
        fresh = object.__new__(type(self))
        fresh.value = self.value
        return fresh

    def __enter__(self):
        self.prev = globals()[self.flag]
        globals()[self.flag] = self.value

    def __exit__(self, *exc):
        globals()[self.flag] = self.prev
        return False


class set_grad_enabled(_Switch):
    """Turn recording on or off inside a `with` block (or a decorated function)."""

    flag = "_enabled"

    def __init__(self, mode: bool):
        super().__init__(mode)


class no_grad(set_grad_enabled):
    """Record nothing: ops cost little more than NumPy. Use as `with no_grad():` or `@no_grad()`."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record again, e.g. inside a function called under `no_grad`."""

    def __init__(self):
        super().__init__(True)


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    return _anomaly


class detect_anomaly(_Switch):
    """Raise at the first op whose forward or backward produces NaN or Inf.

    The error names the op and the line of user code that created it. Costs one
    `np.isfinite` per op and a stack lookup per recorded op while on; nothing while off.
    """

    flag = "_anomaly"


class record_sites(_Switch):
    """Make each op recorded inside remember the line of user code that created it (`op.site`).

    `check_graph` names that line. Off by default: the stack walk adds about 1 us to every
    recorded op (+35 % on small arrays, +5-10 % in a small MLP; benchmarks/site_recording.py).
    Lighter than detect_anomaly, and it never raises: models that use inf on purpose still run.
    """

    flag = "_sites"


class name_scope(contextlib.ContextDecorator):
    """Tag the ops recorded inside with `name` (nested scopes join with '.').

    nn.Module uses it so that a graph picture can group nodes by the module that made them.
    """

    def __init__(self, name: str):
        self.name = str(name)

    def _recreate_cm(self):
        return name_scope(self.name)

    def __enter__(self):
        global _scope
        self.prev = _scope
        _scope = _scope + (self.name,) if self.name else _scope

    def __exit__(self, *exc):
        global _scope
        _scope = self.prev
        return False


def _push_scope(name: str) -> tuple:
    """Open a name scope without a `with` block; returns the token that `_pop_scope` takes.

    The same as entering `name_scope(name)`, for hot paths (nn.Module.__call__ runs it on every
    call); an empty name opens no scope. Always pair it with `_pop_scope` in a `finally`.
    """
    global _scope
    prev = _scope
    if name:
        _scope = prev + (name if type(name) is str else str(name),)
    return prev


def _pop_scope(token: tuple) -> None:
    """Close the scopes opened since `_push_scope` returned `token`."""
    global _scope
    _scope = token


def current_scope() -> str:
    """The dotted name of the enclosing name_scope blocks ('' outside any)."""
    return ".".join(_scope)


__all__ = ["name_scope", "current_scope", "is_grad_enabled",
           "set_grad_enabled", "no_grad", "enable_grad",
           "is_anomaly_enabled", "detect_anomaly", "record_sites"]
