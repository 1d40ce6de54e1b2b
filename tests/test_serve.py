"""Specification of `imtkg serve`: real HTTP requests to a server on 127.0.0.1 and a free port.

Given a site folder (the dataset dump of the shipped build, with resource documents in the five
formats, the ontology's documents and a service description):

- a resource IRI answers 303 See Other to the document content negotiation chooses (q-values
  honoured, Vary: Accept), the document answers 200 with its media type and a body that parses to
  the resource's triples; a suffix or ?format= overrides Accept; /ontology (hash IRIs) answers
  200 with Content-Location; unknown paths 404; HEAD works; nothing but reads is allowed;
- /sparql follows the SPARQL 1.1 Protocol (GET, urlencoded POST, direct POST) with SPARQL JSON,
  XML, CSV and TSV results and Turtle, JSON-LD, N-Triples and RDF/XML graphs, each parsed back and
  compared with rdflib's answer on the same triples; every view of the catalogue gives rdflib's
  rows through imtkg's own remote client; updates, LOAD and SERVICE are refused, a string that
  says SERVICE is not; a malformed query is a 400 with the parser's message; the time limit
  holds (the worker process is gone) and the result cap holds (and says so in a header);
- CORS headers on every answer, and preflight requests answered;
- the query page shows the roadmap query, runs a posted query and shows the rows as a table.
"""

from __future__ import annotations

import dataclasses
import doctest
import html
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import urllib3
from conftest import free_port
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, OWL, RDF, RDFS
from rdflib.query import Result

import imtkg.sparql_service
from imtkg.endpoint import run_remote
from imtkg.graph import parse_rdf
from imtkg.project import Project
from imtkg.publish import write_site
from imtkg.queries import Query, load_catalogue, run_query
from imtkg.serve import DATA_BASE, LIMIT_HEADER, TRUNCATED_HEADER, LinkedDataServer, catalogue_examples
from imtkg.sparql_service import QueryService

RESOURCES = ["id/org/itu-t", "id/org/itu-r/sg5/wp5d", "vocab/clause-kind", "vocab/clause-kind/resolves"]
TIMEOUT = 4.0
LIMIT = 1000
CATALOGUE = load_catalogue(Project.default().queries_dir)
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
HTTP = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=60))


