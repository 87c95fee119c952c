"""A small training loop: fit() with mini-batches, per-epoch history, validation and a progress bar.

    history = nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), 1e-2),
                           (X_train, y_train), val_data=(X_test, y_test), epochs=20, seed=0)
    history["val_accuracy"][-1]
"""

import sys

import numpy as np

import autograd_core as ag
from nn.data import DataLoader


class History(dict):
    """Per-epoch lists: "loss" and "accuracy" (the batches' values during the epoch, averaged
    weighted by batch size) and, with validation data, "val_loss" and "val_accuracy" (computed
    after the epoch by `evaluate`); one key per metric."""


def accuracy(outputs, labels, threshold=0.5) -> float:
    """Fraction of correct predictions: argmax over classes for outputs (N, C) with C > 1, else
    output > threshold (0.5 for probabilities; pass 0.0 for logits) against 0/1 labels."""
    outputs, labels = np.asarray(outputs), np.asarray(labels).reshape(-1)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(axis=1)
    else:
        predicted = (outputs.reshape(-1) > threshold).astype(np.int64)
    if predicted.shape != labels.shape:
        raise ValueError(f"accuracy: {predicted.shape[0]} predictions for {labels.shape[0]} labels")
    return float(np.mean(predicted == labels))


def _default_metrics(y):
    y = np.asarray(y)
    classes = y.dtype.kind in "biu" or (y.dtype.kind == "f" and np.isin(y, (0.0, 1.0)).all())
    return {"accuracy": accuracy} if classes else {}


def _as_input(X, model):
    params = model.parameters()
    dtype = params[0].dtype if params else np.float64
    return ag.Tensor(np.asarray(X, dtype=dtype))


def _loader(data, batch_size, shuffle, seed, name):
    if isinstance(data, DataLoader):
        return data
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be an (X, y) pair of arrays or an nn.data.DataLoader")
    return DataLoader(data[0], data[1], batch_size=batch_size, shuffle=shuffle, seed=seed)


def predict(model, X, batch_size=1024) -> np.ndarray:
    """The model's outputs for X as an ndarray, computed in eval mode without recording a graph."""
    X = np.asarray(X)
    was_training = model.training
    model.eval()
    try:
        with ag.no_grad():
            outs = [model(_as_input(X[i:i + batch_size], model)).data
                    for i in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return np.concatenate(outs)


def evaluate(model, loss_fn, data, batch_size=1024, metrics=None) -> dict:
    """{"loss": loss over all of `data`, metric name: value}, in eval mode without a graph.

    `data` is (X, y) or a DataLoader; the loss is computed once on every output together, so
    it means what `loss_fn`'s reduction says (a mean, or seed 000's sum).
    """
    loader = _loader(data, batch_size, False, None, "data")
    metrics = _default_metrics(loader.y) if metrics is None else metrics
    outputs = predict(model, loader.X, batch_size)
    with ag.no_grad():
        result = {"loss": float(loss_fn(ag.Tensor(outputs), loader.y).item())}
    for name, fn in metrics.items():
        result[name] = float(fn(outputs, loader.y))
    return result


def fit(model, loss_fn, optimizer, train_data, val_data=None, epochs=10, batch_size=32, seed=0,
        shuffle=True, progress=None, metrics=None, on_epoch_end=None) -> History:
    """Train `model` by mini-batch steps of `optimizer` on `loss_fn(model(X_batch), y_batch)`.

    Args:
        train_data, val_data: (X, y) pairs of arrays, or nn.data.DataLoader objects.
        seed: seeds the shuffling of the training batches (a new order each epoch).
        progress: show a tqdm bar over the epochs; None shows it only when stderr is a terminal.
        metrics: {name: fn(outputs, labels) -> float}; None gives {"accuracy": accuracy} when
            the labels are classes (integers, or floats that are all 0 or 1), else {}.
        on_epoch_end: called as on_epoch_end(epoch, history) after each epoch (epoch from 0);
            returning True stops training.
    Returns a History. If a loss is NaN or infinite, raises FloatingPointError naming the epoch
    and step, before that step changes the parameters; the exception's `history` attribute
    holds the epochs completed so far.
    """
    loader = _loader(train_data, batch_size, shuffle, seed, "train_data")
    if len(loader) == 0:
        raise ValueError("train_data holds no complete batch")
    metrics = _default_metrics(loader.y) if metrics is None else dict(metrics)
    history = History(loss=[], **{name: [] for name in metrics})
    if val_data is not None:
        history.update({"val_loss": [], **{f"val_{name}": [] for name in metrics}})
    bar = _progress_bar(epochs, progress)
    try:
        for epoch in range(epochs):
            model.train()
            sums, count = dict.fromkeys(["loss", *metrics], 0.0), 0
            for step, (X, y) in enumerate(loader):
                optimizer.zero_grad()
                out = model(_as_input(X, model))
                loss = loss_fn(out, y)
                value = float(loss.item())
                if not np.isfinite(value):
                    err = FloatingPointError(
                        f"fit: the loss is {value} at epoch {epoch + 1}/{epochs}, step "
                        f"{step + 1}/{len(loader)}; training stopped before this step changed the "
                        "parameters. Try a smaller learning rate, or check the inputs for NaN/Inf."
                    )
                    err.history = history
                    raise err
                loss.backward()
                optimizer.step()
                sums["loss"] += value * len(y)
                for name, fn in metrics.items():
                    sums[name] += float(fn(out.data, y)) * len(y)
                count += len(y)
            for name, total in sums.items():
                history[name].append(total / count)
            if val_data is not None:
                for name, value in evaluate(model, loss_fn, val_data, metrics=metrics).items():
                    history[f"val_{name}"].append(value)
            if bar is not None:
                bar.update(1)
                bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.items()})
            if on_epoch_end is not None and on_epoch_end(epoch, history):
                break
    finally:
        if bar is not None:
            bar.close()
    return history


def _progress_bar(epochs, progress):
    if progress is None:
        progress = sys.stderr.isatty()
        if progress:
            try:
                import tqdm
            except ImportError:
                progress = False
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError('the progress bar needs tqdm: pip install "autograd-core[train]" '
                          "(or pass progress=False)") from None
    return tqdm(total=epochs, desc="epochs", unit="epoch", file=sys.stderr)


__all__ = ["History", "fit", "evaluate", "predict", "accuracy"]
