"""Specification of the compiled SHACL-SPARQL checks (imtkg.sparql_checks) and `validate --endpoint`.

Each SPARQL-based constraint of a shapes graph becomes one SPARQL 1.1 SELECT over the whole graph.
On the same closed graph, the compiled queries on a pyoxigraph store give the results pySHACL
gives for the same shapes (focus node, shape, severity, path, value, message), on small graphs
written here, on the shipped build and on a synthetic 10k graph with planted findings. On a real
Oxigraph server loaded by `imtkg push`, `imtkg validate --endpoint` reports the findings that the
local `imtkg validate` reports. One difference from pySHACL is deliberate and pinned here: pySHACL
adds the messages of earlier results of a constraint component to the later ones (so the message
it shows may name another node); each compiled result has only its own.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import OxigraphServer, _wait_until_answering, free_port, oxigraph_binary, require
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from imtkg.build import build_graph, write_dist
from imtkg.cli import cli
from imtkg.endpoint import EndpointError
from imtkg.errors import InputError
from imtkg.graph import load_turtle
from imtkg.oxstore import add_graph, load_file
from imtkg.project import Project
from imtkg.shape_settings import ValidationSettings, apply_settings
from imtkg.sparql_checks import check_endpoint, compile_shapes, run_checks, store_select
from imtkg.synthetic import write_project
from imtkg.validation import ValidationReport, validate

EX = "http://example.org/"
IMTSH = "https://w3id.org/imtkg/shapes#"
PUSHED = "https://example.org/imtkg/release"

PREFIXES = """
PREFIX ex: <http://example.org/>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Data: two people and a robot (a subclass of Agent), friendships, ages.
DATA = PREFIXES + """
ex:Person rdfs:subClassOf ex:Agent .
ex:Robot rdfs:subClassOf ex:Agent .
ex:ann a ex:Person ; ex:age 17 ; ex:knows ex:bob , ex:rex ; ex:name "Ann" .
ex:bob a ex:Person ; ex:age 40 ; ex:name "Bob" .
ex:rex a ex:Robot ; ex:age 2 .
"""

# Shapes: a SPARQL constraint on a class target (with ?value and another variable in the
# message), one on a property shape ($PATH), a parameterised component, a SPARQL target, a
# targetNode of a node that is not in the data, and shapes the compiler must name, not drop.
SHAPES = PREFIXES + """
ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .

ex:AgentNameShape a sh:NodeShape ;
    sh:targetClass ex:Agent ;
    sh:severity sh:Warning ;
    sh:sparql [
        sh:message "{$this} (age {?age}) has no name" ;
        sh:prefixes ex:decl ;
        sh:select "SELECT $this ?age WHERE { $this ex:age ?age . FILTER NOT EXISTS { $this ex:name ?n } }" ;
    ] .

ex:KnowsShape a sh:NodeShape ;
    sh:targetSubjectsOf ex:knows ;
    sh:property ex:KnowsShape-knows .
ex:KnowsShape-knows sh:path ex:knows ;
    sh:sparql [
        sh:message "{$this} knows {?value}, who is not a Person" ;
        sh:prefixes ex:decl ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER NOT EXISTS { ?value a ex:Person } }" ;
    ] .

ex:MinAgeComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:minAge ] , [ sh:path ex:label ; sh:optional true ] ;
    sh:nodeValidator [
        a sh:SPARQLSelectValidator ;
        sh:message "{$this} is younger than {$minAge}"@en ;
        sh:prefixes ex:decl ;
        sh:select "SELECT $this WHERE { $this ex:age ?age . FILTER (?age < $minAge && (!BOUND($label) || STRLEN($label) > 0)) }" ;
    ] .

ex:AdultShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:decl ;
                sh:select "SELECT ?this WHERE { ?this ex:knows ?someone }" ] ;
    sh:targetNode ex:bob ;
    ex:minAge 18 ;
    ex:label "adult \\" } UNION { ?this ?p ?o } #" .

ex:NobodyShape a sh:NodeShape ;
    sh:targetNode ex:nobody ;
    sh:sparql [
        sh:message "{$this} is not described" ;
        sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ?p ?o } }" ;
    ] .
"""

# Shapes the compiler leaves out, each for a reason it gives.
UNSUPPORTED = """
ex:CoreShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .

ex:LimitedShape a sh:NodeShape ;
    sh:targetClass ex:Person ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ex:age ?a } LIMIT 1" ] .

ex:AskComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:askedAge ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER ($value > $askedAge) }" ] .

ex:AskShape a sh:NodeShape ; sh:targetNode ex:ann ; ex:askedAge 3 .
"""


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _store(graph: Graph) -> ox.Store:
    store = ox.Store()
    add_graph(store, graph)
    return store


