"""Synthetic graphs shaped like imtkg's, for benchmarks and engine comparisons: NOT ITU facts.

:func:`generate` makes, from a target size and a seed, a graph of invented Study Groups, Working
Parties, resolutions (revisions, sections, clauses, obligations, footnotes, citations),
Recommendations and their editions (as the catalogue import writes them, with IMT-generation
assignments, amendments and edition chains), standardization activities (generations, topics,
dates, deliverables, Questions, dependencies within and across Sectors), liaison statements
(purposes, replies) and roadmaps (editions and entries). Every resource it makes has an IRI under
:data:`SYNTHETIC` (``https://w3id.org/imtkg/id/synthetic/``) and ``dct:source`` :data:`SOURCE`,
whose label says that the data is invented. Invented resources hang off the real skeleton that
the obligation shapes need: the three Sectors, the Bureau Directors, ITU-R Study Group 5 (from
``data/itu/``) and WTSA Resolution 38, which the build ingests from its text.

The graph has a known set of obligation findings, the planted ones, and no other result of the
project's data shapes (integrity and obligations): each planted finding is a small subgraph of its
own, kept out of the pools the rest of the graph is drawn from, so that nothing else fixes or
repeats it. The manifest lists them (shape, focus node, value) with the counts of the graph.

:func:`write_project` writes a project folder that ``imtkg build --project`` reads: the shipped
ontology, shapes and queries, ``data/itu/`` and ``data/sources/`` copied unchanged, and
``data/synthetic/graph.ttl`` with ``data/synthetic/manifest.json`` next to it. It never writes
into the shipped project.

>>> synthetic = generate(10_000, seed=1)  # doctest: +SKIP
>>> synthetic.manifest["triples"]["asserted"]  # doctest: +SKIP
10011
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from . import __version__
from .errors import InputError
from .graph import load_turtle, new_graph, parse_turtle, stamp_version
from .ingest import ingest_resolution
from .namespaces import ID, IMTKG, IMTSH, VOCAB
from .output import replace_directory, write_text_atomic
from .project import Project
from .shape_settings import newest_recorded_date

__all__ = [
    "AS_OF",
    "RESOLUTION_38",
    "SOURCE",
    "SYNTHETIC",
    "Planted",
    "Synthetic",
    "generate",
    "parse_size",
    "write_project",
]

#: The namespace of every synthetic resource.
SYNTHETIC = Namespace(f"{ID}synthetic/")
#: The ``dct:source`` of every synthetic resource: the generator, labelled as invented data.
SOURCE = SYNTHETIC["source/generator"]
#: The earliest day the synthetic records run to (later if the real skeleton records a later day).
AS_OF = date(2025, 6, 30)
#: The source text whose obligations the obligation shapes check; the build ingests it.
RESOLUTION_38 = "wtsa-resolution-38-rev-dubai-2012"
#: The skeleton taken unchanged from the shipped project: the ITU structure and cited documents.
SKELETON_DATA = "itu"

SECTORS = ("itu-t", "itu-r", "itu-d")
_SECTOR_NAMES = {"itu-t": "ITU-T", "itu-r": "ITU-R", "itu-d": "ITU-D"}
_GENERATIONS = ("imt", "imt-2000", "imt-advanced", "imt-2020", "imt-2030")
_GENERATION_NAMES = {
    "imt": "IMT",
    "imt-2000": "IMT-2000",
    "imt-advanced": "IMT-Advanced",
    "imt-2020": "IMT-2020",
    "imt-2030": "IMT-2030",
}
_TOPICS = (
    "radio-interface",
    "spectrum",
    "network-architecture",
    "signalling-protocols",
    "management-orchestration",
    "machine-learning",
    "security",
    "fixed-mobile-convergence",
    "satellite",
    "evaluation",
)
_STATUSES = ("planned", "under-study", "consented", "determined", "approved")
_SERIES = {"itu-t": ("Y", "Q", "G", "M", "X", "F"), "itu-r": ("M", "F", "SM", "P", "BT")}
_BODIES = ("wtsa", "ra", "wtdc", "pp")
_ACTIVITY_CLASSES = (IMTKG.StandardizationActivity, IMTKG.WorkItem, IMTKG.Study)
_PURPOSE = Namespace(f"{VOCAB}liaison-purpose/")
_RES38 = ID["resolution/wtsa/38/2012"]
_SG5 = ID["org/itu-r/sg5"]
_WP5D = ID["org/itu-r/sg5/wp5d"]
_TSB_DIRECTOR = ID["post/director-tsb"]
_DIRECTORS = {"tsb": _TSB_DIRECTOR, "br": ID["post/director-br"], "bdt": ID["post/director-bdt"]}
#: How long a statement sent for action waits for a reply (the shapes' default, 180 days).
_REPLY_DAYS = 180
#: How old the newest roadmap edition may be (the shapes' default, 365 days).
_ROADMAP_AGE_DAYS = 365
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Planted:
    """An obligation finding the generator planted: the shape that must report it, its focus
    node and value, the shapes file (family) and what was left out."""

    shape: str
    focus: str
    value: str | None
    family: str
    what: str


@dataclass
class Synthetic:
    """A synthetic graph (the invented part only) and its manifest (a JSON-ready dict)."""

    graph: Graph
    manifest: dict


@dataclass
class _Item:
    """An activity: its Sector, responsible group, completion date and roadmap status."""

    iri: URIRef
    sector: str
    group: URIRef
    completion: Literal | None
    on_roadmap: bool


@dataclass
class _Roadmap:
    iri: URIRef
    sector: str
    editions: list[tuple[date, URIRef]] = field(default_factory=list)


def parse_size(text: str) -> int:
    """A number of triples written ``10000``, ``10k``, ``2.5k`` or ``1M``.

    >>> parse_size("10k"), parse_size("1M"), parse_size("12345")
    (10000, 1000000, 12345)
    """
    text = text.strip()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if factor > 1 else text
    try:
        value = float(number) * factor
    except ValueError:
        raise InputError(f"not a size: {text!r} (write 10000, 10k or 1M)") from None
    if value <= 0 or value != int(value):
        raise InputError(f"not a size: {text!r} (a positive whole number of triples)")
    return int(value)


def _precision(value: Literal | None) -> int:
    """How many leading characters of a date's lexical form count, as the shapes compare them."""
    if value is None:
        return 0
    return {XSD.date: 10, XSD.gYearMonth: 7, XSD.gYear: 4}.get(value.datatype, 0)


