"""Specification of the imtkg ontology: the Turtle files under ``ontology/``.

What these tests require, in order:

* the files: every ``.ttl`` file parses, starts with a comment header and declares only the
  prefixes it uses, bound to their usual namespaces;
* the header: ``ontology/imtkg.ttl`` holds the one ``owl:Ontology`` of the project and imports
  every module; the version is written only in ``pyproject.toml``, and the ontology a build
  writes carries it as its version IRI and version info;
* the terms: every ``imtkg:`` term is declared, documented (label, definition, defining
  ontology) and listed in ``docs/design.md``, and every term of the design card is declared;
* the concept schemes: every concept and scheme is documented, and the clause-kind labels form a
  clean contract for the ingester;
* reasoning: OWL 2 RL (owlrl) over the ontology and over data written as the design card says
  reports no inconsistency and types nothing wrongly; the HermiT OWL 2 DL reasoner finds the
  ontology consistent with no unsatisfiable class, and finds it inconsistent when an individual is
  both a preambular and an operative clause.

The HermiT tests need Java. Outside CI they are skipped when Java or owlready2 is missing; under
CI (``CI=true``) a missing dependency fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from collections import defaultdict
from pathlib import Path

import owlrl
import pytest
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
AGGREGATOR = ONTOLOGY_DIR / "imtkg.ttl"
PYPROJECT = ROOT / "pyproject.toml"
DESIGN_CARD = ROOT / "docs" / "design.md"

ONTOLOGY_IRI = URIRef("https://w3id.org/imtkg/ontology")
IMTKG = Namespace("https://w3id.org/imtkg/ontology#")
VOCAB = "https://w3id.org/imtkg/vocab/"
CLAUSE_KIND = Namespace(VOCAB + "clause-kind/")
DEONTIC_FORCE = Namespace(VOCAB + "deontic-force/")
IMT_GENERATION = Namespace(VOCAB + "imt-generation/")
COUNTRY_GROUP = Namespace(VOCAB + "country-group/")
STATUS = Namespace(VOCAB + "status/")
TOPIC = Namespace(VOCAB + "topic/")
LIAISON_PURPOSE = Namespace(VOCAB + "liaison-purpose/")
IMT_RULE = Namespace(VOCAB + "imt-rule/")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
# A plain Namespace, not rdflib.namespace.XSD, which warns when pytest probes module globals.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VANN = Namespace("http://purl.org/vocab/vann/")
OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
OWLRL_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")

MODULE_FILES = (
    "organization.ttl", "documents.ttl", "obligations.ttl", "activities.ttl", "liaisons.ttl",
    "roadmaps.ttl", "alignments.ttl",
)  # fmt: skip
VOCAB_FILES = (
    "clause-kind.ttl", "deontic-force.ttl", "imt-generation.ttl", "country-group.ttl",
    "status.ttl", "topic.ttl", "liaison-purpose.ttl", "imt-rule.ttl",
)  # fmt: skip

# The namespaces a prefix name must stand for when a file declares it.
WELL_KNOWN_PREFIXES = {
    "imtkg": "https://w3id.org/imtkg/ontology#",
    "imtkgv": VOCAB,
    "clause-kind": str(CLAUSE_KIND),
    "deontic-force": str(DEONTIC_FORCE),
    "imt-generation": str(IMT_GENERATION),
    "country-group": str(COUNTRY_GROUP),
    "status": str(STATUS),
    "topic": str(TOPIC),
    "liaison-purpose": str(LIAISON_PURPOSE),
    "imt-rule": str(IMT_RULE),
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "lrmlmm": "http://docs.oasis-open.org/legalruleml/ns/mm/v1.0/",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "undo": "https://w3id.org/un/ontology/undo/",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


# ---------------------------------------------------------------------------
# Helpers and fixtures
# ---------------------------------------------------------------------------


def ttl_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.rglob("*.ttl"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def package_version() -> str:
    with PYPROJECT.open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_dependency(reason: str) -> None:
    """Skip the calling test, or fail it when running under CI."""
    if in_ci():
        pytest.fail(f"{reason}; under CI a missing dependency is a failure, not a skip")
    pytest.skip(reason)


def require_java(java_exe: str) -> str:
    path = shutil.which(java_exe)
    if path is None:
        missing_dependency(f"Java ({java_exe!r}) is not on PATH; HermiT needs it")
    return path


def require_hermit():
    """Return the owlready2 module, once owlready2 and Java are both available."""
    try:
        import owlready2
    except ImportError:
        missing_dependency("owlready2 is not installed; it runs the HermiT reasoner")
    require_java(owlready2.JAVA_EXE)
    return owlready2


def en_literals(graph: rdflib.Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en"
    ]


def declared_terms(graph: rdflib.Graph) -> set[URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(IMTKG))
    }


def concepts(graph: rdflib.Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


def concepts_in(graph: rdflib.Graph, scheme: str) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, URIRef(VOCAB + scheme)))


def all_labels(graph: rdflib.Graph, concept: URIRef) -> list[str]:
    return en_literals(graph, concept, SKOS.prefLabel) + en_literals(graph, concept, SKOS.altLabel)


def merged_ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ttl_files():
        graph.parse(path)
    return graph


def owl_rl_closure(graph: rdflib.Graph) -> rdflib.Graph:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        graph
    )
    return graph


def owl_rl_errors(graph: rdflib.Graph) -> list[str]:
    return sorted(str(graph.value(m, OWLRL_ERROR_TEXT)) for m in graph.subjects(RDF.type, OWLRL_ERROR))


@pytest.fixture(scope="module")
def graphs() -> dict[Path, rdflib.Graph]:
    found = ttl_files()
    assert found, f"no .ttl file found under {ONTOLOGY_DIR}"
    return {path: rdflib.Graph().parse(path) for path in found}


@pytest.fixture(scope="module")
def merged(graphs: dict[Path, rdflib.Graph]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for g in graphs.values():
        graph += g
    return graph


@pytest.fixture(scope="module")
def aggregator(graphs: dict[Path, rdflib.Graph]) -> rdflib.Graph:
    return graphs[AGGREGATOR]


# ---------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------


def test_the_ontology_directory_holds_the_aggregator_modules_and_vocabularies():
    found = {rel(p) for p in ttl_files()}
    assert found, f"no .ttl file found under {ONTOLOGY_DIR}"
    expected = {"ontology/imtkg.ttl"}
    expected |= {f"ontology/{name}" for name in MODULE_FILES}
    expected |= {f"ontology/vocab/{name}" for name in VOCAB_FILES}
    assert expected <= found, f"missing: {sorted(expected - found)}"


@pytest.mark.parametrize("path", ttl_files(), ids=rel)
def test_every_turtle_file_parses(path: Path):
    graph = rdflib.Graph().parse(path, format="turtle")
    assert len(graph) > 0, f"{rel(path)} holds no triple"


def test_every_turtle_file_starts_with_a_comment_header():
    files = ttl_files()
    assert files
    bad = [rel(p) for p in files if not p.read_text(encoding="utf-8").startswith("# ")]
    assert not bad, f"files without a leading '# ' comment header: {bad}"


def _code_only(text: str) -> str:
    """Turtle text without string literals, IRIs and comments (what prefixed names live in)."""
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    text = re.sub(r"<[^>\s]*>", "<>", text)
    return re.sub(r"#.*", "", text)


PREFIX_LINE = re.compile(r"^\s*(?:PREFIX|@prefix)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.M)


def test_every_declared_prefix_is_used_and_bound_to_its_usual_namespace():
    files = ttl_files()
    assert files
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        declared = PREFIX_LINE.findall(text)
        assert declared, f"{rel(path)} declares no prefix"
        body = _code_only(PREFIX_LINE.sub("", text))
        for name, iri in declared:
            if not re.search(rf"(?<![\w.:-]){re.escape(name)}:", body):
                problems.append(f"{rel(path)}: prefix {name}: is declared but never used")
            if name in WELL_KNOWN_PREFIXES and iri != WELL_KNOWN_PREFIXES[name]:
                problems.append(f"{rel(path)}: prefix {name}: is bound to <{iri}>")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# The ontology header, version and imports
# ---------------------------------------------------------------------------


def test_the_aggregator_holds_exactly_one_ontology_the_project_ontology(aggregator):
    ontologies = list(aggregator.subjects(RDF.type, OWL.Ontology))
    assert ontologies == [ONTOLOGY_IRI]


def test_the_built_ontology_carries_the_package_version(tmp_path):
    from imtkg.build import build_graph, write_dist

    version = package_version()
    build = build_graph()
    write_dist(build, tmp_path / "dist")
    for graph in (build.ontology, rdflib.Graph().parse(tmp_path / "dist" / "ontology.ttl")):
        assert list(graph.objects(ONTOLOGY_IRI, OWL.versionIRI)) == [URIRef(f"{ONTOLOGY_IRI}/{version}")]
        assert list(graph.objects(ONTOLOGY_IRI, OWL.versionInfo)) == [Literal(version)]


def test_the_version_is_written_only_in_pyproject():
    version = package_version()
    root = Path(__file__).resolve().parents[1]
    files = [
        p
        for folder in ("ontology", "data", "shapes", "queries", "src", "docs")
        for p in (root / folder).rglob("*")
        if p.is_file() and p.suffix in {".ttl", ".py", ".rq", ".md"}
    ]
    assert files
    holding = [
        str(p.relative_to(root))
        for p in files
        if f'"{version}"' in p.read_text("utf-8") or f"/{version}>" in p.read_text("utf-8")
    ]
    assert not holding, f"version {version} also written in {holding}"


def test_the_ontology_header_carries_its_metadata(aggregator):
    o = ONTOLOGY_IRI
    assert en_literals(aggregator, o, DCTERMS.title)
    assert en_literals(aggregator, o, DCTERMS.description)
    assert Literal("imtkg contributors") in set(aggregator.objects(o, DCTERMS.creator))
    assert set(aggregator.objects(o, DCTERMS.license)) == {
        URIRef("https://creativecommons.org/licenses/by/4.0/")
    }
    created = list(aggregator.objects(o, DCTERMS.created))
    assert len(created) == 1 and created[0].datatype == XSD.date
    assert list(aggregator.objects(o, VANN.preferredNamespacePrefix)) == [Literal("imtkg")]
    assert list(aggregator.objects(o, VANN.preferredNamespaceUri)) == [Literal(str(IMTKG))]


def test_each_module_is_one_ontology_and_the_aggregator_imports_them_all(graphs, aggregator):
    modules = {}
    for path, graph in graphs.items():
        if path == AGGREGATOR:
            continue
        ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
        assert len(ontologies) <= 1, f"{rel(path)} declares {len(ontologies)} ontologies"
        if path.parent == ONTOLOGY_DIR:
            assert ontologies, f"module {rel(path)} declares no owl:Ontology"
        for module in ontologies:
            assert str(module).startswith(f"{ONTOLOGY_IRI}/"), module
            assert en_literals(graph, module, RDFS.label), f"{module} has no rdfs:label"
            assert en_literals(graph, module, DCTERMS.description), f"{module} no description"
            modules[module] = path
    assert len(modules) >= len(MODULE_FILES)
    imports = set(aggregator.objects(ONTOLOGY_IRI, OWL.imports))
    assert imports == set(modules), (
        f"not imported: {sorted(set(modules) - imports)}; "
        f"imported but not a module here: {sorted(imports - set(modules))}"
    )


def test_only_the_aggregator_imports_and_it_imports_only_local_modules(merged):
    imports = set(merged.subject_objects(OWL.imports))
    assert imports, "the aggregator imports nothing"
    assert {s for s, _ in imports} == {ONTOLOGY_IRI}
    assert all(str(o).startswith(f"{ONTOLOGY_IRI}/") for _, o in imports)


# ---------------------------------------------------------------------------
# The terms
# ---------------------------------------------------------------------------


def test_every_imtkg_term_has_a_label_a_definition_and_its_defining_ontology(merged):
    terms = declared_terms(merged)
    assert terms, "no imtkg: term declared"
    problems = []
    for term in sorted(terms):
        missing = []
        if not en_literals(merged, term, RDFS.label):
            missing.append("rdfs:label@en")
        if len(en_literals(merged, term, SKOS.definition)) != 1:
            missing.append("exactly one skos:definition@en")
        if set(merged.objects(term, RDFS.isDefinedBy)) != {ONTOLOGY_IRI}:
            missing.append(f"rdfs:isDefinedBy <{ONTOLOGY_IRI}>")
        if missing:
            problems.append(f"{term.removeprefix(str(IMTKG))}: {', '.join(missing)}")
    assert not problems, "terms lacking documentation:\n" + "\n".join(problems)


def test_every_imtkg_term_used_in_the_ontology_files_is_declared(merged):
    used = {
        node
        for triple in merged
        for node in triple
        if isinstance(node, URIRef) and node.startswith(str(IMTKG))
    }
    assert used
    undeclared = sorted(t.removeprefix(str(IMTKG)) for t in used - declared_terms(merged))
    assert not undeclared, f"used but not declared: {undeclared}"


def test_the_declared_terms_are_exactly_those_of_the_design_card(merged):
    design = set(re.findall(r"imtkg:([A-Za-z][A-Za-z0-9]*)", DESIGN_CARD.read_text("utf-8")))
    assert design, f"no imtkg: term found in {DESIGN_CARD}"
    declared = {t.removeprefix(str(IMTKG)) for t in declared_terms(merged)}
    assert not design - declared, f"in docs/design.md, not declared: {sorted(design - declared)}"
    assert not declared - design, f"declared, not in docs/design.md: {sorted(declared - design)}"


def xsd_union_members(graph: rdflib.Graph, node) -> list[URIRef] | None:
    """The xsd: datatypes of ``node`` when it is an rdfs:Datatype that is their owl:unionOf."""
    if not isinstance(node, BNode) or (node, RDF.type, RDFS.Datatype) not in graph:
        return None
    lists = list(graph.objects(node, OWL.unionOf))
    if len(lists) != 1:
        return None
    members = list(Collection(graph, lists[0]))
    if not members or not all(isinstance(m, URIRef) and m.startswith(str(XSD)) for m in members):
        return None
    return members


def test_every_imtkg_property_is_an_object_or_a_datatype_property_with_fitting_range(merged):
    """A datatype property has one range: an xsd: datatype, or a union of xsd: datatypes."""
    problems = []
    properties = {t for t in declared_terms(merged) if (t, RDF.type, OWL.Class) not in merged}
    assert properties
    for p in sorted(properties):
        kinds = {k for k in (OWL.ObjectProperty, OWL.DatatypeProperty) if (p, RDF.type, k) in merged}
        ranges = set(merged.objects(p, RDFS.range))
        if len(kinds) != 1:
            problems.append(f"{p}: is {len(kinds)} of owl:ObjectProperty / owl:DatatypeProperty")
        elif OWL.DatatypeProperty in kinds:
            fitting = len(ranges) == 1 and all(
                r.startswith(str(XSD)) or xsd_union_members(merged, r) for r in ranges
            )
            if not fitting:
                problems.append(f"{p}: datatype property without one xsd: range (or xsd: union)")
        elif any(r.startswith(str(XSD)) for r in ranges):
            problems.append(f"{p}: object property with a datatype range")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("prop", ["startDate", "endDate", "targetDate", "approvalDate"])
def test_date_properties_take_a_day_a_month_or_a_year(merged, prop):
    ranges = list(merged.objects(IMTKG[prop], RDFS.range))
    assert len(ranges) == 1
    assert set(xsd_union_members(merged, ranges[0]) or []) == {XSD.date, XSD.gYearMonth, XSD.gYear}


@pytest.mark.parametrize(
    "prop",
    [
        "revisionOf", "adoptedAt", "createdBy", "order", "sessionOf", "defaultSeverity", "amends",
        "corrects", "assignedTo", "generation", "assigns", "entryOf",
    ],
)  # fmt: skip
def test_single_valued_properties_are_functional(merged, prop):
    assert (IMTKG[prop], RDF.type, OWL.FunctionalProperty) in merged


@pytest.mark.parametrize("prop", ["previousEdition", "byRule", "entryFor", "dependsOn"])
def test_properties_that_may_take_several_values_are_not_functional(merged, prop):
    assert (IMTKG[prop], RDF.type, OWL.FunctionalProperty) not in merged


def test_dependencies_are_not_transitive_in_owl(merged):
    """A cycle of dependencies is for SHACL to report; transitivity would make it a self-loop."""
    assert (IMTKG.dependsOn, RDF.type, OWL.TransitiveProperty) not in merged


@pytest.mark.parametrize("prop, inverse", [("revisionOf", "hasRevision"), ("createdBy", "creates")])
def test_inverse_properties_are_declared_inverse(merged, prop, inverse):
    assert (IMTKG[prop], OWL.inverseOf, IMTKG[inverse]) in merged


@pytest.mark.parametrize(
    "prop",
    [
        "number", "cites", "mentions", "clauseKind", "deonticForce", "hasFootnote", "sector",
        "responsibleGroup", "status", "imtGeneration", "topic", "editionNumber", "deliverable",
        "underQuestion", "dependsOn", "startDate", "endDate", "targetDate", "approvalDate",
    ],
)  # fmt: skip
def test_properties_used_on_several_classes_leave_their_domain_open(merged, prop):
    assert list(merged.objects(IMTKG[prop], RDFS.domain)) == []


@pytest.mark.parametrize(
    "prop", ["bearer", "otherParty", "mentions", "dependsOn", "concerns", "entryFor"]
)
def test_properties_whose_values_are_of_many_kinds_leave_their_range_open(merged, prop):
    assert list(merged.objects(IMTKG[prop], RDFS.range)) == []


def test_alignments_never_equate_an_imtkg_term_with_an_external_one(merged):
    equating = (OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs)
    bad = [
        (s, p, o)
        for p in equating
        for s, o in merged.subject_objects(p)
        if not (str(s).startswith(str(IMTKG)) and str(o).startswith(str(IMTKG)))
    ]
    assert not bad, f"equivalences with external terms: {bad}"


# ---------------------------------------------------------------------------
# The concept schemes
# ---------------------------------------------------------------------------


def test_every_concept_and_scheme_is_documented_and_placed(merged):
    schemes = set(merged.subjects(RDF.type, SKOS.ConceptScheme))
    assert {str(s) for s in schemes} >= {
        VOCAB + name for name in ("clause-kind", "deontic-force", "imt-generation", "country-group")
    }
    found = concepts(merged)
    assert found
    problems = []
    for node in sorted(schemes | found):
        missing = []
        if len(en_literals(merged, node, SKOS.prefLabel)) != 1:
            missing.append("exactly one skos:prefLabel@en")
        if not en_literals(merged, node, RDFS.label):
            missing.append("rdfs:label@en")
        if len(en_literals(merged, node, SKOS.definition)) != 1:
            missing.append("exactly one skos:definition@en")
        if set(merged.objects(node, RDFS.isDefinedBy)) != {ONTOLOGY_IRI}:
            missing.append(f"rdfs:isDefinedBy <{ONTOLOGY_IRI}>")
        if node in found:
            in_schemes = list(merged.objects(node, SKOS.inScheme))
            if len(in_schemes) != 1 or in_schemes[0] not in schemes:
                missing.append("exactly one skos:inScheme of a declared scheme")
            elif not str(node).startswith(f"{in_schemes[0]}/"):
                missing.append(f"an IRI under {in_schemes[0]}/")
            slug = str(node).rsplit("/", 1)[-1]
            if list(merged.objects(node, SKOS.notation)) != [Literal(slug)]:
                missing.append(f'skos:notation "{slug}"')
            tops = set(merged.objects(node, SKOS.topConceptOf))
            broader = set(merged.objects(node, SKOS.broader))
            if bool(tops) == bool(broader):
                missing.append("either skos:topConceptOf or skos:broader")
            for scheme in tops:
                if (scheme, SKOS.hasTopConcept, node) not in merged:
                    missing.append(f"the matching skos:hasTopConcept on {scheme}")
            for parent in broader:
                if set(merged.objects(parent, SKOS.inScheme)) != set(in_schemes):
                    missing.append(f"a skos:broader in its own scheme ({parent})")
        if missing:
            problems.append(f"{node}: {', '.join(missing)}")
    assert not problems, "concepts or schemes lacking:\n" + "\n".join(problems)


def test_narrower_links_mirror_broader_links(merged):
    narrower = set(merged.subject_objects(SKOS.narrower))
    assert narrower
    unmatched = [(p, c) for p, c in narrower if (c, SKOS.broader, p) not in merged]
    assert not unmatched, f"skos:narrower without the matching skos:broader: {unmatched}"


def test_every_vocab_iri_used_is_a_declared_concept_or_scheme(merged):
    used = {n for t in merged for n in t if isinstance(n, URIRef) and n.startswith(VOCAB)}
    declared = concepts(merged) | set(merged.subjects(RDF.type, SKOS.ConceptScheme))
    assert used
    assert not used - declared, f"undeclared vocabulary IRIs: {sorted(used - declared)}"


PREAMBULAR_KINDS = {
    "considering", "considering-further", "recognizing", "recognizing-further", "noting",
    "noting-further", "noting-with-satisfaction", "noting-with-appreciation",
    "noting-with-concern", "bearing-in-mind", "recalling", "recalling-further",
    "taking-into-account", "emphasizing", "stressing", "underlining", "observing", "aware",
    "convinced", "acknowledging", "mindful", "welcoming", "concerned", "having-regard-to",
    "in-view-of", "realizing", "reaffirming", "affirming", "expressing-appreciation",
    "referring-to",
}  # fmt: skip

OPERATIVE_KINDS = {
    "resolves": "binding",
    "decides": "binding",
    "instructs": "binding",
    "resolves-to-instruct": "binding",
    "resolves-to-request": "request",
    "resolves-to-invite": "hortatory",
    "resolves-to-encourage": "hortatory",
    "requests": "request",
    "invites": "hortatory",
    "encourages": "hortatory",
    "urges": "hortatory",
    "calls-upon": "hortatory",
    "appeals": "hortatory",
    "recommends": "hortatory",
}

# Heading phrases the ingester must recognize, with the kind each must map to.
HEADINGS = {
    "considering": "considering",
    "considering further": "considering-further",
    "considering also": "considering-further",
    "recognizing": "recognizing",
    "recognising": "recognizing",
    "recognising further": "recognizing-further",
    "noting": "noting",
    "noting further": "noting-further",
    "recalling": "recalling",
    "further recalling": "recalling-further",
    "bearing in mind": "bearing-in-mind",
    "taking into account": "taking-into-account",
    "emphasising": "emphasizing",
    "realising": "realizing",
    "deeply concerned": "concerned",
    "expressing its appreciation": "expressing-appreciation",
    "resolves": "resolves",
    "further resolves": "resolves",
    "resolves to instruct": "resolves-to-instruct",
    "instructs": "instructs",
    "requests": "requests",
    "invites": "invites",
    "encourages": "encourages",
    "calls on": "calls-upon",
    "appeals to": "appeals",
}


@pytest.fixture(scope="module")
def clause_kinds(merged) -> dict[str, URIRef]:
    kinds = {
        str(c).rsplit("/", 1)[-1]: c
        for c in concepts_in(merged, "clause-kind")
        if c not in (CLAUSE_KIND.preambular, CLAUSE_KIND.operative)
    }
    assert kinds, "the clause-kind scheme holds no kind"
    return kinds


def test_clause_kinds_are_the_preambular_and_operative_kinds_of_the_contract(merged, clause_kinds):
    tops = set(merged.objects(URIRef(VOCAB + "clause-kind"), SKOS.hasTopConcept))
    assert tops == {CLAUSE_KIND.preambular, CLAUSE_KIND.operative}
    assert PREAMBULAR_KINDS | set(OPERATIVE_KINDS) <= set(clause_kinds), (
        f"missing kinds: {sorted(PREAMBULAR_KINDS | set(OPERATIVE_KINDS) - set(clause_kinds))}"
    )
    wrong = []
    for slug, kind in clause_kinds.items():
        parents = set(merged.objects(kind, SKOS.broader))
        if slug in OPERATIVE_KINDS:
            expected = [{CLAUSE_KIND.operative}]
        elif slug in PREAMBULAR_KINDS:
            expected = [{CLAUSE_KIND.preambular}]
        else:  # a kind beyond the contract: under one of the two, whichever
            expected = [{CLAUSE_KIND.operative}, {CLAUSE_KIND.preambular}]
        if parents not in expected:
            wrong.append(f"{slug}: skos:broader {sorted(parents)}")
    assert not wrong, "\n".join(wrong)


def test_clause_kind_labels_are_lowercase_single_spaced_and_unique(merged, clause_kinds):
    owner: dict[str, list[str]] = defaultdict(list)
    bad = []
    for slug, kind in clause_kinds.items():
        for label in all_labels(merged, kind):
            owner[label].append(slug)
            if label != label.lower() or label != " ".join(label.split()):
                bad.append(f"{slug}: {label!r}")
    shared = {label: slugs for label, slugs in owner.items() if len(slugs) > 1}
    assert not bad, f"labels not lowercase and single-spaced: {bad}"
    assert not shared, f"labels of more than one kind: {shared}"


@pytest.mark.parametrize("heading, slug", sorted(HEADINGS.items()))
def test_the_ingester_headings_map_to_their_kind(merged, clause_kinds, heading, slug):
    holders = [s for s, kind in clause_kinds.items() if heading in all_labels(merged, kind)]
    assert holders == [slug]


def test_every_american_spelling_of_a_heading_has_its_british_twin(merged, clause_kinds):
    missing = []
    for slug, kind in clause_kinds.items():
        labels = set(all_labels(merged, kind))
        for label in labels:
            british = re.sub(r"(recogn|emphas|real)iz", r"\1is", label)
            if british not in labels:
                missing.append(f"{slug}: {british!r}")
    assert not missing, f"British spellings missing: {missing}"


def test_operative_kinds_carry_their_deontic_force_and_preambular_kinds_none(merged, clause_kinds):
    wrong = []
    for slug, kind in clause_kinds.items():
        forces = list(merged.objects(kind, IMTKG.deonticForce))
        if slug in OPERATIVE_KINDS:
            if forces != [DEONTIC_FORCE[OPERATIVE_KINDS[slug]]]:
                wrong.append(f"{slug}: {forces}, expected {OPERATIVE_KINDS[slug]}")
        elif (kind, SKOS.broader, CLAUSE_KIND.operative) in merged:
            if len(forces) != 1 or forces[0] not in concepts_in(merged, "deontic-force"):
                wrong.append(f"{slug}: {forces}")
        elif forces:
            wrong.append(f"{slug} (preambular): {forces}")
    assert not wrong, "\n".join(wrong)


def test_deontic_forces_carry_their_default_severity(merged):
    expected = {
        DEONTIC_FORCE.binding: SH.Violation,
        DEONTIC_FORCE.request: SH.Warning,
        DEONTIC_FORCE.hortatory: SH.Info,
    }
    assert concepts_in(merged, "deontic-force") == set(expected)
    for force, severity in expected.items():
        assert list(merged.objects(force, IMTKG.defaultSeverity)) == [severity], force


def test_imt_generations_are_imt_and_its_four_named_generations_each_sourced(merged):
    generations = concepts_in(merged, "imt-generation")
    named = {IMT_GENERATION[s] for s in ("imt-2000", "imt-advanced", "imt-2020", "imt-2030")}
    assert generations == named | {IMT_GENERATION.imt}
    assert {c for c in named if (c, SKOS.broader, IMT_GENERATION.imt) in merged} == named
    unsourced = [c for c in generations if not list(merged.objects(c, DCTERMS.source))]
    assert not unsourced, f"IMT generations without dct:source: {unsourced}"
    for c in generations:
        assert all(isinstance(s, URIRef) for s in merged.objects(c, DCTERMS.source)), c
        informal = [x for x in all_labels(merged, c) if re.fullmatch(r"\d+G", x)]
        assert not informal, f"{c}: unsourced informal names {informal}"


def test_country_groups_follow_footnote_1_of_resolution_38(merged):
    source = URIRef("https://w3id.org/imtkg/id/source/wtsa-resolution-38-rev-dubai-2012")
    groups = concepts_in(merged, "country-group")
    narrower = {COUNTRY_GROUP[s] for s in ("ldc", "sids", "lldc", "economies-in-transition")}
    assert groups == narrower | {COUNTRY_GROUP["developing-countries"]}
    for group in narrower:
        assert (group, SKOS.broader, COUNTRY_GROUP["developing-countries"]) in merged
    for group in groups:
        assert source in set(merged.objects(group, DCTERMS.source)), group
        labels = all_labels(merged, group)
        assert all(x == x.lower() for x in labels), labels
    text_phrases = {  # as footnote 1 writes them
        "least developed countries": "ldc",
        "small island developing states": "sids",
        "landlocked developing countries": "lldc",
        "countries with economies in transition": "economies-in-transition",
        "developing countries": "developing-countries",
    }
    for phrase, slug in text_phrases.items():
        assert phrase in all_labels(merged, COUNTRY_GROUP[slug]), phrase


def test_statuses_liaison_purposes_and_topics_are_those_of_the_design_card(merged):
    statuses = {"planned", "under-study", "consented", "determined", "approved", "in-force",
                "superseded", "withdrawn"}  # fmt: skip
    assert concepts_in(merged, "status") == {STATUS[s] for s in statuses}
    purposes = {"for-action", "for-information", "for-comment"}
    assert concepts_in(merged, "liaison-purpose") == {LIAISON_PURPOSE[s] for s in purposes}
    topics = {
        "radio-interface", "spectrum", "network-architecture", "signalling-protocols",
        "management-orchestration", "machine-learning", "security", "fixed-mobile-convergence",
        "satellite", "terminology", "deployment-developing-countries", "vision-requirements",
        "evaluation",
    }  # fmt: skip
    assert {TOPIC[s] for s in topics} <= concepts_in(merged, "topic")


def test_imt_rules_each_assign_their_generation(merged):
    generations = ("imt-2030", "imt-2020", "imt-advanced", "imt-2000")
    expected = {IMT_RULE["title-imt"]: IMT_GENERATION.imt}
    for field in ("title", "abstract"):
        expected |= {IMT_RULE[f"{field}-{g}"]: IMT_GENERATION[g] for g in generations}
    # changed-edition gives an amendment or corrigendum the generations of what it changes
    assert concepts_in(merged, "imt-rule") == set(expected) | {IMT_RULE["changed-edition"]}
    for rule, generation in expected.items():
        assert list(merged.objects(rule, IMTKG.assigns)) == [generation], rule
    assert list(merged.objects(IMT_RULE["changed-edition"], IMTKG.assigns)) == []
    assert IMT_RULE["abstract-imt"] not in concepts(merged)  # a bare IMT in an abstract: nothing
    sources = set(merged.objects(IMT_RULE["title-imt-2000"], DCTERMS.source))
    assert any(str(s).endswith("/data/itu-r-m-816-1.yaml") for s in sources), sources


# ---------------------------------------------------------------------------
# OWL 2 RL reasoning (owlrl), as the pipeline runs it on the data
# ---------------------------------------------------------------------------

# Data written as docs/design.md prescribes; every property is used on each kind of resource the
# design card names for it. OWL 2 RL reasoning over it must report no inconsistency and give each
# resource exactly the imtkg classes listed in EXPECTED_TYPES.
DESIGN_CONFORMANT_DATA = """
BASE <https://w3id.org/imtkg/id/>
PREFIX imtkg: <https://w3id.org/imtkg/ontology#>
PREFIX ck:    <https://w3id.org/imtkg/vocab/clause-kind/>
PREFIX cg:    <https://w3id.org/imtkg/vocab/country-group/>
PREFIX df:    <https://w3id.org/imtkg/vocab/deontic-force/>
PREFIX dct:   <http://purl.org/dc/terms/>
PREFIX org:   <http://www.w3.org/ns/org#>
PREFIX xsd:   <http://www.w3.org/2001/XMLSchema#>

