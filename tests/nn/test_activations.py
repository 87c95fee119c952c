"""The activation modules of issue #15 against torch.nn's, and saved and loaded by nn.save/nn.load."""

import numpy as np
import pytest

import nn
import autograd_core as ag

torch = pytest.importorskip("torch")

PAIRS = [(nn.GELU(), torch.nn.GELU()), (nn.GELU("tanh"), torch.nn.GELU("tanh")), (nn.SiLU(), torch.nn.SiLU()),
         (nn.ELU(0.5), torch.nn.ELU(0.5)), (nn.SELU(), torch.nn.SELU()), (nn.CELU(1.5), torch.nn.CELU(1.5)),
         (nn.Mish(), torch.nn.Mish()), (nn.Softsign(), torch.nn.Softsign()),
         (nn.Hardtanh(-2.0, 2.0), torch.nn.Hardtanh(-2.0, 2.0)), (nn.Hardsigmoid(), torch.nn.Hardsigmoid()),
         (nn.Hardswish(), torch.nn.Hardswish()), (nn.LogSigmoid(), torch.nn.LogSigmoid()),
         (nn.Softplus(2.0), torch.nn.Softplus(2.0, threshold=100))]


@pytest.mark.parametrize("ours, theirs", PAIRS, ids=[type(p[0]).__name__ for p in PAIRS])
def test_activation_module_matches_torch(ours, theirs):
    x = np.linspace(-4, 4, 33)
    np.testing.assert_allclose(ours(ag.Tensor(x)).data, theirs(torch.tensor(x)).numpy(), rtol=1e-9, atol=1e-12)


def test_sequential_with_new_modules_saves_and_loads(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.GELU("tanh"), nn.Dropout(0.1), nn.Linear(4, 2, rng=1))
    path = nn.save(model, str(tmp_path / "m.npz"))
    loaded = nn.load(path).eval()
    x = ag.Tensor(np.ones((2, 3)))
    np.testing.assert_array_equal(loaded(x).data, model.eval()(x).data)


def test_every_activation_module_is_in_the_one_registry_and_an_mlp_takes_its_name():
    modules = [c for c in nn.layers.ACTIVATIONS.values() if c.__module__ == "nn.activations"]
    assert {c.__name__ for c in modules} <= set(nn.__all__) and len(modules) == 12
    model = nn.MLP([3, 4, 2], activation="gelu", rng=0)
    x = np.random.default_rng(0).standard_normal((5, 3))
    h = torch.nn.functional.gelu(torch.tensor(x) @ torch.tensor(model.layers[0].weight.data).T
                                 + torch.tensor(model.layers[0].bias.data))
    expected = h @ torch.tensor(model.layers[1].weight.data).T + torch.tensor(model.layers[1].bias.data)
    np.testing.assert_allclose(model(x).data, expected.numpy(), rtol=1e-12)
