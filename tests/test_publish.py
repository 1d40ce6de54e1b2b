"""``imtkg publish``: the static linked-data site of the shipped project.

The site is published once per session (default base) and once with another base, from one build;
a crawler starting at index.html follows every link inside the site.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from imtkg import Project, __version__
from imtkg.build import build_graph
from imtkg.errors import InputError
from imtkg.publish import Site, write_site

BASE = "https://w3id.org/imtkg/"
OTHER = "http://localhost:8765/data/"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IMTKG = Namespace(BASE + "ontology#")
RESOLVES_1 = URIRef(BASE + "id/resolution/wtsa/38/2012/resolves/1")


@pytest.fixture(scope="module")
def build():
    return build_graph()


@pytest.fixture(scope="module")
def site(build, tmp_path_factory) -> Site:
    return write_site(build, Project.default(), tmp_path_factory.mktemp("publish") / "site")


@pytest.fixture(scope="module")
def rebased(build, tmp_path_factory) -> Site:
    return write_site(
        build, Project.default(), tmp_path_factory.mktemp("publish") / "site", base_iri=OTHER
    )


@pytest.fixture(scope="module")
def dataset(site) -> Graph:
    return Graph().parse(site.root / "dataset.nt", format="nt")


# --- the crawler ------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def crawl(root: Path) -> tuple[set[str], dict[str, set[str]], list[str]]:
    """Follow every link inside the site from index.html: the files reached, the ids of each page
    reached, and the broken links (``page -> link``)."""
    reached, ids, broken, fragments = {"index.html"}, {}, [], []
    queue = ["index.html"]
    while queue:
        page = queue.pop()
        parsed = _parse(root / page)
        ids[page] = parsed.ids
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # outside the site (http, https, data, mailto)
            target = (
                page
                if not parts.path
                else posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            )
            if target.startswith("..") or not (root / target).is_file():
                broken.append(f"{page} -> {link}")
                continue
            if parts.fragment:
                fragments.append((page, link, target, unquote(parts.fragment)))
            if target not in reached:
                reached.add(target)
                if target.endswith(".html"):
                    queue.append(target)
    for page, link, target, fragment in fragments:
        if target.endswith(".html") and fragment not in ids[target]:
            broken.append(f"{page} -> {link} (no id {fragment!r})")
    return reached, ids, broken


@pytest.fixture(scope="module")
def crawled(site):
    return crawl(site.root)


def test_every_link_of_the_site_resolves_inside_it(crawled):
    reached, ids, broken = crawled
    assert broken == []
    assert {
        "ontology.html",
        "shapes.html",
        "roadmap.html",
        "harmonization.html",
        "validation.html",
    } <= reached
    assert {"dataset.ttl", "dataset.nt", "dataset.jsonld", "dataset.rdf", "dataset.trig"} <= reached
    assert {
        "context.jsonld",
        "void.ttl",
        "sparql-service.ttl",
        "roadmap.svg",
        "harmonization.svg",
    } <= reached


def test_every_resource_of_the_graph_has_a_page_reached_from_the_index(crawled, dataset):
    reached, ids, _ = crawled
    subjects = {str(s) for s in dataset.subjects() if isinstance(s, URIRef) and s.startswith(BASE)}
    slash = {s for s in subjects if "#" not in s}
    hashed = {s for s in subjects if "#" in s}
    assert len(slash) > 200 and len(hashed) > 100
    missing = sorted(s for s in slash - {BASE + "ontology"} if f"{s[len(BASE) :]}.html" not in reached)
    assert missing == []
    unanchored = []
    for iri in hashed:
        document, _, fragment = iri[len(BASE) :].partition("#")
        if f"{document}.html" not in reached or fragment not in ids[f"{document}.html"]:
            unanchored.append(iri)
    assert unanchored == []
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert f"id/org/itu-t{suffix}" in reached


def _expected_description(graph: Graph, resource: URIRef) -> Graph:
    """The Concise Bounded Description with the labels of the IRIs it links to."""
    expected = graph.cbd(resource)
    for iri in {o for o in expected.objects() if isinstance(o, URIRef)}:
        for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
            for value in graph.objects(iri, predicate):
                expected.add((iri, predicate, value))
    return expected


def test_each_page_has_its_description_next_to_it_in_four_formats(site, dataset):
    graph = dataset + Graph().parse(site.root / "shapes.nt", format="nt")
    pages = sorted(p for p in site.root.rglob("*.html") if (p.with_suffix(".ttl")).is_file())
    pages = [p for p in pages if p.name not in ("ontology.html", "shapes.html")]
    assert len(pages) > 250
    for page in pages:
        stem = page.with_suffix("").relative_to(site.root).as_posix()
        resource = URIRef(BASE + stem)
        expected = _expected_description(graph, resource)
        assert len(expected) > 0, stem
        turtle = Graph().parse(page.with_suffix(".ttl"), format="turtle")
        assert isomorphic(turtle, expected), stem
        for suffix, fmt in ((".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")):
            assert isomorphic(Graph().parse(page.with_suffix(suffix), format=fmt), expected), (
                stem + suffix
            )


def test_the_json_ld_dump_with_its_context_is_the_turtle_dump(site, dataset, build):
    text = (site.root / "dataset.jsonld").read_text(encoding="utf-8")
    assert text.startswith('{\n  "@context": "context.jsonld"')
    jsonld = Graph().parse(site.root / "dataset.jsonld", format="json-ld")
    turtle = Graph().parse(site.root / "dataset.ttl", format="turtle")
    rdfxml = Graph().parse(site.root / "dataset.rdf", format="xml")
    assert len(turtle) == len(build.graph)
    assert isomorphic(jsonld, turtle)
    assert isomorphic(rdfxml, turtle)
    assert isomorphic(dataset, turtle)
    assert isomorphic(turtle, build.graph)


def test_the_trig_dump_has_one_named_graph_per_source(site, build):
    trig = Dataset()
    trig.parse(site.root / "dataset.trig", format="trig")
    graphs = {str(g.identifier): len(g) for g in trig.graphs() if len(g)}
    project = Project.default()
    expected = {
        BASE + "graph/" + p.relative_to(project.root).with_suffix("").as_posix()
        for p in project.ontology_files()
    }
    expected |= {
        BASE + "graph/" + p.relative_to(project.root).with_suffix("").as_posix()
        for p in project.data_files()
    }
    expected |= {BASE + "graph/data/sources/wtsa-resolution-38-rev-dubai-2012", BASE + "graph/inferred"}
    assert set(graphs) == expected
    assert graphs[BASE + "graph/inferred"] == build.inferred
    union = Graph()
    for g in trig.graphs():
        union += g
    assert isomorphic(union, Graph().parse(site.root / "dataset.ttl", format="turtle"))
    imtkg_ttl = trig.graph(URIRef(BASE + "graph/ontology/imtkg"))
    assert (URIRef(BASE + "ontology"), OWL.versionInfo, Literal(__version__)) in imtkg_ttl


def test_void_counts_are_the_graphs(site, dataset):
    void = Graph().parse(site.root / "void.ttl", format="turtle")
    ds = URIRef(BASE + "void#dataset")
    assert void.value(ds, VOID.triples).toPython() == len(dataset)
    entities = {s for s in dataset.subjects() if isinstance(s, URIRef) and s.startswith(BASE)}
    assert void.value(ds, VOID.entities).toPython() == len(entities)
    classes = Counter(o for s, o in set(dataset.subject_objects(RDF.type)) if isinstance(s, URIRef))
    partitions = {
        void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython()
        for p in void.objects(ds, VOID.classPartition)
    }
    assert partitions == dict(classes)
    assert (
        partitions[IMTKG.OperativeClause]
        == len(set(dataset.subjects(RDF.type, IMTKG.OperativeClause)))
        > 0
    )
    properties = Counter(p for _, p, _ in dataset)
    partitions = {
        void.value(p, VOID.property): void.value(p, VOID.triples).toPython()
        for p in void.objects(ds, VOID.propertyPartition)
    }
    assert partitions == dict(properties)
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    downloads = {}
    for dist in void.objects(ds, DCAT.distribution):
        url = str(void.value(dist, DCAT.downloadURL))
        downloads[url[len(BASE) :]] = str(void.value(dist, DCAT.mediaType))
        assert (
            void.value(dist, DCAT.byteSize).toPython() == (site.root / url[len(BASE) :]).stat().st_size
        )
    assert downloads == {
        "dataset.ttl": "https://www.iana.org/assignments/media-types/text/turtle",
        "dataset.nt": "https://www.iana.org/assignments/media-types/application/n-triples",
        "dataset.jsonld": "https://www.iana.org/assignments/media-types/application/ld+json",
        "dataset.rdf": "https://www.iana.org/assignments/media-types/application/rdf+xml",
        "dataset.trig": "https://www.iana.org/assignments/media-types/application/trig",
    }
    service = URIRef(BASE + "sparql-service#service")
    assert (service, RDF.type, DCAT.DataService) in void
    assert void.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")


def test_the_service_description_names_the_endpoint_and_the_named_graphs(site):
    sd = Graph().parse(site.root / "sparql-service.ttl", format="turtle")
    service = URIRef(BASE + "sparql-service#service")
    assert sd.value(service, SD.endpoint) == URIRef(BASE + "sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    formats = {str(f).rsplit("/", 1)[1] for f in sd.objects(service, SD.resultFormat)}
    assert formats == {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
    }
    names = {str(n) for n in sd.objects(None, SD.name)}
    trig = Dataset()
    trig.parse(site.root / "dataset.trig", format="trig")
    assert names == {str(g.identifier) for g in trig.graphs() if len(g)}


def test_the_ontology_carries_the_release_version_in_every_format(site):
    for suffix, fmt in ((".ttl", "turtle"), (".rdf", "xml"), (".jsonld", "json-ld"), (".nt", "nt")):
        ontology = Graph().parse(site.root / f"ontology{suffix}", format=fmt)
        iri = URIRef(BASE + "ontology")
        assert ontology.value(iri, OWL.versionIRI) == URIRef(f"{BASE}ontology/{__version__}")
        assert ontology.value(iri, OWL.versionInfo) == Literal(__version__)


def test_the_pylode_page_documents_every_class_under_its_local_name(site):
    html = (site.root / "ontology.html").read_text(encoding="utf-8")
    assert "pyLODE" in html
    ontology = Graph().parse(site.root / "ontology.ttl", format="turtle")
    ids = _parse(site.root / "ontology.html").ids
    classes = sorted(
        c
        for c in ontology.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and c.startswith(str(IMTKG))
    )
    assert len(classes) > 30
    for cls in classes:
        assert cls[len(str(IMTKG)) :] in ids, cls
        assert str(ontology.value(cls, RDFS.label)) in html, cls


def test_a_clause_page_shows_its_text_its_obligations_and_the_shapes_that_check_it(site, dataset):
    html = (site.root / "id/resolution/wtsa/38/2012/resolves/1.html").read_text(encoding="utf-8")
    text = str(dataset.value(RESOLVES_1, IMTKG.text))
    assert (
        text
        == "that ITU-T maintain a roadmap for all of its standardization activities relating to IMT;"
    )
    assert f'<blockquote class="clause-text">{text}</blockquote>' in html
    obligation = dataset.value(RESOLVES_1, IMTKG.creates)
    assert str(obligation) == str(RESOLVES_1) + "/obligation/1"
    assert 'href="1/obligation/1.html"' in html
    assert f"<q>{dataset.value(obligation, IMTKG.action)}</q>" in html
    assert 'href="../../../../../../shapes.html#Resolves1RoadmapShape"' in html
    assert "_:" not in html


def test_the_shapes_page_names_the_clause_each_obligation_shape_enforces(site):
    shapes = Graph().parse(site.root / "shapes.ttl", format="turtle")
    html = (site.root / "shapes.html").read_text(encoding="utf-8")
    ids = _parse(site.root / "shapes.html").ids
    enforcing = sorted(shapes.subject_objects(IMTKG.enforcesClause))
    assert len(enforcing) >= 5
    for shape, clause in enforcing:
        assert shape[len(BASE + "shapes#") :] in ids
        assert clause[len(BASE) :] + ".html" in html
    assert "_:" not in html


def test_the_validation_page_lists_every_result_of_the_build_by_shape(site, build):
    html = (site.root / "validation.html").read_text(encoding="utf-8")
    assert html.count("<tr><td>") == len(build.report.results)
    for shape in {r.shape for r in build.report.results if isinstance(r.shape, URIRef)}:
        assert f'id="{shape.rpartition("#")[2]}"' in html


def test_the_roadmap_and_harmonization_pages_hold_their_view_and_picture(site, build):
    roadmap = (site.root / "roadmap.html").read_text(encoding="utf-8")
    assert '<img src="roadmap.svg"' in roadmap
    assert roadmap.count("<tr><td>") == len(build.tables["views/roadmap"].rows) > 0
    harmonization = (site.root / "harmonization.html").read_text(encoding="utf-8")
    assert '<img src="harmonization.svg"' in harmonization
    assert "<h2>By generation</h2>" in harmonization


def test_a_published_base_replaces_the_data_base_everywhere(rebased, site):
    leaks = []
    for path in rebased.root.rglob("*"):
        if path.is_file() and b"w3id.org/imtkg" in path.read_bytes():
            leaks.append(path.relative_to(rebased.root).as_posix())
    assert leaks == []
    assert {p.relative_to(rebased.root) for p in rebased.root.rglob("*")} == {
        p.relative_to(site.root) for p in site.root.rglob("*")
    }
    graph = Graph().parse(rebased.root / "id/org/itu-t.ttl", format="turtle")
    assert (URIRef(OTHER + "id/org/itu-t"), RDF.type, URIRef(OTHER + "ontology#Sector")) in graph
    assert crawl(rebased.root)[2] == []
    void = Graph().parse(rebased.root / "void.ttl", format="turtle")
    assert void.value(URIRef(OTHER + "void#dataset"), VOID.sparqlEndpoint) == URIRef(OTHER + "sparql")


def test_document_paths(site, rebased):
    assert site.document_path(BASE + "id/org/itu-t", ".ttl") == Path("id/org/itu-t.ttl")
    assert site.document_path(BASE + "id/org/itu-t", "html") == Path("id/org/itu-t.html")
    assert site.document_path(BASE + "ontology#Sector", ".html") == Path("ontology.html")
    assert site.document_path(BASE + "shapes", ".jsonld") == Path("shapes.jsonld")
    assert site.document_path(BASE + "id/org/no-such-thing", ".html") is None
    assert site.document_path("http://www.w3.org/ns/org#Organization", ".html") is None
    assert rebased.document_path(OTHER + "id/org/itu-t", ".rdf") == Path("id/org/itu-t.rdf")
    assert rebased.document_path(BASE + "id/org/itu-t", ".rdf") is None
    assert site.dumps["trig"] == site.root / "dataset.trig"
    own = {"dataset.jsonld", "context.jsonld", "ontology.jsonld", "shapes.jsonld"}
    assert site.resources == len([p for p in site.root.rglob("*.jsonld") if p.name not in own])
    assert site.triples == len(Graph().parse(site.root / "dataset.nt", format="nt"))


def test_two_publications_are_byte_identical(site, tmp_path):
    """The second one from the command line, in another process with another hash seed."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-m", "imtkg", "publish", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"{site.resources} resource pages, {site.triples} triples" in done.stdout
    first = {p.relative_to(site.root): p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_a_failed_publication_leaves_the_previous_site(build, site, tmp_path, monkeypatch):
    import imtkg.publish

    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous release")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(imtkg.publish, "write_pictures", broken)
    with pytest.raises(OSError, match="disk full"):
        write_site(build, Project.default(), out)
    assert (out / "index.html").read_text() == "the previous release"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_bad_base_iri_is_refused_with_exit_code_2(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "imtkg",
            "publish",
            "--out",
            str(tmp_path / "s"),
            "--base-iri",
            "ftp://x/y",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "--base-iri 'ftp://x/y': expected an http(s) IRI that ends with '/'" in done.stderr
    assert not (tmp_path / "s").exists()


def test_a_resource_that_would_overwrite_a_page_of_the_site_is_refused():
    from imtkg.site.iris import Layout

    layout = Layout(BASE)
    assert layout.page_name(BASE + "id/org/itu-t") == "id/org/itu-t"
    with pytest.raises(InputError, match="would overwrite the site's own 'index'"):
        layout.page_name(BASE + "index")
    with pytest.raises(InputError, match="no page can be written"):
        layout.page_name(BASE + "ontology#Sector")


def test_a_catalogue_is_a_named_graph_of_its_own_and_its_editions_have_pages(tmp_path):
    from test_catalogue import GOOD

    from imtkg.catalogue import import_relaton
    from imtkg.publish import publish

    records = tmp_path / "records"
    (records / "data").mkdir(parents=True)
    (records / "data" / "itu-r-m-2150-3.yaml").write_text(
        GOOD.replace("ITU-T Y.3101 (01/2018)", "ITU-R M.2150-3").replace(
            "Requirements of the IMT-2020 network",
            "Detailed specifications of the terrestrial radio interfaces of IMT-2020",
        ),
        encoding="utf-8",
    )
    site = publish(Project.default(), tmp_path / "site", catalogue=records)
    trig = Dataset()
    trig.parse(site.root / "dataset.trig", format="trig")
    catalogue = trig.graph(URIRef(BASE + "graph/catalogue"))
    imported = import_relaton(records).graph
    assert 0 < len(catalogue) <= len(imported)
    assert [t for t in catalogue if t not in imported] == []
    edition = BASE + "id/rec/itu-r/m.2150/3"
    assert site.document_path(edition, ".html") == Path("id/rec/itu-r/m.2150/3.html")
    page = (site.root / "id/rec/itu-r/m.2150/3.html").read_text(encoding="utf-8")
    assert "Detailed specifications of the terrestrial radio interfaces of IMT-2020" in page
    void = Graph().parse(site.root / "void.ttl", format="turtle")
    subset = URIRef(BASE + "void#graph-catalogue")
    assert void.value(subset, VOID.triples).toPython() == len(catalogue)
    assert crawl(site.root)[2] == []
