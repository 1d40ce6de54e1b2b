"""Specification of the SHACL shapes under ``shapes/`` and of the graph they check.

The shapes come in three families, by file name: ``integrity-*.ttl`` (the graph is well formed; a
build must conform to them), ``obligations-*.ttl`` (what the records show of the obligations of
WTSA Resolution 38; the shipped data has findings there, see ``tests/test_obligations.py``) and
``meta-*.ttl`` (whose data graph is the ontology with all the shapes files). What these tests
require, in order:

* the files: every ``shapes/*.ttl`` parses and is itself valid SHACL (it conforms to the
  SHACL-SHACL shapes graph that pySHACL ships), and belongs to one of the three families;
* the documentation: every shape (node or property shape, named by an IRI in the ``imtsh:``
  namespace) has an English label and comment and one severity: ``sh:Violation`` for integrity
  and meta shapes; for a compliance shape (every node shape of ``obligations-*.ttl`` is an
  ``imtkg:ComplianceShape`` naming its clause and clause kind, and no other shape is), the default
  severity of the clause's kind, read from ``ontology/vocab/`` (resolves, instructs:
  ``sh:Violation``; considering: ``sh:Warning``; encourages: ``sh:Info``). Every property shape,
  SPARQL constraint and validator of a SPARQL-based constraint component has an English message,
  and every SPARQL query takes its prefixes from the ``owl:Ontology`` node of its own file, which
  declares exactly the prefixes its queries use. The ontology and the shapes conform to the meta
  shapes. The clause each compliance shape names is a clause of the ingested Resolution 38, of
  the kind the shape states;
* the fixtures: every node shape has ``tests/shapes/<shape>/valid/*.ttl`` and ``invalid/*.ttl``.
  Data fixtures are validated against the integrity and obligation shapes, configured with
  :data:`FIXTURE_SETTINGS` (the day of the check is 2026-06-30, the ages are the defaults of
  :class:`imtkg.shape_settings.ValidationSettings`); meta fixtures, which stand for shapes files,
  against the meta shapes, with the ontology added to their data graph. A valid
  data fixture gives no result from any integrity shape nor from its own shape (obligation shapes
  of other clauses may have findings on it); a valid meta fixture gives no result from any meta
  shape. An invalid fixture starts with ``# expect: <focus IRI> ...``, and the focus nodes that its
  shape (with its property shapes) reports on it are exactly those, with the shape's severity;
  each property shape, SPARQL constraint and SPARQL-based constraint component of a shape is
  reported on at least one invalid fixture of that shape;
* the shipped graph: ontology, data and ingested sources, closed under OWL 2 RL as the build does
  it, conforms to the integrity shapes, and holds an instance of every class an integrity shape
  targets (so that no shape passes for want of anything to check), but for the classes listed in
  :data:`NOT_IN_THE_SHIPPED_DATA`, which it must not hold (so the list is kept short).

Fixtures are validated as they are, without inference.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from datetime import date
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL

from imtkg.graph import load_turtle, parse_turtle
from imtkg.ingest import ingest_resolution
from imtkg.project import Project
from imtkg.reasoning import infer
from imtkg.shape_settings import ValidationSettings, apply_settings
from imtkg.validation import validate

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
FIXTURES_DIR = ROOT / "tests" / "shapes"
VOCAB_DIR = ROOT / "ontology" / "vocab"

# Plain Namespaces, not rdflib.namespace.SH, which warn when pytest probes module globals.
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
IMTKG = Namespace("https://w3id.org/imtkg/ontology#")
IMTSH = "https://w3id.org/imtkg/shapes#"
CLAUSE_KIND = Namespace("https://w3id.org/imtkg/vocab/clause-kind/")

EXPECT_RE = re.compile(r"^# expect:((?:\s+<[^<>\s]+>)+)\s*$")
FAMILIES = ("integrity", "obligations", "meta")

#: The settings every data fixture is checked with: an explicit day, the default ages.
FIXTURE_SETTINGS = ValidationSettings(as_of=date(2026, 6, 30))

#: Classes that integrity shapes target and the shipped data holds no instance of, with why.
NOT_IN_THE_SHIPPED_DATA = {
    IMTKG.RoadmapEntry: "no source read lists the entries of a roadmap edition (data/roadmap/roadmaps.ttl)",
    IMTKG.ComplianceRecord: "no source read records what was done on Resolution 38's obligations",
    IMTKG.Communication: "no source read records the TSB Director's letters to BR and BDT",
    IMTKG.Supplement: "Supplements come with the ITU catalogue (imtkg build --catalogue)",
    IMTKG.Report: "Reports come with the ITU catalogue (imtkg build --catalogue)",
    IMTKG.Handbook: "Handbooks come with the ITU catalogue (imtkg build --catalogue)",
}


# --- discovery ---------------------------------------------------------------------------------


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.rglob("*.ttl"))


def family_of(path: Path) -> str:
    return path.name.split("-", 1)[0]


def files_of(*families: str) -> list[Path]:
    return [p for p in shape_files() if family_of(p) in families]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


SHAPES = load_turtle(shape_files())
DATA_SHAPES = apply_settings(load_turtle(files_of("integrity", "obligations")), FIXTURE_SETTINGS)
META_SHAPES = load_turtle(files_of("meta"))


def node_shapes(shapes: Graph = SHAPES) -> list[URIRef]:
    return sorted(s for s in set(shapes.subjects(RDF.type, SH.NodeShape)) if isinstance(s, URIRef))


@functools.cache
def family_of_shape() -> dict[URIRef, str]:
    """The family of the file that declares each node shape."""
    return {
        shape: family_of(path) for path in shape_files() for shape in node_shapes(parse_turtle(path))
    }


def local_name(shape: URIRef) -> str:
    return str(shape)[len(IMTSH) :] if str(shape).startswith(IMTSH) else str(shape)


def components_of(shape: URIRef, shapes: Graph = SHAPES) -> set[URIRef]:
    """The SPARQL-based constraint components a shape activates (it has all their parameters)."""
    found = set()
    for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
        required = [
            shapes.value(p, SH.path)
            for p in shapes.objects(component, SH.parameter)
            if shapes.value(p, SH.optional) != Literal(True)
        ]
        if required and all(shapes.value(shape, path) is not None for path in required):
            found.add(component)
    return found


def constraints_of(shape: URIRef, shapes: Graph = SHAPES) -> set:
    """The property shapes, SPARQL constraints and constraint components of a node shape."""
    return (
        set(shapes.objects(shape, SH.property))
        | set(shapes.objects(shape, SH.sparql))
        | components_of(shape, shapes)
    )


def fixtures(kind: str) -> list[tuple[str, Path]]:
    """(shape local name, fixture path) for every ``tests/shapes/<shape>/<kind>/*.ttl``."""
    return [(path.parents[1].name, path) for path in sorted(FIXTURES_DIR.glob(f"*/{kind}/*.ttl"))]


VALID = fixtures("valid")
INVALID = fixtures("invalid")


def fixture_id(item: tuple[str, Path]) -> str:
    shape, path = item
    return f"{shape}/{path.parent.name}/{path.name}"


def expected_focus_nodes(path: Path) -> set[URIRef]:
    """The focus nodes named on the ``# expect:`` first line of an invalid fixture."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT_RE.match(first)
    assert match, f"{rel(path)}: the first line must be '# expect: <focus IRI> ...', not {first!r}"
    return {URIRef(iri) for iri in re.findall(r"<([^<>\s]+)>", match.group(1))}


def shapes_for(shape_name: str) -> Graph:
    """The shapes a fixture of ``shape_name`` is validated against: meta, or integrity and obligations."""
    return META_SHAPES if family_of_shape()[URIRef(IMTSH + shape_name)] == "meta" else DATA_SHAPES


@functools.cache
def ontology() -> Graph:
    return load_turtle(Project.default().ontology_files())


@functools.cache
def fixture_report(shape_name: str, path: Path):
    """The report of a fixture against the shapes of its family (no inference).

    A meta fixture stands for shapes files: its data graph is the ontology with the fixture.
    """
    shapes = shapes_for(shape_name)
    data = parse_turtle(path)
    if shapes is META_SHAPES:
        data += ontology()
    return validate(data, shapes)


def results_of(report, shape: URIRef) -> list[tuple]:
    """(focus, source shape, source constraint or component, message, severity) of a node shape."""
    own = {shape} | set(SHAPES.objects(shape, SH.property))
    rows = []
    for result in report.graph.subjects(RDF.type, SH.ValidationResult):
        source = report.graph.value(result, SH.sourceShape)
        if source in own:
            constraint = report.graph.value(result, SH.sourceConstraint)
            component = report.graph.value(result, SH.sourceConstraintComponent)
            rows.append(
                (
                    report.graph.value(result, SH.focusNode),
                    source,
                    component if component in components_of(shape) else constraint,
                    str(report.graph.value(result, SH.resultMessage)),
                    report.graph.value(result, SH.resultSeverity),
                )
            )
    return rows


@functools.cache
def integrity_shapes() -> frozenset:
    """Every node and property shape declared in an integrity file."""
    graph = load_turtle(files_of("integrity"))
    return frozenset(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.objects(None, SH.property))


# --- the files ---------------------------------------------------------------------------------


def test_there_are_shapes_files_of_each_family_node_shapes_and_fixtures():
    assert shape_files(), f"no .ttl files found under {SHAPES_DIR}"
    for family in FAMILIES:
        assert files_of(family), f"no {family}-*.ttl file under {SHAPES_DIR}"
    assert node_shapes(), "the shapes files declare no sh:NodeShape"
    assert VALID, f"no valid fixtures found under {FIXTURES_DIR}/*/valid/"
    assert INVALID, f"no invalid fixtures found under {FIXTURES_DIR}/*/invalid/"


