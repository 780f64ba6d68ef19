"""Extensions and profiles: additions to the standard, applied from local files only.

An extension is a folder with an ``extension.json``: its name, title, description, the
versions it applies to, JSON Merge Patches (RFC 7396) for schema files, and CSV files of
codes to add to codelists (or new codelists). A dataset names extensions by plain name;
they are looked up only in the packaged ``schemas/extensions/`` and in folders the user
names (``--extension-dir``), never at a path or web address the dataset gives. Applying
extensions gives a compiled schema set that is used exactly like a version, under a key
such as ``1.1+welsh-local-authority.1a2b3c4d``; only a few are kept (see ``schemas``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from . import schemas as schema_store
from .codelists import Codelist, load_codelists, read_codelist
from .generate.codelist_enums import _sync
from .suggest import did_you_mean, printable


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


# An extension is named by a plain name, the name of its folder: never a path or a web
# address, so that a dataset cannot reach any file beyond the folders allowed.
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")


def packaged_folder() -> Path:
    return schema_store.schemas_dir() / "extensions"


def _folders(extension_dirs: Sequence[str | os.PathLike] = ()) -> list[Path]:
    """Where extensions may come from: the toolkit's own, then the folders named."""
    return [packaged_folder(), *(Path(folder) for folder in extension_dirs)]


def _inside(root: Path, name: str) -> Path | None:
    """ROOT/NAME, if it is an extension folder that is really inside ROOT (a symlink or
    '..' leading out of it does not count)."""
    try:
        base = root.resolve(strict=True)
        folder = (root / name).resolve(strict=True)
        manifest = (folder / "extension.json").resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if folder.parent != base or manifest.parent != folder or not manifest.is_file():
        return None
    return folder


def available(extension_dirs: Sequence[str | os.PathLike] = ()) -> list[str]:
    """The names of the extensions that can be used: packaged and in the folders named."""
    names: set[str] = set()
    for root in _folders(extension_dirs):
        try:
            entries = [p.name for p in root.iterdir()] if root.is_dir() else []
        except OSError:
            continue
        names.update(n for n in entries if PLAIN_NAME.match(n) and _inside(root, n))
    return sorted(names)


def find(reference: str, extension_dirs: Sequence[str | os.PathLike] = ()) -> Extension:
    """An extension by name: a packaged one, or one in a folder named by the user."""
    known = available(extension_dirs)
    where = (f"Known here: {', '.join(known) or 'none'}. To use an extension of your own, "
             "put its folder inside a folder you name with --extension-dir (extension_dirs "
             "in Python); datasets cannot name folders themselves.")
    if not isinstance(reference, str) or not PLAIN_NAME.match(reference):
        kind = "a web address" if "://" in str(reference) else "a path or other text"
        raise ExtensionError("extension-not-found", f"The extension '{printable(reference, 80)}'"
                             f" is {kind}, not the name of an extension. Extensions are named "
                             "by a plain name, such as 'welsh-local-authority', and loaded "
                             "from local files only: nothing is fetched, and no path that "
                             f"a dataset gives is read. {where}")
    folder = next(filter(None, (_inside(root, reference)
                                for root in _folders(extension_dirs))), None)
    if folder is None:
        raise ExtensionError("extension-not-found", f"The extension '{reference}' is not "
                             f"known here.{did_you_mean(reference, known)} {where}")
    try:
        data = json.loads((folder / "extension.json").read_text(encoding="utf-8"))
        return Extension(data["name"], data["title"], data["description"], folder,
                         tuple(data.get("versions", [])), data.get("patches", {}),
                         data.get("codelists", {}))
    except (ValueError, KeyError, TypeError, OSError) as exc:
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
        path = (extension.folder / str(relative)).resolve()
        if not path.is_relative_to(extension.folder) or not path.is_file():
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


def compile_set(version: str, references: list[str],
                extension_dirs: Sequence[str | os.PathLike] = ()) -> str:
    """Apply extensions (each named once, in the order given) to a version; the key to
    use in place of the version. The key names the extensions found and what they hold,
    so however a dataset spells its list, the same extensions share one compiled set."""
    if not references:
        return version
    found = [find(ref, extension_dirs) for ref in dict.fromkeys(references)]
    fingerprint = hashlib.sha256(json.dumps(
        [[str(e.folder), e.patches, e.codelists] for e in found],
        sort_keys=True).encode()).hexdigest()[:8]
    key = f"{version}+{'+'.join(e.folder.name for e in found)}.{fingerprint}"
    if schema_store.use_compiled(key):
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
    schema_store.register_compiled(key, schemas, lists)
    return key
