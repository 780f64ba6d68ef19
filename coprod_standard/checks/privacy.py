"""No personal data anywhere, free text and field names included. What is found is handed
to the validator with each finding (``Finding.personal``), which withholds it from every
report (see ``coprod_standard.withhold``); messages never repeat it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..fields import field_at
from ..issues import Severity
from . import Context, Finding, check, free_text
from .data import spelt, walk_record

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
# the whole surname, so that none of it is repeated: O'Brien, Yardley-Kemp, McDonald
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][a-z'-]+(?:[A-Z][a-z'-]+)*")
IDENTITY_KEY = re.compile(
    r"^(?:(?:first|last|full|given|family|sur|person|client|patient|service_?user)_?name|name|"
    r"e-?mail|phone|mobile|tel(?:ephone)?|dob|date_?of_?birth|birth_?date|nhs_?(?:no|number)?|"
    r"nino|national_?insurance(?:_?number)?|address|post_?code|zip)$", re.I)


# Keys seen that hold nothing personal and are not like "email": most records hold no other
_PLAIN_KEYS: set[str] = set()


@lru_cache(maxsize=4096)
def _identity_key(key: str) -> bool:
    return isinstance(key, str) and IDENTITY_KEY.match(key) is not None


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


class _Look:
    """What the privacy checks need of one record, worked out once and shared: all its text
    joined into one string (so that each pattern is searched once, in C, and records with
    nothing like personal data are passed quickly) and its distinct keys. Keys not known
    to be plain join the text, as they may hold personal data too. Where each text sits is
    worked out only when a pattern is found."""

    __slots__ = ("data", "blob", "identity", "_walk", "names", "_words", "_free", "_could")

    def __init__(self, data) -> None:
        texts: list[str] = []
        self.identity: list[tuple[str, str, Any]] = []  # (pointer, key, value): "email"...
        stack: list[tuple[Any, tuple | None]] = [(data, None)]
        while stack:
            node, path = stack.pop()
            if type(node) is dict:
                if node.keys() - _PLAIN_KEYS:
                    self._note_keys(node, path, texts)
                members = node.items()
            elif type(node) is list:
                members = enumerate(node)
            else:
                if isinstance(node, str):
                    texts.append(node)
                continue
            for key, value in members:
                if type(value) is str:
                    texts.append(value)
                elif isinstance(value, (dict, list)):
                    stack.append((value, (path, key)))
        # NUL between texts: to every pattern here it is a boundary, like a text's own ends
        self.data, self.blob, self._walk = data, "\x00".join(texts), None
        self.names: dict[str, list[tuple[int, int]]] = {}  # free text -> names found in it
        self._words: list[str] | None = None
        self._free: list[tuple[tuple | None, str]] | None = None
        self._could: dict[str, frozenset[str]] = {}

    def _note_keys(self, node: dict, path: tuple | None, texts: list[str]) -> None:
        for key in node:
            if key in _PLAIN_KEYS or not isinstance(key, str):
                continue
            texts.append(key)
            if _identity_key(key):
                self.identity.append((spelt((path, key)), key, node[key]))
            elif len(_PLAIN_KEYS) < 100_000 and not personal_values(key):
                _PLAIN_KEYS.add(key)

    def words(self) -> list[str]:
        """The words of all the record's text, split once for the free-text screens."""
        if self._words is None:
            self._words = free_text.words(self.blob)
        return self._words

    def free_texts(self, version: str) -> list[tuple[tuple | None, str]]:
        """Each free text (where, as a chain of steps: see ``data.walk_record``; text)."""
        if self._free is None:
            self._free = list(_free_texts(self, version))
        return self._free

    def could_hold(self, what: str, value: str) -> bool:
        """Whether the text VALUE could hold a given name (WHAT "name") or a health word
        ("health"): it must contain one of those the record's joined text holds (the
        screens of ``free_text.names`` and ``free_text.health``, for the whole record at
        once, so most texts are passed over with a few substring tests)."""
        if what not in self._could:
            self._could[what] = free_text.name_words(self.blob) if what == "name" else \
                free_text.HEALTH_SCREEN.intersection(self.words())
        return any(word in value for word in self._could[what])

    def walk(self) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
        if self._walk is None:
            self._walk = walk_record(self.data)
        return self._walk

    def places(self, screen, exempt: tuple[str, ...] = ()):
        """Each text (pointer, text, None) and each key not known to be plain (pointer,
        key, the parameters that say it is a field's name) that passes SCREEN; texts at
        the pointers EXEMPT are left out. Pointers are spelt only for those."""
        texts, keys = self.walk()
        for where, _, value in texts:
            if screen(value):
                pointer = spelt(where)
                if pointer not in exempt:
                    yield pointer, value, None
        for where, key in keys:
            if key not in _PLAIN_KEYS and screen(key):
                yield spelt(where), key, KEY


