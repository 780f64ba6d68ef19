"""The selections a reviewer makes in `coprod compare` (intervention type, setting, client
group, ladder level, design, population, years): which results each keeps (the page words
them with ``wording.selection``). docs/research.md shows the same selections as plain SQL
over the store, and a test checks that both pick the same results."""

from __future__ import annotations

from typing import Any

from .findings import DESIGNS, Selection

# (the Selection's and the result's field, what the reason calls it)
LISTS = [("intervention_types", "intervention type"), ("settings", "setting"),
         ("client_groups", "client group")]


def project_reason(selection: Selection, item: dict[str, Any]) -> str | None:
    """Why the result's project is outside the selection (None when inside)."""
    for field, name in LISTS:
        wanted = getattr(selection, field)
        if wanted and not set(wanted) & set(item[field] or ()):
            return f"its project has no {name} selected"
    if selection.ladder_levels and item["level"] not in selection.ladder_levels:
        return "its project is at another level of the ladder"
    first, last = selection.years
    year = item["end"].year if item["end"] else None
    if (first is not None or last is not None) and (
            year is None or (first is not None and year < first)
            or (last is not None and year > last)):
        return "measured outside the years selected"
    return None


def result_reason(selection: Selection, item: dict[str, Any], design: str
                  ) -> tuple[str, str] | None:
    """(reason code, detail) when the result's design or population is not selected."""
    if selection.designs and design not in selection.designs:
        return "not-selected", f"its design is {DESIGNS[design]}"
    if selection.populations and item["population"] not in selection.populations:
        return "different-population", ""
    return None
