"""SHACL validation with pyshacl, and its results as findings a person can act on.

:func:`validate` runs shapes on a graph and returns the engine's results. :func:`check` runs a
project's shapes the way ``imtkg validate`` does (the data shapes on the closed build graph, the
meta shapes on the ontology and the shapes) and turns each result into a :class:`Finding`: grouped
by the clause its shape enforces (``imtkg:enforcesClause``), with labels instead of bare IRIs, a
readable description instead of a blank-node id, and the file and line that define the focus node.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD, NamespaceManager
from rdflib.term import Node

from .graph import load_turtle, new_graph
from .namespaces import ID, IMTKG, PREFIXES
from .project import Project
from .shape_settings import ValidationSettings, apply_settings

if TYPE_CHECKING:  # imported for annotations only: baseline.py imports this module
    from .baseline import BaselineEntry, Waiver

LEVELS = ("info", "warning", "violation")
"""The severities, from the least to the most severe (``--fail-on`` takes one of them)."""

_SEVERITY_NAMES = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}
_LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SH.name)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_NESTING = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["and"], SH["or"], SH.xone)
_BARE = (XSD.integer, XSD.decimal, XSD.boolean)
_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_BLANK_ID = re.compile(r"_:(\w+(?:[-.]\w+)*)")


@dataclass(frozen=True)
class Result:
    """One validation result: the focus node, the shape that produced it, and what is wrong."""

    focus: Node
    shape: Node
    severity: URIRef
    message: str
    path: Node | None
    value: Node | None


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms, its results, and the SHACL report graph."""

    conforms: bool
    results: list[Result]
    graph: Graph
    text: str

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)


#: The SHACL engines: TopQuadrant SHACL (fast) and pySHACL (reference).
ENGINES = ("fast", "reference")


def validate(data: Graph | bytes | Path, shapes: Graph, engine: str = "reference") -> ValidationReport:
    """Validate ``data`` (already closed under inference) against ``shapes``.

    ``data`` is an rdflib graph, or N-Triples as bytes or in a file (as the fast store dumps
    them). The ``reference`` engine is pySHACL, run without its own inference (the build closes
    the graph once first); ``fast`` is TopQuadrant SHACL (:mod:`imtkg.topquadrant`). Both give the same
    results (focus node, shape, severity, path and value).
    """
    if engine == "fast":
        from . import topquadrant

        if isinstance(data, bytes | Path):
            return topquadrant.validate_ntriples(data, shapes)
        return topquadrant.validate_graph(data, shapes)
    if engine != "reference":
        raise ValueError(f"unknown SHACL engine {engine!r}")
    if isinstance(data, bytes):
        data = Graph().parse(data=data, format="nt")
    elif isinstance(data, Path):
        data = Graph().parse(data, format="nt")
    conforms, report, text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return report_of(bool(conforms), report, text)


def report_of(conforms: bool, report: Graph, text: str) -> ValidationReport:
    """A :class:`ValidationReport` of a SHACL report graph, its results in a fixed order.

    Results that say the same thing (focus, shape, severity, message, path and value) are one:
    a SPARQL constraint whose query gives a solution twice gives two results in TopQuadrant (as
    SHACL says) and one in pySHACL; a person needs to read it once.
    """
    results = set()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        results.add(
            Result(
                focus=report.value(node, SH.focusNode),
                shape=report.value(node, SH.sourceShape),
                severity=report.value(node, SH.resultSeverity),
                message=_english(report, node, SH.resultMessage) or "",
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
            )
        )
    ordered = sorted(
        results, key=lambda r: (str(r.shape), str(r.focus), r.message, _n3(r.path), _n3(r.value))
    )
    return ValidationReport(conforms, ordered, report, text)


def _n3(node: Node | None) -> str:
    return "" if node is None else node.n3()


def severity_name(severity: Node | None) -> str:
    """``violation``, ``warning`` or ``info``; any other severity counts as a violation."""
    return _SEVERITY_NAMES.get(severity, "violation")


