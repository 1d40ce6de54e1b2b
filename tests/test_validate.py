"""Specification of ``imtkg validate``: the findings, exit codes, baseline, waivers and CI files.

Most tests run on the made-up project of ``tests/fixtures/validation/project`` as of 2024-05-01.
It has these findings (``tests/fixtures/validation/expected/report.txt`` shows them all):

* resolves 1 (violations): Widget B has no register entry and the serial number "B2"; the widget
  without a label (widget/d) has neither register entry nor serial number;
* considering a) (warnings): Groups One and Two have no liaison with Group Three;
* encourages (infos): Groups Two and Three record no efficiency note;
* integrity (violation): the register entry of Widget C, a blank node, has "sometime in 2020" for
  a date;
* meta (warning): the class fake:RegisterEntry has no definition.

``conforming/`` holds the same project with everything fixed. The exit codes are those of the
README: 0 conforms at --fail-on (after baseline and waivers), 1 does not, 2 bad input or usage.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import threading
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from junitparser import JUnitXml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from imtkg import Project, check, load_baseline, render_report, triage
from imtkg.build import build_graph
from imtkg.cli import cli
from imtkg.graph import new_graph
from imtkg.shape_settings import ValidationSettings
from imtkg.validation import Describer, _prefixes, turtle_subjects

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validation"
PROJECT = FIXTURES / "project"
AS_OF = "2024-05-01"
EX = "https://example.org/id/"
FSH = "https://example.org/shapes#"
CLAUSE = EX + "resolution/fake/1/"

ALL_FINDINGS = [
    # (group, shape, constraint, focus, value)
    (
        CLAUSE + "considering/a",
        FSH + "GroupLiaisonShape",
        FSH + "GroupLiaisonShape",
        EX + "group/g1",
        EX + "group/g3",
    ),
    (
        CLAUSE + "considering/a",
        FSH + "GroupLiaisonShape",
        FSH + "GroupLiaisonShape",
        EX + "group/g2",
        EX + "group/g3",
    ),
    (
        CLAUSE + "encourages/p1",
        FSH + "GroupEfficiencyShape",
        "fsh:GroupEfficiencyShape › sh:property",
        EX + "group/g3",
        None,
    ),
    (
        CLAUSE + "encourages/p1",
        FSH + "GroupEfficiencyShape",
        "fsh:GroupEfficiencyShape › sh:property",
        EX + "group/g2",
        None,
    ),
    (
        CLAUSE + "resolves/1",
        FSH + "WidgetRegisteredShape",
        FSH + "WidgetRegisteredShape-entry",
        EX + "widget/b",
        None,
    ),
    (
        CLAUSE + "resolves/1",
        FSH + "WidgetRegisteredShape",
        FSH + "WidgetRegisteredShape-serial",
        EX + "widget/b",
        '"B2"',
    ),
    (
        CLAUSE + "resolves/1",
        FSH + "WidgetRegisteredShape",
        FSH + "WidgetRegisteredShape-entry",
        EX + "widget/d",
        None,
    ),
    (
        CLAUSE + "resolves/1",
        FSH + "WidgetRegisteredShape",
        FSH + "WidgetRegisteredShape-serial",
        EX + "widget/d",
        None,
    ),
    (
        "integrity",
        FSH + "RegisterEntryShape",
        FSH + "RegisterEntryShape-date",
        "Widget C › fake:registerEntry",
        '"sometime in 2020"',
    ),
    (
        "meta",
        FSH + "ClassDefinedShape",
        FSH + "ClassDefinedShape-definition",
        "https://example.org/fake#RegisterEntry",
        None,
    ),
]


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)


def validate_fixture(*args: str, project: Path = PROJECT):
    return run("--project", str(project), "--as-of", AS_OF, *args)


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture project."""
    return Path(shutil.copytree(PROJECT, tmp_path / "project"))


@pytest.fixture
def conforming(fixture_copy: Path) -> Path:
    """The fixture project with every obligation met (``conforming/`` laid over it)."""
    shutil.copytree(FIXTURES / "conforming", fixture_copy, dirs_exist_ok=True)
    return fixture_copy


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the Python API ---------------------------------------------------------------------------


