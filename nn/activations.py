"""More activation modules (PyTorch's names and arguments) on autograd_core's ops, each joining
the one registry, nn.layers.ACTIVATIONS, under its lower-case name (MLP(activation="gelu"))."""

import autograd_core as ag
from nn.layers import ACTIVATIONS, _Activation


class _WithArgs(_Activation):
    """An activation with keyword arguments, kept for get_config and repr."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def forward(self, x):
        return type(self).function(x, **self.kwargs)

    def get_config(self):
        return dict(self.kwargs)

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())


class GELU(_WithArgs):
    function = ag.gelu
    def __init__(self, approximate="none"): super().__init__(approximate=approximate)


class ELU(_WithArgs):
    function = ag.elu
    def __init__(self, alpha=1.0): super().__init__(alpha=float(alpha))


class CELU(_WithArgs):
    function = ag.celu
    def __init__(self, alpha=1.0): super().__init__(alpha=float(alpha))


class Hardtanh(_WithArgs):
    function = ag.hardtanh
    def __init__(self, min_val=-1.0, max_val=1.0): super().__init__(min_val=float(min_val), max_val=float(max_val))


class Softplus(_WithArgs):
    function = ag.softplus
    def __init__(self, beta=1.0): super().__init__(beta=float(beta))


class SiLU(_Activation):
    function = ag.silu


class SELU(_Activation):
    function = ag.selu


class Mish(_Activation):
    function = ag.mish


class Softsign(_Activation):
    function = ag.softsign


class Hardsigmoid(_Activation):
    function = ag.hardsigmoid


class Hardswish(_Activation):
    function = ag.hardswish


class LogSigmoid(_Activation):
    function = ag.logsigmoid


for _cls in (GELU, ELU, CELU, Hardtanh, Softplus, SiLU, SELU, Mish, Softsign, Hardsigmoid,
             Hardswish, LogSigmoid):
    _cls.name = _cls.__name__.lower()
    ACTIVATIONS[_cls.name] = _cls
