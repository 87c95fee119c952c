"""How long `to_dot` and `draw` take on large graphs: a 10,000-node residual network (the seed-000
model, modules named as nn names them), a 10,000-node chain without modules, and a walk of a
1,000,000-node chain.

    python -m benchmarks.viz_large_graph [--out DIR] [--full]    (from the repository root)
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import autograd_core as ag
from autograd_core.viz import draw, to_dot


def resnet_loss(steps, width=4, samples=8, seed=0):
    """J of the seed-000 residual network, Y <- Y + h * sigmoid(W Y + b); a name_scope per step."""
    rng = np.random.default_rng(seed)
    y = ag.Tensor(rng.standard_normal((width, samples)), name="Y0")
    with ag.name_scope("blocks"):
        for k in range(steps):
            with ag.name_scope(str(k)):
                w = ag.Tensor(rng.standard_normal((width, width)) * 0.3, requires_grad=True,
                              name=f"blocks.{k}.weight")
                b = ag.Tensor(np.zeros((width, 1)), requires_grad=True, name=f"blocks.{k}.bias")
                y = y + 0.1 * ag.sigmoid(w @ y + b)
    omega = ag.Tensor(rng.standard_normal((width, 1)), requires_grad=True, name="omega")
    mu = ag.Tensor(0.0, requires_grad=True, name="mu")
    z = ag.sigmoid(y.T @ omega + mu)
    c = ag.Tensor((rng.random((samples, 1)) > 0.5).astype(float), name="c")
    return 0.5 * ((z - c) ** 2).sum()


def chain_loss(length, reuse=False):
    """A chain of `length` steps without modules (4 * length + 3 nodes); `reuse`: x enters each."""
    x = ag.Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for _ in range(length):
        y = y * 1.01 + x if reuse else ag.tanh(y) * 1.01
    return y.sum()


def timed(label, f):
    start = time.perf_counter()
    result = f()
    print(f"{label:<70} {time.perf_counter() - start:7.2f} s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder for the pictures (default: a temporary one)")
    parser.add_argument("--full", action="store_true",
                        help="also render the 10k-node resnet with no budget (about a minute)")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)

    loss = resnet_loss(833)
    loss.backward(retain_graph=True)
    timed("resnet 10k nodes: to_dot (max_nodes=300)", lambda: to_dot(loss))
    timed("resnet 10k nodes: draw svg (max_nodes=300: one box)",
          lambda: draw(loss, out / "resnet.svg"))
    timed("resnet 10k nodes: draw svg (max_nodes=1000: a box per step)",
          lambda: draw(loss, out / "resnet_steps.svg", max_nodes=1000))
    timed("resnet 10k nodes: draw svg, grads=True (max_nodes=300)",
          lambda: draw(loss, out / "resnet_grads.svg", grads=True))
    if args.full:
        timed("resnet 10k nodes: draw svg, every node (max_nodes=None)",
              lambda: draw(loss, out / "resnet_full.svg", max_nodes=None))

    chain = chain_loss(2500)
    timed("chain 10k nodes, no modules: draw svg (truncated to 300)",
          lambda: draw(chain, out / "chain.svg"))
    reused = chain_loss(2500, reuse=True)
    timed("chain 10k nodes, x reused by every step: draw svg (truncated to 300)",
          lambda: draw(reused, out / "chain_reuse.svg"))
    big = chain_loss(250_000)
    timed("chain 1M nodes: to_dot (truncated to 300)", lambda: to_dot(big))
    print(f"pictures in {out}")


if __name__ == "__main__":
    main()
