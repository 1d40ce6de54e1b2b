"""Ingest the plain text of an ITU resolution into clause-level RDF."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from .entities import SECTOR_OF_BODY, Reference, Resolver
from .namespaces import ID, IMTKG, bind_prefixes, slug
from .project import Project
from .resolution import Item, ParsedResolution, Section, parse_resolution
from .vocabulary import Vocabulary, load_vocabulary

_PASSIVE_RE = re.compile(r"\b(?:be|is|are|shall\s+be|should\s+be|will\s+be)\s+[a-z]+(?:ed|en|t)\b")
_WITH_RE = re.compile(
    r",?\s+(?:in\s+(?:close\s+)?(?:collaboration|cooperation|coordination|consultation|liaison)"
    r"\s+with|together\s+with|with\s+the\s+(?:assistance|support)\s+of)\s+",
    re.IGNORECASE,
)
_LEADING_AGENT_GAP_RE = re.compile(r"^(?:\s|,|and\b|the\b)*$")


def ingest_resolution(path: Path | str, project: Project | None = None, partial: bool = False) -> Graph:
    """Return the RDF graph of the resolution text at ``path``.

    Raises :class:`imtkg.errors.ResolutionParseError` (with the line) when the text is not an
    ITU resolution, and :class:`imtkg.errors.SourceError` when it cannot be read. ``partial``
    accepts an excerpt that stops before the operative part.

    >>> from imtkg import Project, ingest_resolution
    >>> path = Project.default().sources_dir / "wtsa-resolution-38-rev-dubai-2012.txt"
    >>> graph = ingest_resolution(path)
    >>> len(graph) > 300
    True
    """
    project = project or Project.default()
    vocabulary = load_vocabulary(project.ontology_dir)
    parsed = parse_resolution(Path(path), vocabulary, partial)
    return ResolutionGraph(parsed, vocabulary).build()


class ResolutionGraph:
    """Maps a :class:`ParsedResolution` to triples (IRI patterns in docs/design.md)."""

    def __init__(self, parsed: ParsedResolution, vocabulary: Vocabulary):
        self.parsed = parsed
        self.vocabulary = vocabulary
        self.resolver = Resolver(vocabulary, parsed.body)
        self.graph = Graph()
        bind_prefixes(self.graph.namespace_manager)
        self.source = ID[f"source/{slug(parsed.path.stem)}"]
        self.work = ID[f"resolution/{parsed.body}/{slug(parsed.number)}"]
        self.revision = self._revision_iri(parsed.adoption.year if parsed.adoption else None)
        self.order = 0

    def add(self, s: URIRef, p: URIRef, o) -> None:
        self.graph.add((s, p, o))

    def _revision_iri(self, year: int | None) -> URIRef:
        parsed = self.parsed
        if parsed.body == "ra":
            return ID[f"resolution/ra/{slug(parsed.number)}-{parsed.itu_r_revision or 0}"]
        if year is None:
            raise ValueError("a resolution revision needs its year of adoption")
        return ID[f"resolution/{parsed.body}/{slug(parsed.number)}/{year}"]

    def build(self) -> Graph:
        self._source()
        self._work_and_revisions()
        counts: dict[str, int] = {}
        for section in self.parsed.sections:
            counts[section.kind.slug] = counts.get(section.kind.slug, 0) + 1
            suffix = "" if counts[section.kind.slug] == 1 else f"-{counts[section.kind.slug]}"
            self._section(section, URIRef(f"{self.revision}/{section.kind.slug}{suffix}"))
        self._footnotes()
        return self.graph

    # -- document level -----------------------------------------------------------------------
    def _source(self) -> None:
        add, src = self.add, self.source
        add(src, RDF.type, IMTKG.SourceText)
        add(src, RDFS.label, Literal(self.parsed.path.name))
        add(src, IMTKG.sha256, Literal(self.parsed.sha256))
        add(src, DCTERMS["format"], Literal("text/plain"))

    def _work_and_revisions(self) -> None:
        parsed, add = self.parsed, self.add
        body_iri = ID[f"org/{parsed.body}"]
        add(self.work, RDF.type, IMTKG.Resolution)
        add(self.work, IMTKG.issuedBy, body_iri)
        add(self.work, IMTKG.number, Literal(parsed.number))
        add(self.work, DCTERMS.source, self.source)
        add(body_iri, RDF.type, IMTKG.Assembly)
        history = parsed.history or ([parsed.adoption] if parsed.adoption else [])
        revisions = self._history_revisions(history)
        if self.revision not in [iri for iri, _ in revisions]:
            revisions.append((self.revision, parsed.adoption))
        previous = None
        for iri, adoption in revisions:
            add(iri, RDF.type, IMTKG.ResolutionRevision)
            add(iri, IMTKG.revisionOf, self.work)
            add(iri, DCTERMS.source, self.source)
            if adoption is not None:
                session = ID[f"event/{parsed.body}-{adoption.year}"]
                add(iri, IMTKG.adoptedAt, session)
                add(iri, IMTKG.year, Literal(str(adoption.year), datatype=XSD.gYear))
                add(session, RDF.type, IMTKG.Session)
                add(session, IMTKG.sessionOf, body_iri)
                add(session, IMTKG.year, Literal(str(adoption.year), datatype=XSD.gYear))
                if adoption.place:
                    add(session, IMTKG.placeName, Literal(adoption.place))
            if previous is not None:
                add(iri, IMTKG.previousRevision, previous)
            if iri != self.revision and adoption is not None and adoption.place:
                # ITU's convention: "Resolution 38 (Montreal, 2000)", then "(Rev. Florianópolis, 2004)".
                rev = "" if previous is None else "Rev. "
                identifier = f"Resolution {parsed.number} ({rev}{adoption.place}, {adoption.year})"
                add(iri, DCTERMS.identifier, Literal(identifier))
                add(iri, RDFS.label, Literal(identifier, lang="en"))
            previous = iri
        rev = self.revision
        add(rev, DCTERMS.identifier, Literal(parsed.identifier))
        add(rev, RDFS.label, Literal(parsed.identifier, lang="en"))
        add(rev, DCTERMS.title, Literal(parsed.title, lang="en"))
        add(rev, PROV.wasDerivedFrom, self.source)
        if parsed.enacting_formula:
            add(rev, IMTKG.enactingFormula, Literal(parsed.enacting_formula))
        sector = SECTOR_OF_BODY[parsed.body]
        if sector != "itu":
            add(rev, IMTKG.sector, ID[f"org/{sector}"])

    def _history_revisions(self, history) -> list[tuple[URIRef, object]]:
        parsed = self.parsed
        if parsed.body != "ra":
            return [(self._revision_iri(a.year), a) for a in history]
        # ITU-R numbers its revisions: "(2000-2007-2012)" for 50-2 are 50-0, 50-1, 50-2.
        if parsed.itu_r_revision is not None and len(history) == parsed.itu_r_revision + 1:
            return [
                (ID[f"resolution/ra/{slug(parsed.number)}-{n}"], adoption)
                for n, adoption in enumerate(history)
            ]
        return []

    # -- sections and clauses -----------------------------------------------------------------
    def _section(self, section: Section, iri: URIRef) -> None:
        add = self.add
        self.order += 1
        add(iri, RDF.type, IMTKG.Section)
        add(iri, DCTERMS.isPartOf, self.revision)
        add(iri, IMTKG.heading, Literal(section.heading))
        add(iri, IMTKG.clauseKind, section.kind.iri)
        add(iri, IMTKG.order, Literal(self.order))
        add(iri, RDFS.label, Literal(f"{self.parsed.identifier}, {section.heading}", lang="en"))
        add(iri, DCTERMS.source, self.source)
        for ref in self._references(section.heading):
            add(iri, IMTKG.mentions, ref.iri)
        self._items(section, iri, section.items, iri, None)

    def _items(
        self,
        section: Section,
        section_iri: URIRef,
        items: list[Item],
        base: URIRef,
        parent: URIRef | None,
    ) -> None:
        unlabelled = 0
        for item in items:
            if item.label is None:
                unlabelled += 1
                segment = f"p{unlabelled}"
            else:
                segment = slug(item.label)
            iri = URIRef(f"{base}/{segment}")
            self._clause(section, section_iri, item, iri, parent)
            self._items(section, section_iri, item.children, iri, iri)

    def _clause(
        self, section: Section, section_iri: URIRef, item: Item, iri: URIRef, parent: URIRef | None
    ) -> None:
        add = self.add
        self.order += 1
        kind = section.kind
        add(iri, RDF.type, IMTKG.OperativeClause if kind.operative else IMTKG.PreambularClause)
        add(iri, DCTERMS.isPartOf, self.revision)
        add(iri, IMTKG.inSection, section_iri)
        add(iri, IMTKG.clauseKind, kind.iri)
        add(iri, IMTKG.order, Literal(self.order))
        add(iri, IMTKG.text, Literal(item.text))
        add(iri, DCTERMS.source, self.source)
        if item.label is None:
            label = section.heading
        elif item.label_type in ("letter", "roman"):
            label = f"{section.heading} {item.label})"
        else:
            label = f"{section.heading} {item.label}"
        add(iri, RDFS.label, Literal(f"{self.parsed.identifier}, {label}", lang="en"))
        if item.label is not None:
            add(iri, IMTKG.clauseLabel, Literal(item.label))
        if parent is not None:
            add(iri, IMTKG.subClauseOf, parent)
        references = self._references(item.text)
        for ref in references:
            add(iri, IMTKG.cites if ref.role == "citation" else IMTKG.mentions, ref.iri)
        for number in item.footnotes:
            add(iri, IMTKG.hasFootnote, URIRef(f"{self.revision}/footnote/{number}"))
        if kind.operative and parent is None:
            self._obligations(section, item, iri, references)

    def _references(self, text: str) -> list[Reference]:
        references = self.resolver.references(text)
        for ref in references:
            for triple in ref.facts:
                self.graph.add(triple)
                self.graph.add((triple[0], DCTERMS.source, self.source))
        return references

    def _footnotes(self) -> None:
        add = self.add
        for number, footnote in sorted(self.parsed.footnotes.items(), key=lambda kv: int(kv[0])):
            iri = URIRef(f"{self.revision}/footnote/{number}")
            add(iri, RDF.type, IMTKG.Footnote)
            add(iri, DCTERMS.isPartOf, self.revision)
            add(iri, IMTKG.number, Literal(number))
            add(iri, IMTKG.text, Literal(footnote.text))
            add(iri, RDFS.label, Literal(f"{self.parsed.identifier}, footnote {number}", lang="en"))
            add(iri, DCTERMS.source, self.source)
            for ref in self._references(footnote.text):
                add(iri, IMTKG.cites if ref.role == "citation" else IMTKG.mentions, ref.iri)

    # -- obligations --------------------------------------------------------------------------
    def _obligations(self, section: Section, item: Item, clause: URIRef, refs: list[Reference]) -> None:
        """One obligation per verb of the heading: who must act, what, towards whom, how firmly."""
        action = re.sub(r"^that\s+", "", item.text).rstrip(";,. ")
        default = ID[f"org/{SECTOR_OF_BODY[self.parsed.body]}"]
        for n, (kind, addressee) in enumerate(section.groups, start=1):
            if addressee:
                main, *with_parts = _WITH_RE.split(addressee, maxsplit=1)
                bearers = _agents(self.resolver.references(main))
                others = _agents(self.resolver.references(" ".join(with_parts)))
                others += _agents(refs)
            else:
                bearers, others = _subject_agents(item.text, refs), _agents(refs)
            bearers = bearers or [default]
            others = [o for o in dict.fromkeys(others) if o not in bearers]
            iri = URIRef(f"{clause}/obligation/{n}")
            add = self.add
            add(iri, RDF.type, IMTKG.Obligation)
            add(iri, IMTKG.createdBy, clause)
            add(iri, IMTKG.action, Literal(action))
            add(iri, DCTERMS.source, self.source)
            add(
                iri,
                RDFS.label,
                Literal(f"obligation {n} of {self.graph.value(clause, RDFS.label)}", lang="en"),
            )
            if kind.force is not None:
                add(iri, IMTKG.deonticForce, kind.force)
            for bearer in dict.fromkeys(bearers):
                add(iri, IMTKG.bearer, bearer)
            for other in others:
                add(iri, IMTKG.otherParty, other)


def _agents(refs: list[Reference]) -> list[URIRef]:
    return [r.iri for r in refs if r.role == "agent"]


def _subject_agents(text: str, refs: list[Reference]) -> list[URIRef]:
    """The agents of a clause's subject: before a passive verb, or listed right after 'that'."""
    body_start = 5 if text.lower().startswith("that ") else 0
    passive = _PASSIVE_RE.search(text, body_start)
    if passive:
        return [r.iri for r in refs if r.role == "agent" and r.end <= passive.start()]
    subject: list[URIRef] = []
    position = body_start
    for ref in refs:
        if ref.role != "agent" or not _LEADING_AGENT_GAP_RE.match(text[position : ref.start]):
            break
        subject.append(ref.iri)
        position = ref.end
    return subject


__all__ = ["ResolutionGraph", "ingest_resolution"]
