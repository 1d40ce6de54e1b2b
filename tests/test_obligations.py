"""Specification of the obligation shapes of WTSA Resolution 38 (``shapes/obligations-*.ttl``).

What these tests require, in order:

* a data set in which every obligation is met conforms: ``tests/fixtures/obligations/all-met.ttl``
  (synthetic evidence) with the ontology, the ITU structure of ``data/itu/structure.ttl`` and the
  ingested text of the resolution gives no result from any integrity or obligation shape, as of
  2026-06-30 with the default ages, as it is and closed under OWL 2 RL as the build closes it;
* removing any one piece of that evidence makes exactly the expected obligation shapes fire, on
  exactly the expected focus nodes (:data:`REMOVALS`), and every obligation shape fires on some
  removal (so none passes the all-met data set for want of something to check);
* on the shipped build, the obligation shapes give exactly the expected findings
  (:data:`SHIPPED_FINDINGS`), as of an explicit day; the ITU-T roadmap's newest edition
  (2025-11-06) counts as kept up to date until 365 days have passed;
* the settings: :func:`imtkg.shape_settings.apply_settings` sets the ages and the day in a copy of
  the shapes graph, which the shapes files leave without a day and with the defaults of
  :class:`~imtkg.shape_settings.ValidationSettings`; the age is counted in days across leap years
  and from the last day of a month or year; the module's examples run.
"""

from __future__ import annotations

import doctest
import functools
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

import imtkg.shape_settings
from imtkg import oxstore
from imtkg.build import build_graph
from imtkg.graph import load_turtle, new_graph, parse_turtle
from imtkg.ingest import ingest_resolution
from imtkg.project import Project
from imtkg.reasoning import infer
from imtkg.shape_settings import (
    ValidationSettings,
    apply_settings,
    newest_recorded_date,
    newest_recorded_date_in_store,
)
from imtkg.validation import validate

ROOT = Path(__file__).resolve().parents[1]
ALL_MET = ROOT / "tests" / "fixtures" / "obligations" / "all-met.ttl"
STRUCTURE = ROOT / "data" / "itu" / "structure.ttl"

ID = Namespace("https://w3id.org/imtkg/id/")
TEST = Namespace("https://w3id.org/imtkg/id/test/")
IMTKG = Namespace("https://w3id.org/imtkg/ontology#")
IMTSH = Namespace("https://w3id.org/imtkg/shapes#")
# Plain Namespaces, not rdflib.namespace's, which warn when pytest probes module globals.
SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCT = Namespace("http://purl.org/dc/terms/")

AS_OF = date(2026, 6, 30)


# --- the shapes and the data set -------------------------------------------------------------


def data_shapes(settings: ValidationSettings) -> Graph:
    return apply_settings(load_turtle(Project.default().shape_files()), settings)


@functools.cache
def obligation_files() -> list[Path]:
    project = Project.default()
    files = [p for p in project.shape_files() if p not in project.integrity_shape_files()]
    assert files, f"no obligations-*.ttl under {project.shapes_dir}"
    return files


@functools.cache
def resolution_38() -> Graph:
    project = Project.default()
    sources = [p for p in project.source_texts() if "resolution-38" in p.name]
    assert len(sources) == 1, f"expected the text of Resolution 38 under {project.sources_dir}"
    return ingest_resolution(sources[0], project)


@functools.cache
def all_met() -> Graph:
    """The all-met data set: ontology, ITU structure, the ingested resolution, the evidence."""
    graph = load_turtle(Project.default().ontology_files() + [STRUCTURE, ALL_MET])
    graph += resolution_38()
    return graph


@functools.cache
def shapes_as_of_the_test_day() -> Graph:
    return data_shapes(ValidationSettings(as_of=AS_OF))


@functools.cache
def obligation_shapes_as_of_the_test_day() -> Graph:
    return apply_settings(load_turtle(obligation_files()), ValidationSettings(as_of=AS_OF))


def findings(graph: Graph, shapes: Graph | None = None) -> set[tuple[URIRef, URIRef]]:
    """(node shape, focus node) of every result; results of property shapes go to their node shape."""
    shapes = shapes if shapes is not None else shapes_as_of_the_test_day()
    report = validate(graph, shapes)
    owner = {p: s for s, p in shapes.subject_objects(SH.property)}
    return {(owner.get(r.shape, r.shape), r.focus) for r in report.results}


