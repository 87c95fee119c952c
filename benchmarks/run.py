"""Run every workload on every engine and write benchmarks/results.md and benchmarks/scaling.png.

    python -m benchmarks.run            # the full run (a few minutes)
    python -m benchmarks.run --quick    # fewer rounds, shorter chains (about half a minute)

Each engine (hand-written NumPy, ours, PyTorch if installed) runs in its own process with one
BLAS/OpenMP thread. Rounds are interleaved: in every round each workload runs once on each
engine, in an order that rotates from round to round, and each sample is preceded by one untimed
warm-up step. Reported: the median time over rounds, and the median over rounds of the per-round
ratio to hand-written NumPy. Times are CPU time of the engine's process (this machine is shared,
so wall time also counts the time others held the CPU); wall-clock ratios are given beside them.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def workloads(quick):
    """(name, label, workload, params, repeat, unit, engines, rounds) for every measurement."""
    ops = 3000 if quick else 10000
    everyone = ("numpy", "ours", "torch")
    rows = []

    def add(name, label, workload, params, repeat, unit, engines=everyone, rounds=None):
        rows.append(
            dict(
                name=name,
                label=label,
                workload=workload,
                params=params,
                repeat=repeat,
                unit=unit,
                engines=engines,
                rounds=rounds,
            )
        )

    for shape, tag in (([], "0-d"), ([16], "(16,)")):
        add(
            f"chain{tag}",
            f"chain of {ops} small ops, fwd+bwd, {tag}",
            "chain",
            dict(shape=shape, ops=ops),
            1,
            "us/op",
        )
    for shape, tag in (([], "0-d"), ([16], "(16,)")):
        add(
            f"nograd{tag}",
            f"same, forward under no_grad, {tag}",
            "chain",
            dict(shape=shape, ops=ops, no_grad=True),
            1,
            "us/op",
        )
    for batch, dtype, repeat in ((256, "float32", 10), (5000, "float32", 2), (5000, "float64", 2)):
        add(
            f"mlp{batch}-{dtype}",
            f"MLP 784-100-200-10 + Adam, batch {batch}, {dtype}",
            "mlp",
            dict(batch=batch, dtype=dtype),
            repeat,
            "ms/step",
        )
        add(
            f"matmuls{batch}-{dtype}",
            f"its 8 matrix products alone, batch {batch}, {dtype}",
            "mlp_matmuls",
            dict(batch=batch, dtype=dtype),
            repeat,
            "ms/step",
            engines=("numpy",),
        )
    add(
        "resnet",
        "seed-000 residual net, d=4, 20 layers, 2000 points, float64",
        "resnet",
        dict(layers=20, points=2000),
        5,
        "ms/step",
    )
    add(
        "chain100k",
        "chain of 100,000 scalar ops, fwd+bwd",
        "chain",
        dict(shape=[], ops=100_000),
        1,
        "s",
        rounds=1 if quick else 3,
    )
    if not quick:
        add(
            "chain1M",
            "chain of 1,000,000 scalar ops, fwd+bwd (one sample)",
            "chain",
            dict(shape=[], ops=1_000_000),
            1,
            "s",
            engines=("numpy", "ours"),
            rounds=1,
        )
    for batch in (64, 1024):  # with 256 and 5000 above: the batch-size scaling
        add(
            f"mlp{batch}-float32",
            f"MLP, batch {batch}, float32 (scaling)",
            "mlp",
            dict(batch=batch, dtype="float32"),
            10 if batch < 1000 else 3,
            "ms/step",
        )
    for layers in (5, 10, 40) + (() if quick else (80,)):  # with 20 above: the depth scaling
        add(
            f"resnet{layers}",
            f"residual net, {layers} layers (scaling)",
            "resnet",
            dict(layers=layers, points=2000),
            5,
            "ms/step",
        )
    return rows


UNIT_SCALE = {"us/op": 1e6, "ms/step": 1e3, "s": 1.0}


def to_unit(row, seconds):
    scale = UNIT_SCALE[row["unit"]]
    return seconds * scale / (row["params"]["ops"] if row["unit"] == "us/op" else 1)


class Worker:
    """One engine's process, answering one JSON command at a time."""

    def __init__(self, engine, threads):
        env = dict(
            os.environ,
            OMP_NUM_THREADS=str(threads),
            OPENBLAS_NUM_THREADS=str(threads),
            MKL_NUM_THREADS=str(threads),
            PYTHONPATH=str(ROOT),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", engine],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker died on {command}")
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.process.stdin.close()
        self.process.wait()


