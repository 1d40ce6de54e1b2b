"""Baselines and waivers: which findings are already known, and which are silenced until a date.

A baseline (JSON, or YAML by its suffix) lists findings by shape, constraint, focus node and value;
with ``--baseline`` only the findings not in it count for ``--fail-on``. A waiver (in a YAML or
TOML file) names a focus node and a shape, a reason and an expiry date, and silences the findings
it matches until that date has passed. See docs/validation.md.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from .errors import InputError
from .namespaces import PREFIXES
from .validation import LEVELS, Finding, Findings

FORMAT_KEY = "imtkg-baseline"
FORMAT_VERSION = 1
_ENTRY_FIELDS = ("shape", "constraint", "focus", "value", "severity", "message", "note")
_WAIVER_FIELDS = ("focus", "shape", "reason", "expires")
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*):([^/\s].*)$")

Key = tuple[str, str, str, str | None]


@dataclass(frozen=True)
class BaselineEntry:
    """A known finding: its shape, the constraint shape, the focus node and the value (if any).

    ``severity`` and ``message`` are there for the person who reads the file; ``note`` is a
    reviewer's remark, kept when the baseline is written again.
    """

    shape: str
    constraint: str
    focus: str
    value: str | None
    severity: str = ""
    message: str = ""
    note: str | None = None

    @property
    def key(self) -> Key:
        return (self.shape, self.constraint, self.focus, self.value)

    def as_dict(self) -> dict[str, str | None]:
        entry: dict[str, str | None] = {
            "shape": self.shape,
            "constraint": self.constraint,
            "focus": self.focus,
            "value": self.value,
            "severity": self.severity,
            "message": self.message,
        }
        if self.note:
            entry["note"] = self.note
        return entry


@dataclass(frozen=True)
class Baseline:
    """The entries of a baseline file."""

    path: Path
    entries: tuple[BaselineEntry, ...]

    def keys(self) -> set[Key]:
        return {e.key for e in self.entries}


@dataclass(frozen=True)
class Waiver:
    """A finding silenced until ``expires`` (inclusive): focus node and shape, with the reason."""

    focus: str
    shape: str
    reason: str
    expires: date
    entry: int

    def matches(self, finding: Finding) -> bool:
        """The same focus node, and the finding's shape or its constraint shape."""
        return self.focus == finding.focus.key and self.shape in (
            finding.shape.key,
            finding.constraint.key,
        )


def _read(path: Path, what: str) -> object:
    """The data of a JSON, YAML or TOML file (by suffix), or :class:`InputError` naming the line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file")
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None


def _expand(value: str) -> str:
    """A prefixed name with a project prefix (``imtsh:X``) as its IRI; anything else unchanged."""
    match = _PREFIXED.match(value)
    if match and match[1] in PREFIXES:
        return PREFIXES[match[1]] + match[2]
    return value


def _string(where: str, item: dict, name: str, *, optional: bool = False) -> str | None:
    value = item.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: '{name}' must be a non-empty string, not {value!r}")
    return value


def _entries(path: Path, data: object, key: str, what: str) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise InputError(f"{path}: expected a mapping with a '{key}' list of {what}")
    items = data[key]
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{path}: {what[:-1]} {number}: expected a mapping, not {item!r}")
    return items


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file written by ``--write-baseline`` (JSON, or YAML by its suffix).

    Raises :class:`InputError` naming the file and the entry when it cannot be used.
    """
    path = Path(path)
    data = _read(path, "baseline")
    if isinstance(data, dict) and data.get(FORMAT_KEY, FORMAT_VERSION) != FORMAT_VERSION:
        raise InputError(f"{path}: '{FORMAT_KEY}' must be {FORMAT_VERSION}, not {data[FORMAT_KEY]!r}")
    entries = []
    for number, item in enumerate(_entries(path, data, "findings", "entries"), start=1):
        where = f"{path}: entry {number}"
        unknown = sorted(set(item) - set(_ENTRY_FIELDS))
        if unknown:
            raise InputError(
                f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(_ENTRY_FIELDS)})"
            )
        shape = _expand(_string(where, item, "shape"))
        if item.get("severity") not in (None, "", *LEVELS):
            raise InputError(f"{where}: 'severity' must be one of {', '.join(LEVELS)}")
        entries.append(
            BaselineEntry(
                shape=shape,
                constraint=_expand(_string(where, item, "constraint", optional=True) or shape),
                focus=_expand(_string(where, item, "focus")),
                value=_string(where, item, "value", optional=True),
                severity=item.get("severity") or "",
                message=_string(where, item, "message", optional=True) or "",
                note=_string(where, item, "note", optional=True),
            )
        )
    return Baseline(path, tuple(entries))


