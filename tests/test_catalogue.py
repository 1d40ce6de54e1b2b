"""The ITU catalogue from Relaton records: the whole snapshot, known records field by field, the
IMT-generation rules both ways, and bad records.

The snapshot is read from ../shared/datasets/ (never copied into the project); without it these
tests are skipped, and under CI they fail.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from conftest import SHARED, require
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from imtkg.catalogue import import_relaton, imt_generations, ref_of
from imtkg.cli import cli
from imtkg.errors import InputError
from imtkg.namespaces import ID, IMTKG, VOCAB
from imtkg.oxstore import add_graph

SNAPSHOT = SHARED / "datasets" / "relaton-data-itu-daa9deb.tar.gz"
RECORDS_IN_SNAPSHOT = 21506
RELATON = "https://github.com/relaton/relaton-data-itu/blob/daa9deb/data/"


@pytest.fixture(scope="module")
def catalogue():
    require(SNAPSHOT.is_file(), f"{SNAPSHOT} is missing")
    return import_relaton(SNAPSHOT, ref=ref_of(SNAPSHOT))


def test_every_record_is_an_edition_or_reported(catalogue):
    graph = catalogue.graph
    editions = set(graph.subjects(RDF.type, IMTKG.Edition)) | set(
        graph.subjects(RDF.type, IMTKG.ResolutionRevision)
    )
    assert catalogue.records == RECORDS_IN_SNAPSHOT
    assert len(editions) == catalogue.editions == catalogue.records - len(catalogue.skipped)
    # The one record skipped is a second copy of a corrigendum, and says so.
    assert [str(e) for e in catalogue.skipped] == [
        "itu-t-x-509-2000-technical-cor-3-04-2004.yaml: same edition as "
        "itu-t-x-509-2000-technical-cor-3-02-2003.yaml "
        "(https://w3id.org/imtkg/id/rec/itu-t/x.509/2000-tcor-3)"
    ]


def values(graph, node, predicate):
    return sorted(str(o) for o in graph.objects(node, predicate))


KNOWN = {
    "rec/itu-t/y.3101/2018-01": {
        DCTERMS.identifier: ["ITU-T Y.3101 (01/2018)"],
        DCTERMS.title: ["Requirements of the IMT-2020 network"],
        DCTERMS.issued: ["2018-01-13"],
        IMTKG.editionNumber: ["1"],
        IMTKG.responsibleGroup: [str(ID["org/itu-t/sg13"])],
        IMTKG.status: [str(VOCAB["status/in-force"])],
        IMTKG.editionOf: [str(ID["rec/itu-t/y.3101"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2020"])],
        RDFS.seeAlso: ["https://www.itu.int/rec/T-REC-Y.3101-201801-I"],
        DCTERMS.source: [RELATON + "itu-t-y-3101-01-2018.yaml"],
    },
    "rec/itu-t/y.3101/2018-cor-1": {
        DCTERMS.identifier: ["ITU-T Y.3101 (2018) Cor. 1 (04/2018)"],
        DCTERMS.issued: ["2018-04-25"],
        IMTKG.editionNumber: ["1.1"],
        IMTKG.corrects: [str(ID["rec/itu-t/y.3101/2018-01"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2020"])],
    },
    "rec/itu-r/m.2150/3": {
        DCTERMS.identifier: ["ITU-R M.2150-3"],
        DCTERMS.title: [
            "Detailed specifications of the terrestrial radio interfaces of International Mobile "
            "Telecommunications-2020 (IMT-2020)"
        ],
        DCTERMS.issued: ["2026-03"],
        IMTKG.editionOf: [str(ID["rec/itu-r/m.2150"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2020"])],
    },
    "rec/itu-r/m.1457/15": {
        DCTERMS.issued: ["2022-01"],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2000"])],
    },
    "rec/itu-r/m.2160/0": {
        DCTERMS.title: [
            "Framework and overall objectives of the future development of IMT for 2030 and beyond"
        ],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2030"])],
    },
    "rec/itu-t/a.4/2012-11": {
        DCTERMS.title: [
            "Communication process between the ITU Telecommunication Standardization Sector and "
            "forums and consortia"
        ],
        DCTERMS.issued: ["2012-11-30"],
        IMTKG.responsibleGroup: [str(ID["org/itu-t/tsag"])],
        IMTKG.status: [str(VOCAB["status/withdrawn"])],
        IMTKG.imtGeneration: [],
    },
    "resolution/ra/50-2": {
        DCTERMS.identifier: ["Resolution ITU-R 50-2"],
        RDFS.label: ["ITU-R R.50-2"],
        IMTKG.previousRevision: [str(ID["resolution/ra/50-1"])],
        DCTERMS.title: ["Role of the Radiocommunication Sector in the ongoing development of IMT"],
        IMTKG.revisionOf: [str(ID["resolution/ra/50"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt"])],
    },
    "question/itu-r/229-5/6": {
        DCTERMS.title: ["Further development of the terrestrial component of IMT"],
        DCTERMS.issued: ["2024-01"],
        IMTKG.editionOf: [str(ID["question/itu-r/229-5"])],
    },
    "handbook/itu-r/62/2022-05": {
        DCTERMS.title: ["Handbook on International Mobile Telecommunications (IMT)"],
        IMTKG.editionOf: [str(ID["handbook/itu-r/62"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt"])],
    },
    "report/itu-r/m.2410/0": {
        IMTKG.editionOf: [str(ID["report/itu-r/m.2410"])],
        IMTKG.imtGeneration: [str(VOCAB["imt-generation/imt-2020"])],
    },
    "suppl/itu-t/y.59/2020-03": {
        DCTERMS.title: ["ITU-T Y.3100-series – IMT-2020 standardization roadmap"],
        IMTKG.editionOf: [str(ID["suppl/itu-t/y.59"])],
        IMTKG.responsibleGroup: [str(ID["org/itu-t/sg13"])],
    },
    "rec/itu-t/g.7041/2016-08": {
        DCTERMS.identifier: ["ITU-T G.7041/Y.1303 (08/2016)"],
        IMTKG.responsibleGroup: [str(ID["org/itu-t/sg15"])],
    },
    "rec/itu-t/g.671/2005-amd-1-err-1": {
        DCTERMS.identifier: ["ITU-T G.671 (2005) Amd. 1 Err. 1 (11/2006)"],
        IMTKG.corrects: [str(ID["rec/itu-t/g.671/2005-amd-1"])],
    },
    "rec/itu-r/bt.1893/2011-03": {DCTERMS.issued: ["2011-03"]},
}


@pytest.mark.parametrize("edition", sorted(KNOWN))
def test_known_records_field_by_field(catalogue, edition):
    node = ID[edition]
    for predicate, expected in KNOWN[edition].items():
        assert values(catalogue.graph, node, predicate) == expected, predicate


def test_dates_keep_the_precision_of_the_record(catalogue):
    graph = catalogue.graph
    assert graph.value(ID["rec/itu-t/y.3101/2018-01"], DCTERMS.issued) == Literal(
        "2018-01-13", datatype=XSD.date
    )
    assert graph.value(ID["rec/itu-r/m.2150/3"], DCTERMS.issued) == Literal(
        "2026-03", datatype=XSD.gYearMonth
    )


def test_editions_of_a_work_are_chained_by_date(catalogue):
    graph = catalogue.graph
    def version(node):
        return None if node is None else str(node).rsplit("/", 1)[1]

    previous = {
        version(e): version(graph.value(e, IMTKG.previousEdition))
        for e in graph.subjects(IMTKG.editionOf, ID["rec/itu-r/m.2150"])
    }
    assert previous == {"0": None, "1": "0", "2": "1", "3": "2"}


def test_each_derived_generation_says_which_rule_made_it(catalogue):
    graph = catalogue.graph
    assignment = URIRef(f"{ID['rec/itu-r/m.2150/3']}/imt/imt-2020")
    assert graph.value(assignment, IMTKG.byRule) == VOCAB["imt-rule/title-imt-2020"]
    inherited = URIRef(f"{ID['rec/itu-t/y.3101/2018-cor-1']}/imt/imt-2020")
    assert graph.value(inherited, IMTKG.byRule) == VOCAB["imt-rule/changed-edition"]
    for node in graph.subjects(IMTKG.imtGeneration, None):
        rules = {
            graph.value(a, IMTKG.byRule) for a in graph.subjects(IMTKG.assignedTo, node)
        }
        assert rules and None not in rules, node
    assert catalogue.imt_editions == len(set(graph.subjects(IMTKG.imtGeneration, None)))


RULE_CASES = [
    # (title, abstract, expected (generation, rule) pairs)
    ("Framework for IMT-2000 networks", None, [("imt-2000", "title-imt-2000")]),
    ("Future public land mobile telecommunication systems (FPLMTS) for developing countries", None,
     [("imt-2000", "title-imt-2000")]),
    ("Guidelines for evaluation of radio interface technologies for IMT-Advanced", None,
     [("imt-advanced", "title-imt-advanced")]),
    ("Framework and overall objectives of the future development of IMT-2000 and systems beyond "
     "IMT-2000", None, [("imt-2000", "title-imt-2000")]),
    ("Field measurement and analysis of compatibility between DTTB and IMT", None,
     [("imt", "title-imt")]),
    ("Framework for the support of multiple network slicing",
     "This Recommendation specifies network slicing in the IMT\u20112020 network.",
     [("imt-2020", "abstract-imt-2020")]),
    ("Electromagnetic field compliance assessments for 5G wireless networks",
     "Considerations for the International Mobile Telecommunication system (IMT 2020) networks.",
     [("imt-2020", "abstract-imt-2020")]),
    # Not IMT: a passing mention of "IMT" in an abstract assigns nothing, as documented.
    ("Transport network synchronization",
     "Among other systems, the clock may serve IMT base stations.", []),
    ("Generic framing procedure", None, []),
    # "IMTS" or "IMTA" are not the acronym.
    ("IMTS legacy numbering", None, []),
]


@pytest.mark.parametrize(("title", "abstract", "expected"), RULE_CASES)
def test_imt_rules_both_ways(title, abstract, expected):
    assert imt_generations(title, abstract) == expected


# -- small record sets: bad records, folders, the CLI --------------------------------------

GOOD = """\
---
id: ITUTY3101012018
docidentifier:
- content: ITU-T Y.3101 (01/2018)
  type: ITU
  primary: true
