"""The fast store: Oxigraph (pyoxigraph) holding the build graph, and its bridge to rdflib terms.

The fast engine keeps the graph in a :class:`pyoxigraph.Store`: the asserted triples in the
default graph, and the triples inference adds both in the default graph and in the named graph
:data:`INFERRED_GRAPH` (so every query reads the default graph only, and the inferred triples
can still be told apart). The rest of imtkg speaks rdflib; these functions turn terms, triples and
query results of one library into the other's.

Two differences between the libraries are smoothed here, so that the same data gives equal terms:
a simple literal is ``"x"`` in rdflib and ``"x"^^xsd:string`` in Oxigraph (RDF 1.1 makes them the
same literal; rdflib does not), and blank nodes keep their labels both ways.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import SourceError

#: The named graph that holds a copy of the triples inference added.
INFERRED_GRAPH = ox.NamedNode("https://w3id.org/imtkg/id/graph/inferred")

_XSD_STRING = str(XSD.string)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """The rdflib term of a pyoxigraph term (``xsd:string`` literals become simple literals)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term of a triple: {term!r}")


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term of an rdflib term (blank nodes keep their labels)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term of a triple: {term!r}")


def quads_of(graph: Graph, into: ox.NamedNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as pyoxigraph quads of graph ``into`` (default graph)."""
    target = into if into is not None else ox.DefaultGraph()
    for s, p, o in graph:
        yield ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), target)


def add_graph(store: ox.Store, graph: Graph) -> None:
    """Add the triples of an rdflib graph to the default graph of ``store``."""
    store.extend(quads_of(graph))


def load_file(store: ox.Store, path: Path) -> None:
    """Parse a Turtle or N-Triples file into the default graph of ``store``.

    Raises :class:`SourceError` naming the file and line when it is missing or malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "no such file")
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    try:
        store.load(path=path, format=fmt, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        kind = "N-Triples" if fmt == ox.RdfFormat.N_TRIPLES else "Turtle"
        raise SourceError(path, f"malformed {kind}: {exc.msg}", line) from None
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text (byte {exc.start})") from None


def to_graph(
    store: ox.Store, graph_name: ox.NamedNode | ox.DefaultGraph | None = None, into: Graph | None = None
) -> Graph:
    """The triples of one graph of ``store`` (the default graph) as an rdflib graph."""
    target = into if into is not None else Graph()
    name = graph_name if graph_name is not None else ox.DefaultGraph()
    add = target.add
    for quad in store.quads_for_pattern(None, None, None, name):
        add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return target


def ntriples(store: ox.Store, graph_name: ox.NamedNode | ox.DefaultGraph | None = None) -> bytes:
    """One graph of ``store`` (the default graph) as N-Triples bytes."""
    name = graph_name if graph_name is not None else ox.DefaultGraph()
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)


def write_ntriples(store: ox.Store, path: Path) -> None:
    """Write the default graph of ``store`` to the file ``path`` as N-Triples (Oxigraph writes it
    without holding the GIL)."""
    store.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large result of acyclic objects is built.

    Its collections, set off by the allocations alone, cannot free any of those objects and took a
    tenth of the 1M-triple roadmap view's time (0.98 s → 0.89 s). Reference counting still frees
    everything; the collector is enabled again after, unless it was already disabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def select(store: ox.Store, query: str) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    """Run a SELECT query on the default graph of ``store``: its variables and rdflib rows."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    variables = tuple(v.value for v in solutions.variables)
    memo: dict = {None: None}  # a view repeats its IRIs and values: convert each term once

    def term(value):
        converted = memo.get(value, memo)
        if converted is memo:
            converted = memo[value] = to_rdflib(value)
        return converted

    indices = range(len(variables))
    with _cycle_collector_paused():
        rows = [tuple(term(solution[i]) for i in indices) for solution in solutions]
    return variables, rows


def count(store: ox.Store, graph_name: ox.NamedNode | ox.DefaultGraph | None = None) -> int:
    """The number of triples in one graph of ``store`` (the default graph)."""
    pattern = "?s ?p ?o" if graph_name is None or graph_name == ox.DefaultGraph() else (
        f"GRAPH {graph_name} {{ ?s ?p ?o }}"
    )
    # Counted by Oxigraph: a Python loop over the quads took 0.15 s for the catalogue.
    (solution,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(solution["n"].value)


def subjects_of_type(store: ox.Store, types: Iterable[str]) -> dict[str, int]:
    """How many distinct subjects the default graph types with each class IRI of ``types``."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    default = ox.DefaultGraph()
    counts = {}
    for iri in types:
        quads = store.quads_for_pattern(None, rdf_type, ox.NamedNode(iri), default)
        counts[iri] = len({q.subject for q in quads})
    return counts
