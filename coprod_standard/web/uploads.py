"""Receiving an upload: streamed into the request's own temporary folder under a fixed
name (never the name the browser sent), within the size limit, which is enforced while
reading, whatever the request says its length is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

UPLOAD_NAME = "upload"  # the only name an upload is ever stored under
FORM_OVERHEAD = 64 * 1024  # room for the form's other fields and part headers
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class TooLarge(Exception):
    """The upload is larger than the limit."""


class BadUpload(Exception):
    """The request is not an upload we can use; the message says why, in plain words."""


@dataclass
class Upload:
    path: Path | None = None  # the file's bytes, if a file was sent
    filename: str = ""  # for display only: cleaned, never used as a path
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def display_name(raw: str | None) -> str:
    """The last part of a browser's file name, without control characters, kept short."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = _UNSAFE.sub("", name).strip()[:120]
    return name or "your file"


def _too_large_by_header(request, limit: int) -> None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge()


async def receive_form(request, folder: Path, limit: int) -> Upload:
    """Parse a multipart form: the field 'file' goes to FOLDER/upload; other fields (such
    as pasted JSON) are kept as text. Raises TooLarge or BadUpload."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise BadUpload("the form was not sent as a file upload (multipart/form-data)")
    _too_large_by_header(request, limit + FORM_OVERHEAD)
    upload = Upload()
    state: dict = {"headers": [], "field": b"", "value": b"", "name": None, "file": None,
                   "text": bytearray(), "total": 0}
    target = folder / UPLOAD_NAME

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"].append((state["field"].lower(), state["value"]))
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        disposition = dict(state["headers"]).get(b"content-disposition", b"")
        _, params = parse_options_header(disposition)
        name = params.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if name == "file" and b"filename" in params:
            raw = params[b"filename"].decode("utf-8", "replace")
            upload.filename = display_name(raw)
            state["file"] = target.open("wb") if raw else None
        state["headers"] = []

    def on_part_data(data, start, end):
        chunk = data[start:end]
        state["total"] += len(chunk)
        if state["total"] > limit:
            raise TooLarge()
        if state["file"] is not None:
            state["file"].write(chunk)
            upload.size += len(chunk)
        elif state["name"] != "file":
            state["text"] += chunk

    def on_part_end():
        if state["file"] is not None:
            state["file"].close()
            state["file"] = None
            upload.path = target if upload.size else None
        elif state["name"] and state["name"] != "file":
            upload.fields[state["name"]] = state["text"].decode("utf-8", "replace")
        state["text"] = bytearray()
        state["name"] = None

    parser = MultipartParser(options[b"boundary"], {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end})
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except TooLarge:
        raise
    except Exception as exc:  # a malformed form: the parser's own errors
        raise BadUpload("the upload was cut short or is not a well-formed form") from exc
    finally:
        if state["file"] is not None:
            state["file"].close()
    return upload


async def receive_body(request, folder: Path, limit: int) -> Upload:
    """A raw request body (the API's other way in) into FOLDER/upload."""
    _too_large_by_header(request, limit)
    target = folder / UPLOAD_NAME
    size = 0
    with target.open("wb") as stream:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise TooLarge()
            stream.write(chunk)
    if not size:
        raise BadUpload("the request had no file in it")
    return Upload(path=target, filename=display_name(request.query_params.get("name")),
                  size=size)
