"""The cells of an ODS document: ODF paragraphs, automatic styles (column widths, hidden
sheets, fonts, fills, data formats) and one cell's XML from an openpyxl cell."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_SPACES = re.compile(r"^ +|  +|\t")


def paragraphs(text: str) -> str:
    """Text as ODF paragraphs, keeping runs of spaces and tabs (ODF collapses them)."""
    def spaces(found: re.Match) -> str:
        run = found.group()
        if run == "\t":
            return "<text:tab/>"
        if found.start() == 0:
            return f'<text:s text:c="{len(run)}"/>'
        return " " + f'<text:s text:c="{len(run) - 1}"/>'

    return "".join("<text:p>" + _SPACES.sub(spaces, escape(line)) + "</text:p>"
                   for line in text.split("\n"))


def hex_colour(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return f"#{rgb[-6:].lower()}" if isinstance(rgb, str) and len(rgb) >= 6 else None


class Styles:
    """Automatic styles, one for each look used: columns (width and format), tables
    (shown or hidden), cells (font, fill, wrapping, data format)."""

    def __init__(self) -> None:
        self.found: dict[tuple, str] = {}
        self.xml: list[str] = []

    def _name(self, key: tuple, prefix: str, body: str) -> str:
        if key not in self.found:
            self.found[key] = f"{prefix}{len(self.found) + 1}"
            self.xml.append(body.replace("NAME", self.found[key]))
        return self.found[key]

    def table(self, hidden: bool) -> str:
        return self._name(("table", hidden), "ta", (
            '<style:style style:name="NAME" style:family="table"><style:table-properties '
            f'table:display="{"false" if hidden else "true"}"/></style:style>'))

    def column(self, width: float | None) -> str:
        inches = ((width or 8.43) * 7 + 5) / 96  # Excel's width in characters, as pixels
        return self._name(("column", round(inches, 3)), "co", (
            '<style:style style:name="NAME" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{inches:.3f}in"/>'
            '</style:style>'))

    def cell(self, cell: Any = None, data: str = "") -> str | None:
        """The style for a cell of openpyxl (its font, fill and wrapping) with the data
        style DATA (N1 date, N2 text, N3 boolean), or None when it needs none."""
        font = getattr(cell, "font", None)
        fill = getattr(cell, "fill", None)
        key = ("cell", bool(font and font.b), hex_colour(font.color) if font else None,
               hex_colour(fill.fgColor) if fill is not None and fill.fill_type == "solid"
               else None, bool(cell is not None and cell.alignment.wrap_text),
               bool(cell is not None and cell.alignment.vertical == "top"), data)
        if key == ("cell", False, None, None, False, False, ""):
            return None
        _, bold, colour, background, wrap, top, _ = key
        cell_props = " ".join(filter(None, [
            f'fo:background-color="{background}"' if background else "",
            'fo:wrap-option="wrap"' if wrap else "",
            'style:vertical-align="top"' if top else ""]))
        text_props = " ".join(filter(None, [
            'fo:font-weight="bold"' if bold else "", f'fo:color="{colour}"' if colour else ""]))
        return self._name(key, "ce", (
            '<style:style style:name="NAME" style:family="table-cell" '
            'style:parent-style-name="Default"'
            + (f' style:data-style-name="{data}"' if data else "") + ">"
            + (f"<style:table-cell-properties {cell_props}/>" if cell_props else "")
            + (f"<style:text-properties {text_props}/>" if text_props else "")
            + "</style:style>"))


def data_style(number_format: str | None, is_date: bool = False) -> str:
    if number_format == "@":
        return "N2"
    return "N1" if is_date or (number_format or "").lower().startswith("yyyy") else ""


def value_xml(value: Any) -> tuple[str, str]:
    """The attributes and the text of a cell holding VALUE."""
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f'office:value-type="boolean" office:boolean-value="{word}"',
                paragraphs(word.upper()))
    if isinstance(value, (int, float)):
        return f'office:value-type="float" office:value="{value!r}"', paragraphs(str(value))
    if isinstance(value, (datetime, date)):
        if isinstance(value, datetime) and value.time() == time(0) and not value.tzinfo:
            value = value.date()
        text = value.isoformat()
        return f'office:value-type="date" office:date-value="{text}"', paragraphs(text)
    if isinstance(value, time):
        text = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return f'office:value-type="time" office:time-value="{text}"', paragraphs(str(value))
    text = str(value)
    return f'office:value-type="string" office:string-value={quoteattr(text)}', \
        paragraphs(text)


def cell_xml(ws, styles: Styles, cell: Any, validation: str | None, repeat: int = 1) -> str:
    attributes = []
    if repeat > 1:
        attributes.append(f'table:number-columns-repeated="{repeat}"')
    value = getattr(cell, "value", None)
    style = styles.cell(cell, data_style(cell.number_format, isinstance(
        value, (datetime, date))) if value is not None else "") if cell is not None else None
    if style:
        attributes.append(f'table:style-name="{style}"')
    if validation:
        attributes.append(f'table:content-validation-name="{validation}"')
    body = ""
    if value is not None:
        kind, body = value_xml(value)
        attributes.append(kind)
    comment = getattr(cell, "comment", None)
    if comment is not None:
        body = ('<office:annotation><dc:creator>' + escape(comment.author or "")
                + "</dc:creator>" + paragraphs(comment.text) + "</office:annotation>") + body
    return "<table:table-cell" + "".join(" " + a for a in attributes) + ">" + body + \
        "</table:table-cell>"
