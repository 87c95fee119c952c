"""Bad input: each case asserts the error type and the words that tell the user what was wrong."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def t(*shape, grad=True):
    return Tensor(np.ones(shape), requires_grad=grad)


CASES = [
    ("add_shapes", lambda: t(3, 4) + t(5), ValueError, r"Add:.*\(3, 4\), \(5,\)"),
    ("sub_shapes", lambda: t(3, 4) - t(2, 4), ValueError, r"Sub:.*\(3, 4\), \(2, 4\)"),
    ("mul_shapes", lambda: t(2) * t(3), ValueError, r"Mul:.*\(2,\), \(3,\)"),
    ("div_shapes", lambda: t(2) / t(3), ValueError, r"Div:.*\(2,\), \(3,\)"),
    ("pow_shapes", lambda: t(2) ** t(3), ValueError, r"Pow:.*\(2,\), \(3,\)"),
    ("maximum_shapes", lambda: ag.maximum(t(2), t(3)), ValueError, r"Maximum:.*\(2,\), \(3,\)"),
    ("minimum_shapes", lambda: ag.minimum(t(2), t(3)), ValueError, r"Minimum:.*\(2,\), \(3,\)"),
    ("where_shapes", lambda: ag.where(np.ones(4, bool), t(2), t(3)), ValueError, r"Where:.*\(2,\), \(3,\)"),
    ("matmul_shapes", lambda: t(2, 3) @ t(4, 5), ValueError, r"MatMul: shapes \(2, 3\) and \(4, 5\) do not fit"),
    ("matmul_vector", lambda: t(3) @ t(4), ValueError, r"MatMul: shapes \(3,\) and \(4,\)"),
    ("matmul_scalar", lambda: t() @ t(3), ValueError, r"MatMul: .*at least one dimension"),
    ("einsum_operands", lambda: ag.einsum("ij,jk->ik", t(2, 3)), ValueError, r"needs 2 operands, got 1"),
    ("einsum_sizes", lambda: ag.einsum("ij,jk->ik", t(2, 3), t(4, 5)), ValueError, r"Einsum:.*\(2, 3\), \(4, 5\)"),
    ("reshape_size", lambda: t(2, 3).reshape(4), ValueError, r"Reshape:.*size 6.*\(2, 3\)"),
    ("broadcast_to", lambda: t(3).broadcast_to((2, 4)), ValueError, r"BroadcastTo:.*\(3,\)"),
    ("concatenate_shapes", lambda: ag.concatenate([t(2, 3), t(2, 4)]), ValueError, r"Concatenate:.*\(2, 3\), \(2, 4\)"),
    ("stack_shapes", lambda: ag.stack([t(2), t(3)]), ValueError, r"Stack:.*\(2,\), \(3,\)"),
    ("index_out_of_range", lambda: t(3)[5], IndexError, r"GetItem:.*index 5.*\(3,\)"),
    ("axis_out_of_range", lambda: t(2, 3).sum(axis=2), ValueError, r"axis 2 is out of bounds.*\(2, 3\)"),
    ("requires_grad_int", lambda: Tensor([1, 2], requires_grad=True), TypeError, r"floating-point.*int64"),
    ("object_data", lambda: Tensor(["a"]), TypeError, r"numeric.*<U1"),
    ("backward_leaf_constant", lambda: (t(grad=False) * 2.0).backward(), RuntimeError, r"no history"),
    ("grad_output_shape", lambda: ag.grad(t(2) * 2.0, t(2), grad_outputs=np.ones(5)), ValueError,
     r"grad has shape \(5,\)"),
    ("grad_input_not_tensor", lambda: ag.grad(t() * 2.0, [np.ones(2)]), ValueError, r"requires grad"),
    ("grad_of_array", lambda: ag.grad(np.ones(2), [t()]), TypeError, r"only differentiate Tensors"),
    ("numpy_ufunc_without_op", lambda: np.cbrt(t(2)), TypeError, r"np.cbrt got a Tensor that requires grad"),
]


@pytest.mark.parametrize("make, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_named(make, error, words):
    with pytest.raises(error, match=words):
        make()
