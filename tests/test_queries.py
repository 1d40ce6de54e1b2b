"""Specification of the query catalogue (queries/**/*.rq).

Every query file documents itself (title, description, columns, parameters) and carries its own
PREFIX block; its ``?_name`` variables are exactly its declared parameters. On its invented fixture
graph (no inference: tests/queries/views-fixture.ttl for queries/views/, tests/queries/fixture.ttl
for the others), every query, without parameters and with each case of CASES, gives exactly the
rows of tests/queries/<name>[__<case>].expected.csv, a file written by hand from the fixture (the
query name with "/" replaced by "__"), compared as text, row order included. Parameter values are data: a value that is not of its kind is refused, and SPARQL text
in a string value matches nothing. Finally, on the real build, the three resolution queries give the
rows that WTSA Resolution 38 (Rev. Dubai, 2012) says they must.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from imtkg.build import build_graph, table_csv
from imtkg.errors import InputError, SourceError
from imtkg.project import Project
from imtkg.queries import Query, load_catalogue, parse_query_file, run_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES_DIR = ROOT / "queries"
HERE = Path(__file__).resolve().parent / "queries"
FIXTURE = HERE / "fixture.ttl"
# The fixture a category of queries runs on (FIXTURE when its category is not listed).
FIXTURES = {"views": HERE / "views-fixture.ttl"}

ID = "https://w3id.org/imtkg/id/"
T = ID + "test/"
IMTKGV = "https://w3id.org/imtkg/vocab/"

QUERY_FILES = sorted(QUERIES_DIR.rglob("*.rq"))
CATALOGUE = load_catalogue(QUERIES_DIR)

# Parameter cases: query name -> case name -> parameter values. The expected rows of a case are in
# tests/queries/<query name with / as __>__<case>.expected.csv.
CASES: dict[str, dict[str, dict[str, str]]] = {
    "resolutions/obligations": {
        "wtsa-901-2009": {"resolution": T + "resolution/wtsa/901/2009"},
        "ra-950-2": {"resolution": T + "resolution/ra/950-2"},
        "no-clauses": {"resolution": T + "resolution/wtsa/901/2001"},
    },
    "resolutions/cited-documents": {
        "wtsa-901-2009": {"resolution": T + "resolution/wtsa/901/2009"},
        "sector-itu-t": {"sector": T + "org/itu-t"},
        "sector-itu-r": {"sector": T + "org/itu-r"},
        "sector-without-documents": {"sector": T + "org/itu-d"},
        "wtsa-901-2009-itu-t": {"resolution": T + "resolution/wtsa/901/2009", "sector": T + "org/itu-t"},
    },
    "resolutions/revision-history": {
        "wtsa-901": {"resolution": T + "resolution/wtsa/901"},
        "ra-950": {"resolution": T + "resolution/ra/950"},
        "revision-not-work": {"resolution": T + "resolution/wtsa/901/2009"},
    },
    "views/roadmap": {
        "sector-itu-r": {"sector": T + "org/itu-r"},
        "group-sg13": {"group": T + "org/itu-t/sg13"},
        "generation-imt-2030": {"generation": IMTKGV + "imt-generation/imt-2030"},
        "year-2019": {"year": "2019"},
        "itu-t-2023": {"sector": T + "org/itu-t", "year": "2023"},
    },
    "views/harmonization-matrix": {
        "sector-itu-d": {"sector": T + "org/itu-d"},
        "topic": {"dimension": "topic"},
        "imt-2030": {"concept": IMTKGV + "imt-generation/imt-2030"},
    },
    "views/harmonization-items": {
        "imt-2030": {"concept": IMTKGV + "imt-generation/imt-2030"},
        "sector-itu-t": {"sector": T + "org/itu-t"},
    },
    "views/cross-sector-dependencies": {
        "aligned": {"verdict": "aligned"},
        "sector-itu-d": {"sector": T + "org/itu-d"},
    },
    "views/coordination-coverage": {
        "from-wp5d": {"fromGroup": T + "org/itu-r/sg5/wp5d"},
        "to-ietf": {"toGroup": T + "org/ietf"},
    },
    "views/liaisons": {
        "from-wp5d": {"fromGroup": T + "org/itu-r/sg5/wp5d"},
        "to-ietf": {"toGroup": T + "org/ietf"},
    },
    "views/unanswered-liaisons": {
        "to-wp5d": {"toGroup": T + "org/itu-r/sg5/wp5d"},
    },
    "views/gaps": {
        "sector-itu-t": {"sector": T + "org/itu-t"},
        "sector-itu-r": {"sector": T + "org/itu-r"},
        "not-on-a-roadmap": {"gap": "not on a roadmap"},
    },
    "views/publication-history": {
        "imt-2020-sg13": {
            "generation": IMTKGV + "imt-generation/imt-2020",
            "group": T + "org/itu-t/sg13",
        },
        "sector-itu-r": {"sector": T + "org/itu-r"},
        "group-wp1": {"group": T + "org/itu-t/sg13/wp1"},
    },
    "views/imt-resolutions": {
        "sector-itu-t": {"sector": T + "org/itu-t"},
        "sector-pp": {"sector": T + "org/pp"},
        "imt-2020": {"generation": IMTKGV + "imt-generation/imt-2020"},
    },
    "views/resolution-citations": {
        "citing-itu-t": {"citingSector": T + "org/itu-t"},
        "cited-itu-r": {"citedSector": T + "org/itu-r"},
    },
}


def query_name(path: Path) -> str:
    return path.relative_to(QUERIES_DIR).with_suffix("").as_posix()


def expected_file(name: str, case: str | None = None) -> Path:
    stem = name.replace("/", "__") + (f"__{case}" if case else "")
    return HERE / f"{stem}.expected.csv"


def fixture_path(name: str | None = None) -> Path:
    """The fixture the query ``name`` runs on (the default fixture when ``name`` is None)."""
    category = name.split("/", 1)[0] if name else None
    return FIXTURES.get(category, FIXTURE)


def fixture_graph_at(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def fixture_graph(name: str | None = None) -> Graph:
    """A fresh copy of the fixture the query ``name`` runs on."""
    return fixture_graph_at(fixture_path(name))


@pytest.fixture(scope="module")
def fixture() -> Graph:
    return fixture_graph()


@pytest.fixture(scope="module")
def fixtures() -> dict[Path, Graph]:
    """Every fixture graph, parsed once, by path."""
    return {path: fixture_graph_at(path) for path in {FIXTURE, *FIXTURES.values()}}


def body(query: Query) -> str:
    """The query text without its comment lines (header included)."""
    return "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))


def test_the_catalogue_has_queries():
    assert QUERY_FILES, f"no .rq file under {QUERIES_DIR}"
    assert sorted(CATALOGUE) == sorted(query_name(p) for p in QUERY_FILES)


# --- every query file documents itself ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_header_documents_the_query(name):
    query = CATALOGUE[name]
    assert query.title and query.description
    assert query.columns, "no columns"
    assert len(set(query.columns)) == len(query.columns), f"repeated column in {query.columns}"
    for param in query.parameters:
        assert param.description, f"parameter {param.name} has no description"
    names = [p.name for p in query.parameters]
    assert len(set(names)) == len(names), f"parameter declared twice: {names}"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_declares_every_prefix_it_uses_and_no_other(name):
    text = body(CATALOGUE[name])
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>", text))
    assert declared, "no PREFIX block"
    # Prefixed names, once IRIs, strings and PREFIX lines are out of the way.
    rest = re.sub(r"(?im)^\s*PREFIX\s.*$", "", text)
    rest = re.sub(r"<[^<>\s]*>", " ", rest)
    rest = re.sub(r'"(?:[^"\\]|\\.)*"', " ", rest)
    used = set(re.findall(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?=[A-Za-z_])", rest))
    assert used - declared == set(), f"prefixes used but not declared: {sorted(used - declared)}"
    assert declared - used == set(), f"prefixes declared but not used: {sorted(declared - used)}"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_parameters_are_exactly_the_underscore_variables(name):
    query = CATALOGUE[name]
    variables = set(re.findall(r"[?$]_(\w+)", body(query)))
    declared = {p.name for p in query.parameters}
    assert variables == declared, (
        f"?_ variables {sorted(variables)} but declared parameters {sorted(declared)}"
    )


# --- expected results -----------------------------------------------------------------------------


def test_every_query_has_expected_results():
    missing = [name for name in sorted(CATALOGUE) if not expected_file(name).is_file()]
    assert not missing, f"queries without tests/queries/<name>.expected.csv: {missing}"


def test_every_expected_file_is_a_run_of_a_query():
    files = sorted(HERE.glob("*.expected.csv"))
    assert files, f"no expected file in {HERE}"
    runs = {expected_file(name) for name in CATALOGUE}
    runs |= {expected_file(name, case) for name, cases in CASES.items() for case in cases}
    orphans = [f.name for f in files if f not in runs]
    assert not orphans, f"expected files that no query or case produces: {orphans}"
    unknown = sorted(set(CASES) - set(CATALOGUE))
    assert not unknown, f"cases for queries that do not exist: {unknown}"


def runs() -> list:
    params = []
    for name in sorted(CATALOGUE):
        for case in [None, *CASES.get(name, {})]:
            params.append(pytest.param(name, case, id=f"{name}[{case or 'all'}]"))
    return params


@pytest.mark.parametrize(("name", "case"), runs())
def test_query_gives_exactly_the_expected_rows(fixtures, name, case):
    values = CASES.get(name, {}).get(case) if case else None
    expected = expected_file(name, case).read_text(encoding="utf-8")
    graph = fixtures[fixture_path(name)]
    assert table_csv(run_query(graph, CATALOGUE[name], values)) == expected


def test_every_fixture_category_has_queries():
    for category, path in FIXTURES.items():
        assert path.is_file(), f"no fixture {path}"
        assert any(name.startswith(category + "/") for name in CATALOGUE), f"no query in {category}/"


@pytest.mark.parametrize("path", sorted({FIXTURE, *FIXTURES.values()}), ids=lambda p: p.name)
def test_fixture_is_test_data(path):
    graph = fixture_graph_at(path)
    assert len(graph) > 0
    for subject in set(graph.subjects()):
        assert str(subject).startswith((T, IMTKGV)), f"{subject} is not under {T}"


# Labels in another language, and a cited revision that states its own Sector, must not change a
# result: each adds triples to the fixture and expects the same rows.
PROBES = {
    "French labels on a clause and on a deontic force": (
        ["resolutions/obligations", "resolutions/cited-documents"],
        [
            (
                URIRef(T + "resolution/wtsa/901/2009/resolves/1"),
                RDFS.label,
                Literal("Résolution 901 (Rév. Testopolis, 2009), décide 1", lang="fr"),
            ),
            (
                URIRef(IMTKGV + "deontic-force/binding"),
                SKOS.prefLabel,
                Literal("contraignant", lang="fr"),
            ),
        ],
    ),
    "a cited revision that states its Sector": (
        ["resolutions/cited-documents"],
        [
            (
                URIRef(T + "resolution/ra/950-2"),
                URIRef("https://w3id.org/imtkg/ontology#sector"),
                URIRef(T + "org/itu-r"),
            )
        ],
    ),
}


def probes() -> list:
    params = []
    for probe, (names, _) in PROBES.items():
        for name in names:
            params.append(pytest.param(probe, name, id=f"{name}[{probe}]"))
    return params


@pytest.mark.parametrize(("probe", "name"), probes())
def test_extra_facts_do_not_change_the_rows(probe, name):
    graph = fixture_graph(name)
    for triple in PROBES[probe][1]:
        graph.add(triple)
    expected = expected_file(name).read_text(encoding="utf-8")
    assert table_csv(run_query(graph, CATALOGUE[name])) == expected


# --- parameter values are data, not SPARQL --------------------------------------------------------

BAD_IRIS = [
    T + "resolution/wtsa/901 2009",
    T + "resolution/wtsa/901/2009> } UNION { ?s ?p ?o",
    T + "resolution/wtsa/901/2009\n",
    "resolution/wtsa/901/2009",
]
IRI_PARAMETERS = [
    (name, p.name) for name in sorted(CATALOGUE) for p in CATALOGUE[name].parameters if p.kind == "iri"
]


def test_there_are_iri_parameters():
    assert IRI_PARAMETERS


@pytest.mark.parametrize(("name", "param"), IRI_PARAMETERS)
@pytest.mark.parametrize("value", BAD_IRIS, ids=["space", "angle-bracket", "newline", "relative"])
def test_an_iri_parameter_refuses_what_is_not_an_iri(fixture, name, param, value):
    with pytest.raises(InputError, match=rf"\bparameter {param}\b"):
        run_query(fixture, CATALOGUE[name], {param: value})


STRING_QUERY = """\
#+ title: Documents by identifier
#+ description: Test query: the documents with a given identifier.
#+ param identifier: string - the identifier as written
#+ columns: document

