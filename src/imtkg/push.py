"""``imtkg push``: load a release into a remote triple store, atomically.

The release (``graph.nt`` of a build, or any one-graph RDF file) goes to the store in four steps:

1. **upload** into a fresh staging graph ``urn:imtkg:staging:{uuid}``, with one SPARQL 1.1 Graph
   Store Protocol ``PUT`` (or, for a store without GSP, SPARQL Update ``INSERT DATA`` requests
   that never split what blank nodes join);
2. **verify**: a SPARQL ``COUNT`` of the staging graph must equal the release's triple count;
3. **swap**: ONE SPARQL Update request, ``MOVE GRAPH <staging> TO <target>``, which the store
   applies as one transaction: queries see the previous release until it commits, then the new
   one;
4. **report** the target's triple count.

A failure at any step before the swap drops the staging graph and leaves the target as it was.
A process killed before the swap leaves the target as it was and at most a staging graph (named
in the first message) to drop. See docs/serving.md for each step.

Every request is retried with exponential back-off on connection errors and on 429, 502, 503 and
504 answers (urllib3's ``Retry``, which honours ``Retry-After``). The swap is retried only when
it cannot have been applied (no connection, 429, 503); after an ambiguous failure the push asks
the store whether the move happened. Credentials come from ``IMTKG_ENDPOINT_USER`` and
``IMTKG_ENDPOINT_PASSWORD`` only.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox
import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError
from urllib3.util import Retry, Timeout

from .endpoint import EndpointError, _check_url, _credentials, _http_error, _reason
from .errors import InputError, SourceError

__all__ = ["PushResult", "load_release", "push", "release_file", "service_urls"]

STAGING_PREFIX = "urn:imtkg:staging:"
"""Staging graphs are named with this prefix and a UUID."""

_RDF_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
_TRANSIENT = (429, 502, 503, 504)
_NOT_APPLIED = (429, 503)  # answers that say an update was not applied
_CHUNK_TRIPLES = 5_000


@dataclass(frozen=True)
class PushResult:
    """What a push did: the triples now in ``graph`` (None: the default graph), how, how long."""

    triples: int
    graph: str | None
    staging: str
    upload: str
    seconds: float


def release_file(source: Path) -> Path:
    """The RDF file of ``source``: a build folder's ``graph.nt``, a site's ``dataset.nt``, or a file."""
    source = Path(source)
    if source.is_dir():
        for name in ("graph.nt", "dataset.nt"):
            if (source / name).is_file():
                return source / name
        raise InputError(f"{source}: no graph.nt (a build) or dataset.nt (a published site) in it")
    if not source.is_file():
        raise InputError(f"{source}: no such file or folder")
    if source.suffix not in _RDF_FORMATS:
        raise InputError(
            f"{source}: a release is one RDF graph in {', '.join(sorted(_RDF_FORMATS))}, "
            f"not {source.suffix or 'a file without a suffix'}"
        )
    return source


def load_release(source: Path, into: Path) -> int:
    """Parse the release ``source`` and write it as N-Triples to ``into``; its distinct triples.

    Raises :class:`SourceError` (with the line) when the file is not valid RDF.
    """
    path = release_file(source)
    store = ox.Store()
    try:
        store.load(path=path, format=_RDF_FORMATS[path.suffix])
    except SyntaxError as error:
        raise SourceError(path, f"not valid RDF: {error.msg}", error.lineno) from None
    store.dump(output=into, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(store)


def service_urls(endpoint: str, update: str | None, gsp: str | None) -> tuple[str, str | None]:
    """The update and Graph Store URLs for a query ``endpoint`` when they are not given.

    For an endpoint ending in ``/query`` (Oxigraph's layout) they are its siblings ``/update`` and
    ``/store``; otherwise the update URL is the endpoint itself and there is no GSP URL (the
    upload then uses SPARQL Update).

    >>> service_urls("http://127.0.0.1:7878/query", None, None)
    ('http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
    >>> service_urls("http://host/ds/sparql", None, None)
    ('http://host/ds/sparql', None)
    """
    parts = urlsplit(endpoint)
    if parts.path.endswith("/query"):

        def sibling(name: str) -> str:
            return urlunsplit(parts._replace(path=parts.path[: -len("query")] + name))

        return update or sibling("update"), gsp if gsp is not None else sibling("store")
    return update or endpoint, gsp


class _Store:
    """HTTP requests to the store's query, update and GSP URLs, with retries."""

    def __init__(
        self,
        query: str,
        update: str,
        gsp: str | None,
        environ: Mapping[str, str],
        timeout: float,
        retries: int,
        backoff: float,
    ):
        self.query_url, self.update_url = _check_url(query), _check_url(update)
        self.gsp_url = _check_url(gsp) if gsp is not None else None
        credentials = _credentials(environ)
        self.headers = urllib3.make_headers(basic_auth=":".join(credentials)) if credentials else {}
        self.timeout = Timeout(connect=min(timeout, 30.0), read=timeout)
        self.retries, self.backoff = retries, backoff
        self.http = urllib3.PoolManager()

    def retry(self, *, safe: bool) -> Retry:
        """Back-off retries; a request that is not ``safe`` to repeat is retried only if not applied."""
        return Retry(
            total=None,
            connect=self.retries,
            read=self.retries if safe else 0,
            status=self.retries,
            other=0,
            redirect=0,
            allowed_methods=None,
            status_forcelist=_TRANSIENT if safe else _NOT_APPLIED,
            backoff_factor=self.backoff,
            raise_on_status=False,
            raise_on_redirect=False,
        )

    def request(self, method: str, url: str, *, safe: bool = True, **kwargs) -> bytes:
        """The body of a 2xx answer; :class:`EndpointError` naming ``url`` otherwise."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        try:
            response = self.http.request(
                method,
                url,
                headers=headers,
                retries=self.retry(safe=safe),
                timeout=self.timeout,
                redirect=False,
                **kwargs,
            )
        except MaxRetryError as error:
            raise EndpointError(url, f"cannot be reached ({_cause(error.reason)})") from None
        except Urllib3Error as error:
            raise EndpointError(url, f"cannot be reached ({_cause(error)})") from None
        if not 200 <= response.status < 300:
            raise _http_error(url, response.status, response.data)
        return response.data

    def query(self, text: str) -> dict:
        """The SPARQL JSON results of the query ``text``."""
        body = self.request(
            "POST",
            self.query_url,
            fields={"query": text},
            encode_multipart=False,
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            return json.loads(body)
        except ValueError:
            raise EndpointError(self.query_url, "did not answer with SPARQL JSON results") from None

    def ask(self) -> bool:
        return self.query("ASK {}").get("boolean") is True

    def count(self, graph: str | None) -> int:
        """The triples of ``graph`` (None: the default graph), by a SPARQL COUNT."""
        pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        results = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            return int(results["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise EndpointError(self.query_url, "did not answer a COUNT query with a number") from None

    def update(self, text: str, *, safe: bool = True) -> None:
        self.request("POST", self.update_url, safe=safe, fields={"update": text}, encode_multipart=False)

    def put_graph(self, graph: str, ntriples: Path) -> None:
        assert self.gsp_url is not None
        separator = "&" if urlsplit(self.gsp_url).query else "?"
        url = f"{self.gsp_url}{separator}{urlencode({'graph': graph})}"
        with ntriples.open("rb") as body:
            self.request(
                "PUT",
                url,
                body=body,
                headers={
                    "Content-Type": "application/n-triples",
                    "Content-Length": str(ntriples.stat().st_size),
                },
            )


def push(
    source: Path,
    endpoint: str,
    *,
    graph: str | None = None,
    update: str | None = None,
    gsp: str | None = None,
    use_gsp: bool = True,
    environ: Mapping[str, str] | None = None,
    timeout: float = 300.0,
    retries: int = 4,
    backoff: float = 0.5,
    on_step: Callable[[str], None] = lambda message: None,
) -> PushResult:
    """Load the release ``source`` into ``graph`` (None: the default graph) of the store at ``endpoint``.

    ``endpoint`` is the store's SPARQL query URL; ``update`` and ``gsp`` default as
    :func:`service_urls` says; ``use_gsp=False`` uploads with SPARQL Update even when a GSP URL is
    known. ``timeout`` bounds each network wait (seconds); ``retries`` and ``backoff`` set the
    retries of transient errors (waits of ``backoff`` × 2ⁿ s). ``on_step`` is told each step.
    Raises :class:`EndpointError` when the store cannot be reached or refuses a step (the target
    is then as it was), :class:`SourceError` or :class:`InputError` for a bad release.
    """
    started = time.monotonic()
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as error:
            raise InputError(f"--graph {graph!r} is not an absolute IRI ({error})") from None
    if not timeout > 0 or retries < 0 or backoff < 0:
        raise InputError("the time-out must be positive, retries and back-off not negative")
    update_url, gsp_url = service_urls(endpoint, update, gsp)
    store = _Store(
        endpoint,
        update_url,
        gsp_url if use_gsp else None,
        os.environ if environ is None else environ,
        timeout,
        retries,
        backoff,
    )
    target = "the default graph" if graph is None else f"<{graph}>"
    staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
    with tempfile.TemporaryDirectory(prefix="imtkg-push-") as scratch:
        ntriples = Path(scratch) / "release.nt"
        expected = load_release(source, ntriples)
        via = "gsp" if store.gsp_url is not None else "update"
        store.ask()  # reachable, and the credentials work, before anything is written
        on_step(f"uploading {expected} triples into the staging graph <{staging}> ({via})")
        try:
            if store.gsp_url is not None:
                store.put_graph(staging, ntriples)
            else:
                for chunk in _insert_chunks(ntriples):
                    store.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{chunk}}} }}")
            found = store.count(staging)
            if found != expected:
                raise EndpointError(
                    store.query_url,
                    f"the staging graph holds {found} triples after the upload, not {expected}",
                )
            on_step(f"verified {found} triples in the staging graph; moving them into {target}")
            destination = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
            _swap(store, f"MOVE GRAPH <{staging}> TO {destination}", staging, graph, expected)
        except BaseException as failure:
            _drop_staging(store, staging, failure)
            raise
    # A store may query the union of all graphs as its default graph: count only a named target.
    triples = expected if graph is None else store.count(graph)
    on_step(f"{target} now holds {triples} triples")
    return PushResult(triples, graph, staging, via, time.monotonic() - started)


def _swap(store: _Store, move: str, staging: str, graph: str | None, expected: int) -> None:
    """Run the one MOVE request; after an ambiguous failure, find out whether it was applied."""
    try:
        store.update(move, safe=False)
    except EndpointError as error:
        if error.status is not None and error.status not in _TRANSIENT:
            raise  # the store refused the update: nothing was moved
        try:
            moved = store.count(staging) == 0 and (graph is None or store.count(graph) == expected)
        except EndpointError:
            raise error from None
        if not moved:
            raise


def _drop_staging(store: _Store, staging: str, failure: BaseException) -> None:
    """Drop the staging graph after ``failure``; say so in the error when that fails too."""
    try:
        store.update(f"DROP SILENT GRAPH <{staging}>")
    except EndpointError as error:
        if isinstance(failure, EndpointError):
            failure.args = (
                f"{failure}; the staging graph <{staging}> could not be dropped ({error}): "
                "drop it by hand",
            )


def _insert_chunks(ntriples: Path) -> Iterator[str]:
    """N-Triples text in chunks of about ``_CHUNK_TRIPLES`` triples; blank nodes never span two.

    ``INSERT DATA`` makes new blank nodes for each request, so the triples joined by blank nodes
    (a connected component) travel in one chunk.
    """
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def blank(triple) -> list[str]:
        return [str(t) for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]

    triples = list(ox.parse(path=ntriples, format=ox.RdfFormat.N_TRIPLES))
    for triple in triples:
        nodes = blank(triple)
        if len(nodes) == 2:
            parent[root(nodes[0])] = root(nodes[1])
    groups: dict[str, list[str]] = {}
    plain: list[str] = []
    for triple in triples:
        nodes = blank(triple)
        (groups.setdefault(root(nodes[0]), []) if nodes else plain).append(f"{triple} .\n")
    chunk: list[str] = []
    for lines in [*groups.values(), *([line] for line in plain)]:
        chunk.extend(lines)
        if len(chunk) >= _CHUNK_TRIPLES:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _cause(error: BaseException) -> str:
    """The root reason of a connection failure ("Connection refused", "Read timed out")."""
    while True:
        inner = getattr(error, "reason", None) if isinstance(error, Urllib3Error) else None
        if inner is None and isinstance(error, Urllib3Error):
            inner = error.__cause__ or error.__context__
        if not isinstance(inner, BaseException):
            return _reason(error)
        error = inner
