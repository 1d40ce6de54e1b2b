"""Roadmap diff: two releases in each form differ in exactly the changes the fixtures make."""

from __future__ import annotations

import csv
import doctest
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

import imtkg.diff
from imtkg.build import table_csv
from imtkg.diff import COLUMNS, diff_releases
from imtkg.errors import InputError, SourceError

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
T = "https://w3id.org/imtkg/id/test/"
STATUS = "https://w3id.org/imtkg/vocab/status/"

# (item, field, old, new) of every change both pairs make; nothing else may differ.
CHANGED = [
    (T + "activity/alpha", "status", STATUS + "under-study", STATUS + "approved"),
    (T + "activity/beta", "target", "2024", "2025-06"),
    (T + "activity/delta", "deliverable", T + "rec/x.1", T + "rec/x.2"),
    (T + "activity/gamma", "group", T + "org/wp-a", T + "org/wp-c"),
]
ADDED = {"ttl": [T + "rec/y.9/2024-01"], "csv": [T + "activity/zeta"]}
REMOVED = [T + "activity/epsilon"]


def changed(changes) -> list[tuple[str, str, str, str]]:
    return [(c.item, c.field, c.old, c.new) for c in changes.changed]


def test_the_fixture_folder_has_both_pairs_and_their_reports():
    found = sorted(p.name for p in FIXTURES.iterdir())
    for form in ("ttl", "csv"):
        assert f"old.{form}" in found and f"new.{form}" in found and f"{form}.expected.md" in found


@pytest.mark.parametrize("form", ["ttl", "csv"])
def test_the_diff_finds_exactly_the_changes_made(form):
    changes = diff_releases(FIXTURES / f"old.{form}", FIXTURES / f"new.{form}")
    assert [i.iri for i in changes.added] == ADDED[form]
    assert [i.iri for i in changes.removed] == REMOVED
    assert changed(changes) == CHANGED
    assert changes.summary() == "1 added, 1 removed, 4 changed fields in 4 items"


@pytest.mark.parametrize("form", ["ttl", "csv"])
def test_the_markdown_report_is_the_golden_one(form):
    changes = diff_releases(FIXTURES / f"old.{form}", FIXTURES / f"new.{form}")
    expected = (FIXTURES / f"{form}.expected.md").read_text(encoding="utf-8")
    assert changes.to_markdown() == expected


@pytest.mark.parametrize("name", ["old.ttl", "new.ttl", "old.csv", "new.csv"])
def test_a_release_compared_with_itself_has_no_changes(name):
    changes = diff_releases(FIXTURES / name, FIXTURES / name)
    assert not changes
    assert (changes.added, changes.removed, changes.changed) == ((), (), ())
    assert changes.summary() == "no changes"
    report = changes.to_markdown()
    assert "No changes." in report
    assert report.count("None.") == 3


def test_an_edition_without_imt_generation_is_not_compared():
    # z.1/2020-01 changes its issued date between old.ttl and new.ttl but concerns no IMT generation.
    changes = diff_releases(FIXTURES / "old.ttl", FIXTURES / "new.ttl")
    assert all("z.1" not in c.item for c in changes.changed)


def test_the_table_has_one_row_per_added_removed_item_and_changed_field():
    changes = diff_releases(FIXTURES / "old.ttl", FIXTURES / "new.ttl")
    table = changes.as_table()
    assert table.columns == COLUMNS
    records = table.records()
    assert [(r["change"], r["item"], r["field"]) for r in records] == [
        ("added", T + "rec/y.9/2024-01", ""),
        ("removed", T + "activity/epsilon", ""),
        *[("changed", item, field) for item, field, _, _ in CHANGED],
    ]
    assert records[2]["label"] == "Alpha work item"
    rows = list(csv.reader(table_csv(table).splitlines()))
    assert rows[0] == list(COLUMNS) and len(rows) == 7


def test_a_build_folder_is_read_from_its_graph_nt(tmp_path):
    for side in ("old", "new"):
        folder = tmp_path / side / "dist"
        folder.mkdir(parents=True)
        graph = Graph().parse(FIXTURES / f"{side}.ttl", format="turtle")
        graph.serialize(folder / "graph.nt", format="nt", encoding="utf-8")
    changes = diff_releases(tmp_path / "old" / "dist", tmp_path / "new" / "dist")
    assert changed(changes) == CHANGED
    assert changes.to_markdown().startswith("# Roadmap changes: dist → dist\n")


def test_an_xlsx_table_gives_the_same_items_as_its_csv(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    with (FIXTURES / "new.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    workbook.save(tmp_path / "new.xlsx")
    assert not diff_releases(FIXTURES / "new.csv", tmp_path / "new.xlsx")
    assert changed(diff_releases(FIXTURES / "old.csv", tmp_path / "new.xlsx")) == CHANGED


def test_a_missing_side_is_an_input_error_naming_it(tmp_path):
    missing = tmp_path / "nowhere.ttl"
    with pytest.raises(InputError, match="nowhere.ttl: no such file"):
        diff_releases(missing, FIXTURES / "new.ttl")
    with pytest.raises(InputError, match="nowhere.ttl"):
        diff_releases(FIXTURES / "old.ttl", missing)


def test_a_folder_without_graph_nt_is_an_input_error_naming_the_file(tmp_path):
    with pytest.raises(InputError, match=r"graph\.nt: no such file"):
        diff_releases(tmp_path, FIXTURES / "new.ttl")


def test_a_file_of_another_kind_is_an_input_error(tmp_path):
    other = tmp_path / "release.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="release.json: not a release"):
        diff_releases(other, FIXTURES / "new.ttl")


def test_an_unreadable_side_is_a_source_error_naming_the_file(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        diff_releases(FIXTURES / "old.ttl", broken)
    assert caught.value.path == broken
    bad_table = tmp_path / "bad.csv"
    shutil.copy(FIXTURES / "old.csv", bad_table)
    with bad_table.open("a", encoding="utf-8") as handle:
        handle.write("not an identifier,x,ITU-X,,,,,,,,,,https://example.org\n")
    with pytest.raises(SourceError) as caught:
        diff_releases(bad_table, FIXTURES / "new.csv")
    assert caught.value.path == bad_table


def test_the_examples_in_the_docstrings_run():
    failures, attempted = doctest.testmod(imtkg.diff)
    assert attempted > 0 and failures == 0
