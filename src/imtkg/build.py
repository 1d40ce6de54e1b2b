"""The main job: sources and data → one graph → OWL 2 RL → SHACL → views → ``dist/``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
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
from .validation import ValidationReport, validate


@dataclass
class Build:
    """What a build produced: the closed graph, its validation, the query results, the counts."""

    graph: Graph
    ontology: Graph
    asserted: int
    inferred: int
    ingested: dict[str, Graph]
    report: ValidationReport
    tables: dict[str, Table] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """The figures ``imtkg build`` prints."""
        g = self.graph
        return {
            "triples": len(g),
            "asserted": self.asserted,
            "inferred": self.inferred,
            "resolutions": len(self.ingested),
            "clauses": len(set(g.subjects(RDF.type, IMTKG.Clause))),
            "obligations": len(set(g.subjects(RDF.type, IMTKG.Obligation))),
            "editions": len(set(g.subjects(RDF.type, IMTKG.Edition))),
            "conforms": self.report.conforms,
            "violations": self.report.count(SH.Violation),
            "warnings": self.report.count(SH.Warning),
        }


def load_catalogue_graph(path: Path) -> Graph:
    """The catalogue: an imported RDF file (.nt, .ttl), or Relaton records imported now."""
    path = Path(path)
    if path.is_file() and path.suffix in (".nt", ".ttl"):
        return parse_rdf(path)
    return import_relaton(path, ref=ref_of(path)).graph


def build_graph(project: Project | None = None, catalogue: Path | None = None) -> Build:
    """Load ontology and data, ingest ``data/sources/*.txt``, infer, validate and run the queries.

    >>> from imtkg.build import build_graph
    >>> build = build_graph()
    >>> build.summary()["obligations"], build.report.conforms
    (4, True)
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
    shapes = load_turtle(project.shape_files())
    report = validate(inference.graph, shapes)
    tables = {
        name: run_query(inference.graph, query)
        for name, query in load_catalogue(project.queries_dir).items()
    }
    return Build(
        inference.graph, ontology, len(graph), len(inference.inferred), ingested, report, tables
    )


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
        write_text_atomic(staging / "validation.txt", build.report.text)
        for name, table in sorted(build.tables.items()):
            write_text_atomic(staging / "queries" / f"{name}.csv", table_csv(table))
        write_pictures(build.graph, staging)
        write_text_atomic(staging / "summary.json", json.dumps(build.summary(), indent=2) + "\n")

    replace_directory(out, fill)
