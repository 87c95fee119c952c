"""Weight initialisers. Each fills a Parameter in place from an explicit random generator.

`rng` is a np.random.Generator (or a seed for one). Weights are laid out (fan_out, fan_in) as in
nn.Linear. Every function returns the tensor it filled.
"""

import numpy as np

import autograd_core as ag


def _fill(tensor, values):
    with ag.no_grad():
        tensor.copy_(np.asarray(values, dtype=tensor.dtype).reshape(tensor.shape))
    return tensor


def fans(shape):
    """(fan_in, fan_out) of a weight of `shape` = (out, in, ...); a vector counts as fan_in = its size."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def gain(nonlinearity, negative_slope=0.01):
    """The factor that keeps activations' variance steady through `nonlinearity` (as in PyTorch)."""
    gains = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0,
             "relu": np.sqrt(2.0), "leaky_relu": np.sqrt(2.0 / (1.0 + negative_slope ** 2))}
    if nonlinearity not in gains:
        raise ValueError(f"no gain for {nonlinearity!r}; choose one of {sorted(gains)}")
    return float(gains[nonlinearity])


def zeros_(tensor):
    return _fill(tensor, np.zeros(tensor.shape))


def constant_(tensor, value):
    return _fill(tensor, np.full(tensor.shape, value))


def uniform_(tensor, rng, low=0.0, high=1.0):
    return _fill(tensor, np.random.default_rng(rng).uniform(low, high, tensor.shape))


def normal_(tensor, rng, mean=0.0, std=1.0):
    """Samples of N(mean, std^2): the seeds' plain `randn` initialisation with the defaults."""
    return _fill(tensor, mean + std * np.random.default_rng(rng).standard_normal(tensor.shape))


def xavier_uniform_(tensor, rng, gain=1.0):
    """Glorot: uniform in ±gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(tensor.shape)
    bound = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, rng, -bound, bound)


def xavier_normal_(tensor, rng, gain=1.0):
    """Glorot: normal with std gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(tensor.shape)
    return normal_(tensor, rng, 0.0, gain * np.sqrt(2.0 / (fan_in + fan_out)))


def kaiming_normal_(tensor, rng, nonlinearity="relu", negative_slope=0.01):
    """He: normal with std gain / sqrt(fan_in), i.e. sqrt(2 / fan_in) for ReLU.

    (A standard deviation, not the variance 2 / fan_in: that is seed 003's slip.)
    """
    fan_in, _ = fans(tensor.shape)
    return normal_(tensor, rng, 0.0, gain(nonlinearity, negative_slope) / np.sqrt(fan_in))


def kaiming_uniform_(tensor, rng, nonlinearity="relu", negative_slope=0.01):
    """He: uniform in ±gain * sqrt(3 / fan_in), which has the same std as kaiming_normal_."""
    fan_in, _ = fans(tensor.shape)
    bound = gain(nonlinearity, negative_slope) * np.sqrt(3.0 / fan_in)
    return uniform_(tensor, rng, -bound, bound)


def lecun_normal_(tensor, rng):
    """Normal with std 1 / sqrt(fan_in): seed 001's `randn(n_in, n_out) / sqrt(n_in)`."""
    fan_in, _ = fans(tensor.shape)
    return normal_(tensor, rng, 0.0, 1.0 / np.sqrt(fan_in))


__all__ = ["fans", "gain", "zeros_", "constant_", "uniform_", "normal_", "xavier_uniform_",
           "xavier_normal_", "kaiming_normal_", "kaiming_uniform_", "lecun_normal_"]
