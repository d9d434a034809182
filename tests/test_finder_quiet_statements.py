"""The identifier pass skips statements that can't mention the term: it must find exactly what
visiting every statement finds, including where the term hides from the source text."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import finder as finder_module
from termshift.engine import analyze

from lintkit import write_project

TRICKY = {
    "app/__init__.py": "",
    "app/models.py": "class JobRecord:\n    job_id = 0\n    hostname = ''\n\n\ndef make_job():\n    pass\n",
    "app/runner.py": '''\
from unittest import mock

from app import models
from app.models import JobRecord

FIELDS = ("job_id", "hostname")


class Runner(JobRecord):
    def __init__(self):
        for field in ("job_id", "hostname"):
            getattr(self, field)
        for field in FIELDS:
            setattr(self, field, None)

    def escaped(self):
        spelled = "\\x6aob_id"
        pieces = ("jo"
                  "b_id")
        joined = f"{'jo' 'b_id'}"
        return spelled, pieces, joined

    def normalised(self):
        \uff4aob_count = 1
        return \uff4aob_count

    def patched(self, name):
        for attribute in ("job_id",):
            with mock.patch.object(models, attribute):
                pass
        return name


@mock.patch("app.models.make_job")
def decorated(patched_make):
    """Nothing here mentions it."""
    return patched_make


def quiet(a, b):
    return a + b
''',
}


def _sites(tmp_path: Path) -> list[tuple]:
    root = write_project(tmp_path / "project", TRICKY)
    analysis = analyze(root, [root], config_module.load(root))
    return [(s.line, s.column, s.old, s.new, s.kind, s.role, s.action, s.note, s.scope)
            for sites in analysis.sites.values() for s in sites]


def test_skipping_quiet_statements_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skipping = _sites(tmp_path / "skipping")
    monkeypatch.setattr(finder_module._SiteVisitor, "_may_mention", lambda self, node: True)
    visiting_all = _sites(tmp_path / "all")
    assert skipping == visiting_all
    assert len(skipping) > 10


def test_quiet_statements_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, bool]] = []
    may_mention = finder_module._SiteVisitor._may_mention

    def recording(self, node):
        answer = may_mention(self, node)
        asked.append((node.lineno, answer))
        return answer

    monkeypatch.setattr(finder_module._SiteVisitor, "_may_mention", recording)
    _sites(tmp_path)
    skipped = {line for line, answer in asked if not answer}
    assert {21, 31, 37, 40} <= skipped  # returns that name nothing of the term, def quiet(a, b)
    # the term in the text, behind an escape, across a concatenation, NFKC-spelled, in a decorator;
    # getattr()/patch.object() of a loop variable over strings
    assert not {9, 10, 11, 12, 14, 16, 17, 18, 20, 23, 24, 25, 27, 28, 29, 34} & skipped
