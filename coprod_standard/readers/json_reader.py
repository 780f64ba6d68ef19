"""Read a JSON dataset held in memory, with plain-language messages for every way it can fail.

Guards taken from measured pitfalls: nesting deeper than the limit, numbers JSON does not
allow (NaN, Infinity, overflow to infinity, integers past Python's digit limit), duplicate
keys (otherwise the last silently wins), byte-order marks, and non-UTF-8 text.
"""

from __future__ import annotations

import copy
import gc
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..issues import Listing, Location, Pending, Unlisted, issue_type
from ..limits import Limits
from . import ReadResult, Record, unreadable
from .surrogates import LONE, escape_of, escaped_in, held_in, mend_members, mended

_MAGIC = [
    (b"PK\x03\x04", "a zip file or an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel or Word file (.xls or .doc)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
]

_PROBLEMS = {
    "Expecting ':' delimiter": "a colon (:) is missing between a field name and its value",
    "Expecting ',' delimiter":
        "a comma is missing between two items, or a bracket or brace is not closed",
    "Unterminated string starting at":
        "a piece of text starts here but is never closed with a double quote",
    "Extra data": "there is more after the end of the data; perhaps two datasets were "
                  "pasted together, or there is an extra } or ]",
    "Invalid control character at":
        "a piece of text contains a line break or tab; write a line break as \\n",
    "Invalid \\escape": "a backslash (\\) in text must be written twice, as \\\\",
    "Invalid \\uXXXX escape": "a \\u escape in text must be followed by four hex digits",
}
_HINT = ("JSON needs double quotes around names and text, a comma between items, and no "
         "comma after the last item.")


class _BadNumber(ValueError):
    pass


def _reject_constant(token: str) -> Any:
    raise _BadNumber(f"{token} is not a number JSON allows")


def _parse_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _BadNumber(f"{token} is too large to be a number")
    return value


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _explain(exc: json.JSONDecodeError, text: str) -> tuple[str, str]:
    before = text[: exc.pos].rstrip()[-1:]
    if exc.msg.startswith("Expecting property name"):
        if before == ",":
            return "there is a comma after the last field, with nothing after it", _HINT
        return "field names must be written in double quotes, like \"title\"", _HINT
    if exc.msg.startswith("Expecting value"):
        if before == ",":
            return "there is a comma after the last item, with nothing after it", _HINT
        return ("a value was expected here; check for a missing value, or a misspelt "
                "true, false or null"), _HINT
    for start, problem in _PROBLEMS.items():
        if exc.msg.startswith(start):
            return problem, _HINT
    return exc.msg[:1].lower() + exc.msg[1:], _HINT


def _decode(data: bytes, name: str) -> str:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise unreadable("unsupported-file-type", name, kind=kind)
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else \
        "utf-16-be" if data[:1] == b"\x00" else "utf-16-le" if b"\x00" in data[:4] else None
    if utf16 and (len(data) >= 4 or utf16 == "utf-16"):  # RFC 8259 allows UTF-16 too
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:  # a lone surrogate: said as not UTF-8, from the start
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace")
        line, column = _line_col(good, len(good))
        raise unreadable("not-utf8", name, Location(file=name, line=line, column=column),
                         line=line, column=column) from None


def decoder(duplicates: dict[int, list[str]]) -> json.JSONDecoder:
    """A JSON decoder that notes duplicate keys (by the id of their object) and refuses
    numbers JSON does not allow."""
    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            dups = [k for k, _ in pairs if k in seen or seen.add(k)]
            duplicates[id(obj)] = sorted(set(dups))
        return obj

    return json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_reject_constant,
                            parse_float=_parse_float)


def failure(exc: Exception, text: str, name: str, limits: Limits,
            where: Callable[[int], tuple[int, int]], start: int = 0) -> Exception:
    """The Unreadable to raise for an error met while decoding TEXT (from START); WHERE
    turns a position in TEXT into a line and column of the file."""
    if isinstance(exc, json.JSONDecodeError):
        problem, hint = _explain(exc, text)
        line, column = where(exc.pos)
        at = Location(file=name, line=line, column=column)
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            return unreadable("truncated-json", name, at, line=line, column=column)
        return unreadable("malformed-json", name, at, line=line, column=column,
                          problem=problem, hint=hint)
    if isinstance(exc, RecursionError):
        return unreadable("too-deeply-nested", name, limit=limits.max_depth)
    match = _SUSPECT_NUMBER.search(text, start)
    line, column = where(match.start()) if match else where(start)
    problem = str(exc) if isinstance(exc, _BadNumber) else (
        "a number is too long: it has thousands of digits")
    return unreadable("invalid-number", name, Location(file=name, line=line, column=column),
                      line=line, column=column, problem=problem)


