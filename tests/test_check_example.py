"""`termshift check` on the bundled example project: every category of site,
at exact 1-based positions; clean (exit 0) once migrated; `--fix` does what
`migrate --no-compat` does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lintkit import termshift
from test_example import snapshot

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED = [
    "dispatch/jobs.py:61:7: TSH101 class 'Job' spells the legacy term: rename it to 'Step'",
    "dispatch/api.py:14:12: TSH101 class 'JobService' spells the legacy term: rename it to 'StepService'",
    "dispatch/__init__.py:5:5: TSH102 import of class 'Job' spells the legacy term: import 'Step' instead",
    "dispatch/__init__.py:3:7: TSH103 module path 'job_store' spells the legacy term: the module becomes 'step_store'",
    "dispatch/__init__.py:15:6: TSH104 string names class 'Job', which spells the legacy term: it becomes 'Step'",
    "dispatch/job_store/__init__.py:10:21: TSH201 storage key 'jobs' spells the legacy term: it becomes 'steps' "
    "(migrate the stored data too)",
    "dispatch/api.py:38:21: TSH202 route 'job' spells the legacy term: it becomes 'step'",
    "dispatch/jobs.py:140:28: TSH203 event type 'job' spells the legacy term: it becomes 'step'",
    "dispatch/api.py:28:36: TSH204 payload key 'job' spells the legacy term: it becomes 'step'",
    "dispatch/__init__.py:1:24: TSH301 prose uses the legacy term 'job': say 'step'",
    "dispatch/worker.py:35:42: TSH302 'JOB': an environment variable's name: it belongs to the environment",
    "tests/test_jobs.py:76:23: TSH303 'job_id': can't tell whether this name is the project's; left as it is "
    "(rename by hand if it is)",
    "dispatch/worker.py:49:14: TSH304 'jobless' only contains the term: left as it is",
]
THIRD_PARTY = [  # lines of worker.py that only name taskclock's things
    "dispatch/worker.py:14:",  # from taskclock.job import Job as ClockJob
    "dispatch/worker.py:55:30:",  # self.scheduler.add_job(
    "dispatch/worker.py:67:27:",  # clock_job.job_id over self.scheduler.get_jobs(): taskclock's jobs
]
# The one use that can't be tied keeps the field `job_id` (and the payload key it becomes) everywhere.
KEPT = "'job_id' is kept everywhere: 1 occurrence of the name can't be tied to what is renamed (tests/test_"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "example", tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "example"


def test_check_finds_every_category_at_exact_positions(example):
    result = termshift("check", cwd=example)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    for expected in EXPECTED:
        assert expected in lines
    codes = {line.split()[1] for line in lines}
    assert codes == {"TSH101", "TSH102", "TSH103", "TSH104", "TSH201", "TSH202", "TSH203", "TSH204",
                     "TSH301", "TSH302", "TSH303", "TSH304"}
    for prefix in THIRD_PARTY:
        assert not any(line.startswith(prefix) for line in lines), prefix
    assert not any(" TSH9" in line for line in lines)


def test_after_migrate_check_reports_only_what_migrate_leaves(example):
    migrated = termshift("migrate", "--no-compat", cwd=example)
    assert migrated.stderr.count("refused") == 1 and KEPT in migrated.stderr, migrated.stderr
    result = termshift("check", "--format", "json", cwd=example)
    # What migrate had to keep fails the check, each with the reason: check and migrate agree.
    assert result.returncode == 1, result.stdout[-3000:]
    report = json.loads(result.stdout)
    failing = [finding for finding in report["findings"] if finding["severity"] == "error"]
    assert failing and all(KEPT in finding["message"] and not finding["fixable"] for finding in failing)
    assert {finding["code"] for finding in failing} <= {"TSH101", "TSH102", "TSH104", "TSH204"}
    assert set(report["summary"]["by_rule"]) - {"TSH301", "TSH302", "TSH303", "TSH304"} == {
        finding["code"] for finding in failing}


def test_fix_rewrites_like_migrate_and_reports_what_remains(example, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin)
    termshift("migrate", "--no-compat", cwd=twin / "example")

    fixed = termshift("check", "--fix", cwd=example)
    assert fixed.returncode == 1, fixed.stdout[-3000:] + fixed.stderr  # the kept field is still reported
    assert snapshot(example) == snapshot(twin / "example")
    assert all(KEPT in line for line in fixed.stdout.splitlines() if " TSH101 " in line)
    assert "TSH301" in fixed.stdout


OLD_CLIENT = """\
from dispatch import Job
from dispatch.jobs import JobStatus


def client(http):
    return http.post("/submit-job", json={}), Job, JobStatus
"""


def test_after_migrate_with_compat_old_callers_are_warnings_until_the_date(example):
    migrated = termshift("migrate", cwd=example)
    assert migrated.stderr.count("refused") == 1 and KEPT in migrated.stderr, migrated.stderr
    # Only what migrate had to keep fails the check (the old names compat keeps are warnings).
    failing = [line for line in termshift("check", cwd=example).stdout.splitlines() if " TSH1" in line or " TSH2" in line]
    assert failing and all(KEPT in line for line in failing)

    (example / "scripts").mkdir()
    (example / "scripts" / "old_client.py").write_text(OLD_CLIENT)
    result = termshift("check", "scripts/old_client.py", cwd=example)  # as pre-commit would
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"scripts/old_client.py:{where}: TSH401 {old!r} is a deprecated compat alias, removed at the end of the "
        f"deprecation period: use {new!r}"
        for where, old, new in [("1:22", "Job", "Step"), ("2:15", "jobs", "steps"), ("2:27", "JobStatus", "StepStatus"),
                                ("6:31", "job", "step"), ("6:47", "Job", "Step"), ("6:52", "JobStatus", "StepStatus")]
    ]

    # Past the removal date, every compat piece is one error at its marker.
    import datetime

    from termshift import config as config_module, lint, markers

    later = lint.Options(today=datetime.date.today() + datetime.timedelta(weeks=60))
    expired, _, _ = lint.run(example, [example], config_module.load(example), later)
    found = sorted(f"{f.path}:{f.line}" for f in expired.findings if f.code == "TSH402")
    pieces = sorted(
        f"{path.relative_to(example).as_posix()}:{piece.start_line}"
        for path in example.rglob("*.py") for piece in markers.scan(path.read_text())
    )
    assert found == pieces and len(pieces) >= 5
    assert "dispatch/jobs.py:1" in found
    assert all(f.severity == "error" for f in expired.findings if f.code == "TSH402")
