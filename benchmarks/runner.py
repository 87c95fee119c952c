"""The one runner: a worker process per engine, driven side by side, and the ratios to NumPy.

Each engine runs in its own process with its own BLAS/OpenMP thread count (two thread pools in
one process slow each other down at random). Rounds are interleaved: in every round each
workload runs once on each engine, in an order that rotates from round to round. Summaries are
medians over rounds of CPU time, and medians of the per-round ratios to hand-written NumPy.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Worker:
    """One engine's process (benchmarks.worker), answering one JSON command at a time."""

    def __init__(self, engine, threads):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads), PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", engine], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, cmd, workload, **command):
        """The worker's reply to `cmd` on `workload` (a Workload record)."""
        command.update(cmd=cmd, workload=workload.step, params=workload.params)
        self.process.stdin.write(json.dumps(command) + "\n")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker died on {command}")
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.process.stdin.close()
        self.process.wait()


def measure(rows, workers, rounds):
    """samples[name][engine] = list of (cpu, wall) seconds and page faults per step, one per
    round."""
    samples = {row.name: {e: [] for e in row.engines if e in workers} for row in rows}
    for r in range(rounds):
        started = time.perf_counter()
        for row in rows:
            if row.rounds is None or r < row.rounds:
                _sample_round(row, workers, r, samples[row.name])
        print(f"  round {r + 1}/{rounds}: {time.perf_counter() - started:.1f} s", flush=True)
    return samples


def _sample_round(row, workers, r, samples):
    """One sample of `row` on each of its engines, in the order of round r (A B C, B C A, ...)."""
    engines = [e for e in row.engines if e in workers]
    shift = r % len(engines)
    for engine in engines[shift:] + engines[:shift]:
        reply = workers[engine].ask("sample", row, repeat=row.repeat, warmup=row.warmup)
        samples[engine].append((reply["cpu"], reply["wall"], reply["faults"]))


def summarise(rows, samples):
    """table[name][engine]: median time (CPU, in the row's unit), median page faults per step
    and, beside NumPy, the median per-round ratio to it in CPU time ("ratio") and wall time
    ("ratio_wall")."""
    table = {}
    for row in rows:
        per_engine = samples[row.name]
        base = per_engine.get("numpy")
        table[row.name] = {}
        for engine, values in per_engine.items():
            entry = {"median": row.in_unit(statistics.median(v[0] for v in values)),
                     "faults": statistics.median(v[2] for v in values)}
            if base and engine != "numpy":
                entry["ratio"] = _median_ratio(values, base, 0)
                entry["ratio_wall"] = _median_ratio(values, base, 1)
            table[row.name][engine] = entry
    return table


def _median_ratio(values, base, column):
    n = min(len(base), len(values))
    return statistics.median(values[i][column] / base[i][column] for i in range(n))


def check_values(checks, workers):
    """For each Check: NumPy's values, and every other engine's largest relative difference."""
    results = []
    for check in checks:
        values = {e: w.ask("values", check.workload, steps=check.steps)["values"]
                  for e, w in workers.items()}
        ref = values["numpy"]
        errors = {e: max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(v, ref))
                  for e, v in values.items() if e != "numpy"}
        results.append(dict(check=check, numpy=ref, errors=errors))
    return results


def check_memory(cases, workers):
    """(case, {engine: peak bytes}) for every engine but PyTorch (its allocator is not traced)."""
    return [(case, {e: w.ask("memory", case)["peak"] for e, w in workers.items() if e != "torch"})
            for case in cases]


def torch_version():
    """PyTorch's version, asked of a child process so that this one never loads torch."""
    out = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                         capture_output=True, text=True)
    return out.stdout.strip()
