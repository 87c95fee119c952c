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
"""

import json
import os
import zipfile

import numpy as np

from nn.layers import Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.models import MLP, ResidualBlock, ResNet
from nn.module import Module

FORMAT, VERSION = "autograd-core-nn", 1
ARCHITECTURE_KEY = "__architecture__"
MAX_NESTING = 64  # deepest JSON nesting a description may have (Sequential inside Sequential...)
FLOAT_DTYPES = ("float16", "float32", "float64")
STATE_DTYPES = FLOAT_DTYPES + ("int64",)  # the dtypes a saved array may have
_SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32", "F64": "float64", "I64": "int64"}

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
    name, config = _class_and_config(description)
    if name == "Sequential":
        layers = config.get("layers", [])
        if not isinstance(layers, list):
            raise ValueError(f"Sequential's config needs a list of layers, got {layers!r:.80}")
        return Sequential(*[build(d) for d in layers])
    try:
        return MODELS[name](**config)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as e:
        raise ValueError(f"cannot build {name} from config {config}: {e}") from None


def _class_and_config(description):
    if not isinstance(description, dict) or not isinstance(description.get("config"), dict):
        raise ValueError(f"bad model description {description!r:.200}: it needs a \"class\" "
                         "name and a \"config\" object")
    name = description.get("class")
    if not isinstance(name, str) or name not in MODELS:
        raise ValueError(f"unknown model class {name!r:.80}; known: {sorted(MODELS)}")
    return name, dict(description["config"])


# --- saving -------------------------------------------------------------------------------------

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
        content = _npz_bytes({ARCHITECTURE_KEY: np.array(text), **state})
    _write_atomically(path, content)
    return path


def _kind_from_name(path):
    name = os.fspath(path)
    if name.endswith(".safetensors"):
        return "safetensors"
    if name.endswith(".npz"):
        return "npz"
    raise ValueError(f"save: {name!r} should end in .safetensors (or .npz for NumPy's format)")


def _npz_bytes(arrays):
    import io
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _write_atomically(path, content: bytes):
    """Write to a new file beside `path` (mode 0o666 less the umask), then rename it over `path`."""
    tmp = f"{os.fspath(path)}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# --- loading ------------------------------------------------------------------------------------

def read_description(path) -> dict:
    """The JSON description stored in a saved model (class, config, parameters, metadata)."""
    with _open(path) as reader:
        return reader.description


def load(path) -> Module:
    """The model saved at `path` (.safetensors or .npz), rebuilt and filled with its weights.

    Never runs code from the file. Raises FileNotFoundError if there is no file, and ValueError
    naming the problem if the file is not a model saved by `save`, is truncated or corrupted,
    or its weights do not fit its architecture.
    """
    with _open(path) as reader:
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


def expected_shapes(description, prefix=""):
    """{parameter name: shape} that the built-in architecture `description` has, worked out from
    its config without building it; None for the classes it does not know (those added with
    register_model, nn.CNN, ...)."""
    name, c = _class_and_config(description)
    if name in ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Identity"):
        return {}
    if name == "Linear":
        n_in, n_out = _size(c, "in_features"), _size(c, "out_features")
        bias = {f"{prefix}bias": (n_out,)} if c.get("bias", True) else {}
        return {f"{prefix}weight": (n_out, n_in), **bias}
    if name in ("ResidualBlock", "ResNet"):
        return _resnet_shapes(name, c, prefix)
    if name in ("BatchNorm1d", "BatchNorm2d"):
        return _batch_norm_shapes(c, prefix)
    if name == "MLP":
        sizes = c.get("sizes")
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise ValueError(f"MLP's config needs a list of at least two sizes, got {sizes!r:.80}")
        sizes = [_size({"sizes": s}, "sizes") for s in sizes]
        return {k: v for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))
                for k, v in _linear(f"{prefix}layers.{i}.", a, b).items()}
    if name == "Sequential":
        layers = c.get("layers", [])
        if not isinstance(layers, list):
            raise ValueError(f"Sequential's config needs a list of layers, got {layers!r:.80}")
        parts = [expected_shapes(d, f"{prefix}{i}.") for i, d in enumerate(layers)]
        return None if None in parts else {k: v for p in parts for k, v in p.items()}
    return None


def _resnet_shapes(name, c, prefix):
    dim = _size(c, "dim")
    if name == "ResidualBlock":
        return {f"{prefix}weight": (dim, dim), f"{prefix}bias": (dim,)}
    depth = c.get("depth")
    if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= 10_000:
        raise ValueError(f"ResNet's config needs a depth from 0 to 10000, got {depth!r:.40}")
    blocks = {f"{prefix}blocks.{k}.{p}": s for k in range(depth)
              for p, s in (("weight", (dim, dim)), ("bias", (dim,)))}
    return {**blocks, **_linear(f"{prefix}head.", dim, 1)}


def _batch_norm_shapes(c, prefix):
    n, stats = _size(c, "num_features"), c.get("track_running_stats", True)
    affine = bool(c.get("affine", True))
    names = (["weight"] * affine + ["bias"] * (affine and bool(c.get("bias", True)))
             + ["running_mean", "running_var"] * bool(stats))
    shapes = {f"{prefix}{k}": (n,) for k in names}
    return {**shapes, f"{prefix}num_batches_tracked": ()} if stats else shapes


def _linear(prefix, n_in, n_out):
    return {f"{prefix}weight": (n_out, n_in), f"{prefix}bias": (n_out,)}


def _size(config, key):
    value = config.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"the config's {key!r} must be a positive integer, got {value!r:.40}")
    return value


def _open(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no saved model at {os.fspath(path)!r}")
    with open(path, "rb") as f:
        start = f.read(9)
    if start[:2] == b"PK":
        return _NpzReader(path)
    if len(start) == 9 and start[8:9] == b"{":
        return _SafetensorsReader(path)
    raise ValueError(f"{path} is not a saved model: neither a safetensors file nor a .npz "
                     "written by nn.save (truncated, corrupted or another kind of file?)")


def _parse_description(path, text):
    """The description in JSON `text`, checked field by field."""
    if not isinstance(text, str):
        raise ValueError(f"{path} holds no architecture description: not saved by nn.save")
    try:
        d = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise ValueError(f"{path}: the architecture description is not valid JSON "
                         f"({type(e).__name__}: {str(e)[:100]})") from None
    if _nesting(d) > MAX_NESTING:
        raise ValueError(f"{path}: the architecture description is nested more than "
                         f"{MAX_NESTING} levels deep")
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError(f"{path}: not a model saved by nn.save (format {FORMAT!r} expected)")
    if d.get("version") != VERSION:
        raise ValueError(f"{path}: saved in format version {d.get('version')!r:.20}, this "
                         f"version of nn reads version {VERSION}")
    _class_and_config(d)
    if not isinstance(d.get("metadata", {}), dict):
        raise ValueError(f"{path}: the description's \"metadata\" must be an object")
    _check_parameter_entries(path, d.get("parameters"))
    d.setdefault("metadata", {})
    return d


def _check_parameter_entries(path, parameters):
    if not isinstance(parameters, dict):
        raise ValueError(f"{path}: the description's \"parameters\" must be an object of "
                         f"name: {{\"shape\", \"dtype\"}}, got {parameters!r:.80}")
    for name, entry in parameters.items():
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if not isinstance(shape, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
            raise ValueError(f"{path}: parameter {name!r:.80} needs a \"shape\" list of sizes, "
                             f"got {entry!r:.80}")
        if entry.get("dtype") not in STATE_DTYPES:
            raise ValueError(f"{path}: parameter {name!r:.80} has dtype "
                             f"{entry.get('dtype')!r:.40}; arrays are one of {STATE_DTYPES}")


def _nesting(obj):
    """How deeply lists and dicts nest in `obj`, found without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


