"""Functions built only from primitive ops: they need no vjp of their own."""

import numpy as np

from autograd_core.ops.elementwise import exp
from autograd_core.ops.reduce import logsumexp, sum
from autograd_core.shapes import normalize_axes


def mean(x, axis=None, keepdims=False):
    """Average over `axis`."""
    count = int(np.prod([np.shape(x)[a] for a in normalize_axes(axis, np.ndim(x))]))
    return sum(x, axis=axis, keepdims=keepdims) / count


def var(x, axis=None, keepdims=False):
    """Population variance over `axis` (ddof = 0, as NumPy)."""
    d = x - mean(x, axis=axis, keepdims=True)
    return mean(d * d, axis=axis, keepdims=keepdims)


def log_softmax(x, axis=-1):
    """x - logsumexp(x): log-probabilities, exact even for logits of 1e4."""
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """exp(log_softmax(x)): probabilities along `axis` that sum to 1, without overflow."""
    return exp(log_softmax(x, axis=axis))
