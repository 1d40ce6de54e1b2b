"""Catalogue queries on a remote SPARQL 1.1 endpoint, giving the same :class:`Table` as a local run.

:func:`run_remote` is the remote twin of :func:`imtkg.queries.run_query`: the same query text
(parameters joined by the ``VALUES`` block that :meth:`Query.bound` puts last in the WHERE
group), the same header check and the same cells (rdflib terms), so rows from an endpoint compare
equal to rows from rdflib on the same triples. The request is an urlencoded ``POST`` of
``query=`` (Virtuoso never answers a direct ``application/sparql-query`` POST) asking for SPARQL
JSON results.

Credentials come from the environment only: ``IMTKG_ENDPOINT_USER`` and
``IMTKG_ENDPOINT_PASSWORD`` (both or neither) are sent as HTTP basic authentication. An endpoint
URL that carries credentials itself (``http://user:secret@host/``) is refused, so a password never
shows up in a command line, a shell history or an error message.

Every failure of the endpoint is an :class:`EndpointError` naming it: unreachable, an HTTP error
status (with the first line of the server's message), a time-out, or an answer that is not SPARQL
JSON results.
"""

from __future__ import annotations

import ast
import http.client
import json
import os
import time
import urllib.error
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .errors import ImtkgError, InputError, SourceError
from .queries import Query, Table

__all__ = [
    "PASSWORD_VARIABLE",
    "USER_VARIABLE",
    "EndpointError",
    "run_remote",
    "select_remote",
    "term_from_json",
]

USER_VARIABLE = "IMTKG_ENDPOINT_USER"
"""Environment variable holding the user name for HTTP basic authentication (default: none)."""
PASSWORD_VARIABLE = "IMTKG_ENDPOINT_PASSWORD"
"""Environment variable holding the password for HTTP basic authentication (default: none)."""

_JSON_MEDIA_TYPES = ("application/sparql-results+json", "application/json")
_CHUNK = 64 * 1024
_MESSAGE_LIMIT = 300


class EndpointError(ImtkgError):
    """A SPARQL endpoint cannot be used: unreachable, an HTTP error, a time-out, or a bad answer.

    ``endpoint`` is the URL, ``status`` the HTTP status when there was one, ``detail`` the message
    without the endpoint.
    """

    def __init__(self, endpoint: str, message: str, status: int | None = None):
        self.endpoint = endpoint
        self.status = status
        self.detail = message
        super().__init__(f"endpoint {endpoint}: {message}")


