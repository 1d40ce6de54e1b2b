"""Namespaces and IRI helpers shared by every layer (see docs/design.md)."""

from __future__ import annotations

import re

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, NamespaceManager

BASE = "https://w3id.org/imtkg/"
IMTKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
IMTSH = Namespace(BASE + "shapes#")
ONTOLOGY_IRI = BASE + "ontology"

PREFIXES: dict[str, str] = {
    "imtkg": str(IMTKG),
    "imtkgid": str(ID),
    "imtkgv": str(VOCAB),
    "imtsh": str(IMTSH),
    "org": str(ORG),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
}


def bind_prefixes(manager: NamespaceManager) -> None:
    """Bind the project prefixes (replacing rdflib's defaults) so serializations read alike."""
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri, override=True, replace=True)


def slug(text: str) -> str:
    """Lowercase IRI segment: letters, digits, '.', '-'; anything else becomes '-'."""
    text = text.strip().lower()
    text = re.sub(r"[^a-z0-9.\-]+", "-", text)
    return text.strip("-")


def concept(scheme: str, name: str):
    """IRI of concept `name` in the concept scheme `scheme`."""
    return VOCAB[f"{scheme}/{name}"]
