"""Specification of the roadmap data under data/roadmap/ (issue 3).

The files hold the IMT work that is not just a published document: groups, activities, the
Questions the catalogue lacks, liaison statements and roadmaps. Every fact in them must come from
a source: every subject names at least one dct:source, an absolute http(s) address. Every link to
a group, activity or document is an IRI of the design card (docs/design.md), and points at
something that exists: in data/ or, for catalogue texts, in the relaton snapshot the catalogue
importer reads. Dates are well-formed at the precision their datatype gives; activities have a
Sector and a responsible group of that Sector.
"""

from __future__ import annotations

import datetime as dt
import re
import tarfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from conftest import SHARED, require
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as ns

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ROADMAP = DATA / "roadmap"
VOCAB = ROOT / "ontology" / "vocab"
SNAPSHOT = SHARED / "datasets" / "relaton-data-itu-daa9deb.tar.gz"

ID = "https://w3id.org/imtkg/id/"
IMTKG = Namespace("https://w3id.org/imtkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
# Open namespaces: pytest probes module attributes, which rdflib's closed ones warn about.
DCT = Namespace(str(ns.DCTERMS))
XSD = Namespace(str(ns.XSD))

ROADMAP_FILES = sorted(ROADMAP.glob("*.ttl"))
# Everything under data/ but the ingested texts: the groups the roadmap data names live in
# data/itu/ as well.
DATA_FILES = sorted(p for p in DATA.rglob("*.ttl") if p.relative_to(DATA).parts[0] != "sources")


def file_id(path: Path) -> str:
    return str(path.relative_to(DATA))


# --- the design card's IRI patterns (path after https://w3id.org/imtkg/id/) --------------------

SECTOR = r"itu-[rtd]"
PATTERNS = {
    "sector": rf"org/{SECTOR}",
    # id/org/{slug}: ITU, bureaux, assemblies (and bodies outside ITU)
    "organization": r"org/[a-z0-9-]+",
    # id/org/{sector}/sg{n}, {study group}/wp{id}, id/org/{sector}/jtg-{numbers},
    # id/org/{sector}/{slug} (focus groups, joint coordination activities)
    "group": rf"org/{SECTOR}/(sg\d+(/wp[0-9a-z]+)?|jtg-\d+(-\d+)*|[a-z0-9-]+)",
    "recommendation": (
        rf"rec/{SECTOR}/[a-z]+\.[0-9.]+"
        r"(/(\d{4}-\d{2}|\d+|\d{4}-(amd|cor|tcor)-\d+|annex-[a-z0-9]+(/\d{4}-\d{2})?))?"
    ),
    "report": rf"report/{SECTOR}/[a-z]+\.\d+(/\d+)?",
    "supplement": rf"suppl/{SECTOR}/[a-z]+\.\d+(/\d{{4}}-\d{{2}})?",
    "question": rf"question/{SECTOR}/\d+-\d+(/\d+)?",
    "handbook": rf"handbook/{SECTOR}/\d+(/\d{{4}}-\d{{2}})?",
    "resolution": r"resolution/((wtsa|wtdc|pp|wrc)/\d+(/\d{4})?|ra/\d+(-\d+)?)",
    "activity": rf"activity/{SECTOR}/[a-z0-9-]+",
    "liaison": rf"ls/{SECTOR}/[a-z0-9-]+",
    "roadmap": rf"roadmap/{SECTOR}/imt",
    "roadmap-edition": rf"roadmap/{SECTOR}/imt/\d{{4}}-\d{{2}}",
    "roadmap-entry": rf"roadmap/{SECTOR}/imt/\d{{4}}-\d{{2}}/entry/\d+",
    # id/event/{acronym}-{yyyy}, id/event/cpm{yy}-{n}
    "event": r"event/([a-z]+-\d{4}|cpm\d{2}-\d+)",
}
GROUP = ("sector", "organization", "group")
PUBLICATION = ("recommendation", "report", "supplement", "question", "handbook")
DOCUMENT = (*PUBLICATION, "resolution", "liaison", "roadmap", "roadmap-edition")

# What each link may point at, by the design card.
LINKS = {
    IMTKG.responsibleGroup: GROUP,
    IMTKG.fromGroup: GROUP,
    IMTKG.toGroup: GROUP,
    IMTKG.maintainedBy: GROUP,
    ORG.subOrganizationOf: GROUP,
    IMTKG.sector: ("sector",),
    IMTKG.deliverable: PUBLICATION,
    IMTKG.dependsOn: ("activity", *PUBLICATION),
    IMTKG.underQuestion: ("question",),
    IMTKG.concerns: ("activity", *PUBLICATION),
    IMTKG.entryFor: ("activity", *PUBLICATION),
    IMTKG.replyTo: ("liaison",),
    IMTKG.editionOf: ("roadmap",),
    IMTKG.entryOf: ("roadmap-edition",),
    IMTKG.previousEdition: ("roadmap-edition", *PUBLICATION),
    IMTKG.establishedBy: ("event",),
    DCT.isFormatOf: PUBLICATION,
    PROV.wasInfluencedBy: DOCUMENT,
}

# Subjects of the roadmap data are groups, activities, Questions, liaisons and roadmaps, or a
# catalogue text the data states a sourced dependency of.
SUBJECT_KINDS = (*GROUP, "activity", *DOCUMENT, "roadmap-entry")

ACTIVITY_TYPES = {IMTKG.StandardizationActivity, IMTKG.WorkItem, IMTKG.Study}
DATE_PROPERTIES = (
    IMTKG.startDate,
    IMTKG.endDate,
    IMTKG.targetDate,
    IMTKG.approvalDate,
    DCT.date,
    DCT.issued,
    DCT.dateSubmitted,
)
DATE_PATTERNS = {
    XSD.date: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    XSD.gYearMonth: re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    XSD.gYear: re.compile(r"^\d{4}$"),
}


def kind_of(iri: object) -> str | None:
    """The design-card pattern an IRI follows, or None (not ours, or no pattern fits)."""
    if not isinstance(iri, URIRef) or not str(iri).startswith(ID):
        return None
    path = str(iri)[len(ID) :]
    for kind, pattern in PATTERNS.items():
        if re.fullmatch(pattern, path):
            return kind
    return None


def load(paths: Iterable[Path]) -> Graph:
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def roadmap() -> Graph:
    return load(ROADMAP_FILES)


@pytest.fixture(scope="module")
def data() -> Graph:
    return load(DATA_FILES)


# --- checks, as functions of a graph, so that tests can show they catch what they should ------


def subjects_without_source(g: Graph) -> list[str]:
    """Every subject (typed or not) that names no dct:source."""
    return sorted({str(s) for s in g.subjects() if g.value(s, DCT.source) is None})


def sources_that_are_not_addresses(g: Graph) -> list[str]:
    return sorted(
        f"{s} -> {o!r}"
        for s, o in g.subject_objects(DCT.source)
        if not (isinstance(o, URIRef) and re.match(r"https?://[^\s/]+\.[^\s/]+(/\S*)?$", str(o)))
    )


def links_off_pattern(g: Graph) -> list[str]:
    """Objects of the linking properties that are not design-card IRIs of the right kind."""
    bad = []
    for prop, kinds in LINKS.items():
        for s, o in g.subject_objects(prop):
            if kind_of(o) not in kinds:
                bad.append(f"{s} {g.qname(prop)} {o} (want {' or '.join(kinds)})")
    return sorted(bad)


def ill_formed_dates(g: Graph) -> list[str]:
    """Date literals that do not match their datatype, and date properties without one."""
    bad = []
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype in DATE_PATTERNS:
            text = str(o)
            ok = bool(DATE_PATTERNS[o.datatype].match(text))
            if ok and o.datatype == XSD.date:
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    ok = False
            if not ok:
                bad.append(f"{s} {p} {text!r}^^{o.datatype}")
        elif p in DATE_PROPERTIES:
            bad.append(f"{s} {p} {o!r} is not an xsd:date, xsd:gYearMonth or xsd:gYear")
    return sorted(bad)


def activities(g: Graph) -> set:
    return {s for t in ACTIVITY_TYPES for s in g.subjects(ns.RDF.type, t)}


def activities_without_sector_or_group(g: Graph) -> list[str]:
    bad = []
    for a in sorted(activities(g)):
        missing = [
            name
            for prop, name in (
                (IMTKG.sector, "imtkg:sector"),
                (IMTKG.responsibleGroup, "imtkg:responsibleGroup"),
            )
            if g.value(a, prop) is None
        ]
        if missing:
            bad.append(f"{a} lacks {', '.join(missing)}")
    return bad


def sectors_of(g: Graph, group: URIRef) -> set:
    """The Sectors a group reaches through org:subOrganizationOf (itself, if it is one)."""
    seen, todo, found = set(), [group], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if (node, ns.RDF.type, IMTKG.Sector) in g:
            found.add(node)
        todo.extend(g.objects(node, ORG.subOrganizationOf))
    return found


def truncated(a: str, b: str) -> tuple[str, str]:
    """Two dates cut to their common precision (year, month or day), for comparison."""
    n = min(len(a), len(b))
    return a[:n], b[:n]


# --- files -------------------------------------------------------------------------------------


def test_there_are_roadmap_files():
    assert ROADMAP_FILES, f"no .ttl files found under {ROADMAP}"


@pytest.mark.parametrize("path", ROADMAP_FILES, ids=file_id)
def test_each_roadmap_file_parses(path):
    g = Graph()
    g.parse(path, format="turtle")
    assert len(g) > 0, f"{file_id(path)} holds no triples"


def test_no_blank_nodes(roadmap):
    blanks = sorted({str(t) for triple in roadmap for t in triple if isinstance(t, BNode)})
    assert not blanks, f"blank nodes in data/roadmap: {blanks}"


# --- provenance --------------------------------------------------------------------------------


def test_every_subject_names_a_source(roadmap):
    offenders = subjects_without_source(roadmap)
    assert not offenders, (
        f"{len(offenders)} subjects in data/roadmap have no dct:source:\n  " + "\n  ".join(offenders)
    )


def test_the_source_check_reports_an_unsourced_subject():
    g = Graph()
    sourced = URIRef(ID + "activity/itu-t/sourced")
    bare = URIRef(ID + "activity/itu-t/bare")
    untyped = URIRef(ID + "rec/itu-t/y.3101")  # a subject need not be typed to need a source
    g.add((sourced, ns.RDF.type, IMTKG.Study))
    g.add((sourced, DCT.source, URIRef("https://www.itu.int/")))
    g.add((bare, ns.RDF.type, IMTKG.Study))
    g.add((untyped, IMTKG.dependsOn, sourced))
    assert subjects_without_source(g) == [str(bare), str(untyped)]


def test_every_source_is_an_absolute_http_address(roadmap):
    bad = sources_that_are_not_addresses(roadmap)
    assert not bad, "dct:source values that are not absolute http(s) IRIs:\n  " + "\n  ".join(bad)


def test_the_address_check_rejects_relative_and_literal_sources():
    g = Graph()
    s = URIRef(ID + "activity/itu-t/x")
    g.add((s, DCT.source, URIRef(ID + "source/x")))  # fine: an http(s) IRI
    g.add((s, DCT.source, Literal("https://www.itu.int/")))
    g.add((s, DCT.source, URIRef("itu-facts.md")))
    assert len(sources_that_are_not_addresses(g)) == 2


# --- IRIs and links ----------------------------------------------------------------------------


def test_every_subject_follows_a_design_card_pattern(roadmap):
    bad = sorted(str(s) for s in set(roadmap.subjects()) if kind_of(s) not in SUBJECT_KINDS)
    assert not bad, "subjects whose IRI follows no design-card pattern:\n  " + "\n  ".join(bad)


def test_every_link_is_a_design_card_iri_of_the_right_kind(roadmap):
    bad = links_off_pattern(roadmap)
    assert not bad, "links off the design-card patterns:\n  " + "\n  ".join(bad)


def test_the_link_check_rejects_foreign_and_misshapen_iris():
    g = Graph()
    a = URIRef(ID + "activity/itu-t/x")
    g.add((a, IMTKG.responsibleGroup, URIRef(ID + "org/itu-t/sg13")))  # fine
    g.add((a, IMTKG.deliverable, URIRef(ID + "rec/itu-r/m.2150/0")))  # fine
    g.add((a, IMTKG.responsibleGroup, URIRef("http://example.org/sg13")))
    g.add((a, IMTKG.deliverable, URIRef(ID + "activity/itu-t/y")))  # an activity, not a text
    g.add((a, IMTKG.dependsOn, URIRef(ID + "rec/ITU-T/Y.3101")))  # not lowercase
    g.add((a, IMTKG.toGroup, Literal("SG13")))
    assert len(links_off_pattern(g)) == 4


def test_every_group_and_activity_linked_to_exists(roadmap, data):
    """Groups, activities, Questions, liaisons and roadmaps are not made by the importer: a link
    to one must land on a resource that data/ types."""
    missing = sorted(
        f"{s} {roadmap.qname(p)} {o}"
        for p in LINKS
        for s, o in roadmap.subject_objects(p)
        if kind_of(o) in (*GROUP, "activity", "liaison", "roadmap", "roadmap-edition", "event")
        and data.value(o, ns.RDF.type) is None
    )
    assert not missing, "links to resources that data/ does not define:\n  " + "\n  ".join(missing)


# relaton file names: ITU-R editions "itu-r-m-2150-0", ITU-T editions "itu-t-y-3101-01-2018",
# supplements "itu-t-y-suppl-59-03-2020", ITU-R Questions "itu-r-229-6-5" (229-6/5), "itu-r-262-5",
# ITU-R Resolutions "itu-r-r-65", "itu-r-r-50-2".
def relaton_name_pattern(iri: URIRef) -> str | None:
    """A regular expression for the relaton file names that record a catalogue IRI."""
    path = str(iri)[len(ID) :]
    if m := re.fullmatch(r"rec/(itu-[rt])/([a-z]+)\.([0-9.]+)(?:/(\d{4})-(\d{2})|/(\d+))?", path):
        sector, series, number, year, month, version = m.groups()
        stem = f"{sector}-{series}-{number.replace('.', '-')}"
        if year:
            return rf"{stem}-{month}-{year}"
        return rf"{stem}-{version}" if version else rf"{stem}(-.+)?"
    if m := re.fullmatch(r"report/itu-r/([a-z]+)\.(\d+)(?:/(\d+))?", path):
        series, number, version = m.groups()
        return rf"itu-r-{series}-{number}-{version}" if version else rf"itu-r-{series}-{number}(-.+)?"
    if m := re.fullmatch(r"suppl/(itu-[rt])/([a-z]+)\.(\d+)(?:/(\d{4})-(\d{2}))?", path):
        sector, series, number, year, month = m.groups()
        stem = f"{sector}-{series}-suppl-{number}"
        return rf"{stem}-{month}-{year}" if year else rf"{stem}-.+"
    if m := re.fullmatch(r"question/itu-r/(\d+)-(\d+)(?:/(\d+))?", path):
        number, group, rev = m.groups()
        if rev is None:
            return rf"itu-r-{number}(-\d+)?-{group}"
        return rf"itu-r-{number}-{group}" if rev == "0" else rf"itu-r-{number}-{rev}-{group}"
    if m := re.fullmatch(r"resolution/ra/(\d+)(-\d+)?", path):
        number, rev = m.groups()
        return rf"itu-r-r-{number}{rev}" if rev else rf"itu-r-r-{number}(-\d+)?"
    return None


@cache
def relaton_names() -> frozenset[str]:
    with tarfile.open(SNAPSHOT) as tar:
        return frozenset(
            Path(name).stem
            for name in tar.getnames()
            if name.startswith("data/") and name.endswith(".yaml")
        )


def test_every_document_linked_to_exists_in_data_or_in_the_catalogue(roadmap, data):
    """A text the roadmap data points at is either defined in data/ (ITU-D and ITU-T Questions,
    which the relaton snapshot lacks) or recorded in the relaton snapshot, from which the
    catalogue importer makes that very IRI."""
    require(SNAPSHOT.exists(), f"the relaton snapshot is missing: {SNAPSHOT}")
    names = relaton_names()
    missing = []
    for p in LINKS:
        for s, o in roadmap.subject_objects(p):
            if kind_of(o) not in (*PUBLICATION, "resolution") or data.value(o, ns.RDF.type) is not None:
                continue
            pattern = relaton_name_pattern(o)
            if pattern is None or not any(re.fullmatch(pattern, n) for n in names):
                missing.append(f"{s} {roadmap.qname(p)} {o}")
    assert not missing, "links to texts found neither in data/ nor in relaton:\n  " + "\n  ".join(
        missing
    )


def test_the_relaton_mapping_names_the_files_the_importer_reads():
    cases = {
        "rec/itu-r/m.2150/0": "itu-r-m-2150-0",
        "rec/itu-t/y.3101/2018-01": "itu-t-y-3101-01-2018",
        "rec/itu-t/q.5021": "itu-t-q-5021-07-2019",
        "suppl/itu-t/y.59/2020-03": "itu-t-y-suppl-59-03-2020",
        "question/itu-r/229-5": "itu-r-229-6-5",
        "question/itu-r/262-5/0": "itu-r-262-5",
        "resolution/ra/65": "itu-r-r-65-1",
    }
    for path, name in cases.items():
        assert re.fullmatch(relaton_name_pattern(URIRef(ID + path)), name), path
    assert not re.fullmatch(relaton_name_pattern(URIRef(ID + "question/itu-r/229-5")), "itu-r-229-1-8")


# --- dates -------------------------------------------------------------------------------------


def test_every_date_is_well_formed_for_its_datatype(roadmap):
    bad = ill_formed_dates(roadmap)
    assert not bad, "ill-formed dates:\n  " + "\n  ".join(bad)


def test_the_date_check_rejects_impossible_and_untyped_dates():
    g = Graph()
    a = URIRef(ID + "activity/itu-t/x")
    g.add((a, IMTKG.startDate, Literal("2015-05-01", datatype=XSD.date)))  # fine
    g.add((a, IMTKG.endDate, Literal("2016-12", datatype=XSD.gYearMonth)))  # fine
    g.add((a, IMTKG.targetDate, Literal("2016-13", datatype=XSD.gYearMonth)))
    g.add((a, IMTKG.approvalDate, Literal("2015-02-30", datatype=XSD.date)))
    g.add((a, DCT.issued, Literal("March 2020")))
    assert len(ill_formed_dates(g)) == 3


def test_nothing_ends_before_it_starts(roadmap):
    bad = []
    for s, start in roadmap.subject_objects(IMTKG.startDate):
        for end in roadmap.objects(s, IMTKG.endDate):
            a, b = truncated(str(start), str(end))
            if b < a:
                bad.append(f"{s}: {start} .. {end}")
    assert not bad, "ends before it starts:\n  " + "\n  ".join(bad)


# --- activities --------------------------------------------------------------------------------


def test_there_are_activities_in_each_sector(roadmap):
    sectors = {str(roadmap.value(a, IMTKG.sector)) for a in activities(roadmap)}
    assert sectors >= {ID + "org/itu-r", ID + "org/itu-t", ID + "org/itu-d"}, sectors


def test_every_activity_has_a_sector_and_a_responsible_group(roadmap):
    bad = activities_without_sector_or_group(roadmap)
    assert not bad, "activities without a Sector or a responsible group:\n  " + "\n  ".join(bad)


def test_the_activity_check_reports_what_is_missing():
    g = Graph()
    a = URIRef(ID + "activity/itu-t/x")
    g.add((a, ns.RDF.type, IMTKG.WorkItem))
    g.add((a, IMTKG.sector, URIRef(ID + "org/itu-t")))
    assert activities_without_sector_or_group(g) == [f"{a} lacks imtkg:responsibleGroup"]


def test_every_activity_group_belongs_to_the_activity_sector(roadmap, data):
    bad = []
    for a in sorted(activities(roadmap)):
        sector = roadmap.value(a, IMTKG.sector)
        for group in roadmap.objects(a, IMTKG.responsibleGroup):
            reached = sectors_of(data, group)
            if reached != {sector}:
                bad.append(f"{a}: {group} is in {sorted(map(str, reached))}, the activity in {sector}")
    assert not bad, "responsible groups outside the activity's Sector:\n  " + "\n  ".join(bad)


def test_activity_dates_are_at_most_one_per_kind(roadmap):
    bad = [
        f"{a} {roadmap.qname(p)}"
        for a in activities(roadmap)
        for p in (IMTKG.startDate, IMTKG.endDate, IMTKG.targetDate, IMTKG.approvalDate)
        if len(set(roadmap.objects(a, p))) > 1
    ]
    assert not bad, "activities with two values of one date:\n  " + "\n  ".join(bad)


# --- concepts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "scheme"),
    [
        (IMTKG.imtGeneration, "imt-generation"),
        (IMTKG.status, "status"),
        (IMTKG.purpose, "liaison-purpose"),
    ],
    ids=["imtGeneration", "status", "purpose"],
)
def test_every_concept_used_is_in_its_scheme(roadmap, prop, scheme):
    """Generations, statuses and liaison purposes are concepts of ontology/vocab/{scheme}.ttl."""
    vocab = load([VOCAB / f"{scheme}.ttl"])
    concepts = {
        c
        for c in vocab.subjects(ns.RDF.type, ns.SKOS.Concept)
        if (c, ns.SKOS.inScheme, URIRef(f"https://w3id.org/imtkg/vocab/{scheme}")) in vocab
    }
    assert concepts, f"ontology/vocab/{scheme}.ttl holds no concepts of its scheme"
    used = set(roadmap.objects(None, prop))
    assert used, f"data/roadmap uses no {roadmap.qname(prop)}"
    assert used <= concepts, sorted(map(str, used - concepts))


