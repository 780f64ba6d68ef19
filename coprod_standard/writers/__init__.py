"""Writers: a dataset as JSON, an Excel workbook, an OpenDocument spreadsheet (.ods, made
from the same workbook), CSV files (a folder or a zip), a Frictionless Data Package, or
JSON-LD (linked data, see ``coprod_standard.linked``). Files are written through
``coprod_standard.output``: atomically, replacing only the toolkit's own files, with normal
permissions."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from ..output import (
    OutputRefused,
    check_file,
    check_folder,
    folder_output,
    stopping_cleanly,
    write_file,
)
from .csv_out import csv_texts, descriptor

FORMATS = ("json", "xlsx", "ods", "csv", "csv-zip", "datapackage", "datapackage-zip", "jsonld")


def json_bytes(dataset: dict) -> bytes:
    """Indented UTF-8 JSON; orjson is ten times faster than json for large datasets."""
    try:
        return orjson.dumps(dataset, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (TypeError, orjson.JSONEncodeError):  # e.g. an integer past 64 bits
        return (json.dumps(dataset, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_text(dataset: dict) -> str:
    return json_bytes(dataset).decode("utf-8")


def json_chunks(dataset: dict):
    """The same bytes as ``json_bytes``, one project at a time, so that writing a large
    dataset never holds its whole text in memory."""
    projects = dataset.get("projects")
    if not isinstance(projects, list) or not projects:
        yield json_bytes(dataset)
        return
    marker = "\u0000projects\u0000"
    outline = json_bytes({**dataset, "projects": [marker]})
    head, tail = outline.split(orjson.dumps(marker), 1)
    yield head
    for index, project in enumerate(projects):
        text = json_bytes(project).rstrip(b"\n").replace(b"\n", b"\n    ")
        yield text if index == 0 else b",\n    " + text
    yield tail


def _folder_files(dataset: dict, version: str, fmt: str) -> dict[str, bytes]:
    files = {name: text.encode("utf-8") for name, text in csv_texts(dataset, version).items()}
    if fmt.startswith("datapackage"):
        files["datapackage.json"] = json_text(descriptor(dataset, version)).encode("utf-8")
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip holding FILES (name -> bytes), compressed as a workbook's parts are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def render(dataset: dict, version: str, fmt: str) -> bytes | dict[str, bytes]:
    """The bytes of a single-file format, or the files of a folder format."""
    if fmt == "json":
        return b"".join(json_chunks(dataset))
    if fmt == "jsonld":
        from ..linked import linked

        return json_bytes(linked(dataset, version))
    if fmt == "xlsx":
        from .xlsx_out import workbook_bytes  # the spreadsheet library loads only if needed

        return workbook_bytes(dataset, version)
    if fmt == "ods":
        from .ods_out import workbook_ods

        return workbook_ods(dataset, version)
    files = _folder_files(dataset, version, fmt)
    return zip_bytes(files) if fmt.endswith("zip") else files


FOLDER_FORMATS = ("csv", "datapackage")


def members(version: str | None, fmt: str) -> list[str]:
    """The files a folder format writes: every table's file, always (a table with no rows
    keeps its heading row, so no table file of an earlier output is left stale), and for a
    data package its datapackage.json. With no VERSION, those of every version."""
    from ..schemas import version_names
    from ..tabular.rules import tables

    names = list(dict.fromkeys(t.file_name for v in ([version] if version else
                                                     version_names()) for t in tables(v)))
    return names + ["datapackage.json"] if fmt == "datapackage" else names


def check(target: str | os.PathLike, fmt: str, *, force: bool, inputs: Iterable[Any] = (),
          version: str | None = None) -> None:
    """Refuse (``OutputRefused``) to write FMT to TARGET where that would be wrong: see
    ``coprod_standard.output``. A CSV folder is read back as every CSV file in it, and a
    data package through its datapackage.json, so a CSV folder that holds files of ours
    this output does not write (another version's tables, a data package's descriptor) is
    refused: they would be read as part of it, and they are never deleted."""
    if fmt not in FOLDER_FORMATS:
        check_file(target, force=force, inputs=inputs)
        return
    own = members(version, fmt)
    check_folder(target, own, force=force, inputs=inputs)
    if fmt == "csv" and version:
        stale = [name for name in members(None, "datapackage") if name not in own
                 and (Path(target) / name).exists()]
        if stale:
            raise OutputRefused(
                f"'{target}' holds {', '.join(stale)}, which this version {version} output "
                "does not write and which would be read as part of it; move them away or "
                "write to another folder (nothing was written)")


def write(dataset: dict, version: str, fmt: str, out: str | os.PathLike, *,
          force: bool = False, inputs: Iterable[Any] = ()) -> None:
    """Write DATASET as FMT to OUT, atomically, replacing only files of ours (with FORCE);
    every other file in a folder output is left alone. Refuses as ``check`` says."""
    check(out, fmt, force=force, inputs=inputs, version=version)
    with stopping_cleanly():  # a workbook's rows are spooled into temporary files
        if fmt == "json":
            write_file(out, json_chunks(dataset))
            return
        content = render(dataset, version, fmt)
        if isinstance(content, bytes):
            write_file(out, content)
            return
        with folder_output(out) as staging:
            for name, data in content.items():
                staging.write(name, data)
