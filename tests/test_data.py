"""Specification of the hand-written data under data/ (data/sources/ excluded).

Every Turtle file parses; every typed resource says where its facts come from (dct:source);
every IRI is one of ours or from a known vocabulary; labels are English; dates are well-formed;
and the only ontology terms used are those the design card (docs/design.md) lists.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as ns

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DESIGN = ROOT / "docs" / "design.md"

ID = "https://w3id.org/imtkg/id/"
IMTKG = "https://w3id.org/imtkg/ontology#"

# Namespaces an IRI in the data may live in: ours, then the reused vocabularies.
KNOWN_NAMESPACES = (
    ID,
    IMTKG,
    "https://w3id.org/imtkg/vocab/",
    "https://w3id.org/imtkg/shapes#",
    str(ns.RDF),
    str(ns.RDFS),
    "http://www.w3.org/2002/07/owl#",
    str(ns.XSD),
    str(ns.SKOS),
    str(ns.DCTERMS),
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2006/time#",
    "http://purl.org/vocab/vann/",
    "http://www.w3.org/ns/shacl#",
)

# Types whose instances are vocabulary, not facts about ITU: they need no dct:source.
UNSOURCED_TYPES = {ns.SKOS.ConceptScheme, ns.SKOS.Concept}


def data_files() -> list[Path]:
    """Every .ttl under data/, except the ingested texts under data/sources/."""
    return sorted(p for p in DATA.rglob("*.ttl") if p.relative_to(DATA).parts[0] != "sources")


FILES = data_files()


def file_id(path: Path) -> str:
    return str(path.relative_to(DATA))


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for path in FILES:
        g.parse(path, format="turtle")
    return g


def subjects_without_source(g: Graph) -> list[str]:
    """Typed subjects (other than concept schemes and concepts) that carry no dct:source."""
    offenders = set()
    for subject in set(g.subjects(ns.RDF.type)):
        if set(g.objects(subject, ns.RDF.type)) & UNSOURCED_TYPES:
            continue
        if g.value(subject, ns.DCTERMS.source) is None:
            offenders.add(str(subject))
    return sorted(offenders)


def iris_outside_known_namespaces(g: Graph) -> list[str]:
    """IRIs that are neither ours nor from a known vocabulary.

    The object of dct:source is the address of a page or record, so any absolute
    http(s) IRI is accepted there.
    """
    offenders = set()
    for s, p, o in g:
        terms = [s, p] if p == ns.DCTERMS.source else [s, p, o]
        for term in terms:
            if isinstance(term, URIRef) and not str(term).startswith(KNOWN_NAMESPACES):
                offenders.add(str(term))
        if p == ns.DCTERMS.source and not (
            isinstance(o, URIRef) and re.match(r"https?://[^\s/]+/?", str(o))
        ):
            offenders.add(f"dct:source {o!r} of {s}")
    return sorted(offenders)


# --- files -------------------------------------------------------------------------------------


def test_there_are_data_files():
    assert FILES, f"no .ttl files found under {DATA} (outside data/sources/)"


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_each_file_parses_as_turtle(path):
    g = Graph()
    g.parse(path, format="turtle")
    assert len(g) > 0, f"{file_id(path)} holds no triples"


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_each_declared_prefix_is_used(path):
    text = path.read_text(encoding="utf-8")
    declaration = r"(?im)^\s*(?:@prefix|prefix)\s+([A-Za-z][\w.-]*)?:"
    declared = [name or "" for name in re.findall(declaration, text)]
    body = re.sub(r"(?im)^\s*(?:@prefix|prefix)\s.*$", "", text)
    body = re.sub(r"(?m)^\s*#.*$", "", body)  # comment lines do not count as use
    unused = [f"{name}:" for name in declared if not re.search(rf"(?<![\w-]){name}:", body)]
    assert not unused, f"{file_id(path)} declares unused prefixes: {unused}"


# --- provenance --------------------------------------------------------------------------------


def test_every_typed_resource_has_a_source(graph):
    offenders = subjects_without_source(graph)
    listing = "\n  ".join(offenders)
    assert not offenders, f"{len(offenders)} typed resources have no dct:source:\n  {listing}"


def test_source_check_reports_a_resource_without_source():
    g = Graph()
    ex = URIRef(ID + "org/example")
    sourced = URIRef(ID + "org/sourced")
    scheme = URIRef("https://w3id.org/imtkg/vocab/example")
    g.add((ex, ns.RDF.type, URIRef(IMTKG + "Sector")))
    g.add((sourced, ns.RDF.type, URIRef(IMTKG + "Sector")))
    g.add((sourced, ns.DCTERMS.source, URIRef("https://www.itu.int/")))
    g.add((scheme, ns.RDF.type, ns.SKOS.ConceptScheme))

    assert subjects_without_source(g) == [str(ex)]

    g.add((ex, ns.DCTERMS.source, URIRef("https://www.itu.int/")))
    assert subjects_without_source(g) == []


def test_every_source_is_an_address(graph):
    bad = [
        f"{s} -> {o!r}"
        for s, o in graph.subject_objects(ns.DCTERMS.source)
        if not isinstance(o, URIRef) or not re.match(r"https?://", str(o))
    ]
    assert not bad, "dct:source values that are not http(s) IRIs:\n  " + "\n  ".join(bad)


# --- IRIs and vocabulary -----------------------------------------------------------------------


def test_every_iri_is_ours_or_from_a_known_vocabulary(graph):
    offenders = iris_outside_known_namespaces(graph)
    assert not offenders, "IRIs outside the known namespaces:\n  " + "\n  ".join(offenders)


def test_namespace_check_reports_a_foreign_iri():
    g = Graph()
    s = URIRef(ID + "org/itu")
    g.add((s, ns.RDF.type, URIRef("http://example.org/Thing")))
    g.add((s, ns.DCTERMS.source, URIRef("https://www.itu.int/")))
    assert iris_outside_known_namespaces(g) == ["http://example.org/Thing"]


def test_no_blank_nodes(graph):
    blanks = {str(t) for triple in graph for t in triple if isinstance(t, BNode)}
    assert not blanks, f"{len(blanks)} blank nodes: resources need IRIs"


def test_only_ontology_terms_the_design_card_lists(graph):
    listed = set(re.findall(r"imtkg:([A-Za-z]+)", DESIGN.read_text(encoding="utf-8")))
    used = {
        str(t)[len(IMTKG) :]
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(IMTKG)
    }
    unknown = sorted(used - listed)
    assert not unknown, f"imtkg: terms not in docs/design.md: {unknown}"


# --- literals ----------------------------------------------------------------------------------


def test_every_label_is_english(graph):
    bad = [
        f"{s} {o!r}"
        for s, o in graph.subject_objects(ns.RDFS.label)
        if not (isinstance(o, Literal) and o.language == "en")
    ]
    assert not bad, "rdfs:label without @en:\n  " + "\n  ".join(bad)


DATE_PATTERNS = {
    ns.XSD.date: re.compile(r"^-?\d{4,}-\d{2}-\d{2}$"),
    ns.XSD.gYear: re.compile(r"^-?\d{4,}$"),
    ns.XSD.gYearMonth: re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])$"),
}


def test_date_and_year_literals_are_well_formed(graph):
    bad = []
    for s, p, o in graph:
        if not isinstance(o, Literal) or o.datatype not in DATE_PATTERNS:
            continue
        text = str(o)
        ok = bool(DATE_PATTERNS[o.datatype].match(text))
        if ok and o.datatype == ns.XSD.date:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                ok = False
        if not ok:
            bad.append(f"{s} {p} {text!r}^^{o.datatype}")
    assert not bad, "ill-formed date literals:\n  " + "\n  ".join(bad)


def test_sessions_end_on_or_after_they_start(graph):
    start, end = URIRef(IMTKG + "startDate"), URIRef(IMTKG + "endDate")
    bad = [
        f"{s}: {b} .. {e}"
        for s, b in graph.subject_objects(start)
        for e in graph.objects(s, end)
        if str(e) < str(b)
    ]
    assert not bad, "sessions that end before they start:\n  " + "\n  ".join(bad)