def _sort_key(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.shape, entry.constraint, entry.focus, entry.value or "")


def baseline_text(findings: Findings, path: Path, previous: Baseline | None = None) -> str:
    """The baseline of ``findings``, sorted, as JSON (YAML when ``path`` ends in .yaml or .yml).

    Notes of ``previous`` entries that still occur are kept.
    """
    notes = {e.key: e.note for e in previous.entries if e.note} if previous else {}
    entries = {}
    for f in findings.findings:
        entries.setdefault(
            f.key,
            BaselineEntry(*f.key, severity=f.severity, message=f.message, note=notes.get(f.key)),
        )
    document = {
        FORMAT_KEY: FORMAT_VERSION,
        "findings": [e.as_dict() for e in sorted(entries.values(), key=_sort_key)],
    }
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """Read a waivers file: YAML (``waivers:`` list) or TOML (``[[waivers]]`` tables).

    Each waiver has ``focus`` (an IRI), ``shape`` (an IRI or a prefixed name such as
    ``imtsh:X``), ``reason`` and ``expires`` (a date, YYYY-MM-DD). Raises :class:`InputError`
    naming the file and the waiver when one cannot be used.
    """
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml", ".toml"):
        raise InputError(f"{path}: a waivers file is YAML (.yaml, .yml) or TOML (.toml)")
    waivers = []
    for number, item in enumerate(_entries(path, _read(path, "waivers"), "waivers", "waivers"), start=1):
        where = f"{path}: waiver {number}"
        unknown = sorted(set(item) - set(_WAIVER_FIELDS))
        if unknown:
            raise InputError(
                f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(_WAIVER_FIELDS)})"
            )
        expires = item.get("expires")
        if isinstance(expires, str):
            with contextlib.suppress(ValueError):
                expires = date.fromisoformat(expires)
        if type(expires) is not date:
            raise InputError(f"{where}: 'expires' must be a date (YYYY-MM-DD), not {expires!r}")
        waivers.append(
            Waiver(
                focus=_expand(_string(where, item, "focus")),
                shape=_expand(_string(where, item, "shape")),
                reason=_string(where, item, "reason"),
                expires=expires,
                entry=number,
            )
        )
    return tuple(waivers)


def triage(
    findings: Findings,
    fail_on: str = "violation",
    baseline: Baseline | None = None,
    waivers: tuple[Waiver, ...] = (),
    waivers_file: Path | None = None,
) -> Findings:
    """Mark each finding new, known (in ``baseline``), waived or expired, as of ``findings.as_of``.

    A finding matched by a waiver is ``waived`` up to and including the expiry date and
    ``expired`` after it (then it counts again, even if the baseline has it). Baseline entries no
    longer found are returned as ``fixed``; waivers that match nothing as ``unused_waivers``.
    """
    if fail_on not in LEVELS:
        raise InputError(f"--fail-on must be one of {', '.join(LEVELS)}, not {fail_on!r}")
    known = baseline.keys() if baseline else set()
    used: set[Waiver] = set()
    marked = []
    for finding in findings.findings:
        matching = [w for w in waivers if w.matches(finding)]
        waiver = max(matching, key=lambda w: (w.expires, -w.entry)) if matching else None
        if waiver is not None:
            used.update(matching)
            status = "waived" if findings.as_of <= waiver.expires else "expired"
        else:
            status = "known" if finding.key in known else "new"
        marked.append(replace(finding, status=status, waiver=waiver))
    current = {f.key for f in findings.findings}
    fixed = (
        tuple(sorted((e for e in baseline.entries if e.key not in current), key=_sort_key))
        if baseline
        else ()
    )
    return replace(
        findings,
        findings=tuple(marked),
        fail_on=fail_on,
        baseline=str(baseline.path) if baseline else None,
        waivers=str(waivers_file) if waivers_file else None,
        fixed=fixed,
        unused_waivers=tuple(w for w in waivers if w not in used),
    )
