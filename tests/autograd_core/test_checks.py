"""The gradient checkers: gradcheck's messages and diagnoses, check_graph's localisation of a wrong
op inside a model, and compare_grads' table. Messages are asserted on, not only the failures."""

import importlib
import os
import pathlib
import re

import numpy as np
import pytest

import autograd_core as ag
from autograd_core.checks import GraphReport, numerical_jacobian

checks = importlib.import_module("autograd_core.checks")  # the package: ag.gradcheck is the function
gradcheck_module = importlib.import_module("autograd_core.checks.gradcheck")


# --- custom ops with the wrong vjps users really write ---------------------------------------

class NegExp(ag.Function):
    """exp(-x), whose vjp forgets the minus sign."""
    def forward(self, x): return np.exp(-x)
    def vjp(self, g, out, x): return (g * out,)  # wrong: d/dx exp(-x) = -exp(-x)


class SquareMap(ag.Function):
    """x @ w for a square w, whose vjp gives w the transposed gradient."""
    def forward(self, x, w): return x @ w
    def vjp(self, g, out, x, w): return g @ w.T, g.T @ x  # wrong: x.T @ g


class ScaleColumns(ag.Function):
    """x * s with s of shape (n,) broadcast over the rows, whose vjp reduces s's gradient by a mean."""
    def forward(self, x, s): return x * s
    def vjp(self, g, out, x, s): return g * s, (g * x).mean(axis=0)  # wrong: broadcasting sums


class BadShape(ag.Function):
    """x * s whose vjp returns s's gradient with a shape that cannot be summed down to s."""
    def forward(self, x, s): return x * s
    def vjp(self, g, out, x, s): return g * s, (g * x).T


class CubeNumpyVjp(ag.Function):
    """x ** 3 whose vjp turns x into a plain array: right to first order, lost to create_graph."""
    def forward(self, x): return x ** 3
    def vjp(self, g, out, x): return (g * 3 * np.asarray(x) ** 2,)


WRONG = {  # op, the inputs it is checked at, and the phrase that names its mistake
    "sign": (NegExp, [(3, 2)], "opposite sign: a sign error"),
    "transpose": (SquareMap, [(2, 4), (4, 4)], "transpose of the right gradient"),
    "reduction": (ScaleColumns, [(5, 3), (3,)], "times 0.2 = 1/5: a constant factor"),
}


def error_text(excinfo):
    return str(excinfo.value)


# --- gradcheck ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", WRONG)
def test_gradcheck_names_each_wrong_vjp_and_its_mistake(kind, rng):
    op, shapes, phrase = WRONG[kind]
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda *xs: op()(*xs), [rng.standard_normal(s) for s in shapes])
    msg = error_text(e)
    assert f"(made by {op.__name__})" in msg
    assert "likely cause: a wrong gradient: the error stays near" in msg
    assert phrase in msg
    assert f"where: the first op whose vjp is wrong is op #0 {op.__name__}" in msg


def test_gradcheck_message_names_input_output_index_values_and_errors():
    x = ag.Tensor(np.array([[0.5, 1.0], [1.5, 2.0]]), name="z")
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: NegExp()(x), [x])
    first = error_text(e).splitlines()[0]
    m = re.fullmatch(
        r"gradient of output element \((\d), (\d)\) \(made by NegExp\) with respect to input 0 'z' "
        r"of shape \(2, 2\) at index \((\d), (\d)\): analytic (\S+), numeric (\S+), absolute error "
        r"(\S+), relative error (\S+) \(atol 1e-05, rtol 0.001\); 4 of 16 entries differ", first)
    assert m, first
    k, j = (int(m[1]), int(m[2])), (int(m[3]), int(m[4]))
    assert k == j == (0, 0)  # the largest gradient, exp(-0.5), is the worst entry
    analytic, numeric = float(m[5]), float(m[6])
    assert analytic == pytest.approx(np.exp(-0.5)) and numeric == pytest.approx(-np.exp(-0.5))
    assert float(m[7]) == pytest.approx(2 * np.exp(-0.5), rel=1e-2)
    assert float(m[8]) == pytest.approx(2, rel=1e-2)


def test_gradcheck_passes_a_right_function_and_returns_a_truthy_report(rng):
    report = ag.gradcheck(lambda x, w: ag.tanh(x @ w), [rng.standard_normal((3, 4)),
                                                        rng.standard_normal((4, 2))])
    assert isinstance(report, checks.Report) and report
    assert str(report) == "gradients match finite differences"


