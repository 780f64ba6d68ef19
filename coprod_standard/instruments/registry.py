"""The instrument registry: one JSON file per instrument, beside the schemas.

Each file says how the instrument is scored (items and their range, each score and how it
is worked out, the missing-item rule, the meaningful change and its source, the licence).
Bespoke instruments are defined by users in files of the same form, checked against
``schemas/instruments/instrument.schema.json``. No item wording is ever held.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..schemas import schemas_dir


class InstrumentError(Exception):
    """A bespoke instrument file could not be used; the message says why."""


_TABLES: dict[tuple, dict[int, float]] = {}  # each conversion table as a dict, made once


@dataclass(frozen=True)
class Score:
    score_type: str
    method: str  # sum, item, table or given
    minimum: float
    maximum: float
    higher_is_better: bool
    item: int | None = None
    source: str | None = None  # for a table: the score converted from
    table: tuple[tuple[int, float], ...] = ()
    integer: bool = False
    bands: tuple[tuple[str, float, float], ...] = ()

    def convert(self, value: float) -> float | None:
        lookup = _TABLES.get(self.table)
        if lookup is None:
            lookup = _TABLES.setdefault(self.table, dict(self.table))
        return lookup.get(int(value)) if float(value).is_integer() else None

    def band(self, value: float) -> str | None:
        return next((code for code, low, high in self.bands if low <= value <= high), None)


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    item_count: int
    item_minimum: float
    item_maximum: float
    scores: tuple[Score, ...]
    default_score: str
    missing: str
    meaningful_change: dict[str, Any] | None
    licence: dict[str, Any]
    reversed: tuple[int, ...] = ()  # items scored the other way round, counting from 1
    versions: tuple[str, ...] = ()
    replaced_by: str | None = None  # a code kept for 1.0 and 1.1 only

    def score(self, score_type: str) -> Score | None:
        return next((s for s in self.scores if s.score_type == score_type), None)

    def step(self, score_type: str) -> float | None:
        """The smallest gap between two possible values of SCORE_TYPE: 1 for a sum or an
        item of whole-number answers (or a score declared whole), None where the values are
        irregular (a conversion table) or not known. Disclosure control uses it: a mean of
        whole numbers, shown to too many decimals, says how many people it is over."""
        score = self.score(score_type)
        if score is None:
            return None
        whole_items = float(self.item_minimum).is_integer() and \
            float(self.item_maximum).is_integer()
        if score.integer or (score.method in ("sum", "item") and whole_items):
            return 1.0
        return None

    def threshold(self, score_type: str) -> float | None:
        """The meaningful change for SCORE_TYPE, if the instrument states one."""
        change = self.meaningful_change
        if change and "value" in change and change.get("scoreType") == score_type:
            return change["value"]
        return None


def _instrument(data: dict[str, Any]) -> Instrument:
    scores = tuple(
        Score(s["scoreType"], s["method"], s["minimum"], s["maximum"], s["higherIsBetter"],
              s.get("item"), s.get("from"),
              tuple(sorted((int(k), v) for k, v in s.get("table", {}).items())),
              s.get("integer", False),
              tuple((b["code"], b["minimum"], b["maximum"]) for b in s.get("bands", [])))
        for s in data["scores"])
    items = data["items"]
    return Instrument(data["code"], data["title"], items["count"], items["minimum"],
                      items["maximum"], scores, data["defaultScore"], data["missingItems"],
                      data.get("meaningfulChange"), data["licence"],
                      tuple(items.get("reversed", ())), tuple(data.get("versions", ())),
                      data.get("replacedBy"))


def _folder() -> Path:
    return schemas_dir() / "instruments"


@cache
def _checker() -> Draft202012Validator:
    schema = json.loads((_folder() / "instrument.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def check_definition(data: Any, name: str) -> Instrument:
    errors = sorted(_checker().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the top"
        raise InstrumentError(f"The instrument file {name} is not a valid definition: at "
                              f"{where}, {first.message}.")
    instrument = _instrument(data)
    names = {s.score_type for s in instrument.scores}
    if instrument.default_score not in names:
        raise InstrumentError(f"In {name}, the default score '{instrument.default_score}' is "
                              "not one of the instrument's scores.")
    return instrument


@cache
def instruments() -> dict[str, Instrument]:
    """Every packaged instrument, by code."""
    out = {}
    for path in sorted(_folder().glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        out[path.stem] = check_definition(json.loads(path.read_text(encoding="utf-8")),
                                          path.name)
    return out


def for_version(version: str) -> dict[str, Instrument]:
    """The packaged instruments a version of the standard lists in its instrument.csv.

    The registry is shared by every version; each version's codelists say which codes it
    accepts. A code replaced in a later version (``replacedBy``) keeps its file, with the
    meaning it had, for the versions that still list it."""
    from ..codelists import find_codelist

    listed = find_codelist(version, "instrument")
    codes = set(listed.code_values()) if listed else set()
    return {code: found for code, found in instruments().items() if code in codes}


def load_bespoke(path: str | Path) -> Instrument:
    """A user's own instrument definition, checked before it is used."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentError(f"The instrument file {path} could not be read: "
                              f"{exc.strerror or exc}.") from None
    except ValueError as exc:
        raise InstrumentError(f"The instrument file {path} is not valid JSON: {exc}.") from None
    return check_definition(data, path.name)
