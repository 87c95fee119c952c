"""Elementwise ops with NumPy broadcasting. Each vjp returns gradients in the output's shape;
the engine sums them down to the inputs' shapes."""

import numpy as np

from autograd_core.function import Function, shared, quiet_underflow


class Add(Function):
    """x + y. Two tall matrices in opposite layouts (a row-major input plus a column-major
    product, see MatMul) give a column-major sum: NumPy's row-major choice would loop over rows
    of a few elements (2x slower for (2000, 4)), and every later layer would pay it again."""
    saves = "nothing"
    ufunc = np.add  # the values of forward in any layout: compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)

    def forward(self, x, y):
        if type(x) is np.ndarray and x.ndim == 2 and type(y) is np.ndarray \
                and y.ndim == 2 and x.shape == y.shape and x.shape[0] > x.shape[1] \
                and x.flags.f_contiguous != y.flags.f_contiguous:  # (numbers: NumPy in, NumPy out)
            return np.add(x, y, order="F")
        return x + y

    def vjp(self, g, out, x, y): return g, g


_ADD = shared(Add)
def add(x, y, alpha=1):
    """x + y, or x + alpha * y (as torch.add) for a number alpha, as one op."""
    return _ADD.apply(x, y) if alpha == 1 else AddScaled(float(alpha)).apply(x, y)


class AddScaled(Function):
    """x + alpha * y for a number alpha, in one node (an explicit Euler step y + h * f)."""
    saves = "nothing"
    def __init__(self, alpha): self.alpha = alpha
    def forward(self, x, y):
        out = y * self.alpha
        if out.shape == x.shape and out.dtype == x.dtype:
            out += x  # a fresh array of the result's shape: add in place
            return out
        return x + out
    def vjp(self, g, out, x, y):
        return g, (g * self.alpha if (self.needs_input_grad or (True, True))[1] else None)


class Sub(Function):
    """x - y"""
    saves = "nothing"
    ufunc = np.subtract  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    def forward(self, x, y): return x - y
    def vjp(self, g, out, x, y):  # x - 0.4: no gradient computed for the constant
        return g, (-g if (self.needs_input_grad or (True, True))[1] else None)


_SUB = shared(Sub)
def subtract(x, y): return _SUB.apply(x, y)


class Mul(Function):
    """x * y; a constant factor (x * 0.9) gets no gradient computed."""
    saves = "inputs"
    ufunc = np.multiply  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    def forward(self, x, y): return x * y
    def vjp(self, g, out, x, y):
        need_x, need_y = self.needs_input_grad or (True, True)
        return (g * y if need_x else None), (g * x if need_y else None)


_MUL = shared(Mul)
def multiply(x, y): return _MUL.apply(x, y)


class Div(Function):
    """x / y"""
    saves = "both"  # y, and the output for d/dy = -out / y
    ufunc = np.divide  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    def forward(self, x, y): return x / y
    def vjp(self, g, out, x, y):
        need_x, need_y = self.needs_input_grad or (True, True)
        return (g / y if need_x else None), (-g * out / y if need_y else None)


_DIV = shared(Div)
def divide(x, y): return _DIV.apply(x, y)


class Neg(Function):
    """-x"""
    saves = "nothing"
    ufunc = np.negative  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    def forward(self, x): return -x
    def vjp(self, g, out, x): return (-g,)


_NEG = shared(Neg)
def negative(x): return _NEG.apply(x)


class Pow(Function):
    """x ** y. Where the formulas give 0 * inf they are taken at their limits, as PyTorch does:
    d/dx is 0 where y = 0 (x ** 0 is constant, also at x = 0), d/dy is 0 where x = 0 and y >= 0
    (0 ** y is constant there); elsewhere d/dy = out * log(x) (NaN for x < 0, as the function is).
    A constant exponent (x ** 2) gets no gradient computed."""
    saves = "both"
    def forward(self, x, y): return x ** y

    def vjp(self, g, out, x, y):
        need_x, need_y = self.needs_input_grad or (True, True)
        gx = gy = None
        if need_x:
            nonzero = y.size == 1 and bool(y != 0)  # the common x ** 2: no mask needed
            # 0 ** 0: x ** (y - 1) would be inf times y = 0
            gx = g * y * x ** (y - 1 if nonzero else where((y == 0) & (x == 0), 1.0, y - 1))
        if need_y:
            gy = g * out * log(where((x == 0) & (y >= 0), 1.0, x))
        return gx, gy


_POW = shared(Pow)
def power(x, y): return _POW.apply(x, y)


class Exp(Function):
    """exp(x)"""
    saves = "output"
    ufunc = np.exp  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    float_inputs = True
    def forward(self, x): return np.exp(x)
    def vjp(self, g, out, x): return (g * out,)


_EXP = shared(Exp)
def exp(x): return _EXP.apply(x)


class Log(Function):
    """log(x); log(0) = -inf with gradient inf, as in NumPy."""
    saves = "inputs"
    ufunc = np.log  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    float_inputs = True
    def forward(self, x): return np.log(x)
    def vjp(self, g, out, x): return (g / x,)


_LOG = shared(Log)
def log(x): return _LOG.apply(x)


