"""The project: its root, its modules, and so what is first-party.

First-party is decided from the project root, never from the PATH arguments,
so `termshift migrate tests` still knows that `from app.jobs import Job` names
the project's own class.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

_INITS = ("__init__.py", "__init__.pyi")
_SUFFIXES = (".py", ".pyi")
# Marks, in `_module_names`' second result, a name from the root through namespace packages alone:
# whether the project imports its package by it (`google.cloud.bigquery`) or by the name its
# regular packages give (`pkg`, of a vendored `vendor/ns/pkg/`) is told by its text (`Project.build`).
_WHOLE = "\0"
# How much text is read, at most, for that evidence.
_EVIDENCE_BYTES = 32 << 20


def _is_package_dir(folder: str, cache: dict[str, bool]) -> bool:
    known = cache.get(folder)
    if known is None:
        known = cache[folder] = any(os.path.isfile(os.path.join(folder, init)) for init in _INITS)
    return known


def module_names(root: Path, path: Path, cache: dict[str, bool]) -> list[str]:
    """The names a file can be imported as: by its packages, and by its path from the root.

    Two names because a folder without `__init__.py` may be a namespace package
    (`app/jobs.py` imported as `app.jobs`) or a plain directory on sys.path
    (`tests/test_jobs.py` imported as `test_jobs`) — and more between them where
    a regular package sits deeper below such folders (`_namespace_names`). Worked
    out on strings: a project has thousands of files, and pathlib's operations
    cost more than the rest.
    """
    return _module_names(root, path, cache)[0]


def _module_names(root: Path, path: Path, cache: dict[str, bool]) -> tuple[list[str], dict[str, str]]:
    """`module_names`, and those of them that go through a namespace package short of the root,
    each with the package of ours it names inside the namespace (`radical.saga.job` -> `radical.saga`)."""
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
    through = _namespace_names(top, folder, parts) if parts and folder != top and (
        len(parts) > 1 or stem == "__init__") else []
    namespaced = {name: ".".join(name.split(".")[:name.count(".") - names[0].count(".") + 1]) for name in through}
    if through and text.startswith(os.path.join(top, "src", "")):
        # The src layout: `src` is what is on the path, so `src/radical/saga/job.py` is `radical.saga.job`,
        # never `saga.job` (that would need `src/radical` on the path).
        names = through[-1:]
        namespaced = {names[0]: namespaced[names[0]]}
    else:
        names += through
    prefix = top if top.endswith(os.sep) else top + os.sep
    if not text.startswith(prefix):
        return names, namespaced
    rel_parts = text[len(prefix):].rpartition(".")[0].split(os.sep) if "." in filename else text[len(prefix):].split(os.sep)
    if rel_parts and rel_parts[-1] == "__init__":
        rel_parts.pop()
    if rel_parts and all(part.isidentifier() for part in rel_parts):
        dotted = ".".join(rel_parts)
        if dotted not in names:
            if through and not names[0].startswith(_WHOLE) and _namespace_chain(top, folder, cache):
                # `google/cloud/bigquery/job.py`: the folders above the package hold packages and
                # nothing else, as namespace packages do (`tests/` with its conftest.py holds modules).
                namespaced[dotted] = _WHOLE + ".".join(dotted.split(".")[:dotted.count(".") - names[0].count(".") + 1])
            names.append(dotted)
    return [name for name in names if name], namespaced


def _imported_whole(packages: dict[str, list[tuple[Path, str]]], files: list[Path]) -> set[str]:
    """Of packages below namespace folders (`google.cloud.bigquery`), those the project's text
    imports or names by that name (`from google.cloud import bigquery`, `"google.cloud.bigquery.x"`):
    their modules are known by it first. Their own files are read first; the reading stops once
    each is told, or past `_EVIDENCE_BYTES`."""
    if not packages:
        return set()
    patterns = {}
    for package in packages:
        prefix, _, last = package.rpartition(".")
        patterns[package] = re.compile(
            rb"(?<![\w.])" + re.escape(package.encode()) + rb"(?![\w])|\bfrom[ \t]+" + re.escape(prefix.encode())
            + rb"[ \t]+import[ \t(][^\n]*\b" + re.escape(last.encode()) + rb"\b")
    own = {path for modules in packages.values() for path, _ in modules}
    found: set[str] = set()
    budget = _EVIDENCE_BYTES
    for path in sorted(files, key=lambda path: path not in own):
        if len(found) == len(patterns) or budget <= 0:
            break
        if not path.name.endswith(_SUFFIXES):
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read(budget)
        except OSError:
            continue
        budget -= len(data)
        found.update(package for package, pattern in patterns.items()
                     if package not in found and pattern.search(data))
    return found


def _namespace_chain(top: str, folder: str, cache: dict[str, bool]) -> bool:
    """Do `folder` and every folder above it short of `top` hold no module of their own?"""
    while folder != top and folder.startswith(top):
        key = "\0modules:" + folder
        holds = cache.get(key)
        if holds is None:
            try:
                with os.scandir(folder) as entries:
                    holds = any(entry.name.endswith(_SUFFIXES) and entry.is_file() for entry in entries)
            except OSError:
                holds = True
            cache[key] = holds
        if holds:
            return False
        folder = os.path.dirname(folder)
    return folder == top


def _namespace_names(top: str, folder: str, parts: list[str]) -> list[str]:
    """The names a regular package's module has through the folders above it that have no
    `__init__.py`: each may be a PEP 420 namespace package (`src/radical/saga/job.py` is
    `radical.saga.job` when `src` is on the path) short of the project root (whose name
    `module_names` gives anyway)."""
    names = []
    parts = list(parts)
    while True:
        folder, name = os.path.split(folder)
        if folder == top or not name or not name.isidentifier() or not folder.startswith(top):
            return names
        parts.insert(0, name)
        names.append(".".join(parts))


@dataclass
class Project:
    """The first-party module layout: which names are ours, and which file each module is."""

    root: Path
    modules: dict[str, Path] = field(default_factory=dict)
    module_of: dict[Path, str] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    top_level: set[str] = field(default_factory=set)
    # A namespace package's name -> the packages of ours inside it (`radical` -> {`radical.saga`}):
    # the namespace itself is shared (`radical.utils` is someone else's), so it is no top level of ours.
    namespaces: dict[str, set[str]] = field(default_factory=dict)
    _submodules: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    _file_stems: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, root: Path, files: Iterable[Path], first_party: Iterable[str] = ()) -> "Project":
        project = cls(root=root)
        cache: dict[str, bool] = {}
        files = list(files)
        whole: dict[str, list[tuple[Path, str]]] = {}  # a package named from the root -> its modules so named
        for path in files:
            if not path.name.endswith(_SUFFIXES):
                continue
            names, namespaced = _module_names(root, path, cache)
            if not names:
                continue
            for name, package in list(namespaced.items()):
                if package.startswith(_WHOLE):
                    namespaced[name] = package = package[len(_WHOLE):]
                    whole.setdefault(package, []).append((path, name))
            project.module_of[path] = names[0]
            for name in names:
                existing = project.modules.get(name)
                # A .py beats a .pyi stub of the same module.
                if existing is None or existing.name.endswith(".pyi"):
                    project.modules[name] = path
                if path.name in _INITS:
                    project.packages.add(name)
                if name in namespaced:  # `radical.saga.job`: ours is `radical.saga`, not all of `radical`
                    project.namespaces.setdefault(name.split(".", 1)[0], set()).add(namespaced[name])
                else:
                    project.top_level.add(name.split(".")[0])
        project.top_level.update(first_party)
        for package in _imported_whole(whole, files):
            for path, name in whole[package]:
                project.module_of[path] = name
        return project

    def is_first_party(self, dotted: str) -> bool:
        head = dotted.split(".", 1)[0]
        if head in self.top_level:
            return True
        owned = self.namespaces.get(head)
        return owned is not None and any(dotted == name or dotted.startswith(name + ".") for name in owned)

    def top_package(self, module: str) -> str | None:
        """The package of ours at the top of `module`: its first part, or the package a namespace holds
        (`radical.saga` for `radical.saga.job`); None for a module outside any package."""
        head = module.split(".", 1)[0]
        if head in self.packages:
            return head
        for name in self.namespaces.get(head, ()):
            if (module == name or module.startswith(name + ".")) and name in self.packages:
                return name
        return None

    def is_namespace(self, dotted: str) -> bool:
        """Is `dotted` a namespace package (or a part of one) that holds packages of ours?"""
        owned = self.namespaces.get(dotted.split(".", 1)[0])
        return owned is not None and any(name.startswith(dotted + ".") for name in owned)

    def is_module(self, dotted: str) -> bool:
        return dotted in self.modules

    def package_in_namespace(self, namespace: str, name: str) -> str | None:
        """`google.cloud.shop` for `from google.cloud import shop`: a package of ours that a
        namespace shared with others holds; None when `name` is no such package's."""
        dotted = f"{namespace}.{name}"
        return dotted if self.is_namespace(namespace) and dotted in self.modules else None

    def has_module_file(self, stem: str) -> bool:
        """Is `stem` the file name (less `.py`) of one of the project's modules: `mr_filter_job` in a
        command line that runs `mr_filter_job.py`?"""
        if self._file_stems is None:
            self._file_stems = frozenset(path.stem for path in self.modules.values())
        return stem in self._file_stems

    def submodules(self, package: str) -> list[str]:
        """The last names of the package's own modules and packages (`job_done` of `app.handlers`):
        attributes of it once imported, so `getattr(handlers, kind)` may reach them."""
        if self._submodules is None:
            self._submodules = {}
            for name in self.modules:
                parent, _, last = name.rpartition(".")
                if parent:
                    self._submodules.setdefault(parent, []).append(last)
        return self._submodules.get(package, [])

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
