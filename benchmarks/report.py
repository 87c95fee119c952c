"""The report: results.md (timing, bound, agreement and memory tables) and scaling.png.

Every figure is read from the Workload records and the runner's summary table (`table[name]
[engine]`); the plot's series are chosen by the records' fields (step, batch, dtype, layers).
"""

NAMES = {"numpy": "hand-written NumPy", "ours": "autograd_core", "torch": "PyTorch CPU"}


def fmt(x):
    if x is None:
        return "–"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _row(cells):
    return "| " + " | ".join(cells) + " |"


def engines_of(meta):
    return ["numpy", "ours"] + (["torch"] if meta["torch"] else [])


def markdown(rows, table, checks, memory, meta):
    """The whole of results.md, one section after another."""
    engines = engines_of(meta)
    sections = [_header(meta), _timing(rows, table, engines), _bounds(rows, table, engines, meta),
                _agreement(checks, meta), _memory(memory),
                ["", "![time per step against batch size and depth](scaling.png)", ""]]
    return "\n".join(line for section in sections for line in section)


def _header(meta):
    return [
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


def _timing(rows, table, engines):
    """One line per workload: medians, ratios (CPU, then wall) and the target."""
    others = engines[1:]
    head = (["workload", "unit"] + [NAMES[e] for e in engines]
            + [f"{NAMES[e]} / NumPy" for e in others]
            + [f"{NAMES[e]} / NumPy (wall)" for e in others] + ["target"])
    lines = [_row(head), "|" + "---|" * len(head)]
    for row in rows:
        t = table[row.name]
        cells = [row.label, row.unit] + [fmt(t[e]["median"]) if e in t else "–" for e in engines]
        for key in ("ratio", "ratio_wall"):
            cells += [f"{t[e][key]:.2f}×" if key in t.get(e, {}) else "–" for e in others]
        target = row.target
        cells.append("" if target is None else
                     f"{target.text}: {'met' if target.met(t) else 'missed'}")
        lines.append(_row(cells))
    return lines


def bound_pairs(rows):
    """(matrix products alone, the MLP step of the same batch and dtype) for each bound row."""
    steps = [r for r in rows if r.step == "mlp"]
    return [(b, next(s for s in steps if (s.batch, s.dtype) == (b.batch, b.dtype)))
            for b in rows if b.step == "mlp_matmuls"]


def _bounds(rows, table, engines, meta):
    torch = bool(meta["torch"])
    lines = [
        "",
        "## How close the MLP step gets to its matrix products",
        "",
        "| batch, dtype | 8 products alone (ms) | NumPy step / products | ours step / products"
        + (" | PyTorch step / products |" if torch else " |"),
        "|---|---|---|---|" + ("---|" if torch else ""),
    ]
    for bound, step in bound_pairs(rows):
        alone = table[bound.name]["numpy"]["median"]
        cells = [f"{step.batch}, {step.dtype}", fmt(alone)]
        cells += [f"{table[step.name][e]['median'] / alone:.2f}×" for e in engines]
        lines.append(_row(cells))
    return lines


def _agreement(checks, meta):
    torch = bool(meta["torch"])
    lines = [
        "",
        "## Same losses",
        "",
        "Values of a fresh model over its first steps; largest relative difference to NumPy.",
        "",
        "| check | NumPy values | ours rel. diff" + (" | PyTorch rel. diff |" if torch else " |"),
        "|---|---|---|" + ("---|" if torch else ""),
    ]
    for c in checks:
        ours = c["errors"]["ours"]
        ok = "" if not c["check"].float64 else (
            " (≤ 1e-6: ok)" if ours <= 1e-6 else " (> 1e-6: FAILED)")
        cells = [c["check"].workload.label, ", ".join(f"{v:.6g}" for v in c["numpy"]),
                 f"{ours:.1e}{ok}"]
        if torch:
            cells.append(f"{c['errors']['torch']:.1e}")
        lines.append(_row(cells))
    return lines


def _memory(memory):
    lines = [
        "",
        "## Peak memory of one training step",
        "",
        "tracemalloc peak of the allocations made during one step (after a warm-up step); "
        "PyTorch's allocator is not traced.",
        "",
        "| workload | NumPy (MB) | ours (MB) | ours / NumPy | target |",
        "|---|---|---|---|---|",
    ]
    for case, peaks in memory:
        ratio = peaks["ours"] / peaks["numpy"]
        lines.append(
            f"| {case.label} | {peaks['numpy'] / 1e6:.2f} | {peaks['ours'] / 1e6:.2f} | "
            f"{ratio:.2f}× | ≤ 1.2×: {'met' if ratio <= 1.2 else 'missed'} |"
        )
    return lines


def plot(rows, table, path, torch):
    """scaling.png: MLP time against batch size (left), residual net against depth (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    engines = [("numpy", "hand-written NumPy", "k"), ("ours", "autograd_core", "C0")]
    if torch:
        engines.append(("torch", "PyTorch CPU", "C1"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    _plot_batches(left, rows, table, engines)
    _plot_depths(right, rows, table, engines)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _series(rows, step, key, **fields):
    """The rows of `step` whose fields match, sorted by `key` (a field name)."""
    chosen = [r for r in rows
              if r.step == step and all(getattr(r, k) == v for k, v in fields.items())]
    return sorted(chosen, key=lambda r: getattr(r, key))


def _plot_batches(ax, rows, table, engines):
    steps = _series(rows, "mlp", "batch", dtype="float32")
    for engine, label, color in engines:
        ax.plot([r.batch for r in steps], [table[r.name][engine]["median"] for r in steps],
                "o-", color=color, label=label)
    bounds = _series(rows, "mlp_matmuls", "batch", dtype="float32")
    ax.plot([r.batch for r in bounds], [table[r.name]["numpy"]["median"] for r in bounds],
            "x--", color="grey", label="its 8 matrix products")
    ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="ms per step",
           title="MLP 784-100-200-10 + Adam, float32")
    ax.legend()


def _plot_depths(ax, rows, table, engines):
    nets = _series(rows, "resnet", "layers")
    for engine, label, color in engines:
        ax.plot([r.layers for r in nets], [table[r.name][engine]["median"] for r in nets],
                "o-", color=color, label=label)
    ax.set(xlabel="layers", ylabel="ms per step", title="residual net, d=4, 2000 points, float64")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend()
