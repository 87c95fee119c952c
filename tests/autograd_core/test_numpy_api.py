"""NumPy on Tensors: each ufunc or array function records, refuses by name, or (without
recording) answers as NumPy does; out= and in-place targets follow the in-place rules."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.numpy_api import FUNCTIONS, UFUNCS


def leaf(shape=(2, 3), low=0.5, high=2.0, seed=0):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return Tensor(data, requires_grad=True)


def grads(f, *xs):
    """The engine's gradients of sum(f(*xs) * a fixed random weight) with respect to each x."""
    out = f(*xs)
    w = np.random.default_rng(1).standard_normal(out.shape)
    return [g.data for g in ag.grad((out * w).sum(), list(xs))]


# --- ufuncs: the engine's op, values and gradients ---------------------------------------------
UNARY = [(np.exp, ag.exp), (np.log, ag.log), (np.sqrt, ag.sqrt), (np.tanh, ag.tanh),
         (np.abs, ag.abs), (np.absolute, ag.abs), (np.negative, ag.negative),
         (np.square, lambda x: x * x)] + [
    (getattr(np, name), getattr(ag.ops, name)) for name in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh",
        "arctanh", "log1p", "expm1", "log2", "log10", "exp2", "sign", "floor", "ceil", "trunc")]
BINARY = [(np.add, ag.add), (np.subtract, ag.subtract), (np.multiply, ag.multiply),
          (np.divide, ag.divide), (np.true_divide, ag.divide), (np.power, ag.power),
          (np.maximum, ag.maximum), (np.minimum, ag.minimum), (np.arctan2, ag.ops.arctan2),
          (np.logaddexp, ag.ops.logaddexp)]


def test_every_table_ufunc_is_tested():
    assert set(UFUNCS) <= {f for f, _ in UNARY + BINARY} | {np.matmul}


floats = st.lists(st.floats(0.1, 3.0), min_size=3, max_size=3)


@pytest.mark.parametrize("np_f, ag_f", UNARY, ids=lambda f: getattr(f, "__name__", ""))
@given(values=floats)
@settings(max_examples=10, deadline=None)
def test_unary_ufunc_records_the_engine_op(np_f, ag_f, values):
    x = Tensor(values, requires_grad=True)
    y = np_f(x)
    assert isinstance(y, Tensor) and y.requires_grad
    np.testing.assert_allclose(y.data, np_f(np.asarray(values)), rtol=1e-15)
    np.testing.assert_allclose(grads(np_f, x)[0], grads(ag_f, x)[0], rtol=1e-15)


@pytest.mark.parametrize("np_f, ag_f", BINARY, ids=lambda f: getattr(f, "__name__", ""))
@given(a=floats, b=floats)
@settings(max_examples=10, deadline=None)
def test_binary_ufunc_records_the_engine_op(np_f, ag_f, a, b):
    x, y = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = np_f(x, y)
    assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, np_f(np.asarray(a), np.asarray(b)), rtol=1e-15)
    for g, h in zip(grads(np_f, x, y), grads(ag_f, x, y)):
        np.testing.assert_allclose(g, h, rtol=1e-15)


def test_ufuncs_with_arrays_and_numbers_record_the_tensor_side():
    x = leaf((3,))
    for out in (np.multiply(np.ones(3), x), np.ones(3) * x, np.maximum(x, 0), np.power(x, 2),
                np.float64(2.0) * x, np.ones(3) - x):
        assert isinstance(out, Tensor) and out.requires_grad
    np.testing.assert_allclose(grads(lambda x: np.ones(3) - x, x)[0], -grads(lambda x: x, x)[0])


def test_matmul_ufunc_and_operator_from_an_array():
    x, w = leaf((4, 3)), leaf((3, 2), seed=1)
    for f in (lambda x, w: np.matmul(x, w), lambda x, w: x.data @ w):
        out = f(x, w)
        assert isinstance(out, Tensor) and out.requires_grad
        np.testing.assert_allclose(out.data, x.data @ w.data)
    ag.gradcheck(lambda x, w: np.matmul(x, w), [x, w])