def at_least(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is ``threshold`` or more severe."""
    return LEVELS.index(severity) >= LEVELS.index(threshold)


# --- what a person reads ----------------------------------------------------------------------


@dataclass(frozen=True)
class NodeView:
    """A node as a person reads it.

    ``text`` is its label, else its compact IRI; for a literal, its Turtle form; for a blank node,
    its label, else the path to it from the nearest node with an IRI (never a blank-node id).
    ``key`` identifies the node across runs (the IRI, the literal's N-Triples form or ``text``).
    """

    text: str
    key: str
    iri: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Location:
    """Where a node is defined: a file relative to the project root, and the line when known."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def _english(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    """The value of ``predicate`` on ``node``: English first, then untagged, then any language."""
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    if not values:
        return None
    values.sort(key=lambda v: ({"en": 0, None: 1}.get(v.language, 2), v.language or "", str(v)))
    return str(values[0])


def label_of(graph: Graph, node: Node) -> str | None:
    """The label of ``node`` (rdfs:label, skos:prefLabel, dct:title or sh:name; English first)."""
    for predicate in _LABELS:
        label = _english(graph, node, predicate)
        if label:
            return label
    return None


class Describer:
    """Turns the nodes of one graph into :class:`NodeView` objects, with the given prefixes.

    With ``names``, an IRI node reads as its compact IRI rather than its label (for shapes).
    """

    def __init__(self, graph: Graph, prefixes: NamespaceManager, names: bool = False):
        self.graph = graph
        self.prefixes = prefixes
        self.names = names
        self._blank: dict[BNode, tuple[str, URIRef | None]] = {}

    def compact(self, iri: URIRef) -> str:
        """``prefix:name`` when a prefix fits, else the full IRI."""
        text = iri.n3(self.prefixes)
        return str(iri) if text.startswith("<") else text

    def view(self, node: Node) -> NodeView:
        if isinstance(node, URIRef):
            label = label_of(self.graph, node)
            text = self.compact(node) if self.names or not label else label
            return NodeView(text, str(node), str(node), label)
        if isinstance(node, Literal):
            return NodeView(self.literal(node), node.n3())
        text, _ = self.blank(node)
        return NodeView(text, text, None, label_of(self.graph, node))

    def literal(self, literal: Literal) -> str:
        """A literal as Turtle writes it: ``1``, ``true``, ``"text"@en``, ``"2020"^^xsd:gYear``."""
        if literal.datatype in _BARE and literal.ill_typed is False:
            return str(literal)
        return literal.n3(self.prefixes)

    def root(self, node: Node) -> URIRef | None:
        """The node itself if it has an IRI, else the nearest IRI node it hangs from."""
        if isinstance(node, URIRef):
            return node
        return self.blank(node)[1] if isinstance(node, BNode) else None

    def blank(self, node: BNode, seen: frozenset[BNode] = frozenset()) -> tuple[str, URIRef | None]:
        """A description of a blank node and the IRI node it hangs from (if any)."""
        if node not in self._blank:
            self._blank[node] = self._describe(node, seen | {node})
        return self._blank[node]

    def _describe(self, node: BNode, seen: frozenset[BNode]) -> tuple[str, URIRef | None]:
        label = label_of(self.graph, node)
        parents = []
        for subject, predicate in self.graph.subject_predicates(node):
            if subject in seen:
                continue
            index = 0
            if predicate == RDF.first:
                owner = self._list_owner(subject, seen)
                if owner is None:
                    continue
                subject, predicate, index = owner
            if isinstance(subject, URIRef):
                text, root = self.view(subject).text, subject
            else:
                text, root = self.blank(subject, seen)
            name = self.compact(predicate)
            parents.append((isinstance(subject, BNode), text, name, index, subject, predicate, root))
        if not parents:
            return label or f"a node [{self._signature(node)}]", None
        _, parent, name, index, subject, predicate, root = min(parents, key=lambda p: p[:4])
        if label:
            return label, root
        if index:
            return f"{parent} › {name} item {index}", root
        text = f"{parent} › {name}"
        if sum(1 for o in self.graph.objects(subject, predicate) if isinstance(o, BNode)) > 1:
            text += f" [{self._signature(node)}]"
        return text, root

    def _list_owner(self, cell: Node, seen: frozenset[BNode]) -> tuple[Node, Node, int] | None:
        """The node and predicate that hold the list ``cell`` belongs to, and its 1-based position."""
        index = 1
        while True:
            previous = next(iter(self.graph.subjects(RDF.rest, cell)), None)
            if previous is None:
                break
            cell, index = previous, index + 1
        owners = sorted(
            (sp for sp in self.graph.subject_predicates(cell) if sp[0] not in seen),
            key=lambda sp: (isinstance(sp[0], BNode), sp[0].n3(), sp[1].n3()),
        )
        return (*owners[0], index) if owners else None

    def _signature(self, node: BNode) -> str:
        """What tells a blank node from its siblings: its first two named properties."""
        pairs = sorted(
            f"{self.compact(p)} {self.literal(o) if isinstance(o, Literal) else self.compact(o)}"
            for p, o in self.graph.predicate_objects(node)
            if not isinstance(o, BNode) and p not in (RDF.first, RDF.rest)
        )
        return "; ".join(pairs[:2])

    def clean(self, message: str) -> str:
        """``message`` for a person: an IRI with a label reads as its label, and a blank-node id
        (``_:x``) as the node's description."""

        def described(match: re.Match) -> str:
            node = BNode(match.group(1))
            return self.blank(node)[0] if (node, None, None) in self.graph else "a blank node"

        def labelled(match: re.Match) -> str:
            iri, rest = match.group(0), ""
            while iri:
                label = label_of(self.graph, URIRef(iri))
                if label:
                    return label + rest
                if iri[-1] not in ".,;:)]'":
                    break
                iri, rest = iri[:-1], iri[-1] + rest
            return match.group(0)

        return _BLANK_ID.sub(described, _IRI.sub(labelled, message))


# --- where a node is defined ------------------------------------------------------------------

_BASE_RE = re.compile(r"^\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE)
_PREFIX_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"<([^<>\s]*)>|([A-Za-z][\w.-]*)?:((?:[\w.:%-]|\\.)*)")
_TRAILING_COMMENT = re.compile(r"\s#[^\"<>]*$")


def _statement_ends(line: str) -> bool:
    return _TRAILING_COMMENT.sub("", line).rstrip().endswith(".")


def turtle_subjects(path: Path) -> dict[str, int]:
    """The IRIs that start a statement in the Turtle file ``path``, each with its first line.

    A subject is found where a statement starts at the beginning of a line, as every file of an
    imtkg project writes them; an IRI that is only ever an object, or a subject written further in
    a line, is not found.
    """
    prefixes: dict[str, str] = {}
    base = path.resolve().as_uri()
    subjects: dict[str, int] = {}
    starts, in_long_string = True, False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_long_string:
            in_long_string = quotes % 2 == 0
            starts = not in_long_string and _statement_ends(line)
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := _BASE_RE.match(line):
            base, starts = urljoin(base, match[1]), True
            continue
        if match := _PREFIX_RE.match(line):
            prefixes[match[1] or ""], starts = urljoin(base, match[2]), True
            continue
        if starts and not line[0].isspace() and (match := _SUBJECT_RE.match(line)):
            if match[1] is not None:
                subjects.setdefault(urljoin(base, match[1]), number)
            elif (match[2] or "") in prefixes:
                local = re.sub(r"\\(.)", r"\1", match[3]).rstrip(".")
                subjects.setdefault(prefixes[match[2] or ""] + local, number)
        in_long_string = quotes % 2 == 1
        starts = not in_long_string and _statement_ends(line)
    return subjects


def _normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u2011", "-").split())


class Locator:
    """Finds where a node is defined: a Turtle file of the project, or the source text it came from."""

    def __init__(self, project: Project, graph: Graph, files: Iterable[Path]):
        self.project = project
        self.graph = graph
        self._subjects: dict[str, Location] = {}
        for path in files:
            relative = self._relative(path)
            for iri, line in turtle_subjects(path).items():
                self._subjects.setdefault(iri, Location(relative, line))

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.project.root.resolve()).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    def find(self, node: URIRef | None) -> Location | None:
        if node is None:
            return None
        if str(node) in self._subjects:
            return self._subjects[str(node)]
        for source in self.graph.objects(node, DCTERMS.source):
            stem = str(source).removeprefix(str(ID["source/"]))
            text_file = self.project.sources_dir / f"{stem}.txt"
            if str(source).startswith(str(ID["source/"])) and text_file.is_file():
                return Location(self._relative(text_file), self._text_line(node, text_file))
        return None

    def _text_line(self, node: URIRef, text_file: Path) -> int | None:
        """The line of the source text that holds the node's text (or its clause's), if any."""
        clause = self.graph.value(node, IMTKG.createdBy) or node
        text = self.graph.value(clause, IMTKG.text)
        if text is None:
            return None
        start = _normalized(str(text))[:40]
        lines = text_file.read_text(encoding="utf-8").splitlines()
        return next((n for n, line in enumerate(lines, 1) if start in _normalized(line)), None)


# --- findings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """The clause a shape enforces, as the data graph gives it: label and quoted text."""

    iri: str
    label: str
    text: str | None


@dataclass(frozen=True)
class Group:
    """A group of findings: an obligation (the clause its shapes enforce), integrity, or meta."""

    id: str
    kind: str
    title: str
    clause: Clause | None = None


INTEGRITY = Group("integrity", "integrity", "Integrity of the graph")
META = Group("meta", "meta", "Ontology and shapes")


@dataclass(frozen=True)
class ShapeInfo:
    """A shape that ran: a top-level shape (one with a target), with what documents it."""

    shape: NodeView
    name: str
    comment: str | None
    severity: str
    group: str


@dataclass(frozen=True)
class Finding:
    """One validation result, for a person.

    ``shape`` is the top-level shape (the JUnit test case, the SARIF rule); ``constraint`` the
    shape that produced the result (the same shape, or one of its property shapes). ``status`` is
    ``new`` (not in the baseline, or no baseline given), ``known`` (in the baseline), ``waived``
    (silenced by a waiver that has not expired) or ``expired`` (its waiver has expired).
    """

    group: str
    shape: NodeView
    constraint: NodeView
    severity: str
    message: str
    focus: NodeView
    path: str | None = None
    value: NodeView | None = None
    location: Location | None = None
    status: str = "new"
    waiver: Waiver | None = None

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        """What identifies the finding across runs: shape, constraint, focus node and value."""
        return (
            self.shape.key,
            self.constraint.key,
            self.focus.key,
            self.value.key if self.value else None,
        )

    @property
    def counts(self) -> bool:
        """Whether the finding counts towards ``--fail-on`` (not baselined, not waived)."""
        return self.status in ("new", "expired")


@dataclass(frozen=True)
class Findings:
    """The findings of a run, the groups and shapes that ran, and the SHACL report graph.

    ``fail_on``, ``baseline``, ``waivers`` (the files used), ``fixed`` and ``unused_waivers`` are
    set by :func:`imtkg.baseline.triage`.
    """

    findings: tuple[Finding, ...]
    groups: tuple[Group, ...]
    shapes: tuple[ShapeInfo, ...]
    report: Graph
    as_of: date
    fail_on: str = "violation"
    baseline: str | None = None
    fixed: tuple[BaselineEntry, ...] = ()
    unused_waivers: tuple[Waiver, ...] = ()
    waivers: str | None = None

    @property
    def failing(self) -> tuple[Finding, ...]:
        """The findings that make the run fail: they count, at or above ``fail_on``."""
        return tuple(f for f in self.findings if f.counts and at_least(f.severity, self.fail_on))

    @property
    def passed(self) -> bool:
        """Whether the data conforms at the threshold, after baseline and waivers."""
        return not self.failing

    def of_group(self, group: Group) -> list[Finding]:
        return [f for f in self.findings if f.group == group.id]

    def of_shape(self, shape: ShapeInfo) -> list[Finding]:
        return [f for f in self.findings if f.shape.key == shape.shape.key]

    def counts(self) -> dict[str, dict[str, int]]:
        """For each severity: ``total`` and the number per status (new, known, waived, expired)."""
        statuses = ("total", "new", "known", "waived", "expired")
        table = {level: dict.fromkeys(statuses, 0) for level in reversed(LEVELS)}
        for finding in self.findings:
            table[finding.severity]["total"] += 1
            table[finding.severity][finding.status] += 1
        return table


def _prefixes(*graphs: Graph) -> NamespaceManager:
    """The project prefixes, then those the graphs declare for namespaces not yet bound."""
    manager = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace)
    for graph in graphs:
        bound = dict(manager.namespaces())
        for prefix, namespace in sorted(graph.namespaces()):
            if prefix and prefix not in bound and namespace not in bound.values():
                manager.bind(prefix, namespace)
                bound[prefix] = namespace
    return manager


