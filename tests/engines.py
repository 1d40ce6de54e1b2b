"""SPARQL 1.1 engines for the portability tests: Apache Jena ARQ, a Virtuoso and an Oxigraph server.

Jena and Virtuoso come from Debian packages (``libapache-jena-java``, ``virtuoso-opensource``),
which .ci/run installs. Jena runs many queries in one JVM through tests/ArqBatch.java (Java's
source-file launcher, so a JDK is needed: the ``java`` beside ``javac``), because a JVM per query
costs 1.2–2 s. The servers run on 127.0.0.1 with a throwaway database in a folder of their own,
each RDF file in a named graph that a query selects with the protocol's ``default-graph-uri``; they
are stopped through their own process, never by name.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from rdflib.term import Node

from imtkg.endpoint import term_from_json
from imtkg.queries import Table

JAVA_DIR = Path("/usr/share/java")
# Jena's core modules and what they need, as installed by Debian's libapache-jena-java.
JENA_JARS = (
    "jena-base", "jena-core", "jena-arq", "jena-iri", "commons-cli", "commons-codec",
    "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson",
    "guava", "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations",
    "jsonld-java", "jakarta.json-api", "protobuf", "thrift", "titanium-json-ld", "slf4j-api",
    "slf4j-simple", "jcl-over-slf4j",
)  # fmt: skip
ARQ_BATCH = Path(__file__).with_name("ArqBatch.java")
# Debian's Jena moved the Xerces classes to the package ``xerces`` but left their message
# resources under this folder, so every tool dies at start; a copy at ``xerces/`` fixes it.
_XERCES_RESOURCES = "org/apache/jena/ext/xerces/"


# --- Apache Jena ARQ --------------------------------------------------------------------------------


def java_with_compiler() -> Path | None:
    """The ``java`` of the JDK that ``javac`` belongs to (the source launcher needs its compiler)."""
    javac = shutil.which("javac")
    if javac is None:
        return None
    java = Path(javac).resolve().parent / "java"
    return java if java.is_file() else None


def jena_missing() -> str | None:
    """Why Jena ARQ cannot run here, or None when it can."""
    if java_with_compiler() is None:
        return "a JDK is missing (javac; apt-get install default-jdk-headless)"
    missing = [jar for jar in JENA_JARS if not (JAVA_DIR / f"{jar}.jar").is_file()]
    if missing:
        return f"Jena is missing ({missing[0]}.jar; apt-get install libapache-jena-java)"
    return None


def jena_classpath(folder: Path) -> str:
    """The class path of Jena ARQ, led by the Xerces resources fix extracted into ``folder``."""
    resources = folder / "xerces-resources"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for member in jar.namelist():
            if member.startswith(_XERCES_RESOURCES) and not member.endswith((".class", "/")):
                target = resources / "xerces" / member.removeprefix(_XERCES_RESOURCES)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(member))
    return os.pathsep.join([str(resources), *(str(JAVA_DIR / f"{jar}.jar") for jar in JENA_JARS)])


@dataclass(frozen=True)
class ArqJob:
    """A query text to run on the RDF file ``data`` (its default graph)."""

    data: Path
    query: str


def run_arq(jobs: Sequence[ArqJob], folder: Path, timeout: float = 300) -> list[dict | str]:
    """Run every job with Jena ARQ in one JVM: per job, its SPARQL JSON results or Jena's error.

    Queries are parsed as strict SPARQL 1.1. Raises :class:`RuntimeError` when the JVM fails.
    """
    java = java_with_compiler()
    if java is None:
        raise RuntimeError(jena_missing())
    folder.mkdir(parents=True, exist_ok=True)
    lines, outputs = [], []
    for number, job in enumerate(jobs):
        query = folder / f"{number:03}.rq"
        query.write_text(job.query, encoding="utf-8")
        output = folder / f"{number:03}.json"
        lines.append(f"{job.data.resolve()}\t{query}\t{output}\n")
        outputs.append(output)
    manifest = folder / "jobs.tsv"
    manifest.write_text("".join(lines), encoding="utf-8")
    command = [str(java), "-cp", jena_classpath(folder), str(ARQ_BATCH), str(manifest)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"Jena ARQ exited with {done.returncode}: {done.stderr.strip()}")
    results: list[dict | str] = []
    for output in outputs:
        error = output.with_name(output.name + ".error")
        if error.is_file():
            results.append(error.read_text(encoding="utf-8"))
        elif output.is_file():
            results.append(json.loads(output.read_text(encoding="utf-8")))
        else:
            raise RuntimeError(f"Jena ARQ wrote neither {output} nor its .error: {done.stderr.strip()}")
    return results


def json_table(document: dict) -> Table:
    """SPARQL JSON results as a :class:`Table` of rdflib terms, as ``run_remote`` makes them."""
    columns = tuple(document["head"]["vars"])
    rows: list[tuple[Node | None, ...]] = []
    for binding in document["results"]["bindings"]:
        rows.append(tuple(term_from_json(binding[c]) if c in binding else None for c in columns))
    return Table(columns, rows)


# --- Servers ------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A SPARQL server on 127.0.0.1 started for the tests: its query URL, folder and process."""

    name: str
    url: str
    folder: Path
    process: subprocess.Popen

    def endpoint(self, graph: str) -> str:
        """The query URL with the named graph ``graph`` as the default graph (``default-graph-uri``).

        A POST of ``query=`` keeps it in the URL; Oxigraph and Virtuoso both read it there.
        """
        return f"{self.url}?{urlencode({'default-graph-uri': graph})}"

    def log(self) -> str:
        """The end of the server's output."""
        path = self.folder / "server.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return text.strip()[-2000:] or "(no output)"

    def stop(self) -> None:
        """Stop the server's own process: TERM, then KILL if it is still there after 10 s."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def _wait(self, seconds: float) -> None:
        """Poll ``ASK {}`` until the server answers; RuntimeError after ``seconds`` or if it exits."""
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + seconds
        last = "no attempt"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.log()}")
            try:
                with no_proxy.open(f"{self.url}?query={quote('ASK {}')}", timeout=2) as answer:
                    if answer.status == 200:
                        return
                    last = f"HTTP {answer.status}"
            except (OSError, http.client.HTTPException) as error:
                last = str(error)
            time.sleep(0.1)
        raise RuntimeError(
            f"{self.name} did not answer {self.url} within {seconds:g} s ({last}): {self.log()}"
        )


def _spawn(command: list[str], folder: Path) -> subprocess.Popen:
    with (folder / "server.log").open("wb") as log:
        return subprocess.Popen(
            command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def oxigraph_server(binary: str, folder: Path, port: int, graphs: Mapping[str, Path]) -> Server:
    """``oxigraph serve`` on 127.0.0.1:``port``, each file of ``graphs`` loaded into its named graph."""
    folder.mkdir(parents=True, exist_ok=True)
    location = str(folder / "db")
    for graph, path in graphs.items():
        command = [binary, "load", "--location", location, "--file", str(path), "--graph", graph]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"oxigraph load {path} failed: {done.stderr.strip()}")
    process = _spawn([binary, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"], folder)
    server = Server("oxigraph", f"http://127.0.0.1:{port}/query", folder, process)
    try:
        server._wait(30)
    except BaseException:
        server.stop()
        raise
    return server


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {load}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def virtuoso_missing() -> str | None:
    """Why a Virtuoso server cannot run here, or None when it can."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        return "Virtuoso is missing (virtuoso-t, isql-vt; apt-get install virtuoso-opensource)"
    return None


