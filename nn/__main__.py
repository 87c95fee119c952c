"""`python -m nn ...`: see nn/cli.py. Runs on one BLAS thread unless the environment says otherwise.

Why one: the CLI's models are small, so BLAS threads spend more time waking and syncing than
multiplying. `python3 -m nn train cnn` on a 2-core machine shared with other work: 28-75 s on
two threads (they suffer most from the sharing), 21-27 s on one; the same model either way.
Why threadpoolctl and not OPENBLAS_NUM_THREADS=1 here: `python -m nn` imports the package nn
first, and nn/__init__.py has already loaded NumPy and sized its BLAS pool by the time this file
runs, so an environment variable set here comes too late; threadpoolctl resizes the loaded pool.
"""

import contextlib
import os

from nn.cli import main

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def blas_threads():
    """One BLAS thread for the run, unless one of THREAD_VARIABLES is set (then it rules) or
    threadpoolctl is not installed (then BLAS keeps its default)."""
    if any(v in os.environ for v in THREAD_VARIABLES):
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


with blas_threads():
    status = main()
raise SystemExit(status)
