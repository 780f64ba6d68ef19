"""Turn JSON Schema errors into plain-language issues: one small function per keyword.

python-jsonschema finds the errors; each handler here explains one keyword's failure in
words a non-programmer can act on, with the field's title from the schema, the JSON path,
and the offending value only where it is safe to repeat (see ``_showable``). Handlers give
``Pending`` issues: the words (titles, "did you mean", where a field belongs) are worked
out only for the issues a report lists, never for those past its limit.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from .codelists import find_codelist
from .dates import words as date_words
from .fields import Field, field_at, fields
from .issues import Issue, IssueType, Pending, issue_type, name_field
from .schemas import load_schema, per_schema_set
from .suggest import closest, did_you_mean

FORMAT_CODES = {"date": "invalid-date", "date-time": "invalid-date-time",
                "uri": "invalid-uri", "email": "invalid-email"}
DEF_CODES = {"date": "invalid-date", "uri": "invalid-uri", "orgId": "invalid-organisation-id",
             "projectId": "invalid-project-id", "localId": "invalid-identifier",
             "gssCode": "invalid-area-code"}
DATE_WANTED = {"invalid-date": "date", "invalid-date-time": "date-time"}
TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number",
              "boolean": "true or false", "array": "a list in square brackets [ ]",
              "object": "a group of fields in braces { }", "null": "empty (null)"}
# Never repeat values under names like these, whatever the schema says.
SENSITIVE_NAME = re.compile(
    r"name|email|phone|mobile|address|postcode|dob|birth|nhs|nino|insurance", re.I)


@dataclass
class Ctx:
    version: str
    error: ValidationError
    pointer: str  # where the value at fault is, from the dataset's root
    record: str | None
    prefix: str = ""  # the record's own pointer


def pointer_join(base: str, *parts: Any) -> str:
    if len(parts) == 1:  # the usual case, and the one a file can repeat a million times
        return base + "/" + str(parts[0]).replace("~", "~0").replace("/", "~1")
    return base + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_index(part: str) -> bool:
    return part.isascii() and part.isdigit()


def _describe(version: str, pointer: str) -> tuple[str, str, Field | None]:
    """The field's JSON name, its human title and its schema details."""
    parts = pointer.split("/")[1:]
    fld = field_at(version, pointer)
    if parts and _is_index(parts[-1]):
        number = int(parts[-1]) + 1
        name = parts[-2] if len(parts) > 1 else ""
        if fld and fld.title and "object" in fld.types:
            return name, f"{fld.title} {number}", fld
        parent = field_at(version, pointer.rsplit("/", 1)[0])
        return name, f"{parent.title if parent else name}, entry {number}", fld
    name = parts[-1] if parts else ""
    return name, (fld.title if fld and fld.title else name), fld


def _showable(name: str, fld: Field | None, value: Any) -> bool:
    """Repeat a value only if it is a short code, date, identifier, number or boolean."""
    if fld is None or SENSITIVE_NAME.search(name or ""):
        return False
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return True
    if not isinstance(value, str) or len(value) > 80:
        return False
    if fld.pattern and not fld.format and " " in value:
        return False  # an "identifier" with spaces may be a person's name
    return bool(fld.codelists or fld.format or fld.pattern or fld.enum or fld.const)


def _make(code: str, ctx: Ctx, pointer: str | None = None, value: Any = None,
          has_value: bool = True, words: Callable[[], dict[str, Any]] | None = None,
          **params: Any) -> Pending:
    """The issue CODE at POINTER (the error's own place by default). The field's title and
    schema details, and WORDS (parameters costly to work out), only if it is listed."""
    kind = issue_type(code)
    pointer = ctx.pointer if pointer is None else pointer
    return Pending(code, kind.severity, pointer, ctx.record,
                   partial(_build, kind, ctx, pointer, value, has_value, words, params))


def _build(kind: IssueType, ctx: Ctx, pointer: str, value: Any, has_value: bool,
           words: Callable[[], dict[str, Any]] | None, params: dict[str, Any]) -> Issue:
    name, title, fld = _describe(ctx.version, pointer)
    show = has_value and _showable(name, fld, value)
    shown = repr(value) if isinstance(value, str) else str(value).lower() \
        if isinstance(value, bool) else str(value)
    out = {"description": fld.description if fld else "see the standard's reference.",
           **params, **(words() if words else {})}
    if kind.code in DATE_WANTED:  # what the date looks like, and the exact text to type
        out.update(date_words(value if show and isinstance(value, str) else "",
                              DATE_WANTED[kind.code]))
    return kind.make(
        path=pointer, field=name, title=title, value=value if show else None, show_value=show,
        record=ctx.record, shown=shown if show else "a value (not repeated here)",
        Shown=shown if show else "A value (not repeated here)", **out)


def _required_name(error: ValidationError) -> str:
    return ast.literal_eval(error.message.removesuffix(" is a required property"))


