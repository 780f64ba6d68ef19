"""The JSON Schema engine: compiled validators for one version, one record at a time.

The dataset's own details (everything but the projects) are checked against the dataset
schema with its project items left out; each project is then checked on its own against
the project schema. Together that is exactly the whole-document check, but it never needs
more than one project in hand, so a streaming reader can feed it later unchanged.

When jsonschema-rs is installed it gives a first, fast verdict; python-jsonschema, which
explains every error in detail, runs only on records that the fast check finds invalid.
Both are offline: the fast one's retriever refuses every fetch. The tests check that the
two agree on every example and fixture.
"""

from __future__ import annotations

import copy
from functools import cache

from jsonschema import Draft202012Validator

from .formats import format_checker
from .issues import Issue
from .open_codelists import deprecation_issues, open_code_issues
from .readers import Record
from .schemas import PROJECT_SCHEMA, ROOT_SCHEMA, load_schema, registry, schema_id
from .structural import translate


class SchemaEngine:
    """Compiled validators for one version of the standard."""

    def __init__(self, version: str) -> None:
        self.version = version
        envelope = copy.deepcopy(load_schema(version, ROOT_SCHEMA))
        envelope["$id"] = schema_id(version, "dataset-envelope.schema.json")
        envelope["properties"]["projects"].pop("items", None)
        options = {"registry": registry(version), "format_checker": format_checker()}
        self.envelope = Draft202012Validator(envelope, **options)
        self.project = Draft202012Validator(load_schema(version, PROJECT_SCHEMA), **options)
        self.fast = _fast_validators(version, envelope)

    def check(self, record: Record) -> list[Issue]:
        dataset = record.kind == "dataset"
        validator = self.envelope if dataset else self.project
        issues: list[Issue] = []
        seen: set[tuple[str, str]] = set()
        fast = self.fast[0 if dataset else 1] if self.fast else None
        errors = () if fast is not None and _fast_valid(fast, record.data) else \
            validator.iter_errors(record.data)
        for error in errors:
            for issue in translate(self.version, error, record.pointer, record.label):
                if (issue.path, issue.code) not in seen:
                    seen.add((issue.path, issue.code))
                    issues.append(issue)
        issues.extend(open_code_issues(self.version, record))
        issues.extend(deprecation_issues(self.version, record))
        issues.sort(key=lambda i: (i.path, i.code))
        return issues


def _refuse(uri: str):
    raise OSError(f"refusing to fetch {uri}: schemas are local only")


def _fast_validators(version: str, envelope: dict):
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from .schemas import load_schemas

    resources = [(s["$id"], s) for s in load_schemas(version).values()]
    reg = jsonschema_rs.Registry(resources, retriever=_refuse)

    def make(schema: dict):
        return jsonschema_rs.Draft202012Validator(schema, registry=reg, retriever=_refuse,
                                                  validate_formats=True)
    try:
        return make(envelope), make(load_schema(version, PROJECT_SCHEMA))
    except Exception:  # noqa: BLE001 - without the fast path everything still works
        return None


def _fast_valid(validator, data) -> bool:
    try:
        return validator.is_valid(data)
    except Exception:  # noqa: BLE001 - e.g. a number too large for it: check in detail
        return False


@cache
def engine(version: str) -> SchemaEngine:
    return SchemaEngine(version)
