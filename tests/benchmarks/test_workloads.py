"""benchmarks.workloads: the records the runner times and the report reads (nothing is timed)."""

import pytest

from benchmarks.workloads import CHECKS, MEMORY, Workload, workloads


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