def test_comparison_ufuncs_give_boolean_arrays_like_the_operators():
    x = leaf((3,))
    for np_f, op in ((np.less, x.__lt__), (np.greater_equal, x.__ge__), (np.equal, x.__eq__),
                     (np.not_equal, x.__ne__)):
        out = np_f(x, 1.0)
        assert type(out) is np.ndarray and out.dtype == bool
        np.testing.assert_array_equal(out, op(1.0))
    assert type(np.ones(3) < x) is np.ndarray


# --- array functions: the engine's op, values and gradients ------------------------------------
CASES = {
    "sum": lambda x: np.sum(x), "sum_axis": lambda x: np.sum(x, axis=0, keepdims=True),
    "sum_dtype": lambda x: np.sum(x, axis=1, dtype=np.float32),
    "mean": lambda x: np.mean(x, axis=1), "var": lambda x: np.var(x, axis=0),
    "var_ddof": lambda x: np.var(x, ddof=1), "std": lambda x: np.std(x, axis=1, ddof=1),
    "max": lambda x: np.max(x, axis=1), "amax": lambda x: np.amax(x),
    "min": lambda x: np.min(x, axis=0, keepdims=True), "amin": lambda x: np.amin(x, axis=1),
    "reshape": lambda x: np.reshape(x, (3, 2)), "ravel": lambda x: np.ravel(x),
    "transpose": lambda x: np.transpose(x), "transpose_axes": lambda x: np.transpose(x, (1, 0)),
    "swapaxes": lambda x: np.swapaxes(x, 0, 1), "squeeze": lambda x: np.squeeze(x[None]),
    "expand_dims": lambda x: np.expand_dims(x, 1),
    "broadcast_to": lambda x: np.broadcast_to(x, (4, 2, 3)),
    "concatenate": lambda x: np.concatenate([x, 2 * x], axis=1),
    "concatenate_none": lambda x: np.concatenate([x, x], axis=None),
    "stack": lambda x: np.stack([x, x * x], axis=-1),
    "where": lambda x: np.where(np.asarray(x) > 1, x, -x), "clip": lambda x: np.clip(x, 0.8, 1.5),
    "clip_names": lambda x: np.clip(x, min=0.8), "einsum": lambda x: np.einsum("ij,kj->ik", x, x),
    "dot_matrix": lambda x: np.dot(x, x.T), "dot_vector": lambda x: np.dot(x, x[0]),
    "dot_1d": lambda x: np.dot(x[0], x[1]), "dot_scalar": lambda x: np.dot(x, 2.0),
}


def numpy_answer(name, x):
    """The same NumPy call on plain arrays (x.T and x[0] are ndarray operations there too)."""
    return CASES[name](x)


@pytest.mark.parametrize("name", CASES)
def test_array_function_records_numpy_values_and_exact_gradients(name):
    x = leaf()
    out = CASES[name](x)
    assert isinstance(out, Tensor) and out.requires_grad, name
    rtol = 1e-6 if "dtype" in name else 1e-14
    np.testing.assert_allclose(out.data, numpy_answer(name, x.data), rtol=rtol)
    if "dtype" not in name:
        ag.gradcheck(CASES[name], [x])


def test_every_recording_table_function_is_tested():
    tested = {"sum", "mean", "var", "std", "max", "amax", "min", "amin", "reshape", "ravel",
              "transpose", "swapaxes", "squeeze", "expand_dims", "broadcast_to", "concatenate",
              "stack", "where", "clip", "einsum", "dot"}
    shape_only = {"shape", "ndim", "size", "zeros_like", "ones_like", "empty_like", "full_like"}
    assert {f.__name__ for f in FUNCTIONS} == tested | shape_only


def test_array_functions_match_their_engine_functions():
    x = leaf()
    pairs = [(np.sum(x, axis=1), ag.sum(x, axis=1)), (np.mean(x), ag.mean(x)),
             (np.concatenate([x, x]), ag.concatenate([x, x])),
             (np.einsum("ij->j", x), ag.einsum("ij->j", x)),
             (np.dot(x, x.T), x @ x.T), (np.clip(x, 1, 2), ag.clip(x, 1, 2))]
    for a, b in pairs:
        assert type(a.op.function) is type(b.op.function)
        np.testing.assert_array_equal(a.data, b.data)


