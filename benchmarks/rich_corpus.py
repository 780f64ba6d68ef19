"""A realistic corpus for benchmarks: projects shaped like the bundled examples, clean and
with the mistakes people make (invented data only).

The projects are the bundled examples written in version 1.2 (the befriending scheme and
the dementia club: every object type, long texts, several outcomes, results, costs,
estimates and risks, about 24 to 31 KB a project), copied with new identifiers under the
befriending scheme's dataset details. The clean corpus is valid at the publish level with
nothing to report. The broken corpus has one typical mistake in each project, taking turns
(``MISTAKES``): a code that is not on its list, a date typed the UK way, a field the
standard does not have, and a small number of people shown without suppression.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SHAPES = ("befriending-scheme.json", "dementia-club.json")  # the 1.2 examples, both clean


def _load() -> tuple[dict, list[dict]]:
    datasets = [json.loads((EXAMPLES / name).read_text(encoding="utf-8")) for name in SHAPES]
    envelope = {key: value for key, value in datasets[0].items() if key != "projects"}
    return envelope, [project for data in datasets for project in data["projects"]]


def _wrong_code(project: dict) -> str:
    project["status"] = "nearly-finished"
    return "/status"


def _uk_date(project: dict) -> str:
    day, month, year = reversed(project["startDate"].split("-"))
    project["startDate"] = f"{day}/{month}/{year}"
    return "/startDate"


def _unknown_field(project: dict) -> str:
    project["projectNotes"] = "Checked by the steering group in March."
    return "/projectNotes"


def _small_number(project: dict) -> str:
    group = project["participantGroups"][0]
    group["count"] = 3
    for key in ("countRounded", "suppressed", "demographics"):  # whose counts would not fit
        group.pop(key, None)
    return "/participantGroups/0/count"


MISTAKES: dict[str, Callable[[dict], str]] = {
    "a code that is not on its list": _wrong_code,
    "a date typed the UK way": _uk_date,
    "a field the standard does not have": _unknown_field,
    "a small number of people, not suppressed": _small_number,
}


def projects(count: int, broken: bool = False) -> Iterator[dict]:
    """COUNT projects, each a copy of one of the examples' with its own identifier; with
    BROKEN, one mistake in each (the kinds in turn)."""
    _, shapes = _load()
    mistakes = list(MISTAKES.values())
    for n in range(count):
        project = copy.deepcopy(shapes[n % len(shapes)])
        project["id"] = f"{project['id']}-c{n}"
        if broken:
            mistakes[n % len(mistakes)](project)
        yield project


def write(path: Path, count: int, broken: bool = False) -> int:
    """The corpus written to PATH as one JSON dataset, a project at a time (a corpus of
    100,000 projects is some 2.7 GB); its size in bytes."""
    envelope, _ = _load()
    head = json.dumps(envelope, ensure_ascii=False)[:-1]
    with path.open("w", encoding="utf-8") as out:
        out.write(head + ', "projects": [\n')
        for n, project in enumerate(projects(count, broken)):
            out.write(("" if n == 0 else ",\n") + json.dumps(project, ensure_ascii=False))
        out.write("\n]}\n")
    return path.stat().st_size
