"""The upgrade from version 1.1 to 1.2, in parts: each part edits the dataset (a copy) and
returns the changes it made, so that ``coprod upgrade`` can list every field changed, moved
or lost. A part does one kind of change (outcome domains, instruments, ...) and lives in a
module of its own here; ``PARTS`` runs them in order, after the version itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..upgrade import Change
from . import domains
from .economics import negative_savings
from .instruments import instrument_codes

Part = Callable[[dict[str, Any]], list[Change]]


def projects(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, project) for every project that is an object."""
    for p, project in enumerate(data.get("projects") or []):
        if isinstance(project, dict):
            yield p, project


def _version(data: dict[str, Any]) -> list[Change]:
    data["version"] = "1.2"
    return [Change("changed", "/version", "the version is now 1.2")]


PARTS: list[Part] = [
    _version,
    domains.outcomes,  # reads 1.1's instrument codes, so before they are renamed
    instrument_codes,
    negative_savings,
]


def one_one_to_one_two(data: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for part in PARTS:
        changes += part(data)
    return changes
