"""Pictures of a run: the loss graph's layout and names, the curves and the boundary as PNGs."""

import numpy as np
import pytest

import nn
from nn import plots
from nn.cli import resnet_loss


def spirals_resnet(depth=10):
    X, y = nn.data.spirals(n_samples=40, seed=0, dim=4)
    return nn.ResNet(4, depth, step=0.25, rng=0), X, y


def test_the_graph_is_the_same_each_time_it_is_built():
    model, X, y = spirals_resnet()
    first = plots.graph_of_loss(model, resnet_loss, X, y).source
    assert plots.graph_of_loss(model, resnet_loss, X, y).source == first


def test_the_graph_names_its_input_and_its_root_the_training_loss():
    model, X, y = spirals_resnet(depth=2)
    source = plots.graph_of_loss(model, resnet_loss, X, y).source
    assert "X: 40 training points" in source and "{the training loss|" in source


def test_a_deep_model_shows_its_first_and_last_layers_and_boxes_the_rest():
    model, X, y = spirals_resnet(depth=10)
    source = plots.graph_of_loss(model, resnet_loss, X, y).source
    assert "blocks.0.weight" in source and "head.weight" in source
    assert "blocks.5\\n1 ops, 2 parameters" in source and "blocks.5.weight" not in source


def test_a_small_model_is_drawn_in_full():
    model, X, y = spirals_resnet(depth=2)
    source = plots.graph_of_loss(model, resnet_loss, X, y).source
    assert "blocks.1.weight" in source and "ops, " not in source


def test_without_dot_draw_graph_writes_the_source_and_says_so(tmp_path, monkeypatch):
    model, X, y = spirals_resnet(depth=1)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(plots.GraphvizMissing, match="graph.gv"):
        plots.draw_graph(plots.graph_of_loss(model, resnet_loss, X, y), tmp_path / "graph.svg")
    assert "digraph" in (tmp_path / "graph.gv").read_text()


def test_plot_history_writes_a_png(tmp_path):
    history = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.9], "val_loss": [1.1, 0.6],
               "val_accuracy": [0.4, 0.8]}
    path = plots.plot_history(history, tmp_path / "h.png", sizes=(30, 10))
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_boundary_writes_a_png(tmp_path):
    model, X, y = spirals_resnet(depth=1)
    path = plots.plot_boundary(model, (X[:30], y[:30]), (X[30:], y[30:]), tmp_path / "b.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_the_graph_fits_one_screen_without_module_frames():
    model, X, y = spirals_resnet(depth=10)
    dot = plots.graph_of_loss(model, resnet_loss, X, y)
    assert "cluster" not in dot.source and dot.graph_attr["size"] == plots.GRAPH_SIZE


def test_the_input_is_a_named_leaf_with_its_gradient():
    model, X, y = spirals_resnet(depth=2)
    source = plots.graph_of_loss(model, resnet_loss, X, y).source
    assert "{X: 40 training points|(40, 4) float64|" in source and "\\|grad\\| " in source
