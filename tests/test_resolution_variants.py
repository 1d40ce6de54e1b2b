"""The ingester on other resolutions and renderings: real texts, then invented variants and errors.

Real texts are in tests/fixtures/resolutions/ (provenance in each .source.md). Most are excerpts
that stop before the operative part, so they are parsed with ``partial=True``. The invented texts
below are test data only: they exercise one rendering each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import RDF

from imtkg import Project, ResolutionParseError, SourceError, ingest_resolution
from imtkg.namespaces import ID, IMTKG, VOCAB
from imtkg.resolution import parse_resolution
from imtkg.vocabulary import load_vocabulary

FIXTURES = Path(__file__).parent / "fixtures" / "resolutions"
VOCABULARY = load_vocabulary(Project.default().ontology_dir)


def outline(parsed) -> list[tuple[str, list]]:
    """(heading, [label or None, ...]) per section, with sub-item labels nested."""

    def items(nodes):
        return [(n.label, items(n.children)) if n.children else n.label for n in nodes]

    return [(s.heading, items(s.items)) for s in parsed.sections]


def parse_fixture(name: str, partial: bool = True):
    return parse_resolution(FIXTURES / name, VOCABULARY, partial=partial)


ABCDE = ["a", "b", "c", "d", "e"]
WTSA_48 = [
    ("recognizing", ABCDE),
    ("considering", ABCDE),
    ("resolves to instruct ITU-T Study Gr oup 16 and other relevant study groups", [None]),
]

REAL_TEXTS = {
    "wtdc-36-rev-hyderabad-2010.txt": (
        "wtdc", "36", 2010, "Hyderabad",
        [
            ("recalling", [None]),
            ("recalling further", [None]),
            ("considering", [None]),
            ("resolves to instruct the Director ofthe Telecommunication Development Bureau", [None]),
            (
                "requests the Secretary-General and instructs the Director of the Telecommunication "
                "Development Bureau",
                [None],
            ),
        ],
    ),
    "pp-191-busan-2014.txt": (
        "pp", "191", 2014, "Busan",
        [("noting", list("abcdef")), ("considering", list("abc"))],
    ),
    "pp-181-guadalajara-2010.txt": (
        "pp", "181", 2010, "Guadalajara",
        [("recalling", list("abcdef")), ("aware", ["a", "b"]), ("considering", ["a"])],
    ),
    "pp-plen-7-marrakesh-2002.txt": (
        "pp", "PLEN/7", 2002, "Marrakesh",
        [("recalling", [None]), ("considering", list("abcd"))],
    ),
    "wrc-com6-7-wrc-07.txt": (
        "wrc", "[COM6/7]", 2007, "Geneva",
        [
            ("considering", list("abc")),
            ("recognizing", ["a", "b"]),
            ("resolves", [(None, [("1", ["1.1"])])]),
        ],
    ),
    "wtdc-43-rev-dubai-2014.txt": (
        "wtdc", "43", 2014, "Dubai",
        [("recalling", list("abcdefg")), ("considering", list("abcd"))],
    ),
    "wtsa-57-rev-dubai-2012.txt": (
        "wtsa", "57", 2012, "Dubai",
        [("considering", ["a", "b"]), ("recognizing", list("abc")), ("taking into account", ["a"])],
    ),
    "wtsa-57-rev-dubai-2012.docest.txt": ("wtsa", "57", 2012, "Dubai", [("considering", ["a", "b"])]),
    "wtsa-48-rev-dubai-2012.txt": ("wtsa", "48", 2012, "Dubai", WTSA_48),
    "wtsa-48-rev-dubai-2012.wrap-72.txt": ("wtsa", "48", 2012, "Dubai", WTSA_48),
    "wtsa-48-rev-dubai-2012.letters-own-line.txt": ("wtsa", "48", 2012, "Dubai", WTSA_48),
    "wtsa-48-rev-dubai-2012.bullets.txt": ("wtsa", "48", 2012, "Dubai", WTSA_48),
}


def test_every_real_fixture_has_an_expectation():
    found = {p.name for p in FIXTURES.glob("*.txt")}
    assert found, "no fixtures found"
    assert found == set(REAL_TEXTS)


@pytest.mark.parametrize("name", sorted(REAL_TEXTS))
def test_real_resolution_texts(name):
    body, number, year, place, sections = REAL_TEXTS[name]
    parsed = parse_fixture(name)
    assert (parsed.body, parsed.number) == (body, number)
    assert (parsed.adoption.year, parsed.adoption.place) == (year, place)
    assert outline(parsed) == sections


def test_renderings_of_one_text_give_the_same_clause_texts():
    def texts(name):
        parsed = parse_fixture(name)
        return [[item.text for item in s.items] for s in parsed.sections]

    reference = texts("wtsa-48-rev-dubai-2012.txt")
    for variant in ("wrap-72", "letters-own-line", "bullets"):
        assert texts(f"wtsa-48-rev-dubai-2012.{variant}.txt") == reference, variant


def test_history_line_gives_the_earlier_revisions():
    parsed = parse_fixture("wtsa-57-rev-dubai-2012.docest.txt")
    assert [(h.place, h.year) for h in parsed.history] == [("Johannesburg", 2008), ("Dubai", 2012)]


def test_a_heading_with_two_verbs_creates_one_obligation_per_verb(tmp_path):
    graph = ingest_resolution(FIXTURES / "wtdc-36-rev-hyderabad-2010.txt")
    rev = "https://w3id.org/imtkg/id/resolution/wtdc/36/2010"
    clause = ID["resolution/wtdc/36/2010/requests/p1"]
    assert str(clause).startswith(rev)
    obligations = sorted(graph.subjects(IMTKG.createdBy, clause))
    assert [graph.value(o, IMTKG.deonticForce) for o in obligations] == [
        VOCAB["deontic-force/request"],
        VOCAB["deontic-force/binding"],
    ]
    assert [set(graph.objects(o, IMTKG.bearer)) for o in obligations] == [
        {ID["post/secretary-general"]},
        {ID["post/director-bdt"]},
    ]


# -- invented renderings (test data only) ---------------------------------------------------

RA_TEXT = """\
RESOLUTION ITU-R 99-2

