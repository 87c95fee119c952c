"""The einsum forms the Einsum op leaves to its function: '...' and repeated subscripts.

`einsum` rewrites the call before the op sees it, with exact ops only: '...' becomes letters
(operands whose ellipsis axes have length 1 are broadcast first, as NumPy broadcasts them), and a
letter repeated within one operand ("ii->i", "ii->", "iij->j") takes that operand's diagonal.
"""

import string

import numpy as np

from autograd_core.ops.indexing import diagonal
from autograd_core.ops.shape import broadcast_to


def _spell_ellipsis(ins, out, shapes):
    letters = set("".join(ins) + (out or "")) - set(",.")
    free = [c for c in string.ascii_letters if c not in letters]
    ranks = [len(shape) - (len(s) - 3) for s, shape in zip(ins, shapes) if "..." in s]
    if any(r < 0 for r in ranks):
        raise ValueError("einsum: an operand has fewer axes than its subscripts name")
    ell = "".join(free[:max(ranks, default=0)])
    spelled = [s.replace("...", ell[len(ell) - (len(shape) - len(s) + 3):]) if "..." in s else s
               for s, shape in zip(ins, shapes)]
    if out is None:  # NumPy's implicit output: the ellipsis axes, then the letters used once
        joined = "".join(ins).replace("...", "")
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1))
    return spelled, out.replace("...", ell)


def _broadcast_sizes(ins, operands, subscripts):
    sizes = {}
    for s, x in zip(ins, operands):
        if len(s) != np.ndim(x):
            raise ValueError(f"einsum '{subscripts}': operand '{s}' names {len(s)} axes, its shape "
                             f"is {np.shape(x)}")
        for c, n in zip(s, np.shape(x)):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise ValueError(f"einsum '{subscripts}': subscript '{c}' has lengths {sizes[c]} "
                                 f"and {n} (shapes {[np.shape(y) for y in operands]})")
    return sizes


def _take_diagonals(s, x):
    """Operand x with subscripts s, its repeated letters replaced by diagonals (last axis)."""
    while len(set(s)) != len(s):
        c = next(c for c in s if s.count(c) > 1)
        p = s.index(c)
        q = s.index(c, p + 1)
        x = diagonal(x, 0, p, q)
        s = s[:p] + s[p + 1:q] + s[q + 1:] + c
    return s, x


def einsum(subscripts, *operands):
    """np.einsum with '...', implicit output and repeated subscripts, differentiable to any order."""
    from autograd_core.ops.linalg import Einsum

    lhs, arrow, rhs = subscripts.replace(" ", "").partition("->")
    ins = lhs.split(",")
    if len(ins) != len(operands):
        raise ValueError(f"einsum '{subscripts}' needs {len(ins)} operands, got {len(operands)}")
    if "..." not in subscripts and all(len(set(s)) == len(s) for s in ins):
        return Einsum(subscripts).apply(*operands)
    ins, out = _spell_ellipsis(ins, rhs if arrow else None, [np.shape(x) for x in operands])
    sizes = _broadcast_sizes(ins, operands, subscripts)
    operands = [x if np.shape(x) == tuple(sizes[c] for c in s) else broadcast_to(x, tuple(sizes[c] for c in s))
                for s, x in zip(ins, operands)]
    pairs = [_take_diagonals(s, x) for s, x in zip(ins, operands)]
    return Einsum(",".join(s for s, _ in pairs) + "->" + out).apply(*[x for _, x in pairs])
