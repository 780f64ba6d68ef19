"""Lone surrogates: text that is not valid Unicode, found where it comes from.

Bytes in UTF-8 can never decode to a surrogate (U+D800 to U+DFFF); in JSON one comes only
from a \\uD800-\\uDFFF escape without its other half (a pair of them stands for one
character, an emoji say). Such text cannot be encoded, printed or sent on, so the readers
replace each one with U+FFFD (the replacement character) and say where it was. A cheap
search of the text for those escapes comes first; the data is walked only when it finds one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # the start of an escape of a surrogate
LONE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def escaped_in(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether TEXT (from START to END), as written in JSON, may hold a lone surrogate."""
    return ESCAPE.search(text, start, len(text) if end is None else end) is not None


def mended(text: str) -> str:
    """TEXT with every lone surrogate replaced by U+FFFD: safe to encode and print."""
    return LONE.sub(REPLACEMENT, text) if LONE.search(text) else text


def escape_of(text: str) -> str:
    """The first lone surrogate in TEXT, written as the escape it came from."""
    found = LONE.search(text)
    return f"\\u{ord(found.group()):04x}" if found else ""


def held_in(doc: Any) -> bool:
    """Whether parsed data (from Python, not from JSON text) holds a lone surrogate in any
    text or key: a pass level by level, each level's text searched at once."""
    level = [doc]
    while level:
        texts: list[str] = []
        deeper: list = []
        for node in level:
            if isinstance(node, dict):
                texts += [key for key in node if isinstance(key, str)]
                values = node.values()
            else:
                values = node if isinstance(node, list) else (node,)
            for value in values:
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, (dict, list)):
                    deeper.append(value)
        if LONE.search("\x00".join(texts)):
            return True
        level = deeper
    return False


def mend_members(node: dict | list) -> Iterator[tuple[Any, str, bool]]:
    """Replace every lone surrogate in NODE's own keys and text with U+FFFD, in place (keys
    in their order); (key or index as mended, the text as it was, whether it was the key)
    for each."""
    if isinstance(node, dict) and any(isinstance(k, str) and LONE.search(k) for k in node):
        members = list(node.items())
        node.clear()
        for key, value in members:
            if isinstance(key, str) and LONE.search(key):
                yield mended(key), key, True
                key = mended(key)
            node[key] = value
    for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
        if isinstance(value, str) and LONE.search(value):
            node[key] = mended(value)
            yield key, value, False


def mend_all(doc: Any) -> Any:
    """DOC (parsed JSON: a descriptor, a list of responses) with every lone surrogate in
    its text and keys replaced by U+FFFD, in place where it can be."""
    if isinstance(doc, str):
        return mended(doc)
    stack = [doc] if isinstance(doc, (dict, list)) else []
    while stack:
        node = stack.pop()
        for _ in mend_members(node):
            pass
        stack += [v for v in (node.values() if isinstance(node, dict) else node)
                  if isinstance(v, (dict, list))]
    return doc
