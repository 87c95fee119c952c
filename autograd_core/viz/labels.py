"""What each drawn node says and looks like: the Graphviz attributes of a value, an op or a box.

A value node is a record of its name, shape and dtype, its data (min/mean/max past SMALL
elements) and its gradient (the norm past SMALL), filled by its role and red where it holds NaN
or Inf; an op node names the op's class, its short parameters and the 0-d constants it took; a
collapsed module's box says how many ops and parameters it holds.
"""

import numpy as np

from autograd_core.function import Function, Node, ReleasedLeaf
from autograd_core.tensor import Tensor
from autograd_core.viz.view import module_name

SMALL = 6  # a tensor with at most this many elements shows its values, a larger one a summary
_RED = {"color": "red", "fontcolor": "red", "penwidth": "2"}
_STYLE = {  # fill of a value node by its role
    "output": {"style": "filled", "fillcolor": "palegreen"},
    "parameter": {"style": "filled", "fillcolor": "lightblue"},
    "constant": {"style": "filled", "fillcolor": "gray93", "color": "gray60",
                 "fontcolor": "gray30", "fontsize": "9"},
    "intermediate": {},
}


def value_attrs(node, scalar_graph):
    """A value node: a leaf (its data and .grad) or an op's output (its data if still kept)."""
    item = node.item
    name = item.name if isinstance(item, Tensor) else item.output_name
    fields = [name] if name else []
    if not scalar_graph:
        fields.append(f"{item.shape} {item.dtype}")
    data = _data_of(item, node.value)
    fields.append(data if isinstance(data, str) else _summary(data, "data"))
    if node.grad is not None:
        fields.append(_summary(node.grad, "grad"))
    role = ("output" if node.is_output else "intermediate" if isinstance(item, Node)
            else "parameter" if item.requires_grad else "constant")
    finite = isinstance(data, str) or _is_finite(data)
    return {"label": _record(fields), "shape": "record", **_STYLE[role],
            **({} if finite and _is_finite(node.grad) else _RED)}


def op_attrs(node, folded):
    """The label of a recorded op (its Node): its class name, 0-d constants, short parameters."""
    label = node.name
    if any(id(x) in folded for x in node.inputs):
        args = (_number(x.data) if id(x) in folded else "·" for x in node.inputs)
        label += "(" + ", ".join(args) + ")"
    for key, value in vars(node.function).items():
        text = (str(value) if isinstance(value, (int, float, str, tuple, np.dtype))
                else type(value).__name__ if isinstance(value, Function) else "")
        # what the engine sets on every op (scope, site, ...) and what forward keeps for the vjp
        # (x_shape) is bookkeeping, not a parameter
        if key not in vars(Function) and not key.startswith("x_") and value is not False \
                and 0 < len(text) <= 24:
            label += f" {key}={text}"
    return {"label": label, "shape": "ellipse", "fontsize": "10"}


def box_attrs(scope, members):
    """A collapsed module (its Nodes `members`): its name, how many ops and parameters it holds;
    red if any of its leaves or their gradients holds NaN or Inf."""
    leaves = [n for n in members if isinstance(n.item, Tensor)]
    ops = sum(n.is_op for n in members)
    params = sum(n.item.requires_grad for n in leaves)
    bad = any(not (_is_finite(n.item._data) and _is_finite(n.grad)) for n in leaves)
    return {"label": f"{module_name(scope)}\\n{ops} ops, {params} parameters", "shape": "box3d",
            "style": "filled", "fillcolor": "lavender", **(_RED if bad else {})}


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
    if value is not None:
        return value
    if isinstance(item, ReleasedLeaf) or not isinstance(item, Tensor) and item.released:
        return "data released (by backward)"
    return item.data if isinstance(item, Tensor) else "data not kept"
