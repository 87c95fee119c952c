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
