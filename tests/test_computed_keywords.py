"""A call's keywords spread from a mapping whose keys come from data (`Record(**row)`, `cls(**data)`,
`dataclasses.replace(record, **{field: value})`) may name any keyword the callable takes: each one a
rename would change is held back, as a member looked up by a computed name is. So is a member named
to `operator.attrgetter()`. A mapping whose keys the code spells, that carries the caller's own
**kwargs on, or that holds the callee's own names, names nothing unseen.

A file that never spells the term is read for its spreads only when it spells the name of a
callable that takes such a keyword (Index.keyword_takers), as a file that does is asked only about
calls written with those names (or bound where they are called)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from termshift import config as config_module
from termshift import prefilter
from termshift.cache import Cache
from termshift.engine import analyze
from termshift.planning import plan

from lintkit import write_project

RECORDS = '''\
import dataclasses
import json
import operator
from dataclasses import asdict, dataclass


@dataclass
class Record:
    job_id: str = ""
    attempts: int = 0

    @classmethod
    def from_dict(cls, data):
        return cls(**data)


@dataclass
class Other:
    job_id: str = ""


def start(job_name, attempts=0):
    return job_name, attempts


def make(**kwargs):
    return Record(**kwargs)


def held(record: Record, field, value, line, other: Other):
    return (dataclasses.replace(record, **{field: value}),
            operator.attrgetter(field)(record),
            start(**json.loads(line)),
            Record(**vars(other)),
            make(
                **json.loads(line)))


def seen(record: Record, other: Record, **options):
    return (Record(**{"attempts": 1}),
            Record(**dict(attempts=2)),
            Record(**asdict(other)),
            Record(**record.__dict__),
            make(**options),
            start(**locals()))
'''


def _held(analysis, path: str) -> list[tuple[int, str]]:
    return sorted({(site.line, site.old) for site in analysis.sites.get(path, [])
                   if "computed at run time" in site.note})


def _renamed(analysis, config) -> set[str]:
    edits = plan(analysis, config.stages).edits
    return {site.old for path in edits for site in edits[path]}


def test_a_mapping_spread_from_data_holds_the_callee_s_keywords_back(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/records.py": RECORDS})
    config = config_module.load(root)
    analysis = analyze(root, [root], config)
    assert _held(analysis, "app/records.py") == [
        (14, "job_id"),  # cls(**data)
        (31, "job_id"),  # dataclasses.replace(record, **{field: value})
        (32, "job_id"),  # operator.attrgetter(field)(record)
        (33, "job_name"),  # start(**json.loads(line))
        (34, "job_id"),  # Record(**vars(other)): another class's names
        (35, "job_id"),  # make(**…): its **kwargs go on to Record
    ]
    assert _renamed(analysis, config) == set()


def test_keys_the_code_spells_hold_nothing_back(tmp_path: Path) -> None:
    """The same calls, the mappings' keys all seen: the fields and parameters are renamed."""
    text = RECORDS[:RECORDS.index("def held(")] + RECORDS[RECORDS.index("def seen("):]
    text = text.replace("        return cls(**data)\n", "        return cls(**{'attempts': data})\n")
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/records.py": text})
    config = config_module.load(root)
    analysis = analyze(root, [root], config)
    assert _held(analysis, "app/records.py") == []
    assert _renamed(analysis, config) == {"job_id", "job_name"}


