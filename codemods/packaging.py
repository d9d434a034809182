"""Module names in packaging metadata: entry points and module lists.

`pyproject.toml` and `setup.cfg` name modules in plain text
(`worker = "app.jobs:main"`, `packages = ["app.job_store"]`); a module
rename that missed them would leave an installed console script pointing at
nothing. Python packaging files (`setup.py`) are ordinary code: the finder
reads their strings like any other.
"""

from __future__ import annotations

import re
from pathlib import Path

from termshift.index import OWN, EXTERNAL, Index
from termshift.sites import Action, Role, Site
from termshift.vocabulary import Vocabulary

METADATA_FILES = ("pyproject.toml", "setup.cfg")

_REFERENCE = re.compile(r"(?<![\w.\-/])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?(?![\w\-/])")
_MODULE_LIST_KEY = re.compile(r"^\s*[\"']?(packages|py[-_]modules|include|where)[\"']?\s*=", re.IGNORECASE)


def find_sites(path: str, text: str, index: Index, vocabulary: Vocabulary) -> list[Site]:
    """Sites for every first-party module reference in a metadata file."""
    sites: list[Site] = []
    in_list = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";", "[")):
            in_list = False if stripped.startswith("[") else in_list
            continue
        lists_modules = bool(_MODULE_LIST_KEY.match(line)) or in_list
        in_list = lists_modules and "[" in line and "]" not in line.split("[", 1)[1] or (in_list and "]" not in line)
        for match in _REFERENCE.finditer(line):
            value = match.group()
            if not vocabulary.mentions(value):
                continue
            if "." not in value and ":" not in value and not lists_modules:
                continue
            for offset, part, ref in index.dotted_pieces(value) or ():
                new = vocabulary.rewrite(part)
                if new is None:
                    continue
                action = Action.RENAME if ref.owner == OWN else Action.EXTERNAL if ref.owner == EXTERNAL else Action.UNRESOLVED
                column = match.start() + offset
                sites.append(
                    Site(path, number, column, number, column + len(part), part, new, ref.kind or "module",
                         Role.MODULE_PATH, action, "" if action is not Action.UNRESOLVED else "module reference in packaging metadata")
                )
    return sites


def metadata_files(root: Path) -> list[Path]:
    return [root / name for name in METADATA_FILES if (root / name).is_file()]
