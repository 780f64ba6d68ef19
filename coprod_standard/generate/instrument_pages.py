"""The instruments' licence notes, generated from the instrument files themselves."""

from __future__ import annotations

import json

from ..instruments.registry import _folder


def instruments_page() -> str:
    from .docs import GENERATED, _cell

    lines = [GENERATED, "# Instruments and their licences", "",
             "The standard names the instruments a project measured outcomes with; it does "
             "not reproduce them. This page is generated from the instrument files in "
             "`schemas/instruments/`. A dataset records the licence it used an instrument "
             "under in `instrumentLicence`. No item wording of any copyrighted instrument is "
             "included in the standard or the toolkit.", "",
             "| Code | Instrument | Licence | Licensor | Note | Sources |",
             "|---|---|---|---|---|---|"]
    thresholds = ["", "## Meaningful change", "",
                  "Each instrument states one threshold for a real change in one person's "
                  "score, on a stated basis: `reliable-change-95` (the reliable change index "
                  "at 95%, 1.96 x the square root of 2 x the standard error of measurement, "
                  "rounded up to a change the scale can make), `owner-threshold` (set by the "
                  "instrument's owner on another basis, kept as published) or "
                  "`none-verified` (no threshold could be verified, so no proportion "
                  "improved is worked out). `coprod aggregate` and comparisons use these "
                  "values.", "",
                  "| Code | Score | Threshold | Basis | Source | Notes |",
                  "|---|---|---|---|---|---|"]
    for path in sorted(_folder().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "licence" not in data:
            continue  # the schemas for instrument and responses files
        licence = data["licence"]
        sources = " ".join(f"<{url}>" if url.startswith("http") else _cell(url)
                           for url in data.get("sources", []))
        title = data["title"] + (f" (replaced by `{data['replacedBy']}` from 1.2)"
                                 if data.get("replacedBy") else "")
        lines.append(f"| `{data['code']}` | {_cell(title)} | {licence['type']} | "
                     f"{_cell(licence['licensor'])} | {_cell(licence.get('note', ''))} | "
                     f"{sources} |")
        change = data.get("meaningfulChange") or {}
        thresholds.append(f"| `{data['code']}` | {change.get('scoreType', '')} | "
                          f"{change.get('value', '')} | {change.get('basis', '')} | "
                          f"{_cell(change.get('source', ''))} | "
                          f"{_cell(change.get('notes', ''))} |")
    return "\n".join(lines + thresholds) + "\n"
