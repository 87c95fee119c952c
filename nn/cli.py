"""The command line: train a seed's model on real data, evaluate a saved one, draw a graph.

    python -m nn train resnet            # seed 000: residual network on generated spirals
    python -m nn train mlp               # seeds 001-004: an MLP, here on scikit-learn's 8x8 digits
    python -m nn train cnn               # a convolutional network on the same digits
    python -m nn evaluate runs/resnet/model.safetensors
    python -m nn graph resnet --out graph.svg

A "seed" is one of the five from-scratch tutorials this project rebuilds (see the README);
`--seed` is something else, the random seed. Each failure (bad argument, missing or damaged data,
a diverging run) is one line on stderr and exit status 2; Ctrl-C during training saves what was
trained so far and exits with status 130. Pictures are drawn by nn/plots.py.
"""

import argparse
import json
import math
import os
import sys
import warnings

import numpy as np

import autograd_core as ag
import nn
from nn import data as datasets
from nn import plots
from nn.progress import LOSS_SHOWN, Progress, StopOnInterrupt, progress_mode
from nn.train import accuracy, fit, predict

DEFAULTS = {  # per model: what the bare command trains (a few seconds each)
    "resnet": dict(data="spirals", samples=600, depth=10, width=4, step=0.25, optimizer="adam",
                   lr=0.05, epochs=200, batch_size=32, compile=True),
    "mlp": dict(data="digits", samples=0, depth=2, width=64, step=0.0, optimizer="adam",
                lr=0.01, epochs=15, batch_size=32, compile=True),
    "cnn": dict(data="digits", samples=0, depth=2, width=128, step=0.0, optimizer="adam",
                lr=0.003, epochs=28, batch_size=128, compile=False),  # nn.CNN; depth: conv blocks
    # (the CNN's dropout draws a new NumPy mask at each step, which ag.compile does not capture)
}

# option -> (type, smallest, largest, what it means): every numeric option is checked here
RANGES = {
    "samples": (int, 0, 10_000_000, "0: all of a loaded data set"),
    "depth": (int, 1, 1000, None),
    "width": (int, 1, 100_000, None),
    "step": (float, 0.0, 100.0, None),
    "lr": (float, 1e-12, math.inf, None),
    "epochs": (int, 1, 1_000_000, None),
    "batch_size": (int, 0, 10_000_000, "0: the whole training set"),
    "seed": (int, 0, 2**32 - 1, None),
}

# per model: the history key of the loss the progress shows, and its name there

EXIT_INTERRUPTED = 130  # what a shell reports for a program ended by Ctrl-C (128 + SIGINT)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + error
        raise SystemExit(_fail(f"{self.prog}: {message} (see --help)"))


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _warn(message: str):
    print(f"warning: {message}", file=sys.stderr)


def check_ranges(args):
    """Refuse any numeric option outside its range in RANGES (ValueError naming it)."""
    for key, (kind, low, high, _) in RANGES.items():
        value = getattr(args, key, None)
        if value is None:
            continue
        if not math.isfinite(value) or not low <= value <= high:
            bound = f"at least {low}" if high == math.inf else f"from {low} to {high}"
            raise ValueError(f"--{key.replace('_', '-')} must be {bound}, got {value}")


def load_data(spec: str, samples: int, seed: int, dim: int | None):
    """((X_train, y_train), (X_test, y_test)) for 'spirals', 'circles', 'digits' or 'mnist:FOLDER'.

    samples: points to generate (spirals, circles), or training points to keep (0: all).
    """
    if not isinstance(spec, str):
        raise ValueError(f"the data must be named by a string, got {spec!r:.40}")
    if spec in ("spirals", "circles"):
        make = datasets.spirals if spec == "spirals" else datasets.circles
        X, y = make(n_samples=samples or 600, seed=seed, dim=dim)
        return datasets.train_test_split(X, y, test_fraction=0.25, seed=seed)
    if spec == "digits":
        train, test = datasets.load_digits(seed=seed)
    elif spec.startswith("mnist:"):
        folder = spec[len("mnist:"):]
        train = datasets.load_mnist(folder, split="train")
        test = datasets.load_mnist(folder, split="test")
    else:
        raise ValueError(f"unknown data {spec!r:.60}: use spirals, circles, digits or mnist:FOLDER")
    if samples:
        train = (train[0][:samples], train[1][:samples])
    return train, test


