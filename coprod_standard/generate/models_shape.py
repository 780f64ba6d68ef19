"""A version's schemas as a plain shape for the typed-model generators (models_py, models_ts).

Each object schema becomes a ``Model``: a schema file's root is named after the file
(``participant-group.schema.json`` -> ``ParticipantGroup``), a ``$defs`` entry after its key,
an object written inline after its property (singular for a list's items), prefixed with
its parent's name if the name is taken. Closed codelists become named code sets after the
CSV (``project-status.csv`` -> ``ProjectStatus``). Rules of the form "if FIELD is one of
... then these fields are required (else those)" and "at least one of these fields" become
``Rule``s; anything else a model cannot check is kept, in words, in ``Model.unchecked``.
The schemas are read when the generator runs, so a changed schema gives changed models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..schemas import load_schemas

# Keywords that describe a value without constraining it.
ANNOTATIONS = {"title", "description", "examples", "codelist", "openCodelist", "deprecated",
               "replacedBy", "$comment", "default"}
SCALARS = {"string", "integer", "number", "boolean"}
# coprod reads a "$schema" at a dataset's root in every version, before the schema sees it.
DOLLAR_SCHEMA = ("The address of the JSON Schema the file follows, as editors add it for "
                 "completion. coprod accepts it in every version, though this version's "
                 "schema does not list it.")
# Keywords the generators turn into types or checks, by kind of value.
UNDERSTOOD = {
    "codes": {"type", "enum", "const"},
    "object": {"type", "properties", "required", "additionalProperties", "if", "then", "else",
               "allOf", "anyOf", "$defs", "$schema", "$id"},
    "array": {"type", "items", "minItems", "uniqueItems"},
    "scalar": {"type", "pattern", "minLength", "minimum", "maximum", "exclusiveMinimum",
               "format"},
}


@dataclass(frozen=True)
class Scalar:
    base: str                        # string, integer, number or boolean
    pattern: str | None = None
    min_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    format: str | None = None


@dataclass(frozen=True)
class Named:
    """A named scalar from a ``$defs`` entry (``Date``, ``OrgId``)."""
    name: str


@dataclass(frozen=True)
class Codes:
    name: str | None                 # None: an enum with no codelist, written inline
    codes: tuple


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class ListOf:
    item: Any
    min_items: int | None = None
    unique: bool = False


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class AnyValue:
    pass


@dataclass
class Prop:
    name: str                        # the JSON name
    type: Any
    required: bool
    description: str
    codelist: str | None = None      # an open codelist's CSV, for the docs
    deprecated: str | None = None    # what replaces it


@dataclass
class Rule:
    """``when`` is one of ``values``: ``then`` are required, otherwise ``otherwise`` are;
    with ``when`` None, at least one of ``then`` is required."""
    when: str | None
    values: tuple
    then: tuple
    otherwise: tuple
    message: str
    codes: tuple | None = None       # (list, item field, then-codes, else-codes): the codes
                                     # allowed in each item's field, by the condition


@dataclass
class Model:
    name: str
    description: str
    props: list[Prop] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    closed: bool = True              # additionalProperties is false


@dataclass
class Shape:
    version: str
    models: dict[str, Model]         # in dependency order: a model after those it uses
    scalars: dict[str, tuple[Scalar, str]]   # name -> (scalar, description)
    codes: dict[str, tuple]          # name -> codes
    root: str
    unchecked: list[str]             # keywords the generators do not understand, by field


def pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _stem(filename: str) -> str:
    return filename.split(".")[0]


class _Builder:
    def __init__(self, version: str) -> None:
        self.schemas = load_schemas(version)
        self.version = version
        self.names: dict[tuple[str, str], str] = {}      # (file, pointer) -> name
        self.taken: set[str] = set()
        self.models: dict[str, Model] = {}
        self.scalars: dict[str, tuple[Scalar, str]] = {}
        self.codes: dict[str, tuple] = {}
        self.order: list[str] = []
        self.unchecked: list[str] = []

    def claim(self, wanted: str, *others: str) -> str:
        """WANTED, or the first of OTHERS that is free, or the last of them with a number."""
        last = (others or (wanted,))[-1]
        choices = [wanted, *others, *(f"{last}{n}" for n in range(2, 100))]
        name = next(choice for choice in choices if choice not in self.taken)
        self.taken.add(name)
        return name

    def build(self) -> Shape:
        for filename, schema in self.schemas.items():
            if schema.get("type") == "object":
                self.names[(filename, "")] = self.claim(pascal(_stem(filename)))
            for key in schema.get("$defs", {}):
                self.names[(filename, f"/$defs/{key}")] = self.claim(pascal(key))
        for (filename, pointer), name in list(self.names.items()):
            node = self.at(filename, pointer)
            if self.is_object(node):
                self.model(name, node, filename)
            else:
                self.scalars[name] = (self.scalar(node), node.get("description", ""))
        models: dict[str, Model] = {}
        for name in self.order:
            _visit(name, self.models, models)
        root = self.names[("dataset.schema.json", "")]
        if not any(prop.name == "$schema" for prop in self.models[root].props):
            self.models[root].props.insert(0, Prop("$schema", Scalar("string", format="uri"),
                                                   False, DOLLAR_SCHEMA))
        return Shape(self.version, models, self.scalars, self.codes, root, self.unchecked)

    def at(self, filename: str, pointer: str) -> dict:
        node = self.schemas[filename]
        for part in filter(None, pointer.split("/")):
            node = node[part]
        return node

    def target(self, ref: str, filename: str) -> tuple[str, str]:
        file_part, _, pointer = ref.partition("#")
        return (file_part or filename), pointer

    @staticmethod
    def is_object(node: dict) -> bool:
        return node.get("type") == "object" or "properties" in node

    def model(self, name: str, node: dict, filename: str) -> None:
        model = Model(name, node.get("description", ""),
                      closed=node.get("additionalProperties") is False)
        self.models[name] = model
        required = node.get("required", [])
        for key, sub in node.get("properties", {}).items():
            kind = self.type_of(sub, filename, key, name)
            model.props.append(Prop(key, kind, key in required, self.describe(sub, filename),
                                    self.open_codelist(sub, filename), sub.get("replacedBy")))
        self.rules(model, node)
        self.order.append(name)

    def describe(self, node: dict, filename: str) -> str:
        if "description" not in node and "$ref" in node:
            return self.at(*self.target(node["$ref"], filename)).get("description", "")
        return node.get("description", "")

    def open_codelist(self, node: dict, filename: str) -> str | None:
        inner = node.get("items", node)
        if "$ref" in inner and "codelist" not in inner:
            inner = self.at(*self.target(inner["$ref"], filename))
        return inner.get("codelist") if inner.get("openCodelist") else None

    def type_of(self, node: dict, filename: str, key: str, parent: str) -> Any:
        if "$ref" in node:
            place = self.target(node["$ref"], filename)
            if not _adds_nothing({k: v for k, v in node.items() if k != "$ref"},
                                 self.at(*place)):
                merged = _merge(self.at(*place), {k: v for k, v in node.items() if k != "$ref"})
                return self.type_of(merged, place[0], key, parent)
            name = self.names[place]
            return Ref(name) if name in self.models or self.is_object(self.at(*place)) \
                else Named(name)
        kind = ("codes" if "const" in node or "enum" in node else "object"
                if self.is_object(node) else "array" if node.get("type") == "array" else "scalar")
        unknown = set(node) - ANNOTATIONS - UNDERSTOOD[kind]
        if unknown:
            self.unchecked.append(f"{parent}.{key}: {', '.join(sorted(unknown))}")
        if "const" in node:
            return Const(node["const"])
        if "enum" in node:
            codes = tuple(node["enum"])
            if not node.get("codelist"):
                return Codes(None, codes)
            return Codes(self.code_set(node), codes)
        if self.is_object(node):
            name = self.claim(pascal(key), parent + pascal(key))
            self.model(name, node, filename)
            return Ref(name)
        if node.get("type") == "array":
            item = self.type_of(node.get("items", {}), filename, singular(key), parent)
            return ListOf(item, node.get("minItems"), bool(node.get("uniqueItems")))
        if isinstance(node.get("type"), str) and node["type"] in SCALARS:
            return self.scalar(node)
        return AnyValue()

    def code_set(self, node: dict) -> str:
        """The name of the closed codelist NODE carries, claimed the first time it is seen."""
        codes, wanted = tuple(node["enum"]), pascal(_stem(node["codelist"]))
        name = next((n for n, c in self.codes.items() if c == codes and n.startswith(wanted)),
                    None)
        if name is None:
            name = self.claim(wanted, wanted + "Code")
            self.codes[name] = codes
        return name

    @staticmethod
    def scalar(node: dict) -> Scalar:
        return Scalar(node.get("type", "string"), node.get("pattern"), node.get("minLength"),
                      node.get("minimum"), node.get("maximum"), node.get("exclusiveMinimum"),
                      node.get("format"))

    def rules(self, model: Model, node: dict) -> None:
        branches = [node] + [sub for sub in node.get("allOf", []) if isinstance(sub, dict)]
        for branch in branches:
            if "if" not in branch and branch is not node:
                model.unchecked.append("a rule in allOf without if/then")
            elif "if" in branch:
                rule = _condition(branch)
                if rule is None:
                    model.unchecked.append(_words(branch))
                    continue
                if rule.codes:
                    list_field, item_field, *sets = rule.codes
                    names = tuple(self.code_set(codes) for codes in sets)
                    messages = tuple(codes.get("description", "") for codes in sets)
                    rule.codes = (list_field, item_field, names, messages)
                model.rules.append(rule)
        alternatives = node.get("anyOf", [])
        if alternatives and all(set(alt) <= {"title", "required"} and len(alt["required"]) == 1
                                for alt in alternatives):
            fields = tuple(alt["required"][0] for alt in alternatives)
            model.rules.append(Rule(None, (), fields, (), "Give at least one of: "
                                    + ", ".join(fields) + "."))
        elif alternatives:
            model.unchecked.append("one of several alternative shapes (anyOf)")


def _adds_nothing(extra: dict, base: dict) -> bool:
    """Whether keywords written beside a ``$ref`` only describe (titles, descriptions, the
    same type), so that the field is simply the referenced type."""
    for key, value in extra.items():
        if key == "properties":
            props = base.get("properties", {})
            if not all(name in props and _adds_nothing(sub, props[name])
                       for name, sub in value.items()):
                return False
        elif key not in ANNOTATIONS and not (key == "type" and value == base.get("type")):
            return False
    return True


def _merge(base: dict, extra: dict) -> dict:
    """A referenced schema with the keywords written beside the ``$ref`` applied on top: their
    ``properties`` merged one by one, their ``required`` added."""
    out = dict(base)
    for key, value in extra.items():
        if key == "properties":
            props = base.get(key, {})
            out[key] = {name: _merge(props.get(name, {}), value[name]) if name in value
                        else props[name] for name in {**props, **value}}
        elif key == "required":
            out[key] = list(dict.fromkeys([*base.get(key, []), *value]))
        else:
            out[key] = value
    return out


def _refs(kind: Any) -> list[str]:
    if isinstance(kind, ListOf):
        return _refs(kind.item)
    return [kind.name] if isinstance(kind, Ref) else []


def _visit(name: str, models: dict[str, Model], done: dict[str, Model]) -> None:
    """Add NAME to DONE after every model it uses (the schemas have no cycles)."""
    if name in done:
        return
    for prop in models[name].props:
        for used in _refs(prop.type):
            _visit(used, models, done)
    done[name] = models[name]


def _condition(branch: dict) -> Rule | None:
    test, then, otherwise = branch["if"], branch.get("then", {}), branch.get("else", {})
    props = test.get("properties", {})
    if len(props) != 1 or test.get("required") != list(props) or set(test) != {
            "properties", "required"}:
        return None
    (key, value), = props.items()
    values = (value["const"],) if "const" in value else tuple(value.get("enum", ()))
    plain = {"description", "required"}
    if values and not set(then) - plain and not set(otherwise) - plain:
        message = then.get("description") or otherwise.get("description") or ""
        return Rule(key, values, tuple(then.get("required", ())),
                    tuple(otherwise.get("required", ())), message)
    lists = _item_codes(then), _item_codes(otherwise)
    if values and all(lists) and lists[0][:2] == lists[1][:2]:
        return Rule(key, values, (), (), "", codes=(*lists[0][:2], lists[0][2], lists[1][2]))
    return None


def _item_codes(branch: dict) -> tuple | None:
    """(list field, item field, {codelist, enum, description}) when BRANCH only narrows the
    codes allowed in one field of a list's items."""
    props = branch.get("properties", {})
    if set(branch) - {"type"} != {"properties"} or len(props) != 1:
        return None
    (list_field, node), = props.items()
    items = node.get("items", {}).get("properties", {})
    if set(node) - {"type"} != {"items"} or set(node["items"]) - {"type"} != {"properties"} \
            or len(items) != 1:
        return None
    (item_field, codes), = items.items()
    return (list_field, item_field, codes) if "enum" in codes and codes.get("codelist") \
        else None


def _words(branch: dict) -> str:
    props = branch["if"].get("properties", {})
    when = ", ".join(f"{key} is {value.get('const', value.get('enum'))}"
                     for key, value in props.items())
    changed = ", ".join(branch.get("then", {}).get("properties", {})) or "other fields"
    return f"when {when}, {changed} must follow other rules (see the schema)"


def shape(version: str) -> Shape:
    """The models, named scalars and code sets of VERSION, read from its schemas now."""
    return _Builder(version).build()

