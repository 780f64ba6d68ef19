"""upgrade(dataset, to): move a dataset to a later version of the standard, saying what
changed, what moved, and refusing to lose anything silently.

Each step between consecutive versions is a small function that edits a copy of the
dataset and records its changes. After all steps, every value of the original is looked
for in the result (allowing for the recorded moves); anything missing is reported as lost
and the upgrade is refused unless the caller accepts the loss.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .schema_uri import KEY, named_version, schema_address
from .schemas import version_names


class UpgradeError(Exception):
    """The upgrade cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Change:
    kind: str  # changed, moved or lost
    path: str
    detail: str
    to: str | None = None

    def describe(self) -> str:
        where = f"{self.path} -> {self.to}" if self.to else self.path
        return f"{self.kind}: {where}: {self.detail}"


def pointer(*parts: Any) -> str:
    """A JSON Pointer to the value at PARTS."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _one_zero_to_one_one(data: dict[str, Any]) -> list[Change]:
    changes = [Change("changed", "/version", "the version is now 1.1")]
    data["version"] = "1.1"
    for p, project in enumerate(data.get("projects") or []):
        if not isinstance(project, dict):
            continue
        for a, activity in enumerate(project.get("activities") or []):
            if isinstance(activity, dict) and "date" in activity and "startDate" not in activity:
                activity_keys = list(activity)
                value = activity.pop("date")
                rebuilt = {}
                for key in activity_keys:  # keep the field where it was in the object
                    rebuilt["startDate" if key == "date" else key] = (
                        value if key == "date" else activity[key])
                activity.clear()
                activity.update(rebuilt)
                base = pointer("projects", p, "activities", a)
                changes.append(Change("moved", f"{base}/date", "'date' is deprecated in 1.1; "
                                      "its value is now 'startDate'", f"{base}/startDate"))
    return changes


def _one_one_to_one_two(data: dict[str, Any]) -> list[Change]:
    from .upgrade_1_2 import one_one_to_one_two  # its parts build on Change, above

    return one_one_to_one_two(data)


STEPS: dict[str, tuple[str, Callable[[dict[str, Any]], list[Change]]]] = {
    "1.0": ("1.1", _one_zero_to_one_one),
    "1.1": ("1.2", _one_one_to_one_two),
}


def _leaves(node: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, _pointer_join(at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, _pointer_join(at, index))
    else:
        yield at, node


def _pointer_join(base: str, part: Any) -> str:
    return base + pointer(part)


def _lost(before: dict, after: dict, changes: list[Change]) -> list[Change]:
    moved = {c.path: c.to for c in changes if c.kind == "moved"}
    changed = {c.path for c in changes if c.kind == "changed"}
    now = dict(_leaves(after))
    lost = []
    for at, value in _leaves(before):
        if at in changed:
            continue
        target = moved.get(at, at)
        if target not in now or now[target] != value:
            lost.append(Change("lost", at, "this value has no place in the new version"))
    return lost


def upgrade(dataset: dict[str, Any], to: str, allow_loss: bool = False
            ) -> tuple[dict[str, Any], list[Change]]:
    """The dataset in version ``to``, and every change made. Raises UpgradeError if it
    cannot be done, or if data would be lost and ``allow_loss`` is not set."""
    if to not in version_names():
        raise UpgradeError(f"there is no version {to!r}; versions: {', '.join(version_names())}")
    start = dataset.get("version") if isinstance(dataset, dict) else None
    if start not in version_names():
        raise UpgradeError(f"the dataset's version {start!r} is not one this toolkit knows, "
                           "so it cannot be upgraded; check its 'version' field")
    order = version_names()
    if order.index(start) > order.index(to):
        raise UpgradeError(f"the dataset is already in version {start}, later than {to}; "
                           "going back a version is not supported")
    result = copy.deepcopy(dataset)
    changes: list[Change] = []
    version = start
    while version != to:
        version, step = STEPS[version]
        changes += step(result)
    if to != start and named_version(result.get(KEY)) == start:  # an editor's "$schema"
        result[KEY] = schema_address(to)
        changes.append(Change("changed", pointer(KEY), f"the schema address now names {to}"))
    lost = _lost(dataset, result, changes)
    if lost and not allow_loss:
        listed = "; ".join(c.path for c in lost[:10])
        count = f"{len(lost)} value{'s' if len(lost) != 1 else ''}"
        raise UpgradeError(f"{count} would be lost ({listed}); nothing was "
                           "written. Move them yourself, or accept the loss with --allow-loss")
    return result, changes + lost
