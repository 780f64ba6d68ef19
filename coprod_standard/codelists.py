"""Codelists: the CSV files beside each version's schemas (``code,title,description``...)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from .schemas import compiled, is_compiled, per_schema_set, version_dir


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    description: str
    deprecated: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Codelist:
    filename: str
    codes: tuple[Code, ...]

    @property
    def name(self) -> str:
        return self.filename.removesuffix(".csv")

    @property
    def title(self) -> str:
        """A readable name: 'participation-level.csv' becomes 'participation level'."""
        return self.name.replace("-", " ")

    def code_values(self) -> list[str]:
        return [c.code for c in self.codes]

    def get(self, code: str) -> Code | None:
        return next((c for c in self.codes if c.code == code), None)


def read_codelist(path) -> Codelist:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return Codelist(path.name, tuple(
        Code(code=row["code"], title=row["title"], description=row["description"],
             deprecated=row.get("deprecated") or "",
             extra={k: v for k, v in row.items()
                    if k not in {"code", "title", "description", "deprecated"}})
        for row in rows))


@per_schema_set
def load_codelists(version: str) -> dict[str, Codelist]:
    """Every codelist of a version, keyed by file name (``stage.csv``)."""
    if is_compiled(version):
        return compiled(version)[1]
    folder = version_dir(version) / "codelists"
    lists = {}
    for path in sorted(folder.glob("*.csv")):
        lists[path.name] = read_codelist(path)
    return lists


def find_codelist(version: str, name: str) -> Codelist | None:
    """Look a codelist up by file name or by bare name (``stage`` or ``stage.csv``)."""
    lists = load_codelists(version)
    return lists.get(name) or lists.get(f"{name}.csv")
