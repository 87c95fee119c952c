"""What the benchmarks measure: one Workload record per timed row, and the value and memory checks.

A workload names the step function every engine module defines (`engine_*.setup(step, **params)`)
and holds its parameters as fields, so the report and the plot read `batch` or `layers` from the
record instead of parsing them out of its name.
"""

from dataclasses import dataclass, fields

EVERYONE = ("numpy", "ours", "plain", "compiled", "torch")
NN_ONLY = ("numpy", "ours", "torch")  # rows without the plain-expression engines
PARAMS = ("shape", "ops", "no_grad", "batch", "dtype", "layers", "points")  # the step's arguments
UNIT_SCALE = {"us/op": 1e6, "ms/step": 1e3, "s": 1.0}


@dataclass(frozen=True)
class Target:
    """What a row should reach: `text` for the table, `met(entries)` on its summary entries."""

    text: str
    met: object  # {engine: {"median": ..., "ratio": ...}} -> bool


def at_most(key, limit, text):
    """Met when ours is at most `limit` in `key` ("median": the row's unit; "ratio": to NumPy)."""
    return Target(text, lambda t: t["ours"][key] <= limit)


def of(engine, target):
    """`target` judged on `engine`'s entry instead of ours (its text names the engine)."""
    return Target(f"{engine} {target.text}", lambda t: target.met({"ours": t[engine]}))


@dataclass(frozen=True)
class Workload:
    """One measured row: the engines' `step` function with its parameters, and how to time it.

    Parameters left None are not passed to the step. `repeat` timed steps make one sample;
    `rounds` caps the rounds it takes part in (None: all); `warmup` runs one untimed step first.
    `target` is ours (nn); `targets` (more, of other engines: `of(engine, ...)`) follow it.
    """

    name: str
    label: str
    step: str
    shape: tuple = None
    ops: int = None
    no_grad: bool = None
    batch: int = None
    dtype: str = None
    layers: int = None
    points: int = None
    repeat: int = 1
    unit: str = "ms/step"
    engines: tuple = EVERYONE
    rounds: int = None
    warmup: bool = True
    target: Target = None
    targets: tuple = ()

    @property
    def all_targets(self):
        return ((self.target,) if self.target else ()) + tuple(self.targets)

    @property
    def params(self):
        """The keyword arguments of the step function (JSON-ready)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name in PARAMS}
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in values.items() if v is not None}

    def in_unit(self, seconds):
        """Seconds per step in this row's unit (per op for "us/op")."""
        return seconds * UNIT_SCALE[self.unit] / (self.ops if self.unit == "us/op" else 1)


def workloads(quick):
    """Every timed row, in table order; `quick` shortens the chains and drops the largest cases."""
    ops = 3000 if quick else 10000
    return [*_chains(ops), *_mlps(), *_resnet_and_long_chains(quick), *_scaling(quick)]


def _chains(ops):
    rows = []
    for shape, tag in (((), "0-d"), ((16,), "(16,)")):
        compiled = (of("compiled", at_most("median", 1.0, "<= 1.0 us/op")),) if shape else ()
        rows.append(Workload(f"chain{tag}", f"chain of {ops} small ops, fwd+bwd, {tag}", "chain",
                             shape=shape, ops=ops, unit="us/op",
                             target=at_most("median", 3, "<= 3 us/op"), targets=compiled))
    for shape, tag in (((), "0-d"), ((16,), "(16,)")):
        rows.append(Workload(f"nograd{tag}", f"same, forward under no_grad, {tag}", "chain",
                             shape=shape, ops=ops, no_grad=True, unit="us/op", engines=NN_ONLY,
                             target=at_most("ratio", 3, "<= 3x NumPy")))
    return rows


