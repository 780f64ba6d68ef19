"""A synthetic dataset of a given number of table rows, for benchmarks (no real data)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

BASE = json.loads((Path(__file__).resolve().parent.parent / "examples" /
                   "minimal.json").read_text())


def project(n: int) -> dict:
    p = copy.deepcopy(BASE["projects"][0])
    p["id"] = f"GB-CHC-9990001-p{n}"
    p["participantGroups"] = [
        {"id": f"g{k}", "role": role, "count": 10 + 5 * k, "livedExperience": k < 2,
         "decisionRights": "shared", "description": "A group of people taking part."}
        for k, role in enumerate(["person-drawing-on-care", "unpaid-carer", "frontline-staff"])]
    p["outcomes"] = [{
        "id": f"o{k}", "title": "People feel less lonely", "resultLevel": "outcome",
        "domain": "social-connection", "direction": "positive", "forRoles": ["unpaid-carer"],
        "chosenBy": {"livedExperienceInvolved": True, "method": "co-selected"},
        "indicators": [{
            "id": f"o{k}-i", "title": "Loneliness (UCLA-3)", "instrument": "ucla-3",
            "scoreType": "ucla3-total", "unit": "points", "higherIsBetter": False,
            "reports": [
                {"id": f"o{k}-r{t}", "timepoint": tp,
                 "period": {"startDate": "2025-09-01", "endDate": "2025-10-31"},
                 "n": 40, "nExcluded": 5, "mean": 6.2 - t * 0.5, "sd": 1.4}
                for t, tp in enumerate(["baseline", "end"])]}]}
        for k in range(2)]
    return p


ROWS_PER_PROJECT = 1 + 3 + 2 + 2 + 4  # project, groups, outcomes, indicators, reports


def dataset(rows: int) -> dict:
    data = copy.deepcopy(BASE)
    data["projects"] = [project(n) for n in range(max(rows // ROWS_PER_PROJECT, 1))]
    return data
