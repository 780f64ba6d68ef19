"""The four principles evidenced, and an honest claim on the ladder of participation."""

from __future__ import annotations

import re
from functools import lru_cache

from ..codelists import find_codelist
from ..issues import Severity
from . import Context, Finding, check
from .data import demographic_counts, items, obj, rung, strings, text

W, E = Severity.WARNING, Severity.ERROR
PRINCIPLES = ("equality", "diversity", "accessibility", "reciprocity")
PLACEHOLDER = re.compile(r"^(n/?a|none|nil|tbc|tbd|yes|no|see above|-+|\.+|\?+)\.?$", re.I)
MIN_EVIDENCE = 30
SERVES_PRINCIPLES = "SCIE's four principles of co-production"


@check("principle-evidence-thin", title="Principle not really evidenced", severity=W,
       category="principles", serves=SERVES_PRINCIPLES,
       message="The evidence for {principle} is too short to show what was done ({length} "
               "characters).",
       fix="Describe in a sentence or two what was actually done for {principle}, for "
           "example who was reached, what was provided or how decisions were shared.",
       explanation="Each principle needs real evidence: at least 30 characters that say what "
                   "was done, not a placeholder such as 'n/a' or 'yes'.")
def principle_evidence_thin(ctx: Context):
    for name in PRINCIPLES:
        principle = obj(obj(ctx.data.get("principles")).get(name))
        evidence = text(principle, "evidence")
        if principle and (len(evidence) < MIN_EVIDENCE or PLACEHOLDER.match(evidence)):
            yield Finding(f"/principles/{name}/evidence",
                          {"principle": name, "length": len(evidence)})


@check("principle-practice-missing", title="No practice coded for a principle", severity=W,
       category="principles", serves=SERVES_PRINCIPLES,
       message="No {principle} practice is chosen from the list.",
       fix="Choose each {principle} practice the project used from its list: {codes}.",
       explanation="Coded practices make projects comparable: each principle should name at "
                   "least one practice from its codelist (for accessibility, the measures "
                   "taken, such as Easy Read or hybrid meetings).")
def principle_practice_missing(ctx: Context):
    for name in PRINCIPLES:
        principle = obj(obj(ctx.data.get("principles")).get(name))
        if principle and not strings(principle, "practices"):
            yield Finding(f"/principles/{name}/practices",
                          {"principle": name, "codes": _choices(ctx.version, name)})


@lru_cache(maxsize=64)
def _choices(version: str, principle: str) -> str:
    """A principle's practices as people read them: 'Easy Read (easy-read)', ... ('other'
    is left out: alone, it says nothing about what was done)."""
    codelist = find_codelist(version, f"{principle}-practice")
    codes = [c for c in (codelist.codes if codelist else ()) if c.code != "other"]
    return "; ".join(f"{c.title} ({c.code})" for c in codes)


@check("reciprocity-payment-missing", title="Payment for lived experience not stated",
       severity=W, category="principles",
       serves="SCIE's principle of reciprocity; SCIE recommendation 5 (remuneration)",
       message="The project does not say whether people with lived experience were paid or "
               "rewarded.",
       fix="Add {f[remuneration]} under reciprocity: whether people were paid, the hourly rate, "
           "expenses, and whether benefits advice was offered.",
       explanation="Reciprocity means people get something back. SCIE recommends resources "
                   "for remuneration of people with lived experience; the dataset should say "
                   "how they were paid or rewarded, even when the answer is 'not paid'.")
def reciprocity_payment_missing(ctx: Context):
    reciprocity = obj(obj(ctx.data.get("principles")).get("reciprocity"))
    if reciprocity and "remuneration" not in reciprocity:
        yield Finding("/principles/reciprocity/remuneration")


@check("diversity-demographics-missing", title="Who took part is not described", severity=W,
       category="principles", serves=SERVES_PRINCIPLES + "; SCIE recommendation 1",
       message="No participant group says who took part (ethnicity, age, sex or disability), "
               "and no reason is given.",
       fix="Add demographics to the participant groups (saying 'not-asked' where people were "
           "not asked), or give {f[demographicsNotCollectedReason]} under diversity.",
       explanation="Diversity can only be shown if the make-up of the groups is known. Missing "
                   "information must never be read as 'no diversity', so either describe the "
                   "groups or say why not.",
       cell="demographics")
