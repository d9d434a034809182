"""What the compat layer means to the lint: where compat code is, which old
names it still serves, and which pieces are past their removal date.

Compat code names the old terms on purpose, so nothing inside it is a
finding. The old names it defines are "compat names": a use of one outside
the compat code is a caller that still has to move (TSH401), not a
forgotten rename. Compat names are gathered project-wide, because a caller
in one file relies on compat code in another; files the run doesn't analyse
contribute the identifiers written in their compat pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import files, markers
from .sites import Action, Role, Site

MARKER_BYTES = b"termshift: compat"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class CompatFacts:
    pieces: dict[str, list[markers.Piece]] = field(default_factory=dict)  # relative path -> pieces
    names: frozenset[tuple[str, str]] = frozenset()  # (family, old name)

    def covering(self, site: Site) -> markers.Piece | None:
        return markers.covering(self.pieces.get(site.path, []), site.line)


def gather(analysis, texts: dict[str, str], family) -> CompatFacts:
    """`texts` holds the text of each checked file that has a termshift comment."""
    facts = CompatFacts()
    for path, text in texts.items():
        pieces = markers.scan(text)
        if pieces:
            facts.pieces[path] = pieces
    names: set[tuple[str, str]] = set()
    for path, sites in analysis.sites.items():
        pieces = facts.pieces.get(path)
        if not pieces:
            continue
        for site in sites:
            if site.action not in (Action.RENAME, Action.REFUSED):
                continue
            if site.role in (Role.DEFINITION, Role.LITERAL) and markers.covering(pieces, site.line):
                names.add((family(site), site.old))
    names.update(_names_elsewhere(analysis, set(texts)))
    facts.names = frozenset(names)
    return facts


def _names_elsewhere(analysis, seen: set[str]) -> set[tuple[str, str]]:
    """Identifiers carrying the term inside compat pieces of project files this run doesn't check."""
    names: set[tuple[str, str]] = set()
    vocabulary = analysis.vocabulary
    for path in analysis.project.module_of:
        relative = _relative(analysis.root, path)
        if relative in seen or relative in analysis.sites:
            continue
        if not files.read_bytes_prefilter(path, (MARKER_BYTES,)):
            continue
        try:
            text = files.read_source(path).text
        except files.SourceError:
            continue
        lines = text.splitlines()
        for piece in markers.scan(text):
            for line in lines[piece.start_line - 1 : piece.end_line]:
                code = line.split("#", 1)[0]
                for match in _IDENTIFIER.finditer(code):
                    if vocabulary.rewrite(match.group()) is not None:
                        names.add(("name", match.group()))
    return names


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
