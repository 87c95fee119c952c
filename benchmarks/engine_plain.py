"""autograd_core as plain expressions: the same workloads written without nn's fused layers.

The MLP is `ag.relu(x @ W1.T + b1)` ... with nn.cross_entropy, the residual net
`y = y + h * ag.tanh(y @ W.T + b)` per layer with the cost 0.5 * sum((z - c)^2); the parameters
are ag.Tensor leaves, updated by nn.optim (Adam, SGD). `setup(workload, **params)` returns `step()`.

Each builder takes `compiled`: with it, the forward and backward of a step (zero_grad included)
run through `ag.compile`, and the optimizer's step stays outside (benchmarks.engine_compiled).
"""

import numpy as np

import autograd_core as ag
import nn
from benchmarks import data


def setup(workload, compiled=False, **params):
    return {"chain": chain, "mlp": mlp, "resnet": resnet}[workload](compiled=compiled, **params)


def _maybe_compile(fn, compiled):
    return ag.compile(fn) if compiled else fn


def chain(shape, ops, no_grad=False, compiled=False):
    """The chain of small ops (data.CHAIN_BLOCK per block), forward and backward."""
    start = data.chain_start(shape)
    blocks = ops // data.CHAIN_BLOCK

    def run(y):
        for _ in range(blocks):
            y = ag.log(ag.exp(y * 1.25 + 0.5)) * 0.8 - 0.4
        return y

    def forward(x):
        with ag.no_grad():
            return run(x).sum()

    def forward_backward(x):
        run(x).sum().backward()
        return x.grad

    if no_grad:
        forward = _maybe_compile(forward, compiled)
        return lambda: float(forward(ag.Tensor(start)).item())
    forward_backward = _maybe_compile(forward_backward, compiled)
    return lambda: float(forward_backward(ag.Tensor(start, requires_grad=True)).sum().item())


def _leaves(*arrays):
    return [ag.Tensor(a.copy(), requires_grad=True) for a in arrays]


def mlp(batch, dtype, compiled=False):
    """One training step: the three layers as expressions, cross-entropy, backward, Adam."""
    p = data.mlp_problem(batch, dtype)
    x, labels = ag.Tensor(p["x"]), p["labels"]
    params = _leaves(p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"])
    W1, b1, W2, b2, W3, b3 = params
    a = data.ADAM
    optimizer = nn.optim.Adam(params, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"])

    def forward_backward(x, labels):
        optimizer.zero_grad()
        h = ag.relu(x @ W1.T + b1)
        h = ag.relu(h @ W2.T + b2)
        loss = nn.cross_entropy(h @ W3.T + b3, labels)
        loss.backward()
        return loss

    return _step(_maybe_compile(forward_backward, compiled), optimizer, x, labels)


def resnet(layers, points, d=4, compiled=False):
    """One step: the residual layers as expressions, cost 1/2 ||z - c||^2, backward, SGD."""
    p = data.resnet_problem(layers, points, d)
    X = ag.Tensor(np.ascontiguousarray(p["Y0"].T))  # row-major: (points, d)
    c = p["c"]  # (points, 1): an argument of the step, so that compile reads it at each call
    Ws = _leaves(*p["W"])
    bs = _leaves(*(b.reshape(-1) for b in p["b"]))
    omega, mu = _leaves(p["omega"], p["mu"])
    optimizer = nn.optim.SGD(Ws + bs + [omega, mu], lr=data.RESNET_LEARNING_RATE)
    h = data.RESNET_STEP_LENGTH

    def forward_backward(X, c):
        optimizer.zero_grad()
        y = X
        for W, b in zip(Ws, bs):
            y = y + h * ag.tanh(y @ W.T + b)
        z = ag.sigmoid(y @ omega + mu)
        cost = 0.5 * ((z - c) * (z - c)).sum()
        cost.backward()
        return cost

    return _step(_maybe_compile(forward_backward, compiled), optimizer, X, c)


def _step(forward_backward, optimizer, *args):
    """A training step: forward and backward (compiled or not), then the optimizer, outside."""
    def step():
        loss = forward_backward(*args)
        optimizer.step()
        return loss.item()
    if hasattr(forward_backward, "programs"):  # ag.compile: what its programs hold
        step.held = lambda: sum(getattr(p, "buffer_bytes", 0)  # between calls (benchmarks.worker)
                                for p in forward_backward.programs.values())
    return step
