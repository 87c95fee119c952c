"""Convolution and pooling layers on NCHW images, with PyTorch's names and layouts
(Conv2d.weight (out_channels, in_channels / groups, kh, kw), bias (out_channels,)), and Flatten."""

import numpy as np

import autograd_core as ag
from nn import init
from nn.module import Module, Parameter


def _pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else tuple(int(a) for a in v)


class Conv2d(Module):
    """ag.conv2d as a layer. Initialised as PyTorch does: weight and bias uniform in
    +-1/sqrt(fan_in), fan_in = in_channels / groups * kh * kw. Pass `rng` for reproducible weights."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, *, rng=None, dtype=np.float64):
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) "
                             f"must both be divisible by groups ({groups})")
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding, self.dilation = _pair(padding), _pair(dilation)
        rng = np.random.default_rng(rng)
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        bound = 1.0 / np.sqrt(np.prod(shape[1:]))
        self.weight = init.uniform_(Parameter(np.empty(shape, dtype=dtype)), rng, -bound, bound)
        self.bias = None
        if bias:
            self.bias = init.uniform_(Parameter(np.empty(self.out_channels, dtype=dtype)), rng, -bound, bound)

    def forward(self, x):
        if np.ndim(x) != 4 or np.shape(x)[1] != self.in_channels:
            raise ValueError(f"{self!r} needs inputs (N, {self.in_channels}, H, W), got shape {np.shape(x)}")
        return ag.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def get_config(self):
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": list(self.padding), "dilation": list(self.dilation), "groups": self.groups,
                "bias": self.bias is not None, "dtype": self.weight.dtype.name}

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class MaxPool2d(Module):
    """ag.max_pool2d as a layer (stride defaults to the kernel size)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1):
        self.kernel_size, self.padding, self.dilation = _pair(kernel_size), _pair(padding), _pair(dilation)
        self.stride = self.kernel_size if stride is None else _pair(stride)

    def forward(self, x):
        return ag.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def get_config(self):
        return {"kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": list(self.padding), "dilation": list(self.dilation)}

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class AvgPool2d(Module):
    """ag.avg_pool2d as a layer (zero padding counted, as PyTorch's default)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size, self.padding = _pair(kernel_size), _pair(padding)
        self.stride = self.kernel_size if stride is None else _pair(stride)

    def forward(self, x):
        return ag.avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def get_config(self):
        return {"kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": list(self.padding)}

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class Flatten(Module):
    """The axes start_dim ... end_dim merged into one (PyTorch's default: all but the batch axis)."""

    def __init__(self, start_dim=1, end_dim=-1):
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x):
        shape = np.shape(x)
        start, end = self.start_dim % len(shape), self.end_dim % len(shape)
        return ag.reshape(x, shape[:start] + (int(np.prod(shape[start:end + 1])),) + shape[end + 1:])

    def get_config(self):
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}
