"""Disclosure control for costs that describe a few people's pay (version 1.2).

A cost of pay shared by fewer people than the small-number threshold tells anyone who knows
who they are what each of them was paid. For people with lived experience that can touch
their benefits; for staff it is their salary, which is personal data.
"""

from __future__ import annotations

from ..issues import Severity
from . import Context, Finding, check
from .data import code, items, number

SERVES = ("Disclosure control: a cost of pay is published only for enough people that no "
          "one's pay can be told")
EXPLANATION = ("A cost of pay divided by the people it pays is what each was paid. Below "
               "the small-number threshold (8 under NHS Digital's rule, 10 under a threshold "
               "of 10) it tells anyone who knows who they are what they earned. In-kind time "
               "is not pay and is not checked.")


def _few_paid(ctx: Context, category: str):
    for index, cost in items(ctx.data, "costs"):
        paid = number(cost, "peoplePaid")
        if code(cost, "category") == category and cost.get("inKind") is not True and \
                paid is not None and 1 <= paid < ctx.settings.threshold:
            yield Finding(f"/costs/{index}/peoplePaid", {"threshold": ctx.settings.threshold})


@check("pay-of-few-people", title="Pay of a few people with lived experience",
       severity=Severity.ERROR, category="disclosure", serves=SERVES,
       message="This payment for lived experience is shared by fewer than {threshold} people, "
               "so it tells what each of them was paid.",
       fix="Publish it together with other payments so that it covers at least {threshold} "
           "people, or publish only the project's total costs.",
       explanation=EXPLANATION + " What someone with lived experience was paid can affect "
                   "their benefits, so this is an error.")
def pay_of_few_people(ctx: Context):
    yield from _few_paid(ctx, "lived-experience-remuneration")


@check("staff-pay-of-few-people", title="Pay of a few staff", severity=Severity.WARNING,
       category="disclosure", serves=SERVES,
       message="This cost of staff time pays fewer than {threshold} people, so it tells what "
               "each of them was paid.",
       fix="Publish it only with the agreement of the staff it pays, or together with other "
           "staff costs so that it covers at least {threshold} people.",
       explanation=EXPLANATION + " A member of staff's pay is personal data, though pay "
                   "for a role is often public (in a job advert, say), so this is a warning.")
def staff_pay_of_few_people(ctx: Context):
    yield from _few_paid(ctx, "staff-time")
