"""A class's private names (`self.__handle` in `BaseJob`) are `_BaseJob__handle` to everything
outside the class body, a subclass included: the class's name is part of them. Renaming the class
renames them too, so a use spelled that way moves with it, or the class keeps its name. Each
project's own test passes after `migrate --no-compat`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lintkit import write_project

BASE = (
    "class BaseJob:\n"
    "    def __init__(self, handle):\n"
    "        self.__handle = handle\n"
    "        self.__jobs = [1]\n\n"
    "    def __count_jobs(self):\n"
    "        return len(self.__jobs)\n"
)
# A subclass reaches its base's privates by the names Python gives them outside the base.
SUB = (
    "from pkg.base import BaseJob\n\n\n"
    "class Job(BaseJob):\n"
    "    def run(self):\n"
    "        return self._BaseJob__handle(), self._BaseJob__count_jobs(), len(self._BaseJob__jobs)\n"
)
TEST = (
    "from pkg.sub import Job\n\n\n"
    "def test_run():\n"
    "    assert Job(lambda: 3).run() == (3, 1, 1)\n"
)


def _project(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    return write_project(tmp_path / "project", {
        "pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/sub.py": SUB, "tests/test_run.py": TEST, **(extra or {})})


def _migrate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)


def _tests_pass(root: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_private_name_spelled_outside_its_class_moves_with_the_class(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _tests_pass(root)
    done = _migrate(root)
    assert done.returncode == 0, done.stderr
    _tests_pass(root)
    assert "class BaseStep:" in (root / "pkg/base.py").read_text()
    sub = (root / "pkg/sub.py").read_text()
    assert "self._BaseStep__handle(), self._BaseStep__count_steps(), len(self._BaseStep__steps)" in sub, sub


def test_a_private_name_that_cant_be_tied_keeps_its_class_and_itself(tmp_path: Path) -> None:
    """`obj._BaseJob__handle` on an object of any type, `getattr(obj, "_BaseJob__jobs")`: kept, so
    are `BaseJob` and `__jobs`; what they don't make up moves."""
    root = _project(tmp_path, {
        "pkg/peek.py": "def peek(obj):\n    return obj._BaseJob__handle()\n\n\n"
                       "def jobs_of(obj):\n    return getattr(obj, '_BaseJob__jobs')\n",
        "tests/test_peek.py": "from pkg.peek import jobs_of, peek\nfrom pkg.sub import Job\n\n\n"
                              "def test_peek():\n    job = Job(lambda: 4)\n"
                              "    assert (peek(job), jobs_of(job)) == (4, [1])\n",
    })
    _tests_pass(root)
    done = _migrate(root)
    assert done.returncode == 1 and "'BaseJob' is kept everywhere" in done.stderr, done.stderr
    assert "'__jobs' is kept everywhere" in done.stderr, done.stderr
    _tests_pass(root)
    assert "class Step(BaseJob):" in (root / "pkg/sub.py").read_text()


def test_a_class_kept_by_its_configuration_keeps_the_private_names_spelled_with_it(tmp_path: Path) -> None:
    root = _project(tmp_path, {"pyproject.toml": "[tool.termshift]\nkeep = [\"BaseJob\"]\n"})
    done = _migrate(root)
    assert done.returncode in (0, 1), done.stderr
    _tests_pass(root)
    assert "class Step(BaseJob):" in (root / "pkg/sub.py").read_text()
