"""Reporters turn reports into text for people or JSON for programs; pick one by name."""

from __future__ import annotations

from collections.abc import Callable

from ..report import Report
from . import json_report, text_report

REPORTERS: dict[str, Callable[..., str]] = {
    "text": text_report.render,
    "json": json_report.render,
}


def render(name: str, reports: list[Report], **options) -> str:
    return REPORTERS[name](reports, **options)
