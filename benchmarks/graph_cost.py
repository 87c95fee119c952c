"""What a recorded graph costs: time per op of a chain forward+backward, and the bytes it holds.

    python3 -m benchmarks.graph_cost

Time: the chain (x * 0.9 + 0.1).tanh() repeated, on 0-d and (16,) tensors, in µs per op (best of
5). Memory (tracemalloc, one (4096,) float64 array = 32 KiB per intermediate): the bytes the
recorded graph keeps alive after the forward, the peak over forward+backward, and what is left
after backward, beside the bytes of all the intermediates; and the same for one training step of
nn.MLP and nn.ResNet.
"""

import gc
import timeit
import tracemalloc

import numpy as np

import autograd_core as ag
import nn

STEPS = 300  # three ops each


def chain(x):
    for _ in range(STEPS):
        x = (x * 0.9 + 0.1).tanh()
    return x


def microseconds_per_op(shape):
    start = np.full(shape, 0.5)

    def step():
        x = ag.Tensor(start, requires_grad=True)
        chain(x).sum().backward()

    best = min(timeit.repeat(step, number=3, repeat=5)) / 3
    return best / (3 * STEPS + 1) * 1e6


def _measure(forward):
    """Bytes (traced by tracemalloc from before the forward): held by the graph after `forward()`,
    the peak over forward and backward, and what is still allocated after backward."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loss = forward()
    held = tracemalloc.get_traced_memory()[0] - base
    loss.backward()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"graph holds": held, "peak": peak - base, "after backward": after - base}


def chain_memory():
    x = ag.Tensor(np.full(4096, 0.5), requires_grad=True)
    intermediates = 3 * STEPS * x.data.nbytes
    return {"intermediates": intermediates, **_measure(lambda: chain(x).sum())}


def model_step_memory(model, X, loss_fn):
    model.zero_grad()
    return _measure(lambda: loss_fn(model(X)))


def main():
    print("µs per op, chain forward+backward:", ", ".join(
        f"{shape}: {microseconds_per_op(shape):.2f}" for shape in [(), (16,)]))
    kib = lambda d: ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in d.items())  # noqa: E731
    print("chain of (4096,) float64:", kib(chain_memory()))
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((256, 784)), rng.integers(0, 10, 256)
    mlp = nn.MLP([784, 100, 200, 10])
    print("nn.MLP 784-100-200-10, B=256:", kib(model_step_memory(
        mlp, ag.Tensor(X), lambda z: nn.cross_entropy(z, y))))
    Xr, yr = rng.standard_normal((2000, 4)), rng.integers(0, 2, 2000).astype(float)
    resnet = nn.ResNet(4, 20, rng=0)
    print("nn.ResNet d=4 K=20, I=2000:", kib(model_step_memory(
        resnet, ag.Tensor(Xr), lambda p: nn.binary_cross_entropy(p, yr))))


if __name__ == "__main__":
    main()
