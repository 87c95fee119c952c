"""Matrix products: matmul (1-D, 2-D and batched, as np.matmul), the dense layer and einsum."""

import numpy as np

from autograd_core.function import Function, shared
from autograd_core.ops.elementwise import Relu, Sigmoid, Tanh
from autograd_core.shapes import sum_to_shape
from autograd_core.tensor import Tensor


class MatMul(Function):
    """x @ y with np.matmul's rules: 1-D operands are promoted, leading dimensions broadcast.

    Two matrices give their product as the transpose of y.T @ x.T, a column-major array (as
    Affine does): `y @ W.T + b` then adds the bias along contiguous columns (3x faster for a
    (2000, 4) layer than row-major rows of 4), and the bias gradient sums contiguous columns."""
    saves = "inputs"
    forward_ufuncs = vjp_ufuncs = True  # products and views: compile replays them as lines

    def forward(self, x, y):
        if not (isinstance(x, np.ndarray) and isinstance(y, np.ndarray)):
            x, y = np.asarray(x), np.asarray(y)  # lists too: NumPy in, NumPy out
        nx, ny = x.ndim, y.ndim
        if nx == 0 or ny == 0:
            raise ValueError("matmul needs operands of at least one dimension; use * for scalars")
        try:
            if nx == 2 and ny == 2:
                return np.matmul(y.T, x.T).T
            return np.matmul(x, y)
        except ValueError:
            raise ValueError(
                f"shapes {np.shape(x)} and {np.shape(y)} do not fit: the last axis of the first "
                f"({np.shape(x)[-1]}) must equal the {'only' if np.ndim(y) == 1 else 'second-to-last'} "
                f"axis of the second ({np.shape(y)[0 if np.ndim(y) == 1 else -2]})"
            ) from None

    def vjp(self, g, out, x, y):
        # Treat 1-D operands as a row (x) or a column (y), so both products below are 2-D or batched.
        x2 = x.reshape((1,) + x.shape) if x.ndim == 1 else x
        y2 = y.reshape(y.shape + (1,)) if y.ndim == 1 else y
        g2 = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if x.ndim == 1 else g
        g2 = g2.reshape(g2.shape + (1,)) if y.ndim == 1 else g2
        need = self.needs_input_grad or (True, True)
        if not need[0]:
            gx = None
        elif g2.ndim == 2 and y2.ndim == 2:  # column-major, as forward's product (see MatMul)
            gx = (y2 @ g2.T).T
        else:
            gx = g2 @ y2.swapaxes(-1, -2)
        if not need[1]:
            gy = None
        elif g2.ndim == 2 and y.ndim == 2 and _column_major(y):  # y = W.T: then W's gradient
            gy = (g2.T @ x2).T  # comes out of Transpose's vjp row-major, as .grad wants it
        else:
            gy = x2.swapaxes(-1, -2) @ g2
        if x.ndim == 1 and gx is not None:
            gx = gx.reshape(gx.shape[:-2] + gx.shape[-1:])
        if y.ndim == 1 and gy is not None:
            gy = gy.reshape(gy.shape[:-1])
        return gx, gy


_MATMUL = shared(MatMul)
def matmul(x, y): return _MATMUL.apply(x, y)


def _column_major(a):
    """True for an ndarray laid out column-major only (a transposed view, as W.T)."""
    return isinstance(a, np.ndarray) and a.flags.f_contiguous and not a.flags.c_contiguous


class Affine(Function):
    """act(x @ W.T + b) in one op, W of shape (out, in): a dense layer with no transpose, bias
    or activation node.

    `activation` (optional) is an elementwise op whose vjp reads only its output (Relu, Tanh,
    Sigmoid): the pre-activation is then never kept, so the layer holds as much memory as one
    written by hand. A 2-D x gives its product as the transpose of W @ x.T, a column-major
    (N, out) array: for the narrow layers of small nets BLAS writes it 2-3x faster than
    x @ W.T, the bias is added along contiguous columns, and the elementwise ops after it keep
    that layout (mixed layouts are what is slow). The vjp hands back gradients in the same layout.
    Integer inputs (raw pixels) are computed in float64, as every real-valued op's are.
    """
    saves = "both"  # the inputs, and the output for the activation's vjp
    float_inputs = True

    def __init__(self, activation=None):
        self.activation = _fusable(activation, type(self).__name__)

    def forward(self, x, W, b=None):
        if W.ndim != 2 or x.ndim == 0 or x.shape[-1] != W.shape[1]:
            raise ValueError(f"an input of shape {x.shape} does not fit a weight of shape "
                             f"{W.shape}: the weight is (out, in), in = the input's last axis")
        if b is not None and b.shape != W.shape[:1]:  # never broadcast a bias of another shape
            raise ValueError(f"the bias must have shape {W.shape[:1]} for a weight of shape "
                             f"{W.shape}, got {b.shape}")
        out = (W @ x.T).T if x.ndim == 2 else np.matmul(x, W.T)
        if b is not None:
            out += b  # the product is a fresh array: add the bias in place
        return out if self.activation is None else self.activation.forward(out)

    def vjp(self, g, out, x, W, b=None):
        if self.activation is not None:
            (g,) = self.activation.vjp(g, out, None)
        need = self.needs_input_grad or (True, True, True)
        if g.ndim == 2:
            rows, x_rows = g, x
        else:  # every leading axis of x is a batch axis
            rows, x_rows = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
        gx = None if not need[0] else (W.T @ g.T).T if g.ndim == 2 else g @ W
        gW = rows.T @ x_rows if need[1] else None
        gb = sum_to_shape(rows, W.shape[:1]) if b is not None and need[2] else None
        return (gx, gW) if b is None else (gx, gW, gb)


