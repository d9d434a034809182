"""What a run tells the person who started it: summaries on stderr, diffs on stdout."""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from .engine import TYPE_KINDS, Analysis
from .sites import Action

if TYPE_CHECKING:
    from .planning import Plan
    from .rewrite import Outcome


class _Stderr:
    """rich's stderr console, made on first use: a `check --format json` never prints
    through it, and importing rich is a noticeable part of a pre-commit run."""

    _console = None

    def console(self):
        if _Stderr._console is None:
            from rich.console import Console

            _Stderr._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return _Stderr._console

    def __getattr__(self, name: str):
        return getattr(self.console(), name)


err = _Stderr()

_PROGRESS_THRESHOLD = 50  # files: below this a run is too quick to need a bar


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on long runs, when stderr is a terminal; otherwise silent."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import Progress

    with Progress(console=err.console(), transient=True) as bar:
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if total < _PROGRESS_THRESHOLD:
                return
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield update


class Phases:
    """Progress through every step of a run: the step's name with a spinner and the time it has
    taken, and a bar where the step counts files. Silent (every call does nothing) unless stderr
    is a terminal: logs and pipes get the summary alone."""

    def __init__(self, bar=None) -> None:
        self._bar = bar
        self._task = None

    def start(self, label: str) -> None:
        if self._bar is None:
            return
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(label, total=None)

    def update(self, done: int, total: int) -> None:
        if self._bar is not None and self._task is not None and total >= _PROGRESS_THRESHOLD:
            self._bar.update(self._task, completed=done, total=total)

    def stop(self) -> None:
        """Before the output: the display leaves the screen as it found it."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def phases(quiet: bool = False) -> Iterator[Phases]:
    if quiet or not sys.stderr.isatty():
        yield Phases()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err.console(), transient=True) as bar:
        yield Phases(bar)


def location(path: str, line: int, column: int) -> str:
    return f"{path}:{line}:{column + 1}"


SHOWN = 3  # items of each list a summary shows; -v shows them all


@dataclass
class Shown:
    """How much a summary says: `limit` items of each list (None: all), and where the rest went."""

    limit: int | None = SHOWN
    report_file: str | None = None  # --report FILE: every list is there in full
    quiet: bool = False  # the headline and the exit reason alone


def _listed(title: str, lines: list[str], shown: Shown, style: str = "") -> None:
    """A titled list, its first items, and where the others are."""
    if not lines or shown.quiet:
        return
    err.print(f"[{style}]{title}[/]" if style else title, markup=bool(style))
    limit = len(lines) if shown.limit is None else shown.limit
    for line in lines[:limit]:
        err.print(f"  {line}", markup=False)
    rest = len(lines) - limit
    if rest > 0:
        where = (f"all of them are in {shown.report_file}" if shown.report_file
                 else "-v prints them all, --report FILE writes them as JSON")
        err.print(f"  … and {rest} more ({where})", markup=False)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def migrate_summary(analysis: Analysis, plan: Plan, outcome: Outcome, *, wrote: bool,
                    shown: Shown | None = None) -> None:
    """What a run did, to fit a screen: counts by kind and stage, the first items of each list
    and where the rest are; then the headline and, when the run exits 1, why — last, where they
    are read."""
    from . import wire

    shown = shown or Shown()
    renamed = Counter(site.kind for sites in plan.edits.values() for site in sites)
    verb = "changed" if wrote else "would change"
    if renamed and not shown.quiet:
        from rich.table import Table

        from .planning import stage_of

        type_names = {name for name, kinds in analysis.index.defined.items() if kinds & TYPE_KINDS}
        type_names.update(site.old for sites in plan.edits.values() for site in sites if site.kind in TYPE_KINDS)
        payload_names = analysis.payload_names()
        stages = Counter(stage_of(site, type_names, payload_names) for sites in plan.edits.values() for site in sites)
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("renamed")
        table.add_column("sites", justify="right")
        for kind, count in sorted(renamed.items(), key=lambda item: (-item[1], item[0])):
            table.add_row(kind, str(count))
        err.print(table)
        err.print("by stage: " + ", ".join(f"{stage} {stages[stage]}" for stage in STAGE_ORDER if stages[stage]),
                  markup=False)
    found = wire.changes(analysis, plan)
    if found:
        kinds = Counter(change.kind for change in found)
        counts = ", ".join(f"{kinds[kind]} {kind}" for kind in wire.WIRE_KINDS if kinds[kind])
        _listed(f"on the wire: {_plural(len(found), 'literal')} {verb} ({counts}): plan the data migration",
                [f"{change.path}:{change.line}:{change.column}: {change.old} -> {change.new} ({change.stage})"
                 for change in found], shown)
    refusals = sorted(plan.refusals, key=lambda refusal: (refusal.path, refusal.line, refusal.column, refusal.old,
                                                           refusal.reason))
    kept = _kept(refusals)
    _listed(f"refused: {kept}",
            [f"{location(refusal.path, refusal.line, refusal.column)}: {refusal.reason}" for refusal in refusals],
            shown, "red")
    _listed(f"unresolved: {_plural(len(plan.unresolved), 'use')} that can't be tied to a definition",
            [f"{location(site.path, site.line, site.column)}: {site.old!r}: {site.note}" for site in plan.unresolved],
            shown, "yellow")
    problems = [*analysis.problems, *outcome.failures]
    _listed(f"errors: {_plural(len(problems), 'file')} that can't be read, parsed or rewritten",
            [f"{location(problem.path, problem.line, problem.column)}: {problem.message}" for problem in problems],
            shown, "red")
    notes = [f"{location(note.path, note.line, note.column)}: {note.message}" for note in outcome.notes]
    notes += [f"{old!r} becomes {new!r}: the new word now stands twice in a row. The rename is right; you may "
              "want to choose the name" for old, new in doubled_words(analysis, plan)]
    notes += [f"{location(site.path, site.line, site.column)}: {site.note}" for site in analysis.all_sites()
              if site.action is Action.ODD and "odd case" in site.note]
    _listed(f"notes: {len(notes)}", notes, shown, "yellow")
    passed = [f"{path}: marked @generated" for path in analysis.skipped_generated]
    passed += [f"{path}: {why}" for path, why in sorted(set(analysis.skipped))]
    _listed(f"skipped: {_plural(len(passed), 'path')}", passed, shown)

    files_changed = len(outcome.changed)
    moved = len(outcome.moved)
    headline = f"{_plural(files_changed, 'file')} {verb}"
    if moved:
        headline += f", {_plural(moved, 'module path')} {'renamed' if wrote else 'to rename'}"
    shims = len(outcome.created)
    if shims:
        headline += f", {_plural(shims, 'compat shim module')} {'added' if wrote else 'to add'}"
    if found:
        headline += f", {_plural(len(found), 'literal')} on the wire"
    err.print(f"[bold]termshift migrate[/]: {headline}")
    reasons = []
    if refusals:
        reasons.append(kept)
    if plan.unresolved:
        reasons.append(f"{_plural(len(plan.unresolved), 'use')} unresolved")
    if problems:
        reasons.append(f"{_plural(len(problems), 'file')} in error")
    if reasons:
        what = "nothing was written" if wrote and outcome.failures else "the rest is done" if wrote else ""
        err.print(f"[bold]exit 1[/]: {', '.join(reasons)}" + (f"; {what}" if what else "")
                  + " (each is listed above)")


STAGE_ORDER = ("types", "services", "keys", "api", "webhooks", "prose")


def _kept(refusals: list) -> str:
    """`3 names kept everywhere`, or `21 names kept (10 everywhere, 11 in their function)`."""
    local = sum(1 for refusal in refusals if refusal.local)
    where = f"in {'its' if local == 1 else 'their'} function"
    if not local:
        return f"{_plural(len(refusals), 'name')} kept everywhere"
    if local == len(refusals):
        return f"{_plural(len(refusals), 'name')} kept {where}"
    return f"{_plural(len(refusals), 'name')} kept ({len(refusals) - local} everywhere, {local} {where})"


def doubled_words(analysis: Analysis, plan: Plan) -> list[tuple[str, str]]:
    """Renamed names in which the new word now stands next to itself (`TwoStepJob` -> `TwoStepStep`,
    `_JOB_STEP_PARAMS` -> `_STEP_STEP_PARAMS`): correct, but a person will want to pick the name."""
    doubled = analysis.vocabulary.doubled
    found = set()
    for sites in plan.edits.values():
        for site in sites:
            if doubled(site.new):
                found.add((site.old, site.new))
    return sorted(found)


def skipped(paths: list[tuple[str, str]]) -> None:
    """Paths a run did not read or write (symlinks, paths outside the root), each named with why."""
    for path, why in sorted(set(paths)):
        err.print(f"skipped {path}: {why}", markup=False)


def cleanup_summary(result, *, wrote: bool) -> None:
    """`result` is a `termshift.codemods.cleanup.Cleanup`."""
    changed, deleted = len(result.changed), len(result.deleted)
    verb = "changed" if wrote and not result.failures else "would change"
    headline = f"{changed} file{'s' if changed != 1 else ''} {verb}"
    if deleted:
        headline += f", {deleted} shim module{'s' if deleted != 1 else ''} {'removed' if verb == 'changed' else 'to remove'}"
    err.print(f"[bold]termshift cleanup[/]: {headline}")
    skipped(getattr(result, "skipped", []))
    for path, message in result.failures:
        err.print(f"[red]error[/] {path}: {message}")
    if result.failures and wrote:
        err.print("nothing was written")


def verify_summary(verdict, *, wrote: bool) -> None:
    """`migrate --verify`'s verdict (`verdict` is a `termshift.verify.Verdict`): each name withdrawn,
    with the end of the command's output when it was renamed, then what was verified."""
    from rich.markup import escape

    command = escape(verdict.command)
    for name, tail in verdict.withdrawn.items():
        err.print(f"[red]withdrawn[/] {escape(repr(name))}: `{command}` fails with it renamed; the end of its output:")
        for line in tail or ["(nothing)"]:
            err.print(f"    {line}", markup=False)
    runs = f"{verdict.runs} run{'s' if verdict.runs != 1 else ''} of it"
    if verdict.note:
        err.print(f"verify: {verdict.note}", markup=False)
    elif verdict.verified:
        withdrawn = len(verdict.withdrawn)
        after = "after the migration" if wrote else "with this migration applied (on a copy)"
        kept = f", {withdrawn} name{'s' if withdrawn != 1 else ''} withdrawn" if withdrawn else ""
        err.print(f"[green]verified[/]: `{command}` passes {after}{kept} ({runs})")