def test_every_checker_reports_failure_the_same_way(rng):
    x = rng.standard_normal(3)
    reports = [ag.gradcheck(lambda t: NegExp()(t), [x], raise_on_error=False),
               ag.gradgradcheck(lambda t: NegExp()(t), [x], raise_on_error=False),
               ag.check_graph(kept(lambda: NegExp()(ag.Tensor(x, requires_grad=True)).sum())),
               ag.compare_grads({"w": np.ones(2)}, {"w": -np.ones(2)})]
    for report in reports:
        assert isinstance(report, checks.Report) and not report
        with pytest.raises(AssertionError):
            report.raise_()


def test_gradcheck_perturbs_inputs_that_are_not_c_contiguous(rng):
    x = np.asfortranarray(rng.standard_normal((3, 4)))
    assert not x.flags.c_contiguous
    assert ag.gradcheck(lambda x: (x * x).sum(axis=0), [x])


def test_gradcheck_leaves_the_callers_arrays_unchanged(rng):
    x = rng.standard_normal(5)
    before = x.copy()
    ag.gradcheck(ag.tanh, [x])
    np.testing.assert_array_equal(x, before)


def test_fast_mode_checks_large_problems_along_random_directions(rng):
    x = rng.standard_normal(300)  # 300 outputs x 300 inputs: above FULL_JACOBIAN_LIMIT
    assert 300 * 300 > checks.FULL_JACOBIAN_LIMIT
    assert ag.gradcheck(lambda x: ag.tanh(x) * 2, [x])


def test_fast_mode_failure_is_located_element_by_element(rng):
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: NegExp()(x), [rng.standard_normal(300)])
    assert re.search(r"gradient of the output \(weighted by fixed random weights\) \(made by NegExp\) "
                     r"with respect to input 0 of shape \(300,\) at index \(\d+,\)", error_text(e))


def test_fast_mode_failure_on_a_huge_input_stays_a_direction(rng, monkeypatch):
    monkeypatch.setattr(gradcheck_module, "LOCATE_LIMIT", 100)
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: NegExp()(x), [rng.standard_normal(300)])
    assert "with respect to input 0 of shape (300,) along a fixed random direction" in error_text(e)
    assert "likely cause: a wrong gradient" in error_text(e)


def test_value_error_of_an_unsummable_vjp_names_the_op(rng):
    with pytest.raises(ValueError, match=r"BadShape.vjp: cannot sum a gradient of shape \(3, 2\) "
                                         r"down to shape \(3,\)"):
        ag.gradcheck(lambda x, s: BadShape()(x, s), [rng.standard_normal((2, 3)), rng.standard_normal(3)])


def test_order_must_be_one_or_two():
    with pytest.raises(ValueError, match="order must be 1 or 2, got 3"):
        ag.gradcheck(ag.tanh, [np.ones(2)], order=3)


def test_gradgradcheck_is_gradcheck_with_order_2(rng):
    x = rng.standard_normal(4)
    assert ag.gradgradcheck(lambda x: ag.tanh(x) ** 2, [x])
    assert ag.gradcheck(lambda x: ag.tanh(x) ** 2, [x], order=2)


def test_second_order_check_finds_a_vjp_that_leaves_the_graph(rng):
    x = rng.uniform(0.5, 1.5, 3)
    assert ag.gradcheck(lambda x: CubeNumpyVjp()(x), [x])  # first order is right
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: CubeNumpyVjp()(x), [x], order=2)
    msg = error_text(e)
    assert msg.startswith("second-order check")
    assert "likely cause: a wrong gradient" in msg and "the input's gradient is lost" in msg
    assert "dependence is lost outside the graph" in msg and "a vjp that computes with NumPy" in msg


def test_public_names_are_exported_at_top_level():
    for name in ("gradcheck", "gradgradcheck", "check_graph", "compare_grads", "assert_grads_close"):
        assert name in ag.__all__ and getattr(ag, name) is getattr(checks, name)


def test_numerical_jacobian_of_a_linear_map(rng):
    a = rng.standard_normal((3, 4))
    x = ag.Tensor(rng.standard_normal(4), requires_grad=True)
    np.testing.assert_allclose(numerical_jacobian(lambda x: a @ x, [x], 0, 1e-6), a, atol=1e-8)


# --- gradcheck: likely causes ------------------------------------------------------------------

