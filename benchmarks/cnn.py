"""CNN benchmark (issue #15): our engine against PyTorch CPU, both on one thread, float64.

    python3 -m benchmarks.cnn [--repeats 20]

Prints two ratios (our time / PyTorch's, median of `repeats` runs after a warm-up):
1. one training step of nn.CNN (forward, cross-entropy, backward, Adam) on a batch of 128 8x8
   digits, against the same network in torch.nn with the same weights;
2. conv2d forward + backward on a (64, 16, 28, 28) batch with a (32, 16, 3, 3) kernel, padding 1.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads its BLAS

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import autograd_core as ag  # noqa: E402
import nn  # noqa: E402


def _median_time(step, repeats):
    step()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _torch_cnn(torch, ours):
    """The same network in torch.nn, its weights copied from ours (same names and layouts)."""
    tnn = torch.nn
    blocks = []
    for conv in ours.blocks:
        blocks += [tnn.Conv2d(conv.in_channels, conv.out_channels, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2)]
    model = tnn.Sequential(*blocks, tnn.Flatten(), tnn.Linear(ours.hidden_layer.in_features, ours.hidden),
                           tnn.ReLU(), tnn.Linear(ours.hidden, ours.n_classes)).double()
    state = ours.state_dict()
    names = [f"blocks.{k}.{p}" for k in range(len(ours.blocks)) for p in ("weight", "bias")]
    names += [f"{m}.{p}" for m in ("hidden_layer", "out") for p in ("weight", "bias")]
    with torch.no_grad():
        for (_, param), name in zip(model.named_parameters(), names):
            param.copy_(torch.tensor(state[name]))
    return model


def bench_cnn_step(torch, repeats, batch=128):
    (X, y), _ = nn.data.load_digits(seed=0)
    X, y = X[:batch], y[:batch]
    ours = nn.CNN(rng=0)
    theirs = _torch_cnn(torch, ours)
    x_t, y_t = torch.tensor(X.reshape(-1, 1, 8, 8)), torch.tensor(y)
    assert np.allclose(ours(ag.Tensor(X)).data, theirs(x_t).detach().numpy(), rtol=1e-9, atol=1e-12)
    opt = nn.optim.Adam(ours.parameters(), lr=1e-3)
    topt = torch.optim.Adam(theirs.parameters(), lr=1e-3)

    def ours_step():
        opt.zero_grad()
        nn.cross_entropy(ours(ag.Tensor(X)), y).backward()
        opt.step()

    def theirs_step():
        topt.zero_grad()
        torch.nn.functional.cross_entropy(theirs(x_t), y_t).backward()
        topt.step()

    return _median_time(ours_step, repeats), _median_time(theirs_step, repeats)


def bench_conv(torch, repeats):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((64, 16, 28, 28)), rng.standard_normal((32, 16, 3, 3))
    g = rng.standard_normal((64, 32, 28, 28))
    xs, ws = ag.Tensor(x, requires_grad=True), ag.Tensor(w, requires_grad=True)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)

    def ours():
        ag.grad(ag.conv2d(xs, ws, padding=1), [xs, ws], grad_outputs=g)

    def theirs():
        torch.autograd.grad(torch.nn.functional.conv2d(xt, wt, padding=1), [xt, wt], torch.tensor(g))

    return _median_time(ours, repeats), _median_time(theirs, repeats)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m benchmarks.cnn", description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=20)
    args = p.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass
    for name, bench in (("CNN training step, batch 128 of 8x8 digits", bench_cnn_step),
                        ("conv2d forward+backward, (64, 16, 28, 28) * (32, 16, 3, 3)", bench_conv)):
        ours, theirs = bench(torch, args.repeats)
        print(f"{name}: ours {ours * 1e3:.2f} ms, PyTorch {theirs * 1e3:.2f} ms, "
              f"ratio {ours / theirs:.2f}x (one thread, float64)")


if __name__ == "__main__":
    main()
