"""nn: a small neural-network library on autograd_core, shaped like torch.nn.

    import nn
    model = nn.MLP([64, 64, 10], rng=0)
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    history = nn.train.fit(model, nn.cross_entropy, opt, train, val_data=test, epochs=20)
    nn.save(model, "digits.npz"); model = nn.load("digits.npz")

`nn.optim`, `nn.init`, `nn.data` and `nn.train` are submodules. Only autograd_core's public API
is used here.
"""

from nn import data, init, optim, train
from nn.layers import Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
)
from nn.models import MLP, ResidualBlock, ResNet
from nn.module import Buffer, Module, Parameter
from nn.serialization import load, register_model, save
# issue #15: convolution, pooling, normalisation, dropout and the activations
from nn.activations import (
    CELU, ELU, GELU, SELU, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish, SiLU, Softplus,
    Softsign,
)
from nn.layers import ACTIVATIONS as _ACTIVATIONS
from nn.conv import AvgPool2d, Conv2d, Flatten, MaxPool2d
from nn.models import CNN
from nn.norm import BatchNorm1d, BatchNorm2d, Dropout, LayerNorm

_MORE_ACTIVATIONS = [c for c in _ACTIVATIONS.values() if c.__module__ == "nn.activations"]
for _cls in _MORE_ACTIVATIONS + [AvgPool2d, Conv2d, Flatten, MaxPool2d, CNN, Dropout, LayerNorm,
                                 BatchNorm1d, BatchNorm2d]:
    register_model(_cls)

__all__ = [
    "Parameter", "Module", "Linear", "Sequential", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Identity", "MLP", "ResNet", "ResidualBlock", "mse_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "save", "load", "register_model",
    "optim", "init", "data", "train",
]
__all__ += ["CNN", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout", "LayerNorm"]
__all__ += ["BatchNorm1d", "BatchNorm2d", "Buffer"]
__all__ += [c.__name__ for c in _MORE_ACTIVATIONS]