PREFIX dct: <http://purl.org/dc/terms/>

SELECT ?document WHERE {
  { ?document dct:identifier ?_identifier . }
}
ORDER BY ?document
"""

INJECTIONS = [
    'nothing" . }\nUNION { ?document dct:identifier ?any . } #',
    'Resolution 990" } UNION { ?document ?p ?o }',
    'x"""\n} UNION {',
    "Resolution 990\\",
    '"',
]


@pytest.fixture
def string_query(tmp_path) -> Query:
    path = tmp_path / "by-identifier.rq"
    path.write_text(STRING_QUERY, encoding="utf-8")
    return parse_query_file(path, "by-identifier")


def test_a_string_parameter_matches_its_value(fixture, string_query):
    table = run_query(fixture, string_query, {"identifier": "Resolution 990"})
    assert table.records() == [{"document": T + "resolution/pp/990"}]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_in_a_string_value_matches_nothing(fixture, string_query, value):
    assert run_query(fixture, string_query, {"identifier": value}).rows == []


def test_the_injection_text_would_change_a_pasted_query(fixture, string_query):
    """The first injection is live SPARQL: pasted into the text, it returns every identified
    document. Through the parameter it is data and matched nothing (test above)."""
    pasted = string_query.text.replace("?_identifier", f'"{INJECTIONS[0]}"')
    rows = list(fixture.query(pasted))
    assert len(rows) >= 5


