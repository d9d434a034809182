"""`path:line:col: CODE message` on stdout, one line per finding; a summary by rule on stderr.

The finding lines are plain text that editors and pre-commit turn into
links; colour is added only when the stream is a terminal.
"""

from __future__ import annotations

import os
from typing import TextIO

from ..rules.registry import BY_CODE
from . import Report

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    findings = report.result.findings
    from_cwd = report.from_cwd
    text = None if _is_terminal(out) else "".join(
        [f"{from_cwd(finding.path)}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n"
         for finding in findings])
    if text is not None and _plain(text, len(findings)):
        # Pre-commit and CI read a pipe: no colour, so the lines are the text itself, written at once.
        out.write(text)
    else:
        from rich.console import Console
        from rich.markup import escape

        # No emoji codes: `path:100:5:` must not print as `path💯5:`.
        console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
        for finding in findings:
            where = f"{from_cwd(finding.path)}:{finding.line}:{finding.column}:"
            style = _STYLE[finding.severity]
            console.print(f"[bold]{escape(where)}[/] [{style}]{finding.code}[/] {escape(finding.message)}")
    summary(report, err)


def _is_terminal(stream: TextIO) -> bool:
    """As rich decides it: a tty, or the environment asks for colour anyway."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plain(text: str, lines: int) -> bool:
    """Whether rich, writing to a pipe, would print these lines exactly as they are (it expands
    tabs and drops control characters, and a line break inside a message is one)."""
    return text.count("\n") == lines and text.replace("\n", "").isprintable()


def summary(report: Report, err: TextIO) -> None:
    """The findings by rule, a headline and what to do next. In colour through rich on a
    terminal; otherwise as plain text, laid out as rich would, without importing rich (a
    noticeable part of a pre-commit run)."""
    rows, lines = _summary(report)
    if _is_terminal(err):
        _rich_summary(rows, lines, err)
    else:
        err.write(_plain_summary(rows, lines))


def _plain_summary(rows: list[tuple[str, str, str, str]], lines: list[tuple[str, str | None]]) -> str:
    out = []
    if rows:
        header = ("code", "rule", "severity", "found")
        widths = [max(len(row[column]) for row in (header, *rows)) for column in range(4)]
        for row in (header, *rows):
            out.append("  ".join([*(cell.ljust(width) for cell, width in zip(row[:3], widths)), row[3].rjust(widths[3])]))
    out.extend(text for text, _ in lines)
    return "".join(f"{line}\n" for line in out)


def _summary(report: Report) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str | None]]]:
    """(code, rule, severity, count) per rule found, and the lines after them: (text, its rich style)."""
    result = report.result
    counts: dict[str, int] = {}  # by code, each under the severity of its first finding
    severity_of: dict[str, str] = {}
    severities = dict.fromkeys(("error", "warning", "info"), 0)
    fixable = 0
    for finding in result.findings:
        code = finding.code
        if code in counts:
            counts[code] += 1
        else:
            counts[code] = 1
            severity_of[code] = finding.severity
        severities[finding.severity] += 1
        fixable += finding.fixable
    rows = [(code, BY_CODE[code].name, severity_of[code], str(count)) for code, count in sorted(counts.items())]
    parts = [f"{severities[level]} {level}{'s' if severities[level] != 1 and level != 'info' else ''}"
             for level in ("error", "warning", "info") if severities[level]]
    total = len(result.findings)
    headline = f"{total} finding{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    headline += f" in {result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    lines: list[tuple[str, str | None]] = [(f"termshift check: {headline}", "headline")]
    if report.fixed:
        lines.append((f"fixed {report.fixed} finding{'s' if report.fixed != 1 else ''}", None))
    if fixable:
        lines.append((f"{fixable} fixable with `termshift check --fix`", None))
    if result.suppressed:
        lines.append((f"{result.suppressed} suppressed by comments", None))
    if result.baselined:
        lines.append((f"{result.baselined} already in the baseline", None))
    if result.stale:
        lines.append((f"{len(result.stale)} baseline entr{'ies' if len(result.stale) != 1 else 'y'} no longer match "
                      f"(fixed or gone): rewrite the baseline with --write-baseline to shrink it", "yellow"))
        lines.extend((f"  stale: {entry.path}: {entry.code} {entry.text!s}", None) for entry in result.stale)
    if total and not result.failing_count:
        lines.append((f"nothing at or above {result.fail_on}: passing", None))
    return rows, lines


def _rich_summary(rows: list[tuple[str, str, str, str]], lines: list[tuple[str, str | None]], err: TextIO) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=err, highlight=False, soft_wrap=True, emoji=False)
    if rows:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for column in ("code", "rule", "severity"):
            table.add_column(column)
        table.add_column("found", justify="right")
        for code, rule, severity, count in rows:
            table.add_row(code, rule, f"[{_STYLE[severity]}]{severity}[/]", count)
        console.print(table)
    for text, style in lines:
        if style == "headline":
            head, rest = text.split(":", 1)
            console.print(f"[bold]{head}[/]:{escape(rest)}")
        elif style:
            console.print(f"[{style}]{escape(text)}[/]")
        else:
            console.print(escape(text))