def test_float32_input_is_checked_in_float64_and_the_user_is_told():
    with pytest.warns(UserWarning, match=r"gradcheck checks input 0 \(float32\) in float64"):
        assert ag.gradcheck(ag.tanh, [np.array([0.3, -0.7], dtype=np.float32)])


def test_float32_failure_is_rerun_in_float64_and_the_gap_shown():
    x = np.array([0.3, 0.7], dtype=np.float32)
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: ag.tanh(x) * 3, [x], dtype=None)
    cause = error_text(e).splitlines()[1]
    m = re.match(r"likely cause: float32 rounding: the same check in float64 passes\. At this entry "
                 r"the numeric derivative is (\S+) in float32 and (\S+) in float64 \(the engine's: "
                 r"(\S+)\), a gap of (\S+):", cause)
    assert m, cause
    n32, n64, engine, gap = (float(v) for v in m.groups())
    assert n64 == pytest.approx(engine, rel=1e-5)
    assert gap == pytest.approx(abs(n32 - n64), rel=1e-2) and gap > 1e-3


def test_float32_failure_that_float64_also_fails_gets_the_float64_diagnosis():
    x = np.array([0.3, 0.7], dtype=np.float32)
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: NegExp()(x), [x], dtype=None)
    assert "(it fails in float64 too, so float32 rounding is not the cause:)" in error_text(e)
    assert "a sign error" in error_text(e)


def test_float32_computation_inside_f_is_named():
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: ag.astype(ag.astype(x, np.float32) * 3, np.float64), [np.array([0.3, 0.7])])
    assert ("likely cause: f computes in float32 inside (Cast makes a float32 tensor of shape (2,))"
            in error_text(e))


def test_kink_is_named_with_its_one_sided_slopes():
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(ag.relu, [np.array([0.0, 1.0])])
    msg = error_text(e)
    assert "with respect to input 0 of shape (2,) at index (0,): analytic 0, numeric 0.5" in msg
    assert ("likely cause: a kink (relu or abs at 0, a tie in max, a clip bound): the one-sided "
            "differences disagree (left 0, right 1)") in msg
    assert "where:" not in msg  # a kink is not a wrong op


def test_step_too_large_for_the_curvature_is_named():
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: ag.exp(x * 10), [np.array([1.0])], eps=1e-2)
    assert re.search(r"likely cause: the step size: eps=0.01 is too large for the curvature here .*"
                     r"eps=1e-0[3-6] passes \(error by eps: ", error_text(e))


def test_step_too_small_for_rounding_is_named():
    with pytest.raises(AssertionError) as e:
        ag.gradcheck(lambda x: (x * x).sum() + 1e6, [np.array([1.0, 2.0])], eps=1e-9)
    assert re.search(r"likely cause: the step size: eps=1e-09 is too small: rounding error in f "
                     r"swamps the difference; eps=1e-0[4-8] passes", error_text(e))


# --- check_graph: the wrong op inside a model --------------------------------------------------

def kept(build):
    """The output of `build()`, recorded with every op keeping its inputs, as check_graph needs."""
    with ag.keep_values():
        return build()


def line_of(marker):
    lines = pathlib.Path(__file__).read_text().splitlines()
    return 1 + next(i for i, line in enumerate(lines) if line.rstrip().endswith(marker))


def buried_model(x, params, wrong_op):
    """A 7-layer tanh/relu network (56 ops) with `wrong_op` applied after the 4th layer's affine map."""
    h = x
    for k in range(7):
        h = h @ params["w"][k] + params["b"][k]
        if k == 3:
            args = (h,) if wrong_op is NegExp else (h, params[wrong_op.__name__])
            h = wrong_op()(*args)  # <- the wrong op
        h = ag.tanh(h) + 0.5 * ag.relu(ag.relu(h))  # relu(relu(.)) puts inputs exactly at the kink
    return ag.logsumexp(h, axis=-1).mean() + ag.maximum(h, 0.0).max()


def model_params(rng, width=6):
    def p(*shape):
        return ag.Tensor(rng.standard_normal(shape) * 0.5, requires_grad=True)
    return {"w": [p(width, width) for _ in range(7)], "b": [p(width) for _ in range(7)],
            "SquareMap": p(width, width), "ScaleColumns": p(width)}


