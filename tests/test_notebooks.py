"""The notebooks run top to bottom in a fresh kernel, their results hold, and they are saved run.

Each notebook is executed with nbclient exactly as `notebooks/build.py` does (kernel "python3",
started in notebooks/, this checkout first on PYTHONPATH), with one cell appended that asserts
what the notebook should have found. Nothing is written back.
"""

import importlib.util
import os
import re

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell

NOTEBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks")
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
NAMES = sorted(n for n in os.listdir(NOTEBOOKS) if n.endswith(".ipynb"))

_spec = importlib.util.spec_from_file_location("notebooks_build",
                                               os.path.join(NOTEBOOKS, "build.py"))
build = importlib.util.module_from_spec(_spec)  # notebooks/ is not a package
_spec.loader.exec_module(build)

# Run after the notebook's last cell, in its namespace.
CHECKS = {
    "01_scalar_graph.ipynb": """
assert all(abs(leaf.grad.item() - by_hand[leaf.name]) < 1e-12 for leaf in (x1, x2, w1, w2, b))
assert x.grad.item() == 7.0
assert np.allclose(df.data, df_hand, rtol=1e-12, atol=1e-14)
assert np.allclose(d2f.data, d2f_hand, rtol=1e-12, atol=1e-14)
""",
    "02_resnet_spirals.ipynb": """
assert comparison.ok and len(comparison.rows) == 2 * K + 3
assert histories["Adam"]["val_accuracy"][-1] >= 0.95
assert histories["Adam"]["loss"][-1] < histories["gradient descent"]["loss"][-1]
""",
    "03_mlp_digits.ipynb": """
assert test_accuracy >= 0.95
assert runs["Adam"][1]["loss"][-1] < runs["SGD"][1]["loss"][-1]
""",
    "04_checking_gradients.ipynb": """
assert report.first_wrong.op == "Swish" and report.first_wrong.scope == "1"
assert [n.status for n in report].count("wrong") == 1
assert fixed_report.ok
""",
    "05_convolution.ipynb": """
assert loop_error < 1e-12 and grad_error < 1e-12
assert ok_ops and ok_op and ok_op2
assert test_accuracy >= 0.95
""",
}


def test_every_notebook_has_checks():
    assert NAMES == sorted(CHECKS)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_its_results_hold(name):
    nb = nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)
    nb.cells.append(new_code_cell(CHECKS[name].strip()))
    try:
        build.execute(nb)
    except CellExecutionError as e:  # the failing cell's source and traceback, without colour codes
        raise AssertionError(f"{name}: {ANSI_COLOUR.sub('', str(e))}") from None


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_saved_with_its_outputs_in_order(name):
    nb = nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), (
        f"{name} is not saved from one run top to bottom: run python notebooks/build.py {name}")
    assert not any(out.output_type == "error" for cell in code for out in cell.outputs)
    assert any("image/png" in out.get("data", {}) for cell in code for out in cell.outputs)


def test_what_varies_between_runs_is_replaced_by_stable_text():
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "execute_result", {"text/plain": "<graphviz.graphs.Digraph at 0x7fcab4b71910>"},
        execution_count=1), nbformat.v4.new_output(
        "stream", text="op #0 Swish created at /tmp/ipykernel_29985/3036332455.py:12\n")]
    outputs = build.stable(nb).cells[0].outputs
    assert outputs[0]["data"]["text/plain"] == "<graphviz.graphs.Digraph>"
    assert outputs[1]["text"] == "op #0 Swish created at <cell>:12\n"


def test_consecutive_prints_to_one_stream_are_joined_however_the_kernel_split_them():
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="a\n"),
                           nbformat.v4.new_output("stream", text="b\n"),
                           nbformat.v4.new_output("stream", name="stderr", text="c\n")]
    outputs = build.stable(nb).cells[0].outputs
    assert [(o["name"], o["text"]) for o in outputs] == [("stdout", "a\nb\n"), ("stderr", "c\n")]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_saved_without_what_varies_between_runs(name):
    text = open(os.path.join(NOTEBOOKS, name)).read()
    assert not any(pattern.search(text) for pattern, _ in build.VARYING), (
        f"{name} holds an address or a kernel file name: run python notebooks/build.py {name}")
