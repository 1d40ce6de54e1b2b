"""``imtkg serve``: a published site and a read-only SPARQL 1.1 endpoint on one port.

The server answers from a site folder written by :func:`imtkg.publish.publish` (it renders no
page itself) and runs queries on the site's dataset dump in worker processes
(:class:`imtkg.sparql_service.QueryService`). The rules, from docs/serving.md:

- A request path naming a file of the site gets that file (GET and HEAD, with ETag and ranges).
- A path without a suffix whose documents ``{path}.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``
  exist is a resource: ``303 See Other`` to the document content negotiation chooses (q-values
  honoured, ``Vary: Accept``), or to the one ``?format=html|ttl|jsonld|nt|rdf`` names. The hash
  documents ``/ontology`` and ``/shapes`` are answered ``200`` with the chosen document and its
  ``Content-Location``. Anything else is ``404``.
- ``/sparql`` is the SPARQL 1.1 Protocol (GET ``?query=``, POST urlencoded, POST
  ``application/sparql-query``); results by ``Accept`` or ``format``; updates are refused with
  403, as is every ``/update`` path. ``GET /sparql`` from a browser and ``/query.html`` are a
  query page whose form posts back and shows the results as an HTML table (no script).
- Every answer allows any origin to read it (CORS); ``OPTIONS`` answers preflight requests.

The HTTP layer is Werkzeug (requests, ``Accept`` parsing with q-values, conditional file
responses) served by waitress (a multi-threaded production WSGI server, pure Python).
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from waitress import create_server
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from .errors import InputError
from .project import Project
from .queries import load_catalogue
from .sparql_service import GRAPH_FORMATS, RESULT_FORMATS, Answer, QueryService

__all__ = [
    "DATA_BASE",
    "DEFAULT_PORT",
    "DOCUMENT_TYPES",
    "LinkedDataServer",
    "SiteApp",
    "serve",
]

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
DATA_BASE = "https://w3id.org/imtkg/"
"""The base of the data's IRIs; the examples on the query page are rewritten to the served base."""

DOCUMENT_TYPES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
"""The documents of a resource: suffix -> media type, in the server's order of preference."""

HASH_DOCUMENTS = frozenset({"/ontology", "/shapes"})
"""Documents of hash IRIs (``/ontology#Term``): answered 200 with Content-Location, not 303."""

# Media types a client may ask for -> document suffix; the first that ties wins.
_DOCUMENT_ACCEPT = [
    *((media, suffix) for suffix, media in DOCUMENT_TYPES.items()),
    ("application/xhtml+xml", "html"),
    ("application/json", "jsonld"),
    ("application/x-turtle", "ttl"),
]
_RESULT_ACCEPT = [
    *((media, name) for name, media in RESULT_FORMATS.items()),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/html", "html"),
]
_GRAPH_ACCEPT = [
    *((media, name) for name, media in GRAPH_FORMATS.items()),
    ("application/json", "jsonld"),
    ("application/x-turtle", "ttl"),
    ("text/html", "html"),
]
# The ``format`` parameter of /sparql: name -> (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE).
_FORMAT_PARAMETER: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdf"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "html": ("html", "html"),
    "ttl": (None, "ttl"),
    "turtle": (None, "ttl"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "rdf": (None, "rdf"),
    "rdfxml": (None, "rdf"),
    **{media: (name, None) for name, media in RESULT_FORMATS.items()},
    **{media: (None, name) for name, media in GRAPH_FORMATS.items()},
    "text/html": ("html", "html"),
}
_FILE_TYPES = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".rq": "application/sparql-query",
    ".svg": "image/svg+xml",
    ".csv": "text/csv",
}
_READ_METHODS = ("GET", "HEAD")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"  # what a Location path keeps unencoded (RFC 3986 pchar)
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "Content-Location, Location, Vary, Imtkg-Result-Limit, Imtkg-Results-Truncated"
    ),
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, Authorization",
    "Access-Control-Max-Age": "86400",
}
LIMIT_HEADER = "Imtkg-Result-Limit"
"""Response header of every query answer: the most rows (or triples) an answer holds."""
TRUNCATED_HEADER = "Imtkg-Results-Truncated"
"""Response header ``true`` when rows beyond the limit were left out."""


class _Request(Request):
    max_content_length = 1_000_000
    max_form_memory_size = 1_000_000


