"""Layers: Linear (x @ W.T + b, PyTorch's layout), Sequential, and activation modules."""

import numpy as np

import autograd_core as ag
from nn import init
from nn.module import Module, Parameter


class Linear(Module):
    """y = x @ weight.T + bias, with weight of shape (out_features, in_features) as in PyTorch.

    Initialised as PyTorch does: weight and bias uniform in ±1/sqrt(in_features). Pass `rng`
    (a np.random.Generator or a seed) for reproducible weights.
    """

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float64):
        self.in_features, self.out_features = int(in_features), int(out_features)
        if self.in_features < 1 or self.out_features < 1:
            raise ValueError(f"Linear needs positive sizes, got ({in_features}, {out_features})")
        rng = np.random.default_rng(rng)
        bound = 1.0 / np.sqrt(self.in_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        init.uniform_(self.weight, rng, -bound, bound)
        self.bias = None
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
            init.uniform_(self.bias, rng, -bound, bound)

    def forward(self, x, activation=None):
        """x @ weight.T + bias, then `activation` (an activation module) if one is given."""
        try:
            return activated_linear(x, self.weight, self.bias, activation)
        except ValueError:  # the op checks the shapes; name the layer when the input is the cause
            if np.ndim(x) < 1 or np.shape(x)[-1] != self.in_features:
                raise ValueError(
                    f"{self!r} needs inputs whose last axis has {self.in_features} features, "
                    f"got shape {np.shape(x)}"
                ) from None
            raise

    def get_config(self):
        return {"in_features": self.in_features, "out_features": self.out_features,
                "bias": self.bias is not None, "dtype": self.weight.dtype.name}

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def activated_linear(x, weight, bias, activation=None):
    """activation(x @ weight.T + bias) for an activation module (or None).

    ReLU, Sigmoid and Tanh go inside the linear op itself (`ag.linear(..., activation=...)`):
    their derivatives are functions of their outputs, so no pre-activation array is kept and
    the graph has one node per layer instead of two.
    """
    name = fused_activation(activation)
    if name is False:
        return activation(ag.linear(x, weight, bias))
    return ag.linear(x, weight, bias, activation=name)


def fused_activation(activation):
    """ag.linear's `activation` argument for an activation module: None for no activation (None
    or Identity), "relu", "sigmoid" or "tanh", or False for one it cannot apply inside its op."""
    if activation is None or type(activation) is Identity:
        return None
    return activation.linear_activation or False


class Sequential(Module):
    """Modules applied one after another; their parameters are named "0.weight", "1.bias", ...

    Consecutive Linear layers (possibly with activations between) must fit: a ValueError at
    construction names the two layers whose sizes do not match.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential takes Modules; item {i} is a {type(layer).__name__}")
        _check_linear_sizes(layers)
        self.layers = list(layers)

    def _members(self):
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i):
        return self.layers[i]

    def __setitem__(self, i, layer):
        self.layers[i] = layer
        self._name_members()

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)


def _check_linear_sizes(layers):
    last = None  # (index, layer) of the last Linear, while only shape-keeping layers follow it
    for i, layer in enumerate(layers):
        if isinstance(layer, Linear):
            if last is not None and last[1].out_features != layer.in_features:
                raise ValueError(
                    f"layer {last[0]} ({last[1]!r}) gives {last[1].out_features} features but "
                    f"layer {i} ({layer!r}) takes {layer.in_features}"
                )
            last = (i, layer)
        elif not isinstance(layer, _Activation):
            last = None


class _Activation(Module):
    """An elementwise function as a module (keeps the shape, has no parameters)."""

    function = None
    linear_activation = None  # the name under which ag.linear applies it inside its op, if it can

    def forward(self, x):
        return type(self).function(x)

    def get_config(self):
        return {}


class ReLU(_Activation):
    """max(x, 0)"""
    function = ag.relu
    linear_activation = "relu"


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), computed without overflow."""
    function = ag.sigmoid
    linear_activation = "sigmoid"


class Tanh(_Activation):
    """tanh(x)"""
    function = ag.tanh
    linear_activation = "tanh"


class Identity(_Activation):
    """x, unchanged."""

    def forward(self, x):
        return x


class LeakyReLU(_Activation):
    """x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope=0.01):
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return ag.leaky_relu(x, self.negative_slope)

    def get_config(self):
        return {"negative_slope": self.negative_slope}

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "sigmoid": Sigmoid, "tanh": Tanh,
               "identity": Identity}


def activation(name, negative_slope=0.01):
    """The activation module called `name` (one of ACTIVATIONS; None gives Identity)."""
    if name is None:
        return Identity()
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return LeakyReLU(negative_slope) if name == "leaky_relu" else ACTIVATIONS[name]()
