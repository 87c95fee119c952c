"""The command line: train a seed's model on real data, evaluate a saved one, draw a graph.

    python -m nn train resnet            # seed 000: residual network on generated spirals
    python -m nn train mlp               # seeds 001-003: an MLP on scikit-learn's 8x8 digits
    python -m nn train cnn               # issue #15: a convolutional network on the same digits
    python -m nn evaluate runs/resnet/model.npz
    python -m nn graph resnet --out graph.svg

Each failure (bad argument, missing data, a diverging run) is one line on stderr and exit status 2.
"""

import argparse
import json
import os
import sys

import numpy as np

import autograd_core as ag
import nn
from nn import data as datasets
from nn.train import accuracy, fit, predict

DEFAULTS = {  # per model: what the bare command trains
    "resnet": dict(data="spirals", samples=600, depth=10, width=4, step=0.25, optimizer="adam",
                   lr=0.05, epochs=300, batch_size=0),
    "mlp": dict(data="digits", samples=0, depth=2, width=64, step=0.0, optimizer="adam",
                lr=0.01, epochs=15, batch_size=32),
    "cnn": dict(data="digits", samples=0, depth=2, width=128, step=0.0, optimizer="adam",
                lr=0.003, epochs=28, batch_size=128),  # issue #15: nn.CNN (depth: conv blocks)
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + error
        raise SystemExit(_fail(f"{self.prog}: {message} (see --help)"))


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def load_data(spec: str, samples: int, seed: int, dim: int | None):
    """((X_train, y_train), (X_test, y_test)) for 'spirals', 'circles', 'digits' or 'mnist:FOLDER'."""
    if spec in ("spirals", "circles"):
        make = datasets.spirals if spec == "spirals" else datasets.circles
        X, y = make(n_samples=samples or 600, seed=seed, dim=dim)
        return datasets.train_test_split(X, y, test_fraction=0.25, seed=seed)
    if spec == "digits":
        return datasets.load_digits(seed=seed)
    if spec.startswith("mnist:"):
        folder = spec[len("mnist:"):]
        train = datasets.load_mnist(folder, split="train")
        test = datasets.load_mnist(folder, split="test")
        if samples:
            train = (train[0][:samples], train[1][:samples])
        return train, test
    raise ValueError(f"unknown data {spec!r}: use spirals, circles, digits or mnist:FOLDER")


def build_model(kind: str, args, n_features: int, n_classes: int):
    """The model, its loss and the metric that turns its outputs into an accuracy."""
    rng = np.random.default_rng(args.seed)
    if kind == "resnet":
        if n_classes != 2:
            raise ValueError(f"the residual network classifies two classes; the data has {n_classes}")
        model = nn.ResNet(max(args.width, n_features), args.depth, step=args.step, rng=rng)

        def loss(z, c):  # seed 000's cost: J = 1/2 ||Z - c||^2
            return 0.5 * nn.mse_loss(z, ag.Tensor(c, dtype=z.dtype), reduction="sum")

        return model, loss, accuracy
    if kind == "cnn":  # conv blocks of 32, 64, ... channels, then a hidden layer of `width`
        side = int(round(np.sqrt(n_features)))
        if side * side != n_features:
            raise ValueError(f"the CNN needs square one-channel images; {n_features} features are not")
        channels = [32 * 2 ** k for k in range(args.depth)]
        model = nn.CNN(side, channels, args.width, n_classes, dropout=0.25, rng=rng)
        return model, nn.cross_entropy, accuracy
    sizes = [n_features] + [args.width] * args.depth + [n_classes]
    model = nn.MLP(sizes, activation="relu", rng=rng)
    return model, nn.cross_entropy, accuracy


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
    dim = args.width if args.model == "resnet" else None
    (X, y), (X_test, y_test) = load_data(args.data, args.samples, args.seed, dim)
    n_classes = int(max(y.max(), y_test.max())) + 1
    model, loss, metric = build_model(args.model, args, X.shape[1], n_classes)
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr)
    print(f"training {model.__class__.__name__} on {args.data}: {len(X)} training and "
          f"{len(X_test)} test samples, {args.optimizer} lr={args.lr}, {args.epochs} epochs")
    history = fit(model, loss, optimizer, (X, y), val_data=(X_test, y_test), epochs=args.epochs,
                  batch_size=args.batch_size or len(X), seed=args.seed, progress=args.progress)
    train_acc = metric(predict(model, X), y)
    test_acc = metric(predict(model, X_test), y_test)
    print(f"training accuracy {train_acc:.2%}, test accuracy {test_acc:.2%}")
    os.makedirs(args.out, exist_ok=True)
    settings = {k: v for k, v in vars(args).items() if k not in ("func", "progress")}
    path = nn.save(model, os.path.join(args.out, "model.npz"),
                   metadata={"settings": settings, "train_accuracy": train_acc,
                             "test_accuracy": test_acc})
    with open(os.path.join(args.out, "history.json"), "w") as f:
        json.dump(history, f)
    written = [path, os.path.join(args.out, "history.json")]
    loss_title = ("J = 1/2 ||Z - c||^2, summed over each set" if args.model == "resnet"
                  else "cross-entropy, mean per sample")
    written.append(plot_history(history, os.path.join(args.out, "training.png"), loss_title))
    if args.model == "resnet" and args.data in ("spirals", "circles"):
        written.append(plot_boundary(model, X, y, os.path.join(args.out, "decision_boundary.png")))
    written.append(draw_graph(model, X[:8], os.path.join(args.out, "graph.svg")))
    print("wrote " + ", ".join(p for p in written if p))
    return 0


