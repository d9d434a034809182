"""What a run keeps in memory, and for how long: a file's tree lives until its search is done.

A project's syntax trees together take ~50x its source; kept to the end of a run they make
memory grow with the project. These tests hold the engine to dropping them, and to giving the
same answer whichever trees it keeps between its two rounds.
"""

from __future__ import annotations

import datetime
import gc
import os
import shutil
import weakref
from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import engine, parallel, planning, rewrite

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "example"
UNTIL = datetime.date(2027, 1, 24)


@pytest.fixture
def always_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example with its package copied under two more names: enough files for a crew."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor")
    for name in ("dispatch_a", "dispatch_b"):
        shutil.copytree(EXAMPLE / "dispatch", root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _answer(root: Path, workers: int) -> tuple:
    config = config_module.load(root, None)
    analysis = engine.analyze(root, [root], config, workers=workers)
    the_plan = planning.plan(analysis, config.stages)
    outcome = rewrite.apply(analysis, the_plan, write=False, compat_until=UNTIL, workers=workers)
    return (analysis.sites, analysis.collisions, analysis.problems, list(analysis.sites)), outcome.diff()


@pytest.mark.parametrize("workers", [1, 2])
def test_trees_parsed_again_for_the_search_give_the_same_answer(
        project: Path, always_pool, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """Past TREES_KEPT, a tree made for the project-wide facts is dropped and the search parses
    the file again: nothing it finds may change."""
    kept = _answer(project, workers)
    monkeypatch.setattr(engine, "TREES_KEPT", 0)
    assert _answer(project, workers) == kept


def _trees_after_a_run(project: Path, monkeypatch: pytest.MonkeyPatch, garbage_every: int) -> tuple[int, int]:
    """A large run the command's way (the collector off, collecting the search's garbage every
    `garbage_every` bytes searched): how many trees it parsed, and how many are alive at its
    end while the analysis, and so everything it keeps, is still held."""
    alive: list[weakref.ref] = []
    parse = engine.Workspace.parse

    def parse_and_watch(self: engine.Workspace, path: Path):
        tree = parse(self, path)
        if tree is not None:
            alive.append(weakref.ref(tree))
        return tree

    monkeypatch.setattr(engine.Workspace, "parse", parse_and_watch)
    monkeypatch.setattr(engine, "GARBAGE_EVERY", garbage_every)
    monkeypatch.setattr(engine, "_collector", {"pid": 0, "since": 0, "on": False})
    monkeypatch.setattr(engine, "COLLECT_FROM", 0)
    config = config_module.load(project, None)
    gc.collect()
    gc.disable()
    try:
        analysis = engine.analyze(project, [project], config)
        assert analysis.sites
        return len(alive), len([ref for ref in alive if ref() is not None])
    finally:
        gc.unfreeze()
        gc.enable()


def test_no_tree_outlives_its_search(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every tree the run parses is gone at its end (the collector is off, as on the command
    line, and collects what the searches leave as the run goes)."""
    parsed, alive = _trees_after_a_run(project, monkeypatch, garbage_every=1)
    assert parsed > 20  # the project's modules, and the vendor's read on demand
    assert alive == 0


def test_a_large_run_frees_each_tree_without_the_collector(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search leaves no cycle holding its tree (a method's parameters refer to its scope, which
    refers to the tree): where garbage is freed at all, the tree goes as soon as the search is
    done, not when the collector next walks everything made since (most of a large run's time
    in the collector went on exactly that)."""
    parsed, alive = _trees_after_a_run(project, monkeypatch, garbage_every=10**12)  # never collects
    assert parsed > 20 and alive == 0
    monkeypatch.setattr(engine, "_garbage_is_freed", lambda: False)  # a small run: the ties stay
    parsed, alive = _trees_after_a_run(project, monkeypatch, garbage_every=10**12)
    assert alive > 0


@pytest.mark.parametrize("workers", [1, 2])
def test_collecting_the_search_garbage_changes_nothing(
        project: Path, always_pool, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """With the collector off (the command line's way), in the command and in its forked
    workers alike, collecting as the run goes gives the same answer."""
    expected = _answer(project, workers)
    monkeypatch.setattr(engine, "GARBAGE_EVERY", 1)
    monkeypatch.setattr(engine, "_collector", {"pid": 0, "since": 0, "on": False})
    monkeypatch.setattr(engine, "COLLECT_FROM", 0)
    gc.disable()
    try:
        assert _answer(project, workers) == expected
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_process_with_other_work_before_the_search_keeps_no_tree_from_the_gather(project: Path) -> None:
    """Telling lookup files apart, this process searches none of the files it summarised before the
    crew's other workers have (they parse them again): their trees would only be held, and walked."""
    config = config_module.load(project, None)
    root = project.resolve()
    workspace = engine.Workspace(root)
    built = engine.Project.build(root, sorted(root.rglob("*.py")), config.first_party)
    path = next(path for path in sorted(built.module_of) if b"job" in path.read_bytes().lower())
    names_of = {path: [built.module_of[path]]}
    for busy, kept in ((0, True), (os.getpid(), False)):
        job = engine._ShareJob(workspace, built, config.vocabulary().needles, names_of, frozenset(),
                               searched=frozenset([path]), busy=busy)
        engine._module_share(job, path)
        assert (path in workspace.trees) is kept
        workspace.drop(path)
