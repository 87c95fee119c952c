"""Functions built only from primitive ops: they need no vjp of their own."""

import numpy as np

from autograd_core.ops.elementwise import sqrt
from autograd_core.ops.reduce import logsumexp, sum
from autograd_core.shapes import shape_of, normalize_axes


def mean(x, axis=None, keepdims=False):
    """Average over `axis`."""
    axes = normalize_axes(axis, shape_of(x))
    count = int(np.prod([np.shape(x)[a] for a in axes]))
    return sum(x, axis=axes, keepdims=keepdims) / count


def var(x, axis=None, keepdims=False, ddof=0):
    """Variance over `axis`: the mean squared deviation with `ddof` taken off the count (NumPy's
    default 0, the population variance; 1 is the sample variance); NaN when ddof >= the count."""
    d = x - mean(x, axis=axis, keepdims=True)
    count = int(np.prod([np.shape(x)[a] for a in normalize_axes(axis, shape_of(x))]))
    if ddof == 0:
        return mean(d * d, axis=axis, keepdims=keepdims)
    return sum(d * d, axis=axis, keepdims=keepdims) / _positive_or_nan(count - ddof)


def std(x, axis=None, keepdims=False, ddof=0):
    """Standard deviation over `axis`, sqrt(var(x, axis, ddof)); its gradient is inf where it is 0."""
    return sqrt(var(x, axis=axis, keepdims=keepdims, ddof=ddof))


def _positive_or_nan(n):
    return float(n) if n > 0 else float("nan")


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis`: log-probabilities, exact even for logits of 1e4."""
    return x - logsumexp(x, axis=axis, keepdims=True)
