"""The fast inference engine: OWL 2 RL as SPARQL-UPDATE rules run inside a pyoxigraph store.

:func:`materialize` adds to a store the same triples as :func:`imtkg.reasoning.infer` (owlrl,
OWL 2 RL, no axiomatic or datatype triples, only the meaningful ones) adds to an rdflib graph.

It works in two parts. The *schema* (the ontology, the triples of the store with a schema
predicate such as ``rdfs:subClassOf`` or a typing with a class like ``owl:FunctionalProperty``,
and one literal of each datatype the data uses) is small: owlrl closes it, which yields the
schema-level inferences (subclass and subproperty chains, inherited domains and ranges, the
datatype and annotation-property typings) and tables of the closed axioms. The *data* is then
closed by a handful of set-based ``INSERT … WHERE`` updates that read those tables as ``VALUES``
(typing by subclass, domain and range; subproperties; inverse, symmetric, transitive,
functional and inverse-functional properties; ``owl:sameAs``), repeated until a round adds
nothing (after the first round, a round only looks at matches that use a triple the round
before added). Every triple a rule adds also goes to :data:`imtkg.oxstore.INFERRED_GRAPH`; at
the end those that :func:`imtkg.reasoning.meaningful` drops (steps of a derivation, such as a
triple with a blank-node object) are taken out of both graphs again, by the SPARQL condition
:func:`meaningful_filter` made from the same sets of terms.

A literal cannot be a subject in the store, so equalities with a literal (two literal values
of a functional property, say) are worked out in Python, class by class, and applied by rules
with those classes as ``VALUES``. Axioms whose instance rules are not implemented here
(``owl:intersectionOf``, restrictions, ``owl:oneOf``, ``owl:hasKey``, property chains) are
refused with :class:`UnsupportedAxiom`.

Literals follow :mod:`imtkg.oxstore`: an ``xsd:string`` literal of the store is a simple literal
of rdflib, so it does not count as a use of the datatype ``xsd:string``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import owlrl
import pyoxigraph as ox
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .errors import ImtkgError
from .oxstore import INFERRED_GRAPH, from_rdflib, to_rdflib
from .reasoning import REFLEXIVE, TRIVIAL_TYPES, meaningful

#: The two graphs that hold, in turn, the triples a round of the data rules added.
DELTA_GRAPHS = (
    ox.NamedNode("https://w3id.org/imtkg/id/graph/inference-delta-1"),
    ox.NamedNode("https://w3id.org/imtkg/id/graph/inference-delta-2"),
)

#: Predicates whose triples are axioms (or the lists of axioms): the schema owlrl closes.
SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.unionOf,
    OWL.intersectionOf,
    OWL.oneOf,
    OWL.complementOf,
    OWL.disjointWith,
    OWL.propertyDisjointWith,
    OWL.members,
    OWL.distinctMembers,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.onProperty,
    OWL.onClass,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.propertyChainAxiom,
    OWL.hasKey,
    RDF.first,
    RDF.rest,
)

#: Classes whose instances are classes, properties or axioms: their typings belong to the schema.
SCHEMA_CLASSES = (
    OWL.Class,
    RDFS.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.TransitiveProperty,
    OWL.IrreflexiveProperty,
    OWL.AllDisjointClasses,
    OWL.AllDisjointProperties,
    OWL.AllDifferent,
    OWL.Restriction,
    RDFS.Datatype,
)

#: Axioms whose instance rules this engine does not implement.
UNSUPPORTED = (
    OWL.intersectionOf,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.oneOf,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.hasKey,
    OWL.propertyChainAxiom,
)

_SCHEMA_PREDICATES = frozenset(SCHEMA_PREDICATES)
_SCHEMA_CLASSES = frozenset(SCHEMA_CLASSES)
_DATATYPES = frozenset(OWL_RL_Datatypes)

#: Datatypes rdflib does not give its literals (simple and language-tagged ones).
_NO_RDFLIB_DATATYPE = {str(XSD.string), str(RDF.langString)}

#: The resource and property that carry the sample literals through the schema closure.
_SAMPLE = URIRef("https://w3id.org/imtkg/id/inference/sample")

_TYPE_NODE = ox.NamedNode(str(RDF.type))
_SAME_AS_NODE = ox.NamedNode(str(OWL.sameAs))
_A = str(_TYPE_NODE)
_SAME_AS = str(_SAME_AS_NODE)


class UnsupportedAxiom(ImtkgError):
    """The schema uses an axiom the fast engine has no rule for (use the reference engine)."""


@dataclass(frozen=True)
class Schema:
    """The closed schema as tables of term pairs and sets, each as SPARQL (N-Triples) terms."""

    subclass: frozenset[tuple[str, str]]
    domain: frozenset[tuple[str, str]]
    range: frozenset[tuple[str, str]]
    subproperty: frozenset[tuple[str, str]]
    inverse: frozenset[tuple[str, str]]
    functional: frozenset[str]
    inverse_functional: frozenset[str]
    symmetric: frozenset[str]
    transitive: frozenset[str]


def materialize(store: ox.Store, ontology: Graph) -> int:
    """Close the default graph of store under the OWL 2 RL entailments the ontology's axioms give
    (same meaningful triples as reasoning.infer), add each new triple to the default graph and to
    INFERRED_GRAPH; return how many were added.

    The default graph is expected to hold the ontology too (as the build's graph does). Raises
    :class:`UnsupportedAxiom` when the schema uses an axiom listed in :data:`UNSUPPORTED`.
    """
    before = _size(store, INFERRED_GRAPH)
    axioms = schema_graph(store, ontology)
    # Nothing inferred yet: what the first round adds is INFERRED_GRAPH (and the few schema
    # triples), so that graph is the next round's delta and the round writes no copy of its own.
    first_round_is_inferred = before == 0
    while True:
        closed = close_schema(axioms)
        _insert(store, _new_schema_triples(axioms, closed))
        _close_data(store, tables(closed), first_round_is_inferred)
        first_round_is_inferred = False
        # The data rules may have added axioms (say, a typing as owl:FunctionalProperty).
        if all(triple in closed for triple in _schema_triples(store, INFERRED_GRAPH)):
            break
        axioms = schema_graph(store, ontology)
    _drop_meaningless(store)
    return _size(store, INFERRED_GRAPH) - before


def materialize_data(store: ox.Store, schema: Schema) -> int:
    """Close the default graph of ``store`` under the data rules of an already closed schema
    (:func:`tables` of :func:`close_schema`), without closing the schema again; add each new
    meaningful triple to the default graph and to INFERRED_GRAPH; return how many were added.

    With the schema :func:`materialize` closed on a graph, this adds to a part of that graph what
    :func:`materialize` adds to it from the data (not the schema-level triples): the incremental
    build (:mod:`imtkg.incremental`) derives the triples about changed nodes again this way,
    without closing the schema with owlrl each time.
    """
    before = _size(store, INFERRED_GRAPH)
    _close_data(store, schema)
    _drop_meaningless(store)
    return _size(store, INFERRED_GRAPH) - before


def _drop_meaningless(store: ox.Store) -> None:
    """Take the inferred triples :func:`imtkg.reasoning.meaningful` drops out of both graphs."""
    store.update(
        f"DELETE {{ ?s ?p ?o . GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} FILTER(!({meaningful_filter()})) }}"
    )


def schema_graph(store: ox.Store, ontology: Graph) -> Graph:
    """The schema of ``store`` and ``ontology``: their axioms (triples with a schema predicate)
    and schema typings; for owlrl's datatype rules, their asserted typings with a datatype and
    ``owl:sameAs`` statements with a literal, and one sample literal of each datatype they use.

    owlrl applies its datatype rules once, to the asserted graph, so the typings and equalities
    that inference added to the store (those in INFERRED_GRAPH) are left out.
    """
    graph = Graph()
    datatypes = set()
    for s, p, o in ontology:
        if isinstance(o, Literal):
            if o.datatype is not None and o.datatype not in datatypes:
                datatypes.add(o.datatype)
                graph.add((_SAMPLE, _SAMPLE, o))
            if p == OWL.sameAs:
                graph.add((s, p, o))
        elif p in _SCHEMA_PREDICATES or (p == RDF.type and o in _SCHEMA_CLASSES | _DATATYPES):
            graph.add((s, p, o))
    for triple in _schema_triples(store, ox.DefaultGraph()):
        graph.add(triple)
    datatype_typings = " ".join(_sparql(d) for d in OWL_RL_Datatypes)
    asserted = f"""SELECT ?s ?p ?o WHERE {{
        {{ VALUES ?o {{ {datatype_typings} }} ?s {_A} ?o BIND({_A} AS ?p) }}
        UNION {{ ?s {_SAME_AS} ?o FILTER(isLiteral(?o)) BIND({_SAME_AS} AS ?p) }}
        FILTER NOT EXISTS {{ GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }} }}
    }}"""
    for row in store.query(asserted):
        graph.add((to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])))
    samples = """SELECT ?d (SAMPLE(?o) AS ?v) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }
        GROUP BY (DATATYPE(?o) AS ?d)"""
    for row in store.query(samples):
        if row["d"].value not in _NO_RDFLIB_DATATYPE and URIRef(row["d"].value) not in datatypes:
            graph.add((_SAMPLE, _SAMPLE, to_rdflib(row["v"])))
    return graph


def _schema_triples(
    store: ox.Store, graph: ox.DefaultGraph | ox.NamedNode
) -> Iterator[tuple[Node, Node, Node]]:
    """The axioms and schema typings of one graph of ``store``."""
    predicates = " ".join(_sparql(p) for p in SCHEMA_PREDICATES)
    classes = " ".join(_sparql(c) for c in SCHEMA_CLASSES)
    pattern = f"""{{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}
        UNION {{ VALUES ?o {{ {classes} }} ?s {_A} ?o BIND({_A} AS ?p) }}"""
    if isinstance(graph, ox.NamedNode):
        pattern = f"GRAPH {graph} {{ {pattern} }}"
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}"):
        yield to_rdflib(row["s"]), to_rdflib(row["p"]), to_rdflib(row["o"])


def close_schema(axioms: Graph) -> Graph:
    """``axioms`` closed by owlrl (OWL 2 RL, no axiomatic or datatype triples), as a new graph.

    The closure of the same axioms is made once (the last few are kept) and shared: the graph
    returned must not be changed. Raises :class:`UnsupportedAxiom` naming the first axiom this
    engine has no rule for.
    """
    for predicate in UNSUPPORTED:
        for subject in axioms.subjects(predicate, None):
            raise UnsupportedAxiom(
                f"the fast inference engine has no rule for {predicate.n3()} "
                f"(used by {subject.n3()}); use the reference engine"
            )
    return _closure(frozenset(axioms))


@lru_cache(maxsize=4)
def _closure(axioms: frozenset[tuple[Node, Node, Node]]) -> Graph:
    closed = Graph()
    for triple in axioms:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closed
    )
    return closed


def tables(closed: Graph) -> Schema:
    """The instance rules' tables of a closed schema (blank nodes and trivial classes left out).

    The schema is closed, so a chain of axioms is one row here, and an anonymous class (a union,
    say) is bypassed by the named classes it is a subclass or superclass of.
    """

    def pairs(predicate: URIRef, *, target_class: bool = False) -> frozenset[tuple[str, str]]:
        reflexive_is_trivial = predicate in (RDFS.subClassOf, RDFS.subPropertyOf)
        return frozenset(
            (_sparql(s), _sparql(o))
            for s, o in closed.subject_objects(predicate)
            if _named(s)
            and _named(o)
            and not (reflexive_is_trivial and s == o)
            and not (target_class and o in TRIVIAL_TYPES)
        )

    def typed(cls: URIRef) -> frozenset[str]:
        return frozenset(_sparql(s) for s in closed.subjects(RDF.type, cls) if _named(s))

    inverse = pairs(OWL.inverseOf)
    return Schema(
        subclass=pairs(RDFS.subClassOf, target_class=True),
        domain=pairs(RDFS.domain, target_class=True),
        range=pairs(RDFS.range, target_class=True),
        subproperty=pairs(RDFS.subPropertyOf),
        inverse=inverse | {(q, p) for p, q in inverse},
        functional=typed(OWL.FunctionalProperty),
        inverse_functional=typed(OWL.InverseFunctionalProperty),
        symmetric=typed(OWL.SymmetricProperty),
        transitive=typed(OWL.TransitiveProperty),
    )


@dataclass(frozen=True)
class Rule:
    """A data rule: when the patterns ``body`` match (with ``table`` bound to ``variables``,
    if any, and ``condition`` true), the triple ``head`` holds. Terms ``{a}`` and ``{same}``
    stand for ``rdf:type`` and ``owl:sameAs``."""

    head: str
    body: tuple[str, ...]
    condition: str = ""
    variables: str = ""
    table: frozenset[tuple[str, ...] | str] = frozenset()

    def update(self, delta: ox.NamedNode | None, out: ox.NamedNode) -> str:
        """The SPARQL update adding the new head triples to the default graph, INFERRED_GRAPH and
        graph ``out`` (which may be INFERRED_GRAPH itself): for every match, or (semi-naive) for
        those using a triple of ``delta``."""
        head = _terms(self.head)
        body = [_terms(pattern) for pattern in self.body]
        if delta is None:
            where = " . ".join(body)
        else:
            where = " UNION ".join(
                "{ "
                + " . ".join([f"GRAPH {delta} {{ {p} }}", *body[:i], *body[i + 1 :]])
                + " }"
                for i, p in enumerate(body)
            )
        if self.variables:
            rows = " ".join(f"({' '.join(r) if isinstance(r, tuple) else r})" for r in self.table)
            where = f"VALUES ({self.variables}) {{ {rows} }} {where}"
        if self.condition:
            where += f" FILTER({_terms(self.condition)})"
        copy = f" GRAPH {out} {{ {head} }}" if out != INFERRED_GRAPH else ""
        return (
            f"INSERT {{ {head} . GRAPH {INFERRED_GRAPH} {{ {head} }}{copy} }} "
            f"WHERE {{ {where} FILTER NOT EXISTS {{ {head} }} }}"
        )


def rules(schema: Schema) -> list[Rule]:
    """The data rules of a closed schema (those with an empty table left out)."""
    tabled = [
        Rule("?x {a} ?d", ("?x {a} ?c",), "", "?c ?d", schema.subclass),
        Rule("?x {a} ?d", ("?x ?p ?y",), "", "?p ?d", schema.domain),
        Rule("?y {a} ?d", ("?x ?p ?y",), "!isLiteral(?y)", "?p ?d", schema.range),
        Rule("?x ?q ?y", ("?x ?p ?y",), "", "?p ?q", schema.subproperty),
        Rule("?y ?q ?x", ("?x ?p ?y",), "!isLiteral(?y)", "?p ?q", schema.inverse),
        Rule("?y ?p ?x", ("?x ?p ?y",), "!isLiteral(?y)", "?p", schema.symmetric),
        Rule("?x ?p ?z", ("?x ?p ?y", "?y ?p ?z"), "", "?p", schema.transitive),
        Rule(
            "?y {same} ?z",
            ("?x ?p ?y", "?x ?p ?z"),
            "!isLiteral(?y) && !sameTerm(?y, ?z)",
            "?p",
            schema.functional,
        ),
        Rule(
            "?y {same} ?z",
            ("?y ?p ?x", "?z ?p ?x"),
            "!sameTerm(?y, ?z)",
            "?p",
            schema.inverse_functional,
        ),
    ]
    same = "?s {same} ?o"
    equality = [
        Rule("?o {same} ?s", (same,), "!isLiteral(?o) && !sameTerm(?s, ?o)"),
        Rule("?s {same} ?z", (same, "?o {same} ?z"), "!sameTerm(?s, ?z)"),
        Rule("?o ?p ?v", (same, "?s ?p ?v"), "!isLiteral(?o)"),
        Rule("?x ?o ?v", (same, "?x ?s ?v"), "isIRI(?o)"),
        Rule("?x ?p ?s", (same, "?x ?p ?o")),
        # A literal is the same as ?s too (eq-sym, kept out of the store): eq-rep-o from it.
        Rule("?x ?p ?o", (same, "?x ?p ?s"), "isLiteral(?o)"),
    ]
    return [rule for rule in tabled if rule.table] + equality


def _terms(template: str) -> str:
    """A rule template with ``{a}`` and ``{same}`` replaced by ``rdf:type`` and ``owl:sameAs``."""
    return template.format(a=_A, same=_SAME_AS)


def _close_data(store: ox.Store, schema: Schema, first_round_is_inferred: bool = False) -> None:
    """Run the data rules (and the literal ``owl:sameAs`` step) until a round adds nothing.

    The first round matches the whole default graph; each later one only the matches that use a
    triple the round before added (semi-naive evaluation), kept in one of two delta graphs. With
    ``first_round_is_inferred`` (INFERRED_GRAPH held nothing but schema triples before), the first
    round's delta is INFERRED_GRAPH itself: a delta may hold more than the round added, never less.
    """
    data_rules = rules(schema)
    delta, out = None, INFERRED_GRAPH if first_round_is_inferred else DELTA_GRAPHS[0]
    store.remove_graph(DELTA_GRAPHS[0])
    while True:
        for rule in data_rules:
            store.update(rule.update(delta, out))
        _apply_literal_equalities(store, _literal_equalities(store, schema), out)
        if delta is not None and delta != INFERRED_GRAPH:
            store.remove_graph(delta)
        if not _has_triples(store, out):
            if out != INFERRED_GRAPH:
                store.remove_graph(out)
            return
        delta, out = out, DELTA_GRAPHS[1] if out == DELTA_GRAPHS[0] else DELTA_GRAPHS[0]


def _literal_equalities(store: ox.Store, schema: Schema) -> list[list[ox.Term]]:
    """The classes of terms that ``owl:sameAs`` makes equal to a literal.

    A literal cannot be the subject of a stored triple, so these equalities are kept here: the
    literal values of a functional property, and the ``owl:sameAs`` statements with a literal
    object, joined into classes of equal terms.
    """
    links: list[tuple[ox.Term, ox.Term]] = []
    if schema.functional:
        values = " ".join(sorted(schema.functional))
        query = f"""SELECT ?y ?z WHERE {{ VALUES ?p {{ {values} }}
            ?x ?p ?y . ?x ?p ?z . FILTER(isLiteral(?y) && !sameTerm(?y, ?z)) }}"""
        links += [(row["y"], row["z"]) for row in store.query(query)]
    query = f"SELECT ?y ?z WHERE {{ ?y {_SAME_AS} ?z . FILTER(isLiteral(?z)) }}"
    links += [(row["y"], row["z"]) for row in store.query(query)]
    return list(_classes(links))


def _classes(links: Iterable[tuple[ox.Term, ox.Term]]) -> Iterator[list[ox.Term]]:
    """The classes of terms that ``links`` (pairs of equal terms) make equal (union-find)."""
    parent: dict[ox.Term, ox.Term] = {}

    def find(term: ox.Term) -> ox.Term:
        parent.setdefault(term, term)
        while parent[term] != term:
            parent[term] = parent[parent[term]]
            term = parent[term]
        return term

    for a, b in links:
        parent[find(a)] = find(b)
    groups: dict[ox.Term, list[ox.Term]] = {}
    for term in list(parent):
        groups.setdefault(find(term), []).append(term)
    yield from groups.values()


def _apply_literal_equalities(store: ox.Store, classes: list[list[ox.Term]], out: ox.NamedNode) -> None:
    """Add what owlrl derives from classes of terms equal to a literal.

    Each resource of a class is ``owl:sameAs`` every other term of it, and gets the datatype
    typings of its literals (owlrl: dt-type2 and the datatype subsumptions, then eq-rep-s); a
    value that is a literal of the class is replaced by each other literal of it (eq-rep-o). The
    stored ``owl:sameAs`` then do the rest (the other typings of a literal, by range say, reach the
    resource through the triples that have it as value).
    """
    triples = []
    literal_pairs = []
    for group in classes:
        literals = [term for term in group if isinstance(term, ox.Literal)]
        resources = [term for term in group if not isinstance(term, ox.Literal)]
        literal_pairs += [(str(a), str(b)) for a in literals for b in literals if a != b]
        triples += [(a, _SAME_AS_NODE, b) for a in resources for b in group if a != b]
        typings = {datatype for literal in literals for datatype in _datatype_typings(literal)}
        triples += [(a, _TYPE_NODE, ox.NamedNode(d)) for a in resources for d in typings]
    _add(store, triples, out)
    if literal_pairs:
        rule = Rule("?x ?p ?o", ("?x ?p ?s",), "", "?s ?o", frozenset(literal_pairs))
        store.update(rule.update(None, out))


def _datatype_typings(literal: ox.Literal) -> list[str]:
    """The datatypes owlrl types a literal with: its OWL 2 RL datatype and those it is a
    subtype of (none for a simple or language-tagged literal, which rdflib gives no datatype)."""
    datatype = URIRef(literal.datatype.value)
    if str(datatype) in _NO_RDFLIB_DATATYPE or datatype not in _DATATYPES:
        return []
    return [str(d) for d in (datatype, *OWL_Datatype_Subsumptions.get(datatype, []))]


def _new_schema_triples(axioms: Graph, closed: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The meaningful triples the schema closure added (none about the sample literals)."""
    for triple in closed:
        if triple not in axioms and meaningful(triple) and _SAMPLE not in triple:
            yield triple


def _insert(store: ox.Store, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    """Add the (rdflib) triples missing from the default graph to it and to INFERRED_GRAPH."""
    _add(store, ((from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in triples))


def _add(
    store: ox.Store, triples: Iterable[tuple[ox.Term, ox.Term, ox.Term]], out: ox.NamedNode | None = None
) -> None:
    """Add the triples missing from the default graph to it, to INFERRED_GRAPH and to ``out``."""
    graphs = [ox.DefaultGraph(), INFERRED_GRAPH, *([out] if out not in (None, INFERRED_GRAPH) else [])]
    new = []
    for triple in set(triples):
        if ox.Quad(*triple, graphs[0]) not in store:
            new += [ox.Quad(*triple, graph) for graph in graphs]
    store.extend(new)


def meaningful_filter(s: str = "?s", p: str = "?p", o: str = "?o") -> str:
    """A SPARQL condition on the variables ``s``, ``p``, ``o`` that is true exactly when
    :func:`imtkg.reasoning.meaningful` keeps the triple (with its sets of reflexive predicates
    and trivial types): no literal or blank-node subject, no blank-node object, no reflexive
    ``rdfs:subClassOf`` (and the like), no typing as ``owl:Thing`` (and the like)."""
    reflexive = " || ".join(f"sameTerm({p}, {_sparql(term)})" for term in sorted(REFLEXIVE))
    trivial = " || ".join(f"sameTerm({o}, {_sparql(term)})" for term in sorted(TRIVIAL_TYPES))
    return (
        f"!isLiteral({s}) && !isBlank({s}) && !isBlank({o})"
        f" && !(({reflexive}) && sameTerm({s}, {o}))"
        f" && !(sameTerm({p}, {_A}) && ({trivial}))"
    )


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    return int(next(iter(store.query(query)))["n"].value)


def _has_triples(store: ox.Store, graph: ox.NamedNode) -> bool:
    return bool(store.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))


def _named(term: Node) -> bool:
    return isinstance(term, URIRef)


def _sparql(term: Node) -> str:
    """A term as SPARQL (N-Triples syntax, escaped by pyoxigraph)."""
    return str(from_rdflib(term))


__all__ = [
    "SCHEMA_CLASSES",
    "SCHEMA_PREDICATES",
    "UNSUPPORTED",
    "Schema",
    "UnsupportedAxiom",
    "close_schema",
    "materialize",
    "materialize_data",
    "meaningful_filter",
    "rules",
    "schema_graph",
    "tables",
]
