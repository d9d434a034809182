"""What a long `migrate` prints: a summary that fits a screen, the headline and the exit reason
last, the full lists where --report puts them, -q and -v, and a diff coloured only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import termshift, write_project


def generated(root: Path, count: int) -> Path:
    """`count` modules, each with a class, a storage key, an event type and a use no analysis can tie."""
    files = {"app/__init__.py": "", "app/store.py": (
        "class Store:\n    def __init__(self, client):\n        self.client = client\n")}
    for number in range(count):
        files[f"app/m{number:04d}.py"] = (
            "from app.store import Store\n\n\n"
            f"class Job{number}:\n    kind = \"job{number}_done\"\n\n"
            "    def __init__(self, job_name):\n        self.job_name = job_name\n\n\n"
            f"def submit_job{number}(store: Store, job_name):\n"
            f"    store.client.set(\"jobs:pending:{number}\", job_name)\n\n\n"
            "def peek(thing):\n    return thing.job_name\n")
    return write_project(root, files)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    project = generated(tmp_path_factory.mktemp("big") / "project", 2000)
    ran = termshift("migrate", "--check", "--no-cache", "--report", "report.json", ".", cwd=project, timeout=900)
    return project, ran


def test_the_summary_of_a_2000_file_run_fits_a_screen(big):
    project, ran = big
    assert ran.returncode == 1
    lines = ran.stderr.splitlines()
    assert len(lines) < 60, ran.stderr
    assert lines[-2] == "termshift migrate: 2000 files would change, 1 compat shim module to add, 4000 literals on the wire"
    assert lines[-1] == "exit 1: 1 name kept everywhere, 2000 uses unresolved (each is listed above)"
    assert any(line.startswith("by stage: types 2000, services ") and line.endswith(", keys 2000, webhooks 2000")
               for line in lines)
    assert any(line.startswith("on the wire: 4000 literals would change (2000 key, 2000 event)") for line in lines)
    assert "  … and 1997 more (all of them are in report.json)" in lines


def test_the_report_holds_every_list_in_full(big):
    project, _ = big
    report = json.loads((project / "report.json").read_text())
    assert len(report["wire_changes"]) == 4000
    assert len(report["unresolved"]) == 2000
    assert report["refused"][0]["name"] == "job_name"
    assert report["unresolved"][0] == {"path": "app/m0000.py", "line": 16, "column": 18, "name": "job_name",
                                       "note": report["unresolved"][0]["note"]}


def test_quiet_and_verbose(tmp_path):
    project = generated(tmp_path / "project", 12)
    quiet = termshift("migrate", "--check", "-q", ".", cwd=project)
    assert quiet.stderr.splitlines() == [
        "termshift migrate: 12 files would change, 1 compat shim module to add, 24 literals on the wire",
        "exit 1: 1 name kept everywhere, 12 uses unresolved (each is listed above)"]
    verbose = termshift("migrate", "--check", "-v", ".", cwd=project)
    assert sum(line.startswith("  app/m") and "'job_name': can't tell" in line
               for line in verbose.stderr.splitlines()) == 12
    assert "more (" not in verbose.stderr
    both = termshift("migrate", "-q", "-v", ".", cwd=project)
    assert both.returncode == 2 and "contradict" in both.stderr


def test_check_says_why_it_exits_1_last(tmp_path):
    project = write_project(tmp_path / "project", {"app/__init__.py": "", "app/a.py": "class Job:\n    pass\n"})
    ran = termshift("migrate", "--check", ".", cwd=project)
    assert ran.returncode == 1
    assert ran.stderr.splitlines()[-1] == "exit 1: files would change (--check)"


def _on_a_terminal(args: list[str], cwd: Path, env: dict) -> bytes:
    """stdout (and stderr) on a pseudo-terminal, as a person running the command sees it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "termshift", *args], cwd=cwd, env=env, stdout=follower,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=120)
    os.close(leader)
    return out


def test_diff_is_coloured_on_a_terminal_only(tmp_path):
    project = write_project(tmp_path / "project", {"app/__init__.py": "", "app/a.py": "class Job:\n    pass\n"})
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm"
    shown = _on_a_terminal(["migrate", "--diff", "."], project, env)
    assert b"\x1b[31m-class Job:\x1b[m" in shown and b"\x1b[32m+class Step:\x1b[m" in shown
    assert b"\x1b[1mdiff --git a/app/a.py b/app/a.py\x1b[m" in shown
    plain = _on_a_terminal(["migrate", "--diff", "."], project, {**env, "NO_COLOR": "1"})
    assert b"\x1b[" not in plain and b"-class Job:" in plain
    piped = termshift("migrate", "--diff", ".", cwd=project)
    assert "\x1b[" not in piped.stdout and "+class Step:" in piped.stdout


def test_the_exit_line_counts_the_names_the_list_shows(tmp_path):
    """A collision and two names held by uses no analysis can tie: three refusals listed, three in
    the exit line (it once counted the collisions alone)."""
    project = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/a.py": ("class Job:\n    pass\n\n\nclass Step:\n    pass\n\n\n"
                     "def job_key():\n    return 'x'\n\n\ndef run(job_name):\n    return job_name\n"),
        "app/b.py": ("def use(thing):\n    return thing.job_key()\n\n\n"
                     "def call(kw):\n    from app.a import run\n    return run(**{kw: 1})\n")})
    ran = termshift("migrate", "--check", ".", cwd=project)
    lines = ran.stderr.splitlines()
    assert "refused: 3 names kept everywhere" in lines
    assert lines[-1] == "exit 1: 3 names kept everywhere, 2 uses unresolved (each is listed above)"


def test_the_summary_tells_names_kept_in_their_function_from_those_kept_everywhere(tmp_path):
    """A local function handed to a registry keyed by `__name__` keeps its name in its function
    alone: counted apart from the names kept everywhere."""
    project = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/a.py": "class Job:\n    pass\n\n\nclass Step:\n    pass\n",
        "app/b.py": ("REG = {}\n\n\ndef register(f):\n    REG[f.__name__] = f\n    return f\n\n\n"
                     "def setup():\n    def on_job():\n        return 1\n\n    register(on_job)\n"),
    })
    lines = termshift("migrate", "--check", ".", cwd=project).stderr.splitlines()
    assert "refused: 2 names kept (1 everywhere, 1 in its function)" in lines
    assert "  app/b.py:10:9: 'on_job' is kept in its function: 1 occurrence of the name can't be tied to what is " \
           "renamed (app/b.py:13:14)" in lines
    assert lines[-1] == "exit 1: 2 names kept (1 everywhere, 1 in its function), 1 use unresolved (each is listed above)"
