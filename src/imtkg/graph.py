"""Load Turtle files into one rdflib graph, reporting a malformed file with its line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import SourceError
from .namespaces import ONTOLOGY_IRI, bind_prefixes


def new_graph() -> Graph:
    """An empty graph with the project prefixes bound."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    return graph


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse the Turtle file ``path`` (into ``into`` if given).

    Raises :class:`SourceError` naming the file and line when it is missing or malformed.
    """
    return parse_rdf(path, into, "turtle")


def parse_rdf(path: Path, into: Graph | None = None, fmt: str | None = None) -> Graph:
    """Parse an RDF file (Turtle or N-Triples, by suffix unless ``fmt`` is given)."""
    graph = into if into is not None else new_graph()
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "no such file")
    fmt = fmt or ("nt" if path.suffix == ".nt" else "turtle")
    try:
        graph.parse(path, format=fmt)
    except BadSyntax as exc:
        raise SourceError(path, f"malformed Turtle: {exc._why}", exc.lines + 1) from None
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text (byte {exc.start})") from None
    except Exception as exc:  # rdflib reports some syntax errors with other exception types
        raise SourceError(path, f"malformed Turtle: {exc}") from None
    return graph


def load_turtle(paths: Iterable[Path], into: Graph | None = None) -> Graph:
    """Parse every file of ``paths`` into one graph."""
    graph = into if into is not None else new_graph()
    for path in paths:
        parse_turtle(path, graph)
    return graph


def stamp_version(ontology: Graph, version: str) -> None:
    """Set the ontology's ``owl:versionIRI`` and ``owl:versionInfo`` to ``version``.

    The version is written only in ``pyproject.toml``; builds and publications stamp it.
    """
    subject = URIRef(ONTOLOGY_IRI)
    ontology.set((subject, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{version}")))
    ontology.set((subject, OWL.versionInfo, Literal(version)))
