"""Advice fit for a browser. The checks' messages are written for the command line too, so
a fix may say "run 'coprod template'"; on the web page each such command becomes what a
person can do there (a link to this service's own page) or, where only the command line
can do it, a link to the page of the documentation that explains it. Text is escaped
first; only the links are markup."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

DOCS = "https://coprod-standard.org/"  # the documentation (pyproject's Documentation URL)
# A command in quotes or backticks, as messages write them: its name and any options.
_COMMAND = re.compile(r"(?:'|&#39;|`)coprod ([a-z-]+)([^'`&]*)(?:'|&#39;|`)")
# command name: (link text, where), for what the page can do itself or the docs explain
BROWSER = {
    "template": ("the template from the Templates page", "/template"),
    "validate": ("this validator", "/"),
    "aggregate": ("the questionnaires page", "/questionnaires"),
    "score": ("the questionnaires page", "/questionnaires"),
    "codelists": ("the code lists in the documentation", DOCS + "reference/codelists/"),
    "upgrade": ("the upgrade tool (see the guide to versions)", DOCS + "versioning/"),
    "convert": ("the convert tool (see the guide to validating)", DOCS + "validating/"),
    "combine": ("the research tools (see the guide)", DOCS + "research/"),
    "compare": ("the research tools (see the guide)", DOCS + "research/"),
}
# Commands with options the web page does not offer: the guide that explains them.
WITH_OPTIONS = {
    "validate": ("the toolkit's validator (see the guide to validating)",
                 DOCS + "validating/"),
    "aggregate": ("the aggregate tool (see the guide to publishing)", DOCS + "publishing/"),
}
_FALLBACK = ("the toolkit (see the command reference)",
             DOCS + "reference/cli/")


def _link(match: re.Match, text: str) -> str:
    name, options = match.group(1), match.group(2).strip()
    words, href = (WITH_OPTIONS.get(name) if options else None) or BROWSER.get(
        name, _FALLBACK)
    before = text[:match.start()].rstrip()
    if not before or before.endswith((".", ":", "!", "?")):  # starts a sentence
        words = words[0].upper() + words[1:]
    return f'<a href="{href}">{words}</a>'


def for_browser(text: str | None) -> Markup:
    """TEXT escaped, with each quoted 'coprod ...' command replaced by a link."""
    escaped = str(escape(text or ""))
    return Markup(_COMMAND.sub(lambda m: _link(m, escaped), escaped))  # noqa: S704 - escaped


def mentions_command(text: str) -> bool:
    """Whether TEXT (as shown on a page) still names a command to run."""
    return bool(re.search(r"coprod [a-z]", re.sub(r"<[^>]*>", "", text)))
