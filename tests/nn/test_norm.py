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


# --- BatchNorm1d / BatchNorm2d against torch.nn's, float64 ------------------------------------

SHAPES = {"1d_NC": (nn.BatchNorm1d, "BatchNorm1d", (6, 3)),
          "1d_NCL": (nn.BatchNorm1d, "BatchNorm1d", (5, 3, 4)),
          "2d_NCHW": (nn.BatchNorm2d, "BatchNorm2d", (4, 3, 5, 6))}
CLOSE = dict(rtol=1e-10, atol=1e-12)


def batch_norm_pair(case, seed=0, **kwargs):
    """Our layer and torch's with 3 channels and the same random weight and bias."""
    ours_cls, torch_name, shape = case
    ours = ours_cls(3, **kwargs)
    theirs = getattr(torch.nn, torch_name)(3, dtype=torch.float64, **kwargs)
    rng = np.random.default_rng(seed)
    for name, p in ours.named_parameters():  # weight and bias (where there are)
        p.data = rng.standard_normal(3)
        with torch.no_grad():
            getattr(theirs, name).copy_(torch.tensor(p.data))
    return ours, theirs, shape


def batches(shape, n=4, seed=1):
    """n random batches, off zero mean and unit variance so the running stats move."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) * 3.0 + 2.0 for _ in range(n)]


def run_both(ours, theirs, xs):
    """Both layers' outputs of the last batch, after running every batch through each."""
    for x in xs:
        out, t_out = ours(x), theirs(torch.tensor(x))
    return out.data, t_out.detach().numpy()


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_training_output_matches_torch(case):
    ours, theirs, shape = batch_norm_pair(case)
    np.testing.assert_allclose(*run_both(ours, theirs, batches(shape, 1)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_training_gradients_match_torch(case):
    ours, theirs, shape = batch_norm_pair(case)
    x = batches(shape, 1)[0]
    c = np.random.default_rng(2).standard_normal(shape)
    xs, xt = ag.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(xs).backward(c)
    theirs(xt).backward(torch.tensor(c))
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy(), **CLOSE)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), **CLOSE)
    np.testing.assert_allclose(ours.bias.grad.data, theirs.bias.grad.numpy(), **CLOSE)


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_running_stats_after_several_steps_match_torch(case, momentum):
    ours, theirs, shape = batch_norm_pair(case, momentum=momentum)
    run_both(ours, theirs, batches(shape, 4))
    theirs_state = theirs.state_dict()
    for name, array in ours.state_dict().items():
        np.testing.assert_allclose(array, theirs_state[name].numpy(), err_msg=name, **CLOSE)
    assert ours.num_batches_tracked.data == 4 and ours.num_batches_tracked.dtype == np.int64


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_eval_output_uses_running_stats_as_torch(case):
    ours, theirs, shape = batch_norm_pair(case)
    run_both(ours, theirs, batches(shape, 3))
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(*run_both(ours, theirs, batches(shape, 1, seed=5)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_eval_gradients_match_torch(case):
    ours, theirs, shape = batch_norm_pair(case)
    run_both(ours, theirs, batches(shape, 2))
    ours.eval(), theirs.eval()
    x = batches(shape, 1, seed=5)[0]
    xs, xt = ag.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(xs).sum().backward()
    theirs(xt).sum().backward()
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy(), **CLOSE)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), **CLOSE)


def test_batch_norm_eval_leaves_the_running_stats_alone():
    layer = nn.BatchNorm1d(3)
    layer(batches((6, 3), 1)[0])
    before = layer.state_dict()
    layer.eval()(batches((6, 3), 1, seed=3)[0])
    for name, array in layer.state_dict().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)


def test_an_eval_graph_keeps_the_running_stats_it_was_built_with():
    layer = nn.BatchNorm1d(3)
    layer(batches((6, 3), 1)[0])
    x = ag.Tensor(batches((6, 3), 1, seed=3)[0], requires_grad=True)
    out = layer.eval()(x)
    expected = 1 / np.sqrt(layer.running_var.data + layer.eps) * layer.weight.data
    layer.train()(batches((6, 3), 1, seed=4)[0])  # moves the running stats
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.broadcast_to(expected, (6, 3)), **CLOSE)


