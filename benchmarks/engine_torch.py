"""PyTorch (CPU, one thread): the same workloads, written as one would in PyTorch.

`setup(workload, **params)` returns `step()`. Imported only in its own worker process.
"""

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks import data

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # already set
    pass


def setup(workload, **params):
    return {"chain": chain, "mlp": mlp, "resnet": resnet}[workload](**params)


def chain(shape, ops, no_grad=False):
    start = torch.from_numpy(data.chain_start(shape))
    blocks = ops // data.CHAIN_BLOCK

    def run(y):
        for _ in range(blocks):
            y = y * 1.25
            y = y + 0.5
            y = torch.exp(y)
            y = torch.log(y)
            y = y * 0.8
            y = y - 0.4
        return y

    def forward_only():
        with torch.no_grad():
            return float(run(start.clone()).sum())

    def forward_backward():
        x = start.clone().requires_grad_(True)
        run(x).sum().backward()
        return float(x.grad.sum())

    return forward_only if no_grad else forward_backward


def mlp(batch, dtype):
    problem = data.mlp_problem(batch, dtype)
    x = torch.from_numpy(problem["x"])
    labels = torch.from_numpy(problem["labels"])
    params = [
        torch.from_numpy(problem[k].copy()).requires_grad_(True)
        for k in ("W1", "b1", "W2", "b2", "W3", "b3")
    ]
    W1, b1, W2, b2, W3, b3 = params
    a = data.ADAM
    optimizer = torch.optim.Adam(params, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"])

    def step():
        optimizer.zero_grad()
        logits = F.linear(F.relu(F.linear(F.relu(F.linear(x, W1, b1)), W2, b2)), W3, b3)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def resnet(layers, points, d=4):
    problem = data.resnet_problem(layers, points, d)
    Y0, c = torch.from_numpy(problem["Y0"]), torch.from_numpy(problem["c"])
    W = [torch.from_numpy(np.array(w)).requires_grad_(True) for w in problem["W"]]
    b = [torch.from_numpy(np.array(v)).requires_grad_(True) for v in problem["b"]]
    omega = torch.from_numpy(problem["omega"].copy()).requires_grad_(True)
    mu = torch.from_numpy(problem["mu"].copy()).requires_grad_(True)
    params = W + b + [omega, mu]
    h, tau = data.RESNET_STEP_LENGTH, data.RESNET_LEARNING_RATE

    def step():
        for p in params:
            p.grad = None
        Y = Y0
        for Wk, bk in zip(W, b):
            Y = Y + h * torch.tanh(Wk @ Y + bk)
        Z = torch.sigmoid(Y.T @ omega + mu)
        cost = 0.5 * ((Z - c) ** 2).sum()
        cost.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * tau)
        return cost.item()

    return step
