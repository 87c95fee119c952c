"""Every op, one class each (forward beside vjp), and its NumPy-named function."""

from autograd_core.ops.composite import log_softmax, mean, var
from autograd_core.ops.elementwise import (
    Abs, Add, AddScaled, Clip, Div, Exp, LeakyRelu, Log, Maximum, Minimum, Mul, Neg,
    Pow, Relu, Sigmoid, Softplus, Sqrt, Sub, Tanh, Where, abs, add, clip, divide, exp,
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

from autograd_core.ops.activations import (
    Hardsigmoid, Hardswish, Hardtanh, celu, elu, gelu, hardsigmoid, hardswish, hardtanh, logsigmoid,
    mish, selu, silu, softsign,
)
from autograd_core.ops.activations import softplus  # noqa: F811 (with beta; replaces elementwise's)
from autograd_core.ops.composite import std
from autograd_core.ops.conv import (
    Conv2d, Conv2dInputGrad, Conv2dWeightGrad, MaxPool2d, avg_pool2d, conv1d, conv2d, max_pool2d,
)
from autograd_core.ops.cumulative import CumProd, CumSum, Prod, argmax, argmin, cumprod, cumsum, prod
from autograd_core.ops.indexing import (
    AddAlongAxis, Flip, Pad, Roll, TakeAlongAxis, add_along_axis, array_split, diag, diagonal,
    expand_dims, flip, one_hot, pad, repeat, roll, split, squeeze, take_along_axis, tile, trace,
    tril, triu,
)
from autograd_core.ops.piecewise import (
    Ceil, Floor, FloorDivide, Remainder, Round, Sign, Trunc, all, any, ceil, floor, floor_divide,
    isfinite, isinf, isnan, logical_and, logical_not, logical_or, logical_xor, remainder, round,
    sign, trunc,
)
from autograd_core.ops.sorting import argsort, partition, sort, topk
from autograd_core.ops.trig import (
    Arccos, Arccosh, Arcsin, Arcsinh, Arctan, Arctan2, Arctanh, Cos, Cosh, Erf, Exp2, Expm1,
    LogAddExp, Log10, Log1p, Log2, Sin, Sinh, Tan, arccos, arccosh, arcsin, arcsinh, arctan,
    arctan2, arctanh, cos, cosh, erf, exp2, expm1, log10, log1p, log2, logaddexp, sin, sinh, tan,
)

NEW_OPS = [  # issue #15
    "Hardsigmoid", "Hardswish", "Hardtanh", "celu", "elu", "gelu", "hardsigmoid", "hardswish",
    "hardtanh", "logsigmoid", "mish", "selu", "silu", "softsign", "std",
    "Conv2d", "Conv2dInputGrad", "Conv2dWeightGrad", "MaxPool2d", "avg_pool2d", "conv1d", "conv2d", "max_pool2d",
    "CumProd", "CumSum", "Prod", "argmax", "argmin", "cumprod", "cumsum", "prod",
    "AddAlongAxis", "Flip", "Pad", "Roll", "TakeAlongAxis", "add_along_axis", "array_split", "diag",
    "diagonal", "expand_dims", "flip", "one_hot", "pad", "repeat", "roll", "split", "squeeze",
    "take_along_axis", "tile", "trace", "tril", "triu",
    "Ceil", "Floor", "FloorDivide", "Remainder", "Round", "Sign", "Trunc", "all", "any", "ceil",
    "floor", "floor_divide", "isfinite", "isinf", "isnan", "logical_and", "logical_not",
    "logical_or", "logical_xor", "remainder", "round", "sign", "trunc",
    "argsort", "partition", "sort", "topk",
    "Arccos", "Arccosh", "Arcsin", "Arcsinh", "Arctan", "Arctan2", "Arctanh", "Cos", "Cosh", "Erf",
    "Exp2", "Expm1", "LogAddExp", "Log10", "Log1p", "Log2", "Sin", "Sinh", "Tan", "arccos",
    "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "cos", "cosh", "erf", "exp2",
    "expm1", "log10", "log1p", "log2", "logaddexp", "sin", "sinh", "tan",
]

__all__ = [
    "Abs", "Add", "AddScaled", "Affine", "BroadcastTo", "Cast", "Clip", "Concatenate",
    "Div", "Einsum", "Exp", "GetItem", "LeakyRelu", "Log", "LogSumExp", "MatMul", "Max", "Maximum",
    "Min", "Minimum", "Mul", "Neg", "Pow", "Relu", "Reshape", "ResidualAffine",
    "ScatterAdd", "Sigmoid", "Softmax", "Softplus", "Sqrt", "Stack", "Sub", "Sum", "Tanh", "Transpose",
    "Where",
    "abs", "add", "astype", "broadcast_to", "clip", "concatenate", "divide", "einsum", "exp",
    "getitem", "leaky_relu", "linear", "log", "log_softmax", "logsumexp", "matmul", "max",
    "maximum", "mean", "min", "minimum", "multiply", "negative", "power", "relu", "reshape",
    "residual_linear", "sigmoid", "softmax", "softplus", "sqrt", "stack", "subtract", "sum", "swapaxes", "tanh",
    "transpose", "var", "where",
]
__all__ += NEW_OPS
