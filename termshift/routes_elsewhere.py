"""Routes the project's other text files request: a route keeps its words while they do.

A front end in the tree (`'job/' + encodeURIComponent(id) + '/delete'` in a template's script,
`href="/view/jobs"` in a page, `/jobs/{id}` in an OpenAPI spec) asks for the paths the Python
code serves. Nothing ties those texts to the route: renamed alone, the route would no longer be
found by what the project itself serves to its users. So a path segment the rename changes
(`jobs` of `"/<int:n>/view/jobs"`) stays, in every route and every URL of the project's Python
that spells it whole, while another file spells it as a path's segment: next to a slash, on
the other side a quote, a slash or the end of the path (`?`, `#`). So does a string of the
project's Python that spells it next to a slash and that the plan leaves as it is: a page a test
expects (`'action="http://testserver/jobs/goto"'`); not a path or URL read whole and found to be
no route of the project's (another service's, one it doesn't serve).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

from .literals import FOREIGN_URL_NOTE, NOT_SERVED_NOTE
from .sites import Action, Role, Site

_SEGMENT = re.compile(r"[A-Za-z0-9_\-]+")
# A string the literal pass read as a whole path or URL and found to be no route of the project's.
_JUDGED_PATHS = frozenset({FOREIGN_URL_NOTE, NOT_SERVED_NOTE})


def segment_of(line: str | None, site: Site) -> str | None:
    """The whole path segment a route's word stands in (`jobs` of `/view/jobs/<id>`, `job-runs`)."""
    match = _segment_at(line, site)
    return match.group() if match else None


def _segment_at(line: str | None, site: Site) -> re.Match | None:
    for match in _SEGMENT.finditer(line or ""):
        if match.start() <= site.column < match.end():
            return match
    return None


def spelled_in_strings(segments: Iterable[str], sites: Mapping[str, list[Site]],
                       line: Callable[[str, int], str | None]) -> dict[str, tuple[str, int]]:
    """Of `segments`, those a string of the project's Python spells next to a slash where the plan
    leaves it as it is (`'action="http://testserver/jobs/goto"'`, a page a test expects), but in a
    path or URL judged no route of the project's: each with the first place it does (path, line)."""
    wanted = set(segments)
    found: dict[str, tuple[str, int]] = {}
    for path, file_sites in sites.items():
        for site in file_sites:
            if site.role is not Role.LITERAL or site.action is Action.RENAME or site.note in _JUDGED_PATHS:
                continue
            text = line(path, site.line)
            match = _segment_at(text, site)
            if match is None or match.group() not in wanted or match.group() in found:
                continue
            if "/" in (text[match.start() - 1:match.start()], text[match.end():match.end() + 1]):
                found[match.group()] = (path, site.line)
        if len(found) == len(wanted):
            break
    return found


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