def build_model(kind: str, args, n_features: int, n_classes: int):
    """The model, its loss and the metrics fit records (accuracy; for resnet also J per point)."""
    rng = np.random.default_rng(args.seed)
    if kind == "resnet":
        if n_classes != 2:
            raise ValueError(f"the residual network classifies two classes; the data has {n_classes}")
        model = nn.ResNet(max(args.width, n_features), args.depth, step=args.step, rng=rng)
        return model, resnet_loss, {"accuracy": accuracy, "point_loss": resnet_point_loss}
    if kind == "cnn":  # conv blocks of 32, 64, ... channels, then a hidden layer of `width`
        side = int(round(np.sqrt(n_features)))
        if side * side != n_features:
            raise ValueError(f"the CNN needs square one-channel images; {n_features} features are not")
        channels = [32 * 2 ** k for k in range(args.depth)]
        model = nn.CNN(side, channels, args.width, n_classes, dropout=0.25, rng=rng)
        return model, nn.cross_entropy, {"accuracy": accuracy}
    sizes = [n_features] + [args.width] * args.depth + [n_classes]
    model = nn.MLP(sizes, activation="relu", rng=rng)
    return model, nn.cross_entropy, {"accuracy": accuracy}


def resnet_loss(z, c):
    """Seed 000's cost J = 1/2 ||Z - c||^2, summed over the points."""
    return 0.5 * nn.mse_loss(z, c, reduction="sum")


def resnet_point_loss(z, c):
    """J divided by the number of points, so sets of different sizes compare."""
    return 0.5 * float(np.mean((np.asarray(z) - np.asarray(c)) ** 2))


def make_optimizer(name: str, params, lr: float):
    if name == "adam":
        return nn.optim.Adam(params, lr=lr)
    if name == "sgd":
        return nn.optim.SGD(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}: use adam or sgd")


