"""Debugging switches, per thread (grad_mode.state): NaN/Inf detection, recording sites, keeping values."""

from autograd_core.grad_mode import Switch, state


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()` (in this thread)."""
    return state.anomaly


class detect_anomaly(Switch):
    """Raise at the first op whose forward or backward produces NaN or Inf.

    The error names the op and the line of user code that created it. Costs one
    `np.isfinite` per op and a stack lookup per recorded op while on; nothing while off.
    """

    flag = "anomaly"


class record_sites(Switch):
    """Make each op recorded inside remember the line of user code that created it (`op.site`).

    `check_graph` names that line. Off by default: the stack walk adds about 1 us to every
    recorded op (+35 % on small arrays, +5-10 % in a small MLP; benchmarks/site_recording.py).
    Lighter than detect_anomaly, and it never raises: models that use inf on purpose still run.
    """

    flag = "sites"


class keep_values(Switch):
    """Make each op recorded inside save its inputs and output, not only what its vjp reads.

    `check_graph` needs them (it re-runs every op at its inputs), and the graph picture shows the
    values of intermediate tensors. Off by default: the graph then holds every intermediate array
    until backward, as a plain NumPy program would not.
    """

    flag = "keep_values"


__all__ = ["is_anomaly_enabled", "detect_anomaly", "record_sites", "keep_values"]
