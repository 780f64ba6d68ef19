"""Disclosure control for demographic breakdowns in which one category holds everyone.

"Disabled: 10, not disabled: 0" tells anyone who knows one member of the group that they
are disabled, though no cell is small. That is news only when the group's own description
does not already say it: everyone in "Deaf club" being disabled, or everyone in "South
Asian carers" being Asian, reveals nothing. The rule is kept modest: a category is implied
when a word for it appears in the group's identifier or description, in the seldom-heard
groups it names, or (for a group of people who draw on care, and the evaluated sample) in
the project's title, description, client groups or settings.
"""

from __future__ import annotations

import re

from ..issues import Severity
from . import Context, Finding, check
from .data import (
    SAMPLE,
    code,
    every_demographic_count,
    items,
    number,
    sample_size,
    strings,
    text,
)

W = Severity.WARNING
SERVES = ("Disclosure control: special category data (UK GDPR article 9) never revealed "
          "about every member of a group")
DIMENSIONS = {"ethnicity": ("ethnicity", "their ethnic group"),
              "religion": ("religion", "their religion"),
              "sexualOrientation": ("sexual orientation", "their sexual orientation"),
              "genderIdentity": ("gender identity", "their gender identity"),
              "disability": ("disability", "that they are disabled")}
# What a reader would assume of anyone, and answers that say nothing about a person.
UNREMARKABLE = {"white-british", "A", "straight-heterosexual", "same-as-sex-at-birth",
                "not-disabled", "not-stated", "not-known", "not-applicable", "Z", "99"}

DISABLED = (r"disab|deaf|blind|sight|visual(?:ly)? impair|hearing|wheelchair|dementia|"
            r"alzheimer|autis|neurodiver|learning difficult|mental (?:health|ill)|stroke|"
            r"brain injur|sensory|impair|long[- ]term (?:health )?condition|care home|"
            r"nursing home|with nursing|parkinson|multiple sclerosis|mobility")
ASIAN = r"asian|indian|pakistani|bangladeshi|bengali|punjabi|gujarati|tamil|kashmiri|chinese"
BLACK = r"black|african|caribbean|somali|nigerian|ghanaian|eritrean|windrush"
MINORITY = r"minority ethnic|ethnic minorit|bame|bme|global majority|multi-?ethnic"
GYPSY = r"gypsy|gypsies|traveller|roma\b|romany|romani"
LGB = r"lgb|gay|lesbian|bisexual|queer|pansexual|asexual"
TRANS = r"trans|non-?binary|lgbt|gender divers|gender queer|genderqueer"
FAITH = r"faith|religio|spiritual|church|mosque|synagogue|temple|gurdwara"
WORDS = {
    ("disability", "disabled"): DISABLED,
    ("religion", "christian"): r"christian|church|chapel|catholic|anglican|methodist|"
                               r"baptist|pentecostal|parish",
    ("religion", "muslim"): r"muslim|islam|mosque|masjid",
    ("religion", "jewish"): r"jewish|jew\b|synagogue|kosher",
    ("religion", "hindu"): r"hindu|mandir",
    ("religion", "sikh"): r"sikh|gurdwara|gurudwara|punjabi",
    ("religion", "buddhist"): r"buddhis",
    ("religion", "other-religion"): FAITH,
    ("religion", "no-religion"): r"humanis|secular|atheis|non-?religious",
}
for (_dimension, _code), _words in list(WORDS.items()):
    if _dimension == "religion" and _code != "no-religion":
        WORDS[(_dimension, _code)] = _words + r"|faith communit"
for _code in ("gay-lesbian", "bisexual", "pansexual", "asexual", "queer", "other"):
    WORDS[("sexualOrientation", _code)] = LGB
for _code in ("different-no-identity-given", "trans-woman", "trans-man", "non-binary", "other"):
    WORDS[("genderIdentity", _code)] = TRANS
ETHNIC = {"asian": ASIAN, "black": BLACK, "mixed": r"mixed|dual heritage",
          "white-irish": r"irish", "white-gypsy": GYPSY, "white-roma": GYPSY,
          "white-other": r"white|european|polish|" + GYPSY, "other-arab": r"arab|middle east"}
NHS_ETHNIC = {"B": "white-irish", "C": "white-other", "D": "mixed", "E": "mixed",
              "F": "mixed", "G": "mixed", "H": "asian", "J": "asian", "K": "asian",
              "L": "asian", "R": "asian", "M": "black", "N": "black", "P": "black"}
