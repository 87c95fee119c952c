"""Layers: Linear (act(x @ W.T + b), PyTorch's layout), Sequential (fusing a Linear with the
activation after it), and activation modules (ACTIVATIONS: the one registry of them by name;
FUSED: those the engine applies inside a dense op)."""

import numpy as np

import autograd_core as ag
from autograd_core.ops.linalg import LINEAR_ACTIVATIONS
from nn import init
from nn.module import Module, Parameter


class Linear(Module):
    """y = activation(x @ weight.T + bias), weight of shape (out_features, in_features) as in PyTorch.

    `activation` is an activation module or its name in ACTIVATIONS (None: none). ReLU, Sigmoid
    and Tanh (those classes exactly: FUSED) go inside the linear op itself: their derivatives are
    functions of their outputs, so no pre-activation is kept and the layer is one node; any
    other runs as its own op after.
    Initialised as PyTorch does: weight and bias uniform in ±1/sqrt(in_features). Pass `rng`
    (a np.random.Generator or a seed) for reproducible weights.
    """

    def __init__(self, in_features, out_features, bias=True, activation=None, *, rng=None,
                 dtype=np.float64):
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
        self.activation = make_activation(activation) if activation is not None else None

    def forward(self, x):
        """activation(x @ weight.T + bias): x (..., in_features) -> (..., out_features)."""
        return self._apply(x, self.activation)

    def _apply(self, x, activation):
        """activation(x @ weight.T + bias) for an activation module or None, in one op when the
        engine can fuse it; names this layer when x has the wrong width."""
        fused = activation is None or type(activation) in FUSED
        try:
            out = ag.linear(x, self.weight, self.bias,
                            activation=FUSED.get(type(activation)) if fused else None)
        except ValueError:  # the op checks the shapes; name the layer when the input is the cause
            if np.ndim(x) < 1 or np.shape(x)[-1] != self.in_features:
                raise ValueError(
                    f"{self!r} needs inputs whose last axis has {self.in_features} features, "
                    f"got shape {np.shape(x)}"
                ) from None
            raise
        return out if fused else activation(out)

    def get_config(self):
        config = {"in_features": self.in_features, "out_features": self.out_features,
                  "bias": self.bias is not None, "dtype": self.weight.dtype.name}
        if self.activation is not None:
            config["activation"] = self.activation.name
        return config

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Modules applied one after another; their parameters are named "0.weight", "1.bias", ...

    A plain Linear (no activation of its own) followed by a plain ReLU, Sigmoid, Tanh or
    Identity runs as one fused op, recorded in the Linear's scope: the same values and
    gradients as the two modules apart, one node and no pre-activation kept. Subclasses of
    either run as written. Consecutive Linear layers (possibly with activations between) must
    fit: a ValueError at construction names the two layers whose sizes do not match.
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
        for layer, activation in _fusing(self.layers):
            if activation is None:
                x = layer(x)
            else:  # one op where the Linear stands
                with ag.name_scope(".".join(layer._scope)):
                    x = layer._apply(x, activation)
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


def _fusing(layers):
    """(layer, the activation module fused into it or None) along `layers`, each layer once."""
    i = 0
    while i < len(layers):
        layer, after = layers[i], layers[i + 1] if i + 1 < len(layers) else None
        fuse = type(layer) is Linear and layer.activation is None and type(after) in FUSED
        yield layer, after if fuse else None
        i += 2 if fuse else 1


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
    name = ""  # its key in ACTIVATIONS (and, for those in FUSED, the engine's)

    def forward(self, x):
        return type(self).function(x)

    def get_config(self):
        return {}


class ReLU(_Activation):
    """max(x, 0)"""
    function, name = ag.relu, "relu"


class Sigmoid(_Activation):
    """1 / (1 + exp(-x)), computed without overflow."""
    function, name = ag.sigmoid, "sigmoid"


class Tanh(_Activation):
    """tanh(x)"""
    function, name = ag.tanh, "tanh"


class Identity(_Activation):
    """x, unchanged."""
    name = "identity"

    def forward(self, x):
        return x


class LeakyReLU(_Activation):
    """x for x > 0, negative_slope * x otherwise."""
    name = "leaky_relu"

    def __init__(self, negative_slope=0.01):
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return ag.leaky_relu(x, self.negative_slope)

    def get_config(self):
        return {"negative_slope": self.negative_slope}

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


# The one registry of activation modules, by name; the engine's own lists those it fuses.
ACTIVATIONS = {cls.name: cls for cls in (ReLU, LeakyReLU, Sigmoid, Tanh, Identity)}
# The modules a dense op applies inside itself, exactly these classes (a subclass may change
# forward), with the engine's name for each (ag.linear's `activation=`; None: nothing to apply).
FUSED = {ACTIVATIONS[name]: name for name in LINEAR_ACTIVATIONS} | {Identity: None}


def make_activation(activation, negative_slope=0.01):
    """An activation module: `activation` itself if it is one, else the one named so in
    ACTIVATIONS (None gives Identity)."""
    if isinstance(activation, Module):
        return activation
    if activation is None:
        return Identity()
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    return LeakyReLU(negative_slope) if activation == "leaky_relu" else ACTIVATIONS[activation]()