def cmd_evaluate(args) -> int:
    model = nn.load(args.model)
    settings = nn.serialization.read_description(args.model)["metadata"].get("settings", {})
    spec = args.data or settings.get("data")
    if spec is None:
        raise ValueError(f"{args.model} does not say which data it was trained on: pass --data")
    dim = model.dim if isinstance(model, nn.ResNet) else None
    seed = settings.get("seed", 0) if args.seed is None else args.seed
    (X, y), (X_test, y_test) = load_data(spec, settings.get("samples", 0), seed, dim)
    print(f"{model.__class__.__name__} from {args.model} on {spec}: training accuracy "
          f"{accuracy(predict(model, X), y):.2%}, test accuracy "
          f"{accuracy(predict(model, X_test), y_test):.2%}")
    return 0


def cmd_graph(args) -> int:
    if args.model.endswith(".npz"):
        model = nn.load(args.model)
    else:
        defaults = DEFAULTS.get(args.model)
        if defaults is None:
            raise ValueError(f"unknown model {args.model!r}: use resnet, mlp or a saved .npz")
        ns = argparse.Namespace(**{**defaults, "seed": 0, "depth": args.depth or defaults["depth"]})
        n_features, n_classes = (ns.width, 2) if args.model == "resnet" else (64, 10)
        model = build_model(args.model, ns, n_features, n_classes)[0]
    n_in = (model.dim if isinstance(model, nn.ResNet) else model.side ** 2 if isinstance(model, nn.CNN)
            else model.sizes[0])
    X = np.random.default_rng(0).standard_normal((4, n_in))
    print("wrote " + draw_graph(model, X, args.out, collapse=args.collapse))
    return 0


def draw_graph(model, X, path, collapse=False):
    """The graph of the model's summed output on X, with gradients, rendered by Graphviz."""
    out = model(ag.Tensor(X)).sum()
    return ag.draw(out, path, grads=True, collapse=collapse or None)


def plot_history(history, path, loss_title="loss"):
    """Loss and accuracy per epoch, training and validation, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
    for key, ax in (("loss", ax_loss), ("accuracy", ax_acc)):
        for prefix, label in (("", "training"), ("val_", "test")):
            if history.get(prefix + key):
                ax.plot(history[prefix + key], label=label)
        ax.set_xlabel("epoch")
        ax.set_title(loss_title if key == "loss" else key)
        ax.legend()
    ax_loss.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_boundary(model, X, y, path):
    """The model's decision regions in the plane of the first two features, with the points."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lo, hi = X[:, :2].min(axis=0) - 0.2, X[:, :2].max(axis=0) + 0.2
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = np.zeros((gx.size, X.shape[1]))
    grid[:, 0], grid[:, 1] = gx.ravel(), gy.ravel()
    z = predict(model, grid).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.contourf(gx, gy, z, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, z, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", edgecolors="k", s=14)
    ax.set_title("decision boundary (model output 0.5)")
    ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m nn", description="Train, evaluate and draw the seeds' models.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a model and write it, its plots and its graph")
    t.add_argument("model", choices=sorted(DEFAULTS), help="resnet (seed 000) or mlp (seeds 001-004)")
    t.add_argument("--data", help="spirals, circles, digits or mnist:FOLDER "
                   "(default: spirals for resnet, digits for mlp)")
    t.add_argument("--samples", type=int, help="points to generate (spirals, circles) or to use")
    t.add_argument("--depth", type=int, help="residual blocks (resnet) or hidden layers (mlp)")
    t.add_argument("--width", type=int, help="features per layer (resnet) or hidden units (mlp)")
    t.add_argument("--step", type=float, help="step length h of each residual block")
    t.add_argument("--optimizer", choices=["adam", "sgd"], help="adam or plain gradient descent")
    t.add_argument("--lr", type=float, help="learning rate")
    t.add_argument("--epochs", type=int, help="passes over the training data")
    t.add_argument("--batch-size", type=int, help="samples per step (0: the whole set)")
    t.add_argument("--seed", type=int, default=0, help="seeds data, initial weights and shuffling")
    t.add_argument("--out", help="output folder (default: runs/MODEL)")
    t.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="reload a saved model and report its accuracy")
    e.add_argument("model", help="a model.npz written by train")
    e.add_argument("--data", help="data to evaluate on (default: what it was trained on)")
    e.add_argument("--seed", type=int, help="seed of generated data (default: the training seed)")
    e.set_defaults(func=cmd_evaluate)

    g = sub.add_parser("graph", help="draw a model's computation graph to a file")
    g.add_argument("model", help="resnet, mlp or a saved model.npz")
    g.add_argument("--out", default="graph.svg", help="file to write (.svg, .png or .pdf)")
    g.add_argument("--depth", type=int, help="blocks or hidden layers of a new model")
    g.add_argument("--collapse", action="store_true", help="draw each module as one box")
    g.set_defaults(func=cmd_graph)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "out", None) is None and args.command == "train":
        args.out = os.path.join("runs", args.model)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, ImportError, FloatingPointError, RuntimeError) as e:
        return _fail(str(e))
