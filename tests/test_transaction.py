"""A run that writes is one transaction: all or nothing, one at a time, never outside the root."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from termshift import transaction
from termshift.cli import main
from txkit import STATE, generate, snapshot, start, temporaries, termshift

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals, symlinks and permissions as on POSIX")

SMALL = {
    "pyproject.toml": '[project]\nname = "sample"\nversion = "0"\n',
    "app/__init__.py": "",
    "app/jobs.py": "class Job:\n    pass\n\n\ndef submit_job(job: Job) -> Job:\n    return job\n",
    "app/use.py": "from app.jobs import Job, submit_job\n\nsubmit_job(Job())\n",
    "app/ro/__init__.py": "",
    "app/ro/worker.py": "from app.jobs import Job\n\n\ndef run_job(job: Job) -> Job:\n    return job\n",
    "app/zz.py": "from app.ro.worker import run_job\n\nKEY = 'job:1'\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def invoke(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[int, str]:
    """termshift in this process (quicker than a new one): exit code and everything it said."""
    monkeypatch.chdir(root)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, list(args))
    for name in env:
        monkeypatch.delenv(name)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def imports_cleanly(root: Path, *modules: str) -> bool:
    code = "; ".join(f"import {module}" for module in modules)
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True).returncode == 0


def steps_of(stderr: str) -> int:
    """How many journal steps an uninterrupted run took, from its summary line."""
    match = re.search(r"(\d+) files? changed(?:, (\d+) module paths? renamed)?(?:, (\d+) compat shim)?", stderr)
    assert match, stderr
    return sum(int(group or 0) for group in match.groups())


# -- a failure while writing ------------------------------------------------------------


@pytest.mark.parametrize("compat", [False, True])
def test_a_failure_at_any_step_leaves_the_whole_tree_old(tmp_path: Path, compat: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pristine = write(tmp_path / "pristine", SMALL)
    before = snapshot(pristine)
    done = shutil.copytree(pristine, tmp_path / "done")
    args = ["migrate"] if compat else ["migrate", "--no-compat"]
    steps = steps_of(invoke(done, *args, monkeypatch=monkeypatch)[1])
    assert steps >= 4
    for failing in range(1, steps + 1):
        tree = shutil.copytree(pristine, tmp_path / f"fail{failing}")
        code, output = invoke(tree, *args, monkeypatch=monkeypatch, TERMSHIFT_TEST_FAIL_AT=str(failing))
        assert code == 1, output
        assert "undone; the project is as it was" in output
        assert snapshot(tree) == before, failing
        assert not (tree / STATE / "transaction").exists()
        assert imports_cleanly(tree, "app.use", "app.zz")


def test_a_read_only_package_leaves_the_tree_old_and_importable() -> None:
    """The user's case: a package folder the user can't write to. As root, the run drops to `nobody`."""
    runner: tuple[str, ...] = ()
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to become another user")
        runner = (setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups")
        reach = subprocess.run([*runner, sys.executable, "-c", "import termshift, libcst, click"],
                               capture_output=True, text=True, cwd="/")
        if reach.returncode != 0:
            # The environment termshift is installed in is private to root (a venv in a 0700 folder):
            # the failed write is then proven by the injected failures below, not by another user.
            pytest.skip(f"`nobody` can't import this termshift: {reach.stderr.strip()[-120:]}")
    base = Path(tempfile.mkdtemp(prefix="termshift-ro-"))
    try:
        os.chmod(base, 0o755)
        project = write(base / "project", SMALL)
        for folder, _, _ in os.walk(project):
            os.chmod(folder, 0o777)
        for path in project.rglob("*"):
            if path.is_file():
                os.chmod(path, 0o666)
        before = snapshot(project)
        os.chmod(project / "app" / "ro", 0o555)
        result = termshift("migrate", "--no-compat", "--no-cache", cwd=project, prefix=runner,
                           env={"PYTHONDONTWRITEBYTECODE": "1"})
        os.chmod(project / "app" / "ro", 0o777)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "Permission denied" in result.stderr and "the project is as it was" in result.stderr
        assert snapshot(project) == before
        assert temporaries(project) == []
        assert imports_cleanly(project, "app.use", "app.zz", "app.ro.worker")
    finally:
        for folder, _, _ in os.walk(base):
            os.chmod(folder, 0o777)
        shutil.rmtree(base, ignore_errors=True)


# -- killed, interrupted -------------------------------------------------------------------


def _wait_for_journal(process: subprocess.Popen, root: Path, timeout: float = 30) -> None:
    """Until `process` has begun its transaction (an earlier run's journal may still be there)."""
    journal = root / STATE / "transaction" / "journal"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(journal, encoding="utf-8") as stream:
                if f'"pid": {process.pid},' in stream.readline():
                    return
        except OSError:
            pass
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.005)