class Sqrt(Function):
    """sqrt(x); sqrt(0) = 0 with gradient inf."""
    saves = "output"
    ufunc = np.sqrt  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    float_inputs = True
    def forward(self, x): return np.sqrt(x)
    def vjp(self, g, out, x): return (g / (2 * out),)


_SQRT = shared(Sqrt)
def sqrt(x): return _SQRT.apply(x)


class Tanh(Function):
    """tanh(x); its derivative 1 - out ** 2 (NumPy squares twice as fast as it multiplies)."""
    saves = "output"
    ufunc = np.tanh  # forward as a ufunc call: ag.compile writes it into buffers
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    float_inputs = True
    def forward(self, x): return np.tanh(x)
    def vjp(self, g, out, x): return (g * (1 - out ** 2),)


_TANH = shared(Tanh)
def tanh(x): return _TANH.apply(x)


class Sigmoid(Function):
    """1 / (1 + exp(-x)), computed as exp(-log(1 + exp(-x))) so that no exp overflows;
    saturated values are exact (sigmoid(-1000) == 0.0)."""
    saves = "output"
    float_inputs = True

    @quiet_underflow
    def forward(self, x): return np.exp(-np.logaddexp(0, -x))

    @quiet_underflow
    def vjp(self, g, out, x): return (g * out * (1 - out),)


_SIGMOID = shared(Sigmoid)
def sigmoid(x): return _SIGMOID.apply(x)


class Softplus(Function):
    """log(1 + exp(x)), stable for large |x|."""
    saves = "inputs"
    float_inputs = True

    @quiet_underflow
    def forward(self, x): return np.logaddexp(0, x)
    def vjp(self, g, out, x): return (g * sigmoid(x),)


_SOFTPLUS = shared(Softplus)
def softplus(x): return _SOFTPLUS.apply(x)


class Relu(Function):
    """max(x, 0); the gradient at 0 is taken as 0 (read off the output: x > 0 exactly where out > 0)."""
    saves = "output"
    ufunc, ufunc_args = np.maximum, (0,)  # forward as a ufunc call: np.maximum(x, 0)
    vjp_ufuncs = True  # its vjp: ufunc calls only (compile replays them into buffers)
    def forward(self, x): return np.maximum(x, 0)
    def vjp(self, g, out, x): return (g * (out > 0),)


_RELU = shared(Relu)
def relu(x): return _RELU.apply(x)


class LeakyRelu(Function):
    """x for x > 0, slope * x otherwise; the gradient at 0 is `slope`."""
    saves = "inputs"
    def __init__(self, slope): self.slope = slope
    def forward(self, x): return np.where(x > 0, x, x * self.slope)
    def vjp(self, g, out, x): return (g * np.where(x > 0, 1.0, self.slope),)


def leaky_relu(x, negative_slope=0.01): return LeakyRelu(negative_slope).apply(x)


class Abs(Function):
    """|x|; the gradient at 0 is taken as 0."""
    saves = "inputs"
    ufunc = np.absolute  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x): return np.abs(x)
    def vjp(self, g, out, x): return (g * np.sign(np.asarray(x)),)


_ABS = shared(Abs)
def abs(x): return _ABS.apply(x)  # noqa: A001 (NumPy's name)


class Maximum(Function):
    """Elementwise max(x, y); at ties each side gets half the gradient."""
    saves = "inputs"
    ufunc = np.maximum  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x, y): return np.maximum(x, y)
    def vjp(self, g, out, x, y):
        wx = (x > y) + 0.5 * (x == y)
        return g * wx, g * (1 - wx)


_MAXIMUM = shared(Maximum)
def maximum(x, y): return _MAXIMUM.apply(x, y)


class Minimum(Function):
    """Elementwise min(x, y); at ties each side gets half the gradient."""
    saves = "inputs"
    ufunc = np.minimum  # forward as a ufunc call: ag.compile writes it into buffers
    def forward(self, x, y): return np.minimum(x, y)
    def vjp(self, g, out, x, y):
        wx = (x < y) + 0.5 * (x == y)
        return g * wx, g * (1 - wx)


_MINIMUM = shared(Minimum)
def minimum(x, y): return _MINIMUM.apply(x, y)


class Clip(Function):
    """x limited to [lo, hi]; the gradient is 1 inside the closed interval, 0 outside."""
    saves = "inputs"
    def __init__(self, lo, hi): self.lo, self.hi = lo, hi
    def forward(self, x): return np.clip(x, self.lo, self.hi)
    def vjp(self, g, out, x):
        inside = np.ones(np.shape(x), dtype=bool)
        if self.lo is not None:
            inside &= x >= self.lo
        if self.hi is not None:
            inside &= x <= self.hi
        return (g * inside,)


def clip(x, a_min, a_max): return Clip(a_min, a_max).apply(x)


class Where(Function):
    """x where cond else y; cond is a constant boolean array."""
    saves = "nothing"
    kept = ("cond",)
    def __init__(self, cond): self.cond = cond
    def forward(self, x, y): return np.where(self.cond, x, y)
    def vjp(self, g, out, x, y): return where(self.cond, g, 0), where(self.cond, 0, g)


def where(cond, x, y):
    """x where `cond` (a boolean array, or a comparison of Tensors) else y."""
    return Where(np.asarray(cond, dtype=bool)).apply(x, y)


