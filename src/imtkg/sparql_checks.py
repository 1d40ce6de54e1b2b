"""SHACL-SPARQL checks compiled to standard SPARQL 1.1 queries, run on any store.

:func:`compile_shapes` turns every SPARQL-based constraint of a shapes graph into ONE SPARQL 1.1
``SELECT`` over the whole graph: its focus nodes (the shape's targets) are a subquery at the start
of the constraint's WHERE group, so ``$this`` is bound before the constraint's filters read it, and
the parameters of a constraint component are bound by a ``VALUES`` row of N-Triples terms. This
is the evaluation of w3c/data-shapes#530 (one query per constraint, not one per focus node), so
a store answers each check with one request. :func:`run_checks` runs the queries with a ``select``
function (:func:`store_select` for a pyoxigraph store, :func:`endpoint_select` for a SPARQL
endpoint) and gives the report pySHACL gives for the same shapes: the same focus nodes, source
shapes, severities, paths, values and messages (``{$this}``/``{?var}`` filled in as pySHACL
fills them). One difference is deliberate: pySHACL adds to each result of a constraint component
the messages of the earlier results of the same shape (so that the message
:func:`imtkg.validation.validate` picks may name another focus node); here each result has its own.

What is compiled: ``sh:sparql`` constraints (``sh:SPARQLConstraint`` with ``sh:select``) of node
and property shapes (``$PATH`` becomes the property path), and SPARQL-based constraint components
with a ``sh:nodeValidator`` ``SELECT`` on node shapes; targets ``sh:targetClass`` (with
``rdf:type/rdfs:subClassOf*``, as pySHACL reads it), implicit class targets, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and SPARQL targets (``sh:target`` with
``sh:select``); property shapes of a node shape take its targets. Everything else (SHACL Core
constraints, ASK validators, component validators on property shapes, queries with ``LIMIT``,
``OFFSET``, ``MINUS``, ``SERVICE`` or ``VALUES``, or that aggregate without grouping by ``$this``)
is listed in :attr:`CompiledShapes.unchecked`, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from .errors import InputError
from .graph import load_turtle, new_graph
from .namespaces import IMTKG
from .oxstore import select as oxstore_select
from .project import Project
from .shape_settings import ValidationSettings, apply_settings
from .validation import Findings, ValidationReport, report_of
from .validation import check as check_project

__all__ = [
    "Check",
    "CompiledShapes",
    "EndpointCheck",
    "Select",
    "Unchecked",
    "check_endpoint",
    "compile_shapes",
    "endpoint_select",
    "run_checks",
    "store_select",
]

#: A function that runs a SELECT query: its variables and its rows (rdflib terms or None).
Select = Callable[[str], tuple[tuple[str, ...], list[tuple[Node | None, ...]]]]

#: The parameters of the SHACL Core constraint components (sh:flags goes with sh:pattern).
CORE_PARAMETERS = tuple(
    SH[name]
    for name in (
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
        "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
        "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
        "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in",
    )
)  # fmt: skip
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: The prefixes pySHACL declares for every SPARQL query, before those of sh:prefixes.
_DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
_GENERIC_COMPONENT_MESSAGE = "Parameterised SHACL Query generated constraint validation reports."
_SPECIAL = ("this", "path", "value")

# Tokens of SPARQL text that may hold braces or keywords without being syntax: comments,
# strings (long ones first) and IRIs.
_SKIPPED = re.compile(
    r"""#[^\n]*|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}"""
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>"""
)
_WORD = re.compile(r"[?$]\w+|(?:[A-Za-z_][\w.-]*)?:[\w.%:-]*|[A-Za-z_]\w*")
_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+([\w.-]*):\s*<([^>]*)>|BASE\s*<[^>]*>)", re.IGNORECASE)
_SELECT = re.compile(r"\s*SELECT\s+(?:(DISTINCT|REDUCED)\s+)?", re.IGNORECASE)
_AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
_FORBIDDEN = ("MINUS", "SERVICE", "VALUES", "LIMIT", "OFFSET")


class _Unsupported(Exception):
    """A constraint the compiler does not turn into a query (the reason is the message)."""


@dataclass(frozen=True)
class Check:
    """One SPARQL-based constraint of one shape, compiled to one SELECT over the whole graph.

    ``shape`` is the shape the results name (``sh:sourceShape``), ``constraint`` the
    ``sh:SPARQLConstraint`` or the component's validator, ``component`` the constraint component
    (``sh:SPARQLConstraintComponent`` for ``sh:sparql``). ``path`` is the property shape's
    ``sh:path``; ``node_shape`` whether a result without ``?value`` has the focus node as value.
    ``messages`` are filled in for each result; ``fixed_messages`` are added as they are (the
    shape's, for a component). ``parameters`` are the component's parameters and their values.
    """

    shape: Node
    constraint: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    node_shape: bool
    messages: tuple[Literal, ...]
    fixed_messages: tuple[Literal, ...]
    parameters: tuple[tuple[str, Node | None], ...]
    prologue: str
    head: str
    body: str

    @property
    def is_component(self) -> bool:
        return self.component != SH.SPARQLConstraintComponent

    def query(self, graph: str | None = None) -> str:
        """The SELECT query; with ``graph``, on that named graph (``FROM``) as its default graph."""
        source = f"FROM {URIRef(graph).n3()}\n" if graph is not None else ""
        return f"{self.prologue}{self.head}\n{source}WHERE {{{self.body}"


@dataclass(frozen=True)
class Unchecked:
    """A shape, or part of one, that the compiled checks leave out, and why."""

    shape: Node
    reason: str


@dataclass(frozen=True)
class CompiledShapes:
    """The compiled checks of a shapes graph and what they leave out."""

    shapes: Graph
    checks: tuple[Check, ...]
    unchecked: tuple[Unchecked, ...]


# --- reading the shapes graph -----------------------------------------------------------------


def _is_true(graph: Graph, node: Node, predicate: URIRef) -> bool:
    value = graph.value(node, predicate)
    return isinstance(value, Literal) and value.toPython() is True


def _prefixes(shapes: Graph, node: Node) -> dict[str, str]:
    """The prefixes of a SPARQL query: pySHACL's defaults, then the declarations of sh:prefixes."""
    prefixes = dict(_DEFAULT_PREFIXES)
    for source in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if not isinstance(prefix, Literal) or namespace is None:
                raise InputError(f"shapes: a sh:declare of {source} without sh:prefix or sh:namespace")
            prefixes[str(prefix)] = str(namespace)
    return prefixes


def _merge_prefixes(into: dict[str, str], more: Mapping[str, str], where: Node) -> None:
    for prefix, namespace in more.items():
        if into.setdefault(prefix, namespace) != namespace:
            raise _Unsupported(f"the prefix {prefix}: is declared twice, differently ({where})")


def _text(shapes: Graph, node: Node, predicate: URIRef) -> str:
    values = list(shapes.objects(node, predicate))
    if len(values) != 1 or not isinstance(values[0], Literal):
        name = predicate.n3(shapes.namespace_manager)
        raise InputError(f"shapes: {node} needs exactly one string {name}")
    return str(values[0])


def _path_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL syntax, with full IRIs."""
    if isinstance(path, URIRef):
        return path.n3()
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(_path_sparql(shapes, p) for p in shapes.items(path)) + ")"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_sparql(shapes, p) for p in shapes.items(alternatives)) + ")"
    for predicate, template in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return template.format(_path_sparql(shapes, inner))
    raise _Unsupported(f"the sh:path {path} is not a SHACL property path")


def _term(node: Node) -> str:
    """``node`` in N-Triples syntax, for a query (a blank node cannot be sent)."""
    if isinstance(node, BNode):
        raise _Unsupported("a parameter value is a blank node")
    return node.n3()


# --- SPARQL text ------------------------------------------------------------------------------


def _words(text: str) -> Iterable[tuple[int, re.Match]]:
    """The words and variables of ``text`` outside comments, strings and IRIs, with braces as
    depth changes: (depth, match) for each word."""
    depth, position = 0, 0
    while position < len(text):
        skipped = _SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        word = _WORD.match(text, position) if char.isalpha() or char in "?$_:" else None
        if word:
            yield depth, word
            position = word.end()
            continue
        position += 1


def _first_brace(text: str) -> int:
    position = 0
    while position < len(text):
        skipped = _SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
        elif text[position] == "{":
            return position
        else:
            position += 1
    raise _Unsupported("the query has no WHERE group")


def _replace_variable(text: str, name: str, replacement: str) -> str:
    """``text`` with the variable ``?name``/``$name`` replaced (outside comments, strings, IRIs)."""
    parts, last = [], 0
    for _, word in _words(text):
        if word.group(0)[0] in "?$" and word.group(0)[1:] == name:
            parts += [text[last : word.start()], replacement]
            last = word.end()
    return "".join(parts) + text[last:]


@dataclass(frozen=True)
class _Select:
    """A SELECT query of a shape, split so that patterns can go first in its WHERE group."""

    prefixes: dict[str, str]
    head: str
    body: str


def _split(text: str, prefixes: dict[str, str], where: Node) -> _Select:
    """Split the SELECT ``text``: its own PREFIX lines join ``prefixes``; head and body around the
    brace that opens its WHERE group. Raises :class:`_Unsupported` for what cannot be compiled."""
    own: dict[str, str] = dict(prefixes)
    position = 0
    while match := _PROLOGUE.match(text, position):
        if match.group(2) is None:
            raise _Unsupported("the query declares a BASE")
        _merge_prefixes(own, {match.group(1): match.group(2)}, where)
        position = match.end()
    text = text[position:].lstrip()
    if not _SELECT.match(text):
        raise _Unsupported("the query is not a SELECT query")
    brace = _first_brace(text)
    head, body = text[:brace].rstrip(), text[brace + 1 :]
    head = re.sub(r"\s*\bWHERE$", "", head, flags=re.IGNORECASE)
    words = {word.group(0).upper() for _, word in _words(text)}
    for keyword in _FORBIDDEN:
        if keyword in words:
            raise _Unsupported(f"the query uses {keyword}")
    if "FROM" in words:
        raise _Unsupported("the query names its own dataset (FROM)")
    modifiers = text[_outer_end(text) :]
    grouped = re.search(r"\bGROUP\s+BY\b", modifiers, re.IGNORECASE)
    aggregates = {word.group(0).upper() for _, word in _words(head)} & set(_AGGREGATES)
    if (grouped or aggregates) and not re.search(
        r"GROUP\s+BY[^{}]*[?$]this\b", modifiers, re.IGNORECASE
    ):
        raise _Unsupported("the query aggregates without grouping by $this")
    return _Select(own, head, body)


def _outer_end(text: str) -> int:
    """The offset just after the ``}`` that closes the WHERE group of ``text``."""
    depth, position = 0, 0
    while position < len(text):
        skipped = _SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    raise _Unsupported("the WHERE group of the query is not closed")


def _projects_this(head: str) -> bool:
    projection = head[_SELECT.match(head).end() :]
    return projection.strip().startswith("*") or any(
        w.group(0)[0] in "?$" and w.group(0)[1:] == "this" for _, w in _words(projection)
    )


# --- targets ----------------------------------------------------------------------------------


def _targets(shapes: Graph, shape: Node, prefixes: dict[str, str]) -> str:
    """The focus nodes of ``shape`` as a group pattern binding ``?this`` (each node once)."""
    branches = []
    classes = set(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.add(shape)
    for cls in sorted(classes, key=str):
        branches.append(f"?this {RDF.type.n3()}/{RDFS.subClassOf.n3()}* {_term(cls)} .")
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=lambda n: n.n3())
    if nodes:
        branches.append(f"VALUES ?this {{ {' '.join(_term(n) for n in nodes)} }}")
    for predicate in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        branches.append(f"?this {_term(predicate)} ?_imtkg_object .")
    for predicate in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        branches.append(f"?_imtkg_subject {_term(predicate)} ?this .")
    for target in sorted(shapes.objects(shape, SH.target), key=lambda n: n.n3()):
        if _is_true(shapes, target, SH.deactivated):
            continue
        if (target, SH.select, None) not in shapes:
            raise _Unsupported(f"the target {target} is not a SPARQL target with sh:select")
        select = _split(_text(shapes, target, SH.select), _prefixes(shapes, target), target)
        if not _projects_this(select.head):
            raise _Unsupported(f"the SPARQL target {target} does not select ?this")
        _merge_prefixes(prefixes, select.prefixes, target)
        branches.append(f"{select.head} WHERE {{{select.body}")
    union = "\n    UNION\n".join(f"    {{ {branch} }}" for branch in branches)
    return f"  {{ SELECT DISTINCT ?this WHERE {{\n{union}\n  }} }}\n"


# --- compiling --------------------------------------------------------------------------------


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    found = sorted(
        (m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)), key=lambda m: m.n3()
    )
    return tuple(found)


def _components(shapes: Graph) -> list[URIRef]:
    """The SPARQL-based constraint components declared in the shapes graph."""
    return sorted(
        (c for c in shapes.subjects(RDF.type, SH.ConstraintComponent) if isinstance(c, URIRef)), key=str
    )


def _parameters(shapes: Graph, component: Node) -> list[tuple[str, URIRef, bool]]:
    """The parameters of a component: variable name, path, whether optional."""
    found = []
    for parameter in shapes.objects(component, SH.parameter):
        path = shapes.value(parameter, SH.path)
        if not isinstance(path, URIRef):
            raise InputError(f"shapes: the parameter {parameter} of {component} has no IRI sh:path")
        name = re.split(r"[#/:]", str(path))[-1]
        found.append((name, path, _is_true(shapes, parameter, SH.optional)))
    return sorted(found)


class _Compiler:
    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.components = _components(shapes)
        self.checks: list[Check] = []
        self.unchecked: list[Unchecked] = []

    def run(self) -> CompiledShapes:
        shapes = self.shapes
        tops = {s for p in _TARGETS for s in shapes.subjects(p, None)}
        tops |= {
            s
            for cls in (RDFS.Class, OWL.Class)
            for s in shapes.subjects(RDF.type, cls)
            if (s, RDF.type, SH.NodeShape) in shapes or (s, RDF.type, SH.PropertyShape) in shapes
        }
        for shape in sorted(tops, key=lambda n: n.n3()):
            if _is_true(shapes, shape, SH.deactivated):
                continue
            prefixes: dict[str, str] = {}
            try:
                target = _targets(shapes, shape, prefixes)
            except _Unsupported as error:
                self.unchecked.append(Unchecked(shape, str(error)))
                continue
            self.shape(shape, target, prefixes, shapes.value(shape, SH.path))
            for member in sorted(shapes.objects(shape, SH.property), key=lambda n: n.n3()):
                if _is_true(shapes, member, SH.deactivated):
                    continue
                path = shapes.value(member, SH.path)
                if path is None:
                    self.unchecked.append(Unchecked(member, "a property shape without sh:path"))
                    continue
                self.shape(member, target, prefixes, path)
        return CompiledShapes(shapes, tuple(self.checks), tuple(self.unchecked))

    def shape(self, shape: Node, target: str, prefixes: dict[str, str], path: Node | None) -> None:
        """Compile the SPARQL-based constraints of ``shape``; list what is left out."""
        shapes = self.shapes
        names = shapes.namespace_manager
        core = sorted(p.n3(names) for p in CORE_PARAMETERS if (shape, p, None) in shapes)
        if path is not None and (shape, SH.property, None) in shapes:
            core.append("sh:property")
        if core:
            self.unchecked.append(Unchecked(shape, f"SHACL Core constraints ({', '.join(core)})"))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=lambda n: n.n3()):
            if _is_true(shapes, constraint, SH.deactivated):
                continue
            try:
                self.checks.append(
                    self.sparql(shape, constraint, target, prefixes, path, severity)
                )
            except _Unsupported as error:
                self.unchecked.append(Unchecked(shape, f"the SPARQL constraint {constraint}: {error}"))
        for component in self.components:
            parameters = _parameters(shapes, component)
            if not parameters or not all(
                (shape, p, None) in shapes for _, p, optional in parameters if not optional
            ):
                continue
            try:
                self.checks.append(
                    self.component(shape, component, parameters, target, prefixes, path, severity)
                )
            except _Unsupported as error:
                self.unchecked.append(Unchecked(shape, f"the constraint component {component}: {error}"))

    def assemble(
        self,
        select: _Select,
        target: str,
        prefixes: dict[str, str],
        path: Node | None,
        values: tuple[tuple[str, Node | None], ...],
        where: Node,
    ) -> tuple[str, str, str]:
        """The prologue, head and body of the compiled query of ``select``."""
        merged = dict(select.prefixes)
        _merge_prefixes(merged, prefixes, where)
        head, body = select.head, select.body
        if any(w.group(0) in ("?PATH", "$PATH") for _, w in _words(head + body)):
            if path is None:
                raise _Unsupported("the query uses $PATH in a node shape")
            text = _path_sparql(self.shapes, path)
            head, body = _replace_variable(head, "PATH", text), _replace_variable(body, "PATH", text)
        if not _projects_this(head):
            modifier = _SELECT.match(head).end()
            head = f"{head[:modifier]}?this {head[modifier:]}"
        if values:
            names = " ".join(f"?{name}" for name, _ in values)
            row = " ".join(_term(v) if v is not None else "UNDEF" for _, v in values)
            target += f"  VALUES ({names}) {{ ({row}) }}\n"
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(merged.items()))
        compiled = f"{prologue}{head}\nWHERE {{\n{target}{body}"
        try:
            ox.Store().query(compiled)  # parsed (and run on nothing) by Oxigraph: SPARQL 1.1 only
        except SyntaxError as error:
            raise InputError(
                f"shapes: the SPARQL query of {where} is not valid SPARQL 1.1 ({error})"
            ) from None
        return prologue, head, "\n" + target + body

    def sparql(
        self,
        shape: Node,
        constraint: Node,
        target: str,
        prefixes: dict[str, str],
        path: Node | None,
        severity: URIRef,
    ) -> Check:
        shapes = self.shapes
        if (constraint, SH.select, None) not in shapes:
            raise _Unsupported("it has no sh:select")
        select = _split(_text(shapes, constraint, SH.select), _prefixes(shapes, constraint), constraint)
        prologue, head, body = self.assemble(select, target, prefixes, path, (), constraint)
        return Check(
            shape=shape,
            constraint=constraint,
            component=SH.SPARQLConstraintComponent,
            severity=severity,
            path=path,
            node_shape=path is None,
            messages=tuple(dict.fromkeys(_messages(shapes, constraint) + _messages(shapes, shape))),
            fixed_messages=(),
            parameters=(),
            prologue=prologue,
            head=head,
            body=body,
        )

    def component(
        self,
        shape: Node,
        component: URIRef,
        parameters: list[tuple[str, URIRef, bool]],
        target: str,
        prefixes: dict[str, str],
        path: Node | None,
        severity: URIRef,
    ) -> Check:
        shapes = self.shapes
        if path is not None:
            raise _Unsupported("a component on a property shape")
        validator = shapes.value(component, SH.nodeValidator)
        if validator is None or (validator, SH.select, None) not in shapes:
            raise _Unsupported("it has no sh:nodeValidator with sh:select (an ASK validator?)")
        values = []
        for name, parameter, _ in parameters:
            found = list(shapes.objects(shape, parameter))
            if len(found) > 1:
                raise _Unsupported(f"the shape has {len(found)} values of {parameter}")
            values.append((name, found[0] if found else None))
        select = _split(_text(shapes, validator, SH.select), _prefixes(shapes, validator), validator)
        prologue, head, body = self.assemble(select, target, prefixes, None, tuple(values), validator)
        return Check(
            shape=shape,
            constraint=validator,
            component=component,
            severity=severity,
            path=None,
            node_shape=True,
            messages=_messages(shapes, validator),
            fixed_messages=tuple(dict.fromkeys(_messages(shapes, shape) + _messages(shapes, component))),
            parameters=tuple(values),
            prologue=prologue,
            head=head,
            body=body,
        )


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile the SPARQL-based constraints of ``shapes`` (see the module's documentation).

    Raises :class:`InputError` for a malformed shapes graph (a query that is not SPARQL 1.1, a
    sh:declare without prefix); what is well formed but not compiled is in ``unchecked``.
    """
    return _Compiler(shapes).run()


