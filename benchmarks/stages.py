"""One stage of a benchmark pipeline, run in a process of its own by ``benchmarks/run.py``.

A stage reads what the stage before it wrote into the pipeline's work folder (untimed set-up),
runs its steps (timed, each with the peak resident memory of this process during the step), and
writes what the next stage reads (untimed). It reports through a progress file of JSON lines:
``{"event": "start", "step": …}`` when a step begins (the runner's time cap counts from there) and
``{"event": "end", "step": …, "seconds": …, "peak_mb": …, "answer": {…}, "runs": …}`` when it ends.
The clock stops when the step has its result (a view's table, a report); the answer's digest is
computed after. With ``--view-runs N``, a view (it only reads) whose first run takes under
``--repeat-below`` seconds is run N times in all and its median time reported.

Pipelines: ``imtkg`` calls the project's API on its default (fast) engine in the order
``imtkg.build.build_graph`` does, a stage at a time; ``stock`` is rdflib's in-memory Graph,
owlrl's ``DeductiveClosure(OWLRL_Semantics)`` and ``pyshacl.validate`` with its defaults (plus
``advanced=True``, without which pySHACL ignores the shapes' SPARQL targets), on the same triples.

Usage (the runner's): ``python benchmarks/stages.py --dataset DIR --pipeline imtkg --stage load
--progress FILE [--steps a,b] [--view-runs N --repeat-below SECONDS]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

PIPELINES = ("imtkg", "stock")
#: The stages of each pipeline, in order (each reads what the one before it wrote).
STAGES = {
    "imtkg": ("load", "ingest", "reason", "validate", "views", "publish", "build"),
    "stock": ("load", "reason", "validate", "views"),
}


def peak_reset() -> bool:
    """Reset this process's peak resident memory (Linux ``clear_refs``); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float | None:
    """The peak resident memory of this process since the last reset (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _key(term: Node | None) -> str:
    """A term as text that is the same in every process (blank nodes all read ``_:``)."""
    if term is None:
        return ""
    return "_:" if isinstance(term, BNode) else term.n3()


def digest(rows) -> Callable[[], str]:
    """A short digest of a set of rows (equal digests, equal answers), computed when called: the
    runner calls it once the step's clock has stopped, as checking an answer is not the step's work."""

    def compute() -> str:
        text = "\n".join(sorted("\t".join(_key(t) for t in row) for row in rows))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]

    return compute


def report_answer(report: Graph) -> dict:
    """How many validation results a SHACL report holds, and a digest of (shape, focus) pairs."""
    pairs = [
        (report.value(r, SH.sourceShape), report.value(r, SH.focusNode))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return {"results": len(pairs), "digest": digest(pairs)}


def save(graph: Graph, path: Path) -> None:
    """Keep ``graph`` for the next stage (pickled: owlrl's closure has literal subjects, which
    N-Triples cannot hold)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))


def read(path: Path) -> Graph:
    return pickle.loads(path.read_bytes())


def save_store(store, path: Path) -> None:
    """Keep an Oxigraph store (all its graphs) for the next stage, as N-Quads."""
    import pyoxigraph

    path.parent.mkdir(parents=True, exist_ok=True)
    store.dump(path, format=pyoxigraph.RdfFormat.N_QUADS)


def read_store(path: Path):
    """The Oxigraph store :func:`save_store` kept."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def save_ntriples(graph: Graph, path: Path) -> None:
    """``graph`` as an N-Triples file, for the stock pipeline to parse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    graph.serialize(path, format="nt", encoding="utf-8")


class Stage:
    """A stage of a pipeline on a dataset: its set-up, its steps and what it leaves behind."""

    def __init__(self, dataset: Path, pipeline: str):
        self.dataset = dataset
        self.info = json.loads((dataset / "dataset.json").read_text())
        self.work = dataset / pipeline
        self.work.mkdir(parents=True, exist_ok=True)
        self.imtkg_work = dataset / "imtkg"
        from imtkg import Project

        self.project = Project.at(self.info["project"])
        self.catalogue = Path(self.info["catalogue"]) if self.info.get("catalogue") else None
        self.state: dict = {}

    def steps(self, stage: str) -> list[str]:
        if stage == "views":
            from imtkg.queries import load_catalogue

            return [
                f"view:{n}" for n in load_catalogue(self.project.queries_dir) if n.startswith("views/")
            ]
        return [stage]


