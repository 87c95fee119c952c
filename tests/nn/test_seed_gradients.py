"""The seeds' hand-derived gradients, written afresh in NumPy, against the engine's.

Each test builds a seed's network with nn, runs one backward, and compares every parameter's
gradient with the seed's formula in the seed's own layout (column-major for 000 and 004,
row-major W of shape (inputs, outputs) for 001 and 003, (outputs, inputs) for 002).
"""

import numpy as np
import pytest

import autograd_core as ag
import nn

RTOL = 1e-10


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


# activation name -> (f, f') in NumPy
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    "sigmoid": (sigmoid, lambda a: sigmoid(a) * (1 - sigmoid(a))),
    "relu": (lambda a: np.maximum(a, 0), lambda a: (a > 0).astype(float)),
    "leaky_relu": (lambda a: np.where(a > 0, a, 0.01 * a), lambda a: np.where(a > 0, 1.0, 0.01)),
}


def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- seed 000: the residual network and its P-recursion ----------------------------------------

def resnet_gradients_by_p_recursion(W, b, omega, mu, Y0, c, h, act):
    """Seed 000's backward pass, column-major: Y_k is (d, I). Returns dW, db, domega, dmu, P_0."""
    sigma, dsigma = ACTIVATIONS[act]
    eta, deta = ACTIVATIONS["sigmoid"]
    K = len(W)
    Y = [Y0]
    for k in range(K):
        Y.append(Y[k] + h * sigma(W[k] @ Y[k] + b[k][:, None]))
    s = Y[K].T @ omega + mu  # (I,)
    Z = eta(s)
    r = (Z - c) * deta(s)
    P = np.outer(omega, r)  # P_K = dJ/dY_K
    dW, db = [None] * K, [None] * K
    for k in reversed(range(K)):
        sp = dsigma(W[k] @ Y[k] + b[k][:, None])
        dW[k] = h * (P * sp) @ Y[k].T
        db[k] = h * (P * sp) @ np.ones(Y[k].shape[1])
        P = P + h * W[k].T @ (sp * P)  # P_k from P_{k+1}
    domega = Y[K] @ r
    dmu = deta(s) @ (Z - c)
    return dW, db, domega, dmu, P


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_resnet_gradients_equal_seed000_p_recursion(act):
    rng = np.random.default_rng(0)
    d, K, I, h = 4, 5, 7, 0.3
    model = nn.ResNet(d, K, step=h, activation=act, output_activation="sigmoid", rng=rng)
    X = rng.standard_normal((I, d))
    c = rng.integers(0, 2, I).astype(float)
    x = ag.Tensor(X, requires_grad=True)
    Z = model(x)
    J = 0.5 * nn.mse_loss(Z, c, reduction="sum")
    J.backward()

    state = model.state_dict()
    W = [state[f"blocks.{k}.weight"] for k in range(K)]  # the seed's W_k: Y @ W.T is (W Y^T)^T
    b = [state[f"blocks.{k}.bias"] for k in range(K)]
    omega, mu = state["head.weight"][0], state["head.bias"][0]
    dW, db, domega, dmu, P0 = resnet_gradients_by_p_recursion(W, b, omega, mu, X.T, c, h, act)

    for k in range(K):
        np.testing.assert_allclose(model.blocks[k].weight.grad.data, dW[k], rtol=RTOL, atol=0)
        np.testing.assert_allclose(model.blocks[k].bias.grad.data, db[k], rtol=RTOL, atol=0)
    np.testing.assert_allclose(model.head.weight.grad.data[0], domega, rtol=RTOL, atol=0)
    np.testing.assert_allclose(model.head.bias.grad.data[0], dmu, rtol=RTOL, atol=0)
    np.testing.assert_allclose(x.grad.data, P0.T, rtol=RTOL, atol=1e-15)  # dJ/dY_0 = P_0


def test_resnet_forward_keeps_the_residual_term():
    # Seed 000's code drops "Y_k +"; with zero weights and biases the blocks must be the identity.
    model = nn.ResNet(3, 4, step=0.5, activation="tanh", output_activation=None, rng=0)
    with ag.no_grad():
        for p in model.parameters():
            p.mul_(0.0)
        model.head.weight.add_(np.array([[1.0, 2.0, 3.0]]))
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    np.testing.assert_array_equal(model(X).data, [1.0, 5.0])


# --- seed 001: the delta rule of a (2, 3, 2) ReLU / sigmoid network -----------------------------

