"""The proof's analysis of the planned tree: in this process, or, when the tree is large, in a fresh one.

The proof (proof.py) analyses the planned tree while the run still holds the
first analysis and its plan. On a huge module the two would stack: the planned
tree's analysis alone peaks at about as much again as the first one did. Of
that analysis the proof needs only two things — the judged sites of each file
and which files it parsed — so a large one is made in a fresh Python process
that starts with nothing, and only those come back (the sites packed). Whatever
stops the fresh process (no interpreter to start, killed for memory) leaves the
analysis to this process: the answer is the same, only the memory differs.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import engine, replay
from .config import Config
from .sites import Role, Site
from .sitetable import pack, unpack

# Sites whose meaning the finder decides; literals and prose are judged by the accounting alone.
JUDGED_ROLES = frozenset({Role.DEFINITION, Role.REFERENCE, Role.IMPORT, Role.MODULE_PATH, Role.STRING})

# Bytes of planned source searched from which the analysis runs in a fresh process: starting one
# costs about half a second, which a run this large spends many times over.
APART_FROM = 2_000_000


@dataclass
class Planned:
    """What the proof reads of the planned tree's analysis."""

    judged: dict[str, bytes]  # planned path -> the sites there the proof judges, packed
    parsed: set[str]  # planned paths of the Python files the analysis parsed

    def sites(self, path: str) -> list[Site]:
        blob = self.judged.get(path)
        return unpack(blob) if blob is not None else []


def analyse(planned: Path, searched: list[Path], config: Config, cache, *, workers: int = 1,
            progress: Callable[[int, int], None] | None = None) -> Planned:
    """Analyse the planned tree laid out at `planned`, searching `searched` (all of it when empty)."""
    size = sum(_size(path) for path in searched)
    if size >= APART_FROM and replay.observing is None:  # what an observed run reads is recorded here
        found = _apart((planned, searched, config, cache, workers))
        if found is not None:
            return found
    return _analyse(planned, searched, config, cache, workers, progress)


def _analyse(planned: Path, searched: list[Path], config: Config, cache, workers: int,
             progress: Callable[[int, int], None] | None = None) -> Planned:
    after = engine.analyze(planned, searched or [planned], config, workers=workers, progress=progress,
                           cache=cache, only_named=True)
    judged = {path: pack([site for site in sites if site.role in JUDGED_ROLES])
              for path, sites in after.sites.items()}
    parsed = set(after.sites)
    for name in after.index.made_names():
        path = after.project.modules.get(name)
        if path is not None and path.is_relative_to(after.root):
            parsed.add(path.relative_to(after.root).as_posix())
    return Planned(judged, parsed)


def _apart(arguments: tuple) -> Planned | None:
    """`_analyse(*arguments)` in a fresh interpreter; None when it can't give an answer."""
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(entry for entry in sys.path if entry))
    try:
        done = subprocess.run([sys.executable, "-c", "from termshift.planned import main; main()"],
                              input=pickle.dumps(arguments, pickle.HIGHEST_PROTOCOL),
                              capture_output=True, env=environment, check=False)
    except OSError:
        return None
    if done.returncode != 0:
        return None
    try:
        return pickle.loads(done.stdout)
    except Exception:  # a truncated answer: made again here
        return None


def main() -> None:
    """The fresh process: the arguments come pickled on stdin, the answer goes pickled to stdout."""
    gc.disable()  # as the command runs (launch.py); the engine collects what the search leaves
    planned, searched, config, cache, workers = pickle.load(sys.stdin.buffer)
    found = _analyse(planned, searched, config, cache, workers)
    sys.stdout.buffer.write(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
