"""The shipped source text is the project's copy of the shared original, unchanged."""

from __future__ import annotations

from conftest import SHARED, require

from imtkg import Project
from imtkg.text import normalize

NAME = "wtsa-resolution-38-rev-dubai-2012.txt"


def test_the_shipped_text_is_byte_identical_to_the_shared_original():
    original = SHARED / "sources" / NAME
    require(original.is_file(), f"{original} is missing")
    assert (Project.default().sources_dir / NAME).read_bytes() == original.read_bytes()


def test_normalization_removes_conversion_artefacts_and_keeps_line_numbers(tmp_path):
    text = (
        "[bookmark: _GoBack]resolution 1\n"
        "a)\tITU\u2011T and\u00a0ITU-R countries[footnoteRef:1]1, more; [1: 1\tThese include X.] \n"
        "last\u00adline\n"
    )
    normalized = normalize(text, tmp_path / "t.txt")
    assert normalized.lines[0] == "resolution 1"
    assert normalized.lines[1] == "a)\tITU-T and ITU-R countries\ue0001\ue001, more;"
    assert normalized.lines[2] == "lastline"
    assert normalized.footnotes["1"].text == "These include X."
    assert normalized.footnotes["1"].line == 2
