"""Versions for real: each validated as itself, upgrades that lose nothing silently,
deprecations that name their replacement, and extensions that fail loudly."""

from __future__ import annotations

import copy
import json

import pytest

from coprod_standard import validate
from coprod_standard.extensions import merge_patch
from coprod_standard.upgrade import STEPS, Change, UpgradeError, upgrade
from tests.conftest import EXAMPLES, ROOT
from tests.fixtures.earlier import upgrade_sources

V10 = [p for p in EXAMPLES if json.loads(p.read_text())["version"] == "1.0"]
PEER = json.loads((ROOT / "examples" / "peer-support-network.json").read_text())


def test_both_versions_are_supported_and_each_dataset_is_checked_as_itself():
    report = validate(PEER)
    assert report.version == "1.0" and report.valid
    upgraded, _ = upgrade(PEER, "1.1")
    assert validate(upgraded).version == "1.1"


@pytest.mark.parametrize("path", V10, ids=[p.name for p in V10])
def test_every_1_0_example_upgrades_to_a_valid_1_1_dataset(path, tmp_path, coprod):
    out = tmp_path / "upgraded.json"
    result = coprod("upgrade", path, out, "--to", "1.1")
    assert result.returncode == 0, result.stdout
    assert "changed: /version: the version is now 1.1" in result.stdout
    upgraded = json.loads(out.read_text())
    assert upgraded["version"] == "1.1"
    report = validate(out)
    assert report.errors == [] and "deprecated-field" not in {i.code for i in report.issues}
    original = json.loads(path.read_text())
    moved = result.stdout.count("moved:")
    dates = sum("date" in a for p in original["projects"] for a in p.get("activities", []))
    assert moved == dates  # every activity date is reported as moved to startDate


def test_upgrade_reports_moves_and_keeps_every_value():
    upgraded, changes = upgrade(PEER, "1.1")
    activity = PEER["projects"][0]["activities"][0]
    new = upgraded["projects"][0]["activities"][0]
    assert new["startDate"] == activity["date"] and "date" not in new
    assert list(new)[:5] == [k.replace("date", "startDate") if k == "date" else k
                             for k in activity][:5]  # the field keeps its place
    assert {c.kind for c in changes} == {"changed", "moved"}
    assert PEER["version"] == "1.0"  # the input is not changed


def test_upgrade_refuses_to_lose_data_silently():
    def lossy(data):  # a step that drops a field, as a careless migration would
        data["projects"][0].pop("url", None)
        data["version"] = "1.1"
        return [Change("changed", "/version", "the version is now 1.1")]

    original = STEPS["1.0"]
    STEPS["1.0"] = ("1.1", lossy)
    try:
        with pytest.raises(UpgradeError, match="1 value would be lost"):
            upgrade(PEER, "1.1")
        result, changes = upgrade(PEER, "1.1", allow_loss=True)
        assert [c.path for c in changes if c.kind == "lost"] == ["/projects/0/url"]
    finally:
        STEPS["1.0"] = original


def test_upgrade_refuses_what_it_cannot_do(tmp_path, coprod):
    upgraded, _ = upgrade(PEER, "1.1")
    with pytest.raises(UpgradeError, match="going back a version is not supported"):
        upgrade(upgraded, "1.0")
    with pytest.raises(UpgradeError, match="there is no version '9.9'"):
        upgrade(PEER, "9.9")
    (tmp_path / "new.json").write_text(json.dumps(upgraded))
    result = coprod("upgrade", tmp_path / "new.json", tmp_path / "old.json", "--to", "1.0")
    assert result.returncode == 2 and "NOT UPGRADED" in result.stdout
    assert not (tmp_path / "old.json").exists()


def test_a_1_1_field_in_a_1_0_dataset_is_reported():
    data = copy.deepcopy(PEER)
    data["projects"][0]["impactRisks"] = []
    [issue] = validate(data, level="schema").issues
    assert (issue.code, issue.path) == ("unknown-field", "/projects/0/impactRisks")


def test_a_deprecated_field_gives_a_warning_naming_its_replacement():
    upgraded, _ = upgrade(PEER, "1.1")
    activity = upgraded["projects"][0]["activities"][0]
    activity["date"] = activity.pop("startDate")
    report = validate(upgraded, level="schema")
    assert report.valid
    [issue] = report.issues
    assert issue.code == "deprecated-field" and issue.severity.value == "warning"
    assert issue.message == "'date' is deprecated in version 1.1: use 'startDate' instead."


def test_json_merge_patch_follows_rfc_7396():
    # the examples of RFC 7396, appendix A
    cases = [({"a": "b"}, {"a": "c"}, {"a": "c"}), ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
             ({"a": "b"}, {"a": None}, {}), ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
             ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
             ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}), (["a", "b"], ["c", "d"], ["c", "d"]),
             ({"e": None}, {"a": 1}, {"e": None, "a": 1}), ([1, 2], {"a": "b", "c": None},
                                                             {"a": "b"})]
    for target, patch, result in cases:
        assert merge_patch(target, patch) == result