PROJECT = {
    "app/__init__.py": "",
    "app/records.py": RECORDS[:RECORDS.index("def held(")],
    # Never spell the term. Reads stored rows into records: searched, and holds the fields back.
    "app/store.py": "import json\n\nfrom app.records import Record\n\n\ndef load(text):\n"
                    "    return [Record(**row) for row in json.loads(text)]\n",
    # Through a function whose **kwargs go on to Record.
    "app/maker.py": "from app import records\n\n\ndef load(row):\n    return records.make(**row)\n",
    # Under another name: asked by the name it is imported by.
    "app/alias.py": "from app.records import Record as Stored\n\n\ndef load(row):\n    return Stored(**row)\n",
    # A subclass defined in a module that spells the term (by a name that is no field): counted by its base.
    "app/leaf.py": "from app.records import Record\n\n\nclass Leaf(Record):\n    job_note = ''\n",
    "app/use_leaf.py": "from app.leaf import Leaf\n\n\ndef load(row):\n    return Leaf(**row)\n",
    # A subclass, defined here: `cls(**row)` reaches the fields it inherits.
    "app/sub.py": "from app.records import Record\n\n\nclass Sub(Record):\n    @classmethod\n"
                  "    def load(cls, row):\n        return cls(**row)\n",
    # Spreads into callables that take no keyword spelling the term: never parsed (its syntax
    # error is not reported), as no file that never spells the term is.
    "app/unrelated.py": "import json\n\n\ndef f(**kw):\n    return kw\n\n\ndef g(row):\n"
                        "    return f(**json.loads(row)), dict(**row)\n\ndef broken(:\n",
    # The same outside ASCII, where no name spells the term in its NFKC form either.
    "app/caf\u00e9.py": "def f(**kw):\n    return kw\n\n\ndef g(row):  # \u00e0 la carte\n    return f(**row)\n\ndef broken(:\n",
}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_never_spells_the_term_is_searched_for_its_spreads_when_they_may_reach_one(
        tmp_path: Path, workers: int) -> None:
    root = write_project(tmp_path / "project", PROJECT)
    analysis = analyze(root, [root], config_module.load(root), workers=workers)
    assert _held(analysis, "app/store.py") == [(7, "job_id")]
    assert _held(analysis, "app/maker.py") == [(5, "job_id")]
    assert _held(analysis, "app/sub.py") == [(7, "job_id")]
    assert _held(analysis, "app/use_leaf.py") == [(5, "job_id")]
    assert _held(analysis, "app/alias.py") == [(5, "job_id")]
    for path in ("app/unrelated.py", "app/caf\u00e9.py"):
        assert analysis.sites.get(path, []) == [] and path not in analysis.sources
    assert not analysis.problems


def test_a_cached_run_finds_the_same(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", PROJECT)
    config = config_module.load(root)
    first = analyze(root, [root], config, cache=Cache(root))
    again = analyze(root, [root], config, cache=Cache(root))
    assert {path: sorted(sites) for path, sites in again.sites.items()} == \
        {path: sorted(sites) for path, sites in first.sites.items()}
    assert _held(again, "app/store.py") == [(7, "job_id")]


@pytest.mark.parametrize(("text", "spreads"), [
    ("Record(**row)\n", True),
    ("f(a, **json.loads(line))\n", True),
    ("make(\n    x,\n    **options,\n)\n", True),
    ("f(** {'a': 1})\n", True),
    ("def f(self, **kwargs):\n    pass\n", False),
    ("async def f(*args, **kwargs) -> None:\n    pass\n", False),
    ("handler = lambda **kwargs: kwargs\n", False),
    ("square = x ** 2\n", False),
    ("merged = {**defaults}\n", False),
    ("power = (x) ** (y)\n", False),
])
def test_the_pre_filter_tells_a_call_s_spread_mapping(text: str, spreads: bool) -> None:
    assert prefilter.spreads(text.encode()) is spreads


def test_a_member_typed_through_itself_is_typed_once(tmp_path: Path) -> None:
    """`self.pubsub = self.connection.pubsub()`: asking what `worker.pubsub` is, on a receiver of
    unknown type, asks the member by its name alone, whose type is written through itself."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/worker.py": "import json\n\n\nclass Worker:\n    def start(self):\n"
                         "        self.pubsub = self.connection.pubsub()\n\n\n"
                         "def listen(worker, line, job_id):\n    return worker.pubsub(**json.loads(line)), job_id\n",
    })
    analysis = analyze(root, [root], config_module.load(root))
    assert not analysis.problems
    assert [site.old for site in analysis.sites["app/worker.py"]] == ["job_id", "job_id"]


def test_the_keywords_held_at_a_spread_come_in_the_same_order_every_run(tmp_path: Path) -> None:
    """The keys a `**kwargs` reads are a set in the summary: the holds made of them at one position
    must not come in the order of the strings' hashes, which changes from process to process."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/model.py": "class Record:\n    def __init__(self, **options):\n"
                        + "".join(f"        self.job_{key} = options.get('job_{key}')\n" for key in "abcdefgh")
                        + "\n\ndef load(row):\n    return Record(**row)\n",
    })
    reports = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run([sys.executable, "-m", "termshift", "check", "--no-cache", "--format", "json", "."],
                              cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        reports.add(done.stdout)
    assert len(reports) == 1
