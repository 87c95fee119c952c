"""Loss functions of Tensors. Predictions and targets must have the same shape (no silent
broadcasting of (N, 1) against (N,)); targets are constants and take the predictions' dtype.

Seed 000's cost 1/2 * sum((Z - c)^2) is `0.5 * mse_loss(Z, c, reduction="sum")`.
"""

import numpy as np

import autograd_core as ag

REDUCTIONS = ("mean", "sum", "none")


def _reduce(losses, reduction):
    if reduction == "mean":
        return ag.mean(losses)
    if reduction == "sum":
        return ag.sum(losses)
    return losses


def _prepare(name, pred, target, reduction):
    """`pred` as a Tensor and `target` as a constant array of pred's dtype, after the checks."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    pred = pred if isinstance(pred, ag.Tensor) else ag.Tensor(pred)
    target = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    if pred.shape != target.shape:
        raise ValueError(
            f"{name}: prediction has shape {pred.shape} but target has shape {target.shape}; "
            "reshape one of them (e.g. pred.reshape(-1) or target[:, None]) so they agree"
        )
    if pred.dtype.kind != "f":
        raise TypeError(f"{name}: predictions must be floating point, got dtype {pred.dtype}")
    return pred, target.astype(pred.dtype, copy=False)


def mse_loss(pred, target, reduction="mean"):
    """Squared error (pred - target)^2, averaged over every element ("mean") or summed ("sum")."""
    pred, target = _prepare("mse_loss", pred, target, reduction)
    diff = pred - target
    return _reduce(diff * diff, reduction)


def binary_cross_entropy(probs, targets, reduction="mean"):
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1].

    p is clipped to [eps, 1 - eps] (eps of its dtype) so that a saturated prediction costs
    about 36 (float64) instead of inf; prefer binary_cross_entropy_with_logits for training.
    """
    probs, targets = _prepare("binary_cross_entropy", probs, targets, reduction)
    eps = np.finfo(probs.dtype).eps
    p = ag.clip(probs, eps, 1 - eps)
    return _reduce(-(targets * ag.log(p) + (1 - targets) * ag.log(1 - p)), reduction)


def binary_cross_entropy_with_logits(logits, targets, reduction="mean"):
    """Binary cross-entropy of sigmoid(logits), as softplus(x) - t * x: exact even at |x| = 1000."""
    logits, targets = _prepare("binary_cross_entropy_with_logits", logits, targets, reduction)
    return _reduce(ag.softplus(logits) - targets * logits, reduction)


class CrossEntropy(ag.Function):
    """Softmax cross-entropy of logits (N, C) with integer labels (N,), in one node.

    forward: mean (or sum) over the batch of logsumexp(x_i) - x_i[label_i], max-shifted;
             it keeps exp(x - max) and its row sums for the vjp.
    vjp:     g * (softmax(x) - onehot(labels)) / N  (N -> 1 for "sum"). Under create_graph
             it is written with ag functions, so it is recorded and differentiable again.
    """

    def __init__(self, labels, reduction="mean"):
        self.labels, self.reduction = labels, reduction

    def forward(self, x):
        rows = np.arange(len(self.labels))
        top = x.max(axis=1, keepdims=True)
        shifted = x - np.where(np.isfinite(top), top, 0)  # all -inf (or inf): shift by nothing
        self.exp = np.exp(shifted)
        self.total = self.exp.sum(axis=1, keepdims=True)
        losses = np.log(self.total[:, 0]) - shifted[rows, self.labels]
        return losses.mean() if self.reduction == "mean" else losses.sum()

    def vjp(self, g, out, x):
        scale = 1.0 / len(self.labels) if self.reduction == "mean" else 1.0
        if isinstance(x, np.ndarray):  # an ordinary backward: the softmax from the forward
            g = g * scale
            grad = self.exp / self.total
            grad *= g
            grad[np.arange(len(self.labels)), self.labels] -= g
            return (grad,)
        onehot = np.eye(x.shape[1], dtype=bool)[self.labels]
        softmax = ag.exp(x - ag.logsumexp(x, axis=1, keepdims=True))
        return (g * scale * (softmax - onehot),)


def cross_entropy(logits, labels, reduction="mean"):
    """Softmax cross-entropy of `logits` (N, C) against integer class `labels` (N,) in [0, C).

    reduction "mean" (default, over the batch) or "sum" (seed 002's batch loss).
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"cross_entropy: reduction must be 'mean' or 'sum', got {reduction!r}")
    logits = logits if isinstance(logits, ag.Tensor) else ag.Tensor(logits)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {logits.shape}")
    if logits.dtype.kind != "f":
        raise TypeError(f"cross_entropy: logits must be floating point, got dtype {logits.dtype}")
    labels = np.asarray(labels.data if isinstance(labels, ag.Tensor) else labels)
    n, c = logits.shape
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: labels must be integers (class indices), got dtype "
                        f"{labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: labels must have shape ({n},) for logits of shape "
                         f"{logits.shape}, got {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= c):
        raise ValueError(f"cross_entropy: labels must lie in [0, {c}) for {c} classes, got values "
                         f"from {labels.min()} to {labels.max()}")
    return CrossEntropy(labels, reduction)(logits)
