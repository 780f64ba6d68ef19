"""Checks beyond the schema: a declarative catalogue of small pure functions.

Each check is registered once with the ``@check`` decorator, which records its code,
severity, category, the SCIE recommendation or rule it serves, a title, message and fix
templates and a longer explanation for the docs, and registers the matching issue type.
A check function receives a context and yields ``Finding``s (a path inside the record and
the message's parameters); the runner turns findings into issues. Checks never raise on
odd data: they look only at values of the shape they expect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import import_module
from time import perf_counter
from typing import Any

from ..fields import field_at
from ..issues import Issue, IssueType, Pending, Severity, issue_type, register
from ..withhold import Withheld
from .data import forget_walks

LEVELS = ("schema", "draft", "publish")
POLICIES = {"nhs-digital": 8, "threshold-10": 10}  # the smallest count published as it is
CATEGORIES = ("principles", "outcomes", "inclusion", "evaluation", "evidence", "integrity",
              "privacy", "disclosure")


@dataclass(frozen=True)
class Settings:
    """How strict to be. ``level``: schema (structure only), draft or publish (everything,
    as before a file goes public). ``disclosure``: the small-numbers policy; ``chosen``:
    whether it was chosen for this check (``--disclosure``) rather than taken from the
    dataset's record (``disclosureControl.policy``, version 1.2 on) or the default."""

    level: str = "publish"
    disclosure: str = "nhs-digital"
    today: date = field(default_factory=date.today)
    chosen: bool = False

    @property
    def threshold(self) -> int:
        return POLICIES[self.disclosure]


@dataclass
class Finding:
    path: str  # a JSON Pointer inside the record ("" for the record itself)
    params: dict[str, Any] = field(default_factory=dict)
    # what a privacy check matched: withheld from every report, never written anywhere
    personal: tuple[str, ...] = ()
    whole: bool = False  # the values of a field for personal data, not matched text


@dataclass
class Context:
    data: Any  # the record: a project, or the dataset's own details
    dataset: dict  # the dataset's own details
    settings: Settings
    version: str
    pointer: str = ""  # the record's own JSON Pointer
    project_ids: list[tuple[str, Any]] = field(default_factory=list)  # dataset scope only
    texts: Any = None  # what the privacy checks found in it, worked out once and shared
    withheld: Withheld | None = None  # the values its privacy checks flagged, if any

    def flag(self, finding: Finding) -> None:
        if finding.personal:
            if self.withheld is None:
                self.withheld = Withheld()
            self.withheld.add(finding.personal, finding.whole)


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    severity: Severity
    category: str
    serves: str
    explanation: str
    scope: str  # "project", "dataset" (its own details) or "both"
    levels: tuple[str, ...]
    run: Callable[[Context], Iterator[Finding]]


CHECKS: list[Check] = []

register(IssueType(
    "check-failed", "A check could not finish", Severity.ADVISORY, "integrity",
    "A check met data of a shape it did not expect and stopped; the other checks ran.",
    "The check '{check}' could not finish on this record, so its result is missing.",
    "Fix the other problems reported here, then check again. If this stays, please report "
    "it: it is a fault in the toolkit, not in your data."))


def check(code: str, *, title: str, severity: Severity, category: str, serves: str,
          message: str, fix: str, explanation: str, scope: str = "project",
          levels: tuple[str, ...] = ("draft", "publish"), cell: str = ""):
    """Register a check function and the issue type it reports. CELL: in tables, the
    column to point at within the list or object its findings' paths name."""
    assert category in CATEGORIES, category

    def register_check(func: Callable[[Context], Iterator[Finding]]):
        register(IssueType(code, title, severity, category, explanation, message, fix,
                           cell=cell))
        CHECKS.append(Check(code, title, severity, category, serves, explanation, scope,
                            levels, func))
        return func

    return register_check


_SORTED: dict[int, list[Check]] = {}
_SELECTED: dict[tuple[str, str, int], list[Check]] = {}


def catalogue() -> list[Check]:
    """Every check, grouped by category in the catalogue's order."""
    _load()
    key = len(CHECKS)  # sorted once for each size of the registry
    if key not in _SORTED:
        _SORTED[key] = sorted(CHECKS, key=_order)
    return list(_SORTED[key])


