"""The lint and the compat layer: compat code is not a finding, its callers are
warnings (TSH401), and compat past its removal date is an error (TSH402)."""

from __future__ import annotations

import datetime

from lintkit import check, locations, write_project

TODAY = datetime.date(2026, 6, 1)

MODELS = """\
class Step:
    pass


def submit_step(step_id):
    return step_id


# termshift: compat until {block}
Job = Step


def submit_job(job_id):
    return submit_step(job_id)
# termshift: end compat
JOB_LIMIT = 3  # termshift: compat until {line}
"""

SHIM = """\
# termshift: compat module until {module}
from app.models import Step as Job, submit_step as submit_job
"""

CALLER = """\
from app.models import Job, Step, submit_job


def run():
    return submit_job(Job()), Step()
"""


def project(tmp_path, block="2026-12-31", line="2026-12-31", module="2026-12-31", caller=CALLER):
    return write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/models.py": MODELS.format(block=block, line=line),
        "app/jobs.py": SHIM.format(module=module),
        "main.py": caller,
    })


def test_compat_code_is_not_a_finding_and_its_callers_are_warnings(tmp_path):
    result = check(project(tmp_path), today=TODAY)
    assert [f for f in result.findings if f.path.startswith("app/")] == []
    assert locations(result, "TSH401") == ["main.py:1:24", "main.py:1:35", "main.py:5:12", "main.py:5:23"]
    assert {f.severity for f in result.findings} == {"warning"}
    assert result.failing == []


def test_compat_names_come_from_files_the_run_does_not_check(tmp_path):
    from termshift import config as config_module, lint

    root = project(tmp_path)
    everything = check(root, today=TODAY)
    alone, _, _ = lint.run(root, [root / "main.py"], config_module.load(root), lint.Options(today=TODAY))
    assert locations(alone, "TSH401") == locations(everything, "TSH401")
    assert alone.failing == []


def test_a_legacy_name_that_is_no_compat_name_stays_an_error(tmp_path):
    caller = CALLER + "\n\ndef job_report():\n    return 1\n"
    result = check(project(tmp_path, caller=caller), today=TODAY)
    assert locations(result, "TSH101") == ["main.py:8:5"]


def test_expired_compat_is_one_error_per_piece_at_its_marker(tmp_path):
    result = check(project(tmp_path, block="2026-01-31", line="2026-05-31", module="2025-12-01"), today=TODAY)
    assert locations(result, "TSH402") == ["app/jobs.py:1:1", "app/models.py:9:1", "app/models.py:16:16"]
    assert all(f.severity == "error" for f in result.findings if f.code == "TSH402")
    messages = [f.message for f in result.findings if f.code == "TSH402"]
    assert "2026-01-31" in messages[1] and "termshift cleanup" in messages[1]


def test_the_removal_day_itself_is_not_expired(tmp_path):
    result = check(project(tmp_path, block="2026-06-01", line="2026-06-01", module="2026-06-01"), today=TODAY)
    assert locations(result, "TSH402") == []


def test_a_marker_with_an_impossible_date_is_reported(tmp_path):
    result = check(project(tmp_path, block="2026-02-30"), today=TODAY)
    assert locations(result, "TSH402") == ["app/models.py:9:1"]
    assert "invalid date" in next(f.message for f in result.findings if f.code == "TSH402")
