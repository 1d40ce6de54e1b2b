"""Incremental builds: after a source file changes, redo only what that file touches.

The state of the last build lives in the cache folder (:mod:`imtkg.cache`), under ``state/``:

- ``graph/``: an on-disk Oxigraph store laid out as the fast build's store (the asserted and
  inferred triples in the default graph, the inferred ones also in
  :data:`imtkg.oxstore.INFERRED_GRAPH`), so the views and validation read it as they read a build;
- ``inputs/``: an on-disk store with one named graph per input (the ontology, each data file, each
  ingested source text, the catalogue) holding the triples that input asserts;
- ``state.json``: the fingerprint of every input, what inference needs to know of the last
  closure, the settings of the last validation, its results unit by unit (as SHACL report
  triples), the rows of every view, and what each query reads.

A run compares the fingerprints. When the ontology changed, or the state is missing, of another
imtkg version, or was left half-written by a run that stopped, everything is redone. Otherwise the
named graphs of the changed inputs are replaced, and the default graph follows: a triple leaves it
only when no other input asserts it. Then:

- **Inference** is redone around the changed nodes only: the inferred triples whose subject is a
  node of a changed triple are removed and derived again, with the closed schema of the last full
  closure, from the triples around those nodes. That is exact because the rules of
  :mod:`imtkg.rules` derive a triple about a node from the triples of that node (class and
  property hierarchies, domains, ranges, inverse and symmetric properties) as long as nothing is
  made equal (:func:`local_schema`, :func:`_equalities`). A transitive property, an equality
  (``owl:sameAs``, a second value of a functional property), a changed schema triple or a new
  datatype makes the whole graph be closed again.
- **Validation** keeps the results of every unit of shapes (:class:`Unit`) whose *read set* (the
  predicates and classes of its targets, paths and ``sh:class``, and those its SPARQL reads)
  meets no changed triple of the closed graph. A unit that does has its SHACL Core constraints
  checked again on the focus nodes the change can reach only, on the part of the graph they read,
  and its SPARQL-based constraints on the whole graph, as the queries of
  :mod:`imtkg.sparql_checks`, on the store. A change of the shapes files re-runs every shape; a
  change of the day of the checks or of their ages re-runs the dated shapes.
- **Views** whose SPARQL reads no changed predicate or class keep their rows.

docs/incremental.md has the details and the figures.

:func:`build_incremental` returns the same :class:`imtkg.build.Build` as
:func:`imtkg.build.build_graph` with the fast engine, and a :class:`Work` that says what was done.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from . import __version__, oxstore
from .cache import (
    Cache,
    catalogue_key,
    catalogue_ntriples,
    code_version,
    combined,
    default_cache_dir,
    fingerprint,
    ingested_ntriples,
)
from .errors import InputError
from .graph import new_graph, stamp_version
from .namespaces import IMTKG
from .output import write_text_atomic
from .project import Project
from .queries import Table, load_catalogue, run_query_on_store
from .rules import Schema, close_schema, materialize, materialize_data, schema_graph, tables
from .shape_settings import (
    RECORD_DATES,
    ValidationSettings,
    apply_settings,
    newest_recorded_date_in_store,
)
from .sparql_checks import CORE_PARAMETERS, compile_shapes, run_checks, store_select
from .topquadrant import report_of_graph
from .validation import ValidationReport, validate

__all__ = [
    "Reads",
    "ReadsMemo",
    "Unit",
    "Work",
    "build_incremental",
    "local_schema",
    "shape_units",
    "sparql_reads",
]

#: The layout of ``state/`` this module writes; another layout is never read.
STATE_FORMAT = 1

_INPUT = "urn:imtkg:input:"
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_DEFAULT = ox.DefaultGraph()
_SCHEMA_NAMESPACES = (str(OWL), str(RDFS), str(RDF))
#: Predicates of the RDFS and OWL namespaces that say nothing to a reasoner.
_ANNOTATIONS = frozenset(
    str(p)
    for p in (
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.versionInfo,
        OWL.versionIRI,
        OWL.priorVersion,
        OWL.deprecated,
        OWL.imports,
    )
)
#: The OWL vocabulary whose rules (those of :mod:`imtkg.rules`) derive a triple about a node only
#: from that node's own triples and the schema: class and property hierarchies, domains and
#: ranges, inverse and symmetric properties, unions (through the named classes). Functional
#: properties are local too as long as they make nothing equal (no ``owl:sameAs``, see
#: :func:`_equalities`); transitive and inverse-functional properties are not (:func:`_closure`).
_LOCAL_OWL = (
    frozenset(
        str(term)
        for term in (
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
            OWL.Ontology,
            OWL.NamedIndividual,
            OWL.Thing,
            OWL.Nothing,
            OWL.SymmetricProperty,
            OWL.AsymmetricProperty,
            OWL.IrreflexiveProperty,
            OWL.FunctionalProperty,
            OWL.InverseFunctionalProperty,
            OWL.inverseOf,
            OWL.equivalentClass,
            OWL.equivalentProperty,
            OWL.unionOf,
            OWL.disjointWith,
            OWL.AllDisjointClasses,
            OWL.members,
            OWL.propertyDisjointWith,
            OWL.DeprecatedClass,
            OWL.DeprecatedProperty,
        )
    )
    | _ANNOTATIONS
)
_SAME_AS = ox.NamedNode(str(OWL.sameAs))


# --- what shapes and queries read --------------------------------------------------------------


@dataclass(frozen=True)
class Reads:
    """What a query or a shape reads: predicates (every triple with one), classes (the
    ``rdf:type`` triples with one as object), or everything."""

    predicates: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    everything: bool = False

    def __or__(self, other: Reads) -> Reads:
        return Reads(
            self.predicates | other.predicates,
            self.classes | other.classes,
            self.everything or other.everything,
        )

    def meets(self, changed: Changes) -> bool:
        """Whether a changed triple is one of those read."""
        if not changed.predicates and not changed.classes:
            return False
        if self.everything or self.predicates & changed.predicates:
            return True
        if str(RDF.type) in self.predicates and changed.classes:
            return True
        return bool(self.classes & changed.classes)


EVERYTHING = Reads(everything=True)


def _path_iris(path) -> Iterator[URIRef]:
    """The IRIs of a SPARQL property path (rdflib path objects); raises ValueError on a negated
    path, which reads every predicate."""
    if isinstance(path, URIRef):
        yield path
    elif isinstance(path, InvPath):
        yield from _path_iris(path.arg)
    elif isinstance(path, SequencePath | AlternativePath):
        for arg in path.args:
            yield from _path_iris(arg)
    elif isinstance(path, MulPath):
        yield from _path_iris(path.path)
    elif isinstance(path, NegatedPath):
        raise ValueError("a negated property set reads every predicate")
    else:
        raise ValueError(f"unknown path {path!r}")


def _walk(node) -> Iterator[CompValue]:
    """Every algebra node under ``node``."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)


def _patterns(triples) -> Iterator[tuple]:
    """The triple patterns of a BGP or a TriplesBlock (whose items may run several together)."""
    for item in triples:
        item = list(item)
        if len(item) % 3:
            raise ValueError(f"not triple patterns: {item!r}")
        for start in range(0, len(item), 3):
            yield tuple(item[start : start + 3])


