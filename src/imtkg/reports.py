"""The reports of ``imtkg validate``: text, Markdown, JSON, JUnit XML, SARIF 2.1.0 and Turtle.

Every report but Turtle (the SHACL report graph as the engine wrote it) reads
:class:`~imtkg.validation.Findings` after :func:`~imtkg.baseline.triage`: grouped by obligation,
each finding with its focus node (label and IRI, or a description for a blank node), the clause
its shape enforces (label and quoted text), the message, the severity and the offending value.
The structures are documented in docs/validation.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from xml.dom import minidom

from junitparser import Failure, JUnitXml, TestCase, TestSuite

from .output import serialize
from .validation import LEVELS, Finding, Findings, Group, NodeView, ShapeInfo, at_least

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"violation": "error", "warning": "warning", "info": "note"}
JSON_FORMAT = "imtkg-validation"
JSON_VERSION = 1


def render(findings: Findings, fmt: str) -> str:
    """``findings`` as a report in ``fmt``: one of :data:`FORMATS`."""
    return FORMATS[fmt](findings)


# --- shared wording ---------------------------------------------------------------------------


def node_text(view: NodeView) -> str:
    """``Label <IRI>``, ``<IRI>``, a literal, or a blank node's description."""
    if view.iri is None:
        return view.text
    return f"{view.label} <{view.iri}>" if view.label else f"<{view.iri}>"


def status_text(finding: Finding, findings: Findings) -> str:
    """Why a finding does or does not fail the check, in a few words."""
    waiver = finding.waiver
    if finding.status == "waived" and waiver:
        return f"waived until {waiver.expires}: {waiver.reason}"
    if finding.status == "expired" and waiver:
        return f"waiver expired on {waiver.expires}: {waiver.reason}"
    if finding.status == "known":
        return "known (in the baseline)"
    if not at_least(finding.severity, findings.fail_on):
        return f"below --fail-on {findings.fail_on}"
    return "new" if findings.baseline else ""


def verdict(findings: Findings) -> str:
    return "conforms" if findings.passed else "does NOT conform"


def summary(findings: Findings) -> str:
    """One line: the verdict, the counts per severity, and what fails."""
    counts = findings.counts()
    parts = [
        f"{counts[level]['total']} {level}{'s' if counts[level]['total'] != 1 else ''}"
        for level in reversed(LEVELS)
    ]
    line = f"{verdict(findings)} at --fail-on {findings.fail_on}: {', '.join(parts)}"
    line += f"; {len(findings.failing)} failing"
    others = [
        f"{sum(counts[level][status] for level in LEVELS)} {status}"
        for status in ("known", "waived", "expired")
        if any(counts[level][status] for level in LEVELS)
    ]
    if findings.fixed:
        others.append(f"{len(findings.fixed)} fixed")
    return line + (f" ({', '.join(others)})" if others else "")


def _groups_with_findings(findings: Findings) -> list[tuple[Group, list[Finding]]]:
    return [(g, findings.of_group(g)) for g in findings.groups if findings.of_group(g)]


def _settings_line(findings: Findings) -> str:
    line = f"as of {findings.as_of}"
    if findings.baseline:
        line += f"; baseline {findings.baseline}"
    if findings.waivers:
        line += f"; waivers {findings.waivers}"
    return line


def _shape_text(view: NodeView) -> str:
    return f"{view.text} ({view.label})" if view.label and view.label != view.text else view.text


# --- text -------------------------------------------------------------------------------------


