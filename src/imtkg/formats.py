"""Render a query :class:`~imtkg.queries.Table` as a text table, CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json

from .queries import Table

FORMATS = ("table", "csv", "json", "markdown")


def render(table: Table, fmt: str) -> str:
    """``table`` as text in ``fmt`` (one of :data:`FORMATS`)."""
    records = table.records()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(r.values() for r in records)
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":

        def cell(value: str) -> str:
            return value.replace("|", "\\|").replace("\n", " ")

        lines = [
            "| " + " | ".join(table.columns) + " |",
            "|" + "|".join("---" for _ in table.columns) + "|",
        ]
        lines += ["| " + " | ".join(cell(r[c]) for c in table.columns) + " |" for r in records]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        widths = {c: min(60, max([len(c)] + [len(r[c]) for r in records])) for c in table.columns}

        def line(values: dict[str, str]) -> str:
            cells = []
            for c in table.columns:
                text = values[c] if len(values[c]) <= widths[c] else values[c][: widths[c] - 1] + "…"
                cells.append(text.ljust(widths[c]))
            return "  ".join(cells).rstrip()

        header = line({c: c for c in table.columns})
        rule = "  ".join("-" * widths[c] for c in table.columns)
        body = [line(r) for r in records]
        return "\n".join([header, rule, *body, f"({len(records)} rows)"]) + "\n"
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
