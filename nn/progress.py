"""What `python -m nn train` shows while it trains (one named loss, two accuracies named apart,
a tqdm bar or a line every tenth of the run) and how Ctrl-C stops it after the current step."""

import shutil
import signal
import sys

LOSS_SHOWN = {"resnet": ("point_loss", "J/N"), "mlp": ("loss", "CE"), "cnn": ("loss", "CE")}
LOSS_MEANS = {"J/N": "seed 000's cost per point, 1/2 mean (z - c)^2",
              "CE": "the cross-entropy, mean per sample"}


class StopOnInterrupt:
    """Within `with`, the first Ctrl-C only asks training to stop after the current step; a
    second one interrupts at once (KeyboardInterrupt)."""

    def __enter__(self):
        self.requested = False
        self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)

    def __call__(self):
        return self.requested


def progress_mode(asked):
    """'bar' on a terminal with tqdm installed, 'lines' off one, None for --no-progress."""
    if asked is False:
        return None
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return "lines"
    return "bar" if sys.stderr.isatty() else "lines"


class Progress:
    """What train shows after each epoch (fit's on_epoch_end): one loss, on the training batches
    and on the test set, and two accuracies named apart; a tqdm bar or a line every tenth."""

    def __init__(self, epochs, mode, loss_key, loss_name):
        self.epochs, self.mode, self.every = epochs, mode, max(1, epochs // 10)
        self.names = ((loss_name, loss_key), (f"test {loss_name}", "val_" + loss_key),
                      ("test acc", "val_accuracy"), ("run acc", "accuracy"))
        self.bar = None
        if mode is not None:
            print(f"progress: {loss_name} = {LOSS_MEANS[loss_name]}; run acc = the accuracy on "
                  "the epoch's batches while the weights changed; test = on the test set after "
                  "the epoch", file=sys.stderr, flush=True)
        if mode == "bar":
            from tqdm.auto import tqdm
            self.bar = tqdm(total=epochs, desc="epoch", unit="ep", file=sys.stderr,
                            dynamic_ncols=True, bar_format="{desc} {n_fmt}/{total_fmt} "
                            "{percentage:3.0f}%|{bar}| {remaining} left{postfix}")

    def fields(self, history):
        """'name value' for each of self.names that history holds, most worth the room first."""
        return [f"{name} {history[key][-1]:.1%}" if key.endswith("accuracy") else
                f"{name} {history[key][-1]:.3g}" for name, key in self.names if history.get(key)]

    def __call__(self, epoch, history):
        fields = self.fields(history)
        if self.bar is not None:
            room = shutil.get_terminal_size((80, 24)).columns - 40 - 2 * len(str(self.epochs))
            shown = [f for k, f in enumerate(fields) if len("  ".join(fields[:k + 1])) <= room]
            self.bar.update(1)
            self.bar.set_postfix_str("  ".join(shown), refresh=False)
        elif self.mode == "lines" and ((epoch + 1) % self.every == 0 or epoch + 1 == self.epochs):
            print(f"epoch {epoch + 1}/{self.epochs}  " + "  ".join(fields), file=sys.stderr,
                  flush=True)
        return False

    def close(self):
        if self.bar is not None:
            self.bar.close()
