"""The controlled vocabularies the ingester reads: clause kinds (section headings) and gazetteers.

Headings are data, not code: a clause kind's ``skos:prefLabel`` and ``skos:altLabel`` in
``ontology/vocab/clause-kind.ttl`` are the headings it recognizes, its ``skos:broader`` says whether
it is preambular or operative, and ``imtkg:deonticForce`` gives the force of an operative kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .errors import SourceError
from .namespaces import IMTKG, VOCAB

CLAUSE_KIND = VOCAB["clause-kind"]
PREAMBULAR = VOCAB["clause-kind/preambular"]
OPERATIVE = VOCAB["clause-kind/operative"]


@dataclass(frozen=True)
class ClauseKind:
    """A kind of section: its concept IRI, slug, label, part and (operative kinds) force."""

    iri: URIRef
    slug: str
    label: str
    operative: bool
    force: URIRef | None


@dataclass(frozen=True)
class HeadingMatch:
    """A heading phrase found at the start of a line, and what follows it on the line."""

    kind: ClauseKind
    phrase: str
    remainder: str


@dataclass(frozen=True)
class Vocabulary:
    """Clause kinds by heading phrase (longest phrase first) and gazetteer labels by concept."""

    kinds: dict[str, ClauseKind]
    phrases: tuple[tuple[str, ClauseKind], ...]
    gazetteer: tuple[tuple[str, URIRef], ...]

    def match_heading(self, line: str) -> HeadingMatch | None:
        """The longest heading phrase that starts ``line`` as whole words, if any."""
        lowered = line.lower()
        for phrase, kind in self.phrases:
            if lowered.startswith(phrase) and (
                len(lowered) == len(phrase) or not lowered[len(phrase)].isalnum()
            ):
                remainder = line[len(phrase) :].strip()
                return HeadingMatch(kind, phrase, remainder)
        return None

    def operative_phrase_pattern(self) -> str:
        """A regex alternation of the operative heading phrases (for multi-verb headings)."""
        return "|".join(re.escape(p) for p, k in self.phrases if k.operative)


def _load(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise SourceError(path, "vocabulary file not found") from None
    except Exception as exc:  # rdflib raises several parser exception types
        raise SourceError(path, f"malformed Turtle: {exc}") from None
    return graph


@cache
def load_vocabulary(ontology_dir: Path) -> Vocabulary:
    """Read the clause-kind scheme and the gazetteer schemes from ``ontology_dir/vocab``."""
    vocab_dir = ontology_dir / "vocab"
    graph = _load(vocab_dir / "clause-kind.ttl")
    kinds: dict[str, ClauseKind] = {}
    phrases: list[tuple[str, ClauseKind]] = []
    for concept in sorted(graph.subjects(SKOS.inScheme, CLAUSE_KIND)):
        if concept in (PREAMBULAR, OPERATIVE):
            continue
        broader = set(graph.transitive_objects(concept, SKOS.broader))
        slug = str(concept).rsplit("/", 1)[1]
        label = str(graph.value(concept, SKOS.prefLabel))
        force = graph.value(concept, IMTKG.deonticForce)
        kind = ClauseKind(concept, slug, label, OPERATIVE in broader, force)
        kinds[slug] = kind
        for lit in [
            *graph.objects(concept, SKOS.prefLabel),
            *graph.objects(concept, SKOS.altLabel),
        ]:
            phrases.append((str(lit).lower(), kind))
    phrases.sort(key=lambda item: (-len(item[0]), item[0]))
    gazetteer: list[tuple[str, URIRef]] = []
    for name in ("country-group.ttl", "imt-generation.ttl"):
        path = vocab_dir / name
        if not path.exists():
            continue
        scheme = _load(path)
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for concept, lit in scheme.subject_objects(predicate):
                gazetteer.append((str(lit), concept))
    gazetteer.sort(key=lambda item: (-len(item[0]), item[0], str(item[1])))
    return Vocabulary(kinds, tuple(phrases), tuple(gazetteer))