def sparql_reads(text: str, prefixes: dict[str, str] | None = None) -> Reads:
    """What the SPARQL query ``text`` reads of the default graph.

    A triple pattern with a fixed predicate reads that predicate; ``?x rdf:type C`` reads the
    class ``C``; a variable predicate, a negated path, ``GRAPH`` or ``SERVICE``, or a query that
    does not parse, reads everything (so nothing is ever missed).

    >>> reads = sparql_reads("SELECT ?x WHERE { ?x a <urn:C> ; <urn:p>/<urn:q> ?y }")
    >>> sorted(reads.predicates), sorted(reads.classes), reads.everything
    (['urn:p', 'urn:q'], ['urn:C'], False)
    >>> sparql_reads("SELECT * WHERE { ?s ?p ?o }").everything
    True
    """
    try:
        algebra = prepareQuery(text, initNs=prefixes or {}).algebra
    except Exception:  # rdflib raises many kinds of errors on text it cannot read
        return EVERYTHING
    try:
        return _reads(algebra)
    except ValueError:  # a negated property set, or patterns not understood
        return EVERYTHING


def _reads(algebra) -> Reads:
    """What the triple patterns of a query's algebra read (see :func:`sparql_reads`)."""
    predicates: set[str] = set()
    classes: set[str] = set()
    for node in _walk(algebra):
        if node.name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern"):
            return EVERYTHING
        # BGP: a translated group; TriplesBlock: a group inside EXISTS, left untranslated.
        if node.name not in ("BGP", "TriplesBlock"):
            continue
        for _, predicate, obj in _patterns(node.triples):
            if isinstance(predicate, Variable):
                return EVERYTHING
            if predicate == RDF.type:
                if isinstance(obj, URIRef):
                    classes.add(str(obj))
                else:
                    predicates.add(str(RDF.type))
                continue
            predicates.update(str(iri) for iri in _path_iris(predicate))
    return Reads(frozenset(predicates), frozenset(classes))


#: The version of :func:`sparql_reads`: saved read sets of another version are not used.
_READS_FORMAT = "reads-2"


class ReadsMemo:
    """:func:`sparql_reads` of each query text, kept across runs (parsing SPARQL with rdflib takes
    a quarter of a second a query): a JSON-ready mapping from the SHA-256 of the text and its
    prefixes to what it reads."""

    def __init__(self, saved: dict | None = None):
        self.saved: dict[str, dict] = dict(saved or {})
        self.used: dict[str, dict] = {}

    def __call__(self, text: str, prefixes: dict[str, str] | None = None) -> Reads:
        key = combined([_READS_FORMAT, text, json.dumps(prefixes or {}, sort_keys=True)])
        if key not in self.saved:
            reads = sparql_reads(text, prefixes)
            self.saved[key] = {
                "predicates": sorted(reads.predicates),
                "classes": sorted(reads.classes),
                "everything": reads.everything,
            }
        self.used[key] = entry = self.saved[key]
        return Reads(frozenset(entry["predicates"]), frozenset(entry["classes"]), entry["everything"])


@dataclass(frozen=True)
class Unit:
    """The shapes that are checked together: shapes with targets and every shape they use.

    ``reads`` is what checking them reads of the data graph. ``sparql``: they have SPARQL-based
    constraints (or use SPARQL-based constraint components); ``core``: SHACL Core constraints.
    ``local`` says the results of their Core constraints on a focus node depend only on the
    triples along their paths from it, ``depth`` steps at most (``None``: unbounded), and their
    focus nodes can be told one by one: no ``sh:closed``, SPARQL target, ``sh:targetObjectsOf``
    or recursion. ``forward`` and
    ``inverse`` are the predicates their paths follow from the focus node and against their
    direction; ``subject_targets`` and ``object_targets`` the predicates of their
    ``sh:targetSubjectsOf`` and ``sh:targetObjectsOf``. ``dated`` units have parameters
    :func:`apply_settings` sets.
    """

    id: str
    tops: tuple[Node, ...]
    shapes: frozenset[Node]
    reads: Reads
    local: bool
    depth: int | None
    forward: frozenset[str]
    inverse: frozenset[str]
    subject_targets: frozenset[str]
    object_targets: frozenset[str]
    dated: bool
    sparql: bool
    core: bool


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_NESTED = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_NESTED_LISTS = (SH["and"], SH["or"], SH.xone)
_COMPARED = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_SETTINGS = (IMTKG.maxAgeDays, IMTKG.replyWithinDays, IMTKG.asOf)


def _list(graph: Graph, head: Node) -> list[Node]:
    return list(graph.items(head)) if head != RDF.nil else []


@dataclass
class _Path:
    """The predicates a SHACL path follows (forward and inverse) and its length (None: any)."""

    forward: set[str] = field(default_factory=set)
    inverse: set[str] = field(default_factory=set)
    steps: int | None = 0


def _shacl_path(graph: Graph, path: Node, inverted: bool = False) -> _Path:
    """The predicates and the number of steps of the SHACL path ``path``."""
    result = _Path()
    if isinstance(path, URIRef):
        (result.inverse if inverted else result.forward).add(str(path))
        result.steps = 1
        return result
    parts: list[_Path]
    if (path, RDF.first, None) in graph:
        parts = [_shacl_path(graph, step, inverted) for step in _list(graph, path)]
        total = [p.steps for p in parts]
        result.steps = None if None in total else sum(total)
    elif (inverse := graph.value(path, SH.inversePath)) is not None:
        return _shacl_path(graph, inverse, not inverted)
    elif (alternatives := graph.value(path, SH.alternativePath)) is not None:
        parts = [_shacl_path(graph, step, inverted) for step in _list(graph, alternatives)]
        total = [p.steps for p in parts]
        result.steps = None if None in total else max(total, default=0)
    elif (inner := graph.value(path, SH.zeroOrOnePath)) is not None:
        parts = [_shacl_path(graph, inner, inverted)]
        result.steps = parts[0].steps
    else:
        inner = graph.value(path, SH.zeroOrMorePath) or graph.value(path, SH.oneOrMorePath)
        if inner is None:
            raise ValueError(f"not a SHACL path: {path!r}")
        parts = [_shacl_path(graph, inner, inverted)]
        result.steps = None
    for part in parts:
        result.forward |= part.forward
        result.inverse |= part.inverse
    return result


def _prefixes(graph: Graph, node: Node) -> dict[str, str]:
    """The prefixes a SPARQL-based constraint or validator declares (``sh:prefixes``)."""
    declared = {}
    for source in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(source, SH.declare):
            prefix, namespace = (
                graph.value(declaration, SH.prefix),
                graph.value(declaration, SH.namespace),
            )
            if prefix is not None and namespace is not None:
                declared[str(prefix)] = str(namespace)
    return declared


#: The prefixes SHACL engines declare for every SPARQL query (pySHACL), before sh:prefixes.
_SHACL_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "sh": str(SH)}


def _sparql_of(graph: Graph, node: Node, memo: ReadsMemo) -> Reads:
    """What the SPARQL of a constraint, target or validator node reads (everything if it has none)."""
    texts = [*graph.objects(node, SH.select), *graph.objects(node, SH.ask)]
    if not texts:
        return EVERYTHING
    reads = Reads()
    for text in texts:
        reads |= memo(str(text), {**_SHACL_PREFIXES, **_prefixes(graph, node)})
    return reads


