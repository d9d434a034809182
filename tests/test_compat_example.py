"""The bundled example, migrated the way the plan recommends (Option B).

Its library is migrated with compat, and its original test suite plays the
old clients: it must keep passing, its warnings must be real, the new names
must not warn, and after `cleanup` the library is exactly what
`migrate --no-compat` makes of it, with the old names gone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
STAGES = ["--stage", "types", "--stage", "services"]
IGNORED = shutil.ignore_patterns("__pycache__", ".pytest_cache")


def termshift(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TERMSHIFT_TODAY": "2027-01-04"}
    return subprocess.run([sys.executable, "-m", "termshift", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def suite(project: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
                          cwd=project, capture_output=True, text=True, timeout=300)


def copy_example(target: Path) -> Path:
    shutil.copytree(FIXTURES / "example", target / "example", ignore=IGNORED)
    if not (target / "vendor").exists():
        shutil.copytree(FIXTURES / "vendor", target / "vendor", ignore=IGNORED)
    return target / "example"


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not {"__pycache__", ".termshift_cache"} & set(path.parts)
    }


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    """(library migrated with compat, whole project migrated with --no-compat)."""
    compat = copy_example(tmp_path_factory.mktemp("compat"))
    result = termshift("migrate", *STAGES, "dispatch", cwd=compat)
    assert result.returncode == 0, result.stderr
    plain = copy_example(tmp_path_factory.mktemp("plain"))
    termshift("migrate", *STAGES, "--no-compat", cwd=plain)  # exits 1: two unresolved keywords in its tests
    return compat, plain


def test_the_original_suite_passes_against_the_compat_library(projects):
    compat, _ = projects
    assert (compat / "dispatch" / "steps.py").is_file() and (compat / "dispatch" / "step_store").is_dir()
    assert (compat / "dispatch" / "jobs.py").read_text().startswith("# termshift: compat module until 2027-03-01")
    assert (compat / "tests" / "test_jobs.py").is_file()  # the clients were not touched
    result = suite(compat)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "45 passed" in result.stdout
    assert "DeprecationWarning" in result.stdout


def test_the_warnings_are_real(projects):
    compat, _ = projects
    result = suite(compat, "-W", "error::DeprecationWarning")
    assert result.returncode != 0
    assert "DeprecationWarning: dispatch.jobs is deprecated; use dispatch.steps" in result.stdout


def test_the_new_names_do_not_warn(projects, tmp_path):
    compat, plain = projects
    clients = tmp_path / "example"
    shutil.copytree(compat, clients, ignore=IGNORED)
    shutil.rmtree(clients / "tests")
    shutil.copytree(plain / "tests", clients / "tests", ignore=IGNORED)
    shutil.copytree(compat.parent / "vendor", tmp_path / "vendor", ignore=IGNORED)
    result = suite(clients, "-W", "error::DeprecationWarning")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "45 passed" in result.stdout


def test_a_second_run_changes_nothing(projects):
    compat, _ = projects
    before = tree(compat)
    result = termshift("migrate", *STAGES, "dispatch", cwd=compat)
    assert result.returncode == 0, result.stderr
    assert "0 files changed" in result.stderr
    assert tree(compat) == before


def test_after_cleanup_the_library_is_what_no_compat_writes(projects, tmp_path):
    compat, plain = projects
    cleaned = tmp_path / "example"
    shutil.copytree(compat, cleaned, ignore=IGNORED)
    shutil.copytree(compat.parent / "vendor", tmp_path / "vendor", ignore=IGNORED)
    result = termshift("cleanup", "dispatch", cwd=cleaned)
    assert result.returncode == 0, result.stderr
    assert tree(cleaned / "dispatch") == tree(plain / "dispatch")
    assert not (cleaned / "dispatch" / "jobs.py").exists() and not (cleaned / "dispatch" / "job_store").exists()

    # The old names are gone...
    probe = "import dispatch, dispatch.service as s; print(hasattr(dispatch, 'Job'), hasattr(s.StepService, 'get_job'))"
    gone = subprocess.run([sys.executable, "-c", probe], cwd=cleaned, capture_output=True, text=True)
    assert gone.stdout.split() == ["False", "False"], gone.stderr
    old_path = subprocess.run([sys.executable, "-c", "import dispatch.jobs"], cwd=cleaned, capture_output=True)
    assert old_path.returncode != 0
    # ...and the suite migrated with --no-compat passes.
    shutil.rmtree(cleaned / "tests")
    shutil.copytree(plain / "tests", cleaned / "tests", ignore=IGNORED)
    result = suite(cleaned, "-W", "error::DeprecationWarning")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "45 passed" in result.stdout
