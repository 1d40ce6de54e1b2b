"""Incremental builds (imtkg.incremental, imtkg.cache): after one file changes, only what it
touches is redone, and the build equals a full build of the same files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import SH

from imtkg import Project
from imtkg.build import build_graph
from imtkg.cache import Cache, catalogue_ntriples, fingerprint
from imtkg.incremental import Reads, build_incremental, shape_units, sparql_reads
from imtkg.oxstore import INFERRED_GRAPH, ntriples

BLANK = re.compile(rb"_:[A-Za-z0-9]+")
NEW_ACTIVITY = """
<activity/itu-t/test-added-work> a imtkg:StandardizationActivity ;
    rdfs:label "A test activity of ITU-T SG13"@en ;
    imtkg:sector <org/itu-t> ;
    imtkg:responsibleGroup <org/itu-t/sg13> ;
    imtkg:imtGeneration imt-generation:imt-2030 ;
    imtkg:targetDate "2027"^^xsd:gYear ;
    imtkg:dependsOn <activity/itu-r/imt-2030-framework> .
"""


def outcome(build) -> dict:
    """What a build says, in a form two builds can be compared by: the asserted and inferred
    triples, the validation results, the rows of every view, the summary."""
    store = build.store
    inferred = sorted(ntriples(store, INFERRED_GRAPH).splitlines())
    # The ontology's blank nodes (lists of classes) have new labels at each parse.
    everything = sorted(BLANK.sub(b"_:b", line) for line in ntriples(store).splitlines())
    results = sorted(
        (
            str(r.shape),
            r.focus.n3(),
            str(r.severity),
            r.value.n3() if r.value is not None else "",
            r.message,
        )
        for r in build.report.results
    )
    views = {
        name: (table.columns, sorted(tuple("" if c is None else c.n3() for c in row) for row in table.rows))
        for name, table in build.tables.items()
    }
    return {
        "triples": everything,
        "inferred": inferred,
        "results": results,
        "views": views,
        "summary": build.summary(),
    }


def assert_same(incremental, full) -> None:
    got, expected = outcome(incremental), outcome(full)
    for key in expected:
        assert got[key] == expected[key], key


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_block(path: Path, subject: str) -> None:
    """Take the Turtle block of ``subject`` (from its line to the next blank line) out of ``path``."""
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"^{re.escape(subject)} a .*?(?:\n\n|\n?\Z)", text, re.S | re.M)
    assert block is not None, subject
    path.write_text(text.replace(block[0], ""), encoding="utf-8")


def add_activity(project: Project) -> None:
    path = project.data_dir / "roadmap" / "activities.ttl"
    path.write_text(path.read_text(encoding="utf-8") + NEW_ACTIVITY, encoding="utf-8")


def remove_liaison(project: Project) -> None:
    remove_block(project.data_dir / "roadmap" / "liaisons.ttl", "<ls/itu-t/ietf-liaison-1504>")


def change_old_date(project: Project) -> None:
    path = project.data_dir / "roadmap" / "liaisons.ttl"
    edit(path, '"2016-02-26"^^xsd:date', '"2016-03-01"^^xsd:date')


def change_newest_date(project: Project) -> None:
    """A date newer than any other: the day of the dated checks moves (every dated shape again)."""
    path = project.data_dir / "roadmap" / "liaisons.ttl"
    edit(path, '"2016-02-26"^^xsd:date', '"2026-01-15"^^xsd:date')


def delete_file(project: Project) -> None:
    (project.data_dir / "roadmap" / "liaisons.ttl").unlink()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_first_run_builds_everything_and_equals_a_full_build(project_copy, cache_dir):
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full == "no complete build state of this version in the cache"
    assert work.inference == "full"
    assert "data/roadmap/activities.ttl" in work.changed
    assert work.shapes_kept == 0 and work.shapes_focused == {}
    assert len(work.views_run) == len(build.tables) > 10
    assert_same(build, build_graph(project_copy))


def test_an_unchanged_run_redoes_nothing(project_copy, cache_dir):
    first, _ = build_incremental(project_copy, cache_dir=cache_dir)
    again, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full is None
    assert work.changed == ()
    assert work.triples_changed == 0
    assert work.inference == "none"
    assert work.shapes_whole == () and work.shapes_focused == {}
    assert work.shapes_kept > 40
    assert work.views_run == ()
    assert outcome(again) == outcome(first)


@pytest.mark.parametrize(
    "change",
    [add_activity, remove_liaison, change_old_date, change_newest_date, delete_file],
    ids=lambda f: f.__name__,
)
def test_one_changed_file_gives_the_full_build(project_copy, cache_dir, change):
    build_incremental(project_copy, cache_dir=cache_dir)
    change(project_copy)
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full is None
    assert work.changed == ("data/roadmap/activities.ttl",) if change is add_activity else (
        "data/roadmap/liaisons.ttl",
    )
    assert work.triples_changed > 0
    assert work.inference == "local"
    assert_same(build, build_graph(project_copy))
    # Only part of the work was redone.
    assert 0 < len(work.views_run) < len(build.tables)
    rerun = len(work.shapes_whole) + len(work.shapes_focused)
    assert work.shapes_kept > 0 and rerun > 0


def test_a_local_change_checks_few_focus_nodes(project_copy, cache_dir):
    build_incremental(project_copy, cache_dir=cache_dir)
    change_old_date(project_copy)
    _, work = build_incremental(project_copy, cache_dir=cache_dir)
    # The dct:dateSubmitted of one liaison: the triple goes, another comes; the one shape that
    # reads that property is checked on that liaison only; one view reads it.
    assert work.triples_changed == 2
    assert work.shapes_whole == ()
    assert work.shapes_focused == {"https://w3id.org/imtkg/shapes#DatedResourceShape-dateSubmitted": 1}
    assert work.views_run == ("views/liaisons",)


def test_a_changed_shapes_file_checks_every_shape_again(project_copy, cache_dir):
    first, _ = build_incremental(project_copy, cache_dir=cache_dir)
    edit(project_copy.shapes_dir / "integrity-work.ttl", "PREFIX", "# edited\nPREFIX")
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full is None and work.changed == () and work.inference == "none"
    assert work.shapes_kept == 0 and work.shapes_focused == {}
    assert len(work.shapes_whole) > 40
    assert outcome(build) == outcome(first)


def test_a_changed_ontology_redoes_everything(project_copy, cache_dir):
    build_incremental(project_copy, cache_dir=cache_dir)
    edit(project_copy.ontology_dir / "imtkg.ttl", "PREFIX", "# edited\nPREFIX")
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full == "the ontology changed"
    assert work.inference == "full"
    assert work.shapes_kept == 0
    assert_same(build, build_graph(project_copy))


def test_a_half_written_state_is_not_trusted(project_copy, cache_dir):
    build_incremental(project_copy, cache_dir=cache_dir)
    state = cache_dir / "state" / "state.json"
    saved = json.loads(state.read_text())
    state.write_text(json.dumps({**saved, "status": "unfinished"}))
    change_old_date(project_copy)
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full == "no complete build state of this version in the cache"
    assert_same(build, build_graph(project_copy))
    state.write_text(state.read_text()[:100])  # cut short
    _, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full == "no complete build state of this version in the cache"


def test_a_corrupt_cache_entry_is_made_again(project_copy, cache_dir):
    build_incremental(project_copy, cache_dir=cache_dir)
    entries = sorted((cache_dir).glob("v*/ingested/*.nt"))
    assert len(entries) == 1
    good = entries[0].read_bytes()
    entries[0].write_bytes(good.replace(b"Resolution", b"Resolutiom", 1))
    (cache_dir / "state" / "state.json").unlink()  # so that the text is read again
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full is not None
    assert entries[0].read_bytes() == good  # made again, not read
    assert_same(build, build_graph(project_copy))


def test_cache_entries_are_checked(tmp_path):
    cache = Cache(tmp_path)
    cache.put("catalogue", "ab" * 32, b"<urn:a> <urn:p> <urn:b> .\n")
    assert cache.get("catalogue", "ab" * 32) == b"<urn:a> <urn:p> <urn:b> .\n"
    path = cache.entry("catalogue", "ab" * 32)
    path.write_bytes(path.read_bytes().replace(b"urn:b", b"urn:c"))
    assert cache.get("catalogue", "ab" * 32) is None
    assert not path.exists()
    assert cache.stats.corrupt == ["catalogue/" + "ab" * 32]
    made = cache.triples("catalogue", "ab" * 32, lambda: b"<urn:a> <urn:p> <urn:d> .\n")
    assert made == b"<urn:a> <urn:p> <urn:d> .\n"
    assert cache.stats.made == ["catalogue/" + "ab" * 32] * 2


def test_an_imported_catalogue_is_read_from_the_cache(tmp_path):
    source = tmp_path / "catalogue.ttl"
    source.write_text("<urn:a> <urn:p> 'x' .\n", encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    first = catalogue_ntriples(cache, source)
    again = catalogue_ntriples(cache, source)
    assert first == again == b'<urn:a> <urn:p> "x" .\n'
    assert len(cache.stats.made) == 1 and len(cache.stats.hits) == 1
    source.write_text("<urn:a> <urn:p> 'y' .\n", encoding="utf-8")
    assert catalogue_ntriples(cache, source) == b'<urn:a> <urn:p> "y" .\n'


def test_fingerprints_of_files_and_folders(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.yaml").write_text("a")
    before = fingerprint(folder)
    (folder / "b.yaml").write_text("b")
    assert fingerprint(folder) != before
    (folder / "b.yaml").unlink()
    assert fingerprint(folder) == before
    assert fingerprint(folder / "a.yaml") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"


def test_what_a_query_reads():
    reads = sparql_reads(
        """PREFIX ex: <urn:ex:>
        SELECT ?x WHERE { ?x a ex:C ; ex:p/^ex:q ?y . FILTER NOT EXISTS { ?y ex:r* ?z } }"""
    )
    assert reads == Reads(frozenset({"urn:ex:p", "urn:ex:q", "urn:ex:r"}), frozenset({"urn:ex:C"}))
    assert sparql_reads("SELECT * WHERE { ?x a ?type }").predicates == frozenset(
        {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    )
    assert sparql_reads("SELECT * WHERE { GRAPH ?g { ?x <urn:p> ?y } }").everything
    assert sparql_reads("SELECT * WHERE { ?x !<urn:p> ?y }").everything
    assert sparql_reads("not SPARQL").everything


def test_units_of_the_shipped_shapes():
    from imtkg.graph import load_turtle

    shapes = load_turtle(Project.default().shape_files())
    units = {unit.id.split("#")[1]: unit for unit in shape_units(shapes, lambda iri: frozenset({iri}))}
    assert len(units) > 40
    for unit in units.values():
        assert unit.sparql == (shapes.value(unit.tops[0], SH.sparql) is not None) or unit.dated, unit.id
    clause = units["ClauseShape"]  # SPARQL and Core constraints; its Core ones are local
    assert clause.sparql and clause.core and clause.local
    # The dates: a unit per property shape, each targeting the subjects of its own property.
    assert "DatedResourceShape" not in units
    for name in ("date", "dateSubmitted", "issued", "approvalDate", "startDate", "endDate", "targetDate"):
        dated = units[f"DatedResourceShape-{name}"]
        assert dated.local and dated.depth is not None and not dated.dated
        assert {p.split("/")[-1].split("#")[-1] for p in dated.reads.predicates} == {name}
    group = units["FocusGroupShape"]  # org:subOrganizationOf+ (any depth)
    assert group.local and group.depth is None
    assert group.forward == frozenset({"http://www.w3.org/ns/org#subOrganizationOf"})
    reply = units["Resolves2LiaisonReplyShape"]  # a SPARQL target, a SPARQL-based component
    assert reply.sparql and not reply.core and not reply.local and reply.dated
    assert "http://purl.org/dc/terms/date" in reply.reads.predicates
    assert {u for u, unit in units.items() if unit.dated} == {
        "Resolves1RoadmapAgeShape",
        "Resolves2LiaisonReplyShape",
    }


def test_a_triple_another_file_asserts_stays(project_copy, cache_dir):
    extra = project_copy.data_dir / "roadmap" / "extra.ttl"
    extra.write_text(
        "<https://w3id.org/imtkg/id/ls/itu-t/ietf-liaison-1504> "
        "<http://purl.org/dc/terms/dateSubmitted> "
        '"2017-01-24"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        encoding="utf-8",
    )
    build_incremental(project_copy, cache_dir=cache_dir)
    remove_liaison(project_copy)
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.changed == ("data/roadmap/liaisons.ttl",)
    date = ox.Quad(
        ox.NamedNode("https://w3id.org/imtkg/id/ls/itu-t/ietf-liaison-1504"),
        ox.NamedNode("http://purl.org/dc/terms/dateSubmitted"),
        ox.Literal("2017-01-24", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.DefaultGraph(),
    )
    assert date in build.store
    assert_same(build, build_graph(project_copy))
    extra.unlink()
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert date not in build.store
    assert_same(build, build_graph(project_copy))


def test_a_corrupt_state_store_is_made_anew(project_copy, cache_dir):
    (cache_dir / "state" / "graph").mkdir(parents=True)
    (cache_dir / "state" / "graph" / "CURRENT").write_text("garbage\n")  # not a RocksDB store
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full == "no complete build state of this version in the cache"
    assert_same(build, build_graph(project_copy))


CATALOGUE = """@prefix dct: <http://purl.org/dc/terms/> .
@prefix imtkg: <https://w3id.org/imtkg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/imtkg/id/rec/itu-t/y.3101> a imtkg:Recommendation ;
    dct:identifier "ITU-T Y.3101" ;
    imtkg:sector <https://w3id.org/imtkg/id/org/itu-t> ;
    imtkg:series "Y" ;
    imtkg:number "3101" ;
    dct:source <https://example.org/y3101.yaml> .