class Imtkg(Stage):
    """imtkg's pipeline on its default (fast) engine, a stage at a time, as ``build_graph`` runs it.

    The graph stays in an Oxigraph store; between stages (processes) it is handed over as an
    N-Quads file (untimed), with the inferred triples in their named graph.
    """

    def setup(self, stage: str) -> None:
        if stage in ("ingest", "reason", "validate", "views", "publish"):
            from imtkg import __version__
            from imtkg.graph import load_turtle, stamp_version

            before = {"ingest": "loaded", "reason": "asserted"}.get(stage, "closed")
            self.state["store"] = read_store(self.work / f"{before}.nq")
            ontology = load_turtle(self.project.ontology_files())
            stamp_version(ontology, __version__)
            self.state["ontology"] = ontology
        if stage == "validate":
            self.write_stock_shapes()
        if stage == "views":
            from imtkg.queries import load_catalogue

            self.state["queries"] = load_catalogue(self.project.queries_dir)
        if stage == "publish":
            self.state["build"] = self.rebuild()

    def write_stock_shapes(self) -> None:
        """The data shapes configured as the build configures them, for both validations."""
        from imtkg.graph import load_turtle
        from imtkg.shape_settings import (
            ValidationSettings,
            apply_settings,
            newest_recorded_date_in_store,
        )

        settings = ValidationSettings(as_of=newest_recorded_date_in_store(self.state["store"]))
        settings = replace(settings, as_of=settings.day())
        shapes = apply_settings(load_turtle(self.project.shape_files()), settings)
        shapes.serialize(self.dataset / "shapes.ttl", format="turtle", encoding="utf-8")
        self.state.update(shapes=shapes, settings=settings)

    def run(self, step: str) -> dict:
        from imtkg import oxstore

        store = self.state.get("store")
        if step == "load":
            import pyoxigraph

            from imtkg import __version__
            from imtkg.graph import load_turtle, stamp_version

            ontology = load_turtle(self.project.ontology_files())
            stamp_version(ontology, __version__)
            store = pyoxigraph.Store()
            oxstore.add_graph(store, ontology)
            for path in self.project.data_files():
                oxstore.load_file(store, path)
            self.state.update(store=store, ontology=ontology)
            return {"triples": oxstore.count(store)}
        if step == "ingest":
            from imtkg.build import load_catalogue_graph
            from imtkg.ingest import ingest_resolution

            if self.catalogue is not None:
                catalogue = load_catalogue_graph(self.catalogue)
                oxstore.add_graph(store, catalogue)
                self.state["catalogue"] = catalogue
            ingested = {}
            for source in self.project.source_texts():
                ingested[source.stem] = ingest_resolution(source, self.project)
                oxstore.add_graph(store, ingested[source.stem])
            self.state["ingested"] = ingested
            return {"triples": oxstore.count(store)}
        if step == "reason":
            from imtkg.rules import materialize

            inferred = materialize(store, self.state["ontology"])
            return {"triples": oxstore.count(store), "inferred": inferred}
        if step == "validate":
            from imtkg.validation import validate

            # As build_graph does: the store dumped to a file that the JVM reads itself.
            data = self.work / "graph.nt"
            try:
                oxstore.write_ntriples(store, data)
                report = validate(data, self.state["shapes"], engine="fast")
            finally:
                data.unlink(missing_ok=True)
            self.state["report"] = report
            return report_answer(report.graph)
        if step.startswith("view:"):
            from imtkg.queries import run_query_on_store

            name = step.removeprefix("view:")
            table = run_query_on_store(store, self.state["queries"][name])
            self.state.setdefault("tables", {})[name] = table
            return {"rows": len(table.rows), "digest": digest(table.rows)}
        if step == "publish":
            from imtkg.publish import write_site

            site = write_site(
                self.state["build"], self.project, self.work / "site", catalogue=self.catalogue
            )
            return {"resources": site.resources, "triples": site.triples}
        if step == "build":
            from imtkg.build import build_graph

            build = build_graph(self.project, catalogue=self.catalogue)
            return {"triples": build.asserted + build.inferred, **report_answer(build.report.graph)}
        raise ValueError(f"unknown step {step}")

    def finish(self, stage: str) -> None:
        state, work = self.state, self.work
        if stage == "load":
            save_store(state["store"], work / "loaded.nq")
        elif stage == "ingest":
            save_store(state["store"], work / "asserted.nq")
            for stem, graph in state["ingested"].items():
                save_ntriples(graph, work / "ingested" / f"{stem}.nt")
            if "catalogue" in state:
                save_ntriples(state["catalogue"], work / "catalogue.nt")
        elif stage == "reason":
            save_store(state["store"], work / "closed.nq")
        elif stage == "validate":
            with (work / "report.pickle").open("wb") as f:
                pickle.dump((state["report"], state["settings"]), f)
        elif stage == "views":
            for name, table in state.get("tables", {}).items():
                path = work / "tables" / f"{name.replace('/', '__')}.pickle"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps(table))
        elif stage == "publish":
            shutil.rmtree(work / "site", ignore_errors=True)

    def rebuild(self):
        """The :class:`imtkg.build.Build` the stages before made, for the publication."""
        from imtkg import oxstore
        from imtkg.build import Build
        from imtkg.graph import load_turtle
        from imtkg.queries import load_catalogue, run_query_on_store

        store = self.state["store"]
        ingested = {}
        for path in sorted((self.work / "ingested").glob("*.nt")):
            ingested[path.stem] = Graph().parse(path, format="nt")
        inferred = oxstore.count(store, oxstore.INFERRED_GRAPH)
        with (self.work / "report.pickle").open("rb") as f:
            report, settings = pickle.load(f)
        tables = {}
        for name, query in load_catalogue(self.project.queries_dir).items():
            path = self.work / "tables" / f"{name.replace('/', '__')}.pickle"
            tables[name] = (
                pickle.loads(path.read_bytes()) if path.is_file() else run_query_on_store(store, query)
            )
        integrity = load_turtle(self.project.integrity_shape_files())
        return Build(
            self.state["ontology"],
            oxstore.count(store) - inferred,
            inferred,
            ingested,
            report,
            tables,
            settings,
            frozenset(s for s in integrity.subjects() if isinstance(s, URIRef)),
            store=store,
        )


