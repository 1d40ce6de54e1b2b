"""Command line: a thin layer over the Python API. Exit codes: 0 ok, 1 does not conform, 2 bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .baseline import baseline_text, load_baseline, load_waivers, triage
from .build import ENGINES, build_graph, closed_store, write_dist
from .cache import default_cache_dir
from .catalogue import count_records, import_relaton, ref_of
from .diff import diff_releases
from .endpoint import run_remote
from .errors import ImtkgError
from .formats import FORMATS as TABLE_FORMATS
from .formats import render
from .ingest import ingest_resolution
from .output import FORMATS, serialize, write_text_atomic
from .project import Project
from .queries import load_catalogue, run_query_on_store
from .reports import FORMATS as REPORT_FORMATS
from .reports import render as render_report
from .reports import summary as report_summary
from .shape_settings import ValidationSettings
from .tables import import_table
from .validation import Findings, check

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
engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="fast",
    show_default=True,
    help="fast: Oxigraph, SPARQL rules, TopQuadrant SHACL; reference: rdflib, owlrl, pySHACL "
    "(the same answers; docs/performance.md).",
)


def cache_options(command):
    """``--cache DIR`` and ``--no-cache``: where incremental builds keep what they made."""
    command = click.option(
        "--no-cache",
        is_flag=True,
        help="Build everything anew; the cache is neither read nor written.",
    )(command)
    return click.option(
        "--cache",
        "cache_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of the incremental builds' cache (default: $IMTKG_CACHE_DIR, else "
        "$XDG_CACHE_HOME/imtkg, one folder per project; docs/incremental.md).",
    )(command)


def _cache(project: Project, cache_dir: Path | None, no_cache: bool, engine: str) -> Path | None:
    """The cache folder of a build: none with --no-cache or the reference engine."""
    if no_cache or engine != "fast":
        if cache_dir is not None:
            raise click.UsageError("--cache goes with the fast engine and without --no-cache")
        return None
    return cache_dir if cache_dir is not None else default_cache_dir(project.root)


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
@engine_option
@cache_options
def build(
    project_root: Path | None,
    out: Path,
    catalogue: Path | None,
    engine: str,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Build the graph: ingest, infer (OWL 2 RL), validate (SHACL), run the queries, write OUT.

    With the fast engine, a build redoes only what changed since the last one (docs/incremental.md).
    """
    project = _project(project_root)
    cache = _cache(project, cache_dir, no_cache, engine)
    result = build_graph(project, catalogue=catalogue, engine=engine, cache=cache)
    write_dist(result, out)
    s = result.summary()
    click.echo(
        f"{s['triples']} triples ({s['asserted']} asserted, {s['inferred']} inferred); "
        f"{s['resolutions']} resolutions, {s['clauses']} clauses, {s['obligations']} obligations, "
        f"{s['editions']} editions"
    )
    verdict = "conforms" if s["conforms"] else "does NOT conform"
    click.echo(f"integrity: {verdict} ({s['violations']} violations, {s['warnings']} warnings)")
    f = s["findings"]
    click.echo(
        f"obligations of Resolution 38 as of {s['as_of']}: {f['violations']} violations, "
        f"{f['warnings']} warnings, {f['infos']} infos (details: imtkg validate)"
    )
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
        table = run_query_on_store(closed_store(project, catalogue_path), query, values)
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


_DEFAULTS = ValidationSettings()


def _check_endpoint(
    project: Project, endpoint: str, graph: str | None, settings: ValidationSettings, timeout: float
) -> Findings:
    """The findings of the obligation shapes on the store; what is not checked there goes to stderr."""
    from .sparql_checks import check_endpoint

    run = check_endpoint(project, endpoint, settings, graph=graph, timeout=timeout)
    target = "the default graph" if graph is None else f"<{graph}>"

    def say(message: str) -> None:
        click.echo(f"imtkg validate: {message}", err=True)

    say(f"obligation shapes checked on {endpoint}, {target} ({run.queries} SPARQL queries)")
    if run.skipped:
        names = ", ".join(p.name for p in run.skipped)
        say(f"not checked on the endpoint: the integrity shapes ({names}); imtkg build checks them")
    for part in run.unchecked:
        say(f"not checked on the endpoint: {part.shape} ({part.reason})")
    return run.findings


