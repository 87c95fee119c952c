"""benchmarks.report: tables from the records and a made-up summary table (nothing is timed)."""

from benchmarks import report
from benchmarks.workloads import CHECKS, MEMORY, workloads

META = dict(command="python -m benchmarks.run --quick", when="today", python="3.11", numpy="2",
            torch=None, cpus=2, threads=1, rounds=3)


def _table(rows):
    """Every engine of every row at 2 units, ours at 1.05x NumPy; NumPy takes 430 page faults
    per step, the others none."""
    ratios = {"ratio": 1.05, "ratio_wall": 1.1, "faults": 0.0}
    return {r.name: {e: {"median": 2.0, **({"faults": 430.0} if e == "numpy" else ratios)}
                     for e in r.engines if e != "torch"} for r in rows}


def test_markdown_has_a_line_per_workload_and_judges_targets():
    rows = workloads(quick=True)
    checks = [dict(check=c, numpy=[1.0], errors={"ours": 0.0, "plain": 0.0, "compiled": 2e-6})
              for c in CHECKS]
    memory = [(m, {"numpy": 1e6, "ours": 1.1e6, "plain": 1e6, "compiled": 1.1e6}) for m in MEMORY]
    text = report.markdown(rows, _table(rows), checks, memory, META)
    for r in rows:
        assert f"| {r.label} | {r.unit} |" in text
    assert ("| MLP 784-100-200-10 + Adam, batch 256, float32 | ms/step | 2 | 2 | 2 | 2 | 1.05× | "
            "1.05× | 1.05× | <= 1.10x NumPy: met; plain <= 1.05x NumPy: met; "
            "compiled <= 0.95x NumPy: missed |") in text
    assert "<= 1.03x NumPy: missed" in text and "<= 1.3x NumPy: met" in text
    assert "plain <= 1.4x NumPy: met; compiled <= 0.90x NumPy: missed" in text
    assert "| same, forward under no_grad, 0-d | us/op | 2 | 2 | – | – | 1.05× | – | – |" in text
    assert "PyTorch" not in text.split("## How close")[1].split("## Same losses")[0]
    assert "| 2.0e-06 (> 1e-6: FAILED) |" in text  # a float64 check of compiled off by 2e-6
    assert "| 1.10× | 1.10× | ≤ 1.2×: met; ≤ 1.0×: missed |" in text  # compiled over eager


def test_markdown_counts_the_page_faults_of_each_engine_per_step():
    rows = workloads(quick=True)
    memory = [(m, {"numpy": 1e6, "ours": 1e6, "plain": 1e6, "compiled": 1e6}) for m in MEMORY]
    text = report.markdown(rows, _table(rows), [], memory, META)
    faults = text.split("## Minor page faults per step")[1].split("##")[0]
    assert "| workload | NumPy | ours (nn) | plain | compiled |" in faults
    assert "| MLP 784-100-200-10 + Adam, batch 256, float32 | 430 | 0.0 | 0.0 | 0.0 |" in faults
    assert "| same, forward under no_grad, 0-d | 430 | 0.0 | – | – |" in faults


def test_bounds_pair_each_matrix_product_row_with_the_step_of_its_batch_and_dtype():
    pairs = report.bound_pairs(workloads(quick=True))
    assert [(b.name, s.name) for b, s in pairs] == [
        ("matmuls256-float32", "mlp256-float32"), ("matmuls5000-float32", "mlp5000-float32"),
        ("matmuls5000-float64", "mlp5000-float64")]
