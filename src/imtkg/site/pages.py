"""The HTML pages of the site, rendered with the Jinja2 templates of ``templates/``.

:class:`Pages` turns nodes of the graph into what a page shows: a :class:`Ref` (a label, linked to
the node's page when the site has one, to the IRI itself when it is someone else's), a
:class:`Value` (a link, a literal, a nested blank node, a list) and :class:`Row` (a property with
its values). Blank nodes are nested where they are used; their ids are never shown. Everything is
sorted, so that a page is byte-identical for equal graphs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..queries import Table
from .describe import GraphIndex
from .iris import Layout, relative, root_of

#: How many resources a page lists for one incoming property before it gives the count of the rest.
INCOMING_CAP = 100

_FIRST = {RDF.type: 0, SKOS.prefLabel: 1, RDFS.label: 1}


@dataclass(frozen=True)
class Ref:
    """A node as a link: ``href`` is relative inside the site, the IRI itself outside it."""

    text: str
    href: str | None = None
    iri: str | None = None
    external: bool = False
    qname: str | None = None


@dataclass(frozen=True)
class Block:
    """A blank node shown in place: its properties."""

    rows: tuple[Row, ...]

    @property
    def key(self) -> str:
        return " | ".join(f"{r.predicate.iri}={','.join(v.key for v in r.values)}" for r in self.rows)


@dataclass(frozen=True)
class Value:
    """One value of a property: a link, a literal (with its language or datatype), a nested node or
    a list."""

    ref: Ref | None = None
    literal: str | None = None
    note: str | None = None
    node: Block | None = None
    items: tuple[Value, ...] | None = None

    @property
    def multiline(self) -> bool:
        return self.literal is not None and "\n" in self.literal.strip()

    @property
    def key(self) -> str:
        if self.ref is not None:
            return f"0{self.ref.text.lower()}\x00{self.ref.iri or ''}"
        if self.literal is not None:
            return f"1{self.literal}\x00{self.note or ''}"
        if self.node is not None:
            return f"2{self.node.key}"
        return "3" + ",".join(v.key for v in self.items or ())


@dataclass(frozen=True)
class Row:
    """A property and its values (``more`` of them not shown)."""

    predicate: Ref
    values: tuple[Value, ...]
    more: int = 0


@dataclass
class SiteInfo:
    """What every page's header and footer show."""

    name: str
    title: str
    description: str
    version: str
    base: str
    endpoint: str
    licence: Ref | None = None


