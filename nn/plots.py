"""Pictures of a training run: the loss and accuracy curves, a decision boundary, the loss's graph.

Each function writes a file and returns its path. matplotlib draws off screen (its Agg backend);
the graph needs Graphviz's `dot` for the SVG and PNG, and without it `draw_graph` writes the DOT
source and raises GraphvizMissing.
"""

import os

import graphviz
import numpy as np

import autograd_core as ag
from nn.train import predict

GRAPH_BOX_PAST = 4  # past this many layers with parameters, the graph draws each as one box
GRAPH_SIZE = "16,10"  # inches: a larger graph is scaled down to at most 1536 x 960 PNG pixels
GRAPH_TITLE = ("the training loss on {} points (green) and its gradient at each node\\n"
               "blue: the parameters and the input X; grey: constants (the labels, masks)")


class GraphvizMissing(RuntimeError):
    """Graphviz's `dot` is not installed; `source` is the .gv file written instead."""

    def __init__(self, source):
        super().__init__(f"Graphviz's `dot` was not found, so the graph picture was not rendered "
                         f"(apt-get install graphviz, brew install graphviz or conda install "
                         f"graphviz); its DOT source is in {source}")
        self.source = source


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_history(history, path, loss_key="loss", loss_title="loss", sizes=(None, None)):
    """Loss and accuracy per epoch, training and test, as a PNG.

    loss_key: the history key of the curve to plot as the loss; sizes: (training, test) points,
    named in the legend.
    """
    plt = _pyplot()
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    n_train, n_test = (f" ({n} points)" if n else "" for n in sizes)
    train_label = f"training{n_train}: running mean over each epoch's batches"
    test_label = f"test{n_test}: after each epoch"
    for ax, key in ((ax_loss, loss_key), (ax_acc, "accuracy")):
        for prefix, label in (("", train_label), ("val_", test_label)):
            if history.get(prefix + key):
                epochs = np.arange(1, len(history[prefix + key]) + 1)
                ax.plot(epochs, history[prefix + key], label=label)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    ax_loss.set_title(loss_title, fontsize=10)
    ax_loss.set_ylabel(loss_title.split(":")[0])
    ax_loss.set_yscale("log")
    ax_acc.set_title("accuracy", fontsize=10)
    ax_acc.set_ylabel("fraction classified correctly")
    # one legend for both, below them, where it hides no curve
    fig.legend(*ax_loss.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_boundary(model, train, test, path):
    """The model's output over the plane of the first two features, the 0.5 contour, the points.

    train, test: (X, y) pairs; training points are drawn as circles, test points as triangles,
    coloured by their class.
    """
    plt = _pyplot()
    X = np.concatenate([train[0], test[0]])
    lo, hi = X[:, :2].min(axis=0) - 0.2, X[:, :2].max(axis=0) + 0.2
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = np.zeros((gx.size, X.shape[1]))
    grid[:, 0], grid[:, 1] = gx.ravel(), gy.ravel()
    z = predict(model, grid).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    filled = ax.contourf(gx, gy, z, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    fig.colorbar(filled, ax=ax, label="model output (above 0.5: class 1)")
    ax.contour(gx, gy, z, levels=[0.5], colors="k", linewidths=1)
    for (Xs, ys), marker, what in ((train, "o", "training"), (test, "^", "test")):
        for label, colour in ((0, "tab:blue"), (1, "tab:red")):
            pts = Xs[ys == label]
            ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, edgecolors="k",
                       linewidths=0.5, s=18, label=f"class {label}, {what} ({len(pts)})")
    ax.set_xlabel("feature 1 (x)")
    ax.set_ylabel("feature 2 (y)")
    ax.set_title("decision boundary: black line where the output is 0.5", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", framealpha=0.8)
    ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def layers(model):
    """The dotted names of the modules that hold parameters, in the order of the parameters."""
    return list(dict.fromkeys(name.rpartition(".")[0] for name, _ in model.named_parameters()))


def graph_of_loss(model, loss_fn, X, y, collapse=None):
    """The graphviz.Digraph of the training loss on (X, y), with the gradient at each node.

    collapse: as ag.to_dot's; None draws every layer or block but the first and the last as one
    box when the model has more than GRAPH_BOX_PAST modules with parameters. The picture is drawn
    compact, without module frames, and scaled down to GRAPH_SIZE if it is larger.
    """
    if collapse is None and len(layers(model)) > GRAPH_BOX_PAST:
        collapse = layers(model)[1:-1]
    # requires_grad: the ops on X are recorded (a CNN reshapes it first), so X is drawn under its
    # name whatever comes first, with the gradient of the loss with respect to it
    inputs = ag.Tensor(np.asarray(X, dtype=model.parameters()[0].dtype),
                       name=f"X: {len(X)} training points", requires_grad=True)
    loss = loss_fn(model(inputs), y)
    loss.name = "the training loss"
    dot = ag.to_dot(loss, grads=True, collapse=collapse, frames=False)
    dot.graph_attr.update(ranksep="0.12", nodesep="0.25", size=GRAPH_SIZE, labelloc="t",
                          fontsize="13", fontname="Helvetica", label=GRAPH_TITLE.format(len(X)))
    dot.node_attr.update(height="0.2", margin="0.05,0.01", fontsize="10")
    return dot


def draw_graph(dot, path):
    """Render `dot` to `path` (its suffix names the format), and a PNG beside an SVG.

    Returns the paths written; without Graphviz's `dot`, writes the .gv source and raises
    GraphvizMissing.
    """
    stem, suffix = os.path.splitext(str(path))
    formats = ["svg", "png"] if suffix in (".svg", "") else [suffix.lstrip(".")]
    try:
        for fmt in formats:
            dot.render(outfile=f"{stem}.{fmt}", format=fmt, cleanup=True)
    except graphviz.ExecutableNotFound:
        with open(stem + ".gv", "w") as f:
            f.write(dot.source)
        raise GraphvizMissing(stem + ".gv") from None
    return [f"{stem}.{fmt}" for fmt in formats]
