"""The project: its root, its modules, and so what is first-party.

First-party is decided from the project root, never from the PATH arguments,
so `termshift migrate tests` still knows that `from app.jobs import Job` names
the project's own class.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

_INITS = ("__init__.py", "__init__.pyi")
_SUFFIXES = (".py", ".pyi")


def _is_package_dir(folder: str, cache: dict[str, bool]) -> bool:
    known = cache.get(folder)
    if known is None:
        known = cache[folder] = any(os.path.isfile(os.path.join(folder, init)) for init in _INITS)
    return known


def module_names(root: Path, path: Path, cache: dict[str, bool]) -> list[str]:
    """The names a file can be imported as: by its packages, and by its path from the root.

    Two names because a folder without `__init__.py` may be a namespace package
    (`app/jobs.py` imported as `app.jobs`) or a plain directory on sys.path
    (`tests/test_jobs.py` imported as `test_jobs`). Worked out on strings: a
    project has thousands of files, and pathlib's operations cost more than the rest.
    """
    top, text = str(root), str(path)
    folder, filename = os.path.split(text)
    stem = filename.rpartition(".")[0] or filename
    parts = [] if stem == "__init__" else [stem]
    while folder != top:
        if not _is_package_dir(folder, cache):
            break
        folder, name = os.path.split(folder)
        if not name:  # the top of the file system
            break
        parts.insert(0, name)
    names = [".".join(parts)] if parts else []
    prefix = top if top.endswith(os.sep) else top + os.sep
    if not text.startswith(prefix):
        return names
    rel_parts = text[len(prefix):].rpartition(".")[0].split(os.sep) if "." in filename else text[len(prefix):].split(os.sep)
    if rel_parts and rel_parts[-1] == "__init__":
        rel_parts.pop()
    if rel_parts and all(part.isidentifier() for part in rel_parts):
        dotted = ".".join(rel_parts)
        if dotted not in names:
            names.append(dotted)
    return [name for name in names if name]


@dataclass
class Project:
    """The first-party module layout: which names are ours, and which file each module is."""

    root: Path
    modules: dict[str, Path] = field(default_factory=dict)
    module_of: dict[Path, str] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    top_level: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, root: Path, files: Iterable[Path], first_party: Iterable[str] = ()) -> "Project":
        project = cls(root=root)
        cache: dict[str, bool] = {}
        for path in files:
            if not path.name.endswith(_SUFFIXES):
                continue
            names = module_names(root, path, cache)
            if not names:
                continue
            project.module_of[path] = names[0]
            for name in names:
                existing = project.modules.get(name)
                # A .py beats a .pyi stub of the same module.
                if existing is None or existing.name.endswith(".pyi"):
                    project.modules[name] = path
                if path.name in _INITS:
                    project.packages.add(name)
                project.top_level.add(name.split(".")[0])
        project.top_level.update(first_party)
        return project

    def is_first_party(self, dotted: str) -> bool:
        return dotted.split(".", 1)[0] in self.top_level

    def is_module(self, dotted: str) -> bool:
        return dotted in self.modules

    def resolve_relative(self, current: str, level: int, module: str | None, is_package: bool) -> str:
        """The absolute name of `from .x import y` written in module `current`."""
        return absolute_module(current, level, module, is_package)


def absolute_module(current: str, level: int, module: str | None, is_package: bool) -> str:
    """Resolve a relative import (`level` leading dots) against the importing module."""
    if level == 0:
        return module or ""
    parts = current.split(".")
    base = parts if is_package else parts[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    if module:
        base = base + module.split(".")
    return ".".join(base)
