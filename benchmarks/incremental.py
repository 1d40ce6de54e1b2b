"""Re-validation after a one-file change: the figures of incremental builds (docs/incremental.md).

A copy of the shipped project (with the catalogue, when given) is built once with a fresh cache;
then one data file changes and the build runs again, each run in a process of its own as the
command line runs it. Each line printed is one run: what changed, the seconds of the incremental
build call (load the state, apply the change, infer, validate, views) and of the whole process,
and what was redone. The last run is checked against a full build of the same files.

Usage: ``python benchmarks/incremental.py [--catalogue FILE.nt|TARBALL] [--work DIR]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The changes, each to one file of data/roadmap/: (name, file, old text, new text).
DATE = ('"2016-02-26"^^xsd:date', '"2016-03-01"^^xsd:date')
ACTIVITY = """
<activity/itu-t/benchmark-added-work> a imtkg:StandardizationActivity ;
    rdfs:label "An activity the benchmark adds"@en ;
    imtkg:sector <org/itu-t> ;
    imtkg:responsibleGroup <org/itu-t/sg13> ;
    imtkg:imtGeneration imt-generation:imt-2030 ;
    imtkg:targetDate "2027"^^xsd:gYear ;
    imtkg:dependsOn <activity/itu-r/imt-2030-framework> .
"""

STEP = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from imtkg import Project
from imtkg.incremental import build_incremental
project, cache = Project.at(sys.argv[1]), Path(sys.argv[2])
catalogue = Path(sys.argv[3]) if len(sys.argv) > 3 else None
t1 = time.perf_counter()
build, work = build_incremental(project, catalogue=catalogue, cache_dir=cache)
t2 = time.perf_counter()
print(json.dumps({"call_s": t2 - t1, "process_s": t2 - t0, "full": work.full,
    "changed": list(work.changed), "inference": work.inference,
    "shapes_kept": work.shapes_kept, "shapes_whole": len(work.shapes_whole),
    "shapes_focused": len(work.shapes_focused), "views_run": len(work.views_run),
    "results": len(build.report.results), "triples": build.asserted + build.inferred,
    "seconds": work.seconds}))
"""

CHECK = r"""
import json, sys
from pathlib import Path
from imtkg import Project
from imtkg.build import build_graph
from imtkg.incremental import build_incremental
project, cache = Project.at(sys.argv[1]), Path(sys.argv[2])
catalogue = Path(sys.argv[3]) if len(sys.argv) > 3 else None
full = build_graph(project, catalogue=catalogue)
kept, _ = build_incremental(project, catalogue=catalogue, cache_dir=cache)
def key(b):
    return sorted((str(r.focus), str(r.shape), str(r.severity), str(r.value)) for r in b.report.results)
same = (key(full) == key(kept) and set(full.inferred_graph) == set(kept.inferred_graph)
        and all(full.tables[n].rows == kept.tables[n].rows for n in full.tables))
print(json.dumps({"same_as_full_build": same}))
"""


def run(script: str, project: Path, cache: Path, catalogue: Path | None) -> dict:
    args = [sys.executable, "-c", script, str(project), str(cache)]
    if catalogue is not None:
        args.append(str(catalogue))
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"a run failed (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, help="the ITU catalogue (.nt or Relaton records)")
    parser.add_argument("--work", type=Path, help="where the copy and the cache go (a temporary folder)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="imtkg-incremental-"))
    project, cache = work / "project", work / "cache"
    shutil.rmtree(project, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    liaisons = project / "data" / "roadmap" / "liaisons.ttl"
    activities = project / "data" / "roadmap" / "activities.ttl"
    catalogue = args.catalogue.resolve() if args.catalogue else None
    print(f"project copy {project}; catalogue {catalogue or 'none'}")
    print(
        "| run | build call s | graph / validation / views s | process s | inference "
        "| shapes kept / whole / focused | views run | results |"
    )
    print("|---|---:|---|---:|---|---|---:|---:|")

    def step(name: str) -> None:
        r = run(STEP, project, cache, catalogue)
        stages = " / ".join(f"{r['seconds'].get(k, 0):.2f}" for k in ("graph", "validation", "views"))
        print(
            f"| {name} | {r['call_s']:.2f} | {stages} | {r['process_s']:.2f} | {r['inference']} | "
            f"{r['shapes_kept']} / {r['shapes_whole']} / {r['shapes_focused']} | {r['views_run']} | "
            f"{r['results']} |",
            flush=True,
        )

    step("first build (fills the cache)")
    step("nothing changed")
    liaisons.write_text(liaisons.read_text().replace(*DATE), encoding="utf-8")
    step("one date of a liaison changed (liaisons.ttl)")
    activities.write_text(activities.read_text() + ACTIVITY, encoding="utf-8")
    step("an activity added (activities.ttl)")
    print(f"\nthe last state against a full build: {run(CHECK, project, cache, catalogue)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
