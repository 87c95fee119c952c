"""autograd-core: an exact reverse-mode autodiff engine on NumPy.

    from autograd_core import Tensor
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()          # x.grad == [2, 4]
"""

# tensor.py first: it closes the one import cycle (Tensor methods <-> ops) at its bottom.
from autograd_core.tensor import Tensor  # isort: skip
from autograd_core import func
from autograd_core.compile import CompileWarning, compile
from autograd_core.backprop import grad
from autograd_core.creation import (
    eye, linspace,
    arange, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like,
)
from autograd_core.function import Function, Node, NotSavedError
from autograd_core.checks import (
    assert_grads_close, check_graph, compare_grads, gradcheck, gradgradcheck,
)
from autograd_core.debugging import detect_anomaly, is_anomaly_enabled, keep_values, record_sites
from autograd_core.grad_mode import (
    current_scope, enable_grad, is_grad_enabled, name_scope, no_grad, set_grad_enabled,
)
from autograd_core.ops import (
    abs, add, astype, broadcast_to, clip, concatenate, divide, einsum, exp, getitem, leaky_relu, linear,
    log, log_softmax, logsumexp, matmul, max, maximum, mean, min, minimum, multiply, negative,
    power, relu, reshape, residual_linear, sigmoid, softmax, softplus, sqrt, stack, subtract, sum, swapaxes, tanh,
    transpose, var, where,
)
from autograd_core.ops import NEW_OPS as _NEW_OPS
from autograd_core.ops import (  # noqa: F811 (softplus: with beta) the issue #15 ops
    add_along_axis, all, any, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,
    argmax, argmin, argsort, array_split, avg_pool2d, ceil, celu, conv1d, conv2d, cos, cosh,
    cumprod, cumsum, diag, diagonal, elu, erf, exp2, expand_dims, expm1, flip, floor,
    floor_divide, gelu, hardsigmoid, hardswish, hardtanh, isfinite, isinf, isnan, log10, log1p,
    log2, logaddexp, logical_and, logical_not, logical_or, logical_xor, logsigmoid, max_pool2d,
    mish, one_hot, pad, partition, prod, remainder, softplus, repeat, roll, round, selu, sign, silu, sin,
    sinh, softsign, sort, split, squeeze, std, take_along_axis, tan, tile, topk, trace, tril,
    triu, trunc,
)
from autograd_core.viz import draw, to_dot

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "Node", "NotSavedError", "grad", "compile", "CompileWarning", "func", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "name_scope", "current_scope", "detect_anomaly", "is_anomaly_enabled",
    "record_sites", "keep_values", "gradcheck", "gradgradcheck", "check_graph", "compare_grads", "assert_grads_close",
    "tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "randn", "rand",
    "abs", "add", "astype", "broadcast_to", "clip", "concatenate", "divide", "einsum", "exp",
    "getitem", "leaky_relu", "linear", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean",
    "min", "minimum", "multiply", "negative", "power", "relu", "reshape", "residual_linear",
    "sigmoid", "softmax",
    "softplus", "sqrt", "stack", "subtract", "sum", "swapaxes", "tanh", "transpose", "var", "where",
    "to_dot", "draw",
]
__all__ += [n for n in _NEW_OPS if n[0].islower()] + ["eye", "linspace"]
