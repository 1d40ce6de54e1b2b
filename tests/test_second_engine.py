"""Specification: TopQuadrant SHACL, the fast engine, gives the same findings as pySHACL.

For every input below, the same shapes run on the same data in pySHACL, as the project runs it
(:func:`imtkg.validation.validate`: no inference, SHACL advanced features on), and in TopQuadrant
SHACL, an independent implementation on Apache Jena (:mod:`imtkg.topquadrant`). For each input the
test requires:

* the same conforming status: pySHACL runs with ``allow_warnings``, so ``conforms`` means "no
  result of severity sh:Violation", and :mod:`imtkg.topquadrant` gives its ``conforms`` (and its
  report's ``sh:conforms``) that meaning too, where TopQuadrant's own ``sh:conforms`` means what
  SHACL 1.0 (section 3.6.1) says, "no result at all". So both must also equal "TopQuadrant
  reports no sh:Violation".
* per node shape, the same focus nodes, each with the same severity. The result of a property
  shape counts for the node shape that holds it (``sh:property``); the result of a SPARQL
  constraint or of a SPARQL-based constraint component has the node shape as its source shape.
* result by result in the report graphs, the same source shape, focus node, constraint
  component, severity and value (as multisets: a node with two wrong values has two results in
  both engines).
* the same :class:`imtkg.validation.Result` list, in the same order: focus node, shape,
  severity, path and value; and the message when the shape (or its SPARQL constraint) gives an
  ``sh:message``. Other messages are each engine's own wording (the built-in constraint
  components) or come from the template of a SPARQL-based constraint component, which pySHACL
  0.40 fills with the bindings of another result (TopQuadrant fills them right).

Blank nodes are compared as themselves, not by a description: Jena reads the rdflib graphs with
their blank-node labels kept as given, and TopQuadrant's report comes back with them, so a blank
focus node, value or shape of its report is the ``BNode`` of pySHACL's. A result path that is not
an IRI is the shapes graph's own blank node in both. Nothing is skolemized, so ``sh:nodeKind``
and ``isBlank()`` see blank nodes in both engines.

The inputs, with the shapes they are checked against:

* every fixture ``tests/shapes/<Shape>/{valid,invalid}/*.ttl``, as it is (no inference), against
  the data shapes (``Project.shape_files()``: integrity and obligations), or against the meta
  shapes when ``<Shape>`` is a meta shape; an invalid fixture must make TopQuadrant report on
  ``<Shape>``, so that no comparison is empty;
* the build of the shipped project (:func:`imtkg.build.build_graph`, closed under OWL 2 RL)
  against the data shapes; the shipped data has findings of the obligation shapes;
* the ontology and all the shapes files against the meta shapes (``shapes/meta-*.ttl``), when
  there are some: the graphs :func:`imtkg.validation.check` uses.

The data shapes are configured as :func:`imtkg.validation.check` configures them
(:func:`imtkg.shape_settings.apply_settings`): for the build, as of its newest recorded date
(:func:`imtkg.shape_settings.newest_recorded_date`, the day ``imtkg build`` checks as of); for the
fixtures, as of :data:`FIXTURES_AS_OF` (the day ``tests/test_shapes.py`` checks them as of). Every
shapes file and fixture is picked up, so a new one is compared as soon as it is there.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import require
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from imtkg import topquadrant
from imtkg.build import Build, build_graph
from imtkg.graph import load_turtle, parse_turtle
from imtkg.project import Project
from imtkg.shape_settings import ValidationSettings, apply_settings, newest_recorded_date
from imtkg.validation import ValidationReport, validate

# Plain Namespaces, not rdflib.namespace.SH, which warn when pytest probes module globals.
SH = Namespace("http://www.w3.org/ns/shacl#")
IMTSH = "https://w3id.org/imtkg/shapes#"
TEST_ID = "https://w3id.org/imtkg/id/test/"

ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = ROOT / "tests" / "shapes"
PROJECT = Project.default()

#: The day the dated checks of the obligation shapes are made on the fixtures.
FIXTURES_AS_OF = date(2026, 6, 30)


# --- the shapes and the inputs -----------------------------------------------------------------


@functools.cache
def data_shapes(as_of: date) -> Graph:
    """The data shapes, integrity and obligations, configured to check as of ``as_of``."""
    return apply_settings(load_turtle(PROJECT.shape_files()), ValidationSettings(as_of=as_of))


@functools.cache
def meta_shapes() -> Graph:
    return load_turtle(PROJECT.meta_shape_files())


@dataclass(frozen=True)
class Case:
    """An input: its name (the test id), its data graph, its shapes graph and, for an invalid
    fixture, the node shape the fixture is written to make fire."""

    name: str
    data: Callable[[], Graph]
    shapes: Callable[[], Graph]
    fires: URIRef | None = None


@functools.cache
def the_build() -> Build:
    return build_graph(PROJECT)


def build_shapes() -> Graph:
    return data_shapes(newest_recorded_date(the_build().graph))


@functools.cache
def meta_data() -> Graph:
    """The ontology and every shapes file: the data graph of the meta shapes."""
    files = PROJECT.ontology_files() + PROJECT.shape_files() + PROJECT.meta_shape_files()
    return load_turtle(files)


def fixture_case(path: Path) -> Case:
    shape = URIRef(IMTSH + path.parents[1].name)
    is_meta = (shape, RDF.type, SH.NodeShape) in meta_shapes()
    return Case(
        name=str(path.relative_to(FIXTURES_DIR)),
        data=functools.cache(lambda: parse_turtle(path)),
        shapes=meta_shapes if is_meta else functools.partial(data_shapes, FIXTURES_AS_OF),
        fires=shape if path.parent.name == "invalid" else None,
    )


FIXTURES = sorted(FIXTURES_DIR.glob("*/valid/*.ttl")) + sorted(FIXTURES_DIR.glob("*/invalid/*.ttl"))
CASES = [fixture_case(path) for path in FIXTURES] + [
    Case("build", lambda: the_build().graph, build_shapes)
]
if PROJECT.meta_shape_files():
    CASES.append(Case("ontology-and-shapes", meta_data, meta_shapes))
CASE_IDS = [case.name for case in CASES]


# --- the two engines ---------------------------------------------------------------------------


@functools.cache
def pyshacl_validation(case: Case) -> ValidationReport:
    """pySHACL's validation, by the project's own :func:`imtkg.validation.validate`."""
    return validate(case.data(), case.shapes())


def pyshacl_report(case: Case) -> Graph:
    return pyshacl_validation(case).graph


@pytest.fixture(scope="session")
def jvm() -> Iterator[None]:
    """TopQuadrant SHACL runs here (skipped without it, but a failure under CI=true)."""
    try:
        topquadrant.start()
    except topquadrant.TopQuadrantError as error:
        require(False, f"TopQuadrant SHACL cannot run: {error}")
    yield
    # Before pytest's faulthandler plugin puts back the SIGSEGV handler it found over the JVM's:
    # the JVM shutting down at exit without its handler kills the process (exit code 139).
    topquadrant.stop()


@functools.cache
def topquadrant_validation(case: Case) -> ValidationReport:
    return topquadrant.validate_graph(case.data(), case.shapes())


def topquadrant_report(case: Case) -> Graph:
    return topquadrant_validation(case).graph


# --- reading a report --------------------------------------------------------------------------


def results(report: Graph) -> list[Node]:
    """The results of the report (``sh:result`` of its one ``sh:ValidationReport``)."""
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, f"expected one sh:ValidationReport, found {len(reports)}"
    return list(report.objects(reports[0], SH.result))


def conforms(report: Graph) -> bool:
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    value = report.value(node, SH.conforms)
    assert isinstance(value, Literal), f"the report has no sh:conforms ({value!r})"
    return bool(value.toPython())


def node_shapes_of(shapes: Graph, source: Node | None) -> list[Node | None]:
    """The node shapes a source shape counts for: those that hold it, else the shape itself."""
    if source is None:
        return [None]
    return sorted(set(shapes.subjects(SH.property, source)), key=str) or [source]


def focus_by_shape(report: Graph, shapes: Graph) -> dict[Node | None, set[tuple[Node, Node]]]:
    """For each node shape with results: its (focus node, severity) pairs."""
    found: dict[Node | None, set[tuple[Node, Node]]] = defaultdict(set)
    for result in results(report):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        for shape in node_shapes_of(shapes, report.value(result, SH.sourceShape)):
            found[shape].add((focus, severity))
    return dict(found)


def result_rows(report: Graph) -> Counter:
    """Each result as (source shape, focus node, constraint component, severity, value)."""
    return Counter(
        tuple(
            report.value(result, p)
            for p in (
                SH.sourceShape,
                SH.focusNode,
                SH.sourceConstraintComponent,
                SH.resultSeverity,
                SH.value,
            )
        )
        for result in results(report)
    )


def show(node: Node | None) -> str:
    if node is None:
        return "-"
    if isinstance(node, BNode):
        return f"_:{node}"
    text = str(node)
    for prefix, namespace in (("imtsh:", IMTSH), (":", TEST_ID), ("sh:", str(SH))):
        if isinstance(node, URIRef) and text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return node.n3()


# --- the specification -------------------------------------------------------------------------


def test_there_are_fixtures_shapes_and_the_build_to_compare():
    assert FIXTURES, f"no fixtures found under {FIXTURES_DIR}/*/{{valid,invalid}}/"
    assert any(case.fires for case in CASES), "no invalid fixture found"
    assert len(data_shapes(FIXTURES_AS_OF)), f"no data shapes found under {PROJECT.shapes_dir}"
    assert "build" in CASE_IDS


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_same_conforming_status_and_focus_nodes_per_shape(case: Case, jvm):
    ours, theirs = pyshacl_report(case), topquadrant_report(case)
    shapes = case.shapes()
    expected, found = focus_by_shape(ours, shapes), focus_by_shape(theirs, shapes)
    if case.fires is not None:
        assert found.get(case.fires), f"TopQuadrant reports nothing on {show(case.fires)}"
    differences = []
    for shape in sorted(expected.keys() | found.keys(), key=str):
        only_ours = expected.get(shape, set()) - found.get(shape, set())
        only_theirs = found.get(shape, set()) - expected.get(shape, set())
        for side, rows in (("pySHACL", only_ours), ("TopQuadrant", only_theirs)):
            for focus, severity in sorted(rows, key=str):
                differences.append(f"{show(shape)}: {show(focus)} ({show(severity)}) only in {side}")
    assert not differences, f"{case.name}: the engines differ:\n  " + "\n  ".join(differences)
    violations = any(severity == SH.Violation for rows in found.values() for _, severity in rows)
    assert conforms(ours) is not violations, (
        f"{case.name}: pySHACL conforms={conforms(ours)}, TopQuadrant reports violations={violations}"
    )
    assert conforms(theirs) is conforms(ours), (
        f"{case.name}: sh:conforms is {conforms(theirs)} in TopQuadrant's report, {conforms(ours)} in pySHACL's"
    )
    assert topquadrant_validation(case).conforms is pyshacl_validation(case).conforms is conforms(ours)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_same_results_with_the_same_source_shape_component_and_value(case: Case, jvm):
    ours = result_rows(pyshacl_report(case))
    theirs = result_rows(topquadrant_report(case))
    differences = [
        f"{' '.join(show(n) for n in row)} only in {side} (x{count})"
        for side, rows in (("pySHACL", ours - theirs), ("TopQuadrant", theirs - ours))
        for row, count in sorted(rows.items(), key=str)
    ]
    assert not differences, f"{case.name}: the engines differ:\n  " + "\n  ".join(differences)


def shape_message(shapes: Graph, shape: Node) -> bool:
    """Whether the shape, or a SPARQL constraint of it, gives the message of its results."""
    owners = [shape, *shapes.objects(shape, SH.sparql)]
    return any((owner, SH.message, None) in shapes for owner in owners)


def result_list(validation: ValidationReport, shapes: Graph) -> Counter:
    """The results: focus, shape, severity, path, value, and the message the shape gives."""
    return Counter(
        (
            show(r.focus),
            show(r.shape),
            show(r.severity),
            show(r.path),
            show(r.value),
            r.message if shape_message(shapes, r.shape) else "-",
        )
        for r in validation.results
    )


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_same_result_list_as_validate_gives(case: Case, jvm):
    shapes = case.shapes()
    ours = result_list(pyshacl_validation(case), shapes)
    theirs = result_list(topquadrant_validation(case), shapes)
    differences = [
        f"{row} only in {side} (x{count})"
        for side, rows in (("pySHACL", ours - theirs), ("TopQuadrant", theirs - ours))
        for row, count in sorted(rows.items())
    ]
    assert not differences, f"{case.name}: the result lists differ:\n  " + "\n  ".join(differences)
    order = [(str(r.shape), str(r.focus)) for r in topquadrant_validation(case).results]
    assert order == sorted(order), f"{case.name}: TopQuadrant's results are not by shape and focus node"


def test_blank_nodes_come_back_from_topquadrant_as_the_nodes_of_the_data(jvm):
    ex = Namespace("http://example.org/")
    data = Graph().parse(
        format="turtle",
        data="""
            @prefix ex: <http://example.org/> .
            [] a ex:Thing ; ex:part [ ex:name "a blank part" ] .
            ex:named a ex:Thing ; ex:part ex:named-part .
        """,
    )
    shapes = Graph().parse(
        format="turtle",
        data="""
            @prefix ex: <http://example.org/> .
            @prefix sh: <http://www.w3.org/ns/shacl#> .
            ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI ;
                sh:property ex:ThingShape-part .
            ex:ThingShape-part a sh:PropertyShape ; sh:path ex:part ; sh:nodeKind sh:IRI .
        """,
    )
    thing = next(s for s in data.subjects(RDF.type, ex.Thing) if isinstance(s, BNode))
    part = data.value(thing, ex.part)
    expected = Counter(
        {
            (ex.ThingShape, thing, SH.NodeKindConstraintComponent, SH.Violation, thing): 1,
            (ex["ThingShape-part"], thing, SH.NodeKindConstraintComponent, SH.Violation, part): 1,
        }
    )
    assert result_rows(topquadrant.validate_graph(data, shapes).graph) == expected
    assert result_rows(validate(data, shapes).graph) == expected
