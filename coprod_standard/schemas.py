"""Find the standard's versions and load their schemas, offline.

The top-level ``schemas/`` folder is the single source of truth. In an installed wheel it
sits inside the package (``coprod_standard/schemas``); in a source checkout or an editable
install it is the folder beside the package. Nothing here ever touches the network: the
``referencing.Registry`` is built only from packaged files and has no retriever, so an
unknown ``$ref`` fails with ``Unresolvable`` instead of being fetched.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT_SCHEMA = "dataset.schema.json"
PROJECT_SCHEMA = "project.schema.json"


def schemas_dir() -> Path:
    """The folder holding ``standard.json`` and one sub-folder per version."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / "standard.json").is_file():
            return candidate
    raise FileNotFoundError("The standard's schemas folder is missing from this installation.")


@dataclass(frozen=True)
class VersionInfo:
    version: str
    status: str  # current, supported or draft (not released: may still change)
    released: str  # the release date; empty for a draft

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@cache
def standard() -> dict[str, Any]:
    """The standard's own metadata: its name, canonical base URL and versions."""
    return json.loads((schemas_dir() / "standard.json").read_text(encoding="utf-8"))


def base_url() -> str:
    """The one canonical base URL; every ``$id`` is ``base_url() + version + '/' + file``."""
    return standard()["baseUrl"]


def versions() -> list[VersionInfo]:
    return [VersionInfo(**v) for v in standard()["versions"]]


def version_names() -> list[str]:
    return [v.version for v in versions()]


def released_version_names() -> list[str]:
    """The versions released (and so frozen): every version but a draft."""
    return [v.version for v in versions() if not v.is_draft]


def latest_version() -> str:
    current = [v.version for v in versions() if v.status == "current"]
    return current[-1] if current else version_names()[-1]


# Schema sets compiled with extensions, by key ("1.1+welsh-local-authority.1a2b3c4d"): their
# schemas and codelists. They are used exactly like a version, so that every cached lookup
# works on them unchanged. Only the few used last are kept (and everything cached for a set
# goes with it), so no input can grow memory; a set in use by a check is never dropped.
COMPILED_SETS_KEPT = 8
_COMPILED: OrderedDict[str, tuple[dict[str, dict[str, Any]], dict[str, Any]]] = OrderedDict()
_IN_USE: Counter[str] = Counter()
_LOCK = threading.RLock()
_SCOPE = threading.local()
_FORGETTERS: list[Callable[[str], None]] = []


def base_version(version: str) -> str:
    """The released version a (possibly compiled) schema set is built on."""
    return version.split("+", 1)[0]


def is_compiled(version: str) -> bool:
    return "+" in version


def per_schema_set(function: Callable) -> Callable:
    """Like functools.cache, for a function whose first argument is a version or the key
    of a compiled set: what it keeps for a compiled set is forgotten when the set is."""
    kept: dict[tuple, Any] = {}

    @wraps(function)
    def cached(version: str, *args: Any) -> Any:
        key = (version, *args)
        if key in kept:
            return kept[key]
        value = function(version, *args)
        if not is_compiled(version) or version in _COMPILED:
            kept[key] = value
        return value

    def forget(version: str) -> None:
        for key in [k for k in list(kept) if k[0] == version]:
            kept.pop(key, None)

    cached.cache_clear = kept.clear  # type: ignore[attr-defined]
    cached.cached_versions = lambda: {key[0] for key in list(kept)}  # type: ignore[attr-defined]
    _FORGETTERS.append(forget)
    return cached


def register_compiled(key: str, schemas: dict[str, dict[str, Any]],
                      codelists: dict[str, Any]) -> None:
    with _LOCK:
        _COMPILED[key] = (schemas, codelists)
        use_compiled(key)
        _drop_unused()


def use_compiled(key: str) -> bool:
    """Whether KEY is compiled; if so it becomes the most recently used, and stays while
    the check that asked for it runs (see ``schema_sets_in_use``)."""
    with _LOCK:
        if key not in _COMPILED:
            return False
        _COMPILED.move_to_end(key)
        held = getattr(_SCOPE, "held", None)
        if held is not None and key not in held:
            held.append(key)
            _IN_USE[key] += 1
        return True


def compiled(key: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The schemas and codelists of a compiled set."""
    with _LOCK:
        if key not in _COMPILED:
            raise KeyError(f"The schema set {key!r} is not compiled (or no longer kept); "
                           "compile its extensions again.")
        return _COMPILED[key]


def compiled_keys() -> list[str]:
    with _LOCK:
        return list(_COMPILED)


@contextmanager
def schema_sets_in_use() -> Iterator[None]:
    """Compiled sets used in this thread inside the block are kept until it ends."""
    if getattr(_SCOPE, "held", None) is not None:  # an outer block holds them already
        yield
        return
    _SCOPE.held = []
    try:
        yield
    finally:
        with _LOCK:
            for key in _SCOPE.held:
                _IN_USE[key] -= 1
                if _IN_USE[key] <= 0:
                    del _IN_USE[key]
            _SCOPE.held = None
            _drop_unused()


def _drop_unused() -> None:
    while len(_COMPILED) > COMPILED_SETS_KEPT:
        oldest = next((key for key in _COMPILED if not _IN_USE[key]), None)
        if oldest is None:  # every one is in use: they go when their checks end
            return
        del _COMPILED[oldest]
        for forget in _FORGETTERS:
            forget(oldest)


def version_dir(version: str) -> Path:
    version = base_version(version)
    if version not in version_names():
        raise KeyError(f"Unknown version {version!r}; known: {', '.join(version_names())}")
    return schemas_dir() / version


def schema_id(version: str, filename: str) -> str:
    return f"{base_url()}{base_version(version)}/{filename}"


@per_schema_set
def load_schemas(version: str) -> dict[str, dict[str, Any]]:
    """Every schema file of a version, by file name. Treat the result as read-only."""
    if is_compiled(version):
        return compiled(version)[0]
    folder = version_dir(version)
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.schema.json"))
    }


def load_schema(version: str, filename: str = ROOT_SCHEMA) -> dict[str, Any]:
    return load_schemas(version)[filename]


@per_schema_set
def registry(version: str) -> Registry:
    """An immutable registry of the version's schemas, keyed by ``$id``; it never fetches."""
    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in load_schemas(version).values()
    ]
    return Registry().with_resources(resources)


def resolve(version: str, uri: str) -> dict[str, Any]:
    """The schema (or sub-schema) a URI points at, resolved from local files only."""
    resolver = registry(version).resolver(base_uri=schema_id(version, ROOT_SCHEMA))
    return resolver.lookup(uri).contents
