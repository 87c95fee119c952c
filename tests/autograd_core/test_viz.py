"""Graph pictures: files rendered by Graphviz's `dot`, checked for the labels they must show."""

import re
from pathlib import Path

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Tensor, draw, to_dot


def render(tmp_path, *outputs, **options):
    """The SVG text of the picture of `outputs`, rendered by `dot`."""
    return Path(draw(outputs, tmp_path / "graph.svg", **options)).read_text()


def svg_node(svg, text):
    """The <g class="node"> group of the one node whose texts include `text`."""
    groups = [g for g in re.findall(r'<g id="node\d+" class="node">.*?</g>', svg, re.DOTALL)
              if f">{text}<" in g]
    assert len(groups) == 1, f"{len(groups)} nodes show {text!r}"
    return groups[0]


def svg_cluster_labels(svg):
    groups = re.findall(r'<g id="clust\d+" class="cluster">.*?</g>', svg, re.DOTALL)
    return {re.search(r"<text[^>]*>([^<]*)</text>", g).group(1) for g in groups}


def resnet(steps=2, poison=None):
    """Seed-000 residual steps Y <- Y + h * sigmoid(W Y + b), named the way nn.Module names them.

    `poison` puts a NaN into the weight of that step.
    """
    rng = np.random.default_rng(0)
    y = Tensor(rng.standard_normal((3, 4)), name="Y0")
    with ag.name_scope("blocks"):
        for k in range(steps):
            with ag.name_scope(str(k)):
                w = Tensor(rng.standard_normal((3, 3)), requires_grad=True,
                           name=f"blocks.{k}.weight")
                if k == poison:
                    w.data[0, 0] = np.nan
                b = Tensor(np.zeros((3, 1)), requires_grad=True, name=f"blocks.{k}.bias")
                with np.errstate(invalid="ignore"):
                    y = y + 0.5 * ag.sigmoid(w @ y + b)
    loss = (y * y).sum()
    loss.name = "loss"
    return loss


def test_value_node_shows_name_shape_dtype_and_small_values(tmp_path):
    w = Tensor([[1.5, -2.0], [0.25, 3.0]], requires_grad=True, dtype=np.float32,
               name="blocks.0.weight")
    node = svg_node(render(tmp_path, (w * w).sum()), "blocks.0.weight")
    assert ">(2, 2) float32<" in node
    assert ">data [[1.5, &#45;2], [0.25, 3]]<" in node


def test_large_tensor_shows_min_mean_max(tmp_path):
    x = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="x")
    node = svg_node(render(tmp_path, x.sum()), "x")
    assert ">min 0 mean 5.5 max 11<" in node


def test_values_are_rounded_to_four_significant_digits(tmp_path):
    x = Tensor([3.14159265, 123456.0], requires_grad=True, name="x")
    assert ">data [3.142, 1.235e+05]<" in svg_node(render(tmp_path, x.sum()), "x")


def test_leaf_gradient_appears_after_backward_with_retain_graph(tmp_path):
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    assert ">grad [2, 4, 6]<" in svg_node(render(tmp_path, loss), "x")


def test_large_gradient_is_shown_as_its_norm(tmp_path):
    x = Tensor(np.ones(10), requires_grad=True, name="x")
    loss = (x * 3.0).sum()
    loss.backward(retain_graph=True)
    assert ">|grad| 9.487<" in svg_node(render(tmp_path, loss), "x")  # 3 * sqrt(10)


def test_grads_true_draws_intermediate_gradients_and_leaves_grad_alone(tmp_path):
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    h = x * x
    h.name = "h"
    loss = (h * 3.0).sum()
    svg = render(tmp_path, loss, grads=True)
    assert ">grad [3, 3]<" in svg_node(svg, "h")
    assert ">grad [6, 12]<" in svg_node(svg, "x")
    assert x.grad is None


def test_grads_true_needs_a_one_element_output():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"one-element outputs.*\(2,\)"):
        to_dot(x * 2.0, grads=True)


def test_a_graph_drawn_after_backward_shows_the_leaves_gradients_and_released_values(tmp_path):
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    h = ag.tanh(w * 3.0)
    h.name = "h"
    loss = (h * h).sum()
    loss.backward()
    svg = render(tmp_path, loss)
    assert ">data [1, 2]<" in svg_node(svg, "w") and ">grad [" in svg_node(svg, "w")
    assert ">data released (by backward)<" in svg_node(svg, "h")
    assert "Tanh" in svg and "Mul(·, 3)" in svg and "(2,) float64" in svg_node(svg, "h")


