"""Functions built only from primitive ops: they need no vjp of their own."""

import numpy as np

from autograd_core.ops.reduce import logsumexp, sum
from autograd_core.shapes import shape_of, normalize_axes


def mean(x, axis=None, keepdims=False):
    """Average over `axis`."""
    axes = normalize_axes(axis, shape_of(x))
    count = int(np.prod([np.shape(x)[a] for a in axes]))
    return sum(x, axis=axes, keepdims=keepdims) / count


def var(x, axis=None, keepdims=False):
    """Population variance over `axis` (ddof = 0, as NumPy)."""
    d = x - mean(x, axis=axis, keepdims=True)
    return mean(d * d, axis=axis, keepdims=keepdims)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis`: log-probabilities, exact even for logits of 1e4."""
    return x - logsumexp(x, axis=axis, keepdims=True)
