"""The JSON Schema engine: compiled validators for one version, one record at a time.

The dataset's own details (everything but the projects) are checked against the dataset
schema with its project items left out; each project is then checked on its own against
the project schema. Together that is exactly the whole-document check, but it never needs
more than one project in hand, so a streaming reader can feed it later unchanged.
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

    def check(self, record: Record) -> list[Issue]:
        validator = self.envelope if record.kind == "dataset" else self.project
        issues: list[Issue] = []
        seen: set[tuple[str, str]] = set()
        for error in validator.iter_errors(record.data):
            for issue in translate(self.version, error, record.pointer, record.label):
                if (issue.path, issue.code) not in seen:
                    seen.add((issue.path, issue.code))
                    issues.append(issue)
        issues.extend(open_code_issues(self.version, record))
        issues.extend(deprecation_issues(self.version, record))
        issues.sort(key=lambda i: (i.path, i.code))
        return issues


@cache
def engine(version: str) -> SchemaEngine:
    return SchemaEngine(version)
