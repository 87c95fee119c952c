"""save / load: round trips, no pickle, and clear errors for damaged files."""

import io
import json
import os
import stat
import tracemalloc
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
    with pytest.raises(ValueError, match="dtype object.*nothing is unpickled"):
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
    with pytest.raises(ValueError, match="not a saved model: neither a safetensors file nor"):
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


# --- safetensors --------------------------------------------------------------------------------

@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_safetensors_round_trip_gives_the_same_model(tmp_path, make, rng):
    model = make()
    nn.save(model, tmp_path / "m.safetensors")
    loaded = nn.load(tmp_path / "m.safetensors")
    x = rng.standard_normal((4, 3)).astype(model.parameters()[0].dtype)
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


def test_safetensors_file_holds_the_state_dict_and_the_architecture(tmp_path):
    from safetensors.numpy import load_file
    from safetensors import safe_open
    model = nn.MLP([3, 5, 2], rng=0)
    nn.save(model, tmp_path / "m.safetensors", metadata={"epochs": 5})
    tensors = load_file(tmp_path / "m.safetensors")
    assert sorted(tensors) == sorted(model.state_dict())
    with safe_open(tmp_path / "m.safetensors", framework="numpy") as f:
        architecture = json.loads(f.metadata()["architecture"])
    assert architecture["class"] == "MLP" and architecture["metadata"] == {"epochs": 5}


def test_pytorch_loads_the_safetensors_file_without_conversion(tmp_path, rng):
    if os.environ.get("CI") != "true":
        pytest.importorskip("torch", reason="the PyTorch check needs torch (installed in CI)")
    import torch
    from safetensors.torch import load_file
    ours = nn.Sequential(nn.Linear(3, 5, rng=0), nn.ReLU(), nn.Linear(5, 2, rng=1))
    nn.save(ours, tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    theirs.double().load_state_dict(load_file(tmp_path / "m.safetensors"), strict=True)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), ours(x).data,
                               rtol=1e-12, atol=1e-12)


def test_save_refuses_a_name_without_a_known_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"m\.bin.*should end in \.safetensors"):
        nn.save(nn.Linear(2, 1, rng=0), tmp_path / "m.bin")


# --- permissions --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["m.safetensors", "m.npz"])
def test_saved_file_follows_the_umask(tmp_path, name):
    old = os.umask(0o022)
    try:
        nn.save(nn.Linear(2, 1, rng=0), tmp_path / name)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644


def test_saving_over_a_file_keeps_it_readable_by_others(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"old")
    path.chmod(0o644)
    old = os.umask(0o022)
    try:
        nn.save(nn.Linear(2, 1, rng=0), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


# --- hostile files: each raises ValueError, allocates nothing it claims -------------------------

def write_npz(path, architecture, arrays=None):
    """An .npz holding `architecture` (JSON-encoded unless a str) and float arrays."""
    text = architecture if isinstance(architecture, str) else json.dumps(architecture)
    np.savez(path, __architecture__=np.array(text), **(arrays or {}))


def saved_description(tmp_path):
    path = tmp_path / "good.npz"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files if k != "__architecture__"}
    return description(path), arrays


def changed(d, **changes):
    d = json.loads(json.dumps(d))
    for key, value in changes.items():
        if value is None:
            d.pop(key)
        else:
            d[key] = value
    return d


HOSTILE = {
    "no_class": (lambda d: changed(d, **{"class": None}), r"unknown model class None"),
    "no_config": (lambda d: changed(d, config=None), r"needs a \"class\" name and a \"config\""),
    "config_a_list": (lambda d: changed(d, config=[1, 2]), r"\"config\" object"),
    "entry_a_number": (lambda d: changed(d, parameters={**d["parameters"], "layers.0.bias": 5}),
                       r"'layers.0.bias' needs a \"shape\" list"),
    "shape_a_number": (lambda d: changed(d, parameters={
        **d["parameters"], "layers.0.bias": {"shape": 4, "dtype": "float64"}}),
        r"'layers.0.bias' needs a \"shape\" list"),
    "parameters_a_list": (lambda d: changed(d, parameters=[1]), r"\"parameters\" must be an object"),
    "dtype_object": (lambda d: changed(d, parameters={
        **d["parameters"], "layers.0.bias": {"shape": [4], "dtype": "object"}}), r"dtype 'object'"),
    "sizes_floats": (lambda d: changed(d, config={**d["config"], "sizes": [3, 1e7, 1e7, 2]}),
                     r"'sizes' must be a positive integer, got 10000000.0"),
    "sizes_huge": (lambda d: changed(d, config={**d["config"], "sizes": [3, 10**7, 10**7, 2]}),
                   r"do not fit the architecture MLP.*layers.2.weight"),
    "sizes_a_string": (lambda d: changed(d, config={**d["config"], "sizes": "3,4"}),
                       r"list of at least two sizes"),
    "metadata_a_string": (lambda d: changed(d, metadata="x"), r"\"metadata\" must be an object"),
    "not_a_dict": (lambda d: [d], r"not a model saved by nn.save"),
}


