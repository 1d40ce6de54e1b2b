"""Pictures: the roadmap timeline and the generation × Sector heatmap, on invented and shipped data."""

from __future__ import annotations

import doctest
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

import imtkg.pictures
from imtkg.build import build_graph
from imtkg.namespaces import ID, IMTKG, VOCAB
from imtkg.pictures import (
    DPI,
    FIGSIZE_HEATMAP,
    FIGSIZE_ROADMAP,
    draw_heatmap,
    draw_roadmap,
    harmonization_matrix,
    roadmap_items,
    write_pictures,
)

T = "https://w3id.org/imtkg/id/test/"
G_YEAR_MONTH = URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")

# Invented test data: three Sectors; a working party with an acronym, a study group known only by
# its full name, a group with no label at all; activities that are a bar, a point and undated;
# four IMT editions of one group in two years, one ITU-R edition with no group, one edition
# without a date, and one edition without an IMT generation (not a roadmap item).
FIXTURE = """
@base <https://w3id.org/imtkg/id/test/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix gen: <https://w3id.org/imtkg/vocab/imt-generation/> .
@prefix imtkg: <https://w3id.org/imtkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix status: <https://w3id.org/imtkg/vocab/status/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/imtkg/id/org/itu-r> a imtkg:Sector ; skos:altLabel "ITU-R"@en .
<https://w3id.org/imtkg/id/org/itu-t> a imtkg:Sector ; skos:altLabel "ITU-T"@en .
<https://w3id.org/imtkg/id/org/itu-d> a imtkg:Sector ; skos:altLabel "ITU-D"@en .

<org/wp9z> rdfs:label "Working Party 9Z"@en ; skos:altLabel "WP 9Z"@en ;
    org:subOrganizationOf <https://w3id.org/imtkg/id/org/itu-r> .
<org/sg99> rdfs:label "ITU-T Study Group 99"@en ;
    org:subOrganizationOf <https://w3id.org/imtkg/id/org/itu-t> .

gen:imt-2020 skos:prefLabel "IMT-2020"@en .
gen:imt-advanced skos:prefLabel "IMT-Advanced"@en .
status:approved skos:prefLabel "approved"@en .
status:planned skos:prefLabel "planned"@en .

<activity/radio-spec> a imtkg:WorkItem ;
    rdfs:label "Radio specification"@en ;
    imtkg:sector <https://w3id.org/imtkg/id/org/itu-r> ;
    imtkg:responsibleGroup <org/wp9z> ;
    imtkg:imtGeneration gen:imt-2020 ;
    imtkg:status status:approved ;
    imtkg:startDate "2016-02"^^xsd:gYearMonth ;
    imtkg:targetDate "2020"^^xsd:gYear ;
    imtkg:approvalDate "2021-02"^^xsd:gYearMonth .

<activity/network-study> a imtkg:Study ;
    rdfs:label "Network study"@en ;
    imtkg:sector <https://w3id.org/imtkg/id/org/itu-t> ;
    imtkg:responsibleGroup <org/sg99> ;
    imtkg:imtGeneration gen:imt-advanced ;
    imtkg:approvalDate "2012-01-20"^^xsd:date .

<activity/future-plan> a imtkg:StandardizationActivity ;
    rdfs:label "Future plan"@en ;
    imtkg:sector <https://w3id.org/imtkg/id/org/itu-d> ;
    imtkg:imtGeneration gen:imt-2020 ;
    imtkg:responsibleGroup <org/sg77> ;
    imtkg:status status:planned .

<rec/y.1/2018-01> a imtkg:Edition ; rdfs:label "TEST Y.1 (01/2018)"@en ;
    imtkg:responsibleGroup <org/sg99> ; imtkg:imtGeneration gen:imt-2020 ;
    dct:issued "2018-01-13"^^xsd:date .
<rec/y.2/2018-06> a imtkg:Edition ; rdfs:label "TEST Y.2 (06/2018)"@en ;
    imtkg:responsibleGroup <org/sg99> ; imtkg:imtGeneration gen:imt-2020 ;
    dct:issued "2018-06"^^xsd:gYearMonth .
<rec/y.3/2018-09> a imtkg:Edition ; rdfs:label "TEST Y.3 (09/2018)"@en ;
    imtkg:responsibleGroup <org/sg99> ; imtkg:imtGeneration gen:imt-2020 ;
    dct:issued "2018-09-01"^^xsd:date .
<rec/y.4/2019-03> a imtkg:Edition ; rdfs:label "TEST Y.4 (03/2019)"@en ;
    imtkg:responsibleGroup <org/sg99> ; imtkg:imtGeneration gen:imt-2020 ;
    dct:issued "2019-03-01"^^xsd:date .
<rec/m.9> imtkg:sector <https://w3id.org/imtkg/id/org/itu-r> .
<rec/m.9/0> a imtkg:Edition ; rdfs:label "TEST M.9-0"@en ; imtkg:editionOf <rec/m.9> ;
    imtkg:imtGeneration gen:imt-advanced ; dct:issued "2010-10"^^xsd:gYearMonth .
<rec/m.9/1> a imtkg:Edition ; rdfs:label "TEST M.9-1"@en ; imtkg:editionOf <rec/m.9> ;
    imtkg:imtGeneration gen:imt-advanced .
<rec/z.1/2020-01> a imtkg:Edition ; rdfs:label "TEST Z.1 (01/2020)"@en ;
    imtkg:responsibleGroup <org/sg99> ; dct:issued "2020-01"^^xsd:gYearMonth .
"""

