"""Read-only SPARQL queries run in worker processes, with a time limit and a result cap that hold.

A :class:`QueryService` keeps a few worker processes, each with its own in-memory pyoxigraph
``Store`` loaded from the dataset files. A query goes to an idle worker; when the worker has not
answered within the time limit it is killed (a Python thread cannot be stopped, a process can)
and a fresh one is started in the background, so the next query is answered as usual.

In the worker, a query is first parsed with rdflib's SPARQL 1.1 parser: a query it cannot parse
is refused with the parser's message (400) and a query with a ``SERVICE`` pattern anywhere in its
syntax tree is refused (403), so a string literal that contains the word still runs. Oxigraph then
evaluates the query; at most ``limit`` solutions (or triples) are read from it, and the answer
says whether more were left. The capped rows are written by pyoxigraph's own serializers: SPARQL
JSON, XML, CSV and TSV for ``SELECT`` and ``ASK``; Turtle, JSON-LD, N-Triples and RDF/XML for
``CONSTRUCT`` and ``DESCRIBE``.
"""

from __future__ import annotations

import functools
import logging
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Answer", "QueryService"]

log = logging.getLogger(__name__)

RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""Formats of ``SELECT`` and ``ASK`` results: name -> media type."""

GRAPH_FORMATS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
"""Formats of ``CONSTRUCT`` and ``DESCRIBE`` results: name -> media type."""

_TEXT = "text/plain"
_DATA_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}
_GRAPH_SERIALIZERS = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
}
_RESULT_SERIALIZERS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


@dataclass(frozen=True)
class Answer:
    """What a query gave: an HTTP status, a media type and a body; ``truncated`` when capped."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    form: str | None = None
    """``"solutions"``, ``"boolean"`` or ``"graph"`` for an answer to a query; None for an error."""

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        """A plain-text error answer."""
        return cls(status, _TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


@dataclass(frozen=True)
class _Job:
    query: str
    results: str | None
    graphs: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    limit: int


class _Worker:
    """One worker process and the parent's end of the socket it answers on.

    The worker is a fresh interpreter (not a multiprocessing child), so it neither inherits the
    server's threads nor re-runs the program's main module.
    """

    def __init__(self, files: Sequence[Path], memory_limit: int | None):
        parent, child = socket.socketpair()
        limit = str(memory_limit or 0)
        with child:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_COMMAND, str(child.fileno()), limit, *map(str, files)],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.connection = Connection(parent.detach())

    def wait_ready(self, timeout: float) -> int:
        """The number of quads loaded; :class:`InputError` if the worker failed or took too long."""
        if not self.connection.poll(timeout):
            self.stop()
            raise InputError(f"a query worker did not load the data within {timeout:g} s")
        try:
            kind, value = self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise InputError("a query worker exited while loading the data") from None
        if kind != "ready":
            self.stop()
            raise InputError(f"cannot load the data for the SPARQL endpoint: {value}")
        return value

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.connection.close()


_WORKER_COMMAND = "import sys; from imtkg.sparql_service import worker_main; worker_main(sys.argv[1:])"