def _components(graph: Graph) -> list[tuple[Node, list[Node], list[Node]]]:
    """The SPARQL-based constraint components, their mandatory parameters and their validators."""
    found = []
    for component in set(graph.subjects(RDF.type, SH.ConstraintComponent)):
        mandatory = [
            graph.value(parameter, SH.path)
            for parameter in graph.objects(component, SH.parameter)
            if graph.value(parameter, SH.optional) != Literal(True)
        ]
        validators = [
            v
            for predicate in (SH.validator, SH.nodeValidator, SH.propertyValidator)
            for v in graph.objects(component, predicate)
        ]
        found.append((component, mandatory, validators))
    return found


def _applies(shapes: Graph, shape: Node, mandatory: list[Node]) -> bool:
    """Whether a constraint component with these mandatory parameters applies to ``shape``."""
    return bool(mandatory) and all((shape, p, None) in shapes for p in mandatory)


def shape_units(shapes: Graph, subclasses, memo: ReadsMemo | None = None) -> list[Unit]:
    """The units of ``shapes`` (configured shapes graph), in a fixed order.

    ``subclasses(iri)`` gives a class IRI with all its subclasses in the data graph (a SHACL
    class check reads the types of a node through ``rdfs:subClassOf``).
    """
    memo = memo if memo is not None else ReadsMemo()
    components = _components(shapes)
    tops: set[Node] = set()
    for predicate in _TARGETS:
        tops.update(shapes.subjects(predicate, None))
    implicit = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if (s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes
    }
    tops |= implicit

    def nested(shape: Node) -> list[Node]:
        found = [o for p in _NESTED for o in shapes.objects(shape, p)]
        for p in _NESTED_LISTS:
            for head in shapes.objects(shape, p):
                found += _list(shapes, head)
        return found

    closure: dict[Node, set[Node]] = {}
    cyclic: set[Node] = set()
    for top in tops:
        seen, stack = {top}, [top]
        while stack:
            for child in nested(stack.pop()):
                if child == top:
                    cyclic.add(top)
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        closure[top] = seen
    # Units: tops that share a shape are checked together.
    owner: dict[Node, Node] = {}
    groups: dict[Node, set[Node]] = {}
    for top in sorted(tops, key=str):
        merged = {top}
        members = set(closure[top])
        for shape in closure[top]:
            if shape in owner and owner[shape] in groups:
                other = owner[shape]
                merged |= groups.pop(other)
                members |= {s for t in merged for s in closure[t]}
        for shape in members:
            owner[shape] = top
        for t in merged:
            owner[t] = top
        groups[top] = merged
    units = []
    for group in groups.values():
        members = set().union(*(closure[t] for t in group))
        units.append(
            _unit(shapes, tuple(sorted(group, key=str)), members, components, subclasses, cyclic, memo)
        )
    return sorted(units, key=lambda u: u.id)


def _unit(shapes: Graph, tops, members, components, subclasses, cyclic, memo: ReadsMemo) -> Unit:
    reads = Reads()
    local = not (set(tops) & cyclic)
    forward: set[str] = set()
    inverse: set[str] = set()
    subject_targets: set[str] = set()
    object_targets: set[str] = set()
    depth: int | None = 0
    dated = sparql = core = False

    def classes(iri: Node) -> Reads:
        # A SHACL class check reads the types of a node and rdfs:subClassOf in the data graph.
        return Reads(frozenset({str(RDFS.subClassOf)}), frozenset(subclasses(str(iri))))

    for shape in members:
        for cls in shapes.objects(shape, SH.targetClass):
            reads |= classes(cls)
        if shape in tops and (
            (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes
        ):
            reads |= classes(shape)
        for p in shapes.objects(shape, SH.targetSubjectsOf):
            reads |= Reads(predicates=frozenset({str(p)}))
            subject_targets.add(str(p))
        for p in shapes.objects(shape, SH.targetObjectsOf):
            reads |= Reads(predicates=frozenset({str(p)}))
            object_targets.add(str(p))
            local = False  # its focus nodes may be literals, which no path leads back to
        for target in shapes.objects(shape, SH.target):
            reads |= _sparql_of(shapes, target, memo)
            local = False
        for path in shapes.objects(shape, SH.path):
            try:
                walked = _shacl_path(shapes, path)
            except ValueError:
                reads, local = EVERYTHING, False
                continue
            forward |= walked.forward
            inverse |= walked.inverse
            reads |= Reads(predicates=frozenset(walked.forward | walked.inverse))
            depth = None if depth is None or walked.steps is None else depth + walked.steps
        for cls in shapes.objects(shape, SH["class"]):
            reads |= classes(cls)
        for predicate in _COMPARED:
            for p in shapes.objects(shape, predicate):
                forward.add(str(p))
                reads |= Reads(predicates=frozenset({str(p)}))
                depth = None if depth is None else depth + 1
        if shapes.value(shape, SH.closed) == Literal(True):
            reads, local = EVERYTHING, False
        for constraint in shapes.objects(shape, SH.sparql):
            reads |= _sparql_of(shapes, constraint, memo)
            sparql = True
        for _, mandatory, validators in components:
            if _applies(shapes, shape, mandatory):
                for validator in validators:
                    reads |= _sparql_of(shapes, validator, memo)
                sparql = True
        core = core or any((shape, p, None) in shapes for p in CORE_PARAMETERS)
        dated = dated or any((shape, p, None) in shapes for p in _SETTINGS)
    if depth is not None:
        depth += 1  # the types of the last nodes reached (sh:class)
    return Unit(
        str(tops[0]),
        tops,
        frozenset(members),
        reads,
        local,
        depth,
        frozenset(forward),
        frozenset(inverse),
        frozenset(subject_targets),
        frozenset(object_targets),
        dated,
        sparql,
        core,
    )


# --- what changed --------------------------------------------------------------------------------

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


@dataclass
class Changes:
    """The triples of the closed graph that a run added or removed: their predicates and classes
    (what they are read by), and their subjects and objects by predicate, and the typed nodes by
    class (where a check may start reading them)."""

    predicates: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    subjects: dict[str, set] = field(default_factory=dict)
    objects: dict[str, set] = field(default_factory=dict)
    typed: dict[str, set] = field(default_factory=dict)
    count: int = 0

    def add(self, triple: Triple) -> None:
        s, p, o = triple
        self.count += 1
        if p == _RDF_TYPE:
            self.classes.add(o.value)
            self.typed.setdefault(o.value, set()).add(s)
        else:
            self.predicates.add(p.value)
        self.subjects.setdefault(p.value, set()).add(s)
        if not isinstance(o, ox.Literal):
            self.objects.setdefault(p.value, set()).add(o)

    def seeds(self, unit: Unit) -> set:
        """The nodes where checking the unit's shapes reads a changed triple: the subject of a
        triple its paths follow forward (or a subject target's), the object of one they follow
        backward (or an object target's), a node whose type it reads."""
        found: set = set()
        for predicate in unit.forward | unit.subject_targets:
            found |= self.subjects.get(predicate, set())
        for predicate in unit.inverse | unit.object_targets:
            found |= self.objects.get(predicate, set())
        every_type = str(RDF.type) in unit.reads.predicates
        for cls, nodes in self.typed.items():
            if every_type or cls in unit.reads.classes:
                found |= nodes
        return found


@dataclass
class Work:
    """What a run of :func:`build_incremental` did.

    ``full``: why everything was redone, or ``None``. ``changed``: the inputs whose triples
    changed (added, edited, removed). ``triples_changed``: triples added to or removed from the
    closed graph. ``inference``: ``none``, ``local`` or ``full``. ``shapes_kept``: units whose
    results were all kept; ``shapes_whole``: units checked again on the whole graph (by the SHACL
    engine, or their SPARQL-based constraints by compiled queries); ``shapes_focused``: units
    whose Core constraints were checked again on some focus nodes, with how many (0: none was
    reached, only results about nodes no longer targeted went). ``views_run``: the views run
    again. ``seconds``: how long each stage took (``graph``: the inputs and inference;
    ``validation``, with the time of the engine on the whole graph, of the compiled SPARQL and of
    the engine on focus nodes; ``views``; ``total``).
    """

    full: str | None = None
    changed: tuple[str, ...] = ()
    triples_changed: int = 0
    inference: str = "none"
    shapes_kept: int = 0
    shapes_whole: tuple[str, ...] = ()
    shapes_focused: dict[str, int] = field(default_factory=dict)
    views_run: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)