def test_check_finds_exactly_the_fixture_findings_grouped_by_clause():
    project = Project.at(PROJECT)
    findings = check(project, build_graph(project).graph, ValidationSettings(as_of=date(2024, 5, 1)))
    keys = [
        (f.group, f.shape.key, f.constraint.key, f.focus.key, f.value.key if f.value else None)
        for f in findings.findings
    ]
    assert keys == ALL_FINDINGS
    assert [(g.id, g.kind, g.title) for g in findings.groups] == [
        (CLAUSE + "considering/a", "obligation", "Fake Resolution 1, considering a)"),
        (CLAUSE + "encourages/p1", "obligation", "Fake Resolution 1, encourages"),
        (CLAUSE + "resolves/1", "obligation", "Fake Resolution 1, resolves 1"),
        ("integrity", "integrity", "Integrity of the graph"),
        ("meta", "meta", "Ontology and shapes"),
    ]
    assert [(s.name, s.severity, s.group) for s in findings.shapes] == [
        ("fsh:GroupLiaisonShape", "warning", CLAUSE + "considering/a"),
        ("fsh:GroupEfficiencyShape", "info", CLAUSE + "encourages/p1"),
        ("fsh:WidgetRegisteredShape", "violation", CLAUSE + "resolves/1"),
        ("fsh:RegisterEntryShape", "violation", "integrity"),
        ("fsh:ClassDefinedShape", "violation", "meta"),
    ]
    assert [f.severity for f in findings.findings] == ["warning"] * 2 + ["info"] * 2 + [
        "violation"
    ] * 5 + ["warning"]
    assert findings.as_of == date(2024, 5, 1)
    assert not findings.passed and len(findings.failing) == 5


def test_a_conforming_project_has_no_findings(conforming: Path):
    project = Project.at(conforming)
    findings = triage(
        check(project, build_graph(project).graph, ValidationSettings(as_of=date(2024, 5, 1))), "info"
    )
    assert findings.findings == () and findings.passed
    assert len(findings.shapes) == 5


# --- blank nodes and labels -------------------------------------------------------------------


def describer(turtle: str) -> tuple[Describer, Graph]:
    graph = new_graph().parse(data="@prefix ex: <https://example.org/> .\n" + turtle, format="turtle")
    return Describer(graph, _prefixes(graph)), graph


def blank_with(graph: Graph, predicate: URIRef, value) -> BNode:
    return next(s for s in graph.subjects(predicate, value) if isinstance(s, BNode))


def test_a_blank_node_reads_as_its_label_or_its_path_from_the_nearest_iri_node():
    describe, graph = describer(
        '<https://example.org/w> <http://www.w3.org/2000/01/rdf-schema#label> "Widget W"@en ;\n'
        '    ex:entry [ ex:date "x" ; ex:note [ ex:text "deep" ] ] ;\n'
        '    ex:part [ <http://www.w3.org/2000/01/rdf-schema#label> "the left part"@en ] .\n'
    )
    entry = blank_with(graph, URIRef("https://example.org/date"), Literal("x"))
    note = blank_with(graph, URIRef("https://example.org/text"), Literal("deep"))
    part = blank_with(graph, RDFS.label, Literal("the left part", lang="en"))
    assert describe.view(entry).text == "Widget W › ex:entry"
    assert describe.view(note).text == "Widget W › ex:entry › ex:note"
    assert describe.view(part).text == "the left part"
    assert describe.root(note) == URIRef("https://example.org/w")
    assert describe.view(entry).key == "Widget W › ex:entry"


def test_blank_siblings_are_told_apart_by_their_properties_and_list_members_by_position():
    describe, graph = describer(
        "ex:s ex:p [ ex:n 1 ], [ ex:n 2 ] ;\n    ex:list ( [ ex:n 3 ] [ ex:n 4 ] ) .\n"
    )
    n = URIRef("https://example.org/n")
    assert describe.view(blank_with(graph, n, Literal(1))).text == "ex:s › ex:p [ex:n 1]"
    assert describe.view(blank_with(graph, n, Literal(2))).text == "ex:s › ex:p [ex:n 2]"
    assert describe.view(blank_with(graph, n, Literal(4))).text == "ex:s › ex:list item 2"


