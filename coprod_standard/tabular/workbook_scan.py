"""What a workbook's parts really hold, measured before calamine may read it.

calamine (compiled) reserves memory from numbers a workbook states, before it reads what
they describe: the shared strings' ``uniqueCount`` (24 bytes a string: a 55 KB file can ask
for terabytes, and the process aborts, past any ``except``) and, for each sheet, a grid
from its first cell to its last. So before calamine is used, every part it could read is
read through (in blocks, in compiled regular expressions) and measured by what it holds:

- every cell and row tag is counted in any spelling XML allows (a namespace prefix, any
  white space, attributes in any order, either quote, character references); each must
  also be in the one plain spelling that is measured (``<c r="B2" s="1" t="s">``). A
  prefixed tag is counted wherever its name follows a colon, which can count text that is
  no tag too: counting more only sends a workbook to openpyxl (strings counted more still
  may not outnumber the cells, which bounds ``uniqueCount`` as before);
- the grid the cells span must be in proportion to the cells really there;
- no number an attribute ending in "count" declares may be more than its part holds
  (``uniqueCount``: the strings in it; any other: its tags, or the workbook's cells), and
  the shared strings may not outnumber the cells;
- the zip must be laid out plainly (``zips.tidy``), every part the workbook points to must
  be XML, and nothing may make it readable as another kind of workbook.

Measured with python-calamine 0.9 (calamine 0.37) in a process with a memory ceiling: it
reserves from ``uniqueCount`` in every spelling quick-xml reads, and from the last cell;
not from ``count``, ``<dimension>``, ``<cols>``, ``<mergeCell>``, the styles' counts,
``<sheetFormatPr>`` or defined names (tests/security/test_hostile_workbooks.py keeps watch).
The scan also sends to openpyxl what calamine reads differently: error cells (#N/A, read as
empty), text with spaces at either end not marked to keep them (trimmed), whole numbers
from 2**53 up (read as floats: past 2**53, digits are lost), and any DOCTYPE or ENTITY
(openpyxl, guarded by defusedxml, then refuses the file).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from .letters import MAC_1904, WINDOWS_1900
from .zips import blocks, tidy

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
GRID_FREE = 2_000_000  # cells any sheet may span; past it, at most GRID_PER_CELL a cell
GRID_PER_CELL = 4
STRINGS_FREE = 1_000_000  # shared strings a workbook may hold; past it, one a cell
OTHER_FORMATS = ("xl/workbook.bin", "content.xml", "mimetype")  # xlsb, OpenDocument

# Tags in any spelling, counted by patterns that start with fixed text (which Python's re
# finds quickly): <c or c after a colon (a namespace prefix; also text such as "x:c " that
# is no tag, which can only count more and so send the workbook to openpyxl)
_TAG_NAMES = (b"c", b"row", b"si", b"t")
_UNPREFIXED = {name: re.compile(rb"<" + name + rb"[\s/>]") for name in _TAG_NAMES}
_PREFIXED = re.compile(rb":(c|row|si|t)[\s/>]")
_T_END = re.compile(rb"/t\s*>")  # with _PREFIXED_T_END: </t> in any spelling, or more
_PREFIXED_T_END = re.compile(rb":t\s*>")
_NAME = rb"[A-Za-z_][\w.-]*"


def _other(names: bytes) -> bytes:
    """An attribute in the plain spelling, whose name (without prefix) is not in NAMES."""
    return rb" (?:" + _NAME + rb":)?(?!(?:" + names + rb")=)" + _NAME + rb'="[^"<>&]*"'


_CELL = re.compile(rb'<c r="[A-Z]{1,2}[1-9][0-9]{0,6}"(?: t="(?:s|n|b|str|inlineStr|d)"|'
                   + _other(rb"r|t") + rb")* ?/?>")
_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"(?:' + _other(rb"r") + rb")* ?/?>")
_TWO_LETTERS = re.compile(rb'<c r="([A-Z])[A-Z][0-9]')
_WIDE = re.compile(rb'<c r="[A-Z]{3}')
_PLAIN_T = re.compile(rb'<t(?: xml:space="preserve")? ?/?>')
_SPACED = re.compile(rb"<t>(?:[ \t\r\n]|&#|[^<]*[ \t\r\n;]</t>)")  # not marked to keep
_UNSAFE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_CLAIM = re.compile(rb"""ount\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")  # (c|C)ount: see Part
_REFERENCE = re.compile(r"&#(?:([0-9]{1,8})|[xX]([0-9a-fA-F]{1,8}));")
# A whole number of 16 digits or more, which may be 2**53 or past it: calamine reads it as
# a float (losing digits past 2**53), where openpyxl keeps it an exact int (tag prefixed
# or not); the candidates are rare, so each is then compared in Python
_LONG_WHOLE = re.compile(rb"v(?:\s[^<>]*)?>\s*[-+]?0*([1-9][0-9]{15,})(?![0-9.eE])")