@pytest.mark.parametrize("edit, words", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_description_is_a_value_error_and_allocates_nothing(tmp_path, edit, words):
    d, arrays = saved_description(tmp_path)
    write_npz(tmp_path / "bad.npz", edit(d), arrays)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=words):
            nn.load(tmp_path / "bad.npz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_deeply_nested_json_is_a_value_error(tmp_path):
    write_npz(tmp_path / "deep.npz", '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match="not valid JSON|nested more than"):
        nn.load(tmp_path / "deep.npz")


def test_nested_sequentials_past_the_limit_are_a_value_error(tmp_path):
    layer = {"class": "ReLU", "config": {}}
    for _ in range(200):
        layer = {"class": "Sequential", "config": {"layers": [layer]}}
    d = {"format": "autograd-core-nn", "version": 1, **layer, "parameters": {}, "metadata": {}}
    write_npz(tmp_path / "deep.npz", d)
    with pytest.raises(ValueError, match="nested more than 64 levels"):
        nn.load(tmp_path / "deep.npz")


def test_raw_bytes_for_the_architecture_are_a_value_error(tmp_path):
    d, arrays = saved_description(tmp_path)
    np.savez(tmp_path / "bytes.npz", __architecture__=np.array(json.dumps(d).encode()), **arrays)
    with pytest.raises(ValueError, match="holds no architecture description"):
        nn.load(tmp_path / "bytes.npz")


def test_a_zip_member_that_is_not_npy_is_a_value_error(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP([3, 2], rng=0), path)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("script.py", "print('hello')")
    with pytest.raises(ValueError, match=r"'script.py' is not a \.npy array"):
        nn.load(path)


def test_an_npy_header_declaring_1e15_floats_is_refused_before_allocating(tmp_path):
    d, arrays = saved_description(tmp_path)
    path = tmp_path / "huge.npz"
    write_npz(path, d, arrays)
    assert_a_huge_npy_member_is_refused_before_allocating(path, "<f8")


def assert_a_huge_npy_member_is_refused_before_allocating(path, descr):
    """Add to the .npz at `path` a member whose header declares 10^15 values of `descr`."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": descr, "fortran_order": False, "shape": (10**15,)})
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("extra.npy", header.getvalue() + b"\0" * 64)
    assert_refused_without_allocating(path, r"declares 8000000000000000 bytes")


def assert_refused_without_allocating(path, match):
    """nn.load(path) raises ValueError matching `match`, having allocated under 10 MB."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            nn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_a_text_file_is_named_without_mentioning_pickle(tmp_path):
    path = tmp_path / "notes.safetensors"
    path.write_text("these are my notes, not a model\n")
    with pytest.raises(ValueError, match="neither a safetensors file nor") as caught:
        nn.load(path)
    assert "pickle" not in str(caught.value)


def test_a_truncated_safetensors_file_is_a_value_error(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save(nn.MLP([3, 4, 2], rng=0), path)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        nn.load(path)


def test_safetensors_without_the_architecture_is_a_value_error(tmp_path):
    from safetensors.numpy import save_file
    save_file({"weight": np.zeros((2, 2))}, tmp_path / "plain.safetensors")
    with pytest.raises(ValueError, match="holds no architecture description"):
        nn.load(tmp_path / "plain.safetensors")


def test_safetensors_of_int32_tensors_is_a_value_error(tmp_path):
    from safetensors.numpy import save_file
    d, _ = saved_description(tmp_path)
    save_file({"layers.0.weight": np.zeros((4, 3), dtype=np.int32)}, tmp_path / "int.safetensors",
              metadata={"architecture": json.dumps(d)})
    with pytest.raises(ValueError, match="dtype I32"):
        nn.load(tmp_path / "int.safetensors")


@pytest.mark.parametrize("suffix", ["safetensors", "npz"])
def test_an_int64_array_in_place_of_a_weight_is_a_value_error(tmp_path, suffix):
    path = tmp_path / f"m.{suffix}"
    nn.save(nn.Linear(3, 2, rng=0), path)
    d = nn.serialization.read_description(path)
    d["parameters"]["weight"]["dtype"] = "int64"
    arrays = {"weight": np.zeros((2, 3), dtype=np.int64), "bias": np.zeros(2)}
    if suffix == "npz":
        write_npz(path, d, arrays)
    else:
        from safetensors.numpy import save_file
        save_file(arrays, path, metadata={"architecture": json.dumps(d)})
    with pytest.raises(ValueError, match="'weight' has dtype int64, expected a floating dtype"):
        nn.load(path)


# --- buffers (BatchNorm's running stats) ----------------------------------------------------------

def trained_batch_norm_model(rng):
    """Linear -> BatchNorm1d -> ReLU whose running stats have moved over three training steps."""
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4), nn.ReLU())
    for _ in range(3):
        model(rng.standard_normal((8, 3)))
    return model.eval()


@pytest.mark.parametrize("suffix", ["safetensors", "npz"])
def test_buffers_round_trip_with_their_dtypes(tmp_path, rng, suffix):
    model = trained_batch_norm_model(rng)
    nn.save(model, tmp_path / f"m.{suffix}")
    loaded = nn.load(tmp_path / f"m.{suffix}")
    state = loaded.state_dict()
    assert list(state) == list(model.state_dict())
    assert state["1.num_batches_tracked"].dtype == np.int64 and state["1.num_batches_tracked"] == 3
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(state[name], array, err_msg=name)


def test_a_loaded_batch_norm_model_evaluates_as_the_saved_one(tmp_path, rng):
    model = trained_batch_norm_model(rng)
    nn.save(model, tmp_path / "m.safetensors")
    loaded = nn.load(tmp_path / "m.safetensors").eval()
    x = rng.standard_normal((5, 3))
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


def test_pytorch_loads_batch_norm_buffers_from_the_safetensors_file(tmp_path, rng):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file
    ours = trained_batch_norm_model(rng)
    nn.save(ours, tmp_path / "m.safetensors")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU())
    theirs.double().load_state_dict(load_file(tmp_path / "m.safetensors"), strict=True)
    assert theirs[1].num_batches_tracked.item() == 3
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(theirs.eval()(torch.from_numpy(x)).detach().numpy(), ours(x).data,
                               rtol=1e-12, atol=1e-12)