def test_a_blank_node_hanging_from_nothing_reads_as_its_properties():
    describe, graph = describer('[ ex:code "Z" ] .\n')
    assert (
        describe.view(blank_with(graph, URIRef("https://example.org/code"), Literal("Z"))).text
        == 'a node [ex:code "Z"]'
    )


def test_iris_with_a_label_in_messages_read_as_their_labels():
    describe, _ = describer('ex:w <http://www.w3.org/2000/01/rdf-schema#label> "Widget W"@en .\n')
    message = "The widget https://example.org/w (see https://example.org/w). Not https://example.org/v."
    assert describe.clean(message) == "The widget Widget W (see Widget W). Not https://example.org/v."


def test_blank_node_ids_in_engine_messages_are_replaced_by_descriptions():
    describe, graph = describer('ex:s ex:p [ ex:q "v" ] .\n')
    node = blank_with(graph, URIRef("https://example.org/q"), Literal("v"))
    assert (
        describe.clean(f"Less than 1 values on _:{node}->ex:r")
        == "Less than 1 values on ex:s › ex:p->ex:r"
    )
    assert describe.clean("see _:unknown1") == "see a blank node"


# --- where focus nodes are defined ---------------------------------------------------------------


def turtle_files() -> list[Path]:
    shipped = Project.default()
    files = shipped.ontology_files() + shipped.data_files() + sorted(shipped.shapes_dir.rglob("*.ttl"))
    files += sorted(FIXTURES.rglob("*.ttl"))
    assert len(files) > 20
    return files


@pytest.mark.parametrize("path", turtle_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_subject_of_a_turtle_file_is_found_at_the_line_that_starts_its_statement(path: Path):
    subjects = {str(s) for s in Graph().parse(path, format="turtle").subjects() if isinstance(s, URIRef)}
    found = turtle_subjects(path)
    assert set(found) == subjects
    lines = path.read_text(encoding="utf-8").splitlines()
    for iri, line in found.items():
        text = lines[line - 1]
        assert not text[0].isspace(), (iri, line)
        assert iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("\\", "") in text.replace("\\", ""), (
            iri,
            line,
            text,
        )


# --- exit codes -------------------------------------------------------------------------------


def test_exit_1_when_something_at_or_above_fail_on_is_found():
    result = validate_fixture()
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith(
        "imtkg validate: does NOT conform at --fail-on violation: 5 violations, 3 warnings, 2 infos; 5 failing\n"
    )


def test_exit_0_when_the_data_conforms_even_at_fail_on_info(conforming: Path):
    result = validate_fixture("--fail-on", "info", project=conforming)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imtkg validate: conforms at --fail-on info: 0 violations, 0 warnings, 0 infos; 0 failing\n"
    )