@pytest.mark.parametrize("path", shape_files(), ids=rel)
def test_every_shapes_file_parses_and_belongs_to_a_family(path: Path):
    graph = parse_turtle(path)
    assert len(graph) > 0, f"{rel(path)} holds no triples"
    assert family_of(path) in FAMILIES, f"{rel(path)}: the name must start with one of {FAMILIES}"


def test_the_project_lists_the_shapes_files_by_family():
    project = Project.default()
    assert project.integrity_shape_files() == files_of("integrity")
    assert project.meta_shape_files() == files_of("meta")
    assert project.shape_files() == files_of("integrity", "obligations")


@functools.cache
def shacl_shacl() -> Graph:
    asset = importlib.resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"
    with importlib.resources.as_file(asset) as path:
        assert path.is_file(), f"pySHACL ships no SHACL-SHACL shapes graph at {path}"
        return Graph().parse(path, format="turtle")


@pytest.mark.parametrize("path", shape_files(), ids=rel)
def test_every_shapes_file_is_valid_shacl(path: Path):
    conforms, _, text = shacl_validate(parse_turtle(path), shacl_graph=shacl_shacl())
    assert conforms, f"{rel(path)} is not valid SHACL:\n{text}"


# --- the documentation of each shape -----------------------------------------------------------


