"""Where the project's ontology, data, shapes and queries live.

A checkout (or an editable install) reads them from the repository root; a wheel carries a copy
under ``imtkg/_project``. ``Project(root)`` points at any folder with the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

_PACKAGE_DIR = Path(__file__).resolve().parent
_LAYOUT = ("ontology", "data", "shapes", "queries")


def _default_root() -> Path:
    checkout = _PACKAGE_DIR.parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology").is_dir():
        return checkout
    return _PACKAGE_DIR / "_project"


@dataclass(frozen=True)
class Project:
    """A project folder: ``ontology/``, ``data/`` (with ``data/sources/``), ``shapes/``, ``queries/``."""

    root: Path

    @classmethod
    def default(cls) -> Project:
        """The project shipped with imtkg."""
        return cls(_default_root())

    @classmethod
    def at(cls, root: Path | str) -> Project:
        """A project at ``root``; raises :class:`InputError` when a folder of the layout is missing."""
        root = Path(root)
        missing = [name for name in _LAYOUT if not (root / name).is_dir()]
        if missing:
            raise InputError(f"{root}: not an imtkg project (missing {', '.join(missing)}/)")
        return cls(root)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def clause_kinds_file(self) -> Path:
        return self.ontology_dir / "vocab" / "clause-kind.ttl"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.rglob("*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(p for p in self.data_dir.rglob("*.ttl") if self.sources_dir not in p.parents)

    def shape_files(self) -> list[Path]:
        """The shapes of the data: integrity (``integrity-*.ttl``) and obligations (the rest)."""
        return sorted(p for p in self.shapes_dir.rglob("*.ttl") if not p.name.startswith("meta-"))

    def integrity_shape_files(self) -> list[Path]:
        """The shapes a build must conform to: the graph is well formed."""
        return sorted(self.shapes_dir.rglob("integrity-*.ttl"))

    def meta_shape_files(self) -> list[Path]:
        """The shapes of the ontology and of the shapes themselves (``meta-*.ttl``)."""
        return sorted(self.shapes_dir.rglob("meta-*.ttl"))

    def source_texts(self) -> list[Path]:
        return sorted(self.sources_dir.glob("*.txt"))

    def query_files(self) -> list[Path]:
        return sorted(self.queries_dir.rglob("*.rq"))
