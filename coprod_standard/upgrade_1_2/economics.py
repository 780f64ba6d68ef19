"""Economic estimates, 1.1 -> 1.2: a saving or cost avoided below zero is an additional cost.

Version 1.2 adds the type ``additional-cost`` and asks for savings as positive amounts, so
that extra spending and savings are shown apart (SCIE: co-production may raise some costs
while it lowers others). A 1.1 estimate of type ``cashable-saving`` or ``cost-avoidance``
with a negative value is restated as an additional cost of the same amount, positive. The
fields new in 1.2 (price year, perspective, discount rate, displacement, low and high
values, period; a cost's price year, funder and purpose) are optional: nothing else moves.
"""

from __future__ import annotations

from typing import Any

from ..upgrade import Change, pointer

SAVINGS = ("cashable-saving", "cost-avoidance")


def negative_savings(data: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for p, project in enumerate(data.get("projects") or []):
        if not isinstance(project, dict):
            continue
        for e, estimate in enumerate(project.get("economicEstimates") or []):
            if not isinstance(estimate, dict) or estimate.get("type") not in SAVINGS:
                continue
            value = estimate.get("valueGBP")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value >= 0:
                continue
            was = estimate["type"]
            estimate["type"] = "additional-cost"
            estimate["valueGBP"] = -value
            base = pointer("projects", p, "economicEstimates", e)
            changes.append(Change("changed", f"{base}/type", f"a {was} below zero is an "
                                  "additional cost in 1.2: the type is now additional-cost"))
            changes.append(Change("changed", f"{base}/valueGBP", f"{value} is now {-value}: "
                                  "an additional cost is given as a positive amount"))
    return changes
