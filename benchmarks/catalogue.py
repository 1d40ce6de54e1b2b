"""The whole build of the ITU catalogue against the time Oxigraph needs just to load its triples.

Given the catalogue as the N-Triples file ``imtkg import relaton`` writes, each run is a fresh
process, as ``imtkg build --no-cache --catalogue FILE`` runs: the time of the ``build_graph``
call (load, ingestion, inference, validation and every query, with the fast engine and no
cache), and, in turns with it, the time of ``pyoxigraph.Store().load`` of the same file alone.
Prints each run and the medians, and the ratio of the medians (issue 7's goal: at most 10×).

Usage: ``python benchmarks/catalogue.py CATALOGUE.nt [--runs 3]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BUILD = r"""
import json, sys, time
from pathlib import Path
from imtkg.build import build_graph
started = time.perf_counter()
build = build_graph(catalogue=Path(sys.argv[1]))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "asserted": build.asserted, "inferred": build.inferred,
                  "results": len(build.report.results)}))
"""

LOAD = r"""
import json, sys, time
import pyoxigraph as ox
store = ox.Store()
started = time.perf_counter()
store.load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "triples": len(store)}))
"""


def run(script: str, catalogue: Path) -> dict:
    """Run ``script`` in a fresh interpreter on ``catalogue``; its JSON line."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(catalogue)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"a run failed (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue", type=Path, help="the catalogue as N-Triples (imtkg import relaton)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args(argv)
    if not args.catalogue.is_file():
        parser.error(f"{args.catalogue}: no such file (make it with `imtkg import relaton`)")
    print(f"catalogue {args.catalogue.resolve()}; load average {os.getloadavg()[0]:.2f}")
    print("| run | Oxigraph load s | imtkg whole build s | asserted | inferred | results |")
    print("|---|---:|---:|---:|---:|---:|")
    loads, builds = [], []
    for number in range(1, args.runs + 1):
        load, build = run(LOAD, args.catalogue), run(BUILD, args.catalogue)
        loads.append(load["seconds"])
        builds.append(build["seconds"])
        print(
            f"| {number} | {load['seconds']:.3f} | {build['seconds']:.2f} | {build['asserted']:,} "
            f"| {build['inferred']:,} | {build['results']} |",
            flush=True,
        )
    load, build = statistics.median(loads), statistics.median(builds)
    print(f"| median | {load:.3f} | {build:.2f} | | | |")
    print(f"\nwhole build / Oxigraph load: {build / load:.1f}× (medians of {args.runs} runs)")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
