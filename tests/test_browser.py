"""What a person sees with a browser (Debian's headless Chromium, driven by Playwright).

Given the shipped build published for the server's own address and served by `imtkg serve`'s
server: a resource IRI opens its page (303 to HTML) with its label and links that lead on to the
linked resource; the roadmap page shows its picture and as many rows as the roadmap view has;
the query page is prefilled with the roadmap query, runs it and a query typed into it, and shows
the rows as a table. Under CI=true a missing Chromium or Playwright fails the test.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import require
from rdflib import Graph

from imtkg.graph import parse_rdf
from imtkg.project import Project
from imtkg.publish import write_site
from imtkg.queries import load_catalogue, run_query
from imtkg.serve import DATA_BASE, LinkedDataServer, catalogue_examples

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclasses.dataclass(frozen=True)
class Served:
    url: str
    site: Path
    graph: Graph


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, shipped_build) -> Iterator[Served]:
    server = LinkedDataServer("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    try:
        project = Project.default()
        site = write_site(
            shipped_build, project, tmp_path_factory.mktemp("browser") / "site", base_iri=server.url
        )
        server.open(
            site.root, examples=catalogue_examples(project, server.url), query_timeout=30, workers=1
        )
        thread.start()
        yield Served(server.url, site.root, parse_rdf(site.root / "dataset.nt"))
    finally:
        server.close()
        thread.join(timeout=2)  # a daemon thread: a connection left open only delays its end


@pytest.fixture(scope="module")
def browser() -> Iterator:
    require(
        CHROMIUM.is_file() or shutil.which("chromium") is not None,
        "Debian's chromium is missing (apt-get install chromium)",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is missing (pip install -e '.[test]')")
        raise
    with sync_playwright() as playwright:
        executable = str(CHROMIUM) if CHROMIUM.is_file() else shutil.which("chromium")
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


def roadmap_rows(served: Served) -> int:
    query = load_catalogue(Project.default().queries_dir)["views/roadmap"]
    rebased = dataclasses.replace(query, text=query.text.replace(DATA_BASE, served.url))
    return len(run_query(served.graph, rebased).rows)


def test_a_resource_iri_opens_its_page_and_its_links_lead_on(served: Served, page) -> None:
    answer = page.goto(served.url + "id/org/itu-t")
    assert answer is not None and answer.status == 200
    assert page.url == served.url + "id/org/itu-t.html"  # the browser followed the 303
    assert page.locator("h1").inner_text() == "ITU Telecommunication Standardization Sector"
    assert page.locator("p.iri code").inner_text() == served.url + "id/org/itu-t"
    page.get_by_role("link", name="International Telecommunication Union").first.click()
    page.wait_for_url(served.url + "id/org/itu.html")
    assert page.locator("h1").inner_text() == "International Telecommunication Union"


def test_the_roadmap_page_shows_its_picture_and_the_rows_of_the_view(served: Served, page) -> None:
    page.goto(served.url + "roadmap.html")
    assert page.locator("h1").inner_text() == "IMT roadmap of the Sectors"
    picture = page.locator("img.picture").first
    picture.wait_for()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    rows = roadmap_rows(served)
    assert rows > 0
    assert page.locator("table.results tbody tr").count() == rows


def test_the_query_page_runs_the_prefilled_roadmap_query(served: Served, page) -> None:
    page.goto(served.url + "sparql")
    text = page.locator("textarea#query").input_value()
    assert text.startswith("#+ title: IMT roadmap of the Sectors")
    assert f"PREFIX imtkg: <{served.url}ontology#>" in text
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#results")
    rows = roadmap_rows(served)
    assert page.locator("#count").inner_text() == f"{rows} rows"
    assert page.locator("#results table tbody tr").count() == rows
    header = page.locator("#results thead th").all_inner_texts()
    assert header[:4] == ["sector", "item", "kind", "label"]


def test_a_query_typed_into_the_page_shows_its_rows(served: Served, page) -> None:
    page.goto(served.url + "query.html")
    page.locator("textarea#query").fill(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"PREFIX imtkg: <{served.url}ontology#>\n"
        "SELECT ?sector ?label WHERE { ?sector a imtkg:Sector ; rdfs:label ?label } ORDER BY ?label"
    )
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#results table")
    assert page.locator("#count").inner_text() == "3 rows"
    cells = page.locator("#results tbody td:nth-child(2)").all_inner_texts()
    assert cells == [
        "ITU Radiocommunication Sector @en",
        "ITU Telecommunication Development Sector @en",
        "ITU Telecommunication Standardization Sector @en",
    ]
    # A Sector in the table links to its page on this server.
    page.get_by_role("link", name=served.url + "id/org/itu-r").click()
    page.wait_for_url(served.url + "id/org/itu-r.html")
    assert page.locator("h1").inner_text() == "ITU Radiocommunication Sector"


def test_a_malformed_query_shows_the_parsers_message(served: Served, page) -> None:
    page.goto(served.url + "query.html")
    page.locator("textarea#query").fill("SELECT * WHERE { ?s ?p }")
    page.get_by_role("button", name="Run query").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().startswith("malformed query: Expected SelectQuery")
