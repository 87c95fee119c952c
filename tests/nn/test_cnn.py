"""nn.CNN: shapes, PyTorch-named parameters, saving, and learning on a few digits."""

import numpy as np
import pytest

import nn
import autograd_core as ag


def test_cnn_takes_flat_rows_or_images_and_gives_logits():
    model = nn.CNN(side=8, channels=(4, 8), hidden=16, rng=0)
    x = np.random.default_rng(0).random((5, 64))
    np.testing.assert_array_equal(model(ag.Tensor(x)).data, model(ag.Tensor(x.reshape(5, 1, 8, 8))).data)
    assert model(ag.Tensor(x)).shape == (5, 10)


def test_cnn_for_mnist_sized_images():
    assert nn.CNN(side=28, rng=0)(ag.Tensor(np.zeros((2, 784)))).shape == (2, 10)


def test_cnn_parameters_have_pytorch_layouts():
    shapes = {k: v.shape for k, v in nn.CNN(channels=(4, 8), hidden=16, rng=0).state_dict().items()}
    assert shapes["blocks.0.weight"] == (4, 1, 3, 3) and shapes["blocks.1.weight"] == (8, 4, 3, 3)
    assert shapes["hidden_layer.weight"] == (16, 8 * 2 * 2) and shapes["out.weight"] == (10, 16)


def test_cnn_refuses_images_of_another_size():
    with pytest.raises(ValueError, match="CNN\\(side=8\\)"):
        nn.CNN(rng=0)(ag.Tensor(np.zeros((2, 49))))


def test_cnn_saves_and_loads(tmp_path):
    model = nn.CNN(channels=(4, 8), hidden=16, dropout=0.2, rng=0).eval()
    loaded = nn.load(nn.save(model, str(tmp_path / "cnn.npz"))).eval()
    x = ag.Tensor(np.random.default_rng(1).random((3, 64)))
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


def test_cnn_fits_a_small_batch_of_digits():
    (X, y), _ = nn.data.load_digits(seed=0)
    X, y = X[:64], y[:64]
    model = nn.CNN(channels=(4, 8), hidden=32, rng=0)
    history = nn.train.fit(model, nn.cross_entropy, nn.optim.Adam(model.parameters(), 1e-2), (X, y),
                           epochs=30, batch_size=64, progress=False)
    assert history["loss"][-1] < 0.3 * history["loss"][0]