<https://w3id.org/imtkg/id/rec/itu-t/y.3101/2018-01> a imtkg:Edition ;
    imtkg:editionOf <https://w3id.org/imtkg/id/rec/itu-t/y.3101> ;
    dct:identifier "ITU-T Y.3101 (01/2018)" ;
    dct:title "Requirements of the IMT-2020 network"@en ;
    dct:date "2018-01-13"^^xsd:date ;
    dct:source <https://example.org/y3101.yaml> .
"""


def test_a_changed_catalogue_gives_the_full_build(project_copy, cache_dir, tmp_path):
    catalogue = tmp_path / "catalogue.ttl"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    build_incremental(project_copy, catalogue=catalogue, cache_dir=cache_dir)
    catalogue.write_text(CATALOGUE.replace('"ITU-T Y.3101 (01/2018)"', '"ITU-T Y 3101"'), encoding="utf-8")
    build, work = build_incremental(project_copy, catalogue=catalogue, cache_dir=cache_dir)
    assert work.changed == ("catalogue",)
    assert work.triples_changed == 2
    assert_same(build, build_graph(project_copy, catalogue=catalogue))
    # Without the catalogue, its triples go.
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.changed == ("catalogue",)
    assert_same(build, build_graph(project_copy))


@pytest.mark.parametrize(
    "triple",
    [
        # imtkg:editionOf is functional: a second value makes the two works equal (owl:sameAs).
        "<https://w3id.org/imtkg/id/rec/itu-t/a.4/2012-11> <https://w3id.org/imtkg/ontology#editionOf> "
        "<https://w3id.org/imtkg/id/rec/itu-t/a.5> .",
        # A schema triple in the data.
        "<https://w3id.org/imtkg/ontology#StandardizationActivity> "
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:test:Work> .",
    ],
    ids=["equality", "schema"],
)
def test_a_change_that_is_not_local_closes_the_whole_graph(project_copy, cache_dir, triple):
    build_incremental(project_copy, cache_dir=cache_dir)
    extra = project_copy.data_dir / "roadmap" / "extra.ttl"
    extra.write_text(triple + "\n", encoding="utf-8")
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.inference == "full"
    assert_same(build, build_graph(project_copy))
    extra.unlink()
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.inference == "full"
    assert_same(build, build_graph(project_copy))
    change_old_date(project_copy)  # and local again afterwards
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.inference == "local"
    assert_same(build, build_graph(project_copy))


def test_blank_nodes_of_a_changed_file_are_replaced(project_copy, cache_dir):
    extra = project_copy.data_dir / "roadmap" / "extra.ttl"
    note = (
        "<https://w3id.org/imtkg/id/ls/itu-t/ietf-liaison-1504> "
        "<http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "[ <http://www.w3.org/2000/01/rdf-schema#label> {} ] .\n"
    )
    extra.write_text(note.format('"a note"@en'), encoding="utf-8")
    build_incremental(project_copy, cache_dir=cache_dir)
    extra.write_text(note.format('"another note"@en'), encoding="utf-8")
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.changed == ("data/roadmap/extra.ttl",)
    # The label changes; so does the blank node itself when the parser labels it anew.
    assert work.triples_changed in (2, 4)
    assert_same(build, build_graph(project_copy))
    extra.unlink()
    build, _ = build_incremental(project_copy, cache_dir=cache_dir)
    assert_same(build, build_graph(project_copy))


def test_the_default_cache_folder(monkeypatch, tmp_path):
    from imtkg.cache import default_cache_dir

    monkeypatch.setenv("IMTKG_CACHE_DIR", str(tmp_path / "mine"))
    first = default_cache_dir(Path("/projects/a"))
    assert first.parent == tmp_path / "mine" and len(first.name) == 16
    assert default_cache_dir(Path("/projects/b")) != first
    monkeypatch.delenv("IMTKG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir(Path("/projects/a")) == tmp_path / "xdg" / "imtkg" / first.name


def test_a_malformed_file_stops_the_run_and_keeps_the_state(project_copy, cache_dir):
    from imtkg.errors import SourceError

    build_incremental(project_copy, cache_dir=cache_dir)
    path = project_copy.data_dir / "roadmap" / "liaisons.ttl"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "\n<ls/broken> a .\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        build_incremental(project_copy, cache_dir=cache_dir)
    assert "liaisons.ttl" in str(raised.value)
    path.write_text(good, encoding="utf-8")
    change_old_date(project_copy)
    build, work = build_incremental(project_copy, cache_dir=cache_dir)
    assert work.full is None and work.inference == "local"
    assert_same(build, build_graph(project_copy))
