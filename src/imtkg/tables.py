"""Read roadmap spreadsheets (CSV, XLSX) into RDF: one standardization activity per row.

The columns are documented in ``docs/tables.md``; the IRIs follow ``docs/design.md`` ("IMT work,
the catalogue and roadmaps"). Status, topic and IMT-generation values are looked up in the
project's concept schemes (``ontology/vocab/status.ttl``, ``topic.ttl``, ``imt-generation.ttl``),
so a new concept there is a new accepted value here.

Every problem is reported with the file, the spreadsheet row (the header is row 1) and the column.
A file with a bad row imports nothing unless ``skip_bad_rows`` is given; problems with the file
itself (its encoding, its header) always stop the import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .errors import ImtkgError, InputError, SourceError
from .graph import new_graph, parse_turtle
from .namespaces import ID, IMTKG, VOCAB, slug
from .project import Project

COLUMNS: tuple[str, ...] = (
    "activity",
    "label",
    "sector",
    "group",
    "deliverable",
    "imt_generation",
    "topic",
    "status",
    "start",
    "target",
    "approval",
    "depends_on",
    "source",
)
"""The columns of a roadmap table, in the order of the template."""

REQUIRED_COLUMNS: frozenset[str] = frozenset({"activity", "label", "sector", "source"})
"""The columns every table must have and every row must fill."""

SUFFIXES = (".csv", ".xlsx")

_DATE_PROPERTIES = {
    "start": IMTKG.startDate,
    "target": IMTKG.targetDate,
    "approval": IMTKG.approvalDate,
}
_SECTORS = {"ITU-T": "itu-t", "ITU-R": "itu-r", "ITU-D": "itu-d"}

Cell = str | dt.date  # a stripped string ("" when blank), or an XLSX date cell


# -- errors and result ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in a table: the file, the spreadsheet row (header = 1), the column, what is wrong.

    ``row`` is ``None`` for a problem with the file as a whole (encoding, not a workbook, empty);
    ``column`` is ``None`` for a problem with a whole row.
    """

    path: Path
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.row is not None:
            where += f":{self.row}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class TableError(SourceError):
    """A table that cannot be imported; ``errors`` lists every problem found, in row order."""

    def __init__(self, path: Path | str, errors: list[RowError]):
        self.path = Path(path)
        self.errors = list(errors)
        self.line = self.errors[0].row if len(self.errors) == 1 else None
        if len(self.errors) == 1:
            self.detail = self.errors[0].message
            text = str(self.errors[0])
        else:
            self.detail = f"{len(self.errors)} errors; nothing imported"
            text = f"{self.path}: {self.detail}\n" + "\n".join(f"  {e}" for e in self.errors)
        ImtkgError.__init__(self, text)


@dataclass
class TableImport:
    """What :func:`import_table` read: the graph, the counts, and the rows it skipped (and why)."""

    graph: Graph
    rows_read: int
    rows_imported: int
    skipped: list[RowError] = field(default_factory=list)


# -- the concept schemes ----------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class _Scheme:
    """A concept scheme's concepts by slug, notation and labels (case-insensitive)."""

    name: str
    concepts: dict[str, URIRef]
    ambiguous: frozenset[str]
    slugs: tuple[str, ...]
    labels: tuple[str, ...]

    def lookup(self, value: str) -> URIRef | None:
        return self.concepts.get(_key(value))


@cache
def _scheme(ontology_dir: Path, name: str) -> _Scheme:
    path = ontology_dir / "vocab" / f"{name}.ttl"
    graph = parse_turtle(path, Graph())
    scheme = VOCAB[name]
    members = set(graph.subjects(SKOS.inScheme, scheme)) | set(graph.subjects(SKOS.topConceptOf, scheme))
    if not members:
        raise SourceError(path, f"no concepts of the scheme <{scheme}>")
    names: dict[str, set[URIRef]] = {}
    slugs, labels = [], []
    for concept in sorted(members):
        concept_slug = str(concept).rsplit("/", 1)[1]
        slugs.append(concept_slug)
        labels.extend(str(lit) for lit in graph.objects(concept, SKOS.prefLabel))
        values = [concept_slug]
        for predicate in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel, RDFS.label):
            values.extend(str(lit) for lit in graph.objects(concept, predicate))
        for value in values:
            names.setdefault(_key(value), set()).add(concept)
    concepts = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}
    ambiguous = frozenset(k for k, v in names.items() if len(v) > 1)
    return _Scheme(name, concepts, ambiguous, tuple(sorted(slugs)), tuple(sorted(set(labels))))


