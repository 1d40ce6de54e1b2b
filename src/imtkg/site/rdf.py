"""Serializations that are byte-identical for equal graphs whose blank nodes have stable labels.

The site's graphs carry canonical blank-node labels (``sources.prepare``); rdflib iterates a graph
in the order of a set, so each format here sorts: N-Triples lines are sorted, Turtle is sorted by
rdflib, TriG is sorted N-Triples lines in named-graph blocks, RDF/XML is written from an ordered
view, JSON-LD keys and sets are sorted. Prefixes rdflib has to make up are made in IRI order.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.plugins.shared.jsonld.context import Context

#: Media types of the formats the site writes, by file suffix.
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".html": "text/html",
}


def sorted_jsonld(value: object, ordered: bool = False) -> object:
    """A JSON-LD value with its keys and its sets sorted; an ``@list`` keeps its order."""
    if isinstance(value, dict):
        return {key: sorted_jsonld(item, key == "@list") for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = [sorted_jsonld(item) for item in value]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def json_text(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _bind_predicates(graph: Graph, predicates: Iterable[URIRef]) -> None:
    """Give the namespace of every predicate a prefix now, in IRI order, so that the prefixes
    rdflib makes up (``ns1``, ``ns2``…) do not depend on the order it meets the triples in."""
    for predicate in sorted(set(predicates), key=str):
        try:
            graph.namespace_manager.compute_qname_strict(predicate)
        except ValueError:  # no namespace can be split off: rdflib reports it when serializing
            continue


class _Ordered(Graph):
    """A graph whose subjects, and each subject's properties, iterate in sorted order (rdflib's
    RDF/XML writer follows the store's order, which is that of a set)."""

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 (rdflib's name)
        return iter(sorted(set(super().subjects(predicate, object)), key=lambda n: n.n3()))

    def predicate_objects(self, subject=None, unique=False):
        pairs = super().predicate_objects(subject)
        return iter(sorted(pairs, key=lambda pair: (pair[0].n3(), pair[1].n3())))


def ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


class _Turtle(TurtleSerializer):
    """rdflib's Turtle writer, which writes a subject or object IRI in full without asking
    rdflib's namespace trie when no bound namespace starts where the IRI's last path step does
    (rdflib would write it in full too, but files each such path as a namespace first, which
    makes a graph with the catalogue take many minutes)."""

    def __init__(self, store: Graph):
        super().__init__(store)
        self._folders = {
            ns[: i + 1]
            for _, ns in store.namespace_manager.namespaces()
            for i, c in enumerate(ns)
            if c in "/#"
        }

    def get_pname(self, uri, gen_prefix: bool = True):
        if not gen_prefix and isinstance(uri, URIRef):
            folder = uri[: max(uri.rfind("/"), uri.rfind("#")) + 1]
            if folder not in self._folders:
                return None
        return super().get_pname(uri, gen_prefix)


def turtle(graph: Graph) -> str:
    _bind_predicates(graph, graph.predicates())
    stream = io.BytesIO()
    _Turtle(graph).serialize(stream, encoding="utf-8")
    text = stream.getvalue().decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def rdfxml(graph: Graph) -> str:
    ordered = _Ordered()
    for prefix, namespace in graph.namespace_manager.namespaces():
        ordered.namespace_manager.bind(prefix, namespace, override=True, replace=True)
    for triple in graph:
        ordered.add(triple)
    _bind_predicates(ordered, ordered.predicates())
    text = ordered.serialize(format="xml")
    return text if text.endswith("\n") else text + "\n"


def jsonld(graph: Graph, context: Context, context_ref: str) -> str:
    """``graph`` compacted with ``context``, which the document references as ``context_ref``."""
    document = from_rdf(graph, context)
    if isinstance(document, dict):
        document["@context"] = context_ref
    return json.dumps(sorted_jsonld(document), indent=2, ensure_ascii=False) + "\n"


def trig(graphs: Iterable[tuple[URIRef, Graph]]) -> str:
    """One TriG document with each ``(name, graph)`` as a named graph, in name order.

    Each graph's block holds its triples as N-Triples lines (valid TriG), sorted: rdflib's TriG
    writer takes minutes on a graph with the catalogue, its N-Triples writer seconds.
    """
    blocks = [
        f"<{name}> {{\n{ntriples(graph)}}}\n" for name, graph in sorted(graphs, key=lambda g: str(g[0]))
    ]
    return "\n".join(blocks)


def context(ontology: Graph, prefixes: dict[str, str], vocabulary: str) -> dict[str, object]:
    """The JSON-LD context of the site: the project's prefixes and a term per ontology term.

    Each class and property of the ontology in ``vocabulary`` (the ``imtkg:`` namespace) is a
    term named by its local name; object properties are typed ``@id``, so their values read as
    plain IRIs. A local name that is already a prefix gets no term.
    """
    terms: dict[str, object] = dict(sorted(prefixes.items()))
    kinds = (
        (OWL.Class, None),
        (OWL.ObjectProperty, "@id"),
        (OWL.DatatypeProperty, None),
        (OWL.AnnotationProperty, None),
    )
    for kind, coercion in kinds:
        for term in sorted(set(ontology.subjects(RDF.type, kind)), key=str):
            if not isinstance(term, URIRef) or not term.startswith(vocabulary):
                continue
            name = term[len(vocabulary) :]
            if not name or name in terms or not name.replace("_", "a").isalnum():
                continue
            terms[name] = {"@id": str(term), "@type": coercion} if coercion else str(term)
    return {"@context": terms}
