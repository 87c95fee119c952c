"""nn.LayerNorm against PyTorch's; nn.Dropout in training and evaluation mode."""

import numpy as np
import pytest

import nn
import autograd_core as ag

torch = pytest.importorskip("torch")


def test_layer_norm_matches_torch_in_value_and_gradient():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 4, 5)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    ours = nn.LayerNorm((4, 5))
    ours.load_state_dict({"weight": w, "bias": b})
    t = torch.tensor(x, requires_grad=True)
    theirs = torch.nn.functional.layer_norm(t, (4, 5), torch.tensor(w), torch.tensor(b))
    xt = ag.Tensor(x, requires_grad=True)
    out = ours(xt)
    np.testing.assert_allclose(out.data, theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
    c = rng.standard_normal(out.shape)
    out.backward(c)
    theirs.backward(torch.tensor(c))
    np.testing.assert_allclose(xt.grad.data, t.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_dropout_zeroes_and_rescales_in_training_only():
    layer = nn.Dropout(0.5, rng=0)
    x = ag.Tensor(np.ones((1000,)))
    y = layer(x).data
    assert set(np.unique(y)) == {0.0, 2.0} and 400 < (y == 0).sum() < 600
    layer.eval()
    assert layer(x) is x


def test_dropout_refuses_p_of_one():
    with pytest.raises(ValueError, match="Dropout"):
        nn.Dropout(1.0)
