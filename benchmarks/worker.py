"""One engine's process: `python -m benchmarks.worker ENGINE`, driven by benchmarks.runner.

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"cmd": "sample", "workload": ..., "params": {...}, "repeat": K, "warmup": true}
      one untimed warm-up step, then K timed steps: seconds per step (wall and CPU), minor page
      faults per step and the last step's value; the model is built once per (workload, params)
      and kept.
  {"cmd": "values", "workload": ..., "params": {...}, "steps": N}  a fresh model's first N values
  {"cmd": "memory", "workload": ..., "params": {...}}  tracemalloc peak of one step on a fresh
      model, above what was held before it (NumPy reports its buffers to tracemalloc)
The parent sets the BLAS/OpenMP thread counts in the environment before this process starts.
"""

import gc
import importlib
import json
import resource
import sys
import time
import tracemalloc

ENGINES = {
    "numpy": "benchmarks.engine_numpy",
    "ours": "benchmarks.engine_ours",
    "plain": "benchmarks.engine_plain",
    "compiled": "benchmarks.engine_compiled",
    "torch": "benchmarks.engine_torch",
}


def main(engine):
    module = importlib.import_module(ENGINES[engine])
    steps = {}  # (workload, params) -> step function, kept across rounds
    for line in sys.stdin:
        command = json.loads(line)
        workload, params = command.get("workload"), command.get("params", {})
        if command["cmd"] == "quit":
            break
        if command["cmd"] == "sample":
            key = json.dumps([workload, params], sort_keys=True)
            if key not in steps:
                steps[key] = module.setup(workload, **params)
            reply = sample(steps[key], command.get("repeat", 1), command.get("warmup", True))
        elif command["cmd"] == "values":
            step = module.setup(workload, **params)
            reply = {"values": [step() for _ in range(command["steps"])]}
        elif command["cmd"] == "memory":
            reply = memory(module.setup(workload, **params))
        else:
            raise ValueError(f"unknown command {command['cmd']!r}")
        print(json.dumps(reply), flush=True)


def sample(step, repeat, warmup):
    """Seconds and minor page faults (see benchmarks/README.md) per step over `repeat` steps,
    after one untimed warm-up step."""
    gc.collect()
    if warmup:
        step()
    faults = _minor_faults()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        value = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    faults = _minor_faults() - faults
    return {"wall": wall / repeat, "cpu": cpu / repeat, "faults": faults / repeat, "value": value}


def _minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def memory(step):
    """Peak traced bytes during one step, above the bytes held before it (after a warm-up step),
    plus what the step keeps between calls for itself (`step.held()`: a compiled program's
    buffers, allocated by the warm-up step, written by every step)."""
    step()
    gc.collect()
    tracemalloc.start()
    held = tracemalloc.get_traced_memory()[0]
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak": peak - held + getattr(step, "held", lambda: 0)()}


if __name__ == "__main__":
    main(sys.argv[1])