def on_required(ctx: Ctx) -> Iterator[Pending]:
    name = _required_name(ctx.error)
    pointer = pointer_join(ctx.pointer, name)
    branch = list(ctx.error.relative_schema_path)[-2:-1]
    reason = ctx.error.schema.get("description", "") if branch in (["then"], ["else"]) else ""
    if reason:
        yield _make("missing-conditional-field", ctx, pointer, has_value=False, reason=reason)
    else:
        yield _make("missing-required-field", ctx, pointer, has_value=False)


def _places(version: str, name: str) -> str:
    """Where else in the standard a field of this name belongs, by title."""
    return _places_by_name(version).get(name, "")


@per_schema_set
def _places_by_name(version: str) -> dict[str, str]:
    all_fields = fields(version)
    titles: dict[str, set[str]] = {}
    for path in all_fields:
        parent = all_fields.get(path[:-1]) if path else None
        if parent is not None and parent.title:
            titles.setdefault(path[-1], set()).add(parent.title)
    return {name: " or ".join(sorted(found)[:3]) for name, found in titles.items()}


def _where_it_belongs(ctx: Ctx, name: str) -> dict[str, str]:
    """'Did you mean', or where else a field of this name goes, for an unknown NAME."""
    instance = ctx.error.instance
    match = closest(name, [k for k in ctx.error.schema.get("properties", {})
                           if k not in instance])
    places = _places(ctx.version, name)
    if match:
        return {"suggestion": f" Did you mean '{match}'?",
                "fix_hint": f"Rename '{name}' to '{match}'."}
    if places:
        return {"suggestion": f" '{name}' belongs in {places}, not here.",
                "fix_hint": f"Move '{name}' into {places}."}
    return {"suggestion": "", "fix_hint": "Check the spelling against the standard's "
            "reference, or remove the field. Notes can go in a description field."}


def on_unknown(ctx: Ctx) -> Iterator[Pending]:
    schema, instance = ctx.error.schema, ctx.error.instance
    known = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    for name in instance:  # may be a million: only what counting needs, for each
        if name in known or patterns and any(p.search(name) for p in patterns):
            continue
        yield _make("unknown-field", ctx, pointer_join(ctx.pointer, name), has_value=False,
                    words=partial(_where_it_belongs, ctx, name))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number with decimals"
    return {str: "text", list: "a list", dict: "a group of fields", type(None): "null (empty)"}[
        type(value)]


def _type_hint(expected: list[str], value: Any) -> str:
    if isinstance(value, str):
        stripped = value.strip()
        if {"number", "integer"} & set(expected) and re.fullmatch(r"-?\d+(\.\d+)?", stripped):
            return f"Remove the quotes around the number: write {stripped}, not \"{stripped}\"."
        if "boolean" in expected and stripped.lower() in {"true", "false", "yes", "no"}:
            return "Write true or false, in lower case and without quotes."
        if "array" in expected:
            return "Put the value in a list: [\"value\"], or for several values [\"a\", \"b\"]."
    if "integer" in expected and isinstance(value, float):
        return "Use a whole number, without decimals."
    if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "Put the value in double quotes, for example \"1.0\"."
    return f"Change the value to {' or '.join(TYPE_NAMES.get(t, t) for t in expected)}."


def on_type(ctx: Ctx) -> Iterator[Pending]:
    expected = ctx.error.validator_value
    expected = expected if isinstance(expected, list) else [expected]
    value = ctx.error.instance
    yield _make("wrong-type", ctx, value=value, has_value=False, words=lambda: {
        "expected": " or ".join(TYPE_NAMES.get(t, t) for t in expected),
        "actual": _kind(value), "type_hint": _type_hint(expected, value)})


def on_enum(ctx: Ctx) -> Iterator[Pending]:
    value, schema = ctx.error.instance, ctx.error.schema
    codelist = find_codelist(ctx.version, schema["codelist"]) if "codelist" in schema else None
    if codelist is None:
        yield _make("value-not-allowed", ctx, value=value, words=lambda: {"allowed": " or ".join(
            repr(str(v)) for v in ctx.error.validator_value[:10])})
        return

    def words() -> dict[str, str]:
        allowed = [str(v) for v in ctx.error.validator_value]
        branch = {"then", "else"} & set(map(str, ctx.error.relative_schema_path))
        return {"codes": ", ".join(allowed[:20]) + (", ..." if len(allowed) > 20 else ""),
                "suggestion": did_you_mean(value, allowed) if isinstance(value, str) else "",
                "reason": f" {schema['description']}" if branch and schema.get("description")
                else ""}

    yield _make("invalid-code", ctx, value=value, codelist=codelist.name, words=words)


def on_const(ctx: Ctx) -> Iterator[Pending]:
    yield _make("value-not-allowed", ctx, value=ctx.error.instance,
                words=lambda: {"allowed": repr(ctx.error.validator_value)})