class _SafetensorsReader:
    """A safetensors file: description from its metadata, shapes from its header, then arrays."""

    def __init__(self, path):
        from safetensors import SafetensorError, safe_open
        self.path = path
        try:
            self.file = safe_open(os.fspath(path), framework="numpy")
            meta = self.file.metadata() or {}
            self.shapes = {k: self._entry(k) for k in self.file.keys()}
        except (SafetensorError, OSError) as e:
            raise ValueError(f"{path} is not a readable saved model (truncated or corrupted?): "
                             f"{str(e)[:200]}") from None
        self.description = _parse_description(path, meta.get("architecture"))

    def _entry(self, name):
        part = self.file.get_slice(name)
        dtype = _SAFETENSORS_DTYPES.get(part.get_dtype())
        if dtype is None:
            raise ValueError(f"{self.path}: tensor {name!r:.80} has dtype {part.get_dtype()}, "
                             f"arrays are one of {STATE_DTYPES}")
        return tuple(part.get_shape()), dtype

    def array(self, name):
        return self.file.get_tensor(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file = None


class _NpzReader:
    """An .npz written by nn.save: each member a .npy file whose header is read before its data."""

    def __init__(self, path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"{path} is not a readable saved model (truncated or corrupted?): "
                             f"{str(e)[:200]}") from None
        try:
            self._read_headers()
        except BaseException:
            self.zip.close()
            raise

    def _read_headers(self):
        path = self.path
        try:
            self.headers = {self._member_name(i): self._header(i) for i in self.zip.infolist()}
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"{path} is not a readable saved model (truncated or corrupted?): "
                             f"{str(e)[:200]}") from None
        for name, (_, dtype) in self.headers.items():
            if dtype.name not in STATE_DTYPES and name != ARCHITECTURE_KEY:
                raise ValueError(f"{path}: array {name!r:.80} has dtype {dtype}; arrays are one "
                                 f"of {STATE_DTYPES}, and nothing is unpickled")
        text = self.headers.pop(ARCHITECTURE_KEY, None)
        if text is None or text[1].kind != "U" or text[0] != ():
            raise ValueError(f"{path} holds no architecture description: not saved by nn.save")
        self.description = _parse_description(path, str(self._read(ARCHITECTURE_KEY)))
        self.shapes = {n: (s, d.name) for n, (s, d) in self.headers.items()}

    def _member_name(self, info):
        if not info.filename.endswith(".npy"):
            raise ValueError(f"its member {info.filename!r:.80} is not a .npy array")
        return info.filename[:-len(".npy")]

    def _header(self, info):
        """(shape, dtype) from a member's .npy header, checked against the file's real size."""
        with self.zip.open(info) as f:
            version = np.lib.format.read_magic(f)
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read(f, max_header_size=10_000)
        size = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if size > os.path.getsize(self.path) or fortran:
            raise ValueError(f"member {info.filename!r:.80} declares {size} bytes of "
                             f"{'Fortran-ordered ' if fortran else ''}data, more than the file holds")
        return tuple(shape), dtype

    def _read(self, name):
        try:
            with self.zip.open(name + ".npy") as f:
                return np.lib.format.read_array(f, allow_pickle=False)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise ValueError(f"{self.path} is not a readable saved model (truncated or "
                             f"corrupted?): {str(e)[:200]}") from None

    def array(self, name):
        return self._read(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()


__all__ = ["save", "load", "read_description", "register_model", "describe", "build",
           "expected_shapes", "MODELS"]