<org/itu> a org:FormalOrganization ; dct:identifier "ITU" .
<org/itu-t> a imtkg:Sector ; org:subOrganizationOf <org/itu> .
<org/itu-r> a imtkg:Sector ; org:subOrganizationOf <org/itu> .
<org/tsb> a imtkg:Bureau ; imtkg:bureauOf <org/itu-t> .
<org/itu-r/sg5> a imtkg:StudyGroup ; org:subOrganizationOf <org/itu-r> ; imtkg:number "5" .
<org/itu-r/sg5/wp5d> a imtkg:WorkingParty ; org:subOrganizationOf <org/itu-r/sg5> .
<org/itu-r/jtg-4-5-6-7> a imtkg:JointTaskGroup ; org:subOrganizationOf <org/itu-r> ;
    imtkg:establishedBy <event/cpm15-1> .
<org/wtsa> a imtkg:Assembly .
<post/director-tsb> a imtkg:DirectorPost ; org:postIn <org/tsb> .
<post/director-br> a imtkg:DirectorPost .
<post/secretary-general> a imtkg:ElectedOfficialPost ; org:postIn <org/itu> .

<event/wtsa-2012> a imtkg:Session ; imtkg:sessionOf <org/wtsa> ; imtkg:placeName "Dubai" ;
    imtkg:startDate "2012-11-20"^^xsd:date ; imtkg:endDate "2012-11-29"^^xsd:date ;
    imtkg:year "2012"^^xsd:gYear .