# --- The site and the server --------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """A running server: its URL, its published site, the triples of its dataset, the server."""

    url: str
    site: Path
    graph: Graph
    server: LinkedDataServer

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def iri(self, path: str) -> URIRef:
        """The IRI of ``path`` in the served data (published with the server's URL as base)."""
        return URIRef(self.url + path)

    def rebased(self, text: str) -> str:
        """``text`` with the data's base replaced by the served one, as publish rebases IRIs."""
        return text.replace(DATA_BASE, self.url)

    def query(self, name: str) -> Query:
        """The catalogue's query ``name`` with its IRIs under the served base."""
        query = CATALOGUE[name]
        return dataclasses.replace(query, text=self.rebased(query.text))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, shipped_build) -> Iterator[Served]:
    """The shipped build published for ``http://127.0.0.1:PORT/`` and served there."""
    server = LinkedDataServer("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    try:
        project = Project.default()
        site = write_site(
            shipped_build, project, tmp_path_factory.mktemp("serve") / "site", base_iri=server.url
        )
        server.open(
            site.root,
            examples=catalogue_examples(project, server.url),
            query_timeout=TIMEOUT,
            result_limit=LIMIT,
            workers=2,
        )
        thread.start()
        yield Served(server.url, site.root, parse_rdf(site.root / "dataset.nt"), server)
    finally:
        HTTP.clear()  # close the keep-alive connections, so that the server's loop can end
        server.close()
        thread.join(timeout=2)  # a daemon thread: a connection left open only delays its end


def request(method: str, url: str, body: bytes | str | None = None, **headers: str):
    response = HTTP.request(method, url, body=body, headers=headers, redirect=False)
    response.url = url  # the full URL (urllib3 keeps the path only): the base of relative IRIs
    return response


def get(url: str, **headers: str):
    return request("GET", url, **headers)


def media_type(response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def post_form(url: str, fields: dict[str, str], **headers: str):
    return request(
        "POST",
        url,
        urlencode(fields),
        **{"Content-Type": "application/x-www-form-urlencoded", **headers},
    )


def parse_graph(response) -> Graph:
    """The RDF of ``response``; relative IRIs (JSON-LD's ``@context``) resolve against its URL."""
    return Graph().parse(
        data=response.data, format=RDF_PARSERS[media_type(response)], publicID=response.url
    )


def parse_results(response) -> Result:
    return Result.parse(io.BytesIO(response.data), format=RESULT_PARSERS[media_type(response)])


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib fetches JSON-LD contexts with urllib: straight from 127.0.0.1, whatever the proxy."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


# --- Dereferencing: 303 and content negotiation ------------------------------------------------------

CONNEG = [
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("application/rdf+xml;q=0.1, text/turtle", "ttl"),
    ("application/n-triples, text/html;q=0.2", "nt"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", "html"),
    ("*/*", "html"),
    ("application/json", "jsonld"),
    ("application/*;q=0.5, text/turtle;q=0.4", "jsonld"),
]
SUFFIX_TYPES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


@pytest.mark.parametrize("path", RESOURCES)
@pytest.mark.parametrize(("accept", "suffix"), CONNEG)
def test_a_resource_iri_answers_303_to_the_negotiated_document(
    served: Served, path: str, accept: str, suffix: str
) -> None:
    answer = get(served.url + path, Accept=accept)
    assert answer.status == 303
    assert answer.headers["Location"] == f"/{path}.{suffix}"
    assert answer.headers["Vary"] == "Accept"
    document = get(served.url + answer.headers["Location"].lstrip("/"))
    assert document.status == 200
    assert media_type(document) == SUFFIX_TYPES[suffix]
    assert document.data == (served.site / f"{path}.{suffix}").read_bytes()
    iri = served.iri(path)
    if suffix == "html":
        assert f"<code>{iri}</code>" in document.data.decode()
    else:
        described = parse_graph(document)
        outgoing = {t for t in served.graph.triples((iri, None, None)) if not isinstance(t[2], BNode)}
        assert outgoing and outgoing <= set(described)


def test_an_iri_of_the_data_dereferences_against_the_server(served: Served) -> None:
    parent = served.graph.value(served.iri("id/org/itu-t"), ORG.subOrganizationOf)
    assert parent == served.iri("id/org/itu")
    answer = get(str(parent), Accept="text/turtle")
    document = get(served.url + answer.headers["Location"].lstrip("/"))
    label = Literal("International Telecommunication Union", lang="en")
    assert (parent, RDFS.label, label) in parse_graph(document)


def test_no_accept_header_gets_the_html_page(served: Served) -> None:
    answer = request("GET", served.url + "id/org/itu-t", **{"Accept": ""})
    assert (answer.status, answer.headers["Location"]) == (303, "/id/org/itu-t.html")


def test_an_accept_header_nothing_matches_is_406_naming_the_types(served: Served) -> None:
    answer = get(served.url + "id/org/itu-t", Accept="text/plain, image/png")
    assert answer.status == 406
    assert answer.data.decode() == (
        "/id/org/itu-t is available as text/html, text/turtle, application/ld+json, "
        "application/n-triples, application/rdf+xml\n"
    )


@pytest.mark.parametrize("suffix", SUFFIX_TYPES)
def test_a_suffix_overrides_accept(served: Served, suffix: str) -> None:
    answer = get(f"{served.url}id/org/itu-t.{suffix}", Accept="text/html;q=1, text/turtle;q=0.1")
    assert answer.status == 200
    assert media_type(answer) == SUFFIX_TYPES[suffix]
    if suffix != "html":
        label = Literal("ITU Telecommunication Standardization Sector", lang="en")
        assert (served.iri("id/org/itu-t"), RDFS.label, label) in parse_graph(answer)


@pytest.mark.parametrize("suffix", SUFFIX_TYPES)
def test_the_format_parameter_overrides_accept(served: Served, suffix: str) -> None:
    answer = get(f"{served.url}id/org/itu-t?format={suffix}", Accept="text/html")
    assert answer.status == 303
    assert answer.headers["Location"] == f"/id/org/itu-t.{suffix}"
    assert "Vary" not in answer.headers


def test_an_unknown_format_parameter_is_400(served: Served) -> None:
    answer = get(served.url + "id/org/itu-t?format=pdf")
    assert answer.status == 400
    assert answer.data.decode() == "unknown format 'pdf'; use one of html, ttl, jsonld, nt, rdf\n"


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("text/html", "html"),
    ],
)
def test_the_ontology_of_hash_iris_is_answered_200_with_content_location(
    served: Served, accept: str, suffix: str
) -> None:
    # A client strips the fragment of imtkg:Sector (…/ontology#Sector) and asks for /ontology.
    answer = get(served.url + "ontology", Accept=accept)
    assert answer.status == 200
    assert answer.headers["Content-Location"] == f"/ontology.{suffix}"
    assert answer.headers["Vary"] == "Accept"
    assert media_type(answer) == SUFFIX_TYPES[suffix]
    assert answer.data == (served.site / f"ontology.{suffix}").read_bytes()
    if suffix == "html":
        assert 'id="Sector"' in answer.data.decode()
    else:
        ontology = parse_graph(answer)
        assert (served.iri("ontology"), RDF.type, OWL.Ontology) in ontology
        assert (served.iri("ontology#Sector"), RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize(("accept", "suffix"), [("text/turtle", "ttl"), ("text/html", "html")])
def test_the_shapes_of_hash_iris_are_answered_200_too(served: Served, accept: str, suffix: str) -> None:
    answer = get(served.url + "shapes", Accept=accept)
    assert (answer.status, answer.headers["Content-Location"]) == (200, f"/shapes.{suffix}")
    assert answer.data == (served.site / f"shapes.{suffix}").read_bytes()


@pytest.mark.parametrize(
    "path", ["id/org/nope", "id/org/nope.ttl", "nothing", "id/org/itu-t/", "id/org/itu-t.pdf"]
)
def test_unknown_paths_are_404(served: Served, path: str) -> None:
    assert get(served.url + path).status == 404


def test_paths_cannot_leave_the_site(served: Served) -> None:
    for path in ("/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/id/../../../etc/passwd"):
        answer = HTTP.urlopen("GET", served.url.rstrip("/") + path, redirect=False)
        assert answer.status == 404, path
        assert b"root:" not in answer.data


def test_the_site_root_is_its_index(served: Served) -> None:
    answer = get(served.url)
    assert (answer.status, media_type(answer)) == (200, "text/html")
    assert answer.data == (served.site / "index.html").read_bytes()


def test_head_answers_like_get_without_a_body(served: Served) -> None:
    redirect = request("HEAD", served.url + "id/org/itu-t", Accept="text/turtle")
    assert (redirect.status, redirect.headers["Location"], redirect.data) == (
        303,
        "/id/org/itu-t.ttl",
        b"",
    )
    full = get(served.url + "id/org/itu-t.ttl")
    head = request("HEAD", served.url + "id/org/itu-t.ttl")
    assert head.status == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(full.data)) == full.headers["Content-Length"]
    assert head.headers["ETag"] == full.headers["ETag"]


def test_documents_answer_conditional_requests(served: Served) -> None:
    first = get(served.url + "id/org/itu-t.ttl")
    again = get(served.url + "id/org/itu-t.ttl", **{"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.data == b""


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_documents_are_read_only(served: Served, method: str) -> None:
    answer = request(method, served.url + "id/org/itu-t.ttl", b"<a:b> <a:c> <a:d> .")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert get(served.url + "id/org/itu-t.ttl").data == (served.site / "id/org/itu-t.ttl").read_bytes()


# --- SPARQL 1.1 Protocol ----------------------------------------------------------------------------

LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX imtkg: <https://w3id.org/imtkg/ontology#>
SELECT ?sector ?label WHERE { ?sector a imtkg:Sector ; rdfs:label ?label } ORDER BY ?sector"""
CONSTRUCT = """PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?unit org:subOrganizationOf ?parent } WHERE { ?unit org:subOrganizationOf ?parent }"""
DESCRIBE = "DESCRIBE <https://w3id.org/imtkg/id/org/itu-t>"


def send_query(served: Served, how: str, query: str, **headers: str):
    """The query (its IRIs under the served base) by GET, urlencoded POST or direct POST."""
    query = served.rebased(query)
    if how == "get":
        return get(f"{served.sparql}?{urlencode({'query': query})}", **headers)
    if how == "post-form":
        return post_form(served.sparql, {"query": query}, **headers)
    return request(
        "POST", served.sparql, query, **{"Content-Type": "application/sparql-query", **headers}
    )


HOW = ["get", "post-form", "post-query"]


def expected_sectors(served: Served) -> list[tuple[URIRef, Literal]]:
    rows = [tuple(row) for row in served.graph.query(served.rebased(LABELS))]
    assert len(rows) == 3, "the build should have three Sectors"
    return rows


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("media", list(RESULT_PARSERS))
def test_select_results_in_every_format(served: Served, how: str, media: str) -> None:
    answer = send_query(served, how, LABELS, Accept=media)
    assert answer.status == 200, answer.data
    assert media_type(answer) == media
    assert answer.headers["Vary"] == "Accept"
    result = parse_results(answer)
    assert [str(v) for v in result.vars] == ["sector", "label"]
    rows = [tuple(row) for row in result]
    expected = expected_sectors(served)
    if media == "text/csv":  # CSV carries no language tags
        expected = [(s, Literal(str(label))) for s, label in expected]
    assert rows == expected


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_the_format_parameter_chooses_the_results_format(served: Served, name: str, media: str) -> None:
    query = served.rebased(LABELS)
    answer = get(f"{served.sparql}?{urlencode({'query': query, 'format': name})}", Accept="text/html")
    assert (answer.status, media_type(answer)) == (200, media)
    assert len(list(parse_results(answer))) == 3


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("media", list(RDF_PARSERS))
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_results_in_every_format(served: Served, how: str, media: str, query: str) -> None:
    answer = send_query(served, how, query, Accept=media)
    assert answer.status == 200, answer.data
    assert media_type(answer) == media
    got = parse_graph(answer)
    if query == CONSTRUCT:
        expected = served.graph.query(query).graph
        assert len(got) > 10
        assert isomorphic(got, expected)
    else:  # Oxigraph describes a resource by its outgoing triples
        assert set(got) == set(served.graph.triples((served.iri("id/org/itu-t"), None, None)))


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(served: Served, media: str) -> None:
    itu_t, sector, ontology = (served.iri(p) for p in ("id/org/itu-t", "ontology#Sector", "ontology"))
    yes = send_query(served, "get", f"ASK {{ <{itu_t}> a <{sector}> }}", Accept=media)
    no = send_query(served, "get", f"ASK {{ <{itu_t}> a <{ontology}> }}", Accept=media)
    assert parse_results(yes).askAnswer is True
    assert parse_results(no).askAnswer is False


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_of_the_catalogue_gives_rdflibs_rows(served: Served, name: str) -> None:
    query = served.query(name)
    local = run_query(served.graph, query)
    remote = run_remote(served.sparql, query)
    assert remote.columns == local.columns
    assert remote.rows == local.rows


def test_default_and_named_graph_uris_choose_the_dataset(served: Served) -> None:
    trig = Dataset()
    trig.parse(served.site / "dataset.trig", format="trig")
    sizes = {str(g.identifier): len(g) for g in trig.graphs() if len(g)}
    assert len(sizes) > 2, "publish writes one named graph per source"
    largest = max(sizes, key=sizes.__getitem__)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    url = f"{served.sparql}?{urlencode({'query': count, 'default-graph-uri': largest})}"
    answer = get(url, Accept="application/sparql-results+json")
    assert [int(row[0]) for row in parse_results(answer)] == [sizes[largest]]

    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    everything = post_form(served.sparql, {"query": graphs}, Accept="text/csv")
    assert [str(row[0]) for row in parse_results(everything)] == sorted(sizes)
    one = post_form(served.sparql, {"query": graphs, "named-graph-uri": largest}, Accept="text/csv")
    assert [str(row[0]) for row in parse_results(one)] == [largest]


def test_a_graph_uri_that_is_not_an_iri_is_400(served: Served) -> None:
    answer = get(f"{served.sparql}?{urlencode({'query': 'ASK {}', 'default-graph-uri': 'not an iri'})}")
    assert answer.status == 400
    assert answer.data.decode().startswith("not an absolute IRI in default-graph-uri or named-graph-uri")


def test_no_acceptable_format_is_406(served: Served) -> None:
    answer = send_query(served, "get", LABELS, Accept="image/png")
    assert answer.status == 406
    csv_graph = get(f"{served.sparql}?{urlencode({'query': CONSTRUCT, 'format': 'csv'})}")
    assert csv_graph.status == 406
    assert (
        "no format asked for can carry a graph (CONSTRUCT or DESCRIBE) result" in csv_graph.data.decode()
    )


def test_get_without_a_query_is_the_service_description(served: Served) -> None:
    answer = get(served.sparql, Accept="text/turtle")
    assert (answer.status, media_type(answer)) == (200, "text/turtle")
    assert answer.data == (served.site / "sparql-service.ttl").read_bytes()


# --- Read-only ----------------------------------------------------------------------------------------

INSERT = "INSERT DATA { <https://example.org/s> <https://example.org/p> <https://example.org/o> }"
INSERTED = "ASK { <https://example.org/s> ?p ?o }"


@pytest.mark.parametrize(
    "send",
    [
        lambda s: post_form(s.sparql, {"update": INSERT}),
        lambda s: request("POST", s.sparql, INSERT, **{"Content-Type": "application/sparql-update"}),
        lambda s: get(f"{s.sparql}?{urlencode({'update': INSERT})}"),
        lambda s: post_form(s.url + "update", {"update": INSERT}),
        lambda s: post_form(s.url + "sparql/update", {"update": INSERT}),
        lambda s: post_form(s.sparql, {"update": "LOAD <https://example.org/data.ttl>"}),
        lambda s: post_form(s.sparql, {"update": "DROP ALL"}),
    ],
    ids=["form", "sparql-update", "get", "update-path", "sparql-update-path", "load", "drop-all"],
)
def test_updates_are_refused_with_403(served: Served, send) -> None:
    answer = send(served)
    assert answer.status == 403
    assert answer.data.decode() == "this endpoint is read-only: SPARQL Update is not accepted\n"
    asked = send_query(served, "get", INSERTED, Accept="application/sparql-results+json")
    assert json.loads(asked.data) == {"head": {}, "boolean": False}
    count = send_query(served, "get", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", Accept="text/csv")
    assert [int(row[0]) for row in parse_results(count)] == [len(served.graph)]


def test_load_as_a_query_is_a_malformed_query(served: Served) -> None:
    answer = send_query(served, "post-form", "LOAD <https://example.org/data.ttl>")
    assert answer.status == 400
    assert answer.data.decode().startswith("malformed query: Expected {SelectQuery | ConstructQuery")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "ASK { FILTER EXISTS { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused(served: Served, query: str) -> None:
    answer = send_query(served, "post-form", query)
    assert answer.status == 403
    assert (
        answer.data.decode() == "SERVICE (federated query) is not allowed on this read-only endpoint\n"
    )


def test_a_string_that_says_service_still_runs(served: Served) -> None:
    query = (
        'SELECT ?x WHERE { BIND ("SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }" AS ?x) } # SERVICE'
    )
    answer = send_query(served, "get", query, Accept="application/sparql-results+json")
    assert answer.status == 200
    assert [str(row[0]) for row in parse_results(answer)] == [
        "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }"
    ]


@pytest.mark.parametrize("how", HOW)
def test_a_malformed_query_is_400_with_the_parsers_message(served: Served, how: str) -> None:
    answer = send_query(served, how, "SELECT * WHERE { ?s ?p }")
    assert answer.status == 400
    assert media_type(answer) == "text/plain"
    assert (
        answer.data.decode()
        == "malformed query: Expected SelectQuery, found '?'  (at char 17), (line:1, col:18)\n"
    )


def test_protocol_misuse_is_400_or_415(served: Served) -> None:
    both = request(
        "POST",
        f"{served.sparql}?{urlencode({'query': 'ASK {}'})}",
        "ASK {}",
        **{"Content-Type": "application/sparql-query"},
    )
    assert both.status == 400
    twice = get(f"{served.sparql}?query=ASK%7B%7D&query=ASK%7B%7D")
    assert (twice.status, twice.data) == (400, b"give exactly one query= parameter\n")
    other = request("POST", served.sparql, "ASK {}", **{"Content-Type": "text/plain"})
    assert other.status == 415
    empty = post_form(served.sparql, {})
    assert (empty.status, empty.data) == (400, b"no query: give query=...\n")


# --- Limits -----------------------------------------------------------------------------------------

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_result_cap_holds_and_says_so(served: Served) -> None:
    assert len(served.graph) > LIMIT
    everything = send_query(
        served, "get", "SELECT * WHERE { ?s ?p ?o }", Accept="application/sparql-results+json"
    )
    assert everything.status == 200
    assert everything.headers[LIMIT_HEADER] == str(LIMIT)
    assert everything.headers[TRUNCATED_HEADER] == "true"
    assert len(json.loads(everything.data)["results"]["bindings"]) == LIMIT
    tsv = send_query(
        served, "post-form", "SELECT * WHERE { ?s ?p ?o }", Accept="text/tab-separated-values"
    )
    assert len(tsv.data.decode().splitlines()) == LIMIT + 1
    graph = send_query(served, "get", "CONSTRUCT WHERE { ?s ?p ?o }", Accept="application/n-triples")
    assert graph.headers[TRUNCATED_HEADER] == "true"
    assert len(parse_graph(graph)) == LIMIT


def test_an_answer_under_the_cap_is_whole_and_says_nothing(served: Served) -> None:
    answer = send_query(served, "get", "SELECT * WHERE { ?s ?p ?o } LIMIT 5", Accept="text/csv")
    assert answer.headers[LIMIT_HEADER] == str(LIMIT)
    assert TRUNCATED_HEADER not in answer.headers
    assert len(list(parse_results(answer))) == 5


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_time_limit_holds_and_the_server_answers_the_next_query(served: Served) -> None:
    before = served.server.worker_pids()
    assert len(before) == 2
    answers: list = [None, None]

    def slow(index: int) -> None:
        answers[index] = send_query(served, "post-form", SLOW, Accept="application/sparql-results+json")

    started = time.monotonic()
    threads = [threading.Thread(target=slow, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 30)
    elapsed = time.monotonic() - started
    assert TIMEOUT <= elapsed < TIMEOUT + 3
    for answer in answers:
        assert answer.status == 503
        assert (
            answer.data.decode()
            == f"the query ran longer than the time limit of {TIMEOUT:g} s and was stopped\n"
        )
    # The workers that ran the slow queries are gone (a thread would still be counting).
    assert not any(alive(pid) for pid in before)
    answer = send_query(served, "get", LABELS, Accept="application/sparql-results+json")
    assert answer.status == 200
    assert [tuple(row) for row in parse_results(answer)] == expected_sectors(served)
    deadline = time.monotonic() + 30
    while len(served.server.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = served.server.worker_pids()
    assert len(after) == 2 and not set(after) & set(before)


def test_the_memory_limit_holds(served: Served) -> None:
    # Sorting a cross join needs memory fast (about 450 MB/s here): the worker is stopped at the limit.
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    with QueryService([served.site / "dataset.nt"], workers=1, timeout=120, memory_limit=512) as service:
        [pid] = service.worker_pids()
        answer = service.run(hungry)
        assert (answer.status, answer.body) == (
            503,
            b"the query needed more than the memory limit of 512 MB and was stopped\n",
        )
        assert not alive(pid)
        assert service.run("ASK {}", results="csv").body == b"true"


def test_the_examples_in_the_docstrings_run() -> None:
    failures, attempted = doctest.testmod(imtkg.sparql_service)
    assert attempted > 0 and failures == 0


# --- CORS -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["id/org/itu-t", "id/org/itu-t.ttl", "ontology", f"sparql?query={quote('ASK {}')}", "nothing"],
)
def test_every_answer_allows_any_origin(served: Served, path: str) -> None:
    answer = get(served.url + path, Origin="https://example.org")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Imtkg-Results-Truncated" in answer.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("path", ["sparql", "id/org/itu-t.ttl"])
def test_preflight_requests_are_answered(served: Served, path: str) -> None:
    answer = request(
        "OPTIONS",
        served.url + path,
        Origin="https://example.org",
        **{
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert answer.status == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, OPTIONS"
    assert "Content-Type" in answer.headers["Access-Control-Allow-Headers"]


# --- The query page ---------------------------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["sparql", "query.html"])
def test_the_query_page_is_prefilled_with_the_roadmap_query(served: Served, path: str) -> None:
    answer = get(served.url + path, Accept=BROWSER)
    assert (answer.status, media_type(answer)) == (200, "text/html")
    page = answer.data.decode()
    assert '<form method="post" action="/sparql">' in page
    roadmap = served.query("views/roadmap").text
    assert roadmap != CATALOGUE["views/roadmap"].text  # the IRIs are those of the served data
    assert (
        f'<textarea id="query" name="query" rows="22" spellcheck="false">{html.escape(roadmap)}</textarea>'
        in page
    )
    assert "<script" not in page and "http://" not in page.split("<textarea")[0]
    for name in CATALOGUE:
        assert f'href="/query.html?example={name}"' in page


def test_an_example_of_the_catalogue_is_prefilled_by_name(served: Served) -> None:
    answer = get(served.url + "query.html?example=views/gaps")
    assert html.escape(served.query("views/gaps").text) in answer.data.decode()
    assert get(served.url + "query.html?example=nope").status == 404


def test_a_posted_query_is_shown_as_a_table(served: Served) -> None:
    query = served.rebased(LABELS)
    answer = post_form(served.sparql, {"query": query, "format": "html"}, Accept=BROWSER)
    assert (answer.status, media_type(answer)) == (200, "text/html")
    page = answer.data.decode()
    assert html.escape(query) in page  # the query stays in the text area
    assert '<p class="note" id="count">3 rows</p>' in page
    assert "<thead><tr><th>sector</th><th>label</th></tr></thead>" in page
    for sector, label in expected_sectors(served):
        assert (
            f'<tr><td><a href="{sector}">{sector}</a></td><td>{label} <span class="lang">@en</span></td></tr>'
            in page
        )


def test_an_error_is_shown_on_the_page_with_its_status(served: Served) -> None:
    answer = post_form(served.sparql, {"query": "SELECT * WHERE { ?s ?p }", "format": "html"})
    assert answer.status == 400
    assert '<p class="error" role="alert">malformed query: Expected SelectQuery' in answer.data.decode()


# --- The command --------------------------------------------------------------------------------------


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"imtkg serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            if get(url).status < 500:
                return
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"imtkg serve did not answer {url} within {seconds} s")


def test_the_command_serves_a_site_and_stops_on_sigterm(served: Served) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imtkg",
            "serve",
            "--site",
            str(served.site),
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url + "sparql", process)
        answer = get(url + "id/org/itu-t", Accept="text/turtle")
        assert (answer.status, answer.headers["Location"]) == (303, "/id/org/itu-t.ttl")
        # The site's data is published for the fixture's address, the one its IRIs name.
        query = urlencode({"query": served.rebased(LABELS)})
        rows = get(f"{url}sparql?{query}", Accept="text/csv")
        page = get(url + "query.html").data.decode()
        assert f"PREFIX imtkg: &lt;{served.url}ontology#&gt;" in page  # the examples follow the data
        assert len(list(parse_results(rows))) == 3
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert f"imtkg serve: serving {served.site} at http://127.0.0.1:{port}/" in stderr
    assert "GET /id/org/itu-t 303" in stderr
    assert stderr.rstrip().endswith("imtkg serve: stopped")


def test_the_command_refuses_a_port_in_use(served: Served) -> None:
    port = served.url.rsplit(":", 1)[1].strip("/")
    result = subprocess.run(
        [sys.executable, "-m", "imtkg", "serve", "--site", str(served.site), "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"imtkg: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_the_command_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "imtkg", "serve", "--site", str(tmp_path), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"imtkg: error: {tmp_path}: not a published site (no dataset.nt; `imtkg publish` writes one)"
    )


def test_the_command_publishes_the_project_for_its_own_address() -> None:
    """`imtkg serve` as a new user runs it: curl's Turtle, a browser's HTML, the endpoint, read-only."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "imtkg", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        starting = None
        while starting is None and process.poll() is None:
            try:
                starting = get(url + "id/org/itu-t")
            except urllib3.exceptions.HTTPError:
                time.sleep(0.1)
        assert starting is not None and starting.status == 503  # while it publishes
        assert starting.headers["Retry-After"] == "5"
        wait_for(url + "sparql", process, seconds=600)
        itu_t = URIRef(url + "id/org/itu-t")
        turtle = get(str(itu_t), Accept="text/turtle")
        assert (turtle.status, turtle.headers["Location"]) == (303, "/id/org/itu-t.ttl")
        label = Literal("ITU Telecommunication Standardization Sector", lang="en")
        assert (itu_t, RDFS.label, label) in parse_graph(get(url + "id/org/itu-t.ttl"))
        browser = get(str(itu_t), Accept=BROWSER)
        assert browser.headers["Location"] == "/id/org/itu-t.html"
        page = get(url + "id/org/itu-t.html").data.decode()
        assert "<h1>ITU Telecommunication Standardization Sector</h1>" in page
        query = f"SELECT ?label WHERE {{ <{itu_t}> <{RDFS.label}> ?label }}"
        rows = get(
            f"{url}sparql?{urlencode({'query': query})}", Accept="application/sparql-results+json"
        )
        assert [tuple(row) for row in parse_results(rows)] == [(label,)]
        assert post_form(url + "sparql", {"update": INSERT}).status == 403
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert f"imtkg serve: publishing the site for {url} ..." in stderr
    served_from = stderr.split("imtkg serve: serving ", 1)[1].split(" at ", 1)[0]
    assert not Path(served_from).exists()  # the published folder was temporary
    assert stderr.rstrip().endswith("imtkg serve: stopped")