def _rows(report: ValidationReport) -> set[tuple]:
    return {(r.shape, r.focus, r.severity, r.path, r.value, r.message) for r in report.results}


def _reference_messages(report: ValidationReport) -> dict[tuple, set[str]]:
    """Each pySHACL result (shape, focus, severity, path, value) with all the messages it carries."""
    found: dict[tuple, set[str]] = {}
    graph = report.graph
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        key = tuple(
            graph.value(node, p)
            for p in (SH.sourceShape, SH.focusNode, SH.resultSeverity, SH.resultPath, SH.value)
        )
        found.setdefault(key, set()).update(str(m) for m in graph.objects(node, SH.resultMessage))
    return found


def assert_same_as_pyshacl(compiled: ValidationReport, reference: ValidationReport) -> None:
    """The same results; each compiled message is one pySHACL reports for that result, and it is
    the one pySHACL shows whenever pySHACL's result carries a single message."""
    reference_messages = _reference_messages(reference)
    keys = sorted({r[:5] for r in _rows(compiled)}, key=str)
    assert keys == sorted({r[:5] for r in _rows(reference)}, key=str)
    assert len(compiled.results) == len(reference.results)
    shown = {r[:5]: r[5] for r in _rows(reference)}
    for shape, focus, severity, path, value, message in _rows(compiled):
        key = (shape, focus, severity, path, value)
        assert message in reference_messages[key], (key, message)
        if len(reference_messages[key]) == 1:
            assert message == shown[key]


# --- small graphs: what is compiled, and how ---------------------------------------------------


@pytest.fixture(scope="module")
def small() -> tuple[Graph, Graph]:
    return _graph(DATA), _graph(SHAPES)


def test_each_sparql_constraint_is_one_query_over_the_whole_graph(small):
    _, shapes = small
    compiled = compile_shapes(shapes)
    assert sorted(str(c.shape) for c in compiled.checks) == sorted(
        [EX + "AgentNameShape", EX + "KnowsShape-knows", EX + "AdultShape", EX + "NobodyShape"]
    )
    for check in compiled.checks:
        query = check.query()
        assert query.count("SELECT DISTINCT ?this WHERE") == 1  # the focus nodes, once, inside
        assert "$this" in query or "?this" in query


def test_the_compiled_checks_give_the_results_of_pyshacl_on_a_small_graph(small):
    data, shapes = small
    compiled = run_checks(compile_shapes(shapes), store_select(_store(data)))
    reference = validate(data, shapes)
    assert _rows(compiled) == {
        (ex("AgentNameShape"), ex("rex"), SH.Warning, None, ex("rex"), f"{EX}rex (age 2) has no name"),
        (ex("KnowsShape-knows"), ex("ann"), SH.Violation, ex("knows"), ex("rex"),
         f"{EX}ann knows {EX}rex, who is not a Person"),
        (ex("AdultShape"), ex("ann"), SH.Violation, None, ex("ann"), f"{EX}ann is younger than 18"),
        (ex("NobodyShape"), ex("nobody"), SH.Violation, None, ex("nobody"), f"{EX}nobody is not described"),
    }  # fmt: skip
    assert_same_as_pyshacl(compiled, reference)


def test_a_parameter_is_bound_as_an_rdf_term_never_as_query_text(small):
    _, shapes = small
    check = next(c for c in compile_shapes(shapes).checks if str(c.shape) == EX + "AdultShape")
    query = check.query()
    assert '"18"^^<http://www.w3.org/2001/XMLSchema#integer>' in query
    assert '"adult \\" } UNION { ?this ?p ?o } #"' in query  # N-Triples escaping, one literal
    assert "$minAge" in query and "$label" in query  # the variables stay; VALUES binds them


def test_what_is_not_compiled_is_named_with_the_reason(small):
    _, shapes = small
    assert compile_shapes(shapes).unchecked == ()
    compiled = compile_shapes(_graph(SHAPES + UNSUPPORTED))
    unchecked = {(u.shape, u.reason) for u in compiled.unchecked}
    core = next(shape for shape, reason in unchecked if reason == "SHACL Core constraints (sh:minCount)")
    assert (ex("CoreShape"), SH.property, core) in compiled.shapes
    limited = next(reason for shape, reason in unchecked if shape == ex("LimitedShape"))
    assert limited.endswith(": the query uses LIMIT")
    assert (ex("AskShape"), f"the constraint component {EX}AskComponent: it has no sh:nodeValidator "
            "with sh:select (an ASK validator?)") in unchecked  # fmt: skip
    assert len(unchecked) == 3
    assert len(compiled.checks) == 4  # the supported shapes are still compiled


