"""Safe ways for checks to read a record: never raise, whatever shape the data has."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..codelists import find_codelist
from ..schemas import per_schema_set

LIVED_ROLES = {"person-drawing-on-care", "unpaid-carer", "family-member"}
LADDER = ["coercion", "educating", "informing", "consultation", "engagement", "co-design",
          "co-production"]
NATIONAL_AREAS = {"E92000001", "W92000004", "S92000003", "N92000002", "K02000001",
                  "K03000001", "K04000001"}


def obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any, key: str) -> list[tuple[int, dict]]:
    """The objects in a list field, with their positions; anything else is skipped. (A
    list, not a generator: the checks call this some hundred times a project.)"""
    found = value.get(key) if isinstance(value, dict) else None
    if not isinstance(found, list):
        return []
    return [pair for pair in enumerate(found) if isinstance(pair[1], dict)]


def strings(value: Any, key: str) -> list[str]:
    found = value.get(key) if isinstance(value, dict) else None
    return [v for v in found if isinstance(v, str)] if isinstance(found, list) else []


def text(value: Any, key: str) -> str:
    found = value.get(key) if isinstance(value, dict) else None
    return found.strip() if isinstance(found, str) else ""


def code(value: Any, key: str) -> str | None:
    """A code-like value: the string under key, or None for anything else."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def number(value: Any, key: str) -> float | None:
    found = value.get(key) if isinstance(value, dict) else None
    kind = found.__class__
    if kind is int or kind is float:  # the usual case, told at once (bool's class is bool)
        return found
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return None
    return found


def day(value: Any, key: str) -> date | None:
    found = value.get(key) if isinstance(value, dict) else None
    try:
        return date.fromisoformat(found) if isinstance(found, str) and len(found) == 10 else None
    except ValueError:
        return None


def rung(level: Any) -> int:
    return LADDER.index(level) if level in LADDER else -1


# Many checks walk the same parts of a project. Each walk is made once per project and
# kept here (with the project itself, so that a reused id is never mistaken for it);
# checks.run() forgets them before each record.
_WALKS: dict[tuple[str, int], tuple[Any, list]] = {}


def forget_walks() -> None:
    _WALKS.clear()


def walked(name: str, project: Any, walk) -> list:
    key = (name, id(project))
    kept = _WALKS.get(key)
    if kept is not None and kept[0] is project:
        return kept[1]
    found = list(walk(project))
    _WALKS[key] = (project, found)
    return found


def _indicators(project: dict) -> Iterator[tuple[str, dict, dict]]:
    for o, outcome in items(project, "outcomes"):
        for i, indicator in items(outcome, "indicators"):
            yield f"/outcomes/{o}/indicators/{i}", outcome, indicator


def indicators(project: dict) -> list[tuple[str, dict, dict]]:
    return walked("indicators", project, _indicators)


def _reports(project: dict) -> Iterator[tuple[str, dict, dict, dict]]:
    for where, outcome, indicator in indicators(project):
        for r, report in items(indicator, "reports"):
            yield f"{where}/reports/{r}", outcome, indicator, report


def reports(project: dict) -> list[tuple[str, dict, dict, dict]]:
    return walked("reports", project, _reports)


def _demographic_counts(project: dict) -> Iterator[tuple[str, dict, str, dict]]:
    for g, group in items(project, "participantGroups"):
        for dimension, block in obj(group.get("demographics")).items():
            if isinstance(block, dict):
                yield f"/participantGroups/{g}/demographics/{dimension}", group, dimension, block


def demographic_counts(project: dict) -> list[tuple[str, dict, str, dict]]:
    """Each dimension of each group's demographics: (pointer, group, dimension, block)."""
    return walked("demographics", project, _demographic_counts)


SAMPLE = "/evaluation/sampleDemographics/"


def _every_demographic_count(project: dict) -> Iterator[tuple[str, dict, str, dict]]:
    yield from demographic_counts(project)
    sample = obj(obj(project.get("evaluation")).get("sampleDemographics"))  # 1.2 and later
    for dimension, block in sample.items():
        if isinstance(block, dict):
            # The sample's size is not part of the block: its "group" has no count.
            yield f"{SAMPLE}{dimension}", {}, dimension, block


