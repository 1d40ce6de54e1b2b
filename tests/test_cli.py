"""The command line, run in-process: what a user sees and the exit codes the README documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, URIRef

from imtkg import Project, __version__
from imtkg.cli import cli

RES38 = Project.default().sources_dir / "wtsa-resolution-38-rev-dubai-2012.txt"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_build_writes_dist_and_prints_a_summary(tmp_path):
    out = tmp_path / "dist"
    result = run("build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "1 resolutions, 20 clauses, 4 obligations" in result.output
    assert "integrity: conforms (0 violations, 0 warnings)" in result.output
    summary = json.loads((out / "summary.json").read_text())
    findings = summary["findings"]
    assert (
        f"obligations of Resolution 38 as of {summary['as_of']}: {findings['violations']} violations, "
        f"{findings['warnings']} warnings, {findings['infos']} infos"
    ) in result.output
    assert summary["obligations"] == 4 and summary["conforms"] is True
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "validation.ttl", "validation.txt",
                 "ingested/wtsa-resolution-38-rev-dubai-2012.ttl",
                 "queries/resolutions/obligations.csv"):
        assert (out / name).is_file(), name
    assert len(Graph().parse(out / "graph.jsonld", format="json-ld")) == summary["triples"]


def test_build_exits_1_when_the_data_does_not_conform(tmp_path, project_copy):
    broken = project_copy.data_dir / "itu" / "extra.ttl"
    broken.write_text(
        "@prefix imtkg: <https://w3id.org/imtkg/ontology#> .\n"
        "<https://w3id.org/imtkg/id/org/itu-t/sg99> a imtkg:StudyGroup .\n",
        encoding="utf-8",
    )
    result = run("build", "--project", str(project_copy.root), "--out", str(tmp_path / "d"))
    assert result.exit_code == 1, result.output
    assert "does NOT conform" in result.output


def test_malformed_turtle_is_reported_with_file_and_line_and_nothing_written(tmp_path, project_copy):
    bad = project_copy.data_dir / "itu" / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("kept")
    result = run("build", "--project", str(project_copy.root), "--out", str(out))
    assert result.exit_code == 2
    assert f"{bad}:2: malformed Turtle" in result.stderr
    assert [p.name for p in out.iterdir()] == ["previous.txt"]


def test_not_a_project_folder(tmp_path):
    result = run("build", "--project", str(tmp_path))
    assert result.exit_code == 2
    assert "not an imtkg project (missing ontology, data, shapes, queries/)" in result.stderr


def test_ingest_prints_turtle_or_writes_a_file(tmp_path):
    result = run("ingest", str(RES38))
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 400
    out = tmp_path / "r38.nt"
    assert run("ingest", str(RES38), "-f", "nt", "-o", str(out)).exit_code == 0
    assert len(Graph().parse(out, format="nt")) == len(Graph().parse(data=result.stdout, format="turtle"))


def test_ingest_a_missing_file(tmp_path):
    result = run("ingest", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert result.stderr == f"imtkg: error: {tmp_path / 'nope.txt'}: no such file\n"


def test_ingest_unparseable_text_names_the_line_and_writes_nothing(tmp_path):
    source = tmp_path / "minutes.txt"
    source.write_text("RESOLUTION 7 (Dubai, 2012)\nTitle\nThe World Telecommunication "
                      "Standardization Assembly (Dubai, 2012),\nconsidering\na)\tthat X,\n")
    out = tmp_path / "out.ttl"
    result = run("ingest", str(source), "-o", str(out))
    assert result.exit_code == 2
    assert f"{source}:4: expected at least one operative section" in result.stderr
    assert not out.exists()


def test_version_and_usage_errors():
    assert run("--version").output == f"imtkg, version {__version__}\n"
    assert run("frobnicate").exit_code == 2


def test_entry_points_start(tmp_path):
    for command in ([sys.executable, "-m", "imtkg", "--help"],
                    [str(Path(sys.executable).parent / "imtkg"), "--help"]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "build" in done.stdout and "ingest" in done.stdout


TABLES = Path(__file__).parent / "fixtures" / "tables"


def test_import_table_writes_turtle_and_reports_counts(tmp_path):
    out = tmp_path / "roadmap.ttl"
    result = run("import", "table", str(TABLES / "good.csv"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "rows imported" in result.stderr
    assert len(Graph().parse(out, format="turtle")) > 0


def test_import_table_with_a_bad_row_imports_nothing_unless_asked(tmp_path):
    bad = TABLES / "bad" / "bad-date.csv"
    out = tmp_path / "roadmap.ttl"
    result = run("import", "table", str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "start" in result.stderr
    assert not out.exists()
    skipped = run("import", "table", str(bad), "-o", str(out), "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.output
    assert "skipped" in skipped.stderr


def test_build_with_a_catalogue_adds_its_editions(tmp_path):
    from test_catalogue import GOOD

    data = tmp_path / "records" / "data"
    data.mkdir(parents=True)
    (data / "itu-t-y-3101-01-2018.yaml").write_text(GOOD, encoding="utf-8")
    (data / "itu-r-m-2150-3.yaml").write_text(
        GOOD.replace("ITU-T Y.3101 (01/2018)", "ITU-R M.2150-3").replace(
            "Requirements of the IMT-2020 network",
            "Detailed specifications of the terrestrial radio interfaces of IMT-2020",
        ),
        encoding="utf-8",
    )
    out, base = tmp_path / "dist", tmp_path / "base"
    result = run("build", "--catalogue", str(tmp_path / "records"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert run("build", "--out", str(base)).exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    without = json.loads((base / "summary.json").read_text())
    assert summary["conforms"] is True
    assert summary["editions"] == without["editions"] + 2
    graph = Graph().parse(out / "graph.nt", format="nt")
    edition = URIRef("https://w3id.org/imtkg/id/rec/itu-r/m.2150/3")
    generation = URIRef("https://w3id.org/imtkg/vocab/imt-generation/imt-2020")
    assert (edition, URIRef("https://w3id.org/imtkg/ontology#imtGeneration"), generation) in graph


def test_query_list_names_every_query_with_its_parameters():
    result = run("query", "--list")
    assert result.exit_code == 0
    assert "views/roadmap: IMT roadmap of the Sectors" in result.output
    assert "--param sector=<iri>" in result.output
    assert "resolutions/obligations: Obligations of a resolution" in result.output


def test_query_prints_rows_in_each_format():
    args = ["query", "resolutions/obligations", "--param",
            "resolution=https://w3id.org/imtkg/id/resolution/wtsa/38/2012"]
    as_json = json.loads(run(*args, "--format", "json").output)
    assert len(as_json) == 10
    assert {r["role"] for r in as_json} == {"bearer", "other party"}
    csv_text = run(*args, "--format", "csv").output
    assert csv_text.splitlines()[0].startswith("resolution,clause,clauseLabel,obligation")
    assert len(csv_text.splitlines()) == 11
    markdown = run(*args, "--format", "markdown").output
    assert markdown.splitlines()[1].startswith("|---|")
    assert run(*args).output.rstrip().endswith("(10 rows)")


def test_the_sg13_imt_2020_publication_history_question():
    result = run("query", "views/publication-history", "--format", "json",
                 "--param", "generation=https://w3id.org/imtkg/vocab/imt-generation/imt-2020",
                 "--param", "group=https://w3id.org/imtkg/id/org/itu-t/sg13")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


def test_roadmap_and_harmonization_short_forms():
    roadmap = run("roadmap", "--format", "json")
    assert roadmap.exit_code == 0, roadmap.output
    rows = json.loads(roadmap.output)
    assert rows and {r["sector"] for r in rows} == {"https://w3id.org/imtkg/id/org/itu-t"}
    assert all(r["source"] for r in rows)
    harmonization = run("harmonization", "--format", "csv")
    assert harmonization.exit_code == 0, harmonization.output


def test_query_errors_exit_2():
    assert run("query", "views/nope").exit_code == 2
    bad_param = run("query", "resolutions/obligations", "--param", "resolution=not an iri")
    assert bad_param.exit_code == 2
    assert "is not an absolute IRI" in bad_param.stderr
    unreachable = run("query", "resolutions/obligations", "--endpoint", "http://127.0.0.1:9/query",
                      "--timeout", "2")
    assert unreachable.exit_code == 2
    assert "127.0.0.1:9" in unreachable.stderr


def test_diff_of_two_fixture_releases():
    fixtures = Path(__file__).parent / "fixtures" / "diff"
    result = run("diff", str(fixtures / "old.ttl"), str(fixtures / "new.ttl"))
    assert result.exit_code == 0
    assert result.output == (fixtures / "ttl.expected.md").read_text(encoding="utf-8")


def test_build_draws_the_roadmap_and_the_harmonization_matrix(tmp_path):
    out = tmp_path / "dist"
    assert run("build", "--out", str(out)).exit_code == 0
    for name in ("roadmap.svg", "roadmap.png", "harmonization.svg", "harmonization.png"):
        assert (out / name).stat().st_size > 1000, name
    assert "IMT roadmap" in (out / "roadmap.svg").read_text(encoding="utf-8")


def test_roadmap_with_a_catalogue_lists_its_itu_t_imt_editions(tmp_path):
    from test_catalogue import GOOD

    data = tmp_path / "records" / "data"
    data.mkdir(parents=True)
    (data / "itu-t-y-3101-01-2018.yaml").write_text(GOOD, encoding="utf-8")
    result = run("roadmap", "--catalogue", str(tmp_path / "records"), "--format", "json")
    assert result.exit_code == 0, result.output
    editions = [r for r in json.loads(result.output) if r["kind"] == "edition"]
    assert {r["item"] for r in editions} == {"https://w3id.org/imtkg/id/rec/itu-t/y.3101/2018-01"}
    assert all(r["source"].startswith("https://github.com/relaton/") for r in editions)
