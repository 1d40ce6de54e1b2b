"""Roadmap tables (CSV, XLSX) become standardization activities; every bad row is reported exactly.

The bad cases are a manifest: ``tests/fixtures/tables/bad/NAME.csv`` (or ``.xlsx``) with
``NAME.expected.tsv`` listing the errors it must raise (row, column, message; ``-`` for none);
``NAME.skipped.tsv`` when skipping bad rows reports more, and an empty ``NAME.fatal`` when a row's
problem stops the whole import (errors in the file or its header, row 1, always do). A new case is a
new pair of files.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS

import imtkg.tables
from imtkg import InputError, Project, SourceError
from imtkg.graph import load_turtle
from imtkg.namespaces import ID, IMTKG, PREFIXES, VOCAB
from imtkg.output import serialize
from imtkg.tables import COLUMNS, RowError, TableError, TableImport, import_table

ROOT = Project.default().root
FIXTURES = Path(__file__).parent / "fixtures" / "tables"
GOOD = FIXTURES / "good.csv"
BAD = sorted(p for p in (FIXTURES / "bad").iterdir() if p.suffix in (".csv", ".xlsx"))
TEMPLATE = ROOT / "templates" / "roadmap-template.csv"
EXAMPLE = ROOT / "examples" / "roadmap-example.csv"


def typed(value: str, datatype: str) -> Literal:
    """A literal of an XSD datatype (XSD itself is not imported: pytest's collection trips on it)."""
    return Literal(value, datatype=namespace.XSD[datatype])


def to_xlsx(source: Path, target: Path) -> Path:
    """The CSV ``source`` as a workbook, with dates as date cells and years as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    with source.open(encoding="utf-8", newline="") as handle:
        for cells in csv.reader(handle):
            sheet.append([_typed(cell) for cell in cells])
    workbook.save(target)
    return target


def _typed(cell: str):
    if re.fullmatch(r"\d{4}", cell):
        return int(cell)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        try:
            return dt.datetime.fromisoformat(cell)
        except ValueError:
            return cell
    return cell


def expected_errors(path: Path, kind: str = "expected") -> list[tuple]:
    manifest = path.with_name(f"{path.stem}.{kind}.tsv")
    rows = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        row, column, message = line.split("\t")
        rows.append((None if row == "-" else int(row), None if column == "-" else column, message))
    return rows


def as_tuples(errors: list[RowError], path: Path) -> list[tuple]:
    assert all(e.path == path for e in errors)
    return [(e.row, e.column, e.message) for e in errors]


def activities(result: TableImport) -> set:
    return set(result.graph.subjects(RDF.type, IMTKG.StandardizationActivity))


def bad_cases() -> list:
    """Every bad file as it is, and the UTF-8 CSVs also converted to XLSX."""
    assert BAD, "no bad fixtures found"
    cases = [pytest.param(p, False, id=p.name) for p in BAD]
    for path in BAD:
        if path.suffix == ".csv" and _convertible(path):
            cases.append(pytest.param(path, True, id=f"{path.stem}.as.xlsx"))
    return cases


def _convertible(path: Path) -> bool:
    """Whether a CSV fixture has rows to put in a workbook (it is UTF-8, well-formed, not empty)."""
    try:
        text = path.read_bytes().decode("utf-8")
        return bool(list(csv.reader(text.splitlines(keepends=True), strict=True)))
    except (UnicodeDecodeError, csv.Error):
        return False


def materialize(path: Path, as_xlsx: bool, tmp_path: Path) -> Path:
    return to_xlsx(path, tmp_path / f"{path.stem}.xlsx") if as_xlsx else path


# -- good tables ------------------------------------------------------------------------------


def test_a_good_csv_imports_every_row_with_exactly_the_triples_its_cells_give():
    result = import_table(GOOD)

    assert (result.rows_read, result.rows_imported, result.skipped) == (4, 4, [])
    activity = ID["activity/itu-t/test-requirements"]
    assert set(result.graph.triples((activity, None, None))) == {
        (activity, RDF.type, IMTKG.StandardizationActivity),
        # label: runs of white space (here a line break inside a quoted cell) become one space
        (activity, RDFS.label, Literal("Test activity: network requirements, first part", lang="en")),
        (activity, IMTKG.sector, ID["org/itu-t"]),
        (activity, IMTKG.responsibleGroup, ID["org/itu-t/sg13"]),
        (activity, IMTKG.deliverable, ID["rec/itu-t/y.3101/2018-01"]),
        (activity, IMTKG.imtGeneration, VOCAB["imt-generation/imt-2020"]),
        # topic: a slug and a prefLabel in another case
        (activity, IMTKG.topic, VOCAB["topic/network-architecture"]),
        (activity, IMTKG.topic, VOCAB["topic/vision-requirements"]),
        (activity, IMTKG.status, VOCAB["status/approved"]),
        (activity, IMTKG.startDate, typed("2016", "gYear")),
        (activity, IMTKG.targetDate, typed("2017-11", "gYearMonth")),
        (activity, IMTKG.approvalDate, typed("2018-01-15", "date")),
        (activity, DCTERMS.source, URIRef("https://example.org/roadmap/1")),
    }


def test_the_other_forms_of_a_good_csv_resolve_to_the_design_card_iris():
    graph = import_table(GOOD).graph
    radio, focus = ID["activity/itu-r/test-radio"], ID["activity/itu-t/test-focus"]
    iri = URIRef("https://example.org/activity/test-iri")

    assert activities(import_table(GOOD)) == {radio, focus, iri, ID["activity/itu-t/test-requirements"]}
    assert set(graph.objects(radio, DCTERMS.source)) == {
        URIRef("https://example.org/roadmap/2"),
        URIRef("https://example.org/roadmap/3"),
    }
    assert graph.value(radio, IMTKG.responsibleGroup) == ID["org/itu-r/sg5/wp5d"]
    assert set(graph.objects(radio, IMTKG.deliverable)) == {
        ID["rec/itu-r/m.2150/3"],
        ID["report/itu-r/m.2410"],
    }
    assert graph.value(radio, IMTKG.status) == VOCAB["status/under-study"]  # a label, any case
    assert graph.value(radio, IMTKG.topic) == VOCAB["topic/radio-interface"]
    assert set(graph.objects(radio, IMTKG.dependsOn)) == {
        ID["activity/itu-t/test-requirements"],  # an activity of the file, across Sectors
        ID["activity/itu-d/test-elsewhere"],  # an IRI
    }
    assert graph.value(iri, IMTKG.responsibleGroup) == ID["org/itu-d/sg2"]
    assert graph.value(focus, IMTKG.responsibleGroup) == ID["org/itu-t/fg-imt-2020"]
    assert graph.value(focus, IMTKG.deliverable) == ID["suppl/itu-t/y.59/2020-03"]
    assert graph.value(focus, IMTKG.imtGeneration) == VOCAB["imt-generation/imt"]


def test_the_same_table_as_xlsx_gives_an_isomorphic_graph(tmp_path):
    from_csv = import_table(GOOD)
    from_xlsx = import_table(to_xlsx(GOOD, tmp_path / "good.xlsx"))

    assert (from_xlsx.rows_read, from_xlsx.rows_imported, from_xlsx.skipped) == (4, 4, [])
    assert isomorphic(from_csv.graph, from_xlsx.graph)
    assert serialize(from_csv.graph, "nt") == serialize(from_xlsx.graph, "nt")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2018, 1, 15), typed("2018-01-15", "date")),
        (dt.datetime(2018, 1, 15), typed("2018-01-15", "date")),
        (2018, typed("2018", "gYear")),
        (2018.0, typed("2018", "gYear")),
        ("2018-01", typed("2018-01", "gYearMonth")),
    ],
)
def test_xlsx_date_and_number_cells_are_dates(tmp_path, cell, expected):
    path = tmp_path / "dates.xlsx"
    workbook = Workbook()
    workbook.active.append(["activity", "label", "sector", "source", "approval"])
    workbook.active.append(
        ["test-dates", "Test activity: dates", "ITU-T", "https://example.org/r", cell]
    )
    workbook.save(path)

    graph = import_table(path).graph
    assert graph.value(ID["activity/itu-t/test-dates"], IMTKG.approvalDate) == expected


def test_an_xlsx_date_with_a_time_of_day_is_an_error(tmp_path):
    path = tmp_path / "time.xlsx"
    workbook = Workbook()
    workbook.active.append(["activity", "label", "sector", "source", "approval"])
    workbook.active.append(
        [
            "test-time",
            "Test activity: time",
            "ITU-T",
            "https://example.org/r",
            dt.datetime(2018, 1, 15, 10, 30),
        ]
    )
    workbook.save(path)

    with pytest.raises(TableError) as caught:
        import_table(path)
    assert as_tuples(caught.value.errors, path) == [
        (2, "approval", "'2018-01-15 10:30:00' has a time of day (expected a date)")
    ]


def test_rows_are_numbered_as_in_the_spreadsheet_across_blank_rows_and_multi_line_cells(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD.read_text(encoding="utf-8").replace(",planned,", ",done,"), encoding="utf-8")

    with pytest.raises(TableError) as caught:
        import_table(path)
    assert [(e.row, e.column) for e in caught.value.errors] == [(6, "status")]


# -- bad tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "as_xlsx"), bad_cases())
def test_a_bad_table_raises_every_expected_error_and_imports_nothing(path, as_xlsx, tmp_path):
    table = materialize(path, as_xlsx, tmp_path)

    with pytest.raises(TableError) as caught:
        import_table(table)

    error = caught.value
    assert isinstance(error, SourceError) and error.path == table
    assert as_tuples(error.errors, table) == expected_errors(path)
    for row_error in error.errors:  # the message lists them all
        assert str(row_error) in str(error)


@pytest.mark.parametrize(("path", "as_xlsx"), bad_cases())
def test_skipping_bad_rows_imports_the_good_ones_and_lists_the_bad(path, as_xlsx, tmp_path):
    table = materialize(path, as_xlsx, tmp_path)
    expected = expected_errors(path)
    fatal = path.with_name(f"{path.stem}.fatal").exists()
    if fatal or any(row in (None, 1) for row, _, _ in expected):  # the file is bad: nothing to skip
        with pytest.raises(TableError):
            import_table(table, skip_bad_rows=True)
        return
    if path.with_name(f"{path.stem}.skipped.tsv").exists():
        expected = expected_errors(path, "skipped")

    result = import_table(table, skip_bad_rows=True)

    assert as_tuples(result.skipped, table) == expected
    bad_rows = {row for row, _, _ in expected}
    assert result.rows_imported == result.rows_read - len(bad_rows) >= 1
    assert len(activities(result)) == result.rows_imported
    assert ID["activity/itu-t/test-requirements"] in activities(result)  # row 2 of every case


def test_a_workbook_without_rows_is_an_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)

    with pytest.raises(TableError) as caught:
        import_table(path, skip_bad_rows=True)
    assert as_tuples(caught.value.errors, path) == [(None, None, "empty file: no header row")]
    assert str(caught.value) == f"{path}: empty file: no header row"


def test_row_errors_read_file_row_column_message():
    path = Path("roadmap.csv")
    assert (
        str(RowError(path, 3, "sector", "unknown Sector 'X'"))
        == "roadmap.csv:3:sector: unknown Sector 'X'"
    )
    assert str(RowError(path, 3, None, "14 cells")) == "roadmap.csv:3: 14 cells"
    assert str(RowError(path, None, None, "empty file")) == "roadmap.csv: empty file"


def test_a_table_error_lists_every_error_after_a_count():
    path = FIXTURES / "bad" / "many-errors.csv"
    with pytest.raises(TableError) as caught:
        import_table(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}: 5 errors; nothing imported"
    assert lines[1:] == [f"  {e}" for e in caught.value.errors]


def test_a_missing_file_and_a_file_that_is_not_a_table_are_reported(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        import_table(tmp_path / "absent.csv")
    with pytest.raises(SourceError, match="no such file"):
        import_table(tmp_path / "absent.xlsx")
    text = tmp_path / "roadmap.txt"
    text.write_text("activity,label\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a table \(expected a .csv or .xlsx file\)"):
        import_table(text)


def test_the_vocabularies_come_from_the_project(project_copy):
    topic = project_copy.ontology_dir / "vocab" / "topic.ttl"
    topic.write_text(
        topic.read_text(encoding="utf-8")
        + "\n<https://w3id.org/imtkg/vocab/topic/test-topic> <http://www.w3.org/2004/02/skos/core#inScheme>"
        " <https://w3id.org/imtkg/vocab/topic> .\n",
        encoding="utf-8",
    )
    path = FIXTURES / "bad" / "unknown-topic.csv"
    with pytest.raises(TableError):
        import_table(path)
    text = path.read_text(encoding="utf-8").replace("5G core", "test-topic")
    table = project_copy.root / "topic.csv"
    table.write_text(text, encoding="utf-8")

    result = import_table(table, project=project_copy)
    assert VOCAB["topic/test-topic"] in set(result.graph.objects(None, IMTKG.topic))


# -- the template and the example -------------------------------------------------------------


def test_the_template_has_every_column_and_no_rows(tmp_path):
    with TEMPLATE.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)
    for table in (TEMPLATE, to_xlsx(TEMPLATE, tmp_path / "roadmap-template.xlsx")):
        result = import_table(table)
        assert (result.rows_read, result.rows_imported, result.skipped, len(result.graph)) == (
            0,
            0,
            [],
            0,
        )


def test_the_example_imports_without_errors_and_every_row_is_sourced():
    result = import_table(EXAMPLE)

    assert result.rows_read == result.rows_imported == 6 and result.skipped == []
    for activity in activities(result):
        sources = set(result.graph.objects(activity, DCTERMS.source))
        assert sources and all(str(s).startswith(("http://", "https://")) for s in sources)


def test_the_example_names_only_groups_that_the_data_describes():
    data = load_turtle(Project.default().data_files())
    groups = set(import_table(EXAMPLE).graph.objects(None, IMTKG.responsibleGroup))
    assert groups
    for group in groups:
        assert (group, RDF.type, None) in data, group


def test_the_example_row_of_the_docs_gives_the_turtle_the_docs_show(tmp_path):
    docs = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    table = re.search(r"```csv\n(.*?)```", docs, re.S)[1]
    turtle = re.search(r"```turtle\n(.*?)```", docs, re.S)[1]
    assert table.splitlines()[1] in EXAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "row.csv"
    path.write_text(table, encoding="utf-8")
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())

    expected = Graph().parse(data=prefixes + turtle, format="turtle")
    assert isomorphic(import_table(path).graph, expected)


def test_the_docstring_examples_run():
    failures, attempted = doctest.testmod(imtkg.tables)
    assert attempted and not failures


def one_row(tmp_path: Path, **cells: str) -> TableImport:
    row = {"activity": "test-forms", "label": "Test activity: forms", "sector": "ITU-T"}
    row |= {"source": "https://example.org/r", **cells}
    path = tmp_path / "row.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(row))
        writer.writeheader()
        writer.writerow(row)
    return import_table(path)


@pytest.mark.parametrize(
    ("sector", "written", "iri"),
    [
        ("ITU-T", "SG13", "org/itu-t/sg13"),
        ("ITU-T", "SG 13", "org/itu-t/sg13"),
        ("ITU-T", "Study Group 13", "org/itu-t/sg13"),
        ("ITU-T", "ITU-R SG 5", "org/itu-r/sg5"),
        ("ITU-R", "WP 5D", "org/itu-r/sg5/wp5d"),
        ("ITU-R", "WP5D", "org/itu-r/sg5/wp5d"),
        ("ITU-R", "Working Party 5D", "org/itu-r/sg5/wp5d"),
        ("ITU-T", "WP 1/13", "org/itu-t/sg13/wp1"),
        ("ITU-R", "ITU-T WP 2/11", "org/itu-t/sg11/wp2"),
        ("ITU-R", "JTG 4-5-6-7", "org/itu-r/jtg-4-5-6-7"),
        ("ITU-T", "FG IMT-2020", "org/itu-t/fg-imt-2020"),
        ("ITU-T", "FG-IMT-2020", "org/itu-t/fg-imt-2020"),
        ("ITU-T", "JCA-IMT2020", "org/itu-t/jca-imt2020"),
        ("ITU-T", "https://example.org/group", None),
    ],
)
def test_the_group_forms_of_the_docs(tmp_path, sector, written, iri):
    graph = one_row(tmp_path, sector=sector, group=written).graph
    expected = ID[iri] if iri else URIRef(written)
    assert set(graph.objects(None, IMTKG.responsibleGroup)) == {expected}


@pytest.mark.parametrize(
    ("written", "iri"),
    [
        ("ITU-T Y.3101", "rec/itu-t/y.3101"),
        ("Recommendation ITU-T Y.3101", "rec/itu-t/y.3101"),
        ("Y.3101", "rec/itu-t/y.3101"),
        ("ITU-T Y.3101 (01/2018)", "rec/itu-t/y.3101/2018-01"),
        ("ITU-T Y.3101 (1/2018)", "rec/itu-t/y.3101/2018-01"),
        ("ITU-R M.2150", "rec/itu-r/m.2150"),
        ("ITU-R M.2150-3", "rec/itu-r/m.2150/3"),
        ("Report ITU-R M.2410", "report/itu-r/m.2410"),
        ("Report ITU-R M.2410-0", "report/itu-r/m.2410/0"),
        ("ITU-T Y Suppl. 59", "suppl/itu-t/y.59"),
        ("ITU-T Y.Sup59 (03/2020)", "suppl/itu-t/y.59/2020-03"),
    ],
)
def test_the_deliverable_forms_of_the_docs(tmp_path, written, iri):
    graph = one_row(tmp_path, deliverable=written).graph
    assert set(graph.objects(None, IMTKG.deliverable)) == {ID[iri]}