@cli.command()
@project_option
@click.option(
    "--format", "fmt", type=click.Choice(list(REPORT_FORMATS)), default="text", show_default=True
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="The least severity that fails the check (exit code 1).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here (atomically) instead of standard output.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Known findings (a file written by --write-baseline): only the others count.",
)
@click.option(
    "--waivers",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Waivers (YAML or TOML): focus node, shape, reason and expiry date of silenced findings.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the current findings here as a baseline (JSON, or YAML for .yaml/.yml).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="The date ages and waivers are measured at (YYYY-MM-DD; default: today).",
)
@click.option(
    "--max-roadmap-age",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help=f"How old a roadmap edition may be (default: {_DEFAULTS.max_roadmap_age_days}).",
)
@click.option(
    "--reply-within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Days a liaison sent for action may wait for its reply "
    f"(default: {_DEFAULTS.reply_within_days}).",
)
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, exists=True),
    help="Add the ITU catalogue: an imported file (.nt, .ttl) or Relaton records (folder or tarball).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Check the graph a SPARQL 1.1 store holds (loaded by `imtkg push`) where it is, with the "
    "obligation shapes compiled to SPARQL queries (docs/scale-out.md).",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="With --endpoint: the named graph `imtkg push --graph` loaded (default: the default graph).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    metavar="S",
    help="With --endpoint: seconds to wait for each answer.",
)
@engine_option
@cache_options
def validate(
    project_root: Path | None,
    fmt: str,
    fail_on: str,
    output: Path | None,
    baseline: Path | None,
    waivers: Path | None,
    write_baseline: Path | None,
    as_of,
    max_roadmap_age: int | None,
    reply_within: int | None,
    catalogue: Path | None,
    endpoint: str | None,
    graph: str | None,
    timeout: float,
    engine: str,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Check the graph against the obligation, integrity and meta shapes; report by obligation.

    With --endpoint, the obligation shapes run as SPARQL queries on the graph a store holds, and
    the integrity shapes are not run. Exit code 0 when nothing at or above --fail-on is left after
    the baseline and the waivers, 1 when something is, 2 on bad input, usage or endpoint errors.
    """
    if endpoint is None and graph is not None:
        raise click.UsageError("--graph names a graph of the store at --endpoint; give --endpoint")
    if endpoint is not None and catalogue is not None:
        raise click.UsageError("--catalogue builds the embedded graph; it cannot go with --endpoint")
    known = load_baseline(baseline) if baseline is not None else None
    waived = load_waivers(waivers) if waivers is not None else ()
    previous = (
        load_baseline(write_baseline)
        if write_baseline is not None and write_baseline.is_file()
        else None
    )
    given = {
        "as_of": as_of.date() if as_of else None,
        "max_roadmap_age_days": max_roadmap_age,
        "reply_within_days": reply_within,
    }
    settings = ValidationSettings(**{k: v for k, v in given.items() if v is not None})
    project = _project(project_root)
    if endpoint is not None:
        findings = _check_endpoint(project, endpoint, graph, settings, timeout)
    else:
        cache = _cache(project, cache_dir, no_cache, engine)
        built = build_graph(project, catalogue=catalogue, settings=settings, engine=engine, cache=cache)
        findings = check(
            project, built.graph, settings, engine=engine, report=(built.report, built.shapes)
        )
    findings = triage(findings, fail_on, known, waived, waivers)
    if write_baseline is not None:
        write_text_atomic(write_baseline, baseline_text(findings, write_baseline, previous))
        click.echo(
            f"imtkg validate: baseline of {len(findings.findings)} findings written to {write_baseline}",
            err=True,
        )
    report = render_report(findings, fmt)
    if output is None:
        click.echo(report, nl=False)
    else:
        write_text_atomic(output, report)
        click.echo(f"imtkg validate: {report_summary(findings)}; report written to {output}", err=True)
    if not findings.passed:
        click.get_current_context().exit(EXIT_NONCONFORMING)


@cli.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Serve this published site (`imtkg publish --out DIR`) instead of publishing the project.",
)
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, exists=True),
    help="Publish with the ITU catalogue (an imported .nt/.ttl file or Relaton records).",
)
@click.option(
    "--base-iri",
    metavar="IRI",
    help="The base of the served IRIs (default: http://HOST:PORT/, so they dereference here).",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="S",
    help="Seconds a SPARQL query may run before it is stopped (answer 503).",
)
@click.option(
    "--result-limit",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    metavar="N",
    help="The most rows (or triples) a SPARQL answer holds.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Query worker processes.",
)
@click.option(
    "--memory-limit",
    type=click.IntRange(min=256),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Memory each query worker may use; a query that needs more is stopped (answer 503).",
)
def serve(
    project_root: Path | None,
    host: str,
    port: int,
    site: Path | None,
    catalogue: Path | None,
    base_iri: str | None,
    query_timeout: float,
    result_limit: int,
    workers: int,
    memory_limit: int,
) -> None:
    """Serve the site and a read-only SPARQL endpoint (/sparql) on one port; Ctrl-C stops.

    Resource IRIs dereference with content negotiation (303 See Other); see docs/serving.md.
    """
    import contextlib
    import logging
    import signal

    from .serve import serve as serve_site  # the web server is loaded only when it is used

    if site is not None and catalogue is not None:
        raise click.UsageError("--catalogue publishes the project; it cannot go with --site")
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # waitress stops on an interrupt by itself; one that comes before it runs is suppressed here.
    with contextlib.suppress(KeyboardInterrupt):
        serve_site(
            _project(project_root),
            host=host,
            port=port,
            site=site,
            catalogue=catalogue,
            base_iri=base_iri,
            query_timeout=query_timeout,
            result_limit=result_limit,
            workers=workers,
            memory_limit=memory_limit,
            announce=lambda message: click.echo(f"imtkg serve: {message}", err=True),
        )
    click.echo("imtkg serve: stopped", err=True)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path), default=Path("dist"), required=False)
@click.option("--endpoint", required=True, metavar="URL", help="The store's SPARQL query URL.")
@click.option("--graph", metavar="IRI", help="The named graph to load into (default: the default one).")
@click.option(
    "--gsp",
    metavar="URL",
    help="The store's Graph Store Protocol URL (default: the sibling /store of a /query endpoint).",
)
@click.option(
    "--update",
    metavar="URL",
    help="The store's SPARQL Update URL (default: the sibling /update of a /query endpoint, "
    "else the endpoint).",
)
@click.option("--no-gsp", is_flag=True, help="Upload with SPARQL Update even when a GSP URL is known.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    metavar="S",
    help="Seconds to wait for each answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Retries of a request after a transient error (with exponential back-off).",
)
def push(
    source: Path,
    endpoint: str,
    graph: str | None,
    gsp: str | None,
    update: str | None,
    no_gsp: bool,
    timeout: float,
    retries: int,
) -> None:
    """Load a build (SOURCE: a dist/ folder or an RDF file) into a remote store, atomically.

    The release goes into a staging graph, is counted, then moved into the target graph by one
    SPARQL Update; a failure leaves the target as it was. Credentials come from
    IMTKG_ENDPOINT_USER and IMTKG_ENDPOINT_PASSWORD.
    """
    from .push import push as push_release

    result = push_release(
        source,
        endpoint,
        graph=graph,
        gsp=gsp,
        update=update,
        use_gsp=not no_gsp,
        timeout=timeout,
        retries=retries,
        on_step=lambda message: click.echo(f"imtkg push: {message}", err=True),
    )
    target = "the default graph" if graph is None else f"<{graph}>"
    click.echo(f"{result.triples} triples in {target} ({result.upload}, {result.seconds:.1f} s)")


@cli.command()
@project_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Folder to write the site to (replaced whole).",
)
@click.option(
    "--base-iri",
    metavar="IRI",
    help="Publish the IRIs under this base instead of https://w3id.org/imtkg/ (ends with '/').",
)
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, exists=True),
    help="Add the ITU catalogue: an imported file (.nt, .ttl) or Relaton records (folder or tarball).",
)
def publish(project_root: Path | None, out: Path, base_iri: str | None, catalogue: Path | None) -> None:
    """Build the graph and write it as a static linked-data site to OUT (see docs/publication.md).

    Dumps (Turtle, N-Triples, JSON-LD, RDF/XML, TriG), VoID/DCAT, the ontology and shapes with
    their documentation, one page per resource with its RDF, and the roadmap, harmonization and
    validation pages. Open OUT/index.html, or serve the folder with `imtkg serve --site OUT`.
    """
    from .publish import publish as publish_site  # loaded only when used (pyLODE, Jinja2)

    site = publish_site(_project(project_root), out, base_iri=base_iri, catalogue=catalogue)
    click.echo(
        f"{site.resources} resource pages, {site.triples} triples, base {site.base_iri}; "
        f"written to {out}/ (open {out}/index.html)"
    )


def main() -> None:
    """Console entry point."""
    cli(prog_name="imtkg")