def linear(x, weight, bias=None, activation=None):
    """x @ weight.T + bias (weight of shape (out, in)) as one op, like PyTorch's F.linear.

    activation: None, or "relu", "sigmoid" or "tanh", applied inside the same op (see Affine).
    """
    op = Affine(_activation_op(activation, "linear"))
    return op(x, weight) if bias is None else op(x, weight, bias)


class ResidualAffine(Affine):
    """x + step * act(x @ W.T + b) in one op, W square: an explicit Euler step of a dense layer
    (seed 000's residual block). Its vjp is Affine's, scaled by `step`, plus the identity path.

    It keeps act(x @ W.T + b) for the vjp (on self, dropped by release()), as a hand-written
    backward does; under create_graph it records that value again from the inputs, so the
    gradient can be differentiated once more.
    """
    saves = "inputs"
    kept = ("activation_out",)

    def __init__(self, step, activation=None):
        self.step, self.activation = step, _fusable(activation, "ResidualAffine")

    def forward(self, x, W, b=None):
        self.activation_out = s = Affine.forward(self, x, W, b)
        out = s * self.step
        if out.flags.f_contiguous and not x.flags.f_contiguous:
            x = np.asfortranarray(x)  # a row-major input: one copy beats adding mixed layouts (2.5x)
        out += x  # a fresh array of the result's shape: add in place
        return out

    def vjp(self, g, out, x, W, b=None):
        s = self.activation_out
        if not isinstance(x, np.ndarray):  # create_graph: the same value, recorded from the inputs
            affine = Affine(self.activation)
            s = affine.apply(x, W) if b is None else affine.apply(x, W, b)
        grads = Affine.vjp(self, g * self.step, s, x, W, b)
        return (g if grads[0] is None else g + grads[0],) + grads[1:]


def residual_linear(x, weight, bias=None, step=1.0, activation=None):
    """x + step * activation(x @ weight.T + bias) as one op, for a square weight (d, d) and x (..., d).

    The residual (explicit Euler) step of seed 000's network, one node per layer instead of
    three; `activation` as in linear().
    """
    shape = weight.shape if isinstance(weight, Tensor) else np.shape(weight)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"residual_linear needs a square weight, got shape {shape}")
    op = ResidualAffine(float(step), _activation_op(activation, "residual_linear"))
    return op(x, weight) if bias is None else op(x, weight, bias)


# The one list of activations a dense op can apply inside itself (by name, for linear(...,
# activation="tanh") and nn): their vjps read only their outputs, so no pre-activation is kept.
LINEAR_ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid, "tanh": Tanh}


def _fusable(activation, op):
    """`activation` (an op instance or None) if a dense op can apply it inside itself, else raise."""
    if activation is None or type(activation) in LINEAR_ACTIVATIONS.values():
        return activation
    raise TypeError(f"{op} cannot fuse {type(activation).__name__}: its vjp needs its input, "
                    f"which a fused op does not keep; fusable: "
                    f"{', '.join(c.__name__ for c in LINEAR_ACTIVATIONS.values())}")


class Einsum(Function):
    """np.einsum with explicit subscripts ("ij,jk->ik"); each operand's letters must be distinct."""
    saves = "inputs"

    def __init__(self, subscripts):
        if "..." in subscripts:
            raise ValueError("einsum: '...' is not supported; name every axis")
        lhs, arrow, rhs = subscripts.replace(" ", "").partition("->")
        self.ins = lhs.split(",")
        self.out = rhs if arrow else "".join(sorted(c for c in set(lhs) - {","} if lhs.count(c) == 1))
        for s in self.ins:
            if len(set(s)) != len(s):
                raise ValueError(f"einsum: repeated subscript in operand '{s}' is not supported")
        self.subscripts = ",".join(self.ins) + "->" + self.out

    def forward(self, *xs):
        if len(xs) != len(self.ins):
            raise ValueError(f"einsum '{self.subscripts}' needs {len(self.ins)} operands, got {len(xs)}")
        return np.einsum(self.subscripts, *xs)

    def vjp(self, g, out, *xs):
        grads = []
        for i, (s, x) in enumerate(zip(self.ins, xs)):
            others = [(t, y) for j, (t, y) in enumerate(zip(self.ins, xs)) if j != i]
            present = set(self.out).union(*[t for t, _ in others])
            kept = "".join(c for c in s if c in present)  # letters summed away in x alone come back by broadcasting
            gx = einsum(",".join([self.out] + [t for t, _ in others]) + "->" + kept, g, *[y for _, y in others])
            if kept != s:
                gx = gx.reshape(tuple(x.shape[k] if c in present else 1 for k, c in enumerate(s)))
                gx = broadcast_to(gx, x.shape)
            grads.append(gx)
        return tuple(grads)


def _activation_op(name, function):
    """The op of a dense layer's activation (None for none); `function` names the caller in errors."""
    if name is None:
        return None
    if name not in LINEAR_ACTIVATIONS:
        raise ValueError(f"{function}: unknown activation {name!r}; choose one of "
                         f"{sorted(LINEAR_ACTIVATIONS)} or None")
    return LINEAR_ACTIVATIONS[name]()


def einsum(subscripts, *operands): return _einsum(subscripts, *operands)  # '...', repeats: einsum_forms


from autograd_core.ops.shape import broadcast_to  # noqa: E402
from autograd_core.ops.einsum_forms import einsum as _einsum  # noqa: E402
