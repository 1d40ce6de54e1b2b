"""The query catalogue: named SPARQL 1.1 files with a documented header, run with typed parameters.

A query file starts with a header of ``#+`` comment lines::

    #+ title: Obligations of a resolution
    #+ description: Every obligation the operative clauses of a resolution create, ...
    #+ param resolution: iri - the resolution revision (all revisions when omitted)
    #+ columns: resolution, clause, bearer, force, action, text

A parameter ``name`` is the variable ``?_name`` of the query. Values are turned into RDF terms of
the declared kind (``iri``, ``string``, ``integer``, ``date``, ``gYear``) and joined with the query
through a ``VALUES`` block written with the terms' N-Triples syntax, so a value is always data and
never SPARQL. The block goes last inside the outer ``WHERE`` group rather than after the query (a
trailing VALUES clause), which Virtuoso 7.2 rejects; joined last, it selects the same solutions.
The same text runs on rdflib and on any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import Store
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import InputError, SourceError

KINDS = ("iri", "string", "integer", "date", "gYear")
_HEADER_RE = re.compile(r"^#\+\s*(?P<key>[A-Za-z]+)(?:\s+(?P<name>[A-Za-z][\w]*))?\s*:\s*(?P<value>.*)$")
_PARAM_RE = re.compile(rf"^(?P<kind>{'|'.join(KINDS)})\s*(?:[-\u2013\u2014]\s*(?P<doc>.*))?$")
# Characters RFC 3987 forbids in an IRI, which would also break out of <...> in SPARQL.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: bound to ``?_name``, of a kind, with a description."""

    name: str
    kind: str
    description: str

    def term(self, value: str) -> Node:
        """The RDF term for ``value``; :class:`InputError` if it is not of this parameter's kind."""
        if self.kind == "iri":
            if _BAD_IRI_CHARS.search(value) or not _IRI_SCHEME.match(value):
                raise InputError(f"parameter {self.name}: {value!r} is not an absolute IRI")
            return URIRef(value)
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value.strip()):
                raise InputError(f"parameter {self.name}: {value!r} is not an integer")
            return Literal(int(value), datatype=XSD.integer)
        if self.kind == "date":
            try:
                return Literal(date.fromisoformat(value), datatype=XSD.date)
            except ValueError:
                raise InputError(
                    f"parameter {self.name}: {value!r} is not a date (YYYY-MM-DD)"
                ) from None
        if self.kind == "gYear":
            if not re.fullmatch(r"\d{4}", value):
                raise InputError(f"parameter {self.name}: {value!r} is not a year (YYYY)")
            return Literal(value, datatype=XSD.gYear)
        return Literal(value)


@dataclass(frozen=True)
class Query:
    """A named query of the catalogue."""

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str

    def bound(self, values: dict[str, str] | None = None) -> str:
        """The query text with ``values`` joined by a VALUES block last in the outer WHERE group."""
        values = values or {}
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            expected = ", ".join(known) or "none"
            raise InputError(
                f"query {self.name}: unknown parameter {unknown[0]!r} (parameters: {expected})"
            )
        if not values:
            return self.text
        names = sorted(values)
        terms = [known[n].term(values[n]) for n in names]
        variables = " ".join(f"?_{n}" for n in names)
        row = " ".join(t.n3() for t in terms)
        end = _outer_group_end(self.text)
        if end is None:
            raise SourceError(self.path, "no WHERE group to bind parameters in")
        block = f"  VALUES ({variables}) {{ ({row}) }}\n"
        return f"{self.text[:end]}{block}{self.text[end:]}"


# Tokens that may hold braces without opening a group: comments, strings (long ones first), IRIs.
_SKIPPED = re.compile(
    r"""#[^\n]*|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}"""
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>"""
)


def _outer_group_end(text: str) -> int | None:
    """The offset of the ``}`` that closes the first top-level group (the WHERE clause)."""
    depth, position = 0, 0
    while position < len(text):
        skipped = _SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


@dataclass(frozen=True)
class Table:
    """Rows of a query result with their column names; cells are RDF terms or None."""

    columns: tuple[str, ...]
    rows: list[tuple[Node | None, ...]]

    def to_dataframe(self):
        """The rows as a pandas DataFrame of strings (pandas is optional: ``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("Table.to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame(self.records(), columns=list(self.columns))

    def records(self) -> list[dict[str, str]]:
        """Rows as dicts of strings (SPARQL CSV convention: IRIs and lexical forms, '' if unbound)."""
        return [
            {c: "" if v is None else str(v) for c, v in zip(self.columns, row, strict=True)}
            for row in self.rows
        ]


def parse_query_file(path: Path, name: str) -> Query:
    """Read a query file and its header; :class:`SourceError` names the line of a bad header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        match = _HEADER_RE.match(line)
        if not match:
            raise SourceError(path, "expected a header line '#+ key: value'", number)
        key, pname, value = match["key"], match["name"], match["value"].strip()
        if key == "param":
            kind = _PARAM_RE.match(value)
            if not pname or not kind:
                raise SourceError(
                    path,
                    f"expected '#+ param NAME: KIND - description' with KIND one of {', '.join(KINDS)}",
                    number,
                )
            params.append(Parameter(pname, kind["kind"], (kind["doc"] or "").strip()))
        else:
            fields[key] = value
    for required in ("title", "description", "columns"):
        if not fields.get(required):
            raise SourceError(path, f"the header has no '#+ {required}:' line")
    columns = tuple(c.strip() for c in fields["columns"].split(",") if c.strip())
    return Query(name, path, fields["title"], fields["description"], tuple(params), columns, text)


def load_catalogue(queries_dir: Path) -> dict[str, Query]:
    """Every ``*.rq`` under ``queries_dir``, named by its path without the suffix."""
    catalogue = {}
    for path in sorted(queries_dir.rglob("*.rq")):
        name = path.relative_to(queries_dir).with_suffix("").as_posix()
        catalogue[name] = parse_query_file(path, name)
    return catalogue


def run_query(graph: Graph, query: Query, values: dict[str, str] | None = None) -> Table:
    """Run ``query`` on an rdflib graph; the columns are the header's, checked against the result."""
    result = graph.query(query.bound(values))
    variables = tuple(str(v) for v in result.vars or ())
    return _table(query, variables, [tuple(row) for row in result])


def run_query_on_store(store: Store, query: Query, values: dict[str, str] | None = None) -> Table:
    """Run ``query`` on the default graph of an Oxigraph store; the same :class:`Table` as
    :func:`run_query` gives on the same triples (rdflib terms, simple literals without
    ``xsd:string``)."""
    from .oxstore import select

    variables, rows = select(store, query.bound(values))
    return _table(query, variables, rows)


def _table(query: Query, variables: tuple[str, ...], rows: list[tuple]) -> Table:
    if variables != query.columns:
        raise SourceError(
            query.path,
            f"the header declares columns {list(query.columns)} but the query selects {list(variables)}",
        )
    return Table(variables, rows)