KEY = {"title": "The name of a field"}


def _look(ctx: Context) -> _Look:
    if ctx.texts is None:
        ctx.texts = _Look(_own(ctx))
    return ctx.texts


def _scan(name: str, what: str, title: str, screen, find, exempt: tuple[str, ...] = ()):
    """A check that FIND (the matches in one text) is always empty; SCREEN, true of any
    text that could hold one (and so of the joined text of any record that could), passes
    the rest quickly."""

    @check(name, title=title, severity=E, category="privacy",
           serves=SERVES, scope="both",
           message="{title} ('{field}') contains what looks like " + what + ".",
           fix=FIX,
           explanation=f"Published data must never contain {what}, in any field or field "
                       "name, free text included. The value found is never repeated, in "
                       "the report or anywhere else.")
    def run(ctx: Context):
        look = _look(ctx)
        if not screen(look.blob):
            return
        for where, value, params in look.places(screen, exempt):
            found = find(value)
            if found:
                yield Finding(where, params or {}, personal=tuple(found))
    return run


def _nhs_numbers(value: str) -> list[str]:
    return [m.group(0) for m in NHS_NUMBER.finditer(value)
            if nhs_number_valid("".join(m.groups()))]


def _all(pattern: re.Pattern):
    return lambda value: [m.group(0) for m in pattern.finditer(value)]


def _names(value: str) -> list[str]:
    found = []
    for match in HONORIFIC.finditer(value):
        before = value[:match.start()].split()
        if before and before[-1][:1].isupper() and before[-1][-1:].isalpha():
            continue  # a title in Title Case ("Why Members Miss Meetings"), not a name
        found.append(match.group(0))
    return found


# Possible names last: they are the one warning among them (see personal_key)
FINDERS = (_nhs_numbers, _all(POSTCODE), _all(EMAIL), _all(PHONE), _all(BIRTH), _names)


def personal_values(text: str) -> list[str]:
    """Everything in TEXT that the privacy checks would flag as personal data."""
    return [value for find in FINDERS for value in find(text)]


def personal_key(version: str, pointer: str) -> bool:
    """Whether the privacy checks report the field at POINTER, by its name, as an error: a
    field for a person's details that the standard does not have, or a name holding an
    e-mail address, a phone number and the like (a possible name is only a warning). Such a
    field is not also reported as merely unknown."""
    key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    if _identity_key(key) and field_at(version, pointer) is None:
        return True
    return any(find(key) for find in FINDERS[:-1])


# Screens: cheap patterns that match wherever the full ones could (each full pattern's
# match contains one of theirs), so that a record without a match needs nothing more.
_TEN_DIGITS = re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{4}").search
_INWARD_CODE = re.compile(r"\d[A-Za-z]{2}").search  # every full postcode ends in one
_DIALLED = re.compile(r"[+0][\d(][\d\s()-]{8}").search
_DOB = re.compile(r"d\.?o\.?b")
_TITLE = re.compile(r"(?:Mrs?|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z]").search


def _about_birth(blob: str) -> bool:
    low = blob.lower()
    return "birth" in low or "born" in low or _DOB.search(low) is not None


_scan("nhs-number", "an NHS number", "NHS number in the data", _TEN_DIGITS, _nhs_numbers)
_scan("uk-postcode", "a full postcode", "Full postcode in the data", _INWARD_CODE,
      _all(POSTCODE))
_scan("email-address", "an email address", "Email address in the data",
      lambda blob: "@" in blob, _all(EMAIL), exempt=("/contactPoint/email",))
_scan("phone-number", "a phone number", "Phone number in the data", _DIALLED, _all(PHONE))
_scan("date-of-birth", "a date of birth", "Date of birth in the data", _about_birth,
      _all(BIRTH))


@check("possible-person-name", title="Possible name of a person", severity=W,
       category="privacy", serves=SERVES, scope="both",
       message="{title} ('{field}') contains what looks like a person's name with a title "
               "such as Mr or Dr.",
       fix="Describe people by their role instead, for example 'a carer' or 'the facilitator'.",
       explanation="People should be described by role, never by name. A title followed by a "
                   "capitalised word (Mrs Patel, Dr Jones) looks like a name. The name is "
                   "never repeated, in the report or anywhere else.")
def possible_person_name(ctx: Context):
    look = _look(ctx)
    if not _TITLE(look.blob):
        return
    for where, value, params in look.places(_TITLE):
        found = _names(value)
        if found:
            yield Finding(where, params or {}, personal=tuple(found))


