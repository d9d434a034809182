"""A mock built from a class has one child per name: compat can't make an old method name stand for
the new one there. `migrate` says which of the tests it leaves alone ask such a mock by the old name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LIBRARY = '''\
class Scheduler:
    def remove_job(self, ident):
        pass


class Handle:
    def __init__(self, scheduler: Scheduler, ident):
        self.scheduler = scheduler
        self.ident = ident

    def remove(self):
        return self.scheduler.remove_job(self.ident)
'''

TEST = '''\
from unittest.mock import MagicMock, create_autospec

from app.scheduler import Handle, Scheduler


def test_remove():
    scheduler = MagicMock(Scheduler)
    Handle(scheduler, "a").remove()
    scheduler.remove_job.assert_called_once_with("a")


def test_calls_are_counted():
    scheduler = create_autospec(Scheduler, instance=True)
    Handle(scheduler, "b").remove()
    assert scheduler.remove_job.call_count == 1


def test_an_answer_told_by_the_old_name():
    scheduler = MagicMock()
    scheduler.remove_job.return_value = "removed"
    assert Handle(scheduler, "d").remove() == "removed"


def test_a_real_scheduler_is_fine():
    Handle(Scheduler(), "c").remove()
'''


def project(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "scheduler.py").write_text(LIBRARY)
    (root / "tests" / "test_handle.py").write_text(TEST)
    return root


def test_migrate_names_the_tests_that_ask_a_mock_by_an_old_method_name(tmp_path):
    root = project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--stage", "types", "--stage", "services",
                             "app"], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "notes: 3" in lines, result.stderr
    said = "a mock's 'remove_job' is asked how it was called: compat can't make it stand for 'remove_step', " \
           "so this test needs the new name"
    assert f"  tests/test_handle.py:9:15: {said}" in lines
    assert f"  tests/test_handle.py:15:22: {said}" in lines
    assert f"  tests/test_handle.py:20:15: {said.replace('asked how it was called', 'told what to answer')}" in lines
    # The notes are right: exactly those two tests fail, the real object's old name still works.
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W",
                            "ignore::DeprecationWarning"], cwd=root, capture_output=True, text=True, timeout=120)
    assert "3 failed, 1 passed" in suite.stdout, suite.stdout


def test_no_compat_no_note(tmp_path):
    root = project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--diff", "--no-compat", "--stage", "types",
                             "--stage", "services", "app"], cwd=root, capture_output=True, text=True, timeout=120)
    assert "notes:" not in result.stderr and "a mock's" not in result.stderr
