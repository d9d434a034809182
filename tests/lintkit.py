"""Helpers for the lint tests: write a small project, check it in-process or through the CLI."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Mapping

from termshift import config as config_module
from termshift import lint

# A Python that doesn't put the working folder first on sys.path (-P, 3.11+), so a project
# under test can never shadow a module termshift imports.
PYTHON = [sys.executable, *(["-P"] if sys.version_info >= (3, 11) else [])]

PYPROJECT = '[project]\nname = "sample"\nversion = "0"\n'

# A project to read at a glance: a class, a method and a keyword that spell the term, and a caller.
JOB_APP = {
    "app/__init__.py": "",
    "app/jobs.py": "class Job:\n    def submit_job(self, job_id):\n        return job_id\n",
    "app/api.py": "from app.jobs import Job\n\ndef make_job():\n    return Job().submit_job(job_id=1)\n",
}


def write_project(root: Path, files: Mapping[str, str], pyproject: str = PYPROJECT) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def check(root: Path, *, today: datetime.date | None = None, **options) -> lint.Result:
    config = config_module.load(root)
    chosen = lint.Options(**options)
    if today is not None:
        chosen.today = today
    result, _, _ = lint.run(root, [root], config, chosen)
    return result


def locations(result: lint.Result, code: str) -> list[str]:
    return [f"{f.path}:{f.line}:{f.column}" for f in result.findings if f.code == code]


def termshift(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termshift", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def run_driver(root: Path, driver: str) -> str:
    """What `python -c driver` prints in `root`, errors too: the outside world, feeding names in as data."""
    done = subprocess.run([sys.executable, "-c", driver], cwd=root, capture_output=True, text=True)
    return done.stdout + done.stderr


def migrated_alike(root: Path, files: Mapping[str, str], driver: str, reasons: tuple[str, ...]) -> None:
    """A project (`app/`, with `files`) whose driver prints the same after `migrate --no-compat`,
    which holds a name back (exit 1) for one of `reasons`."""
    write_project(root, {"app/__init__.py": "", **files})
    before = run_driver(root, driver)
    assert "Traceback" not in before and "Error" not in before, before
    done = termshift("migrate", "--no-compat", ".", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr  # 1: a name is held, and says so
    assert any(reason in done.stderr for reason in reasons), done.stderr
    assert run_driver(root, driver) == before
