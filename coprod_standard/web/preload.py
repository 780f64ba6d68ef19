"""Imported once by the server process that checks are forked from (see ``checker``):
it loads the validator and warms it, checking a template workbook of each version and
making its downloads, so that every check starts with the schemas compiled and the
readers and writers loaded. Whatever goes wrong here, checks still run, only slower."""

from __future__ import annotations

import signal
import tempfile
import threading

from .outcome import check_upload
from .work import remove_work, server_folder


def warm() -> None:
    from ..schemas import version_names
    from ..writers.xlsx_out import workbook_bytes

    previous, folder = tempfile.tempdir, None
    main = threading.current_thread() is threading.main_thread()
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # the server's
    try:
        folder = server_folder()  # locked: if this process is killed, the next server
        tempfile.tempdir = str(folder)  # removes it; openpyxl spools in here
        for version in version_names():
            template = folder / "template"
            template.write_bytes(workbook_bytes(None, version))
            check_upload(template, "template.xlsx", level="publish", max_bytes=1 << 20)
    except Exception:  # noqa: BLE001, S110 - warming is only for speed
        pass
    finally:
        tempfile.tempdir = previous
        if main:
            signal.signal(signal.SIGINT, interrupt)
        if folder is not None:
            remove_work(folder, owned=True)


warm()
