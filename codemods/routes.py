"""Keep old routes serving: the `api` stage's compat.

Clients call URLs, and they can't all move on the day a route is renamed; so,
unless compat is off, each renamed route registration gets a twin under the
old path, marked for removal (``cleanup`` deletes exactly that line), and
FastAPI's ``deprecated=True`` when the framework has it so the schema says so.
The twin keeps the *new* placeholder names: they bind to the handler's
parameters, and they are invisible on the wire.

Works on lines: a registration that shares its line with other code or spans
several lines is left without a twin and reported, never guessed at.
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
    route_lines: dict[int, list[Site]] = {}
    for site in sites:
        if site.kind == "route" and site.note == REGISTRATION and site.line == site.end_line:
            route_lines.setdefault(site.line, []).append(site)
    if not route_lines:
        return new_text, []
    old_lines = old_text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return new_text, [site for group in route_lines.values() for site in group]
    fastapi = bool(_FASTAPI.search(old_text))
    skipped: list[Site] = []
    twins: dict[int, str] = {}
    for line, group in route_lines.items():
        old_line = old_lines[line - 1]
        new_line = new_lines[line - 1]
        body = old_line.rstrip("\r\n")
        ending = old_line[len(body):] or "\n"
        if "#" in body or not (_DECORATOR.match(body) or _TABLE_ENTRY.match(body) or _STATEMENT.match(body)) \
                or not _balanced(body):
            skipped.extend(group)
            continue
        twin = _revert_routes(new_line.rstrip("\r\n"), group, [site for site in sites if site.line == line])
        if fastapi and body.lstrip().startswith("@") and "deprecated=" not in twin:
            twin = _add_keyword(twin, "deprecated=True")
        if wire and body.lstrip().startswith("@"):
            from termshift.wiring import wrap_route_twin

            twin = wrap_route_twin(twin, new_line.rstrip("\r\n"))
        elif wire and _TABLE_ENTRY.match(body):
            from termshift.wiring import wrap_table_twin

            twin = wrap_table_twin(twin, new_line.rstrip("\r\n"))
        twins[line] = twin + markers.LINE_TAG.format(date=until.isoformat()) + ending
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
    separator = ", " if inside else ""
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
