"""`check` and `migrate` agree, diffs apply with git, and identical runs say identical things."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from termshift.cli import main

from lintkit import PYPROJECT, termshift, write_project


def invoke(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, list(args))


def test_a_module_named_with_the_term_and_nothing_else_fails_check_as_it_fails_migrate_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"app/__init__.py": "", "app/job_helpers.py": "x = 1\n"})
    assert invoke(root, monkeypatch, "migrate", "--check").exit_code == 1
    checked = termshift("check", cwd=root)
    assert checked.returncode == 1
    assert "app/job_helpers.py:1:1: TSH103 module path 'job_helpers'" in checked.stdout
    assert "the module becomes 'step_helpers'" in checked.stdout
    assert termshift("check", "--fix", cwd=root).returncode == 0
    assert (root / "app" / "step_helpers.py").exists()
    assert invoke(root, monkeypatch, "migrate", "--check").exit_code == 0
    assert termshift("check", cwd=root).returncode == 0


def test_an_imported_module_is_reported_where_it_is_imported_only(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/__init__.py": "", "app/job_helpers.py": "x = 1\n",
                                    "app/use.py": "from app.job_helpers import x\n"})
    checked = termshift("check", cwd=root)
    assert "app/use.py:1:10: TSH103" in checked.stdout
    assert "app/job_helpers.py:1:1" not in checked.stdout


ODD_FILES = {
    "app/crlf.py": b"class Job:\r\n    pass\r\n\r\n\r\ndef make_job():\r\n    return Job()\r\n",
    "app/bom.py": b"\xef\xbb\xbfdef run_job():\n    return 1\n",
    "app/latin.py": "# -*- coding: latin-1 -*-\n# café\nJOB_NAME = 'café'  # été\n\n\ndef submit_job():\n"
                    "    return 'é'\n".encode("latin-1"),
    "app/ff.py": b"def a_job():\n    pass\n\x0c\ndef b_job():\n    pass\n",
    "app/nonl.py": b"def c_job():\n    pass",
}


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_diff_of_crlf_bom_latin1_and_form_feed_files_applies_with_git(tmp_path: Path) -> None:
    original = write_project(tmp_path / "original", {"app/__init__.py": ""})
    for relative, data in ODD_FILES.items():
        (original / relative).write_bytes(data)
    migrated = shutil.copytree(original, tmp_path / "migrated")
    diff = subprocess.run([*termshift_command(), "migrate", "--diff"], cwd=original, capture_output=True)
    assert diff.returncode == 0, diff.stderr
    assert termshift("migrate", cwd=migrated).returncode == 0
    (tmp_path / "migrate.patch").write_bytes(diff.stdout)
    assert _git(original, "init", "-q").returncode == 0
    applied = _git(original, "apply", str(tmp_path / "migrate.patch"))
    assert applied.returncode == 0, applied.stderr
    for relative in ODD_FILES:
        assert (original / relative).read_bytes() == (migrated / relative).read_bytes(), relative

    cleaned = shutil.copytree(migrated, tmp_path / "cleaned")
    diff = subprocess.run([*termshift_command(), "cleanup", "--diff"], cwd=migrated, capture_output=True)
    assert termshift("cleanup", cwd=cleaned).returncode == 0
    (tmp_path / "cleanup.patch").write_bytes(diff.stdout)
    assert _git(migrated, "init", "-q").returncode == 0
    applied = _git(migrated, "apply", str(tmp_path / "cleanup.patch"))
    assert applied.returncode == 0, applied.stderr
    for relative in ODD_FILES:
        assert (migrated / relative).read_bytes() == (cleaned / relative).read_bytes(), relative


def termshift_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "termshift"]


def test_check_honours_termshift_today_as_cleanup_does(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/steps.py": "class Step:\n    pass\n\n\n# termshift: compat until 2030-01-01\nJob = Step\n"
                        "# termshift: end compat\n",
    })
    before = termshift("check", "--no-cache", "--select", "TSH402", cwd=root)
    assert before.returncode == 0, before.stdout
    import os

    env = {**os.environ, "TERMSHIFT_TODAY": "2031-01-01"}
    after = subprocess.run([*termshift_command(), "check", "--no-cache", "--select", "TSH402"], cwd=root,
                           capture_output=True, text=True, env=env)
    assert after.returncode == 1, after.stdout
    assert "TSH402" in after.stdout


def test_refusals_come_in_the_same_order_every_run(tmp_path: Path) -> None:
    files = {"app/__init__.py": ""}
    for number in range(6):
        files[f"app/m{number}.py"] = "class Step:\n    pass\n\n\nclass Job:\n    pass\n\n\ndef make_job():\n    return Job()\n"
    root = write_project(tmp_path, files, PYPROJECT)
    outputs = {termshift("migrate", "--diff", "-v", "--workers", "2", "--no-cache", cwd=root).stderr for _ in range(3)}
    assert len(outputs) == 1
    lines = outputs.pop().splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("refused: "))
    refused = list(itertools.takewhile(lambda line: line.startswith("  "), lines[start + 1:]))
    assert len(refused) >= 6 and refused == sorted(refused)


# One project per kind of site, holding nothing else the vocabulary names (module paths have
# their own tests above). Whatever kind it is, `check` fails exactly when `migrate --check`
# does, and after `migrate` both pass.
KIND_PROJECTS = {
    "class": {"app/models.py": "class Job:\n    pass\n"},
    "function": {"app/run.py": "def submit_job():\n    return 1\n"},
    "method": {"app/run.py": "class Queue:\n    def add_job(self):\n        return 1\n"},
    "parameter": {"app/run.py": "def run(job):\n    return job\n"},
    "attribute": {"app/run.py": "class Queue:\n    def __init__(self):\n        self.last_job = 0\n"},
    "variable": {"app/run.py": "def run():\n    job = 1\n    return job\n"},
    "constant": {"app/run.py": "MAX_JOBS = 3\n"},
    "key": {"app/store.py": "import redis\n\n\ndef load(client: redis.Redis, number: int):\n"
                            "    return client.get(f\"job:{number}\")\n"},
    "route": {"app/api.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
                            "@app.route(\"/submit-job\", methods=[\"POST\"])\ndef submit():\n    return \"\"\n"},
    "payload-key": {"app/events.py": "import json\n\n\ndef payload(number: int) -> str:\n"
                                     "    return json.dumps({\"job_id\": number})\n"},
}


@pytest.mark.parametrize("kind", sorted(KIND_PROJECTS))
def test_check_and_migrate_check_agree_on_every_kind_of_site(kind: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"app/__init__.py": "", **KIND_PROJECTS[kind]})
    diff = invoke(root, monkeypatch, "migrate", "--no-compat", "--diff", "--no-cache")
    assert re.search(rf"^{re.escape(kind)}\s+\d+$", diff.output, re.M), diff.output  # the site is of that kind
    assert invoke(root, monkeypatch, "migrate", "--no-compat", "--check", "--no-cache").exit_code == 1
    checked = invoke(root, monkeypatch, "check", "--no-cache")
    assert checked.exit_code == 1, checked.output
    assert invoke(root, monkeypatch, "migrate", "--no-compat", "--no-cache").exit_code == 0
    assert invoke(root, monkeypatch, "migrate", "--no-compat", "--check", "--no-cache").exit_code == 0
    checked = invoke(root, monkeypatch, "check", "--no-cache")
    assert checked.exit_code == 0, checked.output


def test_check_fix_says_why_it_left_a_name_alone(tmp_path: Path) -> None:
    """A plain check reads no text file but Python, so it calls a name fixable that a dotted path in
    a YAML file holds back; the fix reads them all, keeps the name, and says why."""
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": "class Base:\n    def job_count(self):\n        return 1\n",
        "app/user.py": "from app.base import Base\n\n\nclass Child(Base):\n    pass\n",
        "settings.yaml": "handler: app.user.Child.job_count\n",
    })
    fixed = termshift("check", "--fix", cwd=root)
    assert fixed.returncode == 1
    assert "termshift check --fix: 1 name kept everywhere" in fixed.stderr
    assert "app/base.py:2:9: 'job_count' is kept everywhere" in fixed.stderr and "settings.yaml:1:" in fixed.stderr
    assert "job_count" in (root / "app" / "base.py").read_text()
