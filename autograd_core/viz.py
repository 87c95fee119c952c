"""Pictures of the computation graph with Graphviz: values, gradients and ops, grouped by module.

`to_dot(loss)` gives a `graphviz.Digraph` (Jupyter shows it inline); `draw(loss, "graph.svg")`
renders it to a file. The graph is walked iteratively, so any depth works, and a node budget keeps
large graphs readable by collapsing modules into boxes.
"""

import collections
from pathlib import Path

import graphviz
import numpy as np

from autograd_core import backprop
from autograd_core.function import Function
from autograd_core.tensor import Tensor

SMALL = 6  # a tensor with at most this many elements shows its values, a larger one a summary
_RED = {"color": "red", "fontcolor": "red", "penwidth": "2"}
_STYLE = {  # fill of a value node by its role
    "output": {"style": "filled", "fillcolor": "palegreen"},
    "parameter": {"style": "filled", "fillcolor": "lightblue"},
    "constant": {"style": "filled", "fillcolor": "gray93", "color": "gray60",
                 "fontcolor": "gray30", "fontsize": "9"},
    "intermediate": {},
}


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
    items = _walk(outputs)
    values = _known_values(items)
    values.update((id(backprop.edge(t)), t.data) for t in outputs)  # the outputs' are at hand
    gradients = (_gradients(outputs, items) if grads else
                 {id(t): t.grad.data for t in items if isinstance(t, Tensor) and t.grad is not None})
    outputs_ids = {id(backprop.edge(t)) for t in outputs}
    nodes, edges, folded = _nodes_and_edges(items, outputs_ids)
    shown, notes = _select(nodes, collapse, max_nodes)

    # Draw: each node into the cluster of its module, then the edges between drawn nodes.
    scalar_graph = all(len(t.shape) == 0 for t, is_op, _ in nodes.values() if not is_op)
    dot = graphviz.Digraph(
        # nslimit bounds dot's network simplex, unbounded by default: a picture of a few hundred
        # nodes with long edges (a weight reused at every step) would otherwise take minutes.
        graph_attr={"rankdir": "LR" if scalar_graph else "TB", "nslimit": "2", "nslimit1": "2"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7"},
    )
    clusters = {}  # module scope -> its subgraph
    name_of = {}  # key -> the DOT name of the node that stands for it
    for i, (item, members) in enumerate(shown.items()):
        name = f"m{i}" if isinstance(item, tuple) else f"n{i}"  # walk order: stable across runs
        name_of.update((key, name) for key in members)
        if isinstance(item, tuple):
            scope, attrs = item[:-1], _box_attrs(item, [nodes[k] for k in members], gradients)
        else:
            t, is_op, scope = nodes[item]
            attrs = (_op_attrs(t, folded) if is_op else _value_attrs(
                t, values.get(id(t)), gradients.get(id(t)), id(t) in outputs_ids, scalar_graph))
        _cluster(dot, clusters, scope if frames else ()).node(name, **attrs)
    for scope in sorted(clusters, key=len, reverse=True):  # inner clusters into outer ones
        (clusters[scope[:-1]] if len(scope) > 1 else dot).subgraph(clusters[scope])
    if notes:
        text = "\n".join(notes).replace("\n", "\\n")  # DOT's own line break
        dot.node("note", text, shape="note", style="filled", fillcolor="lightyellow")
    drawn = set()
    for src, dst in edges:
        a, b = name_of.get(src, "note"), name_of.get(dst)
        if b is not None and a != b and (a, b) not in drawn:
            drawn.add((a, b))
            dot.edge(a, b, **({"style": "dashed", "color": "gray50"} if a == "note" else {}))
    return dot


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


def _walk(outputs):
    """The outputs' nodes and every node and leaf they were computed from, nearest first
    (breadth-first, no recursion)."""
    order, seen, queue = [], set(), collections.deque(backprop.edge(t) for t in outputs)
    while queue:
        item = queue.popleft()
        if id(item) not in seen:
            seen.add(id(item))
            order.append(item)
            queue.extend(item.inputs if isinstance(item, Function) else ())
    return order


def _known_values(items):
    """id(op) -> the value of its output, where the graph still holds it: saved by the op itself,
    or by an op that took it as input."""
    values = {}
    for op in items:
        if isinstance(op, Function):
            if op.saved_output is not None:
                values[id(op)] = op.saved_output
            for x, a in zip(op.inputs, op.saved_inputs or ()):
                if not isinstance(x, Tensor):  # a leaf shows its own data
                    values.setdefault(id(x), a)
    return values


def _nodes_and_edges(items, output_ids):
    """The picture's nodes, nearest the outputs first, its edges, and the folded constants.

    Per recorded op, an op node keyed by f"op{id(op)}" and a value node for its output keyed by
    id(op); per leaf a value node keyed by id(leaf), except 0-d constants (folded into the label of
    their op). nodes: key -> (the op or leaf, is_op, module scope).
    """
    folded = {id(t) for t in items if isinstance(t, Tensor) and not t.requires_grad and t.ndim == 0
              and t.name is None and id(t) not in output_ids}
    leaf_scope = {}  # id(leaf) -> the longest scope shared by the ops that use it
    for op in items:
        for x in op.inputs if isinstance(op, Function) else ():
            if isinstance(x, Tensor):
                s = leaf_scope.get(id(x), op.scope)
                leaf_scope[id(x)] = _common_prefix(s, op.scope)
    nodes, edges = {}, []
    for item in items:
        if id(item) not in folded:
            scope = item.scope if isinstance(item, Function) else leaf_scope.get(id(item), ())
            nodes[id(item)] = (item, False, scope)
        if isinstance(item, Function):
            nodes[f"op{id(item)}"] = (item, True, item.scope)
            edges.append((f"op{id(item)}", id(item)))
            edges.extend((id(x), f"op{id(item)}") for x in item.inputs if id(x) not in folded)
    return nodes, edges, folded


def _select(nodes, collapse, max_nodes):
    """What to draw: {a node key, or a collapsed module's scope: the keys it stands for}, and notes.

    Modules asked for by `collapse` become boxes; past `max_nodes`, so do the modules at the
    deepest level, then the next level up, until the picture fits; if it still does not, the
    nodes farthest from the outputs are left out.
    """
    counts = collections.Counter(scope for _, _, scope in nodes.values())
    modules = {s[:k] for s in counts for k in range(1, len(s) + 1)}
    boxes = _boxes_asked(collapse, modules)
    notes = []
    if max_nodes is not None and _count(counts, boxes) > max_nodes and modules:
        for depth in range(max(len(m) for m in modules), 0, -1):
            boxes |= {m for m in modules if len(m) == depth}
            if _count(counts, boxes) <= max_nodes:
                break
        notes.append(f"The graph has {len(nodes)} nodes, more than max_nodes={max_nodes}:\n"
                     f"the modules at depth {depth} are drawn as one box each (collapse={depth}).")
    box_of = {s: _box(s, boxes) for s in counts}
    shown = {}
    for key, (_, _, scope) in nodes.items():
        shown.setdefault(box_of[scope] or key, []).append(key)
    if max_nodes is not None and len(shown) > max_nodes:
        hidden = sum(len(m) for m in list(shown.values())[max_nodes:])
        shown = dict(list(shown.items())[:max_nodes])
        notes.append(f"Only {len(nodes) - hidden} of {len(nodes)} nodes are drawn: the {hidden}"
                     f" farthest from the outputs are hidden\n(dashed edges lead to where they"
                     f" were). Pass max_nodes={len(nodes)} or collapse=... to see more.")
    elif notes:
        notes.append(f"Pass max_nodes={len(nodes)} to see every node, or collapse=[...] to choose.")
    return shown, notes


def _gradients(outputs, items):
    """id(node or leaf) -> d(sum of outputs)/d(its value), for every leaf that requires grad and
    every op output (the graph is retained)."""
    for t in outputs:
        if t.size != 1:
            raise ValueError(f"grads=True needs one-element outputs (a loss), got shape {t.shape}")
    roots = [t for t in outputs if t.requires_grad]
    if not roots:
        return {}
    if any(isinstance(item, Function) and item.released for item in items):
        raise RuntimeError("grads=True computes gradients through the graph, but a backward "
                           "released it: draw before backward, or use backward(retain_graph=True)")
    seeds = [np.ones(t.shape, dtype=t.dtype) for t in roots]
    found, _ = backprop._walk(roots, seeds, True, False, {id(item) for item in items})
    return {k: np.asarray(g) for k, g in found.items()}


def _common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _module_name(scope):
    """Dotted name of a module scope: ('blocks', '0') -> 'blocks.0'."""
    return ".".join(scope)


def _boxes_asked(collapse, modules):
    """The module scopes that `collapse` asks to draw as boxes."""
    if collapse is None or collapse is False:
        return set()
    if isinstance(collapse, int):  # True counts as 1
        if collapse < 1:
            raise ValueError(f"collapse depth must be at least 1, got {collapse}")
        return {m for m in modules if len(m) == collapse}
    by_name = {_module_name(m): m for m in modules}
    asked = [collapse] if isinstance(collapse, str) else list(collapse)
    unknown = [n for n in asked if n not in by_name]
    if unknown:
        known = ", ".join(sorted(by_name)[:20]) or "none"
        raise ValueError(
            f"collapse: no module named {unknown[0]!r} in this graph (its modules: {known})")
    return {by_name[n] for n in asked}


def _box(scope, boxes):
    """The outermost module among `boxes` that holds `scope` (None if none does)."""
    return next((scope[:k] for k in range(1, len(scope) + 1) if scope[:k] in boxes), None)


def _count(counts, boxes):
    """How many nodes the picture has when the `boxes` modules are drawn as one box each."""
    n, drawn_boxes = 0, set()
    for scope, c in counts.items():
        box = _box(scope, boxes)
        if box is None:
            n += c
        else:
            drawn_boxes.add(box)
    return n + len(drawn_boxes)


def _cluster(dot, clusters, scope):
    """The (sub)graph that a node made in module `scope` goes into, creating clusters as needed."""
    if not scope:
        return dot
    for k in range(1, len(scope) + 1):
        if scope[:k] not in clusters:
            clusters[scope[:k]] = graphviz.Digraph(
                name=f"cluster_{len(clusters)}",
                graph_attr={"label": _module_name(scope[:k]), "style": "rounded",
                            "color": "gray50", "fontcolor": "gray30", "fontname": "Helvetica"},
            )
    return clusters[scope]


def _is_finite(a):
    """False if array `a` holds NaN or Inf (None, having no values, is finite)."""
    return a is None or a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


def _number(v):
    return str(v) if isinstance(v, (bool, np.bool_)) else f"{v:.4g}"


def _summary(a, what):
    """'data [1, 2.5]' for a small array; past SMALL, 'min .. mean .. max ..' or '|grad| ..'."""
    a = np.asarray(a)
    if a.size <= SMALL:
        text = np.array2string(a, separator=", ", formatter={"all": _number})
        return f"{what} {' '.join(text.split())}"
    finite = a[np.isfinite(a)] if a.dtype.kind in "fc" else a
    if finite.size == 0:
        text = what
    elif what == "grad":
        text = f"|grad| {_number(np.linalg.norm(finite.ravel()))}"
    else:
        low, mean, high = (_number(v) for v in (finite.min(), finite.mean(), finite.max()))
        text = f"min {low} mean {mean} max {high}"
    nan = int(np.isnan(a).sum()) if a.dtype.kind in "fc" else 0
    inf = a.size - finite.size - nan
    return text + "".join(f" ({n} {kind})" for n, kind in ((nan, "NaN"), (inf, "Inf")) if n)


def _record(fields):
    """A record label of one field per line (vertical top-to-bottom, horizontal left-to-right)."""
    table = str.maketrans({c: "\\" + c for c in '\\{}|<>"'})
    return "{" + "|".join(f.translate(table) for f in fields) + "}"


def _data_of(item, value):
    """The values to show for a leaf or an op's output, or why there are none."""
    if value is not None or isinstance(item, Tensor):
        return item.data if value is None else value
    return "data released (by backward)" if item.released else "data not kept"


def _value_attrs(item, value, g, is_output, scalar_graph):
    """A value node: a leaf (its data and .grad) or an op's output (its data if still kept)."""
    name = item.name if isinstance(item, Tensor) else item.output_name
    fields = [name] if name else []
    if not scalar_graph:
        fields.append(f"{item.shape} {item.dtype}")
    data = _data_of(item, value)
    fields.append(data if isinstance(data, str) else _summary(data, "data"))
    if g is not None:
        fields.append(_summary(g, "grad"))
    role = ("output" if is_output else "intermediate" if isinstance(item, Function)
            else "parameter" if item.requires_grad else "constant")
    finite = isinstance(data, str) or _is_finite(data)
    return {"label": _record(fields), "shape": "record", **_STYLE[role],
            **({} if finite and _is_finite(g) else _RED)}


def _op_attrs(op, folded):
    """The label of a recorded op: its class name, 0-d constants and short parameters."""
    label = type(op).__name__
    if any(id(x) in folded for x in op.inputs):
        args = (_number(x.data) if id(x) in folded else "·" for x in op.inputs)
        label += "(" + ", ".join(args) + ")"
    for key, value in vars(op).items():
        text = (str(value) if isinstance(value, (int, float, str, tuple, np.dtype))
                else type(value).__name__ if isinstance(value, Function) else "")
        # what the engine sets on every op (scope, site, ...) and what forward keeps for the vjp
        # (x_shape) is bookkeeping, not a parameter
        if key not in vars(Function) and not key.startswith("x_") and value is not False \
                and 0 < len(text) <= 24:
            label += f" {key}={text}"
    return {"label": label, "shape": "ellipse", "fontsize": "10"}


def _box_attrs(scope, members, gradients):
    """A collapsed module: its name, how many ops and parameters it holds; red if any is NaN/Inf."""
    ops = sum(is_op for _, is_op, _ in members)
    params = sum(isinstance(t, Tensor) and t.requires_grad for t, is_op, _ in members)
    bad = any(not (_is_finite(t.data) and _is_finite(gradients.get(id(t))))
              for t, is_op, _ in members if isinstance(t, Tensor))
    return {"label": f"{_module_name(scope)}\\n{ops} ops, {params} parameters", "shape": "box3d",
            "style": "filled", "fillcolor": "lavender", **(_RED if bad else {})}
