"""The build split into one named graph per source, and their union: the published dataset.

Each file of ``ontology/`` and ``data/`` is a graph (the ontology header's file carries the
release version), each ingested text is a graph, the catalogue is a graph, and the triples OWL 2
RL inference added are a graph of their own. The graph of a source is named
``{base}graph/{path of the file in the project, without suffix}``: ``graph/ontology/documents``,
``graph/data/itu/structure``, ``graph/data/sources/wtsa-resolution-38-rev-dubai-2012``;
``graph/catalogue`` and ``graph/inferred``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF

from ..build import Build
from ..graph import new_graph, parse_turtle, stamp_version
from ..namespaces import ONTOLOGY_IRI
from ..project import Project
from .iris import Rebase, bind


@dataclass(frozen=True)
class Source:
    """A named graph of the dataset: its name under ``graph/``, where it comes from, its triples."""

    name: str
    origin: str
    graph: Graph

    def iri(self, base: str) -> URIRef:
        return URIRef(f"{base}graph/{self.name}")


def _relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root.resolve()).as_posix()


def _has_blank(triple) -> bool:
    return any(isinstance(term, BNode) for term in triple)


def split(build: Build, project: Project, version: str, catalogue: Path | None) -> list[Source]:
    """The sources of ``build`` (in the data's base), each with its own triples.

    The ontology and data files are read again (the build merged them); the triples of the build
    that no file, ingested text or inference gave are the catalogue's.
    """
    sources = []
    for path in [*project.ontology_files(), *project.data_files()]:
        graph = parse_turtle(path)
        if (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph:
            stamp_version(graph, version)
        relative = _relative(project, path)
        sources.append(Source(relative.removesuffix(path.suffix), relative, graph))
    for stem, graph in sorted(build.ingested.items()):
        relative = _relative(project, project.sources_dir / f"{stem}.txt")
        sources.append(Source(relative.removesuffix(".txt"), f"{relative} (ingested)", graph))
    known = {t for source in sources for t in source.graph if not _has_blank(t)}
    inferred = build.inferred_graph
    rest = new_graph()
    for triple in build.graph:
        if not _has_blank(triple) and triple not in known and triple not in inferred:
            rest.add(triple)
    if len(rest):
        if catalogue is None:
            raise RuntimeError(f"{len(rest)} triples of the build come from no known source")
        sources.append(Source("catalogue", Path(catalogue).name, rest))
    sources.append(Source("inferred", "OWL 2 RL inference (owlrl)", inferred))
    return sources


def prepare(source: Source, rebase: Rebase) -> Source:
    """``source`` rebased, with canonical blank-node labels prefixed by its name.

    The labels make every serialization of the graph the same from one run to the next; the
    prefix keeps blank nodes of different files apart when the graphs are merged.
    """
    graph = source.graph
    prefix = source.name.replace("/", "-") + "-"
    out = Graph()
    bind(out, rebase.prefixes())
    if any(_has_blank(t) for t in graph):
        for s, p, o in to_canonical_graph(graph):
            s = BNode(prefix + s) if isinstance(s, BNode) else s
            o = BNode(prefix + o) if isinstance(o, BNode) else o
            out.add(rebase.triple((s, p, o)))
    else:
        for triple in graph:
            out.add(rebase.triple(triple))
    return Source(source.name, source.origin, out)


def union(sources: list[Source], prefixes: dict[str, str]) -> Graph:
    """The union of ``sources`` (each prepared)."""
    graph = Graph()
    bind(graph, prefixes)
    for source in sources:
        for triple in source.graph:
            graph.add(triple)
    return graph
