#!/usr/bin/env bash
# Install the toolkit with its test dependencies into .venv, then run the whole test-suite.
# This is the README's test command and what CI runs (.ci/run).
# The tests run with no network beyond loopback (tests/nonet): what they need is fetched
# here first. The browser tests need Debian's Chromium and axe-core (from npm), installed
# here if missing (Playwright's own browser download does not work everywhere), and so are
# LibreOffice (Debian's libreoffice-calc-nogui) for the LibreOffice tests and R with metafor
# (Debian's packages, about a minute) for the meta-analysis tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# LibreOffice itself opens and saves the toolkit's workbooks in tests/test_libreoffice.py
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null
fi
# R's metafor is the reference the meta-analysis tests compare with (tests/metafor.py)
if ! Rscript -e 'library(metafor)' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    r-base-core r-cran-metafor >/dev/null
fi
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
# The official JSON-Schema-Test-Suite, from a pinned release (the tests have no network)
.venv/bin/python tests/security/get_test_suite.py
# DuckDB 1.1, kept apart from the venv: tests/test_store_compat.py opens the store in it
[ -d tests/.duckdb-1.1/duckdb ] || .venv/bin/python -m pip install --quiet \
  --disable-pip-version-check --no-deps --target tests/.duckdb-1.1 'duckdb==1.1.0'
.venv/bin/python -m pytest "$@"
