"""Parse the plain text of an ITU resolution into its structure (no RDF here).

The grammar, in reading order (docs/ingestion.md has the full account and the variants):

1. anything before the heading (a foreword) is skipped;
2. the heading: ``RESOLUTION 38 (Rev. Dubai, 2012)``, ``RESOLUTION 233 (WRC-12)``,
   ``RESOLUTION ITU-R 50-2``;
3. the title, on one or more lines;
4. optionally the history: ``(Montreal, 2000; Florianópolis, 2004; ...)`` or ``(2000-2007-2012)``;
5. the enacting formula: ``The World Telecommunication Standardization Assembly (Dubai, 2012),``;
6. sections: a heading line whose phrase is a clause kind of ``ontology/vocab/clause-kind.ttl``
   (``considering``, ``resolves``, ``instructs the Director of ...``), then its clauses: labelled
   (``a)``, ``(a)``, ``1``, ``1.``, ``a bis)``, ``i)``, bullets ``–``/``•``/``-``) or unlabelled
   paragraphs; a label alone on a line takes the next line as its text; a line that does not start
   a clause continues the previous one (hard-wrapped text).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ResolutionParseError
from .text import NormalizedText, footnote_refs, normalize, read_text, strip_marks
from .vocabulary import ClauseKind, HeadingMatch, Vocabulary

BODIES = {
    "world telecommunication standardization assembly": "wtsa",
    "world telecommunication development conference": "wtdc",
    "world radiocommunication conference": "wrc",
    "radiocommunication assembly": "ra",
    "plenipotentiary conference": "pp",
}
_BODY_ACRONYMS = {"WTSA": "wtsa", "WTDC": "wtdc", "WRC": "wrc", "RA": "ra", "PP": "pp"}

_HEADER_RE = re.compile(
    r"^(?:(?P<prefix>WTSA|WTDC|WRC|RA|PP)\s+)?resolution\s+(?P<itur>itu-r\s+)?"
    r"(?P<num>\d+[a-z]?|\[[^\]\s]+\]|[a-z]+/\d+)(?:-(?P<rev>\d+))?"
    r"\s*(?:\((?P<paren>[^()]*)\))?\s*[.:]?$",
    re.IGNORECASE,
)
_HEADER_START_RE = re.compile(r"^(?:(?:WTSA|WTDC|WRC|RA|PP)\s+)?resolution$", re.IGNORECASE)
_ANNEX_RE = re.compile(
    r"^(?:annex|attachment|appendix)(?:\s+(?:\d+|[a-z]|[ivx]+))?(?:\s+to\s+(?:the\s+)?resolution\b.*)?$",
    re.IGNORECASE,
)
_BULLET_PREFIX_RE = re.compile(r"^[–—•·▪◦-][\t ]+")
_PAREN_BODY_RE = re.compile(r"^(?P<rev>rev\.?\s*)?(?P<body>WTSA|WTDC|WRC|RA|PP)-(?P<yy>\d{2})$", re.I)
_PAREN_PLACE_RE = re.compile(r"^(?P<rev>rev\.?\s*)?(?P<place>[^\d,;]+?),?\s*(?P<year>\d{4})$", re.I)
_HISTORY_ENTRY_RE = re.compile(r"(?P<place>[^\d,;()]*?)\s*,?\s*(?P<year>\d{4})")
_ENACTING_RE = re.compile(r"^the\s+.*\b(assembly|conference)\b", re.IGNORECASE)
_ENACTING_PLACE_RE = re.compile(r"\(\s*(?P<place>[^\d,()]+?),?\s*(?P<year>\d{4})\s*\)")

_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
_LABEL_RE = re.compile(
    r"""^(?:
        \(?(?P<roman>(?:ii|iii|iv|vi|vii|viii|ix|xi|xii))\)
      | \(?(?P<letter>[a-z])(?:\s?(?P<lsuf>bis|ter|quater))?\)
      | (?P<decimal>\d{1,2}(?:\.\d{1,2})+)(?:\s?(?P<dsuf>bis|ter|quater))?\.?(?=\s|$)
      | (?P<number>\d{1,2})(?:\s?(?P<nsuf>bis|ter|quater))?[.)]?(?=\s|$)
      | (?P<bullet>[–—•·▪◦-])(?=\s|$)
    )(?P<sep>\t+|[ ]+|$|(?<=\)))""",
    re.VERBOSE,
)
_ABBREVIATIONS = ("rev.", "no.", "res.", "rec.", "e.g.", "i.e.", "art.", "para.", "vol.", "doc.")


@dataclass
class Item:
    """A clause or sub-item: its label (None when unlabelled), text pieces and children."""

    label: str | None
    label_type: str  # letter | number | roman | bullet | none
    line: int
    pieces: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return " ".join(self.pieces)

    @property
    def text(self) -> str:
        """The normalized text, footnote markers removed."""
        return strip_marks(self.raw)

    @property
    def footnotes(self) -> list[str]:
        return footnote_refs(self.raw)


@dataclass
class Section:
    """A headed block; ``groups`` pairs each verb of the heading with the addressee it names."""

    kind: ClauseKind
    heading: str
    line: int
    groups: list[tuple[ClauseKind, str]]
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Adoption:
    """Where and when a revision was adopted, as far as the text says."""

    place: str | None
    year: int


@dataclass
class ParsedResolution:
    """Everything the text says about one resolution revision."""

    path: Path
    sha256: str
    body: str
    number: str
    itu_r_revision: int | None
    identifier: str
    adoption: Adoption | None
    title: str
    history: list[Adoption]
    enacting_formula: str | None
    sections: list[Section]
    footnotes: dict


def two_digit_year(two_digits: str) -> int:
    """The year of "WRC-15", "CPM15-1": 15 → 2015, 97 → 1997."""
    value = int(two_digits)
    return 1900 + value if value >= 50 else 2000 + value


def parse_paren(paren: str | None) -> tuple[str | None, Adoption | None]:
    """Body (if named) and adoption from '(Rev. Dubai, 2012)' or '(REV.WRC-07)'."""
    if not paren:
        return None, None
    paren = paren.strip()
    match = _PAREN_BODY_RE.match(paren)
    if match:
        return _BODY_ACRONYMS[match["body"].upper()], Adoption(None, two_digit_year(match["yy"]))
    match = _PAREN_PLACE_RE.match(paren)
    if match:
        return None, Adoption(match["place"].strip(), int(match["year"]))
    return None, None


def _parse_history(text: str) -> list[Adoption]:
    inner = text.strip().lstrip("(").rstrip(")")
    return [
        Adoption(m["place"].strip(" ;,") or None, int(m["year"]))
        for m in _HISTORY_ENTRY_RE.finditer(inner)
    ]


def _body_of_formula(formula: str) -> tuple[str | None, Adoption | None]:
    lowered = formula.lower()
    body = next((code for name, code in BODIES.items() if name in lowered), None)
    match = _ENACTING_PLACE_RE.search(formula)
    adoption = Adoption(match["place"].strip(), int(match["year"])) if match else None
    return body, adoption


def _ends_formula(collected: str) -> bool:
    """Whether the enacting formula collected so far is complete: "(Dubai, 2012)," closed."""
    text = collected.rstrip()
    return text.endswith((",", ":")) and text.count("(") == text.count(")")


def _ends_paragraph(text: str) -> bool:
    """Whether a line ending like ``text`` closes its paragraph (so the next line starts one)."""
    if not text:
        return False
    if text.endswith((";", ":")):
        return True
    if text.endswith("."):
        return not text.lower().endswith(_ABBREVIATIONS)
    return False


class _Parser:
    def __init__(self, path: Path, normalized: NormalizedText, vocabulary: Vocabulary, partial: bool):
        self.path = path
        self.partial = partial
        self.lines = normalized.lines
        self.footnotes = normalized.footnotes
        self.vocabulary = vocabulary
        self.verb_split = re.compile(
            rf"\s*,?\s+and\s+(?=(?:{vocabulary.operative_phrase_pattern()})\b)", re.IGNORECASE
        )

    def error(self, line: int, message: str) -> ResolutionParseError:
        return ResolutionParseError(self.path, message, line)

    # -- front matter -------------------------------------------------------------------------
    def _find_header(self) -> tuple[int, int, re.Match[str]]:
        """The heading's first and last line index; a heading may be broken over lines."""
        for index, line in enumerate(self.lines):
            line = line.strip()
            match = _HEADER_RE.match(line)
            if match:
                return index, index, match
            if _HEADER_START_RE.match(line) or (
                line.lower().startswith(("resolution ", "wtsa ", "wtdc ", "pp ", "wrc ", "ra "))
                and "(" in line
                and ")" not in line
            ):
                joined, end = line, index
                while end + 1 < len(self.lines) and end - index < 3:
                    end += 1
                    joined = f"{joined} {self.lines[end].strip()}".strip()
                    match = _HEADER_RE.match(joined)
                    if match:
                        return index, end, match
        raise self.error(
            1,
            "expected a resolution heading such as 'RESOLUTION 38 (Rev. Dubai, 2012)', "
            "'RESOLUTION 233 (WRC-12)' or 'RESOLUTION ITU-R 50-2'; none found",
        )

    def _unbullet(self, line: str) -> str:
        """A line without a bullet that only decorates a heading or a labelled clause."""
        match = _BULLET_PREFIX_RE.match(line)
        if match is None:
            return line
        rest = line[match.end() :].strip()
        if _LABEL_RE.match(rest) or self._heading(rest, False) is not None:
            return rest
        return line

    def parse(self) -> ParsedResolution:
        header_index, header_end, header = self._find_header()
        paren_body, adoption = parse_paren(header["paren"])
        index = header_end + 1
        title_parts: list[str] = []
        history: list[Adoption] = []
        formula: str | None = None
        while index < len(self.lines):
            line = self._unbullet(self.lines[index].strip())
            if not line:
                index += 1
                continue
            if line.startswith("(") and not history and formula is None:
                text, index = self._collect_until(index, lambda t: t.rstrip().endswith(")"))
                history = _parse_history(text)
                if not history:
                    raise self.error(
                        index,
                        f"expected the history of the resolution, e.g. "
                        f"'(Montreal, 2000; Dubai, 2012)'; found {text!r}",
                    )
                continue
            if formula is None and _ENACTING_RE.match(line):
                formula, index = self._collect_until(index, _ends_formula)
                continue
            if self.vocabulary.match_heading(line) and (title_parts or formula):
                break
            if formula is not None or history:
                raise self.error(
                    index + 1,
                    f"expected a section heading (e.g. 'considering', 'resolves'); found {line!r}",
                )
            title_parts.append(line)
            index += 1
        if not title_parts:
            raise self.error(header_index + 2, "expected the title of the resolution after its heading")

        formula_body, formula_adoption = _body_of_formula(formula) if formula else (None, None)
        prefix_body = _BODY_ACRONYMS[header["prefix"].upper()] if header["prefix"] else None
        body = formula_body or paren_body or prefix_body or ("ra" if header["itur"] else None)
        if body is None:
            raise self.error(
                header_index + 1,
                "cannot tell which assembly or conference adopted the resolution: expected an "
                "enacting formula such as 'The World Telecommunication Standardization Assembly "
                "(Dubai, 2012),'",
            )
        adoption = self._reconcile(adoption, formula_adoption, history, header_index + 1)
        sections = self._parse_sections(index)
        number = header["num"]
        rev = int(header["rev"]) if header["rev"] is not None else None
        identifier = self._identifier(header, body)
        return ParsedResolution(
            path=self.path,
            sha256="",
            body=body,
            number=number,
            itu_r_revision=rev if body == "ra" else None,
            identifier=identifier,
            adoption=adoption,
            title=" ".join(title_parts),
            history=history,
            enacting_formula=formula,
            sections=sections,
            footnotes=self.footnotes,
        )

    @staticmethod
    def _identifier(header: re.Match[str], body: str) -> str:
        number = header["num"] + (f"-{header['rev']}" if header["rev"] is not None else "")
        prefix = "Resolution ITU-R " if header["itur"] else "Resolution "
        paren = f" ({header['paren'].strip()})" if header["paren"] else ""
        return f"{prefix}{number}{paren}"

    def _reconcile(
        self, header: Adoption | None, formula: Adoption | None, history: list[Adoption], line: int
    ) -> Adoption | None:
        """The adoption of this revision; the heading, formula and history must agree on the year."""
        candidates = [a for a in (header, formula) if a is not None]
        if history:
            candidates.append(history[-1])
        years = {a.year for a in candidates}
        if len(years) > 1:
            raise self.error(
                line,
                f"the heading, enacting formula and history give different years {sorted(years)}",
            )
        if not candidates:
            return None
        place = next((a.place for a in candidates if a.place), None)
        return Adoption(place, candidates[0].year)

    def _collect_until(self, index: int, done) -> tuple[str, int]:
        parts: list[str] = []
        start = index
        while index < len(self.lines):
            line = self.lines[index].strip()
            index += 1
            if not line:
                continue
            parts.append(line)
            if done(" ".join(parts)):
                return " ".join(parts), index
        raise self.error(start + 1, f"unterminated front matter starting {parts[0]!r}")

    # -- sections and clauses -----------------------------------------------------------------
    def _heading(self, line: str, continuation: bool) -> tuple[HeadingMatch, str | None] | None:
        """A heading on ``line`` and an inline first clause ("considering that ..."), if any."""
        match = self.vocabulary.match_heading(line)
        if match is None or _LABEL_RE.match(line):
            return None
        remainder = match.remainder.rstrip(",:").strip()
        if not remainder:
            return match, None
        if continuation or line.rstrip().endswith((";", ".")):
            return None
        if remainder.lower().startswith("that "):
            return match, remainder
        if not match.kind.operative or len(remainder) > 300:
            return None
        return match, None

    def _groups(self, match: HeadingMatch) -> list[tuple[ClauseKind, str]]:
        remainder = match.remainder.rstrip(",:").strip()
        parts = self.verb_split.split(remainder)
        groups = [(match.kind, parts[0].strip())]
        for part in parts[1:]:
            sub = self.vocabulary.match_heading(part)
            if sub is not None:
                groups.append((sub.kind, sub.remainder.rstrip(",:").strip()))
        return groups

    def _parse_sections(self, index: int) -> list[Section]:
        sections: list[Section] = []
        stack: list[tuple[str, list[Item]]] = []  # open lists: (label type, items)
        current: Item | None = None
        after_blank = False
        while index < len(self.lines):
            line = self._unbullet(self.lines[index].strip())
            number = index + 1
            index += 1
            if not line:
                after_blank = True
                continue
            if _HEADER_RE.match(line):
                raise self.error(number, "a second resolution heading: ingest one resolution per file")
            if sections and _ANNEX_RE.match(line):
                break  # annexes are not clauses of the resolution
            previous = strip_marks(current.raw) if current is not None else ""
            # "open": the previous line stops mid-sentence, so this line most likely continues it.
            open_line = bool(previous) and not after_blank and not _ends_paragraph(previous)
            heading = self._heading(line, open_line and not previous.endswith(","))
            if heading is not None:
                match, inline = heading
                text = line.rstrip(",:")
                # A wrapped addressee ("instructs the Director of the Telecommunication / Standardization
                # Bureau") continues on lines that start no clause.
                while (
                    match.remainder
                    and not inline
                    and not line.endswith(",")
                    and index < len(self.lines)
                    and self.lines[index].strip()
                    and not self._starts_clause(self.lines[index].strip())
                ):
                    line = f"{line} {self.lines[index].strip()}"
                    index += 1
                    match = self.vocabulary.match_heading(line)
                    text = line.rstrip(",:")
                section = Section(
                    match.kind,
                    text if not inline else match.phrase,
                    number,
                    self._groups(match) if not inline else [(match.kind, "")],
                )
                sections.append(section)
                stack = [("top", section.items)]
                current = None
                if inline:
                    current = Item(None, "none", number, [inline])
                    section.items.append(current)
                after_blank = False
                continue
            if not sections:
                raise self.error(
                    number,
                    f"expected a section heading such as 'considering' or 'resolves' before "
                    f"the first clause; found {line!r}",
                )
            label = _LABEL_RE.match(line)
            strong = label is not None and (label["sep"].startswith("\t") or label["sep"] == "")
            if label is not None and (strong or not open_line or previous.endswith(",")):
                current = self._add_labelled(stack, current, label, number, line[label.end() :].strip())
                after_blank = False
                continue
            continues = open_line and not (previous.endswith(",") and line.lower().startswith("that "))
            if current is not None and (continues or not current.pieces):
                current.pieces.append(line)
            else:
                current = self._add_unlabelled(stack, current, number, line)
            after_blank = False
        if not sections:
            raise self.error(
                len(self.lines), "expected sections (e.g. 'considering', 'resolves'); none found"
            )
        for section in sections:
            if not section.items:
                raise self.error(section.line, f"section {section.heading!r} has no clause")
            for item in walk_items(section.items):
                for ref in item.footnotes:
                    if ref not in self.footnotes:
                        raise self.error(
                            item.line, f"footnote {ref} is referenced but its text was not found"
                        )
        if not self.partial and not any(s.kind.operative for s in sections):
            raise self.error(
                sections[-1].line,
                "expected at least one operative section (e.g. 'resolves', 'decides', "
                "'instructs'); found only preambular ones",
            )
        return sections

    def _starts_clause(self, line: str) -> bool:
        lowered = line.lower()
        return bool(
            _LABEL_RE.match(line)
            or lowered.startswith(("to ", "that ", "("))
            or self.vocabulary.match_heading(line)
        )

    @staticmethod
    def _label_type(label: re.Match[str], stack: list[tuple[str, list[Item]]]) -> tuple[str, str | None]:
        if label["roman"]:
            return "roman", label["roman"]
        if label["letter"]:
            letter = label["letter"]
            suffix = f" {label['lsuf']}" if label["lsuf"] else ""
            if letter in _ROMAN and not suffix:
                # "i)" continues a letter list only after "h)"; otherwise it is a roman numeral.
                previous = chr(ord(letter) - 1)
                letter_list = any(
                    kind == "letter" and items and (items[-1].label or "").split(" ")[0] == previous
                    for kind, items in stack
                )
                if not letter_list:
                    return "roman", letter
            return "letter", letter + suffix
        if label["decimal"]:
            suffix = f" {label['dsuf']}" if label["dsuf"] else ""
            return "decimal", label["decimal"] + suffix
        if label["number"]:
            suffix = f" {label['nsuf']}" if label["nsuf"] else ""
            return "number", label["number"] + suffix
        return "bullet", None

    def _add_labelled(self, stack, current: Item | None, label, number: int, text: str) -> Item:
        kind, value = self._label_type(label, stack)
        item = Item(value, kind, number, [text] if text else [])
        if current is not None and current.label_type != kind and current.text.endswith(":"):
            # "... with the following agenda:" introduces a list of its own.
            stack.append((kind, current.children))
            current.children.append(item)
        else:
            self._place(stack, kind, item)
        return item

    def _place(self, stack, kind: str, item: Item) -> None:
        for depth in range(len(stack) - 1, -1, -1):
            level_kind, items = stack[depth]
            if level_kind == kind or (depth == 0 and level_kind == "top"):
                if depth == 0 and level_kind == "top":
                    stack[0] = (kind, items)
                del stack[depth + 1 :]
                items.append(item)
                return
        parent = stack[-1][1][-1]
        stack.append((kind, parent.children))
        parent.children.append(item)

    def _add_unlabelled(self, stack, current: Item | None, number: int, line: str) -> Item:
        item = Item(None, "none", number, [line])
        if current is not None and strip_marks(current.raw).endswith(":"):
            stack.append(("none", current.children))
            current.children.append(item)
        elif stack[-1][0] == "none" and len(stack) > 1:
            stack[-1][1].append(item)
        else:
            del stack[1:]
            stack[0][1].append(item)
        return item


def walk_items(items: list[Item]):
    """Every item of ``items`` and their sub-items, in reading order."""
    for item in items:
        yield item
        yield from walk_items(item.children)


def parse_resolution(path: Path, vocabulary: Vocabulary, partial: bool = False) -> ParsedResolution:
    """Parse the resolution text at ``path``; raise :class:`ResolutionParseError` if it is not one.

    ``partial`` accepts an excerpt that stops before the operative part.
    """
    path = Path(path)
    text = read_text(path)
    parsed = _Parser(path, normalize(text, path), vocabulary, partial).parse()
    parsed.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return parsed
