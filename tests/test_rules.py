"""Specification of the fast inference engine, :func:`imtkg.rules.materialize`.

Given a pyoxigraph store holding the asserted graph of a build (ontology, data and ingested
sources), ``materialize`` adds exactly the triples that the reference engine
(:func:`imtkg.reasoning.infer`, owlrl) infers: on the shipped project and on synthetic projects
of two sizes and seeds. Each rule family does what OWL 2 RL says on a small hand-made graph
(subclass, subproperty, domain, range, inverse, union, symmetric, transitive, functional and
inverse-functional properties with ``owl:sameAs``, also between literals). The added triples,
and only they, are in the named graph ``INFERRED_GRAPH``; a second run adds nothing; an axiom the
engine has no rule for is refused by name.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from imtkg import Project, __version__
from imtkg.graph import load_turtle, new_graph, stamp_version
from imtkg.ingest import ingest_resolution
from imtkg.oxstore import INFERRED_GRAPH, add_graph, to_graph, to_rdflib
from imtkg.reasoning import infer, meaningful
from imtkg.rules import DELTA_GRAPHS, UnsupportedAxiom, materialize, meaningful_filter
from imtkg.synthetic import write_project

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
EX = Namespace("http://example.org/onto#")
ID = Namespace("http://example.org/id/")

PREFIXES = """
PREFIX ex: <http://example.org/onto#>
PREFIX id: <http://example.org/id/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def asserted_graph(project: Project) -> tuple[Graph, Graph]:
    """The ontology and the asserted graph of a build of ``project``, as ``build_graph`` makes
    them before inference (no catalogue)."""
    ontology = load_turtle(project.ontology_files())
    stamp_version(ontology, __version__)
    graph = new_graph()
    graph += ontology
    load_turtle(project.data_files(), graph)
    for source in project.source_texts():
        graph += ingest_resolution(source, project)
    return ontology, graph


def store_of(graph: Graph) -> ox.Store:
    store = ox.Store()
    add_graph(store, graph)
    return store


def materialized(ontology: Graph, asserted: Graph) -> tuple[int, set, ox.Store]:
    """What ``materialize`` reports, the triples it added to the default graph, and the store."""
    store = store_of(asserted)
    count = materialize(store, ontology)
    added = set(to_graph(store)) - set(asserted)
    return count, added, store


def assert_same_as_reference(ontology: Graph, asserted: Graph) -> ox.Store:
    """``materialize`` adds owlrl's inferred triples exactly, and INFERRED_GRAPH holds them."""
    count, added, store = materialized(ontology, asserted)
    expected = set(infer(asserted).inferred)
    assert added - expected == set(), "inferred by the fast engine only"
    assert expected - added == set(), "inferred by owlrl only"
    assert count == len(expected)
    assert set(to_graph(store, INFERRED_GRAPH)) == expected
    assert not any(len(to_graph(store, graph)) for graph in DELTA_GRAPHS)
    return store


# --- The project's data: the same triples as the reference engine -------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[Graph, Graph]:
    return asserted_graph(Project.default())


def test_on_the_shipped_project_it_adds_exactly_what_owlrl_infers(shipped):
    ontology, asserted = shipped
    assert_same_as_reference(ontology, asserted)


def test_a_second_run_adds_nothing_and_leaves_the_store_as_it_was(shipped):
    ontology, asserted = shipped
    store = store_of(asserted)
    first = materialize(store, ontology)
    before = set(store)
    assert first > 0
    assert materialize(store, ontology) == 0
    assert set(store) == before


@pytest.mark.parametrize(("size", "seed"), [(10_000, 1), (6_000, 3)])
def test_on_a_synthetic_project_it_adds_exactly_what_owlrl_infers(tmp_path: Path, size: int, seed: int):
    write_project(tmp_path / "project", size, seed)
    ontology, asserted = asserted_graph(Project.at(tmp_path / "project"))
    assert len(asserted) > size * 0.9
    assert_same_as_reference(ontology, asserted)


