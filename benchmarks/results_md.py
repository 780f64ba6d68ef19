"""RESULTS.md is written in sections, one a benchmark, each between its own markers."""

from __future__ import annotations

from pathlib import Path

RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"
HEAD = ("# Benchmark results\n\nRecorded results of the scripts in this folder; see "
        "[README.md](README.md) for how each is measured.\n\n")


def rewrite_section(start: str, end: str, section: str, path: Path = RESULTS_MD) -> None:
    """SECTION written between the markers START and END, in place of what was there, or
    at the end of the file if they are not there yet."""
    body = f"{start}\n{section}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEAD
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + body + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")
