"""The description of the dataset: VoID and DCAT (``void.ttl``) and the SPARQL 1.1 service
description (``sparql-service.ttl``), with the figures counted from the published graph.

IRIs (all under the published base): the dataset ``void#dataset``, its catalogue ``void#catalog``,
the distributions ``void#dump-{suffix}``, the partitions ``void#class-{name}`` and
``void#property-{name}``, the subsets ``void#graph-{name}`` (one per named graph), the SPARQL
service ``sparql-service#service`` at the endpoint ``sparql``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from .iris import bind
from .rdf import MEDIA_TYPES
from .sources import Source

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's closed DCAT lacks dcat:version)
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_IANA = "https://www.iana.org/assignments/media-types/"

#: The W3C format IRI of each dump format, by file suffix.
FORMAT_IRIS = {
    ".ttl": FORMATS.Turtle,
    ".nt": FORMATS["N-Triples"],
    ".jsonld": FORMATS["JSON-LD"],
    ".rdf": FORMATS.RDF_XML,
    ".trig": FORMATS.TriG,
}
_FORMAT_NAMES = {
    ".ttl": "Turtle",
    ".nt": "N-Triples",
    ".jsonld": "JSON-LD",
    ".rdf": "RDF/XML",
    ".trig": "TriG",
}
#: What the SPARQL endpoint answers with (SPARQL 1.1 Protocol, issue 6).
RESULT_FORMATS = (
    FORMATS.SPARQL_Results_JSON,
    FORMATS.SPARQL_Results_XML,
    FORMATS.SPARQL_Results_CSV,
    FORMATS.SPARQL_Results_TSV,
    FORMATS.Turtle,
    FORMATS["JSON-LD"],
)


@dataclass(frozen=True)
class Statistics:
    """The VoID figures of a graph."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[URIRef, int]
    properties: dict[URIRef, int]


def statistics(graph: Graph, base: str) -> Statistics:
    """Triples; IRI subjects under ``base`` (entities); distinct subjects and objects; the IRI
    instances of each class; the triples of each property."""
    subjects, objects, entities = set(), set(), set()
    properties: Counter[URIRef] = Counter()
    members: dict[URIRef, set] = {}
    for s, p, o in graph:
        subjects.add(s)
        objects.add(o)
        properties[p] += 1
        if isinstance(s, URIRef) and s.startswith(base):
            entities.add(s)
        if p == RDF.type and isinstance(o, URIRef) and isinstance(s, URIRef):
            members.setdefault(o, set()).add(s)
    return Statistics(
        len(graph),
        len(entities),
        len(subjects),
        len(objects),
        {c: len(m) for c, m in members.items()},
        dict(properties),
    )