@pytest.mark.parametrize("kind", WRONG)
def test_check_graph_names_the_wrong_op_and_its_line_inside_a_model(kind, rng):
    op = WRONG[kind][0]
    params = model_params(rng)
    with ag.record_sites(), ag.keep_values():
        loss = buried_model(ag.Tensor(rng.standard_normal((5, 6))), params, op)
    report = ag.check_graph(loss)
    assert len(report) >= 50
    assert [n.op for n in report if n.status == "wrong"] == [op.__name__]
    assert any(n.status == "kink" for n in report)  # the relu kinks are reported, not blamed
    node = report.first_wrong
    path, line = node.site.rsplit(":", 1)
    assert os.path.samefile(path, __file__) and int(line) == line_of("# <- the wrong op")
    extra = {NegExp: (), SquareMap: ((6, 6),), ScaleColumns: ((6,),)}[op]
    assert node.input_shapes == ((5, 6),) + extra
    text = str(report)
    assert f"first wrong op: op #{node.position} {op.__name__} (input shapes (5, 6)" in text
    assert f"created at {node.site}" in text
    assert WRONG[kind][2] in text


def test_check_graph_reports_the_first_wrong_op_in_evaluation_order(rng):
    x = ag.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    s = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    with ag.keep_values():
        loss = NegExp()(ag.tanh(ScaleColumns()(x, s))).sum()
    report = ag.check_graph(loss)
    assert [n.op for n in report] == ["ScaleColumns", "Tanh", "NegExp", "Sum"]
    assert [n.status for n in report] == ["wrong", "ok", "wrong", "ok"]
    assert report.first_wrong.op == "ScaleColumns" and not report


def test_check_graph_calls_kinks_and_ties_kinks_not_errors():
    x = ag.Tensor(np.array([-1.0, 0.0, 2.0, 2.0]), requires_grad=True)
    with ag.keep_values():
        loss = (ag.relu(x) + ag.clip(x, -1.0, 1.5) + ag.abs(x)).sum() + x.max() + ag.maximum(x, 2.0).sum()
    report = ag.check_graph(loss)
    assert report.ok and report.first_wrong is None
    statuses = {n.op: n.status for n in report}
    assert statuses["Relu"] == "kink" and statuses["Clip"] == "kink"
    assert statuses["Abs"] == statuses["Max"] == statuses["Maximum"] == "ok"  # 0 and ties match
    kink = next(n for n in report if n.op == "Relu")
    assert kink.detail == "1 entry sits on a kink (one-sided differences disagree); not counted as errors"


def test_check_graph_calls_a_mismatch_that_a_smaller_step_removes_unsure():
    x = ag.Tensor(np.array([3e-7, 1.0]), requires_grad=True)  # a kink closer than eps = 1e-6
    report = ag.check_graph(kept(lambda: ag.relu(x).sum()))
    relu = report.nodes[0]
    assert relu.status == "unsure" and report.ok
    m = re.match(r"vjp for input 0 \(shape \(2,\)\) at index \(0,\): analytic (\S+), numeric (\S+),",
                 relu.detail)
    assert float(m[2]) == pytest.approx(0.65 * float(m[1]))  # g * (1.3e-6 - 0) / 2e-6
    assert relu.cause.startswith("likely cause: the step size: eps=1e-06 is too large for the "
                                 "curvature here (or a kink lies within eps of the point)")


def test_check_graph_on_a_released_graph_says_to_retain_it(rng):
    x = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    with ag.keep_values():
        loss = ag.tanh(x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"a backward already released it: call check_graph "
                                           r"before backward, or use backward\(retain_graph=True\)"):
        ag.check_graph(loss)


def test_check_graph_after_a_retained_backward_leaves_the_graph_usable(rng):
    x = ag.Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    with ag.keep_values():
        loss = (ag.relu(x) * ag.exp(x)).sum()
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    assert ag.check_graph(loss).ok
    loss.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-15)


def test_check_graph_without_recorded_sites_says_how_to_record_them(rng):
    x = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    report = ag.check_graph(kept(lambda: NegExp()(x).sum()))
    assert report.first_wrong.site is None
    assert ("first wrong op: op #0 NegExp (input shapes (3,)) (line not recorded: build the graph "
            "inside `with ag.record_sites():`)") in str(report)


def test_check_graph_names_the_scope_of_the_wrong_op(rng):
    x = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    with ag.name_scope("encoder"), ag.name_scope("act"), ag.keep_values():
        y = NegExp()(x).sum()
    assert "NegExp (input shapes (3,)) in encoder.act" in ag.check_graph(y).first_wrong.headline()


