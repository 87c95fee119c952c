"""Hand-written NumPy: each workload's forward, its hand-derived backward and the update.

The reference every ratio is taken against. Written as one would by hand, and correctly: the
same arithmetic as the engines (so float64 losses agree to rounding), no autodiff.
`setup(workload, **params)` returns `step()`, which does one unit of work and returns a number
to compare across engines (a loss or a gradient).
"""

import numpy as np

from benchmarks import data


def setup(workload, **params):
    return {"chain": chain, "mlp": mlp, "mlp_matmuls": mlp_matmuls, "resnet": resnet}[workload](
        **params
    )


def chain(shape, ops, no_grad=False):
    """The chain of small ops (data.CHAIN_BLOCK per block), forward and hand-written backward."""
    x = data.chain_start(shape)
    blocks = ops // data.CHAIN_BLOCK

    def forward_only():
        y = x
        for _ in range(blocks):
            y = y * 1.25
            y = y + 0.5
            y = np.exp(y)
            y = np.log(y)
            y = y * 0.8
            y = y - 0.4
        return float(np.sum(y))

    def forward_backward():
        y, saved = x, []
        for _ in range(blocks):
            y = y * 1.25
            y = y + 0.5
            e = np.exp(y)
            saved.append(e)  # exp' = exp(y) = e, and log' at e = 1 / e
            y = np.log(e)
            y = y * 0.8
            y = y - 0.4
        g = np.ones_like(y)
        for e in reversed(saved):  # the adds pass the gradient through unchanged
            g = g * 0.8
            g = g / e
            g = g * e
            g = g * 1.25
        return float(np.sum(g))

    return forward_only if no_grad else forward_backward


def mlp(batch, dtype):
    """784-100-200-10 ReLU MLP, mean softmax cross-entropy, Adam: one training step."""
    p = data.mlp_problem(batch, dtype)
    x, labels = p["x"], p["labels"]
    params = [p["W1"], p["b1"], p["W2"], p["b2"], p["W3"], p["b3"]]
    adam = Adam(params, **data.ADAM)
    rows = np.arange(batch)

    def step():
        W1, b1, W2, b2, W3, b3 = params
        z1 = x @ W1.T + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2.T + b2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ W3.T + b3
        # softmax cross-entropy from the logits, shifted by the row max so that exp cannot overflow
        shifted = z3 - z3.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, labels])
        dz3 = exp / total
        dz3[rows, labels] -= 1
        dz3 /= batch
        dW3, db3 = dz3.T @ a2, dz3.sum(axis=0)
        dz2 = (dz3 @ W3) * (z2 > 0)
        dW2, db2 = dz2.T @ a1, dz2.sum(axis=0)
        dz1 = (dz2 @ W2) * (z1 > 0)
        dW1, db1 = dz1.T @ x, dz1.sum(axis=0)
        adam.step([dW1, db1, dW2, db2, dW3, db3])
        return float(loss)

    return step


def mlp_matmuls(batch, dtype):
    """Only the eight matrix products of an MLP step: the floor no engine can go below."""
    p = data.mlp_problem(batch, dtype)
    x, W1, W2, W3 = p["x"], p["W1"], p["W2"], p["W3"]
    a1 = np.maximum(x @ W1.T, 0)
    a2 = np.maximum(a1 @ W2.T, 0)
    dz3 = np.ones_like(a2 @ W3.T)

    def products():
        _ = x @ W1.T
        _ = a1 @ W2.T
        _ = a2 @ W3.T
        _ = dz3.T @ a2
        dz2 = dz3 @ W3
        _ = dz2.T @ a1
        dz1 = dz2 @ W2
        _ = dz1.T @ x
        return 0.0

    return products


class Adam:
    """Adam as published (Kingma & Ba, Algorithm 1): moments per parameter, t from 1, in place."""

    def __init__(self, params, lr, beta1, beta2, eps):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += g * (1 - self.beta1)
            v *= self.beta2
            v += (g * g) * (1 - self.beta2)
            p -= (m / c1) / (np.sqrt(v / c2) + self.eps) * self.lr


def resnet(layers, points, d=4):
    """Seed 000's residual network: forward, the seed's hand-derived gradients, a plain step."""
    p = data.resnet_problem(layers, points, d)
    Y0, c, W, b, omega = p["Y0"], p["c"], p["W"], p["b"], p["omega"]
    mu = p["mu"].copy()
    h, tau = data.RESNET_STEP_LENGTH, data.RESNET_LEARNING_RATE

    def step():
        Ys, Ss = [Y0], []
        for k in range(layers):
            S = np.tanh(W[k] @ Ys[-1] + b[k])
            Ss.append(S)
            Ys.append(Ys[-1] + h * S)
        Z = sigmoid(Ys[-1].T @ omega + mu)
        cost = 0.5 * np.sum((Z - c) ** 2)
        dU = (Z - c) * Z * (1 - Z)  # (Z - c) * eta'(.), eta = sigmoid
        d_omega, d_mu = Ys[-1] @ dU, np.sum(dU)
        P = omega @ dU.T  # P_K = dJ/dY_K
        dW, db = np.empty_like(W), np.empty_like(b)
        for k in reversed(range(layers)):
            dA = h * (P * (1 - Ss[k] ** 2))  # through tanh' = 1 - tanh^2
            dW[k] = dA @ Ys[k].T
            db[k] = dA.sum(axis=1, keepdims=True)
            P = P + W[k].T @ dA
        W[...] -= tau * dW  # in place: the arrays belong to the enclosing function
        b[...] -= tau * db
        omega[...] -= tau * d_omega
        mu[...] -= tau * d_mu
        return float(cost)

    return step


def sigmoid(x):
    """1 / (1 + exp(-x)) without overflow: exp(-log(1 + exp(-x)))."""
    return np.exp(-np.logaddexp(0, -x))
