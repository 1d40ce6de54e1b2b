"""The ontology's HTML documentation, made by pyLODE (3.3.x, OntPub profile) in-process.

Three things are added to what pyLODE writes: each term of the ontology's own namespace gets its
local name as fragment (``ontology.html#Sector``), so that the hash IRI ``ontology#Sector``
dereferences to its entry; links to IRIs of the site become relative links to their pages; and
the two places where pyLODE's output depends on Python's set order (the members of a union or
intersection, the schema.org JSON-LD) are sorted, so that the page is byte-identical for equal
ontologies.
"""

from __future__ import annotations

import json

from dominate import tags
from dominate.dom_tag import dom_tag
from dominate.util import raw
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ..errors import InputError
from .iris import relative
from .rdf import sorted_jsonld

_JOINERS = {"or", "and", ","}


def ontology_html(
    ontology: Graph,
    ontology_iri: URIRef,
    namespace: str,
    targets: dict[str, tuple[str, str | None]],
    page: str,
) -> tuple[str, dict[str, str]]:
    """The pyLODE page of the ontology ``ontology_iri`` (its terms in ``ontology``), and the
    fragment of each term of ``namespace`` on it.

    The headers of other ontologies in the graph (the modules, which have pages of their own) are
    left out, as pyLODE would merge them into one title. ``targets`` maps IRIs of the site to
    their files (and fragments), for relative links.
    """
    from pylode import OntPub, PylodeError

    others = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if s != ontology_iri}
    copy = Graph()
    for prefix, iri in ontology.namespace_manager.namespaces():
        copy.namespace_manager.bind(prefix, iri, override=True, replace=True)
    for triple in ontology:
        if triple[0] not in others:
            copy.add(triple)
    terms = sorted(
        {str(s) for s in copy.subjects() if isinstance(s, URIRef) and s.startswith(namespace)}
    )
    try:
        doc = OntPub(copy, sort_subjects=True)
    except PylodeError as exc:
        raise InputError(f"ontology: pyLODE cannot document it: {exc}") from None
    doc.fids = {iri: iri[len(namespace) :] for iri in terms}
    doc.make_html()
    home = relative("index.html", page)
    doc.doc.body.children.insert(
        0, tags.p(tags.a("← imtkg: the dataset's home page", href=home), style="margin:0.5em 0 0 4em")
    )
    ids: set[str] = set()
    _normalize(doc.doc, targets, page, ids)
    fragments = {iri: fid for iri, fid in doc.fids.items() if iri in terms and fid in ids}
    return doc.doc.render(), fragments


def _text(node) -> str:
    return node.render() if isinstance(node, dom_tag) else str(node)


def _is_joiner(node) -> bool:
    return (
        isinstance(node, dom_tag)
        and type(node).__name__ == "span"
        and node.attributes.get("class") == "cardinality"
        and len(node.children) == 1
        and str(node.children[0]) in _JOINERS
    )


def _normalize(node, targets: dict[str, tuple[str, str | None]], page: str, ids: set[str]) -> None:
    if not isinstance(node, dom_tag):
        return
    children = node.children
    if len(children) >= 3 and len(children) % 2 == 1 and all(_is_joiner(c) for c in children[1::2]):
        children[0::2] = sorted(children[0::2], key=_text)
    if node.attributes.get("id") == "schema.org" and children:
        document = json.loads(str(children[0]))
        node.children = [
            raw("\n" + json.dumps(sorted_jsonld(document), indent=2, ensure_ascii=False) + "\n")
        ]
    if "id" in node.attributes:
        ids.add(str(node.attributes["id"]))
    href = node.attributes.get("href")
    if isinstance(href, str) and href in targets:
        file, fragment = targets[href]
        node.attributes["href"] = relative(file, page, fragment)
    for child in node.children:
        _normalize(child, targets, page, ids)
