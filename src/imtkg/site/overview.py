"""The site's own pages: the class listings, the roadmap, harmonization, validation and shapes
pages, and the index that links them all."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from ..queries import Query, Table
from ..validation import Describer, ValidationReport, severity_name
from .iris import Rebase, relative
from .pages import Pages, Ref

_SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}


# --- classes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassListing:
    """A class with instances: its listing page, all its instances, those it is most specific for."""

    cls: URIRef
    file: str
    instances: int
    direct: tuple[URIRef, ...]


def class_listings(pages: Pages) -> tuple[list[ClassListing], list[URIRef]]:
    """Every class with IRI instances, and the IRI subjects under the base that have no class."""
    index = pages.index
    counts: dict[URIRef, int] = {}
    typed: set[URIRef] = set()
    for cls, members in index.members.items():
        iris = {m for m in members if isinstance(m, URIRef)}
        if isinstance(cls, URIRef) and iris:
            counts[cls] = len(iris)
            typed |= iris
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for member in typed:
        for cls in index.specific_types(member):
            direct[cls].add(member)
    used: set[str] = set()
    listings = []
    for cls in sorted(counts, key=str):
        stem = _class_stem(index.compact(str(cls)), str(cls))
        while stem in used:
            stem += "-"
        used.add(stem)
        members = tuple(sorted(direct[cls], key=lambda m: (index.name(m).lower(), str(m))))
        listings.append(ClassListing(cls, f"classes/{stem}.html", counts[cls], members))
    untyped = sorted(
        {
            s
            for s in index.graph.subjects()
            if isinstance(s, URIRef) and s.startswith(pages.layout.base) and not index.types(s)
        },
        key=str,
    )
    return listings, untyped


def _class_stem(qname: str, iri: str) -> str:
    if qname != iri and all(c.isalnum() or c in "-_.:" for c in qname):
        return qname.replace(":", "-")
    return "class-" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def class_page(pages: Pages, listing: ClassListing, listings: dict[URIRef, ClassListing]) -> str:
    index, page = pages.index, listing.file
    subclasses = [
        {"text": index.name(c), "href": relative(listings[c].file, page), "count": listings[c].instances}
        for c in sorted(
            {
                s
                for s in index.graph.subjects(RDFS.subClassOf, listing.cls)
                if s in listings and s != listing.cls
            },
            key=lambda c: (index.name(c).lower(), str(c)),
        )
    ]
    name = index.name(listing.cls)
    return pages.render(
        "class.html",
        page,
        title=name,
        cls=pages.ref(listing.cls, page),
        intro=(
            f"{listing.instances} instances; listed here: the {len(listing.direct)} of which "
            f"{name} is the most specific class."
        ),
        subclasses=subclasses,
        members=[pages.ref(m, page) for m in listing.direct],
        crumbs=[Ref("classes", relative("index.html", page, "classes")), Ref(name)],
    )


def untyped_page(pages: Pages, resources: list[URIRef], file: str) -> str:
    return pages.render(
        "class.html",
        file,
        title="Resources with no class",
        cls=None,
        intro=f"{len(resources)} resources of this release state no rdf:type.",
        subclasses=[],
        members=[pages.ref(r, file) for r in resources],
        crumbs=[Ref("classes", relative("index.html", file, "classes")), Ref("no class")],
    )


# --- views ------------------------------------------------------------------------------------


def rebased_table(table: Table, rebase: Rebase) -> Table:
    return Table(
        table.columns,
        [tuple(rebase.term(c) if c is not None else None for c in row) for row in table.rows],
    )


def roadmap_page(pages: Pages, query: Query, table: Table) -> str:
    page = "roadmap.html"
    return pages.render(
        "roadmap.html",
        page,
        title=query.title,
        description=query.description,
        query=query.name,
        table=pages.table(table, page),
    )


def harmonization_page(
    pages: Pages, query: Query, matrix: Table, items_query: Query | None, items: Table | None
) -> str:
    """The matrix as a table of counts (concept × Sector) per dimension, and the items behind it."""
    page = "harmonization.html"
    cells: dict[str, dict[tuple[Node, Node], int]] = defaultdict(dict)
    concepts: dict[str, list[Node]] = defaultdict(list)
    sectors: dict[str, list[Node]] = defaultdict(list)
    for record in (dict(zip(matrix.columns, row, strict=True)) for row in matrix.rows):
        dimension = str(record["dimension"])
        concept, sector = record["concept"], record["sector"]
        if concept not in concepts[dimension]:
            concepts[dimension].append(concept)
        if sector not in sectors[dimension]:
            sectors[dimension].append(sector)
        cells[dimension][(concept, sector)] = int(record["items"].toPython()) if record["items"] else 0
    matrices = []
    for dimension in concepts:
        columns = sorted(sectors[dimension], key=lambda s: (pages.index.name(s), str(s)))
        rows = [
            {
                "concept": pages.ref(c, page),
                "counts": [cells[dimension].get((c, s), 0) for s in columns],
            }
            for c in concepts[dimension]
        ]
        matrices.append(
            {"dimension": dimension, "sectors": [pages.ref(s, page) for s in columns], "rows": rows}
        )
    return pages.render(
        "harmonization.html",
        page,
        title=query.title,
        description=query.description,
        matrices=matrices,
        items=pages.table(items, page) if items is not None else None,
        items_query=items_query.name if items_query else "",
    )


def _signature(graph: Graph, node: Node) -> frozenset:
    return frozenset((p, o) for p, o in graph.predicate_objects(node) if not isinstance(o, BNode))


def validation_page(pages: Pages, report: ValidationReport, shapes: Graph, rebase: Rebase) -> str:
    """The build's validation results grouped by the named shape that produced them.

    A result of a blank-node shape (a property shape) goes to the named shape it belongs to,
    found by matching the blank node's constraints in the shapes graph.
    """
    page = "validation.html"
    index = pages.index
    owners: dict[frozenset, URIRef] = {}
    for node in sorted({s for s in shapes.subjects() if isinstance(s, BNode)}, key=str):
        owner = index.owner(node)
        if owner is not None:
            owners.setdefault(_signature(shapes, node), owner)
    describe = Describer(index.graph, index.graph.namespace_manager)
    groups: dict[Node, list[dict]] = defaultdict(list)
    for result in report.results:
        shape = rebase.term(result.shape)
        if isinstance(shape, BNode):
            signature = frozenset(
                (rebase.term(p), rebase.term(o)) for p, o in _signature(report.graph, result.shape)
            )
            shape = owners.get(signature, shape)
        path = rebase.term(result.path) if result.path is not None else None
        value = rebase.term(result.value) if result.value is not None else None
        groups[shape].append(
            {
                "focus": pages.value(rebase.term(result.focus), page),
                "path": pages.value(path, page) if isinstance(path, URIRef) else None,
                "value": pages.value(value, page) if value is not None else None,
                "severity": severity_name(result.severity),
                "message": describe.clean(rebase.text(result.message)),
            }
        )
    views = []
    for shape, results in groups.items():
        results.sort(key=lambda r: (r["focus"].key, r["message"], r["value"].key if r["value"] else ""))
        clause = shapes.value(shape, pages.imtkg.enforcesClause)
        severities = [r["severity"] for r in results]
        declared = shapes.value(shape, SH.severity)
        severity = (
            severity_name(declared) if declared is not None else min(severities, key=_SEVERITY_ORDER.get)
        )
        views.append(
            {
                "shape": pages.ref(shape, page)
                if isinstance(shape, URIRef)
                else Ref("a shape with no IRI"),
                "anchor": str(shape).rpartition("#")[2] if isinstance(shape, URIRef) else "unnamed",
                "severity": severity,
                "clause": pages.ref(clause, page) if isinstance(clause, URIRef) else None,
                "clause_text": _text(index.graph, clause, pages.imtkg.text),
                "comment": _text(shapes, shape, RDFS.comment),
                "results": results,
            }
        )
    views.sort(
        key=lambda g: (_SEVERITY_ORDER.get(g["severity"], 0), g["shape"].text.lower(), g["anchor"])
    )
    counts = {
        name: sum(1 for r in report.results if severity_name(r.severity) == name)
        for name in _SEVERITY_ORDER
    }
    summary = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items())
    return pages.render(
        "validation.html",
        page,
        title="Validation",
        conforms=report.conforms,
        verdict="The graph conforms to the shapes."
        if report.conforms
        else "The graph does not conform to the shapes.",
        counts=f"{len(report.results)} results: {summary}.",
        groups=views,
    )


def _text(graph: Graph, node: Node | None, predicate: URIRef) -> str | None:
    if node is None:
        return None
    values = sorted(
        (o for o in graph.objects(node, predicate) if isinstance(o, Literal)),
        key=lambda v: (v.language not in ("en", None), str(v)),
    )
    return str(values[0]) if values else None


def shapes_page(pages: Pages, files: list[tuple[str, Graph]], namespace: str) -> tuple[str, set[str]]:
    """The documentation of the shapes, one section per file, one article per named shape (its
    anchor the IRI's fragment); and the IRIs it documents."""
    page = "shapes.html"
    index = pages.index
    documented: set[str] = set()
    sections = []
    for relative_path, graph in files:
        header = next((s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
        shapes = sorted(
            {
                s
                for s in graph.subjects()
                if isinstance(s, URIRef) and s.startswith(namespace) and str(s) not in documented
            },
            key=lambda s: (index.name(s).lower(), str(s)),
        )
        articles = []
        for shape in shapes:
            documented.add(str(shape))
            clause = index.graph.value(shape, pages.imtkg.enforcesClause)
            severity = index.graph.value(shape, SH.severity)
            articles.append(
                {
                    "anchor": str(shape)[len(namespace) :],
                    "title": index.name(shape),
                    "qname": index.compact(str(shape)),
                    "severity": severity_name(severity) if severity is not None else None,
                    "clause": pages.ref(clause, page) if isinstance(clause, URIRef) else None,
                    "clause_text": _text(index.graph, clause, pages.imtkg.text),
                    "comment": _text(index.graph, shape, RDFS.comment),
                    "rows": pages.rows(shape, page),
                }
            )
        sections.append(
            {
                "anchor": "file-" + Path(relative_path).stem,
                "file": relative_path,
                "title": index.name(header) if header is not None else relative_path,
                "ref": pages.ref(header, page) if header is not None else None,
                "comment": _text(index.graph, header, RDFS.comment) if header is not None else None,
                "shapes": articles,
            }
        )
    return pages.render("shapes.html", page, title="Shapes", files=sections), documented


def index_page(pages: Pages, **context) -> str:
    return pages.render("index.html", "index.html", title="Home", **context)
