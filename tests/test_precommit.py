"""The pre-commit hooks, run for real with `pre-commit try-repo` on a temporary git repository.

pre-commit builds the hooks' environment by installing this repository with
pip, so this test needs PyPI; the environment is built once and shared by
the three runs (same repository, same revision).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parent.parent
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(*args: str, cwd: Path, env: dict) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("pre-commit-home")
    environment = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home)}
    environment.pop("PRE_COMMIT", None)
    return environment


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory, env) -> tuple[Path, str]:
    """This working tree as a one-commit repository: what a user would pin with `rev:`."""
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    listed = git("ls-files", "-co", "--exclude-standard", "-z", cwd=REPO, env=env).split("\0")
    for relative in filter(None, listed):
        source = REPO / relative
        if source.is_file():
            target = snapshot / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", cwd=snapshot, env=env)
    git("add", "-A", cwd=snapshot, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=snapshot, env=env)
    return snapshot, git("rev-parse", "HEAD", cwd=snapshot, env=env).strip()


def try_repo(hooks: tuple[Path, str], hook: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    repo, rev = hooks
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), hook, "--ref", rev, "--all-files"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )


def test_hook_definitions():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["termshift-check"]["entry"] == "termshift check"
    assert hooks["termshift-fix"]["entry"] == "termshift check --fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is True


def test_check_fails_fix_rewrites_then_check_passes(tmp_path, hooks_repo, env):
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n')
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "jobs.py").write_text("class Job:\n    def __init__(self, job_id):\n        self.job_id = job_id\n")
    (project / "main.py").write_text("from app.jobs import Job\n\nprint(Job('a').job_id)\n")
    # A script without .py: pre-commit passes it as python (its shebang), termshift reads it as such.
    (project / "bin").mkdir()
    (project / "bin" / "show-job").write_text("#!/usr/bin/env python3\nfrom app.jobs import Job\n\nprint(Job)\n")
    (project / "bin" / "show-job").chmod(0o755)
    git("init", "-q", cwd=project, env=env)
    git("add", "-A", cwd=project, env=env)

    check = try_repo(hooks_repo, "termshift-check", project, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "app/jobs.py:1:7: TSH101 class 'Job' spells the legacy term" in check.stdout
    assert "bin/show-job:2:22: TSH102 import of class 'Job' spells the legacy term" in check.stdout

    fix = try_repo(hooks_repo, "termshift-fix", project, env)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit fails a hook that changed files
    assert (project / "app" / "steps.py").read_text() == (
        "class Step:\n    def __init__(self, step_id):\n        self.step_id = step_id\n")
    assert not (project / "app" / "jobs.py").exists()
    assert (project / "main.py").read_text() == "from app.steps import Step\n\nprint(Step('a').step_id)\n"
    assert (project / "bin" / "show-job").read_text() == "#!/usr/bin/env python3\nfrom app.steps import Step\n\nprint(Step)\n"
    assert os.access(project / "bin" / "show-job", os.X_OK)

    git("add", "-A", cwd=project, env=env)
    again = try_repo(hooks_repo, "termshift-check", project, env)
    assert again.returncode == 0, again.stdout + again.stderr
