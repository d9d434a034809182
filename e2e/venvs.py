"""One virtual environment per project: its pinned test dependencies, then the tree under test.

termshift is never installed here: it runs from the harness's own environment,
as it would from a developer's, and only the project's code and tests run here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import BUILD_TOOLS, Project

# Keep the outside world's Python settings from leaking into the projects' runs.
_DROPPED = ("PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "VIRTUAL_ENV", "PYTHONSTARTUP")


class EnvironmentFailure(Exception):
    pass


def clean_env(venv: Path | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _stamp(project: Project) -> str:
    pins = "\n".join([sys.version, *BUILD_TOOLS, *project.requirements])
    return hashlib.sha256(pins.encode()).hexdigest()


def _run(command: list, log: Path, cwd: Path | None = None, venv: Path | None = None) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(map(str, command))}\n")
        out.flush()
        result = subprocess.run(command, cwd=cwd, env=clean_env(venv), stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise EnvironmentFailure(f"`{' '.join(map(str, command[:4]))} …` exited {result.returncode} (see {log})")


def ensure(project: Project, venvs: Path, log: Path) -> Path:
    """The project's venv, rebuilt only when the pins or the Python version change."""
    venv = venvs / project.name
    stamp = venv / "termshift-e2e.stamp"
    wanted = _stamp(project)
    if stamp.is_file() and stamp.read_text() == wanted and python(venv).exists():
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", venv], log)
    # Exact pins, no resolution: the list is the whole environment.
    _run([python(venv), "-m", "pip", "install", "--quiet", "--no-deps", *BUILD_TOOLS, *project.requirements],
         log, venv=venv)
    stamp.write_text(wanted)
    return venv


def install(venv: Path, tree: Path, log: Path) -> None:
    """(Re)install the tree itself, with the venv's build tools (no isolated build, no network)."""
    _run([python(venv), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
          "--force-reinstall", "."], log, cwd=tree, venv=venv)


def site_packages(venv: Path) -> Path:
    result = subprocess.run([python(venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            env=clean_env(venv), capture_output=True, text=True, check=True)
    return Path(result.stdout.strip())


_LOAD = r"""
import importlib, importlib.metadata as md, json, sys
dist = md.distribution(sys.argv[1])
problems, loaded = [], []
for ep in dist.entry_points:
    try:
        ep.load()
        loaded.append(f"{ep.group}:{ep.name}")
    except Exception as error:
        problems.append(f"entry point {ep.group}:{ep.name} = {ep.value}: {type(error).__name__}: {error}")
tops = set()
for file in dist.files or ():
    first = file.parts[0]
    if first.endswith((".dist-info", ".egg-info", ".data")) or first.startswith(("..", "__")):
        continue
    package = len(file.parts) == 2 and file.parts[1] == "__init__.py"
    if package or (len(file.parts) == 1 and first.endswith(".py")):
        tops.add(first[:-3] if first.endswith(".py") else first)
for module in sorted(tops):
    try:
        importlib.import_module(module)
    except Exception as error:
        problems.append(f"import {module}: {type(error).__name__}: {error}")
print(json.dumps({"entry_points": loaded, "modules": sorted(tops), "problems": problems}))
"""


def load_entry_points(project: Project, venv: Path, log: Path, known: frozenset[str] = frozenset()) -> list[str]:
    """Load every entry point the installed distribution declares and import its top-level modules.

    Runs outside the tree, so what loads is what was installed. `known`: what already failed to
    load from the pristine tree (an entry point of an extra whose requirements the test environment
    doesn't install, `MongoDBJobStore [mongodb]`), which the migration can't be blamed for.
    """
    with tempfile.TemporaryDirectory() as elsewhere:
        result = subprocess.run([python(venv), "-c", _LOAD, project.name], cwd=elsewhere,
                                env=clean_env(venv), capture_output=True, text=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ load entry points of {project.name}\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        return [f"loading the installed distribution failed: {result.stderr.strip().splitlines()[-1:]}"]
    report = json.loads(result.stdout)
    if not report["modules"]:
        return ["the installed distribution has no importable top-level module"]
    return [problem for problem in report["problems"] if _what(problem) not in known]


def _what(problem: str) -> str:
    """`entry point group:name` or `import module`: what failed, without how."""
    return problem.split(" = ", 1)[0] if problem.startswith("entry point ") else problem.split(":", 1)[0]


def entry_point_failures(project: Project, venv: Path, log: Path) -> frozenset[str]:
    """What fails to load from the installed pristine tree: see load_entry_points."""
    return frozenset(_what(problem) for problem in load_entry_points(project, venv, log))