@dataclass
class Pages:
    """Renders the pages of one site: ``targets`` maps each IRI with a document in the site to its
    site file and fragment (``ontology.html``, ``Sector``)."""

    index: GraphIndex
    layout: Layout
    targets: dict[str, tuple[str, str | None]]
    site: SiteInfo
    #: The ``imtkg:`` namespace under the published base.
    imtkg: Namespace
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("imtkg.site", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    # --- nodes -------------------------------------------------------------------------------

    def ref(self, node: Node, page: str) -> Ref:
        """``node`` (an IRI) as a link from the site file ``page``."""
        iri = str(node)
        text = self.index.name(node)
        target = self.targets.get(iri)
        if target is not None:
            return Ref(text, relative(target[0], page, target[1]), iri)
        if iri.startswith(self.layout.base):
            return Ref(text, None, iri)
        if iri.startswith(("http://", "https://")):
            return Ref(text, iri, iri, external=True)
        return Ref(text, None, iri)

    def term(self, node: URIRef, page: str) -> Ref:
        """``node`` as a link that reads as its compact IRI (``imtkg:Sector``)."""
        ref = self.ref(node, page)
        return Ref(self.index.compact(str(node)), ref.href, ref.iri, ref.external)

    def predicate(self, predicate: URIRef, page: str) -> Ref:
        ref = self.ref(predicate, page)
        qname = self.index.compact(str(predicate))
        return Ref(ref.text, ref.href, ref.iri, ref.external, qname if qname != ref.text else None)

    def value(self, node: Node, page: str, seen: frozenset[Node] = frozenset()) -> Value:
        if isinstance(node, Literal):
            return literal(node, self.index)
        if isinstance(node, URIRef):
            return Value(ref=self.ref(node, page))
        if node in seen:
            return Value(literal="(the node above)")
        if node == RDF.nil or (node, RDF.first, None) in self.index.graph:
            items = tuple(self.value(i, page, seen | {node}) for i in self.index.graph.items(node))
            return Value(items=items)
        return Value(node=Block(self.rows(node, page, seen | {node})))

    def rows(self, subject: Node, page: str, seen: frozenset[Node] = frozenset()) -> tuple[Row, ...]:
        """The properties of ``subject`` with their values, sorted."""
        values: dict[URIRef, list[Value]] = defaultdict(list)
        for p, o in self.index.graph.predicate_objects(subject):
            values[p].append(self.value(o, page, seen))
        return self._sorted_rows(values, page)

    def _sorted_rows(self, values: dict[URIRef, list[Value]], page: str, cap: int | None = None):
        rows = []
        for p, vs in values.items():
            ordered = sorted(vs, key=lambda v: v.key)
            more = len(ordered) - cap if cap is not None and len(ordered) > cap else 0
            rows.append(Row(self.predicate(p, page), tuple(ordered[: cap or None]), more))
        rows.sort(
            key=lambda r: (
                _FIRST.get(URIRef(r.predicate.iri), 2),
                r.predicate.text.lower(),
                r.predicate.iri,
            )
        )
        return tuple(rows)

    def incoming(self, resource: URIRef, page: str) -> tuple[Row, ...]:
        """The resources that link to ``resource``, by property (a blank node by the IRI it hangs
        from), at most :data:`INCOMING_CAP` per property."""
        sources: dict[URIRef, set[URIRef]] = defaultdict(set)
        for p, s in self.index.incoming.get(resource, ()):
            owner = self.index.owner(s)
            if owner is not None and owner != resource:
                sources[p].add(owner)
        values = {p: [Value(ref=self.ref(s, page)) for s in subjects] for p, subjects in sources.items()}
        return self._sorted_rows(values, page, INCOMING_CAP)

    # --- pages -------------------------------------------------------------------------------

    def render(self, template: str, page: str, **context) -> str:
        return self.env.get_template(template).render(
            site=self.site, root=root_of(page), crumbs=context.pop("crumbs", None), **context
        )

    def crumbs(self, name: str, page: str) -> list[Ref]:
        """The path of a resource page, each step linked when it has a page of its own."""
        parts = name.split("/")
        crumbs = []
        for i, part in enumerate(parts):
            iri = self.layout.base + "/".join(parts[: i + 1])
            target = self.targets.get(iri) if i < len(parts) - 1 else None
            crumbs.append(Ref(part, relative(target[0], page) if target else None))
        return crumbs

    def resource(self, iri: URIRef, name: str) -> str:
        """The page of a resource whose documents are ``{name}.html``, ``{name}.ttl``, …"""
        page = f"{name}.html"
        graph = self.index.graph
        stem = name.rsplit("/", 1)[-1]
        alternates = [
            {"name": label, "href": relative(f"{name}{suffix}", page), "media_type": media}
            for label, suffix, media in _ALTERNATES
        ]
        view = {
            "iri": str(iri),
            "types": [self.ref(t, page) for t in self.index.types(iri)],
            "text": _english(graph, iri, self.imtkg.text),
            "obligations": [
                self.obligation(o, page) for o in _sorted_nodes(graph.objects(iri, self.imtkg.creates))
            ],
            "shapes": sorted(
                (
                    self.ref(s, page)
                    for s in graph.subjects(self.imtkg.enforcesClause, iri)
                    if isinstance(s, URIRef)
                ),
                key=lambda r: (r.text.lower(), r.iri),
            ),
            "rows": self.rows(iri, page),
            "incoming": self.incoming(iri, page),
        }
        return self.render(
            "resource.html",
            page,
            title=self.index.name(iri) if self.index.label(iri) else stem,
            resource=view,
            alternates=alternates,
            crumbs=self.crumbs(name, page),
        )

    def obligation(self, node: Node, page: str) -> dict[str, object]:
        graph = self.index.graph

        def refs(predicate: URIRef) -> list[Ref]:
            return [self.ref(n, page) for n in _sorted_nodes(graph.objects(node, predicate))]

        force = graph.value(node, self.imtkg.deonticForce)
        return {
            "ref": self.ref(node, page),
            "action": _english(graph, node, self.imtkg.action),
            "force": self.ref(force, page) if isinstance(force, URIRef) else None,
            "bearers": refs(self.imtkg.bearer),
            "others": refs(self.imtkg.otherParty),
        }

    def table(self, table: Table, page: str) -> dict[str, object]:
        """A query result with its IRIs linked."""
        rows = [[None if cell is None else self.value(cell, page) for cell in row] for row in table.rows]
        return {"columns": list(table.columns), "rows": rows}


_ALTERNATES = (
    ("Turtle", ".ttl", "text/turtle"),
    ("JSON-LD", ".jsonld", "application/ld+json"),
    ("N-Triples", ".nt", "application/n-triples"),
    ("RDF/XML", ".rdf", "application/rdf+xml"),
)


def literal(node: Literal, index: GraphIndex) -> Value:
    """A literal with its language (``@en``) or datatype (``xsd:date``; none for strings)."""
    if node.language:
        note = f"@{node.language}"
    elif node.datatype is not None and node.datatype != XSD.string:
        note = index.compact(str(node.datatype))
    else:
        note = None
    return Value(literal=str(node), note=note)


def _english(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    values = sorted(
        (o for o in graph.objects(node, predicate) if isinstance(o, Literal)),
        key=lambda v: ({"en": 0, None: 1}.get(v.language, 2), v.language or "", str(v)),
    )
    return str(values[0]) if values else None


def _sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    return sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)


def stylesheet() -> str:
    """The site's stylesheet."""
    return files("imtkg.site").joinpath("static/style.css").read_text(encoding="utf-8")
