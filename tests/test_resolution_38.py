"""Resolution 38 (Rev. Dubai, 2012) as the ingester must produce it from its text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import DCTERMS, RDF

from imtkg import Project, ingest_resolution
from imtkg.namespaces import ID, IMTKG, VOCAB

SOURCE = Project.default().sources_dir / "wtsa-resolution-38-rev-dubai-2012.txt"
GOLDEN = Path(__file__).parent / "golden" / "wtsa-resolution-38-rev-dubai-2012.ttl"
REV = "https://w3id.org/imtkg/id/resolution/wtsa/38/2012"


def iri(path: str) -> URIRef:
    return URIRef(f"{REV}/{path}") if not path.startswith("http") else URIRef(path)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return ingest_resolution(SOURCE)


def clauses_of_kind(graph: Graph, kind: str) -> list[str]:
    concept = VOCAB[f"clause-kind/{kind}"]
    found = [
        (int(graph.value(c, IMTKG.order)), str(graph.value(c, IMTKG.clauseLabel) or ""))
        for c in graph.subjects(IMTKG.clauseKind, concept)
        if (c, RDF.type, IMTKG.Section) not in graph
    ]
    return [label for _, label in sorted(found)]


def test_clauses_per_section_are_exactly_those_of_the_text(graph):
    assert clauses_of_kind(graph, "considering") == list("abcdefghij")
    assert clauses_of_kind(graph, "noting") == list("abcdef")
    assert clauses_of_kind(graph, "resolves") == ["1", "2"]
    assert clauses_of_kind(graph, "instructs") == [""]
    assert clauses_of_kind(graph, "encourages") == [""]
    total = set(graph.subjects(RDF.type, IMTKG.PreambularClause)) | set(
        graph.subjects(RDF.type, IMTKG.OperativeClause)
    )
    assert len(total) == 20


def test_the_instructs_section_names_its_addressee(graph):
    section = iri("instructs")
    assert str(graph.value(section, IMTKG.heading)) == (
        "instructs the Director of the Telecommunication Standardization Bureau"
    )
    assert (section, IMTKG.mentions, ID["post/director-tsb"]) in graph


def test_the_one_footnote_is_attached_to_considering_f(graph):
    footnotes = set(graph.subjects(RDF.type, IMTKG.Footnote))
    assert footnotes == {iri("footnote/1")}
    assert set(graph.subjects(IMTKG.hasFootnote, iri("footnote/1"))) == {iri("considering/f")}
    assert str(graph.value(iri("footnote/1"), IMTKG.text)) == (
        "These include the least developed countries, small island developing states, "
        "landlocked developing countries and countries with economies in transition."
    )
    groups = set(graph.objects(iri("footnote/1"), IMTKG.mentions))
    assert groups == {
        VOCAB[f"country-group/{g}"] for g in ("ldc", "sids", "lldc", "economies-in-transition")
    }


def test_four_revisions_each_adopted_at_its_session(graph):
    work = ID["resolution/wtsa/38"]
    revisions = sorted(graph.subjects(IMTKG.revisionOf, work))
    expected = {
        "2000": "Montreal",
        "2004": "Florianópolis",
        "2008": "Johannesburg",
        "2012": "Dubai",
    }
    assert [str(r).rsplit("/", 1)[1] for r in revisions] == list(expected)
    for revision in revisions:
        year = str(revision).rsplit("/", 1)[1]
        session = graph.value(revision, IMTKG.adoptedAt)
        assert session == ID[f"event/wtsa-{year}"]
        assert str(graph.value(session, IMTKG.placeName)) == expected[year]
    chain = [graph.value(r, IMTKG.previousRevision) for r in revisions]
    assert chain == [None, *revisions[:-1]]
    assert str(graph.value(iri(REV), DCTERMS.title)) == (
        "Coordination among the three ITU Sectors for activities relating to International "
        "Mobile Telecommunications"
    )


CITATIONS = {
    "considering/e": {"resolution/ra/50-2"},
    "considering/f": {"resolution/ra/17-4"},
    "considering/h": {"resolution/wtdc/43/2010"},
    "noting/a": {"resolution/wtsa/18/2012"},
    "noting/b": {"resolution/wtdc/59/2010"},
    "noting/c": {"rec/itu-t/a.4"},
    "noting/d": {"rec/itu-t/a.5"},
    "noting/e": {"rec/itu-t/a.6"},
    "noting/f": {"resolution/ra/47-2", "resolution/ra/50-2", "resolution/ra/56-1", "resolution/ra/57-1"},
}


def test_every_citation_resolves_to_a_document_iri(graph):
    cited = {}
    for clause, document in graph.subject_objects(IMTKG.cites):
        cited.setdefault(str(clause).removeprefix(REV + "/"), set()).add(
            str(document).removeprefix(str(ID))
        )
    assert cited == CITATIONS


def test_cited_revisions_know_their_work_body_and_session(graph):
    assert graph.value(ID["resolution/wtdc/43/2010"], IMTKG.revisionOf) == ID["resolution/wtdc/43"]
    assert graph.value(ID["resolution/wtdc/43"], IMTKG.issuedBy) == ID["org/wtdc"]
    assert graph.value(ID["resolution/wtdc/43/2010"], IMTKG.adoptedAt) == ID["event/wtdc-2010"]
    assert graph.value(ID["resolution/ra/50-2"], IMTKG.revisionOf) == ID["resolution/ra/50"]
    assert graph.value(ID["resolution/ra/50-2"], IMTKG.adoptedAt) == ID["event/ra-2012"]
    assert graph.value(ID["resolution/ra/47-2"], IMTKG.adoptedAt) is None  # no year in noting f)
    assert graph.value(ID["rec/itu-t/a.4"], IMTKG.sector) == ID["org/itu-t"]


NAMED_BODIES = {
    "considering/a": {"org/itu-t"},
    "considering/b": {"org/itu-r/sg5", "org/itu-r"},
    "considering/c": {
        "event/cpm15-1", "org/cpm", "event/wrc-2015", "org/wrc", "org/itu-r/jtg-4-5-6-7",
        "event/wrc-2015/agenda-item/1.1", "event/wrc-2015/agenda-item/1.2",
    },
    "considering/f": {
        # "Resolution ITU-R 17-4 (Geneva, 2012) of RA" is a citation: RA is its issuer, not a mention.
        "post/secretary-general", "post/director-br", "post/director-tsb", "post/director-bdt",
    },
    # The Sector named inside "Study Group 2 of the ITU Telecommunication Development Sector
    # (ITU-D)" is part of the study group's name.
    "considering/i": {"org/itu-d/sg2", "org/itu-t", "org/itu-r"},
    "instructs/p1": {"post/director-br", "post/director-bdt"},
    "encourages": {"post/director-tsb", "post/director-br", "post/director-bdt"},
}


@pytest.mark.parametrize("clause", sorted(NAMED_BODIES))
def test_named_bodies_resolve_to_their_iris(graph, clause):
    mentioned = {
        str(o).removeprefix(str(ID))
        for o in graph.objects(iri(clause), IMTKG.mentions)
        if str(o).startswith(str(ID))
    }
    assert mentioned == NAMED_BODIES[clause]


OBLIGATIONS = {
    "resolves/1": ("binding", {"org/itu-t"}, set()),
    "resolves/2": ("binding", {"org/itu-t", "org/itu-r", "org/itu-d"}, set()),
    "instructs/p1": ("binding", {"post/director-tsb"}, {"post/director-br", "post/director-bdt"}),
    "encourages/p1": (
        "hortatory", {"post/director-tsb", "post/director-br", "post/director-bdt"}, set()
    ),
}


@pytest.mark.parametrize("clause", sorted(OBLIGATIONS))
def test_each_operative_clause_creates_its_obligation(graph, clause):
    force, bearers, others = OBLIGATIONS[clause]
    obligations = set(graph.subjects(IMTKG.createdBy, iri(clause)))
    assert obligations == {iri(f"{clause}/obligation/1")}
    (obligation,) = obligations
    short = lambda nodes: {str(n).removeprefix(str(ID)) for n in nodes}  # noqa: E731
    assert graph.value(obligation, IMTKG.deonticForce) == VOCAB[f"deontic-force/{force}"]
    assert short(graph.objects(obligation, IMTKG.bearer)) == bearers
    assert short(graph.objects(obligation, IMTKG.otherParty)) == others


def test_no_preambular_clause_creates_an_obligation(graph):
    for clause in graph.subjects(RDF.type, IMTKG.PreambularClause):
        assert not set(graph.subjects(IMTKG.createdBy, clause)), clause
    assert len(set(graph.subjects(RDF.type, IMTKG.Obligation))) == 4


def _independently_normalized_clauses() -> dict[tuple[str, str], str]:
    """The documented normalization, re-implemented plainly from the raw source lines."""
    raw = SOURCE.read_text(encoding="utf-8")
    raw = re.sub(r"\[bookmark: [^\]]*\]", "", raw)
    raw = re.sub(r"\[footnoteRef:1\]1", "", raw)
    raw = re.sub(r"\[1: 1\t[^\]]*\]", "", raw)
    raw = raw.replace("\u2011", "-").replace("\u00a0", " ")
    clauses: dict[tuple[str, str], str] = {}
    section = None
    for line in raw.splitlines():
        line = line.strip()
        if line in {"considering", "noting", "resolves"}:
            section = line
        elif line.startswith(("instructs the Director", "encourages the Directors")):
            section = line.split()[0]
        elif section and "\t" in line:
            label, text = line.split("\t", 1)
            clauses[(section, label.rstrip(")"))] = " ".join(text.split())
        elif section in {"instructs", "encourages"} and line:
            clauses[(section, "")] = line
    return clauses


def test_clause_texts_equal_the_source_after_the_documented_normalization(graph):
    expected = _independently_normalized_clauses()
    assert len(expected) == 20
    for (section, label), text in expected.items():
        clause = iri(f"{section}/{label or 'p1'}")
        assert str(graph.value(clause, IMTKG.text)) == text, clause


def test_the_graph_equals_the_reviewed_golden_graph(graph):
    golden = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(graph, golden):
        _, only_new, only_golden = graph_diff(graph, golden)
        lines = sorted(only_new.serialize(format="nt").splitlines())[:10]
        missing = sorted(only_golden.serialize(format="nt").splitlines())[:10]
        pytest.fail("ingested graph differs from the golden graph\n+ " + "\n+ ".join(lines)
                    + "\n- " + "\n- ".join(missing))


def test_ingestion_is_deterministic():
    first = ingest_resolution(SOURCE).serialize(format="nt")
    second = ingest_resolution(SOURCE).serialize(format="nt")
    assert sorted(first.splitlines()) == sorted(second.splitlines())


def _rerender(kind: str) -> str:
    """Resolution 38 re-rendered mechanically, the words unchanged."""
    import textwrap

    text = SOURCE.read_text(encoding="utf-8")
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "spaces":
        return text.replace("\t", "   ")
    if kind == "letters-own-line":
        return re.sub(r"^([a-j]\)|[12])\t", r"\1\n", text, flags=re.MULTILINE)
    if kind == "wrapped-60":
        lines = []
        for line in text.splitlines():
            label, tab, rest = line.partition("\t")
            if tab and len(label) <= 3 and not line.startswith("["):
                wrapped = textwrap.wrap(rest, 60, break_on_hyphens=False, break_long_words=False)
                lines += [f"{label}\t{wrapped[0]}", *wrapped[1:]]
            else:
                lines.append(line)
        return "\n".join(lines) + "\n"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["crlf", "spaces", "letters-own-line", "wrapped-60"])
def test_renderings_of_resolution_38_give_the_same_clauses(graph, tmp_path, kind):
    path = tmp_path / SOURCE.name
    path.write_text(_rerender(kind), encoding="utf-8", newline="")
    rendered = ingest_resolution(path)

    def texts(g):
        return {
            str(c).removeprefix(REV): str(t)
            for c, t in g.subject_objects(IMTKG.text)
            if str(c).startswith(REV)
        }

    assert texts(rendered) == texts(graph)
    assert len(set(rendered.subjects(RDF.type, IMTKG.Obligation))) == 4