@dataclass
class _Virtuoso(Server):
    """A Virtuoso server, with its SQL port for ``isql-vt``."""

    sql_port: int = 0

    def log(self) -> str:
        path = self.folder / "db" / "virtuoso.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return text.strip()[-2000:] or super().log()

    def sql(self, statements: str, timeout: float = 120) -> str:
        """Run SQL with ``isql-vt`` as dba; RuntimeError naming the statement when it fails."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        # isql-vt exits with 0 after an SQL error; the error is on standard error.
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt {statements!r}: {(done.stdout + done.stderr).strip()}")
        return done.stdout

    def load(self, path: Path, graph: str) -> None:
        """Load the Turtle (or N-Triples) file ``path`` into the named graph ``graph``."""
        copy = self.folder / "load" / path.name
        shutil.copyfile(path, copy)
        if "'" in str(copy) or "'" in graph:
            raise ValueError(f"a quote in {copy} or {graph}")
        self.sql(f"DB.DBA.TTLP_MT(file_to_string_output('{copy}'), '', '{graph}', 0);")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.sql("shutdown;", timeout=20)
                self.process.wait(timeout=20)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        super().stop()


def virtuoso_server(folder: Path, sql_port: int, http_port: int, graphs: Mapping[str, Path]) -> Server:
    """``virtuoso-t`` on 127.0.0.1 (SQL on ``sql_port``, SPARQL on ``http_port``) with a new
    database in ``folder``, each Turtle or N-Triples file of ``graphs`` loaded into its named graph.

    Stopping it sends SQL ``shutdown`` first (the server's own process is then ended if need be).
    """
    for sub in ("db", "load", "vsp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(
            db=folder / "db", load=folder / "load", vsp=folder / "vsp", sql_port=sql_port,
            http_port=http_port,
        ),
        encoding="utf-8",
    )  # fmt: skip
    process = _spawn(["virtuoso-t", "+foreground", "+configfile", str(ini)], folder)
    url = f"http://127.0.0.1:{http_port}/sparql"
    server = _Virtuoso("virtuoso", url, folder, process, sql_port=sql_port)
    try:
        server._wait(60)
        for graph, path in graphs.items():
            server.load(path, graph)
    except BaseException:
        server.stop()
        raise
    return server
