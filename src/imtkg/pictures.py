"""Pictures of the IMT work: a roadmap timeline and a generation × Sector matrix (SVG and PNG).

The *roadmap items* of a graph are, as in the view ``views/roadmap``, its standardization activities
(``imtkg:StandardizationActivity`` and its subclasses) and its catalogue editions (``imtkg:Edition``
and its subclasses) that carry an ``imtkg:imtGeneration``; resolution revisions are not roadmap
items (they are in ``views/imt-resolutions``). :func:`roadmap_items` reads
them; :func:`draw_roadmap` draws them as a timeline, one row per Sector and group;
:func:`harmonization_matrix` counts them by IMT generation and Sector and :func:`draw_heatmap`
draws that count. :func:`write_pictures` does all four into a folder (``imtkg build`` uses it).

Dates are never invented: an activity's bar runs from the earliest to the latest of its start,
target, approval and end dates (each at the precision the data gives: xsd:date, xsd:gYearMonth or
xsd:gYear); with one date it is a point; an edition is a point at ``dct:issued``. Items with no
date are not drawn; they are counted on the picture and returned as ``undrawn``.

Catalogue editions are many (about 530 concern IMT), so they are drawn per row, year and IMT
generation as one marker with the count written beside it. Activities are drawn one by one with
their labels.

The output is deterministic: matplotlib's Agg canvas (no display, no pyplot state), a fixed figure
size, fixed colours, text kept as SVG ``<text>`` elements, a constant ``svg.hashsalt`` and no dates
in the metadata, so two runs write byte-identical files. Files are written atomically.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from .namespaces import ID, IMTKG, VOCAB

__all__ = [
    "DATE_FIELDS",
    "FIELDS",
    "Item",
    "Matrix",
    "RoadmapDrawing",
    "draw_heatmap",
    "draw_roadmap",
    "harmonization_matrix",
    "roadmap_items",
    "write_pictures",
]

# -- what an item is --------------------------------------------------------------------------

DATE_FIELDS: dict[str, URIRef] = {
    "start": IMTKG.startDate,
    "target": IMTKG.targetDate,
    "approval": IMTKG.approvalDate,
    "end": IMTKG.endDate,
    "issued": DCTERMS.issued,
}
"""The dates of a roadmap item, by field name."""

_IRI_FIELDS: dict[str, URIRef] = {
    "status": IMTKG.status,
    "group": IMTKG.responsibleGroup,
    "deliverable": IMTKG.deliverable,
    "generation": IMTKG.imtGeneration,
}

FIELDS: tuple[str, ...] = (
    "status",
    "start",
    "target",
    "approval",
    "end",
    "issued",
    "group",
    "deliverable",
    "generation",
)
"""The fields of a roadmap item that :mod:`imtkg.diff` compares, in report order."""

_ACTIVITY_CLASSES = (IMTKG.StandardizationActivity, IMTKG.WorkItem, IMTKG.Study)
_EDITION_CLASSES = (IMTKG.Edition, IMTKG.Amendment, IMTKG.Corrigendum)

# The generations of ontology/vocab/imt-generation.ttl in display order, with their labels for a
# graph that does not hold the concept scheme (a spreadsheet import, a catalogue file alone).
_GENERATIONS = {
    "imt": "IMT",
    "imt-2000": "IMT-2000",
    "imt-advanced": "IMT-Advanced",
    "imt-2020": "IMT-2020",
    "imt-2030": "IMT-2030",
}
_SECTORS = {"itu-r": "ITU-R", "itu-t": "ITU-T", "itu-d": "ITU-D"}  # display order
_SECTOR_IRIS = frozenset(ID[f"org/{code}"] for code in _SECTORS)

SEVERAL = "several"
NONE = "none"


@dataclass(frozen=True)
class Item:
    """One roadmap item: an activity or an IMT edition, with what the pictures and the diff need.

    ``values`` holds the compared fields (:data:`FIELDS`) as sorted tuples of IRIs or lexical
    forms; ``start`` and ``end`` are decimal years (``None`` when the item has no date; equal
    bounds never occur: a point has ``start == end`` at the middle of its date's period).
    ``row`` is the Sector and group the timeline draws it in.
    """

    iri: str
    kind: str  # "activity" or "edition"
    label: str
    sector: str | None
    sector_label: str
    row_group: str | None
    group_label: str
    generations: tuple[str, ...]
    generation_labels: tuple[str, ...]
    status: str | None
    status_label: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    start: float | None
    end: float | None

    @property
    def row(self) -> str:
        """The timeline row: ``"ITU-R · WP 5D"``."""
        return f"{self.sector_label} · {self.group_label}"

    @property
    def dated(self) -> bool:
        return self.start is not None

    @property
    def is_point(self) -> bool:
        return self.start is not None and self.start == self.end

    @property
    def generation_key(self) -> str:
        """The generation the picture colours it by: its one generation, ``several`` or ``none``."""
        if not self.generations:
            return NONE
        return self.generations[0] if len(self.generations) == 1 else SEVERAL

    def field(self, name: str) -> tuple[str, ...]:
        """The values of field ``name`` (one of :data:`FIELDS`), sorted; ``()`` when it has none."""
        return dict(self.values).get(name, ())

    @property
    def year(self) -> int | None:
        """The year of an edition's ``issued`` date (of an activity: of its first date)."""
        for name in ("issued", *DATE_FIELDS):
            for value in self.field(name):
                return int(value[:4])
        return None


# -- reading the graph ------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _period(value: str) -> tuple[float, float] | None:
    """The decimal-year span of a date, year-month or year lexical form; ``None`` if unreadable."""
    match = _DATE_RE.match(value.strip())
    if not match:
        return None
    year = int(match[1])
    if match[3]:
        month, day = int(match[2]), int(match[3])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        lengths = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        days = 366 if leap else 365
        ordinal = sum(lengths[: month - 1]) + day - 1
        return year + ordinal / days, year + (ordinal + 1) / days
    if match[2]:
        month = int(match[2])
        if not 1 <= month <= 12:
            return None
        return year + (month - 1) / 12, year + month / 12
    return float(year), float(year + 1)


def _text_of(graph: Graph, node: URIRef, predicates: Iterable[URIRef]) -> list[str]:
    """English or untagged literal values of ``predicates``, in predicate order, each sorted."""
    found: list[str] = []
    for predicate in predicates:
        values = sorted(
            str(o)
            for o in graph.objects(node, predicate)
            if isinstance(o, Literal) and (o.language in (None, "en"))
        )
        found.extend(values)
    return found


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


_NATURAL = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in _NATURAL.split(text))


