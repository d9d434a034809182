"""Compat markers: how generated compatibility code is found again.

Everything `migrate` leaves behind for the deprecation period carries a
marker with its removal date, so that `cleanup` can remove exactly that code
and the lint can tell a compat alias from a forgotten legacy name. The
markers are plain comments, found here without parsing Python, because the
lint must stay cheap on files that need no rewriting.

Three shapes:

- a whole file (a shim module for an old import path): its first line is
  ``# termshift: compat module until 2027-01-24``;
- a block: a line ``# termshift: compat until 2027-01-24`` on its own, then
  the generated code, then ``# termshift: end compat``;
- one line: ``# termshift: compat until 2027-01-24`` at the end of a line
  of code (a second route decorator, a single alias).
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass

MODULE_TAG = "# termshift: compat module until {date}"
BEGIN_TAG = "# termshift: compat until {date}"
END_TAG = "# termshift: end compat"
LINE_TAG = "  # termshift: compat until {date}"

_MARKER = re.compile(r"#\s*termshift:\s*compat(?P<module>\s+module)?\s+until\s+(?P<date>\d{4}-\d{2}-\d{2})")
_END = re.compile(r"^\s*#\s*termshift:\s*end\s+compat\s*$")
_NEEDLE = "termshift:"


@dataclass(frozen=True)
class Piece:
    """One generated piece. Lines are 1-based and inclusive."""

    start_line: int
    end_line: int
    until: datetime.date | None  # None when the date in the marker is not a real date
    kind: str  # "module", "block" or "line"
    raw_date: str = ""

    def covers(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line

    def expired(self, today: datetime.date) -> bool:
        return self.until is not None and self.until < today


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def scan(text: str) -> list[Piece]:
    """Every compat piece in a file's text, in order."""
    if _NEEDLE not in text:
        return []
    lines = text.splitlines()
    pieces: list[Piece] = []
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        match = _MARKER.search(lines[first])
        if match and match.group("module") and lines[first].lstrip().startswith("#"):
            raw = match.group("date")
            return [Piece(first + 1, max(len(lines), 1), _date(raw), "module", raw)]
    open_at: int | None = None
    open_date = ""
    for number, line in enumerate(lines, 1):
        if open_at is not None:
            if _END.match(line):
                pieces.append(Piece(open_at, number, _date(open_date), "block", open_date))
                open_at = None
            continue
        match = _MARKER.search(line)
        if not match or match.group("module"):
            continue
        raw = match.group("date")
        if line.lstrip().startswith("#"):
            open_at, open_date = number, raw
        else:
            pieces.append(Piece(number, number, _date(raw), "line", raw))
    if open_at is not None:  # an unterminated block runs to the end of the file
        pieces.append(Piece(open_at, len(lines), _date(open_date), "block", open_date))
    return pieces


def covering(pieces: list[Piece], line: int) -> Piece | None:
    for piece in pieces:
        if piece.covers(line):
            return piece
    return None


def until(today: datetime.date, weeks: int) -> datetime.date:
    """The removal date for compat code written today."""
    return today + datetime.timedelta(weeks=weeks)


def today() -> datetime.date:
    """Today, or `TERMSHIFT_TODAY` (YYYY-MM-DD): golden tests and dry runs need a fixed date."""
    fixed = os.environ.get("TERMSHIFT_TODAY")
    if fixed:
        try:
            return datetime.date.fromisoformat(fixed)
        except ValueError:
            pass
    return datetime.date.today()