<event/cpm15-1> imtkg:sessionOf <org/cpm> ; imtkg:preparesFor <event/wrc-2015> .
<event/wrc-2015> imtkg:sessionOf <org/wrc> .
<event/wrc-2015/agenda-item/1.1> imtkg:agendaItemOf <event/wrc-2015> ; imtkg:number "1.1" .

<resolution/wtsa/38> a imtkg:Resolution ; imtkg:number "38" ; imtkg:issuedBy <org/wtsa> ;
    imtkg:sector <org/itu-t> .
<resolution/wtsa/38/2012> imtkg:revisionOf <resolution/wtsa/38> ;
    imtkg:adoptedAt <event/wtsa-2012> ; imtkg:previousRevision <resolution/wtsa/38/2008> ;
    dct:title "Coordination among the three ITU Sectors" ; dct:date "2012"^^xsd:gYear ;
    imtkg:enactingFormula "The World Telecommunication Standardization Assembly (Dubai, 2012)," ;
    dct:source <source/wtsa-resolution-38-rev-dubai-2012> .
<resolution/ra/17-4> a imtkg:ResolutionRevision ; imtkg:revisionOf <resolution/ra/17> .
<rec/itu-t/a.4> a imtkg:Recommendation ; imtkg:sector <org/itu-t> ; imtkg:series "A" ;
    imtkg:number "4" .