def cmd_train(args) -> int:
    for key, value in DEFAULTS[args.model].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    check_ranges(args)
    dim = args.width if args.model == "resnet" else None
    train, test = load_data(args.data, args.samples, args.seed, dim)
    n_classes = int(max(train[1].max(), test[1].max())) + 1
    model, loss, metrics = build_model(args.model, args, train[0].shape[1], n_classes)
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr)
    batch = args.batch_size or len(train[0])
    print(f"training {model.__class__.__name__} on {args.data}: {len(train[0])} training and "
          f"{len(test[0])} test samples, {args.optimizer} lr={args.lr}, {args.epochs} epochs of "
          f"batches of {batch}", flush=True)
    report = Progress(args.epochs, progress_mode(args.progress), *LOSS_SHOWN[args.model])
    with StopOnInterrupt() as stop:
        try:
            history = fit(model, loss, optimizer, train, val_data=test, epochs=args.epochs,
                          batch_size=batch, seed=args.seed, progress=False, metrics=metrics,
                          on_epoch_end=report, should_stop=stop, compile=args.compile)
        finally:
            report.close()
    train_acc, test_acc = (accuracy(predict(model, X), y) for X, y in (train, test))
    print(f"end of training: training accuracy {train_acc:.2%}, test accuracy {test_acc:.2%} "
          "(the final model on each whole set)")
    _warn_if_diverged(history, test[1], test_acc)
    written = save_run(args, model, history, train_acc, test_acc)
    written += draw_run(args, model, loss, train, test, history)
    print("wrote " + ", ".join(written))
    if stop.requested:
        print(f"interrupted: stopped after {len(history['loss'])} of {args.epochs} epochs (the "
              f"last one cut short); saved the model trained so far in {args.out}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _warn_if_diverged(history, y_test, test_acc):
    """Say so when the loss grew a hundredfold or the test accuracy is no better than chance."""
    losses = history["loss"]
    if len(losses) > 1 and losses[-1] > 100 * losses[0]:
        _warn(f"the training loss exploded from {losses[0]:.3g} to {losses[-1]:.3g}: the "
              "training diverged; try a smaller --lr")
    chance = np.bincount(np.asarray(y_test)).max() / len(y_test)
    if test_acc <= chance + 0.01:
        _warn(f"the test accuracy {test_acc:.2%} is no better than chance ({chance:.2%}, always "
              "guessing the most common class); try a smaller --lr or more --epochs")


def save_run(args, model, history, train_acc, test_acc):
    """Write model.safetensors and history.json to args.out; returns their paths."""
    os.makedirs(args.out, exist_ok=True)
    settings = {k: v for k, v in vars(args).items() if k not in ("func", "progress")}
    path = nn.save(model, os.path.join(args.out, "model.safetensors"),
                   metadata={"settings": settings, "train_accuracy": train_acc,
                             "test_accuracy": test_acc})
    history_path = os.path.join(args.out, "history.json")
    with open(history_path, "w") as f:
        json.dump(history, f)
    return [path, history_path]


def draw_run(args, model, loss, train, test, history):
    """training.png, decision_boundary.png (2-D data) and graph.svg/.png; returns their paths."""
    if args.model == "resnet":
        key, title = "point_loss", "J / N = 1/2 mean (z - c)^2: seed 000's cost per point"
    else:
        key, title = "loss", "cross-entropy: mean per sample"
    out = args.out
    written = [plots.plot_history(history, os.path.join(out, "training.png"), key, title,
                                  (len(train[0]), len(test[0])))]
    if args.model == "resnet" and args.data in ("spirals", "circles"):
        written.append(plots.plot_boundary(model, train, test,
                                           os.path.join(out, "decision_boundary.png")))
    dot = plots.graph_of_loss(model, loss, *train, collapse=_graph_boxes(model))
    try:
        written += plots.draw_graph(dot, os.path.join(out, "graph.svg"))
    except plots.GraphvizMissing as e:
        _warn(str(e))
        written.append(e.source)
    return written


def _graph_boxes(model):
    """What the graph draws as boxes: a CNN's conv blocks (wide 4-D values), else plots' choice."""
    if isinstance(model, nn.CNN):
        return [f"blocks.{k}" for k in range(len(model.blocks))]
    return None


def _saved_settings(path):
    """The training settings stored in a saved model (an empty dict if absent or malformed)."""
    settings = nn.serialization.read_description(path)["metadata"].get("settings")
    return settings if isinstance(settings, dict) else {}


def _setting(settings, key, default):
    value = settings.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def cmd_evaluate(args) -> int:
    check_ranges(args)
    model = nn.load(args.model)
    settings = _saved_settings(args.model)
    spec = args.data or settings.get("data")
    if spec is None:
        raise ValueError(f"{args.model} does not say which data it was trained on: pass --data")
    dim = model.dim if isinstance(model, nn.ResNet) else None
    seed = _setting(settings, "seed", 0) if args.seed is None else args.seed
    (X, y), (X_test, y_test) = load_data(spec, _setting(settings, "samples", 0), seed, dim)
    print(f"{model.__class__.__name__} from {args.model} on {spec}: training accuracy "
          f"{accuracy(predict(model, X), y):.2%}, test accuracy "
          f"{accuracy(predict(model, X_test), y_test):.2%}")
    return 0


def cmd_graph(args) -> int:
    check_ranges(args)
    saved = os.path.isfile(args.model) or args.model.endswith((".safetensors", ".npz"))
    if not saved and args.model not in DEFAULTS:
        raise ValueError(f"unknown model {args.model!r}: use {', '.join(sorted(DEFAULTS))} or "
                         "a saved .safetensors file")
    model = nn.load(args.model) if saved else None
    kind = _kind(model) if saved else args.model
    ns = argparse.Namespace(**DEFAULTS[kind], seed=0)
    if saved:  # the data it was trained on
        settings = _saved_settings(args.model)
        ns.data = settings.get("data", ns.data)
        ns.samples, ns.seed = _setting(settings, "samples", 0), _setting(settings, "seed", 0)
    ns.depth = args.depth or ns.depth
    dim = (model.dim if saved else ns.width) if kind == "resnet" else None
    train, _ = load_data(ns.data, ns.samples, ns.seed, dim)
    built, loss, _ = build_model(kind, ns, train[0].shape[1], int(train[1].max()) + 1)
    dot = plots.graph_of_loss(model or built, loss, *train,
                              collapse=(plots.layers(model or built)[1:] if args.collapse
                                        else _graph_boxes(model or built)))
    print("wrote " + ", ".join(plots.draw_graph(dot, args.out)))
    return 0


def _kind(model) -> str:
    """The CLI's name for a loaded model's architecture."""
    return "resnet" if isinstance(model, nn.ResNet) else "cnn" if isinstance(model, nn.CNN) else "mlp"


def _default(key):
    values = {kind: d[key] for kind, d in DEFAULTS.items()}
    shown = {k: ("the whole set" if v == 0 and key in ("samples", "batch_size") else v)
             for k, v in values.items()}
    if len(set(map(str, shown.values()))) == 1:
        return f"default: {shown['resnet']}"
    return "default: " + ", ".join(f"{v} for {k}" for k, v in shown.items())


def _add_train(sub):
    t = sub.add_parser("train", help="train a model and write it, its plots and its graph")
    t.add_argument("model", choices=sorted(DEFAULTS),
                   help="resnet: seed 000's residual network; mlp: the MLP of seeds 001-004 "
                   "(ReLU layers, softmax cross-entropy)")
    t.add_argument("--data", help="spirals, circles, digits or mnist:FOLDER (" + _default("data") + ")")
    t.add_argument("--samples", type=int, help="points to generate (spirals, circles) or training "
                   f"points to use, 0 for all ({_default('samples')})")
    t.add_argument("--depth", type=int, help=f"residual blocks or hidden layers ({_default('depth')})")
    t.add_argument("--width", type=int, help="features per layer (resnet) or hidden units (mlp) "
                   f"({_default('width')})")
    t.add_argument("--step", type=float, help=f"step length h of each residual block "
                   f"(default: {DEFAULTS['resnet']['step']})")
    t.add_argument("--optimizer", choices=["adam", "sgd"],
                   help=f"adam or plain gradient descent ({_default('optimizer')})")
    t.add_argument("--lr", type=float, help=f"learning rate ({_default('lr')})")
    t.add_argument("--epochs", type=int, help=f"passes over the training data ({_default('epochs')})")
    t.add_argument("--batch-size", type=int, help="samples per step, 0 for the whole set "
                   f"({_default('batch_size')})")
    t.add_argument("--seed", type=int, default=0,
                   help="random seed of the data, initial weights and shuffling (default: 0)")
    t.add_argument("--compile", action=argparse.BooleanOptionalAction, default=None,
                   help="trace each training step once with ag.compile and replay it (the same "
                   f"values as eager, faster) ({_default('compile')})")
    t.add_argument("--out", help="output folder (default: runs/MODEL)")
    t.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar or progress lines (default: a bar on a terminal, "
                   "a line every tenth of the run otherwise)")
    t.set_defaults(func=cmd_train)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m nn", description="Train, evaluate and draw the seeds' models (a "
                "seed is one of the five from-scratch tutorials the project rebuilds).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_train(sub)
    e = sub.add_parser("evaluate", help="reload a saved model and report its accuracy")
    e.add_argument("model", help="a model.safetensors (or .npz) written by train")
    e.add_argument("--data", help="data to evaluate on (default: what it was trained on)")
    e.add_argument("--seed", type=int, help="seed of generated data (default: the training seed)")
    e.set_defaults(func=cmd_evaluate)

    g = sub.add_parser("graph", help="draw the graph of a model's training loss to a file")
    g.add_argument("model", help="resnet, mlp, cnn or a saved model.safetensors")
    g.add_argument("--out", default="graph.svg", help="file to write: .svg (with a .png beside "
                   "it), .png or .pdf (default: graph.svg)")
    g.add_argument("--depth", type=int, help="blocks or hidden layers of a new model "
                   f"({_default('depth')})")
    g.add_argument("--collapse", action="store_true", help="draw each layer but the first (which "
                   "shows the input) as one box (default: a CNN's conv blocks, and past "
                   f"{plots.GRAPH_BOX_PAST} layers those between the first and the last)")
    g.set_defaults(func=cmd_graph)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "out", None) is None and args.command == "train":
        args.out = os.path.join("runs", args.model)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN/overflow: fit says it in words
            return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, OSError, ImportError, FloatingPointError, RuntimeError,
            MemoryError) as e:
        return _fail(str(e) or type(e).__name__)
    except Exception as e:  # a bug: still one line, and NN_TRACEBACK=1 shows where
        if os.environ.get("NN_TRACEBACK"):
            raise
        print(f"error: unexpected {type(e).__name__}: {e} (a bug in nn: please report it with "
              "the command; NN_TRACEBACK=1 shows the traceback)", file=sys.stderr)
        return 1
