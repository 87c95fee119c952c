"""Gradient checks that say where a gradient is wrong and why, against finite differences in float64.

One file per job: differences.py (central differences), diagnosis.py (the likely cause: float32
rounding, a kink, the step size, or a wrong formula and which: a sign, a transpose, a factor),
gradcheck.py (`gradcheck` / `gradgradcheck`: one function's first / second derivatives),
graph.py (`check_graph`: each op of a recorded graph on its own, the first wrong one and its
line), compare.py (`compare_grads` / `assert_grads_close`: named gradients against hand-derived
ones, as a table). One contract, report.py: every checker returns a Report, truthy when it
passes, printed as the text users read, with `.raise_()`; `raise_on_error` is True by default for
gradcheck / gradgradcheck (assertions, as torch's) and False for check_graph / compare_grads.
"""

from autograd_core.checks.compare import GradComparison, assert_grads_close, compare_grads
from autograd_core.checks.differences import central_differences, numerical_jacobian
from autograd_core.checks.gradcheck import (
    FULL_JACOBIAN_LIMIT, LOCATE_LIMIT, gradcheck, gradgradcheck,
)
from autograd_core.checks.graph import NODE_ELEMENTWISE_LIMIT, GraphReport, NodeCheck, check_graph
from autograd_core.checks.report import GradcheckReport, Report

__all__ = [
    "gradcheck", "gradgradcheck", "check_graph", "compare_grads", "assert_grads_close",
    "Report", "GradcheckReport", "GraphReport", "NodeCheck", "GradComparison",
    "numerical_jacobian", "central_differences",
    "FULL_JACOBIAN_LIMIT", "LOCATE_LIMIT", "NODE_ELEMENTWISE_LIMIT",
]
