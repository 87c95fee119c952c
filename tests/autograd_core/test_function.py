"""Function: the op contract (forward on arrays, vjp in Tensor ops) and what apply records."""

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor


def test_custom_function_with_forward_and_vjp():
    class Cube(ag.Function):
        def forward(self, x):
            return x ** 3

        def vjp(self, g, out, x):
            return (g * 3 * x * x,)

    x = Tensor(2.0, requires_grad=True)
    Cube()(x).backward()
    assert x.grad.item() == 12.0


def test_vjp_returning_a_list_instead_of_tuple_is_named():
    class Bad(ag.Function):
        def forward(self, x):
            return x * 1.0

        def vjp(self, g, out, x):
            return [g]

    x = Tensor(2.0, requires_grad=True)
    with pytest.raises(TypeError, match="Bad.vjp must return a tuple"):
        Bad()(x).backward()


def test_vjp_returning_an_unreducible_shape_is_named():
    class Bad(ag.Function):
        def forward(self, x):
            return x * 1.0

        def vjp(self, g, out, x):
            return (np.ones(7),)

    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"Bad.vjp.*\(7,\).*\(3,\)"):
        Bad()(x).sum().backward()


def test_op_records_which_inputs_need_a_gradient():
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 4)), requires_grad=True)
    assert (x @ w).op.function.needs_input_grad == (False, True)
    assert (w.T @ w).op.function.needs_input_grad is None  # every input needs one


def test_matmul_skips_the_gradient_of_an_input_without_grad():
    x = Tensor(np.ones((2, 3)))
    w = Tensor(np.ones((3, 4)), requires_grad=True)
    y = x @ w
    gx, gw = y.op.function.vjp(np.ones((2, 4)), y.data, x.data, w.data)
    assert gx is None
    np.testing.assert_array_equal(gw, np.full((3, 4), 2.0))


# --- the graph node: what a recorded op keeps --------------------------------------------------

def test_a_recorded_op_is_the_outputs_node_with_edges_to_its_inputs():
    w = Tensor([1.0, 2.0], requires_grad=True)
    h = ag.exp(w)
    y = h * w
    assert y.op.inputs == (h.op, w) and h.op.inputs == (w,)  # a node, or the leaf itself
    assert (y.op.shape, y.op.dtype) == ((2,), np.float64) and 0 < h.op.order < y.op.order


@pytest.mark.parametrize("build, saved_inputs, saved_output", [
    (lambda x: x + 1.0, False, False),
    (lambda x: x * 2.0, True, False),
    (lambda x: ag.tanh(x), False, True),
    (lambda x: ag.sum(x, axis=0), False, False),
    (lambda x: x / 3.0, True, True),
])
def test_a_recorded_op_keeps_only_the_arrays_it_declares(build, saved_inputs, saved_output):
    node = build(Tensor(np.ones((2, 3)), requires_grad=True)).op
    assert (node.saved_inputs is not None, node.saved_output is not None) == (saved_inputs, saved_output)


def test_keep_values_makes_every_op_keep_its_inputs_and_output():
    with ag.keep_values():
        node = (Tensor(np.ones(3), requires_grad=True) + 1.0).op
    assert node.saved_inputs is not None and node.saved_output is not None


def test_backward_releases_the_saved_arrays_and_keeps_the_structure():
    x = Tensor(np.ones(3), requires_grad=True)
    y = ag.tanh(x * 2.0).sum()
    tanh = y.op.inputs[0]
    y.backward()
    assert tanh.released and tanh.saved_output is None and tanh.saved_inputs is None
    assert tanh.name == "Tanh" and tanh.shape == (3,) and y.op.inputs == (tanh,)


def test_a_vjp_that_reads_an_array_its_op_does_not_save_is_named():
    class Forgetful(ag.Function):
        saves = "output"
        def forward(self, x): return x ** 3
        def vjp(self, g, out, x): return (g * 3 * x * x,)

    y = Forgetful()(Tensor([1.0, 2.0], requires_grad=True)).sum()
    with pytest.raises(ag.NotSavedError, match=r"Forgetful.vjp used an array its op does not save "
                                               r"\(saves = 'output'\)"):
        y.backward()


def test_not_saved_refuses_numpy_too():
    from autograd_core.function import NOT_SAVED
    for use in (lambda: np.shape(NOT_SAVED), lambda: NOT_SAVED.shape, lambda: np.ones(2) * NOT_SAVED,
                lambda: np.exp(NOT_SAVED), lambda: NOT_SAVED[0]):
        with pytest.raises((ag.NotSavedError, TypeError)):
            use()


