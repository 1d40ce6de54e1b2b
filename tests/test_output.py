"""Atomic writes (imtkg.output): a file is replaced whole, a device or a pipe is written into."""

from __future__ import annotations

import os
import stat
import threading

from imtkg.output import replace_directory, write_text_atomic


def test_a_file_is_replaced_whole_with_the_mode_of_a_plain_open(tmp_path):
    target = tmp_path / "out" / "report.txt"
    write_text_atomic(target, "first\n")
    write_text_atomic(target, "second\n")
    assert target.read_text() == "second\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["report.txt"]  # no temporary file left


def test_a_pipe_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_is_swapped_in_with_the_mode_of_a_plain_mkdir(tmp_path):
    target = tmp_path / "dist"
    replace_directory(target, lambda d: (d / "a.txt").write_text("a"))
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o777 & ~mask
    assert (target / "a.txt").read_text() == "a"


def test_json_ld_keeps_the_order_of_an_rdf_list():
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from imtkg.output import serialize

    graph = Graph().parse(
        format="turtle",
        data='<urn:x:s> <urn:x:p> ("c" "a" "b") .',
    )
    again = Graph().parse(data=serialize(graph, "json-ld"), format="json-ld")
    assert isomorphic(graph, again)
