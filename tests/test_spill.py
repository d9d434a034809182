"""A large run's packed records live in a temporary file (spill.py): what is read back must be what
was kept, in this process and in a forked one, and a run without a writable temporary folder keeps
them in memory instead."""

from __future__ import annotations

import os
import pickle
import tempfile

import pytest

from termshift import spill
from termshift.sites import Role, Site, Action
from termshift.sitetable import SiteTable, pack


def _sites(path: str, count: int) -> list[Site]:
    return [Site(path, line, 4, line, 7, "job", "step", "variable", Role.REFERENCE, Action.RENAME, scope="f")
            for line in range(1, count + 1)]


def test_records_come_back_as_they_were_kept_and_take_no_memory_of_their_size():
    records = [os.urandom(size) for size in (0, 1, 4096, 70_000, 3)]
    handles = [spill.keep(record) for record in records]
    assert all(type(handle) is spill.Spilled for handle in handles)
    assert [spill.read(handle) for handle in reversed(handles)] == records[::-1]
    assert [spill.load(handle) for handle in handles] == records
    assert spill.load(b"kept as it is") == b"kept as it is"


def test_a_forked_process_reads_its_parents_records_and_writes_its_own_elsewhere():
    parents = spill.keep(b"the parent's")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover  (the child)
        try:
            own = spill.keep(b"the child's own")
            answer = spill.read(parents) + b"|" + spill.read(own)
            answer += b"|" + bytes([own >> 80 != parents >> 80])  # another file
            os.write(write_end, answer)
        finally:
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1000)
    os.waitpid(pid, 0)
    assert answer == b"the parent's|the child's own|\x01"
    # What the child wrote went to its own file: the parent's next record is where it should be.
    again = spill.keep(b"the parent's again")
    assert spill.read(parents) == b"the parent's" and spill.read(again) == b"the parent's again"


def test_a_handle_pickled_for_another_process_carries_its_bytes():
    handle = spill.keep(b"payload")
    assert pickle.loads(pickle.dumps(handle)) == b"payload"
    table = SiteTable(packed=True)
    table["a.py"] = _sites("a.py", 3)
    assert pickle.loads(pickle.dumps(table))["a.py"] == _sites("a.py", 3)


def test_without_a_writable_temporary_folder_records_stay_in_memory(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(spill, "_writer", {"pid": 0, "number": -1, "end": 0})  # as in a fresh process
    assert spill.keep(b"data") == b"data"
    table = SiteTable(packed=True)
    table["a.py"] = pack(_sites("a.py", 2))
    table["b.py"] = _sites("b.py", 1)
    assert table["a.py"] == _sites("a.py", 2) and table["b.py"] == _sites("b.py", 1)


def test_a_packed_tables_entries_are_spilled():
    table = SiteTable(packed=True)
    table["a.py"] = _sites("a.py", 2)
    table["b.py"] = pack(_sites("b.py", 2))
    assert {type(entry) for entry in table._entries.values()} == {spill.Spilled}
    assert table["b.py"] == _sites("b.py", 2)


@pytest.mark.parametrize("workers,start", [("1", "fork"), ("2", "fork"), ("3", "fork"), ("2", "spawn")])
def test_a_large_run_out_of_memory_reports_and_rewrites_what_a_small_one_does(tmp_path, monkeypatch, capsys, workers,
                                                                               start):
    """Everything a large run does to keep its memory flat at once, on a small project: the pre-filter
    hands back no bytes (each file is read again as it is decoded), texts, sites and summaries are
    spilled, and the collector runs from the first module on. With three workers, the crew forwards
    one worker's first-round results to the other; spawned workers get the spilled records pickled.
    The check's report, and the migration's diff, are those of the run that keeps everything."""
    from termshift import engine, parallel, prefilter
    from test_shards import example, generated, run

    monkeypatch.setattr(parallel, "MIN_BYTES", 0)  # even the example is worth a pool
    monkeypatch.setenv("TERMSHIFT_START_METHOD", start)

    def both(project, args):
        answers = []
        for large in (False, True):
            monkeypatch.setattr(prefilter, "POOL_FROM", 1 if large else 1000)
            monkeypatch.setattr(engine, "PACK_FROM", 0 if large else engine.PACK_FROM)
            monkeypatch.setattr(engine, "COLLECT_FROM", 0 if large else engine.COLLECT_FROM)
            answers.append(run(args, project, monkeypatch, capsys))
        return answers

    small, large = both(generated(tmp_path, copies=3), ["check", "--no-cache", "--workers", workers, "--format", "json"])
    assert small == large and small[0] == 1 and '"fixable": true' in small[1]
    small, large = both(example(tmp_path / "ex"), ["migrate", "--no-cache", "--workers", workers, "--diff", "."])
    assert small == large and "+class Step" in small[1]
