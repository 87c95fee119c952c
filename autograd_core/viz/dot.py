"""The DOT picture of a View: each drawn node into the cluster of its module, then the edges.

`render(view, shown, notes, frames)` takes what collapse.select chose to draw and gives the
graphviz.Digraph; node names are n0, n1, ... (m0, ... for module boxes) in walk order, so the
same graph always gives the same text.
"""

import graphviz

from autograd_core.viz.labels import box_attrs, op_attrs, value_attrs
from autograd_core.viz.view import module_name


def render(view, shown, notes, frames=True) -> graphviz.Digraph:
    """The Digraph of the `shown` nodes and boxes of `view`, with `notes` as a note node."""
    dot = graphviz.Digraph(
        # nslimit bounds dot's network simplex, unbounded by default: a picture of a few hundred
        # nodes with long edges (a weight reused at every step) would otherwise take minutes.
        graph_attr={"rankdir": "LR" if view.scalar else "TB", "nslimit": "2", "nslimit1": "2"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.7"},
    )
    name_of = _place_nodes(dot, view, shown, frames)
    if notes:
        text = "\n".join(notes).replace("\n", "\\n")  # DOT's own line break
        dot.node("note", text, shape="note", style="filled", fillcolor="lightyellow")
    drawn = set()
    for src, dst in view.edges:
        a, b = name_of.get(src, "note"), name_of.get(dst)
        if b is not None and a != b and (a, b) not in drawn:
            drawn.add((a, b))
            dot.edge(a, b, **({"style": "dashed", "color": "gray50"} if a == "note" else {}))
    return dot


def _place_nodes(dot, view, shown, frames):
    """Draw each shown node or box into its module's cluster (or into `dot` itself, without
    frames); returns key -> the DOT name of the node that stands for it."""
    scalar = view.scalar
    clusters = {}  # module scope -> its subgraph
    name_of = {}
    for i, (item, members) in enumerate(shown.items()):
        name = f"m{i}" if isinstance(item, tuple) else f"n{i}"  # walk order: stable across runs
        name_of.update((key, name) for key in members)
        if isinstance(item, tuple):
            scope, attrs = item[:-1], box_attrs(item, [view.nodes[k] for k in members])
        else:
            node = view.nodes[item]
            scope = node.scope
            attrs = (op_attrs(node.item, view.folded) if node.is_op
                     else value_attrs(node, scalar))
        _cluster(dot, clusters, scope if frames else ()).node(name, **attrs)
    for scope in sorted(clusters, key=len, reverse=True):  # inner clusters into outer ones
        (clusters[scope[:-1]] if len(scope) > 1 else dot).subgraph(clusters[scope])
    return name_of


def _cluster(dot, clusters, scope):
    """The (sub)graph that a node made in module `scope` goes into, creating clusters as needed."""
    if not scope:
        return dot
    for k in range(1, len(scope) + 1):
        if scope[:k] not in clusters:
            clusters[scope[:k]] = graphviz.Digraph(
                name=f"cluster_{len(clusters)}",
                graph_attr={"label": module_name(scope[:k]), "style": "rounded",
                            "color": "gray50", "fontcolor": "gray30", "fontname": "Helvetica"},
            )
    return clusters[scope]