def _selected(scope: str, level: str) -> list[Check]:
    """The checks that run on one kind of record at one level, chosen once."""
    key = (scope, level, len(CHECKS))
    if key not in _SELECTED:
        _SELECTED[key] = [c for c in catalogue() if c.scope in (scope, "both")
                          and level in c.levels]
    return _SELECTED[key]


@contextmanager
def measured(spent: dict[str, float]):
    """Within it, the time each check takes is added up in SPENT, by code, with what its
    findings cost to take (for ``benchmarks/checks.py``, which says where the time goes).
    What checks share (a record's walk, its reports) falls to the first check that asks."""
    _load()
    kept = list(CHECKS)

    def timed(chk: Check) -> Check:
        def run(ctx: Context) -> Iterator[Finding]:
            start = perf_counter()
            try:
                return iter(list(chk.run(ctx)))
            finally:
                spent[chk.code] = spent.get(chk.code, 0.0) + perf_counter() - start
        return replace(chk, run=run)

    CHECKS[:] = [timed(chk) for chk in kept]
    _SORTED.clear()
    _SELECTED.clear()
    try:
        yield spent
    finally:
        CHECKS[:] = kept
        _SORTED.clear()
        _SELECTED.clear()


# The modules that hold checks, in the catalogue's order within a category. The order is
# fixed here, not by which module happened to be imported first (a test importing one
# directly must not reorder the generated docs).
MODULES = ("comparison", "context", "disclosure", "disclosure_categories", "disclosure_pay",
           "disclosure_policy", "disclosure_rounding", "disclosure_sums", "economics",
           "economics_compare", "evaluation", "evidence", "inclusion", "instruments",
           "integrity", "outcomes", "principles", "privacy")


def _order(chk: Check) -> tuple[int, int, int]:
    """Category, then the module's place in MODULES, then the line it is defined on."""
    module = chk.run.__module__.rpartition(".")[2]
    place = MODULES.index(module) if module in MODULES else len(MODULES)
    return CATEGORIES.index(chk.category), place, chk.run.__code__.co_firstlineno


def _load() -> None:
    for module in MODULES:  # importing registers the checks
        import_module(f"{__name__}.{module}")


def _issue(chk: Check, finding: Finding, pointer: str, label: str, ctx: Context) -> Pending:
    """The issue of one finding; the field's title is looked up only if it is listed. What
    a privacy check matched is flagged first, whether the issue is listed or not."""
    if finding.personal:
        ctx.flag(finding)
    version, settings = ctx.version, ctx.settings
    path = pointer + finding.path
    severity = chk.severity
    if settings.level == "draft" and chk.category == "disclosure":
        severity = Severity.WARNING  # drafts may hold raw numbers; publishing may not

    def words() -> dict[str, Any]:
        fld = field_at(version, path)
        name = next((p for p in reversed(path.split("/"))
                     if p and not (p.isascii() and p.isdigit())), "")
        params = {"field": name, "title": (fld.title if fld and fld.title else name),
                  **finding.params}
        return {k: v for k, v in params.items() if k not in {"path", "record", "severity"}}

    return issue_type(chk.code).later(words, path=path, record=label, severity=severity)


def run(scope: str, ctx: Context, pointer: str, label: str
        ) -> tuple[Iterator[Issue | Pending], list[str]]:
    """Run every check of a scope on one record: its issues as they are found (to be taken
    at once, before the next record), and the codes that ran. What the privacy checks
    flagged is in ``ctx.withheld`` once the issues are taken."""
    checks = _selected(scope, ctx.settings.level)
    forget_walks()

    def found() -> Iterator[Issue | Pending]:
        for chk in checks:
            try:
                for finding in chk.run(ctx):
                    yield _issue(chk, finding, pointer, label, ctx)
            except Exception:  # noqa: BLE001 - one faulty check must not stop the others
                yield issue_type("check-failed").make(path=pointer, record=label,
                                                      check=chk.code)

    return found(), [chk.code for chk in checks]


def flag_personal(scope: str, ctx: Context) -> Withheld | None:
    """What the privacy checks would flag in one record, without reporting it: for the
    schema level, whose reports must not repeat it either."""
    for chk in catalogue():
        if chk.category == "privacy" and chk.scope in (scope, "both"):
            try:
                for finding in chk.run(ctx):
                    ctx.flag(finding)
            except Exception:  # noqa: BLE001 - as in run(): odd data never stops a check
                continue
    return ctx.withheld
