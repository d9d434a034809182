"""A large run keeps its files' texts out of memory (sourcetable.py): each must read back exactly as
it was decoded, whatever its encoding, and write back to the same bytes."""

from __future__ import annotations

import pickle

import pytest

from termshift import files, spill
from termshift.sourcetable import SourceTable


def _decoded(tmp_path, name: str, data: bytes) -> files.SourceText:
    path = tmp_path / name
    path.write_bytes(data)
    return files.read_source(path)


@pytest.mark.parametrize("data", [
    b"job = 1\n",
    b"\xef\xbb\xbfjob = 'caf\xc3\xa9'\r\n",  # a BOM, and Windows line endings
    b"# -*- coding: latin-1 -*-\njob = 'caf\xe9'\n",  # not UTF-8
    "job = '\u6709\U0001f600'\n".encode(),
])
def test_a_spilled_text_reads_back_and_writes_back_byte_identical(tmp_path, data):
    source = _decoded(tmp_path, "m.py", data)
    table = SourceTable(packed=True)
    table["m.py"] = source
    assert type(table._entries["m.py"].data) is spill.Spilled
    assert table["m.py"] == source and table["m.py"] is not source
    assert table["m.py"] is table["m.py"]  # the last one read is kept: a file's passes share its text
    assert files.encode_source(tmp_path / "m.py", table["m.py"].text, table["m.py"]) == data


def test_a_text_that_is_no_valid_unicode_still_round_trips():
    lone = files.SourceText("job = '\udcff'\n", "utf-8", False, "\n")  # a lone surrogate
    table = SourceTable(packed=True)
    table["m.py"] = lone
    assert table["m.py"] == lone


def test_unreadable_files_texts_and_moves_between_tables():
    source = files.SourceText("job = 1\n", "utf-8", False, "\n")
    workspace, analysis = SourceTable(packed=True), SourceTable(packed=True)
    workspace["a.py"], workspace["b.py"] = source, None
    analysis.take("a", workspace, "a.py")
    analysis.take("b", workspace, "b.py")
    assert analysis._entries["a"] is workspace._entries["a.py"]  # taken as kept, not spilled again
    assert analysis["a"] == source and analysis["b"] is None and "b" in analysis and len(analysis) == 2
    texts = analysis.texts()
    assert dict(texts) == {"a": "job = 1\n"} and texts.get("b") is None
    assert analysis.texts(within=frozenset({"b"})).get("a") is None
    unpacked = SourceTable()
    unpacked.take("a", workspace, "a.py")
    assert unpacked._entries["a"] == source  # decoded once, for a table that keeps objects


def test_a_spilled_table_pickled_for_another_process_carries_its_texts():
    source = files.SourceText("job = 1\n", "utf-8", False, "\n")
    table = SourceTable(packed=True)
    table["a.py"] = source
    assert pickle.loads(pickle.dumps(table))["a.py"] == source
