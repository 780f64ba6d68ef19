"""A coverage-guided fuzzer for the readers and the validator (atheris), for long runs
outside the test suite. The property is the one tests/security/test_fuzz.py checks: any
bytes under any name give a report, never an exception.

    .venv/bin/pip install atheris
    .venv/bin/python tests/security/fuzz_atheris.py -max_total_time=3600 corpus/

A crash is written to a file (crash-...) that reproduces it:
    .venv/bin/python tests/security/fuzz_atheris.py crash-...
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from coprod_standard.limits import Limits
    from coprod_standard.validate import validate

NAMES = ["data.json", "data.jsonl", "data.csv", "book.xlsx", "tables.zip"]
LIMITS = Limits(max_bytes=1_000_000, max_depth=32, max_rows=1_000, max_string=100_000)


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    report = validate(data[1:], name=name, limits=LIMITS)
    if report.status not in ("valid", "invalid", "unreadable"):
        raise AssertionError(report.status)
    report.to_dict()


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