def test_check_graph_raise_on_error_raises_with_the_report(rng):
    x = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    with pytest.raises(AssertionError) as e:
        ag.check_graph(kept(lambda: NegExp()(x).sum()), raise_on_error=True)
    lines = error_text(e).splitlines()
    assert lines[0] == "check_graph: 2 ops: 1 ok, 1 wrong, 0 on a kink, 0 unsure, 0 skipped"
    assert lines[1].startswith("first wrong op: op #0 NegExp")
    assert lines[2].startswith("  its vjp for input 0 (shape (3,)) at index")
    assert lines[3].startswith("  likely cause: a wrong gradient")
    assert re.match(r"#\s+op\s+input shapes\s+status\s+max abs err\s+created at", lines[4])


def test_check_graph_names_an_unsummable_vjp_shape(rng):
    x = ag.Tensor(rng.standard_normal((2, 3)), requires_grad=True)
    s = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    node = ag.check_graph(kept(lambda: BadShape()(x, s).sum())).first_wrong
    assert node.op == "BadShape"
    assert node.detail == ("vjp returned a gradient of shape (3, 2) for input 1 of shape (3,), "
                           "which cannot be summed down to it")


def test_check_graph_checks_large_inputs_along_a_random_direction(rng):
    x = ag.Tensor(rng.standard_normal((20, 20)), requires_grad=True)
    assert 400 > checks.NODE_ELEMENTWISE_LIMIT
    node = ag.check_graph(kept(lambda: NegExp()(ag.tanh(x)).sum())).first_wrong
    assert node.op == "NegExp"
    assert node.detail.startswith("vjp for input 0 (shape (20, 20)) along a random direction")


def test_check_graph_checks_a_float32_graph_in_float64(rng):
    x = ag.Tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
    report = ag.check_graph(kept(lambda: (ag.tanh(x) * x).sum()))
    assert report.ok and [n.status for n in report] == ["ok", "ok", "ok"]


def test_check_graph_skips_an_op_that_computes_in_float32(rng):
    x = ag.Tensor(rng.standard_normal(3), requires_grad=True)
    report = ag.check_graph(kept(lambda: ag.astype(x, np.float32).sum()))
    cast = next(n for n in report if n.op == "Cast")
    assert cast.status == "skipped" and cast.detail == "forward gives float32 for float64 inputs"


def test_check_graph_needs_a_recorded_graph():
    with pytest.raises(ValueError, match="the output is a leaf: no graph was recorded"):
        ag.check_graph(ag.Tensor([1.0, 2.0]))
    assert isinstance(ag.check_graph(kept(lambda: ag.Tensor([1.0], requires_grad=True) * 2)),
                      GraphReport)


def test_check_graph_without_kept_values_says_how_to_keep_them():
    y = ag.tanh(ag.Tensor([1.0, 2.0], requires_grad=True)).sum()
    with pytest.raises(RuntimeError, match=r"build the graph inside `with ag.keep_values\(\):`"):
        ag.check_graph(y)


def test_check_graph_leaves_ops_that_keep_state_untouched(rng):
    class Gate(ag.Function):
        """x where x > 0, with the mask kept on the op by forward."""
        def forward(self, x):
            self.mask = x > 0
            return x * self.mask
        def vjp(self, g, out, x): return (g * self.mask,)

    x = ag.Tensor(np.array([-1.0, 2.0]), requires_grad=True)
    op = Gate()
    with ag.keep_values():
        y = op(x).sum()
    mask = op.mask
    ag.check_graph(y)
    assert op.mask is mask


# --- compare_grads / assert_grads_close --------------------------------------------------------

def hand_and_engine_grads(rng):
    """A tiny least-squares model's gradients, by the engine and by hand (mean of squares)."""
    x, y = rng.standard_normal((4, 3)), rng.standard_normal(4)
    w = ag.Tensor(rng.standard_normal(3), requires_grad=True, name="w")
    b = ag.Tensor(0.3, requires_grad=True, name="b")
    residual = x @ w.data + b.data - y
    ((x @ w + b - y) ** 2).mean().backward()
    hand = {"w": 2 * x.T @ residual / 4, "b": 2 * residual.mean()}
    return {"w": w.grad, "b": b.grad}, hand, residual, x


def test_compare_grads_passes_and_tabulates_every_name(rng):
    engine, hand, _, _ = hand_and_engine_grads(rng)
    result = ag.compare_grads(engine, hand)
    assert result and result.ok
    lines = str(result).splitlines()
    assert lines[0] == "gradients match"
    assert re.match(r"name\s+shape\s+max abs err\s+max rel err\s+status$", lines[1])
    assert re.match(r"w\s+\(3,\)\s+\S+\s+\S+\s+ok$", lines[2])
    assert re.match(r"b\s+\(\)\s+\S+\s+\S+\s+ok$", lines[3])


