"""Module: parameter discovery, names, scopes, modes, state dicts and repr."""

import numpy as np
import pytest

import autograd_core as ag
import nn


class Pair(nn.Module):
    def __init__(self):
        self.first = nn.Linear(2, 3, rng=0)
        self.rest = [nn.Linear(3, 3, rng=1), nn.Tanh(), nn.Linear(3, 1, rng=2)]
        self.extra = {"scale": nn.Parameter(np.ones(1))}
        self.note = "not a parameter"
        self.buffer = ag.Tensor(np.zeros(2))  # a plain Tensor is not a parameter

    def forward(self, x):
        x = self.first(x)
        for layer in self.rest:
            x = layer(x)
        return x * self.extra["scale"]


def test_parameter_requires_grad_and_is_a_tensor():
    p = nn.Parameter(np.zeros((2, 3)))
    assert isinstance(p, ag.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter(")


def test_named_parameters_walk_attributes_lists_and_dicts_in_order():
    names = [n for n, _ in Pair().named_parameters()]
    assert names == ["first.weight", "first.bias", "rest.0.weight", "rest.0.bias",
                     "rest.2.weight", "rest.2.bias", "extra.scale"]


def test_shared_parameter_is_listed_once():
    class Tied(nn.Module):
        def __init__(self):
            self.a = nn.Linear(2, 2, rng=0)
            self.b = self.a

    assert [n for n, _ in Tied().named_parameters()] == ["a.weight", "a.bias"]


def test_named_modules_gives_dotted_names_depth_first():
    names = [n for n, _ in Pair().named_modules()]
    assert names == ["", "first", "rest.0", "rest.1", "rest.2"]


def test_setting_a_member_names_its_parameters_by_their_dotted_names():
    model = Pair()
    assert model.rest[2].weight.name == "rest.2.weight"
    assert model.extra["scale"].name == "extra.scale"


def test_ops_are_scoped_by_the_dotted_name_of_the_module_that_made_them(recorded_ops):
    model = nn.ResNet(2, 3, activation="leaky_relu", rng=0)  # a separate op for the activation
    out = model(np.ones((4, 2)))
    scopes = {".".join(op.scope) for op in recorded_ops(out)}
    module_names = {n for n, _ in model.named_modules()}
    assert {"blocks.0", "blocks.2", "head", "blocks.1.activation"} <= scopes
    assert scopes - {""} <= module_names


def test_a_module_that_no_module_holds_opens_no_scope():
    helper = nn.Linear(2, 2, rng=0)

    class Outer(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.ones(2))

        def forward(self, x):
            with ag.name_scope("outer"):
                return helper(x * self.w)

    out = Outer()(np.ones((1, 2)))
    assert out.op.scope == ("outer",)


def test_module_scopes_have_one_entry_per_dotted_part(recorded_ops):
    model = nn.ResNet(2, 2, rng=0)
    scopes = {op.scope for op in recorded_ops(model(np.ones((4, 2))))}
    assert {("blocks", "0"), ("blocks", "1"), ("head",)} <= scopes


def test_zero_grad_clears_every_gradient():
    model = Pair()
    model(np.ones((3, 2))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_set_the_mode_recursively():
    model = Pair()
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_state_dict_holds_copies_by_name():
    model = Pair()
    state = model.state_dict()
    assert set(state) == {n for n, _ in model.named_parameters()}
    state["first.bias"][:] = 99.0
    assert not np.any(model.first.bias.data == 99.0)


def test_load_state_dict_copies_values_in():
    source, target = nn.MLP([2, 4, 1], rng=0), nn.MLP([2, 4, 1], rng=1)
    target.load_state_dict(source.state_dict())
    for (n, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=n)


def test_load_state_dict_names_missing_unexpected_and_misshapen_keys():
    model = nn.MLP([2, 4, 1], rng=0)
    before = model.state_dict()
    state = model.state_dict()
    del state["layers.0.bias"]
    state["layers.9.weight"] = np.zeros(1)
    state["layers.1.weight"] = np.zeros((4, 1))
    with pytest.raises(ValueError) as e:
        model.load_state_dict(state)
    msg = str(e.value)
    assert "layers.0.bias" in msg and "layers.9.weight" in msg
    assert "layers.1.weight" in msg and "(4, 1)" in msg and "(1, 4)" in msg
    for k, v in model.state_dict().items():  # nothing was changed
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_not_strict_ignores_missing_and_unexpected_keys():
    model = nn.MLP([2, 4, 1], rng=0)
    model.load_state_dict({"layers.0.bias": np.full(4, 7.0), "other": np.zeros(3)}, strict=False)
    np.testing.assert_array_equal(model.layers[0].bias.data, np.full(4, 7.0))


def test_load_state_dict_rejects_non_floating_arrays():
    model = nn.Linear(2, 1, rng=0)
    with pytest.raises(ValueError, match="bias.*dtype"):
        model.load_state_dict({"weight": np.zeros((1, 2)), "bias": np.array(["x"])})


def test_repr_shows_the_tree_of_modules():
    text = repr(nn.ResNet(2, 2, rng=0))
    assert text.startswith("ResNet(dim=2, depth=2, step=0.1")
    assert "(blocks.1): ResidualBlock(dim=2, step=0.1, activation='tanh'" in text
    assert "(head): Linear(in_features=2, out_features=1, bias=True,\n    (activation): Sigmoid()" in text


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Bare"):
        type("Bare", (nn.Module,), {})()(1.0)


def test_scopes_and_names_follow_an_attribute_replaced_after_a_call(recorded_ops):
    model = nn.ResNet(2, 2, rng=0)
    model(np.ones((4, 2)))
    model.head = nn.Linear(2, 1, rng=1)
    out = model(np.ones((4, 2)))
    assert model.head.weight.name == "head.weight"
    assert "head" in {".".join(op.scope) for op in recorded_ops(out)}


def test_scopes_and_names_follow_layers_set_into_a_sequential():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Tanh(), nn.Linear(2, 2, rng=1))
    last = model[2]
    model[0], model[2] = model[2], model[0]
    out = model(np.ones((1, 2)))
    assert out.op.scope == ("2",) and out.op.inputs[1] is model[2].weight
    assert last.weight.name == "0.weight"


def test_names_do_not_depend_on_which_module_ran_last():
    model = nn.ResNet(2, 2, rng=0)
    model.blocks[0](np.ones((4, 2)))
    assert model.blocks[0].weight.name == "blocks.0.weight"
    model(np.ones((4, 2)))
    assert model.blocks[0].weight.name == "blocks.0.weight"


def test_a_deep_copy_is_scoped_by_its_own_submodules(recorded_ops):
    import copy

    model = nn.ResNet(2, 2, activation="leaky_relu", rng=0)
    model(np.ones((4, 2)))
    twin = copy.deepcopy(model)
    scopes = {".".join(op.scope) for op in recorded_ops(twin(np.ones((4, 2))))}
    assert {"blocks.0", "blocks.1.activation", "head"} <= scopes


# --- buffers ------------------------------------------------------------------------------------

class Counter(nn.Module):
    """A parameter, a float buffer and an int64 buffer, and a submodule with a buffer of its own."""

    def __init__(self):
        self.weight = nn.Parameter(np.ones(2))
        self.total = nn.Buffer(np.zeros(2))
        self.steps = nn.Buffer(np.array(0, dtype=np.int64))
        self.norm = nn.BatchNorm1d(2)


def test_buffer_is_a_tensor_that_does_not_require_grad():
    b = nn.Buffer(np.zeros(3))
    assert isinstance(b, ag.Tensor) and not b.requires_grad
    assert repr(b).startswith("Buffer(")


def test_buffers_are_not_parameters():
    model = Counter()
    assert [n for n, _ in model.named_parameters()] == ["weight", "norm.weight", "norm.bias"]
    assert not any(isinstance(p, nn.Buffer) for p in model.parameters())


def test_named_buffers_walks_attributes_in_order():
    names = [n for n, _ in Counter().named_buffers()]
    assert names == ["total", "steps", "norm.running_mean", "norm.running_var",
                     "norm.num_batches_tracked"]


def test_setting_a_member_names_its_buffers_by_their_dotted_names():
    assert Counter().norm.running_var.name == "norm.running_var"


def test_state_dict_holds_parameters_and_buffers_in_attribute_order():
    state = Counter().state_dict()
    assert list(state) == ["weight", "total", "steps", "norm.weight", "norm.bias",
                           "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"]
    assert state["steps"].dtype == np.int64


def test_load_state_dict_restores_buffers():
    model = Counter()
    state = model.state_dict()
    state["total"], state["steps"] = np.array([1.0, 2.0]), np.array(7, dtype=np.int64)
    model.load_state_dict(state)
    np.testing.assert_array_equal(model.total.data, [1.0, 2.0])
    assert model.steps.data == 7 and model.steps.dtype == np.int64


def test_load_state_dict_names_a_missing_buffer():
    state = Counter().state_dict()
    del state["norm.running_mean"]
    with pytest.raises(ValueError, match=r"missing keys \['norm.running_mean'\]"):
        Counter().load_state_dict(state)


def test_load_state_dict_names_a_misshapen_buffer_and_changes_nothing():
    model = Counter()
    state = model.state_dict()
    state["weight"], state["total"] = np.full(2, 5.0), np.zeros(3)
    with pytest.raises(ValueError, match=r"'total' has shape \(3,\), the model expects \(2,\)"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model.weight.data, np.ones(2))


def test_load_state_dict_refuses_a_float_for_an_integer_buffer():
    state = Counter().state_dict()
    state["steps"] = np.array(2.5)
    with pytest.raises(ValueError, match="'steps' has dtype float64, expected an integer dtype"):
        Counter().load_state_dict(state)


def test_an_optimiser_step_leaves_buffers_alone():
    model = Counter()
    model.total.copy_(np.array([3.0, 4.0]))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    (model.weight * 2.0).sum().backward()
    opt.step()
    np.testing.assert_array_equal(model.total.data, [3.0, 4.0])
    np.testing.assert_array_equal(model.weight.data, [0.8, 0.8])
