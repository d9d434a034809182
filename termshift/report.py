"""What a run tells the person who started it: summaries on stderr, diffs on stdout."""

from __future__ import annotations

import sys
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterator

from .engine import Analysis, Outcome, Plan
from .sites import Action


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


def location(path: str, line: int, column: int) -> str:
    return f"{path}:{line}:{column + 1}"


def migrate_summary(analysis: Analysis, plan: Plan, outcome: Outcome, *, wrote: bool) -> None:
    renamed = Counter(site.kind for sites in plan.edits.values() for site in sites)
    verb = "changed" if wrote else "would change"
    files_changed = len(outcome.changed)
    moved = len(outcome.moved)
    headline = f"{files_changed} file{'s' if files_changed != 1 else ''} {verb}"
    if moved:
        headline += f", {moved} module path{'s' if moved != 1 else ''} {'renamed' if wrote else 'to rename'}"
    shims = len(outcome.created)
    if shims:
        headline += f", {shims} compat shim module{'s' if shims != 1 else ''} {'added' if wrote else 'to add'}"
    err.print(f"[bold]termshift migrate[/]: {headline}")
    if renamed:
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("renamed")
        table.add_column("sites", justify="right")
        for kind, count in sorted(renamed.items(), key=lambda item: (-item[1], item[0])):
            table.add_row(kind, str(count))
        err.print(table)
    _wire_summary(analysis, plan, wrote=wrote)
    for refusal in sorted(plan.refusals, key=lambda refusal: (refusal.path, refusal.line, refusal.column,
                                                               refusal.old, refusal.reason)):
        err.print(f"[red]refused[/] {location(refusal.path, refusal.line, refusal.column)}: {refusal.reason}")
    if plan.refused_names:
        err.print(f"  names kept everywhere because of these refusals: {', '.join(sorted(plan.refused_names))}")
    for site in plan.unresolved:
        err.print(f"[yellow]unresolved[/] {location(site.path, site.line, site.column)}: {site.old!r}: {site.note}")
    for note in outcome.notes:
        err.print(f"[yellow]note[/] {location(note.path, note.line, note.column)}: {note.message}")
    for problem in (*analysis.problems, *outcome.failures):
        err.print(f"[red]error[/] {location(problem.path, problem.line, problem.column)}: {problem.message}")
    for old, new in doubled_words(analysis, plan):
        err.print(f"[yellow]note[/] {old!r} becomes {new!r}: the new word now stands twice in a row. The rename "
                  "is right; you may want to choose the name")
    odd = [site for site in analysis.all_sites() if site.action is Action.ODD and "odd case" in site.note]
    for site in odd:
        err.print(f"[yellow]note[/] {location(site.path, site.line, site.column)}: {site.note}")
    for path in analysis.skipped_generated:
        err.print(f"[dim]skipped {path}: marked @generated[/]")
    skipped(analysis.skipped)


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


def _wire_summary(analysis: Analysis, plan: Plan, *, wrote: bool) -> None:
    """Keys, routes, events and payload keys change data others read: list every one."""
    from . import wire

    found = wire.changes(analysis, plan)
    if not found:
        return
    verb = "changed" if wrote else "would change"
    err.print(f"on the wire ({len(found)} literal{'s' if len(found) != 1 else ''} {verb}: plan the data migration):")
    for change in found:
        err.print(f"  {change.path}:{change.line}:{change.column}: {change.old} -> {change.new} ({change.stage})",
                  markup=False)


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
