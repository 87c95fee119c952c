"""Linear, Sequential, activations and the seeds' models: shapes, values and gradients."""

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core.checks import gradcheck


def test_linear_computes_x_times_weight_transposed_plus_bias(rng):
    layer = nn.Linear(3, 2, rng=0)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data.T + layer.bias.data)


def test_linear_without_bias_has_only_a_weight():
    layer = nn.Linear(3, 2, bias=False, rng=0)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_allclose(layer(np.eye(3)).data, layer.weight.data.T)


@pytest.mark.parametrize("module, function", [(nn.ReLU(), ag.relu), (nn.Sigmoid(), ag.sigmoid),
                                              (nn.Tanh(), ag.tanh)])
def test_linear_fuses_relu_sigmoid_and_tanh_into_its_one_op(module, function, rng):
    layer, x = nn.Linear(3, 2, activation=module, rng=0), rng.standard_normal((4, 3))
    out = layer(x)
    assert isinstance(out.op.function, ag.ops.Affine)
    assert type(out.op.function.activation).__name__.lower() == module.name
    plain = ag.linear(x, layer.weight, layer.bias)
    np.testing.assert_allclose(out.data, function(plain).data, rtol=1e-14)


def test_linear_applies_another_activation_module_after_its_op(rng):
    layer, x = nn.Linear(3, 2, activation=nn.LeakyReLU(0.1), rng=0), rng.standard_normal((4, 3))
    out = layer(x)
    assert isinstance(out.op.function, ag.ops.LeakyRelu) and out.op.inputs[0].name == "Affine"
    np.testing.assert_allclose(out.data, ag.leaky_relu(ag.linear(x, layer.weight, layer.bias), 0.1).data)


def test_linear_takes_an_activation_by_its_registry_name():
    layer = nn.Linear(3, 2, activation="tanh", rng=0)
    assert isinstance(layer.activation, nn.Tanh)
    assert layer.get_config()["activation"] == "tanh"
    assert isinstance(nn.Linear(**layer.get_config()).activation, nn.Tanh)


def test_mlp_records_one_node_per_layer_with_a_fusable_activation(recorded_ops):
    model = nn.MLP([3, 5, 4, 2], activation="tanh", rng=0)
    ops = recorded_ops(model(np.ones((6, 3))))
    assert [op.name for op in ops] == ["Affine"] * 3
    assert sorted(op.scope for op in ops) == [("layers", "0"), ("layers", "1"), ("layers", "2")]


@pytest.mark.parametrize("activation, ops", [("tanh", ["ResidualAffine"]),
                                             ("leaky_relu", ["AddScaled", "Affine", "LeakyRelu"])])
def test_residual_block_is_one_node_when_the_engine_fuses_its_activation(
        activation, ops, rng, recorded_ops):
    block = nn.ResidualBlock(3, step=0.2, activation=activation, rng=0)
    y = ag.Tensor(rng.standard_normal((5, 3)), requires_grad=True)
    out = block(y)
    assert sorted(op.name for op in recorded_ops(out)) == ops
    z = y.data @ block.weight.data.T + block.bias.data
    act = np.tanh(z) if activation == "tanh" else np.where(z > 0, z, 0.01 * z)
    np.testing.assert_allclose(out.data, y.data + 0.2 * act, rtol=1e-14)


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    layer = nn.Linear(400, 300, rng=0)
    bound = 1 / np.sqrt(400)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.95 * bound


def test_linear_gradients_match_finite_differences(rng):
    layer = nn.Linear(3, 2, rng=0)
    x = rng.standard_normal((4, 3))

    def f(w, b, xx):
        return ag.matmul(xx, w.T) + b

    gradcheck(f, [layer.weight.data.copy(), layer.bias.data.copy(), x])
    out = layer(x)
    out.backward(np.ones(out.shape))
    np.testing.assert_allclose(layer.weight.grad.data, np.ones((2, 4)) @ x)
    np.testing.assert_allclose(layer.bias.grad.data, [4.0, 4.0])


def test_linear_rejects_inputs_with_the_wrong_number_of_features():
    with pytest.raises(ValueError, match=r"3 features, got shape \(4, 5\)"):
        nn.Linear(3, 2, rng=0)(np.ones((4, 5)))


def test_linear_keeps_float32():
    layer = nn.Linear(3, 2, rng=0, dtype=np.float32)
    out = layer(np.ones((1, 3), dtype=np.float32))
    assert layer.weight.dtype == np.float32 and out.dtype == np.float32


def test_sequential_applies_layers_in_order_and_names_them_by_index(rng):
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = rng.standard_normal((5, 2))
    hidden = np.maximum(x @ model[0].weight.data.T + model[0].bias.data, 0)
    np.testing.assert_allclose(model(x).data, hidden @ model[2].weight.data.T + model[2].bias.data)


FUSABLE_MODULES = [(nn.ReLU, "relu"), (nn.Sigmoid, "sigmoid"), (nn.Tanh, "tanh")]


def _unfused(model, x):
    """The model's layers called one by one, as Sequential did before it fused."""
    for layer in model:
        x = layer(x)
    return x


