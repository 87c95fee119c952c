"""The problems every engine solves, as plain NumPy arrays drawn from a fixed seed.

Every engine starts from these same arrays (weights included), so their losses can be compared.
"""

import numpy as np

# One block of the chain of small ops: y*1.25, y+0.5, exp, log, y*0.8, y-0.4. The block maps y to
# itself and its derivative is 1, so values and gradients neither blow up nor underflow.
CHAIN_BLOCK = 6
CHAIN_START = 0.5

MLP_SIZES = (784, 100, 200, 10)
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)

RESNET_STEP_LENGTH = 0.1  # h in Y_{k+1} = Y_k + h tanh(W_k Y_k + b_k)
RESNET_LEARNING_RATE = 0.01  # tau of the plain gradient step


def chain_start(shape):
    """The chain's input: 0.5 in every entry of an array of `shape` (() for a scalar)."""
    return np.full(tuple(shape), CHAIN_START)


def mlp_problem(batch, dtype, seed=0):
    """Inputs (batch, 784) in [0, 1), integer labels, and He-initialised weights.

    Weights are (out, in) as in PyTorch's Linear; biases are zero. Returns a dict of arrays.
    """
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    problem = {
        "x": rng.random((batch, MLP_SIZES[0])).astype(dtype),
        "labels": rng.integers(0, MLP_SIZES[-1], batch),
    }
    for k, (n_in, n_out) in enumerate(zip(MLP_SIZES[:-1], MLP_SIZES[1:]), start=1):
        problem[f"W{k}"] = (rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)
        problem[f"b{k}"] = np.zeros(n_out, dtype=dtype)
    return problem


def resnet_problem(layers=20, points=2000, d=4, seed=0):
    """Seed 000's residual network: two interleaved spirals in the plane, lifted to d features.

    Column-major as in the seed: Y0 is (d, points), labels c are (points, 1) in {0, 1};
    W (layers, d, d), b (layers, d, 1), omega (d, 1) and mu () are standard normal.
    """
    rng = np.random.default_rng(seed)
    half = points // 2
    angle = np.sqrt(rng.random(half)) * 3 * np.pi
    arm = np.stack([np.cos(angle) * angle, np.sin(angle) * angle]) / (3 * np.pi)
    plane = np.concatenate([arm, -arm], axis=1) + 0.02 * rng.standard_normal((2, 2 * half))
    y0 = np.zeros((d, 2 * half))
    y0[:2] = plane  # the extra features start at zero; the layers fill them
    c = np.concatenate([np.zeros(half), np.ones(half)])[:, None]
    return {
        "Y0": y0,
        "c": c,
        "W": rng.standard_normal((layers, d, d)),
        "b": rng.standard_normal((layers, d, 1)),
        "omega": rng.standard_normal((d, 1)),
        "mu": np.asarray(rng.standard_normal()),
    }
