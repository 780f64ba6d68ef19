"""Instruments (version 1.2 on): results set against the toolkit's instrument registry, so
that the same instrument is compared on the same terms. Silent on 1.0 and 1.1 data."""

from __future__ import annotations

from ..instruments.registry import for_version
from ..issues import Severity
from . import Context, Finding, check
from .data import code, indicators, number, obj, reports

W = Severity.WARNING
SERVES = ("Comparable evidence (SCIE 2022, the comparability of evidence): one meaningful-"
          "change threshold and one known version per instrument")
EARLIER = ("1.0", "1.1")


def _fmt(value: float) -> str:
    return f"{value:g}"


@check("threshold-differs-from-registry", title="Threshold differs from the instrument's",
       severity=W, category="evidence", serves=SERVES,
       message="The meaningful change set here ({given}) differs from {instrument}'s "
               "registered threshold ({registered}, {basis}). Comparisons across projects "
               "use {registered}.",
       fix="Use the registered threshold ({registered}) and work out the proportion "
           "improved with it, or keep yours and say why in the indicator's description: "
           "your proportion improved will not be compared with other projects'.",
       explanation="Each instrument in the registry states one meaningful-change threshold on "
                   "a stated basis (reliable change at 95% where it is known). A different "
                   "threshold makes 'proportion improved' incomparable even for the same "
                   "instrument, so the registry's value is the one comparisons use.")
def threshold_differs_from_registry(ctx: Context):
    if ctx.version in EARLIER:
        return
    known = for_version(ctx.version)
    for where, _, indicator in indicators(ctx.data):
        instrument = known.get(code(indicator, "instrument") or "")
        given = number(obj(indicator.get("meaningfulChange")), "value")
        if instrument is None or given is None:
            continue
        registered = instrument.threshold(code(indicator, "scoreType") or "")
        if registered is not None and given != registered:
            basis = instrument.meaningful_change.get("basis", "as published")
            yield Finding(f"{where}/meaningfulChange/value", {
                "given": _fmt(given), "instrument": instrument.title,
                "registered": _fmt(registered), "basis": basis.replace("-", " ")})


@check("instrument-version-unknown", title="Instrument version not recognised", severity=W,
       category="evidence", serves=SERVES,
       message="The instrument version '{given}' is not one of {instrument}'s versions: "
               "{known}.",
       fix="Give the version exactly as listed ({known}), or check the instrument.",
       explanation="Where an instrument has more than one version (PAM-13 and PAM-10), "
                   "scores from different versions are not the same measure; the version "
                   "must be one the registry knows so that results can be grouped by it.")
def instrument_version_unknown(ctx: Context):
    if ctx.version in EARLIER:
        return
    known = for_version(ctx.version)
    for where, _, indicator, report in reports(ctx.data):
        instrument = known.get(code(indicator, "instrument") or "")
        given = code(obj(report.get("administration")), "instrumentVersion")
        if instrument is None or not instrument.versions or given is None:
            continue
        if given not in instrument.versions:
            yield Finding(f"{where}/administration/instrumentVersion", {
                "given": given, "instrument": instrument.title,
                "known": ", ".join(instrument.versions)})
