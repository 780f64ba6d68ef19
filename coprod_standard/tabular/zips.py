"""Zip files (workbooks, zips of CSV files, data packages), opened and read safely.

A zip says how big each part is, how it is compressed and where it lies; a damaged or
hostile one says it wrongly. Every zip is opened with ``open_zip``: the zip-bomb checks
come before anything is unpacked, and any error that opening raises becomes a plain
``Unreadable``. ``unpacked`` then reads every part through once, in blocks (so checking
each part's checksum), and anything that goes wrong while a part is read (a bad checksum,
corrupt or cut-short compressed data, an unknown compression method, a password, a part
that is missing) is turned by ``damaged`` into the same plain message. ``tidy`` says
whether the zip is laid out so plainly that every zip reader must see the same parts.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..limits import Limits
from ..readers import Unreadable, unreadable

DEEPEST = 64  # levels of XML nesting; a workbook's parts need about 10
BLOCK = 1 << 20
LONGEST_RUN = 4 * BLOCK  # bytes without a '<' before a block is cut anyway
LOCAL, END = b"PK\x03\x04", b"PK\x05\x06"
HARMLESS_EXTRAS = {0x000A, 0x000D, 0x5455, 0x5855, 0x7855, 0x7875, 0xCAFE}  # times, owners


class TooLarge(ValueError):
    """XML built to exhaust memory: nested too deep, or too many elements in one place."""


def opened(data: bytes | Path) -> BinaryIO | Path:
    """A file given as its bytes or its path, as zipfile and openpyxl take it."""
    return data if isinstance(data, Path) else io.BytesIO(data)


def part_name(part: str) -> str:
    """A part's name as a message shows it: printable, and not too long."""
    shown = "".join(c if c.isprintable() else "?" for c in part)
    return f"'{shown[:80]}…'" if len(shown) > 80 else f"'{shown}'"


def damaged(exc: BaseException, name: str, part: str = "") -> Unreadable:
    """The plain ``Unreadable`` for an error met while a zip or one of its parts was read."""
    if isinstance(exc, Unreadable):
        return exc
    text = str(exc).lower()
    where = f"the part {part_name(part)}" if part else "a part"
    if isinstance(exc, RuntimeError) and ("encrypt" in text or "password" in text):
        reason = f"{where} is protected with a password; save a copy without one"
    elif isinstance(exc, NotImplementedError):
        reason = f"{where} is compressed in a way this toolkit cannot unpack"
    elif "crc" in text:
        reason = f"{where} does not match the checksum recorded for it"
    elif isinstance(exc, KeyError):
        reason = "a part it lists is missing"
    elif isinstance(exc, zipfile.BadZipFile):
        reason = f"the zip's list of parts does not match {where}"
    else:
        reason = f"{where} is cut short or its compressed data is corrupt"
    return unreadable("damaged-file", name, reason=reason)


@contextmanager
def reading(name: str, part: str = "") -> Iterator[None]:
    """Any error raised inside, while zip parts are read, as a plain ``Unreadable``: a
    damaged or hostile zip raises BadZipFile (a bad checksum), zlib.error, EOFError,
    OSError or LZMAError (corrupt or cut-short data), NotImplementedError (a compression
    method Python lacks), RuntimeError (a password), KeyError (a missing part), ..."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged zip raises errors of many kinds
        raise damaged(exc, name, part) from None


def check_zip(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Refuse zip bombs before anything is decompressed."""
    entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise unreadable("unsafe-workbook", name, reason=f"it holds {len(entries)} files")
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_bytes:
        raise unreadable("unsafe-workbook", name,
                         reason=f"it would unpack to {Limits.describe_bytes(total)}")
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > limits.max_zip_ratio * max(
                entry.compress_size, 1):
            raise unreadable("unsafe-workbook", name,
                             reason="one of its parts is compressed suspiciously well, as "
                                    "in a zip bomb")


def open_zip(data: bytes | Path, name: str, limits: Limits, kind: str = "zip file"
             ) -> zipfile.ZipFile:
    """The zip, after the zip-bomb checks; ``Unreadable`` if it cannot be opened."""
    try:
        archive = zipfile.ZipFile(opened(data))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, NotImplementedError, ValueError, ...
        raise unreadable("damaged-file", name, reason=f"it is not a complete {kind}") \
            from None
    check_zip(archive, name, limits)
    return archive


def blocks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str
           ) -> Iterator[tuple[bytes, bool]]:
    """The part's bytes in blocks cut just before a '<', so that no XML tag is split (a '<'
    cannot appear inside a tag), each with False if it had to be cut elsewhere (a run of
    LONGEST_RUN bytes without a '<'). Reading it to the end checks its checksum; anything
    wrong with it raises a plain ``Unreadable``."""
    carry = b""
    with reading(name, entry.filename), archive.open(entry) as stream:
        while chunk := stream.read(BLOCK):
            cut = chunk.rfind(b"<")
            if cut < 0:
                carry += chunk
                if len(carry) >= LONGEST_RUN:
                    yield carry, False
                    carry = b""
                continue
            if carry or cut:
                yield carry + memoryview(chunk)[:cut], True  # one copy, not two
            carry = chunk[cut:]
    if carry:
        yield carry, True


def unpacked(archive: zipfile.ZipFile, name: str) -> None:
    """Every part read through once (its checksum checked): ``Unreadable`` if one is
    damaged, so that nothing read from the zip later can fail half-way."""
    for entry in archive.infolist():
        with reading(name, entry.filename), archive.open(entry) as stream:
            while stream.read(1 << 16):
                pass


def _plain_extras(extra: bytes) -> bool:
    """True if a part's extra fields are only those that say nothing about its name, size
    or place (times, owners), so that no zip reader can take its name or size from them."""
    while len(extra) >= 4:
        kind, size = struct.unpack_from("<HH", extra)
        if kind not in HARMLESS_EXTRAS:
            return False
        extra = extra[4 + size:]
    return not extra


def tidy(data: bytes, archive: zipfile.ZipFile) -> str | None:
    """Why another zip reader might see other parts in DATA than Python's does, or None:
    the parts must lie one after another from the first byte, each once, then the list of
    parts, then its end record, with nothing before, between or after (no comment, no
    ZIP64, no part named twice, no extra field that could rename a part)."""
    end = len(data) - 22
    if end < 0 or data[end:end + 4] != END:
        return "its zip directory is not at its very end"
    disks, first_disk, here, count, size, start = struct.unpack_from("<HHHHII", data, end + 4)
    entries = archive.infolist()
    if disks or first_disk or here != count or count != len(entries) or \
            start + size != end or start != archive.start_dir:
        return "its zip directory does not match its parts"
    if len({e.filename for e in entries}) != len(entries):
        return "two of its parts have the same name"
    position = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):
        if entry.header_offset != position or data[position:position + 4] != LOCAL or \
                position + 30 > start:
            return "its parts do not lie one after another"
        name_length, extra_length = struct.unpack_from("<HH", data, position + 26)
        local_extra = data[position + 30 + name_length:position + 30 + name_length
                           + extra_length]
        if not (_plain_extras(entry.extra) and _plain_extras(local_extra)):
            return "one of its parts has extra fields another zip reader may read otherwise"
        position += 30 + name_length + extra_length + entry.compress_size
        if entry.flag_bits & 8:  # sizes and checksum after the data, signed or not
            position += 16 if data[position:position + 4] == b"PK\x07\x08" else 12
    return None if position == start else "its parts do not lie one after another"
