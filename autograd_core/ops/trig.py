"""Trigonometric, hyperbolic and log/exp-family ops, and erf; NumPy's names and domains.

Each derivative is written with the engine's functions, so it can be differentiated again.
Outside an op's real domain the forward gives NaN, as NumPy does (arcsin(2), log1p(-2)).
"""

import math

import numpy as np

from autograd_core.function import Function, shared
from autograd_core.ops.elementwise import exp, sqrt

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Sin(Function):
    """sin(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.sin  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.sin(x)
    def vjp(self, g, out, x): return (g * cos(x),)


_SIN = shared(Sin)
def sin(x): return _SIN.apply(x)


class Cos(Function):
    """cos(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.cos  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.cos(x)
    def vjp(self, g, out, x): return (-g * sin(x),)


_COS = shared(Cos)
def cos(x): return _COS.apply(x)


class Tan(Function):
    """tan(x); its derivative 1 + tan(x)**2."""
    saves = "output"
    float_inputs = True
    ufunc = np.tan  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.tan(x)
    def vjp(self, g, out, x): return (g * (1 + out * out),)


_TAN = shared(Tan)
def tan(x): return _TAN.apply(x)


class Arcsin(Function):
    """arcsin(x) on [-1, 1]; the gradient is inf at +-1."""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arcsin  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arcsin(x)
    def vjp(self, g, out, x): return (g / sqrt(1 - x * x),)


_ARCSIN = shared(Arcsin)
def arcsin(x): return _ARCSIN.apply(x)


class Arccos(Function):
    """arccos(x) on [-1, 1]; the gradient is -inf at +-1."""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arccos  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arccos(x)
    def vjp(self, g, out, x): return (-g / sqrt(1 - x * x),)


_ARCCOS = shared(Arccos)
def arccos(x): return _ARCCOS.apply(x)


class Arctan(Function):
    """arctan(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arctan  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arctan(x)
    def vjp(self, g, out, x): return (g / (1 + x * x),)


_ARCTAN = shared(Arctan)
def arctan(x): return _ARCTAN.apply(x)


class Arctan2(Function):
    """arctan2(y, x), the angle of the point (x, y), with NumPy's broadcasting; at (0, 0) the
    gradient is 0/0 = NaN, as in PyTorch."""
    saves = "inputs"
    float_inputs = True
    def forward(self, y, x): return np.arctan2(y, x)
    def vjp(self, g, out, y, x):
        r2 = x * x + y * y
        return g * x / r2, -g * y / r2


_ARCTAN2 = shared(Arctan2)
def arctan2(y, x): return _ARCTAN2.apply(y, x)


class Sinh(Function):
    """sinh(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.sinh  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.sinh(x)
    def vjp(self, g, out, x): return (g * cosh(x),)


_SINH = shared(Sinh)
def sinh(x): return _SINH.apply(x)


class Cosh(Function):
    """cosh(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.cosh  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.cosh(x)
    def vjp(self, g, out, x): return (g * sinh(x),)


_COSH = shared(Cosh)
def cosh(x): return _COSH.apply(x)


class Arcsinh(Function):
    """arcsinh(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arcsinh  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arcsinh(x)
    def vjp(self, g, out, x): return (g / sqrt(x * x + 1),)


_ARCSINH = shared(Arcsinh)
def arcsinh(x): return _ARCSINH.apply(x)


class Arccosh(Function):
    """arccosh(x) for x >= 1; the gradient is inf at 1."""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arccosh  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arccosh(x)
    def vjp(self, g, out, x): return (g / (sqrt(x - 1) * sqrt(x + 1)),)


_ARCCOSH = shared(Arccosh)
def arccosh(x): return _ARCCOSH.apply(x)


class Arctanh(Function):
    """arctanh(x) on (-1, 1)."""
    saves = "inputs"
    float_inputs = True
    ufunc = np.arctanh  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.arctanh(x)
    def vjp(self, g, out, x): return (g / (1 - x * x),)


_ARCTANH = shared(Arctanh)
def arctanh(x): return _ARCTANH.apply(x)


class Log1p(Function):
    """log(1 + x), exact for tiny x."""
    saves = "inputs"
    float_inputs = True
    ufunc = np.log1p  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.log1p(x)
    def vjp(self, g, out, x): return (g / (1 + x),)


_LOG1P = shared(Log1p)
def log1p(x): return _LOG1P.apply(x)


class Expm1(Function):
    """exp(x) - 1, exact for tiny x."""
    saves = "output"
    float_inputs = True
    ufunc = np.expm1  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.expm1(x)
    def vjp(self, g, out, x): return (g * (out + 1),)


_EXPM1 = shared(Expm1)
def expm1(x): return _EXPM1.apply(x)


class Log2(Function):
    """log2(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.log2  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.log2(x)
    def vjp(self, g, out, x): return (g / (x * _LN2),)


_LOG2 = shared(Log2)
def log2(x): return _LOG2.apply(x)


class Log10(Function):
    """log10(x)"""
    saves = "inputs"
    float_inputs = True
    ufunc = np.log10  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.log10(x)
    def vjp(self, g, out, x): return (g / (x * _LN10),)


_LOG10 = shared(Log10)
def log10(x): return _LOG10.apply(x)


class Exp2(Function):
    """2 ** x"""
    saves = "output"
    float_inputs = True
    ufunc = np.exp2  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.exp2(x)
    def vjp(self, g, out, x): return (g * out * _LN2,)


_EXP2 = shared(Exp2)
def exp2(x): return _EXP2.apply(x)


class LogAddExp(Function):
    """log(exp(x) + exp(y)) without overflow; the gradients are the two softmax weights."""
    saves = "both"
    float_inputs = True
    ufunc = np.logaddexp  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x, y): return np.logaddexp(x, y)
    def vjp(self, g, out, x, y): return g * exp(x - out), g * exp(y - out)


_LOGADDEXP = shared(LogAddExp)
def logaddexp(x, y): return _LOGADDEXP.apply(x, y)


class Erf(Function):
    """The error function, to double precision (see `_erf`); its derivative 2/sqrt(pi) exp(-x^2)."""
    saves = "inputs"
    float_inputs = True
    def forward(self, x): return _erf(x)
    def vjp(self, g, out, x): return (g * _TWO_OVER_SQRT_PI * exp(-(x * x)),)


_ERF = shared(Erf)
def erf(x): return _ERF.apply(x)


def _erf(x):
    """erf of an array: scipy.special.erf when SciPy is installed, else the C library's erf
    (math.erf, correctly rounded in practice) element by element: exact either way, only slower
    without SciPy. The dtype is kept."""
    x = np.asarray(x)
    if _scipy_erf is not None:
        return _scipy_erf(x)
    out = _math_erf(x.astype(np.float64))
    return np.asarray(out, dtype=np.float64).astype(x.dtype if x.dtype.kind == "f" else np.float64)


try:
    from scipy.special import erf as _scipy_erf
except ImportError:  # SciPy is an optional extra: the vectorised C library erf is exact too
    _scipy_erf = None
_math_erf = np.frompyfunc(math.erf, 1, 1)


