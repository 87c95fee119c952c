"""LayerNorm (PyTorch's `weight`, `bias` and `eps`) and Dropout (train/eval aware, its own generator)."""

import numpy as np

import autograd_core as ag
from nn.module import Module, Parameter


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