@pytest.mark.parametrize("module, torch_name", FUSABLE_MODULES)
def test_sequential_fuses_a_linear_and_the_activation_after_it_into_one_op(
        module, torch_name, rng, recorded_ops):
    model = nn.Sequential(nn.Linear(4, 8, rng=0), module(), nn.Linear(8, 1, rng=1))
    x = ag.Tensor(rng.standard_normal((5, 4)), requires_grad=True)
    out = model(x)
    assert [op.name for op in recorded_ops(out)] == ["Affine", "Affine"]
    hidden = out.op.inputs[0]  # the node of the first layer
    assert hidden.scope == ("0",) and type(hidden.function.activation).__name__.lower() == torch_name
    apart = _unfused(model, x)
    np.testing.assert_array_equal(out.data, apart.data)
    inputs = [x, *model.parameters()]
    for fused, separate in zip(ag.grad(out.sum(), inputs), ag.grad(apart.sum(), inputs)):
        np.testing.assert_allclose(fused.data, separate.data, rtol=1e-14, atol=1e-15)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


@pytest.mark.parametrize("module, torch_name", FUSABLE_MODULES)
def test_fused_sequential_matches_pytorch_values_and_gradients(module, torch_name, rng):
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(4, 8, rng=0), module(), nn.Linear(8, 1, rng=1))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), getattr(torch.nn, module.__name__)(),
                                 torch.nn.Linear(8, 1)).double()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = rng.standard_normal((6, 4))
    out = ours(x)
    out.sum().backward()
    expected = theirs(torch.from_numpy(x))
    expected.sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(dict(ours.named_parameters())[name].grad.data,
                                   p.grad.numpy(), rtol=1e-12, atol=1e-14)


class _DoubledReLU(nn.ReLU):
    def forward(self, x):
        return 2 * super().forward(x)


class _ShiftedLinear(nn.Linear):
    def forward(self, x):
        return super().forward(x) + 1.0


@pytest.mark.parametrize("layers", [
    lambda: [nn.Linear(3, 3, rng=0), _DoubledReLU()],  # a subclass may change forward
    lambda: [_ShiftedLinear(3, 3, rng=0), nn.ReLU()],
    lambda: [nn.Linear(3, 3, activation="tanh", rng=0), nn.ReLU()],  # its own activation first
    lambda: [nn.Linear(3, 3, rng=0), nn.LeakyReLU(0.1)],  # the engine cannot fuse it
], ids=["activation-subclass", "linear-subclass", "linear-with-activation", "leaky-relu"])
def test_sequential_runs_other_pairs_as_their_modules_wrote_them(layers, rng, recorded_ops):
    model = nn.Sequential(*layers())
    x = rng.standard_normal((4, 3))
    out = model(x)
    assert len(recorded_ops(out)) > 1 and out.op.scope == ("1",)
    np.testing.assert_array_equal(out.data, _unfused(model, x).data)


def test_sequential_rejects_linear_layers_that_do_not_fit():
    with pytest.raises(ValueError, match="layer 0 .* gives 3 features but layer 2 .* takes 4"):
        nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(4, 1))


@pytest.mark.parametrize("module, reference", [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Identity(), lambda x: x),
], ids=["relu", "leaky_relu", "sigmoid", "tanh", "identity"])
def test_activation_modules_match_numpy(module, reference, rng):
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(module(ag.Tensor(x)).data, reference(x), rtol=1e-12)


def test_sigmoid_module_does_not_overflow():
    out = nn.Sigmoid()(ag.Tensor([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out.data, [0.0, 1.0])


def test_mlp_builds_linear_layers_of_the_given_sizes():
    model = nn.MLP([784, 128, 128, 10], rng=0)
    assert [layer.weight.shape for layer in model.layers] == [(128, 784), (128, 128), (10, 128)]
    assert model(np.zeros((2, 784))).shape == (2, 10)


def test_mlp_applies_the_output_activation():
    model = nn.MLP([3, 4, 2], output_activation="sigmoid", rng=0)
    out = model(np.ones((5, 3))).data
    assert np.all((out > 0) & (out < 1))


def test_mlp_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([2, 2], activation="swish")


def test_resnet_output_has_one_value_per_sample():
    model = nn.ResNet(4, 3, rng=0)
    out = model(np.zeros((7, 4)))
    assert out.shape == (7,)
    assert np.all((out.data > 0) & (out.data < 1))


def test_resnet_state_dict_keys_name_the_seed000_parameters():
    state = nn.ResNet(3, 2, rng=0).state_dict()
    assert {k: v.shape for k, v in state.items()} == {
        "blocks.0.weight": (3, 3), "blocks.0.bias": (3,), "blocks.1.weight": (3, 3),
        "blocks.1.bias": (3,), "head.weight": (1, 3), "head.bias": (1,)}


def test_resnet_rejects_inputs_of_another_width():
    with pytest.raises(ValueError, match=r"\(N, 4\), got \(5, 2\)"):
        nn.ResNet(4, 2, rng=0)(np.zeros((5, 2)))


def test_models_are_reproducible_from_a_seed():
    a, b = nn.ResNet(3, 2, rng=7).state_dict(), nn.ResNet(3, 2, rng=7).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