class Stock(Stage):
    """The stock pipeline: rdflib Graph, owlrl OWL 2 RL closure, pySHACL, rdflib SPARQL."""

    def files(self) -> list[Path]:
        """The ontology and data files, the ingested texts and the catalogue imtkg's stages wrote."""
        files = [*self.project.ontology_files(), *self.project.data_files()]
        files += sorted((self.imtkg_work / "ingested").glob("*.nt"))
        if self.catalogue is not None:
            files.append(self.imtkg_work / "catalogue.nt")
        return files

    def setup(self, stage: str) -> None:
        if stage == "load":
            self.state["files"] = self.files()
        elif stage == "reason":
            self.state["graph"] = read(self.work / "asserted.pickle")
        elif stage in ("validate", "views"):
            self.state["graph"] = read(self.work / "closed.pickle")
        if stage == "validate":
            shapes = Graph()
            shapes.parse(self.dataset / "shapes.ttl", format="turtle")
            self.state["shapes"] = shapes
        if stage == "views":
            from imtkg.queries import load_catalogue

            self.state["queries"] = load_catalogue(self.project.queries_dir)

    def run(self, step: str) -> dict:
        graph = self.state.get("graph")
        if step == "load":
            graph = Graph()
            for path in self.state["files"]:
                graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
            self.state["graph"] = graph
            return {"triples": len(graph)}
        if step == "reason":
            import owlrl

            owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
            return {"triples": len(graph)}
        if step == "validate":
            import pyshacl

            _, report, _ = pyshacl.validate(graph, shacl_graph=self.state["shapes"], advanced=True)
            return report_answer(report)
        if step.startswith("view:"):
            rows = list(graph.query(self.state["queries"][step.removeprefix("view:")].text))
            return {"rows": len(rows), "digest": digest(rows)}
        raise ValueError(f"unknown step {step}")

    def finish(self, stage: str) -> None:
        if stage in ("load", "reason"):
            save(
                self.state["graph"],
                self.work / ("asserted.pickle" if stage == "load" else "closed.pickle"),
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run one benchmark stage (called by benchmarks/run.py)."
    )
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--pipeline", choices=PIPELINES, required=True)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--progress", type=Path, required=True)
    parser.add_argument("--steps", help="comma-separated steps (default: all of the stage)")
    parser.add_argument("--view-runs", type=int, default=1, help="runs of a fast view (median kept)")
    parser.add_argument("--repeat-below", type=float, default=1.0, help="seconds: what a fast view is")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # a checkout, not installed
    if args.stage not in STAGES[args.pipeline]:
        parser.error(f"pipeline {args.pipeline} has no stage {args.stage}")
    stage = (Imtkg if args.pipeline == "imtkg" else Stock)(args.dataset, args.pipeline)
    steps = args.steps.split(",") if args.steps else stage.steps(args.stage)
    with args.progress.open("a", encoding="utf-8") as progress:

        def emit(event: dict) -> None:
            progress.write(json.dumps(event) + "\n")
            progress.flush()

        stage.setup(args.stage)
        for step in steps:
            emit({"event": "start", "step": step, "t": time.time()})
            exact = peak_reset()
            start = time.perf_counter()
            answer = stage.run(step)
            times = [time.perf_counter() - start]
            repeat = step.startswith("view:") and times[0] < args.repeat_below
            while repeat and len(times) < args.view_runs:
                start = time.perf_counter()
                stage.run(step)
                times.append(time.perf_counter() - start)
            peak = peak_mb() if exact else None
            answer = {key: value() if callable(value) else value for key, value in answer.items()}
            emit(
                {
                    "event": "end",
                    "step": step,
                    "seconds": statistics.median(times),
                    "peak_mb": peak,
                    "answer": answer,
                    "runs": len(times),
                }
            )
        stage.finish(args.stage)
        emit({"event": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
