"""SHACL validation with pyshacl, and the results as plain records."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node


@dataclass(frozen=True)
class Result:
    """One validation result: the focus node, the shape that produced it, and what is wrong."""

    focus: Node
    shape: Node
    severity: URIRef
    message: str
    path: Node | None
    value: Node | None


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, its results, and the SHACL report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph
    text: str

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)


def validate(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate ``data`` (already closed under inference) against ``shapes``.

    pyshacl runs without its own inference: the build closes the graph once with owlrl first.
    """
    conforms, report, text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            Result(
                focus=report.value(node, SH.focusNode),
                shape=report.value(node, SH.sourceShape),
                severity=report.value(node, SH.resultSeverity),
                message=str(report.value(node, SH.resultMessage) or ""),
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
            )
        )
    results.sort(key=lambda r: (str(r.shape), str(r.focus), r.message))
    return ValidationReport(bool(conforms), results, report, text)