def test_a_scalar_graph_drawn_after_backward_shows_data_and_grad_of_each_leaf(tmp_path):
    a, b = Tensor(2.0, requires_grad=True, name="a"), Tensor(-3.0, requires_grad=True, name="b")
    loss = (a * b + a).tanh()
    loss.backward()
    svg = render(tmp_path, loss)
    assert ">data 2<" in svg_node(svg, "a") and f">grad {a.grad.item():.4g}<".replace("-", "&#45;") \
        in svg_node(svg, "a")
    assert svg.count("data released (by backward)") == 2  # a * b and a * b + a


def test_a_graph_drawn_before_backward_shows_the_values_its_ops_saved(tmp_path):
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    e = ag.exp(x)  # Exp saves its output
    e.name = "e"
    s = e + 1.0  # Add saves nothing, and Sum neither: the value of s is not kept
    s.name = "s"
    svg = render(tmp_path, s.sum())
    assert ">data [2.718, 7.389]<" in svg_node(svg, "e")
    assert ">data not kept<" in svg_node(svg, "s")


def test_grads_true_after_backward_says_to_retain_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True"):
        to_dot(loss, grads=True)


def test_nan_value_is_drawn_red(tmp_path):
    x = Tensor([1.0, np.nan], requires_grad=True, name="x")
    y = Tensor([1.0, 2.0], requires_grad=True, name="y")
    loss = (x * y).sum()
    svg = render(tmp_path, loss)
    assert 'stroke="red"' in svg_node(svg, "x") and 'fill="red"' in svg_node(svg, "x")
    assert "red" not in svg_node(svg, "y")
    x_line = next(line for line in to_dot(loss).source.splitlines() if "{x|" in line)
    assert "color=red" in x_line


def test_inf_gradient_is_drawn_red(tmp_path):
    x = Tensor([0.0, 1.0], requires_grad=True, name="x")
    loss = ag.sqrt(x).sum()
    with np.errstate(divide="ignore"):  # d sqrt(x)/dx at 0 is inf, on purpose
        loss.backward(retain_graph=True)
    node = svg_node(render(tmp_path, loss), "x")
    assert ">grad [inf, 0.5]<" in node and 'stroke="red"' in node


def test_scalar_graph_is_drawn_like_micrograd(tmp_path):
    a, b = Tensor(2.0, requires_grad=True, name="a"), Tensor(-3.0, requires_grad=True, name="b")
    c, f = Tensor(10.0, requires_grad=True, name="c"), Tensor(-2.0, requires_grad=True, name="f")
    loss = (a * b + c) * f
    loss.name = "L"
    assert "rankdir=LR" in to_dot(loss).source
    svg = render(tmp_path, loss, grads=True)
    assert ">data &#45;8<" in svg_node(svg, "L") and ">grad 1<" in svg_node(svg, "L")
    assert ">data 2<" in svg_node(svg, "a") and ">grad 6<" in svg_node(svg, "a")  # f * b
    assert ">data 4<" in svg_node(svg, "data 4")  # a*b + c, with its grad f
    assert ">grad &#45;2<" in svg_node(svg, "data 4")
    assert "float64" not in svg


def test_op_nodes_show_the_op_name_and_its_parameters(tmp_path):
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    svg = render(tmp_path, ag.tanh(x @ x.T).sum(axis=1).sum())
    for label in ("MatMul", "Tanh", "Transpose axes=(1, 0)", "Sum axes=(1,)", "Sum axes=(0,)"):
        svg_node(svg, label)


def test_fused_linear_node_names_its_activation(tmp_path):
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    w = Tensor(np.ones((4, 3)), requires_grad=True)
    svg_node(render(tmp_path, ag.linear(x, w, activation="tanh").sum()), "Affine activation=Tanh")


def test_number_constants_are_folded_into_the_op_label(tmp_path):
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    source = to_dot(((1.0 - x) * 0.5).sum()).source
    assert "Sub(1, ·)" in source and "Mul(·, 0.5)" in source and "needs_input_grad" not in source
    assert "data 0.5" not in source and "data 1}" not in source


def test_parameters_and_constant_tensors_look_different(tmp_path):
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    data = Tensor([3.0, 4.0], name="data")
    svg = render(tmp_path, (w * data).sum())
    assert 'fill="lightblue"' in svg_node(svg, "w")
    assert 'fill="#ededed"' in svg_node(svg, "data")  # gray93


def test_ops_are_grouped_in_a_cluster_per_module(tmp_path):
    loss = resnet(steps=2)
    assert svg_cluster_labels(render(tmp_path, loss)) == {"blocks", "blocks.0", "blocks.1"}
    source = to_dot(loss).source
    cluster = source[source.index('label="blocks.0"'):]
    assert "blocks.0.weight" in cluster[:cluster.index("}\n")]


def test_a_dotted_scope_draws_as_nested_clusters(tmp_path):
    x = Tensor([1.0], requires_grad=True)
    with ag.name_scope("blocks.0"):  # the same as name_scope("0") inside name_scope("blocks")
        y = ag.tanh(x)
    assert svg_cluster_labels(render(tmp_path, y.sum())) == {"blocks", "blocks.0"}


