"""rfc3987-syntax (brought by jsonschema's format-nongpl extra) builds its grammar when it is
imported, about a second that every coprod command paid; coprod_standard defers it to its
first use (coprod_standard/deferred_grammar.py), and what it does is unchanged."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(importlib.util.find_spec("rfc3987_syntax") is None,
                                reason="rfc3987-syntax is not installed here")

SCRIPT = """
import json, sys
import coprod_standard
from coprod_standard import validate
report = validate("examples/minimal.json")
before = sorted(m for m in sys.modules if m.startswith("rfc3987_syntax"))
from jsonschema import Draft202012Validator
iri = Draft202012Validator({"format": "iri"}, format_checker=Draft202012Validator.FORMAT_CHECKER)
checked = [iri.is_valid(v) for v in ("http://example.org/\\u00e9", "http://example.org/a b", 7)]
import rfc3987_syntax, importlib.util
print(json.dumps({"valid": report.valid, "before": before, "checked": checked,
                  "after": "rfc3987_syntax.syntax_helpers" in sys.modules,
                  "grammar": hasattr(rfc3987_syntax, "RFC3987_SYNTAX_GRAMMAR")
                  or callable(rfc3987_syntax.is_valid_syntax),
                  "spec": importlib.util.find_spec("rfc3987_syntax") is not None}))
"""


def test_the_grammar_is_built_only_when_an_iri_is_checked_and_checks_as_before():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    seen = json.loads(done.stdout)
    assert seen["valid"] is True
    assert seen["before"] == ["rfc3987_syntax"]  # the stand-in only: no grammar built
    assert seen["checked"] == [True, False, True]  # an iri is checked as jsonschema does
    assert seen["after"] and seen["grammar"] and seen["spec"]


def test_nothing_is_deferred_once_jsonschema_is_imported():
    import jsonschema  # noqa: F401, PLC0415 - imported here already, as in any test

    from coprod_standard.deferred_grammar import defer  # noqa: PLC0415

    assert defer() is False