title:
- language: en
  content: Requirements of the IMT-2020 network
date:
- type: published
  at: '2018-01-13'
ext:
  doctype:
    content: recommendation
"""

BAD = {
    "broken.yaml": ("id: [unclosed\n", "not valid YAML at line 2"),
    "list.yaml": ("- a\n- b\n", "not a Relaton record (expected a mapping at the top level)"),
    "no-id.yaml": (GOOD.replace("  primary: true\n", ""), "expected exactly one primary ITU docidentifier"),
    "no-date.yaml": (GOOD.replace("date:\n- type: published\n  at: '2018-01-13'\n", ""), "no published date"),
    "bad-date.yaml": (GOOD.replace("2018-01-13", "2018-13-01"), "month must be in 1..12"),
    "no-edition-date.yaml": (GOOD.replace(" (01/2018)", ""), "has no '(MM/YYYY)' edition date"),
    "other-body.yaml": (GOOD.replace("ITU-T Y.3101 (01/2018)", "ISO 9001"), "neither ITU-T nor ITU-R"),
}


def write_records(folder: Path) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "itu-t-y-3101-01-2018.yaml").write_text(GOOD, encoding="utf-8")
    for name, (text, _) in BAD.items():
        (data / name).write_text(text, encoding="utf-8")
    return folder


def test_bad_records_are_reported_and_the_others_imported(tmp_path):
    result = import_relaton(write_records(tmp_path))
    assert result.records == 1 + len(BAD)
    assert result.editions == 1
    reported = {e.name: e.message for e in result.skipped}
    assert set(reported) == set(BAD)
    for name, (_, message) in BAD.items():
        assert message in reported[name], name


def test_a_folder_and_its_tarball_give_the_same_graph(tmp_path):
    folder = write_records(tmp_path / "relaton-data-itu")
    archive = tmp_path / "snapshot.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="relaton-data-itu")
    from_folder = import_relaton(folder).graph
    from_archive = import_relaton(archive).graph
    assert set(from_folder) == set(from_archive)
    assert len(from_folder) > 10


def test_a_path_without_records_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no Relaton records"):
        import_relaton(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="not a folder or a readable tar archive"):
        import_relaton(tmp_path / "notes.txt")


def test_the_cli_imports_reports_skipped_records_and_writes_atomically(tmp_path):
    folder = write_records(tmp_path / "records")
    out = tmp_path / "catalogue.nt"
    result = CliRunner().invoke(cli, ["import", "relaton", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"1 editions imported from 8 records (1 on IMT); 7 skipped; written to {out}" in result.stderr
    assert "skipped broken.yaml: not valid YAML at line 2" in result.stderr
    assert out.read_text().count("\n") > 10


def test_ref_of_a_snapshot_name():
    assert ref_of(SNAPSHOT) == "daa9deb"
    assert ref_of(Path("/clones/relaton-data-itu")) == "main"


def test_a_record_file_name_with_brackets_gives_a_valid_source_iri(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "itu-t-y-[3101]-01-2018.yaml").write_text(GOOD, encoding="utf-8")
    graph = import_relaton(tmp_path, ref="daa9deb").graph
    sources = {str(o) for o in graph.objects(None, DCTERMS.source)}
    assert sources == {RELATON + "itu-t-y-%5B3101%5D-01-2018.yaml"}
    store = pyoxigraph.Store()
    add_graph(store, graph)  # Oxigraph, the fast engine's store, refuses IRIs with brackets
    assert len(store) == len(graph)
