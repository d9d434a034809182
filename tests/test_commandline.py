"""A `check` read without click answers exactly as the click command does.

launch.py runs a plainly valid check command line without importing click
(commandline.py); every other one goes to click. Each case here runs twice
on a fresh copy of the same project, once through the entry point and once
through the click application, and the two must agree on the exit code,
both output streams and what was written.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click
import pytest

from termshift import cli, commandline, launch
from lintkit import JOB_APP, PYTHON, write_project

FILES = {**JOB_APP, "notes.txt": "not a baseline\n"}

READ_WITHOUT_CLICK = [  # (command line, the exit code both must give)
    (("check",), 1),
    (("check", "--workers", "1"), 1),
    (("check", "--format", "json", "app"), 1),
    (("check", "--format=sarif", "--workers=1", "app/api.py"), 1),
    (("check", "--format", "github", "--exit-zero"), 0),
    (("check", "--select", "TSH1", "--ignore", "legacy-import"), 1),
    (("check", "--select", "TSH4"), 0),  # nothing to report
    (("check", "--select", ""), 1),
    (("check", "--format", "json", "--format", "text"), 1),  # the last one counts
    (("check", "--", "app/jobs.py"), 1),
    (("check", "--no-cache", "app", "app/api.py"), 1),
    (("check", "--select", "TSH777"), 2),  # unknown rule
    (("check", "--baseline", "missing.json"), 2),
    (("check", "--baseline", "notes.txt"), 2),  # not a baseline
    (("check", "--config", "missing.toml"), 2),
    (("check", "--write-baseline", "baseline.json"), 0),
    (("check", "--fix", "--workers", "1"), 0),
]

LEFT_TO_CLICK = [
    ("check", "--help"),
    ("check", "-h"),
    ("check", "--format", "xml"),
    ("check", "--format"),
    ("check", "--workers", "0"),
    ("check", "--workers", "two"),
    ("check", "--workers", "+2"),
    ("check", "--baseline", "app"),  # a folder
    ("check", "--config", ""),
    ("check", "--fix=yes"),
    ("check", "--bogus"),
    ("check", "nowhere.py"),
    ("check", "-"),
    ("rules",),
    ("--version",),
]


def _project(root: Path) -> Path:
    return write_project(root, FILES, '[project]\nname = "app"\nversion = "0"\n')


def _tree(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*"))
            if path.is_file() and ".termshift_cache" not in path.parts}


def _answer(root: Path, args: tuple[str, ...], entry, monkeypatch, capsys) -> tuple:
    """(exit code, stdout, stderr, the files afterwards), from a fresh copy of the project at `root`."""
    shutil.rmtree(root, ignore_errors=True)
    monkeypatch.chdir(_project(root))
    monkeypatch.setattr("sys.argv", ["termshift", *args])
    with pytest.raises(SystemExit) as exit:
        entry()
    out, err = capsys.readouterr()
    return exit.value.code or 0, out, err, _tree(root)


def _click() -> None:
    cli.main(prog_name="termshift")


@pytest.mark.parametrize("args, code", READ_WITHOUT_CLICK, ids=[" ".join(args) for args, _ in READ_WITHOUT_CLICK])
def test_a_check_read_without_click_answers_as_click_does(tmp_path, monkeypatch, capsys, args, code) -> None:
    root = tmp_path / "project"  # the same place for both: some formats print absolute paths
    monkeypatch.chdir(_project(root))
    assert commandline.parse(list(args)) is not None
    direct = _answer(root, args, launch.main, monkeypatch, capsys)
    through_click = _answer(root, args, _click, monkeypatch, capsys)
    assert direct == through_click
    assert direct[0] == code and "Traceback" not in direct[2]


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=" ".join)
def test_anything_unusual_is_left_to_click(tmp_path, monkeypatch, args) -> None:
    monkeypatch.chdir(_project(tmp_path))
    assert commandline.parse(list(args)) is None


def test_the_option_tables_match_the_command() -> None:
    """Every option of the click command is known here, with its kind and choices."""
    values, flags, formats = set(), set(), None
    for parameter in cli.check.params:
        if isinstance(parameter, click.Option):
            (flags if parameter.is_flag else values).update(parameter.opts)
            if isinstance(parameter.type, click.Choice):
                formats = tuple(parameter.type.choices)
    assert values == commandline.VALUE_OPTIONS
    assert flags == commandline.FLAG_OPTIONS
    assert formats == commandline.FORMATS


def test_a_check_does_not_import_click(tmp_path) -> None:
    probe = ("import sys\nfrom termshift import launch\nsys.argv = ['termshift', 'check', '--no-cache']\n"
             "try:\n    launch.main()\nexcept SystemExit as exit:\n"
             "    print('click' in sys.modules, exit.code, file=sys.stderr)")
    done = subprocess.run([*PYTHON, "-c", probe], cwd=_project(tmp_path), capture_output=True, text=True,
                          timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False 1", done.stderr
