"""Keep old routes serving: the `api` stage's compat.

Clients call URLs, and they can't all move on the day a route is renamed; so,
unless compat is off, each renamed route registration gets a twin under the
old path, marked for removal (``cleanup`` deletes exactly that line), and
FastAPI's ``deprecated=True`` when the framework has it so the schema says so.
The twin keeps the *new* placeholder names: they bind to the handler's
parameters, and they are invisible on the wire.

Works on lines: a registration is the line it stands on, or a decorator that
spans several lines (its twin is written on one line after it); one that
shares its line with other code, or holds a comment or a triple-quoted
string, is left without a twin and reported, never guessed at.
"""

from __future__ import annotations

import datetime
import re
from typing import Iterable

from termshift import markers
from termshift.literals import REGISTRATION
from termshift.sites import Site

_FASTAPI = re.compile(r"^\s*(?:from\s+fastapi\b|import\s+fastapi\b)", re.M)
_DECORATOR = re.compile(r"^\s*@[\w.]+\(.*\)\s*$")
_TABLE_ENTRY = re.compile(r"^\s*(?:[\w.]+\()(?:.*)\)\s*,?\s*$")
_STATEMENT = re.compile(r"^\s*[\w.]+\.(?:add_url_rule|add_route|add_api_route|add_get|add_post|add_put|add_patch|add_delete|add_view)\(.*\)\s*$")


def keep_old_routes(
    old_text: str, new_text: str, sites: Iterable[Site], until: datetime.date, *, wire: bool = False
) -> tuple[str, list[Site]]:
    """Add the old-path twin of every renamed route registration.

    `sites` are the sites applied to `old_text` to give `new_text` (same line
    count: renames never add lines). Returns the text and the route sites left
    without a twin. With `wire`, a decorator twin goes through the project's
    wire module (`termshift.wiring`): it serves old clients in the old vocabulary.
    """
    sites = list(sites)
    routes = [site for site in sites if site.kind == "route" and site.note == REGISTRATION and site.line == site.end_line]
    if not routes:
        return new_text, []
    old_lines = old_text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return new_text, routes
    units: dict[tuple[int, int], list[Site]] = {}  # (first line, last line) of a registration -> its route sites
    for site in routes:
        units.setdefault(_extent(old_lines, site.line), []).append(site)
    fastapi = bool(_FASTAPI.search(old_text))
    skipped: list[Site] = []
    twins: dict[int, str] = {}
    for (first, last), group in units.items():
        old_line = old_lines[last - 1]
        body = _joined(old_lines, first, last)
        ending = old_line[len(old_line.rstrip("\r\n")):] or "\n"
        if "#" in body or '"""' in body or "'''" in body or not (_DECORATOR.match(body) or _TABLE_ENTRY.match(body) or _STATEMENT.match(body)) \
                or not _balanced(body) or (first != last and not body.lstrip().startswith("@")):
            skipped.extend(group)
            continue
        reverted = list(new_lines)
        for number in range(first, last + 1):
            reverted[number - 1] = _revert_routes(new_lines[number - 1].rstrip("\r\n"),
                                                  [site for site in group if site.line == number],
                                                  [site for site in sites if site.line == number])
        twin = _joined(reverted, first, last)
        new_body = _joined(new_lines, first, last)
        if fastapi and body.lstrip().startswith("@") and "deprecated=" not in twin:
            twin = _add_keyword(twin, "deprecated=True")
        if wire and body.lstrip().startswith("@"):
            from termshift.wiring import wrap_route_twin

            twin = wrap_route_twin(twin, new_body)
        elif wire and _TABLE_ENTRY.match(body):
            from termshift.wiring import wrap_table_twin

            twin = wrap_table_twin(twin, new_body)
        twins[last] = twin + markers.LINE_TAG.format(date=until.isoformat()) + ending
    if not twins:
        return new_text, skipped
    out = []
    for number, text in enumerate(new_lines, 1):
        out.append(text)
        if number in twins:
            if not text.endswith(("\n", "\r")):
                out[-1] = text + "\n"
            out.append(twins[number])
    return "".join(out), skipped


# How far a multi-line decorator is looked for, above and below a route's line.
_SPAN = 40


def _extent(lines: list[str], line: int) -> tuple[int, int]:
    """The lines of the registration a route on `line` belongs to: the line itself, unless it sits
    inside a decorator that starts above it or goes on below it (`@app.route(\n "/jobs",\n ...)`)."""
    body = lines[line - 1].rstrip("\r\n")
    if _balanced(body) and (_DECORATOR.match(body) or _TABLE_ENTRY.match(body) or _STATEMENT.match(body)):
        return line, line
    for first in range(line, max(0, line - _SPAN), -1):
        text = lines[first - 1].strip()
        if text.startswith("@"):
            for last in range(max(first, line), min(len(lines), first + _SPAN) + 1):
                if _balanced(_joined(lines, first, last)):
                    return (first, last) if last >= line else (line, line)
            break
        if not text or text.startswith(("def ", "async def ", "class ")):
            break
    return line, line


def _joined(lines: list[str], first: int, last: int) -> str:
    """Lines `first`..`last` as one line: the first's indent, the rest stripped, a space between
    them except just inside a bracket."""
    text = lines[first - 1].rstrip("\r\n")
    for number in range(first + 1, last + 1):
        piece = lines[number - 1].strip()
        text += piece if text.endswith(("(", "[", "{")) or piece.startswith((")", "]", "}")) else " " + piece
    return text


def _revert_routes(new_line: str, group: list[Site], on_line: list[Site]) -> str:
    """The new line with only its route words put back: placeholders stay renamed."""
    line = new_line
    for site in sorted(group, key=lambda site: -site.column):  # right to left: earlier columns hold
        start = site.column + sum(len(other.new) - len(other.old) for other in on_line if other.column < site.column)
        if line[start : start + len(site.new)] == site.new:
            line = line[:start] + site.old + line[start + len(site.new):]
    return line


def _add_keyword(line: str, keyword: str) -> str:
    close = line.rfind(")")
    inside = line[line.find("(") + 1 : close].strip()
    separator = (" " if inside.endswith(",") else ", ") if inside else ""  # `("/x",)` from several lines
    return line[:close] + separator + keyword + line[close:]


def _balanced(text: str) -> bool:
    depth = 0
    quote = ""
    for character in text:
        if quote:
            if character == quote:
                quote = ""
            continue
        if character in "'\"":
            quote = character
        elif character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote
