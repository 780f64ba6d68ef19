"""A "$schema" at the top of a data file: allowed in every version, and checked here.

Editors add ``"$schema"`` to a JSON file to offer completion and checking as you type. The
frozen schemas of 1.0 and 1.1 do not allow the key, and 1.2's allows only its own address,
so the schema engine checks the dataset without it (in every version) and this module says,
in plain words, whether it names this standard's schema, for a version we know, the same
version as the file's ``version``. For 1.2 that is exactly what its schema asks (a test
keeps the two in step), so other validators reach the same verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .issues import Pending, issue_type
from .schemas import base_url, base_version, version_names

KEY = "$schema"
FILES = ("dataset.schema.json", "dataset.bundle.json")  # the schema, or its single file


def schema_address(version: str) -> str:
    return f"{base_url()}{version}/{FILES[0]}"


def named_version(uri: Any) -> str | None:
    """The version of the standard a "$schema" value names, or None if it names none."""
    base = base_url()
    if not isinstance(uri, str) or not uri.startswith(base):
        return None
    version, _, file = uri[len(base):].partition("/")
    return version if version in version_names() and file in FILES else None


def without_key(data: Any) -> Any:
    """The dataset's own details as the schema sees them: without "$schema"."""
    if isinstance(data, dict) and KEY in data:
        return {key: value for key, value in data.items() if key != KEY}
    return data


def schema_uri_issues(version: str, data: Any, record: str | None) -> Iterator[Pending]:
    """The issue with the dataset's "$schema", if it has one that is wrong: not this
    standard's schema, or a version other than the one the file says it follows."""
    if not isinstance(data, dict) or KEY not in data:
        return
    value, version = data[KEY], base_version(version)
    named = named_version(value)
    shown = isinstance(value, str) and len(value) <= 200
    if named is None:
        yield issue_type("schema-address-unknown").later(lambda: dict(
            field=KEY, title="Schema address", value=value if shown else None,
            show_value=shown, shown=repr(value) if shown else "not a web address in quotes",
            address=schema_address(version)), path="/" + KEY, record=record)
    elif named != version and "version" in data:
        yield issue_type("schema-address-other-version").later(lambda: dict(
            field=KEY, title="Schema address", value=value, show_value=True, named=named,
            version=version, address=schema_address(version)), path="/" + KEY,
            record=record)
