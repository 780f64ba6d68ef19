"""The JSON report: every issue with code, severity, path, message and fix, for programs."""

from __future__ import annotations

import json

from .. import __version__
from ..report import Report


def render(reports: list[Report], **_options) -> str:
    document = {
        "tool": "coprod",
        "toolVersion": __version__,
        "valid": all(r.valid for r in reports),
        "files": [r.to_dict() for r in reports],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)
