"""Specification: the query catalogue is standard SPARQL 1.1 that other engines answer alike.

Every query of queries/, without parameters and with each parameter case of tests/test_queries.py
(CASES), is run as the text that Query.bound() gives (the text the CLI sends to an endpoint, the
file unchanged but for the VALUES block of the parameters) on its fixture graph by three more
engines:

- Apache Jena ARQ (Debian's jena 4.5), parsing the query as strict SPARQL 1.1 so that none of ARQ's
  extensions are accepted; all runs go through one JVM (tests/ArqBatch.java, tests/engines.py);
- a Virtuoso 7.2 server, and
- an Oxigraph server, both started once for this module on 127.0.0.1 with each fixture in a named
  graph, and queried through imtkg.endpoint.run_remote with that graph as the protocol's
  ``default-graph-uri`` (so Virtuoso's system graphs are not in the default graph).

Each engine must give exactly the rows of tests/queries/<name>[__<case>].expected.csv, compared as
SPARQL CSV text (IRIs and lexical forms, row order included), and exactly the RDF terms that rdflib
gives (kind of term, lexical form, datatype, language tag), so that a count typed xsd:int instead
of xsd:integer, or a date returned as a plain string, would fail too. The only normalisation is
RDF 1.1's, done by imtkg.endpoint.term_from_json: "x"^^xsd:string is the simple literal "x"
(Virtuoso's older JSON ``typed-literal`` is read as a literal).

The same holds on the build of the shipped project, where fixtures are too small to show every
engine bug: every query without parameters, and with each parameter named like one of its result
columns (set to a value of that column), gives the same rows on Jena and Virtuoso as on rdflib
(Oxigraph is compared on the build in tests/test_endpoint.py). That Virtuoso server holds the build
only, as a deployment would: its query plans depend on what the database holds, and one of its
bugs (a UNION followed by OPTIONALs, docs/queries.md) shows only with some plans.

When Jena, a JDK, Virtuoso or the oxigraph binary is missing these tests skip, and fail under
CI=true (.ci/run installs them). docs/queries.md gives the rules the queries follow to be portable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import free_port, oxigraph_binary, require
from engines import (
    ArqJob,
    Server,
    jena_missing,
    json_table,
    oxigraph_server,
    run_arq,
    virtuoso_missing,
    virtuoso_server,
)
from rdflib import Graph
from test_queries import (
    CASES,
    CATALOGUE,
    FIXTURE,
    FIXTURES,
    expected_file,
    fixture_path,
)

from imtkg.build import table_csv
from imtkg.endpoint import run_remote
from imtkg.graph import parse_rdf
from imtkg.queries import Query, Table, run_query

# Each RDF file the queries run on, by the name of the graph that holds it on a server.
FIXTURE_GRAPHS = {f"urn:imtkg:test:{path.stem}": path for path in sorted({FIXTURE, *FIXTURES.values()})}
BUILD_GRAPH = "urn:imtkg:test:build"
ENGINES = ("jena", "virtuoso", "oxigraph")

# An engine: runs a query with parameter values on an RDF file and gives its table.
Runner = Callable[[Query, dict[str, str] | None, Path], Table]


def fixture_runs() -> list[tuple[str, str | None, dict[str, str] | None]]:
    """Every query without parameters and with each of its CASES: (name, case, values)."""
    return [
        (name, case, CASES[name][case] if case else None)
        for name in sorted(CATALOGUE)
        for case in [None, *CASES.get(name, {})]
    ]


def build_runs() -> list[tuple[str, str | None]]:
    """Every query without parameters, and with each parameter named like a result column."""
    runs: list[tuple[str, str | None]] = [(name, None) for name in sorted(CATALOGUE)]
    for name, query in sorted(CATALOGUE.items()):
        runs += [(name, p.name) for p in query.parameters if p.name in query.columns]
    return runs


# --- The engines -------------------------------------------------------------------------------------


def jena_runner(jobs: list[ArqJob], folder: Path) -> Runner:
    """Run every job on Jena ARQ in one JVM; the runner then looks the results up."""
    reason = jena_missing()
    require(reason is None, str(reason))
    results = dict(zip(jobs, run_arq(jobs, folder), strict=True))

    def run(query: Query, values: dict[str, str] | None, data: Path) -> Table:
        result = results[ArqJob(data, query.bound(values))]
        if isinstance(result, str):
            pytest.fail(f"Jena ARQ: {result}")
        return json_table(result)

    return run


def remote_runner(server: Server, graphs: dict[str, Path]) -> Runner:
    """Run on ``server`` through run_remote, with the graph holding the RDF file as default graph."""
    names = {path: graph for graph, path in graphs.items()}

    def run(query: Query, values: dict[str, str] | None, data: Path) -> Table:
        return run_remote(server.endpoint(names[data]), query, values, timeout=60)

    return run


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    jobs = [
        ArqJob(fixture_path(name), CATALOGUE[name].bound(values)) for name, _, values in fixture_runs()
    ]
    return jena_runner(jobs, tmp_path_factory.mktemp("jena"))


def start_virtuoso(folder: Path, graphs: dict[str, Path]) -> Server:
    reason = virtuoso_missing()
    require(reason is None, str(reason))
    try:
        return virtuoso_server(folder, free_port(), free_port(), graphs)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """A Virtuoso server holding the fixtures, each in a named graph."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), FIXTURE_GRAPHS)
    try:
        yield remote_runner(server, FIXTURE_GRAPHS)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """An Oxigraph server holding the fixtures, each in a named graph."""
    binary = oxigraph_binary()
    require(binary is not None, "the oxigraph server binary is missing (pip install oxigraph)")
    assert binary is not None
    folder = tmp_path_factory.mktemp("oxigraph")
    try:
        server = oxigraph_server(binary, folder, free_port(), FIXTURE_GRAPHS)
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield remote_runner(server, FIXTURE_GRAPHS)
    finally:
        server.stop()


