"""A module's or an object's own namespace, looked up by a key computed at run time, is getattr() by
another name: `globals()[f"handle_{kind}"]`, `getattr(sys.modules[__name__], kind)`, `kind in
globals()`, `self.__dict__.update(data)`. What it may reach is held back; a key spelled whole is the
name it spells, and moves with it."""

from __future__ import annotations

from pathlib import Path

from termshift import config as config_module
from termshift.engine import analyze
from termshift.planning import plan

from lintkit import write_project

HANDLERS = '''\
import sys


def handle_job(x):
    return x


def dispatch(kind, x):
    return globals()[f"handle_{kind}"](x)


def dispatch_by_module(kind, x):
    return getattr(sys.modules[__name__], "handle_" + kind)(x)


def dispatch_or_none(kind, x):
    handler = globals().get("handle_" + kind)
    return handler(x) if handler else None


def known(kind):
    return "handle_" + kind in globals()
'''

RECORD = '''\
class Record:
    job_id = None

    def load(self, data):
        self.__dict__.update(data)

    def has(self, name):
        return name in vars(self)
'''


def _held(analysis, path: str) -> list[tuple[int, str]]:
    return sorted({(site.line, site.old) for site in analysis.sites.get(path, [])
                   if "computed at run time" in site.note})


def _renamed(root: Path) -> set[str]:
    config = config_module.load(root)
    edits = plan(analyze(root, [root], config), config.stages).edits
    return {site.old for path in edits for site in edits[path]}


def test_a_namespace_looked_up_by_a_computed_key_holds_what_it_may_reach(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/handlers.py": HANDLERS, "app/record.py": RECORD,
        # Never spell the term: read for their lookups all the same.
        "app/router.py": "import sys\nimport app.handlers\n\n\ndef route(kind, x):\n"
                         "    return getattr(sys.modules['app.handlers'], 'handle_' + kind)(x)\n",
        "app/checker.py": "from app.record import Record\n\n\ndef has(record: Record, name):\n"
                          "    return name in vars(record)\n",
    })
    analysis = analyze(root, [root], config_module.load(root))
    assert _held(analysis, "app/router.py") == [(6, "handle_job")]
    assert _held(analysis, "app/checker.py") == [(5, "job_id")]
    assert _held(analysis, "app/handlers.py") == [(9, "handle_job"), (13, "handle_job"), (17, "handle_job"),
                                                  (22, "handle_job")]
    assert _held(analysis, "app/record.py") == [(5, "job_id"), (8, "job_id")]
    assert _renamed(root) == set()


def test_a_key_spelled_whole_moves_with_the_name(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/handlers.py": "import sys\n\n\ndef handle_job(x):\n    return x\n\n\n"
                           "def dispatch(x):\n    return globals()['handle_job'](x), "
                           "sys.modules[__name__].handle_job(x), 'handle_job' in globals()\n",
    })
    assert _renamed(root) == {"handle_job"}


def test_a_function_reading_its_own_locals_keeps_every_name_it_binds(tmp_path: Path) -> None:
    """`"{job_count} done".format(**locals())`: its local names are the dict's keys, data that a
    rename of the variable would leave behind. Its parameters were data already."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/report.py": "def report(n):\n    job_count = n\n    for job_left in range(n):\n        pass\n"
                         "    return '{job_count} done, {job_left} left'.format(**locals())\n\n\n"
                         "def report_old(job_name, n):\n    job_total = n\n    return '%(job_name)s: %(job_total)s' % vars()\n\n\n"
                         "def plain(n):\n    job_sum = n\n    return f'{job_sum} done'\n",
    })
    assert _renamed(root) == {"job_sum"}


def test_an_enumeration_s_member_looked_up_by_a_name_from_data_keeps_its_name(tmp_path: Path) -> None:
    """`State[row["state"]]`: the member's name is stored data (SQLAlchemy's Enum column stores names
    too). Spelled whole (`State["JOB_RUNNING"]`), it is the name, and moves with it."""
    state = ("import enum\n\n\nclass State(enum.Enum):\n    JOB_RUNNING = 'running'\n    IDLE = 'idle'\n\n\n"
             "def load(job_row):\n    return {}\n")
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/state.py": state,
        "app/store.py": "from app.state import State\n\n\ndef read(row, job_id):\n"
                        "    return State[row['state']], State.__members__.get(row['old']), job_id\n",
    })
    analysis = analyze(root, [root], config_module.load(root))
    assert _held(analysis, "app/store.py") == [(5, "JOB_RUNNING")]
    assert _renamed(root) == {"job_row", "job_id"}

    (root / "app/store.py").write_text("from app.state import State\n\n\ndef read(job_id):\n"
                                       "    return State['JOB_RUNNING'], job_id\n")
    assert _renamed(root) == {"job_row", "job_id", "JOB_RUNNING"}
