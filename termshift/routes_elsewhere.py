"""Routes the project's other text files request: a route keeps its words while they do.

A front end in the tree (`'job/' + encodeURIComponent(id) + '/delete'` in a template's script,
`href="/view/jobs"` in a page, `/jobs/{id}` in an OpenAPI spec) asks for the paths the Python
code serves. Nothing ties those texts to the route: renamed alone, the route would no longer be
found by what the project itself serves to its users. So a path segment the rename changes
(`jobs` of `"/<int:n>/view/jobs"`) stays, in every route and every URL of the project's Python
that spells it whole, while another file spells it as a path's segment: next to a slash, on
the other side a quote, a slash or the end of the path (`?`, `#`).
"""

from __future__ import annotations

import re
from typing import Iterable

from .sites import Site

_SEGMENT = re.compile(r"[A-Za-z0-9_\-]+")


def segment_of(line: str | None, site: Site) -> str | None:
    """The whole path segment a route's word stands in (`jobs` of `/view/jobs/<id>`, `job-runs`)."""
    for match in _SEGMENT.finditer(line or ""):
        if match.start() <= site.column < match.end():
            return match.group()
    return None


def requested(segments: Iterable[str], texts: Iterable[tuple[str, str]]) -> dict[str, tuple[str, int]]:
    """Of `segments`, those a file of `texts` (relative path, text) spells as a path's segment:
    each with the first place it does (path, line)."""
    wanted = sorted(set(segments), key=len, reverse=True)
    if not wanted:
        return {}
    pattern = re.compile(
        r"(?:(?<=/)|(?<=['\"`]))(" + "|".join(map(re.escape, wanted)) + r")(?=[/'\"`?#]|$)", re.MULTILINE)
    found: dict[str, tuple[str, int]] = {}
    for path, text in texts:
        for match in pattern.finditer(text):
            before, after = text[match.start() - 1:match.start()], text[match.end():match.end() + 1]
            if "/" not in (before, after):
                continue  # `"jobs"` alone: a word, not a path
            segment = match.group(1)
            if segment not in found:
                found[segment] = (path, text.count("\n", 0, match.start()) + 1)
        if len(found) == len(wanted):
            break
    return found