def term_from_json(cell: Mapping[str, Any]) -> Node:
    """The rdflib term of one SPARQL JSON results cell, as a local rdflib query would give it.

    ``uri`` gives a :class:`URIRef`, ``bnode`` a :class:`BNode` with the server's label (a blank
    node never equals a local one), ``literal`` (and Virtuoso's older ``typed-literal``) a
    :class:`Literal` with its language tag or datatype. An explicit ``xsd:string`` datatype is
    dropped: RDF 1.1 makes ``"x"`` and ``"x"^^xsd:string`` the same literal, but rdflib does not
    (``Literal("x") != Literal("x", datatype=XSD.string)``), and rdflib gives a simple literal for
    both ``"x"`` in the data and the strings SPARQL builds (``STR``, ``CONCAT``, ``"bearer"``), so
    the simple form is the one that compares equal. Oxigraph already omits the datatype. Language
    tags are kept as sent (Oxigraph lowercases them; rdflib compares them case-insensitively).
    Raises :class:`ValueError` for a cell that is not a well-formed RDF term.

    >>> term_from_json({"type": "uri", "value": "https://w3id.org/imtkg/id/org/itu-t"})
    rdflib.term.URIRef('https://w3id.org/imtkg/id/org/itu-t')
    >>> term_from_json({"type": "literal", "value": "ITU-T", "xml:lang": "en"})
    rdflib.term.Literal('ITU-T', lang='en')
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> term_from_json({"type": "literal", "value": "x", "datatype": xsd + "string"}) == Literal("x")
    True
    >>> term_from_json({"type": "typed-literal", "value": "2012", "datatype": xsd + "gYear"})
    rdflib.term.Literal('2012', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    kind = cell.get("type")
    value = cell.get("value")
    if not isinstance(value, str):
        raise ValueError(f"a {kind or 'untyped'} cell without a string value: {cell!r}")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = cell.get("xml:lang")
        datatype = cell.get("datatype")
        if lang is not None:
            if not isinstance(lang, str) or not lang:
                raise ValueError(f"a literal with a bad language tag: {cell!r}")
            return Literal(value, lang=lang)
        if datatype is None or datatype == str(XSD.string):
            return Literal(value)
        if not isinstance(datatype, str):
            raise ValueError(f"a literal with a bad datatype: {cell!r}")
        return Literal(value, datatype=URIRef(datatype))
    raise ValueError(f"an unsupported term type {kind!r}: {cell!r}")


def run_remote(
    endpoint: str,
    query: Query,
    values: dict[str, str] | None = None,
    *,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
) -> Table:
    """Run ``query`` on the SPARQL endpoint ``endpoint``; the same :class:`Table` as ``run_query``.

    ``values`` are the query's parameters, checked and bound exactly as for a local run (a value
    that is not of its kind raises :class:`InputError` before anything is sent). ``timeout`` (in
    seconds) bounds each network wait and the whole answer. ``environ`` (default ``os.environ``) is
    where the credentials are read. Cells are converted by :func:`term_from_json`, so an explicit
    ``xsd:string`` datatype is dropped. Raises :class:`EndpointError` when the endpoint is not an
    http(s) URL, is unreachable, answers with an HTTP error or not with SPARQL JSON results, or does
    not answer within ``timeout``; :class:`SourceError` when the result's columns are not the header's.

    >>> from imtkg.project import Project
    >>> from imtkg.queries import load_catalogue
    >>> query = load_catalogue(Project.default().queries_dir)["resolutions/obligations"]
    >>> run_remote("http://127.0.0.1:9/query", query, {"resolution": "https://x.example/a>b"})
    Traceback (most recent call last):
    ...
    imtkg.errors.InputError: parameter resolution: 'https://x.example/a>b' is not an absolute IRI
    """
    text = query.bound(values)
    variables, rows = select_remote(endpoint, text, timeout=timeout, environ=environ)
    if variables != query.columns:
        raise SourceError(
            query.path,
            f"the header declares columns {list(query.columns)} but the query selects "
            f"{list(variables)} at {endpoint}",
        )
    return Table(variables, rows)


def select_remote(
    endpoint: str,
    text: str,
    *,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    """Run the SELECT query ``text`` on the SPARQL endpoint ``endpoint``: its variables and rows.

    The request, the credentials, the time-out and the errors are those of :func:`run_remote`;
    a row holds one rdflib term (by :func:`term_from_json`) or ``None`` for each variable.

    >>> select_remote("ftp://127.0.0.1/query", "SELECT * WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    imtkg.endpoint.EndpointError: endpoint 'ftp://127.0.0.1/query': not an http or https URL
    """
    shown = _check_url(endpoint)
    credentials = _credentials(os.environ if environ is None else environ)
    if not timeout > 0:
        raise InputError(f"the time-out must be a positive number of seconds, not {timeout!r}")

    sparql = SPARQLWrapper(endpoint, returnFormat=JSON)
    sparql.setMethod(POST)
    sparql.setRequestMethod(URLENCODED)
    sparql.setQuery(text)
    # SPARQLWrapper guesses the query form with a regular expression that reads words in comments
    # (a header saying "asked" made it ASK; "insert" would make it an update). Catalogue queries are
    # SELECT queries: always send them as one, as ``query=`` to the query endpoint.
    sparql.queryType = SELECT
    # setTimeout() truncates to int (0.5 would become 0, which means no time-out): set it directly.
    sparql.timeout = timeout  # type: ignore[assignment]
    if credentials:
        sparql.setCredentials(*credentials)

    deadline = time.monotonic() + timeout
    try:
        response = sparql.query().response
        content_type = response.headers.get("Content-Type", "")
        body = _read(response, deadline, shown, timeout)
    except SPARQLWrapperException as error:
        # SPARQLWrapper has read the body already; it keeps the HTTPError as the context.
        cause = error.__context__
        status = cause.code if isinstance(cause, urllib.error.HTTPError) else None
        raise _http_error(shown, status, _wrapped_body(error)) from None
    except urllib.error.HTTPError as error:
        raise _http_error(shown, error.code, _safe_read(error)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timed_out(shown, timeout) from None
        raise EndpointError(shown, f"cannot be reached ({_reason(error.reason)})") from None
    except TimeoutError:
        raise _timed_out(shown, timeout) from None
    except http.client.HTTPException as error:
        raise EndpointError(shown, f"did not answer with HTTP ({_reason(error)})") from None
    except OSError as error:
        raise EndpointError(shown, f"cannot be reached ({_reason(error)})") from None

    variables, bindings = _parse_results(shown, content_type, body)
    rows = []
    for number, binding in enumerate(bindings, start=1):
        unknown = sorted(set(binding) - set(variables))
        if unknown:
            raise _not_results(
                shown, f"row {number} binds {unknown[0]!r}, which is not a result variable"
            )
        try:
            rows.append(tuple(_cell(binding.get(v)) for v in variables))
        except ValueError as error:
            raise _not_results(shown, f"row {number}: {error}") from None
    return variables, rows


def _check_url(endpoint: str) -> str:
    """The endpoint as it may be shown; :class:`EndpointError` unless it is an http(s) URL."""
    try:
        parts = urlsplit(endpoint)
        has_credentials = parts.username is not None or parts.password is not None
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise EndpointError(repr(endpoint), f"not a URL ({error})") from None
    if has_credentials:
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        redacted = urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
        raise EndpointError(
            redacted,
            f"the URL carries credentials; give them in {USER_VARIABLE} and {PASSWORD_VARIABLE}",
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(repr(endpoint), "not an http or https URL")
    return endpoint


def _credentials(environ: Mapping[str, str]) -> tuple[str, str] | None:
    user = environ.get(USER_VARIABLE) or None
    password = environ.get(PASSWORD_VARIABLE) or None
    if user is None and password is None:
        return None
    if user is None or password is None:
        raise InputError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
    return user, password


def _read(response: Any, deadline: float, endpoint: str, timeout: float) -> bytes:
    """The whole body, in chunks, giving up once the deadline has passed."""
    chunks = []
    while True:
        if time.monotonic() > deadline:
            raise _timed_out(endpoint, timeout)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
    response.close()
    return b"".join(chunks)


def _safe_read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, http.client.HTTPException):
        return b""


def _wrapped_body(error: SPARQLWrapperException) -> bytes:
    """The server's message, which SPARQLWrapper keeps only inside its own message as a bytes repr."""
    _, found, literal = str(error).partition("\n\nResponse:\n")
    if not found:
        return b""
    try:
        body = ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return literal.encode("utf-8", "replace")
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "replace")


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= _MESSAGE_LIMIT else line[: _MESSAGE_LIMIT - 1] + "…"


