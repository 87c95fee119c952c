"""LayerNorm (PyTorch's `weight`, `bias` and `eps`), BatchNorm1d/2d (PyTorch's parameters and
buffers) and Dropout (train/eval aware, its own generator)."""

import numpy as np

import autograd_core as ag
from nn.module import Buffer, Module, Parameter


class LayerNorm(Module):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last len(normalized_shape) axes
    (the population variance, as PyTorch)."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, *, dtype=np.float64):
        shape = (normalized_shape,) if np.ndim(normalized_shape) == 0 else normalized_shape
        self.normalized_shape, self.eps = tuple(int(n) for n in shape), float(eps)
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))

    def forward(self, x):
        k = len(self.normalized_shape)
        if tuple(np.shape(x)[-k:]) != self.normalized_shape:
            raise ValueError(f"{self!r} needs inputs ending in {self.normalized_shape}, got shape {np.shape(x)}")
        axes = tuple(range(-k, 0))
        d = x - ag.mean(x, axis=axes, keepdims=True)
        y = d / ag.sqrt(ag.mean(d * d, axis=axes, keepdims=True) + self.eps)
        return y if self.weight is None else y * self.weight + self.bias

    def get_config(self):
        return {"normalized_shape": list(self.normalized_shape), "eps": self.eps,
                "elementwise_affine": self.weight is not None}

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}"


class _BatchNorm(Module):
    """(x - mean) / sqrt(var + eps) * weight + bias per channel (axis 1), as torch.nn.BatchNorm*.

    Training mode normalises with the batch's mean and population variance and moves the
    running stats towards the batch's mean and sample variance by `momentum` (None: their
    cumulative average); eval mode uses the running stats. Without track_running_stats there
    are none, and both modes use the batch's. `bias=False` (torch 2.13's) keeps only the weight.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, *, bias=True, dtype=np.float64):
        self.num_features, self.eps = int(num_features), float(eps)
        if self.num_features < 1:
            raise ValueError(f"{type(self).__name__} needs a positive num_features, "
                             f"got {num_features}")
        self.momentum = None if momentum is None else float(momentum)
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        self.dtype = np.dtype(dtype).name
        self.weight = self.bias = None
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype)) if bias else None
        self.running_mean = self.running_var = self.num_batches_tracked = None
        if self.track_running_stats:
            self.running_mean = Buffer(np.zeros(self.num_features, dtype=dtype))
            self.running_var = Buffer(np.ones(self.num_features, dtype=dtype))
            self.num_batches_tracked = Buffer(np.array(0, dtype=np.int64))

    def _check_input(self, shape):
        raise NotImplementedError

    def forward(self, x):
        """x (N, C, ...) -> the same shape, normalised per channel C."""
        x = x if isinstance(x, ag.Tensor) else ag.tensor(x)
        shape = x.shape
        self._check_input(shape)
        axes = (0,) + tuple(range(2, len(shape)))
        per_channel = (1, self.num_features) + (1,) * (len(shape) - 2)
        if self.training or not self.track_running_stats:
            y = self._batch_normalise(x, axes)
        else:
            mean = self.running_mean.data.reshape(per_channel)
            inv_std = 1 / np.sqrt(self.running_var.data.reshape(per_channel) + self.eps)
            y = ag.multiply(ag.subtract(x, mean), inv_std)
        if self.weight is not None:
            y = y * ag.reshape(self.weight, per_channel)
        return y if self.bias is None else y + ag.reshape(self.bias, per_channel)

    def _batch_normalise(self, x, axes):
        """x normalised with its own statistics over `axes`; updates the running stats when
        training with them."""
        count = int(np.prod([np.shape(x)[a] for a in axes]))
        if count < 2:
            raise ValueError(f"{type(self).__name__} needs more than 1 value per channel to "
                             f"normalise with batch statistics, got input of shape {np.shape(x)}")
        mean = ag.mean(x, axis=axes, keepdims=True)
        d = x - mean
        var = ag.mean(d * d, axis=axes, keepdims=True)  # the population variance, as torch
        if self.training and self.track_running_stats:
            self._update_running_stats(mean.data.reshape(-1), var.data.reshape(-1), count)
        return d / ag.sqrt(var + self.eps)

    def _update_running_stats(self, mean, var, count):
        """Move the running stats towards this batch's mean and sample (unbiased) variance; new
        arrays, so a graph that used the old ones keeps them."""
        with ag.no_grad():
            self.num_batches_tracked.data = self.num_batches_tracked.data + 1
            m = self.momentum
            if m is None:  # the cumulative average over the batches tracked
                m = 1.0 / float(self.num_batches_tracked.data)
            rm, rv = self.running_mean.data, self.running_var.data
            self.running_mean.data = ((1 - m) * rm + m * mean).astype(rm.dtype)
            unbiased = var * (count / (count - 1))
            self.running_var.data = ((1 - m) * rv + m * unbiased).astype(rv.dtype)

    def get_config(self):
        return {"num_features": self.num_features, "eps": self.eps, "momentum": self.momentum,
                "affine": self.affine, "track_running_stats": self.track_running_stats,
                "bias": self.bias is not None, "dtype": self.dtype}

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C (torch.nn.BatchNorm1d)."""

    def _check_input(self, shape):
        if len(shape) not in (2, 3) or shape[1] != self.num_features:
            raise ValueError(f"{self!r} needs inputs of shape (N, {self.num_features}) or "
                             f"(N, {self.num_features}, L), got shape {shape}")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C (torch.nn.BatchNorm2d)."""

    def _check_input(self, shape):
        if len(shape) != 4 or shape[1] != self.num_features:
            raise ValueError(f"{self!r} needs inputs of shape (N, {self.num_features}, H, W), "
                             f"got shape {shape}")


class Dropout(Module):
    """In training mode each element is zeroed with probability p and the rest scaled by 1/(1-p);
    in eval mode (model.eval()) x passes unchanged. `rng` (a np.random.Generator or a seed) draws
    the masks."""

    def __init__(self, p=0.5, *, rng=None):
        if not 0 <= p < 1:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p, self.rng = float(p), np.random.default_rng(rng)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = self.rng.random(np.shape(x)) >= self.p
        return x * (keep / (1 - self.p))

    def get_config(self):
        return {"p": self.p}

    def extra_repr(self):
        return f"p={self.p}"