def _mlps():
    """The MLP step and, beside each, its 8 matrix products alone (the bound it approaches)."""
    rows = []
    for batch, dtype, repeat, limit, compiled in ((256, "float32", 10, 1.10, 0.95),
                                                  (5000, "float32", 2, 1.03, None),
                                                  (5000, "float64", 2, 1.03, 0.90)):
        targets = (of("plain", at_most("ratio", 1.05, "<= 1.05x NumPy")),)
        if compiled:
            targets += (of("compiled", at_most("ratio", compiled, f"<= {compiled:.2f}x NumPy")),)
        rows.append(Workload(f"mlp{batch}-{dtype}",
                             f"MLP 784-100-200-10 + Adam, batch {batch}, {dtype}", "mlp",
                             batch=batch, dtype=dtype, repeat=repeat,
                             target=at_most("ratio", limit, f"<= {limit:.2f}x NumPy"),
                             targets=targets))
        rows.append(Workload(f"matmuls{batch}-{dtype}",
                             f"its 8 matrix products alone, batch {batch}, {dtype}", "mlp_matmuls",
                             batch=batch, dtype=dtype, repeat=repeat, engines=("numpy",)))
    return rows


def _resnet_and_long_chains(quick):
    rows = [
        Workload("resnet", "seed-000 residual net, d=4, 20 layers, 2000 points, float64", "resnet",
                 layers=20, points=2000, repeat=5, target=at_most("ratio", 1.3, "<= 1.3x NumPy"),
                 targets=(of("plain", at_most("ratio", 1.4, "<= 1.4x NumPy")),
                          of("compiled", at_most("ratio", 0.90, "<= 0.90x NumPy")))),
        Workload("chain100k", "chain of 100,000 scalar ops, fwd+bwd", "chain", shape=(),
                 ops=100_000, unit="s", rounds=1 if quick else 3, engines=NN_ONLY),
    ]
    if not quick:
        rows.append(Workload("chain1M", "chain of 1,000,000 scalar ops, fwd+bwd (one sample)",
                             "chain", shape=(), ops=1_000_000, unit="s", engines=("numpy", "ours"),
                             rounds=1, warmup=False,
                             target=Target("seconds", lambda t: t["ours"]["median"] < 10)))
    return rows


def _scaling(quick):
    """More batch sizes and depths: with the rows above, the series of the scaling plot."""
    rows = [Workload(f"mlp{batch}-float32", f"MLP, batch {batch}, float32 (scaling)", "mlp",
                     batch=batch, dtype="float32", repeat=10 if batch < 1000 else 3)
            for batch in (64, 1024)]
    rows += [Workload(f"resnet{layers}", f"residual net, {layers} layers (scaling)", "resnet",
                      layers=layers, points=2000, repeat=5)
             for layers in (5, 10, 40) + (() if quick else (80,))]
    return rows


@dataclass(frozen=True)
class Check:
    """A fresh model's first `steps` values (losses, or a chain's gradient) on every engine."""

    workload: Workload
    steps: int

    @property
    def float64(self):
        """In float64 ours must match NumPy to 1e-6 relative; float32 rows are informative."""
        return self.workload.dtype != "float32"


def _case(label, step, **params):
    """A workload that is only checked, never timed: its label is its name."""
    return Workload(label, label, step, **params)


CHECKS = [
    Check(_case("MLP batch 256, float64, 5 Adam steps", "mlp", batch=256, dtype="float64"), 5),
    Check(_case("MLP batch 5000, float64, 3 Adam steps", "mlp", batch=5000, dtype="float64"), 3),
    Check(_case("MLP batch 256, float32, 5 Adam steps", "mlp", batch=256, dtype="float32"), 5),
    Check(_case("residual net, 20 layers, float64, 5 steps", "resnet", layers=20, points=2000), 5),
    Check(_case("chain gradient, 0-d, float64", "chain", shape=(), ops=600), 1),
    Check(_case("chain gradient, (16,), float64", "chain", shape=(16,), ops=600), 1),
]

MEMORY = [  # tracemalloc peak of one step: ours against NumPy, compiled against eager (plain)
    _case("MLP batch 256, float32", "mlp", batch=256, dtype="float32"),
    _case("MLP batch 5000, float32", "mlp", batch=5000, dtype="float32"),
    _case("MLP batch 5000, float64", "mlp", batch=5000, dtype="float64"),
    _case("residual net, 20 layers", "resnet", layers=20, points=2000),
]