def _http_error(endpoint: str, status: int | None, body: bytes) -> EndpointError:
    if status is None:
        return EndpointError(
            endpoint, f"answered with an HTTP error: {_first_line(body) or 'no message'}"
        )
    try:
        phrase = f" {HTTPStatus(status).phrase}"
    except ValueError:
        phrase = ""
    message = f"answered HTTP {status}{phrase}"
    line = _first_line(body)
    if line:
        message += f": {line}"
    if status in (401, 403):
        message += f" (credentials are read from {USER_VARIABLE} and {PASSWORD_VARIABLE})"
    return EndpointError(endpoint, message, status)


def _timed_out(endpoint: str, timeout: float) -> EndpointError:
    return EndpointError(endpoint, f"timed out after {timeout:g} s without a complete answer")


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _not_results(endpoint: str, message: str) -> EndpointError:
    return EndpointError(endpoint, f"the answer is not SPARQL JSON results: {message}")


def _parse_results(endpoint: str, content_type: str, body: bytes) -> tuple[tuple[str, ...], list]:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in _JSON_MEDIA_TYPES:
        start = _first_line(body)[:80]
        raise _not_results(
            endpoint,
            f"Content-Type is {media_type or 'missing'}, not application/sparql-results+json"
            + (f" (it starts {start!r})" if start else ""),
        )
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _not_results(endpoint, f"invalid JSON ({error})") from None
    head = document.get("head") if isinstance(document, dict) else None
    results = document.get("results") if isinstance(document, dict) else None
    variables = head.get("vars") if isinstance(head, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if isinstance(document, dict) and "boolean" in document:
        raise _not_results(endpoint, "a boolean (ASK) answer, not a table")
    if not (isinstance(variables, list) and all(isinstance(v, str) for v in variables)):
        raise _not_results(endpoint, "no list of variables in head.vars")
    if not (isinstance(bindings, list) and all(isinstance(b, dict) for b in bindings)):
        raise _not_results(endpoint, "no list of rows in results.bindings")
    return tuple(variables), bindings


def _cell(cell: object) -> Node | None:
    if cell is None:
        return None
    if not isinstance(cell, dict):
        raise ValueError(f"a cell that is not a JSON object: {cell!r}")
    return term_from_json(cell)
