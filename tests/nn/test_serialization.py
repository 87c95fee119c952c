"""save / load: round trips, no pickle, and clear errors for damaged files."""

import json
import zipfile

import numpy as np
import pytest

import autograd_core as ag
import nn


def rewrite(path, **changes):
    """Rewrite a saved .npz with some entries replaced (None deletes one)."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    for k, v in changes.items():
        if v is None:
            arrays.pop(k)
        else:
            arrays[k] = v
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def description(path):
    return json.loads(str(np.load(path, allow_pickle=False)["__architecture__"]))


MODELS = {
    "mlp": lambda: nn.MLP([3, 5, 2], activation="leaky_relu", negative_slope=0.1, rng=0),
    "resnet": lambda: nn.ResNet(3, 4, step=0.2, activation="sigmoid", output_activation=None,
                                rng=0),
    "sequential": lambda: nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1)),
    "float32": lambda: nn.MLP([3, 2], dtype=np.float32, rng=0),
}


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_save_then_load_gives_the_same_model(tmp_path, make, rng):
    model = make()
    path = tmp_path / "model.npz"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    x = rng.standard_normal((4, 3)).astype(model.parameters()[0].dtype)
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


def test_saved_file_is_a_plain_npz_with_a_json_architecture(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.ResNet(2, 3, rng=0), path, metadata={"epochs": 5})
    with np.load(path, allow_pickle=False) as f:
        assert "blocks.2.weight" in f.files and f["head.weight"].shape == (1, 2)
    d = description(path)
    assert d["class"] == "ResNet" and d["config"]["depth"] == 3
    assert nn.serialization.read_description(path)["metadata"] == {"epochs": 5}


def test_load_of_a_truncated_file_is_a_value_error(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        nn.load(path)


def test_load_of_a_corrupted_file_is_a_value_error(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError):
        nn.load(path)


def test_load_never_unpickles(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 2], rng=0), path)
    rewrite(path, **{"layers.0.bias": np.array([print, 1], dtype=object)})
    with pytest.raises(ValueError, match="allow_pickle"):
        nn.load(path)


def test_load_names_a_weight_whose_shape_was_changed(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    rewrite(path, **{"layers.1.weight": np.zeros((2, 5))})
    with pytest.raises(ValueError, match=r"layers\.1\.weight.*\(2, 5\)"):
        nn.load(path)


def test_load_names_missing_and_unexpected_weights(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    d = description(path)
    d["parameters"]["stray"] = {"shape": [1], "dtype": "float64"}
    del d["parameters"]["layers.0.bias"]
    rewrite(path, **{"layers.0.bias": None, "stray": np.zeros(1),
                     "__architecture__": np.array(json.dumps(d))})
    with pytest.raises(ValueError, match=r"missing keys \['layers\.0\.bias'\].*unexpected keys \['stray'\]"):
        nn.load(path)


def test_load_rejects_an_unknown_class(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.Linear(2, 1, rng=0), path)
    d = description(path)
    d["class"] = "os.system"
    rewrite(path, __architecture__=np.array(json.dumps(d)))
    with pytest.raises(ValueError, match="unknown model class 'os.system'"):
        nn.load(path)


def test_load_rejects_a_config_the_constructor_refuses(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.Linear(2, 1, rng=0), path)
    d = description(path)
    d["config"]["evil"] = 1
    rewrite(path, __architecture__=np.array(json.dumps(d)))
    with pytest.raises(ValueError, match="cannot build Linear"):
        nn.load(path)


def test_load_rejects_an_npz_not_saved_by_nn(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, weight=np.zeros(3))
    with pytest.raises(ValueError, match="no architecture description"):
        nn.load(path)
    path.write_text("not a zip")
    with pytest.raises(ValueError, match="not a readable saved model"):
        nn.load(path)


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.npz"):
        nn.load(tmp_path / "nothing.npz")


def test_a_registered_custom_model_round_trips(tmp_path):
    @nn.register_model
    class Scaled(nn.Module):
        def __init__(self, n):
            self.n = n
            self.scale = nn.Parameter(np.arange(float(n)))

        def forward(self, x):
            return x * self.scale

        def get_config(self):
            return {"n": self.n}

    try:
        model = Scaled(3)
        with ag.no_grad():
            model.scale.copy_([5.0, 6.0, 7.0])
        nn.save(model, tmp_path / "s.npz")
        np.testing.assert_array_equal(nn.load(tmp_path / "s.npz").scale.data, [5.0, 6.0, 7.0])
    finally:
        nn.serialization.MODELS.pop("Scaled")


def test_saving_an_unregistered_model_says_how_to_register_it(tmp_path):
    class Unknown(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="register_model"):
        nn.save(Unknown(), tmp_path / "u.npz")


def test_save_leaves_no_temporary_file_behind(tmp_path):
    nn.save(nn.Linear(2, 1, rng=0), tmp_path / "m.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]
    assert zipfile.is_zipfile(tmp_path / "m.npz")