@pytest.mark.parametrize("reduction", ["half_sum", "mean"])
def test_mlp_gradients_equal_seed001_delta_rule(reduction):
    rng = np.random.default_rng(1)
    model = nn.MLP([2, 3, 2], activation="relu", output_activation="sigmoid", rng=rng)
    X = rng.standard_normal((5, 2))
    Y = rng.uniform(0, 1, (5, 2))
    out = model(X)
    loss = (0.5 * nn.mse_loss(out, Y, reduction="sum") if reduction == "half_sum"
            else nn.mse_loss(out, Y))
    loss.backward()

    # The seed's layout: z = a W + b with W of shape (inputs, outputs).
    W1, b1 = model.layers[0].weight.data.T, model.layers[0].bias.data
    W2, b2 = model.layers[1].weight.data.T, model.layers[1].bias.data
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    yhat = sigmoid(z2)
    # The derivative of the loss actually used (the seed's derivative was a half sum's for a mean).
    dloss = (yhat - Y) if reduction == "half_sum" else 2 * (yhat - Y) / Y.size
    delta2 = dloss * sigmoid(z2) * (1 - sigmoid(z2))  # sigma' at z, not at a = sigma(z)
    delta1 = (delta2 @ W2.T) * (z1 > 0)
    np.testing.assert_allclose(model.layers[1].weight.grad.data, (a1.T @ delta2).T, rtol=RTOL)
    np.testing.assert_allclose(model.layers[1].bias.grad.data, delta2.sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(model.layers[0].weight.grad.data, (X.T @ delta1).T, rtol=RTOL)
    np.testing.assert_allclose(model.layers[0].bias.grad.data, delta1.sum(axis=0), rtol=RTOL)


# --- seed 002: 784-128-128-10 with softmax cross-entropy ----------------------------------------

def test_mlp_last_layer_gradient_equals_seed002_outer_product():
    rng = np.random.default_rng(2)
    model = nn.MLP([784, 128, 128, 10], activation="relu", rng=rng)
    X = rng.uniform(0, 1, (4, 784))
    labels = np.array([3, 0, 9, 3])
    loss = nn.cross_entropy(model(X), labels, reduction="sum")  # the seed sums H over the batch
    loss.backward()

    o = X
    for layer in model.layers[:2]:  # W of shape (outputs, inputs): y = W o + b per sample
        o = np.maximum(o @ layer.weight.data.T + layer.bias.data, 0)
    y3 = o @ model.layers[2].weight.data.T + model.layers[2].bias.data
    e = np.eye(10)[labels]
    dW = sum(np.outer(softmax_rows(y3)[i] - e[i], o[i]) for i in range(len(X)))
    db = (softmax_rows(y3) - e).sum(axis=0)
    np.testing.assert_allclose(model.layers[2].weight.grad.data, dW, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(model.layers[2].bias.grad.data, db, rtol=RTOL, atol=1e-14)


# --- seed 003: Dense layers' backward and (softmax - onehot) / N ---------------------------------

def test_mlp_gradients_equal_seed003_dense_backward():
    rng = np.random.default_rng(3)
    model = nn.MLP([784, 100, 200, 10], activation="relu", rng=rng)
    N = 6
    X = rng.uniform(0, 1, (N, 784))
    labels = rng.integers(0, 10, N)
    loss = nn.cross_entropy(model(X), labels)
    loss.backward()

    # Forward with the seed's Dense layers: out = X W + b, W of shape (inputs, outputs).
    Ws = [layer.weight.data.T for layer in model.layers]
    bs = [layer.bias.data for layer in model.layers]
    inputs, pre = [], []
    a = X
    for i, (W, b) in enumerate(zip(Ws, bs)):
        inputs.append(a)
        z = a @ W + b
        pre.append(z)
        a = np.maximum(z, 0) if i < len(Ws) - 1 else z
    g = (softmax_rows(a) - np.eye(10)[labels]) / N  # dloss/dlogits
    for i in reversed(range(len(Ws))):
        grad_W, grad_b = inputs[i].T @ g, g.sum(axis=0)
        np.testing.assert_allclose(model.layers[i].weight.grad.data, grad_W.T, rtol=RTOL, atol=1e-15)
        np.testing.assert_allclose(model.layers[i].bias.grad.data, grad_b, rtol=RTOL, atol=1e-15)
        g = g @ Ws[i].T  # grad_X
        if i > 0:
            g = g * (pre[i - 1] > 0)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    rng = np.random.default_rng(4)
    logits = ag.Tensor(rng.standard_normal((8, 5)) * 3, requires_grad=True)
    labels = rng.integers(0, 5, 8)
    (g,) = ag.grad(nn.cross_entropy(logits, labels), logits)
    expected = (softmax_rows(logits.data) - np.eye(5)[labels]) / 8
    np.testing.assert_allclose(g.data, expected, rtol=RTOL, atol=1e-16)


# --- seed 004: column-major layers, leaky ReLU, MSE, the generic loop ---------------------------

def test_mlp_gradients_equal_seed004_generic_loop():
    rng = np.random.default_rng(5)
    alpha = 0.1
    sizes = [3, 5, 4, 2]
    model = nn.MLP(sizes, activation="leaky_relu", output_activation="leaky_relu",
                   negative_slope=alpha, rng=rng)
    m = 6
    x0 = rng.standard_normal((sizes[0], m))  # column-major: one sample per column
    target = rng.standard_normal((sizes[-1], m))
    loss = nn.mse_loss(model(x0.T), target.T)
    loss.backward()

    f = lambda y: np.where(y > 0, y, alpha * y)
    f_prime = lambda y: np.maximum(y > 0, alpha)  # 1 or alpha
    xs, ys = [], []
    x = x0
    for layer in model.layers:  # W of shape (outs, ins): y = W x + b
        xs.append(x)
        y = layer.weight.data @ x + layer.bias.data[:, None]
        ys.append(y)
        x = f(y)
    dx = 2 * (x - target) / target.size  # d MSE / d yhat
    for i in reversed(range(len(model.layers))):
        W = model.layers[i].weight.data
        db = f_prime(ys[i]) * dx  # f'(y), where the seed's loop used f(y)
        dW = db @ xs[i].T
        np.testing.assert_allclose(model.layers[i].weight.grad.data, dW, rtol=RTOL, atol=1e-16)
        np.testing.assert_allclose(model.layers[i].bias.grad.data, db.sum(axis=1), rtol=RTOL,
                                   atol=1e-16)
        dx = W.T @ db