def test_a_constraint_that_is_not_sparql_is_an_error_naming_it():
    shapes = _graph(PREFIXES + """
        ex:BrokenShape a sh:NodeShape ; sh:targetNode ex:ann ;
            sh:sparql ex:broken .
        ex:broken sh:select "SELECT $this WHERE { $this ex:age }" .
    """)  # fmt: skip
    with pytest.raises(InputError, match=f"the SPARQL query of {EX}broken is not valid SPARQL 1.1"):
        compile_shapes(shapes)


def test_a_named_graph_is_read_with_from(small):
    _, shapes = small
    check = compile_shapes(shapes).checks[0]
    assert "FROM <https://example.org/g>\nWHERE {" in check.query("https://example.org/g")
    assert "FROM" not in check.query()


def test_the_compiled_checks_read_only_the_named_graph_they_are_given(small):
    data, shapes = small
    store = ox.Store()
    graph = ox.NamedNode("https://example.org/g")
    store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in _store(data))
    compiled = compile_shapes(shapes)
    on_default = run_checks(compiled, store_select(store))
    on_named = run_checks(compiled, store_select(store), "https://example.org/g")
    assert [(str(r.shape), str(r.focus)) for r in on_default.results] == [
        (EX + "NobodyShape", EX + "nobody")  # an empty default graph: only the targetNode
    ]
    assert _rows(on_named) == _rows(run_checks(compiled, store_select(_store(data))))


# --- the shipped build and a synthetic 10k graph ---------------------------------------------


def _obligation_shapes(project: Project, as_of: date, **ages: int) -> Graph:
    files = [p for p in project.shape_files() if p not in project.integrity_shape_files()]
    return apply_settings(load_turtle(files), ValidationSettings(as_of=as_of, **ages))


def test_every_obligation_shape_compiles():
    compiled = compile_shapes(_obligation_shapes(Project.default(), date(2025, 11, 6)))
    assert compiled.unchecked == ()
    shapes = {str(c.shape).removeprefix(IMTSH) for c in compiled.checks}
    assert shapes == {
        "ConsideringDLiaisonShape",
        "EncouragesEfficiencyRecordShape",
        "InstructsCommunicationShape",
        "Resolves1RoadmapShape",
        "Resolves1ActivityOnRoadmapShape",
        "Resolves1RoadmapAgeShape",
        "Resolves2SectorRoadmapShape",
        "Resolves2DependencyLiaisonShape",
        "Resolves2DependencyTimingShape",
        "Resolves2DependencyCounterpartShape",
        "Resolves2EntryCounterpartShape",
        "Resolves2LiaisonReplyShape",
    }


