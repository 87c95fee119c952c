"""Per-op cost as CPU instructions, which machine noise does not move: a chain of small ops
counted under valgrind's callgrind.

    python3 -m benchmarks.instructions                  # this checkout
    python3 -m benchmarks.instructions --engine DIR     # the autograd_core package found in DIR

The chain (x * 0.9 + 0.1).tanh() repeated 300 times, forward and backward, on 0-d and (16,)
tensors. Each figure is the difference between a process that runs the chain 4 times and one
that runs it 0 times (same imports, same warm-up), divided by the ops run: instructions per op,
forward and backward apart. One BLAS thread (an idle OpenBLAS thread spins and would be counted),
one hash seed.
Needs `valgrind` (apt-get install valgrind); about a minute per figure.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

STEPS, REPEATS = 300, 4
OPS = 3 * STEPS + 1  # three ops per step, and the sum

_CHILD = """
import sys
import numpy as np
import autograd_core as ag
shape, repeats, backward = eval(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
start = np.full(shape, 0.5)
def chain():
    x = ag.Tensor(start, requires_grad=True)
    for _ in range({steps}):
        x = (x * 0.9 + 0.1).tanh()
    return x.sum()
chain().backward()
for _ in range(repeats):
    loss = chain()
    if backward:
        loss.backward()
"""


def instructions(engine, shape, repeats, backward):
    """The instructions callgrind counts for one child process."""
    # one BLAS thread, and one hash seed: set and dict orders, and with them when the garbage
    # collector runs, differ between processes otherwise (±5 % of the count)
    env = dict(os.environ, PYTHONPATH=engine, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "chain.py")
        with open(script, "w") as f:
            f.write(_CHILD.format(steps=STEPS))
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable,
             script, repr(shape), str(repeats), "1" if backward else "0"],
            env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def per_op(engine, shape):
    """(forward, backward) instructions per op of the chain on `shape`."""
    base = instructions(engine, shape, 0, True)
    forward = instructions(engine, shape, REPEATS, False)
    both = instructions(engine, shape, REPEATS, True)
    ops = REPEATS * OPS
    return (forward - base) // ops, (both - forward) // ops


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--engine", default=here, help="folder holding autograd_core/")
    args = parser.parse_args(argv)
    for shape in [(), (16,)]:
        forward, backward = per_op(os.path.abspath(args.engine), shape)
        print(f"chain on {shape}: forward {forward}, backward {backward}, "
              f"total {forward + backward} instructions per op")


if __name__ == "__main__":
    main()
