"""autograd_core: the same workloads, written with the engine's public API only.

Each model is built in one `build_*` function, so that swapping in `nn.Linear`, `nn.cross_entropy`
and `nn.optim.Adam` later changes a few lines. `setup(workload, **params)` returns `step()`.
"""

import numpy as np

import autograd_core as ag
from benchmarks import data


def setup(workload, **params):
    return {"chain": chain, "mlp": mlp, "resnet": resnet}[workload](**params)


def chain(shape, ops, no_grad=False):
    """The chain of small ops (data.CHAIN_BLOCK per block), forward and backward."""
    start = data.chain_start(shape)
    blocks = ops // data.CHAIN_BLOCK

    def run(y):
        for _ in range(blocks):
            y = y * 1.25
            y = y + 0.5
            y = ag.exp(y)
            y = ag.log(y)
            y = y * 0.8
            y = y - 0.4
        return y

    def forward_only():
        with ag.no_grad():
            return float(run(ag.Tensor(start)).sum().item())

    def forward_backward():
        x = ag.Tensor(start, requires_grad=True)
        run(x).sum().backward()
        return float(x.grad.sum().item())

    return forward_only if no_grad else forward_backward


# --- the MLP ------------------------------------------------------------------------------------
class CrossEntropy(ag.Function):
    """Mean softmax cross-entropy of logits (batch, classes) against integer labels, fused.

    One op instead of log_softmax + indexing + mean: forward keeps the softmax, and the
    gradient is (softmax - onehot) / batch. (nn.cross_entropy will be such an op.)
    """

    def __init__(self, labels):
        self.labels = np.asarray(labels)

    def forward(self, logits):
        rows = np.arange(len(logits))
        shifted = logits - logits.max(axis=1, keepdims=True)  # exp cannot overflow
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        self.softmax = exp / total
        return np.mean(np.log(total[:, 0]) - shifted[rows, self.labels])

    def vjp(self, g, out, logits):
        grad = self.softmax.copy()
        grad[np.arange(len(grad)), self.labels] -= 1
        return (grad * (g / len(grad)),)


def cross_entropy(logits, labels):
    return CrossEntropy(labels)(logits)


class Affine(ag.Function):
    """x @ W.T + b in one op, W (out, in): one output array, no transpose or bias node."""

    def forward(self, x, W, b):
        out = x @ W.T
        out += b  # the product is a fresh array: add the bias in place
        return out

    def vjp(self, g, out, x, W, b):
        need = self.needs_input_grad or (True, True, True)
        rows = g.reshape(-1, g.shape[-1])  # every leading axis is a batch axis
        gx = g @ W if need[0] else None
        gW = rows.T @ x.reshape(-1, x.shape[-1]) if need[1] else None
        gb = rows.sum(axis=0) if need[2] else None
        return gx, gW, gb


class Linear:
    """x @ W.T + b with W (out, in), as nn.Linear; `fused=False` composes matmul, T and add."""

    def __init__(self, W, b, fused=True):
        self.W = ag.Tensor(W, requires_grad=True)
        self.b = ag.Tensor(b, requires_grad=True)
        self.fused = fused

    def __call__(self, x):
        if self.fused:
            return Affine()(x, self.W, self.b)
        return x @ self.W.T + self.b

    def parameters(self):
        return [self.W, self.b]


class Adam:
    """Adam as published (Kingma & Ba): moments per parameter, t from 1, in-place updates."""

    def __init__(self, params, lr, beta1, beta2, eps):
        self.params, self.lr, self.beta1, self.beta2, self.eps = list(params), lr, beta1, beta2, eps
        self.m = [ag.zeros_like(p) for p in self.params]
        self.v = [ag.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def step(self):
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        with ag.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                g = p.grad
                m.mul_(self.beta1).add_(g, alpha=1 - self.beta1)
                v.mul_(self.beta2).add_(g * g, alpha=1 - self.beta2)
                p.sub_((m / c1) / (ag.sqrt(v / c2) + self.eps) * self.lr)


def build_mlp(problem):
    """The 784-100-200-10 ReLU network and its Adam, from the problem's weights."""
    layers = [Linear(problem[f"W{k}"], problem[f"b{k}"]) for k in (1, 2, 3)]

    def model(x):
        for layer in layers[:-1]:
            x = ag.relu(layer(x))
        return layers[-1](x)

    optimizer = Adam([p for layer in layers for p in layer.parameters()], **data.ADAM)
    return model, optimizer


def mlp(batch, dtype):
    """One training step: forward, cross-entropy, backward, Adam."""
    problem = data.mlp_problem(batch, dtype)
    x, labels = ag.Tensor(problem["x"]), problem["labels"]
    model, optimizer = build_mlp(problem)

    def step():
        optimizer.zero_grad()
        loss = cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# --- seed 000's residual network ----------------------------------------------------------------
def build_resnet(problem):
    """Y_{k+1} = Y_k + h tanh(W_k Y_k + b_k), Z = sigmoid(Y_K^T omega + mu): (model, params)."""
    W = [ag.Tensor(w, requires_grad=True) for w in problem["W"]]
    b = [ag.Tensor(v, requires_grad=True) for v in problem["b"]]
    omega = ag.Tensor(problem["omega"], requires_grad=True)
    mu = ag.Tensor(problem["mu"], requires_grad=True)
    h = data.RESNET_STEP_LENGTH

    def model(Y):
        for Wk, bk in zip(W, b):
            Y = Y + h * ag.tanh(Wk @ Y + bk)
        return ag.sigmoid(Y.T @ omega + mu)

    return model, W + b + [omega, mu]


def resnet(layers, points, d=4):
    """One step: forward, cost 1/2 ||Z - c||^2, backward, plain gradient step."""
    problem = data.resnet_problem(layers, points, d)
    Y0, c = ag.Tensor(problem["Y0"]), problem["c"]
    model, params = build_resnet(problem)
    tau = data.RESNET_LEARNING_RATE

    def step():
        for p in params:
            p.grad = None
        cost = 0.5 * ((model(Y0) - c) ** 2).sum()
        cost.backward()
        with ag.no_grad():
            for p in params:
                p.sub_(p.grad * tau)
        return cost.item()

    return step
