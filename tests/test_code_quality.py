"""House rules: lint-clean, and modules small enough to read."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "coprod_standard", "tests"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout


def test_modules_stay_small():
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines())
             for p in (ROOT / "coprod_standard").rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def _imports(path) -> set[str]:
    """The coprod_standard modules a module imports, at any depth in its code (lazy
    imports inside functions count: they still make a circle)."""
    import ast

    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            names.add(".".join(base + tuple((node.module or "").split(".")) if node.module
                               else base))
    return names


def test_the_parallel_runner_does_not_import_the_validator_back():
    # the validator imports the runner; the runner gets the record checker handed in
    parallel = _imports(ROOT / "coprod_standard" / "parallel.py")
    assert "coprod_standard.parallel" in _imports(ROOT / "coprod_standard" / "validate.py")
    assert "coprod_standard.validate" not in parallel
    assert "coprod_standard.readers" in parallel  # the walk sees its imports at all