def test_clip_bounds_that_require_grad_get_gradients():
    x = Tensor([2.0, 2.0, 2.0], requires_grad=True)
    lo = Tensor([1.0, 0.0, 3.0], requires_grad=True)
    gx, glo = ag.grad(np.clip(x, lo, None).sum(), [x, lo])
    np.testing.assert_array_equal(gx.data + glo.data, np.ones(3))
    np.testing.assert_array_equal(glo.data, [0.0, 0.0, 1.0])  # the bound wins where it is above x


def test_where_without_values_gives_indices():
    x = leaf((3,))
    np.testing.assert_array_equal(np.where(x > 1)[0], np.where(x.data > 1)[0])


def test_shape_only_functions_answer_on_a_tensor_that_requires_grad():
    x = leaf()
    assert (np.shape(x), np.ndim(x), np.size(x)) == ((2, 3), 2, 6)
    assert type(np.zeros_like(x)) is np.ndarray and np.zeros_like(x).shape == (2, 3)
    np.testing.assert_array_equal(np.full_like(x, 7.0), np.full((2, 3), 7.0))
    assert np.result_type(x) == np.float64 and not np.iscomplexobj(x)


def test_asarray_gives_the_array_without_graph():
    x = leaf()
    assert np.asarray(x) is x.data
    assert np.array(x) is not x.data and np.array_equal(np.array(x), x.data)


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize("call, words", [
    (lambda x: np.cbrt(x), r"np\.cbrt got a Tensor that requires grad.*no_grad"),
    (lambda x: np.prod(x), r"np\.prod got a Tensor"),
    (lambda x: np.linalg.norm(x), r"np\.linalg\.norm.*Use ag\.sqrt\(ag\.sum\(x \* x\)\)"),
    (lambda x: np.add.reduce(x), r"np\.add\.reduce.*ag\.sum"),
    (lambda x: np.exp(x, dtype=np.float32), r"np\.exp got a Tensor"),
    (lambda x: np.full_like(x, x[0, 0]), r"np\.full_like got a Tensor"),
    (lambda x: np.outer(x, x), r"ag\.einsum\('i,j->ij', a, b\)"),
])
def test_functions_without_an_op_refuse_by_name(call, words):
    with pytest.raises(TypeError, match=words):
        call(leaf())


@pytest.mark.parametrize("call, words", [
    (lambda x: np.sum(x, where=x.data > 1), r"np\.sum on a Tensor does not support.*where"),
    (lambda x: np.max(x, initial=0.0), r"np\.max .*initial"),
    (lambda x: np.reshape(x, (3, 2), order="F"), r"np\.reshape .*order"),
    (lambda x: np.concatenate([x, x], dtype=np.float32), r"np\.concatenate .*dtype"),
    (lambda x: np.einsum(x, [0, 1]), r"np\.einsum on Tensors takes a subscripts string"),
    (lambda x: np.dot(x, np.ones((2, 3, 4))), r"np\.dot of a 2-D and a 3-D array.*ag\.einsum"),
])
def test_unsupported_arguments_are_refused_not_dropped(call, words):
    with pytest.raises(TypeError, match=words):
        call(leaf())


def test_without_recording_other_functions_answer_as_numpy():
    x = leaf()
    with ag.no_grad():
        out = np.cbrt(x)
    assert type(out) is np.ndarray and np.array_equal(out, np.cbrt(x.data))
    plain = Tensor(x.data)  # requires no grad
    assert np.array_equal(np.prod(plain, axis=0), np.prod(x.data, axis=0))


def test_answers_without_float_values_are_returned_while_recording():
    x = leaf()
    assert np.argmax(x) == np.argmax(x.data)
    assert np.allclose(x, x.data) and np.isfinite(x).all()
    np.testing.assert_array_equal(np.argsort(x, axis=1), np.argsort(x.data, axis=1))


# --- out= and in-place targets ------------------------------------------------------------------
def test_out_array_is_plain_numpy_on_the_data():
    x, buf = leaf(), np.empty((2, 3))
    assert np.add(x, 1.0, out=buf) is buf and np.array_equal(buf, x.data + 1)
    assert np.sum(x, axis=0, out=np.empty(3)).shape == (3,)