def _parse(text: str, name: str, duplicates: dict[int, list[str]], limits: Limits) -> Any:
    collecting = gc.isenabled()
    gc.disable()  # parsing makes no cycles; collecting while it builds is wasted time
    try:
        return decoder(duplicates).decode(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise failure(exc, text, name, limits, lambda pos: _line_col(text, pos)) from None
    finally:
        if collecting:
            gc.enable()


_SUSPECT_NUMBER = re.compile(r"(?<![\w\"])(NaN|-?Infinity|-?\d{300,}|-?[\d.]+[eE]\+?\d{3,})")


def pointer(parts: tuple) -> str:
    """The JSON Pointer of a path of keys and positions."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _within_limits(doc: Any, limit: int, max_string: int, strings: bool = True) -> bool:
    """A quick pass, level by level: no deeper than the limit and (when STRINGS) no text
    longer than MAX_STRING."""
    level, depth = [doc], 1
    while level:
        if depth > limit or (depth == limit and any(level)):
            return False  # anything inside a container at the limit is one level too deep
        deeper: list = []
        for node in level:
            values = node.values() if type(node) is dict else node
            if strings and any(type(v) is str and len(v) > max_string for v in values):
                return False
            deeper += [v for v in values if type(v) is dict or type(v) is list]
        level, depth = deeper, depth + 1
    return True


def _members(node: Any, path: tuple) -> Any:
    if isinstance(node, dict):
        return ((value, path + (key,)) for key, value in node.items())
    if isinstance(node, list):
        return ((value, path + (index,)) for index, value in enumerate(node))
    return iter(())


def _nodes(doc: Any, path: tuple) -> Any:
    """(value, path) of DOC and everything inside it, depth first, holding one place in
    each container on the way down (never a path for every value at once)."""
    yield doc, path
    stack = [_members(doc, path)]
    while stack:
        for node, at in stack[-1]:
            yield node, at
            stack.append(_members(node, at))
            break
        else:
            stack.pop()


def _record_key(at: tuple) -> str:
    """The pointer of the record a path is in: "/projects/3", or "" for the dataset's own."""
    return f"/projects/{at[1]}" if len(at) > 2 and at[0] == "projects" else ""


def _duplicate(key: str, at: tuple) -> Pending:
    key = mended(key)
    return issue_type("duplicate-key").later(lambda: {"field": key},
                                             path=pointer(at[:-1] + (key,)),
                                             record=_record_key(at))


def _unpaired(at: tuple, text: str, in_key: bool) -> Pending:
    """The issue of a lone surrogate in TEXT (as it was), at AT (as mended)."""
    name = next((str(part) for part in reversed(at) if not isinstance(part, int)), "")
    where = (f"The field name '{name}'" if in_key else f"The text of '{name}'"
             if at and not isinstance(at[-1], int) else f"An entry of '{name}'" if name
             else "The text")
    return issue_type("unpaired-surrogate").later(
        lambda: {"field": name, "where": where, "escape": escape_of(text)},
        path=pointer(at), record=_record_key(at))


def _mend_members(node: dict | list, at: tuple) -> Iterator[Pending]:
    """Lone surrogates in NODE's own keys and text, replaced in place; the issue of each."""
    for key, text, in_key in mend_members(node):
        yield _unpaired(at + (key,), text, in_key)


def inspect(doc: Any, name: str, limits: Limits, duplicates: dict[int, list[str]],
            found: Listing, path: tuple = (), length: int | None = None,
            mend: bool = False) -> Any:
    """Depth and text limits, and where duplicate keys were, for DOC found at PATH (LENGTH:
    the length of the text it was decoded from, when known: no text inside can be longer).
    With MEND, lone surrogates are replaced with U+FFFD. DOC is returned (mended when it is
    itself a piece of text). Duplicate keys and lone surrogates go into FOUND in the order
    of their paths (their records as pointers, "/projects/3"). The full walk is needed only
    when something is wrong."""
    strings = length is None or length > limits.max_string
    if not mend and isinstance(doc, (dict, list)) and not duplicates and _within_limits(
            doc, limits.max_depth - len(path), limits.max_string, strings):
        return doc
    if mend and isinstance(doc, str) and LONE.search(doc):
        found.add([_unpaired(path, doc, in_key=False)])
        doc = mended(doc)

    def walk():
        for node, at in _nodes(doc, path):
            if len(at) >= limits.max_depth:
                raise unreadable("too-deeply-nested", name, limit=limits.max_depth)
            if mend and isinstance(node, (dict, list)):
                yield from _mend_members(node, at)
            if isinstance(node, dict):
                for key in duplicates.get(id(node), ()):
                    yield _duplicate(key, at + (key,))
            elif isinstance(node, str) and len(node) > limits.max_string:
                raise unreadable("text-too-long", name, where=pointer(at) or "the top",
                                 length=len(node), limit=limits.max_string)

    found.add_first(walk(), key=lambda issue: issue.path)
    return doc


def records(doc: Any) -> Any:
    yield Record("dataset", "", doc, "the dataset's own details")
    projects = doc.get("projects") if isinstance(doc, dict) else None
    if isinstance(projects, list):
        for index, project in enumerate(projects):
            yield Record("project", f"/projects/{index}", project, project_label(index, project))


def project_label(index: int, project: Any) -> str:
    """How a report names the project at INDEX: "project 3 (its id)"."""
    label = f"project {index + 1}"
    if isinstance(project, dict) and isinstance(project.get("id"), str):
        label += f" ({project['id']})"
    return label


def read_json(data: Any, name: str, limits: Limits, parsed: bool = False) -> ReadResult:
    duplicates: dict[int, list[str]] = {}
    if parsed:  # the caller's own data: mended, if at all, in a copy
        mend = held_in(data)
        doc = copy.deepcopy(data) if mend else data
    else:
        text = _decode(data, name)
        if not text.strip():
            raise unreadable("empty-file", name)
        doc = _parse(text, name, duplicates, limits)
        mend = escaped_in(text)
    found = Listing(limits.max_issues, [], Unlisted())
    doc = inspect(doc, name, limits, duplicates, found, length=None if parsed else len(text),
                  mend=mend)
    projects = doc.get("projects") if isinstance(doc, dict) else None
    if isinstance(projects, list) and len(projects) > limits.max_rows:
        raise unreadable("too-many-records", name, limit=limits.max_rows)
    return ReadResult(
        name=name,
        records=records(doc),
        data=doc,
        version=doc.get("version") if isinstance(doc, dict) else None,
        has_version=isinstance(doc, dict) and "version" in doc,
        is_object=isinstance(doc, dict),
        issues=found.issues,
        not_listed=found.not_listed,
    )