# --- the inputs and the state ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    name: str
    kind: str
    path: Path
    fingerprint: str


def _inputs(project: Project, catalogue: Path | None) -> dict[str, _Input]:
    """Every input of a build, by name, with its fingerprint."""
    root = project.root
    found: dict[str, _Input] = {}

    def relative(path: Path) -> str:
        return path.relative_to(root).as_posix()

    def group(paths: list[Path]) -> str:
        return combined([f"{relative(p)} {fingerprint(p)}" for p in paths])

    ontology_files = project.ontology_files()
    found["ontology"] = _Input("ontology", "ontology", project.ontology_dir, group(ontology_files))
    found["shapes"] = _Input("shapes", "shapes", project.shapes_dir, group(project.shape_files()))
    found["queries"] = _Input("queries", "queries", project.queries_dir, group(project.query_files()))
    for path in project.data_files():
        found[relative(path)] = _Input(relative(path), "data", path, fingerprint(path))
    for path in project.source_texts():
        found[relative(path)] = _Input(relative(path), "source", path, fingerprint(path))
    if catalogue is not None:
        path = Path(catalogue)
        if not path.exists():
            raise InputError(f"{path}: no such catalogue file or folder")
        # The name counts too: the commit it carries is in every edition's dct:source.
        found["catalogue"] = _Input("catalogue", "catalogue", path, catalogue_key(path))
    return found


def _turtle(paths: Iterable[Path]) -> Graph:
    """Turtle files parsed by Oxigraph into one rdflib graph (the triples
    :func:`imtkg.graph.load_turtle` gives, ten times faster; errors name the file and line)."""
    store = ox.Store()
    for path in paths:
        oxstore.load_file(store, path)
    return oxstore.to_graph(store, into=new_graph())


def _graph_name(name: str) -> ox.NamedNode:
    from urllib.parse import quote

    return ox.NamedNode(_INPUT + quote(name, safe="/-_.~"))


