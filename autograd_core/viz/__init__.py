"""Pictures of the computation graph with Graphviz: values, gradients and ops, grouped by module.

`to_dot(loss)` gives a `graphviz.Digraph` (Jupyter shows it inline); `draw(loss, "graph.svg")`
renders it to a file. The graph is walked iteratively, so any depth works, and a node budget keeps
large graphs readable by collapsing modules into boxes.

One file per job: view.py walks the graph into a View (a Node record per drawn node: an op, or
the value of an op's output or of a leaf, with its module scope, data and gradient), collapse.py
chooses the module boxes and applies the node budget, labels.py says what each node shows, and
dot.py lays the chosen nodes into module clusters as DOT.
"""

from pathlib import Path

import graphviz

from autograd_core.tensor import Tensor
from autograd_core.viz.collapse import select
from autograd_core.viz.dot import render
from autograd_core.viz.labels import SMALL
from autograd_core.viz.view import Node, View, view_of


def to_dot(*outputs: Tensor, grads: bool = False, collapse=None,
           max_nodes: int | None = 300, frames: bool = True) -> graphviz.Digraph:
    """The graph that computed `outputs`, as a graphviz.Digraph (it renders itself in Jupyter).

    A value node shows its name (a Parameter's dotted name, or one given with `name=`), shape and
    dtype, the values (min/mean/max past 6 elements) and its gradient if it has one (the norm
    |grad| past 6 elements); NaN or Inf in either is drawn in red. An intermediate value shows its
    data only where the graph still holds it (ops keep what their vjps read, everything inside
    `ag.keep_values()`); after backward it says "released". An op node shows the op's class name,
    its parameters (`Sum axis=1`) and the 0-d constants it took (`Mul(·, 2)`). Ops made inside
    `ag.name_scope(...)` (every Module call) are grouped in a cluster named after it. A graph of
    0-d tensors is drawn left to right with data and grad on each node, as micrograd does. The
    graph can be drawn after backward: its structure, the leaves' values and their `.grad` stay.

    Args:
        grads: False draws the `.grad` that backward left on leaves (the engine keeps no gradient of
            intermediate tensors). True computes the gradient of the outputs (one element each)
            with respect to every node, intermediates included (`.grad` is left alone); that needs
            the graph: draw before backward, or call `backward(retain_graph=True)`.
        collapse: modules to draw as one box each, showing how many ops and parameters they hold:
            a list of dotted names (["blocks.3"]), or a nesting depth (True or 1: every top-level
            module; 2: the modules inside those; ...).
        max_nodes: past this many nodes, modules are collapsed by themselves, deepest first; if
            even the top-level boxes are too many, the nodes farthest from the outputs are left
            out. A note on the picture says what was done. None: no limit.
        frames: False draws no frame (cluster) around each module's nodes, so modules need not
            sit side by side: a smaller picture; parameter and box names still say the module.
    """
    if not outputs:
        raise ValueError("to_dot needs at least one output Tensor")
    for t in outputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"to_dot draws Tensors, got {type(t).__name__}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1 or None, got {max_nodes}")
    view = view_of(outputs, grads)
    shown, notes = select(view.nodes, collapse, max_nodes)
    return render(view, shown, notes, frames)


def draw(outputs, path, format: str | None = None, **options) -> str:
    """Render the graph of `outputs` (a Tensor or a list of them) to the file `path`.

    The format comes from the suffix (.svg, .png, .pdf, ...; .gv or .dot writes the DOT source
    only) or from `format`; `options` go to `to_dot`. Returns the path written. Rendering needs
    Graphviz's `dot` program; without it a RuntimeError says how to install it, and the DOT source
    is left beside `path` as a .gv file.
    """
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    dot = to_dot(*outputs, **options)
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    if not path.suffix:
        path = path.with_suffix("." + format)
    if format in ("gv", "dot"):
        path.write_text(dot.source)
        return str(path)
    source = path.with_suffix(".gv")
    try:
        dot.render(filename=source, outfile=path, format=format, cleanup=True)
    except graphviz.ExecutableNotFound:
        raise RuntimeError(
            "Graphviz's `dot` program was not found, so the graph could not be rendered: install "
            "it (apt-get install graphviz, brew install graphviz or conda install graphviz). "
            f"The DOT source was written to {source}."
        ) from None
    return str(path)


__all__ = ["to_dot", "draw", "Node", "View", "SMALL"]
