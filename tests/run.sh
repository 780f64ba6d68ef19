#!/usr/bin/env bash
# Install the toolkit with its test dependencies into .venv, then run the whole test-suite.
# This is the README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
.venv/bin/python -m pytest "$@"