def _name(graph: Graph, iri: URIRef) -> str:
    """A fragment-safe name for an IRI: its compact form, else a digest."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(str(iri), generate=False)
    except (KeyError, ValueError):
        prefix, local = "", ""
    if prefix and local and all(c.isalnum() or c in "-_." for c in local):
        return f"{prefix}-{local}"
    return "iri-" + hashlib.sha1(str(iri).encode("utf-8")).hexdigest()[:12]


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


@dataclass(frozen=True)
class DatasetInfo:
    """What the description says of the dataset besides the figures."""

    base: str
    title: str
    description: str
    version: str
    creator: str | None
    licence: URIRef | None
    vocabulary: URIRef
    examples: tuple[URIRef, ...]


def void_graph(
    info: DatasetInfo,
    stats: Statistics,
    sources: list[Source],
    dumps: dict[str, int],
    prefixes: dict[str, str],
) -> Graph:
    """VoID and DCAT: the dataset, its dumps (``dumps``: suffix → bytes), partitions, subsets."""
    base = info.base
    doc = Namespace(base + "void#")
    graph = Graph()
    bind(graph, {**prefixes, "void": str(VOID), "dcat": str(DCAT), "foaf": str(FOAF), "sd": str(SD)})
    dataset, catalog, service = doc.dataset, doc.catalog, URIRef(base + "sparql-service#service")
    add = graph.add
    add((URIRef(base + "void"), RDF.type, VOID.DatasetDescription))
    add(
        (
            URIRef(base + "void"),
            DCTERMS.title,
            Literal(f"VoID and DCAT description of {info.title}", lang="en"),
        )
    )
    add((URIRef(base + "void"), FOAF.primaryTopic, dataset))
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.title, Literal(f"{info.title}: releases", lang="en")))
    add((catalog, DCAT.dataset, dataset))
    add((catalog, DCAT.service, service))
    for kind in (VOID.Dataset, DCAT.Dataset):
        add((dataset, RDF.type, kind))
    add((dataset, DCTERMS.title, Literal(info.title, lang="en")))
    add((dataset, DCTERMS.description, Literal(info.description, lang="en")))
    add((dataset, DCAT.version, Literal(info.version)))
    add((dataset, OWL.versionInfo, Literal(info.version)))
    add((dataset, DCAT.landingPage, URIRef(base + "index.html")))
    add((dataset, VOID.uriSpace, Literal(base)))
    add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    if info.creator:
        add((dataset, DCTERMS.creator, Literal(info.creator)))
    for node in (dataset, catalog):
        if info.licence is not None:
            add((node, DCTERMS.license, info.licence))
    add((dataset, VOID.triples, Literal(stats.triples)))
    add((dataset, VOID.entities, Literal(stats.entities)))
    add((dataset, VOID.distinctSubjects, Literal(stats.distinct_subjects)))
    add((dataset, VOID.distinctObjects, Literal(stats.distinct_objects)))
    add((dataset, VOID.classes, Literal(len(stats.classes))))
    add((dataset, VOID.properties, Literal(len(stats.properties))))
    for example in info.examples:
        add((dataset, VOID.exampleResource, example))
    namespaces = {_namespace(str(p)) for p in stats.properties} | {
        _namespace(str(c)) for c in stats.classes
    }
    for namespace in sorted(namespaces):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    add((dataset, VOID.vocabulary, info.vocabulary))
    for suffix, size in sorted(dumps.items()):
        url = URIRef(f"{base}dataset{suffix}")
        dist = doc[f"dump-{suffix.lstrip('.')}"]
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, dist))
        add((dataset, VOID.feature, FORMAT_IRIS[suffix]))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(f"{info.title} in {_FORMAT_NAMES[suffix]}", lang="en")))
        add((dist, DCAT.downloadURL, url))
        add((dist, DCAT.accessURL, url))
        add((dist, DCAT.mediaType, URIRef(_IANA + MEDIA_TYPES[suffix])))
        add((dist, DCTERMS.format, FORMAT_IRIS[suffix]))
        add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        if info.licence is not None:
            add((dist, DCTERMS.license, info.licence))
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal(f"SPARQL endpoint of {info.title}", lang="en")))
    add((service, DCAT.endpointURL, URIRef(base + "sparql")))
    add((service, DCAT.endpointDescription, URIRef(base + "sparql-service.ttl")))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for cls, count in stats.classes.items():
        part = doc[f"class-{_name(graph, cls)}"]
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], cls))
        add((part, VOID.entities, Literal(count)))
    for prop, count in stats.properties.items():
        part = doc[f"property-{_name(graph, prop)}"]
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, prop))
        add((part, VOID.triples, Literal(count)))
    for source in sources:
        subset = doc[f"graph-{source.name.replace('/', '-')}"]
        add((dataset, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, RDFS.label, Literal(f"named graph {source.iri(base)}", lang="en")))
        add((subset, DCTERMS.source, Literal(source.origin)))
        add((subset, VOID.triples, Literal(len(source.graph))))
        add((subset, VOID.dataDump, URIRef(f"{base}graph/{source.name}.nt")))
    return graph


def service_graph(
    info: DatasetInfo, stats: Statistics, sources: list[Source], prefixes: dict[str, str]
) -> Graph:
    """The SPARQL 1.1 service description of the endpoint ``{base}sparql``.

    Its default graph is the union of the named graphs, one per source (as ``dataset.trig``).
    """
    base = info.base
    graph = Graph()
    bind(graph, {**prefixes, "sd": str(SD), "void": str(VOID), "formats": str(FORMATS)})
    service = URIRef(base + "sparql-service#service")
    dataset = BNode("dataset")
    default = URIRef(base + "void#dataset")
    add = graph.add
    add((service, RDF.type, SD.Service))
    add((service, SD.endpoint, URIRef(base + "sparql")))
    add((service, SD.supportedLanguage, SD.SPARQL11Query))
    add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in RESULT_FORMATS:
        add((service, SD.resultFormat, fmt))
    add((service, SD.defaultDataset, dataset))
    add((dataset, RDF.type, SD.Dataset))
    add((dataset, SD.defaultGraph, default))
    add((default, RDF.type, SD.Graph))
    add((default, VOID.triples, Literal(stats.triples)))
    for source in sources:
        named = BNode(f"graph-{source.name.replace('/', '-')}")
        subset = URIRef(f"{base}void#graph-{source.name.replace('/', '-')}")
        add((dataset, SD.namedGraph, named))
        add((named, RDF.type, SD.NamedGraph))
        add((named, SD.name, source.iri(base)))
        add((named, SD.graph, subset))
        add((subset, RDF.type, SD.Graph))
        add((subset, VOID.triples, Literal(len(source.graph))))
    return graph