def listing(found: set) -> str:
    return "\n  ".join(sorted(f"{str(s).split('#')[-1]} {f}" for s, f in found)) or "(none)"


# --- every obligation met ----------------------------------------------------------------------


def test_the_all_met_data_set_gives_no_finding():
    found = findings(all_met())
    assert not found, f"the all-met data set should conform, but:\n  {listing(found)}"


def test_the_all_met_data_set_closed_under_owl_rl_gives_no_finding():
    found = findings(infer(all_met()).graph)
    assert not found, f"the closed all-met data set should conform, but:\n  {listing(found)}"


# --- removing one piece of evidence ------------------------------------------------------------

#: (piece of evidence, the resources that make it up, the (shape, focus) results its removal gives).
#: A resource is removed with every triple it is the subject or object of; a triple alone is given
#: as (subject, predicate).
REMOVALS = [
    (
        "the letter of the Director of TSB to the Director of BR",
        [TEST["letter-tsb-to-br"]],
        {(IMTSH.InstructsCommunicationShape, ID["post/director-br"])},
    ),
    (
        "the letter of the Director of TSB to the Director of BDT",
        [TEST["letter-tsb-to-bdt"]],
        {(IMTSH.InstructsCommunicationShape, ID["post/director-bdt"])},
    ),
    (
        "the report of the Director of TSB on efficiency",
        [TEST["report-tsb"]],
        {(IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-tsb"])},
    ),
    (
        "the report of the Director of BR on efficiency",
        [TEST["report-br"]],
        {(IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-br"])},
    ),
    (
        "the report of the Director of BDT on efficiency",
        [TEST["report-bdt"]],
        {(IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-bdt"])},
    ),
    (
        "the ITU-T roadmap",
        [
            TEST["roadmap-t"],
            TEST["roadmap-t-2024-09"],
            TEST["roadmap-t-2024-09-entry-1"],
            TEST["roadmap-t-2026-05"],
            TEST["roadmap-t-2026-05-entry-1"],
            TEST["roadmap-t-2026-05-entry-2"],
        ],
        {
            (IMTSH.Resolves1RoadmapShape, ID["org/itu-t"]),
            (IMTSH.Resolves2SectorRoadmapShape, ID["org/itu-t"]),
            (IMTSH.Resolves1ActivityOnRoadmapShape, TEST["activity-t"]),
        },
    ),
    (
        "the newest edition of the ITU-T roadmap (2026-05), with its entries",
        [
            TEST["roadmap-t-2026-05"],
            TEST["roadmap-t-2026-05-entry-1"],
            TEST["roadmap-t-2026-05-entry-2"],
        ],
        {(IMTSH.Resolves1RoadmapAgeShape, TEST["roadmap-t"])},
    ),
    (
        "the entries of the ITU-T roadmap for the ITU-T activity",
        [TEST["roadmap-t-2024-09-entry-1"], TEST["roadmap-t-2026-05-entry-1"]],
        {(IMTSH.Resolves1ActivityOnRoadmapShape, TEST["activity-t"])},
    ),
    (
        "the ITU-D roadmap",
        [TEST["roadmap-d"], TEST["roadmap-d-2026-02"], TEST["roadmap-d-2026-02-entry-1"]],
        {(IMTSH.Resolves2SectorRoadmapShape, ID["org/itu-d"])},
    ),
    (
        "the liaison statements between ITU-T SG13 and ITU-R WP 5D",
        [TEST["ls-wp5d-to-sg13"], TEST["ls-sg13-reply"]],
        {
            (IMTSH.Resolves2DependencyLiaisonShape, TEST["activity-t"]),
            (IMTSH.ConsideringDLiaisonShape, ID["org/itu-t/sg13"]),
        },
    ),
    (
        "the reply of ITU-T SG13 to the statement for action of WP 5D",
        [TEST["ls-sg13-reply"]],
        {(IMTSH.Resolves2LiaisonReplyShape, TEST["ls-wp5d-to-sg13"])},
    ),
    (
        "the liaison statement of ITU-D SG2 to ITU-R WP 5D",
        [TEST["ls-sg2-to-wp5d"]],
        {(IMTSH.Resolves2DependencyLiaisonShape, TEST["activity-d"])},
    ),
    (
        "the approval date of the ITU-R activity (its target date is later than the ITU-T approval)",
        [(TEST["activity-r"], IMTKG.approvalDate)],
        {(IMTSH.Resolves2DependencyTimingShape, TEST["activity-t"])},
    ),
    (
        "the ITU-R roadmap's entry for the ITU-R activity",
        [TEST["roadmap-r-2026-03-entry-1"]],
        {
            (IMTSH.Resolves2DependencyCounterpartShape, TEST["activity-t"]),
            (IMTSH.Resolves2DependencyCounterpartShape, TEST["activity-d"]),
            (IMTSH.Resolves2EntryCounterpartShape, TEST["roadmap-t-2026-05-entry-2"]),
        },
    ),
]


def without(graph: Graph, pieces: list) -> Graph:
    copy = new_graph()
    copy += graph
    for piece in pieces:
        if isinstance(piece, tuple):
            assert (piece[0], piece[1], None) in copy, f"no {piece} in the all-met data set"
            copy.remove((piece[0], piece[1], None))
            continue
        assert (piece, None, None) in copy, f"no {piece} in the all-met data set"
        copy.remove((piece, None, None))
        copy.remove((None, None, piece))
    return copy


@pytest.mark.parametrize(
    "removed, expected",
    [(pieces, expected) for _, pieces, expected in REMOVALS],
    ids=[r[0] for r in REMOVALS],
)
def test_removing_one_piece_of_evidence_makes_exactly_the_expected_shapes_fire(removed, expected):
    found = findings(without(all_met(), removed), obligation_shapes_as_of_the_test_day())
    assert found == expected, f"expected:\n  {listing(expected)}\nfound:\n  {listing(found)}"


def test_every_obligation_shape_fires_on_the_removal_of_some_evidence():
    fired = {shape for _, _, expected in REMOVALS for shape, _ in expected}
    declared = {
        s for p in obligation_files() for s in parse_turtle(p).subjects(RDF.type, IMTKG.ComplianceShape)
    }
    assert declared, "the obligations files declare no compliance shape"
    assert declared <= fired, f"shapes no removal makes fire: {sorted(declared - fired)}"


# --- the shipped build -------------------------------------------------------------------------

#: What the records of the shipped data do not show (none of these is a fact missing from data/:
#: no source read records them).
SHIPPED_FINDINGS = {
    # resolves 1: the ITU-T IMT activities of data/roadmap/activities.ttl are on no roadmap edition
    # (no source lists the entries of the Y Suppl. 59 editions).
    (IMTSH.Resolves1ActivityOnRoadmapShape, ID["activity/itu-t/fg-imt-2020-studies"]),
    (IMTSH.Resolves1ActivityOnRoadmapShape, ID["activity/itu-t/jca-imt2020-roadmap"]),
    (IMTSH.Resolves1ActivityOnRoadmapShape, ID["activity/itu-t/question-20-13-2017-2020"]),
    (IMTSH.Resolves1ActivityOnRoadmapShape, ID["activity/itu-t/sg11-wp2-imt-2020-protocols"]),
    (IMTSH.Resolves1ActivityOnRoadmapShape, ID["activity/itu-t/sg13-imt-2020-normative-work"]),
    # resolves 2: no ITU-D roadmap; the two ITU-D studies that build on ITU-R work have no liaison
    # statement between the groups, and the ITU-R work is on no ITU-R roadmap edition.
    (IMTSH.Resolves2SectorRoadmapShape, ID["org/itu-d"]),
    (IMTSH.Resolves2DependencyLiaisonShape, ID["activity/itu-d/question-25-2"]),
    (IMTSH.Resolves2DependencyLiaisonShape, ID["activity/itu-d/imt-transition-guidelines"]),
    (IMTSH.Resolves2DependencyCounterpartShape, ID["activity/itu-d/question-25-2"]),
    (IMTSH.Resolves2DependencyCounterpartShape, ID["activity/itu-d/imt-transition-guidelines"]),
    # instructs: no recorded communication from the Director of TSB to BR or BDT.
    (IMTSH.InstructsCommunicationShape, ID["post/director-br"]),
    (IMTSH.InstructsCommunicationShape, ID["post/director-bdt"]),
    # encourages: nothing recorded of any Director on new ways to improve efficiency.
    (IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-tsb"]),
    (IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-br"]),
    (IMTSH.EncouragesEfficiencyRecordShape, ID["post/director-bdt"]),
    # considering d): ITU-T SG13 and SG11 work on IMT; the one statement of WP 5D went to the
    # JCA-IMT2020, which is not placed under SG13.
    (IMTSH.ConsideringDLiaisonShape, ID["org/itu-t/sg13"]),
    (IMTSH.ConsideringDLiaisonShape, ID["org/itu-t/sg11"]),
}

#: The ITU-T roadmap's newest edition is of 2025-11-06: 365 days later it is still maintained.
STALE_ROADMAP = (IMTSH.Resolves1RoadmapAgeShape, ID["roadmap/itu-t/imt"])


@pytest.fixture(scope="module")
def build():
    return build_graph()


def test_the_build_checks_as_of_the_newest_day_its_data_records(build):
    assert build.settings.as_of == newest_recorded_date(build.graph) == date(2025, 11, 6)
    assert build.settings.max_roadmap_age_days == ValidationSettings().max_roadmap_age_days


def test_the_store_and_the_graph_agree_on_the_newest_recorded_day():
    """Given recorded days, an ill-typed one, a planned (target) day, a year and a day in a named
    graph: the newest valid recorded day of the default graph, whichever way it is read."""
    data = new_graph().parse(
        format="turtle",
        data="""@prefix dct: <http://purl.org/dc/terms/> . @prefix imtkg: <https://w3id.org/imtkg/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:a> dct:issued "2024-03-01"^^xsd:date ; dct:date "2024-13-40"^^xsd:date ;
            imtkg:targetDate "2031-01-01"^^xsd:date .
        <urn:b> imtkg:approvalDate "2024-07-09"^^xsd:date ; dct:issued "2030"^^xsd:gYear .
        <urn:c> dct:dateSubmitted "2024-07-08Z"^^xsd:date .""",
    )
    store = ox.Store()
    oxstore.add_graph(store, data)
    late = ox.Literal("2029-01-01", datatype=ox.NamedNode(str(XSD.date)))
    store.add(ox.Quad(ox.NamedNode("urn:d"), ox.NamedNode(str(DCT.issued)), late, ox.NamedNode("urn:g")))
    assert newest_recorded_date_in_store(store) == newest_recorded_date(data) == date(2024, 7, 9)
    assert newest_recorded_date_in_store(ox.Store()) is None


def test_the_shipped_build_conforms_and_has_exactly_the_expected_obligation_findings(build):
    assert build.conforms
    owner = {p: s for s, p in load_turtle(Project.default().shape_files()).subject_objects(SH.property)}
    found = {(owner.get(r.shape, r.shape), r.focus) for r in build.obligation_results()}
    assert found == SHIPPED_FINDINGS, f"found:\n  {listing(found)}"


@pytest.mark.parametrize(
    "as_of, stale",
    [(date(2026, 6, 30), False), (date(2026, 11, 6), False), (date(2026, 11, 7), True)],
    ids=str,
)
def test_the_shipped_data_as_of_a_given_day(build, as_of, stale):
    shapes = load_turtle(obligation_files())
    found = findings(build.graph, apply_settings(shapes, ValidationSettings(as_of=as_of)))
    assert found == SHIPPED_FINDINGS | ({STALE_ROADMAP} if stale else set()), listing(found)


# --- the settings ------------------------------------------------------------------------------


def test_the_shapes_files_carry_the_default_ages_and_no_day():
    shapes = load_turtle(obligation_files())
    defaults = ValidationSettings()
    assert {o.toPython() for o in shapes.objects(None, IMTKG.maxAgeDays)} == {
        defaults.max_roadmap_age_days
    }
    assert {o.toPython() for o in shapes.objects(None, IMTKG.replyWithinDays)} == {
        defaults.reply_within_days
    }
    assert not list(shapes.objects(None, IMTKG.asOf)), "the files must leave the day to the settings"


def test_apply_settings_sets_the_ages_and_the_day_in_a_copy():
    shapes = load_turtle(obligation_files())
    before = len(shapes)
    configured = apply_settings(shapes, ValidationSettings(date(2030, 1, 2), 30, 60))
    assert len(shapes) == before and not list(shapes.objects(None, IMTKG.asOf))
    assert set(configured.objects(IMTSH.Resolves1RoadmapAgeShape, IMTKG.maxAgeDays)) == {
        Literal(30, datatype=XSD.integer)
    }
    assert set(configured.objects(IMTSH.Resolves2LiaisonReplyShape, IMTKG.replyWithinDays)) == {
        Literal(60, datatype=XSD.integer)
    }
    day = Literal("2030-01-02", datatype=XSD.date)
    assert set(configured.subjects(IMTKG.asOf, None)) == {
        IMTSH.Resolves1RoadmapAgeShape,
        IMTSH.Resolves2LiaisonReplyShape,
    }
    assert set(configured.objects(None, IMTKG.asOf)) == {day}
    assert len(configured) == before + 2


def roadmap_of_itu_t(*issued: Literal) -> Graph:
    """ITU-T bearing resolves 1, with a roadmap whose editions were issued on ``issued``."""
    graph = Graph()
    obligation = ID["resolution/wtsa/38/2012/resolves/1/obligation/1"]
    graph.add((obligation, IMTKG.createdBy, ID["resolution/wtsa/38/2012/resolves/1"]))
    graph.add((obligation, IMTKG.bearer, ID["org/itu-t"]))
    graph.add((TEST.roadmap, RDF.type, IMTKG.Roadmap))
    graph.add((TEST.roadmap, IMTKG.sector, ID["org/itu-t"]))
    for n, day in enumerate(issued):
        graph.add((TEST[f"edition-{n}"], IMTKG.editionOf, TEST.roadmap))
        graph.add((TEST[f"edition-{n}"], DCT.issued, day))
    return graph


@pytest.mark.parametrize(
    "issued, as_of, max_days, stale",
    [
        # 2024 is a leap year: 2023-03-01 to 2024-03-01 is 366 days, 2023-03-02 to it 365.
        (Literal("2023-03-01", datatype=XSD.date), date(2024, 3, 1), 365, True),
        (Literal("2023-03-02", datatype=XSD.date), date(2024, 3, 1), 365, False),
        (Literal("2023-03-01", datatype=XSD.date), date(2024, 3, 1), 366, False),
        # 2025 is not: 2024-03-01 to 2025-03-01 is 365 days.
        (Literal("2024-03-01", datatype=XSD.date), date(2025, 3, 1), 364, True),
        (Literal("2024-03-01", datatype=XSD.date), date(2025, 3, 1), 365, False),
        # A month counts as its last day (2024-02-29), a year as 31 December.
        (Literal("2024-02", datatype=XSD.gYearMonth), date(2024, 3, 30), 30, False),
        (Literal("2024-02", datatype=XSD.gYearMonth), date(2024, 3, 31), 30, True),
        (Literal("2023", datatype=XSD.gYear), date(2024, 1, 10), 10, False),
        (Literal("2023", datatype=XSD.gYear), date(2024, 1, 11), 10, True),
        # Across a century that is not a leap year: 2099-12-31 to 2100-03-01 is 60 days.
        (Literal("2099-12-31", datatype=XSD.date), date(2100, 3, 1), 59, True),
        (Literal("2099-12-31", datatype=XSD.date), date(2100, 3, 1), 60, False),
    ],
    ids=lambda v: str(v),
)
def test_the_roadmap_age_is_counted_in_days(issued, as_of, max_days, stale):
    shapes = apply_settings(
        load_turtle(obligation_files()), ValidationSettings(as_of=as_of, max_roadmap_age_days=max_days)
    )
    found = findings(roadmap_of_itu_t(issued), shapes)
    expected = {(IMTSH.Resolves1RoadmapAgeShape, TEST.roadmap)} if stale else set()
    assert found == expected


def test_the_settings_module_examples_run():
    failures, attempted = doctest.testmod(imtkg.shape_settings)
    assert attempted > 0 and failures == 0
