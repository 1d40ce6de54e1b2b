"""Specification of the SHACL shapes under ``shapes/`` and of the graph they check.

What these tests require, in order:

* the files: every ``shapes/*.ttl`` parses and is itself valid SHACL (it conforms to the
  SHACL-SHACL shapes graph that pySHACL ships);
* the documentation: every shape (node or property shape, named by an IRI in the ``imtsh:``
  namespace) has an English label and comment and the severity ``sh:Violation``; every property
  shape and SPARQL constraint has an English message; every SPARQL constraint takes its prefixes
  from the ``owl:Ontology`` node of its own file;
* the fixtures: every node shape has ``tests/shapes/<shape>/valid/*.ttl`` and ``invalid/*.ttl``;
  a valid fixture conforms to all the shapes; an invalid fixture starts with
  ``# expect: <focus IRI> ...``, and the focus nodes that the shape (with its property shapes)
  reports on it are exactly those; and each property shape and SPARQL constraint of a shape is
  reported on at least one invalid fixture of that shape;
* the shipped graph: ontology, data and ingested sources, closed under OWL 2 RL as the build does
  it, conforms to all the shapes, and holds an instance of every class a shape targets (so that
  no shape passes for want of anything to check).

Fixtures are validated as they are, without inference.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL

from imtkg.graph import load_turtle, parse_turtle
from imtkg.ingest import ingest_resolution
from imtkg.project import Project
from imtkg.reasoning import infer
from imtkg.validation import validate

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
FIXTURES_DIR = ROOT / "tests" / "shapes"

# Plain Namespaces, not rdflib.namespace.SH, which warn when pytest probes module globals.
SH = Namespace("http://www.w3.org/ns/shacl#")
IMTSH = "https://w3id.org/imtkg/shapes#"

EXPECT_RE = re.compile(r"^# expect:((?:\s+<[^<>\s]+>)+)\s*$")


# --- discovery ---------------------------------------------------------------------------------


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.rglob("*.ttl"))


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def load_shapes() -> Graph:
    """All the shapes files, in one graph."""
    return load_turtle(shape_files())


SHAPES = load_shapes()


def node_shapes(shapes: Graph = SHAPES) -> list[URIRef]:
    return sorted(s for s in set(shapes.subjects(RDF.type, SH.NodeShape)) if isinstance(s, URIRef))


def local_name(shape: URIRef) -> str:
    return str(shape)[len(IMTSH) :] if str(shape).startswith(IMTSH) else str(shape)


def constraints_of(shape: URIRef, shapes: Graph = SHAPES) -> set:
    """The property shapes and SPARQL constraints of a node shape."""
    return set(shapes.objects(shape, SH.property)) | set(shapes.objects(shape, SH.sparql))


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


@functools.cache
def fixture_report(path: Path):
    """The validation report of a fixture against all the shapes (no inference)."""
    return validate(parse_turtle(path), SHAPES)


def results_of(report, shape: URIRef) -> list[tuple]:
    """(focus node, source shape, source constraint, message) of the results of a node shape."""
    own = {shape} | set(SHAPES.objects(shape, SH.property))
    rows = []
    for result in report.graph.subjects(RDF.type, SH.ValidationResult):
        source = report.graph.value(result, SH.sourceShape)
        if source in own:
            rows.append(
                (
                    report.graph.value(result, SH.focusNode),
                    source,
                    report.graph.value(result, SH.sourceConstraint),
                    str(report.graph.value(result, SH.resultMessage)),
                )
            )
    return rows


# --- the files ---------------------------------------------------------------------------------


def test_there_are_shapes_files_node_shapes_and_fixtures():
    assert shape_files(), f"no .ttl files found under {SHAPES_DIR}"
    assert node_shapes(), "the shapes files declare no sh:NodeShape"
    assert VALID, f"no valid fixtures found under {FIXTURES_DIR}/*/valid/"
    assert INVALID, f"no invalid fixtures found under {FIXTURES_DIR}/*/invalid/"


@pytest.mark.parametrize("path", shape_files(), ids=rel)
def test_every_shapes_file_parses(path: Path):
    graph = parse_turtle(path)
    assert len(graph) > 0, f"{rel(path)} holds no triples"


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


def english(graph: Graph, subject, predicate) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


def test_every_shape_is_named_in_the_shapes_namespace():
    anonymous = [
        s
        for s in set(SHAPES.subjects(RDF.type, SH.NodeShape))
        | set(SHAPES.subjects(RDF.type, SH.PropertyShape))
        | set(SHAPES.objects(None, SH.property))
        if not (isinstance(s, URIRef) and str(s).startswith(IMTSH))
    ]
    assert not anonymous, f"shapes without an imtsh: IRI: {anonymous}"


@pytest.mark.parametrize("shape", named_shapes(), ids=local_name)
def test_every_shape_has_a_label_a_comment_and_violation_severity(shape: URIRef):
    assert len(english(SHAPES, shape, RDFS.label)) == 1, f"{local_name(shape)}: one rdfs:label @en"
    assert english(SHAPES, shape, RDFS.comment), f"{local_name(shape)}: no rdfs:comment @en"
    assert set(SHAPES.objects(shape, SH.severity)) == {SH.Violation}, (
        f"{local_name(shape)}: the severity must be sh:Violation"
    )


@pytest.mark.parametrize(
    "constraint",
    sorted(set(SHAPES.subjects(RDF.type, SH.PropertyShape)), key=str) + sparql_constraints(),
    ids=lambda c: local_name(c) if isinstance(c, URIRef) else str(c),
)
def test_every_property_shape_and_sparql_constraint_has_a_message(constraint):
    assert english(SHAPES, constraint, SH.message), f"{constraint}: no sh:message @en"


@pytest.mark.parametrize("path", shape_files(), ids=rel)
def test_sparql_constraints_take_their_prefixes_from_the_ontology_node_of_their_file(path: Path):
    graph = parse_turtle(path)
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    constraints = set(graph.objects(None, SH.sparql))
    if not constraints:
        return
    assert len(ontologies) == 1, f"{rel(path)}: one owl:Ontology node expected, found {ontologies}"
    ontology = next(iter(ontologies))
    assert set(graph.objects(ontology, SH.declare)), f"{rel(path)}: {ontology} declares no prefix"
    declared = {str(graph.value(d, SH.prefix)) for d in graph.objects(ontology, SH.declare)}
    used = set()
    for constraint in constraints:
        assert set(graph.objects(constraint, SH.prefixes)) == {ontology}, (
            f"{rel(path)}: {constraint} must take its prefixes (sh:prefixes) from {ontology}"
        )
        select = graph.value(constraint, SH.select)
        assert select, f"{rel(path)}: {constraint} has no sh:select"
        used |= set(re.findall(r"(?<![\w\-?$])([A-Za-z][\w\-]*):\w", str(select)))
    assert used <= declared, f"{rel(path)}: SPARQL uses undeclared prefixes {sorted(used - declared)}"
    assert declared <= used, f"{rel(path)}: sh:declare has unused prefixes {sorted(declared - used)}"


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
def test_valid_fixture_conforms_to_all_shapes(item):
    _, path = item
    report = fixture_report(path)
    listing = "\n  ".join(f"{r.focus} [{local_name(r.shape)}] {r.message}" for r in report.results)
    assert report.conforms, f"{rel(path)} should conform, but:\n  {listing}"


@pytest.mark.parametrize("item", INVALID, ids=fixture_id)
def test_invalid_fixture_is_reported_on_exactly_the_expected_focus_nodes(item):
    shape_name, path = item
    expected = expected_focus_nodes(path)
    shape = URIRef(IMTSH + shape_name)
    assert (shape, RDF.type, SH.NodeShape) in SHAPES, f"no node shape {shape}"
    reported = {row[0] for row in results_of(fixture_report(path), shape)}
    missed = sorted(str(n) for n in expected - reported)
    extra = sorted(str(n) for n in reported - expected)
    assert not missed and not extra, (
        f"{rel(path)}: {shape_name} did not report {missed}; reported unexpectedly {extra}"
    )


@pytest.mark.parametrize("shape", node_shapes(), ids=local_name)
def test_every_constraint_of_a_shape_is_exercised_by_its_invalid_fixtures(shape: URIRef):
    fired = set()
    for name, path in INVALID:
        if name == local_name(shape):
            for _, source, constraint, _ in results_of(fixture_report(path), shape):
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


def test_the_shipped_graph_conforms_to_all_shapes():
    report = validate(shipped_graph(), SHAPES)
    listing = "\n  ".join(
        f"{r.focus} [{local_name(r.shape)}] {r.message} (value: {r.value})" for r in report.results
    )
    assert report.conforms, f"the shipped graph violates {len(report.results)} constraints:\n  {listing}"


def test_the_shipped_graph_gives_every_shape_something_to_check():
    graph = shipped_graph()
    idle = [
        f"{local_name(shape)} ({local_name(cls)})"
        for shape in node_shapes()
        for cls in SHAPES.objects(shape, SH.targetClass)
        if next(graph.subjects(RDF.type, cls), None) is None
    ]
    assert not idle, f"shapes whose target class has no instance in the shipped graph: {idle}"
