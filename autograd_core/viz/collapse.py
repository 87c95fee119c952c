"""Module boxes and the node budget: which nodes of a View are drawn, and which modules as one box.

`select(nodes, collapse, max_nodes)` groups the view's node keys by what stands for them in the
picture: the node itself, or the box of a collapsed module (keyed by its scope tuple).
"""

import collections

from autograd_core.viz.view import module_name


def select(nodes, collapse, max_nodes):
    """What to draw: {a node key, or a collapsed module's scope: the keys it stands for}, and notes.

    Modules asked for by `collapse` become boxes; past `max_nodes`, so do the modules at the
    deepest level, then the next level up, until the picture fits; if it still does not, the
    nodes farthest from the outputs are left out.
    """
    counts = collections.Counter(node.scope for node in nodes.values())
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
    for key, node in nodes.items():
        shown.setdefault(box_of[node.scope] or key, []).append(key)
    if max_nodes is not None and len(shown) > max_nodes:
        hidden = sum(len(m) for m in list(shown.values())[max_nodes:])
        shown = dict(list(shown.items())[:max_nodes])
        notes.append(f"Only {len(nodes) - hidden} of {len(nodes)} nodes are drawn: the {hidden}"
                     f" farthest from the outputs are hidden\n(dashed edges lead to where they"
                     f" were). Pass max_nodes={len(nodes)} or collapse=... to see more.")
    elif notes:
        notes.append(f"Pass max_nodes={len(nodes)} to see every node, or collapse=[...] to choose.")
    return shown, notes


def _boxes_asked(collapse, modules):
    """The module scopes that `collapse` asks to draw as boxes."""
    if collapse is None or collapse is False:
        return set()
    if isinstance(collapse, int):  # True counts as 1
        if collapse < 1:
            raise ValueError(f"collapse depth must be at least 1, got {collapse}")
        return {m for m in modules if len(m) == collapse}
    by_name = {module_name(m): m for m in modules}
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