def named_shapes(shapes: Graph = SHAPES) -> list[URIRef]:
    """Every node and property shape named by an IRI."""
    typed = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    return sorted(s for s in typed if isinstance(s, URIRef))


def sparql_constraints(shapes: Graph = SHAPES) -> list:
    return sorted(set(shapes.objects(None, SH.sparql)), key=str)


def validators(shapes: Graph = SHAPES) -> list:
    predicates = (SH.validator, SH.nodeValidator, SH.propertyValidator)
    return sorted({v for p in predicates for v in shapes.objects(None, p)}, key=str)


def english(graph: Graph, subject, predicate) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


@functools.cache
def vocabularies() -> Graph:
    return load_turtle([VOCAB_DIR / "clause-kind.ttl", VOCAB_DIR / "deontic-force.ttl"])


def default_severity(kind: URIRef) -> URIRef | None:
    """The default severity of a clause kind: that of its deontic force, else of its top concept."""
    vocab = vocabularies()
    force = vocab.value(kind, IMTKG.deonticForce)
    if force is not None:
        return vocab.value(force, IMTKG.defaultSeverity)
    for parent in vocab.objects(kind, SKOS.broader):
        return vocab.value(parent, IMTKG.defaultSeverity)
    return None


def compliance_shapes() -> list[URIRef]:
    return sorted(s for s in SHAPES.subjects(RDF.type, IMTKG.ComplianceShape) if isinstance(s, URIRef))


