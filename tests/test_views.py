"""The views (queries/views/*.rq) on real data.

Their exact rows on the invented fixture are checked in test_queries.py, with the other queries of
the catalogue. Here each view runs on the real build (imtkg.build.build_graph(): ontology, data/,
the ingested Resolution 38, OWL 2 RL closure) and must give the rows that data/ says it must; and
publication-history and the roadmap run on a few real catalogue records, imported from the shared
Relaton snapshot by the project's own importer, to answer "which IMT-2020 texts did ITU-T Study
Group 13 publish, per year".
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from conftest import SHARED, require
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from imtkg.build import build_graph
from imtkg.catalogue import import_relaton
from imtkg.pictures import roadmap_items
from imtkg.project import Project
from imtkg.queries import load_catalogue, run_query

ID = "https://w3id.org/imtkg/id/"
GEN = "https://w3id.org/imtkg/vocab/imt-generation/"
ITU_D, ITU_R, ITU_T = ID + "org/itu-d", ID + "org/itu-r", ID + "org/itu-t"
DATA = Path(__file__).resolve().parents[1] / "data"
SNAPSHOT = SHARED / "datasets" / "relaton-data-itu-daa9deb.tar.gz"

# The IMT work of data/roadmap/activities.ttl: activities with an imtkg:imtGeneration, by Sector.
IMT_ACTIVITIES = {
    ITU_D: {"itu-d/imt-transition-guidelines", "itu-d/question-18-2", "itu-d/question-25-2"},
    ITU_R: {
        "itu-r/imt-2020-process",
        "itu-r/imt-2030-framework",
        "itu-r/question-229-5",
        "itu-r/question-262-5",
        "itu-r/question-77-5",
        "itu-r/wp5d-opinion-imt-transition-guidelines",
    },
    ITU_T: {
        "itu-t/fg-imt-2020-studies",
        "itu-t/jca-imt2020-roadmap",
        "itu-t/question-20-13-2017-2020",
        "itu-t/sg11-wp2-imt-2020-protocols",
        "itu-t/sg13-imt-2020-normative-work",
    },
}


def activity(slug: str) -> str:
    return ID + "activity/" + slug


def sources(graph: Graph, iri: str) -> set[str]:
    """The dct:source values of a resource, as strings."""
    return {str(s) for s in graph.objects(URIRef(iri), DCTERMS.source)}


@pytest.fixture(scope="module")
def real() -> Graph:
    return build_graph().graph


@pytest.fixture(scope="module")
def views():
    catalogue = load_catalogue(Project.default().queries_dir)
    found = {name: q for name, q in catalogue.items() if name.startswith("views/")}
    assert found, "no query under queries/views/"
    return found


def records(graph: Graph, views, name: str, values: dict[str, str] | None = None):
    return run_query(graph, views[name], values).records()


def test_every_view_runs_on_the_real_build(real, views):
    for name, query in views.items():
        assert run_query(real, query).columns == query.columns, name


def test_roadmap_of_itu_r(real, views):
    rows = records(real, views, "views/roadmap", {"sector": ITU_R})
    assert {r["sector"] for r in rows} == {ITU_R}
    assert {r["item"] for r in rows} == {activity(s) for s in IMT_ACTIVITIES[ITU_R]}
    process = [r for r in rows if r["item"] == activity("itu-r/imt-2020-process")]
    facts = {
        (r["kind"], r["group"], r["generation"], r["target"], r["approval"], r["deliverable"])
        for r in process
    }
    assert facts == {
        (
            "activity",
            ID + "org/itu-r/sg5/wp5d",
            GEN + "imt-2020",
            "2020",
            "2021-02",
            ID + "rec/itu-r/m.2150/0",
        )
    }
    # One row per source, each a dct:source of the activity in data/roadmap/activities.ttl.
    data = Graph().parse(DATA / "roadmap" / "activities.ttl")
    sources = {str(s) for s in data.objects(URIRef(activity("itu-r/imt-2020-process")), DCTERMS.source)}
    assert len(sources) > 1
    assert sorted(r["source"] for r in process) == sorted(sources)


def test_roadmap_of_itu_d_leaves_out_work_with_no_imt_generation(real, views):
    rows = records(real, views, "views/roadmap", {"sector": ITU_D})
    assert {r["item"] for r in rows} == {activity(s) for s in IMT_ACTIVITIES[ITU_D]}
    assert activity("itu-d/question-1-1-2018-2021") not in {r["item"] for r in rows}


def test_harmonization_matrix(real, views):
    rows = records(real, views, "views/harmonization-matrix")
    generations = {
        (r["concept"].removeprefix(GEN), r["sector"]): int(r["items"])
        for r in rows
        if r["dimension"] == "generation"
    }
    # Every generation by every Sector, zeros included.
    names = {"imt", "imt-2000", "imt-advanced", "imt-2020", "imt-2030"}
    assert set(generations) == {(g, s) for g in names for s in (ITU_D, ITU_R, ITU_T)}
    assert {k: n for k, n in generations.items() if n} == {
        ("imt", ITU_D): 2,
        ("imt", ITU_R): 4,
        ("imt-2000", ITU_D): 1,
        ("imt-2020", ITU_R): 1,
        ("imt-2020", ITU_T): 5,
        ("imt-2030", ITU_R): 1,
    }
    assert len(rows) == 3 * len({r["concept"] for r in rows})


def test_harmonization_items_of_imt_2020(real, views):
    rows = records(real, views, "views/harmonization-items", {"concept": GEN + "imt-2020"})
    assert {(r["sector"], r["item"]) for r in rows} == {
        (ITU_R, activity("itu-r/imt-2020-process")),
        *((ITU_T, activity(s)) for s in IMT_ACTIVITIES[ITU_T]),
    }


def test_cross_sector_dependencies(real, views):
    rows = records(real, views, "views/cross-sector-dependencies")
    # data/ states two dependencies of ITU-D work on ITU-R work; no liaison statement links the
    # groups, and no roadmap has entries.
    got = list(dict.fromkeys((r["dependent"], r["dependency"], r["verdict"]) for r in rows))
    guidelines = activity("itu-d/imt-transition-guidelines")
    opinion = activity("itu-r/wp5d-opinion-imt-transition-guidelines")
    q25, q77 = activity("itu-d/question-25-2"), activity("itu-r/question-77-5")
    assert got == [
        (guidelines, opinion, "counterpart missing"),
        (guidelines, opinion, "uncoordinated"),
        (q25, q77, "counterpart missing"),
        (q25, q77, "uncoordinated"),
    ]
    # Each row carries the sources of both records, one row per pair of sources.
    for dependent, dependency, verdict in got:
        pairs = {
            (r["dependentSource"], r["dependencySource"])
            for r in rows
            if (r["dependent"], r["dependency"], r["verdict"]) == (dependent, dependency, verdict)
        }
        assert pairs == {(a, b) for a in sources(real, dependent) for b in sources(real, dependency)}


def test_coordination_coverage(real, views):
    rows = records(real, views, "views/coordination-coverage")
    assert [
        (r["fromGroup"], r["fromSector"], r["toGroup"], r["toSector"], r["statements"]) for r in rows
    ] == [
        (ID + "org/itu-r/sg5/wp5d", ITU_R, ID + "org/itu-t/jca-imt2020", ITU_T, "1"),
        (ID + "org/itu-t/fg-imt-2020", ITU_T, ID + "org/ietf", "", "1"),
        (ID + "org/itu-t/sg13", ITU_T, ID + "org/ietf", "", "1"),
    ]


def test_liaisons_list_each_statement_with_its_source(real, views):
    rows = records(real, views, "views/liaisons")
    wp5d = "https://www.itu.int/md/meetingdoc.asp?lang=en&parent=R19-WP5D-C-1078"
    assert list(dict.fromkeys((r["statement"], r["toGroup"], r["date"], r["source"]) for r in rows)) == [
        (ID + "ls/itu-r/5d-1078-annex-6-1", ID + "org/itu-t/jca-imt2020", "", wp5d),
        (
            ID + "ls/itu-t/ietf-liaison-1457",
            ID + "org/ietf",
            "2016-02-26",
            "http://sandbox.ietf.org/liaison/1457/",
        ),
        (
            ID + "ls/itu-t/ietf-liaison-1504",
            ID + "org/ietf",
            "2017-01-24",
            "http://tracker.tools.ietf.org/liaison/1504/",
        ),
    ]
    # One row per item a statement concerns: 1504 concerns the focus group and SG13's work.
    assert [r["concerns"].removeprefix(ID) for r in rows if r["statement"].endswith("1504")] == [
        "activity/itu-t/fg-imt-2020-studies",
        "activity/itu-t/sg13-imt-2020-normative-work",
    ]
    # The coordination coverage counts these statements, pair of groups by pair of groups.
    counted = records(real, views, "views/coordination-coverage")
    assert sum(int(r["statements"]) for r in counted) == len(
        {(r["statement"], r["toGroup"]) for r in rows}
    )


def test_no_liaison_statement_in_data_is_for_action(real, views):
    # data/roadmap/liaisons.ttl: two statements for information, one of unknown purpose.
    assert records(real, views, "views/coordination-coverage")
    assert records(real, views, "views/unanswered-liaisons") == []


def test_gaps(real, views):
    rows = records(real, views, "views/gaps")
    # No source lists the entries of a roadmap edition: every IMT activity is on no roadmap.
    assert {r["gap"] for r in rows} == {"not on a roadmap"}
    assert {(r["sector"], r["item"]) for r in rows} == {
        (sector, activity(s)) for sector, slugs in IMT_ACTIVITIES.items() for s in slugs
    }
    # Each gap row carries a source of the activity's record, and every source is listed.
    assert {(r["item"], r["source"]) for r in rows} == {
        (r["item"], source) for r in rows for source in sources(real, r["item"])
    }


def test_imt_resolutions(real, views):
    rows = records(real, views, "views/imt-resolutions")
    assert [(r["sector"], r["revision"], r["generation"], r["evidence"], r["parts"]) for r in rows] == [
        (ITU_T, ID + "resolution/wtsa/38/2012", GEN + "imt", "mentioned", "13")
    ]
    # The source is the text it was ingested from.
    assert [r["source"] for r in rows] == [ID + "source/wtsa-resolution-38-rev-dubai-2012"]


def test_resolution_citations(real, views):
    rows = records(real, views, "views/resolution-citations")
    assert {r["citing"] for r in rows} == {ID + "resolution/wtsa/38/2012"}
    assert {r["source"] for r in rows} == {ID + "source/wtsa-resolution-38-rev-dubai-2012"}
    assert [(r["cited"].removeprefix(ID), r["citedSector"], r["citations"]) for r in rows] == [
        ("resolution/ra/17-4", ITU_R, "1"),
        ("resolution/ra/47-2", ITU_R, "1"),
        ("resolution/ra/50-2", ITU_R, "2"),
        ("resolution/ra/56-1", ITU_R, "1"),
        ("resolution/ra/57-1", ITU_R, "1"),
        ("resolution/wtdc/43/2010", ITU_D, "1"),
        ("resolution/wtdc/59/2010", ITU_D, "1"),
        ("resolution/wtsa/18/2012", ITU_T, "1"),
    ]


def test_publication_history_is_empty_without_a_catalogue(real, views):
    assert records(real, views, "views/publication-history") == []


# --- a few real catalogue records ---------------------------------------------------------------

SAMPLE = [
    "itu-r-m-2150-0.yaml",  # Detailed specifications ... of IMT-2020 (2021-02), no group
    "itu-t-y-3110-09-2017.yaml",  # IMT-2020 network management and orchestration requirements
    "itu-t-y-3101-01-2018.yaml",  # Requirements of the IMT-2020 network
    "itu-t-y-3101-2018-cor-1-04-2018.yaml",  # its corrigendum: no title, takes its base's generation
    "itu-t-y-3102-05-2018.yaml",  # Framework of the IMT-2020 network
    "itu-t-y-3104-12-2018.yaml",  # Architecture of the IMT-2020 network
    "itu-t-y-3106-04-2019.yaml",  # QoS functional requirements for the IMT-2020 network
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, real) -> Graph:
    """The real build plus the SAMPLE records, imported by the project's importer."""
    require(SNAPSHOT.is_file(), f"{SNAPSHOT} is missing")
    folder = tmp_path_factory.mktemp("relaton") / "data"
    folder.mkdir()
    wanted = {f"data/{name}" for name in SAMPLE}
    with tarfile.open(SNAPSHOT) as tar:
        for member in tar:
            if member.name in wanted:
                (folder / Path(member.name).name).write_bytes(tar.extractfile(member).read())
                wanted.discard(member.name)
                if not wanted:
                    break
    assert not wanted, f"not in the snapshot: {sorted(wanted)}"
    graph = Graph()
    graph += real
    graph += import_relaton(folder).graph
    return graph


