"""benchmarks.engine_plain's plain expressions, each step's forward and backward (zero_grad
included) through `ag.compile`; the optimizer's step stays outside (in-place updates are not
captured). `setup(workload, **params)` returns `step()`.

A CompileWarning (something fell back to eager) is an error in this engine's process: the row
would otherwise time eager code under the compiled name.
"""

import warnings

import autograd_core as ag
from benchmarks import engine_plain

warnings.simplefilter("error", ag.CompileWarning)


def setup(workload, **params):
    return engine_plain.setup(workload, compiled=True, **params)