def expected_severity(shape: URIRef) -> URIRef:
    """sh:Violation, or for a compliance shape and its property shapes its clause kind's severity."""
    owners = [shape] + [s for s in SHAPES.subjects(SH.property, shape)]
    for owner in owners:
        kind = SHAPES.value(owner, IMTKG.enforcesClauseKind)
        if kind is not None:
            severity = default_severity(kind)
            assert severity is not None, f"{local_name(owner)}: the kind {kind} has no default severity"
            return severity
    return SH.Violation


def test_every_shape_is_named_in_the_shapes_namespace():
    anonymous = [
        s
        for s in set(SHAPES.subjects(RDF.type, SH.NodeShape))
        | set(SHAPES.subjects(RDF.type, SH.PropertyShape))
        | set(SHAPES.objects(None, SH.property))
        | set(SHAPES.subjects(RDF.type, SH.ConstraintComponent))
        if not (isinstance(s, URIRef) and str(s).startswith(IMTSH))
    ]
    assert not anonymous, f"shapes without an imtsh: IRI: {anonymous}"


@pytest.mark.parametrize("shape", named_shapes(), ids=local_name)
def test_every_shape_has_a_label_a_comment_and_the_severity_of_its_family(shape: URIRef):
    assert len(english(SHAPES, shape, RDFS.label)) == 1, f"{local_name(shape)}: one rdfs:label @en"
    assert english(SHAPES, shape, RDFS.comment), f"{local_name(shape)}: no rdfs:comment @en"
    expected = expected_severity(shape)
    assert set(SHAPES.objects(shape, SH.severity)) == {expected}, (
        f"{local_name(shape)}: the severity must be {expected}"
    )


def test_compliance_shapes_are_exactly_the_node_shapes_of_the_obligations_files():
    declared = set(node_shapes(load_turtle(files_of("obligations"))))
    assert declared, "the obligations files declare no node shape"
    assert set(compliance_shapes()) == declared


@pytest.mark.parametrize("shape", compliance_shapes(), ids=local_name)
def test_every_compliance_shape_names_one_clause_and_one_clause_kind(shape: URIRef):
    clauses = list(SHAPES.objects(shape, IMTKG.enforcesClause))
    kinds = list(SHAPES.objects(shape, IMTKG.enforcesClauseKind))
    assert len(clauses) == 1 and isinstance(clauses[0], URIRef), f"{local_name(shape)}: {clauses}"
    assert len(kinds) == 1 and (kinds[0], SKOS.inScheme, None) in vocabularies(), f"{kinds}"


@functools.cache
def ingested_resolution_38() -> Graph:
    project = Project.default()
    sources = [p for p in project.source_texts() if "resolution-38" in p.name]
    assert len(sources) == 1, f"expected the Resolution 38 text in {project.sources_dir}"
    return ingest_resolution(sources[0], project)


