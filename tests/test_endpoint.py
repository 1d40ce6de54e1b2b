"""Specification of remote queries (imtkg.endpoint.run_remote) against a real Oxigraph server.

On the build of the shipped project loaded into ``oxigraph serve``, every query of the catalogue
gives exactly the rows (order included) that rdflib gives on the same triples, without and with
parameters. Parameter values stay data on the server too. Every way an endpoint can fail is an
EndpointError naming it: nothing listening, an HTTP error status (400 for a malformed query, with
the server's message), a time-out, an answer that is not SPARQL JSON. The request is an
urlencoded POST of ``query=`` asking for SPARQL JSON; credentials come from the environment only.
Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import base64
import doctest
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import OxigraphServer, free_port
from rdflib import BNode, Literal, URIRef

import imtkg.endpoint
from imtkg.endpoint import PASSWORD_VARIABLE, USER_VARIABLE, EndpointError, run_remote, term_from_json
from imtkg.errors import InputError, SourceError
from imtkg.project import Project
from imtkg.queries import Query, load_catalogue, parse_query_file, run_query

CATALOGUE = load_catalogue(Project.default().queries_dir)
ID = "https://w3id.org/imtkg/id/"
R38 = ID + "resolution/wtsa/38"
R38_2012 = R38 + "/2012"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Parameter cases on the shipped data: query name -> parameter values. Every query with a
# "resolution" parameter gets Resolution 38 (Rev. Dubai, 2012); revision-history takes the work.
RESOLUTION_VALUE = {"resolutions/revision-history": R38}
PARAMETER_CASES = [
    (name, {"resolution": RESOLUTION_VALUE.get(name, R38_2012)})
    for name, query in CATALOGUE.items()
    if any(p.name == "resolution" for p in query.parameters)
] + [("resolutions/cited-documents", {"resolution": R38_2012, "sector": ID + "org/itu-t"})]

INJECTIONS = [
    '" } UNION { ?thing ?p ?o } #',
    'x" . ?thing ?p ?o . FILTER ("1',
    "line one\nline two",
    "{ ?thing ?p ?o }",
    "UNION",
    "'\"'''\"\"\"\\",
]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests go to 127.0.0.1 directly, whatever proxy the environment names."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    for name in (USER_VARIABLE, PASSWORD_VARIABLE):
        monkeypatch.delenv(name, raising=False)


def write_query(folder: Path, name: str, text: str) -> Query:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return parse_query_file(path, name)


LABEL_QUERY = """\
#+ title: Things with an identifier
#+ description: A test query with a string parameter.
#+ param identifier: string - an identifier
#+ columns: thing

PREFIX dct: <http://purl.org/dc/terms/>