# -- reading the file -------------------------------------------------------------------------


def _read_csv(path: Path) -> Iterator[list[Cell]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8"
        raise TableError(path, [RowError(path, None, None, message)]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TableError(path, [RowError(path, row, None, f"malformed CSV: {exc}")]) from None
        yield [cell.strip() for cell in cells]


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.date):  # dt.datetime too
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> Iterator[list[Cell]]:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    def invalid(exc: Exception) -> TableError:
        reason = str(exc) or type(exc).__name__
        return TableError(path, [RowError(path, None, None, f"not a valid XLSX workbook ({reason})")])

    if not path.is_file():
        raise SourceError(path, "no such file")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl and zipfile raise many types for a broken file
        raise invalid(exc) from None
    try:
        if not workbook.worksheets:
            return
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise invalid(exc) from None
            yield [_xlsx_cell(v) for v in values]
    finally:
        workbook.close()


def _read_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: not a table (expected a .csv or .xlsx file)")
    if suffix == ".csv" and not path.is_file():
        raise SourceError(path, "no such file")
    reader = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    return list(enumerate(reader, start=1))


def _blank(cells: list[Cell]) -> bool:
    return all(cell == "" for cell in cells)


def _column_name(cell: Cell) -> str:
    text = cell.isoformat() if isinstance(cell, dt.date) else cell
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _header(path: Path, cells: list[Cell]) -> dict[str, int]:
    """Column name → position; raises :class:`TableError` for a header that cannot be used."""
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    for position, cell in enumerate(cells):
        written = cell.isoformat() if isinstance(cell, dt.date) else cell
        name = _column_name(cell)
        if not name:  # values under it are reported with their rows
            continue
        if name not in COLUMNS:
            message = f"unknown column (expected: {', '.join(COLUMNS)})"
            errors.append(RowError(path, 1, written, message))
        elif name in positions:
            errors.append(RowError(path, 1, name, "the column appears twice"))
        else:
            positions[name] = position
    for name in COLUMNS:
        if name in REQUIRED_COLUMNS and name not in positions:
            errors.append(RowError(path, 1, name, "required column is missing"))
    if errors:
        raise TableError(path, errors)
    return positions


# -- values -----------------------------------------------------------------------------------

_SLUG_RE = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_IRI_RE = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.IGNORECASE)
_DATE_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?", re.ASCII)

_SG = r"(?:SG|Study\s+Group)\s*(?P<n>\d{1,2})"
_WP = r"(?:WP|Working\s+Party)\s*"
_GROUP_RES = (
    ("sg", re.compile(rf"(?:(?P<sector>ITU-[TRD])\s*)?{_SG}", re.I | re.A)),
    ("wp-r", re.compile(rf"(?:ITU-R\s*)?{_WP}(?P<sg>\d)(?P<letter>[A-Z])", re.I | re.A)),
    ("wp", re.compile(rf"(?:(?P<sector>ITU-[TD])\s*)?{_WP}(?P<wp>\d+)/(?P<sg>\d+)", re.I | re.A)),
    (
        "jtg",
        re.compile(r"(?:ITU-R\s*)?(?:JTG|Joint\s+Task\s+Group)\s*(?P<ids>\d+(?:-\d+)+)", re.I | re.A),
    ),
    ("fg", re.compile(r"(?:(?P<sector>ITU-[TRD])\s*)?FG[\s\-]*(?P<name>\w.*)", re.I | re.A)),
    ("jca", re.compile(r"(?:(?P<sector>ITU-[TRD])\s*)?JCA[\s\-]*(?P<name>\w.*)", re.I | re.A)),
)
_EDITION = r"(?:-(?P<ver>\d+))?(?:\s*\((?P<mm>\d{1,2})/(?P<yyyy>\d{4})\))?"
_SYMBOL = r"(?:(?P<sector>ITU-[TRD])\s+)?(?P<series>[A-Z]{1,3})\.(?P<num>\d+(?:\.\d+)*)"
_DELIVERABLE_RES = (
    ("rec", re.compile(rf"(?:(?:Recommendation|Rec\.)\s+)?{_SYMBOL}{_EDITION}", re.I | re.A)),
    ("report", re.compile(rf"Report\s+{_SYMBOL}{_EDITION}", re.I | re.A)),
    (
        "suppl",
        re.compile(
            r"(?:(?P<sector>ITU-[TRD])\s+)?(?P<series>[A-Z]{1,3})\s*\.?\s*Sup(?:p(?:l(?:ement)?)?)?\.?\s*"
            rf"(?P<num>\d+(?:\.\d+)?){_EDITION}",
            re.I | re.A,
        ),
    ),
)