@pytest.mark.parametrize("kwargs", [{}, {"affine": False}, {"bias": False},
                                    {"track_running_stats": False},
                                    {"affine": False, "track_running_stats": False}])
@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_state_dict_keys_are_torchs(case, kwargs):
    ours, theirs, _ = batch_norm_pair(case, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_without_running_stats_uses_batch_stats_in_eval_as_torch(case):
    ours, theirs, shape = batch_norm_pair(case, track_running_stats=False)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(*run_both(ours, theirs, batches(shape, 1)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_without_affine_has_no_parameters_and_matches_torch(case):
    ours, theirs, shape = batch_norm_pair(case, affine=False)
    assert ours.parameters() == []
    np.testing.assert_allclose(*run_both(ours, theirs, batches(shape, 2)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_batch_norm_without_bias_matches_torch(case):
    ours, theirs, shape = batch_norm_pair(case, bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight"]
    np.testing.assert_allclose(*run_both(ours, theirs, batches(shape, 2)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_torchs_state_dict_loads_into_ours_and_evaluates_the_same(case):
    ours, theirs, shape = batch_norm_pair(case)
    fresh = case[0](3)
    run_both(ours, theirs, batches(shape, 3))
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    fresh.eval(), theirs.eval()
    np.testing.assert_allclose(*run_both(fresh, theirs, batches(shape, 1, seed=5)), **CLOSE)


@pytest.mark.parametrize("case", SHAPES.values(), ids=SHAPES.keys())
def test_our_state_dict_loads_into_torchs_and_evaluates_the_same(case):
    ours, _, shape = batch_norm_pair(case)
    fresh = getattr(torch.nn, case[1])(3, dtype=torch.float64)
    for x in batches(shape, 3):
        ours(x)
    fresh.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    assert fresh.num_batches_tracked.item() == 3
    ours.eval(), fresh.eval()
    np.testing.assert_allclose(*run_both(ours, fresh, batches(shape, 1, seed=5)), **CLOSE)


def test_batch_norm_repr_is_torchs():
    assert repr(nn.BatchNorm2d(3, momentum=None)) == repr(torch.nn.BatchNorm2d(3, momentum=None))


@pytest.mark.parametrize("layer, shape, words", [
    (nn.BatchNorm1d(3), (2, 3, 4, 5), r"\(N, 3\) or \(N, 3, L\), got shape \(2, 3, 4, 5\)"),
    (nn.BatchNorm1d(3), (6,), r"got shape \(6,\)"),
    (nn.BatchNorm1d(3), (6, 4), r"got shape \(6, 4\)"),
    (nn.BatchNorm2d(3), (2, 3, 4), r"\(N, 3, H, W\), got shape \(2, 3, 4\)"),
    (nn.BatchNorm2d(3), (2, 4, 5, 5), r"got shape \(2, 4, 5, 5\)"),
], ids=["1d_given_4d", "1d_given_1d", "1d_wrong_channels", "2d_given_3d", "2d_wrong_channels"])
def test_batch_norm_names_a_wrong_input_shape(layer, shape, words):
    with pytest.raises(ValueError, match=words):
        layer(np.ones(shape))


def test_batch_norm_refuses_one_value_per_channel_in_training():
    with pytest.raises(ValueError, match=r"more than 1 value per channel.*\(1, 3\)"):
        nn.BatchNorm1d(3)(np.ones((1, 3)))


def test_batch_norm_normalises_one_sample_in_eval_mode():
    out = nn.BatchNorm1d(3).eval()(np.full((1, 3), 2.0))
    np.testing.assert_allclose(out.data, np.full((1, 3), 2.0 / np.sqrt(1 + 1e-5)), **CLOSE)


def test_batch_norm_refuses_a_non_positive_num_features():
    with pytest.raises(ValueError, match="positive num_features, got 0"):
        nn.BatchNorm2d(0)
