"""The main job: sources and data → one graph → OWL 2 RL → SHACL → views → ``dist/``.

Two engines run the same stages with the same answers. ``fast`` (the default) keeps the graph in
Oxigraph (:mod:`imtkg.oxstore`), closes it with SPARQL rules compiled from the ontology
(:mod:`imtkg.rules`), validates with TopQuadrant SHACL (:mod:`imtkg.topquadrant`) and runs the
views on Oxigraph. ``reference`` is the stock Python stack: an rdflib graph, owlrl, pySHACL and
rdflib's SPARQL engine. ``tests/test_engines.py`` proves that both give the same inferred triples,
the same validation results and the same rows for every view.
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from . import __version__, oxstore, topquadrant
from .catalogue import import_relaton, ref_of
from .errors import InputError
from .graph import load_turtle, new_graph, parse_rdf, stamp_version
from .ingest import ingest_resolution
from .namespaces import IMTKG
from .output import FORMATS, replace_directory, serialize, write_text_atomic
from .pictures import write_pictures
from .project import Project
from .queries import Query, Table, load_catalogue, run_query, run_query_on_store
from .reasoning import infer
from .rules import materialize
from .shape_settings import (
    ValidationSettings,
    apply_settings,
    newest_recorded_date,
    newest_recorded_date_in_store,
)
from .validation import Result, ValidationReport, validate

#: The engines a build can run on: the fast default and the stock Python stack.
ENGINES = ("fast", "reference")

_COUNTED = {"clauses": IMTKG.Clause, "obligations": IMTKG.Obligation, "editions": IMTKG.Edition}


@dataclass
class Build:
    """What a build produced: the closed graph, its validation, the query results, the counts.

    ``report`` holds the results of all the data shapes (integrity and obligations), checked with
    ``settings``; ``integrity_shapes`` are the shapes (node and property) of ``integrity-*.ttl``,
    whose results alone decide whether the build conforms. The fast engine leaves the closed graph
    in ``store`` (Oxigraph; the inferred triples also in :data:`imtkg.oxstore.INFERRED_GRAPH`) and
    makes the rdflib :attr:`graph` only when asked; the reference engine gives the rdflib graphs.
    """

    ontology: Graph
    asserted: int
    inferred: int
    ingested: dict[str, Graph]
    report: ValidationReport
    tables: dict[str, Table] = field(default_factory=dict)
    settings: ValidationSettings = field(default_factory=ValidationSettings)
    integrity_shapes: frozenset[URIRef] = frozenset()
    store: ox.Store | None = None
    #: The data shapes, configured with ``settings``, that made ``report``.
    shapes: Graph | None = field(default=None, repr=False)
    closed: Graph | None = field(default=None, repr=False)
    inferred_triples: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        """The closed graph as an rdflib graph (made from ``store`` the first time it is asked for)."""
        if self.closed is None:
            self.closed = oxstore.to_graph(self.store, into=new_graph())
        return self.closed

    @property
    def inferred_graph(self) -> Graph:
        """The triples inference added (``inferred`` counts them), e.g. for a named graph."""
        if self.inferred_triples is None:
            self.inferred_triples = oxstore.to_graph(self.store, oxstore.INFERRED_GRAPH, new_graph())
        return self.inferred_triples

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

    def _typed(self) -> dict[str, int]:
        """How many distinct resources have each class of :data:`_COUNTED`."""
        if self.closed is None and self.store is not None:
            counts = oxstore.subjects_of_type(self.store, [str(c) for c in _COUNTED.values()])
            return {name: counts[str(cls)] for name, cls in _COUNTED.items()}
        return {name: len(set(self.graph.subjects(RDF.type, cls))) for name, cls in _COUNTED.items()}

    def summary(self) -> dict[str, object]:
        """The figures ``imtkg build`` prints.

        ``conforms``, ``violations`` and ``warnings`` are about the integrity shapes; ``findings``
        counts the results of the obligation shapes, checked as of ``as_of``.
        """
        integrity, findings = self.integrity_results(), self.obligation_results()
        return {
            "triples": self.asserted + self.inferred,
            "asserted": self.asserted,
            "inferred": self.inferred,
            "resolutions": len(self.ingested),
            **self._typed(),
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


def check_engine(engine: str) -> str:
    """``engine`` if it is one of :data:`ENGINES`; :class:`InputError` otherwise."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose {' or '.join(ENGINES)})")
    return engine