def _welsh(data):
    data = copy.deepcopy(data)
    data["extensions"] = ["welsh-local-authority"]
    project = data["projects"][0]
    project["areas"] = ["W06000015"]
    project["welshLanguage"] = {"activeOffer": True, "use": "bilingual"}
    project["principles"]["accessibility"]["practices"].append("welsh-language")
    return data


def test_the_welsh_profile_adds_fields_codes_and_rules():
    upgraded, _ = upgrade(PEER, "1.1")
    report = validate(_welsh(upgraded))
    assert report.valid and report.extensions == ["welsh-local-authority"]
    wrong = _welsh(upgraded)
    wrong["projects"][0]["areas"] = ["E08000025"]
    del wrong["projects"][0]["welshLanguage"]
    codes = {(i.code, i.path) for i in validate(wrong, level="schema").issues}
    assert codes == {("pattern-mismatch", "/projects/0/areas/0"),
                     ("missing-required-field", "/projects/0/welshLanguage")}
    plain = _welsh(upgraded)
    plain.pop("extensions")  # without the profile, its fields and codes are unknown
    codes = {i.code for i in validate(plain, level="schema").issues}
    assert {"unknown-field", "invalid-code"} <= codes


def _write_extension(folder, extension, files=None):
    folder.mkdir(parents=True)
    (folder / "extension.json").write_text(json.dumps(extension))
    for name, text in (files or {}).items():
        (folder / name).write_text(text)


@pytest.mark.parametrize("extension,files,words", [
    ({"name": "bad", "title": "t", "description": "d",
      "patches": {"projekt.schema.json": {}}}, {}, "patches 'projekt.schema.json'"),
    ({"name": "bad", "title": "t", "description": "d",
      "patches": {"project.schema.json": {"type": 7}}}, {}, "is not a valid schema"),
    ({"name": "bad", "title": "t", "description": "d",
      "codelists": {"stage.csv": "stage.csv"}},
     {"stage.csv": "code,title,description\ndesign,Design,Again.\n"}, "adds codes already in"),
    ({"name": "bad", "title": "t"}, {}, "broken extension.json"),
])
def test_a_broken_extension_gives_a_clear_message_and_fails(tmp_path, coprod, extension,
                                                            files, words):
    upgraded, _ = upgrade(PEER, "1.1")
    upgraded["extensions"] = ["my-extension"]
    _write_extension(tmp_path / "my-extension", extension, files)
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(upgraded))
    result = coprod("validate", path, "--extension-dir", tmp_path)
    assert result.returncode == 1
    text = " ".join(result.stdout.split())
    assert "[extension-failed]" in text and words in text
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_or_remote_extension_fails_loudly(tmp_path, coprod):
    upgraded, _ = upgrade(PEER, "1.1")
    for name, words in (("welsh-local-authorty", "Did you mean 'welsh-local-authority'?"),
                        ("https://example.org/extension", "loaded from local files only")):
        upgraded["extensions"] = [name]
        path = tmp_path / "dataset.json"
        path.write_text(json.dumps(upgraded))
        result = coprod("validate", path)
        assert result.returncode == 1
        assert "[extension-not-found]" in result.stdout
        assert words in " ".join(result.stdout.split())


def test_an_extension_in_a_folder_named_by_the_user_is_applied(tmp_path):
    upgraded, _ = upgrade(PEER, "1.1")
    upgraded["extensions"] = ["local"]
    upgraded["projects"][0]["fundingStream"] = "Better Care Fund"
    _write_extension(tmp_path / "local", {
        "name": "local", "title": "Funding", "description": "Adds the funding stream.",
        "patches": {"project.schema.json": {"properties": {"fundingStream": {
            "title": "Funding stream", "description": "Where the money came from.",
            "type": "string"}}}}})
    path = tmp_path / "dataset.json"
    path.write_text(json.dumps(upgraded))
    assert validate(path, level="schema", extension_dirs=[tmp_path]).valid
    beside = validate(path, level="schema")  # beside the dataset is not enough
    assert "extension-not-found" in {i.code for i in beside.issues}


def test_compile_prints_the_resolved_schema_with_extensions(coprod):
    result = coprod("compile", "--extension", "welsh-local-authority")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "$ref" not in result.stdout
    project = schema["properties"]["projects"]["items"]["properties"]
    assert project["welshLanguage"]["properties"]["use"]["enum"] == [
        "welsh", "bilingual", "english-with-translation", "english"]
    plain = json.loads(coprod("compile", "--version", "1.0").stdout)
    assert "economicEstimates" not in plain["properties"]["projects"]["items"]["properties"]
    assert coprod("compile", "--extension", "nowhere").returncode == 2


@pytest.mark.parametrize("path", upgrade_sources(), ids=lambda p: p.name)
def test_every_example_upgraded_to_1_2_is_valid_when_published(path):
    """Every bundled example (in its 1.0 or 1.1 form) upgrades to 1.2 with nothing lost and
    is valid at publish level: what 1.2 newly asks for is a warning until it is added."""
    upgraded, changes = upgrade(json.loads(path.read_text(encoding="utf-8")), "1.2")
    assert "lost" not in {c.kind for c in changes}
    report = validate(upgraded, level="publish")
    assert report.version == "1.2" and report.valid, [(i.code, i.path) for i in report.errors]
