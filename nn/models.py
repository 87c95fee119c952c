"""The seeds' networks: MLP (seeds 001-004) and the residual network of seed 000.

Each model can describe itself with `get_config()` (JSON-ready constructor arguments), which is
what `nn.save` stores beside the weights.
"""

import numpy as np

import autograd_core as ag
from nn import init
from nn.layers import FUSED, Linear, make_activation
from nn.module import Module, Parameter


class MLP(Module):
    """Fully connected layers `layers.0 ... layers.L-1` of the given sizes, e.g. (784, 128, 10).

    `activation` follows every hidden layer, `output_activation` (None: none, i.e. logits) the
    last. Weights start He-normal for ReLU-like activations and Glorot-normal otherwise; biases
    start at zero.
    """

    def __init__(self, sizes, activation="relu", output_activation=None, negative_slope=0.01,
                 *, rng=None, dtype=np.float64):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP needs at least two positive sizes, got {sizes}")
        self.sizes, self.negative_slope = sizes, float(negative_slope)
        self.dtype = np.dtype(dtype).name
        rng = np.random.default_rng(rng)
        hidden = make_activation(activation, negative_slope)  # one module, shared by the layers
        last = make_activation(output_activation, negative_slope)
        self.layers = [Linear(a, b, activation=hidden if k < len(sizes) - 2 else last, rng=rng,
                              dtype=dtype) for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
        self.activation_name, self.output_activation_name = activation, output_activation
        for layer in self.layers:
            if activation in ("relu", "leaky_relu"):
                init.kaiming_normal_(layer.weight, rng, activation, negative_slope)
            else:
                init.xavier_normal_(layer.weight, rng)
            init.zeros_(layer.bias)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def get_config(self):
        return {"sizes": self.sizes, "activation": self.activation_name,
                "output_activation": self.output_activation_name,
                "negative_slope": self.negative_slope, "dtype": self.dtype}

    def extra_repr(self):
        return f"sizes={self.sizes}"


class ResidualBlock(Module):
    """y + step * act(y @ weight.T + bias): one explicit Euler step of width `dim`."""

    def __init__(self, dim, step=0.1, activation="tanh", *, rng=None, dtype=np.float64):
        self.dim, self.step, self.activation_name = int(dim), float(step), activation
        rng = np.random.default_rng(rng)
        self.weight = init.normal_(Parameter(np.empty((self.dim, self.dim), dtype=dtype)), rng)
        self.bias = init.normal_(Parameter(np.empty(self.dim, dtype=dtype)), rng)
        self.activation = make_activation(activation)

    def forward(self, y):
        if type(self.activation) not in FUSED:  # an activation the engine cannot fuse: three ops
            return ag.add(y, self.activation(ag.linear(y, self.weight, self.bias)), alpha=self.step)
        return ag.residual_linear(y, self.weight, self.bias, step=self.step,
                                  activation=FUSED[type(self.activation)])

    def get_config(self):
        return {"dim": self.dim, "step": self.step, "activation": self.activation_name,
                "dtype": self.weight.dtype.name}

    def extra_repr(self):
        return f"dim={self.dim}, step={self.step}, activation={self.activation_name!r}"


class ResNet(Module):
    """Seed 000's network on row-major data X of shape (N, dim), giving N outputs of shape (N,).

        Y <- Y + step * act(Y @ W_k.T + b_k)     k = 0 .. depth-1    (blocks.k.weight, blocks.k.bias)
        out = out_act(Y @ omega + mu)                                 (head.weight[0], head.bias[0])

    Every layer has the width of the input: pad 2-D points with zeros to give it room
    (`nn.data.spirals(..., dim=4)`). Parameters start as the seed's: standard normal.
    With output_activation=None the outputs are logits (train with
    binary_cross_entropy_with_logits).
    """

    def __init__(self, dim, depth, step=0.1, activation="tanh", output_activation="sigmoid",
                 *, rng=None, dtype=np.float64):
        self.dim, self.depth, self.step = int(dim), int(depth), float(step)
        if self.dim < 1 or self.depth < 0:
            raise ValueError(f"ResNet needs dim >= 1 and depth >= 0, got dim={dim}, depth={depth}")
        self.activation_name, self.output_activation_name = activation, output_activation
        self.dtype = np.dtype(dtype).name
        rng = np.random.default_rng(rng)
        self.blocks = [ResidualBlock(dim, step, activation, rng=rng, dtype=dtype)
                       for _ in range(self.depth)]
        self.head = Linear(dim, 1, activation=make_activation(output_activation), rng=rng,
                           dtype=dtype)
        init.normal_(self.head.weight, rng)
        init.normal_(self.head.bias, rng)

    def forward(self, x):
        if np.ndim(x) != 2 or np.shape(x)[1] != self.dim:
            raise ValueError(f"ResNet(dim={self.dim}) needs inputs of shape (N, {self.dim}), "
                             f"got {np.shape(x)}")
        y = x
        for block in self.blocks:
            y = block(y)
        return self.head(y).reshape(-1)

    def get_config(self):
        return {"dim": self.dim, "depth": self.depth, "step": self.step,
                "activation": self.activation_name,
                "output_activation": self.output_activation_name, "dtype": self.dtype}

    def extra_repr(self):
        return f"dim={self.dim}, depth={self.depth}, step={self.step}"


class CNN(Module):
    """A small convolutional classifier for square one-channel images such as the 8x8 digits or
    28x28 MNIST, given as flat rows (N, side * side) or as (N, 1, side, side).

        blocks.k:  Conv2d(3x3, padding 1) -> ReLU -> MaxPool2d(2)       k = 0 .. len(channels)-1
        head:      Flatten -> Linear(hidden) -> ReLU -> Dropout(dropout) -> Linear(n_classes)  (logits)

    Parameter names and layouts are PyTorch's (blocks.0.weight (16, 1, 3, 3), ...).
    """

    def __init__(self, side=8, channels=(32, 64), hidden=128, n_classes=10, dropout=0.0, *, rng=None,
                 dtype=np.float64):
        from nn.conv import Conv2d  # local: nn.conv and nn.norm import nothing from here
        from nn.norm import Dropout
        self.side, self.channels = int(side), [int(c) for c in channels]
        self.hidden, self.n_classes, self.dtype = int(hidden), int(n_classes), np.dtype(dtype).name
        rng = np.random.default_rng(rng)
        size, widths = self.side, [1] + self.channels
        for _ in self.channels:
            size //= 2
        if size < 1:
            raise ValueError(f"CNN: {len(self.channels)} pooling steps do not fit images of side {side}")
        self.blocks = [Conv2d(a, b, 3, padding=1, rng=rng, dtype=dtype) for a, b in zip(widths[:-1], widths[1:])]
        self.hidden_layer = Linear(widths[-1] * size * size, self.hidden, activation="relu", rng=rng,
                                   dtype=dtype)
        self.out = Linear(self.hidden, self.n_classes, rng=rng, dtype=dtype)
        self.dropout = Dropout(dropout, rng=rng)

    def forward(self, x):
        n = np.shape(x)[0]
        if np.shape(x)[1:] not in ((self.side * self.side,), (1, self.side, self.side)):
            raise ValueError(f"CNN(side={self.side}) needs inputs (N, {self.side * self.side}) or "
                             f"(N, 1, {self.side}, {self.side}), got shape {np.shape(x)}")
        x = ag.reshape(x, (n, 1, self.side, self.side))
        for k, conv in enumerate(self.blocks):
            with ag.name_scope(f"blocks.{k}"):  # the block's ReLU and pooling beside its conv
                x = ag.max_pool2d(ag.relu(conv(x)), 2)
        x = self.hidden_layer(ag.reshape(x, (n, -1)))
        return self.out(self.dropout(x))

    def get_config(self):
        return {"side": self.side, "channels": self.channels, "hidden": self.hidden,
                "n_classes": self.n_classes, "dropout": self.dropout.p, "dtype": self.dtype}

    def extra_repr(self):
        return f"side={self.side}, channels={self.channels}, hidden={self.hidden}"