class QueryService:
    """Worker processes answering read-only SPARQL queries over ``files``.

    ``files`` are RDF files (N-Triples or Turtle into the default graph; TriG or N-Quads with
    their named graphs). ``timeout`` (seconds) bounds each query, including the wait for an idle
    worker; ``limit`` is the most solutions or triples an answer holds; ``memory_limit`` (MB, None
    for none) bounds each worker's address space, so a query that needs more stops its worker
    rather than the machine. Raises
    :class:`InputError` when the files cannot be loaded.

    >>> from pathlib import Path
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "data.nt").write_text('<http://ex.org/a> <http://ex.org/p> "x" .\\n')
    >>> with QueryService([folder / "data.nt"], workers=1, timeout=30, limit=10) as service:
    ...     answer = service.run("SELECT ?o WHERE { ?s ?p ?o }", results="csv")
    >>> answer.status, answer.media_type, answer.body
    (200, 'text/csv', b'o\\r\\nx\\r\\n')
    """

    def __init__(
        self,
        files: Sequence[Path],
        *,
        workers: int = 2,
        timeout: float = 10.0,
        limit: int = 10_000,
        memory_limit: int | None = 2048,
    ):
        if workers < 1:
            raise InputError(f"the number of query workers must be at least 1, not {workers}")
        if not timeout > 0:
            raise InputError(f"the query time limit must be a positive number of seconds, not {timeout}")
        if limit < 1:
            raise InputError(f"the result limit must be at least 1, not {limit}")
        if memory_limit is not None and memory_limit < 256:
            raise InputError(f"the memory limit must be at least 256 MB, not {memory_limit}")
        for path in files:
            if Path(path).suffix not in _DATA_FORMATS:
                raise InputError(
                    f"{path}: not a dataset file the endpoint can load ({', '.join(_DATA_FORMATS)})"
                )
            if not Path(path).is_file():
                raise InputError(f"{path}: no such file")
        self.files = tuple(Path(f) for f in files)
        self.timeout = timeout
        self.limit = limit
        self.memory_limit = memory_limit
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        started = [self._start() for _ in range(workers)]
        try:
            self.quads = min(worker.wait_ready(_LOAD_TIMEOUT) for worker in started)
        except BaseException:
            self.close()
            raise
        for worker in started:
            self._idle.put(worker)

    def __enter__(self) -> QueryService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        query: str,
        *,
        results: str | None = "json",
        graphs: str | None = "ttl",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Answer:
        """Run ``query``; its answer in ``results`` (SELECT, ASK) or ``graphs`` (CONSTRUCT, DESCRIBE).

        A format is a key of :data:`RESULT_FORMATS` or :data:`GRAPH_FORMATS`, ``"html"`` (SPARQL
        JSON or Turtle, for a page to show), or None when the client accepts none for that form.
        ``default_graphs`` and ``named_graphs`` are the protocol's ``default-graph-uri`` and
        ``named-graph-uri`` (they override the query's FROM and FROM NAMED). The answer is an
        error with status 400 (malformed), 403 (SERVICE), 406 (no such format for the query's
        form) or 503 (over the time limit, or every worker busy for that long).
        """
        if results is not None and results not in RESULT_FORMATS and results != "html":
            raise InputError(f"unknown result format {results!r}")
        if graphs is not None and graphs not in GRAPH_FORMATS and graphs != "html":
            raise InputError(f"unknown graph format {graphs!r}")
        job = _Job(
            query,
            results,
            graphs,
            tuple(default_graphs) if default_graphs is not None else None,
            tuple(named_graphs) if named_graphs is not None else None,
            self.limit,
        )
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer.error(
                503, f"every query worker stayed busy for {self.timeout:g} s; try again later"
            )
        remaining = max(self.timeout - (time.monotonic() - started), 0.001)
        try:
            worker.connection.send(job)
            if worker.connection.poll(remaining):
                answer = worker.connection.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            self._replace(worker)
            if worker.process.returncode == -signal.SIGABRT and self.memory_limit:
                return Answer.error(
                    503,
                    f"the query needed more than the memory limit of {self.memory_limit} MB "
                    "and was stopped",
                )
            return Answer.error(
                500, f"the query worker stopped unexpectedly (exit code {worker.process.returncode})"
            )
        self._replace(worker)
        return Answer.error(
            503, f"the query ran longer than the time limit of {self.timeout:g} s and was stopped"
        )

    def worker_pids(self) -> list[int]:
        """The process ids of the workers now running (busy, idle or loading)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.poll() is None)

    def close(self) -> None:
        """Stop every worker."""
        self._closed.set()
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()

    def _start(self) -> _Worker:
        worker = _Worker(self.files, self.memory_limit)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background; it becomes idle once loaded."""
        with self._lock:
            self._workers.discard(worker)
        worker.stop()
        if not self._closed.is_set():
            threading.Thread(target=self._start_idle, name="imtkg-query-worker", daemon=True).start()

    def _start_idle(self) -> None:
        worker = self._start()
        try:
            worker.wait_ready(_LOAD_TIMEOUT)
        except InputError as error:
            log.error("%s", error)
            with self._lock:
                self._workers.discard(worker)
            return
        if self._closed.is_set():
            worker.stop()
        else:
            self._idle.put(worker)