# --- running ----------------------------------------------------------------------------------


def store_select(store: ox.Store) -> Select:
    """A :data:`Select` on the default graph of a pyoxigraph store."""
    return lambda query: oxstore_select(store, query)


def endpoint_select(
    endpoint: str, *, timeout: float = 300.0, environ: Mapping[str, str] | None = None
) -> Select:
    """A :data:`Select` on a SPARQL 1.1 endpoint (:func:`imtkg.endpoint.select_remote`)."""
    from .endpoint import select_remote

    return lambda query: select_remote(endpoint, query, timeout=timeout, environ=environ)


@dataclass(frozen=True)
class _Result:
    check: Check
    focus: Node
    value: Node | None
    path: Node | None
    messages: tuple[Literal, ...]


def _literally(value: Node) -> str:
    """The text of ``value`` as a replacement for :func:`re.sub` (backslashes kept as they are)."""
    return str(value).replace("\\", "\\\\")


def _fill_sparql(message: str, fields: dict[str, Node]) -> str:
    """``{$var}``/``{?var}`` replaced by the values' text, every occurrence, as pySHACL does."""
    for name, value in fields.items():
        message = re.sub("{[?$]" + re.escape(name) + "}", _literally(value), message)
    return message


def _fill_component(message: Literal, fields: dict[str, Node]) -> Literal:
    """A component message with its parameters filled in (the literal keeps its language)."""
    text = str(message)
    for _, name in re.findall(r"({[$?]([^{}]+)})", text):
        if name in fields:
            text = re.sub(r"{[$?]" + re.escape(name) + "}", _literally(fields[name]), text, count=1)
    return Literal(text, lang=message.language, datatype=message.datatype)


