"""Replaying a `check` of an unchanged tree: same output, same exit code, and
any change to what the answer depends on runs the check for real."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

from termshift import checking, cli, commandline, files, launch, replay
from lintkit import JOB_APP, PYTHON

FILES = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
    ".gitignore": "generated/\n",
    **JOB_APP,
    "app/quiet.py": "VALUE = 1\n",
    "bin/tool": "#!/bin/sh\necho submit_job\n",  # no extension, no Python: read for its first line only
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


class Runs:
    """`termshift ARGS` in this process, through the real entry point, telling replays from analyses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.analysed = 0
        command = checking.main  # what both the click command and launch.py's own reading run

        def counting(*args, **kwargs):
            self.analysed += 1
            return command(*args, **kwargs)

        monkeypatch.setattr(checking, "main", counting)

    def __call__(self, *args: str) -> tuple[bool, int, str, str]:
        """(replayed, exit code, stdout, stderr)"""
        before = self.analysed
        self.monkeypatch.setattr(sys, "argv", ["termshift", *args])
        with pytest.raises(SystemExit) as exit:
            launch.main()
        out, err = self.capsys.readouterr()
        return self.analysed == before, exit.value.code, out, err


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Runs:
    return Runs(monkeypatch, capsys)


CHECK = ("check", "--workers", "1")


def test_an_unchanged_tree_replays_the_same_output_and_exit_code(project: Path, run: Runs) -> None:
    answers = {}
    for output in ("text", "json", "sarif", "github"):
        replayed, code, out, err = answers[output] = run(*CHECK, "--format", output)
        assert not replayed and code == 1 and "submit_job" in out
        assert run(*CHECK, "--format", output) == (True, code, out, err)
    for output, (_, code, out, err) in answers.items():  # each option set keeps a record of its own
        assert run(*CHECK, "--format", output) == (True, code, out, err)


def test_named_files_replay_only_for_the_same_files(project: Path, run: Runs) -> None:
    first = run(*CHECK, "app/api.py")
    assert run(*CHECK, "app/api.py") == (True, *first[1:])
    assert not run(*CHECK, "app/jobs.py")[0]
    assert run(*CHECK, "app/jobs.py")[0]


