"""The build cache: fingerprints of input files, and the triples made from them, kept on disk.

Every input of a build (an ontology, data, source text, shapes or query file, the catalogue as a
tarball, a folder or an RDF file) is known by its *fingerprint*: the SHA-256 of its bytes, or for
a folder of the relative paths and SHA-256 of all its files. What is slow to make from an input,
the Relaton import of the catalogue (over a minute for the whole ITU catalogue) and the ingestion
of a resolution text, is kept as N-Triples under the cache folder, keyed by the fingerprints it
depends on and by the imtkg version and a digest of its code (what other code made is never
read).

An entry is one file written atomically (a temporary file, then a rename), whose first line
carries the SHA-256 and the triple count of the N-Triples after it. An entry whose first line or
checksum does not match is deleted and made again, never used: a crash, a full disk or a hand
edit cannot make a build read wrong triples.

The cache folder is ``IMTKG_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/imtkg`` (``~/.cache/imtkg``),
with one sub-folder per project root (:func:`default_cache_dir`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import __version__, oxstore
from .errors import InputError, SourceError

#: The environment variable that moves the cache (the folder that holds one folder per project).
CACHE_VARIABLE = "IMTKG_CACHE_DIR"

_HEADER = re.compile(rb"# imtkg-cache sha256=([0-9a-f]{64}) triples=([0-9]+)\n")
_CHUNK = 1 << 20


@lru_cache(maxsize=1)
def code_version() -> str:
    """This imtkg's version and a digest of its code: what one imtkg cached, another does not read
    (a changed rule or shape compiler would otherwise reuse stale results)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


def default_cache_dir(project_root: Path) -> Path:
    """The cache folder of the project at ``project_root``.

    ``$IMTKG_CACHE_DIR/<key>``, else ``$XDG_CACHE_HOME/imtkg/<key>``, else
    ``~/.cache/imtkg/<key>``; ``<key>`` is the first 16 hex digits of the SHA-256 of the project
    root's resolved path, so two checkouts never share a cache.

    >>> len(default_cache_dir(Path("/tmp/project")).name)
    16
    """
    key = hashlib.sha256(str(Path(project_root).resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_base() / key


def cache_base() -> Path:
    """The folder of every imtkg cache: ``$IMTKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/imtkg``, else
    ``~/.cache/imtkg``."""
    configured = os.environ.get(CACHE_VARIABLE, "").strip()
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "imtkg"


def file_digest(path: Path) -> str:
    """The SHA-256 of the bytes of the file ``path`` (hex)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(path: Path) -> str:
    """The fingerprint of a file (SHA-256 of its bytes) or a folder (of its files' paths and
    SHA-256, in path order). Raises :class:`SourceError` when ``path`` does not exist."""
    path = Path(path)
    if path.is_file():
        return file_digest(path)
    if not path.is_dir():
        raise SourceError(path, "no such file or folder")
    digest = hashlib.sha256()
    for child in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(child.relative_to(path).as_posix().encode("utf-8") + b"\0")
        digest.update(file_digest(child).encode("ascii") + b"\n")
    return digest.hexdigest()


def combined(parts: list[str]) -> str:
    """One fingerprint of several (a key made of the fingerprints an entry depends on)."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """What a :class:`Cache` did: entries read, entries made, corrupt entries thrown away."""

    hits: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)


@dataclass
class Cache:
    """N-Triples entries under ``root``, by kind and key, for this imtkg version."""

    root: Path
    stats: CacheStats = field(default_factory=CacheStats)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"{self.root}: the cache must be a folder")

    def entry(self, kind: str, key: str) -> Path:
        """The file of the entry ``key`` of ``kind`` (``catalogue``, ``ingested``…)."""
        if not re.fullmatch(r"[a-z-]+", kind) or not re.fullmatch(r"[0-9a-f]{16,64}", key):
            raise ValueError(f"not a cache kind and key: {kind!r}, {key!r}")
        return self.root / f"v{code_version()}" / kind / f"{key}.nt"

    def get(self, kind: str, key: str) -> bytes | None:
        """The N-Triples of an entry, or ``None`` when there is none or it is corrupt (then deleted)."""
        path = self.entry(kind, key)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        header = _HEADER.match(content)
        body = content[header.end() :] if header else b""
        if header is None or hashlib.sha256(body).hexdigest() != header[1].decode("ascii"):
            self.stats.corrupt.append(f"{kind}/{key}")
            path.unlink(missing_ok=True)
            return None
        self.stats.hits.append(f"{kind}/{key}")
        return body

    def put(self, kind: str, key: str, ntriples: bytes) -> None:
        """Write an entry atomically (temporary file, then rename)."""
        path = self.entry(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        count = ntriples.count(b"\n")
        header = f"# imtkg-cache sha256={hashlib.sha256(ntriples).hexdigest()} triples={count}\n"
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(header.encode("ascii") + ntriples)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        self.stats.made.append(f"{kind}/{key}")

    def triples(self, kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        """The N-Triples of an entry, made with ``make`` and written when missing or corrupt."""
        found = self.get(kind, key)
        if found is not None:
            return found
        made = make()
        self.put(kind, key, made)
        return made


def ntriples_of_store(store: ox.Store) -> bytes:
    """The default graph of ``store`` as N-Triples, one triple per line, sorted (deterministic)."""
    lines = oxstore.ntriples(store).splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)


def catalogue_key(path: Path) -> str:
    """The key of the catalogue at ``path``: its fingerprint, its name (the commit it carries)."""
    path = Path(path)
    return combined(["catalogue", path.name, fingerprint(path)])


def catalogue_ntriples(cache: Cache, path: Path) -> bytes:
    """The catalogue at ``path`` as N-Triples: an RDF file parsed, Relaton records imported (once
    per fingerprint; later runs read the cache)."""
    from .catalogue import import_relaton, ref_of

    path = Path(path)

    def make() -> bytes:
        store = ox.Store()
        if path.is_file() and path.suffix in (".nt", ".ttl"):
            oxstore.load_file(store, path)
        else:
            oxstore.add_graph(store, import_relaton(path, ref=ref_of(path)).graph)
        return ntriples_of_store(store)

    return cache.triples("catalogue", catalogue_key(path), make)


def ingested_key(source: Path, ontology_fingerprint: str) -> str:
    """The key of an ingested resolution text: the text's and the ontology's fingerprints (the
    clause kinds and gazetteers that reading the text uses are ontology files)."""
    return combined(["ingested", fingerprint(source), ontology_fingerprint])


def ingested_ntriples(cache: Cache, source: Path, project, ontology_fingerprint: str) -> bytes:
    """The resolution text ``source`` ingested (:func:`imtkg.ingest.ingest_resolution`), as N-Triples."""
    from .ingest import ingest_resolution

    def make() -> bytes:
        store = ox.Store()
        oxstore.add_graph(store, ingest_resolution(source, project))
        return ntriples_of_store(store)

    return cache.triples("ingested", ingested_key(source, ontology_fingerprint), make)
