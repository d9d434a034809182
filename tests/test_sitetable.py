"""A large run keeps its sites and findings packed (sitetable.py, findings.PackedFindings): nothing it
reports or rewrites may differ for it."""

from __future__ import annotations

import pickle

import pytest

from termshift import engine, sitetable, spill
from termshift import index as index_module
from termshift.findings import Finding, PackedFindings
from termshift.sites import Action, Role, Site
from termshift.sitetable import SiteSpool, SiteTable, pack, unpack
from test_shards import example, generated, run


def _sites(path: str, count: int) -> list[Site]:
    return [Site(path, line, 4, line, 7, "job", "step", "variable", Role.REFERENCE, Action.RENAME, scope="f")
            for line in range(1, count + 1)]


@pytest.mark.parametrize("packed", [False, True])
def test_a_table_reads_as_a_dict_of_lists_packed_or_not(packed):
    table = SiteTable(packed=packed)
    table["b.py"] = _sites("b.py", 3)
    table["a.py"] = pack(_sites("a.py", 2))  # as a worker sends them
    assert list(table) == ["b.py", "a.py"] and len(table) == 2 and "a.py" in table and "c.py" not in table
    assert table["a.py"] == _sites("a.py", 2) and table.get("b.py") == _sites("b.py", 3)
    assert dict(table.items()) == {"b.py": _sites("b.py", 3), "a.py": _sites("a.py", 2)}
    if packed:  # what is read is a copy: changing it changes the table only once stored back
        read = table["b.py"]
        read.pop()
        assert len(table["b.py"]) == 3
        table["b.py"] = read
        assert len(table["b.py"]) == 2
    del table["b.py"]
    assert list(table) == ["a.py"]
    again = pickle.loads(pickle.dumps(table))  # plans cross to rewriting workers
    assert again.packed == packed and again["a.py"] == _sites("a.py", 2)


def test_packed_sites_take_a_fraction_of_the_objects():
    sites = _sites("pkg/module.py", 200)
    assert len(pack(sites)) < 20 * len(sites)


def _both(project, args, monkeypatch, capsys):
    """The command's output and exit code with the sites kept as lists, then packed."""
    answers = []
    for threshold in (engine.PACK_FROM, 0):
        monkeypatch.setattr(engine, "PACK_FROM", threshold)
        answers.append(run(args, project, monkeypatch, capsys))
    return answers


@pytest.mark.parametrize("workers", ["1", "2"])
def test_check_reports_the_same_with_its_sites_packed(tmp_path, monkeypatch, capsys, workers):
    project = generated(tmp_path)
    lists, packed = _both(project, ["check", "--no-cache", "--workers", workers, "--format", "json"],
                          monkeypatch, capsys)
    assert lists == packed
    code, out, _ = packed
    # The run exercises what the plan decides across files: renames, and names kept whole.
    assert code == 1 and '"fixable": true' in out and "not fixable" in out


@pytest.mark.parametrize("output_format", ["text", "sarif", "junit", "gitlab", "github"])
def test_every_format_reads_packed_findings_as_it_reads_a_list(tmp_path, monkeypatch, capsys, output_format):
    project = generated(tmp_path, copies=2)
    lists, packed = _both(project, ["check", "--no-cache", "--format", output_format], monkeypatch, capsys)
    assert lists == packed and packed[0] == 1


def test_a_baseline_splits_packed_findings_as_it_splits_a_list(tmp_path, monkeypatch, capsys):
    project = generated(tmp_path, copies=2)
    baseline = tmp_path / "baseline.json"
    assert run(["check", "--no-cache", "--write-baseline", str(baseline)], project, monkeypatch, capsys)[0] == 0
    (project / "dispatch_00" / "more.py").write_text("def job_total(job_id):\n    return job_id\n", encoding="utf-8")
    lists, packed = _both(project, ["check", "--no-cache", "--baseline", str(baseline), "--format", "json"],
                          monkeypatch, capsys)
    assert lists == packed
    assert packed[0] == 1 and '"baselined": ' in packed[1] and "more.py" in packed[1]


