"""Command line: a thin layer over the Python API. Exit codes: 0 ok, 1 does not conform, 2 bad input."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .build import build_graph, write_dist
from .errors import ImtkgError
from .ingest import ingest_resolution
from .output import FORMATS, serialize, write_text_atomic
from .project import Project

EXIT_OK, EXIT_NONCONFORMING, EXIT_BAD_INPUT = 0, 1, 2


def _project(root: Path | None) -> Project:
    return Project.at(root) if root is not None else Project.default()


project_option = click.option(
    "--project",
    "project_root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Project folder with ontology/, data/, shapes/ and queries/ (default: the shipped one).",
)


class _Group(click.Group):
    """Turns imtkg's errors into a message on standard error and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImtkgError as exc:
            click.echo(f"imtkg: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="imtkg")
def cli() -> None:
    """A knowledge graph of ITU standardization on IMT, around WTSA Resolution 38."""


@cli.command()
@project_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
    help="Folder to write the build to (replaced whole).",
)
def build(project_root: Path | None, out: Path) -> None:
    """Build the graph: ingest, infer (OWL 2 RL), validate (SHACL), run the queries, write OUT."""
    result = build_graph(_project(project_root))
    write_dist(result, out)
    s = result.summary()
    click.echo(
        f"{s['triples']} triples ({s['asserted']} asserted, {s['inferred']} inferred); "
        f"{s['resolutions']} resolutions, {s['clauses']} clauses, {s['obligations']} obligations"
    )
    verdict = "conforms" if s["conforms"] else "does NOT conform"
    click.echo(f"validation: {verdict} ({s['violations']} violations, {s['warnings']} warnings)")
    click.echo(f"written to {out}/")
    if not s["conforms"]:
        click.get_current_context().exit(EXIT_NONCONFORMING)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@project_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the RDF here instead of standard output.",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="turtle", show_default=True
)
def ingest(source: Path, project_root: Path | None, output: Path | None, fmt: str) -> None:
    """Turn the plain text of an ITU resolution (SOURCE) into clause-level RDF."""
    text = serialize(ingest_resolution(source, _project(project_root)), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(output, text)


def main() -> None:
    """Console entry point."""
    cli(prog_name="imtkg")
