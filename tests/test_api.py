"""The Python API: the answers of `termshift migrate` and `termshift check`, as data, printing nothing."""

import pytest

import termshift
from test_example import example, snapshot, termshift as run_termshift  # noqa: F401  (the fixture)


def test_migrate_plans_without_writing_and_says_what_it_would_do(example, capsys):
    before = snapshot(example)
    result = termshift.migrate(example, stages=["types", "services"], compat=False)
    assert capsys.readouterr() == ("", "")
    assert snapshot(example) == before and not result.written
    assert ("dispatch/jobs.py", "dispatch/steps.py") in result.moved
    old, new = result.changed["dispatch/service.py"]
    assert "class JobService" in old and "class StepService" in new
    assert result.renamed["class"] > 0 and result.ok
    assert "rename from dispatch/jobs.py" in result.diff
    # The same diff the command prints.
    assert result.diff.encode() == run_termshift("migrate", "--diff", "--no-compat", "--stage", "types", "--stage",
                                                 "services", cwd=example).stdout.encode()


def test_migrate_writes_and_reports_refusals_and_wire_changes(example, capsys):
    result = termshift.migrate(example, compat=False, write=True)
    assert capsys.readouterr() == ("", "")
    assert result.written and (example / "dispatch" / "steps.py").is_file()
    assert not result.ok
    assert [refusal.old for refusal in result.refusals] == ["job_id"]
    assert {change.kind for change in result.wire} == {"key", "route", "event", "payload-key"}
    assert termshift.migrate(example, compat=False).changed == {}  # a second run changes nothing


def test_check_returns_findings(example, capsys):
    result = termshift.check(example / "dispatch", select=["TSH101"])
    assert capsys.readouterr() == ("", "")
    assert result.findings and {finding.code for finding in result.findings} == {"TSH101"}
    assert result.failing == result.findings  # errors by default
    assert all(finding.path.startswith("dispatch/") for finding in result.findings)


def test_a_mistake_is_a_config_error(example):
    with pytest.raises(termshift.ConfigError, match="unknown stage 'typez'"):
        termshift.migrate(example, stages=["typez"])
    with pytest.raises(termshift.ConfigError, match="no such file"):
        termshift.check(example / "missing")