def _abbreviate(label: str) -> str:
    label = " ".join(label.split())
    label = re.sub(r"^(?:ITU-[TRD]|ITU)\s+", "", label)
    label = re.sub(r"\bStudy Group\s+", "SG ", label)
    label = re.sub(r"\bWorking Party\s+", "WP ", label)
    return label


def _group_label(graph: Graph, group: str | None) -> str:
    """A short name for a group: the shortest of its labels, 'ITU-T Study Group 13' read 'SG 13'."""
    if group is None:
        return "no group"
    labels = _text_of(graph, URIRef(group), (SKOS.altLabel, RDFS.label, SKOS.prefLabel))
    if labels:
        return min((_abbreviate(label) for label in labels), key=lambda s: (len(s), s))
    tail = _tail(group)
    match = re.fullmatch(r"(sg|wp)(\w+)", tail)
    if match:
        return f"{match[1].upper()} {match[2].upper()}"
    return tail.upper()


def _sector_label(graph: Graph, sector: str | None) -> str:
    if sector is None:
        return "no Sector"
    labels = _text_of(graph, URIRef(sector), (SKOS.altLabel,))
    if labels:
        return min(labels, key=lambda s: (len(s), s))
    tail = _tail(sector)
    return _SECTORS.get(tail, tail.upper())