def _path_text(graph: Graph, path: Node | None, describe: Describer) -> str | None:
    """A SHACL property path in SPARQL syntax (``a/b``, ``^a``, ``a|b``, ``a*``)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return describe.compact(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p, describe) or "?" for p in graph.items(path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(graph, inner, describe))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return (
            "("
            + "|".join(_path_text(graph, p, describe) or "?" for p in graph.items(alternatives))
            + ")"
        )
    return None


class _Shapes:
    """The shapes of one run: which top-level shape a result comes from, and which clause it enforces."""

    def __init__(self, graph: Graph, describe: Describer):
        self.graph = graph
        self.describe = describe

    def parents(self, shape: Node) -> list[Node]:
        found = [s for p in _NESTING for s in self.graph.subjects(p, shape)]
        for cell in self.graph.subjects(RDF.first, shape):
            while (head := self.graph.value(predicate=RDF.rest, object=cell)) is not None:
                cell = head
            found += [s for p in _LISTS for s in self.graph.subjects(p, cell)]
        return sorted(set(found), key=lambda n: (isinstance(n, BNode), n.n3()))

    def is_top(self, shape: Node) -> bool:
        return any((shape, p, None) in self.graph for p in _TARGETS) or not self.parents(shape)

    def top(self, shape: Node) -> Node:
        seen = {shape}
        while not self.is_top(shape):
            shape = next((p for p in self.parents(shape) if p not in seen), shape)
            if shape in seen:
                break
            seen.add(shape)
        return shape

    def clause(self, shape: Node) -> URIRef | None:
        """The clause the shape enforces: its own ``imtkg:enforcesClause``, or an enclosing shape's."""
        seen: set[Node] = set()
        todo = [shape]
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.add(current)
            clause = self.graph.value(current, IMTKG.enforcesClause)
            if isinstance(clause, URIRef):
                return clause
            todo += self.parents(current)
        return None

    def top_level(self) -> list[Node]:
        """The shapes with a target: they decide which nodes are checked."""
        return sorted({s for p in _TARGETS for s in self.graph.subjects(p, None)}, key=lambda n: n.n3())

    def info(self, shape: Node, group: str) -> ShapeInfo:
        view = self.describe.view(shape)
        return ShapeInfo(
            shape=view,
            name=view.text,
            comment=_english(self.graph, shape, RDFS.comment),
            severity=severity_name(self.graph.value(shape, SH.severity) or SH.Violation),
            group=group,
        )


