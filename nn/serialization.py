"""Saving and loading models without pickle: weights in a .npz, architecture as JSON inside it.

The file holds one array per parameter (named as in `state_dict()`) and, under the key
`__architecture__`, a JSON text {"format", "version", "class", "config", "parameters",
"metadata"}. Loading reads it with allow_pickle=False, builds the class named there from a
registry of known model constructors (never from code in the file) and checks every name, shape
and dtype before copying the weights.
"""

import json
import os
import tempfile
import zipfile

import numpy as np

from nn.layers import Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.models import MLP, ResidualBlock, ResNet
from nn.module import Module

FORMAT, VERSION = "autograd-core-nn", 1
ARCHITECTURE_KEY = "__architecture__"

# class name -> Module subclass whose get_config() gives its constructor keywords (Sequential's
# layers are described one by one: see describe and build)
MODELS = {cls.__name__: cls for cls in (MLP, ResNet, ResidualBlock, Linear, Sequential, ReLU,
                                        LeakyReLU, Sigmoid, Tanh, Identity)}


def register_model(cls):
    """Make `cls` loadable by `load`; usable as a class decorator. It needs get_config()."""
    if not callable(getattr(cls, "get_config", None)):
        raise TypeError(f"{cls.__name__} needs a get_config() method to be saved and loaded")
    MODELS[cls.__name__] = cls
    return cls


def describe(model):
    """{"class": name, "config": constructor keywords} of a registered model."""
    name = type(model).__name__
    if type(model) is Sequential:  # its config holds its layers' descriptions
        return {"class": name, "config": {"layers": [describe(m) for m in model.layers]}}
    if MODELS.get(name) is not type(model):
        raise TypeError(f"{name} is not a registered model: decorate it with "
                        "nn.register_model (it needs a get_config() method)")
    return {"class": name, "config": model.get_config()}


def build(description):
    """The model a `describe()` result describes, freshly initialised."""
    if not isinstance(description, dict) or not isinstance(description.get("config"), dict):
        raise ValueError(f"bad model description {description!r}")
    name = description.get("class")
    if name not in MODELS:
        raise ValueError(f"unknown model class {name!r}; known: {sorted(MODELS)}")
    config = dict(description["config"])
    if name == "Sequential":
        return Sequential(*[build(d) for d in config.get("layers", [])])
    try:
        return MODELS[name](**config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"cannot build {name} from config {config}: {e}") from None


def save(model: Module, path, metadata: dict | None = None):
    """Write the model's weights and architecture to `path` (a .npz file), atomically.

    `metadata`: optional JSON-serialisable dict stored alongside (e.g. training settings).
    """
    state = model.state_dict()
    if ARCHITECTURE_KEY in state:
        raise ValueError(f"a parameter may not be called {ARCHITECTURE_KEY!r}")
    description = {"format": FORMAT, "version": VERSION, **describe(model),
                   "parameters": {k: {"shape": list(v.shape), "dtype": v.dtype.name}
                                  for k, v in state.items()},
                   "metadata": metadata or {}}
    text = json.dumps(description)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **{ARCHITECTURE_KEY: np.array(text)}, **state)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def read_description(path) -> dict:
    """The JSON description stored in a saved model (class, config, parameters, metadata)."""
    return _read(path)[0]


def load(path) -> Module:
    """The model saved at `path`, rebuilt from its description and filled with its weights.

    Never runs code from the file. Raises FileNotFoundError if there is no file, and ValueError
    naming the problem if the file is not a model saved by `save`, is truncated or corrupted,
    or its weights do not fit its architecture.
    """
    description, arrays = _read(path)
    model = build({"class": description["class"], "config": description["config"]})
    declared = description.get("parameters", {})
    for name, a in arrays.items():
        d = declared.get(name)
        if d is None or tuple(d.get("shape", ())) != a.shape or d.get("dtype") != a.dtype.name:
            raise ValueError(f"{path}: array '{name}' of shape {a.shape} and dtype {a.dtype} does "
                             f"not match the file's own description {d}")
    expected = {n: p.dtype for n, p in model.named_parameters()}
    for name, a in arrays.items():
        if name in expected and a.dtype != expected[name]:
            raise ValueError(f"{path}: '{name}' has dtype {a.dtype}, the model expects "
                             f"{expected[name]}")
    try:
        model.load_state_dict(arrays, strict=True)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return model


def _read(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no saved model at {path!r}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as e:
        raise ValueError(f"{path} is not a readable saved model (truncated or corrupted?): {e}") from None
    text = arrays.pop(ARCHITECTURE_KEY, None)
    if text is None or text.dtype.kind != "U" or text.ndim != 0:
        raise ValueError(f"{path} holds no architecture description: not saved by nn.save")
    try:
        description = json.loads(str(text))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: the architecture description is not valid JSON: {e}") from None
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise ValueError(f"{path}: not a model saved by nn.save (format {FORMAT!r} expected)")
    if description.get("version") != VERSION:
        raise ValueError(f"{path}: saved in format version {description.get('version')}, this "
                         f"version of nn reads version {VERSION}")
    for name, a in arrays.items():
        if a.dtype.kind != "f":
            raise ValueError(f"{path}: array '{name}' has dtype {a.dtype}, weights are floating point")
    return description, arrays


__all__ = ["save", "load", "read_description", "register_model", "describe", "build", "MODELS"]
