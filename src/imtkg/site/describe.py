"""Lookups the pages need, made once over the graph: labels, types, incoming links, descriptions.

The RDF *description* of a resource, written next to its page (``.ttl``, ``.jsonld``, ``.nt``,
``.rdf``), is its Concise Bounded Description (rdflib's ``Graph.cbd``: its triples, and those of
the blank nodes they lead to, recursively) with the labels (``skos:prefLabel``, ``rdfs:label``,
``dct:title``) of every IRI it links to, so that a client can show the links without fetching them.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from .iris import bind

#: The predicates that label a resource in its description, and on pages in this order of preference.
LABELS = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
_PAGE_LABELS = (*LABELS, SH.name, DCTERMS.identifier)
_LANGUAGES = {"en": 0, None: 1}


class GraphIndex:
    """Labels, types, subclasses and incoming links of a graph, for rendering pages quickly."""

    def __init__(self, graph: Graph, prefixes: dict[str, str]):
        self.graph = graph
        self.prefixes = prefixes
        self._labels: dict[Node, tuple[tuple, str]] = {}
        for rank, predicate in enumerate(_PAGE_LABELS):
            for subject, value in graph.subject_objects(predicate):
                if not isinstance(value, Literal):
                    continue
                key = (rank, _LANGUAGES.get(value.language, 2), value.language or "", str(value))
                if subject not in self._labels or key < self._labels[subject][0]:
                    self._labels[subject] = (key, str(value))
        self.incoming: dict[Node, list[tuple[URIRef, Node]]] = defaultdict(list)
        for s, p, o in graph:
            if isinstance(o, URIRef | BNode) and p != RDF.type:
                self.incoming[o].append((p, s))
        self.members: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDF.type):
            self.members[o].add(s)
        self._compact = sorted(((iri, prefix) for prefix, iri in prefixes.items()), reverse=True)

    def label(self, node: Node) -> str | None:
        """The preferred label of ``node``: English first, then untagged, then any language."""
        found = self._labels.get(node)
        return found[1] if found else None

    def compact(self, iri: str) -> str:
        """``prefix:name`` for an IRI in a project namespace (when the name reads well), else the IRI."""
        for namespace, prefix in self._compact:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def name(self, node: Node) -> str:
        """What a person reads for ``node``: its label, else its compact IRI."""
        return self.label(node) or self.compact(str(node))

    def types(self, node: Node) -> list[URIRef]:
        return sorted((t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef)), key=str)

    def specific_types(self, node: Node) -> list[URIRef]:
        """The types of ``node`` that no other of its types is a strict subclass of."""
        types = set(self.types(node))
        graph = self.graph
        return sorted(
            (
                t
                for t in types
                if not any(
                    other != t
                    and (other, RDFS.subClassOf, t) in graph
                    and (t, RDFS.subClassOf, other) not in graph
                    for other in types
                )
            ),
            key=str,
        )

    def owner(self, node: Node, seen: frozenset[Node] = frozenset()) -> URIRef | None:
        """The IRI a blank node hangs from (the first in IRI order, through nested nodes), if any."""
        if isinstance(node, URIRef):
            return node
        owners = []
        for subject, _ in self.graph.subject_predicates(node):
            if subject in seen:
                continue
            found = self.owner(subject, seen | {node})
            if found is not None:
                owners.append(found)
        return min(owners, key=str) if owners else None

    def description(self, resource: URIRef) -> Graph:
        """The resource's Concise Bounded Description with the labels of the IRIs it links to."""
        described = Graph()
        bind(described, self.prefixes)
        self.graph.cbd(resource, target_graph=described)
        linked = {o for o in described.objects() if isinstance(o, URIRef)}
        for iri in linked:
            for predicate in LABELS:
                for value in self.graph.objects(iri, predicate):
                    described.add((iri, predicate, value))
        return described
