"""Output formats for `check`: text for people, json for scripts, sarif for
code scanning, github for workflow annotations, gitlab for GitLab's Code
Quality report, junit for CI test reports. Each takes the same Report and
writes to a stream; none of them decides what is a finding."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from ..lint import Result

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


@dataclass(repr=False, eq=False)
class Report:
    """A check's result with what every format needs to print paths its reader can open."""

    result: Result
    cwd: Path
    repository: Path  # the folder SARIF and GitHub paths are relative to
    fixed: int = 0  # findings `--fix` removed before this report
    _from_cwd: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def from_cwd(self, path: str) -> str:
        """A root-relative path as seen from the current directory (json, text)."""
        known = self._from_cwd.get(path)
        if known is None:  # once per file: a dense tree has thousands of findings in a few hundred files
            known = self._from_cwd[path] = Path(os.path.relpath(self.result.root / path, self.cwd)).as_posix()
        return known

    def from_repository(self, path: str) -> str:
        """A root-relative path as seen from the repository's top (sarif, github, gitlab, junit)."""
        absolute = self.result.root / path
        try:
            return absolute.relative_to(self.repository).as_posix()
        except ValueError:
            return Path(os.path.relpath(absolute, self.repository)).as_posix()


def repository_of(root: Path) -> Path:
    """roots.repository_of, for paths: SARIF and GitHub output name files from the git checkout."""
    from .. import roots

    return Path(roots.repository_of(str(root)))


def writer(name: str) -> Callable[[Report, TextIO, TextIO], None]:
    if name == "json":
        from .jsonfmt import write
    elif name == "sarif":
        from .sarif import write
    elif name == "github":
        from .github import write
    elif name == "gitlab":
        from .gitlab import write
    elif name == "junit":
        from .junit import write
    else:
        from .text import write
    return write
