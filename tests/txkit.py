"""Helpers for the transaction tests: a generated project, snapshots of trees, termshift as a process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

PYPROJECT = '[project]\nname = "sample"\nversion = "0"\n'
STATE = ".termshift_cache"


def generate(root: Path, modules: int = 40) -> Path:
    """A job-heavy project: a core module, a renamed package, helper modules whose file names carry
    the term, and plain workers importing from them; some files never mention the term."""
    files = {
        "pyproject.toml": PYPROJECT,
        "app/__init__.py": "",
        "app/jobs.py": "class Job:\n    def __init__(self, job_id):\n        self.job_id = job_id\n\n\n"
                       "def submit_job(job: Job) -> Job:\n    return job\n",
        "app/job_store/__init__.py": "from app.job_store.backend import save_job\n",
        "app/job_store/backend.py": "from app.jobs import Job\n\n\ndef save_job(job: Job) -> str:\n"
                                    "    return f\"job:{job.job_id}\"\n",
    }
    for number in range(modules):
        package = f"app/pkg{number % 8}"
        files[f"{package}/__init__.py"] = ""
        if number % 5 == 0:
            files[f"{package}/job_helpers{number}.py"] = (
                f"from app.jobs import Job\n\n\ndef make_job{number}(job_id):\n    return Job(job_id)\n")
            files[f"{package}/user{number}.py"] = (
                f"from app.{package[4:]}.job_helpers{number} import make_job{number}\n\n"
                f"value = make_job{number}({number})\n")
        elif number % 5 == 1:
            files[f"{package}/plain{number}.py"] = f"def area{number}(width, height):\n    return width * height\n"
        else:
            files[f"{package}/worker{number}.py"] = (
                "from app.jobs import Job, submit_job\nfrom app.job_store import save_job\n\n\n"
                f"def run_job{number}(job: Job) -> str:\n    submit_job(job)\n    return save_job(job)\n")
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def snapshot(root: Path, *, state: bool = False) -> dict[str, object]:
    """Every file (content digest and mode), folder and symlink under `root`, bytecode aside;
    the state folder too when `state`."""
    found: dict[str, object] = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name != "__pycache__" and (state or name != STATE)]
        for name in folders:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root) + "/"] = "link" if os.path.islink(path) else "folder"
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            if os.path.islink(path):
                found[relative] = ("link", os.readlink(path))
                continue
            with open(path, "rb") as stream:
                found[relative] = (hashlib.sha256(stream.read()).hexdigest(), os.stat(path).st_mode & 0o7777)
    return found


def termshift(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 120,
              prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "termshift", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=environment)


def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "termshift", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def temporaries(root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in root.rglob("*.termshift-tmp")]
