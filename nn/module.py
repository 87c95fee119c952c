"""Parameter and Module: the containers every layer and model is built from.

A Module finds its Parameters and sub-Modules by walking its attributes (and the lists, tuples
and dicts stored in them), in attribute order; nothing has to be registered by hand.
"""

import numpy as np

import autograd_core as ag


class Parameter(ag.Tensor):
    """A Tensor that requires grad: the trainable state of a Module.

    Its `name` is set to its dotted name (e.g. "blocks.0.weight") by the outermost Module
    that is called, so that graph pictures and error messages can label it.
    """

    def __init__(self, data, dtype=None, name=None):
        super().__init__(data, requires_grad=True, dtype=dtype, name=name)

    def __repr__(self):
        return "Parameter" + super().__repr__()[len("Tensor"):].replace(", requires_grad=True", "")


# Modules whose forward is running, innermost last: each entry is [module, {id(sub): name} or None].
# Only Module.__call__ touches it; it lets a submodule find its dotted name for its name_scope.
_calling = []

# Bumped whenever a Module, Parameter, list, tuple or dict is set on (or removed from) any Module:
# a cached structure (see _Structure) built at another version is rebuilt before it is used.
_version = 0

_CONTAINERS = (list, tuple, dict)


class Module:
    """Base class of layers and models.

    Subclasses set Parameters and sub-Modules as attributes (directly or in lists, tuples, dicts)
    and define `forward`. Calling the module runs `forward` inside `ag.name_scope(name)`, where
    `name` is the module's dotted name in the module calling it ("blocks.3", "head"), so every op
    a submodule records carries the same scope as its entry in `named_modules()`. The outermost
    module adds no scope of its own, and names its parameters (`Parameter.name`) by their dotted
    names. A module called from a forward that does not own it is scoped by its class name.

    The dotted names are worked out once and kept until the structure changes: an attribute set
    to (or from) a Module, Parameter or container, or a list or dict of them changed in place.
    """

    training = True

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} defines no forward")

    def __call__(self, *args, **kwargs):
        if _calling:
            entry = _calling[-1]
            names = entry[1]
            if names is None:
                names = entry[1] = _structure(entry[0]).names
            scope = names.get(id(self)) or type(self).__name__
        else:
            scope = ""
            for p, name in _structure(self).parameters:
                if p.name is not name:
                    p.name = name
        _calling.append([self, None])
        try:
            with ag.name_scope(scope):
                return self.forward(*args, **kwargs)
        finally:
            _calling.pop()

    def __setattr__(self, name, value):
        if isinstance(value, _STRUCTURAL) or isinstance(self.__dict__.get(name), _STRUCTURAL):
            global _version
            _version += 1
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        global _version
        _version += 1
        object.__delattr__(self, name)

    # --- discovery -----------------------------------------------------------------------------
    def _members(self):
        """(dotted name, Parameter or Module) for each direct member, in attribute order."""
        for attr, value in vars(self).items():
            if attr != "_structure":
                yield from _members_of(attr, value)

    def named_children(self):
        """(name, module) for each direct submodule; list items are named "attr.index"."""
        return [(n, m) for n, m in self._members() if isinstance(m, Module)]

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module ("" or `prefix`) and every submodule, once each."""
        seen, stack, out = set(), [(prefix, self)], []
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            out.append((name, module))
            children = module.named_children()
            stack.extend(((f"{name}.{n}" if name else n), m) for n, m in reversed(children))
        return out

    def modules(self):
        return [m for _, m in self.named_modules()]

    def named_parameters(self, prefix=""):
        """(dotted name, Parameter) for every parameter, in attribute order (a submodule's
        parameters where the submodule stands), each object once."""
        seen, out = set(), []
        stack = [(prefix, self)]
        while stack:
            name, member = stack.pop()
            if id(member) in seen:
                continue
            seen.add(id(member))
            if isinstance(member, Parameter):
                out.append((name, member))
            else:
                stack.extend((f"{name}.{n}" if name else n, m)
                             for n, m in reversed(list(member._members())))
        return out

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Forget accumulated gradients (set every parameter's `.grad` to None)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode=True):
        """Set training mode on this module and every submodule; returns self."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self):
        return self.train(False)

    # --- state ------------------------------------------------------------------------------------
    def state_dict(self):
        """{dotted name: ndarray copy} of every parameter."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state, strict=True):
        """Copy arrays from `state` into the parameters, after checking names, shapes and dtypes.

        Raises ValueError naming missing and unexpected keys (ignored when strict=False) and
        every shape mismatch; nothing is changed unless every check passes. Arrays are cast
        to the parameter's dtype and must be floating point.
        """
        own = dict(self.named_parameters())
        problems = []
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        arrays = {}
        for name, p in own.items():
            if name not in state:
                continue
            a = np.asarray(state[name].data if isinstance(state[name], ag.Tensor) else state[name])
            if a.dtype.kind != "f":
                problems.append(f"'{name}' has dtype {a.dtype}, expected a floating dtype")
            elif a.shape != p.shape:
                problems.append(f"'{name}' has shape {a.shape}, the model expects {p.shape}")
            arrays[name] = a
        if problems:
            raise ValueError(f"cannot load state into {type(self).__name__}: " + "; ".join(problems))
        with ag.no_grad():
            for name, a in arrays.items():
                own[name].copy_(a.astype(own[name].dtype, copy=False))
        return self

    # --- description ------------------------------------------------------------------------------
    def extra_repr(self):
        """The constructor arguments shown between the parentheses of repr (override in layers)."""
        return ""

    def __repr__(self):
        children = self.named_children()
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head + ("," if self.extra_repr() else "")]
        for name, m in children:
            lines.append(f"  ({name}): " + repr(m).replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


def _members_of(name, value):
    if isinstance(value, (Parameter, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _members_of(f"{name}.{i}", v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _members_of(f"{name}.{k}", v)


_STRUCTURAL = (Parameter, Module) + _CONTAINERS


class _Structure:
    """What Module.__call__ needs of a module's tree, kept in the module's `_structure` attribute.

    names: {id(submodule): dotted name} below the module; parameters: [(Parameter, dotted name)].
    Valid while the module is the one it was built for (not a copy), no structural attribute
    was set since (`_version`), and every list and dict in the tree still holds the same objects.
    """

    __slots__ = ("owner", "version", "containers", "names", "parameters")

    def __init__(self, module):
        self.owner, self.version = id(module), _version
        modules = module.named_modules()
        self.names = {id(m): name for name, m in modules if name}
        self.parameters = [(p, name) for name, p in module.named_parameters()]
        self.containers = [(c, _contents(c)) for _, m in modules for c in _containers(vars(m))]

    def valid_for(self, module):
        return (self.owner == id(module) and self.version == _version
                and all(_contents(c) == ids for c, ids in self.containers))


def _structure(module):
    """The module's _Structure, rebuilt if the tree changed since it was built."""
    s = module.__dict__.get("_structure")
    if s is None or not s.valid_for(module):
        s = _Structure(module)
        object.__setattr__(module, "_structure", s)
    return s


def _contents(container):
    """The identities of what a list or dict holds (and of a dict's keys), to notice edits."""
    if type(container) is dict:
        return tuple(map(id, container)) + tuple(map(id, container.values()))
    return tuple(map(id, container))


def _containers(values):
    """The mutable lists and dicts among `values` (a vars() dict, list, tuple or dict), nested
    ones included, that hold a Parameter or Module or are empty (one may be added later)."""
    out = []
    for key, value in (values.items() if isinstance(values, dict) else enumerate(values)):
        if key == "_structure" or not isinstance(value, _CONTAINERS):
            continue
        inner = value.values() if isinstance(value, dict) else value
        if not isinstance(value, tuple) and (not value or any(
                isinstance(v, (Parameter, Module) + _CONTAINERS) for v in inner)):
            out.append(value)
        out.extend(_containers(value))
    return out