_LOAD_TIMEOUT = 600.0


# --- In the worker process ------------------------------------------------------------------------


def worker_main(arguments: Sequence[str]) -> None:
    """A worker process: ``arguments`` are the socket's descriptor, the memory limit (MB, 0 for
    none) and the files to load.

    Loads the files into a store, says it is ready, then answers jobs until the socket closes.
    """
    # Ctrl-C in a terminal reaches the whole process group: the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    connection = Connection(int(arguments[0]))
    memory_limit = int(arguments[1]) * 1024 * 1024
    if memory_limit:  # an allocation beyond it aborts this process, which the server replaces
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    files = arguments[2:]
    try:
        store = ox.Store()
        for name in files:
            path = Path(name)
            store.load(path=path, format=_DATA_FORMATS[path.suffix])
        quads = len(store)
    except (OSError, SyntaxError, ValueError) as error:
        connection.send(("failed", f"{error}"))
        return
    _check("ASK {}")  # loads rdflib's SPARQL parser now rather than on the first query
    connection.send(("ready", quads))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_answer(store, job))


def _answer(store, job: _Job) -> Answer:
    """Check, run and serialize one query (in the worker)."""
    refusal = _check(job.query)
    if refusal is not None:
        return refusal
    options = {}
    if job.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    try:
        result = store.query(job.query, **options)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _triples(result, job)
    except SyntaxError as error:
        return Answer.error(400, f"malformed query: {error}")
    except (OSError, ValueError) as error:
        return Answer.error(500, f"the query failed: {error}")


@functools.lru_cache(maxsize=256)
def _check(query: str) -> Answer | None:
    """A refusal when rdflib's SPARQL 1.1 parser rejects ``query`` or finds a SERVICE pattern."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except ParseException as error:
        return Answer.error(400, f"malformed query: {error}")
    if "ServiceGraphPattern" in _node_names(tree):
        return Answer.error(403, "SERVICE (federated query) is not allowed on this read-only endpoint")
    return None


def _node_names(node: object) -> set[str]:
    """The names of every rule in rdflib's parse tree of a query."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    names: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
    return names


def _not_acceptable(form: str, formats: dict[str, str]) -> Answer:
    return Answer.error(
        406,
        f"no format asked for can carry a {form} result; ask for one of {', '.join(formats.values())}",
    )


def _boolean(result, job: _Job) -> Answer:
    if job.results is None:
        return _not_acceptable("boolean (ASK)", RESULT_FORMATS)
    name = "json" if job.results == "html" else job.results
    body = result.serialize(format=_RESULT_SERIALIZERS[name])
    return Answer(200, RESULT_FORMATS[name], body, form="boolean")


def _solutions(result, job: _Job) -> Answer:
    """At most ``job.limit`` solutions, written through TSV by pyoxigraph's serializers."""
    if job.results is None:
        return _not_acceptable("SELECT", RESULT_FORMATS)
    variables = result.variables
    lines = ["\t".join(str(v) for v in variables)]
    for solution in islice(result, job.limit + 1):
        lines.append("\t".join("" if solution[v] is None else str(solution[v]) for v in variables))
    truncated = len(lines) > job.limit + 1
    tsv = "\n".join(lines[: job.limit + 1]) + "\n"
    name = "json" if job.results == "html" else job.results
    capped = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    body = capped.serialize(format=_RESULT_SERIALIZERS[name])
    return Answer(200, RESULT_FORMATS[name], body, truncated, form="solutions")


def _triples(result, job: _Job) -> Answer:
    if job.graphs is None:
        return _not_acceptable("graph (CONSTRUCT or DESCRIBE)", GRAPH_FORMATS)
    triples = list(islice(result, job.limit + 1))
    truncated = len(triples) > job.limit
    name = "ttl" if job.graphs == "html" else job.graphs
    body = ox.serialize(triples[: job.limit], format=_GRAPH_SERIALIZERS[name])
    return Answer(200, GRAPH_FORMATS[name], body or b"", truncated, form="graph")