ROWS = (
    "ITU-R · WP 9Z",
    "ITU-R · no group",
    "ITU-T · SG 99",
    "ITU-D · SG 77",
)


def fixture_graph() -> Graph:
    return Graph().parse(data=FIXTURE, format="turtle")


def svg_texts(path: Path) -> list[str]:
    """The text of every <text> element of an SVG file."""
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    out = tmp_path_factory.mktemp("pictures")
    drawing = draw_roadmap(roadmap_items(fixture_graph()), out / "roadmap.svg", out / "roadmap.png")
    return out, drawing


def test_the_items_are_the_activities_and_the_imt_editions():
    items = {i.iri: i for i in roadmap_items(fixture_graph())}
    assert sorted(items) == sorted(
        [T + f"activity/{a}" for a in ("radio-spec", "network-study", "future-plan")]
        + [T + f"rec/y.{n}/{d}" for n, d in ((1, "2018-01"), (2, "2018-06"), (3, "2018-09"), (4, "2019-03"))]
        + [T + "rec/m.9/0", T + "rec/m.9/1"]
    )
    spec = items[T + "activity/radio-spec"]
    assert (spec.kind, spec.row, spec.is_point) == ("activity", "ITU-R · WP 9Z", False)
    assert spec.start == pytest.approx(2016 + 1 / 12) and spec.end == pytest.approx(2021 + 2 / 12)
    point = items[T + "activity/network-study"]
    assert point.is_point and point.row == "ITU-T · SG 99"
    assert items[T + "rec/m.9/0"].row == "ITU-R · no group"  # the Sector of the work
    assert not items[T + "activity/future-plan"].dated


def test_every_row_label_is_in_the_svg(drawn):
    out, drawing = drawn
    assert drawing.rows == ROWS
    texts = svg_texts(out / "roadmap.svg")
    for row in ROWS:
        assert row in texts


def test_activity_labels_edition_counts_and_title_are_in_the_svg(drawn):
    out, drawing = drawn
    texts = svg_texts(out / "roadmap.svg")
    assert "IMT roadmap" in texts
    assert "Radio specification" in texts and "Network study" in texts
    # SG 99: three IMT-2020 editions in 2018 and one in 2019; ITU-R: one IMT-Advanced in 2010.
    markers = {(m.row, m.year, m.generation.rsplit("/", 1)[1], m.count) for m in drawing.markers}
    assert markers == {
        ("ITU-T · SG 99", 2018, "imt-2020", 3),
        ("ITU-T · SG 99", 2019, "imt-2020", 1),
        ("ITU-R · no group", 2010, "imt-advanced", 1),
    }
    assert texts.count("3") == 1 and texts.count("1") >= 2


def test_the_legends_name_each_generation_and_status_present(drawn):
    out, drawing = drawn
    texts = svg_texts(out / "roadmap.svg")
    # What is drawn: the undated "Future plan" (planned, no generation) is not.
    assert drawing.generations == ("IMT-Advanced", "IMT-2020")
    assert drawing.statuses == ("approved", "status not given")
    for name in ("IMT generation", "status", *drawing.generations, *drawing.statuses):
        assert name in texts
    for absent in ("IMT-2030", "no IMT generation", "planned"):
        assert absent not in texts


def test_items_without_a_date_are_reported_not_drawn(drawn):
    out, drawing = drawn
    assert sorted(i.iri for i in drawing.undrawn) == [T + "activity/future-plan", T + "rec/m.9/1"]
    assert len(drawing.drawn) == 7
    texts = svg_texts(out / "roadmap.svg")
    assert "Future plan" not in texts
    assert "(1 undated)" in texts  # under ITU-R · no group and ITU-D · SG 77
    assert any(t.endswith("2 items without a date not drawn.") for t in texts)


def test_the_png_is_valid_and_of_the_fixed_size(drawn):
    out, _ = drawn
    width, height = FIGSIZE_ROADMAP
    assert png_size(out / "roadmap.png") == (int(width * DPI), int(height * DPI))


