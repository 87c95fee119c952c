"""The Tensor's own surface: attributes, helpers, operators, comparisons, repr."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_attributes_mirror_numpy():
    t = Tensor(np.zeros((2, 3), dtype=np.float32))
    assert (t.shape, t.ndim, t.size, t.dtype, len(t)) == ((2, 3), 2, 6, np.float32, 2)


def test_item_numpy_detach():
    x = Tensor(3.0, requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert y.item() == 6.0 and isinstance(y.numpy(), np.ndarray)
    assert not d.requires_grad and d.is_leaf and d.data is y.data


def test_comparisons_return_boolean_arrays():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert isinstance(t > 2, np.ndarray)
    np.testing.assert_array_equal(t >= 2, [False, True, True])
    np.testing.assert_array_equal(t == Tensor([1.0, 0.0, 3.0]), [True, False, True])


def test_reflected_operators_with_numbers_and_arrays():
    x = Tensor([1.0, 2.0])
    np.testing.assert_allclose(3.0 - x, [2.0, 1.0])
    np.testing.assert_allclose(2.0 / x, [2.0, 1.0])
    np.testing.assert_allclose(2.0 ** x, [2.0, 4.0])
    np.testing.assert_allclose(np.array([1.0, 1.0]) + x, [2.0, 3.0])
    assert isinstance(np.array([1.0, 1.0]) * x, Tensor)


def test_micrograd_style_scalar_code_runs_on_0d_tensors():
    a = Tensor(-4.0, requires_grad=True)
    b = Tensor(2.0, requires_grad=True)
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    # the values micrograd's own test gets from PyTorch
    assert g.item() == pytest.approx(24.70408163265306, abs=1e-12)
    assert a.grad.item() == pytest.approx(138.83381924198252, abs=1e-10)
    assert b.grad.item() == pytest.approx(645.5772594752186, abs=1e-10)


def test_repr_shows_values_op_and_flags():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    assert repr(x) == "Tensor([1., 2.], requires_grad=True, name='x')"
    assert "op=Mul" in repr(x * 2.0)
    assert "dtype=float32" in repr(Tensor(np.ones(2, dtype=np.float32)))


def test_constructors():
    assert ag.zeros((2, 3)).shape == (2, 3)
    assert ag.ones(4, dtype=np.float32).dtype == np.float32
    a = ag.randn(3, 2, rng=np.random.default_rng(0))
    b = ag.randn(3, 2, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    assert ag.tensor([1.0], requires_grad=True).requires_grad
    np.testing.assert_array_equal(ag.arange(3), [0, 1, 2])


def test_stable_sigmoid_at_extremes_without_warnings():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        np.testing.assert_array_equal(ag.sigmoid(Tensor([1000.0, -1000.0])), [1.0, 0.0])


def test_stable_log_softmax_of_huge_logits():
    np.testing.assert_array_equal(ag.log_softmax(Tensor([1000.0, 0.0, -1000.0])), [0.0, -1000.0, -2000.0])


def test_stable_softplus_and_logsumexp():
    with np.errstate(over="raise"):
        np.testing.assert_allclose(ag.softplus(Tensor([1000.0, -1000.0])), [1000.0, 0.0])
        assert ag.logsumexp(Tensor([1e4, 1e4])).item() == pytest.approx(1e4 + np.log(2))


# --- habits from NumPy, micrograd and PyTorch: they work, or fail loudly ------------------------
def quadratic_step(update, lr=0.1):
    """One descent step on sum(p * p) from p = [1, 2], done by `update(p, lr)`; returns p, its id, its array."""
    p = Tensor([1.0, 2.0], requires_grad=True)
    ident, array = id(p), p.data
    (p * p).sum().backward()
    return update(p, lr), ident, array


def test_numpy_habit_dot_and_concatenate_keep_the_graph():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = Tensor([[0.5], [-1.0]], requires_grad=True)
    loss = np.sum(np.concatenate([np.dot(t, w), np.exp(t)], axis=1) ** 2)
    loss.backward()
    tw = t.data @ w.data
    np.testing.assert_allclose(w.grad.data, t.data.T @ (2 * tw))
    np.testing.assert_allclose(t.grad.data, 2 * tw @ w.data.T + 2 * np.exp(2 * t.data))


def test_numpy_habit_mygrad_sum_of_square():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    np.sum(x * x).backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, -4.0, 6.0])


def test_micrograd_habit_update_data_in_place():
    def update(p, lr):
        p.data -= lr * p.grad
        return p
    p, ident, array = quadratic_step(update)
    assert id(p) == ident and p.data is array
    np.testing.assert_allclose(p.data, [0.8, 1.6])


def test_micrograd_habit_augmented_assignment_keeps_building_the_graph():
    a = Tensor(-4.0, requires_grad=True)
    b = Tensor(2.0, requires_grad=True)
    c = a + b
    c += c + 1
    c += 1 + c + (-a)
    c.backward()
    assert c.item() == pytest.approx(-1.0)  # c = 4(a + b) + 3 - a
    assert (a.grad.item(), b.grad.item()) == (3.0, 4.0)


def test_pytorch_habit_isub_under_no_grad_updates_the_parameter_itself():
    def update(p, lr):
        with ag.no_grad():
            p -= lr * p.grad
        return p
    p, ident, array = quadratic_step(update)
    assert id(p) == ident and p.data is array and p.requires_grad and p.is_leaf
    np.testing.assert_allclose(p.data, [0.8, 1.6])
    assert p._version == 1


@pytest.mark.parametrize("op, expected", [
    ("+=", [3.0, 4.0]), ("-=", [-1.0, 0.0]), ("*=", [2.0, 4.0]), ("/=", [0.5, 1.0]),
    ("**=", [1.0, 4.0])])
def test_in_place_operators_update_a_leaf_under_no_grad(op, expected):
    p = Tensor([1.0, 2.0], requires_grad=True)
    ident = id(p)
    with ag.no_grad():
        exec(f"p {op} Tensor([2.0, 2.0])", {"Tensor": Tensor}, scope := {"p": p})
    assert id(scope["p"]) == ident
    np.testing.assert_array_equal(p.data, expected)


def test_in_place_update_of_a_leaf_that_requires_grad_is_refused_while_recording():
    p = Tensor([1.0, 2.0], requires_grad=True)
    words = r"`p -= \.\.\.` on a leaf that requires grad.*no_grad\(\)"
    with pytest.raises(RuntimeError, match=words):
        p -= 1.0
    np.testing.assert_array_equal(p.data, [1.0, 2.0])


def test_in_place_update_makes_backward_refuse_the_stale_graph():
    p = Tensor([1.0, 2.0], requires_grad=True)
    loss = (p * p).sum()
    with ag.no_grad():
        p *= 2.0
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_update_of_a_computed_tensor_under_no_grad_is_refused():
    c = Tensor([1.0], requires_grad=True) * 2.0
    with ag.no_grad(), pytest.raises(RuntimeError, match="computed by Mul"):
        c += 1.0


def test_in_place_on_a_constant_with_a_tensor_that_requires_grad_records_out_of_place():
    total, w = ag.zeros(2), Tensor([1.0, 2.0], requires_grad=True)
    before = total
    total += w * w
    assert total is not before and np.array_equal(before.data, [0.0, 0.0])
    total.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 4.0])


def test_in_place_on_a_constant_keeps_the_object():
    t = ag.zeros(2)
    ident = id(t)
    t += 1.0
    assert id(t) == ident and np.array_equal(t.data, [1.0, 1.0]) and t._version == 1


def test_in_place_dtype_or_shape_mismatch_names_the_tensor():
    t = Tensor([1, 2])
    with pytest.raises(TypeError, match=r"t \+= y on a tensor of shape \(2,\) and dtype int64"):
        t += 0.5
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        t += np.ones((3, 2), dtype=int)


def test_format_of_a_one_element_tensor():
    loss = (Tensor([0.5, 0.25], requires_grad=True) ** 2).sum()
    assert f"{loss:.4f}" == "0.3125" and f"{Tensor([[3]]):d}" == "3"
    assert f"{loss}" == str(loss)


def test_format_spec_of_a_tensor_with_many_elements_is_refused():
    with pytest.raises(TypeError, match=r"'\.2f' needs a one-element tensor, got shape \(2,\)"):
        f"{Tensor([1.0, 2.0]):.2f}"


def test_tolist():
    assert Tensor([[1.0, 2.0]]).tolist() == [[1.0, 2.0]] and Tensor(3.0).tolist() == 3.0


def test_micrograds_data_assignment_stores_an_ndarray_and_updates_the_parameter():
    p = ag.Tensor([1.0, 2.0], requires_grad=True)
    (p * p).sum().backward()
    p.data = p.data - 0.1 * p.grad  # micrograd's manual update, with .grad a Tensor
    assert type(p.data) is np.ndarray
    np.testing.assert_allclose(p.data, [0.8, 1.6])


def test_assigning_data_bumps_the_version_so_a_stale_graph_refuses_backward():
    p = ag.Tensor([1.0, 2.0], requires_grad=True)
    loss = (p * p).sum()
    p.data = np.zeros(2)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_assigning_non_numeric_or_integer_data_to_a_parameter_is_refused():
    p = ag.Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="must be numeric"):
        p.data = np.array(["a"])
    with pytest.raises(TypeError, match="floating-point"):
        p.data = np.array([1])


def test_repr_after_backward_names_no_internal_class():
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.sum().backward()
    assert "_Freed" not in repr(y) and "graph released by backward" in repr(y)