@pytest.mark.parametrize("change", [
    "edit a source",
    "edit a source, same size and time",
    "add a module",
    "add a module in a new folder",
    "remove a module",
    "edit .gitignore",
    "configure",
    "add a config file",
    "edit the baseline",
    "give a file without an extension a Python shebang",
])
def test_what_the_answer_depends_on_invalidates_it(project: Path, run: Runs, change: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "RACY_NS", 0)  # compare by stat alone: a digest must not be what saves us
    baseline = project / "baseline.json"
    run(*CHECK, "--write-baseline", str(baseline))
    args = (*CHECK, "--baseline", str(baseline))
    first = run(*args)
    assert run(*args)[0]

    jobs = project / "app" / "jobs.py"
    if change == "edit a source":
        jobs.write_text(jobs.read_text() + "\n\ndef cancel_job():\n    pass\n")
    elif change == "edit a source, same size and time":
        stat = jobs.stat()
        jobs.write_text(jobs.read_text().replace("return job_id", "return None  "))
        os.utime(jobs, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert jobs.stat().st_size == stat.st_size
    elif change == "add a module":
        (project / "app" / "more.py").write_text("def job_count():\n    return 0\n")
    elif change == "add a module in a new folder":
        (project / "app" / "sub").mkdir()
        (project / "app" / "sub" / "more.py").write_text("def job_count():\n    return 0\n")
    elif change == "remove a module":
        (project / "app" / "api.py").unlink()
    elif change == "edit .gitignore":
        (project / ".gitignore").write_text("generated/\napp/api.py\n")
    elif change == "configure":
        with (project / "pyproject.toml").open("a") as stream:
            stream.write('\n[tool.termshift]\nignore = ["TSH101"]\n')
    elif change == "add a config file":
        (project / "termshift.toml").write_text('ignore = ["TSH101"]\n')
    elif change == "edit the baseline":
        baseline.write_text('{"version": 1, "findings": []}\n')
    elif change == "give a file without an extension a Python shebang":
        (project / "bin" / "tool").write_text("#!/usr/bin/env python3\nsubmit_job = 1\n")

    replayed, code, out, err = run(*args)
    assert not replayed
    assert run(*args)[0]  # and the new answer is recorded in turn
    if change != "edit a source, same size and time":
        assert (code, out, err) != first[1:]


def test_a_racily_clean_file_is_compared_by_content(project: Path, run: Runs) -> None:
    """Written just now (as in every test): stat may not be able to tell a same-tick edit."""
    run(*CHECK)
    record = _record(project)
    assert str(project / "app" / "jobs.py") in record["digests"]
    assert run(*CHECK)[0]


def test_a_different_command_or_date_or_environment_runs_again(project: Path, run: Runs,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    run(*CHECK)
    assert run(*CHECK)[0]
    assert not run(*CHECK, "--select", "TSH1")[0]
    assert not run(*CHECK, "--exit-zero")[0]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not run(*CHECK)[0]
    monkeypatch.setattr(replay.time, "strftime", lambda _format: "2999-01-01")
    assert not run(*CHECK)[0]


@pytest.mark.parametrize("args", [
    ("check", "--no-cache"),
    ("check", "--fix", "--workers", "1"),
    ("check", "--unknown-option"),
    ("check", "--format"),
    ("check", "no-such-path"),
    ("migrate", "--diff"),
    ("rules",),
])
def test_what_is_never_replayed(project: Path, args: tuple[str, ...]) -> None:
    assert _plan(list(args)) is None


def _plan(args: list[str]) -> replay.Run | None:
    check = commandline.parse(args)
    return None if check is None else replay.plan(check)


def test_no_cache_leaves_no_record(project: Path, run: Runs) -> None:
    run("check", "--no-cache", "--workers", "1")
    run("check", "--no-cache", "--workers", "1")
    assert not (project / ".termshift_cache").exists()


def test_a_terminal_is_never_replayed(project: Path, run: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    run(*CHECK)
    monkeypatch.setattr(replay.sys.stdout, "isatty", lambda: True, raising=False)
    assert _plan(list(CHECK)) is None


def test_what_changes_files_or_skips_the_cache_is_never_replayed() -> None:
    options = {name for parameter in cli.check.params if isinstance(parameter, click.Option) for name in parameter.opts}
    assert replay.NEVER_REPLAYED == {"--fix", "--no-cache", "--write-baseline", "--output-file", "-o",
                                     "--stdin-filename"} <= options


@pytest.mark.parametrize("layout", [("pyproject.toml",), ("setup.py",), (".git/",), ()])
def test_the_root_is_found_as_the_command_finds_it(tmp_path: Path, layout: tuple[str, ...]) -> None:
    top = tmp_path / "top"
    deep = top / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "m.py").write_text("")
    for marker in layout:
        (top / marker).mkdir() if marker.endswith("/") else (top / marker).write_text("")
    for start in (deep, deep / "m.py", top):
        assert replay.find_root(str(start)) == str(files.find_root(start))


def test_the_command_line_replays(project: Path) -> None:
    """Through the installed entry point, in a new process, as pre-commit and CI run it."""
    command = [*PYTHON, "-m", "termshift", "check", "--format", "json"]
    cold = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert list((project / ".termshift_cache").rglob("runs/*"))
    # Neither click, the engine, typing nor OpenSSL's hashes load for a replay (an editable
    # install's import hook may have loaded typing before termshift starts).
    probe = ("import sys\nbefore = set(sys.modules)\nfrom termshift import launch\n"
             "sys.argv = ['termshift', 'check', '--format', 'json']\n"
             "try:\n    launch.main()\nexcept SystemExit as exit:\n"
             "    import gc\n"
             "    print(sorted(n for n in set(sys.modules) - before\n"
             "                 if n in ('click', 'termshift.engine', 'typing', '_hashlib')), exit.code,\n"
             "          gc.isenabled(), file=sys.stderr)")
    warm = subprocess.run([*PYTHON, "-c", probe], cwd=project, capture_output=True, text=True)
    assert warm.stdout == cold.stdout
    # ... and the command runs without the cyclic collector (launch.py says why).
    assert warm.stderr.strip().splitlines()[-1] == f"[] {cold.returncode} False", warm.stderr


def test_a_reader_that_goes_away_ends_the_replay_quietly(project: Path) -> None:
    """`termshift check | head`: exit 1 without a traceback, as a run that analyses answers it;
    and a run cut short that way never leaves a record of half its output."""
    command = [*PYTHON, "-m", "termshift", "check"]

    def gone() -> tuple[int, bool]:
        read_end, write_end = os.pipe()
        os.close(read_end)
        done = subprocess.run(command, cwd=project, stdout=write_end, stderr=subprocess.PIPE, text=True)
        os.close(write_end)
        return done.returncode, "Traceback" in done.stderr

    assert gone() == (1, False)
    assert not list((project / ".termshift_cache").rglob("runs/*"))
    whole = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert "submit_job" in whole.stdout and list((project / ".termshift_cache").rglob("runs/*"))
    assert gone() == (1, False)  # replayed
    assert subprocess.run(command, cwd=project, capture_output=True, text=True).stdout == whole.stdout


def _record(project: Path) -> dict:
    import marshal

    (path,) = list((project / ".termshift_cache").rglob("runs/*"))
    return marshal.loads(path.read_bytes())