SELECT ?thing WHERE { ?thing dct:identifier ?_identifier } ORDER BY ?thing
"""


# --- A tiny local HTTP server that misbehaves on demand ---------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeEndpoint:
    """An HTTP server on 127.0.0.1: ``mode`` says how it answers; it records what it received."""

    url: str
    mode: str = "json"
    delay: float = 0.0
    requests: list[Recorded] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def fake_endpoint() -> Iterator[FakeEndpoint]:
    state = FakeEndpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(Recorded("POST", self.path, dict(self.headers), body))
            if state.delay and state.stop.wait(state.delay):
                return
            if state.mode == "html":
                self.answer(200, "text/html", b"<!DOCTYPE html>\n<html><body>Welcome</body></html>")
            elif state.mode == "bad-json":
                self.answer(200, "application/sparql-results+json", b'{"head": {"vars": [')
            elif state.mode == "ask":
                self.answer(200, "application/sparql-results+json", b'{"head": {}, "boolean": true}')
            elif state.mode == "error-503":
                self.answer(503, "text/plain", b"Service Unavailable: maintenance until 10:00\nmore")
            else:
                document = {"head": {"vars": ["thing"]}, "results": {"bindings": []}}
                self.answer(200, "application/sparql-results+json", json.dumps(document).encode())

        do_GET = do_POST  # noqa: N815

        def answer(self, status: int, content_type: str, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (time-out test)
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- The same rows as the local run ------------------------------------------------------------------


def test_the_catalogue_is_not_empty() -> None:
    assert CATALOGUE, "no query found under queries/"
    assert PARAMETER_CASES, "no query of the catalogue has a resolution parameter"
    assert COLUMN_PARAMETERS, "no query of the catalogue has a parameter named like a column"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_remote_rows_equal_local_rows(oxigraph_server: OxigraphServer, name: str) -> None:
    query = CATALOGUE[name]
    local = run_query(oxigraph_server.graph, query)
    remote = run_remote(oxigraph_server.url, query)
    assert remote.columns == local.columns == query.columns
    assert remote.rows == local.rows


@pytest.mark.parametrize(
    ("name", "values"), PARAMETER_CASES, ids=[f"{n}-{'-'.join(v)}" for n, v in PARAMETER_CASES]
)
def test_remote_rows_equal_local_rows_with_parameters(
    oxigraph_server: OxigraphServer, name: str, values: dict[str, str]
) -> None:
    query = CATALOGUE[name]
    local = run_query(oxigraph_server.graph, query, values)
    remote = run_remote(oxigraph_server.url, query, values)
    assert local.rows, f"{name} {values}: no rows on the shipped data, so nothing is compared"
    assert remote.rows == local.rows


# Every parameter named like a result column of its query, with a value from that column.
COLUMN_PARAMETERS = [
    (name, parameter.name)
    for name, query in CATALOGUE.items()
    for parameter in query.parameters
    if parameter.name in query.columns
]


@pytest.mark.parametrize(("name", "parameter"), COLUMN_PARAMETERS)
def test_remote_rows_equal_local_rows_for_each_parameter(
    oxigraph_server: OxigraphServer, name: str, parameter: str
) -> None:
    query = CATALOGUE[name]
    column = query.columns.index(parameter)
    everything = run_query(oxigraph_server.graph, query)
    found = [row[column] for row in everything.rows if row[column] is not None]
    if not found:
        pytest.skip(f"{name}: no value of {parameter} in the shipped data")
    values = {parameter: str(found[len(found) // 2])}
    local = run_query(oxigraph_server.graph, query, values)
    assert local.rows, f"{name} {values}: no rows"
    assert run_remote(oxigraph_server.url, query, values).rows == local.rows


def test_cells_are_the_terms_rdflib_gives(oxigraph_server: OxigraphServer) -> None:
    query = CATALOGUE["resolutions/obligations"]
    rows = run_remote(oxigraph_server.url, query, {"resolution": R38_2012}).rows
    cells = {type(cell) for row in rows for cell in row}
    assert cells <= {URIRef, Literal, type(None)}
    roles = {row[query.columns.index("role")] for row in rows}
    # BIND ("bearer" AS ?role): a simple literal on both engines, equal to rdflib's Literal("bearer").
    assert roles == {Literal("bearer"), Literal("other party")}
    assert all(role.datatype is None and role.language is None for role in roles)


# --- Parameters are data ------------------------------------------------------------------------------


def test_a_string_parameter_matches_its_value(oxigraph_server: OxigraphServer, tmp_path: Path) -> None:
    query = write_query(tmp_path, "identifier", LABEL_QUERY)
    value = "Annex 6.1 to Document 5D/1078"
    local = run_query(oxigraph_server.graph, query, {"identifier": value})
    remote = run_remote(oxigraph_server.url, query, {"identifier": value})
    assert remote.rows == local.rows == [(URIRef(ID + "ls/itu-r/5d-1078-annex-6-1"),)]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_text_in_a_string_parameter_is_data(
    oxigraph_server: OxigraphServer, tmp_path: Path, value: str
) -> None:
    query = write_query(tmp_path, "identifier", LABEL_QUERY)
    assert run_remote(oxigraph_server.url, query, {"identifier": value}).rows == []
    assert run_query(oxigraph_server.graph, query, {"identifier": value}).rows == []


def test_string_parameters_of_the_catalogue_are_data(oxigraph_server: OxigraphServer) -> None:
    for name, query in CATALOGUE.items():
        for parameter in query.parameters:
            if parameter.kind == "string":
                table = run_remote(oxigraph_server.url, query, {parameter.name: INJECTIONS[0]})
                assert table.rows == [], f"{name}: ?_{parameter.name} = {INJECTIONS[0]!r}"


@pytest.mark.parametrize(
    "value", [R38_2012 + "> } UNION { ?s ?p ?o", "https://x.example/a>b", "not an iri"]
)
def test_a_bad_iri_is_refused_before_anything_is_sent(fake_endpoint: FakeEndpoint, value: str) -> None:
    with pytest.raises(InputError, match="not an absolute IRI"):
        run_remote(fake_endpoint.url, CATALOGUE["resolutions/obligations"], {"resolution": value})
    assert fake_endpoint.requests == []


def test_an_unknown_parameter_is_refused_before_anything_is_sent(fake_endpoint: FakeEndpoint) -> None:
    with pytest.raises(InputError, match="unknown parameter 'nope'"):
        run_remote(fake_endpoint.url, CATALOGUE["resolutions/obligations"], {"nope": "x"})
    assert fake_endpoint.requests == []


# --- The request ------------------------------------------------------------------------------------


def test_the_request_is_an_urlencoded_post_asking_for_sparql_json(
    fake_endpoint: FakeEndpoint, tmp_path: Path
) -> None:
    query = write_query(tmp_path, "identifier", LABEL_QUERY)
    table = run_remote(fake_endpoint.url, query, {"identifier": "A & B"})
    assert table.columns == ("thing",) and table.rows == []
    [request] = fake_endpoint.requests
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in request.headers["Accept"]
    assert parse_qs(request.body.decode("ascii"))["query"] == [query.bound({"identifier": "A & B"})]
    assert "Authorization" not in request.headers


def test_words_in_the_header_do_not_change_the_request(
    fake_endpoint: FakeEndpoint, tmp_path: Path
) -> None:
    """Regression: SPARQLWrapper reads the query form from comments ("asked" made it an ASK query)."""
    text = LABEL_QUERY.replace(
        "A test query with a string parameter.",
        "What to insert or delete, asked of a resolution; construct, describe, load, drop.",
    )
    query = write_query(tmp_path, "words", text)
    run_remote(fake_endpoint.url, query)
    [request] = fake_endpoint.requests
    assert "application/sparql-results+json" in request.headers["Accept"]
    assert list(parse_qs(request.body.decode("ascii"))) == ["query", "format", "output", "results"]


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_a_time_out_must_be_positive(
    fake_endpoint: FakeEndpoint, tmp_path: Path, timeout: float
) -> None:
    with pytest.raises(InputError, match="time-out must be a positive number"):
        run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY), timeout=timeout)
    assert fake_endpoint.requests == []


def test_credentials_come_from_the_environment(
    fake_endpoint: FakeEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(USER_VARIABLE, "reader")
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret:x")
    run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY))
    [request] = fake_endpoint.requests
    expected = base64.b64encode(b"reader:s3cret:x").decode("ascii")
    assert request.headers["Authorization"] == f"Basic {expected}"


def test_half_the_credentials_is_refused(
    fake_endpoint: FakeEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(USER_VARIABLE, "reader")
    with pytest.raises(InputError, match=f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}"):
        run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY))
    assert fake_endpoint.requests == []


def test_credentials_in_the_url_are_refused_and_not_repeated(tmp_path: Path) -> None:
    query = write_query(tmp_path, "identifier", LABEL_QUERY)
    with pytest.raises(EndpointError, match=f"give them in {USER_VARIABLE}") as caught:
        run_remote("http://reader:s3cret@127.0.0.1:9/sparql", query)
    assert "s3cret" not in str(caught.value) and "reader" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["127.0.0.1:7878/query", "file:///etc/passwd", "ftp://127.0.0.1/q", "http://"]
)
def test_an_endpoint_that_is_not_an_http_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(EndpointError, match="not an http or https URL"):
        run_remote(url, write_query(tmp_path, "identifier", LABEL_QUERY))


# --- Failures of the endpoint -----------------------------------------------------------------------


def test_nothing_listening_is_an_endpoint_error_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match="cannot be reached") as caught:
        run_remote(url, write_query(tmp_path, "identifier", LABEL_QUERY), timeout=5)
    assert caught.value.endpoint == url and url in str(caught.value)
    assert caught.value.status is None


def test_a_malformed_query_is_http_400_with_the_servers_message(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    broken = LABEL_QUERY.replace("ORDER BY ?thing", "ORDER BY ?thing }}")
    with pytest.raises(EndpointError) as caught:
        run_remote(oxigraph_server.url, write_query(tmp_path, "broken", broken))
    error = caught.value
    assert error.status == 400
    assert f"endpoint {oxigraph_server.url}: answered HTTP 400 Bad Request: error at" in str(error)
    assert "\n" not in str(error)


def test_columns_other_than_the_header_are_a_source_error(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    query = write_query(
        tmp_path, "columns", LABEL_QUERY.replace("#+ columns: thing", "#+ columns: other")
    )
    with pytest.raises(
        SourceError, match=r"declares columns \['other'\] but the query selects \['thing'\]"
    ):
        run_remote(oxigraph_server.url, query)


def test_another_http_error_status_is_reported_with_its_first_line(
    fake_endpoint: FakeEndpoint, tmp_path: Path
) -> None:
    fake_endpoint.mode = "error-503"
    with pytest.raises(EndpointError) as caught:
        run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY))
    assert caught.value.status == 503
    assert str(caught.value) == (
        f"endpoint {fake_endpoint.url}: answered HTTP 503 Service Unavailable: "
        "Service Unavailable: maintenance until 10:00"
    )


def test_a_slow_endpoint_times_out(fake_endpoint: FakeEndpoint, tmp_path: Path) -> None:
    fake_endpoint.delay = 5
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"timed out after 0\.5 s") as caught:
        run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY), timeout=0.5)
    assert time.monotonic() - started < 3
    assert caught.value.endpoint == fake_endpoint.url


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("html", "Content-Type is text/html, not application/sparql-results+json"),
        ("bad-json", "invalid JSON"),
        ("ask", "a boolean (ASK) answer"),
    ],
)
def test_an_answer_that_is_not_sparql_json_results(
    fake_endpoint: FakeEndpoint, tmp_path: Path, mode: str, message: str
) -> None:
    fake_endpoint.mode = mode
    with pytest.raises(EndpointError, match="the answer is not SPARQL JSON results") as caught:
        run_remote(fake_endpoint.url, write_query(tmp_path, "identifier", LABEL_QUERY))
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"endpoint {fake_endpoint.url}: ")


# --- Terms ------------------------------------------------------------------------------------------


def test_terms_follow_rdflib_conventions() -> None:
    xsd = XSD
    assert term_from_json({"type": "literal", "value": "x"}) == Literal("x")
    assert term_from_json({"type": "literal", "value": "x", "datatype": xsd + "string"}) == Literal("x")
    assert term_from_json({"type": "literal", "value": "x", "xml:lang": "en-gb"}) == Literal(
        "x", lang="en-GB"
    )
    assert term_from_json(
        {"type": "literal", "value": "2012-01-20", "datatype": xsd + "date"}
    ) == Literal("2012-01-20", datatype=URIRef(XSD + "date"))
    assert term_from_json({"type": "bnode", "value": "b0"}) == BNode("b0")
    for bad in (
        {"type": "triple", "value": {}},
        {"type": "uri"},
        {"type": "literal", "value": "x", "xml:lang": ""},
    ):
        with pytest.raises(ValueError):
            term_from_json(bad)


def test_the_examples_in_the_docstrings_run() -> None:
    failures, attempted = doctest.testmod(imtkg.endpoint)
    assert attempted > 0 and failures == 0
