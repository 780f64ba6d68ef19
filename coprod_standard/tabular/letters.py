"""Spreadsheet column letters and Excel date serials, without loading a spreadsheet library."""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOWS_1900 = datetime(1899, 12, 30)  # Excel's 1900 system, with its 1900 leap-year quirk
MAC_1904 = datetime(1904, 1, 1)


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def excel_date(serial: float, epoch: datetime | None = None) -> datetime:
    """The date and time an Excel serial number stands for, in either date system."""
    epoch = epoch or WINDOWS_1900
    if epoch.year == 1899 and serial < 60:  # Excel counts a 29 February 1900 that never was
        serial += 1
    return epoch + timedelta(days=serial)
