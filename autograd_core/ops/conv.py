"""Convolution and pooling over NCHW images, vectorised with sliding_window_view and tensordot.

Convolution is three ops, each the others' adjoints, so every derivative of every order is one
of them: Conv2d (x, w -> y), Conv2dInputGrad (g, w -> dx) and Conv2dWeightGrad (x, g -> dw).
Zero padding is a separate Pad op in front. The only Python loops run over kernel positions and
groups, never over pixels. Pooling is composite: max_pool2d gathers each window's first maximum
(PyTorch's choice among ties) by index, avg_pool2d is a convolution with a constant kernel.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograd_core.function import Function
from autograd_core.ops.indexing import AddAlongAxis, pad
from autograd_core.ops.shape import reshape
from autograd_core.tensor import Tensor


def _windows(x, kh, kw, stride, dilation):
    """The view (N, C, OH, OW, kh, kw) of every kernel window of x (N, C, H, W)."""
    (sh, sw), (dh, dw) = stride, dilation
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    v = sliding_window_view(x, (span_h, span_w), axis=(2, 3))
    return v[:, :, ::sh, ::sw, ::dh, ::dw]


def _out_size(n, k, stride, dilation):
    return (n - dilation * (k - 1) - 1) // stride + 1


def _conv(x, w, stride, dilation, groups):
    n, c = x.shape[:2]
    o, cg, kh, kw = w.shape
    win = _windows(x, kh, kw, stride, dilation)
    og = o // groups
    outs = [np.tensordot(win[:, i * cg:(i + 1) * cg], w[i * og:(i + 1) * og], axes=([1, 4, 5], [1, 2, 3]))
            for i in range(groups)]  # each (N, OH, OW, og)
    out = outs[0] if groups == 1 else np.concatenate(outs, axis=-1)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _weight_grad(x, g, shape, stride, dilation, groups):
    o, cg, kh, kw = shape
    og = o // groups
    win = _windows(x, kh, kw, stride, dilation)
    parts = [np.tensordot(g[:, i * og:(i + 1) * og], win[:, i * cg:(i + 1) * cg], axes=([0, 2, 3], [0, 2, 3]))
             for i in range(groups)]  # each (og, cg, kh, kw)
    return parts[0] if groups == 1 else np.concatenate(parts, axis=0)


def _input_grad(g, w, shape, stride, dilation, groups):
    o, cg, kh, kw = w.shape
    og = o // groups
    (sh, sw), (dh, dw) = stride, dilation
    n, _, oh, ow = g.shape
    out = np.zeros(shape, dtype=np.result_type(g, w))
    for i in range(groups):
        cols = np.tensordot(g[:, i * og:(i + 1) * og], w[i * og:(i + 1) * og], axes=([1], [0]))
        cols = cols.transpose(0, 3, 1, 2, 4, 5)  # (N, cg, OH, OW, kh, kw)
        part = out[:, i * cg:(i + 1) * cg]
        for a in range(kh):  # one strided slice per kernel position: no loop over pixels
            for b in range(kw):
                part[:, :, a * dh:a * dh + sh * (oh - 1) + 1:sh, b * dw:b * dw + sw * (ow - 1) + 1:sw] += cols[..., a, b]
    return out


class Conv2d(Function):
    """Cross-correlation of x (N, C, H, W) with w (O, C / groups, kh, kw), no padding: (N, O, OH, OW)."""
    def __init__(self, stride, dilation, groups): self.stride, self.dilation, self.groups = stride, dilation, groups

    def forward(self, x, w):
        _check(x, w, self.stride, self.dilation, self.groups)
        return _conv(x, w, self.stride, self.dilation, self.groups)

    def vjp(self, g, out, x, w):
        args = (self.stride, self.dilation, self.groups)
        need = self.needs_input_grad or (True, True)
        gx = Conv2dInputGrad(x.shape, *args).apply(g, w) if need[0] else None
        gw = Conv2dWeightGrad(w.shape, *args).apply(x, g) if need[1] else None
        return gx, gw


class Conv2dInputGrad(Function):
    """The adjoint of Conv2d in x: g (N, O, OH, OW) and w to the gradient of x (`shape`)."""
    def __init__(self, shape, stride, dilation, groups):
        self.new_shape, self.stride, self.dilation, self.groups = tuple(shape), stride, dilation, groups
    def forward(self, g, w): return _input_grad(g, w, self.new_shape, self.stride, self.dilation, self.groups)

    def vjp(self, c, out, g, w):
        args = (self.stride, self.dilation, self.groups)
        return Conv2d(*args).apply(c, w), Conv2dWeightGrad(w.shape, *args).apply(c, g)


class Conv2dWeightGrad(Function):
    """The adjoint of Conv2d in w: x and g (N, O, OH, OW) to the gradient of w (`shape`)."""
    def __init__(self, shape, stride, dilation, groups):
        self.new_shape, self.stride, self.dilation, self.groups = tuple(shape), stride, dilation, groups
    def forward(self, x, g): return _weight_grad(x, g, self.new_shape, self.stride, self.dilation, self.groups)

    def vjp(self, c, out, x, g):
        args = (self.stride, self.dilation, self.groups)
        return Conv2dInputGrad(x.shape, *args).apply(g, c), Conv2d(*args).apply(x, c)


def _check(x, w, stride, dilation, groups):
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"conv2d needs an input (N, C, H, W) and a weight (O, C/groups, kh, kw), "
                         f"got shapes {x.shape} and {w.shape}")
    if x.shape[1] != w.shape[1] * groups or w.shape[0] % groups:
        raise ValueError(f"conv2d: an input of shape {x.shape} (C={x.shape[1]}) does not fit a weight "
                         f"of shape {w.shape} with groups={groups}: C must be {w.shape[1]} * groups "
                         "and O a multiple of groups")
    for n, k, s, d in zip(x.shape[2:], w.shape[2:], stride, dilation):
        if _out_size(n, k, s, d) < 1:
            raise ValueError(f"conv2d: the kernel {w.shape[2:]} (dilation {dilation}) is larger than "
                             f"the padded input {x.shape[2:]}")


def _pair(v, name, minimum):
    pair = (int(v), int(v)) if np.ndim(v) == 0 else tuple(int(a) for a in v)
    if len(pair) != 2 or min(pair) < minimum:
        raise ValueError(f"{name} must be an int or a pair of ints >= {minimum}, got {v!r}")
    return pair


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch.nn.functional.conv2d on NCHW: weight (O, C / groups, kh, kw), bias (O,)."""
    stride, dilation = _pair(stride, "conv2d: stride", 1), _pair(dilation, "conv2d: dilation", 1)
    ph, pw = _pair(padding, "conv2d: padding", 0)
    if int(groups) < 1:
        raise ValueError(f"conv2d: groups must be positive, got {groups}")
    if np.ndim(x) != 4:
        raise ValueError(f"conv2d needs an input (N, C, H, W), got shape {np.shape(x)}")
    if ph or pw:
        x = pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = Conv2d(stride, dilation, int(groups)).apply(x, weight)
    if bias is not None:
        if np.shape(bias) != (np.shape(weight)[0],):
            raise ValueError(f"conv2d: the bias must have shape ({np.shape(weight)[0]},) for a weight "
                             f"of shape {np.shape(weight)}, got {np.shape(bias)}")
        out = out + reshape(bias, (-1, 1, 1))
    return out


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """torch's conv1d on (N, C, L) with weight (O, C / groups, k): conv2d on images of height 1."""
    if np.ndim(x) != 3 or np.ndim(weight) != 3:
        raise ValueError(f"conv1d needs an input (N, C, L) and a weight (O, C/groups, k), got "
                         f"shapes {np.shape(x)} and {np.shape(weight)}")
    n, c, length = np.shape(x)
    x2 = reshape(x, (n, c, 1, length))
    w2 = reshape(weight, np.shape(weight)[:2] + (1, np.shape(weight)[2]))
    out = conv2d(x2, w2, bias, (1, int(stride)), (0, int(padding)), (1, int(dilation)), groups)
    return reshape(out, np.shape(out)[:2] + (np.shape(out)[3],))