def every_demographic_count(project: dict) -> list[tuple[str, dict, str, dict]]:
    """As demographic_counts, and the evaluated sample's demographics too (version 1.2)."""
    return walked("every-demographics", project, _every_demographic_count)


def sample_size(breakdowns: list[tuple[str, dict, str, dict]]) -> float | None:
    """The evaluated sample's size, which is not published as such: the total of its smallest
    breakdown that publishes every cell, or None if none does."""
    totals = []
    for where, _, _, block in breakdowns:
        if not where.startswith(SAMPLE):
            continue
        cells = [cell for _, cell in items(block, "counts")]
        counts = [number(cell, "count") for cell in cells]
        if cells and None not in counts and not any(
                cell.get("suppressed") is True for cell in cells):
            totals.append(sum(counts))
    return min(totals, default=None)


def below_national(project: dict) -> bool:
    areas = strings(project, "areas")
    return not areas or any(area not in NATIONAL_AREAS for area in areas)


def figure_exempt(project: dict, report: dict | None) -> bool:
    """Whether a figure is exempt from the small-number rules. The exemption follows the
    people behind the figure, not the area code: only a result (REPORT) that describes a
    nation's population (its 'population' is the wider community, version 1.2) of a
    project whose every area is national. Counts of the people who took part (REPORT
    None), their make-up, demographics and comparison groups are never exempt."""
    return (isinstance(report, dict) and report.get("population") == "wider-community"
            and not below_national(project))


@per_schema_set
def score_types(version: str) -> dict[str, dict[str, Any]]:
    """Each score type's instrument, range and direction, from its codelist's extra columns."""
    out = {}
    def num(raw: str | None) -> float | None:
        return float(raw) if raw not in ("", None) else None

    for code in find_codelist(version, "score-type").codes:
        direction = code.extra.get("higherIsBetter", "")
        out[code.code] = {"instrument": code.extra.get("instrument"), "title": code.title,
                          "minimum": num(code.extra.get("minimum")),
                          "maximum": num(code.extra.get("maximum")),
                          "higherIsBetter": {"true": True, "false": False}.get(direction)}
    return out


def codes_of(version: str, *names: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        codelist = find_codelist(version, name)
        if codelist:
            out.update(codelist.code_values())
    return out


LONG_WHOLE = 1_000_000_000  # whole numbers from ten digits: an NHS or phone number typed in


def walk_record(value: Any) -> tuple[list[tuple[tuple | None, str, str]],
                                     list[tuple[tuple | None, str]],
                                     list[tuple[tuple | None, str, int]]]:
    """In one pass: every string (where, key it sits under, text), every object key (where,
    key) and every whole number of ten digits or more (where, key, number) in a record.
    Where is a chain of steps, (parent's chain, key or index), None for the record itself:
    spelt as a JSON Pointer (``spelt``) only when needed."""
    texts: list[tuple[tuple | None, str, str]] = []
    keys: list[tuple[tuple | None, str]] = []
    numbers: list[tuple[tuple | None, str, int]] = []
    stack: list[tuple[Any, tuple | None, str]] = [(value, None, "")]
    while stack:
        node, where, key = stack.pop()
        if isinstance(node, str):
            texts.append((where, key, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                inner = (where, k)
                keys.append((inner, k))
                if isinstance(v, (str, dict, list)):
                    stack.append((v, inner, k))
                elif v.__class__ is int and (v >= LONG_WHOLE or v <= -LONG_WHOLE):
                    numbers.append((inner, k, v))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (str, dict, list)):
                    stack.append((v, (where, i), key))
                elif v.__class__ is int and (v >= LONG_WHOLE or v <= -LONG_WHOLE):
                    numbers.append(((where, i), key, v))
    return texts, keys, numbers


def spelt(where: tuple | None) -> str:
    """A chain of steps (see ``walk_record``) as a JSON Pointer."""
    parts = []
    while where is not None:
        where, step = where
        parts.append(escape(step))
    return "".join("/" + part for part in reversed(parts))


def escape(key: Any) -> str:
    """A key as one step of a JSON Pointer."""
    key = key if isinstance(key, str) else str(key)
    if "~" not in key and "/" not in key:
        return key
    return key.replace("~", "~0").replace("/", "~1")
