"""What changed in the roadmap between two releases: items added, removed, and fields changed.

A side of the comparison is a build folder (``dist/``, read from its ``graph.nt``), an RDF file
(``.nt``, ``.ttl``) or a roadmap spreadsheet (``.csv``, ``.xlsx``, read with
:func:`imtkg.tables.import_table`). The items compared are those of
:func:`imtkg.pictures.roadmap_items` — activities, and catalogue editions with an IMT generation —
matched by IRI. The fields compared are :data:`imtkg.pictures.FIELDS`: status, the start, target,
approval, end and issued dates, responsible group, deliverable and IMT generation. A field with
several values is compared as the sorted list of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .errors import InputError
from .graph import parse_rdf
from .namespaces import ID, VOCAB
from .pictures import FIELDS, Item, roadmap_items
from .queries import Table

__all__ = ["COLUMNS", "Change", "Changes", "diff_graphs", "diff_releases", "load_release"]

_RDF_SUFFIXES = (".nt", ".ttl")
_TABLE_SUFFIXES = (".csv", ".xlsx")
_BUILD_FILE = "graph.nt"
COLUMNS = ("change", "item", "label", "field", "old", "new")
"""The columns of :meth:`Changes.as_table`."""


@dataclass(frozen=True)
class Change:
    """A field of an item whose value differs: IRIs and lexical forms, ``;``-joined, ``""`` if none."""

    item: str
    field: str
    old: str
    new: str
    label: str


@dataclass(frozen=True)
class Changes:
    """The difference between two releases; every list is sorted (by IRI, then field order)."""

    old: Path
    new: Path
    added: tuple[Item, ...]
    removed: tuple[Item, ...]
    changed: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def changed_items(self) -> int:
        return len({c.item for c in self.changed})

    def as_table(self) -> Table:
        """One row per added item, removed item and changed field (columns :data:`COLUMNS`)."""
        rows = []
        for kind, items in (("added", self.added), ("removed", self.removed)):
            for item in items:
                rows.append((Literal(kind), URIRef(item.iri), Literal(item.label), None, None, None))
        for change in self.changed:
            rows.append(
                (
                    Literal("changed"),
                    URIRef(change.item),
                    Literal(change.label),
                    Literal(change.field),
                    Literal(change.old) if change.old else None,
                    Literal(change.new) if change.new else None,
                )
            )
        return Table(COLUMNS, rows)

    def summary(self) -> str:
        """``1 added, 1 removed, 4 changed fields in 4 items`` (``no changes`` when equal)."""
        if not self:
            return "no changes"
        fields = "field" if len(self.changed) == 1 else "fields"
        items = "item" if self.changed_items == 1 else "items"
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed {fields} in {self.changed_items} {items}"
        )

    def to_markdown(self) -> str:
        """A Markdown report: a summary line, then sections Added, Removed and Changed."""
        lines = [
            f"# Roadmap changes: {_name(self.old)} → {_name(self.new)}",
            "",
            f"{self.summary().capitalize()}.",
        ]
        for title, items in (("Added", self.added), ("Removed", self.removed)):
            lines += ["", f"## {title} ({len(items)})", ""]
            if not items:
                lines.append("None.")
                continue
            lines += [
                "| item | label | group | IMT generation | status | dates |",
                "|---|---|---|---|---|---|",
            ]
            for item in items:
                dates = ", ".join(
                    f"{name} {value}"
                    for name in ("start", "target", "approval", "end", "issued")
                    for value in item.field(name)
                )
                cells = (
                    f"`{_short(item.iri)}`",
                    item.label,
                    _shown(item.field("group")),
                    _shown(item.field("generation")),
                    _shown(item.field("status")),
                    dates or "—",
                )
                lines.append(_row(cells))
        lines += ["", f"## Changed ({len(self.changed)})", ""]
        if not self.changed:
            lines.append("None.")
        else:
            lines += ["| item | label | field | old | new |", "|---|---|---|---|---|"]
            for change in self.changed:
                cells = (
                    f"`{_short(change.item)}`",
                    change.label,
                    change.field,
                    _shown(_split(change.old)),
                    _shown(_split(change.new)),
                )
                lines.append(_row(cells))
        return "\n".join(lines) + "\n"


def _name(path: Path) -> str:
    return path.name or str(path)


def _short(value: str) -> str:
    """An IRI as the design card writes it: ``id/org/itu-t/sg13``; a concept by its last segment."""
    if value.startswith(str(VOCAB)):
        return value.rsplit("/", 1)[-1]
    if value.startswith(str(ID)):
        return "id/" + value[len(str(ID)) :]
    return value


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split("; ") if v)


def _shown(values: tuple[str, ...]) -> str:
    return ", ".join(_short(v) for v in values) or "—"


def _row(cells: tuple[str, ...]) -> str:
    escaped = (" ".join(c.split()).replace("|", "\\|") for c in cells)
    return "| " + " | ".join(escaped) + " |"


def load_release(path: Path | str) -> Graph:
    """The graph of one side: a build folder, an RDF file or a roadmap spreadsheet.

    Raises :class:`InputError` for a path that does not exist, a folder without ``graph.nt`` or
    a file of another kind; :class:`imtkg.errors.SourceError` (naming the file) for one that
    cannot be read or parsed.
    """
    path = Path(path)
    if path.is_dir():
        graph_file = path / _BUILD_FILE
        if not graph_file.is_file():
            raise InputError(f"{graph_file}: no such file (expected a build folder such as dist/)")
        return parse_rdf(graph_file)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in _RDF_SUFFIXES:
        return parse_rdf(path)
    if suffix in _TABLE_SUFFIXES:
        from .tables import import_table

        return import_table(path).graph
    expected = ", ".join((*_RDF_SUFFIXES, *_TABLE_SUFFIXES))
    raise InputError(f"{path}: not a release (expected a build folder or a {expected} file)")


def _compare(old: Item, new: Item) -> list[Change]:
    changes = []
    for name in FIELDS:
        before, after = "; ".join(old.field(name)), "; ".join(new.field(name))
        if before != after:
            changes.append(Change(new.iri, name, before, after, new.label or old.label))
    return changes


def diff_graphs(old: Graph, new: Graph, old_name: Path, new_name: Path) -> Changes:
    """The changes from the roadmap items of ``old`` to those of ``new``."""
    before = {i.iri: i for i in roadmap_items(old, every_activity=True)}
    after = {i.iri: i for i in roadmap_items(new, every_activity=True)}
    added = tuple(after[iri] for iri in sorted(after.keys() - before.keys()))
    removed = tuple(before[iri] for iri in sorted(before.keys() - after.keys()))
    changed = tuple(
        change
        for iri in sorted(before.keys() & after.keys())
        for change in _compare(before[iri], after[iri])
    )
    return Changes(Path(old_name), Path(new_name), added, removed, changed)


def diff_releases(old: Path | str, new: Path | str) -> Changes:
    """Compare the roadmap items of two releases (build folders, RDF files or spreadsheets).

    >>> from imtkg import Project
    >>> example = Project.default().root / "examples" / "roadmap-example.csv"
    >>> diff_releases(example, example).summary()
    'no changes'
    """
    old, new = Path(old), Path(new)
    return diff_graphs(load_release(old), load_release(new), old, new)