<rec/itu-t/a.4/2012-11> imtkg:editionOf <rec/itu-t/a.4> .
<source/wtsa-resolution-38-rev-dubai-2012> a imtkg:SourceText ;
    imtkg:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .

<resolution/wtsa/38/2012/considering> a imtkg:Section ;
    dct:isPartOf <resolution/wtsa/38/2012> ; imtkg:heading "considering" ;
    imtkg:clauseKind ck:considering ; imtkg:order 1 ; imtkg:mentions <org/itu-t> .
<resolution/wtsa/38/2012/considering/f> a imtkg:PreambularClause ;
    imtkg:inSection <resolution/wtsa/38/2012/considering> ;
    dct:isPartOf <resolution/wtsa/38/2012> ; imtkg:clauseLabel "f" ; imtkg:order 7 ;
    imtkg:clauseKind ck:considering ; imtkg:text "that Resolution ITU-R 17-4 ..." ;
    imtkg:cites <resolution/ra/17-4> ;
    imtkg:mentions <post/secretary-general>, cg:developing-countries ;
    imtkg:hasFootnote <resolution/wtsa/38/2012/footnote/1> .
<resolution/wtsa/38/2012/footnote/1> dct:isPartOf <resolution/wtsa/38/2012> ;
    imtkg:number "1" ; imtkg:text "These include the least developed countries ..." ;
    imtkg:mentions cg:ldc ; imtkg:cites <rec/itu-t/a.4> .
