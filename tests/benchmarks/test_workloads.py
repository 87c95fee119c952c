"""benchmarks.workloads: the records the runner times and the report reads (nothing is timed)."""

import pytest

from benchmarks import engine_numpy, engine_plain
from benchmarks.workloads import CHECKS, EVERYONE, MEMORY, Workload, workloads


@pytest.mark.parametrize("quick", [True, False])
def test_workload_names_are_unique_and_quick_runs_fewer(quick):
    names = [w.name for w in workloads(quick)]
    assert len(names) == len(set(names))
    assert ("chain1M" in names) is not quick


def test_params_are_the_set_fields_as_the_step_takes_them():
    w = Workload("c", "chain", "chain", shape=(16,), ops=600, unit="us/op")
    assert w.params == {"shape": [16], "ops": 600}
    assert w.in_unit(600e-6) == pytest.approx(1.0)  # microseconds per op
    mlp = Workload("m", "mlp", "mlp", batch=4, dtype="float32")
    assert mlp.in_unit(0.002) == pytest.approx(2.0)  # milliseconds per step


def test_checks_hold_float32_to_no_tolerance_and_memory_cases_are_steps():
    assert [c.float64 for c in CHECKS] == [True, True, False, True, True, True]
    assert {m.step for m in MEMORY} == {"mlp", "resnet"}


def test_the_plain_and_compiled_engines_time_the_issue_18_rows():
    timed = {w.name for w in workloads(quick=False) if {"plain", "compiled"} <= set(w.engines)}
    assert {"chain0-d", "chain(16,)", "mlp256-float32", "mlp5000-float32", "mlp5000-float64",
            "resnet"} <= timed
    assert not timed & {"nograd0-d", "nograd(16,)", "chain100k", "chain1M"}
    assert EVERYONE == ("numpy", "ours", "plain", "compiled", "torch")


@pytest.mark.parametrize("step, params, steps", [
    ("mlp", dict(batch=16, dtype="float64"), 3),
    ("resnet", dict(layers=3, points=40), 3),
    ("chain", dict(shape=(4,), ops=60), 1),
])
def test_plain_and_compiled_values_equal_numpys_and_each_other(step, params, steps):
    import warnings

    import autograd_core as ag

    reference = engine_numpy.setup(step, **params)
    expected = [reference() for _ in range(steps)]
    plain = engine_plain.setup(step, **params)
    eager = [plain() for _ in range(steps)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ag.CompileWarning)  # nothing may fall back to eager
        compiled = engine_plain.setup(step, compiled=True, **params)
        replayed = [compiled() for _ in range(steps)]
    assert replayed == eager  # bit for bit
    assert eager == pytest.approx(expected, rel=1e-12)
