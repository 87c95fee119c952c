"""Parameter, Buffer and Module: the containers every layer and model is built from.

A Module finds its Parameters, Buffers and sub-Modules by walking its attributes (and the lists,
tuples and dicts stored in them), in attribute order; nothing has to be registered by hand.
"""

import numpy as np

import autograd_core as ag


class Parameter(ag.Tensor):
    """A Tensor that requires grad: the trainable state of a Module.

    Its `name` is its dotted name (e.g. "blocks.0.weight"), given when it (or a module holding
    it) is set as an attribute of a Module, so that graph pictures and error messages can label it.
    """

    def __init__(self, data, dtype=None, name=None):
        super().__init__(data, requires_grad=True, dtype=dtype, name=name)

    def __repr__(self):
        return "Parameter" + super().__repr__()[len("Tensor"):].replace(", requires_grad=True", "")


class Buffer(ag.Tensor):
    """A Tensor of state that is not trained (torch.nn.Buffer), e.g. BatchNorm's running_mean:
    in `state_dict()` and `named_buffers()`, never in `parameters()`, so optimisers skip it.

    Named like a Parameter when set into a Module. Floating or integer (num_batches_tracked: int64).
    """

    def __init__(self, data, dtype=None, name=None):
        super().__init__(data, requires_grad=False, dtype=dtype, name=name)

    def __repr__(self):
        return "Buffer" + super().__repr__()[len("Tensor"):]


class Module:
    """Base class of layers and models.

    Subclasses set Parameters and sub-Modules as attributes (directly or in lists, tuples, dicts)
    and define `forward`. Names are given at assignment: setting a member names every parameter
    below this module by its dotted name here ("blocks.0.weight"; the last module it is set into
    names it) and gives each submodule its name here ("blocks.0"). Calling a module runs
    `forward` inside a name scope of that name, one scope entry per dotted part ("blocks", "0"),
    so an op's scope is the dotted path of the module that recorded it, as in
    `named_modules()`. A module that no module holds (the root) opens no scope.
    A list or dict edited in place is named again when it is set again (`model.layers = ...`).
    """

    training = True
    _scope = ()  # this module's dotted name in the module holding it, split at the dots

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} defines no forward")

    def __call__(self, *args, **kwargs):
        with ag.name_scope(".".join(self._scope)):  # the module's dotted name in its holder
            return self.forward(*args, **kwargs)

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if isinstance(value, _STRUCTURAL):
            self._name_members()

    def _name_members(self):
        """Give each direct submodule its scope and each parameter and buffer below its dotted
        name."""
        seen = set()
        for name, member in self._members():
            if isinstance(member, Module) and id(member) not in seen:
                seen.add(id(member))
                object.__setattr__(member, "_scope", tuple(name.split(".")))
        for name, t in self._named_tensors((Parameter, Buffer)):
            t.name = name

    # --- discovery -----------------------------------------------------------------------------
    def _members(self):
        """(dotted name, Parameter, Buffer or Module) for each direct member, in attribute order."""
        for attr, value in vars(self).items():
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
        return self._named_tensors(Parameter, prefix)

    def named_buffers(self, prefix=""):
        """(dotted name, Buffer) for every buffer, in the order of named_parameters."""
        return self._named_tensors(Buffer, prefix)

    def buffers(self):
        return [b for _, b in self.named_buffers()]

    def _named_tensors(self, kinds, prefix=""):
        """(dotted name, tensor) for every member of type `kinds` below this module, in
        attribute order, each object once."""
        seen, out = set(), []
        stack = [(prefix, self)]
        while stack:
            name, member = stack.pop()
            if id(member) in seen:
                continue
            seen.add(id(member))
            if isinstance(member, Module):
                stack.extend((f"{name}.{n}" if name else n, m)
                             for n, m in reversed(list(member._members())))
            elif isinstance(member, kinds):
                out.append((name, member))
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
        """{dotted name: ndarray copy} of every parameter and buffer, in attribute order (for
        layers built like PyTorch's, the names and order of torch's state_dict)."""
        return {name: t.data.copy() for name, t in self._named_tensors((Parameter, Buffer))}

    def load_state_dict(self, state, strict=True):
        """Copy arrays from `state` into the parameters and buffers, after checking names,
        shapes and dtypes.

        Raises ValueError naming missing and unexpected keys (ignored when strict=False) and
        every shape or dtype mismatch; nothing is changed unless every check passes. Arrays are
        cast to the tensor's dtype: floating for parameters, the buffer's kind for a buffer.
        """
        own = dict(self._named_tensors((Parameter, Buffer)))
        problems = []
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        arrays = {name: _as_array(state[name]) for name in own if name in state}
        problems += [p for name, a in arrays.items() if (p := _misfit(name, a, own[name]))]
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


def _as_array(value):
    return np.asarray(value.data if isinstance(value, ag.Tensor) else value)


def _misfit(name, a, tensor):
    """Why array `a` cannot be loaded into `tensor` (None if it can)."""
    kinds = "f" if tensor.dtype.kind == "f" else "iu"
    if a.dtype.kind not in kinds:
        wanted = "a floating dtype" if kinds == "f" else "an integer dtype"
        return f"'{name}' has dtype {a.dtype}, expected {wanted}"
    if a.shape != tensor.shape:
        return f"'{name}' has shape {a.shape}, the model expects {tensor.shape}"
    return None


def _members_of(name, value):
    if isinstance(value, (Parameter, Buffer, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _members_of(f"{name}.{i}", v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _members_of(f"{name}.{k}", v)


_STRUCTURAL = (Parameter, Buffer, Module, list, tuple, dict)
