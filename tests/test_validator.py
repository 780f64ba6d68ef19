"""The validator library: sources, limits, messages, privacy of values, counts and shares."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import Limits
from coprod_standard import validate as validate_any_level
from coprod_standard.issues import catalogue
from tests.conftest import ROOT

MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


def validate(source, **options):
    """These tests are about the schema validator, so they run at level "schema"."""
    return validate_any_level(source, level="schema", **options)


def dataset(**changes):
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def project(**changes):
    data = copy.deepcopy(MINIMAL["projects"][0])
    data.update(changes)
    return data


def codes(report):
    return {(i.code, i.path) for i in report.issues}


def test_accepts_a_path_bytes_or_parsed_data_alike():
    path = ROOT / "examples" / "minimal.json"
    for source in (path, str(path), path.read_bytes(), MINIMAL):
        report = validate(source)
        assert report.valid and report.version == "1.0" and report.projects == 1


def test_collects_every_error_not_just_the_first():
    data = dataset(publishedDate="yesterday", projects=[
        project(status="done", areas=["Leeds"]), project(id="nope", stages=["plan"])])
    report = validate(data)
    assert codes(report) == {
        ("invalid-date", "/publishedDate"),
        ("invalid-code", "/projects/0/status"),
        ("invalid-area-code", "/projects/0/areas/0"),
        ("invalid-project-id", "/projects/1/id"),
        ("invalid-code", "/projects/1/stages/0"),
    }


def test_counts_each_code_and_the_share_of_records_affected():
    data = dataset(projects=[project(status="x"), project(status="y"), project(),
                             project(stages=["z"])])
    summary = {s.code: s for s in validate(data).summary()}
    assert summary["invalid-code"].count == 3
    assert summary["invalid-code"].records_affected == 3
    assert summary["invalid-code"].share == pytest.approx(3 / 5)  # 4 projects + the envelope


def test_unknown_field_suggests_the_near_miss_and_names_the_right_place():
    moved = project(startdate="2025-01-01", publisher={}, stages=["deliver"], stage=["x"])
    del moved["startDate"]
    messages = {i.path: i.message for i in validate(dataset(projects=[moved])).issues}
    # a field that is already there is not suggested again
    assert "Did you mean" not in messages["/projects/0/stage"]
    assert "Did you mean 'startDate'?" in messages["/projects/0/startdate"]
    assert "'publisher' belongs in Co-production dataset, not here." in messages[
        "/projects/0/publisher"]


def test_any_of_failure_is_one_sentence_about_the_alternatives():
    outcome = {"id": "o1", "title": "Less lonely", "resultLevel": "outcome",
               "domain": "social-connection", "direction": "positive",
               "forRoles": ["unpaid-carer"],
               "chosenBy": {"livedExperienceInvolved": True, "method": "voted"}}
    report = validate(dataset(projects=[project(outcomes=[outcome])]))
    [issue] = report.issues
    assert issue.code == "missing-alternatives" and issue.path == "/projects/0/outcomes/0"
    assert issue.message == ("Outcome 1 needs at least one of: 'indicators' or "
                             "'qualitativeEvidence'.")


def test_conditional_requirement_gives_its_reason():
    report = validate(dataset(projects=[project(status="completed")]))
    [issue] = report.issues
    assert issue.code == "missing-conditional-field" and issue.path == "/projects/0/endDate"
    assert "completed or ended early must give its end date" in issue.message


def test_values_of_free_text_and_unknown_fields_are_never_repeated():
    secret = "Call Jo Bloggs on 07700 900123"
    data = dataset(projects=[project(title=123, nhsNumber="4010232137",
                                     description=["not", "text"],
                                     participantGroups=[{"id": "g 1", "role": "x",
                                                         "count": 5, "notes": secret}])])
    report = validate(data)
    rendered = json.dumps(report.to_dict())
    assert "4010232137" not in rendered and "Jo Bloggs" not in rendered
    shown = {i.path: i.value_shown for i in report.issues}
    assert shown["/projects/0/nhsNumber"] is False
    # an "identifier" with spaces may be a person's name: held back; a code is safe to repeat
    assert shown["/projects/0/participantGroups/0/id"] is False
    assert shown["/projects/0/participantGroups/0/role"] is True


def test_duplicate_keys_are_reported_with_their_path():
    text = MINIMAL_TEXT.replace('"status": "active",', '"status": "active", "status": "paused",')
    report = validate(text.encode())
    assert ("duplicate-key", "/projects/0/status") in codes(report)
    assert not report.valid


MINIMAL_TEXT = (ROOT / "examples" / "minimal.json").read_text()


def test_missing_version_is_checked_against_the_latest():
    data = dataset()
    del data["version"]
    data["publishedDate"] = "bad"
    report = validate(data)
    assert codes(report) == {("missing-version", "/version"), ("invalid-date", "/publishedDate")}


@pytest.mark.parametrize("version,words", [
    ("2.0", "says it follows version '2.0', which is not a version of the standard"),
    (1.0, "written as the number 1.0; it must be text in quotes, like \"1.1\""),
    (None, "not written as text in quotes"),
])
def test_unknown_version_lists_the_supported_ones(version, words):
    report = validate(dataset(version=version))
    [issue] = report.issues
    assert issue.code == "unsupported-version"
    assert words in issue.message
    assert "Supported versions: 1.0, 1.1, 1.2 (draft)." in issue.message


def test_an_unknown_version_in_a_workbook_is_fixed_in_the_workbook():
    import io  # noqa: PLC0415

    import openpyxl  # noqa: PLC0415

    from coprod_standard.writers import render  # noqa: PLC0415

    data = json.loads((ROOT / "examples" / "minimal.json").read_text())
    book = openpyxl.load_workbook(io.BytesIO(render(data, "1.0", "xlsx")))
    sheet = book["Dataset"]
    column = next(c.column for c in sheet[1] if c.value == "Standard version")
    sheet.cell(row=2, column=column, value="2.0")
    out = io.BytesIO()
    book.save(out)
    report = validate_any_level(out.getvalue(), name="data.xlsx")
    [issue] = [i for i in report.issues if i.code == "unsupported-version"]
    assert "'Standard version' on the Dataset sheet" in issue.fix
    assert '"version"' not in issue.fix and "quotes" not in issue.fix
    data["version"] = "2.0"
    [in_json] = validate_any_level(data).issues
    assert '"version": "1.1"' in in_json.fix


@pytest.mark.parametrize("limits,code", [
    (Limits(max_bytes=100), "file-too-large"),
    (Limits(max_depth=5), "too-deeply-nested"),
    (Limits(max_rows=0), "too-many-records"),
    (Limits(max_string=20), "text-too-long"),
])
def test_limits_stop_reading_with_a_plain_message(limits, code):
    report = validate(ROOT / "examples" / "minimal.json", limits=limits)
    assert report.status == "unreadable"
    assert [i.code for i in report.issues] == [code]


def test_extremely_deep_nesting_is_refused_not_a_crash():
    report = validate(b"[" * 100_000 + b"]" * 100_000)
    assert report.status == "unreadable" and report.issues[0].code == "too-deeply-nested"


@pytest.mark.parametrize("text,code", [
    (b'{"a": NaN}', "invalid-number"), (b'{"a": 1e999999}', "invalid-number"),
    (b'{"a": ' + b"9" * 5000 + b"}", "invalid-number"),
    (b"PK\x03\x04rest", "damaged-file"), (b"%PDF-1.4", "unsupported-file-type"),
    (b"Caf\xe9", "not-utf8"),
    (b"  \n ", "empty-file"), (b'{"a": 1,}', "malformed-json"), (b'{"a": [1', "truncated-json"),
])
def test_unreadable_inputs_get_their_own_code(text, code):
    report = validate(text)
    assert report.status == "unreadable" and [i.code for i in report.issues] == [code]


def test_not_an_object_is_invalid_data_not_a_crash():
    for doc in (b"[]", b"\"text\"", b"3", b"null", b"true", []):
        report = validate(doc)
        assert report.status == "invalid"
        assert [i.code for i in report.issues] == ["not-a-dataset"]


def test_byte_order_mark_and_utf16_are_read():
    assert validate(b"\xef\xbb\xbf" + MINIMAL_TEXT.encode()).valid
    assert validate(MINIMAL_TEXT.encode("utf-16")).valid


def test_every_catalogue_entry_is_complete_and_its_templates_format():
    for kind in catalogue():
        assert kind.code == kind.code.lower() and " " not in kind.code
        assert kind.title and kind.description and kind.message and kind.fix
        params = {name: "x" for name in kind.params}
        issue = kind.make(**params)
        assert issue.message and issue.fix


def test_one_of_failure_becomes_one_sentence_about_the_best_match():
    from jsonschema import Draft202012Validator

    from coprod_standard.structural import translate

    schema = {"oneOf": [{"type": "integer", "minimum": 0},
                        {"type": "string", "enum": ["suppressed"]}]}
    [error] = Draft202012Validator(schema).iter_errors(-4)
    [issue] = translate("1.0", error, "/projects/0/participantGroups/0/count", "project 1")
    assert issue.code == "no-matching-option"
    assert issue.message == ("Number of people ('count') does not fit any of the allowed forms. "
                             "Closest: Number of people ('count') is -4; it must be at least 0.")