def test_two_runs_write_byte_identical_files(tmp_path):
    graph = fixture_graph()
    for run in ("one", "two"):
        write_pictures(graph, tmp_path / run)
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == ["harmonization.png", "harmonization.svg", "roadmap.png", "roadmap.svg"]
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert b"<dc:date>" not in (tmp_path / "one" / "roadmap.svg").read_bytes()


def test_the_heatmap_counts_generation_by_sector(tmp_path):
    matrix = harmonization_matrix(fixture_graph())
    assert matrix.generations == ("IMT-Advanced", "IMT-2020")
    assert matrix.sectors == ("ITU-R", "ITU-T", "ITU-D")
    assert matrix.counts == ((2, 1, 0), (1, 4, 1))
    draw_heatmap(matrix, tmp_path / "h.svg", tmp_path / "h.png")
    texts = svg_texts(tmp_path / "h.svg")
    for name in (*matrix.generations, *matrix.sectors):
        assert name in texts
    assert sorted(t for t in texts if t in {"0", "1", "2", "4"}).count("4") >= 1
    width, height = FIGSIZE_HEATMAP
    assert png_size(tmp_path / "h.png") == (int(width * DPI), int(height * DPI))


def test_an_item_with_several_generations_counts_in_each_row():
    graph = fixture_graph()
    graph.add((URIRef(T + "rec/y.1/2018-01"), IMTKG.imtGeneration, VOCAB["imt-generation/imt-advanced"]))
    matrix = harmonization_matrix(graph)
    assert matrix.count("IMT-Advanced", "ITU-T") == 2 and matrix.count("IMT-2020", "ITU-T") == 4
    item = next(i for i in roadmap_items(graph) if i.iri == T + "rec/y.1/2018-01")
    assert item.generation_key == "several"


def test_a_large_catalogue_is_aggregated_into_few_markers(tmp_path):
    graph = fixture_graph()
    groups = [ID["org/itu-t/sg13"], ID["org/itu-t/sg11"], URIRef(T + "org/sg99")]
    for n in range(530):
        edition = URIRef(f"{T}rec/q.{n}/x")
        graph.add((edition, RDF.type, IMTKG.Edition))
        graph.add((edition, IMTKG.responsibleGroup, groups[n % 3]))
        graph.add((edition, IMTKG.imtGeneration, VOCAB["imt-generation/imt-2020"]))
        graph.add((edition, DCTERMS.issued, Literal(f"{2015 + n % 10}-0{1 + n % 9}", datatype=G_YEAR_MONTH)))
    drawing = draw_roadmap(roadmap_items(graph), tmp_path / "r.svg", tmp_path / "r.png")
    assert len(drawing.drawn) == 537
    assert len(drawing.markers) <= 3 * 10 + 3
    assert sum(m.count for m in drawing.markers) == 535  # 530 + the fixture's 5 dated editions
    assert (tmp_path / "r.svg").stat().st_size < 400_000


def test_writing_leaves_no_temporary_files(tmp_path):
    write_pictures(fixture_graph(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "harmonization.png", "harmonization.svg", "roadmap.png", "roadmap.svg",
    ]


# -- the shipped build ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped")
    graph = build_graph().graph
    return out, graph, write_pictures(graph, out)


def test_the_shipped_build_gives_both_pictures(shipped):
    out, _, _ = shipped
    for stem, size in (("roadmap", FIGSIZE_ROADMAP), ("harmonization", FIGSIZE_HEATMAP)):
        assert png_size(out / f"{stem}.png") == (int(size[0] * DPI), int(size[1] * DPI))
        assert svg_texts(out / f"{stem}.svg")


def test_the_shipped_roadmap_names_the_groups_of_data_roadmap(shipped):
    out, graph, drawing = shipped
    expected = {
        "ITU-R · SG 5",
        "ITU-R · WP 5D",
        "ITU-T · FG IMT-2020",
        "ITU-T · JCA-IMT2020",
        "ITU-T · SG 13",
        "ITU-T · WP 1/13",
        "ITU-T · WP 2/11",
        "ITU-D · SG 2",
    }
    assert set(drawing.rows) == expected
    texts = svg_texts(out / "roadmap.svg")
    assert expected <= set(texts)
    on_imt = {
        a
        for a in graph.subjects(RDF.type, IMTKG.StandardizationActivity)
        if (a, IMTKG.imtGeneration, None) in graph
    }
    assert on_imt and {URIRef(i.iri) for i in roadmap_items(graph)} == on_imt


def test_the_shipped_heatmap_counts_every_activity(shipped):
    _, graph, _ = shipped
    matrix = harmonization_matrix(graph)
    assert matrix.count("IMT-2020", "ITU-T") == 5
    assert matrix.count("IMT-2030", "ITU-R") == 1
    assert "no IMT generation" not in matrix.generations  # ITU-D Question 1/1 is not on IMT


def test_the_examples_in_the_docstrings_run():
    failures, attempted = doctest.testmod(imtkg.pictures)
    assert attempted > 0 and failures == 0
