"""The fast engine and the reference engine give the same build.

Given the same project, ``build_graph(engine="fast")`` (Oxigraph, SPARQL rules, TopQuadrant SHACL,
Oxigraph SPARQL) and ``build_graph(engine="reference")`` (rdflib, owlrl, pySHACL, rdflib SPARQL)
give: the same inferred triples, the same validation results (focus node, shape, severity, path
and value of each), the same summary, and the same rows, in the same order, for every query of the
catalogue — on the shipped data and on a generated graph with planted findings.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode
from rdflib.term import Node

from imtkg import Project
from imtkg.build import Build, build_graph
from imtkg.synthetic import write_project


@pytest.fixture(scope="module", params=["shipped", "synthetic-10k"])
def builds(request, tmp_path_factory) -> tuple[str, Build, Build, dict]:
    """The two builds of one project: (name, fast, reference, manifest of planted findings)."""
    if request.param == "shipped":
        project, manifest = Project.default(), {}
    else:
        root = tmp_path_factory.mktemp("synthetic") / "project"
        write_project(root, 10_000, seed=3)
        project = Project.at(root)
        manifest = json.loads((root / "data" / "synthetic" / "manifest.json").read_text())
    return request.param, build_graph(project), build_graph(project, engine="reference"), manifest


def _key(node: Node | None) -> str:
    """A node as text that is the same in both builds (each parses the shapes anew, so the blank
    nodes of property shapes and paths have other labels: they read ``_:``)."""
    if node is None:
        return "-"
    return "_:" if isinstance(node, BNode) else node.n3()


def results(build: Build) -> Counter:
    """Each validation result as (focus, shape, severity, path, value)."""
    return Counter(
        (_key(r.focus), _key(r.shape), _key(r.severity), _key(r.path), _key(r.value))
        for r in build.report.results
    )


def test_the_engines_infer_the_same_triples(builds):
    name, fast, reference, _ = builds
    ours, theirs = set(fast.inferred_graph), set(reference.inferred_graph)
    assert fast.inferred == len(ours) == len(theirs) == reference.inferred
    assert ours == theirs, f"{name}: only fast {sorted(ours - theirs)[:5]}, only reference {sorted(theirs - ours)[:5]}"
    assert fast.asserted == reference.asserted


def test_the_engines_find_the_same_validation_results(builds):
    name, fast, reference, manifest = builds
    ours, theirs = results(fast), results(reference)
    assert ours == theirs, (
        f"{name}: only fast {sorted((ours - theirs).elements())}, "
        f"only reference {sorted((theirs - ours).elements())}"
    )
    assert fast.report.conforms == reference.report.conforms
    assert fast.summary() == reference.summary()
    if manifest:  # the planted findings are found, and nothing else
        planted = {(p["shape"], p["focus"]) for p in manifest["planted"]}
        found = {(str(r.shape), str(r.focus)) for r in fast.obligation_results()}
        assert found == planted
        assert fast.conforms


def test_the_engines_give_the_same_rows_for_every_query(builds):
    name, fast, reference, _ = builds
    assert fast.tables.keys() == reference.tables.keys()
    assert any(n.startswith("views/") for n in fast.tables)
    for query, table in reference.tables.items():
        ours = fast.tables[query]
        assert ours.columns == table.columns
        assert ours.rows == table.rows, f"{name}: {query} differs"
        assert all(not isinstance(t, BNode) for row in ours.rows for t in row), query


def test_the_fast_build_makes_the_rdflib_graph_only_when_asked(builds):
    _, fast, reference, _ = builds
    assert fast.closed is None or fast.store is not None
    assert len(fast.graph) == len(reference.graph)
    assert {t for t in fast.graph if not isinstance(t[0], BNode) and not isinstance(t[2], BNode)} == {
        t for t in reference.graph if not isinstance(t[0], BNode) and not isinstance(t[2], BNode)
    }


def test_an_unknown_engine_is_refused(tmp_path: Path):
    from imtkg.errors import InputError

    with pytest.raises(InputError, match="unknown engine 'turbo'"):
        build_graph(engine="turbo")

