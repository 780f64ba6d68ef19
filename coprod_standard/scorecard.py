"""The principles scorecard: for each project and principle, met, partly met or not
evidenced, said positively where it is met."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .checks.data import demographic_counts, obj, strings, text
from .checks.principles import MIN_EVIDENCE, PLACEHOLDER, PRINCIPLES
from .codelists import find_codelist

MET, PARTLY, NOT_EVIDENCED = "met", "partly met", "not evidenced"
CODELISTS = {p: f"{p}-practice" for p in PRINCIPLES}


@dataclass(frozen=True)
class PrincipleResult:
    principle: str
    status: str
    summary: str

    def to_dict(self) -> dict[str, str]:
        return {"principle": self.principle, "status": self.status, "summary": self.summary}


_SHARED: dict[tuple[str, str, str], PrincipleResult] = {}


def _result(principle: str, status: str, summary: str) -> PrincipleResult:
    """One shared object for each distinct result: a file of many similar projects keeps
    a handful of them, not four for every project."""
    key = (principle, status, summary)
    found = _SHARED.get(key)
    if found is None:
        found = PrincipleResult(*key)
        if len(_SHARED) < 10_000:
            _SHARED[key] = found
    return found


def _titles(version: str, principle: str, codes: list[str]) -> str:
    return _titles_of(version, principle, tuple(codes))


@lru_cache(maxsize=4096)
def _titles_of(version: str, principle: str, codes: tuple[str, ...]) -> str:
    codelist = find_codelist(version, CODELISTS[principle])
    titles = [(codelist.get(c).title if codelist and codelist.get(c) else c) for c in codes]
    return ", ".join(t if sum(w[:1].isupper() for w in t.split()) > 1 else t[0].lower() + t[1:]
                     for t in titles)


def _extra_gap(project: dict, principle: str, block: dict) -> str:
    if principle == "reciprocity" and "remuneration" not in block:
        return "how people were paid or rewarded is not stated"
    if principle == "diversity" and not text(block, "demographicsNotCollectedReason") and not any(
            True for _ in demographic_counts(project)):
        return "who took part is not described"
    return ""


def assess(project: Any, version: str) -> list[PrincipleResult]:
    project = obj(project)
    results = []
    for name in PRINCIPLES:
        block = obj(obj(project.get("principles")).get(name))
        evidence = text(block, "evidence")
        real = len(evidence) >= MIN_EVIDENCE and not PLACEHOLDER.match(evidence)
        practices = strings(block, "practices")
        gaps = [] if real else ["the evidence is too thin" if evidence else "no evidence is given"]
        if not practices:
            gaps.append("no practice is coded")
        elif set(practices) == {"other"}:  # says nothing about what was done
            gaps.append("only 'other' is coded, no practice from the list")
        extra = _extra_gap(project, name, block)
        if extra:
            gaps.append(extra)
        label = name.capitalize()
        if not gaps:
            results.append(_result(name, MET, f"{label}: met through "
                                           f"{_titles(version, name, practices)}."))
        elif real or practices:
            results.append(_result(name, PARTLY, f"{label}: partly met; "
                                           f"{'; '.join(gaps)}."))
        else:
            results.append(_result(name, NOT_EVIDENCED, f"{label}: not evidenced yet; "
                                           f"{'; '.join(gaps)}."))
    return results


def summarise(scorecards: list[tuple[str, list[PrincipleResult]]]) -> dict[str, dict[str, int]]:
    """For each principle, how many projects met it, partly met it, or did not evidence it."""
    out = {p: {MET: 0, PARTLY: 0, NOT_EVIDENCED: 0} for p in PRINCIPLES}
    for _, results in scorecards:
        for result in results:
            out[result.principle][result.status] += 1
    return out
