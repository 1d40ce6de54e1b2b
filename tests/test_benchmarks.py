"""The benchmark harness: the synthetic graphs (imtkg.synthetic) and benchmarks/run.py.

A synthetic graph of a given size and seed has the size and the shape it promises, is made the
same way twice, and, once the project's pipeline has built it, gives exactly the obligation
findings its manifest says were planted and no integrity finding. The runner runs both pipelines
end to end on a small graph and reports that they give the same answers. No test asserts a time.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

import imtkg.synthetic
from imtkg import Project
from imtkg.build import build_graph
from imtkg.errors import InputError
from imtkg.namespaces import IMTKG, IMTSH
from imtkg.synthetic import SOURCE, SYNTHETIC, generate, ntriples, parse_size, write_project

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "benchmarks" / "run.py"
FAMILIES = {
    "obligations-resolves-1",
    "obligations-resolves-2",
    "obligations-instructs",
    "obligations-encourages",
    "obligations-considering-d",
}


def _runner():
    spec = importlib.util.spec_from_file_location("benchmark_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """A 10k synthetic project (seed 7), its manifest, and the build of it."""
    folder = tmp_path_factory.mktemp("synthetic") / "project"
    manifest = json.loads(write_project(folder, 10_000, seed=7).read_text())
    return folder, manifest, build_graph(Project.at(folder))


def test_the_examples_of_the_generator_run():
    failures, attempted = doctest.testmod(imtkg.synthetic)
    assert attempted > 0 and failures == 0


def test_sizes_are_read_as_triples():
    assert [parse_size(s) for s in ("10k", "100k", "1M", "2.5k", "12345")] == [
        10_000,
        100_000,
        1_000_000,
        2_500,
        12_345,
    ]
    for bad in ("ten", "-5k", "0", "1.5"):
        with pytest.raises(InputError, match="not a size"):
            parse_size(bad)


def test_the_build_asserts_the_size_asked_within_ten_percent(built):
    folder, manifest, build = built
    assert manifest["size"] == 10_000
    assert build.asserted == manifest["triples"]["asserted"]
    assert 9_000 <= build.asserted <= 11_000
    graph = Graph().parse(folder / "data" / "synthetic" / "graph.ttl", format="turtle")
    assert len(graph) == manifest["triples"]["synthetic"]


def test_every_synthetic_resource_is_under_the_synthetic_namespace_and_says_so(built):
    folder, manifest, _ = built
    graph = Graph().parse(folder / "data" / "synthetic" / "graph.ttl", format="turtle")
    subjects = set(graph.subjects())
    assert subjects, "the synthetic graph is empty"
    assert all(str(s).startswith(str(SYNTHETIC)) for s in subjects)
    assert [s for s in subjects if s != SOURCE and (s, DCTERMS.source, SOURCE) not in graph] == []
    assert "not ITU facts" in str(
        graph.value(SOURCE, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    )
    assert manifest["namespace"] == str(SYNTHETIC)


def test_the_graph_has_the_shape_of_the_real_one(built):
    _, manifest, build = built
    counts = manifest["counts"]
    for kind in (
        "study_groups",
        "working_parties",
        "resolutions",
        "resolution_revisions",
        "clauses",
        "obligations",
        "recommendations",
        "editions",
        "generation_assignments",
        "activities",
        "cross_sector_dependencies",
        "liaison_statements",
        "replies",
        "roadmap_editions",
        "roadmap_entries",
    ):
        assert counts[kind] > 0, kind
    graph = build.graph
    sectors = Counter(
        str(graph.value(r, IMTKG.sector)).rsplit("/", 1)[1]
        for r in graph.subjects(RDF.type, IMTKG.Roadmap)
        if str(r).startswith(str(SYNTHETIC))
    )
    assert set(sectors) == {"itu-t", "itu-r", "itu-d"}
    # The real Resolution 38 is ingested at build time, next to the synthetic resolutions.
    assert URIRef("https://w3id.org/imtkg/id/resolution/wtsa/38/2012/resolves/2/obligation/1") in set(
        graph.subjects(RDF.type, IMTKG.Obligation)
    )
    assert counts["activities"] == len(
        {
            s
            for c in (IMTKG.StandardizationActivity, IMTKG.WorkItem, IMTKG.Study)
            for s in graph.subjects(RDF.type, c)
            if str(s).startswith(str(SYNTHETIC))
        }
    )


def test_the_build_finds_exactly_the_planted_obligation_findings(built):
    _, manifest, build = built
    assert build.integrity_results() == []
    assert build.settings.as_of.isoformat() == manifest["as_of"]
    found = Counter((str(r.shape), str(r.focus)) for r in build.obligation_results())
    planted = Counter((p["shape"], p["focus"]) for p in manifest["planted"])
    assert found == planted
    values = {(str(r.shape), str(r.focus)): str(r.value) for r in build.obligation_results()}
    for p in manifest["planted"]:
        assert values[(p["shape"], p["focus"])] == p["value"]
    assert {p["family"] for p in manifest["planted"]} == FAMILIES
    per_shape = Counter(p["shape"] for p in manifest["planted"])
    assert per_shape[str(IMTSH.Resolves2DependencyLiaisonShape)] == manifest["per_shape"] == 3
    assert set(manifest["silent_shapes"]).isdisjoint(per_shape)


def test_the_same_seed_gives_the_same_graph_and_another_seed_another():
    first, again, other = generate(6_000, seed=3), generate(6_000, seed=3), generate(6_000, seed=4)
    assert ntriples(first.graph) == ntriples(again.graph)
    assert first.manifest == again.manifest
    assert ntriples(first.graph) != ntriples(other.graph)


def test_a_size_too_small_for_the_skeleton_is_refused():
    with pytest.raises(InputError, match="too small .* at least"):
        generate(3_000)


def test_no_synthetic_project_is_written_into_the_shipped_project():
    with pytest.raises(InputError, match="not written inside the project"):
        write_project(Project.default().root / "data" / "synthetic", 6_000)


def test_the_report_gives_ratios_exponents_and_caps_as_measured():
    run = _runner()
    Result, Dataset = run.Result, run.Dataset
    small = Dataset("synthetic-10k", Path("."), 10_000, 10_000, 8_000)
    large = Dataset("synthetic-100k", Path("."), 100_000, 100_000, 98_000)
    small.results["imtkg"]["reason"] = Result(2.0, 50.0, {"triples": 12_000})
    small.results["stock"]["reason"] = Result(8.0, 60.0, {"triples": 20_000})
    large.results["imtkg"]["reason"] = Result(20.0, 400.0, {"triples": 120_000})
    large.results["stock"]["reason"] = Result(status="cap", note="> 600 s")
    small.results["imtkg"]["view:views/roadmap"] = Result(0.01, 50.0, {"rows": 100, "digest": "a"})
    large.results["imtkg"]["view:views/roadmap"] = Result(0.15, 400.0, {"rows": 1_200, "digest": "b"})
    table = "\n".join(run.dataset_table(large, 600))
    assert "| reasoning (OWL 2 RL) | 20.0 | 400 | > 600 s | — | > 30.0× |" in table
    assert "| reasoning (OWL 2 RL) | 2.000 | 50 | 8.000 | 60 | 4.0× |" in "\n".join(
        run.dataset_table(small, 600)
    )
    growth = "\n".join(run.growth_table([large, small], ["imtkg", "stock"], 600))
    assert "| reasoning (OWL 2 RL) | 1.00 | > 1.88 | — |" in growth
    # 15 times the time and 12 times the rows for 10 times the triples.
    assert "| view views/roadmap | 1.18 | — | 1.08 |" in growth
    assert "A stage that grows as n log n has 10k→100k k = 1.10." in growth
    assert "grows faster than the whole (10k→100k from 8,000 to 98,000 triples (k = 1.09))" in growth


def test_publishing_alone_runs_the_validation_and_the_views_it_reads(monkeypatch):
    run = _runner()
    ran = []

    def stage(dataset, pipeline, name, cap, log):
        ran.append((pipeline, name))
        return {"view:views/roadmap" if name == "views" else name: run.Result(1.0, 50.0)}

    monkeypatch.setattr(run, "run_stage", stage)
    dataset = run.Dataset("synthetic-10k", Path("."), 10_000, 10_000)

    run.run_dataset(dataset, ["imtkg"], ["publish"], 600, print)

    assert ran == [("imtkg", s) for s in ("load", "ingest", "reason", "validate", "views", "publish")]


def test_a_stage_is_skipped_when_one_of_its_needs_did_not_finish(monkeypatch):
    run = _runner()

    def stage(dataset, pipeline, name, cap, log):
        status = "cap" if name == "validate" else "ok"
        return {"view:views/roadmap" if name == "views" else name: run.Result(1.0, 50.0, status=status)}

    monkeypatch.setattr(run, "run_stage", stage)
    dataset = run.Dataset("synthetic-10k", Path("."), 10_000, 10_000)

    run.run_dataset(dataset, ["imtkg"], ["publish"], 600, print)

    assert dataset.results["imtkg"]["publish"].status == "skipped"
    assert dataset.results["imtkg"]["publish"].note == "not run: validate did not finish"


def test_the_growth_table_also_spans_the_whole_range_of_three_sizes():
    run = _runner()
    sizes = [10_000, 100_000, 1_000_000]
    datasets = [run.Dataset(f"synthetic-{n // 1000}k", Path("."), n, n, n) for n in sizes]
    for dataset, seconds in zip(datasets, (1.0, 10.0, 200.0), strict=True):
        dataset.results["imtkg"]["reason"] = run.Result(seconds, 50.0, {"triples": dataset.triples})

    growth = "\n".join(run.growth_table(datasets, ["imtkg"], 600))

    header = "| stage | imtkg 10k→100k | imtkg 100k→1000k | imtkg 10k→1000k |"
    assert header in growth
    assert "| reasoning (OWL 2 RL) | 1.00 | 1.30 | 1.15 | — | — | — |" in growth


def test_the_runner_measures_both_pipelines_end_to_end(tmp_path: Path):
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            "--sizes",
            "5k",
            "--no-catalogue",
            "--cap",
            "900",
            "--work",
            str(tmp_path / "work"),
            "--json",
            str(figures),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (
        "| stage | imtkg s | imtkg peak MB | stock s | stock peak MB | stock / imtkg | answers |"
        in done.stdout
    )
    assert "load average at start" in done.stdout
    data = json.loads(figures.read_text())
    [dataset] = data["datasets"]
    imtkg, stock = dataset["results"]["imtkg"], dataset["results"]["stock"]
    views = sorted(s for s in imtkg if s.startswith("view:"))
    assert len(views) == len(list((ROOT / "queries" / "views").glob("*.rq")))
    expected_imtkg = {"load", "ingest", "reason", "validate", "publish", "build", *views}
    assert set(imtkg) == expected_imtkg
    assert set(stock) == {"load", "reason", "validate", *views}
    for results in (imtkg, stock):
        for step, result in results.items():
            assert result["status"] == "ok", (step, result)
            assert result["seconds"] >= 0 and result["peak_mb"] > 0
    # Every imtkg view takes milliseconds at 5k: it was run five times, its median kept.
    assert {imtkg[v]["runs"] for v in views} == {5}
    assert {imtkg[s]["runs"] for s in ("load", "reason", "validate")} == {1}
    manifest = json.loads(
        (
            tmp_path / "work" / "synthetic-5k" / "project" / "data" / "synthetic" / "manifest.json"
        ).read_text()
    )
    assert imtkg["validate"]["answer"]["results"] == len(manifest["planted"])
    for step in ["validate", *views]:
        assert imtkg[step]["answer"]["digest"] == stock[step]["answer"]["digest"], step
    assert f"same: {len(manifest['planted'])} results" in done.stdout


def test_the_lookup_benchmark_reads_the_closed_graphs_of_a_run(tmp_path: Path):
    work = tmp_path / "work"
    done = subprocess.run(
        [sys.executable, str(RUNNER), "--sizes", "5k", "--no-catalogue", "--pipelines", "imtkg",
         "--stages", "views", "--work", str(work), "--json", str(tmp_path / "figures.json")],
        capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "figures.json").read_text())["datasets"][0]["results"]["imtkg"]
    quads = ox.parse(path=work / "synthetic-5k" / "imtkg" / "closed.nq", format=ox.RdfFormat.N_QUADS)
    items = len({q.subject for q in quads if q.predicate.value == str(IMTKG.imtGeneration)})

    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "lookups.py"), str(work), "--repeats", "1"],
        capture_output=True, text=True, timeout=300,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    [row] = [line for line in done.stdout.splitlines() if line.startswith("| synthetic-5k |")]
    assert row.startswith(f"| synthetic-5k | {results['reason']['answer']['triples']:,} | {items:,} |")


def test_the_lookup_benchmark_gives_the_growth_of_all_the_lookups():
    spec = importlib.util.spec_from_file_location("benchmark_lookups", ROOT / "benchmarks" / "lookups.py")
    lookups = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lookups)
    small = {"triples": 10_000, "items": 100, "lookup_ns": 1_000.0}
    large = {"triples": 100_000, "items": 1_000, "lookup_ns": 2_000.0}

    # Ten times the items, each lookup twice as long: twenty times the time for ten times the triples.
    assert lookups._exponent(small, large, "lookup_ns") == pytest.approx(1.301, abs=1e-3)
    assert lookups._exponent(small, large) == pytest.approx(1.0)


def test_the_lookup_benchmark_says_when_the_run_left_no_graph(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "lookups.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2
    assert "no synthetic-*/imtkg/closed.nq (run benchmarks/run.py --work there)" in done.stderr


def test_the_catalogue_benchmark_compares_the_whole_build_with_oxigraphs_load(tmp_path: Path):
    # A stand-in for the imported catalogue: an edition of a Recommendation, as N-Triples.
    catalogue = tmp_path / "catalogue.nt"
    catalogue.write_text(
        "<https://w3id.org/imtkg/id/synthetic/rec/y9001/2020> "
        "<http://purl.org/dc/terms/title> \"A synthetic title\"@en .\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "catalogue.py"), str(catalogue), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "| run | Oxigraph load s | imtkg whole build s | asserted | inferred | results |" in lines
    shipped = build_graph()
    [run] = [line for line in lines if line.startswith("| 1 |")]
    assert run.endswith(f"| {shipped.asserted + 1:,} | {shipped.inferred:,} | {len(shipped.report.results)} |")
    assert any(line.startswith("whole build / Oxigraph load: ") for line in lines)


def test_the_catalogue_benchmark_says_when_the_file_is_missing(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "catalogue.py"), str(tmp_path / "none.nt")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "none.nt: no such file (make it with `imtkg import relaton`)" in done.stderr
