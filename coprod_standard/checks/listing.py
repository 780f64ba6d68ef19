"""The catalogue as rows, for the command line, the web validator and its API."""

from __future__ import annotations

from typing import Any

from . import catalogue


def catalogue_rows(category: str | None = None, show_all: bool = False) -> list[dict[str, Any]]:
    """Every check beyond the schema (in one category, if given); with SHOW_ALL, also the
    issues found by reading files and by the JSON Schema."""
    from ..issues import catalogue as issue_catalogue

    rows = [{"code": c.code, "severity": c.severity.value, "category": c.category,
             "title": c.title, "serves": c.serves, "levels": list(c.levels),
             "explanation": c.explanation}
            for c in catalogue() if category in (None, c.category)]
    if show_all and category is None:
        known = {row["code"] for row in rows}
        rows += [{"code": t.code, "severity": t.severity.value, "category": t.category,
                  "title": t.title, "serves": "The JSON Schema" if t.category != "reading"
                  else "Reading the file", "levels": ["schema", "draft", "publish"],
                  "explanation": t.description}
                 for t in issue_catalogue() if t.code not in known]
    return rows