def test_saves_must_be_one_of_the_four_words():
    with pytest.raises(ValueError, match="saves must be 'inputs', 'output', 'both' or 'nothing'"):
        class Typo(ag.Function):  # noqa: F841
            saves = "input"


def test_a_recorded_op_instance_refuses_an_unrecorded_call_too(rng):
    # A second call under no_grad overwrote what the forward kept for the recorded vjp (the
    # activation ResidualAffine keeps): the gradient was silently computed from other inputs
    x, W, b = (Tensor(rng.standard_normal(s), requires_grad=True) for s in [(5, 3), (3, 3), (3,)])
    op = ag.ops.ResidualAffine(0.5, ag.ops.Tanh())
    y = op(x, W, b)
    with ag.no_grad(), pytest.raises(RuntimeError, match="an op instance runs once"):
        op(Tensor(rng.standard_normal((5, 3))), W, b)
    y.sum().backward()
    expected = ag.grad(ag.ops.ResidualAffine(0.5, ag.ops.Tanh())(x, W, b).sum(), [W])[0]
    np.testing.assert_allclose(W.grad.data, expected.data, rtol=1e-12)


def test_an_op_instance_records_once():
    op = ag.ops.Exp()
    x = Tensor(1.0, requires_grad=True)
    op(x)
    with pytest.raises(RuntimeError, match="an op instance runs once, create a new one"):
        op(x)


def test_apply_and_calling_the_instance_are_one_call():
    # the ops' functions use apply; a user's op is called either way: the same node, the same
    # gradients, and either refuses the instance's second run
    x = Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    by_apply, by_call = ag.ops.Mul().apply(x, x), ag.ops.Mul()(x, x)
    assert type(by_apply.op.function) is type(by_call.op.function) is ag.ops.Mul
    assert by_apply.op.inputs == by_call.op.inputs == (x, x)
    g_apply, = ag.grad(by_apply.sum(), [x])
    g_call, = ag.grad(by_call.sum(), [x])
    np.testing.assert_array_equal(g_apply.data, 2 * x.data)
    np.testing.assert_array_equal(g_call.data, 2 * x.data)
    with pytest.raises(RuntimeError, match="an op instance runs once"):
        by_apply.op.function(x, x)
    with pytest.raises(RuntimeError, match="an op instance runs once"):
        by_call.op.function.apply(x, x)


def test_a_vjp_of_three_inputs_is_called_with_all_three():
    # backward_step calls vjps of one and two inputs without unpacking; three take `*saved`
    class MulAdd(ag.Function):
        saves = "inputs"
        def forward(self, x, y, z): return x * y + z
        def vjp(self, g, out, x, y, z): return g * y, g * x, g

    x, y, z = (Tensor(np.array([v]), requires_grad=True) for v in (2.0, 3.0, 5.0))
    MulAdd().apply(x, y, z).sum().backward()
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (3.0, 2.0, 1.0)


@pytest.mark.parametrize("expr, op", [
    (lambda x: x - 2, "Sub"), (lambda x: 2 - x, "Sub"), (lambda x: x / 2, "Div"),
    (lambda x: 2 / x, "Div"), (lambda x: x + 2, "Add"), (lambda x: x * 2, "Mul"),
    (lambda x: x ** 2, "Pow"), (lambda x: 2 ** x, "Pow"),
])
def test_a_number_is_a_constant_input_of_the_same_op_either_side(expr, op):
    y = expr(Tensor([1.0, 3.0], requires_grad=True))
    assert y.op.name == op and len(y.op.inputs) == 2
    constant = next(e for e in y.op.inputs if isinstance(e, Tensor) and not e.requires_grad)
    assert constant.ndim == 0 and constant.dtype == np.float64


def test_a_constant_factor_gets_no_gradient_computed():
    x = Tensor([1.0, 3.0], requires_grad=True)
    y = x * 2.0
    assert y.op.function.needs_input_grad == (True, False)
    assert y.op.function.vjp(np.ones(2), None, x.data, np.asarray(2.0))[1] is None


def test_a_number_beside_a_0d_tensor_reaches_its_vjp_as_a_numpy_scalar_of_its_dtype():
    # (NumPy's scalar math on a 0-d gradient: ~10x faster than a 0-d array's ufunc)
    y = Tensor(np.float32(1.0), requires_grad=True) * 0.5
    value = y.op.saved_inputs[1]
    assert type(value) is np.float32 and value == 0.5


