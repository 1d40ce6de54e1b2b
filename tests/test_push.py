"""Specification of `imtkg push` against a real Oxigraph server started on 127.0.0.1.

Given the build of the shipped project (release 1) and a changed copy of it (release 2):

- a push puts exactly the release's triples into the target graph (the remote COUNT equals the
  release's, and the remote graph is the release), with the Graph Store Protocol or with SPARQL
  Update only, blank nodes included; a second push replaces the first; no staging graph is left;
- killed half-way through the upload, or between the upload and the swap, a push leaves the
  target graph as it was and queryable (the previous release is queryable during the upload too);
  a refused swap drops the staging graph and leaves the target as it was; a swap whose answer is
  lost is found to have happened (or not) by asking the store;
- transient errors (503, 502, 429, a failed upload) are retried with back-off;
- credentials come from IMTKG_ENDPOINT_USER and IMTKG_ENDPOINT_PASSWORD and are sent with every
  request; an unreachable endpoint, an HTTP error or bad input is a clear message and exit code 2.

Requests pass through a small recording proxy (on 127.0.0.1) that can fail, hold or slow them.
"""

from __future__ import annotations

import base64
import doctest
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
import urllib3
from conftest import _wait_until_answering, free_port, oxigraph_binary, require
from rdflib import Graph
from rdflib.compare import isomorphic

import imtkg.push
from imtkg.endpoint import PASSWORD_VARIABLE, USER_VARIABLE, EndpointError
from imtkg.errors import InputError
from imtkg.graph import parse_rdf
from imtkg.push import STAGING_PREFIX, push

TARGET = "https://example.org/imtkg/release"
HTTP = urllib3.PoolManager(retries=False)