def test_a_float_num_batches_tracked_is_a_value_error(tmp_path, rng):
    path = tmp_path / "m.npz"
    nn.save(trained_batch_norm_model(rng), path)
    d = description(path)
    d["parameters"]["1.num_batches_tracked"]["dtype"] = "float64"
    rewrite(path, **{"1.num_batches_tracked": np.array(3.0),
                     "__architecture__": np.array(json.dumps(d))})
    with pytest.raises(ValueError, match="'1.num_batches_tracked' has dtype float64, expected an int"):
        nn.load(path)


def test_a_batch_norm_buffer_of_the_wrong_shape_is_refused_before_building(tmp_path, rng):
    path = tmp_path / "m.npz"
    nn.save(trained_batch_norm_model(rng), path)
    d = description(path)
    d["parameters"]["1.running_var"]["shape"] = [40]
    rewrite(path, **{"1.running_var": np.ones(40), "__architecture__": np.array(json.dumps(d))})
    with pytest.raises(ValueError, match=r"do not fit the architecture Sequential.*1.running_var"):
        nn.load(path)


def test_an_npy_header_declaring_1e15_int64s_is_refused_before_allocating(tmp_path, rng):
    path = tmp_path / "m.npz"
    nn.save(trained_batch_norm_model(rng), path)
    assert_a_huge_npy_member_is_refused_before_allocating(path, "<i8")


def test_a_batch_norm_config_of_a_billion_features_allocates_nothing(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.BatchNorm1d(4), path)
    d = description(path)
    d["config"]["num_features"] = 10**9
    rewrite(path, __architecture__=np.array(json.dumps(d)))
    assert_refused_without_allocating(path, r"do not fit the architecture BatchNorm1d.*running_mean")