@pytest.mark.parametrize(
    ("as_of", "ages", "expected"),
    [
        (date(2025, 11, 6), {}, 17),
        # Five years on, with a 30-day limit, the ITU-T roadmap is out of date too.
        (date(2031, 1, 1), {"max_roadmap_age_days": 30, "reply_within_days": 7}, 18),
    ],
)
def test_on_the_shipped_build_the_compiled_checks_give_the_results_of_pyshacl(
    dist_graph_file: Path, as_of: date, ages: dict[str, int], expected: int
):
    shapes = _obligation_shapes(Project.default(), as_of, **ages)
    store = ox.Store()
    load_file(store, dist_graph_file)
    compiled = run_checks(compile_shapes(shapes), store_select(store))
    reference = validate(Graph().parse(dist_graph_file, format="nt"), shapes)
    assert len(compiled.results) == expected
    assert (as_of.year == 2031) == any(
        str(r.shape) == IMTSH + "Resolves1RoadmapAgeShape" for r in compiled.results
    )
    assert_same_as_pyshacl(compiled, reference)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The closed graph (graph.nt) of a synthetic 10k project (seed 1) and its manifest."""
    folder = tmp_path_factory.mktemp("synthetic-10k")
    manifest = json.loads(write_project(folder / "project", 10_000, seed=1).read_text())
    write_dist(build_graph(Project.at(folder / "project")), folder / "dist")
    return folder / "dist" / "graph.nt", manifest


def test_on_a_synthetic_10k_graph_the_compiled_checks_find_the_planted_findings_as_pyshacl(
    synthetic: tuple[Path, dict],
):
    graph_file, manifest = synthetic
    shapes = _obligation_shapes(Project.default(), date.fromisoformat(manifest["as_of"]))
    store = ox.Store()
    load_file(store, graph_file)
    compiled = run_checks(compile_shapes(shapes), store_select(store))
    found = {(str(r.shape), str(r.focus), str(r.value)) for r in compiled.results}
    planted = {(p["shape"], p["focus"], p["value"]) for p in manifest["planted"]}
    assert planted <= found
    reference = validate(Graph().parse(graph_file, format="nt"), shapes)
    assert_same_as_pyshacl(compiled, reference)
    # Each result of a constraint component names its own focus node in its message.
    for result in compiled.results:
        if str(result.shape).endswith(("RoadmapAgeShape", "LiaisonReplyShape")):
            assert str(result.focus) in result.message


# --- imtkg validate --endpoint on a real Oxigraph server --------------------------------------


def _validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory, dist_graph_file: Path) -> Iterator[str]:
    """An empty ``oxigraph serve`` into whose named graph PUSHED `imtkg push` loaded the build."""
    binary = oxigraph_binary()
    require(binary is not None, "the oxigraph server binary is missing (pip install oxigraph)")
    assert binary is not None
    folder = tmp_path_factory.mktemp("oxigraph-validate")
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_answering(process, url, log_path)
        pushing = CliRunner().invoke(
            cli, ["push", "--endpoint", url, "--graph", PUSHED, str(dist_graph_file)]
        )
        assert pushing.exit_code == 0, pushing.output
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def local_report() -> dict:
    code, out, _ = _validate("--as-of", "2025-11-06", "--format", "json")
    assert code == 1
    return json.loads(out)


def _findings(report: dict) -> list[dict]:
    return [finding for group in report["groups"] for finding in group["findings"]]


def _without_integrity(report: dict) -> dict:
    report = dict(report)
    report["groups"] = [g for g in report["groups"] if g["id"] != "integrity"]
    return report


def test_validate_endpoint_on_the_pushed_graph_reports_what_the_local_run_reports(
    pushed: str, local_report: dict
):
    code, out, err = _validate(
        "--as-of", "2025-11-06", "--format", "json", "--endpoint", pushed, "--graph", PUSHED
    )
    assert code == 1
    remote = json.loads(out)
    assert _findings(remote) == _findings(local_report)
    assert len(_findings(remote)) == 17
    assert remote == _without_integrity(local_report)
    assert f"obligation shapes checked on {pushed}, <{PUSHED}> (13 SPARQL queries)" in err
    assert "not checked on the endpoint: the integrity shapes (integrity-compliance.ttl" in err


def test_validate_endpoint_on_the_default_graph_and_in_every_format(
    oxigraph_server: OxigraphServer, local_report: dict
):
    args = ["--as-of", "2025-11-06", "--endpoint", oxigraph_server.url]
    code, out, _ = _validate(*args, "--format", "json")
    assert (code, json.loads(out)) == (1, _without_integrity(local_report))
    for fmt in ("text", "markdown", "junit", "sarif", "turtle"):
        code, out, _ = _validate(*args, "--format", fmt)
        assert code == 1 and "director-tsb" in out, fmt


def test_validate_endpoint_with_a_baseline_passes_as_the_local_run_does(
    oxigraph_server: OxigraphServer, tmp_path: Path
):
    baseline = tmp_path / "baseline.json"
    args = ["--as-of", "2025-11-06", "--endpoint", oxigraph_server.url]
    code, _, err = _validate(*args, "--write-baseline", str(baseline))
    assert code == 1 and "baseline of 17 findings" in err
    code, out, _ = _validate(*args, "--baseline", str(baseline), "--format", "json")
    assert code == 0
    assert {f["status"] for f in _findings(json.loads(out))} == {"known"}


def test_check_endpoint_sends_one_query_per_check_and_one_for_the_labels(
    oxigraph_server: OxigraphServer,
):
    run = check_endpoint(
        Project.default(), oxigraph_server.url, ValidationSettings(as_of=date(2025, 11, 6))
    )
    assert run.queries == 12 + 1
    assert run.unchecked == ()
    assert [p.name for p in run.skipped] == [
        p.name for p in Project.default().integrity_shape_files()
    ]


def test_an_unreachable_endpoint_is_exit_2_with_a_clear_message():
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = _validate("--endpoint", url)
    assert (code, out) == (2, "")
    assert err.startswith(f"imtkg: error: endpoint {url}: cannot be reached (")
    with pytest.raises(EndpointError, match="cannot be reached"):
        check_endpoint(Project.default(), url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--endpoint", "ftp://127.0.0.1/query"], "not an http or https URL"),
        (["--endpoint", "http://127.0.0.1:1/query", "--graph", "not an IRI"], "is not an absolute IRI"),
        (["--graph", PUSHED], "give --endpoint"),
        (["--endpoint", "http://127.0.0.1:1/query", "--catalogue", "."], "cannot go with --endpoint"),
    ],
)
def test_bad_endpoint_options_are_exit_2(args: list[str], message: str):
    code, _, err = _validate(*args)
    assert code == 2
    assert message in err
