"""The cache: a warm run answers exactly as a cold one, and anything a file's
answer depends on invalidates it."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from termshift import cache as cache_module
from termshift import config as config_module
from termshift import analysis_cache, engine, parallel, thirdparty

from lintkit import PYTHON

EXAMPLE = Path(__file__).parent / "fixtures" / "example"

FILES = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
    "app/__init__.py": "",
    # No legacy term here: summarised only because jobs.py consults it.
    "app/base.py": """
        class Base:
            def run(self, count):
                return count
    """,
    "app/helpers.py": """
        def limit(count):
            return min(count, 3)
    """,
    "app/jobs.py": """
        from app.base import Base
        from app.helpers import limit

        class Job(Base):
            def submit_job(self, job_id):
                job_limit = limit(job_id)  # the value's type is asked: helpers.py is consulted
                return self.run(job_limit)
    """,
    "app/api.py": """
        from app.jobs import Job

        def make_job():
            return Job().submit_job(job_id=1)
    """,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the finder actually ran on (not answered from the cache)."""
    names: list[str] = []
    original = engine._find_file

    def counting(job, path):
        names.append(path.name)
        return original(job, path)

    monkeypatch.setattr(engine, "_find_file", counting)
    return names


def analyze(root: Path, *, cache: bool = True, workers: int = 1) -> engine.Analysis:
    config = config_module.load(root, None)
    return engine.analyze(root, [root], config, cache=cache_module.Cache(root) if cache else None, workers=workers)


def facts(analysis: engine.Analysis):
    return (analysis.sites, analysis.collisions, analysis.problems, analysis.skipped_generated)


def test_a_warm_run_answers_like_a_cold_one_without_searching(project: Path, searched: list[str]) -> None:
    cold = analyze(project)
    assert sorted(searched) == ["api.py", "jobs.py"]
    searched.clear()
    warm = analyze(project)
    assert searched == []
    assert facts(warm) == facts(cold) == facts(analyze(project, cache=False))


def test_the_example_warm_equals_cold(tmp_path: Path, searched: list[str]) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    cold = analyze(root, cache=False)
    analyze(root)
    searched.clear()
    warm = analyze(root)
    assert searched == []
    assert facts(warm) == facts(cold)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_the_workers_keep_what_they_make(project: Path, monkeypatch: pytest.MonkeyPatch, start_method: str) -> None:
    """In a pooled run each worker writes its own summaries, string facts and findings to the
    cache (the parent writes none of them): the next run must find every one of them, whether
    the workers inherited the cache or were sent it."""
    monkeypatch.setenv("TERMSHIFT_START_METHOD", start_method)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    cold = analyze(project, workers=2)
    assert facts(cold) == facts(analyze(project, cache=False))

    def no_more(*args, **kwargs):
        raise AssertionError("summarised or searched again: the cache should have answered")

    for name in ("_module_share", "summarize_module", "_find_file"):
        monkeypatch.setattr(engine, name, no_more)
    monkeypatch.delenv("TERMSHIFT_START_METHOD")
    warm = analyze(project)
    assert facts(warm) == facts(cold)


def test_editing_a_file_searches_it_again(project: Path, searched: list[str]) -> None:
    analyze(project)
    jobs = project / "app" / "jobs.py"
    jobs.write_text(jobs.read_text() + "\n\nJOB_LIMIT = 3\n")
    searched.clear()
    warm = analyze(project)
    # Every mentioning module's text is part of what each file's answer rests on
    # (names defined anywhere in the project decide ownership).
    assert sorted(searched) == ["api.py", "jobs.py"]
    assert any(site.old == "JOB_LIMIT" for site in warm.sites["app/jobs.py"])
    assert facts(warm) == facts(analyze(project, cache=False))


