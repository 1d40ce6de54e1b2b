"""The floor under the views' growth: the cost of one lookup in Oxigraph's in-memory store, by size.

Given the work folder of a ``benchmarks/run.py`` run, loads each synthetic dataset's closed graph
(``imtkg/closed.nq``, what the views stage queries) into a fresh ``pyoxigraph.Store`` (with
``Store.load``, in one thread: the layout that ``bulk_load``'s threads leave varies from one process
to the next, and with it one lookup at 100k from 0.9 to 1.7 µs) and times two
SPARQL counts over the IMT items (the subjects of ``imtkg:imtGeneration``): a scan of the property,
and the same scan with one lookup per item (its ``dct:source``). The difference, per item, is what
one lookup of a subject's property costs inside Oxigraph's evaluator — the step every view repeats
for each row. An item has the same number of quads at every size, so a cost per lookup that grows
with the graph is the store's (its memory), not a query's; the growth exponents say how fast.

Usage: ``python benchmarks/lookups.py WORK [--repeats 5]`` (WORK: ``run.py --work``, after its views
stage). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import timeit
from pathlib import Path

import pyoxigraph as ox

PREFIXES = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX imtkg: <https://w3id.org/imtkg/ontology#>
"""
SCAN = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?item imtkg:imtGeneration ?generation }"
LOOKUP = PREFIXES + (
    "SELECT (COUNT(*) AS ?n) WHERE { ?item imtkg:imtGeneration ?generation ; dct:source ?source }"
)
DEGREE = PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT DISTINCT ?item WHERE { ?item imtkg:imtGeneration ?generation } }
  ?item ?p ?o
}"""


def count(store: ox.Store, query: str) -> int:
    (solution,) = store.query(query)
    return int(solution["n"].value)


def seconds(store: ox.Store, query: str, repeats: int) -> float:
    """The time of one count: the best of ``repeats`` rounds, each of as many counts as take at
    least 0.2 s (``timeit``'s autorange), divided by their number."""
    timer = timeit.Timer(lambda: count(store, query))
    number, _ = timer.autorange()
    return min(timer.repeat(repeats, number)) / number


def measure(closed: Path, repeats: int) -> dict:
    """The figures of one dataset's closed graph."""
    store = ox.Store()
    store.load(path=str(closed), format=ox.RdfFormat.N_QUADS)
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    rows, with_source = count(store, SCAN), count(store, LOOKUP)
    if not rows or rows != with_source:
        raise SystemExit(f"{closed}: {rows} IMT items, {with_source} with a source: not synthetic")
    scan, lookup = seconds(store, SCAN, repeats), seconds(store, LOOKUP, repeats)
    return {
        "triples": triples,
        "items": rows,
        "degree": count(store, DEGREE) / rows,
        "scan_ns": scan / rows * 1e9,
        "lookup_ns": (lookup - scan) / rows * 1e9,
    }


def _exponent(a: dict, b: dict, per_item: str | None = None) -> float:
    """The k of (items × ns per item, or items alone) ∝ triples^k from ``a`` to ``b``."""
    first = a["items"] * (a[per_item] if per_item else 1)
    second = b["items"] * (b[per_item] if per_item else 1)
    return math.log(second / first) / math.log(b["triples"] / a["triples"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="the work folder of a benchmarks/run.py run")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of each count (best kept)")
    args = parser.parse_args(argv)
    closed = sorted(args.work.glob("synthetic-*/imtkg/closed.nq"))
    if not closed:
        parser.error(f"{args.work}: no synthetic-*/imtkg/closed.nq (run benchmarks/run.py --work there)")
    figures = []
    for path in closed:
        print(f"{path.parents[1].name} ...", file=sys.stderr, flush=True)
        figures.append({"name": path.parents[1].name, **measure(path, args.repeats)})
    figures.sort(key=lambda f: f["triples"])
    print("| graph | triples (closed) | IMT items | triples per item | scan ns/item | lookup ns/item |")
    print("|---|---:|---:|---:|---:|---:|")
    for f in figures:
        print(
            f"| {f['name']} | {f['triples']:,} | {f['items']:,} | {f['degree']:.1f} "
            f"| {f['scan_ns']:.0f} | {f['lookup_ns']:.0f} |"
        )
    for a, b in zip(figures, figures[1:], strict=False):
        print(
            f"\n{a['name']}→{b['name']}: one lookup {a['lookup_ns']:.0f} → {b['lookup_ns']:.0f} ns; "
            f"time of all lookups ∝ n^{_exponent(a, b, 'lookup_ns'):.2f}, "
            f"of the scan ∝ n^{_exponent(a, b, 'scan_ns'):.2f}, items ∝ n^{_exponent(a, b):.2f}"
        )
    print("\n" + json.dumps(figures), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
