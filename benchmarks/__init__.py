"""Benchmarks: the engine against hand-written NumPy and PyTorch, one process per engine.

Run `python -m benchmarks.run` (or `--quick`); see benchmarks/README.md.
"""