def measure(rows, workers, rounds):
    """samples[name][engine] = list of (cpu, wall) seconds per step, one per round."""
    samples = {row["name"]: {e: [] for e in row["engines"] if e in workers} for row in rows}
    for r in range(rounds):
        started = time.perf_counter()
        for row in rows:
            if row["rounds"] is not None and r >= row["rounds"]:
                continue
            engines = [e for e in row["engines"] if e in workers]
            shift = r % len(engines)
            for engine in engines[shift:] + engines[:shift]:  # A B C, B C A, ...
                reply = workers[engine].ask(
                    cmd="sample",
                    workload=row["workload"],
                    params=row["params"],
                    repeat=row["repeat"],
                    warmup=row["name"] != "chain1M",
                )
                samples[row["name"]][engine].append((reply["cpu"], reply["wall"]))
        print(f"  round {r + 1}/{rounds}: {time.perf_counter() - started:.1f} s", flush=True)
    return samples


def summarise(rows, samples):
    """Per row and engine: median time (CPU), median per-round ratio to NumPy (CPU and wall)."""
    table = {}
    for row in rows:
        per_engine = samples[row["name"]]
        base = per_engine.get("numpy")
        out = {}
        for engine, values in per_engine.items():
            entry = {"median": to_unit(row, statistics.median(v[0] for v in values))}
            if base and engine != "numpy":
                n = min(len(base), len(values))
                entry["ratio"] = statistics.median(values[i][0] / base[i][0] for i in range(n))
                entry["ratio_wall"] = statistics.median(values[i][1] / base[i][1] for i in range(n))
            out[engine] = entry
        table[row["name"]] = out
    return table


def check_values(workers):
    """Losses (and chain gradients) of a fresh model, ours and PyTorch against NumPy."""
    checks = [
        ("MLP batch 256, float64, 5 Adam steps", "mlp", dict(batch=256, dtype="float64"), 5),
        ("MLP batch 5000, float64, 3 Adam steps", "mlp", dict(batch=5000, dtype="float64"), 3),
        ("MLP batch 256, float32, 5 Adam steps", "mlp", dict(batch=256, dtype="float32"), 5),
        ("residual net, 20 layers, float64, 5 steps", "resnet", dict(layers=20, points=2000), 5),
        ("chain gradient, 0-d, float64", "chain", dict(shape=[], ops=600), 1),
        ("chain gradient, (16,), float64", "chain", dict(shape=[16], ops=600), 1),
    ]
    results = []
    for label, workload, params, steps in checks:
        values = {
            e: w.ask(cmd="values", workload=workload, params=params, steps=steps)["values"]
            for e, w in workers.items()
        }
        ref = values["numpy"]
        errors = {
            e: max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(v, ref))
            for e, v in values.items()
            if e != "numpy"
        }
        results.append(dict(label=label, float64="float32" not in label, numpy=ref, errors=errors))
    return results


def check_memory(workers):
    """tracemalloc peak of one step, ours against NumPy (PyTorch's allocator is not traced)."""
    cases = [
        ("MLP batch 256, float32", "mlp", dict(batch=256, dtype="float32")),
        ("MLP batch 5000, float32", "mlp", dict(batch=5000, dtype="float32")),
        ("MLP batch 5000, float64", "mlp", dict(batch=5000, dtype="float64")),
        ("residual net, 20 layers", "resnet", dict(layers=20, points=2000)),
    ]
    return [
        (
            label,
            {
                e: workers[e].ask(cmd="memory", workload=w, params=p)["peak"]
                for e in ("numpy", "ours")
            },
        )
        for label, w, p in cases
    ]


