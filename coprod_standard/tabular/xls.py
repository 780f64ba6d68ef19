"""Old-style Excel workbooks (.xls, Excel 97 to 2003), read by calamine into the same
sheets, rows and cell places as a workbook.

calamine (compiled) reserves memory from counts a file declares, and a failed reservation
aborts the process rather than raising. So an .xls file is read in a forked child process
(plain ``os.fork``, which also works inside the web service's daemonic check process) with
a ceiling on its memory and time: whatever the file does, this process gets its cells or a
plain message. Where there is no fork (Windows), it is read in this process. The cells
come back as a workbook reader gives them (``fast_workbook``); the places of formula cells,
which calamine does not give, are found by ``xls_formulas``.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import time

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


def _quiet() -> None:
    """In the child: nothing on the terminal if calamine aborts (Rust's "memory allocation
    failed", Python's fault handler); the parent says what happened, plainly."""
    import faulthandler

    faulthandler.disable()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _ceiling() -> None:
    """In the child: at most HEADROOM more memory than it has (never above a ceiling the
    process already had, as a web check has)."""
    import resource

    used = _memory()
    if used:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        most = used + HEADROOM if hard == resource.RLIM_INFINITY else min(used + HEADROOM,
                                                                          hard)
        resource.setrlimit(resource.RLIMIT_AS, (most, hard))


def _tables(data: bytes) -> tuple[str, object]:
    """The sheets' rows, or the reason calamine gave."""
    try:
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
        return "ok", tables
    except MemoryError:
        return "died", ""
    except BaseException as exc:  # noqa: BLE001 - calamine's errors and panics alike
        return "error", str(exc)[:200]


def _in_child(data: bytes) -> tuple[str, object]:
    """``_tables`` in a forked child within HEADROOM more memory and SECONDS; ("died", "")
    or ("slow", "") when it did not finish. Where there is no fork (Windows), here."""
    if not hasattr(os, "fork"):
        return _tables(data)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            _quiet()
            _ceiling()
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(_tables(data)))
        finally:
            os._exit(0)
    os.close(write_end)
    chunks, deadline, answer = [], time.monotonic() + SECONDS, None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                answer = ("slow", "")
                break
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if answer is None:
        try:
            answer = pickle.loads(b"".join(chunks))  # noqa: S301 - our own child's answer
        except Exception:  # noqa: BLE001 - it died before it said all
            answer = ("died", "")
    return answer


def xls_tables(data: bytes, name: str, limits: Limits) -> list[OdsTable]:
    """The sheets of an .xls file; ``Unreadable`` if it cannot be read."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        raise unreadable("damaged-file", name, reason=(
            "old-style .xls workbooks need python-calamine, which is not installed; "
            "save it as .xlsx or .ods")) from None
    kind, found = _in_child(data)
    if kind == "ok":
        from .xls_formulas import formula_cells

        formulas = formula_cells(data)  # calamine gives only their values
        for table in found:
            table.formulas, table.formula_count = formulas.get(table.name, ([], 0))
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
