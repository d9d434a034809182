"""Where a project and its git checkout begin, and paths relative to them, found on plain strings.

Both the command line and the replay of an unchanged run (replay.py, which
answers before pathlib or the engine are imported) need the same answers, so
they live here, with nothing heavier than `os` to import.
"""

from __future__ import annotations

import os

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def find_root(start: str) -> str:
    """The nearest ancestor (or start itself, if a folder; its folder, if a file) holding one of PROJECT_MARKERS.

    Exclude patterns and .gitignore paths are relative to the project, so the
    root has to be found the way users think of it: the nearest folder that
    looks like a project. Without any marker the starting folder is used,
    which keeps a bare folder of scripts usable.
    """
    real = here = os.path.realpath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    # A path through a symlink is judged where it sits, not where it points: a link inside a
    # project to a file elsewhere must not make that elsewhere the root (and so the place written to).
    absolute = os.path.abspath(start)
    if real != absolute:
        sits = absolute if os.path.isdir(absolute) and not os.path.islink(absolute) else os.path.dirname(absolute)
        found = _nearest(sits, PROJECT_MARKERS)
        if found is not None:
            return os.path.realpath(found)
    found = _nearest(here, PROJECT_MARKERS)
    return here if found is None else found


def marks_a_project(names: set[str] | frozenset[str], folder: str | None = None) -> bool:
    """Whether a folder holding these entries is a project's root (`_marks`, on a listing already made).
    With `folder`, a pyproject.toml that is its only mark must declare a project or termshift's
    settings: one holding a tool's settings alone (`[tool.mypy]` beside a test suite's fixtures)
    marks no project."""
    if "setup.cfg" in names or ".git" in names or ("setup.py" in names and "__init__.py" not in names):
        return True
    if "pyproject.toml" not in names:
        return False
    return folder is None or declares_a_project(os.path.join(folder, "pyproject.toml"))


# The tables of a pyproject.toml that make its folder a project: packaging metadata, a build, termshift's own.
_PROJECT_TABLES = ("[project]", "[build-system]", "[tool.poetry]", "[tool.termshift]", "[tool.setuptools",
                   "[tool.hatch", "[tool.flit", "[tool.pdm", "[tool.uv")


def declares_a_project(pyproject: str) -> bool:
    try:
        with open(pyproject, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return True
    return any(line.strip().startswith(_PROJECT_TABLES) for line in text.splitlines())


def repository_of(root: str) -> str:
    """The nearest folder holding .git (CI checks out there); the project root otherwise."""
    found = _nearest(root, (".git",))
    return root if found is None else found


def _nearest(folder: str, markers: tuple[str, ...]) -> str | None:
    """The nearest folder a marker marks; one whose only mark is a pyproject.toml of a tool's
    settings alone (`marks_a_project`) only when no folder above it is marked."""
    candidate = folder
    settings_only = None
    while True:
        marked = [marker for marker in markers if _marks(candidate, marker)]
        if marked:
            if marked != ["pyproject.toml"] or declares_a_project(os.path.join(candidate, "pyproject.toml")):
                return candidate
            settings_only = settings_only or candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return settings_only
        candidate = parent


def _marks(folder: str, marker: str) -> bool:
    """A `setup.py` inside a package is one of its modules, not a project's setup script."""
    if not os.path.exists(os.path.join(folder, marker)):
        return False
    return marker != "setup.py" or not os.path.exists(os.path.join(folder, "__init__.py"))


def relative_posix(root: str, path: str) -> str:
    """`Path(path).relative_to(root).as_posix()`, or the path itself (with forward slashes)
    outside the root, on strings: asked of every checked file, where pathlib costs more."""
    if path == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    relative = path[len(prefix):] if path.startswith(prefix) else path
    return relative.replace(os.sep, "/") if os.sep != "/" else relative
