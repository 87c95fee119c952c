"""The report: results.md (timing, bound, agreement and memory tables) and scaling.png.

Every figure is read from the Workload records and the runner's summary table (`table[name]
[engine]`); the plot's series are chosen by the records' fields (step, batch, dtype, layers).
"""

NAMES = {"numpy": "hand-written NumPy", "ours": "ours (nn)", "plain": "plain expressions",
         "compiled": "compiled (ag.compile)", "torch": "PyTorch CPU"}
SHORT = {"numpy": "NumPy", "ours": "ours (nn)", "plain": "plain", "compiled": "compiled",
         "torch": "PyTorch"}
COLORS = {"numpy": "k", "ours": "C0", "plain": "C2", "compiled": "C3", "torch": "C1"}


def fmt(x):
    if x is None:
        return "–"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _row(cells):
    return "| " + " | ".join(cells) + " |"


def engines_of(meta):
    return ["numpy", "ours", "plain", "compiled"] + (["torch"] if meta["torch"] else [])


def markdown(rows, table, checks, memory, meta):
    """The whole of results.md, one section after another."""
    engines = engines_of(meta)
    sections = [_header(meta), _timing(rows, table, engines), _wall(rows, table, engines),
                _faults(rows, table, engines), _bounds(rows, table, engines),
                _agreement(checks, engines), _memory(memory),
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
        "NumPy (CPU time; wall-clock in the next table). Engines: hand-written NumPy; ours (nn): "
        "the library's fused layers (`nn.MLP`, `nn.ResNet`); plain: the same models as plain "
        "expressions on Tensors (`ag.relu(x @ W1.T + b1)`, `y + h * ag.tanh(y @ W.T + b)`); "
        "compiled: plain, its forward and backward through `ag.compile` (the optimizer's step "
        "outside); PyTorch's CPU build.",
        "",
    ]


def _timing(rows, table, engines):
    """One line per workload: medians, CPU ratios to NumPy and the targets."""
    others = engines[1:]
    head = (["workload", "unit"] + [SHORT[e] for e in engines]
            + [f"{SHORT[e]} / NumPy" for e in others] + ["targets"])
    lines = [_row(head), "|" + "---|" * len(head)]
    for row in rows:
        t = table[row.name]
        cells = [row.label, row.unit] + [fmt(t[e]["median"]) if e in t else "–" for e in engines]
        cells += [_ratio(t, e, "ratio") for e in others]
        cells.append("; ".join(f"{target.text}: {'met' if target.met(t) else 'missed'}"
                               for target in row.all_targets))
        lines.append(_row(cells))
    return lines


def _ratio(t, engine, key):
    return f"{t[engine][key]:.2f}×" if key in t.get(engine, {}) else "–"


def _wall(rows, table, engines):
    others = engines[1:]
    lines = ["", "## Wall-clock ratios to NumPy", "",
             _row(["workload"] + [SHORT[e] for e in others]), "|---|" + "---|" * len(others)]
    lines += [_row([row.label] + [_ratio(table[row.name], e, "ratio_wall") for e in others])
              for row in rows]
    return lines


def _faults(rows, table, engines):
    """Median minor page faults per step, one line per workload."""
    lines = ["", "## Minor page faults per step", "",
             "Each is the first touch of a page the allocator took from the system: a step that "
             "frees memory back (glibc returns the top of its heap) pays them again next step. "
             "Their cost moves from run to run on a virtual machine, and with it the ratios of "
             "the rows that take many; a compiled replay writes into buffers it keeps.", "",
             _row(["workload"] + [SHORT[e] for e in engines]), "|---|" + "---|" * len(engines)]
    lines += [_row([row.label] + [_count(table[row.name].get(e, {}).get("faults"))
                                  for e in engines]) for row in rows]
    return lines


def _count(faults):
    return "–" if faults is None else f"{faults:.0f}" if faults >= 10 else f"{faults:.1f}"


def bound_pairs(rows):
    """(matrix products alone, the MLP step of the same batch and dtype) for each bound row."""
    steps = [r for r in rows if r.step == "mlp"]
    return [(b, next(s for s in steps if (s.batch, s.dtype) == (b.batch, b.dtype)))
            for b in rows if b.step == "mlp_matmuls"]


