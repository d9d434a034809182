"""`path:line:col: CODE message` on stdout, one line per finding; a summary by rule on stderr.

The finding lines are plain text that editors and pre-commit turn into
links; colour is added only when the stream is a terminal.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from ..rules.registry import BY_CODE
from . import Report

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    result = report.result
    lines = [(f"{report.from_cwd(finding.path)}:{finding.line}:{finding.column}:", finding)
             for finding in result.findings]
    if not _is_terminal(out) and all(_plain(f"{where} {finding.code} {finding.message}") for where, finding in lines):
        # Pre-commit and CI read a pipe: no colour, so the lines are the text itself, written at once.
        out.write("".join(f"{where} {finding.code} {finding.message}\n" for where, finding in lines))
    else:
        from rich.console import Console
        from rich.markup import escape

        # No emoji codes: `path:100:5:` must not print as `path💯5:`.
        console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
        for where, finding in lines:
            style = _STYLE[finding.severity]
            console.print(f"[bold]{escape(where)}[/] [{style}]{finding.code}[/] {escape(finding.message)}")
    from rich.console import Console

    summary(report, Console(file=err, highlight=False, soft_wrap=True))


def _is_terminal(stream: TextIO) -> bool:
    """As rich decides it: a tty, or the environment asks for colour anyway."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain(line: str) -> bool:
    """Whether rich, writing to a pipe, would print this line exactly as it is (it expands
    tabs and drops control characters)."""
    return line.isprintable()


def summary(report: Report, console: Console) -> None:
    result = report.result
    counts = Counter(finding.code for finding in result.findings)
    if counts:
        from rich.table import Table

        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for column in ("code", "rule", "severity"):
            table.add_column(column)
        table.add_column("found", justify="right")
        for code, count in sorted(counts.items()):
            rule = BY_CODE[code]
            severity = next(f.severity for f in result.findings if f.code == code)
            table.add_row(code, rule.name, f"[{_STYLE[severity]}]{severity}[/]", str(count))
        console.print(table)
    severities = Counter(finding.severity for finding in result.findings)
    parts = [f"{severities[level]} {level}{'s' if severities[level] != 1 and level != 'info' else ''}"
             for level in ("error", "warning", "info") if severities[level]]
    total = len(result.findings)
    headline = f"{total} finding{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    headline += f" in {result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    console.print(f"[bold]termshift check[/]: {headline}")
    fixable = sum(1 for finding in result.findings if finding.fixable)
    if report.fixed:
        console.print(f"fixed {report.fixed} finding{'s' if report.fixed != 1 else ''}")
    if fixable:
        console.print(f"{fixable} fixable with `termshift check --fix`")
    if result.suppressed:
        console.print(f"{result.suppressed} suppressed by comments")
    if result.baselined:
        console.print(f"{result.baselined} already in the baseline")
    if result.stale:
        console.print(f"[yellow]{len(result.stale)} baseline entr{'ies' if len(result.stale) != 1 else 'y'} "
                      f"no longer match (fixed or gone): rewrite the baseline with --write-baseline to shrink it[/]")
        from rich.markup import escape

        for entry in result.stale:
            console.print(f"  stale: {escape(entry.path)}: {entry.code} {escape(entry.text)!s}")
    failing = len(result.failing)
    if total and not failing:
        console.print(f"nothing at or above {result.fail_on}: passing")