def test_out_tensor_is_updated_in_place_under_no_grad():
    x = leaf()
    before = x.data.copy()
    with ag.no_grad():
        assert np.multiply(x, 2.0, out=x) is x
    np.testing.assert_array_equal(x.data, 2 * before)
    assert x._version == 1


def test_out_tensor_that_requires_grad_is_refused_while_recording():
    x = leaf()
    with pytest.raises(RuntimeError, match="no_grad"):
        np.multiply(x, 2.0, out=x)


def test_in_place_numpy_functions_follow_the_in_place_rules():
    x = leaf((3,))
    with pytest.raises(RuntimeError, match="no_grad"):
        np.copyto(x, np.zeros(3))
    with ag.no_grad():
        np.copyto(x, np.zeros(3))
        np.add.at(x, [0, 0], 1.0)
    np.testing.assert_array_equal(x.data, [2.0, 0.0, 0.0])
    assert x._version == 2


# --- the generated sweep over NumPy's namespace ---------------------------------------------------
def _public(module, prefix):
    for name in sorted(dir(module)):
        f = getattr(module, name)
        dispatched = isinstance(f, np.ufunc) or type(f).__name__ == "_ArrayFunctionDispatcher"
        if not name.startswith("_") and dispatched:
            yield f"{prefix}.{name}", f


SWEEP = dict([*_public(np, "np"), *_public(np.linalg, "np.linalg"), *_public(np.fft, "np.fft")])
SHAPE_ONLY = {np.zeros_like, np.ones_like, np.empty_like, np.full_like}


def _floats(x):
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "fcO"
    if isinstance(x, (float, complex)):
        return True
    return isinstance(x, (list, tuple)) and any(_floats(v) for v in x)


def _same(a, b):
    if isinstance(a, Tensor):
        a = a.data
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return a.dtype.kind == "O" or np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return a == b or a != a and b != b or repr(a) == repr(b)


def _call(f, args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return f(*args), None
        except Exception as e:  # noqa: BLE001 (the sweep compares any failure with NumPy's)
            return None, e


def test_sweep_covers_the_namespace():
    assert len(SWEEP) > 300 and np.sum in SWEEP.values() and np.exp in SWEEP.values()


@pytest.mark.parametrize("name", SWEEP)
@pytest.mark.parametrize("nargs", [1, 2])
def test_sweep_records_refuses_or_answers_as_numpy(name, nargs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # in case a function writes a file
    f, data = SWEEP[name], np.array([[0.5, 1.5], [2.5, 0.25]])
    x = Tensor(data.copy(), requires_grad=True)
    out, err = _call(f, (x,) * nargs)
    if err is not None:  # loud: our refusal, the in-place rules (out=x), or NumPy's own error
        own = f"{name.rsplit('.', 1)[0]}.{f.__name__} got a Tensor"
        assert (isinstance(err, TypeError) and own in str(err)
                or isinstance(err, RuntimeError) and "no_grad" in str(err)
                or type(_call(f, (data.copy(),) * nargs)[1]) is type(err)
                or f in FUNCTIONS or f in UFUNCS), (name, err)
    elif isinstance(out, Tensor):
        assert out.requires_grad, name
    else:  # never floats cut from the graph (shape-only functions give no values of x)
        assert f in SHAPE_ONLY or not _floats(out), name
    with ag.no_grad():
        got, got_err = _call(f, (Tensor(data.copy()),) * nargs)
    want, want_err = _call(f, (data.copy(),) * nargs)
    if f in FUNCTIONS or f in UFUNCS:
        assert (got_err is not None or want_err is not None or _same(got, want)
                or f is np.empty_like), name
    elif want_err is not None:
        assert type(got_err) is type(want_err), (name, got_err, want_err)
    elif f is not np.empty_like:
        assert got_err is None and _same(got, want), (name, got, want)


def test_numpys_trigonometric_ufuncs_record_the_engines_ops():
    t = ag.Tensor(np.array([0.3, 1.2]), requires_grad=True)
    (np.sin(t) * np.log1p(t)).sum().backward()
    expected = np.cos(t.data) * np.log1p(t.data) + np.sin(t.data) / (1 + t.data)
    np.testing.assert_allclose(t.grad.data, expected, rtol=1e-12)