# What a seldom-heard group, a client group or a setting a project names tells of everyone.
NAMED = {"black-asian-minority-ethnic": "minority ethnic", "gypsy-roma-traveller": "gypsy",
         "lgbtq": "lgbt", "trans-non-binary": "trans", "faith-communities": "faith communities",
         "learning-disability": "disabled", "autistic-neurodivergent": "disabled",
         "deaf-bsl": "disabled", "sight-loss": "disabled", "dementia": "disabled",
         "mental-health": "disabled", "physical-support": "disabled",
         "sensory-support": "disabled", "memory-and-cognition": "disabled",
         "care-home": "disabled"}


def _pattern(dimension: str, answer: str) -> str | None:
    if dimension != "ethnicity":
        return WORDS.get((dimension, answer))
    answer = NHS_ETHNIC.get(answer, answer)
    found = next((words for prefix, words in ETHNIC.items() if answer.startswith(prefix)),
                 None)
    return MINORITY + ("|" + found if found else "")


def _described(project: dict, group: dict, sample: bool) -> str:
    """What is said of the people: the group's own words, and the project's where the
    group is of the people the project is for."""
    said = [code(group, "id") or "", text(group, "description"),
            *(NAMED.get(c, "") for c in strings(group, "seldomHeardGroups"))]
    if sample or code(group, "role") == "person-drawing-on-care":
        said += [text(project, "title"), text(project, "description"),
                 *(NAMED.get(c, "") for c in strings(project, "clientGroups")
                   + strings(project, "settings"))]
    return " ".join(said).lower().replace("-", " ").replace("_", " ")


def _everyone(block: dict, total: float | None) -> tuple[int, dict] | None:
    """The one cell holding everyone in a breakdown, if one does: every other cell shown
    as 0, none suppressed, and the cell as large as the group (where its size is known)."""
    cells = list(items(block, "counts"))
    if any(cell.get("suppressed") is True for _, cell in cells):
        return None
    full = [(i, cell) for i, cell in cells if (number(cell, "count") or 0) > 0]
    if len(full) != 1:
        return None
    count = number(full[0][1], "count")
    return full[0] if total is None or count == total else None


@check("one-category-holds-everyone", title="Everyone in the group is in one category",
       severity=W, category="disclosure", serves=SERVES,
       message="Everyone counted in this group's {dimension} breakdown is in one category, "
               "so it tells anyone who knows a member {what}.",
       fix="Leave this breakdown out (set its {f[askedStatus]} to 'not-published'), publish it "
           "only for a larger group, or, if the group is openly for people in this "
           "category, say so in the group's description.",
       explanation="Ethnicity, religion, sexual orientation, gender identity and disability "
                   "are special category data. When one category holds everyone in a "
                   "group, the breakdown reveals it about every member, however large the "
                   "count. It is not flagged when the group's identifier or description, the "
                   "seldom-heard groups it names or, for a group of people who draw on care "
                   "and the evaluated sample, the project's title, description, client groups "
                   "or settings already say it ('Deaf club' all disabled, 'South Asian "
                   "carers' all Asian, a care home's residents all disabled); nor for an "
                   "answer a reader would assume of anyone (White British, straight, the "
                   "same gender as registered at birth, not disabled) or one that says "
                   "nothing (not stated, not known). Sex is not checked: it is not special "
                   "category data and is seldom a secret in a group that meets.",
       cell="count")
def one_category_holds_everyone(ctx: Context):
    breakdowns = every_demographic_count(ctx.data)
    sample = sample_size(breakdowns)
    for where, group, dimension, block in breakdowns:
        in_sample = where.startswith(SAMPLE)
        if dimension not in DIMENSIONS or group.get("suppressed") is True:
            continue
        found = _everyone(block, sample if in_sample else number(group, "count"))
        answer = code(found[1], "code") if found else None
        if found is None or answer is None or answer in UNREMARKABLE:
            continue
        words = _pattern(dimension, answer)
        if words and re.search(rf"\b(?:{words})", _described(ctx.data, group, in_sample)):
            continue
        yield Finding(f"{where}/counts/{found[0]}", {"dimension": DIMENSIONS[dimension][0],
                                                        "what": DIMENSIONS[dimension][1]})