def _finding(number: int) -> Finding:
    return Finding(f"pkg/m{number // 7}.py", number, 1, number, 4, "TSH101", "legacy-name", "error", "m", False,
                   "job", "f", number % 3)


def test_packed_findings_index_and_slice_across_batches():
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(PackedFindings, "BATCH", 4)
    try:
        plain = [_finding(number) for number in range(11)]
        plain[5].pin_fingerprint("pinned")
        packed = PackedFindings(plain)
        assert len(packed) == 11 and list(packed) == plain and bool(packed) and not PackedFindings()
        assert packed[5].fingerprint == "pinned" and packed[6].fingerprint == plain[6].fingerprint
        for start in range(12):
            for stop in range(start, 13):
                assert packed[start:stop] == plain[start:stop]
        assert packed[-1] == plain[-1] and packed[::2] == plain[::2]
        with pytest.raises(IndexError):
            packed[11]
    finally:
        monkeypatch.undo()


def test_migrate_plans_the_same_with_its_sites_packed(tmp_path, monkeypatch, capsys):
    project = example(tmp_path)
    lists, packed = _both(project, ["migrate", "--no-cache", "--diff", "."], monkeypatch, capsys)
    assert lists == packed
    code, out, err = packed
    assert "+class Step" in out and "is kept everywhere" in err + out


def test_a_spool_gives_its_sites_back_in_order_across_batches():
    """A huge module's sites are packed a batch at a time while its search runs: sorted, they come back
    by position, and sites at one position in the order they were found."""
    spool = SiteSpool(batch=4)
    found = [site._replace(column=column) for column in (9, 4) for site in _sites("m.py", 5)]
    found.append(found[0]._replace(new="stage"))  # a second site at an occupied position comes after it
    for site in found:
        spool.append(site)
    assert len(spool) == 11
    assert spool.sorted() == sorted(found, key=lambda site: (site.line, site.column))


def test_a_huge_file_is_packed_a_slice_at_a_time_and_read_back_whole(monkeypatch):
    monkeypatch.setattr(sitetable, "PACK_SLICE", 3)
    for count in (0, 1, 3, 4, 7, 9):
        sites = _sites("m.py", count)
        assert unpack(pack(sites)) == sites


def test_summaries_unpacked_one_at_a_time_give_the_same_answers(tmp_path, monkeypatch, capsys):
    """A large run keeps every module summary packed and only the latest few unpacked: with a single
    one unpacked at a time (every other lookup unpacks again), the report is the one of summaries
    kept as objects."""
    project = generated(tmp_path, copies=2)
    monkeypatch.setattr(index_module, "KEPT_UNPACKED", 1)
    lists, packed = _both(project, ["check", "--no-cache", "--workers", "2", "--format", "json"], monkeypatch, capsys)
    assert lists == packed and packed[0] == 1
    lists, packed = _both(example(tmp_path / "ex"), ["migrate", "--no-cache", "--diff", "."], monkeypatch, capsys)
    assert lists == packed and "+class Step" in packed[1]


def test_a_generated_modules_summary_stays_as_objects_where_the_others_are_packed(tmp_path, monkeypatch):
    """Packing pays for many summaries; a huge one is one of a few, and packing it would only hold it
    twice for a while: it is kept as it is."""
    from termshift.summary import FunctionInfo, ModuleSummary

    index = index_module.Index(project=None, parse=lambda path: None)
    index.packing = True
    small = ModuleSummary("app.small", "app/small.py", False, functions={"f": FunctionInfo(params=("job",))})
    huge = ModuleSummary("app.huge", "app/huge.py", False,
                         functions={f"f{n}": FunctionInfo(params=("job",)) for n in range(index_module.PACKED_UP_TO + 1)})
    index.adopt("app.small", small)
    index.adopt("app.huge", huge)
    assert type(index._summaries["app.small"]) is spill.Spilled and index._summaries["app.huge"] is huge
    assert index.module("app.small") == small and index.module("app.huge") is huge
    assert index.names_anything("job")