@pytest.mark.parametrize("shape", compliance_shapes(), ids=local_name)
def test_the_clause_of_every_compliance_shape_is_in_resolution_38_and_of_its_kind(shape: URIRef):
    clause = SHAPES.value(shape, IMTKG.enforcesClause)
    graph = ingested_resolution_38()
    assert list(graph.objects(clause, IMTKG.text)), f"{clause} is no clause of the ingested text"
    assert graph.value(clause, IMTKG.clauseKind) == SHAPES.value(shape, IMTKG.enforcesClauseKind)


@pytest.mark.parametrize(
    "constraint",
    sorted(set(SHAPES.subjects(RDF.type, SH.PropertyShape)), key=str)
    + sparql_constraints()
    + validators(),
    ids=lambda c: local_name(c) if isinstance(c, URIRef) else str(c),
)
def test_every_property_shape_sparql_constraint_and_validator_has_a_message(constraint):
    assert english(SHAPES, constraint, SH.message), f"{constraint}: no sh:message @en"


@pytest.mark.parametrize("path", shape_files(), ids=rel)
def test_sparql_queries_take_their_prefixes_from_the_ontology_node_of_their_file(path: Path):
    graph = parse_turtle(path)
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    queries = set(graph.subjects(SH.select, None))
    if not queries:
        return
    assert len(ontologies) == 1, f"{rel(path)}: one owl:Ontology node expected, found {ontologies}"
    ontology = next(iter(ontologies))
    assert set(graph.objects(ontology, SH.declare)), f"{rel(path)}: {ontology} declares no prefix"
    declared = {str(graph.value(d, SH.prefix)) for d in graph.objects(ontology, SH.declare)}
    used = set()
    for query in queries:
        assert set(graph.objects(query, SH.prefixes)) == {ontology}, (
            f"{rel(path)}: {query} must take its prefixes (sh:prefixes) from {ontology}"
        )
        select = re.sub(r"(?m)^\s*#.*$", "", str(graph.value(query, SH.select)))
        used |= set(re.findall(r"(?<![\w\-?$/])([A-Za-z][\w\-]*):\w", select))
    assert used <= declared, f"{rel(path)}: SPARQL uses undeclared prefixes {sorted(used - declared)}"
    assert declared <= used, f"{rel(path)}: sh:declare has unused prefixes {sorted(declared - used)}"


def test_the_ontology_and_the_shapes_conform_to_the_meta_shapes():
    project = Project.default()
    data = load_turtle(project.ontology_files() + shape_files())
    report = validate(data, META_SHAPES)
    listing = "\n  ".join(f"{r.focus} [{local_name(r.shape)}] {r.message}" for r in report.results)
    assert report.conforms, f"the ontology and shapes break the meta shapes:\n  {listing}"


# --- fixtures ----------------------------------------------------------------------------------


def test_every_node_shape_has_valid_and_invalid_fixtures():
    valid = {shape for shape, _ in VALID}
    invalid = {shape for shape, _ in INVALID}
    missing = []
    for shape in node_shapes():
        name = local_name(shape)
        needs = [kind for kind, have in (("valid", valid), ("invalid", invalid)) if name not in have]
        if needs:
            missing.append(f"{name} (no {' and no '.join(needs)} fixture)")
    assert not missing, "node shapes without fixtures:\n  " + "\n  ".join(missing)


def test_every_fixture_folder_names_a_node_shape():
    names = {local_name(shape) for shape in node_shapes()}
    folders = sorted(p.name for p in FIXTURES_DIR.iterdir() if p.is_dir())
    orphans = [name for name in folders if name not in names]
    assert not orphans, f"fixture folders that name no node shape in shapes/: {orphans}"