def _concept_label(graph: Graph, concept: str, fallback: dict[str, str] | None = None) -> str:
    labels = _text_of(graph, URIRef(concept), (SKOS.prefLabel, RDFS.label))
    if labels:
        return labels[0]
    tail = _tail(concept)
    return (fallback or {}).get(tail, tail)


def _generation_order(concept: str) -> tuple:
    tail = _tail(concept)
    known = list(_GENERATIONS)
    if concept.startswith(str(VOCAB["imt-generation/"])) and tail in known:
        return (0, known.index(tail), "")
    return (1, 0, concept)


def _classes(graph: Graph, roots: Iterable[URIRef]) -> set[URIRef]:
    """``roots`` and every class the graph says is a subclass of one of them."""
    found = set(roots)
    frontier = list(found)
    while frontier:
        cls = frontier.pop()
        for sub in graph.subjects(RDFS.subClassOf, cls):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                frontier.append(sub)
    return found


def _subjects_of(graph: Graph, classes: set[URIRef]) -> set[URIRef]:
    return {s for cls in classes for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def _sector_of(graph: Graph, node: URIRef, seen: set | None = None) -> URIRef | None:
    """A Sector for ``node``: its own, its work's, its group's (up the parents) or its issuer's."""
    seen = seen if seen is not None else set()
    if node in seen:
        return None
    seen.add(node)
    if (node, RDF.type, IMTKG.Sector) in graph or node in _SECTOR_IRIS:
        return node
    for predicate in (IMTKG.sector,):
        values = sorted(o for o in graph.objects(node, predicate) if isinstance(o, URIRef))
        if values:
            return values[0]
    for predicate in (
        IMTKG.editionOf,
        IMTKG.revisionOf,
        IMTKG.responsibleGroup,
        ORG.subOrganizationOf,
        IMTKG.issuedBy,
    ):
        for value in sorted(o for o in graph.objects(node, predicate) if isinstance(o, URIRef)):
            sector = _sector_of(graph, value, seen)
            if sector is not None:
                return sector
    return None


def _values(graph: Graph, node: URIRef) -> dict[str, tuple[str, ...]]:
    values: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        predicate = DATE_FIELDS.get(name) or _IRI_FIELDS[name]
        found = sorted({str(o) for o in graph.objects(node, predicate)})
        if name == "generation":
            found = sorted(found, key=_generation_order)
        if found:
            values[name] = tuple(found)
    return values


def _span(values: dict[str, tuple[str, ...]]) -> tuple[float | None, float | None]:
    lexical = {v for name in DATE_FIELDS for v in values.get(name, ())}
    periods = [p for p in (_period(v) for v in sorted(lexical)) if p is not None]
    if not periods:
        return None, None
    if len(periods) == 1:
        middle = (periods[0][0] + periods[0][1]) / 2
        return middle, middle
    return min(p[0] for p in periods), max(p[1] for p in periods)


def _item(graph: Graph, node: URIRef, kind: str) -> Item:
    values = _values(graph, node)
    labels = _text_of(graph, node, (RDFS.label, SKOS.prefLabel, DCTERMS.identifier, DCTERMS.title))
    label = labels[0] if labels else _tail(str(node))
    sector = _sector_of(graph, node)
    groups = values.get("group", ())
    row_group: str | None = groups[0] if groups else None
    if row_group is None:  # a resolution revision: the assembly that issued it
        for work in sorted(graph.objects(node, IMTKG.revisionOf)):
            issuers = sorted(str(o) for o in graph.objects(work, IMTKG.issuedBy))
            if issuers:
                row_group = issuers[0]
                break
    generations = values.get("generation", ())
    status = values.get("status", (None,))[0]
    start, end = _span(values)
    return Item(
        iri=str(node),
        kind=kind,
        label=" ".join(label.split()),
        sector=str(sector) if sector is not None else None,
        sector_label=_sector_label(graph, str(sector) if sector is not None else None),
        row_group=row_group,
        group_label=_group_label(graph, row_group),
        generations=generations,
        generation_labels=tuple(_concept_label(graph, g, _GENERATIONS) for g in generations),
        status=status,
        status_label=_concept_label(graph, status) if status else "status not given",
        values=tuple(sorted(values.items())),
        start=start,
        end=end,
    )


def roadmap_items(graph: Graph, *, every_activity: bool = False) -> list[Item]:
    """Every activity and every edition with an IMT generation in ``graph``, sorted by IRI.

    With ``every_activity``, activities without an IMT generation too (the change report compares
    them all, so that a generation added or removed is a change, not an item added or removed).

    On a build graph these are the items of ``views/roadmap``; the Sector of an item that states
    none is looked up through its work, group or issuer, so a file that is not closed under
    inference draws too.

    Works on a closed build graph (``Build.graph``), a data or catalogue file, or a spreadsheet
    import: activity and edition classes are recognized with their subclasses.

    >>> from rdflib import Graph
    >>> graph = Graph().parse(format="turtle", data='''
    ...     @prefix imtkg: <https://w3id.org/imtkg/ontology#> .
    ...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...     <https://w3id.org/imtkg/id/activity/itu-r/x> a imtkg:WorkItem ;
    ...         imtkg:sector <https://w3id.org/imtkg/id/org/itu-r> ;
    ...         imtkg:responsibleGroup <https://w3id.org/imtkg/id/org/itu-r/sg5/wp5d> ;
    ...         imtkg:imtGeneration <https://w3id.org/imtkg/vocab/imt-generation/imt-2020> ;
    ...         imtkg:startDate "2019"^^xsd:gYear ; imtkg:targetDate "2020-06"^^xsd:gYearMonth .
    ... ''')
    >>> [(i.row, i.start, i.end) for i in roadmap_items(graph)]
    [('ITU-R · WP 5D', 2019.0, 2020.5)]
    """

    def on_imt(classes: tuple[URIRef, ...]) -> set[URIRef]:
        nodes = _subjects_of(graph, _classes(graph, classes))
        return {node for node in nodes if (node, IMTKG.imtGeneration, None) in graph}

    activities = (
        _subjects_of(graph, _classes(graph, _ACTIVITY_CLASSES))
        if every_activity
        else on_imt(_ACTIVITY_CLASSES)
    )
    editions = on_imt(_EDITION_CLASSES) - activities
    items = [_item(graph, node, "activity") for node in activities]
    items += [_item(graph, node, "edition") for node in editions]
    return sorted(items, key=lambda i: i.iri)


# -- drawing ----------------------------------------------------------------------------------

FIGSIZE_ROADMAP = (14.0, 9.0)
FIGSIZE_HEATMAP = (8.0, 5.0)
DPI = 100
_SVG_SALT = "imtkg"
_RC = {
    "svg.hashsalt": _SVG_SALT,
    "svg.fonttype": "none",  # text stays <text>, searchable and small
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "path.simplify": True,
}
_SVG_METADATA = {"Date": None, "Creator": "imtkg"}
_PNG_METADATA = {"Software": "imtkg"}

# Okabe-Ito colours (distinguishable with colour-blindness), one per generation.
_COLOURS = {
    "imt": "#E69F00",
    "imt-2000": "#0072B2",
    "imt-advanced": "#009E73",
    "imt-2020": "#D55E00",
    "imt-2030": "#CC79A7",
    SEVERAL: "#56B4E9",
    NONE: "#999999",
}
_EXTRA_COLOURS = ("#F0E442", "#000000", "#8C564B", "#7F7F7F")
_MARKERS = {
    None: "o",
    "planned": "^",
    "under-study": "v",
    "consented": "s",
    "determined": "D",
    "approved": "*",
    "in-force": "P",
    "superseded": "x",
    "withdrawn": "X",
}
_OTHER_STATUS_MARKER = "p"
_MIXED = "mixed"
_MIXED_MARKER = "h"
_LABEL_CHARS = 48


def _colour(key: str, extra: dict[str, str]) -> str:
    tail = _tail(key) if key.startswith(str(VOCAB["imt-generation/"])) else key
    if tail in _COLOURS:
        return _COLOURS[tail]
    if key not in extra:
        extra[key] = _EXTRA_COLOURS[len(extra) % len(_EXTRA_COLOURS)]
    return extra[key]


def _marker(status: str | None) -> str:
    if status is None:
        return _MARKERS[None]
    if status == _MIXED:
        return _MIXED_MARKER
    tail = _tail(status)
    if status.startswith(str(VOCAB["status/"])) and tail in _MARKERS:
        return _MARKERS[tail]
    return _OTHER_STATUS_MARKER


def _short(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_figure(size: tuple[float, float]):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # the Agg canvas: no display, no pyplot
    return figure


def _save(figure, path_svg: Path, path_png: Path) -> None:
    svg, png = io.BytesIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata=_SVG_METADATA)
    figure.savefig(png, format="png", dpi=DPI, metadata=_PNG_METADATA)
    _write_bytes_atomic(Path(path_svg), svg.getvalue())
    _write_bytes_atomic(Path(path_png), png.getvalue())


def _sector_rank(item_sector: str | None) -> tuple:
    if item_sector is None:
        return (2, "")
    tail = _tail(item_sector)
    order = list(_SECTORS)
    if item_sector.startswith(str(ID["org/"])) and tail in order:
        return (0, order.index(tail), "")
    return (1, 0, item_sector)


def _row_key(item: Item) -> tuple:
    return (
        _sector_rank(item.sector),
        item.sector_label,
        item.row_group is None,
        _natural(item.group_label),
        item.row_group or "",
    )


@dataclass(frozen=True)
class Marker:
    """One edition marker of the timeline: the editions of a row, year and generation."""

    row: str
    year: int
    generation: str
    count: int
    status: str | None


@dataclass(frozen=True)
class RoadmapDrawing:
    """What :func:`draw_roadmap` drew: rows (top to bottom), items drawn, markers, undrawn items."""

    rows: tuple[str, ...]
    drawn: tuple[Item, ...]
    markers: tuple[Marker, ...]
    undrawn: tuple[Item, ...]
    generations: tuple[str, ...]
    statuses: tuple[str, ...]


def _edition_markers(items: list[Item]) -> list[Marker]:
    groups: dict[tuple[str, int, str], list[Item]] = defaultdict(list)
    for item in items:
        year = item.year
        if item.kind == "edition" and item.dated and year is not None:
            groups[(item.row, year, item.generation_key)].append(item)
    markers = []
    for (row, year, generation), members in sorted(groups.items()):
        statuses = {m.status for m in members}
        status = statuses.pop() if len(statuses) == 1 else _MIXED
        markers.append(Marker(row, year, generation, len(members), status))
    return markers


def _placement(item: Item, char_years: float, high: float) -> tuple[bool, float, float]:
    """Where an activity's label goes: (right of the bar?, and the x extent bar and label take)."""
    width = char_years * (len(_short(item.label)) + 2)
    if item.end + width <= high:
        return True, item.start, item.end + width
    return False, item.start - width, item.end


def _lanes(activities: list[Item], char_years: float, high: float) -> list[list[Item]]:
    """Pack a row's dated activities into lanes so that bars and labels do not overlap."""
    lanes: list[list[Item]] = []
    ends: list[float] = []
    for item in sorted(activities, key=lambda i: (i.start, i.end, i.label, i.iri)):
        _, low, extent = _placement(item, char_years, high)
        for index, end in enumerate(ends):
            if end <= low:
                lanes[index].append(item)
                ends[index] = extent
                break
        else:
            lanes.append([item])
            ends.append(extent)
    return lanes


def draw_roadmap(items: list[Item], path_svg: Path, path_png: Path) -> RoadmapDrawing:
    """Draw ``items`` as a timeline into ``path_svg`` and ``path_png`` (written atomically).

    One row per Sector and group (labelled ``"ITU-R · WP 5D"``), years on the x axis. An activity
    is a bar over its dates, or a point, labelled with its name; the editions of a row, year and
    IMT generation are one marker with their count beside it. Colour is the IMT generation,
    marker shape the status (both in legends). Items without a date are not drawn: each row says
    how many it has (under its name), and the footnote gives the total. Returns what was drawn.

    >>> import tempfile, pathlib
    >>> from rdflib import Graph
    >>> graph = Graph().parse(format="turtle", data='''
    ...     @prefix imtkg: <https://w3id.org/imtkg/ontology#> .
    ...     <https://w3id.org/imtkg/id/activity/itu-d/y> a imtkg:Study ;
    ...         imtkg:responsibleGroup <https://w3id.org/imtkg/id/org/itu-d/sg2> .
    ... ''')
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> items = roadmap_items(graph, every_activity=True)
    >>> drawing = draw_roadmap(items, out / "r.svg", out / "r.png")
    >>> drawing.rows, [i.iri.rsplit("/", 1)[1] for i in drawing.undrawn]
    (('no Sector · SG 2',), ['y'])
    """
    from matplotlib import rc_context
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    items = sorted(items, key=lambda i: (_row_key(i), i.iri))
    rows: dict[str, tuple] = {}
    for item in items:
        rows.setdefault(item.row, _row_key(item))
    row_names = sorted(rows, key=lambda r: rows[r])
    dated = [i for i in items if i.dated]
    undrawn = [i for i in items if not i.dated]
    markers = _edition_markers(items)

    if dated:
        low = math.floor(min(i.start for i in dated)) - 1
        high = math.ceil(max(i.end for i in dated)) + 1
    else:
        low, high = 2000, 2030
    # An estimate of one character's width in years, to keep labels clear of the next bar.
    char_years = (high - low) / (FIGSIZE_ROADMAP[0] * 0.8) * (6.5 * 0.55 / 72)

    extra: dict[str, str] = {}
    generations_seen: dict[str, str] = {}
    statuses_seen: dict[str | None, str] = {}

    with rc_context(_RC):
        figure = _new_figure(FIGSIZE_ROADMAP)
        axes = figure.add_subplot()
        y = 0.0
        ticks, tick_labels = [], []
        for row in row_names:
            in_row = [i for i in items if i.row == row]
            row_markers = [m for m in markers if m.row == row]
            activities = [i for i in in_row if i.kind == "activity" and i.dated]
            lanes = _lanes(activities, char_years, high)
            marker_lanes = sorted({m.generation for m in row_markers}, key=_generation_key_order)
            lane_count = max(len(lanes) + len(marker_lanes), 1)
            top = y
            lane_y = top + 0.5
            for generation in marker_lanes:
                colour = _colour(generation, extra)
                for marker in (m for m in row_markers if m.generation == generation):
                    x = marker.year + 0.5
                    axes.plot(
                        [x],
                        [lane_y],
                        linestyle="none",
                        marker=_marker(marker.status),
                        markersize=min(4 + 1.8 * math.log2(marker.count), 12),
                        color=colour,
                        markeredgecolor="black",
                        markeredgewidth=0.4,
                        zorder=3,
                    )
                    axes.text(
                        x + char_years * 2.5,
                        lane_y,
                        str(marker.count),
                        fontsize=6,
                        ha="left",
                        va="center",
                        zorder=4,
                    )
                lane_y += 1
            for lane in lanes:
                for item in lane:
                    colour = _colour(item.generation_key, extra)
                    if not item.is_point:
                        axes.plot(
                            [item.start, item.end],
                            [lane_y, lane_y],
                            color=colour,
                            linewidth=5,
                            solid_capstyle="butt",
                            zorder=2,
                        )
                    axes.plot(
                        [item.end],
                        [lane_y],
                        linestyle="none",
                        marker=_marker(item.status),
                        markersize=7,
                        color=colour,
                        markeredgecolor="black",
                        markeredgewidth=0.5,
                        zorder=3,
                    )
                    right, _, _ = _placement(item, char_years, high)
                    x = item.end + char_years * 1.5 if right else item.start - char_years * 1.5
                    axes.text(
                        x,
                        lane_y,
                        _short(item.label),
                        fontsize=6.5,
                        ha="left" if right else "right",
                        va="center",
                        zorder=4,
                    )
                lane_y += 1
            missing = sum(1 for i in in_row if not i.dated)
            # The legends name what is drawn: the activities, and the markers for editions.
            for item in activities:
                generations_seen.setdefault(item.generation_key, _generation_name(item))
                statuses_seen.setdefault(item.status, item.status_label)
            for marker in row_markers:
                member = next(
                    i
                    for i in in_row
                    if i.kind == "edition"
                    and i.dated
                    and i.generation_key == marker.generation
                    and (marker.status == _MIXED or i.status == marker.status)
                )
                generations_seen.setdefault(marker.generation, _generation_name(member))
                label = "mixed statuses (editions)" if marker.status == _MIXED else member.status_label
                statuses_seen.setdefault(marker.status, label)
            ticks.append(top + lane_count / 2)
            tick_labels.append(f"{row}\n({missing} undated)" if missing else row)
            y = top + lane_count
            axes.axhline(y, color="#dddddd", linewidth=0.6, zorder=1)

        axes.set_ylim(max(y, 1), 0)
        axes.set_yticks(ticks, tick_labels)
        axes.set_xlim(low, high)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="x", color="#eeeeee", linewidth=0.6, zorder=0)
        axes.set_axisbelow(True)
        axes.set_xlabel("year")
        axes.set_title("IMT roadmap", fontsize=12)
        axes.tick_params(axis="y", length=0)

        generation_keys = sorted(generations_seen, key=_generation_key_order)
        generation_handles = [
            Patch(
                facecolor=_colour(k, extra), edgecolor="black", linewidth=0.4, label=generations_seen[k]
            )
            for k in generation_keys
        ]
        status_keys = sorted(statuses_seen, key=_status_order)
        status_handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=_marker(k),
                color="white",
                markeredgecolor="black",
                markersize=7,
                label=statuses_seen[k],
            )
            for k in status_keys
        ]
        legend = figure.legend(
            handles=generation_handles,
            title="IMT generation",
            loc="outside right upper",
            fontsize=7,
            title_fontsize=8,
            frameon=False,
        )
        figure.add_artist(legend)
        figure.legend(
            handles=status_handles,
            title="status",
            loc="outside right lower",
            fontsize=7,
            title_fontsize=8,
            frameon=False,
        )
        note = (
            f"{len(dated)} of {len(items)} items drawn; editions counted per group, year and generation."
        )
        if undrawn:
            noun = "item" if len(undrawn) == 1 else "items"
            note += f" {len(undrawn)} {noun} without a date not drawn."
        figure.text(0.01, 0.005, note, fontsize=7, ha="left", va="bottom", color="#333333")
        _save(figure, path_svg, path_png)

    return RoadmapDrawing(
        rows=tuple(row_names),
        drawn=tuple(dated),
        markers=tuple(markers),
        undrawn=tuple(undrawn),
        generations=tuple(generations_seen[k] for k in generation_keys),
        statuses=tuple(statuses_seen[k] for k in status_keys),
    )


