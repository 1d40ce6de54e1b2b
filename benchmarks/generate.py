"""Write a synthetic imtkg project of a given size: invented data for benchmarks, not ITU facts.

    python benchmarks/generate.py --size 100k --seed 1 --out /tmp/imtkg-synthetic-100k
    imtkg build --project /tmp/imtkg-synthetic-100k --out /tmp/dist

The folder holds the shipped ontology, shapes and queries, the real skeleton (``data/itu/`` and
the text of Resolution 38) and ``data/synthetic/graph.ttl`` with its manifest,
``data/synthetic/manifest.json`` (the counts and the planted obligation findings). See
``imtkg.synthetic``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10k", help="asserted triples of the build: 10k, 100k, 1M, …")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-shape", type=int, default=3, help="planted findings per obligation shape")
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write (replaced)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # a checkout, not installed
    from imtkg.errors import ImtkgError
    from imtkg.synthetic import parse_size, write_project

    try:
        path = write_project(args.out, parse_size(args.size), args.seed, per_shape=args.per_shape)
    except ImtkgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    manifest = json.loads(path.read_text())
    triples = manifest["triples"]
    print(
        f"{args.out}: {triples['asserted']:,} asserted triples ({triples['synthetic']:,} synthetic), "
        f"{len(manifest['planted'])} planted findings; manifest {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