def diversity_demographics_missing(ctx: Context):
    diversity = obj(obj(ctx.data.get("principles")).get("diversity"))
    if text(diversity, "demographicsNotCollectedReason"):
        return
    if not any(True for _ in demographic_counts(ctx.data)):
        yield Finding("/participantGroups")


SERVES_LADDER = ("Honest ladder claim: consultation alone is not co-production (SCIE 2022; "
                 "TLAP ladder of participation)")


@check("ladder-change-not-shown", title="Co-production claimed, change not shown", severity=E,
       category="principles", serves=SERVES_LADDER,
       message="The project claims {level}, but no activity at that level says what changed "
               "as a result.",
       fix="Add the activities where people designed or decided together, with "
           "{f[activities/whatChanged]}, or set the participation level to the rung the "
           "activities show.",
       explanation="A claim of co-design or co-production must be backed by at least one "
                   "activity at that level saying what was decided or done differently "
                   "because of it ('we said, we did').")
def ladder_change_not_shown(ctx: Context):
    level = ctx.data.get("participationLevel")
    if rung(level) < rung("co-design"):
        return
    shown = any(rung(a.get("participationLevel")) >= rung(level) and text(a, "whatChanged")
                for _, a in items(ctx.data, "activities"))
    if not shown:
        yield Finding("/participationLevel", {"level": level})


@check("ladder-power-not-shared", title="Co-production claimed, power not shared", severity=E,
       category="principles", serves=SERVES_LADDER,
       message="The project claims {level}, but no group with lived experience had shared or "
               "delegated decision rights.",
       fix="Record the decision rights each group really had, or set the participation level "
           "to the rung the decision rights show.",
       explanation="Sharing power and joint decision-making are at the heart of co-production. "
                   "A project at co-design or co-production needs at least one group with "
                   "lived experience whose decision rights were shared or delegated.",
       cell="decisionRights")
def ladder_power_not_shared(ctx: Context):
    level = ctx.data.get("participationLevel")
    if rung(level) < rung("co-design"):
        return
    if not any(g.get("livedExperience") is True and
               g.get("decisionRights") in ("shared", "delegated")
               for _, g in items(ctx.data, "participantGroups")):
        yield Finding("/participantGroups", {"level": level})


COPRODUCTION_WORD = re.compile(r"co-?produc", re.I)
# Words just before "co-production" that make it a denial or an aim, not a claim.
NOT_A_CLAIM = re.compile(r"(\bnot|n't|\bno|toward|towards|aim(?:s|ing)? to|hope(?:s|d)? to|"
                         r"plan(?:s|ned)? to|move to|moving to|journey to|rather than|"
                         r"instead of|before)\W+(?:\w+\W+){0,3}$", re.I)


@check("coproduction-claimed-below-co-design", title="Called co-production, below co-design",
       severity=W, category="principles", serves=SERVES_LADDER,
       message="The project's {where} calls it co-production, but its participation level is "
               "{level}.",
       fix="Describe the project in the words of its real level (for example consultation or "
           "engagement), or record the evidence that it reached co-production.",
       explanation="SCIE found a growing number of studies that use the word co-production "
                   "without involving the people who draw on services. A project below "
                   "co-design should not call itself co-production.")
def coproduction_claimed_below_co_design(ctx: Context):
    level = ctx.data.get("participationLevel")
    if rung(level) < 0 or rung(level) >= rung("co-design"):
        return
    for key in ("title", "description"):
        value = text(ctx.data, key)
        if any(not NOT_A_CLAIM.search(value[max(0, m.start() - 40):m.start()])
               for m in COPRODUCTION_WORD.finditer(value)):
            yield Finding(f"/{key}", {"where": key, "level": level})


@check("coercion-level", title="Recorded at the coercion level", severity=E,
       category="principles", serves=SERVES_LADDER,
       message="The project's participation level is coercion: people had no say at all.",
       fix="If people had some say, choose the level that describes it (educating, informing, "
           "consultation, engagement, co-design or co-production). If they had none, this is "
           "not a project to publish in this standard.",
       explanation="Coercion is the bottom of the ladder of participation: people attend, "
                   "but have no voice. It is on the ladder so that people can see where "
                   "participation starts, not as a level a published project can claim.")
def coercion_level(ctx: Context):
    if ctx.data.get("participationLevel") == "coercion":
        yield Finding("/participationLevel")
