"""The two file formats of a saved model, read without trusting them: safetensors and NumPy .npz.

A safetensors file keeps the JSON description in its metadata under "architecture"; an .npz
keeps it as the 0-d string array ARCHITECTURE_KEY beside one .npy member per array. `open_model`
picks the reader by the file's first bytes; a reader gives the checked `description`, every
array's (shape, dtype) from the headers alone, then `array(name)`. Nothing is unpickled, and no
header may claim more bytes than the file holds. `write_atomically` and `npz_bytes` are the
writing side.
"""

import io
import json
import os
import zipfile

import numpy as np

from nn.architecture import class_and_config

FORMAT, VERSION = "autograd-core-nn", 1
ARCHITECTURE_KEY = "__architecture__"
MAX_NESTING = 64  # deepest JSON nesting a description may have (Sequential inside Sequential...)
FLOAT_DTYPES = ("float16", "float32", "float64")
STATE_DTYPES = FLOAT_DTYPES + ("int64",)  # the dtypes a saved array may have
_SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32", "F64": "float64", "I64": "int64"}


def npz_bytes(arrays):
    """The bytes of a NumPy .npz holding `arrays`."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def write_atomically(path, content: bytes):
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


def open_model(path):
    """The reader of the saved model at `path`, chosen by its first bytes."""
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
    class_and_config(d)
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


__all__ = ["FORMAT", "VERSION", "ARCHITECTURE_KEY", "FLOAT_DTYPES", "STATE_DTYPES", "open_model",
           "npz_bytes", "write_atomically"]