def test_killed_at_random_points_the_next_migrate_finishes_like_an_uninterrupted_run(tmp_path: Path) -> None:
    """Twenty kills -9 on a generated 500-file project, one after the other: each next `migrate`
    first rolls the last one back (checked on a copy: the tree is exactly the old one again), then
    is itself killed; the last one runs to the end and gives what an uninterrupted run gives.
    Fifteen kills fall on a step of the journal drawn at random (before it is recorded, between
    record and action, after it), five come from outside at a random moment of the writing.
    The project is generated once and copied; the killed runs share one tree and its cache (the
    tree rolled back is the old one again), so after the first each finds its analysis there."""
    seed = int(os.environ.get("TERMSHIFT_TEST_SEED") or random.randrange(1 << 30))
    chance = random.Random(seed)
    pristine = generate(tmp_path / "pristine", modules=410)
    write(pristine, {"selftest.py": SELFTEST})
    assert len(list(pristine.rglob("*.py"))) >= 500
    assert _passes_its_own_test(pristine)
    before = snapshot(pristine)
    done = shutil.copytree(pristine, tmp_path / "done")
    result = termshift("migrate", "--no-compat", cwd=done)
    assert result.returncode == 0, result.stderr
    expected, steps = snapshot(done), steps_of(result.stderr)
    assert steps > 400

    tree = shutil.copytree(pristine, tmp_path / "tree")
    for attempt in range(20):
        if attempt % 5 == 4:  # a kill from outside, at any moment of the writing
            process = start("migrate", "--no-compat", cwd=tree, env={"TERMSHIFT_TEST_STEP_DELAY": "0.002"})
            _wait_for_journal(process, tree)
            time.sleep(chance.uniform(0, 0.6))
            process.kill()
            process.communicate()
            where = "from outside"
        else:
            point = f"{chance.randint(1, steps)}:{chance.choice(['record', 'act', 'done'])}"
            process = start("migrate", "--no-compat", cwd=tree, env={"TERMSHIFT_TEST_KILL_AT": point})
            process.communicate()
            where = f"at {point}"
        assert process.returncode == -signal.SIGKILL, (seed, where)
        copy = shutil.copytree(tree, tmp_path / f"copy{attempt}", symlinks=True)
        transaction.recover(copy)
        assert snapshot(copy) == before, (seed, where)
        assert temporaries(copy) == [], (seed, where)
        shutil.rmtree(copy)
    left = transaction.pending(tree)
    result = termshift("migrate", "--no-compat", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert ("were rolled back first" in result.stderr) == left
    assert snapshot(tree) == expected, seed
    assert not (tree / STATE / "transaction").exists()
    assert _passes_its_own_test(tree)


# The generated project's own test, migrated with it: every module imports, and the API works.
SELFTEST = """import importlib
import pathlib

from app.jobs import Job, submit_job

for path in sorted(pathlib.Path("app").rglob("*.py")):
    importlib.import_module(".".join(path.with_suffix("").parts).removesuffix(".__init__"))
assert submit_job(Job(7)).job_id == 7
"""


def _passes_its_own_test(root: Path) -> bool:
    result = subprocess.run([sys.executable, "selftest.py"], cwd=root, capture_output=True, text=True)
    return result.returncode == 0 and not result.stderr


@pytest.mark.parametrize(("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_writing_restores_the_old_tree_and_says_so(tmp_path: Path, number: int, code: int) -> None:
    tree = generate(tmp_path / "tree", modules=30)
    before = snapshot(tree)
    process = start("migrate", "--no-compat", cwd=tree, env={"TERMSHIFT_TEST_STEP_DELAY": "0.01"})
    _wait_for_journal(process, tree)
    time.sleep(0.1)
    process.send_signal(number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert f"interrupted by {signal.Signals(number).name} while writing" in stderr
    assert "undone; the project is as it was" in stderr
    assert snapshot(tree) == before
    assert temporaries(tree) == []


@pytest.mark.parametrize("command", [("cleanup",), ("check", "--fix"), ("migrate", "--abort")])
def test_every_command_that_writes_rolls_a_killed_run_back_first(tmp_path: Path, command: tuple[str, ...]) -> None:
    tree = write(tmp_path / "tree", SMALL)
    before = snapshot(tree)
    killed = start("migrate", cwd=tree, env={"TERMSHIFT_TEST_KILL_AT": "4:done"})
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(tree) != before
    warned = termshift("check", cwd=tree)
    assert "stopped half way" in warned.stderr
    result = termshift(*command, cwd=tree)
    assert "were rolled back first" in result.stderr
    assert "Traceback" not in result.stderr
    if command == ("migrate", "--abort"):
        assert result.returncode == 0
        assert snapshot(tree) == before
    assert not (tree / STATE / "transaction").exists()


# -- one at a time ---------------------------------------------------------------------------


def test_a_second_run_refuses_while_one_is_writing(tmp_path: Path) -> None:
    """The first run sleeps after each step, long enough for the others to be tried however
    loaded the machine is (it must still be writing after them); then SIGTERM ends it."""
    tree = write(tmp_path / "tree", SMALL)
    before = snapshot(tree)
    first = start("migrate", "--no-compat", cwd=tree, env={"TERMSHIFT_TEST_STEP_DELAY": "60"})
    _wait_for_journal(first, tree)
    for command in (("migrate",), ("cleanup",), ("check", "--fix"), ("migrate", "--abort")):
        second = termshift(*command, cwd=tree)
        assert second.returncode == 2, second.stderr
        assert f"another termshift (pid {first.pid}) is writing in this project" in second.stderr
    assert first.poll() is None, "the first run ended before the others were tried"
    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 143, stderr
    assert snapshot(tree) == before


def test_runs_started_together_never_both_write(tmp_path: Path) -> None:
    pristine = generate(tmp_path / "pristine", modules=20)
    done = shutil.copytree(pristine, tmp_path / "done")
    assert termshift("migrate", cwd=done).returncode == 0
    expected = snapshot(done)
    tree = shutil.copytree(pristine, tmp_path / "tree")
    runs = [start("migrate", cwd=tree, env={"TERMSHIFT_TEST_STEP_DELAY": "0.001"}) for _ in range(4)]
    outcomes = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        assert code == 0 or (code == 2 and "is writing in this project" in stderr), stderr
    assert snapshot(tree) == expected


def test_a_lock_left_by_a_killed_run_is_not_in_the_way(tmp_path: Path) -> None:
    tree = write(tmp_path / "tree", SMALL)
    killed = start("migrate", "--no-compat", cwd=tree, env={"TERMSHIFT_TEST_KILL_AT": "1:record"})
    killed.communicate()
    assert (tree / STATE / "lock").read_text().strip() == str(killed.pid)
    assert termshift("migrate", "--no-compat", cwd=tree).returncode == 0


# -- the root is a wall ------------------------------------------------------------------------


def _beside(tmp_path: Path) -> tuple[Path, Path]:
    project = write(tmp_path / "project", SMALL)
    outside = write(tmp_path / "outside", {
        "ext.py": "def run_job():\n    pass\n",
        "pkg/__init__.py": "",
        "pkg/jobs.py": "class Job:\n    pass\n",
        "pkg/old.py": "# termshift: compat module until 2000-01-01\nfrom .jobs import *\n",
    })
    (project / "app" / "ext_link.py").symlink_to(outside / "ext.py")
    (project / "app" / "ext_pkg").symlink_to(outside / "pkg", target_is_directory=True)
    (project / "app" / "old_link.py").symlink_to(outside / "pkg" / "old.py")
    return project, outside


@pytest.mark.parametrize("command", [
    ("migrate",), ("migrate", "app/ext_link.py"), ("migrate", "app/ext_pkg"), ("migrate", "app/ext_pkg/jobs.py"),
    ("check", "--fix"), ("check", "--fix", "app/ext_link.py"), ("check", "--fix", "app/ext_pkg"),
    ("cleanup",), ("cleanup", "app/old_link.py"), ("cleanup", "app/ext_pkg"),
])
def test_nothing_outside_the_root_changes(tmp_path: Path, command: tuple[str, ...]) -> None:
    project, outside = _beside(tmp_path)
    before = snapshot(outside, state=True)
    result = termshift(*command, cwd=project)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert snapshot(outside, state=True) == before
    assert not (outside / STATE).exists()
    if len(command) > 1 and command[-1].startswith("app/"):
        # cleanup and check name each skipped path on a line; migrate lists them under "skipped: N paths"
        assert re.search(rf"^(skipped |  )({re.escape(command[-1])}|/)", result.stderr, re.M), result.stderr
    elif command[0] != "check":
        assert re.search(r"^(skipped |  )app/ext_link.py: a symlink", result.stderr, re.M), result.stderr


def test_a_symlinked_module_is_not_renamed_from_under_its_link(tmp_path: Path) -> None:
    project = write(tmp_path / "project", {
        "pyproject.toml": SMALL["pyproject.toml"], "app/__init__.py": "",
        "app/real_jobs.py": "class Job:\n    pass\n",
        "app/use.py": "from app.real_jobs import Job\n",
    })
    (project / "app" / "jobs.py").symlink_to("real_jobs.py")
    result = termshift("migrate", "--no-compat", cwd=project)
    assert result.returncode == 1
    assert "the symlink app/jobs.py points into it and would be left dangling" in result.stderr
    assert (project / "app" / "jobs.py").resolve().is_file()
    assert (project / "app" / "real_jobs.py").exists()


def test_the_journal_refuses_a_step_outside_the_root(tmp_path: Path) -> None:
    project, outside = _beside(tmp_path)
    with pytest.raises(transaction.RolledBack, match="outside the project root"):
        with transaction.begin(project) as journal:
            journal.write(project / "app" / "jobs.py", b"x = 1\n")
            journal.write(outside / "ext.py", b"x = 1\n")
    with pytest.raises(transaction.RolledBack, match="not a regular file"):
        with transaction.begin(project) as journal:
            journal.write(project / "app" / "ext_link.py", b"x = 1\n")
    with pytest.raises(transaction.RolledBack, match="symlink"):
        with transaction.begin(project) as journal:
            journal.write(project / "app" / "ext_pkg" / "jobs.py", b"x = 1\n")
    assert (project / "app" / "jobs.py").read_text() == SMALL["app/jobs.py"]
    assert (outside / "ext.py").read_text() == "def run_job():\n    pass\n"


# -- the report, deep expressions, the configuration ----------------------------------------------


def test_a_report_that_cant_be_written_stops_the_run_before_any_file_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = write(tmp_path / "tree", SMALL)
    before = snapshot(tree)
    code, output = invoke(tree, "migrate", "--report", str(tmp_path / "nonexistent" / "x.json"),
                          monkeypatch=monkeypatch)
    assert code == 2
    assert "can't write the report" in output and "nothing was changed" in output
    assert snapshot(tree) == before
    code, output = invoke(tree, "migrate", "--report", str(tmp_path / "wire.json"), monkeypatch=monkeypatch)
    assert code == 0, output
    assert '"old": "\'job:1\'"' in (tmp_path / "wire.json").read_text()
    assert not list(tmp_path.glob(".wire.json*"))


def test_a_run_undone_leaves_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = write(tmp_path / "tree", SMALL)
    code, _ = invoke(tree, "migrate", "--report", str(tmp_path / "wire.json"), monkeypatch=monkeypatch,
                     TERMSHIFT_TEST_FAIL_AT="2")
    assert code == 1
    assert not list(tmp_path.glob("*wire.json*"))


def test_a_deep_expression_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    deep = "def get_job():\n    return 1\n\n\nx = " + " + ".join(["get_job()"] * 400) + "\n"
    tree = write(tmp_path / "tree", {**SMALL, "app/deep.py": deep,
                                     "app/calls.py": "from app.deep import get_job\n\nget_job()\n"})
    checked = termshift("check", "--no-cache", cwd=tree)
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr + checked.stdout
    assert "app/deep.py:1:1: TSH901" in checked.stdout and "nests too deeply" in checked.stdout
    assert "app/jobs.py:1:7: TSH101" in checked.stdout
    migrated = termshift("migrate", "--no-compat", cwd=tree)
    assert migrated.returncode == 1
    assert "Traceback" not in migrated.stderr
    assert (tree / "app" / "steps.py").exists()
    assert (tree / "app" / "deep.py").read_text() == deep
    assert (tree / "app" / "calls.py").read_text() == "from app.deep import get_job\n\nget_job()\n"


@pytest.mark.parametrize(("setting", "message"), [
    ('terms = { job = "job" }', "would be renamed to itself"),
    ('terms = { job = "class" }', "is a Python keyword"),
    ('terms = { job = "step", step = "task" }', "both an old and a new word"),
    ("compat-weeks = 99999999", "too long"),
])
@pytest.mark.parametrize("command", [("migrate",), ("check",), ("cleanup",)])
def test_a_bad_setting_is_a_config_error(tmp_path: Path, setting: str, message: str, command: tuple[str, ...],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject = SMALL["pyproject.toml"] + f"\n[tool.termshift]\n{setting}\n"
    tree = write(tmp_path / "tree", {**SMALL, "pyproject.toml": pyproject})
    before = snapshot(tree)
    code, output = invoke(tree, *command, monkeypatch=monkeypatch)
    assert code == 2, output
    assert message in output
    assert snapshot(tree) == before


def test_a_bad_setting_stops_the_command_line_check_too(tmp_path: Path) -> None:
    """A plain `check` runs without click (launch.py): the same message, the same exit code."""
    pyproject = SMALL["pyproject.toml"] + '\n[tool.termshift]\nterms = { job = "class" }\n'
    tree = write(tmp_path / "tree", {**SMALL, "pyproject.toml": pyproject})
    result = termshift("check", cwd=tree)
    assert result.returncode == 2
    assert "is a Python keyword" in result.stderr and "Traceback" not in result.stderr
