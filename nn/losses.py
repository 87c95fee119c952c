"""Loss functions of Tensors, each `loss(input, target, reduction="mean"|"sum"|"none")` as in
PyTorch. Inputs and targets must have the same shape (no silent broadcasting of (N, 1) against
(N,)), except cross_entropy's class indices; targets are constants and take the input's dtype.

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
    """`pred` (the input) as a Tensor and `target` as an array, after the checks. The ops take the
    target in the prediction's dtype (as constants are), so no NumPy copy of it is made: under
    ag.compile the target stays the argument it is."""
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
    return pred, target


def mse_loss(input, target, reduction="mean"):
    """Squared error (input - target)^2, averaged over every element ("mean"), summed or not reduced."""
    input, target = _prepare("mse_loss", input, target, reduction)
    diff = input - target
    return _reduce(diff * diff, reduction)


def binary_cross_entropy(input, target, reduction="mean"):
    """-(t log p + (1 - t) log(1 - p)) for probabilities p (`input`) in [0, 1].

    p is clipped to [eps, 1 - eps] (eps of its dtype) so that a saturated prediction costs
    about 36 (float64) instead of inf; prefer binary_cross_entropy_with_logits for training.
    """
    input, target = _prepare("binary_cross_entropy", input, target, reduction)
    eps = np.finfo(input.dtype).eps
    p = ag.clip(input, eps, 1 - eps)
    log_q = ag.log(1 - p)  # t log p + (1 - t) log q, with only engine ops on the target
    return _reduce(-(target * ag.log(p) + log_q - target * log_q), reduction)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross-entropy of sigmoid(input), as softplus(x) - t * x: exact even at |x| = 1000."""
    input, target = _prepare("binary_cross_entropy_with_logits", input, target, reduction)
    return _reduce(ag.softplus(input) - target * input, reduction)


class CrossEntropy(ag.Function):
    """Softmax cross-entropy of logits (N, C) with integer labels (N,), in one node.

    forward: per row logsumexp(x_i) - x_i[label_i], max-shifted, then the mean, the sum or
             nothing ("none": shape (N,)); the mean of an empty batch is NaN, as in PyTorch.
             It keeps exp(x - max) and its row sums for the vjp.
    vjp:     g * (softmax(x) - onehot(labels)), divided by N for "mean" (g of shape (N,) for
             "none"). Under create_graph it is written with ag functions, so it is recorded
             and differentiable again.
    """

    kept = ("labels", "exp", "total")  # dropped by backward with the graph's saved arrays

    def __init__(self, labels, reduction="mean"):
        self.labels, self.reduction = labels, reduction

    def forward(self, x):
        rows = np.arange(len(self.labels))
        top = x.max(axis=1, keepdims=True, initial=-np.inf)
        shifted = x - np.where(np.isfinite(top), top, 0)  # all -inf (or inf): shift by nothing
        self.exp = np.exp(shifted)
        self.total = self.exp.sum(axis=1, keepdims=True)
        losses = np.log(self.total[:, 0]) - shifted[rows, self.labels]
        if self.reduction == "none":
            return losses
        if self.reduction == "sum" or len(losses):
            total = losses.sum()
            return total / len(losses) if self.reduction == "mean" else total
        return np.array(np.nan, dtype=x.dtype)  # the mean of nothing

    def _row_weights(self, g):
        """The upstream gradient of each row's loss, shape (N, 1) or a scalar."""
        if self.reduction == "none":
            return g.reshape(-1, 1) if isinstance(g, ag.Tensor) else g[:, None]
        return g / len(self.labels) if self.reduction == "mean" and len(self.labels) else g

    def vjp(self, g, out, x):
        g = self._row_weights(g)
        if isinstance(x, np.ndarray):  # an ordinary backward: the softmax from the forward
            grad = self.exp / self.total
            grad *= g
            grad[np.arange(len(self.labels)), self.labels] -= np.reshape(g, -1) if np.ndim(g) else g
            return (grad,)
        onehot = np.eye(x.shape[1], dtype=bool)[self.labels]
        softmax = ag.exp(x - ag.logsumexp(x, axis=1, keepdims=True))
        return (g * (softmax - onehot),)


def cross_entropy(input, target, reduction="mean"):
    """Softmax cross-entropy of logits `input` (N, C) against integer classes `target` (N,) in [0, C).

    reduction "mean" (default, over the batch), "sum" (seed 002's batch loss) or "none" (N,).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    logits = input if isinstance(input, ag.Tensor) else ag.Tensor(input)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C), got {logits.shape}")
    if logits.dtype.kind != "f":
        raise TypeError(f"cross_entropy: logits must be floating point, got dtype {logits.dtype}")
    labels = np.asarray(target.data if isinstance(target, ag.Tensor) else target)
    _check_labels(labels, logits.shape)
    return CrossEntropy(labels, reduction).apply(logits)


def _check_labels(labels, shape):
    n, c = shape
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: labels must be integers (class indices), got dtype "
                        f"{labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: labels must have shape ({n},) for logits of shape "
                         f"{shape}, got {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= c):
        raise ValueError(f"cross_entropy: labels must lie in [0, {c}) for {c} classes, got values "
                         f"from {labels.min()} to {labels.max()}")