Invented resolution for parser tests

(2000-2007-2012)

The ITU Radiocommunication Assembly,

considering
a)\tthat Working Party 5D of Study Group 5 studies the terrestrial component;
a bis)\tthat Resolution ITU-R 50-2 applies;
b)\tthat Recommendation ITU-R M.2150-1 exists,

bearing in mind
that Resolution 233 (WRC-12) also applies,

decides
1\tthat Study Group 5 shall continue the studies;
1 bis\tthat the Director of the Radiocommunication Bureau report on progress:
–\tonce a year;
–\tto the Radiocommunication Assembly;
2\tthat the work be coordinated with ITU-T Study Group 13.
"""


def write(tmp_path: Path, text: str, name: str = "resolution.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_ra_resolution_with_bis_clauses_sub_items_and_numbered_history(tmp_path):
    parsed = parse_resolution(write(tmp_path, RA_TEXT), VOCABULARY)
    assert (parsed.body, parsed.number, parsed.itu_r_revision) == ("ra", "99", 2)
    assert [h.year for h in parsed.history] == [2000, 2007, 2012]
    assert outline(parsed) == [
        ("considering", ["a", "a bis", "b"]),
        ("bearing in mind", [None]),
        ("decides", ["1", ("1 bis", [None, None]), "2"]),
    ]
    graph = ingest_resolution(write(tmp_path, RA_TEXT))
    revisions = sorted(graph.subjects(IMTKG.revisionOf, ID["resolution/ra/99"]))
    assert revisions == [ID[f"resolution/ra/99-{n}"] for n in (0, 1, 2)]
    considering = "resolution/ra/99-2/considering"
    assert set(graph.objects(ID[f"{considering}/a"], IMTKG.mentions)) >= {ID["org/itu-r/sg5/wp5d"]}
    assert set(graph.objects(ID[f"{considering}/a-bis"], IMTKG.cites)) == {ID["resolution/ra/50-2"]}
    assert set(graph.objects(ID[f"{considering}/b"], IMTKG.cites)) == {ID["rec/itu-r/m.2150/1"]}
    bearing = ID["resolution/ra/99-2/bearing-in-mind/p1"]
    assert set(graph.objects(bearing, IMTKG.cites)) == {ID["resolution/wrc/233/2012"]}
    decides = "resolution/ra/99-2/decides"
    assert graph.value(ID[f"{decides}/1-bis/p2"], IMTKG.subClauseOf) == ID[f"{decides}/1-bis"]

    def bearers(label):
        obligation = ID[f"{decides}/{label}/obligation/1"]
        return set(graph.objects(obligation, IMTKG.bearer))

    assert bearers("1") == {ID["org/itu-r/sg5"]}
    assert bearers("1-bis") == {ID["post/director-br"]}
    # A passive clause naming no one binds the Sector of the adopting assembly.
    assert bearers("2") == {ID["org/itu-r"]}
    assert not set(graph.subjects(IMTKG.createdBy, ID[f"{decides}/1-bis/p1"]))


HARD_WRAPPED = """\
RESOLUTION 12 (Rev. Geneva, 2022)
Invented resolution
for parser tests
(Geneva, 2018; Geneva, 2022)
The World Telecommunication Standardization Assembly (Geneva,
2022),
considering further
a)  that ITU-T Study Group 13 leads the studies on the
network aspects of IMT, in coordination with Resolution 18 (Rev.
Dubai, 2012);
b)  that the matter is urgent,
taking into account
that the studies concern IMT-2020,
resolves
that the Director of the Telecommunication Standardization
Bureau report to the next assembly,
resolves to instruct the Director of the Telecommunication
Standardization Bureau, in collaboration with the Director of the
Radiocommunication Bureau
to publish the roadmap.
invites Member States
to contribute.
"""


def test_hard_wrapped_text_with_wrapped_headings(tmp_path):
    parsed = parse_resolution(write(tmp_path, HARD_WRAPPED), VOCABULARY)
    assert parsed.title == "Invented resolution for parser tests"
    assert parsed.enacting_formula == (
        "The World Telecommunication Standardization Assembly (Geneva, 2022),"
    )
    assert outline(parsed) == [
        ("considering further", ["a", "b"]),
        ("taking into account", [None]),
        ("resolves", [None]),
        (
            "resolves to instruct the Director of the Telecommunication Standardization Bureau, "
            "in collaboration with the Director of the Radiocommunication Bureau",
            [None],
        ),
        ("invites Member States", [None]),
    ]
    assert parsed.sections[0].items[0].text == (
        "that ITU-T Study Group 13 leads the studies on the network aspects of IMT, in "
        "coordination with Resolution 18 (Rev. Dubai, 2012);"
    )
    graph = ingest_resolution(write(tmp_path, HARD_WRAPPED))
    rev = "resolution/wtsa/12/2022"
    assert set(graph.objects(ID[f"{rev}/considering-further/a"], IMTKG.cites)) == {
        ID["resolution/wtsa/18/2012"]
    }
    assert set(graph.objects(ID[f"{rev}/taking-into-account/p1"], IMTKG.mentions)) == {
        VOCAB["imt-generation/imt-2020"]
    }
    instruct = ID[f"{rev}/resolves-to-instruct/p1/obligation/1"]
    assert set(graph.objects(instruct, IMTKG.bearer)) == {ID["post/director-tsb"]}
    assert set(graph.objects(instruct, IMTKG.otherParty)) == {ID["post/director-br"]}
    resolves = ID[f"{rev}/resolves/p1/obligation/1"]
    assert set(graph.objects(resolves, IMTKG.bearer)) == {ID["post/director-tsb"]}
    invites = ID[f"{rev}/invites/p1/obligation/1"]
    assert set(graph.objects(invites, IMTKG.bearer)) == {ID["org/member-states"]}
    assert graph.value(invites, IMTKG.deonticForce) == VOCAB["deontic-force/hortatory"]
    assert len(set(graph.subjects(RDF.type, IMTKG.Obligation))) == 3


FOOTNOTE_BLOCK = """\
RESOLUTION 5 (Dubai, 2014)
Invented resolution with a footnote block
The World Telecommunication Development Conference (Dubai, 2014),
recognizing
a)\tthat developing countries[^1] need assistance;
b)\tthat small island developing states need it most,
resolves
1\tthat ITU-D continue the work.
"""


def test_markdown_footnotes_attach_to_their_clause(tmp_path):
    text = FOOTNOTE_BLOCK + "\n[^1]: Including the least developed countries.\n"
    graph = ingest_resolution(write(tmp_path, text))
    clause = ID["resolution/wtdc/5/2014/recognizing/a"]
    footnote = ID["resolution/wtdc/5/2014/footnote/1"]
    assert set(graph.objects(clause, IMTKG.hasFootnote)) == {footnote}
    assert str(graph.value(clause, IMTKG.text)) == "that developing countries need assistance;"
    assert str(graph.value(footnote, IMTKG.text)) == "Including the least developed countries."
    assert set(graph.objects(footnote, IMTKG.mentions)) == {VOCAB["country-group/ldc"]}


def test_a_footnote_block_after_a_rule_is_read_as_footnotes(tmp_path):
    text = FOOTNOTE_BLOCK.replace("[^1]", "[footnoteRef:1]1") + "\n______________\n1\tSee annex.\n"
    parsed = parse_resolution(write(tmp_path, text), VOCABULARY)
    assert parsed.footnotes["1"].text == "See annex."
    assert parsed.sections[0].items[0].footnotes == ["1"]


def test_an_annex_ends_the_clauses(tmp_path):
    text = (
        "RESOLUTION 3 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\nresolves\n1\tthat the annex applies.\n\nANNEX TO RESOLUTION 3 (Dubai, 2012)\n"
        "List of items\n1\tfirst item\n"
    )
    parsed = parse_resolution(write(tmp_path, text), VOCABULARY)
    assert outline(parsed) == [("resolves", ["1"])]
    assert parsed.sections[0].items[0].text == "that the annex applies."


# -- bad input ------------------------------------------------------------------------------

BAD_TEXTS = {
    "no heading": ("Some minutes of a meeting\nconsidering\n", 1, "expected a resolution heading"),
    "clause before any section": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\na)\tthat something;\n",
        4,
        "expected a section heading",
    ),
    "no operative part": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\nconsidering\na)\tthat something,\n",
        4,
        "at least one operative section",
    ),
    "years disagree": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\n(Montreal, 2000; Geneva, 2022)\nThe World "
        "Telecommunication Standardization Assembly (Dubai, 2012),\nresolves\n1\tthat X.\n",
        1,
        "different years",
    ),
    "footnote without text": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\nresolves\n1\tthat X[footnoteRef:2]2.\n",
        5,
        "footnote 2 is referenced but its text was not found",
    ),
    "empty section": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\nconsidering\nresolves\n1\tthat X.\n",
        4,
        "has no clause",
    ),
    "unknown assembly": ("RESOLUTION 1\nTitle\nresolves\n1\tthat X.\n", 1, "cannot tell which assembly"),
    "two resolutions": (
        "RESOLUTION 1 (Dubai, 2012)\nTitle\nThe World Telecommunication Standardization Assembly "
        "(Dubai, 2012),\nresolves\n1\tthat X.\nRESOLUTION 2 (Dubai, 2012)\n",
        6,
        "one resolution per file",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TEXTS))
def test_unparseable_text_is_reported_with_its_line(tmp_path, case):
    text, line, message = BAD_TEXTS[case]
    path = write(tmp_path, text)
    with pytest.raises(ResolutionParseError) as caught:
        parse_resolution(path, VOCABULARY)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_text_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("RESOLUTION 1\nFlorianópolis\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        parse_resolution(path, VOCABULARY)
    assert caught.value.line == 2
    assert "not UTF-8" in str(caught.value)


def test_an_excerpt_without_operative_part_needs_partial():
    with pytest.raises(ResolutionParseError, match="operative"):
        parse_fixture("pp-191-busan-2014.txt", partial=False)
