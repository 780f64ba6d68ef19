"""Lock files that spreadsheet programs leave beside an open workbook: Excel's
``~$name.xlsx`` and LibreOffice's ``.~lock.name.xlsx#``. They are not data; wherever files
are gathered (``validate *.xlsx``, a folder given to ``combine`` or ``convert``) they are
skipped with a note, and one given on its own is unreadable, with the reason."""

from __future__ import annotations

import os
from pathlib import PurePath

from .issues import IssueType, Severity, register

register(IssueType(
    "lock-file", "A spreadsheet's lock file", Severity.ERROR, "reading",
    "Excel (a file named ~$name.xlsx) and LibreOffice (.~lock.name.xlsx#) make a small lock "
    "file beside a workbook while it is open, and remove it when the workbook is closed. "
    "It holds no data.",
    "{file} is not a workbook but a lock file, which {program} makes while {workbook} is "
    "open; it holds no data.",
    "Check {workbook} itself (close it in {program} first if it has unsaved changes).",
    unreadable=True))


def lock_file(path: str | os.PathLike) -> tuple[str, str] | None:
    """(the program, the workbook's name) if PATH is a spreadsheet program's lock file."""
    name = PurePath(os.fsdecode(path)).name
    if name.startswith("~$") and len(name) > 2:
        return "Excel", name[2:]
    if name.startswith(".~lock.") and name.endswith("#") and len(name) > 8:
        return "LibreOffice", name[7:-1]
    return None


def note(path: str | os.PathLike) -> str:
    """The sentence said when a lock file is skipped."""
    program, workbook = lock_file(path) or ("a spreadsheet program", "its workbook")
    return (f"Skipped {os.fsdecode(path)}: a lock file {program} makes while {workbook} is "
            "open, not a workbook.")


def without_locks(paths: list, notes: list[str] | None = None) -> list:
    """PATHS without lock files; a note for each one left out is added to NOTES."""
    kept = []
    for path in paths:
        if lock_file(path):
            if notes is not None:
                notes.append(note(path))
        else:
            kept.append(path)
    return kept