@pytest.mark.parametrize("item", VALID, ids=fixture_id)
def test_valid_fixture_gives_no_result_from_the_gate_of_its_family_nor_its_own_shape(item):
    shape_name, path = item
    report = fixture_report(shape_name, path)
    shape = URIRef(IMTSH + shape_name)
    own = {shape} | set(SHAPES.objects(shape, SH.property))
    gate = integrity_shapes() if shapes_for(shape_name) is DATA_SHAPES else None
    wrong = [r for r in report.results if r.shape in own or gate is None or r.shape in gate]
    listing = "\n  ".join(f"{r.focus} [{local_name(r.shape)}] {r.message}" for r in wrong)
    assert not wrong, f"{rel(path)} should give no result here, but:\n  {listing}"


@pytest.mark.parametrize("item", INVALID, ids=fixture_id)
def test_invalid_fixture_is_reported_on_exactly_the_expected_focus_nodes(item):
    shape_name, path = item
    expected = expected_focus_nodes(path)
    shape = URIRef(IMTSH + shape_name)
    assert (shape, RDF.type, SH.NodeShape) in SHAPES, f"no node shape {shape}"
    rows = results_of(fixture_report(shape_name, path), shape)
    reported = {row[0] for row in rows}
    missed = sorted(str(n) for n in expected - reported)
    extra = sorted(str(n) for n in reported - expected)
    assert not missed and not extra, (
        f"{rel(path)}: {shape_name} did not report {missed}; reported unexpectedly {extra}"
    )
    severities = {row[4] for row in rows}
    assert severities == {SHAPES.value(shape, SH.severity)}, f"{rel(path)}: severities {severities}"


@pytest.mark.parametrize("shape", node_shapes(), ids=local_name)
def test_every_constraint_of_a_shape_is_exercised_by_its_invalid_fixtures(shape: URIRef):
    fired = set()
    for name, path in INVALID:
        if name == local_name(shape):
            for _, source, constraint, _, _ in results_of(fixture_report(name, path), shape):
                fired.add(source)
                if constraint is not None and not isinstance(constraint, BNode):
                    fired.add(constraint)
    silent = sorted(local_name(c) for c in constraints_of(shape) - fired)
    assert not silent, f"{local_name(shape)}: no invalid fixture triggers {silent}"


# --- the shipped graph -------------------------------------------------------------------------


@functools.cache
def shipped_graph() -> Graph:
    """Ontology and data (data/sources excluded), plus every ingested source, under OWL 2 RL."""
    project = Project.default()
    graph = load_turtle(project.ontology_files() + project.data_files())
    sources = project.source_texts()
    assert sources, f"no source texts found under {project.sources_dir}"
    for source in sources:
        graph += ingest_resolution(source, project)
    return infer(graph).graph


def test_the_shipped_graph_conforms_to_the_integrity_shapes():
    report = validate(shipped_graph(), load_turtle(files_of("integrity")))
    listing = "\n  ".join(
        f"{r.focus} [{local_name(r.shape)}] {r.message} (value: {r.value})" for r in report.results
    )
    assert report.conforms, f"the shipped graph violates {len(report.results)} constraints:\n  {listing}"


def test_the_shipped_graph_gives_every_integrity_shape_something_to_check():
    graph = shipped_graph()
    integrity = load_turtle(files_of("integrity"))
    targeted = {
        cls for shape in node_shapes(integrity) for cls in integrity.objects(shape, SH.targetClass)
    }
    assert set(NOT_IN_THE_SHIPPED_DATA) <= targeted, "the exemptions name classes no shape targets"
    idle = sorted(
        local_name(cls)
        for cls in targeted - set(NOT_IN_THE_SHIPPED_DATA)
        if next(graph.subjects(RDF.type, cls), None) is None
    )
    assert not idle, f"classes that integrity shapes target and the shipped graph lacks: {idle}"
    present = sorted(
        str(cls) for cls in NOT_IN_THE_SHIPPED_DATA if next(graph.subjects(RDF.type, cls), None)
    )
    assert not present, f"the shipped graph now holds these; drop them from the exemptions: {present}"