def _bounds(rows, table, engines):
    lines = [
        "",
        "## How close the MLP step gets to its matrix products",
        "",
        _row(["batch, dtype", "8 products alone (ms)"] + [f"{SHORT[e]} step / products"
                                                          for e in engines]),
        "|---|---|" + "---|" * len(engines),
    ]
    for bound, step in bound_pairs(rows):
        alone = table[bound.name]["numpy"]["median"]
        cells = [f"{step.batch}, {step.dtype}", fmt(alone)]
        cells += [f"{table[step.name][e]['median'] / alone:.2f}×" if e in table[step.name]
                  else "–" for e in engines]
        lines.append(_row(cells))
    return lines


def _agreement(checks, engines):
    others = engines[1:]
    lines = [
        "",
        "## Same losses",
        "",
        "Values of a fresh model over its first steps; largest relative difference to NumPy "
        "(float64: at most 1e-6 for our engines, or the run fails).",
        "",
        _row(["check", "NumPy values"] + [f"{SHORT[e]} rel. diff" for e in others]),
        "|---|---|" + "---|" * len(others),
    ]
    for c in checks:
        cells = [c["check"].workload.label, ", ".join(f"{v:.6g}" for v in c["numpy"])]
        for e in others:
            error = c["errors"][e]
            judged = c["check"].float64 and e != "torch"
            cells.append(f"{error:.1e}" + ("" if not judged else
                                          " (ok)" if error <= 1e-6 else " (> 1e-6: FAILED)"))
        lines.append(_row(cells))
    return lines


def _memory(memory):
    engines = [e for e in ("numpy", "ours", "plain", "compiled") if e in memory[0][1]]
    lines = [
        "",
        "## Peak memory of one training step",
        "",
        "tracemalloc peak of the allocations made during one step (after a warm-up step, which "
        "for compiled is the trace), plus for compiled the buffers its program holds between "
        "calls; PyTorch's allocator is not traced. Targets: ours ≤ 1.2× "
        "NumPy; a compiled step ≤ the eager step of the same expressions (plain).",
        "",
        _row(["workload"] + [f"{SHORT[e]} (MB)" for e in engines]
             + ["ours / NumPy", "compiled / plain", "targets"]),
        "|---|" + "---|" * (len(engines) + 3),
    ]
    for case, peaks in memory:
        ours, compiled = peaks["ours"] / peaks["numpy"], peaks["compiled"] / peaks["plain"]
        lines.append(_row(
            [case.label] + [f"{peaks[e] / 1e6:.2f}" for e in engines]
            + [f"{ours:.2f}×", f"{compiled:.2f}×",
               f"≤ 1.2×: {'met' if ours <= 1.2 else 'missed'}; "
               f"≤ 1.0×: {'met' if compiled <= 1.0 else 'missed'}"]))
    return lines


def plot(rows, table, path, torch):
    """scaling.png: MLP time against batch size (left), residual net against depth (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    engines = [(e, NAMES[e], COLORS[e])
               for e in ("numpy", "ours", "plain", "compiled") + (("torch",) if torch else ())]
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
        _line(ax, steps, table, engine, "batch", color, label)
    bounds = _series(rows, "mlp_matmuls", "batch", dtype="float32")
    ax.plot([r.batch for r in bounds], [table[r.name]["numpy"]["median"] for r in bounds],
            "x--", color="grey", label="its 8 matrix products")
    ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="ms per step",
           title="MLP 784-100-200-10 + Adam, float32")
    ax.legend()


def _plot_depths(ax, rows, table, engines):
    nets = _series(rows, "resnet", "layers")
    for engine, label, color in engines:
        _line(ax, nets, table, engine, "layers", color, label)
    ax.set(xlabel="layers", ylabel="ms per step", title="residual net, d=4, 2000 points, float64")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend()


def _line(ax, rows, table, engine, key, color, label):
    """One engine's series: the rows it ran, against the field `key`."""
    ran = [r for r in rows if engine in table[r.name]]
    ax.plot([getattr(r, key) for r in ran], [table[r.name][engine]["median"] for r in ran],
            "o-", color=color, label=label)
