"""A constructor's parameters that a third party's base reads by name (base_readers.reads_constructor).

monty's `MSONable.as_dict` writes one key per `__init__` parameter, read from the attribute named
after it (or with one leading underscore), and `from_dict` calls `cls(**stored)`: the names are
the stored data's keys. The stand-in below does the same; the project's own test loads a record
stored before the migration, and passes after it as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lintkit import write_project

SITE = ".venv/lib/python3.11/site-packages"
SERIAL = '''\
import inspect


def _spec(cls):
    return inspect.getfullargspec(cls.__init__)


class Serializable:
    def as_dict(self):
        stored = {"@class": type(self).__name__}
        for name in _spec(type(self)).args[1:]:
            stored[name] = getattr(self, name) if hasattr(self, name) else getattr(self, "_" + name)
        return stored

    @classmethod
    def from_dict(cls, stored):
        return cls(**{key: value for key, value in stored.items() if not key.startswith("@")})
'''
PLAIN = "class Serializable:\n    pass\n"
RECORDS = '''\
from serial import Serializable


class JobRecord(Serializable):
    def __init__(self, job_id, jobs=()):
        self.job_id = job_id
        self._jobs: list = list(jobs)

    def count_jobs(self):
        return len(self._jobs)


def load_job(stored) -> JobRecord:
    return JobRecord.from_dict(stored)
'''
TEST = '''\
import json
from pathlib import Path

from app.records import load_job


def test_a_record_stored_before_loads_and_saves_the_same():
    stored = json.loads((Path(__file__).parent / "stored.json").read_text())
    record = load_job(stored)
    assert record.count_jobs() == 2
    assert record.as_dict() == stored
'''


def _project(root: Path, serial: str) -> Path:
    return write_project(root, {
        "app/__init__.py": "", "app/records.py": RECORDS, "tests/test_records.py": TEST,
        "tests/stored.json": '{"@class": "JobRecord", "job_id": 7, "jobs": [1, 2]}\n',
        ".venv/pyvenv.cfg": "home = /usr/bin\n", f"{SITE}/serial/__init__.py": serial})


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root / SITE), "PATH": "/usr/bin:/bin"})


def test_a_constructor_its_base_serialises_by_name_keeps_its_parameters(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", SERIAL)
    suite = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert _run(root, *suite).returncode == 0
    done = _run(root, "-m", "termshift", "migrate", "--no-compat", ".")
    assert "`serial.Serializable` reads the constructor by its parameters' names" in done.stderr, done.stderr
    after = _run(root, *suite)
    assert after.returncode == 0, after.stdout
    records = (root / "app/records.py").read_text()
    assert "def __init__(self, job_id, jobs=()):" in records and "self._jobs: list" in records
    assert "def count_steps(self):" in records and "def load_step(stored) -> JobRecord:" in records


def test_a_base_that_reads_no_constructor_leaves_its_parameters_free(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", PLAIN)
    _run(root, "-m", "termshift", "migrate", "--no-compat", ".")
    records = (root / "app/records.py").read_text()
    # `job_id` is held by the stored record's key, which spells it: as any name the data spells.
    assert "def __init__(self, job_id, steps=()):" in records and "self._steps: list" in records
