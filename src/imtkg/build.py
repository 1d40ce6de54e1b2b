"""The main job: sources and data → one graph → OWL 2 RL → SHACL → views → ``dist/``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from . import __version__
from .catalogue import import_relaton, ref_of
from .graph import load_turtle, new_graph, parse_rdf, stamp_version
from .ingest import ingest_resolution
from .namespaces import IMTKG
from .output import FORMATS, replace_directory, serialize, write_text_atomic
from .pictures import write_pictures
from .project import Project
from .queries import Table, load_catalogue, run_query
from .reasoning import infer
from .shape_settings import ValidationSettings, apply_settings, newest_recorded_date
from .validation import Result, ValidationReport, validate


@dataclass
class Build:
    """What a build produced: the closed graph, its validation, the query results, the counts.

    ``report`` holds the results of all the data shapes (integrity and obligations), checked with
    ``settings``; ``integrity_shapes`` are the shapes (node and property) of ``integrity-*.ttl``,
    whose results alone decide whether the build conforms.
    """

    graph: Graph
    ontology: Graph
    asserted: int
    inferred: int
    ingested: dict[str, Graph]
    report: ValidationReport
    tables: dict[str, Table] = field(default_factory=dict)
    #: The triples inference added (``inferred`` counts them), e.g. for a named graph of their own.
    inferred_graph: Graph = field(default_factory=new_graph)
    settings: ValidationSettings = field(default_factory=ValidationSettings)
    integrity_shapes: frozenset[URIRef] = frozenset()

    def integrity_results(self) -> list[Result]:
        """The results of the integrity shapes: where the graph is not well formed."""
        return [r for r in self.report.results if r.shape in self.integrity_shapes]

    def obligation_results(self) -> list[Result]:
        """The results of the obligation shapes: what the records do not show was done."""
        return [r for r in self.report.results if r.shape not in self.integrity_shapes]

    @property
    def conforms(self) -> bool:
        """Whether the graph conforms to the integrity shapes (obligation findings do not count)."""
        return not self.integrity_results()

    def summary(self) -> dict[str, object]:
        """The figures ``imtkg build`` prints.

        ``conforms``, ``violations`` and ``warnings`` are about the integrity shapes; ``findings``
        counts the results of the obligation shapes, checked as of ``as_of``.
        """
        g = self.graph
        integrity, findings = self.integrity_results(), self.obligation_results()
        return {
            "triples": len(g),
            "asserted": self.asserted,
            "inferred": self.inferred,
            "resolutions": len(self.ingested),
            "clauses": len(set(g.subjects(RDF.type, IMTKG.Clause))),
            "obligations": len(set(g.subjects(RDF.type, IMTKG.Obligation))),
            "editions": len(set(g.subjects(RDF.type, IMTKG.Edition))),
            "conforms": self.conforms,
            "violations": _count(integrity, SH.Violation),
            "warnings": _count(integrity, SH.Warning),
            "as_of": self.settings.day().isoformat(),
            "findings": {
                "violations": _count(findings, SH.Violation),
                "warnings": _count(findings, SH.Warning),
                "infos": _count(findings, SH.Info),
            },
        }


def _count(results: list[Result], severity: URIRef) -> int:
    return sum(1 for r in results if r.severity == severity)


def load_catalogue_graph(path: Path) -> Graph:
    """The catalogue: an imported RDF file (.nt, .ttl), or Relaton records imported now."""
    path = Path(path)
    if path.is_file() and path.suffix in (".nt", ".ttl"):
        return parse_rdf(path)
    return import_relaton(path, ref=ref_of(path)).graph


def build_graph(
    project: Project | None = None,
    catalogue: Path | None = None,
    settings: ValidationSettings | None = None,
) -> Build:
    """Load ontology and data, ingest ``data/sources/*.txt``, infer, validate and run the queries.

    The graph is validated with the integrity and obligation shapes (``Project.shape_files()``);
    the checks of ages and time limits are made as of ``settings.as_of``. Without ``settings``
    they are made as of the newest day the data records (see
    :func:`imtkg.shape_settings.newest_recorded_date`; today if it records none), with the default
    ages, so that the build depends on its input only. Only the integrity shapes decide whether the
    build conforms.

    >>> from imtkg.build import build_graph
    >>> build = build_graph()
    >>> build.summary()["obligations"], build.conforms, build.summary()["as_of"]
    (4, True, '2025-11-06')
    """
    project = project or Project.default()
    ontology = load_turtle(project.ontology_files())
    stamp_version(ontology, __version__)
    graph = new_graph()
    graph += ontology
    load_turtle(project.data_files(), graph)
    if catalogue is not None:
        graph += load_catalogue_graph(catalogue)
    ingested = {}
    for source in project.source_texts():
        ingested[source.stem] = ingest_resolution(source, project)
        graph += ingested[source.stem]
    inference = infer(graph)
    if settings is None:
        settings = ValidationSettings(as_of=newest_recorded_date(inference.graph))
    settings = replace(settings, as_of=settings.day())
    integrity = load_turtle(project.integrity_shape_files())
    shapes = apply_settings(load_turtle(project.shape_files()), settings)
    report = validate(inference.graph, shapes)
    tables = {
        name: run_query(inference.graph, query)
        for name, query in load_catalogue(project.queries_dir).items()
    }
    return Build(
        inference.graph,
        ontology,
        len(graph),
        len(inference.inferred),
        ingested,
        report,
        tables,
        inference.inferred,
        settings,
        frozenset(s for s in integrity.subjects() if isinstance(s, URIRef)),
    )


def validation_text(build: Build) -> str:
    """The validation results as plain text: a summary, then one block per result, in a fixed order."""
    settings, summary = build.settings, build.summary()
    findings = summary["findings"]
    verdict = "conforms" if build.conforms else "does NOT conform"
    lines = [
        f"integrity shapes: {verdict} ({summary['violations']} violations, "
        f"{summary['warnings']} warnings)",
        f"obligation shapes, as of {summary['as_of']} (roadmap at most "
        f"{settings.max_roadmap_age_days} days old, replies within {settings.reply_within_days} "
        f"days): {findings['violations']} violations, {findings['warnings']} warnings, "
        f"{findings['infos']} infos",
    ]
    for family, results in (
        ("integrity", build.integrity_results()),
        ("obligations", build.obligation_results()),
    ):
        for r in results:
            lines += ["", f"[{family}] {r.severity.n3(build.graph.namespace_manager)} {r.shape}"]
            lines.append(f"  focus: {r.focus}")
            if r.path is not None:
                lines.append(f"  path: {r.path}")
            if r.value is not None and r.value != r.focus:
                lines.append(f"  value: {r.value}")
            lines.append(f"  message: {r.message}")
    return "\n".join(lines) + "\n"


def table_csv(table: Table) -> str:
    """A table as CSV (SPARQL 1.1 CSV results convention)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for record in table.records():
        writer.writerow(record.values())
    return buffer.getvalue()


def write_dist(build: Build, out: Path) -> None:
    """Write the build to ``out`` (replaced whole, atomically)."""

    def fill(staging: Path) -> None:
        for fmt, suffix in FORMATS.items():
            write_text_atomic(staging / f"graph{suffix}", serialize(build.graph, fmt))
        write_text_atomic(staging / "ontology.ttl", serialize(build.ontology, "turtle"))
        for stem, graph in sorted(build.ingested.items()):
            write_text_atomic(staging / "ingested" / f"{stem}.ttl", serialize(graph, "turtle"))
        report = new_graph()
        report += build.report.graph
        write_text_atomic(staging / "validation.ttl", serialize(report, "turtle"))
        write_text_atomic(staging / "validation.txt", validation_text(build))
        for name, table in sorted(build.tables.items()):
            write_text_atomic(staging / "queries" / f"{name}.csv", table_csv(table))
        write_pictures(build.graph, staging)
        write_text_atomic(staging / "summary.json", json.dumps(build.summary(), indent=2) + "\n")

    replace_directory(out, fill)
