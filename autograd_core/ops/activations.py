"""Activation functions with PyTorch's names, arguments and gradients at the kinks.

Smooth ones are composites of exact ops (no vjp of their own). The hard (piecewise linear) ones
are ops whose vjp takes PyTorch's one-sided choice at the corners (0 outside the open interval).
"""

import math

import numpy as np

from autograd_core.ops.shape import astype
from autograd_core.function import Function, shared
from autograd_core.ops.elementwise import clip, sigmoid, tanh, where
from autograd_core.ops.elementwise import softplus as _softplus
from autograd_core.ops.elementwise import abs as _abs
from autograd_core.ops.trig import erf, expm1

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class Hardtanh(Function):
    """x limited to [min_val, max_val]; the gradient is 1 inside the open interval, else 0."""
    saves = "inputs"
    def __init__(self, min_val, max_val): self.lo, self.hi = min_val, max_val
    def forward(self, x): return np.clip(x, self.lo, self.hi)
    def vjp(self, g, out, x): return (g * ((x > self.lo) & (x < self.hi)),)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    if not min_val < max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must be below max_val ({max_val})")
    return Hardtanh(min_val, max_val).apply(x)


class Hardsigmoid(Function):
    """clip(x / 6 + 1/2, 0, 1); the gradient is 1/6 on (-3, 3), else 0."""
    saves = "inputs"
    def forward(self, x): return np.clip(x / 6 + 0.5, 0, 1)
    def vjp(self, g, out, x): return (g * ((x > -3) & (x < 3)) / 6,)


_HARDSIGMOID = shared(Hardsigmoid)
def hardsigmoid(x): return _HARDSIGMOID.apply(x)


class Hardswish(Function):
    """x * hardsigmoid(x); the gradient is 0 up to -3, x/3 + 1/2 on (-3, 3), 1 from 3 (PyTorch's)."""
    saves = "inputs"
    def forward(self, x): return x * np.clip(x / 6 + 0.5, 0, 1)
    def vjp(self, g, out, x):
        return (g * where(x <= -3, 0.0, where(x < 3, x / 3 + 0.5, 1.0)),)


_HARDSWISH = shared(Hardswish)
def hardswish(x): return _HARDSWISH.apply(x)


def _check_approximate(approximate):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def gelu(x, approximate="none"):
    """x * Phi(x) (Phi the standard normal CDF, through erf), or PyTorch's tanh approximation."""
    _check_approximate(approximate)
    if approximate == "tanh":
        return 0.5 * x * (1 + tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + erf(x * _SQRT_HALF))


def silu(x):
    """x * sigmoid(x) (swish)."""
    return x * sigmoid(x)


def _negative_part_expm1(x, alpha):
    """alpha * (exp(x / alpha) - 1) where x <= 0, from x clipped to <= 0 (no overflow for large x)."""
    return alpha * expm1(clip(x, None, 0.0) / alpha)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise; at 0 the gradient is alpha, as in PyTorch."""
    return where(x > 0, x, _negative_part_expm1(x, 1.0) * alpha)


def selu(x):
    """scale * elu(x, alpha) with the self-normalising constants."""
    return elu(x, SELU_ALPHA) * SELU_SCALE


def celu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x / alpha) - 1) otherwise."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0")
    return where(x > 0, x, _negative_part_expm1(x, alpha))


def mish(x):
    """x * tanh(softplus(x))."""
    return x * tanh(_softplus(x))


def softsign(x):
    """x / (1 + |x|)."""
    return x / (1 + _abs(x))


def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), without overflow (integer x taken as float64 first, so
    that -x cannot wrap around)."""
    if x.dtype.kind in "biu":
        x = astype(x, np.float64)
    return -_softplus(-x)


def softplus(x, beta=1.0):
    """log(1 + exp(beta * x)) / beta, exact at every x (PyTorch switches to x above a threshold)."""
    if beta == 1:
        return _softplus(x)
    if beta <= 0:
        raise ValueError(f"softplus: beta must be positive, got {beta}")
    return _softplus(x * beta) / beta