def _results(
    check: Check, variables: tuple[str, ...], rows: list[tuple[Node | None, ...]]
) -> list[_Result]:
    """The results of one check from the rows of its query, deduplicated as pySHACL does."""
    found: dict[tuple, _Result] = {}
    for row in rows:
        bound = {name: value for name, value in zip(variables, row, strict=True) if value is not None}
        if "failure" in bound:
            raise InputError(f"the SPARQL-based constraint {check.constraint} reports ?failure")
        this, path, value = (bound.get(name) for name in _SPECIAL)
        if this is None:
            continue
        if check.is_component:
            key: tuple = (this, path, value)
            fields: dict[str, Node] = {n: v for n, v in check.parameters if v is not None}
            fields.update(this=this, value=value if value is not None else this)
            if path is not None:
                fields["path"] = path
            messages = check.fixed_messages + tuple(_fill_component(m, fields) for m in check.messages)
            if not messages:
                messages = (Literal(_GENERIC_COMPONENT_MESSAGE),)
            value = value if value is not None else this
        else:
            key = tuple(sorted((n, v.n3()) for n, v in bound.items()))
            fields = {n: v for n, v in bound.items() if n not in _SPECIAL}
            fields["this"] = this
            if path is not None:
                fields["path"] = path
            if value is None and check.node_shape:
                value = this
            if value is not None:
                fields["value"] = value
            messages = tuple(Literal(_fill_sparql(str(m), fields)) for m in check.messages)
        result_path = path if path is not None else check.path
        found.setdefault(key, _Result(check, this, value, result_path, messages))
    return list(found.values())


