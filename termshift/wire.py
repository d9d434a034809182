"""What a migration changes on the wire: the list a team plans its data migration from.

Renaming a storage key, a route, an event type or a payload key changes data
other programs read (Redis, clients, subscribers). There is no compat code for
keys and events, so every changed literal is listed — in the summary and, with
``migrate --report FILE``, as JSON — whole, old and new, so the dual-write and
the backfill the plan describes can be written from it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .sites import Role, Site
from .textpos import Positions

if TYPE_CHECKING:
    from .engine import Analysis
    from .planning import Plan

WIRE_KINDS = ("key", "route", "event", "payload-key")


@dataclass(frozen=True)
class WireChange:
    """A literal on the wire whose rename changes what other programs read: listed for the data migration."""

    path: str
    line: int  # 1-based
    column: int  # 1-based, where the literal starts
    stage: str
    kind: str
    old: str  # the literal as written, quotes included
    new: str


def changes(analysis: "Analysis", plan: "Plan") -> list[WireChange]:
    """Each literal on the wire that changes, old and new as written: every edit inside it counts,
    a route's placeholder renamed with its handler's parameter (`"/job/{job_id}"` ->
    `"/step/{step_id}"`) as much as the word on the wire."""
    found: list[WireChange] = []
    for path, sites in sorted(plan.edits.items()):
        wire = [site for site in sites if site.role is Role.LITERAL and site.kind in WIRE_KINDS]
        if not wire:
            continue
        positions = Positions(analysis.sources[path].text)
        spans = {}
        for site in wire:
            spans.setdefault(_literal_span(positions, site), site)
        inside: dict[tuple[int, int, int], list[Site]] = {span: [] for span in spans}
        by_line: dict[int, list[tuple[int, int, int]]] = {}
        for span in spans:
            by_line.setdefault(span[0], []).append(span)
        for site in {site.key(): site for site in sites}.values():  # a site listed twice is one edit
            for span in by_line.get(site.line, ()):
                if span[1] <= site.column and site.end_column <= span[2] and site.end_line == site.line:
                    inside[span].append(site)
        for span in sorted(spans):
            line, start, end = span
            old = positions.line_text(line)[start:end]
            new = old
            for site in sorted(inside[span], key=lambda site: -site.column):
                offset = site.column - start
                new = new[:offset] + site.new + new[offset + len(site.old):]
            first = spans[span]
            found.append(WireChange(path, line, start + 1, first.stage, first.kind, old, new))
    return found


def _literal_span(positions: Positions, site: Site) -> tuple[int, int, int]:
    """The quoted token around a site on its line (the whole line's literal, not just the word)."""
    text = positions.line_text(site.line).rstrip("\r\n")
    start = site.column
    while start > 0 and text[start - 1] not in "\"'":
        start -= 1
    quote = text[start - 1] if start > 0 else ""
    end = site.end_column
    while end < len(text) and text[end] != quote:
        end += 1
    if quote:
        start -= 1
        while start > 0 and text[start - 1] in "rRbBfFuU":
            start -= 1
        end = min(end + 1, len(text))
    return site.line, start, end


def to_json(found: list[WireChange], lists: dict | None = None) -> str:
    """`--report`'s JSON: the wire changes (what `termshift data` plans from), then every other list
    the summary shortens (refused, unresolved, errors, notes)."""
    return json.dumps({"wire_changes": [asdict(change) for change in found], **(lists or {})}, indent=2) + "\n"
