"""Extensions and profiles: additions to the standard, applied from local files only.

An extension is a folder with an ``extension.json``: its name, title, description, the
versions it applies to, JSON Merge Patches (RFC 7396) for schema files, and CSV files of
codes to add to codelists (or new codelists). The packaged ones live in
``schemas/extensions/``; a dataset can also name a folder beside it. Nothing is ever
fetched: a web address is refused. Applying extensions gives a compiled schema set that
is used exactly like a version, under a key such as ``1.1+welsh-local-authority``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import codelists as codelist_store
from . import schemas as schema_store
from .codelists import Codelist, load_codelists, read_codelist
from .generate.codelist_enums import _sync
from .suggest import did_you_mean


class ExtensionError(Exception):
    """An extension could not be found or applied; ``code`` is its issue code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Extension:
    name: str
    title: str
    description: str
    folder: Path
    versions: tuple[str, ...]
    patches: dict[str, Any]
    codelists: dict[str, str]


def packaged_folder() -> Path:
    return schema_store.schemas_dir() / "extensions"


def available() -> list[str]:
    folder = packaged_folder()
    return sorted(p.name for p in folder.iterdir() if (p / "extension.json").is_file()) \
        if folder.is_dir() else []


def find(reference: str, base: Path | None = None) -> Extension:
    """An extension by packaged name, or by the path of a folder beside the dataset."""
    if "://" in reference:
        raise ExtensionError("extension-not-found", f"The extension '{reference}' is a web "
                             "address; extensions are loaded from local files only.")
    candidates = [packaged_folder() / reference]
    if base is not None:
        candidates.append(base / reference)
    folder = next((c for c in candidates if (c / "extension.json").is_file()), None)
    if folder is None:
        names = ", ".join(available()) or "none"
        hint = did_you_mean(reference, available())
        raise ExtensionError("extension-not-found", f"The extension '{reference}' could not "
                             f"be found.{hint} Packaged extensions: {names}; a folder of your "
                             "own must sit beside the dataset and hold an extension.json.")
    try:
        data = json.loads((folder / "extension.json").read_text(encoding="utf-8"))
        return Extension(data["name"], data["title"], data["description"], folder,
                         tuple(data.get("versions", [])), data.get("patches", {}),
                         data.get("codelists", {}))
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtensionError("extension-failed", f"The extension '{reference}' has a broken "
                             f"extension.json ({type(exc).__name__}: {exc}).") from None


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _codelists(extension: Extension, lists: dict[str, Codelist]) -> dict[str, Codelist]:
    out = dict(lists)
    for name, relative in extension.codelists.items():
        path = extension.folder / relative
        if not path.is_file() or extension.folder.resolve() not in path.resolve().parents:
            raise ExtensionError("extension-failed", f"The extension '{extension.name}' names "
                                 f"a codelist file '{relative}' that is not in its folder.")
        added = read_codelist(path)
        if name in out:
            clash = set(out[name].code_values()) & set(added.code_values())
            if clash:
                raise ExtensionError("extension-failed", f"The extension '{extension.name}' "
                                     f"adds codes already in {name}: {', '.join(sorted(clash))}.")
            out[name] = Codelist(name, out[name].codes + added.codes)
        else:
            out[name] = Codelist(name, added.codes)
    return out


def _patched(extension: Extension, schemas: dict[str, dict]) -> dict[str, dict]:
    out = dict(schemas)
    for name, patch in extension.patches.items():
        if name not in out:
            raise ExtensionError("extension-failed", f"The extension '{extension.name}' "
                                 f"patches '{name}', which is not a schema of this version. "
                                 f"Schemas: {', '.join(sorted(out))}.")
        out[name] = merge_patch(out[name], patch)
    return out


def _refs(node: Any) -> list[str]:
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$ref"), str):
                found.append(item["$ref"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _refs_resolve_locally(schemas: dict[str, dict], names: list[str]) -> None:
    """Every $ref must point into the schemas in hand: nothing is ever fetched."""
    from referencing import Registry, Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.values() if isinstance(schema.get("$id"), str))
    for name, schema in schemas.items():
        resolver = registry.resolver(base_uri=schema.get("$id", ""))
        for ref in _refs(schema):
            try:
                resolver.lookup(ref)
            except Unresolvable:
                where = "a schema on the web" if "://" in ref and not ref.startswith(
                    schema_store.base_url()) else "which is not among them"
                raise ExtensionError("extension-failed", f"After the extensions "
                                     f"({', '.join(names)}) are applied, {name} refers to "
                                     f"'{ref[:200]}', {where}: schemas are read from local "
                                     "files only, so every $ref must point to a schema of "
                                     "the standard or of the extension.") from None


def compile_set(version: str, references: list[str], base: Path | None = None) -> str:
    """Apply extensions to a version; the key to use in place of the version."""
    if not references:
        return version
    found = [find(ref, base) for ref in references]
    fingerprint = hashlib.sha256(json.dumps(
        [[e.name, e.patches, e.codelists, str(e.folder)] for e in found],
        sort_keys=True).encode()).hexdigest()[:8]
    key = f"{version}+{'+'.join(e.name for e in found)}.{fingerprint}"
    if key in schema_store._COMPILED:
        return key
    schemas = dict(schema_store.load_schemas(version))
    lists = load_codelists(version)
    for extension in found:
        if extension.versions and version not in extension.versions:
            raise ExtensionError("extension-failed", f"The extension '{extension.name}' is for "
                                 f"version {', '.join(extension.versions)}, not {version}.")
        schemas = _patched(extension, schemas)
        lists = _codelists(extension, lists)
    problems: list[str] = []
    schemas = {name: _sync(schema, lists, name, problems) for name, schema in schemas.items()}
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ExtensionError("extension-failed", f"After the extensions are applied, "
                                 f"{name} is not a valid schema: {exc.message}.") from None
    if problems:
        raise ExtensionError("extension-failed", "; ".join(problems))
    _refs_resolve_locally(schemas, [e.name for e in found])
    schema_store.register_compiled(key, schemas)
    codelist_store.register_compiled(key, lists)
    return key