def _generation_name(item: Item) -> str:
    if not item.generations:
        return "no IMT generation"
    if len(item.generations) > 1:
        return "several generations"
    return item.generation_labels[0]


def _generation_key_order(key: str) -> tuple:
    if key == SEVERAL:
        return (2, 0, "")
    if key == NONE:
        return (3, 0, "")
    return _generation_order(key)


def _status_order(status: str | None) -> tuple:
    known = [k for k in _MARKERS if k is not None]
    if status is None:
        return (2, 0, "")
    if status == _MIXED:
        return (3, 0, "")
    tail = _tail(status)
    if status.startswith(str(VOCAB["status/"])) and tail in known:
        return (0, known.index(tail), "")
    return (1, 0, status)


# -- the generation × Sector matrix -----------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """Counts of roadmap items by IMT generation (rows) and Sector (columns).

    An item with several generations counts once in each.
    """

    generations: tuple[str, ...]
    sectors: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def count(self, generation: str, sector: str) -> int:
        """The count for a generation label and a Sector label."""
        return self.counts[self.generations.index(generation)][self.sectors.index(sector)]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)


def harmonization_matrix(graph: Graph) -> Matrix:
    """Count the roadmap items of ``graph`` by IMT generation and Sector.

    >>> from rdflib import Graph
    >>> graph = Graph().parse(format="turtle", data='''
    ...     @prefix imtkg: <https://w3id.org/imtkg/ontology#> .
    ...     <https://w3id.org/imtkg/id/activity/itu-t/z> a imtkg:StandardizationActivity ;
    ...         imtkg:sector <https://w3id.org/imtkg/id/org/itu-t> ;
    ...         imtkg:imtGeneration <https://w3id.org/imtkg/vocab/imt-generation/imt-2020> .
    ... ''')
    >>> matrix = harmonization_matrix(graph)
    >>> matrix.generations, matrix.sectors, matrix.counts
    (('IMT-2020',), ('ITU-T',), ((1,),))
    """
    items = roadmap_items(graph)
    counts: Counter = Counter()
    generation_names: dict[str, str] = {}
    sector_names: dict[str | None, str] = {}
    for item in items:
        keys = zip(item.generations, item.generation_labels, strict=True)
        sector_names.setdefault(item.sector, item.sector_label)
        for key, name in keys:
            generation_names.setdefault(key, name)
            counts[(key, item.sector)] += 1
    generation_keys = sorted(generation_names, key=_generation_key_order)
    sector_keys = sorted(sector_names, key=lambda s: (_sector_rank(s), sector_names[s]))
    return Matrix(
        generations=tuple(generation_names[g] for g in generation_keys),
        sectors=tuple(sector_names[s] for s in sector_keys),
        counts=tuple(tuple(counts[(g, s)] for s in sector_keys) for g in generation_keys),
    )


def draw_heatmap(matrix: Matrix, path_svg: Path, path_png: Path) -> None:
    """Draw ``matrix`` as a heatmap with the counts in the cells (SVG and PNG, atomically)."""
    from matplotlib import rc_context

    with rc_context(_RC):
        figure = _new_figure(FIGSIZE_HEATMAP)
        axes = figure.add_subplot()
        axes.set_title("IMT work by generation and Sector", fontsize=12)
        if not matrix.counts:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "no roadmap items", ha="center", va="center")
        else:
            peak = max(max(row) for row in matrix.counts) or 1
            image = axes.imshow(
                matrix.counts,
                cmap="Blues",
                vmin=0,
                vmax=peak,
                aspect="auto",
                interpolation="nearest",
            )
            axes.set_xticks(range(len(matrix.sectors)), matrix.sectors)
            axes.set_yticks(range(len(matrix.generations)), matrix.generations)
            axes.tick_params(length=0)
            axes.set_xlabel("Sector")
            axes.set_ylabel("IMT generation")
            for r, row in enumerate(matrix.counts):
                for c, value in enumerate(row):
                    dark = value > peak * 0.55
                    axes.text(
                        c,
                        r,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize=10,
                        color="white" if dark else "black",
                    )
            figure.colorbar(image, ax=axes, label="items")
        _save(figure, path_svg, path_png)


# -- both pictures ----------------------------------------------------------------------------

ROADMAP_STEM = "roadmap"
HEATMAP_STEM = "harmonization"


def write_pictures(graph: Graph, folder: Path) -> RoadmapDrawing:
    """Write ``roadmap.svg``/``.png`` and ``harmonization.svg``/``.png`` of ``graph`` into ``folder``."""
    folder = Path(folder)
    drawing = draw_roadmap(
        roadmap_items(graph), folder / f"{ROADMAP_STEM}.svg", folder / f"{ROADMAP_STEM}.png"
    )
    draw_heatmap(
        harmonization_matrix(graph), folder / f"{HEATMAP_STEM}.svg", folder / f"{HEATMAP_STEM}.png"
    )
    return drawing
