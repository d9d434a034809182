"""A `str.format` template's replacement fields look attributes up by the names they spell:
`"{0.job_id}".format(record)`, `"{job_id}".format_map(vars(record))`, `"%(job_id)s" %
record.__dict__`. Each moves with the attribute it names, or holds it back on a value of unknown
type; the migrated code formats the same text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from termshift import config as config_module
from termshift.engine import analyze

from lintkit import write_project

MODULE = '''\
from dataclasses import dataclass


@dataclass
class Record:
    job_id: str = ""
    job_size: int = 0


def show(record: Record):
    return ("{0.job_id}".format(record), "{r.job_size}".format(r=record),
            "{job_id}".format_map(vars(record)), "%(job_size)s" % record.__dict__,
            "{0.job_id!r:>6} {{job_id}}".format(record), "{record.job_size}".format(**vars()),
            "{} {.job_id}".format(1, record))
'''
RUN = "from app.m import Record, show; print(show(Record('a', 2)))"


def _run(root: Path) -> str:
    done = subprocess.run([sys.executable, "-c", RUN], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_replacement_fields_move_with_the_attributes_they_name(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/m.py": MODULE})
    before = _run(root)
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (root / "app/m.py").read_text()
    assert "job_id" not in text.replace("{{job_id}}", "") and "job_size" not in text
    assert _run(root) == before


def test_a_field_on_a_value_of_unknown_type_holds_the_attribute_back(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/m.py": MODULE + "\n\ndef describe(thing):\n    return '{0.job_size}'.format(thing)\n",
    })
    analysis = analyze(root, [root], config_module.load(root))
    held = [(site.line, site.old) for site in analysis.sites["app/m.py"] if site.action.name == "UNRESOLVED"]
    assert held == [(18, "job_size")]
