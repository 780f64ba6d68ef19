"""docs/schema/**: the schema files where their ``$id``s say, for the docs site to serve.

Every JSON file under ``schemas/`` whose ``$id`` is on the standard's own host is copied
byte for byte to the path of its ``$id`` (``https://coprod-standard.org/schema/1.2/x.json``
goes to ``docs/schema/1.2/x.json``), so a validator that follows ``$id``s and ``$ref``s
finds them on the site. Each version's codelists go beside its schemas (``codelists/``,
as the ``codelist`` keyword names them), and each version gets one compound document,
``dataset.bundle.json`` (see ``bundle.compound_schema``), that needs no other file.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from ..bundle import COMPOUND_FILE, compound_schema
from ..schemas import base_url, schemas_dir, version_dir, version_names
from . import linked_data

FOLDER = "schema"  # under docs/: the path part of base_url()


def _published_path(schema_id: str) -> str | None:
    """Where under docs/ a file with this ``$id`` goes; None for another host."""
    ours, theirs = urlsplit(base_url()), urlsplit(schema_id)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc) or theirs.query \
            or theirs.fragment or not theirs.path.startswith(ours.path):
        return None
    return theirs.path.lstrip("/")


def files() -> dict[str, bytes]:
    """Every published file, by its path under docs/, with its exact bytes."""
    out: dict[str, bytes] = {}
    for path in sorted(schemas_dir().rglob("*.json")):
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        schema_id = data.get("$id") if isinstance(data, dict) else None
        target = _published_path(schema_id) if isinstance(schema_id, str) else None
        if target is None:
            continue
        if target in out:
            raise ValueError(f"two files in schemas/ have the $id {schema_id}")
        out[target] = raw
    for version in version_names():
        folder = f"{FOLDER}/{version}"
        for csv in sorted((version_dir(version) / "codelists").glob("*.csv")):
            out[f"{folder}/codelists/{csv.name}"] = csv.read_bytes()
        text = json.dumps(compound_schema(version), indent=2, ensure_ascii=False) + "\n"
        out[f"{folder}/{COMPOUND_FILE}"] = text.encode("utf-8")
    # the JSON-LD contexts and the crosswalk: made by linked_data, published beside these
    out.update((path, text.encode("utf-8")) for path, text in linked_data.files().items())
    return out


def write(docs_dir: Path) -> list[Path]:
    """Write what has changed and remove files no longer published."""
    wanted = files()
    changed = []
    for relative, content in wanted.items():
        path = docs_dir / relative
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            changed.append(path)
    for path in sorted((docs_dir / FOLDER).rglob("*")):
        if path.is_file() and path.relative_to(docs_dir).as_posix() not in wanted:
            path.unlink()
            changed.append(path)
    return changed


def drift(docs_dir: Path) -> list[str]:
    """Published files that differ from their source, are missing, or are left over."""
    wanted = files()
    problems = [f"docs/{rel} is out of date" for rel, content in wanted.items()
                if not (docs_dir / rel).is_file() or (docs_dir / rel).read_bytes() != content]
    problems += [f"docs/{path.relative_to(docs_dir).as_posix()} is left over"
                 for path in sorted((docs_dir / FOLDER).rglob("*"))
                 if path.is_file() and path.relative_to(docs_dir).as_posix() not in wanted]
    return problems