# --- A real Oxigraph server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    """An empty ``oxigraph serve`` on 127.0.0.1, read directly (not through the proxy)."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def select(self, query: str) -> list[dict]:
        answer = HTTP.request(
            "POST",
            f"{self.url}/query",
            fields={"query": query},
            encode_multipart=False,
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status == 200, answer.data
        return answer.json()["results"]["bindings"]

    def count(self, graph: str | None = TARGET) -> int:
        pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]["value"])

    def graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [row["g"]["value"] for row in rows]

    def graph(self, graph: str = TARGET) -> Graph:
        answer = HTTP.request(
            "GET",
            f"{self.url}/store?{urlencode({'graph': graph})}",
            headers={"Accept": "application/n-triples"},
        )
        assert answer.status == 200, answer.data
        return Graph().parse(data=answer.data.decode(), format="nt")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    binary = oxigraph_binary()
    require(binary is not None, "the oxigraph server binary is missing (pip install oxigraph)")
    assert binary is not None
    port = free_port()
    log = tmp_path / "oxigraph.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answering(process, f"http://127.0.0.1:{port}/query", log)
        yield Store(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- A proxy that records, fails, holds and slows requests ------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The SPARQL of an urlencoded query or update."""
        fields = parse_qs(self.body.decode("utf-8", "replace"))
        return (fields.get("query") or fields.get("update") or [""])[0]


@dataclass
class Proxy:
    """In front of ``upstream``; each hook sees a request and may change what happens to it."""

    upstream: int
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    fail_first: list[int] = field(default_factory=list)
    refuse: Callable[[Seen], int | None] = lambda seen: None
    after: Callable[[Seen], int | None] = lambda seen: None
    hold: Callable[[Seen], bool] = lambda seen: False
    hold_upload_after: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    forwarded: int = 0
    forwarded_all: bool | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.url}/query"


@pytest.fixture
def proxy(store: Store) -> Iterator[Proxy]:
    state = Proxy(store.port)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            headers = {
                k.lower(): v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
            }
            if self.command == "PUT" and state.hold_upload_after is not None and not state.fail_first:
                self.stream_upload(length, headers)
                return
            seen = Seen(self.command, self.path, headers, self.rfile.read(length))
            state.seen.append(seen)
            if state.fail_first:
                status = state.fail_first.pop(0)
                self.answer(status, b"try again later\n", {"Retry-After": "0"})
                return
            status = state.refuse(seen)
            if status is not None:
                self.answer(status, b"refused by the test proxy\n")
                return
            if state.hold(seen):
                state.holding.set()
                state.release.wait(60)
            status, answer_headers, body = self.forward(seen)
            self.answer(state.after(seen) or status, body, answer_headers)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any  # noqa: N815

        def forward(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
            connection = http.client.HTTPConnection("127.0.0.1", state.upstream, timeout=60)
            connection.request(seen.method, seen.path, seen.body, seen.headers)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            kept = {k: v for k, v in response.getheaders() if k.lower() == "content-type"}
            return response.status, kept, body

        def stream_upload(self, length: int, headers: dict[str, str]) -> None:
            """Forward the body in pieces; after ``hold_upload_after`` bytes wait for ``release``."""
            state.seen.append(Seen(self.command, self.path, headers, b""))
            connection = http.client.HTTPConnection("127.0.0.1", state.upstream, timeout=60)
            connection.putrequest(self.command, self.path, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            remaining = length
            while remaining:
                if state.forwarded >= (state.hold_upload_after or 0) and not state.release.is_set():
                    state.holding.set()
                    state.release.wait(60)
                try:
                    piece = self.rfile.read(min(16_384, remaining))
                except OSError:
                    piece = b""
                if not piece:  # the client is gone: so is the upstream request, half-sent
                    state.forwarded_all = False
                    connection.close()
                    self.close_connection = True
                    return
                connection.send(piece)
                state.forwarded += len(piece)
                remaining -= len(piece)
            state.forwarded_all = True
            response = connection.getresponse()
            body = response.read()
            connection.close()
            self.answer(response.status, body)

        def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            state.answered.append(status)
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # Small socket buffers: an upload the proxy holds stays mostly in the client, as it would
    # over a slow network, so killing the client really cuts the upload short.
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- Releases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    path: Path
    graph: Graph

    @property
    def triples(self) -> int:
        return len(self.graph)


@pytest.fixture(scope="module")
def release_1(dist_graph_file: Path) -> Release:
    return Release(dist_graph_file, parse_rdf(dist_graph_file))


@pytest.fixture(scope="module")
def release_2(tmp_path_factory: pytest.TempPathFactory, dist_graph_file: Path) -> Release:
    """Release 1 without ITU-D's triples, with two invented ones (test data only)."""
    lines = dist_graph_file.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "/id/org/itu-d" not in line]
    assert 0 < len(lines) - len(kept) < 200, "the build should have a few triples about ITU-D"
    kept += [
        '<https://example.org/release/2> <http://www.w3.org/2000/01/rdf-schema#label> "release 2"@en .',
        "<https://example.org/release/2> <http://purl.org/dc/terms/replaces> <https://example.org/release/1> .",
    ]
    path = tmp_path_factory.mktemp("release-2") / "graph.nt"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return Release(path, parse_rdf(path))


@pytest.fixture(scope="module")
def big_release(tmp_path_factory: pytest.TempPathFactory, release_2: Release) -> tuple[Path, int]:
    """Release 2 with 120,000 invented triples: about 9 MB, more than socket buffers hold."""
    lines = release_2.path.read_text(encoding="utf-8").splitlines()
    lines += [
        f'<https://example.org/big/{i}> <https://example.org/value> "{i}" .' for i in range(120_000)
    ]
    path = tmp_path_factory.mktemp("big-release") / "graph.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2 * 4_194_304  # net.ipv4.tcp_wmem's largest send buffer, twice
    return path, len(set(lines))


