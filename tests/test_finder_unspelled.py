"""A file searched though it never spells the term (it looks members up by names computed at run
time) skips what only a spelled name can need: the collision check, the lines where a new name
might be used, the comments, the parameters a route or parametrize string names, the questions
asked for an owner's sake, and the members of its own classes. It must find exactly what the
whole search finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import finder as finder_module
from termshift.engine import analyze

from lintkit import write_project

PROJECT = {
    "app/__init__.py": "",
    "app/filters.py": "def regex_job(spec):\n    return spec\n\n\ndef job_status(spec):\n    return spec\n",
    "app/models.py": "class Record:\n    job_id = 0\n    job = 1\n    step = 2\n\n    def rerun_job(self):\n        pass\n",
    # Never spells the term: searched for its computed lookups, with a name a rename would make
    # (step), a walrus, comments and an escape that spells it in a string's value.
    "app/build.py": '''\
from app import filters
from app.models import Record

# build each filter by its kind
step = 0


def build(items, record: Record):
    out = []
    for item in items:  # each item names one filter
        (kind, spec), = item.items()
        out.append(getattr(filters, kind.replace("-", "_"))(spec))
        if (found := getattr(record, "_" + kind)) is not None:
            out.append(found)
    step = len(out)
    return out, step, "\\x6aob"


class Builder:
    """A class of this file's own: none of its members a rename would change."""

    def __init__(self, record: Record):
        self.record = record

    @staticmethod
    def route(path):
        return lambda handler: handler

    @route("/items/{step_id}")
    def run(self, kind, step_id):
        return getattr(self, kind)(), getattr(self.record, kind), step_id
''',
    # A class of this file's own, which inherits members that spell the term: its lookups reach them.
    "app/sub.py": "from app.models import Record\n\n\nclass Sub(Record):\n    def pick(self, kind):\n"
                  "        return getattr(self, kind)\n\n\ndef take(sub: Sub, kind):\n    return getattr(sub, kind)\n",
    # Sets members by names from data (no getattr): they may be the inherited ones that spell the term.
    "app/setter.py": "from app.models import Record\n\n\nclass Setter(Record):\n    def update(self, **values):\n"
                     "        for key, value in values.items():\n            setattr(self, key, value)\n",
    # Reads members through the object's own namespace, by names from data.
    "app/namespace.py": "from app.models import Record\n\n\ndef read(record: Record, kind):\n"
                        "    return vars(record)[kind], record.__dict__.get(kind), [vars(record)[n] for n in vars(record)]\n",
    # Outside ASCII, but no name of it spells the term in its NFKC form either.
    "app/accents.py": "from app import filters\n\n\ndef choisir(genre):\n    caf\u00e9 = getattr(filters, genre)\n"
                      "    return caf\u00e9  # \u00e0 la carte\n",
    # Never spells the term, and looks nothing up: read only when a resolution leads into it.
    "app/plain.py": "class Plain:\n    record = None\n",
    # Never spells the term in ASCII, but NFKC does: a name in the tree is not the text's.
    "app/wide.py": "from app import filters\n\n\ndef pick(kind):\n    \uff4aob_count = 1\n"
                   "    return getattr(filters, kind), \uff4aob_count\n",
}


def _answer(tmp_path: Path) -> tuple[list[tuple], list[tuple]]:
    root = write_project(tmp_path / "project", PROJECT)
    analysis = analyze(root, [root], config_module.load(root))
    sites = [(path, s.line, s.column, s.old, s.new, s.kind, s.role, s.action, s.note, s.scope)
             for path, sites in sorted(analysis.sites.items()) for s in sites]
    collisions = [(path, c.old, c.new, c.line, c.column, c.where)
                  for path, found in sorted(analysis.collisions.items()) for c in found]
    return sites, collisions


def test_a_file_that_never_spells_the_term_finds_what_the_whole_search_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spelled: dict[str, bool] = {}
    search = finder_module.Finder.search

    def recording(self, **options):
        spelled[self.path] = self.spells_term
        return search(self, **options)

    monkeypatch.setattr(finder_module.Finder, "search", recording)
    shortcut = _answer(tmp_path / "shortcut")
    assert spelled["app/build.py"] is False and spelled["app/wide.py"] is True and spelled["app/models.py"] is True
    assert spelled["app/accents.py"] is False and spelled["app/sub.py"] is False

    monkeypatch.setattr(finder_module.Finder, "spells_term", property(lambda self: True))
    whole = _answer(tmp_path / "whole")
    assert shortcut == whole
    assert [path for path, *_ in shortcut[1]] == ["app/models.py"]  # job -> step, bound already
    held = {(path, old) for path, _, _, old, *_ in shortcut[0]}
    assert {("app/build.py", "regex_job"), ("app/build.py", "job_status"), ("app/wide.py", "job_count"),
            ("app/accents.py", "regex_job")} <= held
    inherited = {(line, old) for path, line, _, old, *_ in shortcut[0] if path == "app/sub.py"}
    assert inherited == {(line, old) for line in (6, 10) for old in ("job_id", "job", "rerun_job")}
    assert {old for path, _, _, old, *_ in shortcut[0] if path == "app/setter.py"} == {"job_id", "job", "rerun_job"}
    through_namespace = {(line, column, old) for path, line, column, old, *_ in shortcut[0] if path == "app/namespace.py"}
    assert through_namespace == {(5, column, old) for column in (11, 31) for old in ("job_id", "job", "rerun_job")}


def test_a_file_read_only_for_its_computed_lookups_counts_for_the_facts_as_any_file_that_never_spells_the_term(
        tmp_path: Path) -> None:
    """Its definitions are not project-wide facts up front (those come from the files that spell
    the term), and its lookups are still searched: the members it may reach are held back."""
    root = write_project(tmp_path / "project", PROJECT)
    analysis = analyze(root, [root], config_module.load(root))
    up_front = {fact.name for fact in analysis.index.facts}
    assert {"app.filters", "app.models"} <= up_front
    assert "app.build" not in up_front and "app.plain" not in up_front
    held = {(site.old, site.line) for site in analysis.sites["app/build.py"]}
    assert {("job_id", 31), ("job", 31), ("rerun_job", 31)} <= held  # getattr(self.record, kind)
    assert {line for _, line in held} == {12, 31}  # getattr(self, kind): nothing
