"""The typed Python models: generated from the schemas and committed in step with them; every
example parses and writes back unchanged; on every fixture they reach coprod's schema-level
verdict; wrong data is refused at the right place; coprod works without pydantic."""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import json
import re
import subprocess
import sys
from typing import get_args

import pytest
from pydantic import ValidationError

from coprod_standard import validate
from coprod_standard.codelists import load_codelists
from coprod_standard.generate import models_py, models_ts
from coprod_standard.models import for_version
from coprod_standard.schemas import version_names
from tests.conftest import EXAMPLES, FIXTURES, ROOT

EARLIER = sorted((FIXTURES / "earlier-examples").glob("*.json"))


def module(version: str):
    return importlib.import_module(f"coprod_standard.models.{models_py.module_name(version)}")


def test_the_models_of_a_version_are_found_by_its_number():
    assert for_version("1.2") is module("1.2")
    with pytest.raises(ValueError, match="no models of version '9.9'"):
        for_version("9.9")


def test_the_generated_models_and_declarations_are_up_to_date():
    assert models_py.drift(ROOT) + models_ts.drift(ROOT) == [], (
        "run python -m coprod_standard.generate")


@pytest.mark.parametrize("path", EXAMPLES + EARLIER, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_example_parses_in_its_version_and_writes_back_unchanged(path):
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    models = module(data["version"])
    dataset = models.Dataset.model_validate(data)
    assert dataset.to_data() == data
    assert models.Dataset.model_validate_json(text) == dataset
    assert all(isinstance(p, models.Project) for p in dataset.projects)


def _fixtures(version: str):
    """Every JSON dataset among the version's fixtures that reads as UTF-8."""
    for path in sorted((FIXTURES / version).rglob("*.json")):
        if path.name == "expected.json":
            continue
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # unreadable fixtures
            continue
        if isinstance(data, dict) and data.get("version") == version:
            yield path, data


@pytest.mark.parametrize("version", version_names())
def test_the_models_agree_with_coprod_on_every_fixture(version):
    models, seen, refused, disagree = module(version), 0, 0, []
    for path, data in _fixtures(version):
        valid = validate(data, level="schema").status == "valid"
        try:
            models.Dataset.model_validate(data)
            parsed = True
        except ValidationError:
            parsed, refused = False, refused + 1
        seen += 1
        if parsed != valid:
            disagree.append((path.relative_to(FIXTURES).as_posix(), valid))
    assert disagree == []
    if version != "1.1":   # 1.1 has only check fixtures, all valid at the schema level
        assert seen >= 20 and refused >= 1, (seen, refused)


def _minimal(version: str) -> dict:
    data = json.loads((ROOT / "examples" / "minimal.json").read_text(encoding="utf-8"))
    return {**data, "version": version}


def _change(data: dict, path: str, value) -> dict:
    out = copy.deepcopy(data)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split("/")]
    node = out
    for part in parents:
        node = node[part]
    node[last] = value
    return out


WRONG = {
    "code not in a closed list": ("projects/0/status", "done", "literal_error"),
    "code in the wrong case": ("projects/0/purposes/0", "Service-Delivery", "literal_error"),
    "count as text": ("projects/0/participantGroups/0/count", "10", "int_type"),
    "true written as yes": ("projects/0/participantGroups/0/livedExperience", "yes",
                            "bool_type"),
    "null": ("projects/0/title", None, "value_error"),
    "a date that does not exist": ("projects/0/startDate", "2025-02-30",
                                   "value_error string_pattern_mismatch"),
    "a date day first": ("projects/0/startDate", "31/03/2025", "string_pattern_mismatch"),
    "an unknown field": ("projects/0/participantgroups", [], "extra_forbidden"),
    "a negative count": ("projects/0/participantGroups/0/count", -1, "greater_than_equal"),
    "a bad area code": ("projects/0/areas/0", "Birmingham", "string_pattern_mismatch"),
    "a repeated item": ("projects/0/purposes", ["service-delivery"] * 2, "value_error"),
}


@pytest.mark.parametrize("version", version_names())
@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_values_are_refused_where_they_are(version, case):
    path, value, kind = WRONG[case]
    with pytest.raises(ValidationError) as caught:
        module(version).Dataset.model_validate(_change(_minimal(version), path, value))
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    where = "/".join(str(part) for part in errors[0]["loc"])
    assert where == path and errors[0]["type"] in kind.split(), errors


