"""Every op, one class each (forward beside vjp), and its NumPy-named function."""

from autograd_core.ops.composite import log_softmax, mean, var
from autograd_core.ops.elementwise import (
    Abs, Add, AddScalar, AddScaled, Clip, Div, Exp, LeakyRelu, Log, Maximum, Minimum, Mul, MulScalar, Neg,
    Pow, PowScalar, Relu, Sigmoid, Softplus, Sqrt, Sub, Tanh, Where, abs, add, clip, divide, exp,
    leaky_relu, log,
    maximum, minimum, multiply, negative, power, relu, sigmoid, softplus, sqrt, subtract, tanh,
    where,
)
from autograd_core.ops.linalg import (
    Affine, Einsum, MatMul, ResidualAffine, einsum, linear, matmul, residual_linear,
)
from autograd_core.ops.reduce import LogSumExp, Max, Min, Softmax, Sum, logsumexp, max, min, softmax, sum
from autograd_core.ops.shape import (
    BroadcastTo, Cast, Concatenate, GetItem, Reshape, ScatterAdd, Stack, Transpose, astype,
    broadcast_to, concatenate, getitem, reshape, stack, swapaxes, transpose,
)

__all__ = [
    "Abs", "Add", "AddScalar", "AddScaled", "Affine", "BroadcastTo", "Cast", "Clip", "Concatenate",
    "Div", "Einsum", "Exp", "GetItem", "LeakyRelu", "Log", "LogSumExp", "MatMul", "Max", "Maximum",
    "Min", "Minimum", "Mul", "MulScalar", "Neg", "Pow", "PowScalar", "Relu", "Reshape", "ResidualAffine",
    "ScatterAdd", "Sigmoid", "Softmax", "Softplus", "Sqrt", "Stack", "Sub", "Sum", "Tanh", "Transpose",
    "Where",
    "abs", "add", "astype", "broadcast_to", "clip", "concatenate", "divide", "einsum", "exp",
    "getitem", "leaky_relu", "linear", "log", "log_softmax", "logsumexp", "matmul", "max",
    "maximum", "mean", "min", "minimum", "multiply", "negative", "power", "relu", "reshape",
    "residual_linear", "sigmoid", "softmax", "softplus", "sqrt", "stack", "subtract", "sum", "swapaxes", "tanh",
    "transpose", "var", "where",
]