@dataclass
class _Run:
    """One validation: data graph, shapes graph and the group a shape without clause falls in."""

    data: Graph
    shapes: Graph
    default_group: Group
    locator: Locator
    report: ValidationReport | None = None


def check(
    project: Project,
    graph: Graph,
    settings: ValidationSettings | None = None,
    engine: str = "reference",
    report: tuple[ValidationReport, Graph] | None = None,
) -> Findings:
    """Run the project's shapes as ``imtkg validate`` does and return the findings.

    The data shapes (``Project.shape_files()``, configured with ``settings``) run on ``graph``, the
    build graph closed under OWL 2 RL; the meta shapes (``Project.meta_shape_files()``) run on the
    ontology and all the shapes files. ``settings.as_of`` of ``None`` means today. ``engine`` is the
    SHACL engine (see :func:`validate`); ``report``, when given, is the report of the data shapes
    with the same settings on ``graph`` and the shapes graph that made it (a build makes both:
    ``(build.report, build.shapes)``), which is then not made again.

    >>> from imtkg import Project, check
    >>> from imtkg.build import build_graph
    >>> from imtkg.shape_settings import ValidationSettings
    >>> from datetime import date
    >>> project = Project.default()
    >>> findings = check(project, build_graph(project).graph, ValidationSettings(as_of=date(2024, 1, 1)))
    >>> findings.as_of
    datetime.date(2024, 1, 1)
    """
    settings = settings or ValidationSettings()
    as_of = settings.as_of or date.today()
    settings = replace(settings, as_of=as_of)
    data_report, data_shapes = report or (None, None)
    if data_shapes is None:
        data_shapes = apply_settings(load_turtle(project.shape_files()), settings)
    meta_shapes = load_turtle(project.meta_shape_files())
    meta_data = load_turtle(project.ontology_files())
    load_turtle(project.shape_files() + project.meta_shape_files(), meta_data)
    prefixes = _prefixes(data_shapes, meta_shapes, meta_data, graph)
    runs = [
        _Run(graph, data_shapes, INTEGRITY, Locator(project, graph, project.data_files()), data_report),
        _Run(
            meta_data,
            meta_shapes,
            META,
            Locator(
                project,
                meta_data,
                project.ontology_files() + project.shape_files() + project.meta_shape_files(),
            ),
        ),
    ]
    findings: list[Finding] = []
    groups: dict[str, Group] = {}
    shapes: dict[str, ShapeInfo] = {}
    merged = new_graph()
    report_node = BNode()
    merged.add((report_node, RDF.type, SH.ValidationReport))
    conforms = True
    for run in runs:
        if not len(run.shapes):
            continue
        outcome = run.report or validate(run.data, run.shapes, engine)
        conforms = conforms and outcome.conforms
        _merge_report(merged, report_node, outcome.graph)
        findings += _findings(run, outcome, prefixes, graph, groups, shapes)
    merged.add((report_node, SH.conforms, Literal(conforms)))
    order = _group_order(list(groups.values()), graph)
    findings.sort(
        key=lambda f: (
            order[f.group],
            f.shape.text,
            f.focus.text,
            f.constraint.text,
            f.message,
            f.value.key if f.value else "",
        )
    )
    shape_list = sorted(shapes.values(), key=lambda s: (order[s.group], s.shape.text))
    return Findings(
        tuple(findings),
        tuple(sorted(groups.values(), key=lambda g: order[g.id])),
        tuple(shape_list),
        merged,
        as_of,
    )


