"""Prove a plan before anything is written: analyse the planned tree, compare what names resolve to.

The finder ties each use to a definition, and the accounting (accounting.py)
holds back every spelling it can't account for. Both reason about the tree as
it is. This module asks the question the other way round, about the tree as it
would be: the planned texts are laid out in a temporary folder and analysed
again, with the same finder, in both directions at once (the old term and the
new one), and each identifier the finder saw is looked up where the plan puts it.

- A use the plan renames must still be tied to the project's own definition
  under its new name. If the finder, reading the planned tree, finds it
  unresolved or owned by a third party, the rename guessed.
- A use the plan keeps that was tied to a definition must still be. If it no
  longer is, its definition moved without it. So must a kept use of a
  function's local the finder could not tie (handed to a registry keyed by
  `__name__`): the local must still be there under that name.

Either way the spelling is withdrawn (kept everywhere, with the reason) and the
plan is made again, until the planned tree resolves as the original did. Only
what the analysis can see is judged: strings and prose are the accounting's.

A reference to a renamed name spells the term, old or new, so re-analysing the
files that mention either term covers the files the plan changes and every file
that refers to them — the rest of the project is read only when a name leads there.
Of those, every module is summarised, so the planned tree's project-wide facts are
the ones a whole analysis finds (a module the plan neither rewrites nor moves keeps
the summary the first analysis made of it); but only the files holding a site the
comparison judges are searched: no other file's sites are ever looked at. The
planned texts are parsed by that analysis, not once more before it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping

from . import engine, files, planning, rewrite
from . import planned as planned_tree
from .accounting import PARAM
from .config import Config
from .index import ModuleSummary, pack_summary, unpack_summary, worth_packing
from .manifest import NOTE as UPSTREAM
from .sites import Action, Site
from .summary import mangled_parts
from .vocabulary import Term

_JUDGED_ROLES = planned_tree.JUDGED_ROLES
_TIED = frozenset({Action.RENAME, Action.REFUSED})

# Each round withdraws at least one more name; then each name a round withdrew is tried back (a
# call whose callee broke breaks its keywords too, which are fine once the callee is kept).
ROUNDS = 4
RETRIES = 8


def proven_keep(analysis: engine.Analysis, config: Config, stages: Iterable[str],
                keep: Mapping[str, str] | None = None, *, workers: int = 1, progress=None) -> dict[str, str]:
    """The names (and why) to keep so that the plan of `stages` resolves in the planned tree as in the
    original: `keep` plus what the planned tree shows broken, one round of re-analysis at a time."""
    stages = tuple(stages)
    kept = dict(keep or {})

    def broken_with(names: Mapping[str, str]) -> dict[str, str]:
        return breaks(analysis, planning.plan(analysis, stages, names), config, workers=workers, progress=progress)

    withdrawn: list[str] = []
    for _ in range(ROUNDS):
        fresh = {name: reason for name, reason in broken_with(kept).items() if name not in kept}
        if not fresh:
            break
        kept.update(fresh)
        withdrawn += sorted(fresh)
    else:
        return kept  # still moving after every round: keep all it found, nothing is tried back
    if len(withdrawn) > 1:
        for name in withdrawn[:RETRIES]:
            trial = {other: reason for other, reason in kept.items() if other != name}
            if not broken_with(trial):
                kept = trial
    return kept


def breaks(analysis: engine.Analysis, the_plan: planning.Plan, config: Config, *, workers: int = 1,
           progress=None) -> dict[str, str]:
    """The spellings whose planned renames leave an identifier resolving differently, each with a reason."""
    if not the_plan.edits and not the_plan.moves:
        return {}
    # The renames alone (compat code only adds names), not parsed here: the analysis parses them.
    outcome = rewrite.apply(analysis, the_plan, write=False, validate=False)
    if outcome.failures:
        return {}  # nothing can be written anyway; the run reports why
    judged = _judged(analysis, the_plan, outcome)
    renamed_files = outcome.renamed_files
    texts = {path: new for path, (_, new) in outcome.changed.items() if path.endswith((".py", ".pyi"))}
    if not judged:
        return {}  # no use the finder ties is renamed, nor tied where a rename could move it
    both = _both_ways(config, analysis.index.search_path)
    folder = tempfile.mkdtemp(prefix="termshift-proof-")
    try:
        planned = Path(folder).resolve() / "tree"
        recoded = _lay_out(analysis, outcome, planned)
        known = _Known.of(analysis, outcome, planned, both.vocabulary().needles)
        # The whole planned tree is the context (its index is the one a full analysis builds); only the
        # files `_compare` reads are searched, each only if the walk finds it too. Packaging metadata is
        # read whenever a file under the root is named; with none, the tree is analysed whole.
        searched = [path for path in files.discover(planned, [planned], analysis.exclude)
                    if path.relative_to(planned).as_posix() in judged]
        after = planned_tree.analyse(planned, searched, both, known, workers=workers, progress=progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not _parse(texts, renamed_files, recoded, after):
        return {}  # as `apply` will find: nothing can be written; the run reports why
    return _compare(analysis, the_plan, renamed_files, after)


def _parse(texts: Mapping[str, str], renamed_files: Mapping[str, str], recoded: set[str],
           after: planned_tree.Planned) -> bool:
    """Do the planned texts of Python files all parse, as `apply` requires? The analysis parsed every
    one it searched or summarised, as it was laid out; the others (and any written in another
    encoding than the file's) are parsed here."""
    return all(rewrite.validate_text(text) for path, text in texts.items()
               if renamed_files.get(path, path) not in after.parsed or path in recoded)


def _judged(analysis: engine.Analysis, the_plan: planning.Plan, outcome: rewrite.Outcome) -> set[str]:
    """The planned paths of the files holding a site `_compare` judges: a use the finder ties, or one
    the plan renames. Every other file's sites in the planned tree are never looked at."""
    judged = set()
    for path, sites in analysis.sites.items():
        edited = {site.key() for site in the_plan.edits.get(path, ())}
        if any(_is_judged(site) and (site.action in _TIED or _names_a_local(site) or site.key() in edited)
               for site in sites):
            judged.add(outcome.renamed_files.get(path, path))
    return judged


def _is_judged(site: Site) -> bool:
    return site.role in _JUDGED_ROLES and site.line == site.end_line


def _names_a_local(site: Site) -> bool:
    """Does the site name a function's local, though the finder could not tie it (a local handed to
    a registry keyed by `__name__`)? Kept, it must still name one in the planned tree."""
    return bool(site.local) and not site.local.startswith(PARAM) and site.action not in _TIED


def _both_ways(config: Config, search_path: tuple[str, ...]) -> Config:
    """The project's configuration, finding the old term and the new one: old spellings left in the
    planned tree and new ones written into it are both tied (or not) to their definitions; its
    third parties read where the project's were (its own environment's among them)."""
    back = tuple(Term(term.new, term.old, term.new_plural, term.old_plural) for term in config.terms)
    olds = {term.old for term in config.terms}
    return dataclasses.replace(
        config,
        terms=(*config.terms, *(term for term in back if term.old not in olds)),
        search_path=search_path,
        source=None,
    )


def _lay_out(analysis: engine.Analysis, outcome: rewrite.Outcome, planned: Path) -> set[str]:
    """Every file the analysis can read, at its planned path with its planned text; unchanged ones
    linked where the file system allows (they are only read). Returns the changed files whose text
    the file's encoding can't hold, written as UTF-8."""
    recoded: set[str] = set()
    root = analysis.root
    paths = files.discover(root, [root], analysis.exclude)
    paths += [root / name for name in files.PROJECT_MARKERS if (root / name).is_file()]
    paths += [root / relative for relative in outcome.changed]
    done: set[Path] = set()
    for path in paths:
        if path in done or not path.is_file():
            continue
        done.add(path)
        relative = path.relative_to(root).as_posix()
        target = planned / outcome.renamed_files.get(relative, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in outcome.changed:
            source = analysis.sources.get(relative)
            like = source if source is not None else files.read_source(path)
            try:
                target.write_bytes(files.encode_source(target, outcome.changed[relative][1], like))
            except files.SourceError:
                target.write_text(outcome.changed[relative][1], encoding="utf-8")
                recoded.add(relative)
            continue
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    return recoded


def _compare(analysis: engine.Analysis, the_plan: planning.Plan, renamed_files: Mapping[str, str],
             after: planned_tree.Planned) -> dict[str, str]:
    broken: dict[str, str] = {}
    for path, sites in analysis.sites.items():
        planned_path = renamed_files.get(path, path)
        # One file at a time, positions as single ints: a huge module's sites are held three times here.
        edits = the_plan.edits.get(path, ())
        edited = {_at(site.line, site.column) for site in edits}
        shifts = _shifts(edits)
        del edits
        found = {_at(site.line, site.column): site for site in after.sites(planned_path)}
        for site in sites:
            if not _is_judged(site) or site.old in broken:
                continue
            column = site.column + sum(delta for at, delta in shifts.get(site.line, ()) if at < site.column)
            twin = found.get(_at(site.line, column))
            if _at(site.line, site.column) in edited:
                if twin is None or twin.old != site.new or twin.action in _TIED:
                    continue  # still tied (or not a use the finder judges)
                if twin.action is Action.EXTERNAL and site.note.startswith(UPSTREAM):
                    continue  # a dependency's old name, now its new one: the dependency's, as it should be
                broken[site.old] = (f"{site.old!r} is kept everywhere: renamed, {site.new!r} at "
                                    f"{planned_path}:{site.line} would no longer name the project's "
                                    f"definition ({_what(twin)})")
            elif site.action in _TIED:
                if twin is None or twin.old != site.old or twin.action in _TIED:
                    continue
                broken[site.old] = (f"{site.old!r} is kept everywhere: {path}:{site.line} would keep the "
                                    f"name while what it names moves ({_what(twin)})")
                for part in mangled_parts(site.old) or ():
                    # `_BaseJob__handle` kept is only still `self.__handle` of `BaseJob` if both keep theirs.
                    broken.setdefault(part, f"{part!r} is kept everywhere: {path}:{site.line} spells it in "
                                            f"{site.old!r}, the name Python gives a private name outside its class")
            elif _names_a_local(site):
                if twin is None or twin.old != site.old or twin.local:
                    continue
                broken[site.old] = (f"{site.old!r} is kept everywhere: {path}:{site.line} would keep the "
                                    "name while the function's local it names moves")
    return broken


class _Known:
    """A cache, as `engine.analyze` reads one, holding what the first analysis made that the planned
    tree can't change: the summary of each module whose file the plan neither rewrites nor moves (a
    function of the module's bytes, name and place; analysis_cache.py asks by all three), and, for the
    bytes that quote neither term, their share of the string facts, which is empty. Everything else
    is made again; nothing is kept."""

    _EMPTY = (frozenset(), {})  # a share of the string facts that adds nothing (engine._string_facts)

    def __init__(self, summaries: dict[tuple[str, str, str], ModuleSummary | bytes], quiet: set[str]) -> None:
        self.summaries = summaries  # (module name, planned path, digest of its bytes) -> summary
        self.quiet = quiet  # digests of the bytes that quote neither term

    @classmethod
    def of(cls, analysis: engine.Analysis, outcome: rewrite.Outcome, planned: Path,
           needles: tuple[bytes, ...]) -> "_Known":
        from .cache import digest

        summaries: dict[tuple[str, str, str], ModuleSummary] = {}
        quiet: set[str] = set()
        for name, summary in analysis.index.made():
            path = analysis.project.modules.get(name)
            if path is None or not path.is_relative_to(analysis.root):
                continue
            relative = path.relative_to(analysis.root).as_posix()
            if relative in outcome.changed or relative in outcome.renamed_files:
                continue
            try:
                data = files._read_all(planned / relative)
            except OSError:
                continue
            key = digest(data)
            moved = dataclasses.replace(summary, path=str(planned / relative))
            packs = analysis.index.packing and worth_packing(moved)
            summaries[(name, str(planned / relative), key)] = pack_summary(moved) if packs else moved
            try:
                text = files.decode_source(path, data).text
            except files.SourceError:
                continue
            if not engine.quotes_the_term(text, needles):
                quiet.add(key)
        return cls(summaries, quiet)

    def key(self, *parts: str) -> tuple[str, ...]:
        return parts

    def load(self, kind: str, key: tuple[str, ...]):
        if kind == "summaries":
            summary = self.summaries.get(key[1:])
            return unpack_summary(summary) if type(summary) is bytes else summary
        if kind == "strings":
            return self._EMPTY if key[-1] in self.quiet else None
        return None  # a file's findings: searched

    def store(self, kind: str, key: tuple[str, ...], value) -> None:
        pass

    def prepare(self) -> None:
        pass


def _at(line: int, column: int) -> int:
    return line << 24 | column  # no line of Python source is 16 million characters wide


def _shifts(edits: Iterable[Site]) -> dict[int, list[tuple[int, int]]]:
    """Per line, where each splice starts and how much it moves what follows it on that line."""
    shifts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for site in edits:
        shifts[site.line].append((site.column, len(site.new) - len(site.old)))
    return shifts


def _what(site: Site) -> str:
    """What the finder made of the name in the planned tree."""
    if site.action is Action.EXTERNAL:
        return "the planned tree, analysed again, ties it to a third-party name"
    return "the planned tree, analysed again, can't tie it to a definition"