<resolution/wtsa/38/2012/resolves> a imtkg:Section ; imtkg:clauseKind ck:resolves ;
    dct:isPartOf <resolution/wtsa/38/2012> .
<resolution/wtsa/38/2012/resolves/1> a imtkg:OperativeClause ;
    imtkg:inSection <resolution/wtsa/38/2012/resolves> ; imtkg:clauseLabel "1" ;
    dct:isPartOf <resolution/wtsa/38/2012> .
<resolution/wtsa/38/2012/resolves/1/a> a imtkg:OperativeClause ;
    imtkg:subClauseOf <resolution/wtsa/38/2012/resolves/1> .
<resolution/wtsa/38/2012/resolves/1/obligation/1>
    imtkg:createdBy <resolution/wtsa/38/2012/resolves/1> ;
    imtkg:bearer <org/itu-t> ; imtkg:deonticForce df:binding ;
    imtkg:action "maintain a roadmap for all of its standardization activities relating to IMT" .
<resolution/wtsa/38/2012/instructs/p1/obligation/1> a imtkg:Obligation ;
    imtkg:bearer <post/director-tsb> ; imtkg:otherParty <post/director-br>, <org/itu-r/sg5> ;
    imtkg:deonticForce df:binding .
"""

# Issue 3: the catalogue, activities, liaison statements and roadmaps, as the design card's section
# "IMT work, the catalogue and roadmaps" writes them. Dates are days, months or years.
DESIGN_CONFORMANT_DATA_ISSUE_3 = """
BASE <https://w3id.org/imtkg/id/>
PREFIX imtkg:  <https://w3id.org/imtkg/ontology#>
PREFIX gen:    <https://w3id.org/imtkg/vocab/imt-generation/>
PREFIX lp:     <https://w3id.org/imtkg/vocab/liaison-purpose/>
PREFIX rule:   <https://w3id.org/imtkg/vocab/imt-rule/>
PREFIX status: <https://w3id.org/imtkg/vocab/status/>
PREFIX topic:  <https://w3id.org/imtkg/vocab/topic/>
PREFIX dct:    <http://purl.org/dc/terms/>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd:    <http://www.w3.org/2001/XMLSchema#>

