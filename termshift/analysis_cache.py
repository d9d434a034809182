"""The cache, as the analysis uses it: module summaries, string facts, and each file's findings.

cache.py keeps entries; this says what they are keyed by. A module's summary and
its string facts are functions of its bytes (and its name and place); a file's
findings also depend on the whole project, so their key holds a fingerprint of
it (configuration, module layout, the content of every module that mentions
the term), and an entry is used only while the other modules and third-party
sources it consulted are as they were.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import replay

if TYPE_CHECKING:
    from .cache import Cache
    from .config import Config
    from .workspace import Workspace
    from .project import Project


class AnalysisCache:
    """The cache, as the analysis uses it: module summaries, string facts, and each file's findings."""

    def __init__(self, cache: "Cache", workspace: Workspace, project: Project, config: Config,
                 mentioning: list[Path], unwritten: frozenset[Path] = frozenset(),
                 digests: dict[Path, str] | None = None, search_path: tuple[str, ...] = ()) -> None:
        from .cache import digest

        self.cache = cache
        self.workspace = workspace
        self.project = project
        self._digest = digest
        self._digests: dict[Path, str] = dict(digests or {})  # the pre-filter's, of the bytes it read
        parts = [config.fingerprint(), str(project.root), " ".join(sorted(project.top_level)), repr(search_path)]
        parts += [f"{name}={workspace.relative(path)}" for name, path in sorted(project.modules.items())]
        parts += [f"{workspace.relative(path)}:{self.digest(path)}" for path in mentioning]
        # A file's findings in a migration of part of the project depend on which part (analyze's `rewriting`).
        parts += sorted(f"unwritten:{workspace.relative(path)}" for path in unwritten)
        self.project_key = cache.key("project", *parts)
        self.needles = repr(config.vocabulary().needles)

    def digest(self, path: Path) -> str:
        known = self._digests.get(path)
        if known is None:
            data = self.workspace.read(path)
            known = self._digests[path] = "" if data is None else self._digest(data)
        return known

    # -- summaries (Index.store) ----------------------------------------------

    def _summary_key(self, name: str, path: Path) -> str | None:
        digest = self.digest(path)
        return self.cache.key("summary", name, str(path), digest) if digest else None

    def load(self, name: str, path: Path):
        key = self._summary_key(name, path)
        summary = self.cache.load("summaries", key) if key else None
        return summary if summary is not None and summary.name == name else None

    def save(self, name: str, path: Path, summary) -> None:
        key = self._summary_key(name, path)
        if key:
            self.cache.store("summaries", key, summary)

    # -- string facts ---------------------------------------------------------

    def strings(self, path: Path):
        digest = self.digest(path)
        return self.cache.load("strings", self.cache.key("strings", self.needles, digest)) if digest else None

    def save_strings(self, path: Path, facts) -> None:
        digest = self.digest(path)
        if digest:
            self.cache.store("strings", self.cache.key("strings", self.needles, digest), facts)

    # -- which computed-lookup files reach nothing (lookup_reach.py) -------------

    def reach(self):
        return self.cache.load("reach", self.cache.key("reach", self.project_key))

    def save_reach(self, remembered) -> None:
        self.cache.store("reach", self.cache.key("reach", self.project_key), remembered)

    # -- findings ---------------------------------------------------------------

    def _findings_key(self, path: Path) -> str:
        module = self.project.module_of.get(path, path.stem)
        return self.cache.key("findings", self.project_key, self.workspace.relative(path), module, self.digest(path))

    def _module_state(self, module: str) -> tuple[str, str, str]:
        path = self.project.modules.get(module)
        if path is None:
            return (module, "", "")
        return (module, self.workspace.relative(path), self.digest(path))

    def findings(self, path: Path) -> tuple | None:
        entry = self.cache.load("findings", self._findings_key(path))
        if not isinstance(entry, dict):
            return None
        try:
            for state in entry["modules"]:
                if self._module_state(state[0]) != state:
                    return None
            for source, size, mtime in entry["sources"]:
                stat = os.stat(source)
                if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
                    return None
        except (OSError, KeyError, TypeError, ValueError, IndexError):
            return None
        if replay.observing is not None:
            replay.observing.files.update(source for source, _, _ in entry["sources"])
        return entry["outcome"]

    def save_findings(self, path: Path, outcome: tuple) -> None:
        modules: tuple = ()
        sources: list[tuple[str, int, int]] = []
        if outcome[0] == "sites":
            modules = tuple(self._module_state(module) for module in outcome[3])
            try:
                for source in outcome[4]:
                    stat = os.stat(source)
                    sources.append((source, stat.st_size, stat.st_mtime_ns))
            except OSError:
                return
        self.cache.store("findings", self._findings_key(path),
                         {"modules": modules, "sources": sources, "outcome": outcome[:3]})
