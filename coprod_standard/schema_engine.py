"""The JSON Schema engine: compiled validators for one version, one record at a time.

The dataset's own details (everything but the projects) are checked against the dataset
schema with its project items left out; each project is then checked on its own against
the project schema. Together that is exactly the whole-document check, but it never needs
more than one project in hand, so a streaming reader can feed it later unchanged.

When jsonschema-rs is installed it gives the verdict and a project's errors: its errors are
put into words by the same handlers as python-jsonschema's, and python-jsonschema is asked
only to explain a failed anyOf or oneOf, on that one place of the record (so a file with a
mistake in every project costs little more than a clean one). The dataset's own details,
one record, are explained by python-jsonschema while the report has room to list. Without
jsonschema-rs, or where it cannot tell (a number too large for it), python-jsonschema
checks the record.
Both are offline: the fast one's retriever refuses every fetch. The tests check that the
two agree on every example and fixture, down to the words of every issue.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .formats import FAST_FORMATS, format_checker
from .issues import Listing, Pending
from .open_codelists import deprecation_issues, open_code_issues
from .readers import Record
from .schema_uri import schema_uri_issues, without_key
from .schemas import (
    PROJECT_SCHEMA,
    ROOT_SCHEMA,
    load_schema,
    load_schemas,
    per_schema_set,
    schema_id,
)
from .structural import pending


def _pattern(validator, pattern: str, instance, schema):
    """'pattern' as JSON Schema means it (ECMA-262): a final '$' is the very end of the
    text. Python's '$' also matches before a final newline, which would let "E06000014\\n"
    through as an area code."""
    if not validator.is_type(instance, "string"):
        return
    python = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") \
        else pattern
    if not re.search(python, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# The reference engine: python-jsonschema, with the pattern keyword as the standard means it.
Reference = validators.extend(Draft202012Validator, {"pattern": _pattern})


def _without_dialect(schema: dict) -> dict:
    """The schema without "$schema": python-jsonschema picks the validator class from it
    when it follows a $ref, which would swap Reference back for the stock class."""
    return {key: value for key, value in schema.items() if key != "$schema"}


def local_registry(resources: list[dict]) -> Registry:
    """RESOURCES (schemas with their $id) as the only schemas a $ref can reach."""
    return Registry().with_resources(
        (r["$id"], Resource.from_contents(_without_dialect(r),
                                          default_specification=DRAFT202012))
        for r in resources)


def reference_validator(schema: dict, resources: list[dict] | Registry
                        ) -> Draft202012Validator:
    """The reference engine for SCHEMA, with RESOURCES (schemas with their $id, or a
    registry of them) as the only schemas a $ref can reach, and the standard's strict
    format checks."""
    registry = resources if isinstance(resources, Registry) else local_registry(resources)
    return Reference(_without_dialect(schema), registry=registry,
                     format_checker=format_checker())


def fast_validator(schema: dict, resources: list[dict]):
    """The fast engine (jsonschema-rs) for SCHEMA, the same way: RESOURCES only, never a
    fetch, the same format checks. Raises ImportError when it is not installed."""
    import jsonschema_rs

    registry = jsonschema_rs.Registry([(r["$id"], r) for r in resources], retriever=_refuse)
    return jsonschema_rs.Draft202012Validator(schema, registry=registry, retriever=_refuse,
                                              validate_formats=True, formats=FAST_FORMATS)


class SchemaEngine:
    """Compiled validators for one version of the standard."""

    def __init__(self, version: str) -> None:
        self.version = version
        envelope = copy.deepcopy(load_schema(version, ROOT_SCHEMA))
        envelope["$id"] = schema_id(version, "dataset-envelope.schema.json")
        envelope["properties"]["projects"].pop("items", None)
        resources = list(load_schemas(version).values())
        project = load_schema(version, PROJECT_SCHEMA)
        self.fast = _fast_validators(envelope, project, resources)
        self.schemas = {r["$id"]: r for r in [*resources, envelope]}  # for the fast errors
        self.registry = local_registry([*resources, envelope])
        self.envelope = reference_validator(envelope, self.registry)
        self.project = reference_validator(project, self.registry)
        self._parts: dict[str, Draft202012Validator] = {}  # detail of one place, by URI

    def part(self, location: str) -> Draft202012Validator:
        """The reference engine for the schema at LOCATION alone (a URI with a pointer): to
        explain one failed place in detail without checking the whole record again."""
        if location not in self._parts:
            self._parts[location] = reference_validator({"$ref": location}, self.registry)
        return self._parts[location]

    def check(self, record: Record, into: Listing,
              skip: Callable[[Pending], bool] | None = None) -> None:
        """Add the record's issues INTO a listing, once each for a path and code, in the
        order of their paths (those past its limit only counted); SKIP: issues another
        one says better."""
        dataset = record.kind == "dataset"
        validator = self.envelope if dataset else self.project
        fast = self.fast[0 if dataset else 1] if self.fast else None
        data = without_key(record.data) if dataset else record.data  # "$schema": see below
        verdict = _fast_verdict(fast, data) if fast is not None else None
        # A project's errors come from the fast engine. The dataset's own details are one
        # record, explained by the reference engine while there is room to list: the fast
        # engine hands each error a copy of the object it is about, which for a flood of
        # unknown keys at the top (300,000 of them) would be the whole file again.
        errors = () if verdict else (_FastError(error, self) for error in
                                     fast.iter_errors(data)) \
            if verdict is False and (into.full or not dataset) else validator.iter_errors(data)
        found = chain(
            (issue for error in errors
             for issue in pending(self.version, error, record.pointer, record.label)),
            schema_uri_issues(self.version, record.data, record.label) if dataset else (),
            open_code_issues(self.version, record), deprecation_issues(self.version, record))
        into.add_first(_once(found, skip), key=lambda i: (i.path, i.code))


def _once(issues: Iterable[Pending], skip: Callable[[Pending], bool] | None
          ) -> Iterator[Pending]:
    """Each path and code once (two rules may fail at one place). What is kept of each is
    its hash: a million unknown fields cost a million numbers, not a million paths; the
    hash of text is seeded afresh in each process, so no file can aim at a collision."""
    seen: set[int] = set()
    for issue in issues:
        mark = hash((issue.path, issue.code))
        if mark not in seen and not (skip and skip(issue)):
            seen.add(mark)
            yield issue


def _refuse(uri: str):
    raise OSError(f"refusing to fetch {uri}: schemas are local only")


def _fast_validators(envelope: dict, project: dict, resources: list[dict]):
    try:
        return fast_validator(envelope, resources), fast_validator(project, resources)
    except Exception:  # noqa: BLE001 - without the fast path everything still works
        return None


def _fast_verdict(validator, data) -> bool | None:
    """Valid or not, by the fast engine; None when it cannot tell."""
    try:
        return validator.is_valid(data)
    except Exception:  # noqa: BLE001 - e.g. a number too large for it: check in detail
        return None


class _FastError:
    """An error of the fast engine in the shape the handlers read (python-jsonschema's).
    Only a failed anyOf or oneOf needs more to be put into words: why each option failed
    (``context``), which the reference engine works out when it is asked for, on that one
    place of the record alone."""

    def __init__(self, error, engine: SchemaEngine) -> None:
        steps = [step for step in error.evaluation_path if step != "$ref"]
        self.validator = steps[-1] if steps else ""
        self.relative_schema_path = steps
        self.absolute_path = error.instance_path
        self.instance = error.instance
        self._location = error.absolute_keyword_location or ""
        self._engine = engine
        self.schema = _schema_at(engine.schemas, self._location)
        self.validator_value = self.schema.get(self.validator)
        missing = getattr(error.kind, "property", None)  # of "required"
        self.message = f"{missing!r} is a required property" if isinstance(missing, str) \
            else error.message

    @property
    def context(self) -> list[ValidationError]:
        if self.validator not in ("anyOf", "oneOf"):
            return []
        place = self._location.rpartition("/")[0]  # the schema holding the keyword
        for error in self._engine.part(place).iter_errors(self.instance):
            if error.validator == self.validator and not error.path:
                error.path.extendleft(reversed(list(self.absolute_path)))  # in the record
                return list(error.context)
        return []


def _schema_at(schemas: dict[str, dict], location: str) -> dict:
    """The schema holding the keyword at LOCATION (its URI, and a pointer to the keyword)."""
    uri, _, pointer = location.partition("#")
    node = schemas.get(uri, {})
    for step in pointer.split("/")[1:-1]:
        step = step.replace("~1", "/").replace("~0", "~")
        node = node[int(step)] if isinstance(node, list) else node.get(step, {})
    return node if isinstance(node, dict) else {}


@per_schema_set
def engine(version: str) -> SchemaEngine:
    return SchemaEngine(version)
