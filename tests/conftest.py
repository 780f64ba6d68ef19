"""Shared helpers: the repository's paths and a way to run the real ``coprod`` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
FIXTURES = ROOT / "tests" / "fixtures"


def run_coprod(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the CLI in a separate process, exactly as a user would."""
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def coprod():
    return run_coprod
