"""The command line: a short training run writes its files; bad input is one line on stderr and exit
status 2, never a traceback; Ctrl-C saves what was trained; a missing Graphviz is a warning."""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys

import numpy as np
import pytest

import nn
from nn.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAVE_DOT and os.environ.get("CI") != "true",
    reason="Graphviz's `dot` is not installed (apt-get install graphviz); under CI=true this fails")


def run_cli(*argv, env=None, cwd=None):
    """`python -m nn ARGV` in a fresh process: (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "nn", *argv], capture_output=True, text=True,
                          cwd=cwd or ROOT, env={**os.environ, "PYTHONPATH": ROOT, **(env or {})})
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def trained_resnet(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "resnet"
    code = main(["train", "resnet", "--epochs", "150", "--samples", "300", "--batch-size", "0",
                 "--out", str(out), "--no-progress"])
    assert code == 0
    return out


def test_train_resnet_writes_model_history_and_plots(trained_resnet):
    names = set(os.listdir(trained_resnet))
    assert {"model.safetensors", "history.json", "training.png", "decision_boundary.png"} <= names
    history = json.loads((trained_resnet / "history.json").read_text())
    assert len(history["loss"]) == 150 and history["loss"][-1] < history["loss"][0]


@needs_dot
def test_train_resnet_renders_the_graph_as_svg_and_png(trained_resnet):
    svg = (trained_resnet / "graph.svg").read_text()
    assert "the training loss" in svg and "X: 225 training points" in svg
    assert (trained_resnet / "graph.png").read_bytes()[:4] == b"\x89PNG"


def test_train_prints_the_accuracy_after_training(tmp_path, capsys):
    assert main(["train", "mlp", "--epochs", "2", "--out", str(tmp_path), "--no-progress"]) == 0
    line = [s for s in capsys.readouterr().out.splitlines() if "accuracy" in s][0]
    train_acc = float(line.split("end of training: training accuracy ")[1].split("%")[0])
    assert train_acc > 80.0 and "test accuracy" in line


def test_evaluate_reloads_and_reports_the_same_accuracy(trained_resnet, capsys):
    path = str(trained_resnet / "model.safetensors")
    assert main(["evaluate", path]) == 0
    meta = nn.serialization.read_description(path)["metadata"]
    assert f"test accuracy {meta['test_accuracy']:.2%}" in capsys.readouterr().out


@needs_dot
def test_graph_command_draws_a_models_training_loss(tmp_path):
    path = tmp_path / "g.svg"
    assert main(["graph", "resnet", "--depth", "3", "--out", str(path)]) == 0
    assert "blocks.2" in path.read_text() and (tmp_path / "g.png").exists()


@needs_dot
def test_graph_collapse_boxes_every_layer_but_the_first_which_shows_the_input(tmp_path):
    path = tmp_path / "g.svg"
    assert main(["graph", "resnet", "--depth", "3", "--collapse", "--out", str(path)]) == 0
    svg = path.read_text()
    assert "X: 450 training points" in svg and "blocks.0.weight" in svg
    assert "blocks.2.weight" not in svg and "1 ops, 2 parameters" in svg


def test_help_shows_the_defaults():
    code, out, _ = run_cli("train", "--help", env={"COLUMNS": "200"})
    assert code == 0
    assert "default: 200 for resnet, 15 for mlp" in out and "seed 000" in out


def test_progress_is_a_line_per_tenth_of_the_run_when_not_on_a_terminal(tmp_path):
    code, _, err = run_cli("train", "mlp", "--epochs", "20", "--out", str(tmp_path))
    lines = [s for s in err.splitlines() if s.startswith("epoch ")]
    assert code == 0 and len(lines) == 10
    assert [f.split(" ")[0] for f in lines[-1].split("  ")[1:]] == ["CE", "test", "test", "run"]


def test_the_resnet_progress_shows_one_loss_and_names_the_accuracies(tmp_path):
    code, _, err = run_cli("train", "resnet", "--epochs", "10", "--out", str(tmp_path))
    legend, *lines = [s for s in err.splitlines() if s.startswith(("progress:", "epoch "))]
    assert code == 0 and legend.startswith("progress: J/N = seed 000's cost per point")
    assert lines[-1].startswith("epoch 10/10  J/N ") and "test J/N " in lines[-1]
    assert "test acc " in lines[-1] and "run acc " in lines[-1] and "loss" not in lines[-1]


# --- bad input: one line, exit status 2, no traceback ------------------------------------------

def bad_gzip(folder, content):
    folder.mkdir(exist_ok=True)
    for stem in nn.data.MNIST_FILES["train"]:
        (folder / (stem + ".gz")).write_bytes(content)
    return f"mnist:{folder}"


BAD = [
    ("model", lambda p: ["train", "rnn"], "invalid choice: 'rnn'"),
    ("lr_word", lambda p: ["train", "mlp", "--lr", "fast"], "invalid float value: 'fast'"),
    ("epochs_0", lambda p: ["train", "mlp", "--epochs", "0"], "--epochs must be from 1"),
    ("epochs_negative", lambda p: ["train", "mlp", "--epochs", "-5"], "got -5"),
    ("lr_nan", lambda p: ["train", "mlp", "--lr", "nan"], "--lr must be at least"),
    ("width_0", lambda p: ["train", "resnet", "--width", "0"], "--width must be from 1"),
    ("no_folder", lambda p: ["train", "mlp", "--data", "mnist:/no/such/folder"],
     "'/no/such/folder' does not exist"),
    ("empty_folder", lambda p: ["train", "mlp", "--data", f"mnist:{p}"], "missing train-images"),
    ("corrupt_gz", lambda p: ["train", "mlp", "--data", bad_gzip(p / "m", b"not gzip")],
     "train-images-idx3-ubyte.gz is not a readable gzip file"),
    ("truncated_gz", lambda p: ["train", "mlp", "--data", bad_gzip(
        p / "m", gzip.compress(bytes(range(256)) * 40)[:-20])], "idx3-ubyte.gz is not a readable"),
    ("unknown_data", lambda p: ["train", "mlp", "--data", "imagenet"], "unknown data 'imagenet'"),
    ("resnet_digits", lambda p: ["train", "resnet", "--data", "digits"], "two classes"),
    ("no_model", lambda p: ["evaluate", "/no/model.safetensors"], "no saved model at"),
    ("text_model", lambda p: ["evaluate", os.path.join(ROOT, "README.md")],
     "README.md is not a saved model"),
    ("unknown_graph", lambda p: ["graph", "transformer"], "unknown model 'transformer'"),
]


@pytest.mark.parametrize("argv, words", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_is_one_line_and_status_2(tmp_path, argv, words):
    code, _, err = run_cli(*argv(tmp_path), cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and words in err


def test_evaluate_of_a_hostile_file_is_one_line(tmp_path):
    np.savez(tmp_path / "evil.npz", __architecture__=np.array('{"format": "autograd-core-nn", '
             '"version": 1, "class": "MLP", "config": {"sizes": [3, 10000000, 10000000, 2]}, '
             '"parameters": {}}'))
    code, _, err = run_cli("evaluate", str(tmp_path / "evil.npz"))
    assert code == 2 and "Traceback" not in err and "do not fit the architecture MLP" in err


def test_a_nan_loss_is_one_line_without_numpy_warnings(tmp_path):
    code, _, err = run_cli("train", "mlp", "--optimizer", "sgd", "--lr", "1e300", "--epochs", "2",
                           "--out", str(tmp_path), "--no-progress")
    assert code == 2 and "the loss is nan" in err
    assert "RuntimeWarning" not in err and len(err.strip().splitlines()) == 1


def test_training_no_better_than_chance_says_so(tmp_path):
    code, _, err = run_cli("train", "mlp", "--lr", "1e6", "--epochs", "2", "--out", str(tmp_path),
                           "--no-progress")
    assert code == 0 and "no better than chance" in err and "RuntimeWarning" not in err


def test_without_dot_train_warns_writes_the_source_and_succeeds(tmp_path):
    code, _, err = run_cli("train", "resnet", "--epochs", "3", "--out", str(tmp_path / "r"),
                           "--no-progress", env={"PATH": str(tmp_path)})
    assert code == 0 and "warning: Graphviz's `dot` was not found" in err
    assert (tmp_path / "r" / "graph.gv").exists() and (tmp_path / "r" / "model.safetensors").exists()


def test_ctrl_c_saves_the_model_trained_so_far_and_exits_130(tmp_path):
    out = tmp_path / "r"
    # 400 epochs (~15 s): without a terminal a progress line comes every 40, the first after ~1 s
    proc = subprocess.Popen([sys.executable, "-m", "nn", "train", "resnet", "--epochs", "400",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": ROOT})
    while not proc.stderr.readline().startswith("epoch "):  # training has started
        assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130 and "Traceback" not in err
    assert [s for s in err.splitlines() if s.startswith("interrupted")]
    history = json.loads((out / "history.json").read_text())
    assert 0 < len(history["loss"]) < 400
    assert nn.load(out / "model.safetensors").depth == 10


def test_the_graph_of_a_cnn_boxes_its_conv_blocks():
    from nn.cli import _graph_boxes
    assert _graph_boxes(nn.CNN(8, [4, 8], 16, 10, rng=0)) == ["blocks.0", "blocks.1"]
    assert _graph_boxes(nn.MLP([4, 8, 2], rng=0)) is None