def _greater_than(number: int) -> bytes:
    """A pattern for cell places whose row is past NUMBER (more digits, or as many and
    larger), so that a cell cannot claim a row beyond the last row's."""
    digits = str(number)
    options = [rb"\d{%d,}" % (len(digits) + 1)]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(digits[:i].encode() + b"[%d-9]" % (int(d) + 1)
                           + (rb"\d{%d}" % (len(digits) - i - 1) if i < len(digits) - 1 else b""))
    return rb'<c r="[A-Z]{1,2}(?:' + b"|".join(options) + rb')"'


def _number(value: bytes) -> int:
    """The largest number in an attribute's value, however it is written (a number too
    long to be real counts as huge)."""
    text = _REFERENCE.sub(lambda m: chr(min(int(m[1] or m[2], 16 if m[2] else 10),
                                            0x10FFFF)), value.decode("latin-1"))
    runs = re.findall(r"[0-9]+", text)
    return max((int(r) if len(r) < 19 else 10 ** 19 for r in runs), default=0)


@dataclass
class Part:
    """What one XML part holds."""

    tags: Counter = field(default_factory=Counter)  # c, row, si, t in any spelling (or more)
    cells: int = 0  # cell tags in the plain spelling
    rows: int = 0  # row tags in the plain spelling
    top: int = 0  # the highest row number
    wide: int = 0  # the first letter of the widest two-letter column (A is 1)
    elements: int = 0  # the most elements it can hold: its '<'
    unique: int = 0  # the most strings it says it has (uniqueCount)
    claim: int = 0  # the largest number any other attribute ending in "count" states
    text_tags: int = 0  # <t> and </t> in the plain spelling
    text_ends: int = 0  # </t> in any spelling (or more)
    beyond: bool = False  # a cell claims a row past the last row before it
    strings: bool = False  # a part whose text calamine reads (sheets, shared strings)
    reason: str | None = None  # found while reading: calamine must not read the workbook

    def read(self, block: bytes, whole: bool) -> None:
        if not whole:
            self.reason = "a tag or text in it runs over 4 MB"
        if b"<!" in block and _UNSAFE.search(block):
            self.reason = "it declares a DOCTYPE or entities"
        if b' t="e"' in block or b" t='e'" in block:  # other spellings: not plain cells
            self.reason = "it holds error cells"
        if _WIDE.search(block):
            self.reason = "it has columns past ZZ"
        self.elements += block.count(b"<")
        for name, pattern in _UNPREFIXED.items():
            self.tags[name] += len(pattern.findall(block))
        if b":" in block:
            self.tags.update(_PREFIXED.findall(block))
        self.cells += len(_CELL.findall(block))
        numbers = _ROW.findall(block)
        self.rows += len(numbers)
        if numbers:
            self.top = max(self.top, max(map(int, numbers)))
        if re.search(_greater_than(self.top), block):  # a cell past the last row so far
            self.beyond = True
        letters = _TWO_LETTERS.findall(block)
        if letters:
            self.wide = max(self.wide, max(letters)[0] - 64)
        for found in _CLAIM.finditer(block):
            start = found.start() - 1  # at the c of count
            if block[start:start + 1] not in (b"c", b"C"):
                continue
            number = _number(found[1] or found[2] or b"")
            if block[max(start - 6, 0):start] == b"unique":
                self.unique = max(self.unique, number)
            else:
                self.claim = max(self.claim, number)
        if self.strings:  # text calamine reads: shared strings, and text in cells
            self.text_tags += len(_PLAIN_T.findall(block)) + block.count(b"</t>")
            self.text_ends += len(_T_END.findall(block)) + len(_PREFIXED_T_END.findall(block))
            if _SPACED.search(block):
                self.reason = "it holds text with spaces at either end"
            if any(int(n) >= 2 ** 53 for n in _LONG_WHOLE.findall(block)):
                self.reason = "it holds a number too long for calamine to keep every digit of"

    def problem(self) -> str | None:
        """Why calamine must not read the workbook this part is in, or None."""
        if self.reason:
            return self.reason
        if self.tags[b"c"] != self.cells or self.tags[b"row"] != self.rows:
            return "it holds unplaced cells or rows, or cells written in another way"
        if self.strings and self.text_tags != self.tags[b"t"] + self.text_ends:
            return "it holds text written in another way"
        if self.beyond:
            return "a cell claims a row past the last row"
        if self.unique > self.tags[b"si"]:
            return "it says it holds more shared strings than it does"
        if self.top * (self.wide + 1) * 26 > max(GRID_FREE, GRID_PER_CELL * self.cells):
            return "its cells are spread far apart"
        return None


