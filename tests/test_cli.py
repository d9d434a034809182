"""The command-line contract: exit codes and messages other tools rely on."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from termshift.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "jobs.py").write_text("class Job:\n    pass\n\n\ndef submit_job(job: Job) -> Job:\n    return job\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_help_explains_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "migrate" in result.output
    result = invoke("migrate", "--help")
    assert "--no-compat" in result.output and "--diff" in result.output and "--check" in result.output


def test_check_exits_1_when_something_would_change_and_writes_nothing(project):
    before = (project / "app" / "jobs.py").read_text()
    result = invoke("migrate", "--check")
    assert result.exit_code == 1
    assert (project / "app" / "jobs.py").read_text() == before
    assert "1 file would change, 1 module path to rename" in result.output


def test_migrate_then_check_is_clean(project):
    assert invoke("migrate", "--no-compat").exit_code == 0
    assert (project / "app" / "steps.py").read_text() == (
        "class Step:\n    pass\n\n\ndef submit_step(step: Step) -> Step:\n    return step\n"
    )
    assert not (project / "app" / "jobs.py").exists()
    assert invoke("migrate", "--check").exit_code == 0


def test_writing_leaves_compat_behind_by_default_and_cleanup_removes_it(project):
    result = invoke("migrate")
    assert result.exit_code == 0
    steps = (project / "app" / "steps.py").read_text()
    assert "# termshift: compat until " in steps and 'submit_job="submit_step"' in steps
    assert (project / "app" / "jobs.py").read_text().startswith("# termshift: compat module until ")
    assert invoke("migrate", "--check").exit_code == 0  # a second run changes nothing
    assert invoke("cleanup").exit_code == 0
    assert not (project / "app" / "jobs.py").exists()
    assert "termshift" not in (project / "app" / "steps.py").read_text()


def test_diff_prints_renames(project):
    result = invoke("migrate", "--diff")
    assert result.exit_code == 0
    assert "rename from app/jobs.py\nrename to app/steps.py" in result.output
    assert "-class Job:\n+class Step:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["migrate", "missing-dir"], "missing-dir: no such file or directory"),
        (["migrate", "--stage", "bogus"], "Invalid value"),
        (["migrate", "--config", "nope.toml", "--diff"], "no such config file"),
    ],
)
def test_usage_errors_exit_2(project, args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_config_exits_2_naming_the_key(project):
    (project / "pyproject.toml").write_text('[tool.termshift]\nstages = ["typo"]\n')
    result = invoke("migrate", "--diff")
    assert result.exit_code == 2
    assert "tool.termshift.stages" in result.output


def test_unparsable_file_is_reported_and_left_alone(project):
    broken = project / "app" / "broken_job.py"
    broken.write_text("def job(:\n")
    result = invoke("migrate", "--no-compat")
    assert result.exit_code == 1
    assert "app/broken_job.py:1:" in result.output
    assert broken.read_text() == "def job(:\n"


def test_report_lists_every_wire_change_as_json(project):
    (project / "app" / "store.py").write_text(
        'import os\n\nPENDING = "jobs:pending"\nQUEUE = os.environ["JOB_QUEUE"]\n\n\n'
        'def event(job):\n    return {"type": "job_done", "job_id": job}\n'
    )
    result = invoke("migrate", "--stage", "keys", "--stage", "webhooks", "--diff", "--report", "wire.json")
    assert result.exit_code == 0, result.output
    import json

    changes = json.loads((project / "wire.json").read_text())["wire_changes"]
    assert [(c["path"], c["line"], c["column"], c["stage"], c["kind"], c["old"], c["new"]) for c in changes] == [
        ("app/store.py", 3, 11, "keys", "key", '"jobs:pending"', '"steps:pending"'),
        ("app/store.py", 8, 21, "webhooks", "event", '"job_done"', '"step_done"'),
        ("app/store.py", 8, 33, "webhooks", "payload-key", '"job_id"', '"step_id"'),
    ]
    # --diff wrote nothing but the report; the environment variable is never a wire change.
    assert '"jobs:pending"' in (project / "app" / "store.py").read_text()


def test_report_to_an_unwritable_place_is_a_usage_error(project):
    result = invoke("migrate", "--stage", "keys", "--diff", "--report", "missing/dir/wire.json")
    assert result.exit_code == 2
    assert "can't write the report" in result.output