def test_editing_a_module_it_consulted_searches_it_again(project: Path, searched: list[str]) -> None:
    analyze(project)
    helpers = project / "app" / "helpers.py"
    helpers.write_text("from somewhere_else import limit\n")
    searched.clear()
    analyze(project)
    assert searched == ["jobs.py"]  # api.py never looked at helpers.py

    base = project / "app" / "base.py"  # both look at it: Job's methods are looked up through Base
    base.write_text("from somewhere_else import Base\n")
    searched.clear()
    warm = analyze(project)
    assert sorted(searched) == ["api.py", "jobs.py"]
    assert facts(warm) == facts(analyze(project, cache=False))


def test_changing_the_configuration_or_the_version_searches_everything_again(
        project: Path, searched: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    analyze(project)
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.termshift]\nkeep = ["make_job"]\n')
    searched.clear()
    changed = analyze(project)
    assert sorted(searched) == ["api.py", "jobs.py"]
    assert not any(site.old == "make_job" and site.action.value == "rename" for site in changed.sites["app/api.py"])

    searched.clear()
    analyze(project)
    assert searched == []
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    monkeypatch.setattr(cache_module, "_fingerprint", [])  # another termshift: a process of its own
    analyze(project)
    assert sorted(searched) == ["api.py", "jobs.py"]


def test_corrupt_entries_are_misses(project: Path, searched: list[str]) -> None:
    cold = analyze(project)
    entries = [path for path in (project / ".termshift_cache").rglob("*") if path.is_file()
               and path.parent.name != ".termshift_cache"]
    assert entries
    for path in entries:
        path.write_bytes(path.read_bytes()[:7])
    searched.clear()
    assert facts(analyze(project)) == facts(cold)
    assert sorted(searched) == ["api.py", "jobs.py"]


def termshift(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*PYTHON, "-m", "termshift", *args], cwd=cwd, capture_output=True, text=True)


def test_no_cache_reads_and_writes_nothing(project: Path) -> None:
    termshift("check", "--no-cache", "--format", "json", ".", cwd=project)
    assert not (project / ".termshift_cache").exists()

    honest = termshift("check", "--format", "json", ".", cwd=project)
    findings = project / ".termshift_cache" / f"v{cache_module.SCHEMA}" / "findings"
    entries = [path for path in findings.rglob("*") if path.is_file()]
    assert entries
    for path in entries:  # poison every answer: only a run that reads the cache can see it
        with path.open("rb") as stream:
            entry = pickle.load(stream)
        entry["outcome"] = ("sites", [], [])
        path.write_bytes(pickle.dumps(entry))
    shutil.rmtree(findings.parent / "runs")  # the record of the whole run would answer first (test_replay.py)
    assert termshift("check", "--format", "json", ".", cwd=project).stdout != honest.stdout  # the cache is read

    before = {path: path.stat().st_mtime_ns for path in (project / ".termshift_cache").rglob("*")}
    assert termshift("check", "--no-cache", "--format", "json", ".", cwd=project).stdout == honest.stdout
    assert termshift("migrate", "--diff", "--no-cache", cwd=project).returncode == 0
    assert {path: path.stat().st_mtime_ns for path in (project / ".termshift_cache").rglob("*")} == before


def test_the_cache_ignores_itself_for_git(project: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    termshift("check", ".", cwd=project)
    assert (project / ".termshift_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (project / ".termshift_cache" / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                            capture_output=True, text=True, check=True).stdout
    assert status and ".termshift_cache" not in status


def test_a_warm_check_imports_neither_the_finder_nor_libcst(project: Path) -> None:
    termshift("check", ".", cwd=project)
    probe = ("import sys\nfrom termshift import cli\n"
             "try:\n    cli.main(['check', '--format', 'json', '.'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(name for name in sys.modules if name in ('termshift.finder', 'libcst')), file=sys.stderr)")
    warm = subprocess.run([*PYTHON, "-c", probe], cwd=project, capture_output=True, text=True)
    assert warm.stderr.strip().splitlines()[-1] == "[]", warm.stderr


def test_editing_a_third_party_source_it_read_searches_it_again(project: Path, searched: list[str]) -> None:
    vendor = project.parent / "vendor"
    vendor.mkdir()
    (vendor / "extlib.py").write_text("class Worker:\n    def start(self):\n        pass\n")
    with (project / "pyproject.toml").open("a") as stream:
        stream.write('\n[tool.termshift]\nsearch_path = ["../vendor"]\n')
    (project / "app" / "runner.py").write_text(
        "from extlib import Worker\n\n\nclass JobWorker(Worker):\n    def submit_job(self):\n        pass\n")
    cold = analyze(project)
    assert any(site.old == "submit_job" and site.action.value == "rename" for site in cold.sites["app/runner.py"])
    searched.clear()
    analyze(project)
    assert searched == []

    # Now the third-party base defines the method: the override must keep its name.
    (vendor / "extlib.py").write_text("class Worker:\n    def submit_job(self):\n        pass\n")
    thirdparty._ANSWERS.clear()  # what this process remembers; a new run starts without it
    thirdparty._parse.cache_clear()
    searched.clear()
    warm = analyze(project)
    assert searched == ["runner.py"]
    assert any(site.old == "submit_job" and site.action.value == "external" for site in warm.sites["app/runner.py"])


def test_entries_of_an_older_layout_are_dropped(project: Path) -> None:
    older = project / ".termshift_cache" / "v1" / "findings" / "ab"
    older.mkdir(parents=True)
    (older / "cdef").write_bytes(b"an entry no termshift of this layout reads")
    analyze(project)
    assert not older.parent.parent.exists()
    assert (project / ".termshift_cache" / f"v{cache_module.SCHEMA}" / "findings").is_dir()


def test_entries_of_another_termshift_are_dropped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analyze(project)
    entries = project / ".termshift_cache" / f"v{cache_module.SCHEMA}"
    old = {path for path in entries.rglob("*") if path.is_file() and path.name != "salt"}
    assert old
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    monkeypatch.setattr(cache_module, "_fingerprint", [])  # another termshift: a process of its own
    analyze(project)
    new = {path for path in entries.rglob("*") if path.is_file() and path.name != "salt"}
    assert new and not (old & new)


def test_a_cold_run_does_not_try_every_entry_it_cannot_find(
        project: Path, searched: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With no cache yet, each kind of entry is found missing once, not once for every file (until
    this process writes one of that kind)."""
    events: list[tuple[str, str]] = []  # ("tried" or "stored", kind)
    real_open, real_store = open, cache_module.Cache.store

    def counting(path, *args, **kwargs):
        if ".termshift_cache" in str(path) and (args[:1] or [kwargs.get("mode", "r")])[0] == "rb":
            events.append(("tried", Path(path).parent.name))
        return real_open(path, *args, **kwargs)

    def storing(self, kind, key, value):
        events.append(("stored", kind))
        return real_store(self, kind, key, value)

    monkeypatch.setattr(cache_module, "open", counting, raising=False)
    monkeypatch.setattr(cache_module.Cache, "store", storing)
    cold = analyze(project)
    for kind in {kind for _, kind in events}:
        first_stored = next((at for at, event in enumerate(events) if event == ("stored", kind)), len(events))
        assert events[:first_stored].count(("tried", kind)) <= 1, kind
    assert events.count(("tried", "findings")) == 1  # asked for every file, before any is written
    events.clear()
    searched.clear()
    warm = analyze(project)
    assert searched == [] and ("tried", "findings") in events  # read back, entry by entry
    assert facts(warm) == facts(cold)


def test_the_files_read_further_are_hashed_as_the_pre_filter_reads_them(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Their digests (the project's key) come with the pre-filter's answers: this process doesn't
    hash them again after it, one at a time (only the other modules a search consults)."""
    hashed_here: list[Path] = []
    real_digest = analysis_cache.AnalysisCache.digest

    def digest(self, path: Path) -> str:
        if path not in self._digests:
            hashed_here.append(path)
        return real_digest(self, path)

    monkeypatch.setattr(analysis_cache.AnalysisCache, "digest", digest)
    cold = analyze(project)
    read_further = {path for path in project.rglob("*.py") if b"job" in path.read_bytes().lower()}
    assert read_further and not read_further.intersection(hashed_here)
    assert facts(cold) == facts(analyze(project, cache=False))