def _due_before(this: Literal | None, other: Literal | None) -> bool:
    """Whether ``this`` comes before ``other`` on the coarser precision of the two (the timing rule
    of imtsh:Resolves2DependencyTimingShape)."""
    precision = min(_precision(this), _precision(other))
    return precision > 0 and str(this)[:precision] < str(other)[:precision]


def _clause_kinds(project: Project) -> tuple[list[tuple[str, str]], list[tuple[str, str, URIRef]]]:
    """The clause kinds of the vocabulary: (slug, heading) of the preambular ones and (slug,
    heading, deontic force) of the operative ones, in IRI order."""
    vocab = parse_turtle(project.clause_kinds_file)
    scheme = str(VOCAB["clause-kind/"])
    preambular, operative = [], []
    for concept in sorted(vocab.subjects(SKOS.broader, VOCAB["clause-kind/preambular"])):
        preambular.append((str(concept)[len(scheme) :], str(vocab.value(concept, SKOS.prefLabel))))
    for concept in sorted(vocab.subjects(SKOS.broader, VOCAB["clause-kind/operative"])):
        force = vocab.value(concept, IMTKG.deonticForce)
        if isinstance(force, URIRef):
            slug = str(concept)[len(scheme) :]
            operative.append((slug, str(vocab.value(concept, SKOS.prefLabel)), force))
    if not preambular or not operative:
        raise InputError(f"{project.clause_kinds_file}: no preambular or no operative clause kinds")
    return preambular, operative


def _skeleton(project: Project) -> tuple[list[Path], Path, int, date]:
    """The real files the synthetic graph hangs off, how many triples they give, and the day the
    synthetic records run to (:data:`AS_OF`, or the skeleton's newest recorded day if later)."""
    data = sorted((project.data_dir / SKELETON_DATA).glob("*.ttl"))
    text = project.sources_dir / f"{RESOLUTION_38}.txt"
    if not data or not text.is_file():
        raise InputError(
            f"{project.root}: the skeleton (data/{SKELETON_DATA}/*.ttl, {text.name}) is missing"
        )
    graph = load_turtle([*project.ontology_files(), *data])
    stamp_version(graph, __version__)  # as the build does: it may add the version triples
    graph += ingest_resolution(text, project)
    newest = newest_recorded_date(graph)
    return data, text, len(graph), max(AS_OF, newest) if newest else AS_OF


