"""The migration as a LibCST codemod command, run the way LibCST users run codemods."""

import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

import termshift as termshift_api

from test_example import example, run_suite, snapshot, termshift  # noqa: F401  (the fixture)

CONFIG = "modules: ['termshift.codemods']\n"


def libcst_tool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "libcst.tool", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def copy_of(example: Path, name: str) -> Path:
    import shutil

    target = example.parent / name
    shutil.copytree(example, target)
    return target


def test_libcst_tool_lists_the_command(example):
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    listed = libcst_tool("list", cwd=example)
    assert listed.returncode == 0, listed.stderr
    assert any(line.startswith("migrate.Migrate - Rename a domain term") for line in listed.stdout.splitlines())


def test_libcst_tool_codemod_gives_the_tree_termshift_migrate_gives(example):
    by_termshift = copy_of(example, "by_termshift")
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    ran = libcst_tool("codemod", "migrate.Migrate", "--no-format", "--hide-progress", "-j", "2", "--no-compat",
                      "--move-modules", ".", cwd=example)
    assert ran.returncode == 0, ran.stderr
    assert "Failed to codemod 0 files" in ran.stderr
    # The refusal and the unresolved use `termshift migrate` reports come through as LibCST warnings.
    assert "termshift: refused dispatch/jobs.py:48: 'job_id' is kept everywhere" in ran.stderr
    (example / ".libcst.codemod.yaml").unlink()
    migrated = termshift("migrate", "--no-compat", ".", cwd=by_termshift)
    assert migrated.returncode == 1, migrated.stderr  # the same refusal
    assert snapshot(example) == snapshot(by_termshift)
    assert (example / "dispatch" / "steps.py").is_file() and not (example / "dispatch" / "job_store").exists()


def test_without_move_modules_module_names_stay_and_the_suite_passes(example):
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    ran = libcst_tool("codemod", "migrate.Migrate", "--no-format", "--hide-progress", "--stage", "types",
                      "--stage", "services", "--no-compat", ".", cwd=example)
    assert ran.returncode == 0, ran.stderr
    assert (example / "dispatch" / "jobs.py").is_file() and (example / "dispatch" / "job_store").is_dir()
    text = (example / "dispatch" / "service.py").read_text()
    assert "from .jobs import" in text and "class StepService" in text
    assert "module files keep their names" in ran.stderr
    suite = run_suite(example)
    assert suite.returncode == 0, suite.stdout[-3000:]


def test_compat_keeps_old_names_as_migrate_does(example):
    by_termshift = copy_of(example, "by_termshift")
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    stages = ["--stage", "types", "--stage", "services"]
    ran = libcst_tool("codemod", "migrate.Migrate", "--no-format", "--hide-progress", *stages, "--move-modules",
                      ".", cwd=example)
    assert ran.returncode == 0, ran.stderr
    (example / ".libcst.codemod.yaml").unlink()
    migrated = termshift("migrate", *stages, ".", cwd=by_termshift)
    assert migrated.returncode == 0, migrated.stderr
    assert snapshot(example) == snapshot(by_termshift)
    # The old module path is a compat shim, written by the tool at the path it visited.
    assert "compat module until" in (example / "dispatch" / "jobs.py").read_text()


def test_the_plan_is_made_once_per_run(example, monkeypatch):
    """libcst.tool calls the provider's gen_cache in its own process before it forks: one plan for all files."""
    from libcst import tool

    from termshift.codemods import migrate

    made = []
    real = migrate.plan_run
    monkeypatch.setattr(migrate, "plan_run", lambda *args: made.append(args) or real(*args))
    monkeypatch.chdir(example)
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    code = tool.main("libcst.tool", ["codemod", "migrate.Migrate", "--no-format", "--hide-progress", "-j", "1",
                                     "--stage", "types", "--no-compat", "."])
    assert code == 0
    assert len(made) == 1
    options, paths = made[0]
    assert options["stages"] == ["types"] and options["no_compat"] is True
    assert len(paths) == 15  # every Python file the tool gathered
    assert "class Step:" in (example / "dispatch" / "jobs.py").read_text()


def test_run_on_one_module_directly_plans_its_whole_project(example):
    """Outside libcst.tool (no full-repo manager), the first file plans the project for the process."""
    from termshift.codemods.migrate import Migrate

    path = example / "dispatch" / "service.py"
    context = CodemodContext(filename=str(path))
    command = Migrate(context, stages=["types"], no_compat=True)
    result = command.transform_module(cst.parse_module(path.read_text()))
    planned = termshift_api.migrate(example, stages=["types"], compat=False)
    assert result.code == planned.changed["dispatch/service.py"][1]
    assert "class StepService" in result.code and "class JobService" not in result.code


def test_a_bad_term_is_a_failure_of_every_file_not_a_crash(example):
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    before = snapshot(example)
    ran = libcst_tool("codemod", "migrate.Migrate", "--no-format", "--hide-progress", "--term", "job", ".",
                      cwd=example)
    assert ran.returncode == 1
    assert "--term 'job': expected OLD=NEW" in ran.stderr
    assert snapshot(example) == before


def test_workers_that_are_not_forked_read_the_same_plan(example):
    """spawn / forkserver (macOS, Windows, Python 3.14): the workers don't inherit the plan; they read it."""
    by_termshift = copy_of(example, "by_termshift")
    (example / ".libcst.codemod.yaml").write_text(CONFIG)
    spawned = ("import multiprocessing, sys\nmultiprocessing.set_start_method('spawn')\n"
               "from libcst.tool import main\nsys.exit(main('libcst.tool', sys.argv[1:]))\n")
    ran = subprocess.run([sys.executable, "-c", spawned, "codemod", "migrate.Migrate", "--no-format",
                          "--hide-progress", "-j", "2", "--no-compat", "--move-modules", "."], cwd=example,
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr
    (example / ".libcst.codemod.yaml").unlink()
    termshift("migrate", "--no-compat", ".", cwd=by_termshift)
    assert snapshot(example) == snapshot(by_termshift)
