"""The selections a reviewer makes in `coprod compare` (intervention type, setting, client
group, ladder level, design, population, years): which results each keeps, and how the
report's heading states them. docs/research.md shows the same selections as plain SQL
over the store, and a test checks that both pick the same results."""

from __future__ import annotations

from typing import Any

from .findings import DESIGNS, NOT_STATED, Selection

# (Selection field, the result's field, what the heading calls it, its codelist)
LISTS = [("intervention_types", "intervention_types", "intervention type",
          "intervention-type.csv"),
         ("settings", "settings", "setting", "setting.csv"),
         ("client_groups", "client_groups", "client group", "client-group.csv")]


def project_reason(selection: Selection, item: dict[str, Any]) -> str | None:
    """Why the result's project is outside the selection (None when inside)."""
    for field, column, name, _ in LISTS:
        wanted = getattr(selection, field)
        if wanted and not set(wanted) & set(item[column] or ()):
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


def heading(selection: Selection) -> str:
    """'intervention type: Befriending; population: Unpaid carers; years 2022 to 2024',
    codes shown by their titles; '' when nothing is selected."""
    from ..codelists import find_codelist
    from .tables import store_version

    def titled(codelist: str, codes: tuple[str, ...]) -> str:
        found = find_codelist(store_version(), codelist)
        return ", ".join((found.get(c).title if found and found.get(c) else c)
                         for c in codes)

    parts = [f"{name}: {titled(codelist, getattr(selection, field))}"
             for field, _, name, codelist in LISTS if getattr(selection, field)]
    if selection.ladder_levels:
        parts.append("ladder level: " + titled("participation-level.csv",
                                               selection.ladder_levels))
    if selection.designs:
        parts.append("design: " + ", ".join(DESIGNS[d] for d in selection.designs))
    if selection.populations:
        named = [c for c in selection.populations if c != NOT_STATED]
        shown = titled("population.csv", tuple(named)) if named else ""
        if NOT_STATED in selection.populations:
            shown = ", ".join(p for p in (shown, "population not stated") if p)
        parts.append(f"population: {shown}")
    first, last = selection.years
    if first is not None or last is not None:
        parts.append("measured " + (f"from {first} to {last}" if first and last else
                                    f"from {first} on" if first else f"up to {last}"))
    return "; ".join(parts)