def to_text(findings: Findings) -> str:
    """A report for a terminal."""
    lines = [f"imtkg validate: {summary(findings)}", _settings_line(findings), ""]
    for group, members in _groups_with_findings(findings):
        lines.append(f"== {group.title} ==")
        if group.clause:
            if group.clause.text:
                lines.append(f'   "{group.clause.text}"')
            lines.append(f"   <{group.clause.iri}>")
        lines.append("")
        for f in members:
            status = status_text(f, findings)
            lines.append(
                f"{f.severity.upper():9}  {node_text(f.focus)}" + (f"  [{status}]" if status else "")
            )
            lines.append(f"    {f.message}")
            if f.value is not None:
                lines.append(f"    value: {node_text(f.value)}")
            if f.path:
                lines.append(f"    path: {f.path}")
            lines.append(f"    shape: {_shape_text(f.constraint)}")
            if f.location:
                lines.append(f"    defined at: {f.location}")
        lines.append("")
    clean = [g.title for g in findings.groups if not findings.of_group(g)]
    if clean:
        lines += ["No findings: " + "; ".join(clean), ""]
    lines += _fixed_and_unused(findings, str, str)
    return "\n".join(lines).rstrip("\n") + "\n"


def _fixed_and_unused(
    findings: Findings, code: Callable[[str], str], text: Callable[[str], str]
) -> list[str]:
    """The baseline entries no longer found and the waivers that match nothing, as list items."""
    lines = []
    if findings.fixed:
        lines.append("Fixed since the baseline (in the baseline, no longer found):")
        for e in findings.fixed:
            value = f", value {code(e.value)}" if e.value else ""
            lines.append(
                f"- {code(e.focus)}: {text(e.message or e.constraint)} ({code(e.constraint)}{value})"
            )
        lines.append("")
    if findings.unused_waivers:
        lines.append("Waivers that match no finding (they can go):")
        for w in findings.unused_waivers:
            where = f"{code(w.focus)}, {code(w.shape)}"
            lines.append(f"- waiver {w.entry}: {where}, until {w.expires}: {text(w.reason)}")
        lines.append("")
    return lines


# --- Markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, with the characters GitHub would take as markup."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _md_node(view: NodeView) -> str:
    if view.iri is None:
        return _cell(view.text) if not view.text.startswith('"') else _code(view.text)
    return f"{_cell(view.label)}<br>{_code(view.iri)}" if view.label else _code(view.iri)