def _report_graph(results: Iterable[_Result], shapes: Graph) -> tuple[bool, Graph]:
    """Whether nothing was found, and a SHACL validation report graph of ``results``."""
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    conforms = True
    for result in results:
        conforms = False
        entry = BNode()
        check = result.check
        report.add((node, SH.result, entry))
        report.add((entry, RDF.type, SH.ValidationResult))
        report.add((entry, SH.focusNode, result.focus))
        report.add((entry, SH.sourceShape, check.shape))
        report.add((entry, SH.resultSeverity, check.severity))
        report.add((entry, SH.sourceConstraintComponent, check.component))
        if not check.is_component:
            report.add((entry, SH.sourceConstraint, check.constraint))
        if result.value is not None:
            report.add((entry, SH.value, result.value))
        if result.path is not None:
            report.add((entry, SH.resultPath, result.path))
            _copy_path(shapes, result.path, report)
        for message in result.messages:
            report.add((entry, SH.resultMessage, message))
    report.add((node, SH.conforms, Literal(conforms, datatype=XSD.boolean)))
    return conforms, report


def _copy_path(shapes: Graph, path: Node, into: Graph) -> None:
    """Copy the triples of a blank-node property path into the report."""
    todo, seen = [path], set()
    while todo:
        current = todo.pop()
        if not isinstance(current, BNode) or current in seen:
            continue
        seen.add(current)
        for predicate, obj in shapes.predicate_objects(current):
            into.add((current, predicate, obj))
            todo.append(obj)


