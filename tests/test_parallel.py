"""The process pool must give exactly the in-process answer: same sites, same output."""

from __future__ import annotations

import datetime
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import engine, parallel, planning, prefilter, rewrite

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "example"
GOLDEN = FIXTURES / "golden"
UNTIL = datetime.date(2027, 1, 24)


def _trees() -> list:
    cases = [pytest.param(EXAMPLE, id="example")]
    for case in sorted(GOLDEN.iterdir()):
        if (case / "input").is_dir():
            cases.append(pytest.param(case / "input", id=case.name))
    return cases


@pytest.fixture
def always_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small trees too: otherwise the engine rightly stays in-process."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(prefilter, "POOL_FROM", 2)
    monkeypatch.setattr(prefilter, "CHUNK", 3)


def _run(root: Path, workers: int):
    config = config_module.load(root, None)
    analysis = engine.analyze(root, [root], config, workers=workers)
    the_plan = planning.plan(analysis, config.stages)
    outcome = rewrite.apply(analysis, the_plan, write=False, compat_until=UNTIL, workers=workers)
    return analysis, outcome


def _facts(analysis: engine.Analysis):
    # The sources too: what a migration writes from them (the rename manifest) must not depend on
    # which process searched a file.
    return (analysis.sites, analysis.collisions, analysis.problems, analysis.skipped_generated,
            sorted(analysis.sources))


