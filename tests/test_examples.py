"""The bundled examples: valid with no issues at all, together using every object and
codelist, and free of anything that looks like personal data."""

from __future__ import annotations

import json
import re

import pytest

from coprod_standard import validate
from coprod_standard.fields import fields
from tests.conftest import EXAMPLES

NAMES = [p.name for p in EXAMPLES]


def test_there_are_five_modelled_examples_and_a_minimal_one():
    assert "minimal.json" in NAMES
    assert {"peer-support-network.json", "dementia-club.json",
            "carers-respite-direct-payments.json", "transition-to-adult-life.json",
            "residential-home.json"} <= set(NAMES)


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_example_meets_the_schema_exactly(path):
    report = validate(path, level="schema")
    assert [(i.code, i.path) for i in report.issues] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_example_passes_every_error_level_check_when_publishing(path):
    report = validate(path, level="publish")
    assert report.status == "valid"
    assert [(i.code, i.path) for i in report.errors] == []


FULL = [p for p in EXAMPLES if p.name != "minimal.json"]


@pytest.mark.parametrize("path", FULL, ids=[p.name for p in FULL])
def test_modelled_examples_raise_no_warnings_either(path):
    report = validate(path, level="publish", disclosure="nhs-digital")
    assert [(i.code, i.path) for i in report.warnings] == []
    assert {i.code for i in report.advisories} <= {"ethnicity-all-white"}
    for _, results in report.scorecards:
        assert {r.status for r in results} == {"met"}


def test_the_minimal_example_shows_what_a_fuller_file_would_add():
    report = validate(EXAMPLES[NAMES.index("minimal.json")], level="publish")
    assert report.valid and report.warnings
    assert {"outcomes-missing", "unpaid-carers-missing", "costs-missing"} <= {
        i.code for i in report.warnings}


def _paths_used(node, path=()):
    """Every field path present in a document, with list items as '*'."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths_used(value, path + (key,))
    elif isinstance(node, list):
        for value in node:
            yield from _paths_used(value, path + ("*",))


def test_together_the_examples_use_every_field_and_codelist():
    used_paths, used_lists = set(), set()
    all_fields = fields("1.0")
    for path in EXAMPLES:
        for where, value in _paths_used(json.loads(path.read_text())):
            used_paths.add(where)
            fld = all_fields.get(where)
            if fld and fld.codelists and not isinstance(value, (dict, list)):
                # conditional code lists: ethnicity codes depend on the classification
                used_lists.update(fld.codelists if len(fld.codelists) == 1 else
                                  [n for n in fld.codelists if _in_list(n, value)])
    codelists = {name for f in all_fields.values() for name in f.codelists}
    assert codelists - used_lists == set()
    objects = {p for p, f in all_fields.items() if "object" in f.types}
    assert objects - used_paths == set()


def _in_list(name, value):
    from coprod_standard.codelists import find_codelist

    return value in find_codelist("1.0", name).code_values()


PERSONAL = {
    "email address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "phone number": re.compile(r"\b(?:0|\+44\s?)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
    "NHS number": re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b"),
}


@pytest.mark.parametrize("path", EXAMPLES, ids=NAMES)
def test_examples_hold_no_personal_data(path):
    data = json.loads(path.read_text())
    for contact in [data.get("contactPoint", {})]:
        contact.pop("email", None)  # a shared team mailbox is allowed there only
    text = json.dumps(data)
    for kind, pattern in PERSONAL.items():
        assert not pattern.search(text), f"{path.name} contains something like a {kind}"


def test_the_version_1_1_examples_use_everything_new_in_1_1():
    """The examples of 1.1 and later use every object added in 1.1 and every code of its new
    lists (a list 1.2 replaced, modelled interventions, is checked as 1.1 has it)."""
    from coprod_standard.codelists import find_codelist

    old, new = fields("1.0"), fields("1.1")
    added = {p: f for p, f in new.items() if p not in old}
    new_lists = {n for f in added.values() for n in f.codelists} - {
        n for f in old.values() for n in f.codelists}
    assert added and new_lists
    used_paths, used_codes = set(), {}
    for path in EXAMPLES:
        data = json.loads(path.read_text())
        if data["version"] not in ("1.1", "1.2"):
            continue
        for where, value in _paths_used(data):
            used_paths.add(where)
            fld = new.get(where)
            for name in fld.codelists if fld else ():
                for code in value if isinstance(value, list) else [value]:
                    used_codes.setdefault(name, set()).add(code)
    objects = {p for p, f in added.items() if "object" in f.types}
    assert objects - used_paths == set()
    # HACT's values may not be shared (CC BY-NC-ND), so no example uses that method.
    allowed_unused = {"valuation-method.csv": {"hact-social-value-bank", "other"}}
    for name in new_lists:
        codes = set(find_codelist("1.1", name).code_values())
        assert codes - used_codes.get(name, set()) <= allowed_unused.get(name, set()), name


def test_the_privacy_and_integrity_checks_run_on_dataset_level_text(tmp_path):
    """A regression: these checks once failed quietly ('check could not finish')."""
    data = json.loads(EXAMPLES[NAMES.index("minimal.json")].read_text())
    data["description"] = "Write to someone.private@gmail.com or ring 07700 900123."
    data["projects"].append(dict(data["projects"][0]))
    path = tmp_path / "leaky.json"
    path.write_text(json.dumps(data))
    report = validate(path, level="publish")
    codes = {i.code for i in report.issues}
    assert not report.valid
    assert "check-failed" not in codes
    assert {"email-address", "phone-number", "duplicate-project-id"} <= codes, codes


def test_the_version_1_2_examples_use_every_object_new_in_1_2():
    """At least two examples are in the 1.2 draft, and together they show every object it
    adds: a comparison group and months since baseline (befriending), populations measured
    and reported apart (befriending, dementia club), the project's context and economics."""
    old, new = fields("1.1"), fields("1.2")
    objects = {p for p, f in new.items() if p not in old and "object" in f.types}
    assert objects
    used, examples = set(), []
    for path in EXAMPLES:
        data = json.loads(path.read_text())
        if data["version"] == "1.2":
            examples.append(path.name)
            used |= {where for where, _ in _paths_used(data)}
    assert len(examples) >= 2
    assert objects - used == set()