class _Generator:
    """Builds the synthetic graph; see the module documentation for what it holds."""

    def __init__(self, seed: int, as_of: date, project: Project, size: int, per_shape: int):
        self.g = new_graph()
        self.g.bind("synthetic", SYNTHETIC)
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.per_shape = per_shape
        self.preambular, self.operative = _clause_kinds(project)
        self.counter: Counter[str] = Counter()
        self.groups: dict[str, list[URIRef]] = {s: [] for s in SECTORS}
        self.study_groups: dict[str, list[URIRef]] = {s: [] for s in SECTORS}
        self.next_sg = dict.fromkeys(SECTORS, 101)
        self.wps: Counter[URIRef] = Counter()
        self.questions: dict[URIRef, URIRef] = {}
        self.activities: dict[str, list[_Item]] = {s: [] for s in SECTORS}
        self.revisions: list[URIRef] = []
        self.sessions: set[URIRef] = set()
        self.roadmaps: dict[str, _Roadmap] = {}
        self.entries: Counter[URIRef] = Counter()
        self.liaised: set[frozenset[URIRef]] = set()
        self.planted: list[Planted] = []
        self.cross_dependencies = 0
        self.n_study_groups = max(2, round(math.sqrt(size / 2_500)))

    # --- terms ------------------------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o) -> None:
        self.g.add((s, p, o))

    def resource(self, iri: URIRef, cls: URIRef, label: str) -> URIRef:
        self.add(iri, RDF.type, cls)
        self.add(iri, RDFS.label, Literal(label, lang="en"))
        self.add(iri, DCTERMS.source, SOURCE)
        return iri

    def number(self, kind: str) -> int:
        self.counter[kind] += 1
        return self.counter[kind]

    def day(self, first_year: int, last: date | None = None) -> date:
        """A day from 1 January of ``first_year`` to ``last`` (the as-of day by default)."""
        start = date(first_year, 1, 1)
        last = last or self.as_of
        return start + timedelta(days=self.rng.randrange((last - start).days + 1))

    def when(self, year: int) -> Literal:
        """A date in ``year`` at a random precision (a day, a month or the year)."""
        kind = self.rng.random()
        if kind < 0.4:
            return Literal(f"{year:04d}", datatype=XSD.gYear)
        month = self.rng.randint(1, 12)
        if kind < 0.7:
            return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
        return Literal(date(year, month, self.rng.randint(1, 28)))

    # --- organization -----------------------------------------------------------------------

    def study_group(self, sector: str, pooled: bool = True) -> URIRef:
        n = self.next_sg[sector]
        self.next_sg[sector] += 1
        iri = self.resource(
            SYNTHETIC[f"org/{sector}/sg{n}"],
            IMTKG.StudyGroup,
            f"Synthetic Study Group {n} of {_SECTOR_NAMES[sector]}",
        )
        self.add(iri, IMTKG.number, Literal(str(n)))
        self.add(iri, ORG.subOrganizationOf, ID[f"org/{sector}"])
        if pooled:
            self.study_groups[sector].append(iri)
            self.groups[sector].append(iri)
        return iri

    def working_party(self, study_group: URIRef, sector: str, pooled: bool = True) -> URIRef:
        self.wps[study_group] += 1
        k = self.wps[study_group]
        iri = self.resource(
            URIRef(f"{study_group}/wp{k}"),
            IMTKG.WorkingParty,
            f"Synthetic Working Party {k}/{str(study_group).rsplit('sg', 1)[1]}",
        )
        self.add(iri, IMTKG.number, Literal(str(k)))
        self.add(iri, ORG.subOrganizationOf, study_group)
        if pooled:
            self.groups[sector].append(iri)
        return iri

    def question(self, study_group: URIRef, sector: str) -> URIRef:
        if study_group not in self.questions:
            n = 900 + self.number("question")
            sg = str(study_group).rsplit("sg", 1)[1]
            iri = self.resource(
                SYNTHETIC[f"question/{sector}/{n}-{sg}"], IMTKG.Question, f"Synthetic Question {n}/{sg}"
            )
            self.add(iri, DCTERMS.identifier, Literal(f"Question {n}/{sg}"))
            self.add(iri, IMTKG.sector, ID[f"org/{sector}"])
            self.add(iri, IMTKG.responsibleGroup, study_group)
            self.questions[study_group] = iri
        return self.questions[study_group]

    def organization(self) -> None:
        """Study Groups and Working Parties in each Sector; every ITU-T Study Group liaises with
        ITU-R Study Group 5 (considering d) of Resolution 38)."""
        for sector in SECTORS:
            for _ in range(self.n_study_groups):
                sg = self.study_group(sector)
                for _ in range(self.rng.randint(1, 3)):
                    self.working_party(sg, sector)
                if sector == "itu-t":
                    source = self.rng.choice([sg, *[g for g in self.groups[sector] if f"{sg}/" in g]])
                    target = self.rng.choice([_SG5, _WP5D])
                    self.liaison(source, target, "itu-t", "for-information", self.day(2012))

    # --- roadmaps ---------------------------------------------------------------------------

    def roadmap(self, sector: str, slug: str, maintainer: URIRef, issued: list[date]) -> _Roadmap:
        iri = self.resource(
            SYNTHETIC[f"roadmap/{sector}/{slug}"],
            IMTKG.Roadmap,
            f"Synthetic IMT roadmap of {_SECTOR_NAMES[sector]} ({slug})",
        )
        self.add(iri, IMTKG.sector, ID[f"org/{sector}"])
        self.add(iri, IMTKG.maintainedBy, maintainer)
        roadmap = _Roadmap(iri, sector)
        previous = None
        for number, day in enumerate(issued, start=1):
            edition = self.resource(
                URIRef(f"{iri}/{day:%Y-%m}"), IMTKG.RoadmapEdition, f"{slug} roadmap edition {number}"
            )
            self.add(edition, IMTKG.editionOf, iri)
            self.add(edition, DCTERMS.issued, Literal(day))
            self.add(edition, IMTKG.editionNumber, Literal(str(number)))
            if previous is not None:
                self.add(edition, IMTKG.previousEdition, previous)
            previous = edition
            roadmap.editions.append((day, edition))
        return roadmap

    def main_roadmaps(self) -> None:
        """One IMT roadmap per Sector, an edition every six months; ITU-T's newest is of the as-of
        day (the newest day the graph records), the others' a little older."""
        for sector in SECTORS:
            last = self.as_of if sector == "itu-t" else self.as_of - timedelta(days=40)
            issued = [
                date(year, month, 15)
                for year in range(2016, last.year + 1)
                for month in (1, 7)
                if date(year, month, 15) < last - timedelta(days=31)
            ]
            maintainer = self.study_groups[sector][0]
            self.roadmaps[sector] = self.roadmap(sector, "imt", maintainer, [*issued, last])

    def entry(self, roadmap: _Roadmap, item: URIRef, group: URIRef | None = None) -> URIRef:
        editions = roadmap.editions
        _, edition = editions[min(len(editions) - 1, int(len(editions) * self.rng.random() ** 0.5))]
        self.entries[edition] += 1
        iri = self.resource(
            URIRef(f"{edition}/entry/{self.entries[edition]}"),
            IMTKG.RoadmapEntry,
            f"Entry {self.entries[edition]} of {edition.rsplit('/', 3)[-3]} roadmap edition",
        )
        self.add(iri, IMTKG.entryOf, edition)
        self.add(iri, IMTKG.entryFor, item)
        if self.rng.random() < 0.6:
            self.add(iri, IMTKG.status, VOCAB[f"status/{self.rng.choice(_STATUSES)}"])
        if self.rng.random() < 0.4:
            self.add(iri, IMTKG.targetDate, self.when(self.rng.randint(2016, self.as_of.year + 3)))
        if group is not None and self.rng.random() < 0.5:
            self.add(iri, IMTKG.responsibleGroup, group)
        return iri

    # --- liaisons ---------------------------------------------------------------------------

    def liaison(
        self,
        source: URIRef,
        target: URIRef,
        sector: str,
        purpose: str,
        sent: date,
        concerns: URIRef | None = None,
        reply_to: URIRef | None = None,
    ) -> URIRef:
        n = self.number("liaison")
        iri = self.resource(
            SYNTHETIC[f"ls/{sector}/ls{n}"], IMTKG.LiaisonStatement, f"Synthetic liaison statement {n}"
        )
        self.add(iri, DCTERMS.title, Literal(f"Synthetic liaison statement {n}", lang="en"))
        self.add(iri, DCTERMS.identifier, Literal(f"SYN-LS-{n:06d}"))
        self.add(iri, IMTKG.sector, ID[f"org/{sector}"])
        self.add(iri, IMTKG.fromGroup, source)
        self.add(iri, IMTKG.toGroup, target)
        self.add(iri, IMTKG.purpose, _PURPOSE[purpose])
        self.add(iri, DCTERMS.date, Literal(sent))
        if concerns is not None:
            self.add(iri, IMTKG.concerns, concerns)
        if reply_to is not None:
            self.add(iri, IMTKG.replyTo, reply_to)
        self.liaised.add(frozenset((source, target)))
        return iri

    def exchange(self, concerns: URIRef | None = None) -> None:
        """A statement between two groups; one sent for action gets a reply within 150 days,
        unless it is younger than that (its time for a reply has not run out)."""
        sector, other = self.rng.choice(SECTORS), self.rng.choice(SECTORS)
        source = self.rng.choice(self.groups[sector])
        target = self.rng.choice([g for g in self.groups[other] if g != source])
        purpose = self.rng.choices(("for-action", "for-comment", "for-information"), (3, 2, 5))[0]
        sent = self.day(2010)
        statement = self.liaison(source, target, sector, purpose, sent, concerns)
        if purpose == "for-action" and sent <= self.as_of - timedelta(days=150):
            answered = sent + timedelta(days=self.rng.randint(10, 150))
            self.liaison(target, source, other, "for-information", answered, concerns, statement)

    def coordinate(self, a: URIRef, b: URIRef, sector: str, concerns: URIRef) -> None:
        """A liaison statement between groups ``a`` and ``b`` unless one is recorded already."""
        if frozenset((a, b)) not in self.liaised:
            self.liaison(a, b, sector, "for-information", self.day(2012), concerns)

    # --- activities and publications --------------------------------------------------------

    def activity(
        self,
        sector: str,
        group: URIRef,
        generation: str | None,
        completion_year: int | None = None,
        pooled: bool = True,
    ) -> _Item:
        n = self.number("activity")
        cls = self.rng.choice(_ACTIVITY_CLASSES)
        about = _GENERATION_NAMES[generation] if generation else "telecommunications"
        iri = self.resource(
            SYNTHETIC[f"activity/{sector}/a{n}"],
            cls,
            f"Synthetic {_SECTOR_NAMES[sector]} activity {n} on {about}",
        )
        self.add(iri, IMTKG.sector, ID[f"org/{sector}"])
        self.add(iri, IMTKG.responsibleGroup, group)
        if generation:
            self.add(iri, IMTKG.imtGeneration, VOCAB[f"imt-generation/{generation}"])
        if self.rng.random() < 0.5:
            self.add(iri, IMTKG.topic, VOCAB[f"topic/{self.rng.choice(_TOPICS)}"])
        if self.rng.random() < 0.6:
            self.add(iri, IMTKG.status, VOCAB[f"status/{self.rng.choice(_STATUSES)}"])
        if self.rng.random() < 0.3:
            text = f"Invented work of a synthetic group, made by the imtkg benchmark generator ({n})."
            self.add(iri, DCTERMS.description, Literal(text, lang="en"))
        start = self.rng.randint(2000, min(self.as_of.year - 1, completion_year or self.as_of.year))
        self.add(iri, IMTKG.startDate, self.when(start))
        end = completion_year or start + self.rng.randint(1, 5)
        completion = None
        if completion_year is not None or self.rng.random() < 0.8:
            completion = self.when(end)
            self.add(iri, IMTKG.targetDate, completion)
        if completion_year is None and end < self.as_of.year and self.rng.random() < 0.3:
            ended = Literal(f"{end + 1:04d}", datatype=XSD.gYear)
            self.add(iri, IMTKG.endDate, ended)
            completion = completion or ended  # the shapes' date: target, else end
        if self.rng.random() < 0.2:
            parent, last = str(group).rsplit("/", 1)
            sg = URIRef(parent) if last.startswith("wp") else group
            self.add(iri, IMTKG.underQuestion, self.question(sg, sector))
        item = _Item(iri, sector, group, completion, on_roadmap=False)
        if pooled:
            self.activities[sector].append(item)
        return item

    def publication(self, sector: str, group: URIRef, generation: str | None) -> URIRef:
        """A Recommendation with one to four editions, as the catalogue import writes them; returns
        the newest edition."""
        series = self.rng.choice(_SERIES[sector])
        n = 9000 + self.number(f"rec-{sector}-{series}")
        symbol = f"{series}.{n}"
        work = SYNTHETIC[f"rec/{sector}/{symbol.lower()}"]
        name = _SECTOR_NAMES[sector]
        self.add(work, RDF.type, IMTKG.Recommendation)
        self.add(work, DCTERMS.identifier, Literal(f"{name} {symbol}"))
        self.add(work, DCTERMS.source, SOURCE)
        self.add(work, IMTKG.series, Literal(series))
        self.add(work, IMTKG.number, Literal(str(n)))
        self.add(work, IMTKG.sector, ID[f"org/{sector}"])
        topic = self.rng.choice(_TOPICS).replace("-", " ")
        title = f"Synthetic requirements for {topic}" + (
            f" of {_GENERATION_NAMES[generation]}" if generation else ""
        )
        year = self.rng.randint(2000, self.as_of.year - 1)
        previous = None
        count = self.rng.randint(1, 4)
        for version in range(count):
            issued = self.day(year, min(self.as_of, date(year, 12, 31)))
            if sector == "itu-t":
                edition = URIRef(f"{work}/{issued:%Y-%m}")
                identifier = f"{name} {symbol} ({issued:%m/%Y})"
            else:
                edition = URIRef(f"{work}/{version}")
                identifier = f"{name} {symbol}-{version}"
            self.resource(edition, IMTKG.Edition, identifier)
            self.add(edition, IMTKG.editionOf, work)
            self.add(edition, DCTERMS.identifier, Literal(identifier))
            self.add(edition, DCTERMS.issued, Literal(issued))
            self.add(edition, DCTERMS.title, Literal(title, lang="en"))
            if self.rng.random() < 0.4:
                abstract = f"This invented Recommendation sets out {topic} requirements."
                self.add(edition, DCTERMS.abstract, Literal(abstract, lang="en"))
            self.add(edition, IMTKG.editionNumber, Literal(str(version + 1)))
            status = "in-force" if version == count - 1 else "superseded"
            self.add(edition, IMTKG.status, VOCAB[f"status/{status}"])
            self.add(edition, IMTKG.responsibleGroup, group)
            if generation:
                self.assign(edition, generation, f"title-{generation}")
            if previous is not None:
                self.add(edition, IMTKG.previousEdition, previous)
            previous = edition
            year = issued.year + 1
            if year >= self.as_of.year:
                break
        if sector == "itu-t" and self.rng.random() < 0.2 and previous is not None:
            base_year = str(previous).rsplit("/", 1)[1][:4]
            amendment = URIRef(f"{work}/{base_year}-amd-1")
            identifier = f"{name} {symbol} ({base_year}) Amd. 1"
            self.resource(amendment, IMTKG.Edition, identifier)
            self.add(amendment, RDF.type, IMTKG.Amendment)
            self.add(amendment, IMTKG.editionOf, work)
            self.add(amendment, IMTKG.amends, previous)
            self.add(amendment, DCTERMS.identifier, Literal(identifier))
            self.add(amendment, DCTERMS.issued, Literal(self.day(int(base_year))))
            if generation:
                self.assign(amendment, generation, "changed-edition")
        return previous

    def assign(self, edition: URIRef, generation: str, rule: str) -> None:
        concept = VOCAB[f"imt-generation/{generation}"]
        assignment = URIRef(f"{edition}/imt/{generation}")
        self.add(edition, IMTKG.imtGeneration, concept)
        self.add(assignment, RDF.type, IMTKG.GenerationAssignment)
        self.add(assignment, IMTKG.assignedTo, edition)
        self.add(assignment, IMTKG.generation, concept)
        self.add(assignment, IMTKG.byRule, VOCAB[f"imt-rule/{rule}"])
        self.add(assignment, DCTERMS.source, SOURCE)

    def generation(self, share: float = 0.8) -> str | None:
        return self.rng.choice(_GENERATIONS) if self.rng.random() < share else None

    def work(self) -> None:
        """An activity of a random group: on its Sector's roadmap (always for ITU-T work on IMT),
        perhaps with a deliverable, a dependency (across Sectors coordinated, in time and on the
        other Sector's roadmap) and a statement about it."""
        sector = self.rng.choice(SECTORS)
        group = self.rng.choice(self.groups[sector])
        generation = self.generation()
        item = self.activity(sector, group, generation)
        if (sector == "itu-t" and generation) or self.rng.random() < 0.9:
            self.entry(self.roadmaps[sector], item.iri, group)
            item.on_roadmap = True
            if self.rng.random() < 0.15:
                other = self.rng.choice([s for s in SECTORS if s != sector])
                self.entry(self.roadmaps[other], item.iri)
        if sector != "itu-d" and self.rng.random() < 0.4:
            deliverable = self.publication(sector, group, generation)
            self.add(item.iri, IMTKG.deliverable, deliverable)
        if self.rng.random() < 0.4:
            self.depend(item)
        if self.rng.random() < 0.3:
            self.exchange(item.iri)

    def depend(self, item: _Item) -> None:
        if self.rng.random() < 0.5:
            earlier = [a for a in self.activities[item.sector] if a is not item]
            if earlier:
                self.add(item.iri, IMTKG.dependsOn, self.rng.choice(earlier).iri)
            return
        other = self.rng.choice([s for s in SECTORS if s != item.sector])
        candidates = self.activities[other]
        for _ in range(5):
            if not candidates:
                return
            dependency = self.rng.choice(candidates)
            if dependency.on_roadmap and not _due_before(item.completion, dependency.completion):
                self.add(item.iri, IMTKG.dependsOn, dependency.iri)
                self.coordinate(item.group, dependency.group, item.sector, item.iri)
                self.cross_dependencies += 1
                return

    # --- resolutions ------------------------------------------------------------------------

    def session(self, body: str, year: int) -> URIRef:
        iri = SYNTHETIC[f"event/{body}-{year}"]
        if iri not in self.sessions:
            self.sessions.add(iri)
            self.resource(iri, IMTKG.Session, f"Synthetic session of {body.upper()}, {year}")
            self.add(iri, IMTKG.sessionOf, ID[f"org/{body}"])
            self.add(iri, IMTKG.year, Literal(str(year), datatype=XSD.gYear))
            self.add(iri, IMTKG.placeName, Literal("Synthetic City"))
            start = date(year, 10, self.rng.randint(1, 15))
            self.add(iri, IMTKG.startDate, Literal(start))
            self.add(iri, IMTKG.endDate, Literal(start + timedelta(days=9)))
        return iri

    def resolution(self) -> None:
        """A resolution with one to three revisions, each with sections, clauses, obligations,
        perhaps a footnote, and citations of earlier synthetic revisions."""
        body = self.rng.choice(_BODIES)
        n = 900 + self.number("resolution")
        work = self.resource(
            SYNTHETIC[f"resolution/{body}/{n}"], IMTKG.Resolution, f"Synthetic Resolution {n}"
        )
        self.add(work, IMTKG.issuedBy, ID[f"org/{body}"])
        self.add(work, IMTKG.number, Literal(str(n)))
        self.add(work, DCTERMS.identifier, Literal(f"Resolution {n}"))
        year = self.rng.randint(2000, 2012)
        previous = None
        for _ in range(self.rng.randint(1, 3)):
            if year > self.as_of.year - 1:
                break
            revision = URIRef(f"{work}/{year}")
            rev = "" if previous is None else "Rev. "
            identifier = f"Resolution {n} ({rev}Synthetic City, {year})"
            self.resource(revision, IMTKG.ResolutionRevision, identifier)
            self.add(revision, IMTKG.revisionOf, work)
            self.add(revision, IMTKG.adoptedAt, self.session(body, year))
            self.add(
                revision, DCTERMS.title, Literal(f"Synthetic resolution {n} on coordination", lang="en")
            )
            self.add(revision, DCTERMS.identifier, Literal(identifier))
            self.add(revision, IMTKG.year, Literal(str(year), datatype=XSD.gYear))
            if previous is not None:
                self.add(revision, IMTKG.previousRevision, previous)
            if self.rng.random() < 0.3:
                self.add(
                    revision,
                    IMTKG.imtGeneration,
                    VOCAB[f"imt-generation/{self.rng.choice(_GENERATIONS)}"],
                )
            self.clauses(revision, identifier)
            self.revisions.append(revision)
            previous = revision
            year += self.rng.randint(2, 6)

    def clauses(self, revision: URIRef, name: str) -> None:
        order = 0
        clauses: list[URIRef] = []
        preambular = self.rng.sample(self.preambular, self.rng.randint(1, 2))
        operative = self.rng.sample(self.operative, self.rng.randint(1, 2))
        for kinds, is_operative in ((preambular, False), (operative, True)):
            for kind in kinds:
                slug, heading = kind[0], kind[1]
                concept = VOCAB[f"clause-kind/{slug}"]
                section = URIRef(f"{revision}/{slug}")
                order += 1
                self.add(section, RDF.type, IMTKG.Section)
                self.add(section, DCTERMS.isPartOf, revision)
                self.add(section, DCTERMS.source, SOURCE)
                self.add(section, IMTKG.clauseKind, concept)
                self.add(section, IMTKG.heading, Literal(heading))
                self.add(section, IMTKG.order, Literal(order))
                for k in range(self.rng.randint(1, 4)):
                    label = str(k + 1) if is_operative else _LETTERS[k]
                    order += 1
                    clause = self.clause(revision, section, concept, label, order, is_operative, name)
                    clauses.append(clause)
                    if is_operative:
                        self.obligation(clause, kind[2], name, label)
                        if self.rng.random() < 0.2:
                            order += 1
                            sub = self.clause(revision, section, concept, "a", order, True, name, clause)
                            self.add(sub, IMTKG.subClauseOf, clause)
        if self.rng.random() < 0.15:
            footnote = self.resource(
                URIRef(f"{revision}/footnote/1"), IMTKG.Footnote, f"{name}, footnote 1"
            )
            self.add(footnote, IMTKG.number, Literal("1"))
            self.add(footnote, IMTKG.text, Literal("An invented footnote of a synthetic resolution."))
            self.add(footnote, DCTERMS.isPartOf, revision)
            self.add(self.rng.choice(clauses), IMTKG.hasFootnote, footnote)

    def clause(
        self,
        revision: URIRef,
        section: URIRef,
        concept: URIRef,
        label: str,
        order: int,
        operative: bool,
        name: str,
        parent: URIRef | None = None,
    ) -> URIRef:
        iri = URIRef(f"{parent or section}/{label}")
        cls = IMTKG.OperativeClause if operative else IMTKG.PreambularClause
        self.resource(iri, cls, f"{name}, {str(section).rsplit('/', 1)[1]} {label}")
        self.add(iri, DCTERMS.isPartOf, revision)
        self.add(iri, IMTKG.inSection, section)
        self.add(iri, IMTKG.clauseKind, concept)
        self.add(iri, IMTKG.clauseLabel, Literal(label))
        self.add(iri, IMTKG.order, Literal(order))
        text = f"that the synthetic groups coordinate their invented work on item {order};"
        self.add(iri, IMTKG.text, Literal(text))
        sector = self.rng.choice(SECTORS)
        self.add(iri, IMTKG.mentions, ID[f"org/{sector}"])
        if self.rng.random() < 0.5:
            self.add(iri, IMTKG.mentions, VOCAB[f"imt-generation/{self.rng.choice(_GENERATIONS)}"])
        if self.revisions and self.rng.random() < 0.3:
            self.add(iri, IMTKG.cites, self.rng.choice(self.revisions))
        return iri

    def obligation(self, clause: URIRef, force: URIRef, name: str, label: str) -> None:
        iri = self.resource(
            URIRef(f"{clause}/obligation/1"), IMTKG.Obligation, f"obligation 1 of {name}, {label}"
        )
        self.add(iri, IMTKG.createdBy, clause)
        sector = self.rng.choice(SECTORS)
        bearer = self.rng.choice([ID[f"org/{sector}"], *self.study_groups[sector]])
        self.add(iri, IMTKG.bearer, bearer)
        if self.rng.random() < 0.2:
            self.add(iri, IMTKG.otherParty, self.rng.choice(self.study_groups[self.rng.choice(SECTORS)]))
        self.add(iri, IMTKG.deonticForce, force)
        self.add(iri, IMTKG.action, Literal("to coordinate the invented work of the synthetic groups"))

    # --- planted findings -------------------------------------------------------------------

    def plant(self, shape: str, focus: URIRef, value: URIRef | None, family: str, what: str) -> None:
        self.planted.append(
            Planted(str(IMTSH[shape]), str(focus), str(value) if value else None, family, what)
        )

    def on_roadmap(self, item: _Item) -> _Item:
        self.entry(self.roadmaps[item.sector], item.iri, item.group)
        item.on_roadmap = True
        return item

    def other_sector(self, sector: str, choices: tuple[str, ...] = SECTORS) -> str:
        return self.rng.choice([s for s in choices if s != sector])

    def plant_all(self) -> None:
        """A few findings of each family of obligation shapes; their activities and groups stay
        out of the pools the rest of the graph draws from."""
        k = self.per_shape
        family1, family2 = "obligations-resolves-1", "obligations-resolves-2"
        for _ in range(k):
            group = self.rng.choice(self.groups["itu-t"])
            item = self.activity("itu-t", group, self.generation(1.0), pooled=False)
            self.plant(
                "Resolves1ActivityOnRoadmapShape",
                item.iri,
                ID["org/itu-t"],
                family1,
                "an ITU-T activity on IMT with no roadmap entry",
            )
        for i in range(k):
            newest = self.as_of - timedelta(days=_ROADMAP_AGE_DAYS + 60 + 45 * i)
            stale = [newest - timedelta(days=700), newest]
            roadmap = self.roadmap("itu-t", f"archive-{i + 1}", self.study_groups["itu-t"][0], stale)
            self.plant(
                "Resolves1RoadmapAgeShape",
                roadmap.iri,
                roadmap.iri,
                family1,
                "an ITU-T roadmap whose newest edition is years old",
            )
        for _ in range(k):
            sector = self.rng.choice(SECTORS)
            other = self.other_sector(sector)
            groups = [
                self.working_party(self.rng.choice(self.study_groups[s]), s, pooled=False)
                for s in (sector, other)
            ]
            dependency = self.on_roadmap(
                self.activity(other, groups[1], self.generation(), 2015, pooled=False)
            )
            item = self.on_roadmap(
                self.activity(sector, groups[0], self.generation(), 2020, pooled=False)
            )
            self.add(item.iri, IMTKG.dependsOn, dependency.iri)
            self.plant(
                "Resolves2DependencyLiaisonShape",
                item.iri,
                dependency.iri,
                family2,
                "a dependency across Sectors with no statement between the groups",
            )
        for _ in range(k):
            sector = self.rng.choice(SECTORS)
            other = self.other_sector(sector)
            groups = [self.rng.choice(self.groups[s]) for s in (sector, other)]
            dependency = self.on_roadmap(
                self.activity(other, groups[1], self.generation(), 2024, pooled=False)
            )
            item = self.on_roadmap(
                self.activity(sector, groups[0], self.generation(), 2019, pooled=False)
            )
            self.add(item.iri, IMTKG.dependsOn, dependency.iri)
            self.coordinate(groups[0], groups[1], sector, item.iri)
            self.plant(
                "Resolves2DependencyTimingShape",
                item.iri,
                dependency.iri,
                family2,
                "a dependent item due years before what it depends on",
            )
        for _ in range(k):
            other = self.rng.choice(("itu-r", "itu-d"))
            sector = self.other_sector(other)
            groups = [self.rng.choice(self.groups[s]) for s in (sector, other)]
            dependency = self.activity(other, groups[1], self.generation(), 2015, pooled=False)
            item = self.on_roadmap(
                self.activity(sector, groups[0], self.generation(), 2020, pooled=False)
            )
            self.add(item.iri, IMTKG.dependsOn, dependency.iri)
            self.coordinate(groups[0], groups[1], sector, item.iri)
            self.plant(
                "Resolves2DependencyCounterpartShape",
                item.iri,
                dependency.iri,
                family2,
                "a dependency on another Sector's item that no roadmap of that Sector lists",
            )
        for _ in range(k):
            other = self.rng.choice(("itu-r", "itu-d"))
            sector = self.other_sector(other)
            item = self.activity(
                other, self.rng.choice(self.groups[other]), self.generation(), pooled=False
            )
            entry = self.entry(self.roadmaps[sector], item.iri)
            self.plant(
                "Resolves2EntryCounterpartShape",
                entry,
                item.iri,
                family2,
                "a roadmap entry for another Sector's item that Sector's roadmap does not list",
            )
        for i in range(k):
            sector, other = self.rng.choice(SECTORS), self.rng.choice(SECTORS)
            source = self.rng.choice(self.groups[sector])
            target = self.rng.choice([g for g in self.groups[other] if g != source])
            sent = self.day(2014, self.as_of - timedelta(days=400))
            statement = self.liaison(source, target, sector, "for-action", sent)
            if i == 0:  # a reply, but too late
                late = sent + timedelta(days=self.rng.randint(_REPLY_DAYS + 20, _REPLY_DAYS + 200))
                self.liaison(target, source, other, "for-information", late, reply_to=statement)
            self.plant(
                "Resolves2LiaisonReplyShape",
                statement,
                statement,
                family2,
                "a statement sent for action with no reply in time"
                + (" (a late one)" if i == 0 else ""),
            )
        for _ in range(k):
            sg = self.study_group("itu-t", pooled=False)
            self.on_roadmap(self.activity("itu-t", sg, self.generation(1.0), pooled=False))
            self.plant(
                "ConsideringDLiaisonShape",
                sg,
                sg,
                "obligations-considering-d",
                "an ITU-T Study Group on IMT with no statement to or from ITU-R Study Group 5",
            )
        self.plant_records()

    def plant_records(self) -> None:
        """The Director of TSB's communication to one of the Directors of BR and BDT (the other is
        planted), and records of new ways to improve efficiency for some of the three Directors."""
        missing = self.rng.choice(("br", "bdt"))
        informed = "bdt" if missing == "br" else "br"
        record = self.resource(
            SYNTHETIC[f"record/communication-{informed}"],
            IMTKG.Communication,
            f"Synthetic communication of the Director of TSB to the Director of {informed.upper()}",
        )
        self.add(record, IMTKG.sender, _TSB_DIRECTOR)
        self.add(record, IMTKG.recipient, _DIRECTORS[informed])
        self.add(record, DCTERMS.subject, _RES38)
        self.add(record, DCTERMS.date, Literal(self.day(2013, date(2013, 12, 31))))
        self.plant(
            "InstructsCommunicationShape",
            _DIRECTORS[missing],
            _TSB_DIRECTOR,
            "obligations-instructs",
            f"no communication of the Director of TSB to the Director of {missing.upper()}",
        )
        unrecorded = self.rng.sample(sorted(_DIRECTORS), self.rng.randint(1, 2))
        obligation = URIRef(f"{_RES38}/encourages/p1/obligation/1")
        for name, director in sorted(_DIRECTORS.items()):
            if name in unrecorded:
                self.plant(
                    "EncouragesEfficiencyRecordShape",
                    director,
                    director,
                    "obligations-encourages",
                    f"no record of the Director of {name.upper()} on new ways to improve efficiency",
                )
                continue
            record = self.resource(
                SYNTHETIC[f"record/efficiency-{name}"],
                IMTKG.ComplianceRecord,
                f"Synthetic record of the Director of {name.upper()} on efficiency",
            )
            self.add(record, PROV.wasAttributedTo, director)
            self.add(record, IMTKG.fulfils, obligation)
            self.add(record, DCTERMS.date, Literal(self.day(2014, date(2016, 12, 31))))

    # --- the whole graph --------------------------------------------------------------------

    def fill(self, budget: int) -> None:
        """Work, publications, statements and resolutions until the graph holds ``budget`` triples."""
        kinds = (self.work, self.publish, self.exchange, self.resolution)
        while len(self.g) < budget:
            self.rng.choices(kinds, (48, 30, 18, 4))[0]()

    def publish(self) -> None:
        sector = self.rng.choice(("itu-t", "itu-r"))
        group = self.rng.choice(self.groups[sector])
        generation = self.generation(0.5)
        edition = self.publication(sector, group, generation)
        if generation and self.rng.random() < 0.3:
            self.entry(self.roadmaps[sector], edition, group)

    def source(self, seed: int) -> None:
        self.add(SOURCE, RDF.type, PROV.Entity)
        text = f"Synthetic benchmark data made by imtkg.synthetic (seed {seed}): invented, not ITU facts"
        self.add(SOURCE, RDFS.label, Literal(text, lang="en"))

    def counts(self) -> dict[str, int]:
        g = self.g

        def typed(*classes: URIRef) -> int:
            return len({s for c in classes for s in g.subjects(RDF.type, c)})

        return {
            "study_groups": typed(IMTKG.StudyGroup),
            "working_parties": typed(IMTKG.WorkingParty),
            "questions": typed(IMTKG.Question),
            "resolutions": typed(IMTKG.Resolution),
            "resolution_revisions": typed(IMTKG.ResolutionRevision),
            "sections": typed(IMTKG.Section),
            "clauses": typed(IMTKG.PreambularClause, IMTKG.OperativeClause),
            "obligations": typed(IMTKG.Obligation),
            "footnotes": typed(IMTKG.Footnote),
            "recommendations": typed(IMTKG.Recommendation),
            "editions": typed(IMTKG.Edition),
            "generation_assignments": typed(IMTKG.GenerationAssignment),
            "activities": typed(*_ACTIVITY_CLASSES),
            "dependencies": len(set(g.subject_objects(IMTKG.dependsOn))),
            "cross_sector_dependencies": self.cross_dependencies + 3 * self.per_shape,
            "liaison_statements": typed(IMTKG.LiaisonStatement),
            "replies": len(set(g.subjects(IMTKG.replyTo, None))),
            "roadmaps": typed(IMTKG.Roadmap),
            "roadmap_editions": typed(IMTKG.RoadmapEdition),
            "roadmap_entries": typed(IMTKG.RoadmapEntry),
            "compliance_records": typed(IMTKG.ComplianceRecord, IMTKG.Communication),
        }


