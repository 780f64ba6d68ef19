"""The page that answers, for each of SCIE's recommendations, which fields of the standard
carry it and which checks ask for it (from ``coprod_standard.scie``)."""

from __future__ import annotations

from ..schemas import latest_version
from ..scie import RECOMMENDATIONS, SEED, VERSION
from .docs import GENERATED


def scie_page() -> str:
    schema = "schema.md" if VERSION == latest_version() else f"schema-{VERSION}.md"
    lines = [GENERATED, "# SCIE's recommendations in the standard", "",
             "SCIE's review *Co-production in adult social care: the impact and evaluation* "
             "(2022) makes eight recommendations, and three more for co-produced "
             "evaluation. For each, the fields of the standard (version "
             f"{VERSION}, see the [schema reference]({schema})) that carry it, and the "
             "[checks](checks.md) that ask for it when a file is validated. "
             f"Line numbers are those of the review's text (`{SEED}`).", ""]
    for rec in RECOMMENDATIONS:
        lines += [f"## {rec.key}: {rec.title}", "", f"> {rec.text} (line {rec.line})", "",
                  "Fields: " + ", ".join(f"`{f}`" for f in rec.fields) + ".", ""]
        if rec.checks:
            lines += ["Checks: " + ", ".join(f"[`{c}`](codes/{c}.md)" for c in rec.checks)
                      + ".", ""]
        else:
            lines += ["Checks: none; the field is free text.", ""]
        if rec.gap:
            lines += [f"Not yet: {rec.gap}", ""]
    return "\n".join(lines)
