"""Reverse-mode differentiation: one iterative walk serves `Tensor.backward` and `grad`."""

from heapq import heappop, heappush
from operator import attrgetter

import numpy as np

from autograd_core import grad_mode
from autograd_core.grad_mode import state as _state
from autograd_core.function import check_finite
from autograd_core.shapes import sum_to_shape
from autograd_core.tensor import Tensor


class _Freed:
    """Stands in for the op of a node whose graph was released by an earlier backward."""

    def vjp(self, *args):
        raise RuntimeError(
            "backward through a graph that an earlier backward already released; "
            "pass retain_graph=True to the first backward to go through it twice"
        )


FREED = _Freed()
_array = attrgetter("_data")  # Tensor -> its ndarray, without a Python-level call


def topological_order(roots):
    """Every node the roots depend on through ops that require grad, each after its inputs,
    in evaluation order (an op's left inputs before its right ones).

    Iterative post-order depth-first search: no recursion, so any depth works. The backward
    walk orders nodes by rank instead; this order is for tools that check or show a graph.
    """
    order, seen = [], set()
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((x, False) for x in reversed(node._inputs) if x.requires_grad)
    return order


def _walk(roots, seeds, retain_graph, create_graph, keep=()):
    """Push the seeds down the graph; return ({id(node): total gradient}, the leaves reached).

    The dict holds the gradient of every leaf reached and of every non-leaf whose id is in
    `keep`. A heap hands out the pending non-leaf node of highest rank (an op's output ranks above
    all its inputs that require grad), so all of a node's consumers have run before its vjp.
    Leaves run no vjp: their gradients just add up, and need no place in the heap. Gradients are
    ndarrays in an ordinary backward and Tensors under create_graph (recorded, so they can be
    differentiated again). Unless the graph is retained, each node drops its op and inputs once
    its vjp has run, so intermediate arrays die during the walk.
    """
    grads = {}  # id(node) -> gradient (for a non-leaf: until it is pushed to its inputs)
    pending = []  # heap of (-rank, id, node) for the non-leaf nodes in grads
    leaves = []
    op, edges = None, zip(roots, seeds)  # the seeds come in like gradients from above the roots
    with grad_mode.set_grad_enabled(create_graph):
        while True:
            for x, gx in edges:
                if gx is None or not x.requires_grad:
                    continue
                data = x._data
                if gx.shape != data.shape:
                    try:
                        gx = sum_to_shape(gx, data.shape)
                    except ValueError as e:
                        raise ValueError(f"{type(op).__name__}.vjp: {e}") from None
                if gx.dtype != data.dtype:
                    gx = gx.astype(data.dtype)
                if _state.anomaly and op is not None:
                    check_finite(op, "backward", gx, [g])
                k = id(x)
                if k in grads:
                    grads[k] = grads[k] + gx
                else:
                    grads[k] = gx
                    if x._op is None:
                        leaves.append(x)
                    else:
                        heappush(pending, (-x._rank, k, x))
            if not pending:
                return grads, leaves
            _, k, node = heappop(pending)
            g = grads[k] if k in keep else grads.pop(k)
            op, inputs = node._op, node._inputs
            for x, version in node._versions:
                if x._version != version:
                    raise RuntimeError(
                        f"tensor {x.name or ''!r} of shape {x.shape}, an input of "
                        f"{type(op).__name__}, was modified in place after the op used it: "
                        "its gradient would be wrong; run the forward again after the update"
                    )
            if create_graph:
                gxs = op.vjp(g, node, *inputs)
            elif len(inputs) == 1:  # most ops: a plain call, cheaper than unpacking a map into one
                gxs = op.vjp(g, node._data, inputs[0]._data)
            else:
                gxs = op.vjp(g, node._data, *map(_array, inputs))
            if type(gxs) is not tuple or len(gxs) != len(inputs):
                raise TypeError(
                    f"{type(op).__name__}.vjp must return a tuple of {len(inputs)} gradients"
                )
            edges = zip(inputs, gxs)
            if not retain_graph:
                node._op, node._inputs, node._versions = FREED, (), ()