def test_fail_on_sets_the_least_severity_that_fails(conforming: Path):
    widgets = conforming / "data" / "widgets.ttl"
    text = widgets.read_text(encoding="utf-8")
    write(
        widgets,
        text.replace('    fake:efficiencyNote "One serial-number printer per group is enough." .', "."),
    )
    assert validate_fixture("--fail-on", "violation", project=conforming).exit_code == 0
    assert validate_fixture("--fail-on", "warning", project=conforming).exit_code == 0
    assert validate_fixture("--fail-on", "info", project=conforming).exit_code == 1
    write(widgets, text.replace("fake:liaisesWith <group/g1>, <group/g2> ;", ""))
    assert validate_fixture("--fail-on", "violation", project=conforming).exit_code == 0
    assert validate_fixture("--fail-on", "warning", project=conforming).exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--fail-on", "error"], "Invalid value for '--fail-on'"),
        (["--as-of", "2024-13-01"], "Invalid value for '--as-of'"),
        (["--max-roadmap-age", "-1"], "Invalid value for '--max-roadmap-age'"),
        (["--reply-within", "soon"], "Invalid value for '--reply-within'"),
        (["--no-such-option"], "No such option"),
    ],
)
def test_exit_2_on_bad_usage(args, message):
    result = run("--project", str(PROJECT), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_exit_2_when_the_project_folder_is_not_a_project(tmp_path: Path):
    result = run("--project", str(tmp_path))
    assert result.exit_code == 2
    assert (
        f"imtkg: error: {tmp_path}: not an imtkg project (missing ontology, data, shapes, queries/)"
        in result.stderr
    )


def test_exit_2_on_malformed_turtle_and_the_output_is_left_alone(fixture_copy: Path, tmp_path: Path):
    bad = write(
        fixture_copy / "data" / "bad.ttl", '@prefix ex: <http://example.org/> .\nex:a ex:b "open .\n'
    )
    output = write(tmp_path / "report.md", "previous report\n")
    result = validate_fixture("--format", "markdown", "--output", str(output), project=fixture_copy)
    assert result.exit_code == 2
    assert f"imtkg: error: {bad}:2: malformed Turtle" in result.stderr
    assert output.read_text(encoding="utf-8") == "previous report\n"


def test_output_writes_the_report_to_a_file_and_a_summary_to_stderr(tmp_path: Path):
    output = tmp_path / "reports" / "validation.json"
    result = validate_fixture("--format", "json", "--output", str(output))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "imtkg validate: does NOT conform at --fail-on violation: 5 violations, 3 warnings, 2 infos; "
        f"5 failing; report written to {output}\n"
    )
    assert json.loads(output.read_text(encoding="utf-8"))["failing"] == 5
    assert [p.name for p in output.parent.iterdir()] == ["validation.json"]


