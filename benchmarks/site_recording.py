"""What recording each op's creation site costs: per-op time with recording off, under
`ag.record_sites()` and under `ag.detect_anomaly()`, side by side in one run.

    python3 benchmarks/site_recording.py

Timings interleave the three modes and keep the best of several repeats, so that machine noise
hits all three alike. The ratio column is the per-op overhead a mode would add if it were always on.
"""

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import autograd_core as ag
from autograd_core.backprop import topological_order

MODES = {"off": None, "record_sites": ag.record_sites, "detect_anomaly": ag.detect_anomaly}


def time_per_call(fn, mode, number, repeat):
    """Best seconds per call of fn() over `repeat` rounds, inside `mode` (a context manager class or None)."""
    best = float("inf")
    for _ in range(repeat):
        if mode is None:
            t = timeit.timeit(fn, number=number)
        else:
            with mode():
                t = timeit.timeit(fn, number=number)
        best = min(best, t / number)
    return best


def cases(rng):
    """(label, function, ops it records per call) for one elementwise op on several sizes and an MLP."""
    for n in (10, 1_000, 100_000):
        a = ag.Tensor(rng.standard_normal(n), requires_grad=True)
        b = ag.Tensor(rng.standard_normal(n), requires_grad=True)
        yield f"a * b, {n} elements", lambda a=a, b=b: a * b, 1
    x = ag.Tensor(rng.standard_normal((64, 32)))
    w1 = ag.Tensor(rng.standard_normal((32, 128)) * 0.1, requires_grad=True)
    w2 = ag.Tensor(rng.standard_normal((128, 10)) * 0.1, requires_grad=True)
    b1 = ag.Tensor(np.zeros(128), requires_grad=True)

    def mlp_loss():
        return ag.logsumexp(ag.tanh(x @ w1 + b1) @ w2, axis=-1).mean()

    yield "MLP 64x32-128-10, forward+backward", lambda: mlp_loss().backward(), count_ops(mlp_loss())


def count_ops(t):
    """The number of ops recorded in t's graph."""
    return len(topological_order([t]))


def main():
    rng = np.random.default_rng(0)
    print(f"{'case':38} {'off':>10} {'record_sites':>13} {'ratio':>6} {'detect_anomaly':>15} {'ratio':>6}")
    for label, fn, ops in cases(rng):
        fn()
        number = max(20, int(0.05 / max(timeit.timeit(fn, number=5) / 5, 1e-7)))
        times = {m: float("inf") for m in MODES}
        for _ in range(5):  # interleave the modes
            for name, mode in MODES.items():
                times[name] = min(times[name], time_per_call(fn, mode, number, repeat=3))
        per_op = {m: t / ops * 1e6 for m, t in times.items()}
        print(f"{label:38} {per_op['off']:8.2f}us {per_op['record_sites']:11.2f}us "
              f"{times['record_sites'] / times['off']:6.2f} {per_op['detect_anomaly']:13.2f}us "
              f"{times['detect_anomaly'] / times['off']:6.2f}")
    print("(times per recorded op; the MLP row divides a whole training step by its forward ops)")


if __name__ == "__main__":
    main()