class SiteApp:
    """The WSGI application: the site folder ``root`` and the SPARQL endpoint of ``service``.

    ``examples`` are query texts shown on the query page by name (the first one is prefilled).
    """

    def __init__(self, root: Path, service: QueryService, examples: Mapping[str, str]):
        self.root = Path(root)
        self.service = service
        self.examples = dict(examples)

    def __call__(self, environ, start_response):
        request = _Request(environ)
        try:
            response = self.dispatch(request)
        except HTTPException as error:
            response = error.get_response(environ)
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            response = _text(500, "internal error (see the server's log)")
        response.headers.update(_CORS)
        log.info("%s %s %s", request.method, request.full_path.rstrip("?"), response.status_code)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """The response to ``request``."""
        if request.method == "OPTIONS":
            return Response(status=204, headers={**_PREFLIGHT, "Allow": "GET, HEAD, POST, OPTIONS"})
        path = request.path
        if path == "/update" or path.endswith("/update"):
            return _text(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if path == "/sparql":
            return self._sparql(request)
        if request.method not in _READ_METHODS:
            return _text(405, f"{request.method} is not allowed here", Allow="GET, HEAD, OPTIONS")
        if path == "/query.html":
            name = request.args.get("example")
            if name is not None and name not in self.examples:
                return _text(404, f"no example query {name!r}")
            return self._page(self.examples.get(name or "", self._first_example()))
        return self._document(request)

    # --- The site ---------------------------------------------------------------------------------

    def _document(self, request: Request) -> Response:
        path = request.path
        if path.endswith("/"):
            path += "index.html"
        file = self._file(path)
        if file is not None:
            return _send(file, request)
        available = {
            suffix: found
            for suffix in DOCUMENT_TYPES
            if (found := self._file(f"{path}.{suffix}")) is not None
        }
        if not available:
            return _text(404, f"nothing at {request.path} on this server")
        asked = request.args.get("format")
        if asked is not None:
            if asked not in DOCUMENT_TYPES:
                return _text(400, f"unknown format {asked!r}; use one of {', '.join(DOCUMENT_TYPES)}")
            if asked not in available:
                return _text(404, f"{request.path} has no {asked} document")
            suffix = asked
        else:
            offered = [(media, s) for media, s in _DOCUMENT_ACCEPT if s in available]
            suffix = _negotiate(request, offered)
            if suffix is None:
                types = ", ".join(DOCUMENT_TYPES[s] for s in available)
                return _text(406, f"{request.path} is available as {types}", Vary="Accept")
        location = quote(f"{request.path}.{suffix}", safe=_PATH_SAFE)
        if request.path in HASH_DOCUMENTS:
            response = _send(available[suffix], request)
            response.headers["Content-Location"] = location
        else:
            response = Response(
                f"See {location}\n", status=303, mimetype="text/plain", headers={"Location": location}
            )
        if asked is None:
            response.headers["Vary"] = "Accept"
        return response

    def _file(self, path: str) -> Path | None:
        joined = safe_join(str(self.root), path.lstrip("/"))
        if joined is None:
            return None
        candidate = Path(joined)
        return candidate if candidate.is_file() else None

    # --- The SPARQL endpoint ----------------------------------------------------------------------

    def _sparql(self, request: Request) -> Response:
        if request.method not in (*_READ_METHODS, "POST"):
            return _text(
                405, f"{request.method} is not allowed on /sparql", Allow="GET, HEAD, POST, OPTIONS"
            )
        params: MultiDict = request.args
        body_query = None
        if request.method == "POST":
            media = request.mimetype
            if media == "application/x-www-form-urlencoded":
                params = request.form
            elif media == "application/sparql-query":
                body_query = request.get_data(as_text=True)
            elif media == "application/sparql-update":
                return _text(403, "this endpoint is read-only: SPARQL Update is not accepted")
            else:
                return _text(
                    415,
                    "POST a query as application/x-www-form-urlencoded (query=...) or as "
                    f"application/sparql-query, not {media or 'no Content-Type'}",
                )
        if "update" in params:
            return _text(403, "this endpoint is read-only: SPARQL Update is not accepted")
        queries = params.getlist("query") if body_query is None else [body_query]
        if body_query is not None and "query" in params:
            return _text(400, "give the query once: in the body or as query=, not both")
        if len(queries) > 1:
            return _text(400, "give exactly one query= parameter")
        formats = self._formats(request, params)
        if isinstance(formats, Response):
            return formats
        results, graphs = formats
        if not queries:
            if request.method == "POST":
                return _text(400, "no query: give query=...")
            return self._description(request)
        default_graphs = params.getlist("default-graph-uri") or None
        named_graphs = params.getlist("named-graph-uri") or None
        for iri in (default_graphs or []) + (named_graphs or []):
            try:
                ox.NamedNode(iri)
            except ValueError as error:
                return _text(
                    400, f"not an absolute IRI in default-graph-uri or named-graph-uri: {error}"
                )
        answer = self.service.run(
            queries[0],
            results=results,
            graphs=graphs,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
        )
        chosen = graphs if answer.form == "graph" else results
        if chosen == "html" or (answer.form is None and "html" in (results, graphs)):
            response = self._page(queries[0], answer)
        else:
            response = Response(
                answer.body, status=answer.status, content_type=_content_type(answer.media_type)
            )
        response.headers[LIMIT_HEADER] = str(self.service.limit)
        if answer.truncated:
            response.headers[TRUNCATED_HEADER] = "true"
        if params.get("format") is None:
            response.headers["Vary"] = "Accept"
        return response

    def _formats(self, request: Request, params: MultiDict) -> tuple[str | None, str | None] | Response:
        """The formats for SELECT/ASK and for CONSTRUCT/DESCRIBE answers, or an error response."""
        asked = params.get("format")
        if asked is not None:
            if asked not in _FORMAT_PARAMETER:
                names = ", ".join(k for k in _FORMAT_PARAMETER if "/" not in k)
                return _text(400, f"unknown format {asked!r}; use one of {names} or a media type")
            return _FORMAT_PARAMETER[asked]
        results = _negotiate(request, _RESULT_ACCEPT)
        graphs = _negotiate(request, _GRAPH_ACCEPT)
        if results is None and graphs is None:
            offered = [*RESULT_FORMATS.values(), *GRAPH_FORMATS.values(), "text/html"]
            return _text(406, f"no acceptable format; the endpoint offers {', '.join(offered)}")
        return results, graphs

    def _description(self, request: Request) -> Response:
        """``GET /sparql`` without a query: the page for a browser, else the service description."""
        if _negotiate(request, [("text/html", "html"), ("text/turtle", "ttl")]) == "html":
            page = self._page(self._first_example())
            page.headers["Vary"] = "Accept"
            return page
        description = self._file("/sparql-service.ttl")
        if description is None:
            return _text(400, "no query: give query=...")
        response = _send(description, request)
        response.headers["Vary"] = "Accept"
        return response

    # --- The query page ---------------------------------------------------------------------------

    def _first_example(self) -> str:
        return next(iter(self.examples.values()), "SELECT * WHERE { ?s ?p ?o } LIMIT 10\n")

    def _page(self, query: str, answer: Answer | None = None) -> Response:
        status = 200 if answer is None else answer.status
        body = render_query_page(
            query,
            answer,
            examples=sorted(self.examples),
            timeout=self.service.timeout,
            limit=self.service.limit,
        )
        return Response(body, status=status, mimetype="text/html")


def _negotiate(request: Request, offered: Sequence[tuple[str, str]]) -> str | None:
    """The name of the offered media type the client prefers (q-values honoured; ties: first offered).

    A request without ``Accept`` accepts anything, so it gets the first offered.
    """
    if not offered:
        return None
    if not request.headers.get("Accept", "").strip():
        return offered[0][1]
    best = request.accept_mimetypes.best_match([media for media, _ in offered])
    return None if best is None else dict(offered)[best]


def _send(file: Path, request: Request) -> Response:
    media = (
        _FILE_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    )
    response = send_file(file, request.environ, mimetype=media, conditional=True, max_age=60)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def _text(status: int, message: str, **headers: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers)


# --- The query page ----------------------------------------------------------------------------

_PAGE_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b}
header{background:#0b3d62;color:#fff;padding:.6em 1.2em}header a{color:#fff}
main{padding:1em 1.2em;max-width:110em}
textarea{width:100%;font:13px/1.35 ui-monospace,monospace;box-sizing:border-box}
table{border-collapse:collapse;margin-top:.6em}th,td{border:1px solid #c8c8c8;padding:.25em .5em;
vertical-align:top;text-align:left}th{background:#eef3f7}
.error{color:#8b0000;font-weight:600;white-space:pre-wrap}.note{color:#555}
.lang,.datatype{color:#666;font-size:85%}pre{background:#f6f6f6;padding:.6em;overflow:auto}
"""


def render_query_page(
    query: str,
    answer: Answer | None,
    *,
    examples: Sequence[str],
    timeout: float,
    limit: int,
) -> str:
    """The query page: a form with ``query`` in its text area, and the answer below it if any."""
    options = "".join(
        f'<option value="{value}"{" selected" if value == "html" else ""}>{label}</option>'
        for value, label in (
            ("html", "a table on this page"),
            ("json", "SPARQL JSON (or JSON-LD)"),
            ("xml", "SPARQL XML (or RDF/XML)"),
            ("csv", "CSV"),
            ("tsv", "TSV"),
            ("ttl", "Turtle (CONSTRUCT, DESCRIBE)"),
        )
    )
    listed = "".join(
        f'<li><a href="/query.html?example={html.escape(name, quote=True)}">{html.escape(name)}</a></li>'
        for name in examples
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>SPARQL query - imtkg</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n",
        '<header><a href="/">imtkg</a> · SPARQL query</header>\n<main>\n<h1>SPARQL query</h1>\n',
        "<p>A read-only SPARQL 1.1 endpoint at <code>/sparql</code>. A query stops after "
        f"{timeout:g} s and an answer holds at most {limit} rows.</p>\n",
        '<form method="post" action="/sparql">\n',
        '<textarea id="query" name="query" rows="22" spellcheck="false">',
        html.escape(query),
        "</textarea>\n",
        f'<p><button type="submit">Run query</button> <label>results as <select name="format">{options}'
        "</select></label></p>\n</form>\n",
    ]
    if answer is not None:
        parts.append(_render_answer(answer, limit))
    if examples:
        parts.append(f"<h2>Queries of the catalogue</h2>\n<ul>{listed}</ul>\n")
    parts.append("</main>\n</body>\n</html>\n")
    return "".join(parts)


def _render_answer(answer: Answer, limit: int) -> str:
    text = answer.body.decode("utf-8", "replace")
    if answer.form is None:
        message = html.escape(text.strip())
        return f'<section id="results"><p class="error" role="alert">{message}</p></section>\n'
    if answer.form == "graph":
        return f'<section id="results"><pre>{html.escape(text)}</pre></section>\n'
    document = json.loads(text)
    if "boolean" in document:
        return (
            f'<section id="results"><p id="boolean">{str(document["boolean"]).lower()}</p></section>\n'
        )
    variables = document["head"]["vars"]
    rows = document["results"]["bindings"]
    note = f"{len(rows)} row{'' if len(rows) == 1 else 's'}"
    if answer.truncated:
        note += f" (only the first {limit} are shown: the answer was capped)"
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{_render_cell(row.get(v))}</td>" for v in variables) + "</tr>\n"
        for row in rows
    )
    return (
        f'<section id="results"><p class="note" id="count">{note}</p>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></section>\n"
    )


def _render_cell(cell: Mapping[str, str] | None) -> str:
    if cell is None:
        return ""
    value = cell["value"]
    if cell["type"] == "uri":
        escaped = html.escape(value, quote=True)
        return f'<a href="{escaped}">{escaped}</a>'
    if cell["type"] == "bnode":
        return f"_:{html.escape(value)}"
    shown = html.escape(value)
    if "xml:lang" in cell:
        return f'{shown} <span class="lang">@{html.escape(cell["xml:lang"])}</span>'
    datatype = cell.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        short = datatype.rsplit("#", 1)[-1]
        title = html.escape(datatype, quote=True)
        return f'{shown} <span class="datatype" title="{title}">{html.escape(short)}</span>'
    return shown


# --- The server --------------------------------------------------------------------------------


class LinkedDataServer:
    """A waitress server bound to ``host:port`` (``port`` 0: any free port), answering with a site.

    Binding happens here, so :attr:`url` is known before the site is published for it; call
    :meth:`open` with the site, then :meth:`run` (which blocks) until :meth:`close`. Raises
    :class:`InputError` when the address cannot be bound.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, threads: int = 8):
        self._app: SiteApp | None = None
        self._service: QueryService | None = None
        self._closed = False
        try:
            self._server = create_server(
                self._handle,
                host=host,
                port=port,
                threads=threads,
                ident="imtkg",
                expose_tracebacks=False,
            )
        except OSError as error:
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        self.host = host
        self.port = int(self._server.effective_port)

    @property
    def url(self) -> str:
        """``http://HOST:PORT/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def open(
        self,
        site: Path,
        *,
        examples: Mapping[str, str],
        query_timeout: float = 10.0,
        result_limit: int = 10_000,
        workers: int = 2,
        memory_limit: int | None = 2048,
    ) -> None:
        """Serve ``site`` (a folder written by publish): its files and its ``dataset.nt`` at /sparql.

        The query options are those of :class:`QueryService` (``memory_limit`` in MB per worker).
        """
        site = Path(site)
        dataset = site_dataset(site)
        files = [dataset] + ([site / "dataset.trig"] if (site / "dataset.trig").is_file() else [])
        self._service = QueryService(
            files, workers=workers, timeout=query_timeout, limit=result_limit, memory_limit=memory_limit
        )
        self._app = SiteApp(site, self._service, examples)

    def run(self) -> None:
        """Answer requests until :meth:`close` (or an interrupt)."""
        try:
            self._server.run()
        except OSError:
            # close() from another thread can pull the sockets from under waitress's select().
            if not self._closed:
                raise


    def worker_pids(self) -> list[int]:
        """The process ids of the query workers (see :meth:`QueryService.worker_pids`)."""
        return [] if self._service is None else self._service.worker_pids()

    def close(self) -> None:
        """Stop listening and stop the query workers."""
        self._closed = True
        self._server.close()
        self._server.task_dispatcher.shutdown()
        if self._service is not None:
            self._service.close()

    def _handle(self, environ, start_response):
        if self._app is None:
            response = _text(503, "the server is starting (publishing the site)", **{"Retry-After": "5"})
            response.headers.update(_CORS)
            return response(environ, start_response)
        return self._app(environ, start_response)


def site_dataset(site: Path) -> Path:
    """The ``dataset.nt`` of a published site; :class:`InputError` if ``site`` is not one."""
    dataset = Path(site) / "dataset.nt"
    if not dataset.is_file():
        raise InputError(f"{site}: not a published site (no dataset.nt; `imtkg publish` writes one)")
    return dataset


def catalogue_examples(project: Project, base_iri: str | None) -> dict[str, str]:
    """The catalogue's queries by name, ``views/roadmap`` first, IRIs rewritten to ``base_iri``."""
    catalogue = load_catalogue(project.queries_dir)
    names = sorted(catalogue, key=lambda name: (name != "views/roadmap", name))
    texts = {name: catalogue[name].text for name in names}
    if base_iri and base_iri != DATA_BASE:
        texts = {name: text.replace(DATA_BASE, base_iri) for name, text in texts.items()}
    return texts


def published_base(site: Path) -> str | None:
    """The base a site was published with: the ``void:uriSpace`` of its ``void.ttl``, if one."""
    void = Path(site) / "void.ttl"
    if not void.is_file():
        return None
    try:
        spaces = {
            triple.object.value
            for triple in ox.parse(path=void, format=ox.RdfFormat.TURTLE)
            if triple.predicate == _URI_SPACE and isinstance(triple.object, ox.Literal)
        }
    except SyntaxError as error:
        raise InputError(f"{void}: not valid Turtle ({error})") from None
    return spaces.pop() if len(spaces) == 1 else None


_URI_SPACE = ox.NamedNode("http://rdfs.org/ns/void#uriSpace")


def serve(
    project: Project | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    site: Path | None = None,
    catalogue: Path | None = None,
    base_iri: str | None = None,
    query_timeout: float = 10.0,
    result_limit: int = 10_000,
    workers: int = 2,
    memory_limit: int | None = 2048,
    announce: Callable[[str], None] = print,
) -> None:
    """Publish ``project`` for ``http://HOST:PORT/`` (or serve ``site``) and answer until interrupted.

    Without ``site``, the project is published (with ``catalogue``) into a temporary folder whose
    IRIs are under ``base_iri`` (default: the server's own URL), so resource IRIs dereference
    against this server; the folder is removed at the end. With ``site``, the folder is served as
    it is; the example queries are rewritten to the base its data was published with
    (``base_iri``, else :func:`published_base`). ``announce`` is told what happens.
    """
    project = project or Project.default()
    if site is not None:
        site_dataset(site)  # a folder that is not a site is refused before anything listens
    server = LinkedDataServer(host, port, threads=max(8, 2 * workers + 4))
    # The server answers at once ("503 starting") while the site is published; the main thread
    # waits on it with a time-out, so an interrupt (Ctrl-C, SIGTERM) reaches it at any time.
    thread = threading.Thread(target=server.run, name="imtkg-serve", daemon=True)
    thread.start()
    with tempfile.TemporaryDirectory(prefix="imtkg-serve-") as scratch:
        try:
            base = base_iri or (server.url if site is None else published_base(site))
            if site is None:
                from .publish import publish

                announce(f"publishing the site for {base} ...")
                site = publish(project, Path(scratch) / "site", base_iri=base, catalogue=catalogue).root
            server.open(
                site,
                examples=catalogue_examples(project, base),
                query_timeout=query_timeout,
                result_limit=result_limit,
                workers=workers,
                memory_limit=memory_limit,
            )
            announce(
                f"serving {site} at {server.url} (SPARQL endpoint {server.url}sparql); Ctrl-C stops"
            )
            while thread.is_alive():
                thread.join(timeout=0.5)
        finally:
            server.close()
            # Open keep-alive connections keep waitress's loop up to its channel time-out; the
            # thread is a daemon, so it need not be waited for longer.
            thread.join(timeout=2)
