"""Specification of the reports of ``imtkg validate``, on a made-up project.

Given the fixture project of ``tests/fixtures/validation/project`` (a fake resolution with three
clauses, shapes that enforce them, an integrity shape whose focus node is a blank node and a meta
shape) validated as of 2024-05-01, each report says exactly what these tests spell out:

* text and Markdown: exactly ``expected/report.txt`` and ``expected/report.md``;
* JSON: the documented structure, with these findings per group;
* JUnit XML, read back with junitparser: a test suite per group, a test case per shape, one
  failure per failing focus node, and the findings that do not fail in ``system-out``;
* SARIF: valid against the SARIF 2.1.0 schema, a rule per shape with its clause as help, a result
  per finding located at the file and line that define its focus node;
* Turtle: the SHACL report graph, one result per finding;
* and no report meant for a person shows a blank-node id.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from imtkg import Project, check, render_report, triage
from imtkg.build import build_graph
from imtkg.graph import load_turtle
from imtkg.shape_settings import ValidationSettings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "validation"
PROJECT = Project.at(FIXTURES / "project")
EXPECTED = FIXTURES / "expected"
AS_OF = date(2024, 5, 1)
EX = "https://example.org/id/"
FSH = "https://example.org/shapes#"
CLAUSE = EX + "resolution/fake/1/"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(PROJECT).graph


@pytest.fixture(scope="module")
def findings(graph):
    return triage(check(PROJECT, graph, ValidationSettings(as_of=AS_OF)))


# --- text and Markdown ------------------------------------------------------------------------


def test_the_text_report_is_exactly_the_expected_one(findings):
    assert render_report(findings, "text") == (EXPECTED / "report.txt").read_text(encoding="utf-8")


def test_the_markdown_summary_is_exactly_the_expected_one(findings):
    assert render_report(findings, "markdown") == (EXPECTED / "report.md").read_text(encoding="utf-8")


def test_markdown_escapes_what_github_would_take_for_html_or_table_markup(findings):
    text = render_report(findings, "markdown")
    assert "W-&lt;digits&gt;" in text and "W-<digits>" not in text


# --- JSON -------------------------------------------------------------------------------------


def test_json_has_the_documented_top_level_structure(findings):
    document = json.loads(render_report(findings, "json"))
    assert list(document) == [
        "format",
        "version",
        "conforms",
        "fail_on",
        "as_of",
        "baseline",
        "waivers",
        "failing",
        "counts",
        "groups",
        "fixed",
        "unused_waivers",
    ]
    assert (document["format"], document["version"]) == ("imtkg-validation", 1)
    assert (document["conforms"], document["fail_on"], document["as_of"]) == (
        False,
        "violation",
        "2024-05-01",
    )
    assert document["failing"] == 5
    assert list(document["counts"]) == ["violation", "warning", "info"]
    assert document["counts"] == {
        "violation": {"total": 5, "new": 5, "known": 0, "waived": 0, "expired": 0},
        "warning": {"total": 3, "new": 3, "known": 0, "waived": 0, "expired": 0},
        "info": {"total": 2, "new": 2, "known": 0, "waived": 0, "expired": 0},
    }
    assert (document["fixed"], document["unused_waivers"]) == ([], [])


def test_json_groups_findings_by_clause_then_integrity_then_meta(findings):
    groups = json.loads(render_report(findings, "json"))["groups"]
    assert [(g["id"], g["kind"], g["shapes"]) for g in groups] == [
        (CLAUSE + "considering/a", "obligation", [FSH + "GroupLiaisonShape"]),
        (CLAUSE + "encourages/p1", "obligation", [FSH + "GroupEfficiencyShape"]),
        (CLAUSE + "resolves/1", "obligation", [FSH + "WidgetRegisteredShape"]),
        ("integrity", "integrity", [FSH + "RegisterEntryShape"]),
        ("meta", "meta", [FSH + "ClassDefinedShape"]),
    ]
    assert groups[2]["clause"] == {
        "iri": CLAUSE + "resolves/1",
        "label": "Fake Resolution 1, resolves 1",
        "text": "that every widget be entered in the widget register with its serial number;",
    }
    assert groups[3]["clause"] is None
    rows = [
        (
            g["id"],
            f["severity"],
            f["focus"]["text"],
            f["message"],
            (f["value"] or {}).get("text"),
            f["fails"],
        )
        for g in groups
        for f in g["findings"]
    ]
    assert rows == [
        (
            CLAUSE + "considering/a",
            "warning",
            "Group One",
            "No liaison is recorded between this group and another group that makes widgets.",
            "Group Three",
            False,
        ),
        (
            CLAUSE + "considering/a",
            "warning",
            "Group Two",
            "No liaison is recorded between this group and another group that makes widgets.",
            "Group Three",
            False,
        ),
        (
            CLAUSE + "encourages/p1",
            "info",
            "Group Three",
            "The group has recorded no efficiency note.",
            None,
            False,
        ),
        (
            CLAUSE + "encourages/p1",
            "info",
            "Group Two",
            "The group has recorded no efficiency note.",
            None,
            False,
        ),
        (
            CLAUSE + "resolves/1",
            "violation",
            "Widget B",
            "The widget is not in the widget register.",
            None,
            True,
        ),
        (
            CLAUSE + "resolves/1",
            "violation",
            "Widget B",
            "The widget has no serial number of the form W-<digits>.",
            '"B2"',
            True,
        ),
        (
            CLAUSE + "resolves/1",
            "violation",
            EX + "widget/d",
            "The widget is not in the widget register.",
            None,
            True,
        ),
        (
            CLAUSE + "resolves/1",
            "violation",
            EX + "widget/d",
            "The widget has no serial number of the form W-<digits>.",
            None,
            True,
        ),
        (
            "integrity",
            "violation",
            "Widget C › fake:registerEntry",
            "The entry date of a register entry must be one xsd:date (YYYY-MM-DD).",
            '"sometime in 2020"',
            True,
        ),
        ("meta", "warning", "register entry", "The class has no skos:definition.", None, False),
    ]


def test_a_json_finding_has_the_documented_fields(findings):
    groups = json.loads(render_report(findings, "json"))["groups"]
    blank = groups[3]["findings"][0]
    assert blank == {
        "severity": "violation",
        "status": "new",
        "fails": True,
        "message": "The entry date of a register entry must be one xsd:date (YYYY-MM-DD).",
        "focus": {"text": "Widget C › fake:registerEntry", "iri": None, "label": None},
        "path": "fake:entryDate",
        "value": {"text": '"sometime in 2020"', "iri": None, "label": None},
        "shape": FSH + "RegisterEntryShape",
        "constraint": FSH + "RegisterEntryShape-date",
        "location": {"file": "data/widgets.ttl", "line": 27},
        "waiver": None,
    }
    efficiency = groups[1]["findings"][0]
    assert efficiency["constraint"] == "fsh:GroupEfficiencyShape › sh:property"
    assert efficiency["location"] == {"file": "data/widgets.ttl", "line": 44}


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_group_and_a_case_per_shape(findings):
    xml = JUnitXml.fromstring(render_report(findings, "junit").encode("utf-8"))
    cases = [(suite.name, case.classname, case.name) for suite in xml for case in suite]
    assert cases == [
        (
            "Fake Resolution 1, considering a)",
            "Fake Resolution 1, considering a)",
            "groups liaise [fsh:GroupLiaisonShape]",
        ),
        (
            "Fake Resolution 1, encourages",
            "Fake Resolution 1, encourages",
            "group records efficiency [fsh:GroupEfficiencyShape]",
        ),
        (
            "Fake Resolution 1, resolves 1",
            "Fake Resolution 1, resolves 1",
            "widget registered [fsh:WidgetRegisteredShape]",
        ),
        ("Integrity of the graph", "Integrity of the graph", "register entry [fsh:RegisterEntryShape]"),
        ("Ontology and shapes", "Ontology and shapes", "class defined [fsh:ClassDefinedShape]"),
    ]
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (5, 3, 0, 0)
    suite = next(s for s in xml if s.name == "Fake Resolution 1, resolves 1")
    assert {p.name: p.value for p in suite.properties()} == {
        "group": CLAUSE + "resolves/1",
        "clause": 'Fake Resolution 1, resolves 1: "that every widget be entered in the widget register with its serial number;"',
    }


def test_junit_has_one_failure_per_failing_focus_node(findings):
    xml = JUnitXml.fromstring(render_report(findings, "junit").encode("utf-8"))
    failures = {
        case.name: [(r.type, r.message) for r in case.result if isinstance(r, Failure)]
        for suite in xml
        for case in suite
    }
    assert failures == {
        "groups liaise [fsh:GroupLiaisonShape]": [],
        "group records efficiency [fsh:GroupEfficiencyShape]": [],
        "widget registered [fsh:WidgetRegisteredShape]": [
            (
                "violation",
                "Widget B: The widget is not in the widget register. | The widget has no serial number of the form W-<digits>.",
            ),
            (
                "violation",
                EX
                + "widget/d: The widget is not in the widget register. | The widget has no serial number of the form W-<digits>.",
            ),
        ],
        "register entry [fsh:RegisterEntryShape]": [
            (
                "violation",
                "Widget C › fake:registerEntry: The entry date of a register entry must be one xsd:date (YYYY-MM-DD).",
            ),
        ],
        "class defined [fsh:ClassDefinedShape]": [],
    }
    case = next(c for s in xml for c in s if c.name == "widget registered [fsh:WidgetRegisteredShape]")
    assert case.result[0].text == (
        "Widget B <https://example.org/id/widget/b>\n"
        "defined at data/widgets.ttl:22\n"
        'Fake Resolution 1, resolves 1: "that every widget be entered in the widget register with its serial number;"\n'
        "- violation (fsh:WidgetRegisteredShape-entry): The widget is not in the widget register.\n"
        '- violation (fsh:WidgetRegisteredShape-serial): The widget has no serial number of the form W-<digits>. Value: "B2".'
    )


def test_junit_lists_the_findings_that_do_not_fail_in_system_out(findings):
    xml = JUnitXml.fromstring(render_report(findings, "junit").encode("utf-8"))
    outputs = {case.name: case.system_out for suite in xml for case in suite}
    assert outputs["groups liaise [fsh:GroupLiaisonShape]"] == (
        "warning: Group One: No liaison is recorded between this group and another group that makes widgets. [below --fail-on violation]\n"
        "warning: Group Two: No liaison is recorded between this group and another group that makes widgets. [below --fail-on violation]"
    )
    assert outputs["widget registered [fsh:WidgetRegisteredShape]"] is None


def test_junit_at_fail_on_info_fails_every_shape_with_findings(findings):
    xml = JUnitXml.fromstring(render_report(triage(findings, "info"), "junit").encode("utf-8"))
    counts = {case.name: len(case.result) for suite in xml for case in suite}
    assert counts == {
        "groups liaise [fsh:GroupLiaisonShape]": 2,
        "group records efficiency [fsh:GroupEfficiencyShape]": 2,
        "widget registered [fsh:WidgetRegisteredShape]": 2,
        "register entry [fsh:RegisterEntryShape]": 1,
        "class defined [fsh:ClassDefinedShape]": 1,
    }


# --- SARIF ------------------------------------------------------------------------------------


def sarif_schema() -> dict:
    return json.loads((FIXTURES / "sarif" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(findings):
    log = json.loads(render_report(findings, "sarif"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["version"] == "2.1.0"


def test_the_schema_check_would_catch_a_broken_sarif_log(findings):
    log = json.loads(render_report(findings, "sarif"))
    log["runs"][0]["results"][0]["level"] = "violation"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema()).validate(log)


def test_sarif_has_a_rule_per_shape_with_its_clause_as_help(findings):
    rules = json.loads(render_report(findings, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["defaultConfiguration"]["level"], r["help"]["text"]) for r in rules] == [
        (
            "fsh:GroupLiaisonShape",
            "warning",
            'Fake Resolution 1, considering a): "that groups making widgets need to liaise with one another,"',
        ),
        (
            "fsh:GroupEfficiencyShape",
            "note",
            'Fake Resolution 1, encourages: "each group to record what it has learnt on making widgets efficiently."',
        ),
        (
            "fsh:WidgetRegisteredShape",
            "error",
            'Fake Resolution 1, resolves 1: "that every widget be entered in the widget register with its serial number;"',
        ),
        (
            "fsh:RegisterEntryShape",
            "error",
            "Integrity of the graph: A register entry has exactly one entry date, an xsd:date.",
        ),
        (
            "fsh:ClassDefinedShape",
            "error",
            "Ontology and shapes: Every class of the ontology has a definition.",
        ),
    ]


def test_sarif_results_are_located_at_the_definition_of_their_focus_node(findings):
    results = json.loads(render_report(findings, "sarif"))["runs"][0]["results"]
    rows = []
    for r in results:
        location = r["locations"][0]
        physical = location["physicalLocation"]
        rows.append(
            (
                r["ruleId"],
                r["level"],
                physical["artifactLocation"]["uri"],
                physical["region"]["startLine"],
                location["logicalLocations"][0]["fullyQualifiedName"],
            )
        )
    assert rows == [
        ("fsh:GroupLiaisonShape", "warning", "data/widgets.ttl", 36, EX + "group/g1"),
        ("fsh:GroupLiaisonShape", "warning", "data/widgets.ttl", 41, EX + "group/g2"),
        ("fsh:GroupEfficiencyShape", "note", "data/widgets.ttl", 44, EX + "group/g3"),
        ("fsh:GroupEfficiencyShape", "note", "data/widgets.ttl", 41, EX + "group/g2"),
        ("fsh:WidgetRegisteredShape", "error", "data/widgets.ttl", 22, EX + "widget/b"),
        ("fsh:WidgetRegisteredShape", "error", "data/widgets.ttl", 22, EX + "widget/b"),
        ("fsh:WidgetRegisteredShape", "error", "data/widgets.ttl", 33, EX + "widget/d"),
        ("fsh:WidgetRegisteredShape", "error", "data/widgets.ttl", 33, EX + "widget/d"),
        ("fsh:RegisterEntryShape", "error", "data/widgets.ttl", 27, "Widget C › fake:registerEntry"),
        (
            "fsh:ClassDefinedShape",
            "warning",
            "ontology/fake.ttl",
            24,
            "https://example.org/fake#RegisterEntry",
        ),
    ]
    assert results[4]["message"]["text"] == "Widget B: The widget is not in the widget register."
    assert results[5]["message"]["text"] == (
        'Widget B: The widget has no serial number of the form W-<digits>. (value: "B2")'
    )
    lines = (PROJECT.root / "data" / "widgets.ttl").read_text(encoding="utf-8").splitlines()
    assert lines[21].startswith("<widget/b> ") and lines[26].startswith("<widget/c> ")


def test_sarif_fingerprints_tell_findings_apart(findings):
    results = json.loads(render_report(findings, "sarif"))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["imtkgFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints) == 10


# --- Turtle -----------------------------------------------------------------------------------


def test_turtle_is_the_shacl_report_graph_with_one_result_per_finding(findings):
    report = Graph().parse(data=render_report(findings, "turtle"), format="turtle")
    (node,) = report.subjects(SH.conforms, None)
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    assert len(results) == len(findings.findings) == 10
    focus = sorted(
        str(report.value(r, SH.focusNode))
        for r in results
        if isinstance(report.value(r, SH.focusNode), URIRef)
    )
    assert focus == sorted(
        [
            EX + "group/g1",
            EX + "group/g2",
            EX + "group/g2",
            EX + "group/g3",
            EX + "widget/b",
            EX + "widget/b",
            EX + "widget/d",
            EX + "widget/d",
            "https://example.org/fake#RegisterEntry",
        ]
    )


# --- no blank-node ids --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "junit", "sarif"])
def test_no_report_for_a_person_shows_a_blank_node_id(findings, graph, fmt):
    shapes = load_turtle(PROJECT.shape_files() + PROJECT.meta_shape_files())
    ids = {
        str(n) for g in (graph, shapes, findings.report) for t in g for n in t if isinstance(n, BNode)
    }
    assert ids, "the fixture has blank nodes"
    text = render_report(findings, fmt)
    assert "_:" not in text
    assert [i for i in ids if i in text] == []
