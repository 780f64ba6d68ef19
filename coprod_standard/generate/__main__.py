"""python -m coprod_standard.generate: rewrite every generated file from its source."""

from __future__ import annotations

from pathlib import Path

from ..schemas import version_names
from . import codelist_enums, console_examples, docs, models_py, models_ts, published

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    changed = []
    for version in version_names():
        changed += codelist_enums.write(version)
    changed += docs.write(ROOT / "docs")
    changed += console_examples.write(ROOT / "docs", ROOT)
    changed += published.write(ROOT / "docs")
    changed += models_py.write(ROOT) + models_ts.write(ROOT)
    for path in changed:
        print(f"updated {path.relative_to(ROOT)}")
    if not changed:
        print("everything generated is up to date")


if __name__ == "__main__":
    main()
