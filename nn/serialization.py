"""Saving and loading models without pickle, as safetensors (or .npz) with a JSON architecture.

`save(model, "m.safetensors")` writes one tensor per parameter and buffer under its `state_dict()`
name (the names and layouts PyTorch uses) and, in the file's metadata, a JSON text {"format",
"version", "class", "config", "parameters" (every state_dict array: shape and dtype),
"metadata"}. A path ending in .npz writes the older layout: the same arrays in a NumPy .npz,
the JSON under the key `__architecture__`.

`load` reads either. It never runs code from the file and never allocates what the file merely
claims: it checks the description, works out every parameter's shape from the architecture
(classes come from the explicit table MODELS), checks those against the file's own headers and
its size, and only then builds the model and reads the weights. Arrays are floating, or int64
(a buffer such as BatchNorm's num_batches_tracked); load_state_dict checks which may be which.

This file is the entry points; architecture.py holds the registry (MODELS, register_model),
describe / build and the shapes an architecture implies, model_files.py the two file formats.
"""

import json
import os

import numpy as np

from nn.architecture import (  # noqa: F401  (the registry and architecture API, re-exported)
    MODELS, build, describe, expected_shapes, register_model,
)
from nn.model_files import (  # noqa: F401
    ARCHITECTURE_KEY, FLOAT_DTYPES, FORMAT, STATE_DTYPES, VERSION, npz_bytes, open_model,
    write_atomically,
)
from nn.module import Module


def save(model: Module, path, metadata: dict | None = None):
    """Write the model's weights and architecture to `path`, atomically; returns `path`.

    A name ending in .safetensors writes safetensors, one ending in .npz a NumPy .npz.
    `metadata`: optional JSON-serialisable dict stored alongside (e.g. training settings).
    The file gets the permissions a new file gets (it follows the umask).
    """
    kind = _kind_from_name(path)
    state = model.state_dict()
    if ARCHITECTURE_KEY in state:
        raise ValueError(f"a parameter may not be called {ARCHITECTURE_KEY!r}")
    text = json.dumps({"format": FORMAT, "version": VERSION, **describe(model),
                       "parameters": {k: {"shape": list(v.shape), "dtype": v.dtype.name}
                                      for k, v in state.items()},
                       "metadata": metadata or {}})
    if kind == "safetensors":
        from safetensors.numpy import save as safetensors_bytes
        content = safetensors_bytes(state, metadata={"format": FORMAT, "architecture": text})
    else:
        content = npz_bytes({ARCHITECTURE_KEY: np.array(text), **state})
    write_atomically(path, content)
    return path


def _kind_from_name(path):
    name = os.fspath(path)
    if name.endswith(".safetensors"):
        return "safetensors"
    if name.endswith(".npz"):
        return "npz"
    raise ValueError(f"save: {name!r} should end in .safetensors (or .npz for NumPy's format)")


def read_description(path) -> dict:
    """The JSON description stored in a saved model (class, config, parameters, metadata)."""
    with open_model(path) as reader:
        return reader.description


def load(path) -> Module:
    """The model saved at `path` (.safetensors or .npz), rebuilt and filled with its weights.

    Never runs code from the file. Raises FileNotFoundError if there is no file, and ValueError
    naming the problem if the file is not a model saved by `save`, is truncated or corrupted,
    or its weights do not fit its architecture.
    """
    with open_model(path) as reader:
        description = reader.description
        _check_shapes(path, description, reader.shapes)
        model = build(description)
        arrays = {name: reader.array(name) for name in reader.shapes}
    try:
        model.load_state_dict(arrays, strict=True)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    return model


def _check_shapes(path, description, shapes):
    """The file's arrays against its description and its architecture, before any allocation."""
    declared = {name: (tuple(d["shape"]), d["dtype"])
                for name, d in description["parameters"].items()}
    if declared != shapes:
        raise ValueError(f"{path}: the arrays in the file {_listing(shapes)} do not match the "
                         f"file's own description {_listing(declared)}")
    expected = expected_shapes(description)
    found = {n: s for n, (s, _) in shapes.items()}
    if expected is not None and expected != found:
        raise ValueError(f"{path}: the weights do not fit the architecture "
                         f"{description['class']}: " + _differences(expected, found))
    total = sum(int(np.prod(s, dtype=object)) * np.dtype(d).itemsize for s, d in shapes.values())
    if total > os.path.getsize(path):
        raise ValueError(f"{path} is truncated or corrupted: its weights need {total} bytes, the "
                         f"file has {os.path.getsize(path)}")


def _differences(expected, found):
    missing = [n for n in expected if n not in found][:5]
    unexpected = [n for n in found if n not in expected][:5]
    wrong = [f"'{n}' has shape {found[n]}, the architecture needs {s}"
             for n, s in expected.items() if n in found and found[n] != s][:5]
    return "; ".join([f"missing keys {missing}"] * bool(missing) +
                     [f"unexpected keys {unexpected}"] * bool(unexpected) + wrong)


def _listing(shapes):
    text = ", ".join(f"{n} {s} {d}" for n, (s, d) in sorted(shapes.items()))
    return "{" + (text if len(text) < 300 else text[:300] + "...") + "}"


__all__ = ["save", "load", "read_description", "register_model", "describe", "build",
           "expected_shapes", "MODELS"]
