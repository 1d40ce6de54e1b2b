"""Normalization of texts converted from Word, as documented in docs/ingestion.md.

The converter leaves artefacts: bookmarks (``[bookmark: _GoBack]``), footnote references
(``[footnoteRef:1]1``) and footnote texts (``[1: 1<TAB>These include ...]``), non-breaking hyphens
and spaces, tabs between a clause label and its text. :func:`normalize` removes the artefacts,
keeps the line numbering of the file, and returns the footnotes separately with a marker where
each was referenced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

#: Marker left in a line where a footnote was referenced: FOOTNOTE_MARK.format(number).
FOOTNOTE_OPEN, FOOTNOTE_CLOSE = "\ue000", "\ue001"
FOOTNOTE_MARK_RE = re.compile(f"{FOOTNOTE_OPEN}([^{FOOTNOTE_CLOSE}]+){FOOTNOTE_CLOSE}")

_BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
_MD_FOOTNOTE_REF_RE = re.compile(r"\[\^(\d+)\](?!:)")
_MD_FOOTNOTE_DEF_RE = re.compile(r"^\[\^(\d+)\]:\s*(.*)$")
_FOOTNOTE_DEF_START_RE = re.compile(r"\[(\d+):\s")
_FOOTNOTE_BLOCK_RULE_RE = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_BLOCK_ITEM_RE = re.compile(r"^\s*(\d+)[\t ]+(\S.*)$")

#: Characters replaced before parsing (documented in docs/ingestion.md).
CHARACTER_MAP = {
    "\u2011": "-",  # non-breaking hyphen
    "\u2010": "-",  # hyphen
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u2007": " ",  # figure space
    "\u2009": " ",  # thin space
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "\ufeff": "",  # byte-order mark / zero-width no-break space
}
_CHAR_TABLE = str.maketrans(CHARACTER_MAP)


@dataclass(frozen=True)
class Footnote:
    """A footnote's number, its normalized text and the line where its text starts."""

    number: str
    text: str
    line: int


@dataclass(frozen=True)
class NormalizedText:
    """The lines of a text after normalization (line i is line i+1 of the file) and its footnotes."""

    lines: list[str]
    footnotes: dict[str, Footnote]


def collapse(text: str) -> str:
    """Collapse runs of whitespace (tabs included) into one space and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


def normalize_characters(text: str) -> str:
    """NFC-compose, then replace the characters of :data:`CHARACTER_MAP`."""
    return unicodedata.normalize("NFC", text).translate(_CHAR_TABLE)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM allowed), naming the file and byte on failure."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(path, "no such file") from None
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", line
        ) from None


def _extract_inline_footnotes(text: str, path: Path) -> tuple[str, dict[str, Footnote]]:
    """Cut ``[N: text]`` footnote bodies out of the text, keeping its newlines."""
    footnotes: dict[str, Footnote] = {}
    out: list[str] = []
    pos = 0
    for match in _FOOTNOTE_DEF_START_RE.finditer(text):
        if match.start() < pos:
            continue
        depth, end = 0, None
        for i in range(match.start(), len(text)):
            if text[i] == "[":
                depth += 1
            elif text[i] == "]":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        line = text.count("\n", 0, match.start()) + 1
        if end is None:
            raise SourceError(path, f"footnote {match.group(1)} is not closed by ']'", line)
        number = match.group(1)
        body = text[match.end() : end]
        body = re.sub(rf"^\s*{number}\s+", "", body)  # the rendered footnote number
        footnotes[number] = Footnote(number, collapse(body), line)
        out.append(text[pos : match.start()])
        out.append("\n" * text.count("\n", match.start(), end))
        pos = end + 1
    out.append(text[pos:])
    return "".join(out), footnotes


def normalize(text: str, path: Path) -> NormalizedText:
    """Remove conversion artefacts; return the lines (numbering kept) and the footnotes."""
    text = normalize_characters(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _BOOKMARK_RE.sub("", text)
    text, footnotes = _extract_inline_footnotes(text, path)

    def mark(match: re.Match[str]) -> str:
        return f"{FOOTNOTE_OPEN}{match.group(1)}{FOOTNOTE_CLOSE}"

    # "[footnoteRef:1]1": the digits after the reference are the rendered marker.
    text = re.sub(
        r"\[footnoteRef:\s*(\d+)\](\d+)?",
        lambda m: mark(m) if m.group(2) in (None, m.group(1)) else mark(m) + m.group(2),
        text,
    )
    lines = text.split("\n")
    in_block = False
    for index, line in enumerate(lines):
        definition = _MD_FOOTNOTE_DEF_RE.match(line.strip())
        if definition:
            number, body = definition.groups()
            footnotes[number] = Footnote(number, collapse(body), index + 1)
            lines[index] = ""
            continue
        if _FOOTNOTE_BLOCK_RULE_RE.match(line):
            in_block = True
            lines[index] = ""
            continue
        if in_block:
            item = _FOOTNOTE_BLOCK_ITEM_RE.match(line)
            if item:
                footnotes[item.group(1)] = Footnote(item.group(1), collapse(item.group(2)), index + 1)
                lines[index] = ""
            elif line.strip():
                in_block = False
            continue
        lines[index] = _MD_FOOTNOTE_REF_RE.sub(mark, line).rstrip()
    return NormalizedText(lines, footnotes)


def footnote_refs(text: str) -> list[str]:
    """The footnote numbers marked in ``text``, in order."""
    return FOOTNOTE_MARK_RE.findall(text)


def strip_marks(text: str) -> str:
    """``text`` without footnote markers, whitespace collapsed."""
    return collapse(FOOTNOTE_MARK_RE.sub("", text))