<org/itu-t/sg13> a imtkg:StudyGroup ; org:subOrganizationOf <org/itu-t> .
<org/itu-t/fg-imt-2020> a imtkg:FocusGroup ; org:subOrganizationOf <org/itu-t/sg13> ;
    imtkg:startDate "2015-05"^^xsd:gYearMonth ; imtkg:endDate "2016-12-31"^^xsd:date ;
    imtkg:deliverable <rec/itu-t/y.3101> .
<org/itu-t/jca-imt2020> a imtkg:JointCoordinationActivity ; org:subOrganizationOf <org/itu-t> .

<rec/itu-t/y.3101> a imtkg:Recommendation ; imtkg:sector <org/itu-t> ; imtkg:series "Y" .
<rec/itu-t/y.3101/2018-01> imtkg:editionOf <rec/itu-t/y.3101> ;
    dct:identifier "ITU-T Y.3101 (01/2018)" ; dct:issued "2018-01"^^xsd:gYearMonth ;
    dct:abstract "This Recommendation describes requirements of the IMT-2020 network."@en ;
    imtkg:editionNumber "1" ; imtkg:status status:in-force ;
    imtkg:responsibleGroup <org/itu-t/sg13>, <org/itu-t/tsag> ;
    imtkg:imtGeneration gen:imt-2020 ; imtkg:topic topic:network-architecture ;
    rdfs:seeAlso <https://www.itu.int/rec/T-REC-Y.3101-201801-I> .
<rec/itu-t/y.3101/2018-cor-1> a imtkg:Corrigendum ; imtkg:editionOf <rec/itu-t/y.3101> ;
    imtkg:corrects <rec/itu-t/y.3101/2018-01> ; dct:issued "2018-04-13"^^xsd:date .
<rec/itu-t/g.9803/2018-amd-1> imtkg:amends <rec/itu-t/g.9803/2018-11> .
<rec/itu-r/m.2150> a imtkg:Recommendation ; imtkg:sector <org/itu-r> .
<rec/itu-r/m.2150/1> imtkg:editionOf <rec/itu-r/m.2150> ;
    imtkg:previousEdition <rec/itu-r/m.2150/0> ; imtkg:status status:superseded .
<rec/itu-r/m.2150/0/imt/imt-2020> imtkg:assignedTo <rec/itu-r/m.2150/0> ;
    imtkg:generation gen:imt-2020 ; imtkg:byRule rule:title-imt-2020 .
<resolution/ra/17-4/imt/imt-2000> a imtkg:GenerationAssignment ;
    imtkg:assignedTo <resolution/ra/17-4> ; imtkg:generation gen:imt-2000 ;
    imtkg:byRule rule:title-imt-2000 .
<resolution/ra/17-4> imtkg:editionNumber "4" ; imtkg:imtGeneration gen:imt-2000 ;
    imtkg:status status:in-force ; dct:issued "2012"^^xsd:gYear .
<report/itu-r/m.2410> a imtkg:Report .
<report/itu-r/m.2410/0> imtkg:editionOf <report/itu-r/m.2410> .
<question/itu-r/229-5> a imtkg:Question .
<question/itu-r/229-5/4> imtkg:editionOf <question/itu-r/229-5> .
<handbook/itu-r/60> a imtkg:Handbook .
<suppl/itu-t/y.59> a imtkg:Supplement .
<suppl/itu-t/y.59/2020-03> imtkg:editionOf <suppl/itu-t/y.59> .

<activity/itu-r/imt-2020-process> a imtkg:Study ; imtkg:sector <org/itu-r> ;
    imtkg:responsibleGroup <org/itu-r/sg5/wp5d> ;
    imtkg:deliverable <rec/itu-r/m.2150>, <report/itu-r/m.2410/0> ;
    imtkg:underQuestion <question/itu-r/229-5> ; imtkg:status status:approved ;
    imtkg:imtGeneration gen:imt-2020 ; imtkg:topic topic:radio-interface, topic:evaluation ;
    imtkg:startDate "2015"^^xsd:gYear ; imtkg:targetDate "2020"^^xsd:gYear ;
    imtkg:approvalDate "2020-11"^^xsd:gYearMonth ; imtkg:endDate "2021-02-01"^^xsd:date .
<activity/itu-t/y.3101> a imtkg:WorkItem ; imtkg:sector <org/itu-t> ;
    imtkg:deliverable <rec/itu-t/y.3101/2018-01> ; imtkg:status status:consented ;
    imtkg:dependsOn <activity/itu-r/imt-2020-process>, <rec/itu-r/m.2150> ;
    imtkg:targetDate "2018-01"^^xsd:gYearMonth ; imtkg:approvalDate "2018-01-13"^^xsd:date .
<rec/itu-t/y.3101> imtkg:dependsOn <report/itu-r/m.2410/0> ;
    imtkg:underQuestion <question/itu-t/20-13> .

