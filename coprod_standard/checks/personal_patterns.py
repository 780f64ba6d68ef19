"""What personal data looks like: the patterns the privacy checks find (``FINDERS``), the
cheap screens that pass text holding none of them, and the names of fields for a person's
details. Kept apart from the checks (``privacy``) and from how a record's text is gathered
(``record_text``)."""

from __future__ import annotations

import re
from functools import lru_cache

NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*")
DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\s+\d{{4}}|"
        rf"{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
BIRTH = re.compile(rf"(?:date\s+of\s+birth|\bd\.?o\.?b\b\.?|\bborn(?:\s+on)?)\W{{0,3}}{DATE}",
                   re.I)
# the whole surname, so that none of it is repeated: O'Brien, Yardley-Kemp, McDonald
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][a-z'-]+(?:[A-Z][a-z'-]+)*")
IDENTITY_KEY = re.compile(
    r"^(?:(?:first|last|full|given|family|sur|person|client|patient|service_?user)_?name|name|"
    r"e-?mail|phone|mobile|tel(?:ephone)?|dob|date_?of_?birth|birth_?date|nhs_?(?:no|number)?|"
    r"nino|national_?insurance(?:_?number)?|address|post_?code|zip)$", re.I)


@lru_cache(maxsize=4096)
def identity_key(key: str) -> bool:
    return isinstance(key, str) and IDENTITY_KEY.match(key) is not None


def nhs_number_valid(digits: str) -> bool:
    """The NHS number modulus 11 check on ten digits."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check_digit = 11 - total % 11
    check_digit = 0 if check_digit == 11 else check_digit
    return check_digit != 10 and check_digit == int(digits[9])


def number_is_personal(number: int) -> str | None:
    """What a whole number typed in (a spreadsheet drops the leading 0) looks like, if it
    looks like personal data: "an NHS number" (ten digits, its check digit right) or "a
    mobile phone number" (7 and nine more digits, or 447 and nine more); else None."""
    digits = str(abs(number))
    if nhs_number_valid(digits):
        return "an NHS number"
    if (len(digits) == 10 and digits[0] == "7") or (len(digits) == 12 and
                                                     digits.startswith("447")):
        return "a mobile phone number"
    return None


def nhs_numbers(value: str) -> list[str]:
    return [m.group(0) for m in NHS_NUMBER.finditer(value)
            if nhs_number_valid("".join(m.groups()))]


def every(pattern: re.Pattern):
    return lambda value: [m.group(0) for m in pattern.finditer(value)]


def honorific_names(value: str) -> list[str]:
    found = []
    for match in HONORIFIC.finditer(value):
        before = value[:match.start()].split()
        if before and before[-1][:1].isupper() and before[-1][-1:].isalpha():
            continue  # a title in Title Case ("Why Members Miss Meetings"), not a name
        found.append(match.group(0))
    return found


# Possible names last: they are the one warning among them (see personal_key)
FINDERS = (nhs_numbers, every(POSTCODE), every(EMAIL), every(PHONE), every(BIRTH),
           honorific_names)


def personal_values(text: str) -> list[str]:
    """Everything in TEXT that the privacy checks would flag as personal data."""
    return [value for find in FINDERS for value in find(text)]


# Screens: cheap patterns that match wherever the full ones could (each full pattern's
# match contains one of theirs), so that a record without a match needs nothing more.
TEN_DIGITS = re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{4}").search
INWARD_CODE = re.compile(r"\d[A-Za-z]{2}").search  # every full postcode ends in one
DIALLED = re.compile(r"[+0][\d(][\d\s()-]{8}").search
# TEN_DIGITS or DIALLED, in one pass (each branch is one of them, entered by its first
# character): neither matches anywhere before where this first does, so each of them is
# searched from there only (``RecordText.passes``), and not at all where this finds nothing.
LONG_NUMBER = re.compile(r"[+\d](?:(?<=\d)\d{2}[ -]?\d{3}[ -]?\d{4}"
                         r"|(?<=[+0])[\d(][\d\s()-]{8})").search
DOB = re.compile(r"d\.?o\.?b")
TITLE = re.compile(r"(?:Mrs?|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z]").search


def about_birth(blob: str) -> bool:
    low = blob.lower()
    return "birth" in low or "born" in low or DOB.search(low) is not None
