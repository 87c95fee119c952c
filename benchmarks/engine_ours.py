"""autograd_core and nn: the same workloads, as a user of the library writes them.

The models are the library's own: nn.MLP (each layer and its ReLU one fused ag.linear op),
nn.cross_entropy (one fused node), nn.optim.Adam / SGD, nn.ResNet. `setup(workload, **params)` returns `step()`.
"""

import numpy as np

import autograd_core as ag
import nn
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
def build_mlp(problem):
    """nn.MLP 784-100-200-10 (ReLU; each layer one fused ag.linear op) and nn.optim.Adam, from the
    problem's weights."""
    model = nn.MLP([784, 100, 200, 10], activation="relu", dtype=problem["W1"].dtype)
    model.load_state_dict({f"layers.{k - 1}.{name}": problem[f"{'W' if name == 'weight' else 'b'}{k}"]
                           for k in (1, 2, 3) for name in ("weight", "bias")})
    a = data.ADAM
    optimizer = nn.optim.Adam(model.parameters(), lr=a["lr"], betas=(a["beta1"], a["beta2"]),
                              eps=a["eps"])
    return model, optimizer


def mlp(batch, dtype):
    """One training step: forward, cross-entropy, backward, Adam."""
    problem = data.mlp_problem(batch, dtype)
    x, labels = ag.Tensor(problem["x"]), problem["labels"]
    model, optimizer = build_mlp(problem)

    def step():
        optimizer.zero_grad()
        loss = nn.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# --- seed 000's residual network ----------------------------------------------------------------
def build_resnet(problem):
    """nn.ResNet with the problem's weights: row-major, so W_k is blocks.k.weight and omega head.weight."""
    W, b = problem["W"], problem["b"]
    model = nn.ResNet(len(W[0]), len(W), step=data.RESNET_STEP_LENGTH)
    state = {f"blocks.{k}.{name}": value for k in range(len(W))
             for name, value in (("weight", W[k]), ("bias", b[k].reshape(-1)))}
    state.update({"head.weight": problem["omega"].reshape(1, -1),
                  "head.bias": np.asarray(problem["mu"]).reshape(1)})
    model.load_state_dict(state)
    return model


def resnet(layers, points, d=4):
    """One step: forward, cost 1/2 ||Z - c||^2, backward, plain gradient step (nn.optim.SGD)."""
    problem = data.resnet_problem(layers, points, d)
    X = ag.Tensor(np.ascontiguousarray(problem["Y0"].T))  # row-major: (points, d)
    c = problem["c"].reshape(-1)
    model = build_resnet(problem)
    optimizer = nn.optim.SGD(model.parameters(), lr=data.RESNET_LEARNING_RATE)

    def step():
        optimizer.zero_grad()
        cost = 0.5 * nn.mse_loss(model(X), c, reduction="sum")
        cost.backward()
        optimizer.step()
        return cost.item()

    return step
