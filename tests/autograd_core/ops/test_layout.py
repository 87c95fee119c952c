"""Memory layouts the ops choose for speed: the values are NumPy's, only the layout differs."""

import numpy as np

import autograd_core as ag
from autograd_core.function import NOT_SAVED
from autograd_core.ops.linalg import MatMul
from autograd_core.shapes import sum_to_shape


def test_a_product_of_two_matrices_is_column_major_with_numpys_values(rng):
    x, W = rng.standard_normal((50, 4)), rng.standard_normal((3, 4))
    out = ag.Tensor(x, requires_grad=True) @ ag.Tensor(W).T
    assert out.data.flags.f_contiguous
    np.testing.assert_allclose(out.data, x @ W.T, rtol=1e-14)


def test_the_input_gradient_of_a_product_is_column_major_with_numpys_values(rng):
    x, W, g = rng.standard_normal((50, 4)), rng.standard_normal((3, 4)), rng.standard_normal((50, 3))
    gx, gW = MatMul().vjp(g, NOT_SAVED, x, W.T)
    assert gx.flags.f_contiguous
    np.testing.assert_allclose(gx, g @ W, rtol=1e-14)
    np.testing.assert_allclose(gW, x.T @ g, rtol=1e-14)


def test_a_transposed_weight_gets_a_column_major_gradient_so_the_weight_gets_a_row_major_one(rng):
    x, W, g = rng.standard_normal((50, 4)), rng.standard_normal((3, 4)), rng.standard_normal((50, 3))
    _, gWT = MatMul().vjp(g, NOT_SAVED, x, W.T)
    assert gWT.T.flags.c_contiguous  # Transpose's vjp hands W this, with no copy for .grad
    np.testing.assert_allclose(gWT, x.T @ g, rtol=1e-14)
    _, gW = MatMul().vjp(g, NOT_SAVED, x, W.T.copy())  # a row-major operand: a row-major gradient
    assert gW.flags.c_contiguous


def test_adding_matrices_of_opposite_layouts_gives_a_column_major_sum(rng):
    c = rng.standard_normal((50, 4))
    f = np.asfortranarray(rng.standard_normal((50, 4)))
    out = ag.Tensor(c, requires_grad=True) + ag.Tensor(f)
    assert out.data.flags.f_contiguous
    np.testing.assert_array_equal(out.data, c + f)


def test_a_bias_gradient_of_a_row_major_array_is_its_column_sums(rng):
    g = rng.standard_normal((2000, 4))
    assert g.flags.c_contiguous
    np.testing.assert_allclose(sum_to_shape(g, (4,)), g.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(sum_to_shape(g, (1, 4)), g.sum(axis=0, keepdims=True), rtol=1e-12)


def test_a_bias_gradient_keeps_the_gradients_dtype(rng):
    g = rng.standard_normal((300, 5)).astype(np.float32)
    assert sum_to_shape(g, (5,)).dtype == np.float32


def test_add_of_numbers_without_tensors_is_plain_numpy():
    # REGRESSION of c44bece: Add.forward read x.ndim, which a Python number has not
    # (AttributeError); ops called without Tensors are NumPy in, NumPy out.
    assert ag.add(1.0, 2.0) == 3.0


def test_matmul_of_nested_lists_without_tensors_is_numpys():
    # REGRESSION of c44bece: MatMul.forward read x.ndim of a list (AttributeError).
    np.testing.assert_array_equal(ag.matmul([[1.0, 2.0]], [[3.0], [4.0]]), [[11.0]])


def test_the_second_derivative_through_a_product_of_two_matrices_is_torchs(rng):
    # create_graph runs MatMul's column-major vjp, (y @ g.T).T, on Tensors (Tensor.T): the
    # gradient of |d loss/d x|^2 must be PyTorch's.
    torch = __import__("pytest").importorskip("torch")
    xn, wn = rng.standard_normal((6, 3)), rng.standard_normal((3, 4))
    x, w = ag.Tensor(xn, requires_grad=True), ag.Tensor(wn, requires_grad=True)
    (gx,) = ag.grad(((x @ w) ** 3).sum(), [x], create_graph=True)
    hx, hw = ag.grad((gx * gx).sum(), [x, w])
    xt, wt = torch.tensor(xn, requires_grad=True), torch.tensor(wn, requires_grad=True)
    (gxt,) = torch.autograd.grad(((xt @ wt) ** 3).sum(), [xt], create_graph=True)
    hxt, hwt = torch.autograd.grad((gxt * gxt).sum(), [xt, wt])
    np.testing.assert_allclose(hx.data, hxt.numpy(), rtol=1e-9)
    np.testing.assert_allclose(hw.data, hwt.numpy(), rtol=1e-9)


def test_a_bias_gradient_through_a_mixed_layout_sum_is_torchs(rng):
    # x @ W.T (column-major) + a row-major skip + a bias: the bias gradient takes the
    # ones-product of sum_to_shape, the skip's the column-major sum's g.
    torch = __import__("pytest").importorskip("torch")
    xn, wn, sn, bn = (rng.standard_normal(s) for s in [(300, 4), (3, 4), (300, 3), (3,)])
    ts = [ag.Tensor(a, requires_grad=True) for a in (xn, wn, sn, bn)]
    x, w, s, b = ts
    (((x @ w.T + s) + b) ** 2).sum().backward()
    tt = [torch.tensor(a, requires_grad=True) for a in (xn, wn, sn, bn)]
    xt, wt, st, bt = tt
    (((xt @ wt.T + st) + bt) ** 2).sum().backward()
    for t, u in zip(ts, tt):
        np.testing.assert_allclose(t.grad.data, u.grad.numpy(), rtol=1e-9)
