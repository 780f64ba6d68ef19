"""Differential test: the fast engine (jsonschema-rs) and the reference engine
(python-jsonschema) must give the same verdict and the same error instance paths.

The schema engine trusts a fast "valid" from jsonschema-rs and asks python-jsonschema only
when the fast check fails, so a record the fast engine passes and the reference fails would
be reported valid. Each record is checked the way ``SchemaEngine.check`` does it (the whole
document against the envelope validator, then each project against the project validator),
with the engine's own compiled validators, on:

1. every record of every readable JSON fixture input and every bundled example, against the
   version it declares (every version when it declares none that exists: the engines must
   agree whatever the version);
2. records made by Hypothesis from those valid records by one to three random mutations.

Paths are compared as sets of JSON Pointers over all errors (``iter_errors`` of both), with
no normalisation: on the corpus and on thousands of generated records the two put every
error (type, required, enum, const, pattern, format, additionalProperties, minItems,
uniqueItems, minimum, minLength, a failed anyOf reported once at its object, if/then
branches) at the same instance path. Values on which they once differed (string formats,
and patterns ending in "$") are pinned in ``FORMER`` with the verdict both now give.
"""

from __future__ import annotations

import copy
import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_standard.issues import Listing, Unlisted
from coprod_standard.limits import Limits
from coprod_standard.readers import Record, Unreadable
from coprod_standard.readers.json_reader import read_json, records
from coprod_standard.schema_engine import engine
from coprod_standard.schemas import version_names
from tests.conftest import EXAMPLES, FIXTURES, ROOT

VERSIONS = version_names()
INPUTS = EXAMPLES + sorted(FIXTURES.glob("*/**/input*.json"))


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _document(path):
    try:
        return read_json(path.read_bytes(), str(path), Limits()).data
    except Unreadable:  # the engine never sees it: nothing to compare
        return None


def _versions(doc) -> list[str]:
    declared = doc.get("version") if isinstance(doc, dict) else None
    return [declared] if isinstance(declared, str) and declared in VERSIONS else VERSIONS


def compare(version: str, kind: str, data) -> tuple[bool, set[str]]:
    """Assert both engines agree on one record; return (valid, error paths)."""
    checker = engine(version)
    assert checker.fast is not None, "jsonschema-rs is not installed or did not compile"
    reference, fast = (checker.envelope, checker.fast[0]) if kind == "dataset" else (
        checker.project, checker.fast[1])
    expected = {_pointer(e.absolute_path) for e in reference.iter_errors(data)}
    fast_valid = fast.is_valid(data)
    got = {_pointer(e.instance_path) for e in fast.iter_errors(data)}
    where = f"version {version}, {kind} record {json.dumps(data)[:300]}"
    assert fast_valid is (not got), f"jsonschema-rs is_valid contradicts iter_errors: {where}"
    assert fast_valid is (not expected), (
        f"VERDICT differs: jsonschema-rs says {'valid' if fast_valid else 'invalid'}, "
        f"python-jsonschema found {sorted(expected)}: {where}")
    assert got == expected, f"paths differ: only rs {got - expected}, only python " \
                            f"{expected - got}: {where}"
    return fast_valid, expected


# 1. The corpus ---------------------------------------------------------------------------

def test_the_corpus_gives_hundreds_of_records():
    docs = [d for d in map(_document, INPUTS) if d is not None]
    count = sum(len(_versions(d)) * len(list(records(d))) for d in docs)
    assert len(docs) >= 200 and count >= 400, (len(docs), count)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.parent.relative_to(ROOT).as_posix()
                         if p.name.startswith("input") else p.name)
def test_both_engines_agree_on_every_record_of_the_corpus(path):
    doc = _document(path)
    if doc is None:
        pytest.skip("unreadable: never reaches a schema engine")
    for version in _versions(doc):
        for record in records(doc):
            compare(version, record.kind, record.data)


# 2. Former disagreements: one minimal record each, pinned to the verdict both now give ------

