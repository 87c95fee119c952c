"""The command line: a short training run writes its files; bad input is one line, exit status 2."""

import json
import os

import pytest

from nn.cli import main


@pytest.fixture(scope="module")
def trained_resnet(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "resnet"
    code = main(["train", "resnet", "--epochs", "150", "--samples", "300", "--out", str(out),
                 "--no-progress"])
    assert code == 0
    return out


def test_train_resnet_writes_model_plots_and_graph(trained_resnet):
    names = set(os.listdir(trained_resnet))
    assert {"model.npz", "history.json", "training.png", "decision_boundary.png", "graph.svg"} <= names
    history = json.loads((trained_resnet / "history.json").read_text())
    assert len(history["loss"]) == 150 and history["loss"][-1] < history["loss"][0]


def test_train_prints_training_and_test_accuracy(tmp_path, capsys):
    assert main(["train", "mlp", "--epochs", "2", "--out", str(tmp_path), "--no-progress"]) == 0
    line = [s for s in capsys.readouterr().out.splitlines() if "accuracy" in s][0]
    train_acc = float(line.split("training accuracy ")[1].split("%")[0])
    assert train_acc > 80.0 and "test accuracy" in line


def test_evaluate_reloads_and_reports_the_same_accuracy(trained_resnet, capsys):
    assert main(["evaluate", str(trained_resnet / "model.npz")]) == 0
    out = capsys.readouterr().out
    meta = json.loads(json.dumps(__import__("nn").serialization.read_description(
        str(trained_resnet / "model.npz"))["metadata"]))
    assert f"test accuracy {meta['test_accuracy']:.2%}" in out


def test_graph_command_draws_a_model(tmp_path, capsys):
    path = tmp_path / "g.svg"
    assert main(["graph", "resnet", "--depth", "3", "--out", str(path)]) == 0
    assert "blocks.2" in path.read_text()


@pytest.mark.parametrize("argv, words", [
    (["train", "transformer"], "invalid choice: 'transformer'"),
    (["train", "mlp", "--lr", "fast"], "invalid float value: 'fast'"),
    (["train", "mlp", "--data", "mnist:/no/such/folder"], "/no/such/folder"),
    (["train", "mlp", "--data", "imagenet"], "unknown data 'imagenet'"),
    (["train", "resnet", "--data", "digits"], "two classes"),
    (["evaluate", "/no/model.npz"], "no saved model at '/no/model.npz'"),
    (["graph", "transformer"], "unknown model 'transformer'"),
])
def test_bad_input_is_one_line_and_status_2(argv, words, capsys):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors
        code = e.code
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and words in err
