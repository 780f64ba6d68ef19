"""Instruments, 1.1 -> 1.2: the code ``ascot-carer`` always described the six-question
carer-reported quality of life score of ASCOF measure 1D (0 to 12), not the ASCOT-Carer
instrument (seven domains, four levels). In 1.2 that score has its own code,
``ascof-1d-carer-qol``, and ASCOT-Carer has ``ascot-carer-sct4``; 1.1 data keeps its
meaning under the new code."""

from __future__ import annotations

from typing import Any

from ..upgrade import Change, pointer

RENAMED = {
    "instrument": {"ascot-carer": "ascof-1d-carer-qol"},
    "scoreType": {"ascot-carer-total": "ascof-1d-carer-qol-total"},
}


def instrument_codes(data: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for p, project in enumerate(data.get("projects") or []):
        if not isinstance(project, dict):
            continue
        for o, outcome in enumerate(project.get("outcomes") or []):
            if not isinstance(outcome, dict):
                continue
            for i, indicator in enumerate(outcome.get("indicators") or []):
                if not isinstance(indicator, dict):
                    continue
                for key, renamed in RENAMED.items():
                    old = indicator.get(key)
                    if isinstance(old, str) and old in renamed:
                        indicator[key] = renamed[old]
                        changes.append(Change(
                            "changed", pointer("projects", p, "outcomes", o, "indicators", i,
                                               key),
                            f"'{old}' is the ASCOF 1D carer-reported quality of life score; "
                            f"in 1.2 its code is '{renamed[old]}' (ASCOT-Carer itself is "
                            "now 'ascot-carer-sct4')"))
    return changes
