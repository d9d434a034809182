"""A file read only for its computed lookups (`getattr(x, kind)`, never spelling the term) is not
searched when it spells no name that may lead to a class or module whose own members spell the
term: its search could hold nothing back. Every way the finder types a receiver across files
must still lead to the search: a function's annotated result, a member known by its name alone,
a pytest fixture by its parameter's name, a class inheriting one, an import of the module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import engine, lookup_reach
from termshift import finder as finder_module
from termshift.engine import analyze
from termshift.workspace import Workspace

from lintkit import write_project

# The lookup files are made the larger part of the project, as in a large tree that rarely
# spells the term: only then is the pause to tell them apart worth it (engine._worth_telling_apart).
FILLER = "".join(f"# line {number} of a long module that spells nothing in particular\n" for number in range(400))

PROJECT = {
    "app/__init__.py": "",
    "app/models.py": "class Record:\n    job_id = 0\n\n    def rerun_job(self):\n        pass\n\n\n"
                     "class Box:\n    current: Record\n",
    "app/tasks.py": "def run_job():\n    pass\n",
    # Never spell the term: each leads to Record, or to app.tasks, another way.
    "app/factory.py": "from app.models import Record\n\n\ndef make() -> Record:\n    return Record()\n",
    "app/child.py": "from app.models import Record\n\n\nclass Child(Record):\n    pass\n",
    "app/by_result.py": "from app.factory import make\n\n\ndef read(kind):\n    made = make()\n"
                        "    return getattr(made, kind)\n"
                        + FILLER,
    "app/by_name.py": "def peek(thing, kind):\n    return getattr(thing.current, kind)\n" + FILLER,
    "app/by_base.py": "from app.child import Child\n\n\ndef sub(kind):\n    child = Child()\n"
                      "    return getattr(child, kind)\n" + FILLER,
    "app/by_module.py": "import app.tasks\n\n\ndef call(kind):\n    return getattr(app.tasks, kind)\n" + FILLER,
    "tests/__init__.py": "",
    "tests/conftest.py": "import pytest\n\nfrom app.models import Record\n\n\n@pytest.fixture\n"
                         "def record() -> Record:\n    return Record()\n",
    "tests/test_fixture.py": "def test_it(record):\n    for kind in ('a', 'b'):\n"
                             "        getattr(record, kind.upper())\n"
                             + FILLER,
    # Bears the term only in its names' NFKC form: not among the facts the pre-filter finds.
    "app/wide_model.py": "class Wide:\n    \uff4aob_id = 0\n",
    "app/by_wide.py": "from app.wide_model import Wide\n\n\ndef w(kind):\n    wide = Wide()\n"
                      "    return getattr(wide, kind)\n"
                      + FILLER,
    # Leads nowhere, but its NFKC form spells the term in a name (the pre-filter reads bytes): searched.
    "app/wide.py": "def pick(thing, kind):\n    \uff4aob_count = 1\n    return getattr(thing, kind), \uff4aob_count\n"
                   + FILLER,
    # Never spells the term, looks nothing up, spells no name that leads there: never read.
    "app/plain.py": "class Plain:\n    value = None\n",
    # Leads nowhere: not searched. The largest file, as the standard library's many such are the
    # larger part of what is to read: telling it apart is worth the modules read to tell.
    "app/unrelated.py": "def pick(obj, kind):\n    return getattr(obj, kind)\n\n\ndef other(mapping, kind):\n"
                        "    return getattr(mapping.items, kind)\n" + FILLER * 10,
}

REACHED = {"app/by_result.py", "app/by_name.py", "app/by_base.py", "app/by_module.py", "app/by_wide.py",
           "tests/test_fixture.py"}


@pytest.fixture(autouse=True)
def _small_is_worth_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """This project's lookup files are a fraction of the size that makes telling them apart pay;
    every module of it is written just before it is read (replay.RACY_NS)."""
    monkeypatch.setattr(engine, "TELL_APART_FROM", 0)
    monkeypatch.setattr(lookup_reach, "RACY_NS", 0)


def _sites(root: Path, workers: int = 1) -> dict[str, list[tuple]]:
    analysis = analyze(root, [root], config_module.load(root), workers=workers)
    return {path: [(s.line, s.column, s.old, s.action, s.note) for s in sites]
            for path, sites in sorted(analysis.sites.items())}


def test_a_lookup_file_that_spells_no_name_leading_to_the_term_is_not_searched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "project", PROJECT)
    told: list[list[Path]] = []
    unreached = lookup_reach.unreached

    def telling(*args, **kwargs):
        found = unreached(*args, **kwargs)
        told.append(found)
        return found

    monkeypatch.setattr(lookup_reach, "unreached", telling)
    skipping = _sites(root)
    assert [[path.relative_to(root).as_posix() for path in found] for found in told] == [["app/unrelated.py"]]

    monkeypatch.setattr(lookup_reach, "unreached", lambda *args, **kwargs: [])
    searching = _sites(root)
    assert skipping == searching
    held = {path for path, sites in searching.items() if any("computed at run time" in site[4] for site in sites)}
    assert held == REACHED  # by_base.py: Child defines nothing that spells the term, but inherits Record's members
    assert searching["app/unrelated.py"] == []
    assert [site[2] for site in searching["app/wide.py"]] == ["job_count", "job_count"]  # as the tree names it


# Another top package's files name app's definitions only by importing them (spelling `app`), as an
# attribute (a line may end with the dot) or in a string: a name they spell otherwise is some other
# value's. `other` defines nothing that leads there; `elsewhere` does.
ELSEWHERE = {
    "elsewhere/__init__.py": "",
    "other/local_name.py": "def f(tasks, kind):\n    return getattr(tasks, kind)\n" + FILLER,
    "other/class_word.py": "def g(Record, kind):\n    return getattr(Record, kind)\n" + FILLER,
    "elsewhere/imported.py": "from app import tasks\n\n\ndef h(kind):\n    return getattr(tasks, kind)\n" + FILLER,
    "other/dotted.py": "def i(pkg, kind):\n    return getattr(pkg.tasks, kind)\n" + FILLER,
    "other/quoted.py": "def j(pkg, kind):\n    held = getattr(pkg, 'tasks')\n    return getattr(held, kind)\n"
                       + FILLER,
    "other/continued.py": "def k(pkg, kind):\n    held = (pkg.  # the module\n        tasks)\n"
                          "    return getattr(held, kind)\n" + FILLER,
    # A value holding app.tasks, defined here: named plainly within this top package, not beyond it.
    "elsewhere/reexport.py": "from app import tasks as work\n",
    "elsewhere/uses_work.py": "from .reexport import *\n\n\ndef m(kind):\n    return getattr(work, kind)\n" + FILLER,
    "other/__init__.py": "",
    "other/uses_work_far.py": "def n(work, kind):\n    return getattr(work, kind)\n" + FILLER,
}


def test_a_name_defined_at_the_top_of_a_module_is_followed_only_where_it_can_name_that_definition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "project", {**PROJECT, **ELSEWHERE})
    told: list[list[Path]] = []
    asked: list[str] = []
    unreached = lookup_reach.unreached

    def telling(index, vocabulary, facts, lookups, *args, **kwargs):
        asked.extend(path.relative_to(root).as_posix() for path in lookups)
        found = unreached(index, vocabulary, facts, lookups, *args, **kwargs)
        told.append(found)
        return found

    monkeypatch.setattr(lookup_reach, "unreached", telling)
    skipping = _sites(root)
    assert {relative for relative in ELSEWHERE if "getattr" in ELSEWHERE[relative]} <= set(asked)
    assert sorted(path.relative_to(root).as_posix() for found in told for path in found) == [
        "app/unrelated.py", "other/class_word.py", "other/local_name.py", "other/uses_work_far.py"]
    monkeypatch.setattr(lookup_reach, "unreached", lambda *args, **kwargs: [])
    assert skipping == _sites(root)
    held = {path for path, sites in skipping.items() if any("computed at run time" in site[4] for site in sites)}
    assert {"elsewhere/imported.py", "elsewhere/uses_work.py"} <= held


def test_a_lookup_file_is_decoded_only_when_it_is_searched(tmp_path: Path) -> None:
    """Left out, it is never decoded (the standard library's 200 would be, for nothing); whether
    it is generated is told from its first bytes all the same."""
    root = write_project(tmp_path / "project", {
        **PROJECT,
        "app/made.py": "# @generated by a tool\n\n\ndef pick(thing, kind):\n    return getattr(thing, kind)\n" + FILLER,
    })
    decoded: list[str] = []
    source = Workspace.source

    def decoding(self, path: Path):
        if path not in self.sources:
            decoded.append(path.relative_to(root).as_posix())
        return source(self, path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Workspace, "source", decoding)
        analysis = analyze(root, [root], config_module.load(root))
    assert "app/unrelated.py" not in decoded and "app/unrelated.py" not in analysis.sources
    assert analysis.sites["app/unrelated.py"] == []
    assert "app/by_result.py" in decoded  # searched
    assert analysis.skipped_generated == ["app/made.py"]


# Spells Record, so it is searched; its lookups reach only a class of its own, which inherits nothing.
OWN_LOOKUP = {"app/by_own.py": "from app.models import Record\n\n\nclass Own:\n    def f(self, kind):\n"
                               "        return getattr(self, kind), Record\n" + FILLER}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_lookup_file_that_gave_nothing_is_no_source_of_the_analysis_whoever_searched_it(
        tmp_path: Path, workers: int) -> None:
    """What a migration writes from the analysis's sources (the rename manifest lists the bases of
    their classes) must not depend on which process searched a file: a worker that finds nothing
    in a computed-lookup file sends no text back, and this process, searching one itself, keeps
    none either. Such a file never spells the term: no name a plan renames is in it."""
    root = write_project(tmp_path / "project", {**PROJECT, **OWN_LOOKUP})
    searched: list[str] = []
    search = finder_module.Finder.search

    def recording(self, **options):
        searched.append(self.path)
        return search(self, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(finder_module.Finder, "search", recording)
        analysis = analyze(root, [root], config_module.load(root), workers=workers)
    assert workers == 2 or "app/by_own.py" in searched
    assert analysis.sites["app/by_own.py"] == [] and "app/by_own.py" not in analysis.sources  # found nothing
    assert "app/unrelated.py" not in analysis.sources  # left out
    assert {"app/by_name.py", "app/models.py"} <= set(analysis.sources)  # found something; spells the term
    assert set(analysis.sources) == {path for path, sites in analysis.sites.items() if sites}  # here, all that spell it


def test_the_names_leading_to_a_term_bearing_type_are_those_a_receiver_could_be_typed_by(
        tmp_path: Path) -> None:
    """The names that may lead there, followed backwards from the term-bearing types."""
    from termshift.lookup_reach import Reach, term_bearing

    root = write_project(tmp_path / "project", PROJECT)
    analysis = analyze(root, [root], config_module.load(root))
    index = analysis.index
    summaries = [index.module(name) for name in ("app.models", "app.tasks")]
    modules, classes = term_bearing(summaries, analysis.vocabulary, index.project)
    assert modules == {"app.tasks"} and classes == {"app.models:Record"}
    reach = Reach(index, modules, classes, lambda path: path.read_bytes())
    paths = sorted(root / relative for relative in [*REACHED - {"app/by_wide.py"}, "app/unrelated.py"])
    assert reach.unreached(paths, lambda path: path.stat().st_size) == [root / "app/unrelated.py"]
    assert {"Record", "tasks", "make", "current", "record", "Child"} <= reach.names
    assert "pick" not in reach.names and "items" not in reach.names


def test_a_finished_search_is_remembered_while_no_module_that_could_change_it_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file left out has no findings of its own to cache: the names found are kept instead, good
    while no module they were read from changes and no module that changes spells one of them."""
    from termshift import cache as cache_module

    root = write_project(tmp_path / "project", PROJECT)
    searches: list[int] = []
    follow = lookup_reach.Reach.unreached

    def counting(self, *args, **kwargs):
        searches.append(1)
        return follow(self, *args, **kwargs)

    monkeypatch.setattr(lookup_reach.Reach, "unreached", counting)

    def both() -> tuple[dict, dict]:
        config = config_module.load(root)
        cached = analyze(root, [root], config, cache=cache_module.Cache(root))
        fresh = analyze(root, [root], config)
        return ({path: list(sites) for path, sites in cached.sites.items()},
                {path: list(sites) for path, sites in fresh.sites.items()})

    cached, fresh = both()
    assert cached == fresh and len(searches) == 2
    (root / "app/plain.py").write_text("class Plain:\n    value = 1\n")  # spells no name found
    os.utime(root / "app/unrelated.py", ns=(1, 1))  # its findings are not cached: it is decided again
    cached, fresh = both()
    assert cached == fresh and len(searches) == 3  # the cached run followed no name
    assert cached["app/unrelated.py"] == []
    # A module that spells the term (its content is the cache key's) touched, not changed.
    os.utime(root / "app/models.py")
    cached, fresh = both()
    assert cached == fresh and len(searches) == 4
    # A module that now holds a value leading there: the names are followed again.
    (root / "app/plain.py").write_text("from app.factory import make\n\nthing = make()\n")
    cached, fresh = both()
    assert cached == fresh and len(searches) == 6
    (root / "app/unrelated.py").write_text("from app.plain import thing\n\n\ndef pick(kind):\n"
                                           "    return getattr(thing, kind)\n" + FILLER * 10)
    cached, fresh = both()
    assert cached == fresh and {site.old for site in cached["app/unrelated.py"]} == {"job_id", "rerun_job"}


