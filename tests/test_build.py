"""The build: one graph from ontology, data and sources, closed, validated, written atomically."""

from __future__ import annotations

import filecmp
import tempfile
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from imtkg.build import build_graph, write_dist
from imtkg.errors import InputError, SourceError
from imtkg.namespaces import ID, IMTKG


@pytest.fixture(scope="module")
def build():
    return build_graph()


def test_the_summary_counts_what_the_graph_holds(build):
    summary = build.summary()
    assert summary["resolutions"] == 1
    assert summary["clauses"] == 20
    assert summary["obligations"] == 4
    assert summary["conforms"] is True
    assert summary["triples"] == summary["asserted"] + summary["inferred"]


def test_the_build_conforms_on_the_integrity_shapes_and_reports_the_obligation_findings(build, tmp_path):
    # The shipped data has findings of the obligation shapes (tests/test_obligations.py lists them):
    # they are counted and written, but only integrity results would make the build fail.
    summary = build.summary()
    assert build.conforms and summary["conforms"] is True
    assert (summary["violations"], summary["warnings"]) == (0, 0)
    assert summary["as_of"] == "2025-11-06"
    assert summary["findings"] == {"violations": 12, "warnings": 2, "infos": 3}
    assert len(build.obligation_results()) == 17 and not build.integrity_results()
    write_dist(build, tmp_path / "dist")
    text = (tmp_path / "dist" / "validation.txt").read_text(encoding="utf-8")
    assert text.startswith("integrity shapes: conforms (0 violations, 0 warnings)\n")
    assert "as of 2025-11-06" in text and "12 violations, 2 warnings, 3 infos" in text
    assert text.count("[obligations] ") == 17
    assert "https://w3id.org/imtkg/shapes#InstructsCommunicationShape" in text


def test_an_integrity_violation_makes_the_build_not_conform(project_copy):
    broken = project_copy.data_dir / "itu" / "extra.ttl"
    broken.write_text(
        "@prefix imtkg: <https://w3id.org/imtkg/ontology#> .\n"
        "<https://w3id.org/imtkg/id/activity/itu-t/no-group> a imtkg:StandardizationActivity ;\n"
        "    imtkg:sector <https://w3id.org/imtkg/id/org/itu-t> .\n",
        encoding="utf-8",
    )
    build = build_graph(project_copy)
    assert not build.conforms and build.summary()["conforms"] is False
    assert [(r.focus.split("/")[-1], r.shape.split("#")[-1]) for r in build.integrity_results()] == [
        ("no-group", "StandardizationActivityShape-responsibleGroup")
    ]


def test_inference_adds_what_the_ontology_implies(build):
    graph = build.graph
    # imtkg:revisionOf has the inverse imtkg:hasRevision; a study group is an org:Organization.
    assert (ID["resolution/wtsa/38"], IMTKG.hasRevision, ID["resolution/wtsa/38/2012"]) in graph
    assert (ID["org/itu-r/sg5"], RDF.type, IMTKG.StudyGroup) in graph
    assert (ID["resolution/wtsa/38/2012/resolves/1"], RDF.type, IMTKG.Clause) in graph
    assert (
        ID["resolution/wtsa/38/2012/resolves/1"],
        IMTKG.creates,
        ID["resolution/wtsa/38/2012/resolves/1/obligation/1"],
    ) in graph


def test_two_builds_are_byte_identical(build, tmp_path):
    write_dist(build, tmp_path / "one")
    write_dist(build_graph(), tmp_path / "two")
    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    differing = []

    def walk(cmp):
        differing.extend(cmp.diff_files + cmp.left_only + cmp.right_only)
        for sub in cmp.subdirs.values():
            walk(sub)

    walk(comparison)
    assert differing == []


def test_a_failed_write_leaves_the_previous_output(build, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    write_dist(build, out)
    before = (out / "graph.ttl").read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("imtkg.build.table_csv", boom)
    with pytest.raises(OSError):
        write_dist(build, out)
    assert (out / "graph.ttl").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_bad_source_text_stops_the_build(project_copy):
    (project_copy.sources_dir / "broken.txt").write_text("not a resolution\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken.txt:1: expected a resolution heading"):
        build_graph(project_copy)


def test_a_full_disk_for_the_graph_to_validate_is_a_clear_error(tmp_path, monkeypatch):
    """Given a temporary folder the dump of the graph cannot be written to (Oxigraph's own error
    for a full disk names no file; /dev/full gives that error on Linux), the build stops with an
    error naming the file and what to do, and leaves nothing in the temporary folder."""
    from imtkg import oxstore

    write = oxstore.write_ntriples
    monkeypatch.setattr(oxstore, "write_ntriples", lambda store, path: write(store, Path("/dev/full")))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(
        InputError,
        match=r"cannot write the graph to validate to .*imtkg-build-.*graph\.nt \(.+\); "
        r"set TMPDIR to a folder with room for it",
    ):
        build_graph()
    assert list(tmp_path.iterdir()) == []