# jsonschema-rs gets the standard's own format checks (coprod_standard.formats) and the
# reference engine reads a final "$" in a pattern as ECMA-262 does (the very end of the
# text), so values on which the two engines used to differ now get one verdict.
_FORMAT = "format checked by coprod_standard.formats in both engines"
FORMER = [  # (kind, JSON Pointer, value, valid?, what used to differ)
    ("dataset", "/license", "https://", False, "uri with no host: " + _FORMAT),
    ("dataset", "/modified", "2025-03-01T23:59:60Z", False, "leap second: " + _FORMAT),
    ("dataset", "/publishedDate", "0000-01-01", False, "year 0: " + _FORMAT),
    ("project", "/areas/0", "E06000014\n", False, "'$' before a final newline"),
    ("project", "/participantGroups/0/id", "members\n", False,
     "'$' before a final newline, in a schema reached through a $ref to a file with $schema"),
    ("dataset", "/license", "https://example.org/%zz", True, "a bad %-escape: " + _FORMAT),
    ("dataset", "/license", "https://example.org/caf\u00e9", True, "an IRI: " + _FORMAT),
    ("dataset", "/license", "https://example.org/?q=[1]", True, "[ ] in a query: " + _FORMAT),
    ("dataset", "/license", "https://example.org/#a#b", True, "# in a fragment: " + _FORMAT),
    ("dataset", "/contactPoint/email", "caf\u00e9@example.org", True, "not ASCII: " + _FORMAT),
    ("dataset", "/contactPoint/email", "a..b@example.org", True, "dot-atom: " + _FORMAT),
    ("dataset", "/contactPoint/email", "a@b_c.org", True, "host name: " + _FORMAT),
    ("dataset", "/contactPoint/email", "a@-b.org", True, "host name: " + _FORMAT),
    ("dataset", "/contactPoint/email", "x" * 65 + "@example.org", True,
     "a local part over 64 characters: " + _FORMAT),
]
MINIMAL = json.loads((ROOT / "examples" / "minimal.json").read_text())


def _base(version: str, kind: str):
    if kind == "project":
        return copy.deepcopy(MINIMAL["projects"][0])
    return dict(copy.deepcopy(MINIMAL), version=version, contactPoint={
        "name": "Co-production team", "email": "team@example.org"})


def _set(data, pointer: str, value):
    *parents, last = [int(p) if p.isdigit() else p for p in pointer.split("/")[1:]]
    node = data
    for part in parents:
        node = node[part]
    node[last] = value
    return data


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("kind", "pointer", "value", "valid"), [
    pytest.param(kind, pointer, value, valid, id=f"{pointer}={value[:30]!r}")
    for kind, pointer, value, valid, _ in FORMER])
def test_former_disagreements_get_one_verdict(version, kind, pointer, value, valid):
    assert compare(version, kind, _base(version, kind))[0], "the base record must be valid"
    assert compare(version, kind, _set(_base(version, kind), pointer, value))[0] is valid


# 3. Generated records: valid records of the corpus, mutated --------------------------------

@cache
def _pool() -> list[tuple[str, str, object]]:
    """Every distinct record, of a document declaring a known version, both engines pass."""
    seen, pool = set(), []
    for doc in map(_document, INPUTS):
        if not isinstance(doc, dict) or doc.get("version") not in VERSIONS:
            continue
        for record in records(doc):
            key = (doc["version"], record.kind, json.dumps(record.data, sort_keys=True))
            if key not in seen and compare(doc["version"], record.kind, record.data)[0]:
                seen.add(key)
                pool.append((doc["version"], record.kind, record.data))
    return pool


OTHER_TYPES = [None, True, False, 0, -1, 2.5, 1.0, "", "text", [], {}, ["text"], {"id": "x"}]
# Wrong values of every kind the schemas check, the former disagreements among them.
BAD_STRINGS = [
    "", " ", "x", "not-a-code", "Not A Code", "x" * 120, "E0600001", "e06000014", "E06000014 ",
    "GB-CHC-", "-bad-id", "GB-CHC-1 ", "2025-02-30", "2025-02-29", "2024-02-29", "2025-13-01",
    "2025-00-10", "2025-1-1", "0001-01-01", "31/12/2025", "2025-12-31T10:00:00Z",
    "2025-12-31T10:00:00", "2025-12-31 10:00", "2025-12-31t10:00:00.123z",
    "2025-12-31T10:00:00+14:00", "2025-12-31T24:00:00Z", "2025-12-31T23:59:60+01:00",
    "www.example.org", "https://exa mple.org", "http://example.org/a%20b", "ftp://example.org",
    "HTTPS://EXAMPLE.ORG", "https://[::1]/", "https://example.org:8080/x?y=1#z", "me@", "a@b",
    "a@b.c", "a+b@b.co", "a@1.2.3.4", "a@b.co.", "a b@example.org", "a@example.org\n",
    *(value for _, _, value, _, _ in FORMER)]
BAD_NUMBERS = [-1, -0.5, 0, -0.0, 0.5, 1, 1.0, 1.5, 100, 100.5, 101, 10**12, 2**53 + 1, 2**63,
               2**64 + 1, -(2**63) - 1, 10**30, 10**400, 1e300, 5e-324]
EXTRA_KEYS = ["unexpectedField", "id", "count", "evidence", "projects", "notes", "version"]


def _nodes(data, path=()):
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, path + (index,))