def to_markdown(findings: Findings) -> str:
    """A summary for a pull request: counts per severity, then a table per obligation."""
    counts = findings.counts()
    lines = [
        f"## SHACL validation: {verdict(findings)}",
        "",
        f"{len(findings.failing)} finding{'s' if len(findings.failing) != 1 else ''} fail the check "
        f"(fail on **{findings.fail_on}**; {_settings_line(findings)}).",
        "",
        "| severity | findings | new | known | waived | waiver expired |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for level in reversed(LEVELS):
        c = counts[level]
        lines.append(
            f"| {level} | {c['total']} | {c['new']} | {c['known']} | {c['waived']} | {c['expired']} |"
        )
    lines.append("")
    for group, members in _groups_with_findings(findings):
        lines += [f"### {_cell(group.title)}", ""]
        if group.clause:
            if group.clause.text:
                lines += [f"> {_cell(group.clause.text)}", ""]
            lines += [f"Clause {_code(group.clause.iri)}", ""]
        lines += [
            "| severity | focus node | message | value | shape | status |",
            "|---|---|---|---|---|---|",
        ]
        for f in members:
            value = _md_node(f.value) if f.value is not None else ""
            status = status_text(f, findings) or "new"
            lines.append(
                f"| {f.severity} | {_md_node(f.focus)} | {_cell(f.message)} | {value} | "
                f"{_code(f.constraint.text)} | {_cell(status)} |"
            )
        lines.append("")
    clean = [_cell(g.title) for g in findings.groups if not findings.of_group(g)]
    if clean:
        lines += ["No findings: " + "; ".join(clean) + ".", ""]
    lines += _fixed_and_unused(findings, _code, _cell)
    return "\n".join(lines).rstrip("\n") + "\n"


# --- JSON -------------------------------------------------------------------------------------


def _json_node(view: NodeView | None) -> dict | None:
    if view is None:
        return None
    return {"text": view.text, "iri": view.iri, "label": view.label}


def _json_finding(f: Finding, failing: set[Finding]) -> dict:
    return {
        "severity": f.severity,
        "status": f.status,
        "fails": f in failing,
        "message": f.message,
        "focus": _json_node(f.focus),
        "path": f.path,
        "value": _json_node(f.value),
        "shape": f.shape.key,
        "constraint": f.constraint.key,
        "location": {"file": f.location.file, "line": f.location.line} if f.location else None,
        "waiver": (
            {"reason": f.waiver.reason, "expires": f.waiver.expires.isoformat(), "entry": f.waiver.entry}
            if f.waiver
            else None
        ),
    }


def to_json(findings: Findings) -> str:
    """The findings as JSON (structure ``imtkg-validation`` version 1, in docs/validation.md)."""
    failing = set(findings.failing)
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "conforms": findings.passed,
        "fail_on": findings.fail_on,
        "as_of": findings.as_of.isoformat(),
        "baseline": findings.baseline,
        "waivers": findings.waivers,
        "failing": len(findings.failing),
        "counts": findings.counts(),
        "groups": [
            {
                "id": g.id,
                "kind": g.kind,
                "title": g.title,
                "clause": (
                    {"iri": g.clause.iri, "label": g.clause.label, "text": g.clause.text}
                    if g.clause
                    else None
                ),
                "shapes": [s.shape.key for s in findings.shapes if s.group == g.id],
                "findings": [_json_finding(f, failing) for f in findings.of_group(g)],
            }
            for g in findings.groups
        ],
        "fixed": [e.as_dict() for e in findings.fixed],
        "unused_waivers": [
            {
                "entry": w.entry,
                "focus": w.focus,
                "shape": w.shape,
                "reason": w.reason,
                "expires": w.expires.isoformat(),
            }
            for w in findings.unused_waivers
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- JUnit ------------------------------------------------------------------------------------


def case_name(shape: ShapeInfo) -> str:
    """The JUnit test case of a shape: ``label [prefix:Name]``."""
    return f"{shape.shape.label} [{shape.name}]" if shape.shape.label else shape.name


def _clause_line(group: Group) -> str | None:
    if group.clause is None:
        return None
    return f'{group.clause.label}: "{group.clause.text}"' if group.clause.text else group.clause.label


def _failure(focus: NodeView, members: list[Finding], group: Group, findings: Findings) -> Failure:
    worst = max(members, key=lambda f: LEVELS.index(f.severity)).severity
    failure = Failure(f"{focus.text}: " + " | ".join(f.message for f in members), worst)
    lines = [node_text(focus)]
    if members[0].location:
        lines.append(f"defined at {members[0].location}")
    if clause := _clause_line(group):
        lines.append(clause)
    for f in members:
        value = f" Value: {node_text(f.value)}." if f.value is not None else ""
        status = f" [{status_text(f, findings)}]" if f.status == "expired" else ""
        lines.append(f"- {f.severity} ({f.constraint.text}): {f.message}{value}{status}")
    failure.text = "\n".join(lines)
    return failure


def to_junit(findings: Findings) -> str:
    """JUnit XML: a test suite per group, a test case per shape, a failure per failing focus node.

    Findings that do not fail the check (known, waived, below ``--fail-on``) are listed in the
    test case's ``system-out``.
    """
    xml = JUnitXml("imtkg validate")
    failing = set(findings.failing)
    for group in findings.groups:
        suite = TestSuite(group.title)
        suite.add_property("group", group.id)
        if clause := _clause_line(group):
            suite.add_property("clause", clause)
        for shape in (s for s in findings.shapes if s.group == group.id):
            case = TestCase(case_name(shape), classname=group.title)
            members = findings.of_shape(shape)
            by_focus: dict[str, list[Finding]] = {}
            for f in members:
                if f in failing:
                    by_focus.setdefault(f.focus.key, []).append(f)
            case.result = [_failure(fs[0].focus, fs, group, findings) for fs in by_focus.values()]
            quiet = [f for f in members if f not in failing]
            if quiet:
                case.system_out = "\n".join(
                    f"{f.severity}: {f.focus.text}: {f.message} [{status_text(f, findings)}]"
                    for f in quiet
                )
            suite.add_testcase(case)
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return minidom.parseString(xml.tostring()).toprettyxml(indent="  ", encoding="UTF-8").decode("utf-8")


# --- SARIF ------------------------------------------------------------------------------------


def _rule(shape: ShapeInfo, group: Group) -> dict:
    rule: dict = {
        "id": shape.name,
        "shortDescription": {"text": shape.shape.label or shape.name},
        "defaultConfiguration": {"level": SARIF_LEVELS[shape.severity]},
        "properties": {"shape": shape.shape.key, "group": group.id},
    }
    if shape.comment:
        rule["fullDescription"] = {"text": shape.comment}
    clause = group.clause
    if clause:
        quote = f"\n\n> {clause.text}" if clause.text else ""
        rule["help"] = {
            "text": _clause_line(group),
            "markdown": f"**{clause.label}**{quote}\n\n<{clause.iri}>",
        }
        rule["properties"]["clause"] = clause.iri
    else:
        rule["help"] = {"text": f"{group.title}: {shape.comment or shape.shape.label or shape.name}"}
    return rule


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256("\x1f".join(k or "" for k in f.key).encode("utf-8")).hexdigest()


def _sarif_result(
    f: Finding, rule_index: int, rule_id: str, findings: Findings, failing: set[Finding]
) -> dict:
    message = f"{f.focus.text}: {f.message}"
    if f.value is not None:
        message += f" (value: {f.value.text})"
    location: dict = {
        "logicalLocations": [
            {"fullyQualifiedName": f.focus.iri or f.focus.text, "name": f.focus.text, "kind": "resource"}
        ]
    }
    if f.location:
        physical: dict = {"artifactLocation": {"uri": f.location.file, "uriBaseId": "PROJECTROOT"}}
        if f.location.line:
            physical["region"] = {"startLine": f.location.line}
        location["physicalLocation"] = physical
    result: dict = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[f.severity],
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"imtkgFinding/v1": _fingerprint(f)},
        "properties": {
            "status": f.status,
            "fails": f in failing,
            "constraint": f.constraint.key,
            "focus": f.focus.key,
        },
    }
    if findings.baseline:
        result["baselineState"] = "unchanged" if f.status == "known" else "new"
    if f.status == "waived" and f.waiver:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{f.waiver.reason} (until {f.waiver.expires})",
            }
        ]
    return result


def to_sarif(findings: Findings) -> str:
    """SARIF 2.1.0: a rule per shape (the clause as help), a result per finding.

    A result is located in the Turtle file and line that define its focus node, relative to the
    project root (``uriBaseId`` PROJECTROOT), when known, and always logically by the node's IRI.
    """
    from . import __version__  # here, not at the top: the package's __init__ imports this module

    groups = {g.id: g for g in findings.groups}
    rules = [_rule(s, groups[s.group]) for s in findings.shapes]
    index = {s.shape.key: i for i, s in enumerate(findings.shapes)}
    failing = set(findings.failing)
    results = [
        _sarif_result(f, index[f.shape.key], rules[index[f.shape.key]]["id"], findings, failing)
        for f in findings.findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "imtkg validate",
                        "version": __version__,
                        "informationUri": "https://w3id.org/imtkg/ontology",
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"failOn": findings.fail_on, "asOf": findings.as_of.isoformat()},
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def to_turtle(findings: Findings) -> str:
    """The SHACL report graph (data and meta shapes in one report), before baseline and waivers."""
    return serialize(findings.report, "turtle")


FORMATS: dict[str, Callable[[Findings], str]] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
    "junit": to_junit,
    "sarif": to_sarif,
    "turtle": to_turtle,
}
