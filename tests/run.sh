#!/usr/bin/env bash
# Install the toolkit with its test dependencies into .venv, then run the whole test-suite.
# This is the README's test command and what CI runs (.ci/run).
# The browser tests need Debian's Chromium and axe-core (from npm); both are installed here
# if missing (Playwright's own browser download does not work everywhere, so it is not used).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
.venv/bin/python -m pytest "$@"