@st.composite
def mutated_records(draw):
    """A valid record with one to three mutations, each anywhere in it (nested too)."""
    version, kind, data = draw(st.deferred(lambda: st.sampled_from(_pool())))
    data = {"": copy.deepcopy(data)}  # a parent for the record itself

    def pick(values):  # a copy: the lists and objects in OTHER_TYPES stay as they are
        return copy.deepcopy(draw(st.sampled_from(values)))

    for _ in range(draw(st.integers(1, 3))):
        nodes = [(p, v) for p, v in _nodes(data[""], ("",))  # not inside the envelope's projects
                 if kind == "project" or p[1:2] != ("projects",) or len(p) == 2]
        path, node = draw(st.sampled_from(nodes))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        names = sorted({p[-1] for p, _ in nodes[1:] if isinstance(p[-1], str)})
        choices = ["retype"] + (["delete"] if len(path) > 1 else []) + (["prune"] if names else [])
        if isinstance(node, dict):
            choices += ["extra", "empty"]
        if isinstance(node, list) and node:
            choices += ["empty", "duplicate"]
        if isinstance(node, str):
            choices += ["string", "string", "case", "suffix"]
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            choices += ["number", "number"]
        how = draw(st.sampled_from(choices))
        if how == "delete":  # a required key, an optional one, or a list item
            del parent[key]
        elif how == "prune":  # one field name, deleted wherever it is: anyOf, if/then...
            name = draw(st.sampled_from(names))
            for _, obj in nodes:
                if isinstance(obj, dict):
                    obj.pop(name, None)
        elif how == "retype":
            parent[key] = pick([v for v in OTHER_TYPES if type(v) is not type(node)])
        elif how == "extra":
            node[draw(st.sampled_from(EXTRA_KEYS))] = pick(OTHER_TYPES)
        elif how == "empty":
            node.clear()
        elif how == "duplicate":  # uniqueItems, and lists of objects with the same id
            node.append(pick(node))
        elif how == "string":  # dates, codes, identifiers, addresses, lengths
            parent[key] = pick(BAD_STRINGS)
        elif how == "case":  # a code or identifier in the wrong case
            parent[key] = node.upper() if node != node.upper() else node.lower()
        elif how == "suffix":  # an unknown code close to a known one, or a longer id
            parent[key] = node + draw(st.sampled_from([" ", "-x", "0", ".", "@"]))
        else:
            parent[key] = pick(BAD_NUMBERS)
    return version, kind, data[""]


def test_the_pool_of_valid_records_covers_both_kinds_and_every_version():
    assert {(v, k) for v, k, _ in _pool()} >= {(v, k) for v in VERSIONS
                                               for k in ("dataset", "project")}


@settings(max_examples=600, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_both_engines_agree_on_mutated_records(case):
    compare(*case)


# 4. The words: the fast engine's errors explained as the reference engine's are ----------

def words(version: str, kind: str, data, fast: bool) -> list[tuple]:
    """The issues ``SchemaEngine.check`` lists for one record, from the fast engine's errors
    (FAST) or from the reference engine's, in full: code, place, value and words."""
    checker = engine(version)
    kept = checker.fast
    if not fast:
        checker.fast = None  # the reference engine alone, as without jsonschema-rs
    try:
        listing = Listing(None, [], Unlisted())
        pointer = "" if kind == "dataset" else "/projects/0"
        checker.check(Record(kind, pointer, data, "the record"), listing)
    finally:
        checker.fast = kept
    return [(i.code, i.severity, i.path, i.field, i.title, repr(i.value), i.message, i.fix)
            for i in listing.issues]


def compare_words(version: str, kind: str, data) -> None:
    slow, quick = words(version, kind, data, False), words(version, kind, data, True)
    assert quick == slow, f"version {version}, {kind} record {json.dumps(data)[:300]}"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.parent.relative_to(ROOT).as_posix()
                         if p.name.startswith("input") else p.name)
def test_both_engines_give_the_same_words_on_every_record_of_the_corpus(path):
    doc = _document(path)
    if doc is None:
        pytest.skip("unreadable: never reaches a schema engine")
    for version in _versions(doc):
        for record in records(doc):
            compare_words(version, record.kind, record.data)


@settings(max_examples=400, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_records())
def test_both_engines_give_the_same_words_on_mutated_records(case):
    compare_words(*case)


def test_a_failed_anyof_is_explained_on_its_own_place_as_in_the_whole_record():
    # the dataset schemas' anyOfs are all "one of these fields", worded without the
    # context; the context is still the reference engine's, placed in the record
    from coprod_standard.schema_engine import _FastError

    dementia = json.loads((ROOT / "examples" / "dementia-club.json").read_text())
    project = copy.deepcopy(dementia["projects"][0])
    outcome = project["outcomes"][0]
    for name in ("indicators", "qualitativeEvidence"):
        outcome.pop(name, None)
    checker = engine(dementia["version"])
    slow = [e for e in checker.project.iter_errors(project) if e.validator == "anyOf"]
    quick = [_FastError(e, checker) for e in checker.fast[1].iter_errors(project)]
    quick = [e for e in quick if e.validator == "anyOf"]
    assert len(slow) == len(quick) == 1

    def explained(error):
        return [(e.validator, list(e.absolute_path), list(e.relative_schema_path), e.message)
                for e in error.context]

    assert explained(quick[0]) == explained(slow[0]) and len(explained(slow[0])) == 2
    assert list(quick[0].context[0].absolute_path)[:2] == ["outcomes", 0]
