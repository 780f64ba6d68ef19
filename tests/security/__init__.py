"""Hostile input, faults and limits (issue 11). Shared helpers for its tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from coprod_standard.writers import zip_bytes as zip_of  # noqa: F401 - for the tests


def with_part_changed(workbook: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one part's bytes put through CHANGE."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    return zip_of({item.filename: change(source.read(item)) if item.filename == part
                   else source.read(item) for item in source.infolist()})