TRICKY_QUERY = """\
#+ title: Braces everywhere
#+ description: Test query: braces in a comment { , an IRI, strings and a sub-select.
#+ param identifier: string - the identifier as written
#+ columns: document, note

PREFIX dct: <http://purl.org/dc/terms/>

SELECT ?document ?note WHERE {
  # a comment with a brace }
  { SELECT ?document ?_identifier WHERE { ?document dct:identifier ?_identifier } }
  BIND (CONCAT("}", '{', \"\"\"}\n}\"\"\", '''{''') AS ?note)
}
ORDER BY ?document
"""


def test_parameters_are_bound_last_inside_the_outer_where_group(fixture, tmp_path):
    path = tmp_path / "tricky.rq"
    path.write_text(TRICKY_QUERY, encoding="utf-8")
    query = parse_query_file(path, "tricky")
    text = query.bound({"identifier": "Resolution 990"})
    assert text.endswith('  VALUES (?_identifier) { ("Resolution 990") }\n}\nORDER BY ?document\n')
    rows = run_query(fixture, query, {"identifier": "Resolution 990"}).records()
    assert rows == [{"document": T + "resolution/pp/990", "note": "}{}\n}{"}]


def test_every_query_of_the_catalogue_has_a_where_group_to_bind_in():
    for query in CATALOGUE.values():
        if query.parameters:
            values = {p.name: {"iri": "urn:x", "gYear": "2020", "date": "2020-01-01",
                               "integer": "1"}.get(p.kind, "x") for p in query.parameters}
            text = query.bound(values)
            assert text.index("VALUES (?_") < text.rindex("}"), query.name


