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
        shuffle=True, progress=None, metrics=None, on_epoch_end=None, should_stop=None,
        compile=False) -> History:  # noqa: A002 (torch's and ag's name)
    """Train `model` by mini-batch steps of `optimizer` on `loss_fn(model(X_batch), y_batch)`.

    Args:
        train_data, val_data: (X, y) pairs of arrays, or nn.data.DataLoader objects.
        seed: seeds the shuffling of the training batches (a new order each epoch).
        progress: True shows a tqdm bar over the epochs, "lines" prints a summary line to stderr
            every tenth of the run, False shows nothing; None shows the bar only when stderr is a
            terminal.
        metrics: {name: fn(outputs, labels) -> float}; None gives {"accuracy": accuracy} when
            the labels are classes (integers, or floats that are all 0 or 1), else {}.
        on_epoch_end: called as on_epoch_end(epoch, history) after each epoch (epoch from 0);
            returning True stops training.
        should_stop: called with no arguments after each step; returning True ends the epoch
            there (its history entries cover the steps taken) and training with it.
        compile: run each step's forward and backward through ag.compile (traced once per batch
            shape, then replayed; the same values as eager). The optimizer steps outside it.
    Returns a History. If a loss is NaN or infinite, raises FloatingPointError naming the epoch
    and step, before that step changes the parameters; the exception's `history` attribute
    holds the epochs completed so far.
    """
    loader = _loader(train_data, batch_size, shuffle, seed, "train_data")
    if len(loader) == 0:
        raise ValueError("train_data holds no complete batch")
    metrics = _default_metrics(loader.y) if metrics is None else dict(metrics)
    history = _new_history(metrics, val_data is not None)
    report = _Progress(epochs, progress)
    step = _gradient_step(model, loss_fn, optimizer)
    step = ag.compile(step) if compile else step
    try:
        for epoch in range(epochs):
            stopped = _epoch(model, step, optimizer, loader, metrics, history, epoch, epochs,
                             should_stop)
            if val_data is not None:
                _validate(model, loss_fn, val_data, metrics, history)
            report.epoch_done(epoch, history)
            if stopped or (on_epoch_end is not None and on_epoch_end(epoch, history)):
                break
    finally:
        report.close()
    return history


def _new_history(metrics, validating):
    """An empty History with a list for the loss and each metric (and their val_ twins)."""
    history = History(loss=[], **{name: [] for name in metrics})
    if validating:
        history.update({"val_loss": [], **{f"val_{name}": [] for name in metrics}})
    return history


def _validate(model, loss_fn, val_data, metrics, history):
    """Append the validation loss and metrics after an epoch to history's val_ lists."""
    for name, value in evaluate(model, loss_fn, val_data, metrics=metrics).items():
        history[f"val_{name}"].append(value)


def _gradient_step(model, loss_fn, optimizer):
    """(outputs, loss) of a batch, with the parameters' gradients computed: a step to compile."""
    def gradients(X, y):
        optimizer.zero_grad()
        out = model(X)
        loss = loss_fn(out, y)
        loss.backward()
        return out, loss
    return gradients


def _epoch(model, gradients, optimizer, loader, metrics, history, epoch, epochs, should_stop):
    """One pass over `loader`, its means appended to `history`; True if should_stop() said so."""
    model.train()
    sums, count = dict.fromkeys(["loss", *metrics], 0.0), 0
    stopped = False
    for step, (X, y) in enumerate(loader):
        out, loss = gradients(_as_input(X, model), y)
        value = float(loss.item())
        if not np.isfinite(value):  # before the optimizer changes the parameters
            raise _diverged(value, f"epoch {epoch + 1}/{epochs}, step {step + 1}/{len(loader)}",
                            history)
        optimizer.step()
        sums["loss"] += value * len(y)
        for name, fn in metrics.items():
            sums[name] += float(fn(out.data, y)) * len(y)
        count += len(y)
        if should_stop is not None and should_stop():
            stopped = True
            break
    for name, total in sums.items():
        history[name].append(total / count)
    return stopped


def _diverged(value, where, history):
    """The FloatingPointError fit raises for a NaN/Inf loss, carrying the history so far."""
    err = FloatingPointError(
        f"fit: the loss is {value} at {where}; training stopped before this step changed the "
        "parameters. Try a smaller learning rate, or check the inputs for NaN/Inf."
    )
    err.history = history
    return err


# Progress fields in the order they are worth the room, with short names: "avg_acc" is the
# accuracy averaged over the epoch's batches while the weights changed, "val_acc" the accuracy
# on the validation data after the epoch.
_FIELDS = (("loss", "loss"), ("val_accuracy", "val_acc"), ("accuracy", "avg_acc"),
           ("val_loss", "val_loss"))


_SHORT = dict(_FIELDS)


def _field(key, value):
    return f"{value:.1%}" if key.endswith("accuracy") else f"{value:.3g}"


class _Progress:
    """What fit shows as it goes: a tqdm bar, summary lines on stderr, or nothing."""

    def __init__(self, epochs, progress):
        self.epochs, self.mode = epochs, _progress_mode(progress)
        self.every = max(1, epochs // 10)
        self.bar = None
        if self.mode == "bar":
            from tqdm.auto import tqdm
            self.bar = tqdm(total=epochs, desc="epoch", unit="ep", file=sys.stderr,
                            dynamic_ncols=True, bar_format="{desc} {n_fmt}/{total_fmt} "
                            "{percentage:3.0f}%|{bar}| {remaining} left{postfix}")

    def epoch_done(self, epoch, history):
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(self._fitting_fields(history), refresh=False)
        elif self.mode == "lines" and ((epoch + 1) % self.every == 0 or epoch + 1 == self.epochs):
            fields = "  ".join(f"{_SHORT.get(key, key)} {_field(key, values[-1])}"
                               for key, values in history.items() if values)
            print(f"epoch {epoch + 1}/{self.epochs}  {fields}", file=sys.stderr, flush=True)

    def _fitting_fields(self, history):
        """The fields that fit in the terminal's width beside a bar of 10 characters or more."""
        import shutil
        room = shutil.get_terminal_size((80, 24)).columns - 32 - 2 * len(str(self.epochs))
        text = ""
        for key, short in _FIELDS:
            if history.get(key):
                more = f"{' ' if text else ''}{short} {_field(key, history[key][-1])}"
                if len(text) + len(more) > room:
                    break
                text += more
        return text

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _progress_mode(progress):
    if progress == "lines":
        return "lines"
    if progress is None:
        if not sys.stderr.isatty():
            return None
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return None
        return "bar"
    if not progress:
        return None
    try:
        import tqdm  # noqa: F401
    except ImportError:
        raise ImportError('the progress bar needs tqdm: pip install "autograd-core[train]" '
                          "(or pass progress=False)") from None
    return "bar"


__all__ = ["History", "fit", "evaluate", "predict", "accuracy"]
