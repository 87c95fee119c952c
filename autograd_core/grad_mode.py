"""Whether operations are recorded, per thread, and the name scopes recorded on them.

The engine's switches live on `state`, one object per thread (a `threading.local`): a thread
starts with recording on, no scope and the debugging modes (debugging.py) off, whatever the
thread that started it had set; backward and `no_grad` change only their own thread. The engine
reads `state.enabled`, `state.scope`, `state.anomaly`, `state.sites` and `state.keep_values`, and writes them only
through the switches below.
"""

import contextlib
import threading


class _ThreadState(threading.local):
    """The switches of one thread; the class attributes are each new thread's defaults."""

    enabled = True  # record new operations for backward
    anomaly = False  # detect_anomaly: ops remember their site and check for NaN/Inf
    sites = False  # record_sites: recorded ops remember the line of user code that made them
    keep_values = False  # keep_values: recorded ops save their inputs and output, whatever they need
    tracer = None  # compile: the Trace recording this thread's ops while a function is traced
    # What each op call reads, in one read (a thread-local read costs ~50 ns): (enabled, hooks,
    # extras); hooks: anomaly or a tracer is on, and Function.apply calls out; extras:
    # keep_values, sites or a scope is on, and a recorded op reads them
    per_op = (True, False, False)

    def set(self, flag, value):
        """Set one switch, and the summary per_op that depends on it."""
        setattr(self, flag, value)
        self.per_op = (self.enabled, self.anomaly or self.tracer is not None,
                       bool(self.keep_values or self.sites or self.scope))
    scope = ()  # the names of the enclosing name_scope blocks, recorded on each op


state = _ThreadState()


class Switch(contextlib.ContextDecorator):
    """Set the switch named `flag` of this thread's `state` to `value` inside a `with` block or
    a decorated function, and restore it after."""

    flag = ""

    def __init__(self, value=True):
        self.value = bool(value)

    def _recreate_cm(self):  # a fresh object per decorated call: safe under recursion and threads
        fresh = object.__new__(type(self))
        fresh.value = self.value
        return fresh

    def __enter__(self):
        self.prev = getattr(state, self.flag)
        state.set(self.flag, self.value)

    def __exit__(self, *exc):
        state.set(self.flag, self.prev)
        return False


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward (in this thread)."""
    return state.enabled


class set_grad_enabled(Switch):
    """Turn recording on or off inside a `with` block (or a decorated function)."""

    flag = "enabled"

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


class name_scope(contextlib.ContextDecorator):
    """Tag the ops recorded inside with `name` (nested scopes join with '.', and a dotted name
    opens one scope per part: name_scope("blocks.0") is name_scope("blocks") around "0").

    nn.Module uses it so that a graph picture can group nodes by the module that made them.
    """

    def __init__(self, name: str):
        self.name = str(name)

    def _recreate_cm(self):
        return name_scope(self.name)

    def __enter__(self):
        self.token = _push_scope(self.name)

    def __exit__(self, *exc):
        _pop_scope(self.token)
        return False


def _push_scope(name: str) -> tuple:
    """Open a name scope without a `with` block (nn.Module.__call__, a hot path); returns the
    token that `_pop_scope` takes. An empty name opens no scope."""
    prev = state.scope
    if name:
        name = name if type(name) is str else str(name)
        state.set("scope", prev + (tuple(name.split(".")) if "." in name else (name,)))
    return prev


def _pop_scope(token: tuple) -> None:
    """Close the scopes opened since `_push_scope` returned `token`."""
    state.set("scope", token)


def current_scope() -> str:
    """The dotted name of the enclosing name_scope blocks ('' outside any)."""
    return ".".join(state.scope)


__all__ = ["name_scope", "current_scope", "is_grad_enabled", "set_grad_enabled", "no_grad",
           "enable_grad"]