def test_an_unknown_parameter_is_refused_with_the_known_ones(fixture):
    query = CATALOGUE["resolutions/cited-documents"]
    with pytest.raises(InputError) as caught:
        run_query(fixture, query, {"revision": T + "resolution/wtsa/901/2009"})
    message = str(caught.value)
    assert "'revision'" in message
    for param in query.parameters:
        assert param.name in message


# --- a malformed header names its line ------------------------------------------------------------

BAD_HEADERS = {
    "no colon": ("#+ title: T\n#+ description: D\n#+ columns a, b\n", 3),
    "unknown kind": ("#+ title: T\n#+ param x: uri - an IRI\n#+ columns: a\n", 2),
    "param without name": ("#+ title: T\n#+ description: D\n#+ columns: a\n#+ param: iri - x\n", 4),
    "no key": ("#+ title: T\n#+: value\n", 2),
}


@pytest.mark.parametrize("header", list(BAD_HEADERS))
def test_a_malformed_header_line_is_reported_with_its_number(tmp_path, header):
    text, line = BAD_HEADERS[header]
    path = tmp_path / "bad.rq"
    path.write_text(text + "\nSELECT ?a WHERE { ?a ?b ?c }\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse_query_file(path, "bad")
    assert caught.value.line == line
    assert f"bad.rq:{line}:" in str(caught.value)


def test_a_header_without_columns_is_refused(tmp_path):
    path = tmp_path / "short.rq"
    path.write_text("#+ title: T\n#+ description: D\n\nSELECT ?a WHERE { ?a ?b ?c }\n", encoding="utf-8")
    with pytest.raises(SourceError, match="columns"):
        parse_query_file(path, "short")


# --- the real build: what Resolution 38 (Rev. Dubai, 2012) says -------------------------------------

RES38 = ID + "resolution/wtsa/38"
RES38_2012 = RES38 + "/2012/"


@pytest.fixture(scope="module")
def real():
    return build_graph()


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(Project.default().queries_dir)


def test_obligations_of_resolution_38(real, catalogue):
    table = run_query(real.graph, catalogue["resolutions/obligations"], {"resolution": RES38 + "/2012"})
    got = [(r["clause"], r["force"], r["role"], r["party"]) for r in table.records()]
    binding, hortatory = "binding", "hortatory"
    expected = [
        ("resolves/1", binding, "bearer", "org/itu-t"),
        ("resolves/2", binding, "bearer", "org/itu-d"),
        ("resolves/2", binding, "bearer", "org/itu-r"),
        ("resolves/2", binding, "bearer", "org/itu-t"),
        ("instructs/p1", binding, "bearer", "post/director-tsb"),
        ("instructs/p1", binding, "other party", "post/director-bdt"),
        ("instructs/p1", binding, "other party", "post/director-br"),
        ("encourages/p1", hortatory, "bearer", "post/director-bdt"),
        ("encourages/p1", hortatory, "bearer", "post/director-br"),
        ("encourages/p1", hortatory, "bearer", "post/director-tsb"),
    ]
    assert got == [(RES38_2012 + c, f, r, ID + p) for c, f, r, p in expected]
    assert {r["resolution"] for r in table.records()} == {RES38 + "/2012"}


def test_revision_history_of_resolution_38(real, catalogue):
    table = run_query(real.graph, catalogue["resolutions/revision-history"], {"resolution": RES38})
    got = [(r["revision"], r["year"], r["place"], r["previousRevision"]) for r in table.records()]
    assert got == [
        (RES38 + "/2000", "2000", "Montreal", ""),
        (RES38 + "/2004", "2004", "Florianópolis", RES38 + "/2000"),
        (RES38 + "/2008", "2008", "Johannesburg", RES38 + "/2004"),
        (RES38 + "/2012", "2012", "Dubai", RES38 + "/2008"),
    ]


def test_documents_cited_by_resolution_38(real, catalogue):
    table = run_query(
        real.graph, catalogue["resolutions/cited-documents"], {"resolution": RES38 + "/2012"}
    )
    got = [(r["sector"], r["document"], r["citedBy"]) for r in table.records()]
    itu_d, itu_r, itu_t = "org/itu-d", "org/itu-r", "org/itu-t"
    expected = [
        (itu_d, "resolution/wtdc/43/2010", "considering/h"),
        (itu_d, "resolution/wtdc/59/2010", "noting/b"),
        (itu_r, "resolution/ra/17-4", "considering/f"),
        (itu_r, "resolution/ra/47-2", "noting/f"),
        (itu_r, "resolution/ra/50-2", "considering/e"),
        (itu_r, "resolution/ra/50-2", "noting/f"),
        (itu_r, "resolution/ra/56-1", "noting/f"),
        (itu_r, "resolution/ra/57-1", "noting/f"),
        (itu_t, "rec/itu-t/a.4", "noting/c"),
        (itu_t, "rec/itu-t/a.5", "noting/d"),
        (itu_t, "rec/itu-t/a.6", "noting/e"),
        (itu_t, "resolution/wtsa/18/2012", "noting/a"),
    ]
    assert got == [(ID + s, ID + d, RES38_2012 + c) for s, d, c in expected]
