"""Hostile input, faults and limits (issue 11). Shared helpers for its tests."""

from __future__ import annotations

import io
import zipfile


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip holding MEMBERS (name -> bytes), compressed as a workbook or zip of CSV is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
