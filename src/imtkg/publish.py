"""``imtkg publish``: the build as a static linked-data site that needs no server.

The site (docs/publication.md) holds the dataset dumps (Turtle, N-Triples, JSON-LD with its
context, RDF/XML, and TriG with one named graph per source), its VoID/DCAT description and SPARQL
service description, the ontology (with pyLODE documentation) and the shapes, one page per
resource with its RDF description next to it, and the index, roadmap, harmonization and
validation pages. IRIs under the data's base are rewritten to the published base. The site is
written to a staging folder and swapped in whole; two publications of the same data are
byte-identical.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.plugins.shared.jsonld.context import Context

from . import __version__
from .build import Build, build_graph
from .graph import parse_turtle
from .namespaces import BASE, IMTKG, ONTOLOGY_IRI
from .output import replace_directory
from .pictures import write_pictures
from .project import Project
from .queries import load_catalogue
from .site import overview, rdf
from .site.describe import GraphIndex
from .site.iris import HASH_DOCUMENTS, Layout, Rebase, check_base, relative
from .site.ontodoc import ontology_html
from .site.pages import Pages, Ref, SiteInfo, stylesheet
from .site.sources import Source, prepare, split, union
from .site.void import DatasetInfo, service_graph, statistics, void_graph

__all__ = ["Site", "publish", "write_site"]

#: The dump formats, by file suffix (``dataset{suffix}``).
DUMP_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf", ".trig")
_DESCRIPTION = (
    "The clauses of ITU resolutions on IMT with the obligations they create, the ITU structure "
    "they name, the IMT work of the three Sectors (activities, liaisons, roadmaps) and, when "
    "imported, the ITU catalogue: one graph closed under OWL 2 RL and validated with SHACL."
)


@dataclass(frozen=True)
class Site:
    """A published site: its folder, base, counts, dumps, and the files it holds."""

    root: Path
    base_iri: str
    resources: int
    triples: int
    dumps: dict[str, Path]
    files: frozenset[str] = field(default=frozenset(), repr=False)

    def document_path(self, iri: str, suffix: str) -> Path | None:
        """The site-relative file of the document of ``iri`` in the format ``suffix`` (``.ttl`` or
        ``ttl``), or None when the IRI is not under the base or the site has no such document.

        A hash IRI's document is that of the IRI before the ``#`` (``ontology#Sector`` →
        ``ontology.html``).

        >>> site.document_path("https://w3id.org/imtkg/id/org/itu-t", ".ttl")  # doctest: +SKIP
        PosixPath('id/org/itu-t.ttl')
        """
        suffix = suffix if suffix.startswith(".") else f".{suffix}"
        found = Layout(self.base_iri).document(iri, suffix)
        return Path(found) if found is not None and found in self.files else None


def publish(
    project: Project | None = None,
    out: Path = Path("site"),
    *,
    base_iri: str | None = None,
    catalogue: Path | None = None,
) -> Site:
    """Build the project and write its site into ``out`` (replaced whole, atomically).

    ``base_iri`` (ending in ``/``) replaces the data's base ``https://w3id.org/imtkg/`` in every
    output; ``catalogue`` adds the ITU catalogue as ``imtkg build --catalogue`` does.

    >>> site = publish(out=Path("site"))  # doctest: +SKIP
    >>> site.document_path("https://w3id.org/imtkg/id/org/itu-t", "html")  # doctest: +SKIP
    PosixPath('id/org/itu-t.html')
    """
    project = project or Project.default()
    base = check_base(base_iri) if base_iri else BASE
    build = build_graph(project, catalogue=catalogue)
    return write_site(build, project, out, base_iri=base, catalogue=catalogue)


class _Writer:
    """Writes the files of the staging folder (new and private: the swap makes them atomic)."""

    def __init__(self, root: Path):
        self.root = root
        self.sizes: dict[str, int] = {}
        self._folders: set[Path] = set()

    def text(self, name: str, text: str) -> None:
        path = self.root / name
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.sizes[name] = len(data)

    def graph(self, stem: str, graph: Graph, suffixes, context: Context) -> None:
        """``graph`` as ``{stem}{suffix}`` for each suffix (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``)."""
        for suffix in suffixes:
            name = f"{stem}{suffix}"
            if suffix == ".ttl":
                self.text(name, rdf.turtle(graph))
            elif suffix == ".nt":
                self.text(name, rdf.ntriples(graph))
            elif suffix == ".rdf":
                self.text(name, rdf.rdfxml(graph))
            elif suffix == ".jsonld":
                self.text(name, rdf.jsonld(graph, context, relative("context.jsonld", name)))


def _title() -> str:
    try:
        summary = metadata("imtkg")["Summary"]
    except PackageNotFoundError:  # a source tree without installation
        summary = "A knowledge graph of ITU standardization activities on IMT"
    return f"imtkg: {summary[:1].lower()}{summary[1:]}"


def write_site(
    build: Build,
    project: Project,
    out: Path,
    *,
    base_iri: str = BASE,
    catalogue: Path | None = None,
) -> Site:
    """Write the site of an existing ``build`` into ``out``; see :func:`publish`."""
    publication = _Publication(build, project, check_base(base_iri), catalogue)
    replace_directory(out, publication.write)
    found = frozenset(
        (Path(folder) / name).relative_to(out).as_posix()
        for folder, _, names in os.walk(out)
        for name in names
    )
    return Site(
        root=Path(out),
        base_iri=publication.base,
        resources=publication.resources,
        triples=publication.triples,
        dumps={suffix.lstrip("."): Path(out) / f"dataset{suffix}" for suffix in DUMP_SUFFIXES},
        files=found,
    )


class _Publication:
    """One publication: the build's graphs under the published base, written stage by stage."""

    def __init__(self, build: Build, project: Project, base: str, catalogue: Path | None):
        self.build, self.project, self.base = build, project, base
        self.rebase = Rebase(base)
        self.prefixes = self.rebase.prefixes()
        self.imtkg = Namespace(self.rebase.text(str(IMTKG)))
        self.ontology_iri = URIRef(self.rebase.text(ONTOLOGY_IRI))
        self.sources = [prepare(s, self.rebase) for s in split(build, project, __version__, catalogue)]
        self.shape_sources = [
            prepare(
                Source(f"shapes/{p.stem}", p.relative_to(project.root).as_posix(), parse_turtle(p)),
                self.rebase,
            )
            for p in sorted({*project.shape_files(), *project.meta_shape_files()})
        ]
        self.resources = 0
        self.triples = 0

    def union(self, prefix: str = "", exclude: str | None = None) -> Graph:
        """The union of the sources whose name starts with ``prefix`` (but not ``exclude``)."""
        chosen = [
            s
            for s in self.sources
            if s.name.startswith(prefix) and not (exclude and s.name.startswith(exclude))
        ]
        return union(chosen, self.prefixes)

    def write(self, staging: Path) -> None:
        write = _Writer(staging)
        dataset, ontology = self.union(), self.union("ontology/")
        shapes = union(self.shape_sources, self.prefixes)
        context = self.data(write, dataset, ontology, shapes)
        write_pictures(dataset, staging)
        write.text("style.css", stylesheet())
        for triple in shapes:  # the pages show the shapes too (a clause, the shapes enforcing it)
            dataset.add(triple)
        pages = self.pages(write, dataset, shapes, context)
        self.overview(write, pages, shapes)

    def data(self, write: _Writer, dataset: Graph, ontology: Graph, shapes: Graph) -> Context:
        """The dumps, the named graphs, ontology and shapes, VoID and the service description."""
        document = rdf.context(ontology, self.prefixes, str(self.imtkg))
        context = Context(document["@context"])
        write.text("context.jsonld", rdf.json_text(document))
        write.graph("dataset", dataset, (".ttl", ".nt", ".jsonld", ".rdf"), context)
        write.text("dataset.trig", rdf.trig((s.iri(self.base), s.graph) for s in self.sources))
        for source in self.sources:
            write.graph(f"graph/{source.name}", source.graph, (".nt",), context)
        for stem, graph in (("ontology", ontology), ("shapes", shapes)):
            write.graph(stem, graph, (".ttl", ".nt", ".jsonld", ".rdf"), context)
        self.stats = statistics(dataset, self.base)
        self.triples = self.stats.triples
        licence = ontology.value(self.ontology_iri, DCTERMS.license)
        creator = ontology.value(self.ontology_iri, DCTERMS.creator)
        self.info = DatasetInfo(
            base=self.base,
            title=_title(),
            description=_DESCRIPTION,
            version=__version__,
            creator=str(creator) if creator is not None else None,
            licence=licence if isinstance(licence, URIRef) else None,
            vocabulary=self.ontology_iri,
            examples=tuple(
                sorted(dataset.subjects(RDF.type, self.imtkg.ResolutionRevision), key=str)[:3]
            ),
        )
        dumps = {suffix: write.sizes[f"dataset{suffix}"] for suffix in DUMP_SUFFIXES}
        void = void_graph(self.info, self.stats, self.sources, dumps, self.prefixes)
        write.text("void.ttl", rdf.turtle(void))
        service = service_graph(self.info, self.stats, self.sources, self.prefixes)
        write.text("sparql-service.ttl", rdf.turtle(service))
        return context

    def pages(self, write: _Writer, graph: Graph, shapes: Graph, context: Context) -> Pages:
        """The ontology's page and one page per resource, with its description next to it."""
        layout = Layout(self.base)
        resources = {
            s: layout.page_name(s)
            for s in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
            if (found := layout.split(str(s))) is not None
            and found[1] is None
            and found[0] not in HASH_DOCUMENTS
        }
        targets: dict[str, tuple[str, str | None]] = {
            str(iri): (f"{name}.html", None) for iri, name in resources.items()
        }
        for document in HASH_DOCUMENTS:
            targets[self.base + document] = (f"{document}.html", None)
        shape_namespace = self.base + "shapes#"
        for shape in shapes.subjects():
            if isinstance(shape, URIRef) and shape.startswith(shape_namespace):
                targets[str(shape)] = ("shapes.html", shape[len(shape_namespace) :])
        terms = self.union("ontology/", exclude="ontology/vocab/")
        html, fragments = ontology_html(
            terms, self.ontology_iri, str(self.imtkg), targets, "ontology.html"
        )
        write.text("ontology.html", html)
        for iri, fragment in fragments.items():
            targets[iri] = ("ontology.html", fragment)
        licence = self.info.licence
        site = SiteInfo(
            name="imtkg",
            title=self.info.title,
            description=_DESCRIPTION,
            version=__version__,
            base=self.base,
            endpoint=self.base + "sparql",
            licence=Ref(str(licence), str(licence), str(licence), external=True) if licence else None,
        )
        pages = Pages(GraphIndex(graph, self.prefixes), layout, targets, site, self.imtkg)
        for iri, name in resources.items():
            write.graph(name, pages.index.description(iri), (".ttl", ".jsonld", ".nt", ".rdf"), context)
            write.text(f"{name}.html", pages.resource(iri, name))
        self.resources = len(resources)
        return pages

    def overview(self, write: _Writer, pages: Pages, shapes: Graph) -> None:
        """The site's own pages: shapes, classes, roadmap, harmonization, validation, index."""
        html, _ = overview.shapes_page(
            pages, [(s.origin, s.graph) for s in self.shape_sources], self.base + "shapes#"
        )
        write.text("shapes.html", html)
        listings, untyped = overview.class_listings(pages)
        by_class = {listing.cls: listing for listing in listings}
        for listing in listings:
            write.text(listing.file, overview.class_page(pages, listing, by_class))
        untyped_file = "classes/untyped.html" if untyped else None
        if untyped_file:
            write.text(untyped_file, overview.untyped_page(pages, untyped, untyped_file))
        queries = load_catalogue(self.project.queries_dir)
        tables = {name: overview.rebased_table(t, self.rebase) for name, t in self.build.tables.items()}
        roadmap = "views/roadmap"
        write.text("roadmap.html", overview.roadmap_page(pages, queries[roadmap], tables[roadmap]))
        matrix, items = "views/harmonization-matrix", "views/harmonization-items"
        write.text(
            "harmonization.html",
            overview.harmonization_page(
                pages, queries[matrix], tables[matrix], queries.get(items), tables.get(items)
            ),
        )
        report = self.build.report
        write.text("validation.html", overview.validation_page(pages, report, shapes, self.rebase))
        verdict = "conforms" if report.conforms else "does not conform"
        downloads = [
            {
                "what": what,
                "href": name,
                "media_type": rdf.MEDIA_TYPES[Path(name).suffix],
                "size": write.sizes[name],
            }
            for what, name in _DOWNLOADS
        ]
        graphs = [
            {
                "iri": str(s.iri(self.base)),
                "origin": s.origin,
                "triples": len(s.graph),
                "nt": f"graph/{s.name}.nt",
            }
            for s in self.sources
        ]
        name = pages.index.name
        classes = [
            {
                "text": name(listing.cls),
                "href": listing.file,
                "ref": pages.term(listing.cls, "index.html"),
                "count": listing.instances,
            }
            for listing in sorted(listings, key=lambda c: (name(c.cls).lower(), str(c.cls)))
        ]
        counts = {
            "triples": self.triples,
            "resources": self.resources,
            "classes": len(listings),
            "graphs": len(self.sources),
            "validation": f"{verdict} ({len(report.results)} results)",
        }
        index = overview.index_page(
            pages,
            counts=counts,
            downloads=downloads,
            classes=classes,
            untyped=untyped_file,
            graphs=graphs,
        )
        write.text("index.html", index)


#: What the index offers for download.
_DOWNLOADS = (
    ("the dataset in Turtle", "dataset.ttl"),
    ("the dataset in N-Triples", "dataset.nt"),
    ("the dataset in JSON-LD", "dataset.jsonld"),
    ("its JSON-LD context", "context.jsonld"),
    ("the dataset in RDF/XML", "dataset.rdf"),
    ("the dataset in TriG, one named graph per source", "dataset.trig"),
    ("its VoID and DCAT description", "void.ttl"),
    ("the SPARQL service description", "sparql-service.ttl"),
    ("the ontology in Turtle", "ontology.ttl"),
    ("the ontology in RDF/XML", "ontology.rdf"),
    ("the ontology in JSON-LD", "ontology.jsonld"),
    ("the shapes in Turtle", "shapes.ttl"),
)
