"""Copy each closed codelist's codes into the ``enum`` of the schema that names it.

The CSV files are the source; the schema's ``enum`` is derived. Schema files are also
rewritten in one canonical JSON layout so that a drift shows up as a plain diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..codelists import load_codelists
from ..schemas import version_dir


def canonical_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _sync(node: Any, codelists: dict, where: str, problems: list[str]) -> Any:
    if isinstance(node, list):
        return [_sync(item, codelists, where, problems) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _sync(value, codelists, where, problems) for key, value in node.items()}
    name = out.get("codelist")
    if name is None:
        return out
    if name not in codelists:
        problems.append(f"{where}: codelist {name!r} has no CSV file")
        return out
    if out.get("openCodelist") is False:
        out["enum"] = codelists[name].code_values()
    else:
        out.pop("enum", None)
    return out


def synced_schemas(version: str) -> tuple[dict[Path, str], list[str]]:
    """The text every schema file of a version should have, and any unfixable problems."""
    codelists = load_codelists(version)
    problems: list[str] = []
    texts = {}
    for path in sorted(version_dir(version).glob("*.schema.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        texts[path] = canonical_json(_sync(data, codelists, path.name, problems))
    return texts, problems


def drift(version: str) -> list[str]:
    """Schema files whose enums or layout differ from what the codelists say."""
    texts, problems = synced_schemas(version)
    changed = [
        f"{path.name} is out of step with its codelists"
        for path, text in texts.items()
        if path.read_text(encoding="utf-8") != text
    ]
    return problems + changed


def write(version: str) -> list[Path]:
    texts, problems = synced_schemas(version)
    if problems:
        raise SystemExit("\n".join(problems))
    written = []
    for path, text in texts.items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
