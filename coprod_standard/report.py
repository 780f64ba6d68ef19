"""The result of validating one source: its verdict, its issues, and counts by code."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .issues import Issue, Listing, Pending, Severity, Unlisted, issue_type
from .scorecard import PrincipleResult, summarise
from .withhold import Withheld

VALID, INVALID, UNREADABLE = "valid", "invalid", "unreadable"


@dataclass
class CodeSummary:
    code: str
    title: str
    severity: Severity
    category: str
    count: int
    records_affected: int
    share: float  # of all records, from 0 to 1

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "severity": self.severity.value,
                "category": self.category, "count": self.count,
                "recordsAffected": self.records_affected, "share": round(self.share, 4)}


@dataclass(frozen=True)
class Disclosure:
    """The small-numbers policy a dataset was checked under, and where it came from:
    "dataset" (its disclosureControl record), "option" (chosen for the check) or
    "default" (nhs-digital: the dataset records none). ``recorded``: the dataset's own."""

    policy: str
    origin: str
    recorded: str | None = None

    def describe(self) -> str:
        """One plain sentence for the report."""
        rule = POLICY_WORDS.get(self.policy, self.policy)
        if self.origin == "dataset":
            return f"Small numbers checked under {self.policy} ({rule}), the policy the " \
                   "dataset records (disclosureControl)."
        if self.origin == "option":
            also = (f"; the dataset records {self.recorded}" if self.recorded
                    and self.recorded != self.policy else "")
            return f"Small numbers checked under {self.policy} ({rule}), as chosen with " \
                   f"--disclosure{also}."
        return f"Small numbers checked under {self.policy} ({rule}), the default: the " \
               "dataset does not record the policy it applied."

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "from": self.origin, "recorded": self.recorded}


POLICY_WORDS = {"nhs-digital": "counts of 1 to 7 hidden, others rounded to the nearest 5",
                "threshold-10": "counts of 1 to 9 hidden, no rounding"}


@dataclass
class Report:
    source: str
    version: str | None = None
    issues: list[Issue] = field(default_factory=list)
    records: list[str] = field(default_factory=list)  # labels, in reading order
    unreadable: bool = False
    level: str = "publish"
    extensions: list[str] = field(default_factory=list)
    scorecards: list[tuple[str, list[PrincipleResult]]] = field(default_factory=list)
    checks_run: set[str] = field(default_factory=set)  # codes of the checks beyond the schema
    disclosure: Disclosure | None = None  # the small-numbers policy checked under
    _data: Any = field(default=None, repr=False)  # see data
    _data_withheld: bool = field(default=False, repr=False)
    # issues past Limits.max_issues, counted but not kept: code -> [severity, count, records]
    not_listed: Unlisted = field(default_factory=Unlisted, repr=False)
    limit: int | None = field(default=None, repr=False)  # the most issues listed (add)
    # the values the privacy checks flagged: withheld from all the above, never written out
    withheld: Withheld = field(default_factory=Withheld, repr=False)

    @property
    def holds_personal_data(self) -> bool:
        """True when a privacy check flagged something in the data."""
        return bool(self.withheld)

    @property
    def data(self) -> Any:
        """The dataset as read, for the store and the web's copies (never in the report;
        None when streamed): a copy with the flagged values withheld if there are any, made
        the first time it is asked for."""
        if self.withheld and not self._data_withheld:
            self._data, self._data_withheld = self.withheld.data(self._data), True
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._data_withheld = value, False

    @property
    def status(self) -> str:
        if self.unreadable:
            return UNREADABLE
        return INVALID if self.errors or any(
            kept[0] is Severity.ERROR for kept in self.not_listed.values()) else VALID

    def add(self, issues: Iterable[Issue | Pending]) -> None:
        """List ISSUES while the report has room under its limit; count the rest, by code,
        without building or keeping them."""
        self.listing().add(issues)

    def listing(self) -> Listing:
        """The report's issues as a listing: within its limit, the rest counted."""
        return Listing(self.limit, self.issues, self.not_listed)

    def keep_at_most(self, limit: int) -> None:
        """Keep the first LIMIT issues; count the rest by code without keeping them."""
        for issue in self.issues[limit:]:
            self.not_listed.count(issue.code, issue.severity, (issue.record,))
        del self.issues[limit:]

    @property
    def not_listed_count(self) -> int:
        return self.not_listed.total

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def advisories(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ADVISORY]

    @property
    def projects(self) -> int:
        return max(len(self.records) - 1, 0)

    @property
    def checks_passed(self) -> int:
        failed = {i.code for i in self.issues} | set(self.not_listed)
        return len(self.checks_run - failed)

    def counts(self) -> Counter:
        """Issues by severity, those not listed included."""
        counts = Counter(i.severity.value for i in self.issues)
        for severity, count, _ in self.not_listed.values():
            counts[severity.value] += count
        return counts

    def summary(self) -> list[CodeSummary]:
        """One line per issue code: how often, and the share of records it touches."""
        counts: Counter = Counter()
        touched: dict[str, set] = defaultdict(set)
        severities: dict[str, Severity] = {}
        for issue in self.issues:
            counts[issue.code] += 1
            touched[issue.code].add(issue.record)
            severities.setdefault(issue.code, issue.severity)
        for code, (severity, count, records) in self.not_listed.items():
            counts[code] += count
            touched[code] |= records
            severities.setdefault(code, severity)
        total = max(len(self.records), 1)
        out = []
        for code, count in counts.items():
            kind = issue_type(code)
            severity = severities[code]
            affected = len(touched[code])
            out.append(CodeSummary(code, kind.title, severity, kind.category, count,
                                   affected, affected / total))
        out.sort(key=lambda s: (s.severity.rank, -s.count, s.code))
        return out

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "source": self.source,
            "status": self.status,
            "valid": self.valid,
            "version": self.version,
            "extensions": self.extensions,
            "records": len(self.records),
            "projects": self.projects,
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "advisories": counts.get("advisory", 0),
            "level": self.level,
            "disclosure": self.disclosure.to_dict() if self.disclosure else None,
            "checks": {"run": len(self.checks_run), "passed": self.checks_passed},
            "principles": summarise(self.scorecards),
            "scorecard": [{"record": label, "principles": [r.to_dict() for r in results]}
                          for label, results in self.scorecards],
            "summary": [s.to_dict() for s in self.summary()],
            "issues": [i.to_dict() for i in self.issues],
        }
