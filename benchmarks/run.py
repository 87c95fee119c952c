"""Run every workload on every engine and write benchmarks/results.md and benchmarks/scaling.png.

    python -m benchmarks.run            # the full run (a few minutes)
    python -m benchmarks.run --quick    # fewer rounds, shorter chains (about half a minute)

Each engine (hand-written NumPy; ours with nn's layers, as plain expressions and those
through ag.compile; PyTorch if installed) runs in its own process with one
BLAS/OpenMP thread. Rounds are interleaved: in every round each workload runs once on each
engine, in an order that rotates from round to round, and each sample is preceded by one untimed
warm-up step. Reported: the median time over rounds, and the median over rounds of the per-round
ratio to hand-written NumPy. Times are CPU time of the engine's process (this machine is shared,
so wall time also counts the time others held the CPU); wall-clock ratios are given beside them.

The rows are in benchmarks/workloads.py, the runner in benchmarks/runner.py, the tables and the
plot in benchmarks/report.py; this module reads the command line and joins them.
"""

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from benchmarks import report, runner
from benchmarks.workloads import CHECKS, MEMORY, workloads

HERE = Path(__file__).resolve().parent


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds, shorter chains (~30 s)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 9, quick 3)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads per engine")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder for results.md and scaling.png"
    )
    return parser.parse_args(argv)


def run_all(rows, engines, args, rounds):
    """(value checks, memory peaks, timing samples), each engine in its own worker process."""
    workers = {e: runner.Worker(e, args.threads) for e in engines}
    try:
        print("checking that the engines agree ...", flush=True)
        checks = runner.check_values(CHECKS, workers)
        for c in checks:
            print(f"  {c['check'].workload.label}: "
                  + ", ".join(f"{e} rel. diff {v:.1e}" for e, v in c["errors"].items()))
        print("measuring peak memory ...", flush=True)
        memory = runner.check_memory(MEMORY, workers)
        print(f"timing {len(rows)} workloads x {len(engines)} engines, {rounds} rounds ...",
              flush=True)
        samples = runner.measure(rows, workers, rounds)
    finally:
        for w in workers.values():
            w.close()
    return checks, memory, samples


def describe(args, rounds, has_torch):
    """The run's circumstances, for the first line of results.md."""
    import numpy

    return dict(command="python -m benchmarks.run" + (" --quick" if args.quick else ""),
                when=time.strftime("%Y-%m-%d"), python=sys.version.split()[0],
                numpy=numpy.__version__, torch=runner.torch_version() if has_torch else None,
                cpus=os.cpu_count(), threads=args.threads, rounds=rounds)


def main(argv=None):
    args = parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 9)
    has_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    if not has_torch and not args.no_torch:
        print("PyTorch is not installed: comparing with NumPy only "
              "(pip install torch==2.13.0 for the CPU build)")
    rows = workloads(args.quick)
    engines = ["numpy", "ours", "plain", "compiled"] + (["torch"] if has_torch else [])
    checks, memory, samples = run_all(rows, engines, args, rounds)
    table = runner.summarise(rows, samples)
    text = report.markdown(rows, table, checks, memory, describe(args, rounds, has_torch))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text)
    report.plot(rows, table, args.out / "scaling.png", has_torch)
    print()
    print(text)
    failed = [f"{c['check'].workload.label} ({e})" for c in checks for e, error in c["errors"].items()
              if c["check"].float64 and e != "torch" and error > 1e-6]
    if failed:
        print(f"\nLOSSES DIFFER from hand-written NumPy: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
