"""Shared helpers: the repository's paths and a way to run the real ``coprod`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
FIXTURES = ROOT / "tests" / "fixtures"
NONET = ROOT / "tests" / "nonet"

# No network in this process or any Python process it starts; loopback only.
sys.path.insert(0, str(NONET))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NONET), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
from tests_network_guard import block  # noqa: E402

block()


def with_network(env: dict[str, str]) -> dict[str, str]:
    """An environment for a process that may use the network (building the wheel)."""
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(NONET)]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


def run_coprod(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the CLI in a separate process, exactly as a user would."""
    return subprocess.run([sys.executable, "-m", "coprod_standard", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def coprod():
    return run_coprod