@pytest.mark.parametrize("version", version_names())
def test_the_schema_rules_are_checked(version):
    models = module(version)
    completed = _change(_minimal(version), "projects/0/status", "completed")
    with pytest.raises(ValidationError, match="must give its end date"):
        models.Dataset.model_validate(completed)
    models.Dataset.model_validate(_change(completed, "projects/0/endDate", "2026-01-31"))
    group = {"id": "g", "role": "unpaid-carer", "livedExperience": True,
             "decisionRights": "shared"}
    with pytest.raises(ValidationError, match="missing: count"):
        models.ParticipantGroup.model_validate(group)
    assert models.ParticipantGroup.model_validate({**group, "suppressed": True}).count is None
    with pytest.raises(ValidationError, match="is not allowed here"):
        models.Ethnicity.model_validate({"askedStatus": "asked", "classification": "ons-2021",
                                         "counts": [{"code": "A", "count": 10}]})


@pytest.mark.parametrize("version", version_names())
def test_names_are_readable_and_codes_come_from_the_codelists(version):
    models, codelists = module(version), load_codelists(version)
    for name in ("Dataset", "Project", "Organisation", "ParticipantGroup", "Outcome",
                 "Indicator", "IndicatorReport", "Evaluation", "Cost", "Period"):
        assert isinstance(getattr(models, name), type), name
    assert not [name for name in vars(models) if re.fullmatch(r"(Schema|Model)_?\d+", name)]
    assert get_args(models.ProjectStatus) == tuple(codelists["project-status.csv"].code_values())
    assert get_args(models.ParticipantRole) == tuple(
        codelists["participant-role.csv"].code_values())
    project = models.Project.model_fields
    assert project["participant_groups"].alias == "participantGroups"
    assert project["status"].description


def test_coprod_works_without_pydantic():
    """pydantic is only in the 'models' extra: nothing else imports it."""
    script = (
        "import runpy, sys\n"
        "sys.modules['pydantic'] = None\n"
        "try:\n"
        "    import coprod_standard.models.v1_2\n"
        "except ImportError:\n"
        "    print('models need pydantic')\n"
        "sys.argv = ['coprod', 'validate', 'examples/minimal.json']\n"
        "runpy.run_module('coprod_standard', run_name='__main__')\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("models need pydantic")
    assert "Traceback" not in result.stderr


def _section(page: str, heading: str) -> str:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_the_docs_python_example_runs_and_prints_what_it_shows(monkeypatch):
    section = _section("developers.md", "Typed models")
    code, shown = re.search(r"```python\n(.*?)```\n\nIt prints:\n\n```text\n(.*?)```",
                            section, flags=re.S).groups()
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "developers.md", "exec"), {})
    assert printed.getvalue() == shown


@pytest.mark.parametrize("version", version_names())
def test_a_dollar_schema_at_the_root_is_accepted_as_coprod_accepts_it(version):
    address = f"https://coprod-standard.org/schema/{version}/dataset.schema.json"
    data = {"$schema": address, **_minimal(version)}
    assert module(version).Dataset.model_validate(data).to_data()["$schema"] == address


def test_what_the_generator_cannot_check_is_said_not_dropped(monkeypatch, tmp_path):
    """A keyword the generator does not know is named in the module's docstring, and an
    object that allows other fields gets a model that allows them."""
    schemas = {
        "dataset.schema.json": {
            "$id": "https://example.org/dataset.schema.json", "type": "object",
            "properties": {"version": {"const": "9.9"},
                           "note": {"type": "string", "maxLength": 5},
                           "extra": {"type": "object", "properties": {"a": {"type": "integer"}}}},
            "required": ["version"], "additionalProperties": False}}
    monkeypatch.setattr("coprod_standard.generate.models_shape.load_schemas", lambda v: schemas)
    from coprod_standard.generate.models_shape import shape
    made = shape("9.9")
    assert made.unchecked == ["Dataset.note: maxLength"]
    assert (made.models["Extra"].closed, made.models["Dataset"].closed) == (False, True)
    text = models_py.render(made)
    assert "Dataset.note: maxLength (keywords the generator does not turn into checks)" in text
    (tmp_path / "made_models.py").write_text(
        text.replace("from .base", "from coprod_standard.models.base"))
    monkeypatch.syspath_prepend(str(tmp_path))
    made_models = importlib.import_module("made_models")
    assert made_models.Extra.model_validate({"a": 1, "b": 2}).to_data() == {"a": 1, "b": 2}
    with pytest.raises(ValidationError):
        made_models.Dataset.model_validate({"version": "9.9", "other": 1})
    assert "[field: string]: unknown;" in models_ts.render(made)