def run_checks(compiled: CompiledShapes, select: Select, graph: str | None = None) -> ValidationReport:
    """Run the compiled checks with ``select`` (on the named ``graph``, else the default graph).

    Returns an :class:`imtkg.validation.ValidationReport` with the results as pySHACL reports
    them (``imtkg.validation.validate`` on the same data and shapes), and its report graph.
    """
    results: list[_Result] = []
    for check in compiled.checks:
        variables, rows = select(check.query(graph))
        results += _results(check, variables, rows)
    conforms, report = _report_graph(results, compiled.shapes)
    text = f"Conforms: {conforms}\nResults ({len(results)}) of {len(compiled.checks)} SPARQL checks\n"
    return report_of(conforms, report, text)



# --- the checks of a project on an endpoint ---------------------------------------------------

#: What the findings read of the graph besides the results: labels, the source and clause of a
#: node (where it is defined), the text and order of a clause.
_CONTEXT_PREDICATES = (
    RDFS.label,
    SKOS.prefLabel,
    DCTERMS.title,
    SH.name,
    DCTERMS.source,
    IMTKG.createdBy,
    IMTKG.text,
    IMTKG.order,
)
_IRI_IN_TEXT = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_BATCH = 500


@dataclass(frozen=True)
class EndpointCheck:
    """The findings of ``imtkg validate --endpoint``, and what the endpoint run leaves out.

    ``unchecked`` are the parts of the obligation shapes that are not compiled; ``skipped`` the
    integrity shapes files, which are not run on the endpoint; ``queries`` the SELECT requests sent.
    """

    findings: Findings
    unchecked: tuple[Unchecked, ...]
    skipped: tuple[Path, ...]
    queries: int