def _triples(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> set[Triple]:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


def _parse(data: bytes) -> set[Triple]:
    """The triples of N-Triples bytes."""
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return _triples(store, _DEFAULT)


def _quads(triples: Iterable[Triple], graph) -> list[ox.Quad]:
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def _term_json(term: Node | None):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"iri": str(term)}
    if isinstance(term, BNode):
        return {"bnode": str(term)}
    value = {"literal": str(term)}
    if term.language:
        value["lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def _json_term(value) -> Node | None:
    if value is None:
        return None
    if "iri" in value:
        return URIRef(value["iri"])
    if "bnode" in value:
        return BNode(value["bnode"])
    datatype = value.get("datatype")
    return Literal(
        value["literal"], lang=value.get("lang"), datatype=URIRef(datatype) if datatype else None
    )


#: The stores of the state folders this process has opened (a store is opened once per process).
_OPEN: dict[Path, tuple[ox.Store, ox.Store]] = {}


def forget_open_states() -> int:
    """Let go of the stores of the cache folders this process has opened (each keeps some fifty
    files open); they close once no build refers to them. For a process that builds many projects
    (a test session, a service). Returns how many folders were open."""
    count = len(_OPEN)
    _OPEN.clear()
    return count


class _State:
    """The state folder: the two stores and ``state.json``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.file = folder / "state.json"

    def read(self) -> dict | None:
        """``state.json`` if it is complete and of this version, else ``None``."""
        try:
            state = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            not isinstance(state, dict)
            or state.get("format") != STATE_FORMAT
            or state.get("version") != code_version()
            or state.get("status") != "complete"
        ):
            return None
        return state

    def write(self, state: dict) -> None:
        write_text_atomic(self.file, json.dumps(state, sort_keys=True) + "\n")

    def mark_unfinished(self, state: dict) -> None:
        """Say, before a store changes, that the state is not to be trusted until written again."""
        self.write({**state, "status": "unfinished"})

    def reset(self) -> tuple[ox.Store, ox.Store]:
        """Empty stores (and no ``state.json`` until the run that fills them ends)."""
        self.file.unlink(missing_ok=True)
        graph, inputs = self.open()
        graph.clear()
        inputs.clear()
        return graph, inputs

    def open(self) -> tuple[ox.Store, ox.Store]:
        """The two stores (opened once per process). A store that cannot be read (a folder
        half-deleted, a disk error) is thrown away and made anew; one that another process holds
        is an error."""
        key = self.folder.resolve()
        if key not in _OPEN:
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                _OPEN[key] = self._stores()
            except OSError as error:
                if "lock" in str(error).lower():
                    raise InputError(
                        f"{self.folder}: the build state is in use by another imtkg process "
                        f"({error}); wait for it, or give another cache folder"
                    ) from None
                self._discard()
            except RuntimeError:  # pyoxigraph reports a corrupt store so
                self._discard()
            if key not in _OPEN:
                _OPEN[key] = self._stores()
        return _OPEN[key]

    def _stores(self) -> tuple[ox.Store, ox.Store]:
        return ox.Store(str(self.folder / "graph")), ox.Store(str(self.folder / "inputs"))

    def _discard(self) -> None:
        self.file.unlink(missing_ok=True)
        for name in ("graph", "inputs"):
            shutil.rmtree(self.folder / name, ignore_errors=True)


# --- the run ----------------------------------------------------------------------------------------


def _settings(settings: ValidationSettings | None, newest: date | None) -> ValidationSettings:
    if settings is None:
        settings = ValidationSettings(as_of=newest)
    return replace(settings, as_of=settings.day())


def _settings_json(settings: ValidationSettings) -> dict:
    return {
        "as_of": settings.day().isoformat(),
        "max_roadmap_age_days": settings.max_roadmap_age_days,
        "reply_within_days": settings.reply_within_days,
    }


def local_schema(schema: Graph) -> bool:
    """Whether every OWL term the schema uses is one of those whose rules are local (see the
    module's documentation), so that inference can be redone around changed nodes only."""
    for _, p, o in schema:
        for term in (p, o) if p == RDF.type else (p,):
            if str(term).startswith(str(OWL)) and str(term) not in _LOCAL_OWL:
                return False
    return True


def _closure(store: ox.Store, ontology: Graph) -> dict:
    """What incremental inference needs to know of the closed default graph of ``store``: whether
    it can be redone locally, and the (inverse-)functional properties to watch (SPARQL terms)."""
    schema = schema_graph(store, ontology)
    closed = tables(close_schema(schema))
    found = {
        # An inverse-functional property joins the subjects of one value, which may be a literal
        # (no node around which to look); a transitive one joins chains.
        "local": local_schema(schema) and not closed.transitive and not closed.inverse_functional,
        "functional": sorted(closed.functional),
        "inverse_functional": sorted(closed.inverse_functional),
    }
    found["local"] = found["local"] and not _equalities(store, found)
    found["schema"] = {
        name: sorted(list(item) if isinstance(item, tuple) else item for item in getattr(closed, name))
        for name in Schema.__dataclass_fields__
    }
    found["datatypes"] = sorted(
        row["d"].value
        for row in store.query(
            "SELECT DISTINCT (DATATYPE(?o) AS ?d) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
        )
    )
    return found


def _datatypes_changed(store: ox.Store, changed: Iterable[Triple], used: Iterable[str]) -> bool:
    """Whether the datatypes the literals of the default graph have are no longer ``used``, after
    ``changed`` (the schema closure types each of them)."""
    known = set(used)
    for datatype in {o.datatype for _, _, o in changed if isinstance(o, ox.Literal)}:
        if datatype.value not in known:
            return True
        if not store.query(f"ASK {{ ?s ?p ?o FILTER(isLiteral(?o) && DATATYPE(?o) = {datatype}) }}"):
            return True
    return False


def _schema(closure: dict) -> Schema:
    """The closed schema's tables saved by :func:`_closure`."""
    return Schema(
        **{
            name: frozenset(tuple(item) if isinstance(item, list) else item for item in items)
            for name, items in closure["schema"].items()
        }
    )


def _equalities(store: ox.Store, closure: dict) -> bool:
    """Whether the default graph of ``store`` makes two terms equal: an ``owl:sameAs`` triple, two
    values of a functional property on one node, one value of an inverse-functional property
    on two nodes. Then inference is not local, and is redone on the whole graph."""
    if next(store.quads_for_pattern(None, _SAME_AS, None, _DEFAULT), None) is not None:
        return True
    for key, pattern in (
        ("functional", "?x ?p ?y . ?x ?p ?z"),
        ("inverse_functional", "?y ?p ?x . ?z ?p ?x"),
    ):
        if closure[key]:
            values = " ".join(closure[key])
            if store.query(f"ASK {{ VALUES ?p {{ {values} }} {pattern} FILTER(!sameTerm(?y, ?z)) }}"):
                return True
    return False


def _schema_triple(triple: Triple) -> bool:
    """Whether a data triple says something to the reasoner about the schema (a class, a
    property, ``owl:sameAs``): then local inference is not enough."""
    _, p, o = triple
    if p == _RDF_TYPE:
        return isinstance(o, ox.NamedNode) and o.value.startswith(_SCHEMA_NAMESPACES)
    return p.value.startswith(_SCHEMA_NAMESPACES) and p.value not in _ANNOTATIONS


class _Run:
    """One run of :func:`build_incremental`."""

    def __init__(self, project: Project, catalogue: Path | None, settings, cache: Cache):
        self.project = project
        self.catalogue = catalogue
        self.requested = settings
        self.cache = cache
        self.state = _State(cache.root / "state")
        self.work = Work()
        self.memo = ReadsMemo()
        self.inputs = _inputs(project, catalogue)
        self.ontology = _turtle(project.ontology_files())
        stamp_version(self.ontology, __version__)

    # inputs → triples

    def input_ntriples(self, item: _Input) -> bytes:
        """The triples an input asserts, as N-Triples (the slow ones made once, in the cache)."""
        if item.kind == "data":
            store = ox.Store()
            oxstore.load_file(store, item.path)
            return oxstore.ntriples(store)
        if item.kind == "catalogue":
            return catalogue_ntriples(self.cache, item.path)
        if item.kind == "source":
            ontology = self.inputs["ontology"].fingerprint
            return ingested_ntriples(self.cache, item.path, self.project, ontology)
        raise ValueError(f"not an input with triples: {item.name}")

    def ingested(self) -> dict[str, Graph]:
        ontology = self.inputs["ontology"].fingerprint
        graphs = {}
        for item in self.inputs.values():
            if item.kind == "source":
                data = ingested_ntriples(self.cache, item.path, self.project, ontology)
                graphs[item.path.stem] = new_graph().parse(data=data, format="nt")
        return graphs

    # the whole build

    def full(self, reason: str) -> ox.Store:
        """Build everything: in memory (Oxigraph's on-disk store is slow at many small updates),
        then copied into the state's stores in bulk; return the store in memory (the same
        triples, faster to read for the rest of this run)."""
        self.work.full = reason
        self.work.inference = "full"
        graph, inputs = self.state.reset()
        memory = ox.Store()
        names = [_graph_name("ontology")]
        memory.extend(oxstore.quads_of(self.ontology, names[0]))
        for item in self.inputs.values():
            if item.kind in ("data", "source", "catalogue"):
                names.append(_graph_name(item.name))
                memory.load(self.input_ntriples(item), format=ox.RdfFormat.N_TRIPLES, to_graph=names[-1])
        # Copied inside the store, so that a blank node is the same in its input's graph and in
        # the default graph (each parse labels blank nodes anew).
        for name in names:
            memory.update(f"ADD {name} TO DEFAULT")
        materialize(memory, self.ontology)
        self.closure = _closure(memory, self.ontology)
        for name in names:
            inputs.bulk_extend(memory.quads_for_pattern(None, None, None, name))
            memory.remove_graph(name)
        graph.bulk_extend(memory.quads_for_pattern(None, None, None, None))
        self.work.changed = tuple(sorted(n for n, i in self.inputs.items() if i.kind != "ontology"))
        return memory

    # the incremental build

    def update(self, graph: ox.Store, inputs: ox.Store, previous: dict) -> Changes:
        """Replace the changed inputs' triples; redo inference around them; the changes of the
        closed graph."""
        old = previous["inputs"]
        names = sorted(
            n
            for n in set(old) | set(self.inputs)
            if n not in ("ontology", "shapes", "queries")
            and (n not in self.inputs or old.get(n) != self.inputs[n].fingerprint)
        )
        self.work.changed = tuple(names)
        # Read every changed input first: a malformed file stops the run before a store changes.
        now = {
            name: self.input_ntriples(self.inputs[name]) if name in self.inputs else b""
            for name in names
        }
        self.state.mark_unfinished(previous)
        added: set[Triple] = set()
        removed: set[Triple] = set()
        for name, data in now.items():
            # Compared as N-Triples lines (Oxigraph writes a triple the same way each time), but
            # a blank node gets a new label at each parse: then as the store's own terms.
            name_node = _graph_name(name)
            before = set(oxstore.ntriples(inputs, name_node).splitlines())
            after = set(data.splitlines())
            if any(b"_:" in line for line in before - after):
                old_triples, new_triples = _triples(inputs, name_node), _parse(data)
                gone, new = old_triples - new_triples, new_triples - old_triples
            else:
                gone, new = _parse(b"\n".join(before - after)), _parse(b"\n".join(after - before))
            if name in self.inputs:
                inputs.extend(_quads(new, name_node))
                for quad in _quads(gone, name_node):
                    inputs.remove(quad)
            else:
                inputs.remove_graph(name_node)
            removed |= gone
            added |= new
        removed -= added  # moved from one file to another
        in_default = {t: ox.Quad(*t, _DEFAULT) in graph for t in removed | added}
        for triple in removed:
            if not self._asserted(inputs, triple):
                graph.remove(ox.Quad(*triple, _DEFAULT))
        for triple in added:
            graph.add(ox.Quad(*triple, _DEFAULT))
            graph.remove(ox.Quad(*triple, oxstore.INFERRED_GRAPH))
        deleted, derived = self.infer(graph, removed | added)
        changes = Changes()
        for triple in removed | added | deleted | derived:
            before = in_default.get(triple, triple in deleted)
            if before != (ox.Quad(*triple, _DEFAULT) in graph):
                changes.add(triple)
        self.work.triples_changed = changes.count
        return changes

    @staticmethod
    def _asserted(inputs: ox.Store, triple: Triple) -> bool:
        s, p, o = triple
        return any(True for _ in inputs.quads_for_pattern(s, p, o, None))

    def infer(self, graph: ox.Store, changed: set[Triple]) -> tuple[set[Triple], set[Triple]]:
        """Redo inference after ``changed`` (asserted triples added to or removed from the default
        graph): the inferred triples deleted and those derived (some may be both)."""
        if not changed:
            return set(), set()
        if (
            not self.closure["local"]
            or "schema" not in self.closure
            or any(_schema_triple(t) for t in changed)
            or _datatypes_changed(graph, changed, self.closure["datatypes"])
        ):
            return self.infer_all(graph)
        nodes = set()
        for s, p, o in changed:
            nodes.add(s)
            if p != _RDF_TYPE and not isinstance(o, ox.Literal):
                nodes.add(o)
        deleted = {
            quad.triple
            for node in nodes
            for quad in graph.quads_for_pattern(node, None, None, oxstore.INFERRED_GRAPH)
        }
        if any(_schema_triple(t) for t in deleted):  # schema closure about a changed node
            return self.infer_all(graph)
        for triple in deleted:
            graph.remove(ox.Quad(*triple, oxstore.INFERRED_GRAPH))
            graph.remove(ox.Quad(*triple, _DEFAULT))
        # Around the changed nodes, the default graph now holds asserted triples, and inferred
        # ones whose derivation does not involve a changed triple: all true after the change.
        seed = ox.Store()
        for node in nodes:
            seed.extend(graph.quads_for_pattern(node, None, None, _DEFAULT))
            seed.extend(
                q
                for q in graph.quads_for_pattern(None, None, node, _DEFAULT)
                if q.predicate != _RDF_TYPE
            )
        materialize_data(seed, _schema(self.closure))
        if _equalities(seed, self.closure) or any(
            _schema_triple(q.triple)
            for q in seed.quads_for_pattern(None, None, None, oxstore.INFERRED_GRAPH)
        ):
            graph.extend(_quads(deleted, _DEFAULT))
            graph.extend(_quads(deleted, oxstore.INFERRED_GRAPH))
            return self.infer_all(graph)
        self.work.inference = "local"
        derived = {
            quad.triple
            for quad in seed.quads_for_pattern(None, None, None, oxstore.INFERRED_GRAPH)
            if quad.subject in nodes and ox.Quad(*quad.triple, _DEFAULT) not in graph
        }
        graph.extend(_quads(derived, _DEFAULT))
        graph.extend(_quads(derived, oxstore.INFERRED_GRAPH))
        return deleted, derived

    def infer_all(self, graph: ox.Store) -> tuple[set[Triple], set[Triple]]:
        """Take every inferred triple out (none is asserted) and close the whole graph again."""
        self.work.inference = "full"
        before = _triples(graph, oxstore.INFERRED_GRAPH)
        for triple in before:
            graph.remove(ox.Quad(*triple, _DEFAULT))
        graph.clear_graph(oxstore.INFERRED_GRAPH)
        materialize(graph, self.ontology)
        self.closure = _closure(graph, self.ontology)
        return before, _triples(graph, oxstore.INFERRED_GRAPH)

    # validation

    def newest_date(
        self, graph: ox.Store, previous: dict | None, changes: Changes | None
    ) -> date | None:
        """The newest day the data records (the day of the checks): the last run's, unless a
        changed triple records a day."""
        recorded = {str(p) for p in RECORD_DATES}
        if (
            previous is None
            or changes is None
            or "newest" not in previous
            or recorded & changes.predicates
        ):
            return newest_recorded_date_in_store(graph)
        return date.fromisoformat(previous["newest"]) if previous["newest"] else None

    def validate(
        self, graph: ox.Store, previous: dict | None, changes: Changes | None
    ) -> ValidationReport:
        """The report of the data shapes: the results of the shapes the change cannot reach kept,
        the others checked again (on the focus nodes it reaches, or on the whole graph)."""
        self.newest = self.newest_date(graph, previous, changes)
        self.settings = _settings(self.requested, self.newest)
        shapes = apply_settings(_turtle(self.project.shape_files()), self.settings)
        self.shapes = shapes
        subclasses = _Subclasses(graph)
        units = shape_units(shapes, subclasses, self.memo)
        old = (previous or {}).get("validation")
        if old is not None and (
            changes is None
            or old.get("unattributed")
            or previous["inputs"].get("shapes") != self.inputs["shapes"].fingerprint
        ):
            old = None
        settings_changed = old is None or old["settings"] != _settings_json(self.settings)
        components = _components(shapes)
        sparql_components = {SH.SPARQLConstraintComponent} | {c for c, _, _ in components}
        compiled = _Compiled(shapes, components) if changes is not None else None
        kept: dict[str, Graph] = {}
        whole: list[Unit] = []  # checked again on the whole graph by the engine
        queried: list[Unit] = []  # SPARQL checked again by compiled queries on the store
        focus: dict[Node, set[Node]] = {}  # Core checked again on these focus nodes
        focused: dict[str, set[Node]] = {}
        for unit in units:
            entry = old["units"].get(unit.id) if old is not None else None
            if entry is None or entry["volatile"] or (unit.dated and settings_changed):
                if unit.sparql and not unit.core and compiled is not None and compiled.complete(unit):
                    queried.append(unit)
                else:
                    whole.append(unit)
                continue
            results = new_graph().parse(data=entry["report"], format="nt")
            if not unit.reads.meets(changes):
                kept[unit.id] = results
                continue
            if unit.sparql and not unit.core and compiled.complete(unit):
                queried.append(unit)
                kept[unit.id] = new_graph()
                continue
            if not unit.local or (unit.sparql and not compiled.complete(unit)):
                whole.append(unit)
                continue
            if unit.sparql:
                _drop_results(results, SH.sourceConstraintComponent, sparql_components)
                queried.append(unit)
            kept[unit.id] = results
            if unit.core:
                seeds = changes.seeds(unit)
                reach = {oxstore.to_rdflib(n) for n in _reach(graph, seeds, unit, backward=True)}
                _drop_results(results, SH.focusNode, reach)
                nodes: set[Node] = set()
                for top in unit.tops:
                    focus[top] = {n for n in reach if _targeted(graph, shapes, top, n, subclasses)}
                    nodes |= focus[top]
                focused[unit.id] = nodes
        self.work.shapes_kept = len(kept) - len(focused) - len({u.id for u in queried} & set(kept))
        self.work.shapes_whole = tuple(sorted({u.id for u in whole} | {u.id for u in queried}))
        self.work.shapes_focused = {k: len(v) for k, v in focused.items()}
        owner = {shape: unit for unit in units for shape in unit.shapes}
        fresh: dict[str, list[Graph]] = {}
        unattributed: list[Graph] = []
        seconds = self.work.seconds
        started = time.perf_counter()
        if whole:
            selected = {top: None for unit in whole for top in unit.tops}
            report = validate(
                oxstore.ntriples(graph), _retargeted(shapes, units, selected), engine="fast"
            )
            _collect(report.graph, owner, {u.id for u in whole}, fresh, unattributed)
        seconds["validation, engine on the whole graph"] = time.perf_counter() - started
        if queried:
            selected = {top: None for unit in queried for top in unit.tops}
            report = run_checks(
                compile_shapes(_retargeted(shapes, units, selected)), store_select(graph)
            )
            _collect(report.graph, owner, {u.id for u in queried}, fresh, unattributed)
        seconds["validation, compiled SPARQL"] = (
            time.perf_counter()
            - started
            - sum(v for k, v in seconds.items() if k.startswith("validation, "))
        )
        if any(focus.values()):
            by_id = {u.id: u for u in units}
            part = _neighbourhood(graph, [(by_id[i], nodes) for i, nodes in focused.items()])
            core_only = _without_sparql(_retargeted(_reachable(shapes, focus), units, focus), components)
            report = _validate_part(part, core_only)
            _collect(report.graph, owner, set(focused), fresh, unattributed)
        seconds["validation, engine on focus nodes"] = (
            time.perf_counter()
            - started
            - sum(v for k, v in seconds.items() if k.startswith("validation, "))
        )
        merged = new_graph()
        report_node = BNode()
        merged.add((report_node, RDF.type, SH.ValidationReport))
        entries = {}
        for unit in units:
            unit_graph = kept.get(unit.id, new_graph())
            for result in fresh.get(unit.id, ()):
                unit_graph += result
            merged += unit_graph
            entries[unit.id] = {
                "report": unit_graph.serialize(format="nt"),
                "volatile": _volatile(unit_graph),
            }
        for result in unattributed:
            merged += result
        for result in merged.subjects(RDF.type, SH.ValidationResult):
            merged.add((report_node, SH.result, result))
        self.validation = {
            "settings": _settings_json(self.settings),
            "units": entries,
            "unattributed": bool(unattributed),
        }
        return report_of_graph(merged, shapes)

    # views

    def views(self, graph: ox.Store, previous: dict | None, changes: Changes | None) -> dict[str, Table]:
        """Every view's table: run again when its query changed or reads a changed triple."""
        queries = load_catalogue(self.project.queries_dir)
        old = (previous or {}).get("views", {})
        if previous is None or previous["inputs"].get("queries") != self.inputs["queries"].fingerprint:
            old = {}
        tables: dict[str, Table] = {}
        run = []
        for name, query in sorted(queries.items()):
            reads = self.memo(query.text)  # kept for the next run, even when the view runs now
            if name in old and changes is not None and not reads.meets(changes):
                saved = old[name]
                tables[name] = Table(
                    tuple(saved["columns"]), [tuple(map(_json_term, r)) for r in saved["rows"]]
                )
            else:
                tables[name] = run_query_on_store(graph, query)
                run.append(name)
        self.work.views_run = tuple(run)
        self.views_state = {
            name: {"columns": list(t.columns), "rows": [[_term_json(c) for c in row] for row in t.rows]}
            for name, t in tables.items()
        }
        return tables


class _Subclasses:
    """A class IRI and all its subclasses in the default graph of a store (memoized)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.known: dict[str, frozenset[str]] = {}

    def __call__(self, iri: str) -> frozenset[str]:
        if iri not in self.known:
            found, stack = {iri}, [ox.NamedNode(iri)]
            while stack:
                for quad in self.store.quads_for_pattern(None, _SUBCLASS, stack.pop(), _DEFAULT):
                    if isinstance(quad.subject, ox.NamedNode) and quad.subject.value not in found:
                        found.add(quad.subject.value)
                        stack.append(quad.subject)
            self.known[iri] = frozenset(found)
        return self.known[iri]


def _reach(store: ox.Store, start: Iterable, unit: Unit, backward: bool) -> set:
    """The nodes within ``unit.depth`` steps of ``start`` along the unit's paths: ``backward``,
    the nodes whose paths lead to ``start`` (focus nodes that may read a changed triple);
    forward, the nodes the paths of ``start`` lead to (what checking them reads)."""
    forward = [ox.NamedNode(p) for p in sorted(unit.forward)]
    inverse = [ox.NamedNode(p) for p in sorted(unit.inverse)]
    if backward:
        forward, inverse = inverse, forward
    reached = {n for n in start if not isinstance(n, ox.Literal)}
    frontier, steps = set(reached), 0
    while frontier and (unit.depth is None or steps < unit.depth):
        found = set()
        for node in frontier:
            for p in forward:
                found.update(q.object for q in store.quads_for_pattern(node, p, None, _DEFAULT))
            for p in inverse:
                found.update(q.subject for q in store.quads_for_pattern(None, p, node, _DEFAULT))
        frontier = {n for n in found if not isinstance(n, ox.Literal)} - reached
        reached |= frontier
        steps += 1
    return reached


def _targeted(store: ox.Store, shapes: Graph, top: Node, node: Node, subclasses: _Subclasses) -> bool:
    """Whether ``node`` is a focus node of the shape ``top`` (its targets, read in ``store``)."""
    if isinstance(node, Literal):
        return (top, SH.targetNode, node) in shapes
    term = oxstore.from_rdflib(node)
    if (top, SH.targetNode, node) in shapes:
        return True
    classes = set(shapes.objects(top, SH.targetClass))
    if (top, RDF.type, RDFS.Class) in shapes or (top, RDF.type, OWL.Class) in shapes:
        classes.add(top)
    for cls in classes:
        for iri in subclasses(str(cls)):
            if ox.Quad(term, _RDF_TYPE, ox.NamedNode(iri), _DEFAULT) in store:
                return True
    for p in shapes.objects(top, SH.targetSubjectsOf):
        if next(store.quads_for_pattern(term, ox.NamedNode(str(p)), None, _DEFAULT), None) is not None:
            return True
    for p in shapes.objects(top, SH.targetObjectsOf):
        if next(store.quads_for_pattern(None, ox.NamedNode(str(p)), term, _DEFAULT), None) is not None:
            return True
    return False


def _retargeted(shapes: Graph, units: list[Unit], selected: dict[Node, set[Node] | None]) -> Graph:
    """A copy of ``shapes`` where only the ``selected`` shapes have targets: their own (``None``)
    or the given focus nodes (``sh:targetNode``)."""
    copy = Graph()
    copy += shapes
    for unit in units:
        for top in unit.tops:
            nodes = selected.get(top, set())
            if nodes is None:
                continue
            for predicate in _TARGETS:
                copy.remove((top, predicate, None))
            copy.remove((top, RDF.type, RDFS.Class))
            copy.remove((top, RDF.type, OWL.Class))
            for node in nodes:
                copy.add((top, SH.targetNode, node))
    return copy


def _neighbourhood(store: ox.Store, focused: list[tuple[Unit, set[Node]]]) -> ox.Store:
    """What checking the focus nodes reads: every triple of a node their paths reach, the
    triples that reach it against an inverse step, and the class hierarchy."""
    part = ox.Store()
    part.extend(store.quads_for_pattern(None, _SUBCLASS, None, _DEFAULT))
    for unit, nodes in focused:
        inverse = [ox.NamedNode(p) for p in sorted(unit.inverse)]
        for node in _reach(store, [oxstore.from_rdflib(n) for n in nodes], unit, backward=False):
            part.extend(store.quads_for_pattern(node, None, None, _DEFAULT))
            for p in inverse:
                part.extend(store.quads_for_pattern(None, p, node, _DEFAULT))
    return part


#: Up to this many triples, the focus nodes' part of the graph is checked by pySHACL in this
#: process (about 0.1 s) rather than by TopQuadrant, whose JVM takes 1.5–3 s to start.
SMALL_PART = 20_000


def _validate_part(part: ox.Store, shapes: Graph) -> ValidationReport:
    """The Core shapes on the part of the graph the focus nodes read, by the engine that answers
    sooner (both give the same results: tests/test_second_engine.py). Blank nodes keep their
    labels, so that results about them are results about the nodes of the store."""
    if oxstore.count(part) <= SMALL_PART:
        return validate(oxstore.to_graph(part), shapes, engine="reference")
    return validate(oxstore.ntriples(part), shapes, engine="fast")


def _result_graphs(report: Graph) -> Iterator[tuple[Node, Graph]]:
    """Each result of a SHACL report with the triples that describe it (blank nodes followed)."""
    for result in report.subjects(RDF.type, SH.ValidationResult):
        graph = new_graph()
        stack, seen = [result], {result}
        while stack:
            for s, p, o in report.triples((stack.pop(), None, None)):
                graph.add((s, p, o))
                if isinstance(o, BNode) and o not in seen:
                    seen.add(o)
                    stack.append(o)
        yield result, graph


def _collect(
    report: Graph, owner: dict[Node, Unit], wanted: set[str], into: dict, unattributed: list
) -> None:
    """Sort the results of ``report`` by the unit of their source shape (those of ``wanted``)."""
    for result, graph in _result_graphs(report):
        unit = owner.get(report.value(result, SH.sourceShape))
        if unit is None:
            unattributed.append(graph)
        elif unit.id in wanted:
            into.setdefault(unit.id, []).append(graph)


def _drop_results(results: Graph, predicate: URIRef, values: set[Node]) -> None:
    """Take out of a unit's results those whose ``predicate`` (focus node, component) is one of
    ``values``."""
    for result, graph in list(_result_graphs(results)):
        if results.value(result, predicate) in values:
            results -= graph


class _Compiled:
    """Which units' SPARQL-based constraints :mod:`imtkg.sparql_checks` compiles, all of them, to
    queries run on the store (the others are checked by the SHACL engine). Compiled when first
    asked."""

    def __init__(self, shapes: Graph, components):
        self.shapes, self.components = shapes, components
        self.compiled: set[tuple[Node, Node]] | None = None

    def complete(self, unit: Unit) -> bool:
        if self.compiled is None:
            checks = compile_shapes(self.shapes).checks
            self.compiled = {(c.shape, c.component if c.is_component else c.constraint) for c in checks}
        for shape in unit.shapes:
            wanted = {(shape, c) for c in self.shapes.objects(shape, SH.sparql)}
            wanted |= {
                (shape, c)
                for c, mandatory, _ in self.components
                if _applies(self.shapes, shape, mandatory)
            }
            if not wanted <= self.compiled:
                return False
        return True


def _reachable(shapes: Graph, tops: Iterable[Node]) -> Graph:
    """The part of ``shapes`` that checking ``tops`` with SHACL Core reads: the triples of every
    node reachable from them (nested shapes, paths, lists)."""
    part = Graph()
    stack, seen = list(tops), set(tops)
    while stack:
        for triple in shapes.triples((stack.pop(), None, None)):
            part.add(triple)
            if triple[2] not in seen and (triple[2], None, None) in shapes:
                seen.add(triple[2])
                stack.append(triple[2])
    return part


def _without_sparql(shapes: Graph, components) -> Graph:
    """``shapes`` without their SPARQL-based constraints (and component parameters), in place."""
    shapes.remove((None, SH.sparql, None))
    for _, mandatory, _ in components:
        for parameter in mandatory:
            shapes.remove((None, parameter, None))
    return shapes


def _volatile(results: Graph) -> bool:
    """Whether results cannot be kept across runs: a focus node, value or shape that is a blank
    node (their labels are not kept in the saved report)."""
    return any(
        isinstance(o, BNode)
        for p in (SH.focusNode, SH.value, SH.sourceShape)
        for o in results.objects(None, p)
    )


def _count(store: ox.Store, graph: ox.NamedNode | None = None) -> int:
    pattern = f"GRAPH {graph} {{ ?s ?p ?o }}" if graph is not None else "?s ?p ?o"
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")))["n"].value)


def build_incremental(
    project: Project | None = None,
    catalogue: Path | None = None,
    settings: ValidationSettings | None = None,
    cache_dir: Path | None = None,
):
    """:func:`imtkg.build.build_graph` (fast engine), redoing only what changed since the last
    run with the same cache folder; returns the :class:`imtkg.build.Build` and the :class:`Work`.

    ``cache_dir`` defaults to :func:`imtkg.cache.default_cache_dir` of the project root. The
    build equals a full build of the same input: the same triples, inferred triples, validation
    results and view rows.
    """
    from .build import Build

    project = project or Project.default()
    cache = Cache(Path(cache_dir) if cache_dir is not None else default_cache_dir(project.root))
    started = time.perf_counter()
    run = _Run(project, Path(catalogue) if catalogue is not None else None, settings, cache)
    graph, inputs = run.state.open()  # first: a store that cannot be read is discarded with its state
    previous = run.state.read()
    if previous is None:
        reason = "no complete build state of this version in the cache"
    elif previous["inputs"].get("ontology") != run.inputs["ontology"].fingerprint:
        reason = "the ontology changed"
    else:
        reason = None
    changes = None
    if reason is not None:
        previous = None
        graph = run.full(reason)  # in memory; the state's store holds the same quads
    else:
        run.closure = previous["closure"]
        run.memo = ReadsMemo(previous.get("reads"))
        changes = run.update(graph, inputs, previous)
    seconds = run.work.seconds
    seconds["graph"] = time.perf_counter() - started
    report = run.validate(graph, previous, changes)
    seconds["validation"] = time.perf_counter() - started - seconds["graph"]
    tables = run.views(graph, previous, changes)
    seconds["views"] = time.perf_counter() - started - seconds["graph"] - seconds["validation"]
    for store in run.state.open():
        store.flush()  # else the next process replays the write-ahead log (20 s at 400k triples)
    run.state.write(
        {
            "format": STATE_FORMAT,
            "version": code_version(),
            "status": "complete",
            "inputs": {name: item.fingerprint for name, item in sorted(run.inputs.items())},
            "closure": run.closure,
            "validation": run.validation,
            "newest": run.newest.isoformat() if run.newest else None,
            "views": run.views_state,
            "reads": run.memo.used,
        }
    )
    inferred = _count(graph, oxstore.INFERRED_GRAPH)
    integrity = _turtle(project.integrity_shape_files())
    build = Build(
        run.ontology,
        _count(graph) - inferred,
        inferred,
        run.ingested(),
        report,
        tables,
        run.settings,
        frozenset(s for s in integrity.subjects() if isinstance(s, URIRef)),
        store=graph,
        shapes=run.shapes,
    )
    seconds["total"] = time.perf_counter() - started
    return build, run.work
