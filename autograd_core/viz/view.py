"""The graph as a view to draw: one small Node record per drawn node, and the edges between them.

Per recorded op (a function.Node) the view has an op node, keyed f"op{id(op)}", and a value node
for its output, keyed id(op); per leaf Tensor a value node keyed id(leaf), except 0-d constants,
which are folded into the label of the op that took them. Keys are in walk order, nearest the
outputs first (breadth-first, no recursion, so any depth works).
"""

import collections
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from autograd_core import backprop
from autograd_core.function import Node as OpNode
from autograd_core.tensor import Tensor


class Node(NamedTuple):
    """One drawn node: an op, or a value (a leaf, or the output of an op)."""

    item: OpNode | Tensor  # the op (of an op node, or of the value it output), or the leaf
    is_op: bool
    scope: tuple  # the module it was made in; a leaf's: the longest shared by the ops using it
    value: np.ndarray | None = None  # a value node's data where the graph still holds it
    grad: np.ndarray | None = None  # a value node's gradient, if it has one
    is_output: bool = False


@dataclass
class View:
    """The nodes to draw (key -> Node, nearest the outputs first), the edges (key, key) and the ids
    of the 0-d constants folded into their ops' labels."""

    nodes: dict
    edges: list
    folded: set

    @property
    def scalar(self) -> bool:
        """True if every value is 0-d (a micrograd-style graph, drawn left to right)."""
        return all(len(n.item.shape) == 0 for n in self.nodes.values() if not n.is_op)


def module_name(scope) -> str:
    """Dotted name of a module scope: ('blocks', '0') -> 'blocks.0'."""
    return ".".join(scope)


def view_of(outputs, grads: bool) -> View:
    """The view of the graph that computed `outputs` (see to_dot for `grads`)."""
    items = _walk(outputs)
    values = _known_values(items)
    values.update((id(backprop.edge(t)), t.data) for t in outputs)  # the outputs' are at hand
    gradients = (_gradients(outputs, items) if grads else {
        id(t): t.grad.data for t in items if isinstance(t, Tensor) and t.grad is not None})
    output_ids = {id(backprop.edge(t)) for t in outputs}
    folded = {id(t) for t in items if isinstance(t, Tensor) and not t.requires_grad and t.ndim == 0
              and t.name is None and id(t) not in output_ids}
    leaf_scope = _leaf_scopes(items)
    nodes, edges = {}, []
    for item in items:
        if id(item) not in folded:
            scope = item.scope if isinstance(item, OpNode) else leaf_scope.get(id(item), ())
            nodes[id(item)] = Node(item, False, scope, values.get(id(item)),
                                   gradients.get(id(item)), id(item) in output_ids)
        if isinstance(item, OpNode):
            nodes[f"op{id(item)}"] = Node(item, True, item.scope)
            edges.append((f"op{id(item)}", id(item)))
            edges.extend((id(x), f"op{id(item)}") for x in item.inputs if id(x) not in folded)
    return View(nodes, edges, folded)


def _walk(outputs):
    """The outputs' nodes and every node and leaf they were computed from, nearest first
    (breadth-first, no recursion)."""
    order, seen, queue = [], set(), collections.deque(backprop.edge(t) for t in outputs)
    while queue:
        item = queue.popleft()
        if id(item) not in seen:
            seen.add(id(item))
            order.append(item)
            queue.extend(item.inputs if isinstance(item, OpNode) else ())
    return order


def _known_values(items):
    """id(op) -> the value of its output, where the graph still holds it: saved by the op itself,
    or by an op that took it as input."""
    values = {}
    for op in items:
        if isinstance(op, OpNode):
            if op.saved_output is not None:
                values[id(op)] = op.saved_output
            for x, a in zip(op.inputs, op.saved_inputs or ()):
                if not isinstance(x, Tensor):  # a leaf shows its own data
                    values.setdefault(id(x), a)
    return values


def _leaf_scopes(items):
    """id(leaf) -> the longest scope shared by the ops that use it."""
    leaf_scope = {}
    for op in items:
        for x in op.inputs if isinstance(op, OpNode) else ():
            if isinstance(x, Tensor):
                s = leaf_scope.get(id(x), op.scope)
                leaf_scope[id(x)] = _common_prefix(s, op.scope)
    return leaf_scope


def _gradients(outputs, items):
    """id(node or leaf) -> d(sum of outputs)/d(its value), for every leaf that requires grad and
    every op output (the graph is retained)."""
    for t in outputs:
        if t.size != 1:
            raise ValueError(f"grads=True needs one-element outputs (a loss), got shape {t.shape}")
    roots = [t for t in outputs if t.requires_grad]
    if not roots:
        return {}
    if any(isinstance(item, OpNode) and item.released for item in items):
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
