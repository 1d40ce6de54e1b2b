"""OWL 2 RL inference with owlrl, keeping only what the ontology adds about the data."""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from .graph import new_graph

#: Types owlrl asserts of everything; they say nothing about the data.
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
#: Reflexive statements owlrl makes of every class or property.
REFLEXIVE = {
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
}


@dataclass(frozen=True)
class Inference:
    """The graph closed under OWL 2 RL, and the triples inference added."""

    graph: Graph
    inferred: Graph


def meaningful(triple) -> bool:
    """Whether an inferred triple says something about the data (see :func:`infer`)."""
    s, p, o = triple
    if isinstance(s, Literal | BNode) or isinstance(o, BNode):
        return False
    if p in REFLEXIVE and s == o:
        return False
    return not (p == RDF.type and o in TRIVIAL_TYPES)


def infer(asserted: Graph) -> Inference:
    """Close ``asserted`` under OWL 2 RL (owlrl) without axiomatic or datatype triples.

    The asserted graph is not changed. Inferred triples that carry no information about the
    data (``owl:Thing`` typing, reflexive ``owl:sameAs``, blank-node and literal-subject
    triples of the rule engine) are dropped.
    """
    closure = new_graph()
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    inferred = new_graph()
    for triple in closure:
        if triple not in asserted and meaningful(triple):
            inferred.add(triple)
    result = new_graph()
    for triple in asserted:
        result.add(triple)
    for triple in inferred:
        result.add(triple)
    return Inference(result, inferred)