def test_imt_2020_texts_of_itu_t_sg13_per_year(sample, views):
    rows = records(
        sample,
        views,
        "views/publication-history",
        {"generation": GEN + "imt-2020", "group": ID + "org/itu-t/sg13"},
    )
    assert [(r["year"], r["editions"], r["works"]) for r in rows] == [
        ("2017", "1", "1"),
        ("2018", "4", "3"),
        ("2019", "1", "1"),
    ]
    assert {(r["generation"], r["sector"], r["group"]) for r in rows} == {
        (GEN + "imt-2020", ITU_T, ID + "org/itu-t/sg13")
    }


def test_an_itu_r_edition_has_no_group_in_the_publication_history(sample, views):
    rows = records(sample, views, "views/publication-history", {"sector": ITU_R})
    assert [(r["generation"], r["group"], r["year"], r["editions"]) for r in rows] == [
        (GEN + "imt-2020", "", "2021", "1")
    ]


def test_catalogue_editions_join_the_roadmap(sample, views):
    rows = records(sample, views, "views/roadmap", {"sector": ITU_R, "year": "2021"})
    # The IMT-2020 process was approved in 2021-02, and its deliverable M.2150-0 published then.
    assert {(r["item"], r["kind"], r["approval"]) for r in rows} == {
        (activity("itu-r/imt-2020-process"), "activity", "2021-02"),
        (ID + "rec/itu-r/m.2150/0", "edition", "2021-02"),
    }


@pytest.mark.parametrize("graph_name", ["real", "sample"])
def test_the_roadmap_picture_draws_the_items_of_the_roadmap_view(graph_name, views, request):
    graph = request.getfixturevalue(graph_name)
    listed = {r["item"] for r in records(graph, views, "views/roadmap")}
    assert listed and {i.iri for i in roadmap_items(graph)} == listed
