"""What a search needs to know is asked when it is needed, not up front.

The name a file imports from a project module is resolved, and whether a
method (and so its parameters) is ours to rename is asked, when a site asks
about them. Asking up front made the search of a job-heavy file summarise
every module it imported anything from, and read the source of every
third-party base class of every method."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import engine, index, thirdparty
from termshift.sites import Action

from lintkit import write_project

FILES = {
    "app/__init__.py": "",
    # No legacy term in either: summarised only when the search of jobs.py asks about them.
    "app/helpers.py": "def limit(count):\n    return count\n",
    "app/models.py": "class Base:\n    def run(self):\n        return 1\n",
    "app/jobs.py": (
        "from app.helpers import limit\n"
        "from app.models import Base\n"
        "\n\n"
        "class Job(Base):\n"
        "    def run_job(self):\n"
        "        return limit(self.run())\n"
    ),
}


@pytest.fixture
def summarised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    original = index.summarize_module

    def recording(project, tree, name, *args, **kwargs):
        names.append(name)
        return original(project, tree, name, *args, **kwargs)

    monkeypatch.setattr(index, "summarize_module", recording)
    monkeypatch.setattr(engine, "summarize_module", recording)
    return names


def test_only_the_modules_whose_names_the_search_asks_about_are_summarised(tmp_path: Path, summarised: list[str]) -> None:
    root = write_project(tmp_path / "project", FILES)
    analysis = engine.analyze(root, [root], config_module.load(root))
    # Job's methods are looked up through its base class; `limit` leads to no site.
    assert "app.models" in summarised
    assert "app.helpers" not in summarised
    assert {site.old for site in analysis.sites["app/jobs.py"]} == {"Job", "run_job"}


def test_a_name_asked_about_is_resolved_as_if_asked_up_front(tmp_path: Path) -> None:
    """`job_limit = limit(...)`: the type of the value is asked, so helpers.py is consulted, and
    the file's answer then rests on it (the cache searches the file again when it changes)."""
    files = dict(FILES, **{"app/jobs.py": (
        "from app.helpers import limit\n"
        "\n\n"
        "def run():\n"
        "    job_limit = limit(3)\n"
        "    return job_limit\n"
    )})
    root = write_project(tmp_path / "project", files)
    workspace = engine.Workspace(root)
    config = config_module.load(root)
    analysis = engine.analyze(root, [root], config)
    job = engine._FindJob(workspace, analysis.index, analysis.vocabulary)
    outcome = engine._find_file(job, root / "app" / "jobs.py")
    assert "app.helpers" in outcome[3]
    assert "app.models" not in outcome[3]


@pytest.fixture
def bases_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    original = thirdparty.class_members

    def recording(name, *args, **kwargs):
        names.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(thirdparty, "class_members", recording)
    return names


def _handler_sites(tmp_path: Path, methods: str) -> list:
    """The sites of a logging handler class (logging.Handler: a third-party base) with `methods`."""
    source = "import logging\n\n\nclass JobHandler(logging.Handler):\n" + methods
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/logs.py": source})
    return engine.analyze(root, [root], config_module.load(root)).sites["app/logs.py"]


def test_a_method_no_site_asks_about_leaves_its_base_class_unread(tmp_path: Path, bases_read: list[str]) -> None:
    sites = _handler_sites(tmp_path, "    def emit(self, record):\n        return record\n")
    assert {site.old for site in sites} == {"JobHandler"}
    assert bases_read == []


def test_the_parameter_of_an_override_asks_and_keeps_its_name(tmp_path: Path, bases_read: list[str]) -> None:
    sites = _handler_sites(tmp_path, (
        "    def emit(self, job_record):\n"
        "        return job_record\n"
        "\n"
        "    def describe(self, job_name):\n"
        "        return job_name\n"
    ))
    actions = {(site.old, site.line): site.action for site in sites}
    # logging.Handler.emit is theirs: its parameter keeps its name; describe() is ours.
    assert actions[("job_record", 5)] == actions[("job_record", 6)] == Action.EXTERNAL
    assert actions[("job_name", 8)] == actions[("job_name", 9)] == Action.RENAME
    assert "logging.Handler" in bases_read
