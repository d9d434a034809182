"""A library's renames travel with it: the projects that use it are migrated after it.

A two-project monorepo, each project with its own tests: `lib` is migrated
(Job -> Step) and cleaned up, so nothing in it says what its old names were
but the manifest `migrate` wrote into the package. Then `app`, which still
uses the old names, is checked (TSH401 at each old use) and migrated, and
its own tests pass against the new library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import PYTHON
from termshift import manifest

LIB = {
    "pyproject.toml": '[project]\nname = "lib"\nversion = "1"\n',
    "lib/__init__.py": "from .service import JobService\n\n__all__ = [\"JobService\"]\n",
    "lib/service.py": '''\
class JobService:
    """Runs the work, and tells subclasses about each item."""

    def __init__(self, name="default"):
        self.name = name
        self.jobs = []

    def submit_job(self, job_id, payload=None):
        self.jobs.append(job_id)
        self.on_job_submitted(job_id)
        return job_id

    def on_job_submitted(self, job_id):
        pass

    def count_jobs(self):
        return len(self.jobs)


def make_job_service(name="made"):
    return JobService(name)
''',
    "tests/test_service.py": '''\
from lib import JobService
from lib.service import make_job_service


def test_submit():
    service = JobService()
    assert service.submit_job(job_id=3) == 3
    assert service.count_jobs() == 1


def test_made():
    assert make_job_service().name == "made"
''',
}

APP = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n\n[tool.termshift]\nsearch-path = ["../lib"]\n',
    "app/__init__.py": "",
    "app/worker.py": '''\
from lib import JobService
from lib.service import make_job_service


class AuditedService(JobService):
    def __init__(self):
        super().__init__("audited")
        self.seen = []

    def on_job_submitted(self, job_id):
        self.seen.append(job_id)


def run(ids):
    service = AuditedService()
    for each in ids:
        service.submit_job(job_id=each)
    return service.count_jobs(), service.seen


def default_count():
    made: JobService = make_job_service()
    made.submit_job(job_id=1, payload="x")
    return made.count_jobs()


def plain():
    return JobService(name="plain").name
''',
    "tests/test_worker.py": '''\
from app.worker import default_count, plain, run


def test_run():
    assert run([1, 2]) == (2, [1, 2])


def test_default_count():
    assert default_count() == 1


def test_plain():
    assert plain() == "plain"
''',
}

# Where app/worker.py uses lib's old names, and what they become.
OLD_USES = [
    ("app/worker.py", 1, "JobService"), ("app/worker.py", 2, "make_job_service"),
    ("app/worker.py", 5, "JobService"), ("app/worker.py", 10, "on_job_submitted"), ("app/worker.py", 10, "job_id"),
    ("app/worker.py", 11, "job_id"), ("app/worker.py", 17, "submit_job"), ("app/worker.py", 17, "job_id"),
    ("app/worker.py", 18, "count_jobs"), ("app/worker.py", 22, "JobService"),
    ("app/worker.py", 22, "make_job_service"), ("app/worker.py", 23, "submit_job"), ("app/worker.py", 23, "job_id"),
    ("app/worker.py", 24, "count_jobs"), ("app/worker.py", 28, "JobService"),
]


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def termshift(*args: str, cwd: Path, importable: Path | None = None) -> subprocess.CompletedProcess:
    """`termshift ARGS` in `cwd`; `importable`: a folder on its PYTHONPATH, as an installed package is."""
    env = {**os.environ, "PYTHONPATH": str(importable)} if importable else None
    return subprocess.run([*PYTHON, "-m", "termshift", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=env)


def pytest_in(project: Path, *paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(path) for path in (project, *paths))}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root / "lib", LIB)
    write(root / "app", APP)
    return root


@pytest.mark.parametrize("found_by", ["search-path", "sys.path"])
def test_the_app_is_migrated_after_the_library_and_its_tests_pass(monorepo, found_by) -> None:
    lib, app = monorepo / "lib", monorepo / "app"
    importable = None
    if found_by == "sys.path":  # importable where termshift runs, as an installed package is; no setting
        (app / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n')
        importable = lib
    assert pytest_in(app, lib).returncode == 0  # both as they were

    done = termshift("migrate", cwd=lib)
    assert done.returncode == 0, done.stderr
    renames = manifest.read(lib / "lib" / manifest.NAME)
    assert renames is not None and renames["package"] == "lib"
    names = renames["names"]
    assert names["lib.service.JobService"] == ["StepService", "class"]
    assert names["lib.service.JobService.submit_job"] == ["submit_step", "method"]
    assert names["lib.service.JobService.submit_job(job_id)"] == ["step_id", "parameter"]
    assert names["lib.service.make_job_service"] == ["make_step_service", "function"]
    assert renames["aliases"]["lib.JobService"] == "lib.service.JobService"
    done = termshift("cleanup", cwd=lib)
    assert done.returncode == 0, done.stderr
    assert "JobService" not in (lib / "lib/service.py").read_text() + (lib / "lib/__init__.py").read_text()
    assert (lib / "lib" / manifest.NAME).is_file()  # cleanup keeps it
    assert pytest_in(lib).returncode == 0  # the library's own tests, migrated with it

    # The library's own check does not read its manifest as code.
    done = termshift("check", "--format", "json", cwd=lib)
    assert done.returncode == 0 and json.loads(done.stdout)["findings"] == [], done.stdout

    broken = pytest_in(app, lib)
    assert broken.returncode != 0 and "JobService" in broken.stdout  # the app still uses the old names

    done = termshift("check", "--format", "json", cwd=app, importable=importable)
    found = json.loads(done.stdout)["findings"]
    assert sorted((item["path"], item["line"], item["message"].split("'")[1]) for item in found
                  if item["code"] == "TSH401") == sorted(OLD_USES), done.stdout
    assert all("renamed upstream by lib" in item["message"] for item in found if item["code"] == "TSH401")

    done = termshift("migrate", cwd=app, importable=importable)
    assert done.returncode == 0, done.stderr
    worker = (app / "app/worker.py").read_text()
    assert "from lib import StepService" in worker and "make_step_service" in worker
    assert "def on_step_submitted(self, step_id):" in worker
    assert "service.submit_step(step_id=each)" in worker and "made.count_steps()" in worker
    assert "StepService(name=\"plain\")" in worker
    assert "job" not in worker.lower()
    passed = pytest_in(app, lib)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    done = termshift("check", "--format", "json", cwd=app, importable=importable)
    assert json.loads(done.stdout)["findings"] == [], done.stdout


def test_without_a_manifest_the_old_names_stay_theirs(monorepo) -> None:
    """A dependency nobody migrated with termshift: its names are its own, as always."""
    app = monorepo / "app"
    before = (app / "app/worker.py").read_text()
    done = termshift("migrate", cwd=app)
    assert done.returncode == 0, done.stderr
    assert (app / "app/worker.py").read_text() == before


def test_a_manifest_is_a_literal_read_never_run(tmp_path) -> None:
    (tmp_path / manifest.NAME).write_text("import os\nos.remove('x')\nRENAMES = {'format': 1, 'names': {}}\n")
    assert manifest.read(tmp_path / manifest.NAME) == {"format": 1, "names": {}}
    (tmp_path / manifest.NAME).write_text("RENAMES = {'format': 1, 'names': __import__('os').getcwd()}\n")
    assert manifest.read(tmp_path / manifest.NAME) is None