class _Bad(Exception):
    """A cell value that cannot be used; the message says why."""


def _is_iri(value: str) -> bool:
    if not _IRI_RE.fullmatch(value):
        return False
    return bool(urlsplit(value).netloc)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _text(cell: Cell) -> str:
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date().isoformat()
    return cell.isoformat() if isinstance(cell, dt.date) else cell


def _date(cell: Cell) -> Literal:
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time(0):
            raise _Bad(f"'{cell.isoformat(sep=' ')}' has a time of day (expected a date)")
        cell = cell.date()
    if isinstance(cell, dt.date):
        return Literal(cell.isoformat(), datatype=XSD.date)
    match = _DATE_RE.fullmatch(cell)
    bad = _Bad(f"'{cell}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    if not match or match["y"] == "0000":
        raise bad
    try:
        if match["d"]:
            dt.date.fromisoformat(cell)
            return Literal(cell, datatype=XSD.date)
        if match["m"]:
            dt.date(int(match["y"]), int(match["m"]), 1)
            return Literal(cell, datatype=XSD.gYearMonth)
    except ValueError:
        raise bad from None
    return Literal(cell, datatype=XSD.gYear)


def _sector(value: str) -> str:
    code = _SECTORS.get(value.upper().replace(" ", ""))
    if code is None:
        raise _Bad(f"unknown Sector '{value}' (expected ITU-T, ITU-R or ITU-D)")
    return code


def _group(value: str, sector: str | None) -> URIRef | None:
    if _is_iri(value):
        return URIRef(value)
    value = " ".join(value.split())
    for kind, pattern in _GROUP_RES:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        if kind == "wp-r":
            return ID[f"org/itu-r/sg{match['sg']}/wp{match['sg']}{match['letter'].lower()}"]
        if kind == "jtg":
            return ID[f"org/itu-r/jtg-{match['ids']}"]
        code = _sector(match["sector"]) if match["sector"] else sector
        if code is None:  # the row's Sector is bad, and reported
            return None
        if kind == "sg":
            return ID[f"org/{code}/sg{int(match['n'])}"]
        if kind == "wp":
            if code == "itu-r":
                break
            return ID[f"org/{code}/sg{int(match['sg'])}/wp{int(match['wp'])}"]
        return ID[f"org/{code}/{kind}-{slug(match['name'])}"]
    raise _Bad(
        f"'{value}' is not a group (e.g. 'SG13', 'ITU-R SG 5', 'WP 5D', 'WP 1/13', 'FG IMT-2020', "
        "'JCA-IMT2020') nor an http(s) IRI"
    )


def _deliverable(value: str, sector: str | None) -> URIRef | None:
    if _is_iri(value):
        return URIRef(value)
    value = " ".join(value.split())
    for kind, pattern in _DELIVERABLE_RES:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        code = _sector(match["sector"]) if match["sector"] else sector
        if code is None:
            return None
        number = f"{match['series'].lower()}.{match['num']}"
        work = ID[f"{kind}/{code}/{number}"]
        version, month, year = match["ver"], match["mm"], match["yyyy"]
        if version is None and year is None:
            return work
        if version is not None and year is not None:
            break
        if code == "itu-d":
            raise _Bad(f"'{value}': ITU-D editions have no IRI pattern yet; give the work or an IRI")
        if version is not None:
            if kind == "suppl":
                example = "'ITU-T Y Suppl. 59 (03/2020)'"
                raise _Bad(f"'{value}': Supplement editions are named by date, e.g. {example}")
            if kind == "rec" and code == "itu-t":
                raise _Bad(f"'{value}': ITU-T editions are named by date, e.g. 'ITU-T Y.3101 (01/2018)'")
            return URIRef(f"{work}/{version}")
        if kind == "report":
            raise _Bad(f"'{value}': Report editions are named by version, e.g. 'Report ITU-R M.2410-0'")
        if code == "itu-r":
            raise _Bad(f"'{value}': ITU-R editions are named by version, e.g. 'ITU-R M.2150-3'")
        if not 1 <= int(month) <= 12:
            break
        return URIRef(f"{work}/{year}-{int(month):02d}")
    raise _Bad(
        f"'{value}' is not a Recommendation, Report or Supplement symbol (e.g. 'ITU-T Y.3101 "
        "(01/2018)', 'ITU-R M.2150-3', 'Report ITU-R M.2410', 'ITU-T Y Suppl. 59') nor an http(s) IRI"
    )


def _concept(scheme: _Scheme, value: str, what: str, expected: str) -> URIRef:
    concept = scheme.lookup(value)
    if concept is not None:
        return concept
    if _key(value) in scheme.ambiguous:
        raise _Bad(f"{what} '{value}' names more than one concept of the {scheme.name} scheme")
    raise _Bad(f"unknown {what} '{value}' ({expected})")


# -- rows -------------------------------------------------------------------------------------


@dataclass
class _Activity:
    """One row, read: what could be parsed, and the problems found."""

    row: int
    identifier: str = ""
    iri: URIRef | None = None
    triples: list[tuple[URIRef, URIRef, object]] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _Reader:
    def __init__(self, path: Path, project: Project):
        self.path = path
        self.ontology_dir = project.ontology_dir

    def scheme(self, name: str) -> _Scheme:
        return _scheme(self.ontology_dir, name)

    def activity(self, row: int, values: dict[str, Cell]) -> _Activity:
        found = _Activity(row)
        facts: list[tuple[str, URIRef, object]] = []  # (column, predicate, object), subject later

        def error(column: str | None, message: str) -> None:
            found.errors.append(RowError(self.path, row, column, message))

        def cell(column: str) -> str:
            return _text(values.get(column, ""))

        for column in COLUMNS:
            if column in REQUIRED_COLUMNS and cell(column) == "":
                error(column, "required value is missing")

        sector = None
        if cell("sector"):
            try:
                sector = _sector(cell("sector"))
                facts.append(("sector", IMTKG.sector, ID[f"org/{sector}"]))
            except _Bad as exc:
                error("sector", str(exc))

        identifier = found.identifier = cell("activity")
        if identifier:
            if _is_iri(identifier):
                found.iri = URIRef(identifier)
            elif _SLUG_RE.fullmatch(identifier):
                found.iri = ID[f"activity/{sector}/{identifier}"] if sector else None
            else:
                error(
                    "activity",
                    f"'{identifier}' is not an identifier (lowercase letters, digits, '.' and '-') "
                    "nor an http(s) IRI",
                )

        facts.append(("activity", RDF.type, IMTKG.StandardizationActivity))
        if cell("label"):
            facts.append(("label", RDFS.label, Literal(" ".join(cell("label").split()), lang="en")))

        def each(column: str, parse, predicate: URIRef, many: bool = True) -> None:
            text = cell(column)
            if not text:
                return
            for part in _split(text) if many else [text]:
                try:
                    obj = parse(part)
                except _Bad as exc:
                    error(column, str(exc))
                    continue
                if obj is not None:
                    facts.append((column, predicate, obj))

        each("group", lambda v: _group(v, sector), IMTKG.responsibleGroup, many=False)
        each("deliverable", lambda v: _deliverable(v, sector), IMTKG.deliverable)
        if cell("imt_generation"):
            generations = self.scheme("imt-generation")
            expected = "expected " + _or(generations.labels)
            each(
                "imt_generation",
                lambda v: _concept(generations, v, "IMT generation", expected),
                IMTKG.imtGeneration,
            )
        if cell("topic"):
            topics = self.scheme("topic")
            expected = "not a slug or label of the topic scheme, ontology/vocab/topic.ttl"
            each("topic", lambda v: _concept(topics, v, "topic", expected), IMTKG.topic)
        if cell("status"):
            statuses = self.scheme("status")
            expected = "expected " + _or(statuses.slugs)
            each("status", lambda v: _concept(statuses, v, "status", expected), IMTKG.status, many=False)
        for column, predicate in _DATE_PROPERTIES.items():
            raw = values.get(column, "")
            if raw != "":
                try:
                    facts.append((column, predicate, _date(raw)))
                except _Bad as exc:
                    error(column, str(exc))

        def source(value: str) -> URIRef:
            if not _is_iri(value):
                raise _Bad(f"'{value}' is not an absolute http(s) URL")
            return URIRef(value)

        each("source", source, DCTERMS.source)
        found.depends_on = _split(cell("depends_on"))
        if found.iri is not None:
            found.triples = [(found.iri, p, o) for _, p, o in facts]
        return found


def _or(values: tuple[str, ...]) -> str:
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + " or " + values[-1]


def _link(path: Path, activities: list[_Activity], skip_bad_rows: bool) -> None:
    """Check identifiers are unique and resolve ``depends_on``; adds errors to the rows."""
    first: dict[str, _Activity] = {}
    for activity in activities:
        if not activity.identifier:
            continue
        if activity.identifier in first:
            other = first[activity.identifier].row
            message = f"duplicate activity '{activity.identifier}' (first on row {other})"
            activity.errors.append(RowError(path, activity.row, "activity", message))
        else:
            first[activity.identifier] = activity
    targets: dict[int, list[tuple[str, _Activity]]] = {}
    for activity in activities:
        for name in activity.depends_on:
            target = first.get(name)
            if target is activity or name == str(activity.iri):
                message = f"'{name}' is the activity itself"
            elif target is not None:
                targets.setdefault(activity.row, []).append((name, target))
                if target.iri is not None and activity.iri is not None:
                    activity.triples.append((activity.iri, IMTKG.dependsOn, target.iri))
                continue
            elif _is_iri(name):
                if activity.iri is not None:
                    activity.triples.append((activity.iri, IMTKG.dependsOn, URIRef(name)))
                continue
            else:
                message = f"'{name}' is not an activity of this file nor an http(s) IRI"
            activity.errors.append(RowError(path, activity.row, "depends_on", message))
    if not skip_bad_rows:
        return
    # A row that depends on a skipped row is skipped too, so no dependency dangles.
    changed = True
    while changed:
        changed = False
        for activity in activities:
            if activity.errors:
                continue
            for name, target in targets.get(activity.row, []):
                if target.errors:
                    message = f"depends on '{name}' (row {target.row}), which is not imported"
                    activity.errors.append(RowError(path, activity.row, "depends_on", message))
                    changed = True


def _order(error: RowError) -> tuple[int, int]:
    column = COLUMNS.index(error.column) if error.column in COLUMNS else -1
    return (error.row or 0, column)


def import_table(
    path: Path | str, *, skip_bad_rows: bool = False, project: Project | None = None
) -> TableImport:
    """Read the roadmap table at ``path`` (``.csv``, UTF-8, or ``.xlsx``, first sheet) into RDF.

    Each data row becomes an ``imtkg:StandardizationActivity`` (columns in ``docs/tables.md``).
    ``project`` gives the concept schemes (default: the shipped project).

    Raises :class:`TableError` listing every problem when a row is bad (nothing is imported), or,
    with ``skip_bad_rows``, imports the good rows and lists the bad ones in ``skipped``. Problems
    with the file itself (not UTF-8, not a workbook, empty, a bad header) raise :class:`TableError`
    either way; a missing file raises :class:`SourceError`, a file that is neither ``.csv`` nor
    ``.xlsx`` :class:`InputError`.

    >>> from imtkg import Project
    >>> result = import_table(Project.default().root / "examples" / "roadmap-example.csv")
    >>> result.rows_imported == result.rows_read > 0, result.skipped
    (True, [])
    """
    path = Path(path)
    project = project or Project.default()
    rows = _read_rows(path)
    if not rows or all(_blank(cells) for _, cells in rows):
        raise TableError(path, [RowError(path, None, None, "empty file: no header row")])
    header_cells = rows[0][1]
    if _blank(header_cells):
        raise TableError(path, [RowError(path, 1, None, "row 1 must be the header row (it is empty)")])
    data = [(n, cells) for n, cells in rows[1:] if not _blank(cells)]
    positions = _header(path, header_cells)

    reader = _Reader(path, project)
    activities = []
    named = set(positions.values())
    for number, cells in data:
        values = {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}
        activity = reader.activity(number, values)
        for i, cell in enumerate(cells):
            if i not in named and cell != "":
                message = f"column {i + 1} has a value but no name in the header"
                activity.errors.append(RowError(path, number, None, message))
        activities.append(activity)
    _link(path, activities, skip_bad_rows)

    errors = sorted((e for a in activities for e in a.errors), key=_order)
    if errors and not skip_bad_rows:
        raise TableError(path, errors)
    graph = new_graph()
    imported = 0
    for activity in activities:
        if activity.errors:
            continue
        imported += 1
        for triple in activity.triples:
            graph.add(triple)
    return TableImport(graph, len(activities), imported, errors)


__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "RowError",
    "TableError",
    "TableImport",
    "import_table",
]