def run_push(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imtkg", "push", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def start_push(*arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "imtkg", "push", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def staging_graphs(store: Store) -> list[str]:
    return [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (USER_VARIABLE, PASSWORD_VARIABLE):
        monkeypatch.delenv(name, raising=False)


# --- A push ----------------------------------------------------------------------------------------


def test_a_push_loads_exactly_the_release(proxy: Proxy, store: Store, release_1: Release) -> None:
    result = run_push("--endpoint", proxy.endpoint, "--graph", TARGET, str(release_1.path.parent))
    assert result.returncode == 0, result.stderr
    n = release_1.triples
    assert re.fullmatch(rf"{n} triples in <{TARGET}> \(gsp, \d+\.\d s\)\n", result.stdout)
    assert store.count() == n
    assert isomorphic(store.graph(), release_1.graph)
    assert store.graphs() == [TARGET]
    first, second, third = result.stderr.splitlines()
    assert re.fullmatch(
        rf"imtkg push: uploading {n} triples into the staging graph <{STAGING_PREFIX}[0-9a-f-]{{36}}> \(gsp\)",
        first,
    )
    assert (
        second == f"imtkg push: verified {n} triples in the staging graph; moving them into <{TARGET}>"
    )
    assert third == f"imtkg push: <{TARGET}> now holds {n} triples"
    # One GSP PUT of the staging graph, a COUNT of it, then one MOVE: the only update.
    puts = [s for s in proxy.seen if s.method == "PUT"]
    assert len(puts) == 1 and puts[0].path.startswith("/store?graph=urn%3Aimtkg%3Astaging%3A")
    updates = [s.text for s in proxy.seen if s.path == "/update"]
    assert len(updates) == 1 and updates[0].startswith(f"MOVE GRAPH <{STAGING_PREFIX}")
    assert updates[0].endswith(f"> TO GRAPH <{TARGET}>")


def test_a_push_with_sparql_update_only(
    proxy: Proxy, store: Store, release_1: Release, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks, so that many requests carry the release and blank nodes could be split.
    monkeypatch.setattr(imtkg.push, "_CHUNK_TRIPLES", 100)
    assert any("_:" in line for line in release_1.path.read_text().splitlines())
    result = push(release_1.path, proxy.endpoint, graph=TARGET, use_gsp=False)
    assert (result.triples, result.upload) == (release_1.triples, "update")
    assert isomorphic(store.graph(), release_1.graph)
    assert not any(s.method == "PUT" for s in proxy.seen)
    inserts = [s.text for s in proxy.seen if s.text.startswith("INSERT DATA")]
    assert len(inserts) >= release_1.triples // 100 - 1
    assert store.graphs() == [TARGET]


def test_a_push_into_the_default_graph(proxy: Proxy, store: Store, release_1: Release) -> None:
    result = push(release_1.path.parent, proxy.endpoint)
    assert (result.graph, result.triples) == (None, release_1.triples)
    assert store.count(None) == release_1.triples
    assert store.graphs() == []


def test_a_second_release_replaces_the_first(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    assert isomorphic(store.graph(), release_1.graph)
    result = push(release_2.path, proxy.endpoint, graph=TARGET)
    assert result.triples == release_2.triples == store.count() != release_1.triples
    assert isomorphic(store.graph(), release_2.graph)
    assert store.graphs() == [TARGET]


# --- Atomicity --------------------------------------------------------------------------------------


def test_killed_mid_upload_the_target_is_unchanged_and_queryable(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release, big_release: tuple[Path, int]
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    big, triples = big_release
    proxy.hold_upload_after = 64 * 1024
    process = start_push("--endpoint", proxy.endpoint, "--graph", TARGET, str(big))
    try:
        assert proxy.holding.wait(60), "the upload never started"
        # Part of the new release is uploaded: the previous one is what queries see.
        assert store.count() == release_1.triples
        kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    proxy.release.set()
    deadline = time.monotonic() + 30
    while proxy.forwarded_all is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the proxy forwards what the client had sent, then finds it gone
    assert proxy.forwarded_all is False, "the whole upload had left the client before it was killed"
    assert 0 < proxy.forwarded < big.stat().st_size
    assert store.count() == release_1.triples
    assert isomorphic(store.graph(), release_1.graph)
    for staging in staging_graphs(store):
        assert store.count(staging) < triples
    # The store is fine: the next push goes through.
    proxy.hold_upload_after = None
    assert push(release_2.path, proxy.endpoint, graph=TARGET).triples == release_2.triples
    assert isomorphic(store.graph(), release_2.graph)


def test_killed_between_upload_and_swap_the_target_is_unchanged(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    proxy.hold = lambda seen: "COUNT" in seen.text and STAGING_PREFIX in seen.text
    process = start_push("--endpoint", proxy.endpoint, "--graph", TARGET, str(release_2.path))
    try:
        assert proxy.holding.wait(60), "the push never counted its staging graph"
        kill(process)
    finally:
        if process.poll() is None:
            process.kill()
    proxy.release.set()
    assert isomorphic(store.graph(), release_1.graph)
    # What is left is the staging graph, complete, named as docs/serving.md says.
    [staging] = staging_graphs(store)
    assert store.count(staging) == release_2.triples


def test_a_refused_swap_leaves_the_target_and_drops_the_staging_graph(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    proxy.refuse = lambda seen: 500 if seen.text.startswith("MOVE") else None
    result = run_push(
        "--endpoint", proxy.endpoint, "--graph", TARGET, "--retries", "1", str(release_2.path)
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"imtkg: error: endpoint {proxy.url}/update: answered HTTP 500 Internal Server Error: "
        "refused by the test proxy"
    )
    assert isomorphic(store.graph(), release_1.graph)
    assert store.graphs() == [TARGET]
    assert proxy.seen[-1].text.startswith(f"DROP SILENT GRAPH <{STAGING_PREFIX}")


def test_a_lost_answer_to_an_applied_swap_is_a_success(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    proxy.seen.clear()
    proxy.after = lambda seen: 504 if seen.text.startswith("MOVE") else None
    result = push(release_2.path, proxy.endpoint, graph=TARGET, backoff=0)
    assert result.triples == release_2.triples
    assert isomorphic(store.graph(), release_2.graph)
    moves = [s for s in proxy.seen if s.text.startswith("MOVE")]
    assert len(moves) == 1  # a 504 may mean "applied": the MOVE is not sent again


def test_a_lost_swap_is_a_failure_that_leaves_the_target(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    proxy.refuse = lambda seen: 504 if seen.text.startswith("MOVE") else None
    with pytest.raises(EndpointError, match="answered HTTP 504 Gateway Timeout") as caught:
        push(release_2.path, proxy.endpoint, graph=TARGET, backoff=0)
    assert caught.value.status == 504
    assert isomorphic(store.graph(), release_1.graph)
    assert store.graphs() == [TARGET]


# --- Retries ----------------------------------------------------------------------------------------


def test_transient_errors_are_retried_with_back_off(
    proxy: Proxy, store: Store, release_1: Release
) -> None:
    proxy.fail_first = [503, 502, 429, 504]
    started = time.monotonic()
    result = push(release_1.path, proxy.endpoint, graph=TARGET, retries=4, backoff=0.2)
    elapsed = time.monotonic() - started
    assert result.triples == release_1.triples == store.count()
    assert proxy.answered[:5] == [503, 502, 429, 504, 200]
    assert len({(s.method, s.path, s.body) for s in proxy.seen[:5]}) == 1  # the same request, again
    assert elapsed >= 0.4 + 0.8 + 1.6  # urllib3's back-off: 0, 0.4, 0.8, 1.6 s (Retry-After: 0)


def test_a_failed_upload_is_sent_again_whole(proxy: Proxy, store: Store, release_1: Release) -> None:
    failures = [503, 503]
    proxy.refuse = lambda seen: failures.pop() if seen.method == "PUT" and failures else None
    result = push(release_1.path, proxy.endpoint, graph=TARGET, backoff=0)
    assert result.triples == release_1.triples
    puts = [s for s in proxy.seen if s.method == "PUT"]
    assert len(puts) == 3
    assert len({s.body for s in puts}) == 1  # the whole body each time
    assert isomorphic(Graph().parse(data=puts[0].body.decode(), format="nt"), release_1.graph)
    assert isomorphic(store.graph(), release_1.graph)


def test_too_many_transient_errors_give_up_and_leave_the_target(
    proxy: Proxy, store: Store, release_1: Release, release_2: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    proxy.seen.clear()
    proxy.refuse = lambda seen: 503 if seen.method == "PUT" else None
    with pytest.raises(EndpointError, match="answered HTTP 503 Service Unavailable"):
        push(release_2.path, proxy.endpoint, graph=TARGET, retries=2, backoff=0)
    assert len([s for s in proxy.seen if s.method == "PUT"]) == 3  # the request and 2 retries
    assert isomorphic(store.graph(), release_1.graph)
    assert store.graphs() == [TARGET]


def test_an_unreachable_endpoint_is_a_clear_message_and_exit_2(release_1: Release) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    result = run_push("--endpoint", url, "--retries", "2", str(release_1.path))
    assert result.returncode == 2
    assert result.stderr == f"imtkg: error: endpoint {url}: cannot be reached (Connection refused)\n"
    assert time.monotonic() - started >= 1.0  # retried with back-off (0, 1 s) before giving up


# --- Credentials ------------------------------------------------------------------------------------


def test_credentials_come_from_the_environment_and_go_with_every_request(
    proxy: Proxy, store: Store, release_1: Release
) -> None:
    env = {USER_VARIABLE: "loader", PASSWORD_VARIABLE: "s3cret:x"}
    result = run_push("--endpoint", proxy.endpoint, "--graph", TARGET, str(release_1.path), env=env)
    assert result.returncode == 0, result.stderr
    expected = "Basic " + base64.b64encode(b"loader:s3cret:x").decode("ascii")
    assert {s.method for s in proxy.seen} == {"POST", "PUT"}
    assert [s.headers.get("authorization") for s in proxy.seen] == [expected] * len(proxy.seen)
    assert "s3cret" not in result.stdout + result.stderr


def test_without_credentials_no_authorization_is_sent(
    proxy: Proxy, store: Store, release_1: Release
) -> None:
    push(release_1.path, proxy.endpoint, graph=TARGET)
    assert proxy.seen and all("authorization" not in s.headers for s in proxy.seen)


def test_a_store_refusing_the_credentials_is_named_with_the_variables(
    proxy: Proxy, store: Store, release_1: Release
) -> None:
    proxy.refuse = lambda seen: 401
    result = run_push("--endpoint", proxy.endpoint, "--graph", TARGET, str(release_1.path))
    assert result.returncode == 2
    assert result.stderr == (
        f"imtkg: error: endpoint {proxy.endpoint}: answered HTTP 401 Unauthorized: refused by the test proxy "
        f"(credentials are read from {USER_VARIABLE} and {PASSWORD_VARIABLE})\n"
    )
    assert [s.text for s in proxy.seen] == ["ASK {}"]  # nothing was written


def test_credentials_in_the_url_and_half_credentials_are_refused(release_1: Release) -> None:
    with pytest.raises(EndpointError, match=f"give them in {USER_VARIABLE}") as caught:
        push(release_1.path, "http://loader:s3cret@127.0.0.1:9/query")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(InputError, match=f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}"):
        push(release_1.path, "http://127.0.0.1:9/query", environ={USER_VARIABLE: "loader"})


# --- Bad input --------------------------------------------------------------------------------------


def test_a_malformed_release_is_refused_with_its_line_before_anything_is_sent(
    proxy: Proxy, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    result = run_push("--endpoint", proxy.endpoint, str(bad))
    assert result.returncode == 2
    assert result.stderr == (
        f"imtkg: error: {bad}:2: not valid RDF: Parser error between line 2 column 11 and line 3 "
        "column 1: Unexpected end of file\n"
    )
    assert proxy.seen == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "no such file or folder"),
        ("data.trig", "a release is one RDF graph in .jsonld, .nt, .owl, .rdf, .ttl, not .trig"),
        ("empty-folder", "no graph.nt (a build) or dataset.nt (a published site) in it"),
    ],
)
def test_a_source_that_is_not_a_release_is_refused(
    proxy: Proxy, tmp_path: Path, name: str, message: str
) -> None:
    source = tmp_path / name
    if name == "data.trig":
        source.write_text("")
    elif name == "empty-folder":
        source.mkdir()
    with pytest.raises(InputError) as caught:
        push(source, proxy.endpoint)
    assert str(caught.value) == f"{source}: {message}"
    assert proxy.seen == []


def test_a_graph_that_is_not_an_iri_is_refused(proxy: Proxy, release_1: Release) -> None:
    with pytest.raises(InputError, match="--graph 'not an iri' is not an absolute IRI"):
        push(release_1.path, proxy.endpoint, graph="not an iri")
    assert proxy.seen == []


def test_the_examples_in_the_docstrings_run() -> None:
    failures, attempted = doctest.testmod(imtkg.push)
    assert attempted > 0 and failures == 0