def test_output_to_a_pipe_writes_into_the_pipe_and_leaves_it_a_pipe(tmp_path: Path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    result = validate_fixture("--format", "markdown", "--output", str(pipe))
    reader.join(timeout=30)
    assert result.exit_code == 1
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received == [(FIXTURES / "expected" / "report.md").read_text(encoding="utf-8")]


def test_the_catalogue_is_validated_with_the_data(tmp_path: Path):
    catalogue = write(
        tmp_path / "catalogue.ttl",
        "<https://example.org/id/widget/f> a <https://example.org/fake#Widget> ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "Widget F"@en ;\n'
        '    <https://example.org/fake#serialNumber> "W-6" .\n',
    )
    result = validate_fixture("--catalogue", str(catalogue), "--format", "json")
    assert result.exit_code == 1
    focus = [f["focus"]["text"] for g in json.loads(result.stdout)["groups"] for f in g["findings"]]
    assert focus.count("Widget F") == 1


def test_the_dates_and_ages_given_reach_the_shapes_settings(monkeypatch):
    import imtkg.cli

    seen = []

    def recording_check(project, graph, settings, **options):
        seen.append(settings)
        return check(project, graph, settings, **options)

    monkeypatch.setattr(imtkg.cli, "check", recording_check)
    validate_fixture("--max-roadmap-age", "30", "--reply-within", "7")
    run("--project", str(PROJECT))
    assert seen == [
        ValidationSettings(as_of=date(2024, 5, 1), max_roadmap_age_days=30, reply_within_days=7),
        ValidationSettings(),
    ]


# --- baseline ---------------------------------------------------------------------------------


def baseline_keys(path: Path) -> list[tuple]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [(e["shape"], e["constraint"], e["focus"], e["value"]) for e in document["findings"]]


def test_write_baseline_writes_every_finding_sorted(tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    result = validate_fixture("--write-baseline", str(baseline))
    assert result.exit_code == 1
    assert f"baseline of 10 findings written to {baseline}" in result.stderr
    expected = sorted(
        ((s, c, f, v) for _, s, c, f, v in ALL_FINDINGS), key=lambda e: (*e[:3], e[3] or "")
    )
    assert baseline_keys(baseline) == expected
    document = json.loads(baseline.read_text(encoding="utf-8"))
    assert document["imtkg-baseline"] == 1
    assert document["findings"][0] == {
        "shape": FSH + "ClassDefinedShape",
        "constraint": FSH + "ClassDefinedShape-definition",
        "focus": "https://example.org/fake#RegisterEntry",
        "value": None,
        "severity": "warning",
        "message": "The class has no skos:definition.",
    }


def test_with_the_baseline_known_findings_do_not_fail(tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    validate_fixture("--write-baseline", str(baseline))
    result = validate_fixture("--baseline", str(baseline), "--fail-on", "info")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "imtkg validate: conforms at --fail-on info: 5 violations, 3 warnings, 2 infos; 0 failing (10 known)\n"
        f"as of 2024-05-01; baseline {baseline}\n"
    )
    assert result.stdout.count("[known (in the baseline)]") == 10


def test_only_new_findings_count_and_fixed_ones_are_reported(fixture_copy: Path, tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    validate_fixture("--write-baseline", str(baseline), project=fixture_copy)
    widgets = fixture_copy / "data" / "widgets.ttl"
    text = widgets.read_text(encoding="utf-8").replace(
        'fake:serialNumber "B2"', 'fake:serialNumber "W-2"'
    )
    write(
        widgets,
        text
        + '\n<widget/e> a fake:Widget ;\n    rdfs:label "Widget E"@en ;\n    fake:serialNumber "W-5" .\n',
    )
    result = validate_fixture("--baseline", str(baseline), "--format", "json", project=fixture_copy)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    statuses = [
        (f["focus"]["text"], f["message"], f["status"])
        for g in document["groups"]
        for f in g["findings"]
        if f["severity"] == "violation"
    ]
    assert statuses == [
        ("Widget B", "The widget is not in the widget register.", "known"),
        ("Widget E", "The widget is not in the widget register.", "new"),
        (EX + "widget/d", "The widget is not in the widget register.", "known"),
        (EX + "widget/d", "The widget has no serial number of the form W-<digits>.", "known"),
        (
            "Widget C › fake:registerEntry",
            "The entry date of a register entry must be one xsd:date (YYYY-MM-DD).",
            "known",
        ),
    ]
    assert document["failing"] == 1
    assert [(e["focus"], e["value"]) for e in document["fixed"]] == [(EX + "widget/b", '"B2"')]
    text_report = validate_fixture("--baseline", str(baseline), project=fixture_copy).stdout
    assert (
        "Fixed since the baseline (in the baseline, no longer found):\n"
        f"- {EX}widget/b: The widget has no serial number of the form W-<digits>. "
        f'({FSH}WidgetRegisteredShape-serial, value "B2")\n'
    ) in text_report


def test_a_yaml_baseline_works_alike_and_notes_survive_a_rewrite(tmp_path: Path):
    baseline = tmp_path / "baseline.yaml"
    validate_fixture("--write-baseline", str(baseline))
    document = yaml.safe_load(baseline.read_text(encoding="utf-8"))
    assert len(document["findings"]) == 10
    document["findings"][0]["note"] = "Reviewed: the register entry class is defined in issue 7."
    write(baseline, yaml.safe_dump(document, sort_keys=False))
    assert validate_fixture("--baseline", str(baseline), "--fail-on", "info").exit_code == 0
    validate_fixture("--write-baseline", str(baseline))
    rewritten = yaml.safe_load(baseline.read_text(encoding="utf-8"))["findings"]
    assert rewritten[0]["note"] == "Reviewed: the register entry class is defined in issue 7."
    assert [e.get("note") for e in rewritten[1:]] == [None] * 9


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "b.json",
            '{"findings": [\n  {"shape": 1,}\n]}',
            "b.json:2: not valid JSON: Expecting property name enclosed in double quotes",
        ),
        ("b.json", '{"entries": []}', "b.json: expected a mapping with a 'findings' list of entries"),
        (
            "b.json",
            '{"findings": [{"shape": "s", "focus": "f"}, {"shape": "s"}]}',
            "b.json: entry 2: 'focus' must be a non-empty string, not None",
        ),
        (
            "b.json",
            '{"findings": [{"shape": "s", "focus": "f", "fcous": "g"}]}',
            "b.json: entry 1: unknown field 'fcous'",
        ),
        (
            "b.json",
            '{"findings": [{"shape": "s", "focus": "f", "severity": "error"}]}',
            "b.json: entry 1: 'severity' must be one of info, warning, violation",
        ),
        ("b.json", '{"imtkg-baseline": 2, "findings": []}', "b.json: 'imtkg-baseline' must be 1, not 2"),
        ("b.yaml", "findings:\n  - shape: [unclosed\n", "b.yaml:3: not valid YAML"),
        ("missing.json", None, "missing.json: no such baseline file"),
    ],
)
def test_a_bad_baseline_is_an_error_naming_the_file_and_entry(tmp_path: Path, name, content, message):
    path = tmp_path / name
    if content is not None:
        write(path, content)
    result = validate_fixture("--baseline", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"imtkg: error: {tmp_path}/{message}")