@pytest.mark.parametrize("number", [0.0, -0.0])
def test_signed_zeros_are_different_constants(number):
    x = Tensor([1.0, 2.0], requires_grad=True)
    x * 0.0, x * -0.0  # both cached: neither may stand in for the other (1 / y: -inf or inf)
    y = x * number
    np.testing.assert_array_equal(np.signbit(y.data), np.signbit(np.array([1.0, 2.0]) * number))


# --- review2 (a6ea47d, c44bece): NOT_SAVED now lives on every node; the shared-constant path ----

def test_a_non_leaf_tensor_can_be_deep_copied():
    # REGRESSION of a6ea47d: a node's `saved` tuple holds NOT_SAVED for what its op does not
    # save, and copy.deepcopy asked NOT_SAVED for __deepcopy__, which it refused (NotSavedError).
    # A model holding a computed tensor (deepcopy(model) for a snapshot) could not be copied.
    import copy

    x = Tensor(np.ones((3, 2)), requires_grad=True)
    y = copy.deepcopy(ag.tanh(x @ Tensor(np.ones((2, 2)))))  # MatMul saves inputs, Tanh output
    np.testing.assert_allclose(y.data, np.tanh(2.0))


def test_not_saved_stays_the_one_marker_through_pickle():
    # A pickled graph's NOT_SAVED must come back as NOT_SAVED itself: a copy would read as a
    # saved array (saved_output not None) and lose the NotSavedError that names the op.
    import pickle

    from autograd_core.function import NOT_SAVED

    assert pickle.loads(pickle.dumps(NOT_SAVED)) is NOT_SAVED
    y = pickle.loads(pickle.dumps(Tensor(np.ones(3), requires_grad=True) @ Tensor(np.ones(3))))
    assert y.op.saved_output is None


def test_a_detached_tensor_that_then_requires_grad_gets_its_gradient_as_a_second_operand():
    # PRE-EXISTING, silent (moved unchanged into _record by a6ea47d): the second operand of a
    # two-input op with version -1 was taken for a shared number constant (`x * 0.9`) and given
    # no gradient, but detach() also gives version -1. PyTorch: d.grad == w == [1, 2].
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    d = w.detach()
    d.requires_grad = True
    (w * d).sum().backward()
    assert d.grad is not None, "the detached leaf that requires grad got no gradient"
    np.testing.assert_array_equal(d.grad.data, [1.0, 2.0])


def test_every_call_of_a_stateless_op_records_its_one_shared_instance():
    x, y, z = (Tensor(np.arange(3.0) + k, requires_grad=True) for k in range(3))
    a, b = x * y, x * z
    assert a.op.function is b.op.function  # no op object made per call
    (a + b).sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data + z.data)
    np.testing.assert_array_equal(z.grad.data, x.data)


def test_a_constant_operand_selects_the_shared_instance_that_skips_its_gradient():
    x, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    assert (x * 0.5).op.function.needs_input_grad == (True, False)
    assert (x * Tensor([3.0, 4.0])).op.function.needs_input_grad == (True, False)
    assert (Tensor([3.0, 4.0]) * x).op.function.needs_input_grad == (False, True)
    assert (x * y).op.function.needs_input_grad is None
    assert (x * 0.5).op.function is not (x * y).op.function


def test_naming_the_output_of_a_shared_op_names_that_output_only():
    x = Tensor([1.0, 2.0], requires_grad=True)
    a, b = x.tanh(), x.tanh()
    a.name = "activation"
    assert a.op.output_name == "activation"
    assert b.op.output_name is None and x.tanh().op.output_name is None
    assert "activation" in ag.to_dot(a).source and "activation" not in ag.to_dot(b).source


def test_record_sites_gives_each_call_of_a_shared_op_its_own_site():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with ag.record_sites():
        a = x.exp()
        b = x.exp()
    plain = x.exp()
    assert a.op.site != b.op.site and a.op.site.startswith(__file__)
    assert plain.op.site is None
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(x.data))


def test_shared_refuses_an_op_that_keeps_state():
    from autograd_core.function import shared
    from autograd_core.ops.reduce import Sum
    with pytest.raises(TypeError, match="Sum is not stateless"):
        shared(Sum)


def test_a_number_beside_a_0d_tensor_gives_the_gradients_of_its_array_form():
    x = Tensor(0.7, requires_grad=True)
    y = Tensor(0.7, requires_grad=True)
    (((x * 0.9 + 0.1) * 1.5) - 0.25).tanh().backward()
    c = [Tensor(v) for v in (0.9, 0.1, 1.5, 0.25)]
    (((y * c[0] + c[1]) * c[2]) - c[3]).tanh().backward()
    assert x.grad.item() == y.grad.item()
    assert type(x.grad.data) is np.ndarray and x.grad.dtype == np.float64
