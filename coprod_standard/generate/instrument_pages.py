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
    for path in sorted(_folder().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "licence" not in data:
            continue  # the schemas for instrument and responses files
        licence = data["licence"]
        sources = " ".join(f"<{url}>" for url in data.get("sources", []))
        lines.append(f"| `{data['code']}` | {_cell(data['title'])} | {licence['type']} | "
                     f"{_cell(licence['licensor'])} | {_cell(licence.get('note', ''))} | "
                     f"{sources} |")
    return "\n".join(lines) + "\n"