def check_endpoint(
    project: Project,
    endpoint: str,
    settings: ValidationSettings | None = None,
    *,
    graph: str | None = None,
    timeout: float = 300.0,
    environ: Mapping[str, str] | None = None,
) -> EndpointCheck:
    """Run the obligation shapes of ``project`` on the graph a SPARQL endpoint holds.

    The graph is the one ``imtkg push`` loaded: the build, closed under OWL 2 RL, in ``graph``
    (None: the default graph). The obligation shapes (``shapes/obligations-*.ttl`` and any other
    data shape that is not ``integrity-*.ttl``), configured with ``settings`` as
    :func:`imtkg.validation.check` configures them, run as compiled SPARQL queries on the endpoint;
    the meta shapes run here on the project's files. The findings read the labels, sources and
    clause texts they show from the endpoint, so they are those of ``imtkg validate`` on the same
    build. Raises :class:`imtkg.endpoint.EndpointError` when the endpoint cannot be used.
    """
    settings = settings or ValidationSettings()
    settings = replace(settings, as_of=settings.day())
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as error:
            raise InputError(f"--graph {graph!r} is not an absolute IRI ({error})") from None
    integrity = project.integrity_shape_files()
    obligations = [p for p in project.shape_files() if p not in integrity]
    shapes = apply_settings(load_turtle(obligations), settings)
    compiled = compile_shapes(shapes)
    sent = [0]
    remote = endpoint_select(endpoint, timeout=timeout, environ=environ)

    def select(query: str) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
        sent[0] += 1
        return remote(query)

    report = run_checks(compiled, select, graph)
    context = _context(select, graph, report, shapes)
    findings = check_project(project, context, settings, report=(report, shapes))
    integrity_shapes = {str(s) for s in load_turtle(integrity).subjects() if isinstance(s, URIRef)}
    kept = tuple(s for s in findings.shapes if s.shape.key not in integrity_shapes)
    used = {s.group for s in kept} | {f.group for f in findings.findings}
    findings = replace(
        findings, shapes=kept, groups=tuple(g for g in findings.groups if g.id in used)
    )
    return EndpointCheck(findings, compiled.unchecked, tuple(integrity), sent[0])


