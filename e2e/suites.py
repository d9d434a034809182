"""Running a project's own test suite, the way the project runs it, and counting the outcome."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

import services
from corpus import Project
from venvs import clean_env, python

SUITE_TIMEOUT = 600  # seconds; a hung suite fails its mode instead of the whole CI run


@dataclass
class Outcome:
    passed: int = 0
    failed: int = 0  # failures and errors (collection errors included)
    skipped: int = 0
    failures: list[str] = field(default_factory=list)  # test ids, for the log
    problem: str | None = None  # the suite couldn't be run or read at all


def command(project: Project, venv: Path, report: Path | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """The project's test command, run from the root of its tree with the venv's Python (`extra`:
    arguments a mode adds, corpus.Project.compat_args)."""
    if project.runner == "pytest":
        line = [str(python(venv)), "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, *project.test_args]
        if report is not None:
            line[6:6] = ["-o", "junit_family=xunit2", f"--junitxml={report}"]
        for exclusion in project.exclusions:
            line += ["--deselect", exclusion.test]
        return line
    if project.exclusions:
        raise ValueError(f"{project.name}: excluding tests is only supported with pytest")
    if project.runner == "django":  # Django's test runner: unittest's, with a test database and settings
        return [str(python(venv)), "-m", "django", "test", *extra, *project.test_args]
    return [str(python(venv)), "-m", "unittest", *extra, *project.test_args]


def run(project: Project, venv: Path, tree: Path, log: Path, extra: tuple[str, ...] = ()) -> Outcome:
    runner = _pytest if project.runner == "pytest" else _unittest
    if "redis" not in project.services:
        return runner(project, venv, tree, log, {}, extra)
    try:
        with services.redis(log) as env:
            return runner(project, venv, tree, log, env, extra)
    except services.ServiceFailure as error:
        return Outcome(problem=str(error))


def _execute(command: list, tree: Path, venv: Path, log: Path, env: dict) -> subprocess.CompletedProcess | None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ (cd {tree} && {' '.join(map(str, command))})\n")
        out.flush()
        try:
            return subprocess.run(command, cwd=tree, env={**clean_env(venv), **env}, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=SUITE_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            out.write(f"\n[timed out after {SUITE_TIMEOUT} s]\n")
            return None


def _pytest(project: Project, venv: Path, tree: Path, log: Path, env: dict, extra: tuple[str, ...]) -> Outcome:
    report = tree / ".e2e-junit.xml"
    report.unlink(missing_ok=True)
    finished = _execute(command(project, venv, report, extra), tree, venv, log, env)
    if finished is None:
        return Outcome(problem=f"the suite timed out after {SUITE_TIMEOUT} s")
    if not report.is_file():
        return Outcome(problem="pytest wrote no report")
    # 0 all passed, 1 some failed; anything else (an internal error, a crash) cut the run short.
    outcome = Outcome(problem=None if finished.returncode in (0, 1) else f"pytest exited {finished.returncode}")
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome.failed += 1
            outcome.failures.append(name)
        elif case.find("skipped") is not None:
            outcome.skipped += 1
        else:
            outcome.passed += 1
    return outcome


_RAN = re.compile(r"^Ran (\d+) tests? in ", re.MULTILINE)
_FAILED_TEST = re.compile(r"^(?:FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \(([^)]+)\)", re.MULTILINE)
_TALLY = re.compile(r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)")


def _unittest(project: Project, venv: Path, tree: Path, log: Path, env: dict, extra: tuple[str, ...]) -> Outcome:
    """unittest's runner, or one that prints its summary (Django's)."""
    start = log.stat().st_size if log.exists() else 0
    finished = _execute(command(project, venv, extra=extra), tree, venv, log, env)
    if finished is None:
        return Outcome(problem=f"the suite timed out after {SUITE_TIMEOUT} s")
    with log.open(encoding="utf-8", errors="replace") as stream:
        stream.seek(start)
        text = stream.read()
    ran = _RAN.findall(text)
    if not ran:
        return Outcome(problem="unittest printed no result")
    total = int(ran[-1])
    final = text[text.rfind("\nRan "):]
    tally = {key: int(value) for key, value in _TALLY.findall(final)}
    failed = tally.get("failures", 0) + tally.get("errors", 0) + tally.get("unexpected successes", 0)
    skipped = tally.get("skipped", 0) + tally.get("expected failures", 0)
    # Python 3.11+ prints the full id in the parentheses; older versions print module.Class.
    failures = [where if where.endswith(name) else f"{where}.{name}" for name, where in _FAILED_TEST.findall(text)]
    problem = None if finished.returncode == 0 or failed else f"unittest exited {finished.returncode}"
    return Outcome(passed=total - failed - skipped, failed=failed, skipped=skipped, failures=failures, problem=problem)
