"""Output formats for `check`: text for people, json for scripts, sarif for
code scanning, github for workflow annotations, gitlab for GitLab's Code
Quality report, junit for CI test reports. Each takes the same Report and
writes to a stream; none of them decides what is a finding."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from ..lint import Result

if TYPE_CHECKING:
    from ..shards import Shard

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
# The formats a shard's report can be merged in (merging.py): each says which shard it is.
MERGEABLE = ("json", "sarif", "gitlab")
SHARD_KEY = "termshift_shard"  # where a shard's report keeps what merging needs


@dataclass(repr=False, eq=False)
class Sharding:
    """A `check --shard` report's own facts: which shard, of which run, and the order of its parts."""

    shard: Shard
    run: str  # the same in every shard of one run (checking._run_key)
    stale: list[int]  # each stale baseline entry's position in the baseline


@dataclass(repr=False, eq=False)
class Report:
    """A check's result with what every format needs to print paths its reader can open."""

    result: Result
    cwd: Path
    repository: Path  # the folder SARIF and GitHub paths are relative to
    fixed: int = 0  # findings `--fix` removed before this report
    sharding: Sharding | None = None  # `check --shard`: the report is one shard's
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

    def shard_record(self, format: str) -> dict | None:
        """What `merge-reports` needs of a shard's report, beside the findings; None unsharded.

        `paths` are the files with findings, in the report's order, as the project names them (the
        order the unsharded report sorts them in, whatever each format shows): a file's findings are
        all in one shard, so the merged report is the shards' files put back in that order."""
        sharding = self.sharding
        if sharding is None:
            return None
        from .. import __version__

        paths: list[str] = []
        for finding in self.result.findings:
            if not paths or paths[-1] != finding.path:
                paths.append(finding.path)
        return {"tool": "termshift", "version": __version__, "format": format, "shard": str(sharding.shard),
                "run": sharding.run, "failing": self.result.failing_count, "paths": paths,
                "stale": sharding.stale}


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
