"""Model architectures as JSON: the registry of loadable classes, describe / build, and the
parameter shapes an architecture has, worked out from its config without building it.

`describe(model)` gives {"class", "config"} (Sequential lists its layers' descriptions); `build`
makes the model back, but only from a class in the explicit table MODELS (`register_model` adds
one), so a file never names code to run; `expected_shapes` lets `load` check a file's weights
against its architecture before allocating anything.
"""

from nn.layers import Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh
from nn.models import MLP, ResidualBlock, ResNet

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
    name, config = class_and_config(description)
    if name == "Sequential":
        layers = config.get("layers", [])
        if not isinstance(layers, list):
            raise ValueError(f"Sequential's config needs a list of layers, got {layers!r:.80}")
        return Sequential(*[build(d) for d in layers])
    try:
        return MODELS[name](**config)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as e:
        raise ValueError(f"cannot build {name} from config {config}: {e}") from None


def class_and_config(description):
    """(class name, a copy of its config) of a description, checked: the class must be in MODELS."""
    if not isinstance(description, dict) or not isinstance(description.get("config"), dict):
        raise ValueError(f"bad model description {description!r:.200}: it needs a \"class\" "
                         "name and a \"config\" object")
    name = description.get("class")
    if not isinstance(name, str) or name not in MODELS:
        raise ValueError(f"unknown model class {name!r:.80}; known: {sorted(MODELS)}")
    return name, dict(description["config"])


def expected_shapes(description, prefix=""):
    """{parameter name: shape} that the built-in architecture `description` has, worked out from
    its config without building it; None for the classes it does not know (those added with
    register_model, nn.CNN, ...)."""
    name, c = class_and_config(description)
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


__all__ = ["MODELS", "register_model", "describe", "build", "class_and_config", "expected_shapes"]