# --- roadmaps ----------------------------------------------------------------------------------


def test_each_roadmap_edition_is_named_for_its_month_and_published_as_that_month_s_edition(roadmap):
    editions = sorted(roadmap.subjects(ns.RDF.type, IMTKG.RoadmapEdition))
    assert editions, "no roadmap editions in data/roadmap"
    bad = []
    for e in editions:
        work, issued = roadmap.value(e, IMTKG.editionOf), roadmap.value(e, DCT.issued)
        month = str(issued)[:7] if issued is not None else None
        if work is None or month is None or str(e) != f"{work}/{month}":
            bad.append(f"{e}: edition of {work}, issued {issued}")
        for published in roadmap.objects(e, DCT.isFormatOf):
            if not str(published).endswith(f"/{month}"):
                bad.append(f"{e} is published as {published}")
    assert not bad, "roadmap editions out of step with their IRI:\n  " + "\n  ".join(bad)


def test_each_previous_edition_came_out_earlier(roadmap):
    bad = [
        f"{e} ({roadmap.value(e, DCT.issued)}) after {p} ({roadmap.value(p, DCT.issued)})"
        for e, p in roadmap.subject_objects(IMTKG.previousEdition)
        if not str(roadmap.value(p, DCT.issued)) < str(roadmap.value(e, DCT.issued))
    ]
    assert not bad, "\n  ".join(bad)