class Rdflib:
    """The reference: rdflib's rows for a query on an RDF file, each run once and kept."""

    def __init__(self) -> None:
        self.graphs: dict[Path, Graph] = {}
        self.rows: dict[tuple[Path, str], list] = {}

    def __call__(self, query: Query, values: dict[str, str] | None, data: Path) -> list:
        key = (data, query.bound(values))
        if key not in self.rows:
            if data not in self.graphs:
                self.graphs[data] = parse_rdf(data)
            self.rows[key] = run_query(self.graphs[data], query, values).rows
        return self.rows[key]


@pytest.fixture(scope="module")
def rdflib_rows() -> Rdflib:
    return Rdflib()


@pytest.fixture(scope="module")
def build_values(
    rdflib_rows: Rdflib, dist_graph_file: Path
) -> dict[tuple[str, str | None], dict[str, str] | None]:
    """The parameter values of build_runs(): the middle value of the parameter's column on rdflib
    (None for a run without parameters, or when the column is empty on the shipped data)."""
    values: dict[tuple[str, str | None], dict[str, str] | None] = {}
    for name, parameter in build_runs():
        found = []
        if parameter is not None:
            column = CATALOGUE[name].columns.index(parameter)
            rows = rdflib_rows(CATALOGUE[name], None, dist_graph_file)
            found = [row[column] for row in rows if row[column] is not None]
        values[name, parameter] = {parameter: str(found[len(found) // 2])} if found else None
    return values


@pytest.fixture(scope="module")
def jena_on_build(
    tmp_path_factory: pytest.TempPathFactory, dist_graph_file: Path, build_values: dict
) -> Runner:
    jobs = [
        ArqJob(dist_graph_file, CATALOGUE[name].bound(values))
        for (name, parameter), values in build_values.items()
        if parameter is None or values is not None
    ]
    return jena_runner(jobs, tmp_path_factory.mktemp("jena-build"))


@pytest.fixture(scope="module")
def virtuoso_on_build(
    tmp_path_factory: pytest.TempPathFactory, dist_graph_file: Path
) -> Iterator[Runner]:
    """Another Virtuoso server, holding the build only, as a deployment would: Virtuoso's plans
    depend on what the database holds, and some of its bugs show only with some plans."""
    graphs = {BUILD_GRAPH: dist_graph_file}
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-build"), graphs)
    try:
        yield remote_runner(server, graphs)
    finally:
        server.stop()


def checked(query: Query, table: Table, engine: str) -> Table:
    assert table.columns == query.columns, f"{engine} selects {table.columns}, not the header's columns"
    return table


# --- The catalogue on its fixtures -------------------------------------------------------------------


def test_every_query_and_case_is_run():
    runs = fixture_runs()
    assert {name for name, _, _ in runs} == set(CATALOGUE) != set()
    assert len(runs) == len(CATALOGUE) + sum(len(cases) for cases in CASES.values())
    assert set(FIXTURE_GRAPHS.values()) == {fixture_path(name) for name in CATALOGUE}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("name", "case", "values"),
    [pytest.param(*run, id=f"{run[0]}[{run[1] or 'all'}]") for run in fixture_runs()],
)
def test_engine_gives_exactly_the_expected_rows(
    request: pytest.FixtureRequest,
    rdflib_rows: Rdflib,
    engine: str,
    name: str,
    case: str | None,
    values: dict[str, str] | None,
) -> None:
    run: Runner = request.getfixturevalue(engine)
    query, data = CATALOGUE[name], fixture_path(name)
    table = checked(query, run(query, values, data), engine)
    assert table_csv(table) == expected_file(name, case).read_text(encoding="utf-8")
    assert table.rows == rdflib_rows(query, values, data)


# --- The catalogue on the build of the shipped project ----------------------------------------------


@pytest.mark.parametrize("engine", ["jena", "virtuoso"])
@pytest.mark.parametrize(
    ("name", "parameter"),
    [pytest.param(*run, id=f"{run[0]}[{run[1] or 'all'}]") for run in build_runs()],
)
def test_engine_gives_the_rdflib_rows_on_the_build(
    request: pytest.FixtureRequest,
    rdflib_rows: Rdflib,
    dist_graph_file: Path,
    build_values: dict,
    engine: str,
    name: str,
    parameter: str | None,
) -> None:
    values = build_values[name, parameter]
    if parameter is not None and values is None:
        pytest.skip(f"{name}: no value of {parameter} in the shipped data")
    run: Runner = request.getfixturevalue(f"{engine}_on_build")
    query = CATALOGUE[name]
    local = rdflib_rows(query, values, dist_graph_file)
    if values:
        assert local, f"{name} {values}: no rows on rdflib, so nothing is compared"
    assert checked(query, run(query, values, dist_graph_file), engine).rows == local
