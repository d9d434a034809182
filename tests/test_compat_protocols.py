"""A protocol's members stay what they are under a compat layer (deprecation.unaliasable).

Classes implement a `typing.Protocol` without inheriting from it: a user's adapter, a test's fake.
A compat alias can only be put on a class, so none reaches them, while the project's calls through
the protocol would ask for the new name. The project's tests, left as they were, pass after
`migrate` with its compat layer; without one, the protocol and its implementers move together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lintkit import write_project

FILES = {
    "app/__init__.py": "",
    "app/ports.py": "from typing import Protocol\n\n\nclass JobSink(Protocol):\n"
                    "    def log_jobs(self, items: list) -> None: ...\n",
    "app/buffer.py": "from app.ports import JobSink\n\n\nclass JobBuffer:\n"
                     "    def __init__(self, sink: JobSink):\n        self.sink = sink\n\n"
                     "    def flush(self, items):\n        self.sink.log_jobs(items)\n        return len(items)\n",
    "tests/test_buffer.py": "from app.buffer import JobBuffer\n\n\nclass FakeSink:\n"
                            "    def __init__(self):\n        self.seen = []\n\n"
                            "    def log_jobs(self, items):\n        self.seen += items\n\n\n"
                            "def test_flush():\n    sink = FakeSink()\n"
                            "    assert JobBuffer(sink).flush([1, 2]) == 2 and sink.seen == [1, 2]\n",
}


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True)


def _suite(root: Path) -> subprocess.CompletedProcess:
    return _run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", "tests")


def test_a_protocols_members_keep_their_names_under_a_compat_layer(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", FILES)
    done = _run(root, "-m", "termshift", "migrate", "app")
    suite = _suite(root)
    assert suite.returncode == 0, suite.stdout
    assert "'log_jobs' is kept: a member of the protocol `JobSink`" in done.stderr, done.stderr
    assert "class StepBuffer:" in (root / "app/buffer.py").read_text()


def test_without_a_compat_layer_a_protocol_and_its_implementers_move_together(tmp_path: Path) -> None:
    root = write_project(tmp_path / "project", FILES)
    done = _run(root, "-m", "termshift", "migrate", "--no-compat", ".")
    assert done.returncode == 0, done.stderr
    assert _suite(root).returncode == 0, _suite(root).stdout
    assert "def log_steps(self, items):" in (root / "tests/test_buffer.py").read_text()