# --- Each rule family on a small graph -----------------------------------------------------------


def closure_about_data(ontology_ttl: str, data_ttl: str) -> set:
    """The triples ``materialize`` adds whose subject is an individual (``id:``) of the data;
    checked on the way against owlrl on the whole graph."""
    ontology = Graph().parse(data=PREFIXES + ontology_ttl, format="turtle")
    asserted = Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    asserted += ontology
    assert_same_as_reference(ontology, asserted)
    _, added, _ = materialized(ontology, asserted)
    return {t for t in added if str(t[0]).startswith(str(ID))}


def test_subclass_types_an_instance_with_every_superclass():
    ontology = "ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C ."
    assert closure_about_data(ontology, "id:x a ex:A .") == {
        (ID.x, RDF.type, EX.B),
        (ID.x, RDF.type, EX.C),
    }


def test_equivalent_classes_share_their_instances():
    ontology = "ex:A owl:equivalentClass ex:B ."
    assert closure_about_data(ontology, "id:x a ex:A . id:y a ex:B .") == {
        (ID.x, RDF.type, EX.B),
        (ID.y, RDF.type, EX.A),
    }


def test_subproperty_and_equivalent_property_copy_the_statement():
    ontology = """ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:r .
        ex:r owl:equivalentProperty ex:s ."""
    assert closure_about_data(ontology, 'id:x ex:p id:y . id:x ex:r "v" .') == {
        (ID.x, EX.q, ID.y),
        (ID.x, EX.r, ID.y),
        (ID.x, EX.s, ID.y),
        (ID.x, EX.s, Literal("v")),
    }


def test_domain_types_the_subject_with_the_domain_and_its_superclasses():
    ontology = "ex:p rdfs:domain ex:D . ex:D rdfs:subClassOf ex:E . ex:q rdfs:subPropertyOf ex:p ."
    assert closure_about_data(ontology, 'id:x ex:p "1"^^xsd:integer . id:y ex:q id:z .') == {
        (ID.x, RDF.type, EX.D),
        (ID.x, RDF.type, EX.E),
        (ID.y, EX.p, ID.z),
        (ID.y, RDF.type, EX.D),
        (ID.y, RDF.type, EX.E),
    }


def test_range_types_a_resource_value_but_not_a_literal_one():
    ontology = "ex:p rdfs:range ex:R ."
    assert closure_about_data(ontology, 'id:x ex:p id:y . id:x ex:p "text" . id:w ex:p id:x .') == {
        (ID.y, RDF.type, EX.R),
        (ID.x, RDF.type, EX.R),
    }


def test_inverse_properties_state_each_other_backwards():
    ontology = "ex:partOf owl:inverseOf ex:hasPart ."
    data = 'id:a ex:partOf id:b . id:c ex:hasPart id:d . id:e ex:partOf "not a resource" .'
    assert closure_about_data(ontology, data) == {
        (ID.b, EX.hasPart, ID.a),
        (ID.d, EX.partOf, ID.c),
    }


def test_a_property_that_is_its_own_inverse_is_symmetric():
    ontology = "ex:meets owl:inverseOf ex:meets ."
    assert closure_about_data(ontology, "id:a ex:meets id:b .") == {(ID.b, EX.meets, ID.a)}


def test_a_step_through_a_blank_node_still_types_the_resource():
    # The inverse gives (id:w ex:hasPart _:b), which is dropped (blank-node object), but its
    # domain still types id:w.
    ontology = "ex:partOf owl:inverseOf ex:hasPart . ex:hasPart rdfs:domain ex:Whole ."
    assert closure_about_data(ontology, "[] ex:partOf id:w .") == {(ID.w, RDF.type, EX.Whole)}