#: The obligation shapes the generator never plants: each Sector has a roadmap with dated
#: editions, so they must stay silent.
SILENT_SHAPES = ("Resolves1RoadmapShape", "Resolves2SectorRoadmapShape")


def generate(
    size: int, seed: int = 1, *, per_shape: int = 3, project: Project | None = None
) -> Synthetic:
    """A synthetic graph such that, with the skeleton (the ontology, ``data/itu/`` and the ingested
    Resolution 38 of ``project``), the build asserts about ``size`` triples (within 10 %).

    The same ``size``, ``seed``, ``per_shape`` and project give the same graph. ``per_shape`` is
    the number of findings planted for each obligation shape that can take more than the one or
    two the Bureau Directors allow. Raises :class:`InputError` when ``size`` is too small to hold
    the skeleton, the organization and the planted findings.
    """
    project = project or Project.default()
    if per_shape < 1:
        raise InputError(f"per_shape must be 1 or more, not {per_shape}")
    data, text, skeleton, as_of = _skeleton(project)
    generator = _Generator(seed, as_of, project, size, per_shape)
    generator.source(seed)
    generator.organization()
    generator.main_roadmaps()
    generator.plant_all()
    budget = size - skeleton
    if len(generator.g) > budget * 1.1:
        minimum = math.ceil((len(generator.g) + skeleton) / 1_000) * 1_000
        raise InputError(
            f"size {size} is too small for the skeleton and the planted findings: at least {minimum}"
        )
    generator.fill(budget)
    graph = generator.g
    planted = sorted(generator.planted, key=lambda p: (p.family, p.shape, p.focus))
    manifest = {
        "generator": "imtkg.synthetic",
        "format": 1,
        "note": "Synthetic benchmark data: invented resources under the namespace below, not ITU facts.",
        "seed": seed,
        "size": size,
        "per_shape": per_shape,
        "as_of": as_of.isoformat(),
        "namespace": str(SYNTHETIC),
        "source": str(SOURCE),
        "skeleton": [p.relative_to(project.root).as_posix() for p in [*data, text]],
        "triples": {"skeleton": skeleton, "synthetic": len(graph), "asserted": skeleton + len(graph)},
        "counts": generator.counts(),
        "planted": [p.__dict__ for p in planted],
        "silent_shapes": [str(IMTSH[s]) for s in SILENT_SHAPES],
    }
    return Synthetic(graph, manifest)