def test_a_module_changed_as_the_run_began_is_not_remembered_as_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its change may have come before or after the run read it: the next run reads it again."""
    import time

    from termshift import replay

    monkeypatch.setattr(lookup_reach, "RACY_NS", replay.RACY_NS)
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    assert lookup_reach._states({"m": path}, since=time.time_ns()) == {}
    assert set(lookup_reach._states({"m": path})) == {"m"}


def test_on_the_standard_library_leaving_files_out_changes_no_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real code no one here wrote: a part of the interpreter's own standard library, whose
    computed lookups mostly reach nothing (multiprocessing.pool bears the term)."""
    import shutil
    import sysconfig

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    root = tmp_path / "stdlib"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "stdlib"\nversion = "0"\n')
    for path in stdlib.glob("*.py"):
        shutil.copy(path, root / path.name)
    for package in ("multiprocessing", "concurrent", "asyncio", "unittest", "logging", "email", "json", "importlib"):
        shutil.copytree(stdlib / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "test*"))
    told: list[tuple[int, int]] = []
    unreached = lookup_reach.unreached

    def telling(index, vocabulary, facts, lookups, *args, **kwargs):
        found = unreached(index, vocabulary, facts, lookups, *args, **kwargs)
        told.append((len(found), len(lookups)))
        return found

    monkeypatch.setattr(lookup_reach, "unreached", telling)
    skipping = _sites(root)
    # With two workers, this process tells them apart while the other searches the rest.
    assert _sites(root, workers=2) == skipping
    monkeypatch.setattr(lookup_reach, "unreached", lambda *args, **kwargs: [])
    searching = _sites(root)
    assert skipping == searching
    [(left_out, lookups), again] = told
    assert lookups > 20 and left_out > lookups / 2 and again == (left_out, lookups)