@pytest.mark.parametrize("root", _trees())
def test_pool_finds_and_rewrites_exactly_as_in_process(root: Path, always_pool, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(root, tree)
    alone, alone_outcome = _run(tree, workers=1)
    pooled, pooled_outcome = _run(tree, workers=2)
    assert _facts(pooled) == _facts(alone)
    assert list(pooled.sites) == list(alone.sites)  # the same order, too
    assert pooled_outcome.diff() == alone_outcome.diff()
    assert pooled_outcome.failures == alone_outcome.failures
    assert pooled_outcome.notes == alone_outcome.notes


def test_pool_without_fork_ships_the_index_by_pickling(always_pool, monkeypatch, tmp_path: Path) -> None:
    tree = tmp_path / "example"
    shutil.copytree(EXAMPLE, tree)
    alone, alone_outcome = _run(tree, workers=1)
    monkeypatch.setenv("TERMSHIFT_START_METHOD", "spawn")
    pooled, pooled_outcome = _run(tree, workers=2)
    assert _facts(pooled) == _facts(alone)
    assert pooled_outcome.diff() == alone_outcome.diff()


def test_pool_is_really_used(always_pool, monkeypatch, tmp_path: Path) -> None:
    """Guard for the tests above: with the thresholds lowered, the engine hands files to a pool,
    and a pool runs them in other processes."""
    calls = []
    real_run, real_first, real_second = parallel.run, parallel.Crew.first, parallel.Crew.second

    def recording_run(work, items, state, workers, **kwargs):
        calls.append((work.__name__, len(items), workers))
        return real_run(work, items, state, workers, **kwargs)

    def recording_first(self, work, items, state, weights, **kwargs):
        calls.append((work.__name__, len(items), self.workers))
        return real_first(self, work, items, state, weights, **kwargs)

    def recording_second(self, update, items, *args, **kwargs):
        calls.append(("_find_file", len(items), self.workers))
        return real_second(self, update, items, *args, **kwargs)

    monkeypatch.setattr(parallel, "run", recording_run)
    monkeypatch.setattr(parallel.Crew, "first", recording_first)
    monkeypatch.setattr(parallel.Crew, "second", recording_second)
    tree = tmp_path / "example"
    shutil.copytree(EXAMPLE, tree)
    config = config_module.load(tree, None)
    analysis = engine.analyze(tree, [tree], config, workers=2)
    rewrite.apply(analysis, planning.plan(analysis, config.stages), write=False, compat_until=UNTIL, workers=2)
    # The pre-filter's reads, summaries of the modules that mention the term, then the search (by
    # the same workers, a crew), then the rewrite.
    assert [(name, workers) for name, _, workers in calls] == [("read_chunk", 2), ("_module_share", 2),
                                                               ("_find_file", 2), ("_rewrite_file", 2)]
    assert all(count >= 2 for _, count, _ in calls)
    mentioning = sum(1 for path in tree.rglob("*.py") if b"job" in path.read_bytes().lower())
    assert calls[1][1] == mentioning
    pids = real_run(_pid, list(range(8)), None, 2)
    assert os.getpid() not in pids


_KEPT: dict[int, int] = {}  # in a crew worker: what its first round made


def _first(state: int, item: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that each of two workers takes one of two items
    _KEPT[item] = item * state
    return item, os.getpid()


def _second(state: int, item: int) -> tuple[int | None, int, int]:
    time.sleep(0.005)  # as long as a small file takes: a worker that runs out does not take it all
    return _KEPT.get(item), state, os.getpid()


def _ready(update: int, made: list) -> int:
    """Every worker gets every first-round result: those it made, and the others'."""
    if update < 0:
        raise ValueError("no such update")
    assert [item for item, _ in made] == [3, 4] or [item for item, _ in made] == [1, 2, 3]
    return update + 1


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    """This process is one of a crew's workers: what it kept in another test must not count."""
    _KEPT.clear()


def test_a_crew_keeps_its_first_round_for_the_second() -> None:
    with parallel.Crew(2) as crew:
        made = crew.first(_first, [3, 4], 10, [1, 1], second=_second, second_items=[3, 4, 3, 4, 99],
                          prepare=_ready)
        assert [item for item, _ in made] == [3, 4]
        owners = [pid for _, pid in made]
        assert len(set(owners)) == 2 and os.getpid() in owners  # this process and one it forked
        seen = []
        found = crew.second(41, [3, 4, 3, 4, 99], [1] * 5, [0, 1, 0, 1, None],
                            progress=lambda done, total: seen.append(done), ready=lambda: 42)
    # Each worker's first item is its own; a worker that runs out takes another's, without what
    # the owner made (it would parse that file again).
    assert [pid for _, _, pid in found[:2]] == owners
    for (kept, _, pid), follows in zip(found, [0, 1, 0, 1, None]):
        assert kept == ([30, 40][follows] if follows is not None and pid == owners[follows] else None)
    assert all(state == 42 for _, state, _ in found)  # prepared in the worker, made ready here
    assert seen == list(range(1, 6))


def _kept(result: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    return "kept", result


def _ready_kept(update: int, made: list) -> int:
    """A worker holds the first round's results, its own and those forwarded, as `keep` makes them."""
    assert made and all(entry[0] == "kept" for entry in made), made
    return update


def test_a_crew_worker_holds_the_first_round_the_way_keep_makes_it() -> None:
    """A large run spills what the gather hands over (engine._spilled_share): a worker holding it
    as it came would grow with the project, as the parent would."""
    with parallel.Crew(2) as crew:
        made = crew.first(_first, [1, 2, 3], 10, [1, 1, 1], second=_second, second_items=[1, 2, 3],
                          prepare=_ready_kept, keep=_kept)
        assert [entry[0] for entry in made] == ["kept"] * 3
        found = crew.second(7, [1, 2, 3], [1] * 3, [0, 1, 2], ready=lambda: 7)
    assert all(state == 7 for _, state, _ in found)


def test_a_crew_spreads_the_second_round_when_one_worker_holds_it_all() -> None:
    with parallel.Crew(2) as crew:
        crew.first(_first, [3, 4], 10, [1, 1], second=_second, second_items=[3] * 6, prepare=_ready)
        found = crew.second(0, [3] * 6, [1] * 6, [0] * 6)
    kept = [value for value, _, _ in found]
    assert len({pid for _, _, pid in found}) == 2  # the other worker took some, at the price of its tree
    assert 2 <= kept.count(30) <= 4 and kept.count(30) + kept.count(None) == 6


def _second_where(state: int, item: int) -> tuple[int, int, float]:
    time.sleep(0.005)
    return item, os.getpid(), time.monotonic()


def test_a_crew_withholds_items_until_it_is_told_which_to_leave_alone() -> None:
    """Which second-round items need no work is told only after the first round (engine: lookup files
    that reach nothing), by this process while the workers work on the others: those are dealt to
    nobody before, and the workers are dealt more meanwhile (a worker holds only a few at a time)."""
    items = list(range(20))
    withheld = [1, 4, 7]
    told_at: list[float] = []
    kept_in: set[str] = set()

    def release() -> list[int]:
        time.sleep(0.3)  # long enough for the other worker to go through every item it may take
        told_at.append(time.monotonic())
        return [1, 7]

    def keep(result):
        kept_in.add(threading.current_thread().name)
        return result

    with parallel.Crew(2) as crew:
        crew.first(_first, [3, 4], 10, [1, 1], second=_second_where, second_items=items, prepare=_ready)
        seen = []
        found = crew.second(0, items, [1] * len(items), [None] * len(items),
                            progress=lambda done, total: seen.append((done, total)), ready=lambda: 0,
                            keep=keep, withheld=withheld, release=release)
    assert found[1] is None and found[7] is None
    assert [result[0] for number, result in enumerate(found) if number not in (1, 7)] == [
        number for number in items if number not in (1, 7)]
    other = [result for result in found if result is not None and result[1] != os.getpid()]
    # While this process was telling, the other worker did every item it could, not only those in hand.
    assert sum(1 for _, _, at in other if at < told_at[0]) == len(items) - len(withheld)
    assert found[4][2] > told_at[0]  # a withheld item is worked on only once told
    assert kept_in == {threading.main_thread().name}
    assert seen[-1] == (len(items), len(items))


def test_while_this_process_tells_the_others_take_its_own_items_heaviest_first() -> None:
    """It gets to none of them before the others run out: what is left when it is done should be
    the lightest, for both to share (a heavy one left last would be worked on alone)."""
    with parallel.Crew(2) as crew:
        made = crew.first(_first, [3, 4], 10, [1, 1], second=_second_where, second_items=list(range(8)),
                          prepare=_ready)
        mine = next(number for number, (_, pid) in enumerate(made) if pid == os.getpid())
        weights = [1, 2, 3, 4, 5, 6, 7, 8]
        found = crew.second(0, list(range(8)), weights, [mine] * 7 + [None], ready=lambda: 0,
                            withheld=[7], release=lambda: time.sleep(0.3) or [7])
    taken = sorted((at, item) for item, pid, at in (result for result in found if result is not None)
                   if pid != os.getpid())
    assert [item for _, item in taken] == sorted((item for _, item in taken), key=lambda item: -weights[item])
    assert len(taken) == 7  # all of this process's own, while it was telling


def _fails_second(state: int, item: int) -> int:
    raise ValueError("failed in a worker")


def test_a_crew_worker_failing_while_this_process_tells_fails_the_run() -> None:
    with parallel.Crew(2) as crew:
        crew.first(_first, [3, 4], 10, [1, 1], second=_fails_second, second_items=[0, 1, 2], prepare=_ready)
        with pytest.raises(ValueError, match="failed in a worker"):
            crew.second(0, [0, 1, 2], [1] * 3, [None] * 3, ready=lambda: time.sleep(0.2),
                        withheld=[2], release=lambda: [2])


def test_a_crew_that_cannot_get_ready_fails_in_the_parent() -> None:
    with parallel.Crew(2) as crew:
        crew.first(_first, [1, 2, 3], 1, [1, 1, 1], second=_second, second_items=[1, 2], prepare=_ready)
        with pytest.raises(ValueError, match="no such update"):
            crew.second(-1, [1, 2], [1, 1], [0, 1])


def test_a_crew_left_after_its_first_round_stops_its_workers() -> None:
    with parallel.Crew(2) as crew:
        crew.first(_first, [1, 2, 3], 1, [1, 1, 1], second=_second, second_items=[], prepare=_ready)
        pids = [pid for pid, _ in crew._children.values()]
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def _fails_in(state: int, item: int) -> int:
    """Fails in the process `state`, after the others have had time to start."""
    time.sleep(0.05)
    if os.getpid() == state:
        raise ValueError("failed in the parent")
    return item


def test_a_crew_whose_parent_fails_stops_its_workers(monkeypatch) -> None:
    """This process works in a crew's rounds too: what it raises ends the run, and no worker is left."""
    stopped: list[int] = []
    real_stop = parallel._stop

    def recording_stop(children: dict[int, int]) -> None:
        stopped.extend(children.values())
        real_stop(children)

    monkeypatch.setattr(parallel, "_stop", recording_stop)
    with pytest.raises(ValueError, match="failed in the parent"):
        with parallel.Crew(2) as crew:
            crew.first(_fails_in, [1, 2, 3, 4], os.getpid(), [1, 1, 1, 1], second=_second, second_items=[],
                       prepare=_ready)
    assert len(stopped) == 1  # this process and one it forked
    with pytest.raises(ChildProcessError):
        os.waitpid(stopped[0], os.WNOHANG)


def _pid(state: None, item: int) -> int:
    time.sleep(0.01)
    return os.getpid()


def test_few_files_stay_in_process() -> None:
    assert not parallel.worth_a_pool(8, 2, 10**9)
    assert not parallel.worth_a_pool(1, 10**4, 10**9)
    assert not parallel.worth_a_pool(8, 100, 1000)
    assert parallel.worth_a_pool(2, 100, 10**6)


def test_results_keep_the_order_of_the_items() -> None:
    items = list(range(40))
    assert parallel.run(_square, items, 3, workers=2, weights=items) == [item * item + 3 for item in items]


def _square(state: int, item: int) -> int:
    return item * item + state


def test_pool_writes_the_same_tree(always_pool, tmp_path: Path) -> None:
    trees = []
    for workers in (1, 2):
        tree = tmp_path / f"example-{workers}"
        shutil.copytree(EXAMPLE, tree)
        config = config_module.load(tree, None)
        analysis = engine.analyze(tree, [tree], config, workers=workers)
        outcome = rewrite.apply(analysis, planning.plan(analysis, config.stages), write=True, compat_until=UNTIL,
                               workers=workers)
        assert not outcome.failures
        trees.append({path.relative_to(tree).as_posix(): path.read_bytes()
                      for path in sorted(tree.rglob("*")) if path.is_file() and "__pycache__" not in path.parts})
    assert trees[0] == trees[1]
    assert trees[0] != {path.relative_to(EXAMPLE).as_posix(): path.read_bytes()
                        for path in sorted(EXAMPLE.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}


def _square_slowly(state: int, item: int) -> int:
    time.sleep(0.001 * (item % 3))
    return state + item * item


def _fail_on_three(state: None, item: int) -> int:
    if item == 3:
        raise ValueError("three is not allowed")
    return item


def _die_on_three(state: None, item: int) -> int:
    if item == 3:
        os._exit(9)
    return item


def _big(state: None, item: int) -> bytes:
    return bytes([item]) * 300_000  # several times a pipe's buffer


def test_forked_workers_give_results_in_item_order_with_progress() -> None:
    seen = []
    results = parallel.run(_square_slowly, list(range(40)), 1000, 2, weights=list(range(40)),
                           progress=lambda done, total: seen.append((done, total)))
    assert results == [1000 + item * item for item in range(40)]
    assert seen == [(done, 40) for done in range(1, 41)]


def test_a_failure_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="three is not allowed"):
        parallel.run(_fail_on_three, list(range(8)), None, 2)


def test_a_worker_that_dies_is_an_error_not_a_missing_result() -> None:
    with pytest.raises(RuntimeError, match="ended before finishing"):
        parallel.run(_die_on_three, list(range(8)), None, 2)


def test_results_larger_than_a_pipe_do_not_stall() -> None:
    assert [result[:1] for result in parallel.run(_big, list(range(6)), None, 2)] == [bytes([i]) for i in range(6)]


def test_very_many_items_go_through_a_multiprocessing_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_MAX_FORKED_ITEMS", 5)
    forked = []
    monkeypatch.setattr(parallel, "_forked", lambda *args: forked.append(args))
    assert parallel.run(_square_slowly, list(range(12)), 0, 2) == [item * item for item in range(12)]
    assert not forked


def test_only_the_trees_of_searched_files_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The modules summarised for the project-wide facts alone don't keep their trees: a
    pre-commit run in a large project would otherwise hold one for every module that
    mentions the term. The answer is the same as when every file is searched."""
    from lintkit import write_project

    root = write_project(tmp_path / "app", {
        "app/__init__.py": "",
        "app/jobs.py": "class Job:\n    job_id = 1\n",
        "app/api.py": "from app.jobs import Job\n\ndef make_job():\n    return Job().job_id\n",
    })
    made: list[engine.Workspace] = []

    class Recorded(engine.Workspace):
        def __init__(self, root: Path) -> None:
            super().__init__(root)
            made.append(self)

    monkeypatch.setattr(engine, "Workspace", Recorded)
    held: list[set[Path]] = []  # the trees held as the search begins
    settle = engine._settle

    def settle_and_look(*args, **kwargs) -> None:
        held.append(set(made[-1].trees))
        settle(*args, **kwargs)

    monkeypatch.setattr(engine, "_settle", settle_and_look)
    config = config_module.load(root, None)
    api = root / "app" / "api.py"
    alone = engine.analyze(root, [api], config)
    assert held == [{api}]
    assert made[-1].trees == {}  # and once it is searched, not even that one
    everything = engine.analyze(root, [root], config)
    assert alone.sites["app/api.py"] == everything.sites["app/api.py"]