def ntriples(graph: Graph) -> str:
    """``graph`` as sorted N-Triples (which is Turtle too), under a header that says it is invented."""
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    header = "# Synthetic benchmark data made by imtkg.synthetic: invented, not ITU facts.\n"
    return header + "\n".join(lines) + "\n"


def write_project(
    out: Path | str, size: int, seed: int = 1, *, per_shape: int = 3, project: Project | None = None
) -> Path:
    """Write a project folder at ``out`` (replaced whole) that holds a synthetic graph; returns the
    path of its manifest, ``data/synthetic/manifest.json``, next to ``data/synthetic/graph.ttl``.

    The folder has copies of the shipped ``ontology/``, ``shapes/`` and ``queries/``, the skeleton
    (``data/itu/*.ttl`` and the text of Resolution 38 in ``data/sources/``), and the synthetic
    graph; ``imtkg build --project OUT`` builds it. ``out`` must not be inside the shipped project.
    """
    project = project or Project.default()
    out = Path(out).resolve()
    if out == project.root.resolve() or project.root.resolve() in out.parents:
        raise InputError(f"{out}: a synthetic project is not written inside the project {project.root}")
    synthetic = generate(size, seed, per_shape=per_shape, project=project)

    def fill(staging: Path) -> None:
        for name in ("ontology", "shapes", "queries"):
            shutil.copytree(project.root / name, staging / name)
        for relative in synthetic.manifest["skeleton"]:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(project.root / relative, target)
        folder = staging / "data" / "synthetic"
        write_text_atomic(folder / "graph.ttl", ntriples(synthetic.graph))
        write_text_atomic(folder / "manifest.json", json.dumps(synthetic.manifest, indent=2) + "\n")

    replace_directory(out, fill)
    return out / "data" / "synthetic" / "manifest.json"