def _context(select: Select, graph: str | None, report: ValidationReport, shapes: Graph) -> Graph:
    """The triples of the endpoint's graph that the findings read, as a local graph."""
    nodes: set[URIRef] = {c for c in shapes.objects(None, IMTKG.enforcesClause) if isinstance(c, URIRef)}
    for result in report.results:
        nodes.update(n for n in (result.focus, result.value) if isinstance(n, URIRef))
        for match in _IRI_IN_TEXT.finditer(result.message):
            iri = match.group(0)
            while iri:  # as validation.Describer.clean reads it, without trailing punctuation
                nodes.add(URIRef(iri))
                if iri[-1] not in ".,;:)]'":
                    break
                iri = iri[:-1]
    context = new_graph()
    _fetch(select, graph, nodes, context)
    clauses = {o for o in context.objects(None, IMTKG.createdBy) if isinstance(o, URIRef)}
    _fetch(select, graph, clauses - nodes, context)
    return context


def _fetch(select: Select, graph: str | None, nodes: set[URIRef], into: Graph) -> None:
    """Add the triples with the context predicates of ``nodes`` to ``into``, in batches."""
    predicates = " ".join(p.n3() for p in _CONTEXT_PREDICATES)
    source = f"FROM {URIRef(graph).n3()} " if graph is not None else ""
    ordered = sorted(nodes)
    for start in range(0, len(ordered), _BATCH):
        subjects = " ".join(n.n3() for n in ordered[start : start + _BATCH])
        query = (
            f"SELECT ?s ?p ?o {source}WHERE {{ VALUES ?s {{ {subjects} }} "
            f"VALUES ?p {{ {predicates} }} ?s ?p ?o }}"
        )
        for s, p, o in select(query)[1]:
            if s is not None and p is not None and o is not None:
                into.add((s, p, o))