def build_graph(
    project: Project | None = None,
    catalogue: Path | None = None,
    settings: ValidationSettings | None = None,
    engine: str = "fast",
    cache: Path | None = None,
) -> Build:
    """Load ontology and data, ingest ``data/sources/*.txt``, infer, validate and run the queries.

    The graph is validated with the integrity and obligation shapes (``Project.shape_files()``);
    the checks of ages and time limits are made as of ``settings.as_of``. Without ``settings``
    they are made as of the newest day the data records (see
    :func:`imtkg.shape_settings.newest_recorded_date`; today if it records none), with the default
    ages, so that the build depends on its input only. Only the integrity shapes decide whether the
    build conforms. ``engine`` is ``fast`` (Oxigraph, SPARQL rules, TopQuadrant SHACL) or
    ``reference`` (rdflib, owlrl, pySHACL): the same answers, at different speeds. With a
    ``cache`` folder (:func:`imtkg.cache.default_cache_dir` gives the default one), the fast engine
    redoes only what changed since the last build that used it (docs/incremental.md).

    >>> from imtkg.build import build_graph
    >>> build = build_graph()
    >>> build.summary()["obligations"], build.conforms, build.summary()["as_of"]
    (4, True, '2025-11-06')
    """
    project = project or Project.default()
    check_engine(engine)
    if cache is not None:
        if engine != "fast":
            raise InputError("a cache is for the fast engine; the reference engine builds everything")
        from .incremental import build_incremental

        return build_incremental(project, catalogue, settings, cache_dir=cache)[0]
    ontology = load_turtle(project.ontology_files())
    stamp_version(ontology, __version__)
    ingested = {source.stem: ingest_resolution(source, project) for source in project.source_texts()}
    queries = load_catalogue(project.queries_dir)
    integrity = load_turtle(project.integrity_shape_files())
    integrity_shapes = frozenset(s for s in integrity.subjects() if isinstance(s, URIRef))
    if engine == "reference":
        return _build_reference(
            project, catalogue, settings, ontology, ingested, queries, integrity_shapes
        )
    store, asserted, inferred = _closed_store(project, catalogue, ontology, ingested)
    settings = _settings(settings, newest_recorded_date_in_store(store))
    shapes = apply_settings(load_turtle(project.shape_files()), settings)
    # Oxigraph and the JVM both let go of the GIL: the store's dump (to a file the JVM reads
    # itself) and then the queries run in a thread of their own while the JVM starts and validates.
    with (
        TemporaryDirectory(prefix="imtkg-build-") as folder,
        ThreadPoolExecutor(1, thread_name_prefix="imtkg-store") as pool,
    ):
        data = Path(folder, "graph.nt")
        dumped = pool.submit(oxstore.write_ntriples, store, data)
        tables = pool.submit(_tables, store, queries)
        topquadrant.start()
        try:
            dumped.result()
        except OSError as error:  # a full disk, say: Oxigraph's message has no file name
            raise InputError(
                f"cannot write the graph to validate to {data} ({error}); "
                "set TMPDIR to a folder with room for it"
            ) from None
        report = validate(data, shapes, engine="fast")
    return Build(
        ontology,
        asserted,
        inferred,
        ingested,
        report,
        tables.result(),
        settings,
        integrity_shapes,
        store=store,
        shapes=shapes,
    )


def _tables(store: ox.Store, queries: dict[str, Query]) -> dict[str, Table]:
    """The table of every query of the catalogue, run on ``store``."""
    return {name: run_query_on_store(store, query) for name, query in queries.items()}


def closed_store(project: Project | None = None, catalogue: Path | None = None) -> ox.Store:
    """The graph of a build, closed under inference, in an Oxigraph store; nothing validated.

    What the queries run on: the same triples as ``build_graph(...).store``.
    """
    project = project or Project.default()
    ontology = load_turtle(project.ontology_files())
    stamp_version(ontology, __version__)
    ingested = {source.stem: ingest_resolution(source, project) for source in project.source_texts()}
    return _closed_store(project, catalogue, ontology, ingested)[0]


def _closed_store(
    project: Project, catalogue: Path | None, ontology: Graph, ingested: dict[str, Graph]
) -> tuple[ox.Store, int, int]:
    """The store of ontology, data, catalogue and ingested texts, closed; asserted, inferred counts."""
    store = ox.Store()
    oxstore.add_graph(store, ontology)
    for path in project.data_files():
        oxstore.load_file(store, path)
    if catalogue is not None:
        _load_catalogue(store, Path(catalogue))
    for graph in ingested.values():
        oxstore.add_graph(store, graph)
    asserted = oxstore.count(store)
    return store, asserted, materialize(store, ontology)


def _load_catalogue(store: ox.Store, path: Path) -> None:
    """Load the catalogue into ``store``: an RDF file as it is, Relaton records imported now."""
    if path.is_file() and path.suffix in (".nt", ".ttl"):
        oxstore.load_file(store, path)
    else:
        oxstore.add_graph(store, import_relaton(path, ref=ref_of(path)).graph)


def _settings(settings: ValidationSettings | None, newest) -> ValidationSettings:
    """``settings`` with its day fixed; without settings, the defaults as of ``newest``."""
    if settings is None:
        settings = ValidationSettings(as_of=newest)
    return replace(settings, as_of=settings.day())


def _build_reference(
    project, catalogue, settings, ontology, ingested, queries, integrity_shapes
) -> Build:
    """The build on the stock Python stack: rdflib graph, owlrl, pySHACL, rdflib SPARQL."""
    graph = new_graph()
    graph += ontology
    load_turtle(project.data_files(), graph)
    if catalogue is not None:
        graph += load_catalogue_graph(catalogue)
    for ingested_graph in ingested.values():
        graph += ingested_graph
    inference = infer(graph)
    settings = _settings(settings, newest_recorded_date(inference.graph))
    shapes = apply_settings(load_turtle(project.shape_files()), settings)
    report = validate(inference.graph, shapes, engine="reference")
    tables = {name: run_query(inference.graph, query) for name, query in queries.items()}
    return Build(
        ontology,
        len(graph),
        len(inference.inferred),
        ingested,
        report,
        tables,
        settings,
        integrity_shapes,
        shapes=shapes,
        closed=inference.graph,
        inferred_triples=inference.inferred,
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
