"""Optimisers: plain gradient descent (with optional momentum) and Adam.

Parameters are updated in place under `ag.no_grad()` (their version counters then catch a graph
that still uses the old values). State is kept per parameter, in lists aligned with `params`.
"""

import numpy as np

import autograd_core as ag


class Optimizer:
    """Base class: holds the parameters, clears their gradients, and defines `step()`.

    `params` is an iterable of leaf Tensors that require grad (usually `model.parameters()`;
    a plain `ag.Tensor(..., requires_grad=True)` is accepted too, as in PyTorch).
    Parameters whose `.grad` is None are skipped by `step()`.
    """

    def __init__(self, params, lr):
        if isinstance(params, ag.Tensor):
            raise TypeError(f"{type(self).__name__} takes an iterable of parameters, not one "
                            "Tensor: wrap it in a list")
        if hasattr(params, "parameters") and callable(params.parameters):
            raise TypeError(f"{type(self).__name__} got the {type(params).__name__} module "
                            "itself: pass model.parameters()")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got no parameters to optimise")
        seen = set()
        for i, p in enumerate(self.params):
            problem = _not_a_parameter(p)
            if problem:
                raise TypeError(f"{type(self).__name__}: parameter {i} is {problem}; expected a "
                                "leaf Tensor that requires grad (e.g. nn.Parameter(data))")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {i} appears twice")
            seen.add(id(p))
        if not lr > 0:
            raise ValueError(f"{type(self).__name__}: learning rate must be positive, got {lr}")
        self.lr = float(lr)

    def zero_grad(self):
        """Forget accumulated gradients (set each parameter's `.grad` to None)."""
        for p in self.params:
            p.grad = None

    def step(self):
        raise NotImplementedError

    def _gradients(self):
        """(index, parameter, its gradient array) for each parameter whose .grad is set."""
        for i, p in enumerate(self.params):
            if p.grad is not None:
                yield i, p, p.grad.data

    def state_dict(self):
        """Hyperparameters and per-parameter state as plain numbers, lists and ndarrays."""
        raise NotImplementedError

    def load_state_dict(self, state):
        """Restore what `state_dict()` returned (for the same parameters, in the same order)."""
        state = dict(state)
        kind = state.pop("type", type(self).__name__)
        if kind != type(self).__name__:
            raise ValueError(f"the state of a {kind} cannot be loaded into a {type(self).__name__}")
        for key, value in state.items():
            current = getattr(self, key, None)
            if current is None:
                raise ValueError(f"{type(self).__name__} has no state called {key!r}")
            if isinstance(current, list):  # one entry per parameter
                if len(value) != len(self.params):
                    raise ValueError(f"'{key}' holds {len(value)} entries for "
                                     f"{len(self.params)} parameters")
                value = [np.array(v, dtype=p.dtype) if isinstance(v, np.ndarray) else v
                         for v, p in zip(value, self.params)]
            setattr(self, key, type(current)(value) if isinstance(current, tuple) else value)
        return self


def _not_a_parameter(p):
    """Why `p` cannot be optimised ('' if it can): it must be a leaf Tensor that requires grad."""
    if not isinstance(p, ag.Tensor):
        return type(p).__name__
    if not p.requires_grad:
        return "a Tensor that does not require grad"
    if not p.is_leaf:
        return "a Tensor computed by an op (not a leaf)"
    return ""


class SGD(Optimizer):
    """p <- p - lr * v, with v = momentum * v + grad (v = grad when momentum is 0: plain descent)."""

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)
        self.velocity = [None] * len(self.params)

    def step(self):
        lr, momentum = self.lr, self.momentum
        with ag.no_grad():
            for i, p, g in self._gradients():
                if momentum:
                    v = self.velocity[i]
                    g = self.velocity[i] = g.copy() if v is None else momentum * v + g
                p.sub_(lr * g)

    def state_dict(self):
        return {"type": "SGD", "lr": self.lr, "momentum": self.momentum,
                "velocity": [None if v is None else v.copy() for v in self.velocity]}


class Adam(Optimizer):
    """Adam (Kingma & Ba), step for step as torch.optim.Adam without weight decay.

    For each parameter, from t = 1:
        m = beta1 * m + (1 - beta1) * g          v = beta2 * v + (1 - beta2) * g^2
        p <- p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
    The bias corrections divide copies: the running averages themselves stay uncorrected.
    Everything is computed in place, in the moments and one scratch array per parameter.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        beta1, beta2 = betas
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas}")
        self.betas, self.eps = (float(beta1), float(beta2)), float(eps)
        self.steps = [0] * len(self.params)  # t per parameter: a parameter without grad waits
        self.exp_avg = [np.zeros_like(p.data) for p in self.params]
        self.exp_avg_sq = [np.zeros_like(p.data) for p in self.params]
        self._scratch = [np.empty_like(p.data) for p in self.params]

    def step(self):
        beta1, beta2 = self.betas
        with ag.no_grad():
            for i, p, g in self._gradients():
                m, v, s = self.exp_avg[i], self.exp_avg_sq[i], self._scratch[i]
                self.steps[i] += 1
                t = self.steps[i]
                m *= beta1
                m += np.multiply(g, 1 - beta1, out=s)
                v *= beta2
                np.multiply(g, g, out=s)
                s *= 1 - beta2
                v += s
                np.divide(v, 1 - beta2**t, out=s)  # the step: m_hat / (sqrt(v_hat) + eps) * lr
                np.sqrt(s, out=s)
                s += self.eps
                np.divide(m, s, out=s)
                s *= self.lr / (1 - beta1**t)
                p.sub_(s)

    def state_dict(self):
        return {"type": "Adam", "lr": self.lr, "betas": self.betas, "eps": self.eps,
                "steps": list(self.steps), "exp_avg": [m.copy() for m in self.exp_avg],
                "exp_avg_sq": [v.copy() for v in self.exp_avg_sq]}


__all__ = ["Optimizer", "SGD", "Adam"]