def test_a_module_whose_text_comes_from_an_editor_is_never_taken_as_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --stdin-filename`: its file on disk may be as it was, its buffer not."""
    from termshift import files

    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    assert set(lookup_reach._states({"m": path})) == {"m"}
    monkeypatch.setitem(files.OVERRIDES, str(path), b"x = 2\n")
    assert lookup_reach._states({"m": path}) == {}


def test_a_lookup_on_a_module_reaches_what_it_imports(tmp_path: Path) -> None:
    """`getattr(app, kind)` may be `app.run_job`, imported into `app/__init__.py` from where it is
    defined: the module is term-bearing for it, and the name is held back everywhere. A third
    party's name it imports is no rename's to change."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "from .tasks import run_job\nfrom winlib import CREATE_BREAKAWAY_FROM_JOB\n",
        "app/tasks.py": "def run_job():\n    pass\n",
        "app/use.py": "import app\n\n\ndef call(kind):\n    return getattr(app, kind)()\n" + FILLER,
        "app/unrelated.py": "def pick(obj, kind):\n    return getattr(obj, kind)\n" + FILLER * 10,
        # Names the module itself gives: the new ones, once it is renamed.
        "app/complete.py": "import app\nimport app as same\n\n\ndef complete():\n"
                           "    return [hasattr(app, name) for name in app.__all__] + [getattr(app, n) for n in dir(same)]\n"
                           + FILLER,
    })
    analysis = analyze(root, [root], config_module.load(root))
    assert [(site.old, site.line) for site in analysis.sites["app/use.py"]] == [("run_job", 5)]
    assert analysis.sites["app/complete.py"] == []
    assert analysis.sites["app/unrelated.py"] == [] and "app/unrelated.py" not in analysis.sources
    from termshift.planning import plan

    edits = plan(analysis, config_module.load(root).stages).edits
    assert not [site for sites in edits.values() for site in sites if site.old == "run_job"]  # kept everywhere


def test_a_lookup_on_a_module_reaches_what_it_imports_with_a_star_and_a_package_s_modules(tmp_path: Path) -> None:
    """`app.front` imports `*` from `app.api`, which imports `*` from `app.tasks`: `getattr(front,
    kind)` may be `front.run_job`. `app.handlers.job_done`, once imported, is `handlers.job_done`.
    Neither file spells the term, nor do the modules they look members up on."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/tasks.py": "def run_job():\n    pass\n",
        "app/api.py": "from app.tasks import *\n",
        "app/front.py": "from .api import *\n",
        "app/handlers/__init__.py": "",
        "app/handlers/job_done.py": "def handle():\n    pass\n",
        "other/__init__.py": "",
        "other/use_star.py": "from app import front\n\n\ndef f(kind):\n    return getattr(front, kind)\n" + FILLER,
        "other/use_package.py": "from app import handlers\n\n\ndef g(kind):\n    return getattr(handlers, kind)\n"
                                + FILLER,
        "other/unrelated.py": "def pick(obj, kind):\n    return getattr(obj, kind)\n" + FILLER * 10,
    })
    analysis = analyze(root, [root], config_module.load(root))
    assert [(site.old, site.line) for site in analysis.sites["other/use_star.py"]] == [("run_job", 5)]
    assert [(site.old, site.line) for site in analysis.sites["other/use_package.py"]] == [("job_done", 5)]
    assert analysis.sites["other/unrelated.py"] == [] and "other/unrelated.py" not in analysis.sources


def test_a_module_imported_by_a_computed_name_keeps_its_name(tmp_path: Path) -> None:
    """`import_module(f"app.handlers.{kind}")`: `kind` may be `job_done`, from data that a rename
    doesn't change. No receiver is typed, so telling lookup files apart never leaves one out; with
    no package of ours at the name's start, it names a module spelled in configuration (not here)."""
    from termshift.lint import Options, run
    from termshift.planning import plan

    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/handlers/__init__.py": "",
        "app/handlers/job_done.py": "def handle():\n    pass\n",
        "app/handlers/other.py": "def handle():\n    pass\n",
        "app/handlers/loader.py": "import importlib\n\n\ndef load(kind):\n"
                                  "    return importlib.import_module('.' + kind, __package__)\n" + FILLER,
        "other/__init__.py": "",
        "other/router.py": "from importlib import import_module\n\n\ndef route(kind):\n"
                           "    return import_module(f'app.handlers.{kind}').handle()\n" + FILLER,
        "other/configured.py": "import importlib\n\n\ndef backend(path):\n    return importlib.import_module(path)\n"
                               + FILLER,
        "other/unrelated.py": "def pick(obj, kind):\n    return getattr(obj, kind)\n" + FILLER * 10,
        # Under a package none of whose modules' names spell the term: left out.
        "other/plugins.py": "import importlib\n\n\ndef plugin(kind):\n"
                            "    return importlib.import_module('other.' + kind)\n" + FILLER * 10,
    })
    config = config_module.load(root)
    told: list[Path] = []
    unreached = lookup_reach.unreached
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lookup_reach, "unreached", lambda *args, **kwargs: told.extend(unreached(*args, **kwargs)) or told)
        analysis = analyze(root, [root], config)
    assert sorted(path.relative_to(root).as_posix() for path in told) == ["other/plugins.py", "other/unrelated.py"]
    assert [(site.old, site.line) for site in analysis.sites["app/handlers/loader.py"]] == [("job_done", 5)]
    assert [(site.old, site.line) for site in analysis.sites["other/router.py"]] == [("job_done", 5)]
    assert analysis.sites.get("other/configured.py", []) == []  # not even read further: nothing to hold
    assert "other/unrelated.py" not in analysis.sources and "other/plugins.py" not in analysis.sources
    planned = plan(analysis, config.stages)
    assert planned.moves == [] and planned.refused_moves == [("app/handlers/job_done.py", "app/handlers/step_done.py")]
    result, _, _ = run(root, (root,), config, Options())
    moved = [finding for finding in result.findings if finding.code == "TSH103"]
    assert [(finding.path, finding.fixable) for finding in moved] == [("app/handlers/job_done.py", False)]
    assert "not fixable: 'job_done' is kept everywhere" in moved[0].message