def test_an_individual_the_same_as_a_class_shares_its_axioms():
    ontology = "ex:A rdfs:subClassOf ex:B ."
    data = "id:alias owl:sameAs ex:A . id:x a id:alias ."
    assert closure_about_data(ontology, data) == {
        (ID.alias, RDFS.subClassOf, EX.B),
        (ID.x, RDF.type, EX.A),
        (ID.x, RDF.type, EX.B),
    }


def test_an_instance_of_a_member_of_a_union_is_an_instance_of_the_union():
    ontology = "ex:U owl:unionOf ( ex:A ex:B ) . ex:U rdfs:subClassOf ex:V ."
    assert closure_about_data(ontology, "id:x a ex:A . id:y a ex:B .") == {
        (ID.x, RDF.type, EX.U),
        (ID.x, RDF.type, EX.V),
        (ID.y, RDF.type, EX.U),
        (ID.y, RDF.type, EX.V),
    }


def test_a_union_of_datatypes_as_a_range_adds_nothing_about_the_values():
    ontology = """ex:date rdfs:range [ a rdfs:Datatype ; owl:unionOf ( xsd:date xsd:gYear ) ] ."""
    assert closure_about_data(ontology, 'id:x ex:date "2020"^^xsd:gYear .') == set()


def test_symmetric_and_transitive_properties():
    ontology = "ex:near a owl:SymmetricProperty . ex:before a owl:TransitiveProperty ."
    data = "id:a ex:near id:b . id:a ex:before id:b . id:b ex:before id:c . id:c ex:before id:d ."
    assert closure_about_data(ontology, data) == {
        (ID.b, EX.near, ID.a),
        (ID.a, EX.before, ID.c),
        (ID.a, EX.before, ID.d),
        (ID.b, EX.before, ID.d),
    }


def test_two_values_of_a_functional_property_are_the_same_resource():
    ontology = "ex:f a owl:ObjectProperty, owl:FunctionalProperty ."
    data = 'id:x ex:f id:y1, id:y2 . id:y1 ex:name "one" . id:z ex:knows id:y2 .'
    assert closure_about_data(ontology, data) == {
        (ID.y1, OWL.sameAs, ID.y2),
        (ID.y2, OWL.sameAs, ID.y1),
        (ID.y2, EX.name, Literal("one")),
        (ID.z, EX.knows, ID.y1),
    }


def test_two_subjects_of_an_inverse_functional_value_are_the_same_resource():
    ontology = "ex:id a owl:InverseFunctionalProperty ."
    assert closure_about_data(ontology, "id:a ex:id id:k . id:b ex:id id:k . id:a a ex:C .") == {
        (ID.a, OWL.sameAs, ID.b),
        (ID.b, OWL.sameAs, ID.a),
        (ID.b, RDF.type, EX.C),
    }


def test_two_literal_values_of_a_functional_property_are_equal_wherever_they_are_used():
    ontology = "ex:order a owl:DatatypeProperty, owl:FunctionalProperty ."
    data = 'id:x ex:order 1, 2 . id:z ex:rank 2 . id:w ex:rank "2" .'
    assert closure_about_data(ontology, data) == {
        (ID.z, EX.rank, Literal(1)),
    }


def test_a_resource_equal_to_a_literal_gets_its_datatype_and_its_uses():
    ontology = "ex:f a owl:FunctionalProperty ; rdfs:range ex:R ; owl:inverseOf ex:g ."
    data = 'id:x ex:f id:y, "1"^^xsd:integer . id:z ex:v "1"^^xsd:integer .'
    assert closure_about_data(ontology, data) == {
        (ID.y, OWL.sameAs, Literal(1)),
        (ID.y, RDF.type, EX.R),
        (ID.y, RDF.type, XSD_INTEGER),
        (ID.y, RDF.type, XSD_DECIMAL),
        (ID.y, EX.g, ID.x),
        (ID.z, EX.v, ID.y),
    }