# Fields whose text is not about people: names of organisations and instruments, units,
# and references to published sources (whose authors' names are public)
NOT_FREE_TEXT = frozenset({"name", "unit", "reference", "source", "valuesSource",
                           "valuesLicence", "licensor", "id", "url", "email"})
def _free_texts(look: _Look, version: str):
    """Each free text of the record (where, text): prose, not codes, codes' titles
    ("White: Irish" typed for a code) or names of bodies."""
    texts, _ = look.walk()
    titles = _code_titles(version)
    for where, key, value in texts:
        if " " in value and key not in NOT_FREE_TEXT and value.casefold() not in titles:
            yield where, value


@lru_cache(maxsize=8)
def _code_titles(version: str) -> frozenset[str]:
    from ..codelists import load_codelists

    try:
        lists = load_codelists(version).values()
    except KeyError:  # an unknown version: no titles to pass over
        return frozenset()
    return frozenset(code.title.casefold() for codelist in lists for code in codelist.codes)


def _free_text_check(code: str, title: str, what: str, fix: str, explanation: str, screen,
                     spans, needs: str | None = None):
    """A warning at publish level for what SPANS (text, the names in it) matches in free
    text, in records that pass SCREEN (the record's joined text, and its words), in texts
    that could hold what it NEEDS (``_Look.could_hold``); the matched text is personal
    data, never repeated."""
    @check(code, title=title, severity=W, category="privacy", serves=SERVES, scope="both",
           levels=("publish",),
           message="{title} ('{field}') contains what looks like " + what + ".",
           fix=fix, explanation=explanation + " The text found is never repeated, in the "
           "report or anywhere else.")
    def run(ctx: Context):
        look = _look(ctx)
        if not screen(look.blob, look.words()):
            return
        for where, value in look.free_texts(ctx.version):
            if needs and not look.could_hold(needs, value):
                continue
            if value not in look.names:  # found once, shared by the checks
                look.names[value] = free_text.names(value) if look.could_hold(
                    "name", value) else []
            found = spans(value, look.names[value])
            if found:
                yield Finding(spelt(where), {}, personal=tuple(value[a:b] for a, b in found))
    return run


_free_text_check(
    "possible-name-in-text", "Possible name of a person in free text", "a person's name",
    "Describe people by their role instead, for example 'a carer' or 'a member of the "
    "steering group'. If it is not a person (a place, a building or an organisation), "
    "leave it: this is a warning.",
    "People should be described by role, never by name, even without a title. A given "
    "name (from a list of given names) followed by a surname, or in a sentence that says "
    "what a person did or said, looks like a name; places and organisations named after "
    "people (Victoria Park, Marie Curie) are left alone.",
    free_text.mentions_name, lambda value, names: names, needs="name")
_free_text_check(
    "attributed-quote", "Quote attributed to a person", "a quote attributed to a person",
    "Quote people without saying who they are: give no name, age or detail that picks "
    "one person out, for example 'members said the group was a lifeline'.",
    "A quote with a name, an age or a role that picks out one person (\"I feel less alone "
    "now,\" said Margaret; a quote signed \u2014 Jim, 72; as one carer, Priya, put it) can "
    "identify them to anyone who knows the group, and repeats what they said in "
    "confidence.",
    lambda blob, _: free_text.mentions_quote(blob),
    lambda value, names: free_text.quotes(value))
_free_text_check(
    "health-detail-about-person", "Health or offence detail about one person",
    "a health or offence detail about one named or singled-out person",
    "Remove the detail, or give it only for the group as a whole (for example 'members "
    "live with long-term conditions'), never for one person.",
    "Health and criminal offence data are special categories under UK GDPR. A condition, "
    "treatment, conviction or prison sentence told of one person, named or picked out "
    "(\"Tom, who has schizophrenia\"; \"one member, recently released from prison\"; "
    "\"the only wheelchair user in the group had a stroke\"), identifies them to anyone "
    "who knows the group.",
    free_text.mentions_health, free_text.health, needs="health")


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
    for where, key, value in _look(ctx).identity:
        if field_at(ctx.version, ctx.pointer + where) is None:
            yield Finding(where, {"field": key}, personal=_texts_in(value), whole=True)


def _texts_in(value: Any) -> tuple[str, ...]:
    """Every text in a value, numbers written out: a phone number may be given as one."""
    if isinstance(value, dict):
        return tuple(t for v in value.values() for t in _texts_in(v))
    if isinstance(value, list):
        return tuple(t for v in value for t in _texts_in(v))
    if isinstance(value, bool) or value is None:
        return ()
    return (str(value),)