<ls/itu-r/5d-1078-annex-6-1> imtkg:fromGroup <org/itu-r/sg5/wp5d> ;
    imtkg:toGroup <org/itu-t/sg13>, <org/3gpp> ; dct:date "2017-10-11"^^xsd:date ;
    dct:title "Work plan, timeline, process and deliverables for IMT-2020" ;
    imtkg:concerns <activity/itu-r/imt-2020-process>, <rec/itu-r/m.2150> ;
    imtkg:purpose lp:for-information, lp:for-action ;
    imtkg:replyTo <ls/itu-t/sg13-ls-1> .

<roadmap/itu-t/imt> a imtkg:Roadmap ; imtkg:sector <org/itu-t> ;
    imtkg:maintainedBy <org/itu-t/jca-imt2020> .
<roadmap/itu-t/imt/2020-03> a imtkg:RoadmapEdition ; imtkg:editionOf <roadmap/itu-t/imt> ;
    dct:issued "2020-03"^^xsd:gYearMonth .
<roadmap/itu-t/imt/2020-03/entry/1> imtkg:entryOf <roadmap/itu-t/imt/2020-03> ;
    imtkg:entryFor <rec/itu-t/y.3101> ; imtkg:status status:approved ;
    imtkg:targetDate "2018"^^xsd:gYear .
<roadmap/itu-t/imt/2020-03/entry/2> imtkg:entryOf <roadmap/itu-t/imt/2020-03> ;
    imtkg:entryFor <activity/itu-t/y.3101> ; imtkg:status status:under-study .
