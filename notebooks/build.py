"""Run the notebooks and save them with their outputs, so they read well on a code host.

    python notebooks/build.py                       # every notebook here
    python notebooks/build.py 02_resnet_spirals.ipynb

Each notebook runs top to bottom in a fresh "python3" kernel started in this folder, with the
repository root first on PYTHONPATH (so it imports this checkout's `autograd_core` and `nn`, as the
tests do), and is written back in place. Needs nbclient, nbformat and ipykernel (the `test` or
`notebooks` extra). tests/test_notebooks.py runs them the same way, without saving.
"""

import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(NOTEBOOKS)
# What differs from run to run in the outputs, and the stable text that replaces it: an object's
# address in its repr (the text/plain beside a graph's SVG), and the file name the kernel gives a
# cell (it holds the kernel's process id), as in "created at /tmp/ipykernel_2998/30363.py:12".
VARYING = ((re.compile(r" at 0x[0-9a-fA-F]+>"), ">"),
           (re.compile(r"/[^\s:]*ipykernel_\d+/\d+\.py"), "<cell>"))


def execute(nb, timeout=300):
    """Run every cell of `nb` (a NotebookNode) in place; a failing cell raises
    CellExecutionError."""
    path = os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    env.pop("MPLBACKEND", None)  # let the kernel pick its inline backend
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": NOTEBOOKS}})
    client.execute(env=env)
    return stable(nb)


def stable(nb):
    """`nb` with VARYING replaced in every text output and consecutive prints to one stream joined
    (the kernel splits them wherever its flush timer fires), so that a rebuild is byte-identical."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell["outputs"] = _joined_streams(cell["outputs"])
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = _replace_varying(out["text"])
            if "text/plain" in out.get("data", {}):
                out["data"]["text/plain"] = _replace_varying(out["data"]["text/plain"])
    return nb


def _joined_streams(outputs):
    joined = []
    for out in outputs:
        previous = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous["name"] == out["name"]):
            previous["text"] += out["text"]
        else:
            joined.append(out)
    return joined


def _replace_varying(text):
    for pattern, replacement in VARYING:
        text = pattern.sub(replacement, text)
    return text


def main(names):
    paths = [os.path.join(NOTEBOOKS, n) for n in names] or sorted(
        os.path.join(NOTEBOOKS, n) for n in os.listdir(NOTEBOOKS) if n.endswith(".ipynb"))
    for path in paths:
        start = time.perf_counter()
        nb = execute(nbformat.read(path, as_version=4))
        nbformat.write(nb, path)
        print(f"{os.path.basename(path)}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
