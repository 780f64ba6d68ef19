"""Receiving an upload: streamed into the request's own temporary folder under a fixed
name (never the name the browser sent), within the size limit, which is enforced while
reading, whatever the request says its length is. Every byte of the request's body counts
(a form's part headers and fields too), a form may have only a few parts with short
headers, and the body must arrive within a deadline and at a minimum rate."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from .config import KB, WebConfig, size_words
from .refusals import NOTHING_KEPT, BadUpload, TooLarge, TooSlow, seconds_words

UPLOAD_NAME = "upload"  # the only name an upload is ever stored under
FORM_OVERHEAD = 64 * KB  # room for the form's other fields and part headers
MAX_PARTS = 8  # the form has three fields: file, json, level
MAX_PART_HEADERS = 8 * KB  # the headers of one part, in all
RATE_GRACE = 10  # seconds before the minimum rate applies
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")

__all__ = ["BadUpload", "TooLarge", "TooSlow", "receive_body", "receive_form"]


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


def _too_large(config: WebConfig) -> TooLarge:
    return TooLarge(f"The file is larger than this service's limit of {config.limit_words}.")


async def _body(request, config: WebConfig, most: int) -> AsyncIterator[bytes]:
    """The request's body, chunk by chunk: at most MOST bytes in all, all of it within
    the upload deadline and, after a grace period, at the minimum average rate."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise _too_large(config)
    start = time.monotonic()
    received = 0
    chunks = request.stream().__aiter__()
    while True:
        by = min(config.upload_seconds, RATE_GRACE + received / config.min_upload_rate)
        try:
            async with asyncio.timeout(start + by - time.monotonic()):
                chunk = await anext(chunks)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise TooSlow(
                f"The file did not arrive within {seconds_words(config.upload_seconds)}, or "
                f"came more slowly than {size_words(config.min_upload_rate)} a second: this "
                f"service's limits. {NOTHING_KEPT}") from None
        received += len(chunk)
        if received > most:
            raise _too_large(config)
        yield chunk


async def receive_form(request, folder: Path, config: WebConfig) -> Upload:
    """Parse a multipart form: the field 'file' goes to FOLDER/upload; other fields (such
    as pasted JSON) are kept as text. Raises TooLarge, TooSlow or BadUpload."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise BadUpload("the form was not sent as a file upload (multipart/form-data)")
    limit = config.max_upload_bytes
    upload = Upload()
    state: dict = {"headers": [], "field": b"", "value": b"", "name": None, "file": None,
                   "text": bytearray(), "total": 0, "parts": 0, "header_bytes": 0}
    target = folder / UPLOAD_NAME

    def count_header(size: int) -> None:
        state["header_bytes"] += size
        if state["header_bytes"] > MAX_PART_HEADERS:
            raise TooLarge(f"A part of the form has headers longer than this service takes "
                           f"({size_words(MAX_PART_HEADERS)}).")

    def on_part_begin():
        state["parts"] += 1
        state["header_bytes"] = 0
        if state["parts"] > MAX_PARTS:
            raise TooLarge(f"The form has more parts than this service takes ({MAX_PARTS}).")

    def on_header_field(data, start, end):
        count_header(end - start)
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        count_header(end - start)
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
            raise _too_large(config)
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
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end})
    try:
        async for chunk in _body(request, config, limit + FORM_OVERHEAD):
            parser.write(chunk)
        parser.finalize()
    except (TooLarge, TooSlow):
        raise
    except Exception as exc:  # a malformed form: the parser's own errors
        raise BadUpload("the upload was cut short or is not a well-formed form") from exc
    finally:
        if state["file"] is not None:
            state["file"].close()
    return upload


async def receive_body(request, folder: Path, config: WebConfig) -> Upload:
    """A raw request body (the API's other way in) into FOLDER/upload."""
    target = folder / UPLOAD_NAME
    size = 0
    with target.open("wb") as stream:
        async for chunk in _body(request, config, config.max_upload_bytes):
            size += len(chunk)
            stream.write(chunk)
    if not size:
        raise BadUpload("the request had no file in it")
    return Upload(path=target, filename=display_name(request.query_params.get("name")),
                  size=size)