# --- waivers ----------------------------------------------------------------------------------

WAIVERS = f"""\
waivers:
  - focus: {EX}widget/b
    shape: {FSH}WidgetRegisteredShape
    reason: Widget B is registered on paper; the register is being digitized.
    expires: 2024-12-31
  - focus: {EX}widget/d
    shape: {FSH}WidgetRegisteredShape-entry
    reason: Widget D's entry is pending.
    expires: 2024-06-30
  - focus: {EX}widget/d
    shape: {FSH}WidgetRegisteredShape-serial
    reason: Widget D's serial number is pending.
    expires: 2024-06-30
  - focus: "Widget C › fake:registerEntry"
    shape: {FSH}RegisterEntryShape
    reason: The date of Widget C's entry is being looked up.
    expires: "2024-06-30"
"""


def statuses(stdout: str) -> list[tuple[str, str, str]]:
    document = json.loads(stdout)
    return [
        (f["focus"]["text"], f["constraint"].rsplit("#", 1)[-1], f["status"])
        for g in document["groups"]
        for f in g["findings"]
        if f["severity"] == "violation"
    ]


def test_waivers_silence_their_findings_until_they_expire(tmp_path: Path):
    waivers = write(tmp_path / "waivers.yaml", WAIVERS)
    result = validate_fixture("--waivers", str(waivers), "--format", "json")
    assert result.exit_code == 0, result.output
    assert statuses(result.stdout) == [
        ("Widget B", "WidgetRegisteredShape-entry", "waived"),
        ("Widget B", "WidgetRegisteredShape-serial", "waived"),
        (EX + "widget/d", "WidgetRegisteredShape-entry", "waived"),
        (EX + "widget/d", "WidgetRegisteredShape-serial", "waived"),
        ("Widget C › fake:registerEntry", "RegisterEntryShape-date", "waived"),
    ]
    assert (
        run("--project", str(PROJECT), "--as-of", "2024-06-30", "--waivers", str(waivers)).exit_code == 0
    )
    later = run(
        "--project", str(PROJECT), "--as-of", "2024-07-01", "--waivers", str(waivers), "--format", "json"
    )
    assert later.exit_code == 1
    assert statuses(later.stdout) == [
        ("Widget B", "WidgetRegisteredShape-entry", "waived"),
        ("Widget B", "WidgetRegisteredShape-serial", "waived"),
        (EX + "widget/d", "WidgetRegisteredShape-entry", "expired"),
        (EX + "widget/d", "WidgetRegisteredShape-serial", "expired"),
        ("Widget C › fake:registerEntry", "RegisterEntryShape-date", "expired"),
    ]
    text = run("--project", str(PROJECT), "--as-of", "2024-07-01", "--waivers", str(waivers)).stdout
    assert "[waiver expired on 2024-06-30: Widget D's entry is pending.]" in text
    assert (
        "[waived until 2024-12-31: Widget B is registered on paper; the register is being digitized.]"
        in text
    )


