"""Shared fixtures: the shipped project, a copy of it a test may break, and a real Oxigraph server."""

from __future__ import annotations

import gc
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from imtkg import Project

IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def require(condition: bool, reason: str) -> None:
    """Skip when something a test needs is missing, but fail under CI=true, where it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A writable copy of the shipped project (ontology, data, shapes, queries)."""
    source = Project.default().root
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(source / name, tmp_path / name)
    return Project.at(tmp_path)


# --- A real Oxigraph SPARQL server holding the build of the shipped project -----------------------


@dataclass(frozen=True)
class OxigraphServer:
    """A running ``oxigraph serve`` on 127.0.0.1: its query endpoint and the triples it holds."""

    url: str
    data: Path
    graph: Graph


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (free when this returns)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary of the PyPI ``oxigraph`` package: this venv's first, then PATH."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        candidate = folder / "oxigraph"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("oxigraph")


@pytest.fixture(scope="session")
def dist_graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``graph.nt`` of a build of the shipped project, made once per session in a tmp folder."""
    from imtkg.build import build_graph, write_dist

    out = tmp_path_factory.mktemp("endpoint-build") / "dist"
    write_dist(build_graph(), out)
    return out / "graph.nt"


@pytest.fixture(scope="session")
def shipped_build():
    """The build (:class:`imtkg.build.Build`) of the shipped project, made once per session."""
    from imtkg.build import build_graph

    return build_graph()


@pytest.fixture(scope="session")
def oxigraph_server(
    tmp_path_factory: pytest.TempPathFactory, dist_graph_file: Path
) -> Iterator[OxigraphServer]:
    """``oxigraph serve`` on 127.0.0.1 and a free port, loaded with :func:`dist_graph_file`.

    ``graph`` is that file parsed back with rdflib, so a local query sees exactly the server's
    triples. Skips when the binary is missing (fails under CI=true); fails when the server is not
    answering within 10 s. The server is terminated at the end of the session.
    """
    from imtkg.graph import parse_rdf

    binary = oxigraph_binary()
    require(binary is not None, "the oxigraph server binary is missing (pip install oxigraph)")
    assert binary is not None
    folder = tmp_path_factory.mktemp("oxigraph")
    location = folder / "db"
    loaded = subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(dist_graph_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if loaded.returncode != 0:
        pytest.fail(f"oxigraph load failed ({loaded.returncode}): {loaded.stderr.strip()}")
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_answering(process, url, log_path)
        yield OxigraphServer(url, dist_graph_file, parse_rdf(dist_graph_file))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_answering(process: subprocess.Popen, url: str, log_path: Path) -> None:
    """Poll ``ASK {}`` until the server answers; fail after 10 s or if it exits."""
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 10
    last = "no attempt"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace").strip()
            pytest.fail(f"oxigraph serve exited with {process.returncode}: {log}")
        try:
            with no_proxy.open(f"{url}?query=ASK%7B%7D", timeout=1) as answer:
                if answer.status == 200:
                    return
                last = f"HTTP {answer.status}"
        except (OSError, http.client.HTTPException) as error:
            last = str(error)
        time.sleep(0.05)
    pytest.fail(f"oxigraph serve did not answer {url} within 10 s ({last})")


@pytest.fixture(scope="session", autouse=True)
def _stop_the_jvm():
    """Stop TopQuadrant's JVM (the fast engine starts it) before pytest tears the session down:
    once pytest's faulthandler has put its signal handlers back, the JVM can crash the process
    with exit code 139 when it stops at interpreter exit."""
    yield
    from imtkg import topquadrant

    topquadrant.stop()


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """Incremental builds keep their cache in a folder of this session, never in ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMTKG_CACHE_DIR", str(tmp_path_factory.mktemp("imtkg-cache")))
        yield


@pytest.fixture(autouse=True)
def _close_build_states():
    """Close the on-disk stores a test's incremental builds opened (each holds some fifty files):
    a session that kept them all would run out of the file descriptors ``select`` can watch."""
    yield
    from imtkg.incremental import forget_open_states

    if forget_open_states():
        gc.collect()
