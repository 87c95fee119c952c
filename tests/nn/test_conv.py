"""nn.Conv2d, MaxPool2d, AvgPool2d and Flatten: PyTorch's layouts, so weights move across unchanged."""

import numpy as np
import pytest

import nn
import autograd_core as ag

torch = pytest.importorskip("torch")


def test_conv2d_has_pytorchs_parameter_names_and_shapes():
    layer = nn.Conv2d(4, 6, 3, groups=2, rng=0)
    assert {k: v.shape for k, v in layer.state_dict().items()} == {"weight": (6, 2, 3, 3), "bias": (6,)}


def test_conv2d_with_torch_weights_gives_torchs_output():
    theirs = torch.nn.Conv2d(3, 5, (3, 2), stride=2, padding=1, dilation=(1, 2)).double()
    ours = nn.Conv2d(3, 5, (3, 2), stride=2, padding=1, dilation=(1, 2))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    np.testing.assert_allclose(ours(ag.Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_conv2d_refuses_an_input_with_other_channels_naming_the_layer():
    with pytest.raises(ValueError, match="Conv2d.*\\(N, 3, H, W\\).*\\(2, 4, 5, 5\\)"):
        nn.Conv2d(3, 5, 3, rng=0)(ag.Tensor(np.zeros((2, 4, 5, 5))))


def test_pooling_layers_match_torch():
    x = np.random.default_rng(1).standard_normal((2, 3, 6, 5))
    for ours, theirs in [(nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
                         (nn.AvgPool2d(3, 1, 1), torch.nn.AvgPool2d(3, 1, 1))]:
        np.testing.assert_allclose(ours(ag.Tensor(x)).data, theirs(torch.tensor(x)).numpy(), rtol=1e-12)


def test_flatten_keeps_the_batch_axis():
    assert nn.Flatten()(ag.Tensor(np.zeros((2, 3, 4, 5)))).shape == (2, 60)
