"""fit, evaluate, predict and accuracy on small problems."""

import numpy as np
import pytest

import autograd_core as ag
import nn


def blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.standard_normal((n, 2)) * 0.5 + np.where(y[:, None] == 1, 2.0, -2.0)
    return X, y


def test_fit_records_loss_and_accuracy_per_epoch_and_learns():
    X, y = blobs()
    model = nn.MLP([2, 8, 2], rng=0)
    history = nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), 0.05),
                           (X, y), val_data=blobs(seed=1), epochs=5, batch_size=16, seed=0,
                           progress=False)
    assert isinstance(history, nn.train.History)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 5 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] == 1.0


def test_fit_is_reproducible_from_its_seed():
    def run():
        model = nn.MLP([2, 4, 2], rng=0)
        nn.train.fit(model, nn.cross_entropy, nn.optim.SGD(model.parameters(), 0.1), blobs(),
                     epochs=2, batch_size=8, seed=3, progress=False)
        return model.state_dict()

    a, b = run(), run()
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_fit_without_class_labels_records_only_the_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    model = nn.Linear(3, 1, rng=0)
    history = nn.train.fit(model, nn.mse_loss, nn.optim.SGD(model.parameters(), 0.1),
                           (X, X[:, :1] * 0.3 + 0.1), epochs=3, progress=False)
    assert list(history) == ["loss"]


def test_fit_stops_on_a_nan_loss_naming_epoch_and_step():
    X, y = blobs()
    X[40] = np.nan  # in the third batch of the first epoch
    model = nn.MLP([2, 4, 2], rng=0)
    with pytest.raises(FloatingPointError, match=r"nan at epoch 1/3, step 3/4") as e:
        nn.train.fit(model, nn.cross_entropy, nn.optim.SGD(model.parameters(), 0.1), (X, y),
                     epochs=3, batch_size=16, shuffle=False, progress=False)
    assert e.value.history["loss"] == []
    assert all(np.isfinite(p.data).all() for p in model.parameters())


def test_fit_shows_a_progress_bar_only_when_asked(capsys):
    model = nn.MLP([2, 4, 2], rng=0)
    args = (model, nn.cross_entropy, nn.optim.SGD(model.parameters(), 0.1), blobs())
    nn.train.fit(*args, epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    nn.train.fit(*args, epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err
    nn.train.fit(*args, epochs=2)  # auto: pytest's stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_on_epoch_end_returning_true_stops_training():
    model = nn.MLP([2, 4, 2], rng=0)
    calls = []
    history = nn.train.fit(model, nn.cross_entropy, nn.optim.SGD(model.parameters(), 0.1),
                           blobs(), epochs=10, progress=False,
                           on_epoch_end=lambda epoch, h: calls.append(epoch) or epoch == 1)
    assert calls == [0, 1] and len(history["loss"]) == 2


def test_evaluate_gives_the_whole_set_loss_and_accuracy():
    X, y = blobs()
    model = nn.MLP([2, 4, 2], rng=0)
    result = nn.train.evaluate(model, nn.cross_entropy, (X, y), batch_size=7)
    outputs = nn.train.predict(model, X)
    np.testing.assert_allclose(result["loss"], nn.cross_entropy(outputs, y).item())
    assert result["accuracy"] == nn.train.accuracy(outputs, y)
    assert model.training  # evaluate restores the mode


def test_accuracy_uses_argmax_for_classes_and_a_threshold_for_one_output():
    assert nn.train.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    assert nn.train.accuracy(np.array([0.7, 0.2, 0.6]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert nn.train.accuracy(np.array([[2.0], [-1.0]]), np.array([1, 0]), threshold=0.0) == 1.0


def test_fit_rejects_training_data_that_is_not_a_pair():
    model = nn.Linear(2, 1, rng=0)
    with pytest.raises(TypeError, match=r"\(X, y\) pair"):
        nn.train.fit(model, nn.mse_loss, nn.optim.SGD(model.parameters(), 0.1), np.zeros((3, 2)))


@pytest.mark.parametrize("columns", [80, 100])
def test_the_progress_bar_fits_the_terminal_and_shows_the_validation_accuracy(
        columns, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    X = np.random.default_rng(0).standard_normal((64, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    model = nn.MLP([2, 4, 2], rng=0)
    nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), 0.01), (X, y),
                 val_data=(X, y), epochs=3, progress=True)
    shown = capsys.readouterr().err.replace("\n", "\r").split("\r")
    assert max(len(s) for s in shown) <= columns and "val_acc" in shown[-2]


def test_progress_lines_name_the_running_accuracy_apart_from_the_validation_one(capsys):
    X = np.random.default_rng(0).standard_normal((64, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    model = nn.MLP([2, 4, 2], rng=0)
    nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), 0.01), (X, y),
                 val_data=(X, y), epochs=20, progress="lines")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("epoch 20/20")
    assert "avg_acc" in lines[-1] and "val_acc" in lines[-1]


def test_should_stop_ends_training_after_the_step_it_answers(capsys):
    X = np.random.default_rng(0).standard_normal((64, 2))
    y = (X[:, 0] > 0).astype(np.int64)
    model = nn.MLP([2, 4, 2], rng=0)
    steps = []
    history = nn.train.fit(model, nn.cross_entropy, nn.optim.SGD(model.parameters(), 0.1),
                           (X, y), epochs=5, batch_size=16, progress=False,
                           should_stop=lambda: steps.append(1) or len(steps) == 6)
    assert len(steps) == 6 and len(history["loss"]) == 2


@pytest.mark.parametrize("make, loss, data", [
    (lambda: nn.MLP([2, 16, 2], rng=0), nn.cross_entropy, "spirals"),
    (lambda: nn.ResNet(2, 4, rng=0), lambda p, t: 0.5 * nn.mse_loss(p, t, reduction="sum"),
     "spirals_float"),
    (lambda: nn.CNN(rng=0), nn.cross_entropy, "digits"),
])
def test_fit_compiled_trains_exactly_as_eager(make, loss, data):
    import warnings
    if data == "digits":
        (X, y), _ = nn.data.load_digits()
        X, y = X[:96], y[:96]
    else:
        X, y = nn.data.spirals(100, seed=0)
        y = y.astype(np.float64) if data == "spirals_float" else y
    runs = []
    for compile in (False, True):
        model = make()
        optimizer = nn.optim.Adam(model.parameters(), lr=1e-2)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ag.CompileWarning)  # nothing falls back to eager
            history = nn.train.fit(model, loss, optimizer, (X, y), epochs=2, batch_size=32,
                                   progress=False, compile=compile)
        runs.append((history["loss"], [p.data.copy() for p in model.parameters()]))
    (eager_loss, eager_params), (compiled_loss, compiled_params) = runs
    assert compiled_loss == eager_loss
    for a, b in zip(compiled_params, eager_params):
        np.testing.assert_array_equal(a, b)