def worksheets(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], datetime, bool]:
    """Each worksheet's name and part, in the workbook's order; the date system; and
    whether every part the workbook points to is XML."""
    from defusedxml import ElementTree

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets, all_xml = {}, True
    for rel in relations.iter(f"{PACKAGE}Relationship"):
        target = rel.get("Target", "")
        all_xml = all_xml and target.lower().endswith(".xml")
        if rel.get("Type", "").endswith("/worksheet"):
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                "xl/" + target
    sheets = [(s.get("name", ""), targets[s.get(f"{RELATIONS}id")])
              for s in book.iter(f"{MAIN}sheet") if s.get(f"{RELATIONS}id") in targets]
    properties = book.find(f"{MAIN}workbookPr")
    mac = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    return sheets, MAC_1904 if mac else WINDOWS_1900, all_xml


def _layout_reason(archive: zipfile.ZipFile, data: bytes) -> str | None:
    names = archive.namelist()
    if any(n.lower() in OTHER_FORMATS for n in names):
        return "it could be read as another kind of workbook"
    if "xl/_rels/workbook.xml.rels" not in names:
        return "it has no list of its parts"
    return tidy(data, archive)


def scan(archive: zipfile.ZipFile, data: bytes, name: str) -> str | None:
    """Every part read through (``Unreadable`` if one is damaged) and every XML part
    measured: why calamine must not read this workbook, or None when it safely may."""
    reason, sheets = _layout_reason(archive, data), []
    if reason is None:
        try:
            sheets, _, all_xml = worksheets(archive)
        except Exception:  # noqa: BLE001 - a damaged part: openpyxl says what is wrong
            sheets, all_xml, reason = [], True, "its list of sheets cannot be read"
        if not all_xml:
            reason = "it points to a part that is not XML"
        elif any(part not in archive.namelist() for _, part in sheets):
            reason = "a sheet is missing"
    texts = {part for _, part in sheets} if reason is None else set()
    parts, cells = [], 0
    for entry in archive.infolist():
        xml = reason is None and entry.filename.lower().endswith((".xml", ".rels"))
        strings = entry.filename in texts or entry.filename.lower().endswith(
            "sharedstrings.xml")
        part = Part(strings=strings)
        for block, whole in blocks(archive, entry, name):  # read through: checksums too
            if xml:
                part.read(block, whole)
        if xml:
            reason = part.problem()
            parts.append(part)
            cells += part.cells
    if reason is None:
        strings_held = sum(p.tags[b"si"] for p in parts)
        if strings_held > max(STRINGS_FREE, cells):
            return "it holds more shared strings than cells"
        if any(p.claim > max(p.elements, cells) for p in parts):
            return "a count it declares is more than its part holds"
    return reason