TARGETS = {
    "chain0-d": ("ours", "<= 3 us/op", lambda t: t["ours"]["median"] <= 3),
    "chain(16,)": ("ours", "<= 3 us/op", lambda t: t["ours"]["median"] <= 3),
    "nograd0-d": ("ours", "<= 3x NumPy", lambda t: t["ours"]["ratio"] <= 3),
    "nograd(16,)": ("ours", "<= 3x NumPy", lambda t: t["ours"]["ratio"] <= 3),
    "mlp256-float32": ("ours", "<= 1.10x NumPy", lambda t: t["ours"]["ratio"] <= 1.10),
    "mlp5000-float32": ("ours", "<= 1.03x NumPy", lambda t: t["ours"]["ratio"] <= 1.03),
    "mlp5000-float64": ("ours", "<= 1.03x NumPy", lambda t: t["ours"]["ratio"] <= 1.03),
    "resnet": ("ours", "<= 1.3x NumPy", lambda t: t["ours"]["ratio"] <= 1.3),
    "chain1M": ("ours", "seconds", lambda t: t["ours"]["median"] < 10),
}


def fmt(x):
    if x is None:
        return "–"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def markdown(rows, table, checks, memory, meta):
    engines = ["numpy", "ours"] + (["torch"] if meta["torch"] else [])
    names = {"numpy": "hand-written NumPy", "ours": "autograd_core", "torch": "PyTorch CPU"}
    lines = [
        "# Benchmark results",
        "",
        f"`{meta['command']}` — {meta['when']}; Python {meta['python']}, NumPy {meta['numpy']}"
        + (f", PyTorch {meta['torch']}" if meta["torch"] else ", PyTorch not installed")
        + f"; {meta['cpus']} CPUs, {meta['threads']} BLAS thread(s) per engine, "
        f"{meta['rounds']} interleaved rounds.",
        "",
        "Medians of CPU time per unit; ratios are medians of per-round ratios to hand-written "
        "NumPy (CPU time; wall-clock in the last columns).",
        "",
    ]
    head = (
        ["workload", "unit"]
        + [names[e] for e in engines]
        + [f"{names[e]} / NumPy" for e in engines[1:]]
    )
    head += [f"{names[e]} / NumPy (wall)" for e in engines[1:]] + ["target"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        t = table[row["name"]]
        cells = [row["label"], row["unit"]]
        cells += [fmt(t[e]["median"]) if e in t else "–" for e in engines]
        cells += [
            f"{t[e]['ratio']:.2f}×" if e in t and "ratio" in t[e] else "–" for e in engines[1:]
        ]
        cells += [
            f"{t[e]['ratio_wall']:.2f}×" if e in t and "ratio_wall" in t[e] else "–"
            for e in engines[1:]
        ]
        target = TARGETS.get(row["name"])
        cells.append(
            "" if target is None else f"{target[1]}: {'met' if target[2](t) else 'missed'}"
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## How close the MLP step gets to its matrix products",
        "",
        "| batch, dtype | 8 products alone (ms) | NumPy step / products | ours step / products"
        + (" | PyTorch step / products |" if meta["torch"] else " |"),
        "|---|---|---|---|" + ("---|" if meta["torch"] else ""),
    ]
    for batch, dtype in ((256, "float32"), (5000, "float32"), (5000, "float64")):
        bound = table[f"matmuls{batch}-{dtype}"]["numpy"]["median"]
        step = table[f"mlp{batch}-{dtype}"]
        cells = [f"{batch}, {dtype}", fmt(bound)] + [
            f"{step[e]['median'] / bound:.2f}×" for e in engines
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Same losses",
        "",
        "Values of a fresh model over its first steps; largest relative difference to NumPy.",
        "",
        "| check | NumPy values | ours rel. diff"
        + (" | PyTorch rel. diff |" if meta["torch"] else " |"),
        "|---|---|---|" + ("---|" if meta["torch"] else ""),
    ]
    for c in checks:
        ok = (
            ""
            if not c["float64"]
            else (" (≤ 1e-6: ok)" if c["errors"]["ours"] <= 1e-6 else " (> 1e-6: FAILED)")
        )
        cells = [
            c["label"],
            ", ".join(f"{v:.6g}" for v in c["numpy"]),
            f"{c['errors']['ours']:.1e}{ok}",
        ]
        if meta["torch"]:
            cells.append(f"{c['errors']['torch']:.1e}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Peak memory of one training step",
        "",
        "tracemalloc peak of the allocations made during one step (after a warm-up step); "
        "PyTorch's allocator is not traced.",
        "",
        "| workload | NumPy (MB) | ours (MB) | ours / NumPy | target |",
        "|---|---|---|---|---|",
    ]
    for label, peaks in memory:
        ratio = peaks["ours"] / peaks["numpy"]
        lines.append(
            f"| {label} | {peaks['numpy'] / 1e6:.2f} | {peaks['ours'] / 1e6:.2f} | "
            f"{ratio:.2f}× | ≤ 1.2×: {'met' if ratio <= 1.2 else 'missed'} |"
        )
    lines += ["", "![time per step against batch size and depth](scaling.png)", ""]
    return "\n".join(lines)


def plot(table, path, torch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    engines = [("numpy", "hand-written NumPy", "k"), ("ours", "autograd_core", "C0")]
    if torch:
        engines.append(("torch", "PyTorch CPU", "C1"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    batches = sorted(
        int(n[3:].split("-")[0]) for n in table if n.startswith("mlp") and n.endswith("-float32")
    )
    for engine, label, color in engines:
        left.plot(
            batches,
            [table[f"mlp{b}-float32"][engine]["median"] for b in batches],
            "o-",
            color=color,
            label=label,
        )
    bounds = [b for b in batches if f"matmuls{b}-float32" in table]
    left.plot(
        bounds,
        [table[f"matmuls{b}-float32"]["numpy"]["median"] for b in bounds],
        "x--",
        color="grey",
        label="its 8 matrix products",
    )
    left.set(
        xscale="log",
        yscale="log",
        xlabel="batch size",
        ylabel="ms per step",
        title="MLP 784-100-200-10 + Adam, float32",
    )
    left.legend()
    depths = sorted(int(n[6:] or 20) for n in table if n.startswith("resnet"))
    for engine, label, color in engines:
        right.plot(
            depths,
            [table["resnet" if d == 20 else f"resnet{d}"][engine]["median"] for d in depths],
            "o-",
            color=color,
            label=label,
        )
    right.set(
        xlabel="layers", ylabel="ms per step", title="residual net, d=4, 2000 points, float64"
    )
    right.set_xlim(left=0)
    right.set_ylim(bottom=0)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds, shorter chains (~30 s)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 9, quick 3)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads per engine")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder for results.md and scaling.png"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 9)
    has_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    if not has_torch and not args.no_torch:
        print(
            "PyTorch is not installed: comparing with NumPy only "
            "(pip install torch==2.13.0 for the CPU build)"
        )
    rows = workloads(args.quick)
    engines = ["numpy", "ours"] + (["torch"] if has_torch else [])
    workers = {e: Worker(e, args.threads) for e in engines}
    try:
        print("checking that the engines agree ...", flush=True)
        checks = check_values(workers)
        for c in checks:
            print(
                f"  {c['label']}: "
                + ", ".join(f"{e} rel. diff {v:.1e}" for e, v in c["errors"].items())
            )
        print("measuring peak memory ...", flush=True)
        memory = check_memory(workers)
        print(
            f"timing {len(rows)} workloads x {len(engines)} engines, {rounds} rounds ...",
            flush=True,
        )
        samples = measure(rows, workers, rounds)
    finally:
        for w in workers.values():
            w.close()
    table = summarise(rows, samples)
    import numpy

    meta = dict(
        command="python -m benchmarks.run" + (" --quick" if args.quick else ""),
        when=time.strftime("%Y-%m-%d"),
        python=sys.version.split()[0],
        numpy=numpy.__version__,
        torch=torch_version() if has_torch else None,
        cpus=os.cpu_count(),
        threads=args.threads,
        rounds=rounds,
    )
    text = markdown(rows, table, checks, memory, meta)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text)
    plot(table, args.out / "scaling.png", has_torch)
    print()
    print(text)
    failed = [c["label"] for c in checks if c["float64"] and c["errors"]["ours"] > 1e-6]
    if failed:
        print(f"\nLOSSES DIFFER from hand-written NumPy: {failed}")
        return 1
    return 0


def torch_version():
    out = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