def test_an_expired_waiver_counts_even_when_the_baseline_knows_the_finding(tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    validate_fixture("--write-baseline", str(baseline))
    waivers = write(tmp_path / "waivers.yaml", WAIVERS)
    args = ("--project", str(PROJECT), "--baseline", str(baseline), "--waivers", str(waivers))
    assert run(*args, "--as-of", "2024-06-30").exit_code == 0
    assert run(*args, "--as-of", "2024-07-01").exit_code == 1


def test_toml_waivers_and_waivers_that_match_nothing(tmp_path: Path):
    waivers = write(
        tmp_path / "waivers.toml",
        f'[[waivers]]\nfocus = "{EX}widget/b"\nshape = "{FSH}WidgetRegisteredShape"\n'
        'reason = "On paper."\nexpires = 2024-12-31\n\n'
        f'[[waivers]]\nfocus = "{EX}widget/z"\nshape = "{FSH}WidgetRegisteredShape"\n'
        'reason = "No such widget."\nexpires = 2024-12-31\n',
    )
    result = validate_fixture("--waivers", str(waivers), "--format", "json")
    assert result.exit_code == 1
    assert statuses(result.stdout)[:2] == [
        ("Widget B", "WidgetRegisteredShape-entry", "waived"),
        ("Widget B", "WidgetRegisteredShape-serial", "waived"),
    ]
    assert json.loads(result.stdout)["unused_waivers"] == [
        {
            "entry": 2,
            "focus": EX + "widget/z",
            "shape": FSH + "WidgetRegisteredShape",
            "reason": "No such widget.",
            "expires": "2024-12-31",
        }
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "w.yaml",
            "waivers:\n  - focus: f\n    shape: s\n    reason: r\n    expires: soon\n",
            "w.yaml: waiver 1: 'expires' must be a date (YYYY-MM-DD), not 'soon'",
        ),
        (
            "w.yaml",
            "waivers:\n  - focus: f\n    shape: s\n    reason: r\n    expires: 2024-01-01\n  - focus: f\n    shape: s\n    expires: 2024-01-01\n",
            "w.yaml: waiver 2: 'reason' must be a non-empty string, not None",
        ),
        (
            "w.yaml",
            "waivers:\n  - focus: f\n    shape: s\n    reason: r\n    expiry: 2024-01-01\n",
            "w.yaml: waiver 1: unknown field 'expiry'",
        ),
        ("w.yaml", "- focus: f\n", "w.yaml: expected a mapping with a 'waivers' list of waivers"),
        (
            "w.yaml",
            "waivers:\n  - just a string\n",
            "w.yaml: waiver 1: expected a mapping, not 'just a string'",
        ),
        ("w.toml", "[[waivers]]\nfocus = \n", "w.toml: not valid TOML"),
        ("w.json", "{}", "w.json: a waivers file is YAML (.yaml, .yml) or TOML (.toml)"),
        ("none.yaml", None, "none.yaml: no such waivers file"),
    ],
)
def test_a_bad_waiver_file_is_an_error_naming_the_file_and_waiver(
    tmp_path: Path, name, content, message
):
    path = tmp_path / name
    if content is not None:
        write(path, content)
    result = validate_fixture("--waivers", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"imtkg: error: {tmp_path}/{message}")


def test_waivers_accept_the_project_prefixes(tmp_path: Path):
    from imtkg.baseline import load_waivers

    path = write(
        tmp_path / "w.yaml",
        "waivers:\n  - focus: imtkgid:post/director-tsb\n    shape: imtsh:X\n    reason: r\n    expires: 2024-01-01\n",
    )
    (waiver,) = load_waivers(path)
    assert (waiver.focus, waiver.shape) == (
        "https://w3id.org/imtkg/id/post/director-tsb",
        "https://w3id.org/imtkg/shapes#X",
    )


# --- the shipped data ------------------------------------------------------------------------

RES38 = "https://w3id.org/imtkg/id/resolution/wtsa/38/2012/"
BASELINE = ROOT / "validation" / "baseline.json"


@pytest.fixture(scope="module")
def shipped_graph() -> Graph:
    return build_graph(Project.default()).graph


@pytest.fixture(scope="module")
def shipped(shipped_graph):
    """The shipped project validated as CI does it: as of today, with the committed baseline."""
    findings = check(Project.default(), shipped_graph)
    return triage(findings, "violation", load_baseline(BASELINE))


def test_the_shipped_data_has_no_finding_that_the_committed_baseline_does_not_know(shipped):
    assert [(f.shape.key, f.focus.key, f.message) for f in shipped.findings if f.status != "known"] == []
    assert shipped.fixed == ()
    assert shipped.passed


def test_every_entry_of_the_committed_baseline_is_reviewed():
    entries = load_baseline(BASELINE).entries
    assert entries
    assert [e.key for e in entries if not (e.note or "").startswith("Reviewed: ")] == []


