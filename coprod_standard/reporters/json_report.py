"""The JSON report: every issue with code, severity, path, message and fix, for programs."""

from __future__ import annotations

import json

from .. import __version__
from ..readers.surrogates import mended
from ..report import Report


def render(reports: list[Report], **_options) -> str:
    document = {
        "tool": "coprod",
        "toolVersion": __version__,
        "valid": all(r.valid for r in reports),
        "files": [r.to_dict() for r in reports],
    }
    # valid Unicode whatever it holds (a file's name may not be): never a lone surrogate
    return mended(json.dumps(document, indent=2, ensure_ascii=False, default=str))
