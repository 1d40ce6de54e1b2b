"""Where each IRI lives in the site, and the rewriting of the data's base to the published one.

The Cool-URI choice (docs/publication.md): a slash IRI ``{base}a/b`` names a thing, and its
documents are ``a/b.html``, ``a/b.ttl``, ``a/b.jsonld``, ``a/b.nt`` and ``a/b.rdf``; a hash IRI
``{base}a#x`` is described by the document of ``{base}a`` (``ontology.html#Sector``). Links
between pages are relative, so the folder works from disk and behind any server.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..graph import new_graph
from ..namespaces import BASE, PREFIXES

#: The formats of every resource's documents, by file suffix.
RESOURCE_SUFFIXES = (".html", ".ttl", ".jsonld", ".nt", ".rdf")

#: Top-level names the site uses for itself; a resource IRI may not map onto them.
RESERVED = frozenset(
    {
        "index",
        "dataset",
        "context",
        "void",
        "sparql-service",
        "sparql",
        "roadmap",
        "harmonization",
        "validation",
        "classes",
        "graph",
        "style",
    }
)

#: The documents that hold hash IRIs: ``{base}ontology#Term`` and ``{base}shapes#Shape``.
HASH_DOCUMENTS = ("ontology", "shapes")

_SAFE = "/:@!$&'()*+,;=-._~"


def check_base(base: str) -> str:
    """``base`` if it can be a published base (an absolute http(s) IRI ending in ``/``)."""
    if not base.startswith(("http://", "https://")) or not base.endswith("/"):
        raise InputError(f"--base-iri {base!r}: expected an http(s) IRI that ends with '/'")
    if any(c in base for c in ' <>"{}|\\^`#?'):
        raise InputError(f"--base-iri {base!r}: not a valid IRI (no spaces, '#', '?' or '<>')")
    return base


@dataclass(frozen=True)
class Rebase:
    """Rewrites every IRI under ``old`` (and that text in literals) to start with ``new``.

    Literal texts are rewritten too, so that ``vann:preferredNamespaceUri`` and messages naming
    an IRI follow the published base.
    """

    new: str
    old: str = BASE

    @property
    def identity(self) -> bool:
        return self.new == self.old

    def text(self, text: str) -> str:
        return text if self.identity else text.replace(self.old, self.new)

    def term(self, node: Node) -> Node:
        if self.identity:
            return node
        if isinstance(node, URIRef):
            return URIRef(self.new + node[len(self.old) :]) if node.startswith(self.old) else node
        if isinstance(node, Literal):
            datatype = node.datatype
            moved = datatype is not None and datatype.startswith(self.old)
            if self.old in node or moved:
                return Literal(
                    self.text(str(node)),
                    lang=node.language,
                    datatype=self.term(datatype) if datatype is not None else None,
                )
        return node

    def triple(self, triple: tuple[Node, Node, Node]) -> tuple[Node, Node, Node]:
        s, p, o = triple
        return self.term(s), self.term(p), self.term(o)

    def prefixes(self) -> dict[str, str]:
        """The project's prefixes, rebased."""
        return {prefix: self.text(iri) for prefix, iri in PREFIXES.items()}

    def graph(self, graph: Graph) -> Graph:
        """A rebased copy of ``graph`` with the rebased project prefixes bound."""
        copy = new_graph()
        bind(copy, self.prefixes())
        for triple in graph:
            copy.add(self.triple(triple))
        return copy


def bind(graph: Graph, prefixes: dict[str, str]) -> None:
    """Bind ``prefixes`` on ``graph``, replacing any other binding of the same prefix or IRI."""
    for prefix, iri in prefixes.items():
        graph.namespace_manager.bind(prefix, iri, override=True, replace=True)


@dataclass(frozen=True)
class Layout:
    """The site's paths for the IRIs under ``base``: ``document`` for files, ``href`` for links."""

    base: str

    def split(self, iri: str) -> tuple[str, str | None] | None:
        """``(document name, fragment)`` of an IRI under the base, else None.

        The document name is the IRI's path after the base, percent-decoded (as a server maps a
        request path to a file); the fragment is None for a slash IRI.
        """
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        path, hash_, fragment = rest.partition("#")
        path = unquote(path)
        if not path or path.endswith("/") or "?" in path or path.startswith("/"):
            return None
        if any(part in ("", ".", "..") for part in path.split("/")):
            return None
        return path, (fragment if hash_ else None)

    def document(self, iri: str, suffix: str) -> str | None:
        """The site-relative file of the document of ``iri`` in the format ``suffix`` (``.ttl``)."""
        split = self.split(iri)
        return None if split is None else split[0] + suffix

    def page_name(self, iri: str) -> str:
        """The document name of a slash IRI that gets resource pages; InputError if it cannot."""
        split = self.split(iri)
        if split is None or split[1] is not None:
            raise InputError(f"{iri}: no page can be written for this IRI")
        name = split[0]
        if name.split("/")[0] in RESERVED or name in HASH_DOCUMENTS:
            raise InputError(
                f"{iri}: its page would overwrite the site's own '{name}' "
                f"(reserved names: {', '.join(sorted(RESERVED | set(HASH_DOCUMENTS)))})"
            )
        return name


def relative(target: str, page: str, fragment: str | None = None) -> str:
    """The link from the site file ``page`` to the site file ``target`` (both site-relative)."""
    start = posixpath.dirname(page) or "."
    link = quote(posixpath.relpath(target, start), safe=_SAFE)
    return f"{link}#{quote(fragment, safe=_SAFE)}" if fragment else link


def root_of(page: str) -> str:
    """The prefix that leads from ``page`` to the site's root (``""`` at the root, else ``../``…)."""
    return "../" * page.count("/")
