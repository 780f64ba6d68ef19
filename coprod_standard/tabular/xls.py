"""Old-style Excel workbooks (.xls, Excel 97 to 2003), read by calamine into the same
sheets, rows and cell places as a workbook.

calamine (compiled) reserves memory from counts a file declares, and a failed reservation
aborts the process rather than raising. So an .xls file is read in a child process with a
ceiling on its memory and time: whatever the file does, this process gets its cells or a
plain message. The cells come back as a workbook reader gives them (``fast_workbook``).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource

from ..limits import Limits
from ..readers import unreadable
from .letters import WINDOWS_1900
from .ods import OdsTable

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File, as .xls (and .doc) are
HEADROOM = 2 * 1024 ** 3  # memory the child may take beyond what it starts with
SECONDS = 120
EPOCH = WINDOWS_1900  # calamine gives dates as dates; numbers count from Excel's 1900


def _memory() -> int:
    try:
        with open("/proc/self/statm") as stat:
            return int(stat.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _read(data: bytes, sender) -> None:
    """In the child: the sheets' rows, or the reason calamine gave."""
    try:
        used = _memory()
        if used:
            resource.setrlimit(resource.RLIMIT_AS, (used + HEADROOM, used + HEADROOM))
        from python_calamine import CalamineWorkbook

        from .fast_workbook import _grid_rows

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        tables = []
        for title in book.sheet_names:
            rows = []
            for number, cells in enumerate(_grid_rows(book.get_sheet_by_name(title)), 1):
                if any(c is not None for c in cells):
                    rows.append((number, cells, 1))
            tables.append(OdsTable(title, rows))
        sender.send(("ok", tables))
    except BaseException as exc:  # noqa: BLE001 - calamine's errors and panics alike
        sender.send(("error", str(exc)[:200]))
    finally:
        sender.close()


def xls_tables(data: bytes, name: str, limits: Limits) -> list[OdsTable]:
    """The sheets of an .xls file; ``Unreadable`` if it cannot be read."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        raise unreadable("damaged-file", name, reason=(
            "old-style .xls workbooks need python-calamine, which is not installed; "
            "save it as .xlsx or .ods")) from None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read, args=(data, sender), daemon=True)
    child.start()
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(SECONDS) else ("slow", "")
    except (EOFError, OSError):
        answer = ("died", "")
    finally:
        receiver.close()
        child.join(1)
        if child.is_alive():
            child.kill()
            child.join()
    kind, found = answer
    if kind == "ok":
        return found
    if kind == "error" and "password" in found.lower():
        reason = "it is protected with a password; save a copy without one"
    elif kind in ("died", "slow"):
        raise unreadable("unsafe-workbook", name, reason=(
            "reading it took more memory or time than any workbook of its size needs"))
    else:
        reason = ("it is not an Excel workbook this toolkit can read (a Word file, or a "
                  "damaged or very old workbook); open it in Excel or LibreOffice and save it "
                  "as .xlsx or .ods")
    raise unreadable("damaged-file", name, reason=reason)
