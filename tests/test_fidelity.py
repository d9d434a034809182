"""Real-code mistakes, each reduced to a tiny project: the migration must keep its behaviour.

Each folder `tests/fixtures/fidelity/<case>/` holds a project (`input/`), the
`migrate` arguments (`args`, one a line), a shell command that exercises the
project (`check`: `{python}` is this interpreter) and the tree migrate must
leave (`expected/`, with `exit_code`). The check prints the same last line
before and after the migration: either the names moved whole, or they were
kept and reported. `xfail` holds the reason a case is known to still change
behaviour (strict: it must fail).

`TERMSHIFT_UPDATE_FIDELITY=1 pytest tests/test_fidelity.py` rewrites
`expected/` and `exit_code` from the current run, for review with git diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_golden import IGNORED, _differences, _snapshot

CASES = Path(__file__).parent / "fixtures" / "fidelity"
TODAY = "2026-12-05"
UPDATE = os.environ.get("TERMSHIFT_UPDATE_FIDELITY") == "1"
_TIMING = re.compile(r" in [0-9.]+s")


def _cases() -> list:
    params = []
    for case in sorted(CASES.iterdir()) if CASES.is_dir() else ():
        marks = []
        if (case / "xfail").is_file():
            marks.append(pytest.mark.xfail(strict=True, reason=(case / "xfail").read_text().strip()))
        params.append(pytest.param(case.name, id=case.name, marks=marks))
    return params


def _check(folder: Path, project: Path) -> str:
    command = (folder / "check").read_text().strip().replace("{python}", sys.executable)
    done = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    lines = (done.stdout + done.stderr).strip().splitlines()
    return _TIMING.sub("", lines[-1]).strip() if lines else ""


@pytest.mark.parametrize("case", _cases())
def test_migration_keeps_behaviour(case: str, tmp_path: Path) -> None:
    folder = CASES / case
    project = tmp_path / "project"
    shutil.copytree(folder / "input", project, ignore=shutil.ignore_patterns(*IGNORED))
    before = _check(folder, project)
    assert before and "Traceback" not in before and "Error" not in before, f"the pristine case fails: {before}"

    args = [line for line in (folder / "args").read_text().splitlines() if line.strip()]
    run = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-cache", *args], cwd=project,
                         capture_output=True, text=True, timeout=120, env={**os.environ, "TERMSHIFT_TODAY": TODAY})
    assert "Traceback" not in run.stderr, run.stderr
    if UPDATE:
        shutil.rmtree(folder / "expected", ignore_errors=True)
        shutil.copytree(project, folder / "expected", ignore=shutil.ignore_patterns(*IGNORED))
        (folder / "exit_code").write_text(f"{run.returncode}\n")
    assert run.returncode == int((folder / "exit_code").read_text()), run.stderr
    if not (folder / "xfail").is_file():
        differences = _differences(_snapshot(project), _snapshot(folder / "expected"))
        assert not differences, f"the tree differs from expected/:\n{differences}\n{run.stderr}"

    after = _check(folder, project)
    assert after == before, f"the migration changed what the project does:\n{run.stderr}"
