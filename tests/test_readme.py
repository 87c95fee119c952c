"""The README's Python examples run as written, and its test command is the one CI runs."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples write graph.svg and digits.npz here
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    runnable = [b for b in blocks if "class Cube" not in b]
    assert len(runnable) >= 2
    for block in runnable:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "graph.svg").exists() and (tmp_path / "digits.npz").exists()


def test_ci_runs_the_readme_test_command():
    command = re.search(r"^(python3 -m pip install -e \"\.\[test\]\") && (python3 -m pytest)$",
                        README, re.M)
    assert command is not None
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command.group(1) in ci[-2] or command.group(1) in "\n".join(ci)
    assert ci[-1] == command.group(2)