def _pool_args(x, kernel_size, stride, padding, dilation, name):
    if np.ndim(x) != 4:
        raise ValueError(f"{name} needs an input (N, C, H, W), got shape {np.shape(x)}")
    k = _pair(kernel_size, f"{name}: kernel_size", 1)
    s = k if stride is None else _pair(stride, f"{name}: stride", 1)
    p = _pair(padding, f"{name}: padding", 0)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{name}: padding {p} must be at most half the kernel {k}")
    return k, s, p, _pair(dilation, f"{name}: dilation", 1)


class MaxPool2d(Function):
    """The largest value of each window of x (N, C, H, W); the gradient goes to the window's first
    maximum (PyTorch's choice among ties), whose flat position forward keeps on self."""
    saves = "nothing"
    kept = ("flat",)

    def __init__(self, kernel, stride, dilation):
        self.kernel, self.stride, self.dilation = kernel, stride, dilation

    def forward(self, x):
        n, c, h, w = x.shape
        (kh, kw), s, d = self.kernel, self.stride, self.dilation
        win = _windows(x, kh, kw, s, d)
        oh, ow = win.shape[2:4]
        if oh < 1 or ow < 1:
            raise ValueError(f"max_pool2d: the kernel {self.kernel} is larger than the input {x.shape[2:]}")
        best = win.reshape(n, c, oh, ow, -1).argmax(axis=-1)  # the first maximum of each window
        rows = np.arange(oh)[:, None] * s[0] + (best // kw) * d[0]
        cols = np.arange(ow)[None, :] * s[1] + (best % kw) * d[1]
        self.flat, self.x_shape = (rows * w + cols).reshape(n, c, -1), x.shape
        return np.take_along_axis(x.reshape(n, c, h * w), self.flat, 2).reshape(n, c, oh, ow)

    def vjp(self, g, out, x):
        n, c, h, w = self.x_shape
        zeros = np.zeros((n, c, h * w), dtype=g.dtype)
        added = AddAlongAxis(self.flat, 2).apply(zeros, reshape(g, (n, c, -1)))
        return (reshape(added, self.x_shape),)


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1):
    """torch's max_pool2d: the largest value of each window; the gradient goes to the window's
    first maximum (PyTorch's choice among ties). Padding is -inf."""
    k, s, p, d = _pool_args(x, kernel_size, stride, padding, dilation, "max_pool2d")
    if p != (0, 0):
        x = pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=-np.inf)
    return MaxPool2d(k, s, d).apply(x)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """torch's avg_pool2d (count_include_pad=True): each window's mean, zero padding counted."""
    k, s, p, _ = _pool_args(x, kernel_size, stride, padding, 1, "avg_pool2d")
    n, c, h, w = np.shape(x)
    dtype = x.dtype if isinstance(x, Tensor) else np.asarray(x).dtype
    kernel = Tensor._wrap(np.full((1, 1) + k, 1.0 / (k[0] * k[1]), dtype=dtype))  # a constant
    out = conv2d(reshape(x, (n * c, 1, h, w)), kernel, stride=s, padding=p)
    return reshape(out, (n, c) + np.shape(out)[2:])
