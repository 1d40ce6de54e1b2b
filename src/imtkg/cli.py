"""Command line: a thin layer over the Python API. Exit codes: 0 ok, 1 does not conform, 2 bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import build_graph, write_dist
from .catalogue import count_records, import_relaton, ref_of
from .diff import diff_releases
from .endpoint import run_remote
from .errors import ImtkgError
from .formats import FORMATS as TABLE_FORMATS
from .formats import render
from .ingest import ingest_resolution
from .output import FORMATS, serialize, write_text_atomic
from .project import Project
from .queries import load_catalogue, run_query
from .tables import import_table

EXIT_OK, EXIT_NONCONFORMING, EXIT_BAD_INPUT = 0, 1, 2


def _project(root: Path | None) -> Project:
    return Project.at(root) if root is not None else Project.default()


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the RDF here instead of standard output.",
)
rdf_format_option = click.option(
    "-f", "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="turtle", show_default=True
)
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
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, exists=True),
    help="Add the ITU catalogue: an imported file (.nt, .ttl) or Relaton records (folder or tarball).",
)
def build(project_root: Path | None, out: Path, catalogue: Path | None) -> None:
    """Build the graph: ingest, infer (OWL 2 RL), validate (SHACL), run the queries, write OUT."""
    result = build_graph(_project(project_root), catalogue=catalogue)
    write_dist(result, out)
    s = result.summary()
    click.echo(
        f"{s['triples']} triples ({s['asserted']} asserted, {s['inferred']} inferred); "
        f"{s['resolutions']} resolutions, {s['clauses']} clauses, {s['obligations']} obligations, "
        f"{s['editions']} editions"
    )
    verdict = "conforms" if s["conforms"] else "does NOT conform"
    click.echo(f"validation: {verdict} ({s['violations']} violations, {s['warnings']} warnings)")
    click.echo(f"written to {out}/")
    if not s["conforms"]:
        click.get_current_context().exit(EXIT_NONCONFORMING)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@project_option
@output_option
@rdf_format_option
def ingest(source: Path, project_root: Path | None, output: Path | None, fmt: str) -> None:
    """Turn the plain text of an ITU resolution (SOURCE) into clause-level RDF."""
    text = serialize(ingest_resolution(source, _project(project_root)), fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(output, text)


@cli.group(name="import")
def import_() -> None:
    """Import the ITU catalogue or roadmap spreadsheets into RDF."""


@import_.command(name="relaton")
@click.argument("path", type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("catalogue.nt"),
    show_default=True,
    help="Where to write the RDF.",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="nt", show_default=True
)
@click.option(
    "--ref",
    help="The relaton-data-itu commit the records come from (default: read "
    "from a snapshot's name, else 'main').",
)
def import_relaton_command(path: Path, output: Path, fmt: str, ref: str | None) -> None:
    """Import Relaton YAML records of the ITU catalogue (PATH: a folder, clone or tarball)."""
    total = count_records(path)
    with click.progressbar(length=total, label="records", file=sys.stderr) as bar:
        result = import_relaton(path, ref=ref or ref_of(path), progress=bar.update)
    write_text_atomic(output, serialize(result.graph, fmt))
    click.echo(
        f"{result.editions} editions imported from {result.records} records "
        f"({result.imt_editions} on IMT); {len(result.skipped)} skipped; "
        f"written to {output}",
        err=True,
    )
    for error in result.skipped:
        click.echo(f"  skipped {error}", err=True)


@import_.command(name="table")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@rdf_format_option
@click.option(
    "--skip-bad-rows",
    is_flag=True,
    help="Import the good rows of a file with bad rows (which are listed).",
)
@project_option
def import_table_command(
    path: Path, output: Path | None, fmt: str, skip_bad_rows: bool, project_root: Path | None
) -> None:
    """Import a roadmap spreadsheet (CSV or XLSX; columns in docs/tables.md)."""
    result = import_table(path, skip_bad_rows=skip_bad_rows, project=_project(project_root))
    text = serialize(result.graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(output, text)
    click.echo(f"{result.rows_imported} of {result.rows_read} rows imported", err=True)
    for error in result.skipped:
        click.echo(f"  skipped {error}", err=True)


def _parameters(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        values[name.strip()] = value
    return values


def _run_view(
    name: str,
    params: tuple[str, ...],
    endpoint: str | None,
    fmt: str,
    project_root: Path | None,
    timeout: float,
    catalogue_path: Path | None,
) -> None:
    project = _project(project_root)
    catalogue = load_catalogue(project.queries_dir)
    if name not in catalogue:
        raise click.BadParameter(
            f"no query {name!r}; `imtkg query --list` lists them", param_hint="NAME"
        )
    query, values = catalogue[name], _parameters(params)
    if endpoint:
        if catalogue_path is not None:
            raise click.UsageError("--catalogue builds the embedded store; it cannot go with --endpoint")
        table = run_remote(endpoint, query, values, timeout=timeout)
    else:
        table = run_query(build_graph(project, catalogue=catalogue_path).graph, query, values)
    click.echo(render(table, fmt), nl=False)


view_options = [
    click.option(
        "--param",
        "params",
        multiple=True,
        metavar="KEY=VALUE",
        help="A query parameter (repeatable), bound as a typed RDF term.",
    ),
    click.option(
        "--endpoint",
        metavar="URL",
        help="Run on this SPARQL 1.1 endpoint instead of the embedded store.",
    ),
    click.option(
        "--timeout",
        type=float,
        default=30.0,
        show_default=True,
        help="Seconds to wait for the endpoint.",
    ),
    click.option(
        "--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True
    ),
    click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(path_type=Path, exists=True),
        help="Build the embedded store with the ITU catalogue (an imported .nt/.ttl file or Relaton "
        "records).",
    ),
    project_option,
]


def _with_view_options(command):
    for option in reversed(view_options):
        command = option(command)
    return command


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the queries with their parameters.")
@_with_view_options
def query(name, list_, params, endpoint, timeout, fmt, catalogue_path, project_root) -> None:
    """Run the named query NAME (e.g. views/roadmap) and print its rows."""
    if list_ or not name:
        for query_name, q in sorted(load_catalogue(_project(project_root).queries_dir).items()):
            click.echo(f"{query_name}: {q.title}")
            click.echo(f"    {q.description}")
            for p in q.parameters:
                click.echo(f"    --param {p.name}=<{p.kind}>  {p.description}")
        return
    _run_view(name, params, endpoint, fmt, project_root, timeout, catalogue_path)


@cli.command()
@_with_view_options
def roadmap(params, endpoint, timeout, fmt, catalogue_path, project_root) -> None:
    """The IMT roadmap (ITU-T unless --param sector=… says otherwise): views/roadmap."""
    values = dict(p.partition("=")[::2] for p in params)
    if "sector" not in values:
        params = (*params, "sector=https://w3id.org/imtkg/id/org/itu-t")
    _run_view("views/roadmap", params, endpoint, fmt, project_root, timeout, catalogue_path)


@cli.command()
@_with_view_options
def harmonization(params, endpoint, timeout, fmt, catalogue_path, project_root) -> None:
    """The harmonization matrix, IMT generation by Sector: views/harmonization-matrix."""
    _run_view("views/harmonization-matrix", params, endpoint, fmt, project_root, timeout, catalogue_path)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "table", "csv"]),
    default="markdown",
    show_default=True,
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed in the roadmap between two releases (builds, RDF files or spreadsheets)."""
    changes = diff_releases(old, new)
    if fmt == "markdown":
        click.echo(changes.to_markdown(), nl=False)
    else:
        click.echo(render(changes.as_table(), fmt), nl=False)


def main() -> None:
    """Console entry point."""
    cli(prog_name="imtkg")