"""

R38 = "https://w3id.org/imtkg/id/resolution/wtsa/38"
ID = "https://w3id.org/imtkg/id/"

EXPECTED_TYPES = {
    "org/itu-t": {"Sector"},
    "org/itu-r": {"Sector"},
    "org/tsb": {"Bureau"},
    "org/itu-r/sg5": {"StudyGroup"},
    "org/itu-r/sg5/wp5d": {"WorkingParty"},
    "org/itu-r/jtg-4-5-6-7": {"JointTaskGroup"},
    "org/wtsa": {"Assembly"},
    "org/cpm": {"Assembly"},
    "org/wrc": {"Assembly"},
    "post/director-tsb": {"DirectorPost", "ElectedOfficialPost"},
    "post/director-br": {"DirectorPost", "ElectedOfficialPost"},
    "post/secretary-general": {"ElectedOfficialPost"},
    "event/wtsa-2012": {"Session"},
    "event/cpm15-1": {"Session"},
    "event/wrc-2015": {"Session"},
    "event/wrc-2015/agenda-item/1.1": {"AgendaItem"},
    "resolution/wtsa/38": {"Resolution", "Document"},
    "resolution/wtsa/38/2012": {"ResolutionRevision", "Document"},
    "resolution/wtsa/38/2008": {"ResolutionRevision", "Document"},
    "resolution/ra/17-4": {"ResolutionRevision", "Document"},
    "resolution/ra/17": {"Resolution", "Document"},
    "rec/itu-t/a.4": {"Recommendation", "Publication", "Document"},
    "rec/itu-t/a.4/2012-11": {"Edition", "Document"},
    "source/wtsa-resolution-38-rev-dubai-2012": {"SourceText"},
    "resolution/wtsa/38/2012/considering": {"Section"},
    "resolution/wtsa/38/2012/considering/f": {"PreambularClause", "Clause"},
    "resolution/wtsa/38/2012/footnote/1": {"Footnote"},
    "resolution/wtsa/38/2012/resolves": {"Section"},
    "resolution/wtsa/38/2012/resolves/1": {"OperativeClause", "Clause"},
    "resolution/wtsa/38/2012/resolves/1/a": {"OperativeClause", "Clause"},
    "resolution/wtsa/38/2012/resolves/1/obligation/1": {"Obligation"},
    "resolution/wtsa/38/2012/instructs/p1/obligation/1": {"Obligation"},
    # issue 3
    "org/itu-t/sg13": {"StudyGroup"},
    "org/itu-t/fg-imt-2020": {"FocusGroup"},
    "org/itu-t/jca-imt2020": {"JointCoordinationActivity"},
    "rec/itu-t/y.3101": {"Recommendation", "Publication", "Document"},
    "rec/itu-t/y.3101/2018-01": {"Edition", "Document"},
    "rec/itu-t/y.3101/2018-cor-1": {"Corrigendum", "Edition", "Document"},
    "rec/itu-t/g.9803/2018-amd-1": {"Amendment", "Edition", "Document"},
    "rec/itu-t/g.9803/2018-11": {"Edition", "Document"},
    "rec/itu-r/m.2150": {"Recommendation", "Publication", "Document"},
    "rec/itu-r/m.2150/1": {"Edition", "Document"},
    "rec/itu-r/m.2150/0": {"Edition", "Document"},
    "rec/itu-r/m.2150/0/imt/imt-2020": {"GenerationAssignment"},
    "resolution/ra/17-4/imt/imt-2000": {"GenerationAssignment"},
    "report/itu-r/m.2410": {"Report", "Publication", "Document"},
    "report/itu-r/m.2410/0": {"Edition", "Document"},
    "question/itu-r/229-5": {"Question", "Publication", "Document"},
    "question/itu-r/229-5/4": {"Edition", "Document"},
    "question/itu-t/20-13": {"Question", "Publication", "Document"},
    "handbook/itu-r/60": {"Handbook", "Publication", "Document"},
    "suppl/itu-t/y.59": {"Supplement", "Publication", "Document"},
    "suppl/itu-t/y.59/2020-03": {"Edition", "Document"},
    "activity/itu-r/imt-2020-process": {"Study", "StandardizationActivity"},
    "activity/itu-t/y.3101": {"WorkItem", "StandardizationActivity"},
    "ls/itu-r/5d-1078-annex-6-1": {"LiaisonStatement", "Document"},
    "ls/itu-t/sg13-ls-1": {"LiaisonStatement", "Document"},
    "roadmap/itu-t/imt": {"Roadmap", "Document"},
    "roadmap/itu-t/imt/2020-03": {"RoadmapEdition", "Edition", "Document"},
    "roadmap/itu-t/imt/2020-03/entry/1": {"RoadmapEntry"},
    "roadmap/itu-t/imt/2020-03/entry/2": {"RoadmapEntry"},
}


@pytest.fixture(scope="module")
def closed_design_data() -> rdflib.Graph:
    graph = merged_ontology()
    graph.parse(data=DESIGN_CONFORMANT_DATA, format="turtle")
    graph.parse(data=DESIGN_CONFORMANT_DATA_ISSUE_3, format="turtle")
    return owl_rl_closure(graph)


def test_owl_rl_reasoning_over_the_ontology_reports_no_inconsistency():
    graph = owl_rl_closure(merged_ontology())
    assert owl_rl_errors(graph) == []


def test_owl_rl_reasoning_over_design_conformant_data_reports_no_inconsistency(
    closed_design_data,
):
    assert owl_rl_errors(closed_design_data) == []


def test_domains_and_ranges_type_design_conformant_data_exactly_as_expected(closed_design_data):
    typed: dict[str, set[str]] = defaultdict(set)
    for s, o in closed_design_data.subject_objects(RDF.type):
        if str(s).startswith(ID) and str(o).startswith(str(IMTKG)):
            typed[str(s).removeprefix(ID)].add(str(o).removeprefix(str(IMTKG)))
    wrong = {
        node: {"got": sorted(typed.get(node, set())), "expected": sorted(expected)}
        for node, expected in EXPECTED_TYPES.items()
        if typed.get(node, set()) != expected
    }
    unexpected = {node: sorted(t) for node, t in typed.items() if node not in EXPECTED_TYPES}
    assert not wrong, f"mistyped resources: {wrong}"
    assert not unexpected, f"resources typed that should not be: {unexpected}"
    vocab_typed = [
        (s, o)
        for s, o in closed_design_data.subject_objects(RDF.type)
        if str(s).startswith(VOCAB) and str(o).startswith(str(IMTKG))
    ]
    assert not vocab_typed, f"concepts typed as imtkg classes: {vocab_typed}"


@pytest.mark.parametrize(
    "triple",
    [
        (f"{R38}/2012", PROV.wasGeneratedBy, f"{ID}event/wtsa-2012"),
        (f"{R38}/2012", PROV.wasRevisionOf, f"{R38}/2008"),
        (f"{R38}/2012", PROV.wasDerivedFrom, f"{R38}/2008"),
        (f"{R38}/2012", DCTERMS.isVersionOf, R38),
        (f"{R38}/2012", DCTERMS.hasPart, f"{R38}/2012/considering"),
        (R38, IMTKG.hasRevision, f"{R38}/2012"),
        (R38, PROV.wasAttributedTo, f"{ID}org/wtsa"),
        (f"{R38}/2012/considering/f", DCTERMS.references, f"{ID}resolution/ra/17-4"),
        (f"{R38}/2012/resolves/1", IMTKG.creates, f"{R38}/2012/resolves/1/obligation/1"),
        (f"{R38}/2012/resolves/1/obligation/1", PROV.wasDerivedFrom, f"{R38}/2012/resolves/1"),
        (f"{ID}org/itu-r/jtg-4-5-6-7", ORG.resultedFrom, f"{ID}event/cpm15-1"),
        (f"{ID}org/itu-t", RDF.type, ORG.Organization),
        (f"{ID}org/itu", RDF.type, ORG.Organization),
        (f"{ID}post/director-tsb", RDF.type, ORG.Post),
        (f"{ID}event/wtsa-2012", RDF.type, PROV.Activity),
        (f"{R38}/2012/considering/f", RDF.type, PROV.Entity),
        (f"{R38}/2012/resolves/1/obligation/1", RDF.type, PROV.Entity),
        (f"{ID}rec/itu-r/m.2150/1", PROV.wasRevisionOf, f"{ID}rec/itu-r/m.2150/0"),
        (f"{ID}activity/itu-r/imt-2020-process", RDF.type, PROV.Activity),
        (f"{ID}org/itu-t/fg-imt-2020", RDF.type, ORG.Organization),
        (f"{ID}org/itu-t/jca-imt2020", RDF.type, ORG.OrganizationalUnit),
        (f"{ID}org/itu-t/tsag", RDF.type, ORG.Organization),
        (f"{ID}org/3gpp", RDF.type, ORG.Organization),
        (f"{ID}ls/itu-r/5d-1078-annex-6-1", PROV.wasAttributedTo, f"{ID}org/itu-r/sg5/wp5d"),
        (f"{ID}ls/itu-r/5d-1078-annex-6-1", DCTERMS.references, f"{ID}ls/itu-t/sg13-ls-1"),
        (f"{ID}roadmap/itu-t/imt", PROV.wasAttributedTo, f"{ID}org/itu-t/jca-imt2020"),
        (f"{ID}roadmap/itu-t/imt/2020-03", DCTERMS.isVersionOf, f"{ID}roadmap/itu-t/imt"),
        (f"{ID}roadmap/itu-t/imt/2020-03", DCTERMS.hasPart, f"{ID}roadmap/itu-t/imt/2020-03/entry/1"),
        (f"{ID}roadmap/itu-t/imt/2020-03/entry/1", RDF.type, PROV.Entity),
        (f"{ID}rec/itu-r/m.2150/0/imt/imt-2020", RDF.type, PROV.Entity),
    ],
    ids=lambda t: f"{str(t[0]).removeprefix(ID)} {str(t[1]).rsplit('/', 1)[-1]}",
)
def test_the_alignments_entail_the_reused_vocabularies_statements(closed_design_data, triple):
    s, p, o = (URIRef(x) if isinstance(x, str) else x for x in triple)
    assert (s, p, o) in closed_design_data


@pytest.mark.parametrize(
    "first, second",
    [
        ("Sector", "StudyGroup"),
        ("StandardizationActivity", "Document"),
        ("FocusGroup", "StudyGroup"),
        ("WorkItem", "Study"),
        ("Publication", "Edition"),
        ("Recommendation", "Report"),
        ("Amendment", "Corrigendum"),
        ("RoadmapEntry", "Document"),
        ("LiaisonStatement", "Publication"),
        ("GenerationAssignment", "Document"),
    ],
)
def test_owl_rl_reasoning_reports_disjoint_classes_sharing_an_individual(first, second):
    graph = merged_ontology()
    thing = URIRef(ID + "not-a-real-thing")
    graph.add((thing, RDF.type, IMTKG[first]))
    graph.add((thing, RDF.type, IMTKG[second]))
    errors = owl_rl_errors(owl_rl_closure(graph))
    assert any(str(thing) in e for e in errors), errors


# ---------------------------------------------------------------------------
# OWL 2 DL reasoning (HermiT via owlready2)
# ---------------------------------------------------------------------------


def run_hermit(graph: rdflib.Graph, tmp_path: Path):
    """Run HermiT over ``graph`` and return the owlready2 World holding its result.

    owlready2 reads no Turtle, so the graph goes to it as N-Triples, without owl:imports (the
    modules are all in the graph already, and nothing may be fetched from the network).
    HermiT does not support xsd:date and xsd:gYear (outside the OWL 2 datatype map), which
    imtkg:startDate, imtkg:endDate and imtkg:year use as ranges: it is told to ignore them.
    Raises owlready2.OwlReadyInconsistentOntologyError if the ontology is inconsistent.
    """
    owlready2 = require_hermit()
    copy = rdflib.Graph()
    copy += graph
    copy.remove((None, OWL.imports, None))
    path = tmp_path / "imtkg-merged.nt"
    copy.serialize(destination=str(path), format="nt", encoding="utf-8")
    world = owlready2.World()
    with path.open("rb") as f:
        world.get_ontology(str(ONTOLOGY_IRI)).load(fileobj=f, format="ntriples")
    owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    return world


@pytest.mark.reasoner
def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(tmp_path):
    world = run_hermit(merged_ontology(), tmp_path)
    nothing = "http://www.w3.org/2002/07/owl#Nothing"
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != nothing)
    assert unsatisfiable == []


@pytest.mark.reasoner
def test_hermit_finds_a_clause_both_preambular_and_operative_inconsistent(tmp_path):
    owlready2 = require_hermit()
    graph = merged_ontology()
    clause = URIRef(f"{R38}/2012/not-a-real-clause")
    graph.add((clause, RDF.type, IMTKG.PreambularClause))
    graph.add((clause, RDF.type, IMTKG.OperativeClause))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        run_hermit(graph, tmp_path)


def test_a_missing_java_skips_outside_ci_and_fails_under_ci(monkeypatch):
    absent = "imtkg-no-such-java-executable"
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_java(absent)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_java(absent)
