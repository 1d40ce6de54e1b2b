"""Deterministic serializations and atomic writes (a failed build leaves the old output intact)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .graph import new_graph

FORMATS = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld"}


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels and triples added in sorted order."""
    copy = new_graph()
    for triple in sorted(to_canonical_graph(graph), key=lambda t: tuple(x.n3() for x in t)):
        copy.add(triple)
    return copy


def _sorted_jsonld(value, ordered: bool = False):
    """``value`` with keys and unordered arrays sorted; an ``@list`` array keeps its order."""
    if isinstance(value, dict):
        return {k: _sorted_jsonld(v, ordered=k == "@list") for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sorted_jsonld(v) for v in value]
    if isinstance(value, list):
        items = [_sorted_jsonld(v) for v in value]
        if all(not (isinstance(v, dict) and "@list" in v) for v in items):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def serialize(graph: Graph, fmt: str) -> str:
    """``graph`` as text in ``fmt`` (turtle, nt or json-ld), byte-identical for equal graphs."""
    graph = canonical(graph)
    if fmt == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(line for line in lines if line.strip())) + "\n"
    if fmt == "json-ld":
        document = json.loads(graph.serialize(format="json-ld", auto_compact=True))
        return json.dumps(_sorted_jsonld(document), indent=2, ensure_ascii=False) + "\n"
    text = graph.serialize(format=fmt)
    return text if text.endswith("\n") else text + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    The file gets the mode a plain ``open`` would give it (0666 less the umask). A path that is a
    device or a pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written into, never replaced.
    """
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_directory(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a fresh directory with ``fill`` and swap it in for ``target`` only when that succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        staging.chmod(0o777 & ~_umask())
        fill(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old")
        shutil.rmtree(backup, ignore_errors=True)
        os.replace(target, backup)
    os.replace(staging, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