def _as_seed(t, grad, create_graph):
    """The starting gradient for output `t`: ones for a one-element t, else `grad` of t's shape."""
    if not isinstance(t, Tensor):
        raise TypeError(f"can only differentiate Tensors, got {type(t).__name__}")
    if not t.requires_grad:
        raise RuntimeError(
            "this tensor has no history to differentiate: nothing that requires grad went into "
            "it (set requires_grad=True on the leaves, outside no_grad())"
        )
    if t._op is FREED:
        FREED.vjp()
    if grad is None:
        if t.size != 1:
            raise RuntimeError(
                f"backward on a tensor of shape {t.shape} needs a `grad` of that shape; "
                "only a one-element output gets the implicit gradient 1"
            )
        grad = np.ones(t.shape, dtype=t.dtype)
    g = grad._data if isinstance(grad, Tensor) else np.asarray(grad, dtype=t.dtype)
    if g.shape != t.shape:
        raise ValueError(f"grad has shape {g.shape} but the output it seeds has shape {t.shape}")
    if g.dtype != t.dtype:
        g = g.astype(t.dtype)
    if create_graph:
        return grad if isinstance(grad, Tensor) and grad.dtype == t.dtype else Tensor._wrap(g)
    return g


def _own_arrays(grads, seeds):
    """`grads` (ndarrays) made safe to hand out: each its own writable ndarray (0-d included).

    A vjp may pass one gradient to several inputs (x + y), return a read-only broadcast view
    (sum) or hand the caller's seed straight through; such arrays are copied, so that scaling
    one `.grad` in place changes nothing else. Fresh arrays are handed out as they are.
    """
    handed_out = {id(s) for s in seeds}
    owned = []
    for g in grads:
        if g is not None:
            if type(g) is not np.ndarray or not (g.flags.owndata and g.flags.writeable) \
                    or id(g) in handed_out:
                g = np.array(g)
            handed_out.add(id(g))
        owned.append(g)
    return owned


def backward(t, grad=None, retain_graph=False, create_graph=False):
    """Accumulate d(t)/d(leaf) into `.grad` of every leaf that requires grad."""
    seed = _as_seed(t, grad, create_graph)
    grads, leaves = _walk([t], [seed], retain_graph or create_graph, create_graph)
    if create_graph:
        for x in leaves:
            g = grads[id(x)]
            x.grad = g if x.grad is None else x.grad + g
        return
    for x, g in zip(leaves, _own_arrays([grads[id(x)] for x in leaves], [seed])):
        x.grad = Tensor._wrap(g) if x.grad is None else Tensor._wrap(np.asarray(x.grad._data + g))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of `outputs` (summed) with respect to each of `inputs`, as a tuple of Tensors.

    Leaves' `.grad` is left alone. Args:
        grad_outputs: the seed for each output; None gives 1 to one-element outputs.
        retain_graph: keep the graph for another backward (default: create_graph).
        create_graph: record the gradient computation, so the result can be differentiated again.
        allow_unused: return None for an input the outputs do not depend on, instead of raising.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"{len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for x in inputs:
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise ValueError("every input of grad() must be a Tensor that requires grad")
    seeds = [_as_seed(t, g, create_graph) for t, g in zip(outputs, grad_outputs)]
    keep = create_graph if retain_graph is None else retain_graph
    grads, _ = _walk(outputs, seeds, keep, create_graph, {id(x) for x in inputs})
    result = [grads.get(id(x)) for x in inputs]
    for x, g in zip(inputs, result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"an input of shape {x.shape} was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
    if create_graph:
        return tuple(result)
    return tuple(None if g is None else Tensor._wrap(g) for g in _own_arrays(result, seeds))