def test_assert_grads_close_fails_with_the_table_and_names_a_factor(rng):
    engine, hand, residual, x = hand_and_engine_grads(rng)
    hand["w"] = x.T @ residual  # the derivative of a half sum, where the loss is a mean
    with pytest.raises(AssertionError) as e:
        ag.assert_grads_close(engine, hand)
    lines = error_text(e).splitlines()
    assert lines[0] == "gradients differ (atol 1e-08, rtol 1e-06):"
    assert lines[1] == "1 of 2 gradients differ"
    m = re.match(r"w\s+\(3,\)\s+(\S+)\s+(\S+)\s+wrong: it is the expected gradient times 0.5 = "
                 r"1/2: a constant factor", lines[3])
    assert m, lines[3]
    assert float(m[1]) == pytest.approx(np.abs(x.T @ residual / 2).max(), rel=1e-2)
    assert float(m[2]) == pytest.approx(0.5, rel=1e-2)
    assert re.match(r"b\s+\(\)\s+\S+\s+\S+\s+ok$", lines[4])


def test_compare_grads_names_a_sign_error_and_a_transpose(rng):
    a = rng.standard_normal((3, 3))
    result = ag.compare_grads({"neg": -a, "t": a.T}, {"neg": a, "t": a})
    rows = {r[0]: r[4] for r in result.rows}
    assert rows["neg"] == "wrong: it is the expected gradient with the opposite sign: a sign error"
    assert rows["t"] == "wrong: it is the transpose of the expected gradient"


def test_compare_grads_reports_missing_names_on_either_side_and_missing_gradients(rng):
    result = ag.compare_grads({"a": np.ones(2), "b": None}, {"b": np.ones(2), "c": np.ones(3)})
    rows = {r[0]: (r[1], r[4]) for r in result.rows}
    assert rows == {"a": ("(2,)", "missing in expected"), "b": ("-", "no gradient in actual"),
                    "c": ("(3,)", "missing in actual")}
    assert not result and "3 of 3 gradients differ" in str(result)


def test_compare_grads_reports_shape_mismatches(rng):
    a = rng.standard_normal((2, 3))
    result = ag.compare_grads({"w": a.T, "v": np.ones(3)}, {"w": a, "v": np.ones((3, 1))})
    rows = {r[0]: (r[1], r[4]) for r in result.rows}
    assert rows["w"] == ("(3, 2) vs (2, 3)", "shape differs: it is the transpose of the expected gradient")
    assert rows["v"] == ("(3,) vs (3, 1)", "shape differs")


def test_compare_grads_blames_float32_rounding_when_it_fits(rng):
    x, r = rng.standard_normal((2000, 3)), rng.standard_normal(2000)
    exact = x.T @ r  # a least-squares gradient over 2000 samples, and the same in float32
    in_float32 = x.astype(np.float32).T @ r.astype(np.float32)
    result = ag.compare_grads({"w": in_float32}, {"w": exact})
    assert result.rows[0][4] == "wrong: likely float32 rounding (compute in float64, or loosen rtol to ~1e-4)"
    assert ag.compare_grads({"w": in_float32}, {"w": exact}, rtol=1e-4)


def test_compare_grads_reads_a_modules_parameter_gradients(rng):
    class TinyModule:  # anything with named_parameters(), like nn.Module
        def __init__(self):
            self.w = ag.Tensor(rng.standard_normal(3), requires_grad=True)
            self.b = ag.Tensor(0.0, requires_grad=True)

        def named_parameters(self):
            return [("w", self.w), ("b", self.b)]

    m = TinyModule()
    x = rng.standard_normal(3)
    (m.w * x).sum().backward()
    result = ag.compare_grads(m, {"w": x, "b": 0.0})
    assert {r[0]: r[4] for r in result.rows} == {"w": "ok", "b": "no gradient in actual"}


def test_compare_grads_rejects_what_has_no_names():
    with pytest.raises(TypeError, match="actual must be a dict of name -> array, or have "
                                        "named_parameters\\(\\); got list"):
        ag.compare_grads([np.ones(2)], {"w": np.ones(2)})


def test_compare_grads_counts_nan_as_wrong():
    result = ag.compare_grads({"w": np.array([np.nan, 1.0])}, {"w": np.array([0.0, 1.0])})
    assert result.rows[0][4] == "wrong: NaN" and not result
