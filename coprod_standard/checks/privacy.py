"""No personal data anywhere, free text included. Messages never repeat what was found."""

from __future__ import annotations

import re

from ..fields import field_at
from ..issues import Severity
from . import Context, Finding, check
from .data import walk_record

E, W = Severity.ERROR, Severity.WARNING
SERVES = "Privacy by design: datasets are about people who use social care"
FIX = ("Remove it from the dataset. Published data holds counts only; never a person's "
       "details, not even in free text. For a venue or a team, give the area or the "
       "organisation's website instead.")

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
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][a-z'-]+")
IDENTITY_KEY = re.compile(
    r"^(?:(?:first|last|full|given|family|sur|person|client|patient|service_?user)_?name|name|"
    r"e-?mail|phone|mobile|tel(?:ephone)?|dob|date_?of_?birth|birth_?date|nhs_?(?:no|number)?|"
    r"nino|national_?insurance(?:_?number)?|address|post_?code|zip)$", re.I)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number modulus 11 check on ten digits."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check_digit = 11 - total % 11
    check_digit = 0 if check_digit == 11 else check_digit
    return check_digit != 10 and check_digit == int(digits[9])


def _own(ctx: Context):
    """The record's data; for the dataset's own details, without its projects (each project
    is checked on its own)."""
    if ctx.pointer == "" and isinstance(ctx.data, dict):
        return {k: v for k, v in ctx.data.items() if k != "projects"}
    return ctx.data


def _walked(ctx: Context) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Every string and every key in the record, found in one pass and shared by all the
    privacy checks."""
    if ctx.texts is None:
        ctx.texts = walk_record(_own(ctx))
    return ctx.texts


def _texts(ctx: Context) -> list[tuple[str, str, str]]:
    return _walked(ctx)[0]


_DIGIT = re.compile(r"\d")


def _with_digits(value: str) -> bool:
    return _DIGIT.search(value) is not None


def _scan(name: str, what: str, title: str, found, exempt: tuple[str, ...] = (),
          may_hold=_with_digits):
    @check(name, title=title, severity=E, category="privacy",
           serves=SERVES, scope="both",
           message="{title} ('{field}') contains what looks like " + what + ".",
           fix=FIX,
           explanation=f"Published data must never contain {what}, in any field, free text "
                       "included. The value found is never repeated in the report.")
    def run(ctx: Context):
        for where, _, value in _texts(ctx):
            if may_hold(value) and where not in exempt and found(value):
                yield Finding(where)
    return run


def _has_nhs_number(value: str) -> bool:
    return any(nhs_number_valid("".join(m.groups())) for m in NHS_NUMBER.finditer(value))


_scan("nhs-number", "an NHS number", "NHS number in the data", _has_nhs_number)
_scan("uk-postcode", "a full postcode", "Full postcode in the data", POSTCODE.search)
_scan("email-address", "an email address", "Email address in the data", EMAIL.search,
      exempt=("/contactPoint/email",), may_hold=lambda value: "@" in value)
_scan("phone-number", "a phone number", "Phone number in the data", PHONE.search)
_scan("date-of-birth", "a date of birth", "Date of birth in the data", BIRTH.search)


@check("possible-person-name", title="Possible name of a person", severity=W,
       category="privacy", serves=SERVES, scope="both",
       message="{title} ('{field}') contains what looks like a person's name with a title "
               "such as Mr or Dr.",
       fix="Describe people by their role instead, for example 'a carer' or 'the facilitator'.",
       explanation="People should be described by role, never by name. A title followed by a "
                   "capitalised word (Mrs Patel, Dr Jones) looks like a name.")
def possible_person_name(ctx: Context):
    for where, _, value in _texts(ctx):
        for match in HONORIFIC.finditer(value):
            before = value[:match.start()].split()
            if before and before[-1][:1].isupper() and before[-1][-1:].isalpha():
                continue  # a title in Title Case ("Why Members Miss Meetings"), not a name
            yield Finding(where)
            break


@check("personal-data-field", title="Field for personal data", severity=E, category="privacy",
       serves=SERVES, scope="both",
       message="'{field}' looks like a field for a person's details, which the standard never "
               "holds.",
       fix="Remove the field and its values. Describe people only as counts in participant "
           "groups.",
       explanation="Fields such as name, email, phone, date of birth, NHS number or address "
                   "have no place in a published dataset, even if the standard's schema "
                   "would also reject them as unknown.")
def personal_data_field(ctx: Context):
    for where, key in _walked(ctx)[1]:
        if IDENTITY_KEY.match(key) and field_at(ctx.version, ctx.pointer + where) is None:
            yield Finding(where, {"field": key})
