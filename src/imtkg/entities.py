"""Resolve what a clause names to IRIs: cited documents, ITU bodies, sessions, concepts.

Each recognizer is a regular expression over the normalized text. They run in a fixed priority
order and a match may not overlap one already taken, so "Study Group 5 of the ITU
Radiocommunication Sector (ITU-R)" is one study group, not also a Sector, and "Recommendation
ITU-T A.4" is a citation, not also a mention of ITU-T. Every reference carries the facts the text
itself states about the thing (its type, the body that issued it, the session that adopted it);
labels and titles come from the sourced data in ``data/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import ORG, RDF, XSD

from .namespaces import ID, IMTKG, slug
from .resolution import parse_paren, two_digit_year
from .vocabulary import Vocabulary

Triple = tuple[URIRef, URIRef, URIRef | Literal]

SECTOR_OF_BODY = {"wtsa": "itu-t", "ra": "itu-r", "wrc": "itu-r", "wtdc": "itu-d", "pp": "itu"}
ASSEMBLY_BODIES = {"wtsa", "ra"}
CONFERENCE_BODIES = {"wtdc", "wrc", "pp"}
_BUREAU_POST = {"tsb": "director-tsb", "br": "director-br", "bdt": "director-bdt"}


@dataclass(frozen=True)
class Reference:
    """A thing the text names: its IRI, where (character span), and its role.

    Roles: ``citation`` (a document), ``agent`` (a body or post that can bear an obligation),
    ``event`` (a session or agenda item), ``concept`` (an IMT generation, a country group).
    """

    iri: URIRef
    start: int
    end: int
    role: str
    facts: tuple[Triple, ...] = ()


def _session(body: str, year: int, place: str | None = None) -> tuple[URIRef, list[Triple]]:
    iri = ID[f"event/{body}-{year}"]
    facts: list[Triple] = [
        (iri, RDF.type, IMTKG.Session),
        (iri, IMTKG.sessionOf, ID[f"org/{body}"]),
        (iri, IMTKG.year, Literal(str(year), datatype=XSD.gYear)),
        (ID[f"org/{body}"], RDF.type, IMTKG.Assembly),
    ]
    if place:
        facts.append((iri, IMTKG.placeName, Literal(place)))
    return iri, facts


_SECTOR_NAMES = (
    r"ITU\s+Radiocommunication\s+Sector|ITU\s+Telecommunication\s+Standardization\s+Sector|"
    r"ITU\s+Telecommunication\s+Development\s+Sector|International\s+Telecommunication\s+"
    r"Standardization\s+Sector|Radiocommunication\s+Sector|Telecommunication\s+Standardization\s+"
    r"Sector|Telecommunication\s+Development\s+Sector|ITU-[TRD]"
)


def _sector_code(name: str | None) -> str | None:
    if not name:
        return None
    name = " ".join(name.split())
    if name.startswith("ITU-"):
        return name.lower()
    if "Radiocommunication" in name:
        return "itu-r"
    if "Development" in name:
        return "itu-d"
    return "itu-t"


_ASSEMBLY_NAMES = {
    "wtsa": r"World\s+Telecommunication\s+Standardization\s+Assembly(?:\s*\(WTSA\))?|WTSA(?!-)",
    "wtdc": r"World\s+Telecommunication\s+Development\s+Conference(?:\s*\(WTDC\))?|WTDC(?!-)",
    "wrc": r"World\s+Radiocommunication\s+Conference(?:\s*\(WRC\))?|WRC(?!-)",
    "ra": r"Radiocommunication\s+Assembly(?:\s*\(RA\))?|RA(?!-)",
    "pp": r"Plenipotentiary\s+Conference(?:\s*\(PP\))?",
    "cpm": r"Conference\s+Preparatory\s+Meeting(?:\s*\(CPM\))?|CPM(?!\d)",
}
_RES_ITEM = r"(?:ITU-R\s+)?\d+[A-Z]?(?:-\d+)?(?:\s*\([^()]*\))?"
_LIST_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_RESOLUTION_RE = re.compile(
    rf"\bResolutions?\s+(?P<list>{_RES_ITEM}(?:{_LIST_SEP}{_RES_ITEM})*)"
    r"(?:\s+of\s+(?:the\s+)?(?P<of>this\s+(?:[Aa]ssembly|[Cc]onference)|"
    + "|".join(f"(?:{p})" for p in _ASSEMBLY_NAMES.values())
    + r"))?"
)
_RES_ITEM_RE = re.compile(
    r"(?P<itur>ITU-R\s+)?(?P<num>\d+[A-Z]?)(?:-(?P<rev>\d+))?(?:\s*\((?P<paren>[^()]*)\))?"
)

_SYM = r"[A-Z]{1,3}\.\d+(?:\.\d+)*(?:-\d+)?(?:\s*\(\d{2}/\d{4}\))?"
_REC_RE = re.compile(
    rf"(?:\bRecommendations?\s+)?\b(?P<sector>ITU-[TR])\s+(?P<list>{_SYM}(?:{_LIST_SEP}{_SYM})*)"
)
_REC_ITEM_RE = re.compile(
    r"(?P<series>[A-Z]{1,3})\.(?P<num>\d+(?:\.\d+)*)(?:-(?P<ver>\d+))?"
    r"(?:\s*\((?P<mm>\d{2})/(?P<yyyy>\d{4})\))?"
)

_BUREAU = (
    r"(?:the\s+)?(?:Telecommunication\s+Standardization\s+Bureau(?:\s*\(TSB\))?|"
    r"Radiocommunication\s+Bureau(?:\s*\(BR\))?|Telecommunication\s+Development\s+Bureau"
    r"(?:\s*\(BDT\))?|TSB|BR|BDT)"
)
_DIRECTORS_RE = re.compile(rf"\bDirectors?\s+of\s+(?P<list>{_BUREAU}(?:{_LIST_SEP}{_BUREAU})*)")
_THREE_DIRECTORS_RE = re.compile(r"\bDirectors\s+of\s+the\s+three\s+Bureaux\b")
_BUREAU_DIRECTOR_RE = re.compile(r"\b(?P<b>TSB|BR|BDT)\s+Director\b")
_BUREAU_RE = re.compile(rf"\b{_BUREAU}\b")
_SESSION_RE = re.compile(r"\b(?P<body>WTSA|WTDC|WRC|RA|PP)-(?P<yy>\d{2})\b")
_CPM_RE = re.compile(r"\bCPM(?P<yy>\d{2})-(?P<n>\d)\b")
_STUDY_GROUP_RE = re.compile(
    r"(?:\b(?P<pre>ITU-[TRD])\s+)?\b(?:Study\s+Group|SG)\s?(?P<n>\d+)\b"
    rf"(?:\s+of\s+(?:the\s+)?(?P<of>{_SECTOR_NAMES})(?:\s*\(ITU-[TRD]\))?)?"
)
_WP_R_RE = re.compile(r"\b(?:Working\s+Party|WP)\s?(?P<sg>\d)(?P<letter>[A-F])\b")
_WP_TD_RE = re.compile(r"\b(?:Working\s+Party|WP)\s?(?P<wp>\d+)/(?P<sg>\d+)\b")
_JTG_RE = re.compile(r"\b(?:Joint\s+Task\s+Group\s*(?:\(JTG\)\s*)?|JTG\s*)(?P<ids>\d+(?:-\d+)+)")
_AGENDA_RE = re.compile(
    r"\bagenda\s+items?\s+(?P<list>\d+(?:\.\d+)+(?:" + _LIST_SEP + r"\d+(?:\.\d+)+)*)"
)
_THREE_SECTORS_RE = re.compile(r"\b(?:the\s+)?three\s+(?:ITU\s+)?Sectors\b")
_SECTOR_RE = re.compile(rf"\b(?P<name>{_SECTOR_NAMES})\b(?:\s*\(ITU-[TRD]\))?")
_SG_POST_RE = re.compile(r"\bSecretary-General\b")
_MEMBERS_RE = re.compile(r"\b(?P<name>Member\s+States|Sector\s+Members)\b")
_THIS_BODY_RE = re.compile(r"\bthis\s+(?:[Aa]ssembly|[Cc]onference)\b")


@dataclass(frozen=True)
class _Group:
    """One match of a recognizer: the span it claims and the references it yields."""

    start: int
    end: int
    refs: tuple[Reference, ...]


def _one(match: re.Match[str], iri: URIRef, role: str, facts) -> _Group:
    ref = Reference(iri, match.start(), match.end(), role, tuple(facts))
    return _Group(match.start(), match.end(), (ref,))


class Resolver:
    """Finds references in the texts of one resolution adopted by ``body``."""

    def __init__(self, vocabulary: Vocabulary, body: str):
        self.body = body
        self.sector = SECTOR_OF_BODY[body]
        self.gazetteer = [
            (
                re.compile(rf"(?<![\w-]){re.escape(label)}(?![\w-])", _gazetteer_flags(label)),
                concept,
            )
            for label, concept in vocabulary.gazetteer
        ]

    def references(self, text: str) -> list[Reference]:
        """Every reference in ``text``, non-overlapping, in order of position."""
        taken: list[tuple[int, int]] = []
        found: list[Reference] = []

        def claim(groups) -> None:
            for group in groups:
                if all(group.end <= s or group.start >= e for s, e in taken):
                    taken.append((group.start, group.end))
                    found.extend(group.refs)

        for recognizer in self._recognizers():
            claim(recognizer(text))
        claim(self._agenda_items(text, found))
        claim(
            _one(match, concept, "concept", ())
            for pattern, concept in self.gazetteer
            for match in pattern.finditer(text)
        )
        return sorted(found, key=lambda r: (r.start, r.end, str(r.iri)))

    def _recognizers(self):
        return (
            self._resolutions,
            self._recommendations,
            self._directors,
            self._sessions,
            self._groups,
            self._sectors,
            self._bureaux,
            self._officials,
            self._assemblies,
        )

    # -- building blocks ----------------------------------------------------------------------
    def _body_of(self, name: str | None) -> str | None:
        if not name:
            return None
        if _THIS_BODY_RE.fullmatch(name):
            return self.body
        for code, pattern in _ASSEMBLY_NAMES.items():
            if re.fullmatch(pattern, name):
                return code
        return None

    def _resolution(self, item: re.Match[str], list_itur: bool, of_body: str | None):
        number = item["num"]
        paren_body, adoption = parse_paren(item["paren"])
        body = "ra" if item["itur"] or list_itur else paren_body or of_body or self.body
        work = ID[f"resolution/{body}/{slug(number)}"]
        facts: list[Triple] = [
            (work, RDF.type, IMTKG.Resolution),
            (work, IMTKG.issuedBy, ID[f"org/{body}"]),
            (work, IMTKG.number, Literal(number)),
            (ID[f"org/{body}"], RDF.type, IMTKG.Assembly),
        ]
        year = adoption.year if adoption else None
        place = adoption.place if adoption else None
        if body == "ra" and item["rev"] is not None:
            target = ID[f"resolution/ra/{number.lower()}-{item['rev']}"]
        elif body != "ra" and year is not None:
            target = ID[f"resolution/{body}/{number.lower()}/{year}"]
        else:
            return work, facts
        facts += [(target, RDF.type, IMTKG.ResolutionRevision), (target, IMTKG.revisionOf, work)]
        if year is not None:
            session, session_facts = _session(body, year, place)
            facts += [(target, IMTKG.adoptedAt, session), *session_facts]
        return target, facts

    @staticmethod
    def _study_group(sector: str, number: str) -> tuple[URIRef, list[Triple]]:
        iri = ID[f"org/{sector}/sg{number}"]
        return iri, [
            (iri, RDF.type, IMTKG.StudyGroup),
            (iri, ORG.subOrganizationOf, ID[f"org/{sector}"]),
            (iri, IMTKG.number, Literal(number)),
        ]

    # -- recognizers, in priority order -------------------------------------------------------
    def _resolutions(self, text: str) -> Iterator[_Group]:
        for match in _RESOLUTION_RE.finditer(text):
            of_body = self._body_of(match["of"])
            listing, offset = match["list"], match.start("list")
            refs = []
            for item in _RES_ITEM_RE.finditer(listing):
                iri, facts = self._resolution(item, listing.startswith("ITU-R"), of_body)
                refs.append(
                    Reference(iri, offset + item.start(), offset + item.end(), "citation", tuple(facts))
                )
            yield _Group(match.start(), match.end(), tuple(refs))

    def _recommendations(self, text: str) -> Iterator[_Group]:
        for match in _REC_RE.finditer(text):
            sector = match["sector"].lower()
            offset = match.start("list")
            refs = []
            for item in _REC_ITEM_RE.finditer(match["list"]):
                symbol = f"{item['series'].lower()}.{item['num']}"
                rec = ID[f"rec/{sector}/{symbol}"]
                facts: list[Triple] = [
                    (rec, RDF.type, IMTKG.Recommendation),
                    (rec, IMTKG.sector, ID[f"org/{sector}"]),
                    (rec, IMTKG.series, Literal(item["series"])),
                    (rec, IMTKG.number, Literal(item["num"])),
                ]
                target = rec
                if sector == "itu-r" and item["ver"] is not None:
                    target = ID[f"rec/itu-r/{symbol}/{item['ver']}"]
                elif item["yyyy"]:
                    target = ID[f"rec/{sector}/{symbol}/{item['yyyy']}-{item['mm']}"]
                if target != rec:
                    facts += [(target, RDF.type, IMTKG.Edition), (target, IMTKG.editionOf, rec)]
                refs.append(
                    Reference(
                        target, offset + item.start(), offset + item.end(), "citation", tuple(facts)
                    )
                )
            yield _Group(match.start(), match.end(), tuple(refs))

    def _directors(self, text: str) -> Iterator[_Group]:
        for match in _THREE_DIRECTORS_RE.finditer(text):
            refs = tuple(_post_ref(code, match.start(), match.end()) for code in _BUREAU_POST)
            yield _Group(match.start(), match.end(), refs)
        for match in _DIRECTORS_RE.finditer(text):
            offset = match.start("list")
            # Each post's span starts at "Director(s)", so "that the Director of BR report"
            # reads as a subject naming the post.
            refs = tuple(
                _post_ref(_bureau_code(b.group(0)), match.start(), offset + b.end())
                for b in _BUREAU_RE.finditer(match["list"])
            )
            yield _Group(match.start(), match.end(), refs)
        for match in _BUREAU_DIRECTOR_RE.finditer(text):
            ref = _post_ref(match["b"].lower(), match.start(), match.end())
            yield _Group(match.start(), match.end(), (ref,))

    def _sessions(self, text: str) -> Iterator[_Group]:
        for match in _CPM_RE.finditer(text):
            iri = ID[f"event/cpm{match['yy']}-{match['n']}"]
            facts = [
                (iri, RDF.type, IMTKG.Session),
                (iri, IMTKG.sessionOf, ID["org/cpm"]),
                (ID["org/cpm"], RDF.type, IMTKG.Assembly),
                (iri, IMTKG.preparesFor, ID[f"event/wrc-{two_digit_year(match['yy'])}"]),
            ]
            yield _one(match, iri, "event", facts)
        for match in _SESSION_RE.finditer(text):
            iri, facts = _session(match["body"].lower(), two_digit_year(match["yy"]))
            yield _one(match, iri, "event", facts)

    def _groups(self, text: str) -> Iterator[_Group]:
        for match in _STUDY_GROUP_RE.finditer(text):
            sector = _sector_code(match["pre"] or match["of"]) or self.sector
            if sector != "itu":
                iri, facts = self._study_group(sector, match["n"])
                yield _one(match, iri, "agent", facts)
        for match in _WP_R_RE.finditer(text):
            yield self._working_party(
                match, "itu-r", match["sg"], f"{match['sg']}{match['letter'].lower()}"
            )
        if self.sector != "itu":
            for match in _WP_TD_RE.finditer(text):
                yield self._working_party(match, self.sector, match["sg"], match["wp"])
        for match in _JTG_RE.finditer(text):
            iri = ID[f"org/itu-r/jtg-{match['ids']}"]
            facts = [
                (iri, RDF.type, IMTKG.JointTaskGroup),
                (iri, ORG.subOrganizationOf, ID["org/itu-r"]),
            ]
            yield _one(match, iri, "agent", facts)

    def _working_party(self, match: re.Match[str], sector: str, sg_number: str, wp: str) -> _Group:
        sg, sg_facts = self._study_group(sector, sg_number)
        iri = URIRef(f"{sg}/wp{wp}")
        facts = [*sg_facts, (iri, RDF.type, IMTKG.WorkingParty), (iri, ORG.subOrganizationOf, sg)]
        return _one(match, iri, "agent", facts)

    @staticmethod
    def _sectors(text: str) -> Iterator[_Group]:
        for match in _THREE_SECTORS_RE.finditer(text):
            refs = tuple(
                Reference(
                    ID[f"org/{code}"],
                    match.start(),
                    match.end(),
                    "agent",
                    ((ID[f"org/{code}"], RDF.type, IMTKG.Sector),),
                )
                for code in ("itu-t", "itu-r", "itu-d")
            )
            yield _Group(match.start(), match.end(), refs)
        for match in _SECTOR_RE.finditer(text):
            iri = ID[f"org/{_sector_code(match['name'])}"]
            yield _one(match, iri, "agent", [(iri, RDF.type, IMTKG.Sector)])

    @staticmethod
    def _bureaux(text: str) -> Iterator[_Group]:
        for match in _BUREAU_RE.finditer(text):
            iri = ID[f"org/{_bureau_code(match.group(0))}"]
            yield _one(match, iri, "agent", [(iri, RDF.type, IMTKG.Bureau)])

    @staticmethod
    def _officials(text: str) -> Iterator[_Group]:
        for match in _SG_POST_RE.finditer(text):
            iri = ID["post/secretary-general"]
            yield _one(match, iri, "agent", [(iri, RDF.type, IMTKG.ElectedOfficialPost)])
        for match in _MEMBERS_RE.finditer(text):
            iri = ID["org/" + "-".join(match["name"].lower().split())]
            yield _one(match, iri, "agent", [(iri, RDF.type, ORG.Organization)])

    def _assemblies(self, text: str) -> Iterator[_Group]:
        for code, pattern in _ASSEMBLY_NAMES.items():
            for match in re.finditer(rf"\b(?:{pattern})\b", text):
                iri = ID[f"org/{code}"]
                yield _one(match, iri, "agent", [(iri, RDF.type, IMTKG.Assembly)])
        for match in _THIS_BODY_RE.finditer(text):
            iri = ID[f"org/{self.body}"]
            yield _one(match, iri, "agent", [(iri, RDF.type, IMTKG.Assembly)])

    @staticmethod
    def _agenda_items(text: str, found: list[Reference]) -> Iterator[_Group]:
        """Agenda items, attached to the nearest World Radiocommunication Conference session."""
        sessions = [r for r in found if r.role == "event" and "/event/wrc-" in str(r.iri)]
        for match in _AGENDA_RE.finditer(text):
            if not sessions:
                continue
            before = [s for s in sessions if s.end <= match.start()]
            session = (before[-1] if before else min(sessions, key=lambda s: s.start)).iri
            offset = match.start("list")
            refs = []
            for number in re.finditer(r"\d+(?:\.\d+)+", match["list"]):
                iri = URIRef(f"{session}/agenda-item/{number.group(0)}")
                facts = (
                    (iri, RDF.type, IMTKG.AgendaItem),
                    (iri, IMTKG.agendaItemOf, session),
                    (iri, IMTKG.number, Literal(number.group(0))),
                )
                refs.append(
                    Reference(iri, offset + number.start(), offset + number.end(), "event", facts)
                )
            yield _Group(match.start(), match.end(), tuple(refs))


def _gazetteer_flags(label: str) -> int:
    """Acronyms and names with capitals ("IMT-2020") match as written; phrases ignore case."""
    return 0 if any(c.isupper() for c in label) else re.IGNORECASE


def _post_ref(bureau: str, start: int, end: int) -> Reference:
    post = _BUREAU_POST[bureau]
    iri = ID[f"post/{post}"]
    facts = ((iri, RDF.type, IMTKG.DirectorPost), (iri, ORG.postIn, ID[f"org/{bureau}"]))
    return Reference(iri, start, end, "agent", facts)


def _bureau_code(name: str) -> str:
    name = " ".join(name.split())
    if "Standardization" in name or name.endswith("TSB"):
        return "tsb"
    if "Development" in name or name.endswith("BDT"):
        return "bdt"
    return "br"
