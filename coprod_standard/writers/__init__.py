"""Writers: a dataset as JSON, an Excel workbook, CSV files (a folder or a zip), or a
Frictionless Data Package. Every writer writes to a temporary place first and moves the
result into place only when it is complete, so a failure never leaves half a file."""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from .csv_out import csv_texts, descriptor
from .xlsx_out import workbook_bytes

FORMATS = ("json", "xlsx", "csv", "csv-zip", "datapackage", "datapackage-zip")


def json_text(dataset: dict) -> str:
    return json.dumps(dataset, indent=2, ensure_ascii=False) + "\n"


def _members(dataset: dict, version: str, fmt: str) -> dict[str, bytes]:
    files = {name: text.encode("utf-8") for name, text in csv_texts(dataset, version).items()}
    if fmt.startswith("datapackage"):
        files["datapackage.json"] = json_text(descriptor(dataset, version)).encode("utf-8")
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def render(dataset: dict, version: str, fmt: str) -> bytes | dict[str, bytes]:
    """The bytes of a single-file format, or the files of a folder format."""
    if fmt == "json":
        return json_text(dataset).encode("utf-8")
    if fmt == "xlsx":
        return workbook_bytes(dataset, version)
    files = _members(dataset, version, fmt)
    return _zip(files) if fmt.endswith("zip") else files


def write(dataset: dict, version: str, fmt: str, out: Path) -> None:
    """Write atomically: into a temporary sibling first, then move into place."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    content = render(dataset, version, fmt)
    if isinstance(content, bytes):
        handle, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temp, out)
        return
    temp_dir = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        for name, data in content.items():
            (temp_dir / name).write_bytes(data)
        if out.exists():
            shutil.rmtree(out)
        os.replace(temp_dir, out)
    finally:
        if temp_dir.exists():
            shutil.rmtree(temp_dir)