def test_a_blank_node_equal_to_a_literal_passes_on_its_uses_both_ways():
    ontology = "ex:f a owl:FunctionalProperty ."
    data = 'id:x ex:f _:b, "one" . _:b ex:n id:q . id:z ex:v _:b . id:w ex:v "one" .'
    # The triples about _:b (ex:n, and sameAs "one") are dropped: blank-node subjects.
    assert closure_about_data(ontology, data) == {
        (ID.z, EX.v, Literal("one")),
    }


def test_the_schema_is_closed_with_the_triples_owlrl_adds_about_classes_and_datatypes():
    ontology = Graph().parse(
        data=PREFIXES + "ex:A a owl:Class ; rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C .",
        format="turtle",
    )
    count, added, _ = materialized(ontology, ontology)
    annotation_properties = [
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.deprecated,
        OWL.versionInfo,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
    ]
    assert added == {
        (EX.A, RDFS.subClassOf, EX.C),
        (EX.A, RDFS.subClassOf, OWL.Thing),
        # owl:Nothing is a subclass of every class, and so of A's superclasses.
        (OWL.Nothing, RDFS.subClassOf, EX.A),
        (OWL.Nothing, RDFS.subClassOf, EX.B),
        (OWL.Nothing, RDFS.subClassOf, EX.C),
        (OWL.Nothing, RDFS.subClassOf, OWL.Thing),
        (OWL.Thing, RDF.type, OWL.Class),
        (OWL.Nothing, RDF.type, OWL.Class),
        *((p, RDF.type, OWL.AnnotationProperty) for p in annotation_properties),
        *((d, RDF.type, RDFS.Datatype) for d in OWL_RL_Datatypes),
    }
    assert count == len(added)
    assert (XSD_STRING, RDF.type, RDFS.Datatype) in added
    assert_same_as_reference(ontology, ontology)


def test_an_axiom_without_a_rule_is_refused_by_name():
    ontology = Graph().parse(
        data=PREFIXES + "ex:C owl:intersectionOf ( ex:A ex:B ) .",
        format="turtle",
    )
    with pytest.raises(UnsupportedAxiom, match=r"owl#intersectionOf.*example.org/onto#C"):
        materialize(store_of(ontology), ontology)


def test_the_inferred_graph_is_kept_apart_from_the_asserted_one():
    ontology = Graph().parse(data=PREFIXES + "ex:A rdfs:subClassOf ex:B .", format="turtle")
    asserted = Graph().parse(data=PREFIXES + "id:x a ex:A .", format="turtle") + ontology
    store = store_of(asserted)
    materialize(store, ontology)
    inferred = set(to_graph(store, INFERRED_GRAPH))
    assert (ID.x, RDF.type, EX.B) in inferred
    assert set(to_graph(store)) == set(asserted) | inferred
    assert not set(asserted) & inferred
    assert list(store.named_graphs()) == [INFERRED_GRAPH]


def test_the_sparql_filter_keeps_the_triples_the_reference_engine_keeps():
    iri, other, blank = ID.s, ID.o, BNode("b")
    subjects = [iri, blank]
    predicates = [RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, OWL.sameAs, OWL.equivalentClass]
    predicates += [OWL.equivalentProperty, EX.p]
    objects = [iri, other, blank, Literal("x"), OWL.Thing, RDFS.Resource, OWL.NamedIndividual, EX.C]
    candidates = [(s, p, o) for s in subjects for p in predicates for o in objects]
    graph = Graph()
    for triple in candidates:
        graph.add(triple)
    store = store_of(graph)
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER({meaningful_filter()}) }}")
    kept = {(to_rdflib(r["s"]), to_rdflib(r["p"]), to_rdflib(r["o"])) for r in rows}
    assert kept == {t for t in candidates if meaningful(t)}
    assert (iri, RDF.type, EX.C) in kept and (iri, RDFS.subClassOf, iri) not in kept
