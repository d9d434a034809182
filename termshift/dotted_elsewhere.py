"""Dotted paths to the project's code in its other text files, renamed with what they name.

`storage = app.storage.MemoryJobStorage` in an INI file, `handler: app.jobs:run`
in YAML, `"app.jobs.Job"` in JSON: code imports these paths at run time, so
they must follow the rename. When every part of such a path resolves — its
module part to a module of the project, each name after it to a definition
there (a module-level name, then members of its classes) — the parts the plan
renames are renamed in the file too, as sites of their own that move with
their names (and are withdrawn with them). A path that doesn't resolve whole
is left to the accounting, which keeps the names it spells.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from .sites import Action, Role, Site

# `app.storage.MemoryJobStorage`, `app.jobs:run` (entry-point style), at word boundaries.
_DOTTED = re.compile(r"(?<![\w.:])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?(?![\w])")
NOTE = "a dotted path to the project's code in a file that isn't Python"


def sites(texts: Iterable[tuple[str, str]], modules: dict[str, str], chosen: Iterable[Site],
          moves: list[tuple[str, str]], members) -> dict[str, list[Site]]:
    """Per file, the rename sites of the dotted paths in `texts` (relative path, text) that resolve whole.

    `modules` maps dotted module names to their relative paths; `chosen` are the plan's renames;
    `moves` its module moves; `members(module, qualname)` the names defined at that place
    (a module's symbols for qualname "", a class's members otherwise), or None if unknown."""
    renamed_definitions: dict[tuple[str, str, str], Site] = {}  # (file, scope, old) -> the definition's site
    for site in chosen:
        if site.role is Role.DEFINITION and not site.local:
            renamed_definitions.setdefault((site.path, site.scope, site.old), site)
    moved = {old: new for old, new in moves}
    found: dict[str, list[Site]] = {}
    for path, text in texts:
        for number, line in enumerate(text.splitlines(), 1):
            for match in _DOTTED.finditer(line):
                for site in _resolve(path, number, match, modules, renamed_definitions, moved, members):
                    found.setdefault(path, []).append(site)
    return found


def _resolve(path: str, number: int, match: re.Match, modules: dict[str, str],
             definitions: dict[tuple[str, str, str], Site], moved: dict[str, str], members) -> list[Site]:
    token = match.group()
    parts = re.split(r"([.:])", token)
    names = parts[0::2]
    starts = []
    at = match.start()
    for index, name in enumerate(names):
        starts.append(at)
        at += len(name) + (1 if index < len(names) - 1 else 0)
    # The module part: the longest prefix that is one of the project's modules (before a `:`, all of it).
    colon = token.find(":")
    limit = len(token[:colon].split(".")) if colon >= 0 else len(names)
    depth = next((size for size in range(limit, 0, -1) if ".".join(names[:size]) in modules), 0)
    if depth == 0 or (colon >= 0 and depth != limit):
        return []
    module = ".".join(names[:depth])
    file = modules[module]
    out: list[Site] = []
    # Module parts move with their files and folders.
    for index in range(depth):
        prefix = ".".join(names[: index + 1])
        owner = modules.get(prefix)
        if owner is None:
            return []
        folder = str(Path(owner).parent) if Path(owner).name == "__init__.py" else owner
        new = moved.get(folder)
        if new is not None:
            new_name = Path(new).stem if new.endswith((".py", ".pyi")) else Path(new).name
            out.append(_site(path, number, starts[index], names[index], new_name, "module"))
    # Then each name inside: defined at that place, renamed where the plan renames its definition.
    scope = ""
    for index in range(depth, len(names)):
        name = names[index]
        defined = members(module, scope)
        if defined is None or name not in defined:
            return []  # not resolved whole: the accounting decides
        definition = definitions.get((file, scope, name))
        if definition is not None:
            out.append(_site(path, number, starts[index], name, definition.new, definition.kind))
        scope = f"{scope}.{name}" if scope else name
    return out


def _site(path: str, line: int, column: int, old: str, new: str, kind: str) -> Site:
    return Site(path, line, column, line, column + len(old), old, new, kind, Role.STRING, Action.RENAME, NOTE)