def _merge_report(into: Graph, node: BNode, report: Graph) -> None:
    """Add the results of ``report`` to the single report node ``node`` of ``into``."""
    sources = set(report.subjects(RDF.type, SH.ValidationReport))
    for source in sources:
        for result in report.objects(source, SH.result):
            into.add((node, SH.result, result))
    for triple in report:
        if triple[0] not in sources:
            into.add(triple)


def _findings(
    run: _Run,
    outcome: ValidationReport,
    prefixes: NamespaceManager,
    data_graph: Graph,
    groups: dict[str, Group],
    shapes: dict[str, ShapeInfo],
) -> list[Finding]:
    describe = Describer(run.data, prefixes)
    shape_graph = _Shapes(run.shapes, Describer(run.shapes, prefixes, names=True))

    def group_of(shape: Node) -> Group:
        clause = shape_graph.clause(shape)
        if clause is None:
            groups.setdefault(run.default_group.id, run.default_group)
            return run.default_group
        if str(clause) not in groups:
            label = label_of(data_graph, clause) or describe.compact(clause)
            text = data_graph.value(clause, IMTKG.text)
            groups[str(clause)] = Group(
                str(clause), "obligation", label, Clause(str(clause), label, str(text) if text else None)
            )
        return groups[str(clause)]

    for top in shape_graph.top_level():
        info = shape_graph.info(top, group_of(top).id)
        shapes.setdefault(info.shape.key, info)
    found = []
    for result in outcome.results:
        top = shape_graph.top(result.shape)
        group = group_of(result.shape)
        info = shapes.setdefault(
            shape_graph.describe.view(top).key, shape_graph.info(top, group_of(top).id)
        )
        focus = describe.view(result.focus)
        found.append(
            Finding(
                group=group.id,
                shape=info.shape,
                constraint=shape_graph.describe.view(result.shape),
                severity=severity_name(result.severity),
                message=describe.clean(result.message),
                focus=focus,
                path=_path_text(outcome.graph, result.path, shape_graph.describe)
                or _path_text(run.shapes, result.path, shape_graph.describe),
                value=describe.view(result.value) if result.value is not None else None,
                location=run.locator.find(describe.root(result.focus)),
            )
        )
    return found


def _group_order(groups: list[Group], data: Graph) -> dict[str, tuple]:
    """Obligations in the order of their clauses in the text, then integrity, then meta."""

    def key(group: Group) -> tuple:
        if group.kind != "obligation":
            return (1 if group.kind == "integrity" else 2, 0, group.title)
        order = data.value(URIRef(group.id), IMTKG.order)
        return (
            0,
            int(order) if isinstance(order, Literal) and str(order).isdigit() else 10**9,
            group.title,
        )

    return {g.id: key(g) for g in groups}
