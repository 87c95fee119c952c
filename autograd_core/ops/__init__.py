"""Every op, one class each (forward beside vjp), and its NumPy-named function."""

from autograd_core.ops.composite import log_softmax, mean, softmax, var
from autograd_core.ops.elementwise import (
    Abs, Add, AddScalar, AddScaled, Clip, Div, Exp, LeakyRelu, Log, Maximum, Minimum, Mul, MulScalar, Neg,
    Pow, PowScalar, Relu, Sigmoid, Softplus, Sqrt, Sub, Tanh, Where, abs, add, clip, divide, exp,
    leaky_relu, log,
    maximum, minimum, multiply, negative, power, relu, sigmoid, softplus, sqrt, subtract, tanh,
    where,
)
from autograd_core.ops.linalg import Affine, Einsum, MatMul, einsum, linear, matmul
from autograd_core.ops.reduce import LogSumExp, Max, Min, Sum, logsumexp, max, min, sum
from autograd_core.ops.shape import (
    BroadcastTo, Cast, Concatenate, GetItem, Reshape, ScatterAdd, Stack, Transpose, astype,
    broadcast_to, concatenate, getitem, reshape, stack, swapaxes, transpose,
)

__all__ = [name for name in dir() if not name.startswith("_")]