def on_format(ctx: Ctx) -> Iterator[Pending]:
    code = FORMAT_CODES.get(ctx.error.validator_value)
    if code:
        yield _make(code, ctx, value=ctx.error.instance)
    else:
        yield from on_fallback(ctx)


@per_schema_set
def _pattern_codes(version: str) -> dict[str, str]:
    defs = load_schema(version, "common.schema.json")["$defs"]
    return {defs[name]["pattern"]: code for name, code in DEF_CODES.items()
            if "pattern" in defs.get(name, {})}


def on_pattern(ctx: Ctx) -> Iterator[Pending]:
    code = FORMAT_CODES.get(ctx.error.schema.get("format", "")) or _pattern_codes(
        ctx.version).get(ctx.error.validator_value, "pattern-mismatch")
    yield _make(code, ctx, value=ctx.error.instance)


def on_min_length(ctx: Ctx) -> Iterator[Pending]:
    if ctx.error.validator_value == 1:
        yield _make("empty-text", ctx, has_value=False)
    else:
        yield from on_fallback(ctx)


def on_min_items(ctx: Ctx) -> Iterator[Pending]:
    minimum = ctx.error.validator_value
    yield _make("too-few-items", ctx, has_value=False, minimum=minimum,
                words=lambda: {"count": len(ctx.error.instance)},
                noun="entry" if minimum == 1 else "entries")


def on_unique(ctx: Ctx) -> Iterator[Pending]:
    yield _make("duplicate-items", ctx, has_value=False)


BOUNDS = {"minimum": "at least {}", "maximum": "at most {}",
          "exclusiveMinimum": "more than {}", "exclusiveMaximum": "less than {}"}


def on_bound(ctx: Ctx) -> Iterator[Pending]:
    bound = BOUNDS[ctx.error.validator].format(ctx.error.validator_value)
    yield _make("number-out-of-range", ctx, value=ctx.error.instance, bound=bound)


def _only_required(schema: Any) -> bool:
    return isinstance(schema, dict) and "required" in schema and set(schema) <= {
        "required", "title", "description"}


def _closest_branch(errors: list[ValidationError]) -> ValidationError | None:
    """The most telling error from the option that came closest: options whose type does not
    even match the value come last, then options with more errors."""
    if not errors:
        return None
    branches: dict[Any, list[ValidationError]] = {}
    for error in errors:
        branches.setdefault(error.relative_schema_path[0], []).append(error)
    ranked = sorted(branches.values(),
                    key=lambda errs: (any(e.validator == "type" for e in errs), len(errs)))
    return best_match(ranked[0])


def on_alternatives(ctx: Ctx) -> Iterator[Pending]:
    options = ctx.error.validator_value
    if all(_only_required(option) for option in options):
        names = [" and ".join(name_field(n, f"{ctx.pointer}/{n}") for n in option["required"])
                 for option in options]
        yield _make("missing-alternatives", ctx, has_value=False, options=" or ".join(names),
                    words=lambda: {"where": _describe(ctx.version, ctx.pointer)[1] or
                                   "The dataset"})
        return

    def words() -> dict[str, str]:
        best = _closest_branch(ctx.error.context)
        inner = translate(ctx.version, best, ctx.prefix, ctx.record) if best else []
        return {"closest": inner[0].message if inner else "none of the forms fit",
                "fix_hint": inner[0].fix if inner else
                "Check the standard's reference for this field."}

    yield _make("no-matching-option", ctx, has_value=False, words=words)


def on_fallback(ctx: Ctx) -> Iterator[Pending]:
    detail = ctx.error.schema.get("description") if ctx.error.validator == "not" else None
    yield _make("schema-rule", ctx, has_value=False,
                detail=detail or f"it breaks the schema's '{ctx.error.validator}' rule")


HANDLERS: dict[str, Callable[[Ctx], Iterator[Pending]]] = {
    "required": on_required,
    "additionalProperties": on_unknown,
    "unevaluatedProperties": on_unknown,
    "type": on_type,
    "enum": on_enum,
    "const": on_const,
    "format": on_format,
    "pattern": on_pattern,
    "minLength": on_min_length,
    "minItems": on_min_items,
    "uniqueItems": on_unique,
    "minimum": on_bound,
    "maximum": on_bound,
    "exclusiveMinimum": on_bound,
    "exclusiveMaximum": on_bound,
    "anyOf": on_alternatives,
    "oneOf": on_alternatives,
}


def pending(version: str, error: ValidationError, prefix: str,
            record: str | None) -> Iterator[Pending]:
    """The issues for one schema error found within a record, not yet put into words."""
    ctx = Ctx(version, error, pointer_join(prefix, *error.absolute_path), record, prefix)
    return HANDLERS.get(error.validator, on_fallback)(ctx)


def translate(version: str, error: ValidationError, prefix: str,
              record: str | None) -> list[Issue]:
    """The plain-language issues for one schema error found within a record."""
    return [issue.build() for issue in pending(version, error, prefix, record)]
