"""Shared fixtures: the shipped project, and a copy of it a test may break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
