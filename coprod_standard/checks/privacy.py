"""No personal data anywhere, free text and field names included. What is found is handed
to the validator with each finding (``Finding.personal``), which withholds it from every
report (see ``coprod_standard.withhold``); messages never repeat it."""

from __future__ import annotations

from typing import Any

from ..fields import field_at
from ..issues import Severity
from . import Context, Finding, check, free_text
from .data import spelt
from .personal_patterns import (
    BIRTH,
    DIALLED,
    EMAIL,
    FINDERS,
    INWARD_CODE,
    PHONE,
    POSTCODE,
    TEN_DIGITS,
    TITLE,
    about_birth,
    every,
    honorific_names,
    identity_key,
    nhs_numbers,
    number_is_personal,
)
from .record_text import RecordText

E, W = Severity.ERROR, Severity.WARNING
SERVES = "Privacy by design: datasets are about people who use social care"
FIX = ("Remove it from the dataset. Published data holds counts only; never a person's "
       "details, not even in free text. For a venue or a team, give the area or the "
       "organisation's website instead.")

def _own(ctx: Context):
    """The record's data; for the dataset's own details, without its projects (each project
    is checked on its own)."""
    if ctx.pointer == "" and isinstance(ctx.data, dict):
        return {k: v for k, v in ctx.data.items() if k != "projects"}
    return ctx.data


def _look(ctx: Context) -> RecordText:
    if ctx.texts is None:
        ctx.texts = RecordText(_own(ctx))
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
        if not look.passes(screen):
            return
        for where, value, params in look.places(screen, exempt):
            found = find(value)
            if found:
                yield Finding(where, params or {}, personal=tuple(found))
    return run


def personal_key(version: str, pointer: str) -> bool:
    """Whether the privacy checks report the field at POINTER, by its name, as an error: a
    field for a person's details that the standard does not have, or a name holding an
    e-mail address, a phone number and the like (a possible name is only a warning). Such a
    field is not also reported as merely unknown."""
    key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    if identity_key(key) and field_at(version, pointer) is None:
        return True
    return any(find(key) for find in FINDERS[:-1])


_scan("nhs-number", "an NHS number", "NHS number in the data", TEN_DIGITS, nhs_numbers)
_scan("uk-postcode", "a full postcode", "Full postcode in the data", INWARD_CODE,
      every(POSTCODE))
_scan("email-address", "an email address", "Email address in the data",
      lambda blob: "@" in blob, every(EMAIL), exempt=("/contactPoint/email",))
_scan("phone-number", "a phone number", "Phone number in the data", DIALLED, every(PHONE))
_scan("date-of-birth", "a date of birth", "Date of birth in the data", about_birth,
      every(BIRTH))


@check("personal-number", title="Number that looks like personal data", severity=E,
       category="privacy", serves=SERVES, scope="both",
       message="{title} ('{field}') holds a number that looks like {what}.",
       fix=FIX,
       explanation="An NHS number or a phone number typed into a spreadsheet cell becomes a "
                   "number (and a mobile number loses its leading 0), where the checks of "
                   "text would not see it. A whole number of ten digits whose NHS check digit "
                   "is right, or a mobile number without its 0 (7 and nine more digits, or "
                   "447 and nine more), is personal data wherever it is. The number is "
                   "never repeated, in the report, the cells shown around an issue, or "
                   "anywhere else.")
def personal_number(ctx: Context):
    for where, _, number in _look(ctx).numbers:
        what = number_is_personal(number)
        if what:
            yield Finding(spelt(where), {"what": what}, personal=(str(number),))


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
    if not TITLE(look.blob):
        return
    for where, value, params in look.places(TITLE):
        found = honorific_names(value)
        if found:
            yield Finding(where, params or {}, personal=tuple(found))


def _free_text_check(code: str, title: str, what: str, fix: str, explanation: str, screen,
                     spans, needs: str | None = None):
    """A warning at publish level for what SPANS (text, the names in it) matches in free
    text, in records that pass SCREEN (the record's joined text, and its words), in texts
    that could hold what it NEEDS (``RecordText.holding``); the matched text is personal
    data, never repeated."""
    @check(code, title=title, severity=W, category="privacy", serves=SERVES, scope="both",
           levels=("publish",),
           message="{title} ('{field}') contains what looks like " + what + ".",
           fix=fix, explanation=explanation + " The text found is never repeated, in the "
           "report or anywhere else.")
    def run(ctx: Context):
        look = _look(ctx)
        version = ctx.version
        if not screen(look.free_blob(version), look.words(version)):
            return
        holding = look.holding(needs, version) if needs else None
        named = look.holding("name", version)
        for where, value in look.free_texts(version):
            if holding is not None and value not in holding:
                continue
            if value not in look.names:  # found once, shared by the checks
                look.names[value] = free_text.names(value) if value in named else []
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


