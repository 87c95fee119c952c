"""autograd-core: an exact reverse-mode autodiff engine on NumPy.

    from autograd_core import Tensor
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()          # x.grad == [2, 4]
"""

# tensor.py first: it closes the one import cycle (Tensor methods <-> ops) at its bottom.
from autograd_core.tensor import Tensor  # isort: skip
from autograd_core import func
from autograd_core.backprop import grad
from autograd_core.creation import (
    arange, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like,
)
from autograd_core.function import Function
from autograd_core.checks import (
    assert_grads_close, check_graph, compare_grads, gradcheck, gradgradcheck,
)
from autograd_core.grad_mode import (
    current_scope, name_scope, detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad, record_sites,
    set_grad_enabled,
)
from autograd_core.ops import (
    abs, add, astype, broadcast_to, clip, concatenate, divide, einsum, exp, getitem, leaky_relu, linear,
    log, log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum, multiply, negative,
    power, relu, reshape, residual_linear, sigmoid, softmax, softplus, sqrt, stack, subtract, sum, swapaxes, tanh,
    transpose, var, where,
)
from autograd_core.viz import draw, to_dot

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "grad", "func", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "name_scope", "current_scope", "detect_anomaly", "is_anomaly_enabled",
    "record_sites", "gradcheck", "gradgradcheck", "check_graph", "compare_grads", "assert_grads_close",
    "tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "randn", "rand",
    "abs", "add", "astype", "broadcast_to", "clip", "concatenate", "divide", "einsum", "exp",
    "getitem", "leaky_relu", "linear", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean",
    "min", "minimum", "multiply", "negative", "power", "relu", "reshape", "residual_linear",
    "sigmoid", "softmax",
    "softplus", "sqrt", "stack", "subtract", "sum", "swapaxes", "tanh", "transpose", "var", "where",
    "to_dot", "draw",
]
