"""A monorepo: each file is checked in its own project, with that project's configuration and index.

The layout is the one users meet: a git checkout whose top holds the shared
configuration, projects below it (one inheriting the shared table, one with
its own, one extending the shared one), and pre-commit naming files of
several projects in one command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from termshift import cli, config as config_module, files, launch

SHARED = '[tool.termshift]\nterms = { task = "work" }\nexclude = ["/other/generated/"]\n'

TREE = {
    ".git/HEAD": "ref: refs/heads/main\n",
    "pyproject.toml": SHARED,
    "tools/report.py": "task_count = 1\n",
    # inherits the shared table: its pyproject.toml has none
    "other/pyproject.toml": '[project]\nname = "other"\nversion = "0"\n',
    "other/pkg/__init__.py": "class Task:\n    pass\n",
    "other/generated/made.py": "class TaskMade:\n    pass\n",
    # its own table: Job -> Step, and "task" is no term of its
    "svc/pyproject.toml": '[project]\nname = "svc"\nversion = "0"\n\n[tool.termshift]\nterms = { job = "step" }\n',
    "svc/dispatch/__init__.py": "",
    "svc/dispatch/api.py": "class Job:\n    pass\n\n\ntask_queue = []\n",
    # extends the shared table, keeping one name
    "ext/termshift.toml": 'extend = "../pyproject.toml"\nkeep = ["TaskKept"]\n',
    "ext/setup.py": "",
    "ext/mod.py": "class TaskKept:\n    pass\n\n\nclass TaskGone:\n    pass\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for relative, text in TREE.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(args: list[str], cwd: Path, monkeypatch, capsys, entry=launch.main) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.argv", ["termshift", *args])
    with pytest.raises(SystemExit) as exit:
        entry()
    out, err = capsys.readouterr()
    return exit.value.code or 0, out, err


def findings(out: str) -> list[tuple[str, str]]:
    return sorted((item["path"], item["message"].split("'")[1]) for item in json.loads(out)["findings"])


def test_files_of_two_projects_are_each_checked_in_their_own(repo, monkeypatch, capsys) -> None:
    args = ["check", "--format", "json", "--no-cache", "other/pkg/__init__.py", "svc/dispatch/api.py"]
    code, out, err = run(args, repo, monkeypatch, capsys)
    assert code == 1, err
    expected = [("other/pkg/__init__.py", "Task"), ("svc/dispatch/api.py", "Job")]
    assert findings(out) == expected  # svc's `task_queue` is no finding: svc's terms are its own
    reversed_args = [*args[:-2], args[-1], args[-2]]
    assert findings(run(reversed_args, repo, monkeypatch, capsys)[1]) == expected


def test_a_check_at_the_top_checks_every_project_with_its_own_settings(repo, monkeypatch, capsys) -> None:
    code, out, err = run(["check", "--format", "json", "--no-cache"], repo, monkeypatch, capsys)
    assert code == 1, err
    assert findings(out) == [
        ("ext/mod.py", "TaskGone"),  # TaskKept is kept by ext's own table; task -> work from the shared one
        ("other/pkg/__init__.py", "Task"),  # other/generated is excluded by the shared table, rebased
        ("svc/dispatch/api.py", "Job"),
        ("tools/report.py", "task_count"),
    ]
    summary = json.loads(out)["summary"]
    # tools/report.py, other/pkg/__init__.py, svc/dispatch/{__init__,api}.py, ext/{mod,setup}.py
    assert (summary["files"], summary["failing"]) == (6, 4)


def test_a_sub_project_named_by_a_file_and_by_its_folder_is_checked_whole_once(repo, monkeypatch, capsys) -> None:
    (repo / "svc/dispatch/more.py").write_text("class JobMore:\n    pass\n")
    code, out, err = run(["check", "--format", "json", "--no-cache", "svc/dispatch/api.py", "."], repo, monkeypatch,
                         capsys)
    assert code == 1, err
    assert [found for found in findings(out) if found[0].startswith("svc/")] == [
        ("svc/dispatch/api.py", "Job"), ("svc/dispatch/more.py", "JobMore")]


def test_the_fast_path_and_click_agree_across_projects(repo, monkeypatch, capsys) -> None:
    args = ["check", "--no-cache", "svc/dispatch/api.py", "other/pkg/__init__.py", "tools"]
    direct = run(args, repo, monkeypatch, capsys)
    through_click = run(args, repo, monkeypatch, capsys, entry=lambda: cli.main(prog_name="termshift"))
    assert direct == through_click
    assert direct[0] == 1 and "Traceback" not in direct[2]


def test_a_baseline_matches_however_the_projects_are_named(repo, monkeypatch, capsys) -> None:
    baseline = repo / "baseline.json"
    code, _, err = run(["check", "--no-cache", "--write-baseline", str(baseline)], repo, monkeypatch, capsys)
    assert code == 0, err
    # pre-commit names one project's file from the top; the baseline written for all of them covers it
    code, out, err = run(["check", "--no-cache", "--format", "json", "--baseline", str(baseline),
                          "svc/dispatch/api.py", "other/pkg/__init__.py"], repo, monkeypatch, capsys)
    assert (code, json.loads(out)["findings"]) == (0, []), err
    # and so does a run inside one project
    code, out, err = run(["check", "--no-cache", "--format", "json", "--baseline", str(baseline)], repo / "svc",
                         monkeypatch, capsys)
    assert (code, json.loads(out)["findings"]) == (0, []), err
    (repo / "svc/dispatch/api.py").write_text("class Job:\n    pass\n\n\nclass JobTwo:\n    pass\n")
    code, out, _ = run(["check", "--no-cache", "--format", "json", "--baseline", str(baseline)], repo, monkeypatch,
                       capsys)
    assert code == 1 and findings(out) == [("svc/dispatch/api.py", "JobTwo")]


def test_migrate_and_cleanup_work_in_one_project_per_run(repo, monkeypatch, capsys) -> None:
    before = {path: path.read_bytes() for path in repo.rglob("*.py")}
    for args, cwd in ((["migrate", "other", "svc"], repo), (["migrate"], repo), (["cleanup", "other", "svc"], repo)):
        code, out, err = run(args, cwd, monkeypatch, capsys, entry=lambda: cli.main(prog_name="termshift"))
        assert code == 2, (args, err)
        assert "projects" in err and "run it once per project" in err and "nothing was changed" in err, err
    assert {path: path.read_bytes() for path in repo.rglob("*.py")} == before
    code, _, err = run(["migrate", "svc"], repo, monkeypatch, capsys, entry=lambda: cli.main(prog_name="termshift"))
    assert code == 0, err
    assert (repo / "svc/dispatch/api.py").read_text().startswith("class Step:")
    assert (repo / "other/pkg/__init__.py").read_bytes() == before[repo / "other/pkg/__init__.py"]


@pytest.mark.parametrize("command", ["migrate", "cleanup"])
def test_the_runs_a_refusal_names_are_each_accepted(repo, monkeypatch, capsys, command) -> None:
    """`termshift migrate` at the top names one run per project; the top's own run names its own
    files and folders, not `.` again (which holds the others, and would be refused the same way)."""
    main = lambda: cli.main(prog_name="termshift")  # noqa: E731
    code, _, err = run([command, "--diff"], repo, monkeypatch, capsys, entry=main)
    assert code == 2, err
    runs = err.split("run it once per project (", 1)[1].split(")", 1)[0].split("; ")
    assert runs[0] == f"termshift {command} tools", runs
    assert sorted(runs[1:]) == [f"termshift {command} {name}" for name in ("ext", "other", "svc")], runs
    for each in runs:
        code, _, err = run([*each.split()[1:], "--diff"], repo, monkeypatch, capsys, entry=main)
        assert code in (0, 1) and "run it once per project" not in err, (each, err)


def test_settings_are_found_upwards_to_the_checkout_and_extended(repo) -> None:
    other = config_module.load(repo / "other")
    assert [term.old for term in other.terms] == ["task"]
    assert other.exclude == ("/generated/",)  # the shared table's pattern, as it reads from other/
    assert other.source == repo / "pyproject.toml"
    ext = config_module.load(repo / "ext")
    assert ([term.old for term in ext.terms], ext.keep) == (["task"], ("TaskKept",))
    assert ext.exclude == ()  # /other/generated/ can match nothing under ext/
    assert [term.old for term in config_module.load(repo / "svc").terms] == ["job"]


@pytest.mark.parametrize("pattern, expected", [
    ("/other/generated/", "/generated/"),
    ("other/generated/", "/generated/"),
    ("!/other/keep.py", "!/keep.py"),
    ("generated/", "generated/"),  # no slash before its end: matches at any depth
    ("*.pyi", "*.pyi"),
    ("**/vendor/", "**/vendor/"),
    ("/svc/x.py", None),
    ("/other/", None),
])
def test_a_pattern_is_rebased_onto_the_project_below(tmp_path, pattern, expected) -> None:
    (tmp_path / "other").mkdir()
    assert config_module.rebase_pattern(pattern, tmp_path, tmp_path / "other") == expected


def test_an_extend_cycle_is_a_config_error(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "termshift.toml").write_text('extend = "a/termshift.toml"\n')
    (tmp_path / "a/termshift.toml").write_text('extend = "../termshift.toml"\n')
    with pytest.raises(config_module.ConfigError, match="cycle"):
        config_module.load(tmp_path / "a")
    (tmp_path / "a/termshift.toml").write_text('extend = "nowhere.toml"\n')
    with pytest.raises(config_module.ConfigError, match="nowhere.toml: no such config file"):
        config_module.load(tmp_path / "a")


def test_a_replayed_check_sees_each_projects_settings_change(repo, monkeypatch, capsys) -> None:
    """The record of an unchanged run (replay.py) depends on every project's settings, and on the
    shared ones above them."""
    args = ["check", "--format", "json", "svc/dispatch/api.py", "other/pkg/__init__.py"]
    first = run(args, repo, monkeypatch, capsys)
    assert run(args, repo, monkeypatch, capsys) == first
    (repo / "svc/pyproject.toml").write_text('[tool.termshift]\nterms = { job = "step" }\nkeep = ["Job"]\n')
    assert findings(run(args, repo, monkeypatch, capsys)[1]) == [("other/pkg/__init__.py", "Task")]
    (repo / "pyproject.toml").write_text(SHARED.replace("terms = { task = \"work\" }", "keep = []"))
    code, out, _ = run(args, repo, monkeypatch, capsys)
    assert (code, findings(out)) == (0, [])  # other/ now has the default terms, job -> step
    (repo / "other/termshift.toml").write_text('terms = { task = "work" }\n')  # a new file, nearer
    assert findings(run(args, repo, monkeypatch, capsys)[1]) == [("other/pkg/__init__.py", "Task")]


def test_a_pyproject_holding_a_tools_settings_alone_marks_no_project(tmp_path, monkeypatch, capsys) -> None:
    # `test/testconfig/pyproject.toml` with `[tool.mypy]` beside a suite's fixtures is no sub-project:
    # a migrate at the top is one project's, and the files beside it are that project's.
    for relative, text in {
        "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
        "app/__init__.py": "",
        "app/jobs.py": "class Job:\n    pass\n",
        "test/testconfig/pyproject.toml": '[tool.mypy]\nplugins = ["app.mypy"]\n',
        "test/testconfig/check_jobs.py": "from app.jobs import Job\n\nJOB = Job()\n",
        "lib/pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
        "lib/mod.py": "class JobLib:\n    pass\n",
    }.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    code, _, err = run(["migrate", "--no-compat", "app", "test"], tmp_path, monkeypatch, capsys,
                       entry=lambda: cli.main(prog_name="termshift"))
    assert code == 0, err
    assert (tmp_path / "test/testconfig/check_steps.py").read_text() == "from app.steps import Step\n\nSTEP = Step()\n"
    assert files.find_root(tmp_path / "test/testconfig/check_steps.py") == tmp_path.resolve()
    code, _, err = run(["migrate", "app", "lib"], tmp_path, monkeypatch, capsys, entry=lambda: cli.main(prog_name="termshift"))
    assert code == 2 and "run it once per project" in err, err  # lib's build-system makes it one
