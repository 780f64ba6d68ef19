"""What every generated model shares: strict pydantic settings, no nulls, the schema's
conditional rules, and checks for formats and unique lists. Imports pydantic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                        r"([Zz]|[+-][0-9]{2}:[0-9]{2})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_date(value: str) -> str:
    """A real calendar date written YYYY-MM-DD (2025-02-30 is refused)."""
    if not _DATE.fullmatch(value):
        raise ValueError("write the date as YYYY-MM-DD, for example 2025-03-31")
    date.fromisoformat(value)
    return value


def is_date_time(value: str) -> str:
    """An RFC 3339 date and time with a time zone, for example 2025-03-31T14:30:00Z."""
    if not _DATE_TIME.fullmatch(value):
        raise ValueError("write a date and time with a time zone, for example "
                         "2025-03-31T14:30:00Z")
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return value


def is_uri(value: str) -> str:
    """An absolute web address (with a scheme) and no spaces."""
    if any(c.isspace() for c in value) or not urlsplit(value).scheme:
        raise ValueError("write a full web address, for example https://www.example.org/")
    return value


def is_email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("write an email address, for example team@example.org")
    return value


def distinct(items: list) -> list:
    """The list, if no item appears twice (JSON Schema's uniqueItems)."""
    for n, item in enumerate(items):
        if item in items[:n]:
            raise ValueError(f"item {n + 1} repeats an earlier item")
    return items


@dataclass(frozen=True)
class When:
    """If FIELD is one of VALUES, the fields THEN are required; otherwise OTHERWISE are.
    Field names are the models' attribute names."""
    field: str
    values: tuple
    then: tuple = ()
    otherwise: tuple = ()
    message: str = ""

    def problem(self, model: BaseModel) -> str | None:
        value = getattr(model, self.field)
        needed = self.then if value is not None and value in self.values else self.otherwise
        missing = [name for name in needed if getattr(model, name) is None]
        return f"{self.message} (missing: {', '.join(missing)})" if missing else None


@dataclass(frozen=True)
class AtLeastOne:
    fields: tuple
    message: str = ""

    def problem(self, model: BaseModel) -> str | None:
        if all(getattr(model, name) is None for name in self.fields):
            return self.message
        return None


@dataclass(frozen=True)
class CodesWhen:
    """If FIELD is one of VALUES, each item of the list ITEMS has ITEM_FIELD in THEN;
    otherwise in OTHERWISE. MESSAGES says why, for each case."""
    field: str
    values: tuple
    items: str
    item_field: str
    then: tuple
    otherwise: tuple
    messages: tuple = ("", "")

    def problem(self, model: BaseModel) -> str | None:
        chosen = getattr(model, self.field) in self.values
        allowed, message = (self.then, self.messages[0]) if chosen else (
            self.otherwise, self.messages[1])
        for n, item in enumerate(getattr(model, self.items) or ()):
            code = getattr(item, self.item_field)
            if code not in allowed:
                return f"{self.items} item {n + 1}: {code!r} is not allowed here. {message}"
        return None


class StandardModel(BaseModel):
    """A Co-production Data Standard object: strict types, no unknown fields, no nulls.

    Read JSON with ``Model.model_validate_json(text)`` or ``Model.model_validate(data)``;
    write it back with ``to_data()``, which gives the JSON names and only the fields set.
    """

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True,
                              regex_engine="python-re")
    rules: ClassVar[tuple[When | AtLeastOne | CodesWhen, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("null is not allowed: leave the field out instead")
        return value

    @model_validator(mode="after")
    def _rules_hold(self) -> StandardModel:
        for rule in self.rules:
            problem = rule.problem(self)
            if problem:
                raise ValueError(problem)
        return self

    def to_data(self) -> dict[str, Any]:
        """The object as JSON data, with the standard's field names."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
