"""The fast store's SELECT: rdflib rows, and Python's cyclic collector left as it was found.

``oxstore.select`` pauses the cyclic garbage collector while it builds a view's rows (acyclic
tuples of terms that its collections cannot free); whatever happens, the collector is enabled
again after, unless the caller had disabled it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from imtkg.oxstore import select


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    item = ox.NamedNode("https://example.org/item")
    store.add(ox.Quad(item, ox.NamedNode("https://example.org/label"), ox.Literal("Item", language="en")))
    store.add(ox.Quad(item, ox.NamedNode("https://example.org/code"), ox.Literal("007")))
    return store


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Whatever a test does to the collector, the next test finds it enabled."""
    yield
    gc.enable()


def test_it_gives_the_variables_and_rdflib_rows(store, collector_restored):
    variables, rows = select(store, "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o")

    assert variables == ("s", "o")
    assert rows == [
        (URIRef("https://example.org/item"), Literal("007")),
        (URIRef("https://example.org/item"), Literal("Item", lang="en")),
    ]
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(store, collector_restored):
    gc.disable()

    select(store, "SELECT * WHERE { ?s ?p ?o }")

    assert not gc.isenabled()


def test_the_collector_is_enabled_again_when_the_evaluation_fails(store, collector_restored):
    # Oxigraph evaluates lazily: the refused SERVICE call fails while the rows are being read.
    query = "SELECT * WHERE { ?s ?p ?o SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"

    with pytest.raises(OSError):
        select(store, query)

    assert gc.isenabled()
