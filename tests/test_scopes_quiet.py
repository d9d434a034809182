"""The scope pass takes statements that touch no busy line in quietly (their bindings, not
their expressions): it must find exactly what recording every statement whole finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import scopes
from termshift.engine import analyze

from lintkit import write_project

FILES = {
    "app/__init__.py": "",
    "app/models.py": '''\
class JobRecord:
    job_id = 0

    def make(self) -> "JobRecord":
        return self


def build() -> JobRecord:
    return JobRecord()
''',
    "app/use.py": '''\
import contextlib

import redis

from app.models import JobRecord, build

step = "the global one"


def shadows():
    job = 1
    seen = step
    return job


def bound_quietly(items):
    first, *rest = build(), 2
    for index, record in enumerate(items):
        pass
    with contextlib.suppress(ValueError) as guard, open("f") as handle:
        pass
    try:
        pass
    except OSError as error:
        pass
    if (found := build()) is not None:
        pass
    if (client := redis.Redis()) is not None:
        pass
    total = 0
    total += 1
    del total
    annotated: JobRecord = build()
    return first.job_id, record.job_id, found.job_id, annotated.job_id, guard, handle, error, rest, client.job_count


def matched(value):
    match value:
        case JobRecord() as held:
            pass
        case _:
            held = None
    return held.job_id


def flags(job_name, retries):
    return dict(locals())


class Quiet:
    def method(self, a, b=lambda x: x):
        return [a for a in range(3)], b


def far_away():
    built = build()
    for _ in range(3):
        built = built.make()
    return built.job_id
''',
}


def _run(tmp_path: Path) -> tuple[list[tuple], list[tuple]]:
    root = write_project(tmp_path / "project", FILES)
    analysis = analyze(root, [root], config_module.load(root))
    sites = [(path, s.line, s.column, s.old, s.new, s.kind, s.role, s.action, s.note, s.scope)
             for path, found in sorted(analysis.sites.items()) for s in found]
    collisions = [(path, c.old, c.new, c.kind, c.line, c.column, c.where)
                  for path, found in sorted(analysis.collisions.items()) for c in found]
    return sites, collisions


def test_quiet_statements_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = _run(tmp_path / "quiet")
    monkeypatch.setattr(scopes, "touches", lambda lines, node: True)
    whole = _run(tmp_path / "whole")
    assert quiet == whole
    sites, collisions = quiet
    assert any("shadowed" in collision[-1] for collision in collisions), collisions
    use = [site for site in sites if site[0] == "app/use.py"]
    # first, found and annotated: bound by a quiet tuple assignment, walrus, annotation (record: by a
    # loop over anything); client: a third-party object, bound by a walrus
    assert [site[7].value for site in use if site[1] == 34] == [
        "rename", "unresolved", "rename", "rename", "external"]
    assert [site[7].value for site in use if site[1] == 43] == ["rename"]  # held, bound by a match pattern
    assert [site[7].value for site in use if site[1] == 46 and site[3] == "job_name"] == ["external"]  # locals()


def test_most_statements_are_taken_in_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []
    touches = scopes.touches

    def recording(lines, node):
        asked.append(touches(lines, node))
        return asked[-1]

    monkeypatch.setattr(scopes, "touches", recording)
    _run(tmp_path)
    assert asked.count(False) > asked.count(True) > 0