def test_collapse_named_module_draws_one_box_with_its_op_count(tmp_path):
    svg = render(tmp_path, resnet(steps=2), collapse=["blocks.1"])
    assert ">5 ops, 2 parameters<" in svg_node(svg, "blocks.1")
    assert "blocks.1.weight" not in svg
    svg_node(svg, "blocks.0.weight")


def test_collapse_true_boxes_every_top_level_module(tmp_path):
    svg = render(tmp_path, resnet(steps=2), collapse=True)
    assert ">10 ops, 4 parameters<" in svg_node(svg, "blocks")
    assert "blocks.0" not in svg


def test_collapse_of_an_unknown_module_raises_naming_the_modules():
    with pytest.raises(ValueError, match=r"'blocks\.7'.*blocks, blocks\.0, blocks\.1"):
        to_dot(resnet(steps=2), collapse=["blocks.7"])


def test_collapsed_module_holding_nan_is_red(tmp_path):
    svg = render(tmp_path, resnet(steps=2, poison=1), collapse=2)
    assert 'stroke="red"' in svg_node(svg, "blocks.1")
    assert 'stroke="red"' not in svg_node(svg, "blocks.0")


def test_node_budget_collapses_the_deepest_modules_and_says_so(tmp_path):
    svg = render(tmp_path, resnet(steps=3), max_nodes=20)
    assert "more than max_nodes=20" in svg and "at depth 2" in svg
    assert ">5 ops, 2 parameters<" in svg_node(svg, "blocks.2")
    assert svg_cluster_labels(svg) == {"blocks"}
    assert "hidden" not in svg


def test_ten_thousand_node_graph_renders_collapsed_and_truncated_with_a_note(tmp_path):
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for k in range(2500):  # 4 nodes a step, each a top-level module; far past the recursion limit
        with ag.name_scope(f"step{k}"):
            y = ag.tanh(y) * 1.01
    svg = render(tmp_path, y.sum(), max_nodes=300)
    note = svg_node(svg, "the modules at depth 1 are drawn as one box each (collapse=1).")
    assert "The graph has 10003 nodes, more than max_nodes=300:" in note
    assert re.search(r"Only \d+ of 10003 nodes are drawn: the \d+ farthest from the outputs", note)
    assert len(re.findall(r'class="node"', svg)) == 301  # the budget and the note
    svg_node(svg, "step2499")  # the step nearest the output is kept
    assert ">step0<" not in svg


def test_graph_without_modules_past_the_budget_is_truncated_nearest_the_output_first(tmp_path):
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for _ in range(50):
        y = ag.tanh(y)
    svg = render(tmp_path, y.sum(), max_nodes=10)
    assert "Only 10 of 103 nodes are drawn" in svg
    assert ">x<" not in svg
    assert 'stroke-dasharray' in svg  # the dashed edge from the note to where the cut is


def test_missing_dot_program_raises_with_install_hint_and_keeps_the_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    x = Tensor([1.0], requires_grad=True, name="x")
    with pytest.raises(RuntimeError, match=r"`dot` program was not found.*apt-get install"):
        draw(x.sum(), tmp_path / "graph.svg")
    assert "digraph" in (tmp_path / "graph.gv").read_text()
    assert not (tmp_path / "graph.svg").exists()


def test_dot_suffix_writes_the_source_without_the_dot_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    x = Tensor([1.0], requires_grad=True, name="x")
    path = draw(x.sum(), tmp_path / "graph.dot")
    assert "{x|(1,) float64|data [1]}" in Path(path).read_text()


def test_draw_renders_png_and_pdf(tmp_path):
    loss = resnet(steps=1)
    assert Path(draw(loss, tmp_path / "g.png")).read_bytes()[:4] == b"\x89PNG"
    assert Path(draw(loss, tmp_path / "g", format="pdf")).read_bytes()[:4] == b"%PDF"


def test_digraph_shows_itself_inline_in_jupyter():
    x = Tensor([1.0], requires_grad=True, name="x")
    bundle = to_dot(x.sum())._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"] and ">x<" in bundle["image/svg+xml"]


def test_a_data_leaf_drawn_after_backward_says_its_values_were_released(tmp_path):
    batch = Tensor(np.ones((4, 3)), name="X")
    w = Tensor(np.ones(3), requires_grad=True, name="w")
    loss = (batch * w).sum()
    loss.backward()
    svg = render(tmp_path, loss)
    assert ">data released (by backward)<" in svg_node(svg, "X") and ">(4, 3) float64<" in svg_node(svg, "X")
    assert ">grad [4, 4, 4]<" in svg_node(svg, "w")