def test_the_shipped_report_groups_findings_by_the_clauses_of_resolution_38_and_quotes_them(shipped):
    obligations = [g for g in shipped.groups if g.kind == "obligation"]
    assert [g.id for g in obligations] == [
        RES38 + "considering/d",
        RES38 + "resolves/1",
        RES38 + "resolves/2",
        RES38 + "instructs/p1",
        RES38 + "encourages/p1",
    ]
    text = render_report(shipped, "text")
    for group in obligations:
        assert group.clause is not None and group.clause.text, group.id
        if shipped.of_group(group):
            assert f'== {group.title} ==\n   "{group.clause.text}"\n' in text
    assert {f.group for f in shipped.findings} <= {g.id for g in obligations}


def test_the_roadmap_age_finding_follows_the_day_of_the_check_and_the_age_allowed(shipped_graph):
    project = Project.default()

    def aged(as_of: date, days: int = 365) -> list[str]:
        settings = ValidationSettings(as_of=as_of, max_roadmap_age_days=days)
        found = check(project, shipped_graph, settings).findings
        return [f.focus.key for f in found if f.shape.key.endswith("#Resolves1RoadmapAgeShape")]

    roadmap = "https://w3id.org/imtkg/id/roadmap/itu-t/imt"
    assert aged(date(2026, 11, 6)) == []
    assert aged(date(2026, 11, 7)) == [roadmap]
    assert aged(date(2026, 11, 7), days=366) == []


def test_the_shipped_reports_are_valid_and_show_no_blank_node_id(shipped):
    schema = json.loads((FIXTURES / "sarif" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(json.loads(render_report(shipped, "sarif")))
    JUnitXml.fromstring(render_report(shipped, "junit").encode("utf-8"))
    for fmt in ("text", "markdown", "json", "junit", "sarif"):
        assert "_:" not in render_report(shipped, fmt), fmt
    assert all(f.location is not None for f in shipped.findings)


def test_validate_on_the_shipped_data_with_the_committed_baseline_exits_0(shipped, tmp_path: Path):
    junit = tmp_path / "junit.xml"
    result = run("--baseline", str(BASELINE), "--format", "junit", "--output", str(junit))
    assert result.exit_code == 0, result.stderr
    xml = JUnitXml.fromfile(str(junit))
    assert (xml.tests, xml.failures, xml.errors) == (len(shipped.shapes), 0, 0)
    assert len(shipped.shapes) > 30


# --- CI files ---------------------------------------------------------------------------------


def validate_commands(text: str) -> list[list[str]]:
    """The ``imtkg validate`` command lines of a shell script or workflow, as argument lists."""
    joined = re.sub(r"\\\n\s*", " ", text)
    commands = []
    for line in joined.splitlines():
        match = None if line.lstrip().startswith("#") else re.search(r"imtkg validate\b(.*)", line)
        if match:
            args = shlex.split(match[1].split("||")[0].split(">")[0], comments=True)
            commands.append([a.replace("$GITHUB_STEP_SUMMARY", "summary.md") for a in args])
    return commands


@pytest.mark.parametrize(
    "path", [ROOT / ".ci" / "run", ROOT / "examples" / "ci" / "validate.yml"], ids=lambda p: p.name
)
def test_the_ci_files_call_validate_with_options_it_has(path: Path):
    commands = validate_commands(path.read_text(encoding="utf-8"))
    assert commands, f"no `imtkg validate` in {path}"
    command = cli.commands["validate"]
    for args in commands:
        ctx = command.make_context("validate", list(args), resilient_parsing=False)
        assert ctx.params["baseline"] == Path("validation/baseline.json"), args


def test_the_example_workflow_publishes_the_junit_and_markdown_reports():
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "validate.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    script = "\n".join(step.get("run", "") for step in steps)
    formats = {
        args[args.index("--format") + 1] for args in validate_commands(script) if "--format" in args
    }
    assert {"junit", "markdown"} <= formats
    assert "$GITHUB_STEP_SUMMARY" in script
    junit_steps = [s for s in steps if "junit" in s.get("uses", "")]
    assert junit_steps and junit_steps[0]["if"] == "always()"
