"""What the compat layer means to the lint: where compat code is, which old
names it still serves, and which pieces are past their removal date.

Compat code names the old terms on purpose, so nothing inside it is a
finding. The old names it defines are "compat names": a use of one outside
the compat code is a caller that still has to move (TSH401), not a
forgotten rename. Compat names are gathered project-wide, because a caller
in one file relies on compat code in another: files holding compat code are
analysed even when the run checks other files only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import markers
from .sites import Action, Role, Site

MARKER_BYTES = b"termshift: compat"  # the pre-filter for files holding compat code


@dataclass(repr=False, eq=False)
class CompatFacts:
    """The compat code in the analysed files: sites inside it are the deprecation layer, not leftovers."""

    pieces: dict[str, list[markers.Piece]] = field(default_factory=dict)  # relative path -> pieces
    names: frozenset[tuple[str, str]] = frozenset()  # (family, old name)

    def covering(self, site: Site) -> markers.Piece | None:
        return markers.covering(self.pieces.get(site.path, []), site.line)


def gather(analysis, texts: dict[str, str], family) -> CompatFacts:
    """`texts` holds the text of each analysed file that has a termshift comment."""
    facts = CompatFacts()
    for path, text in texts.items():
        pieces = markers.scan(text)
        if pieces:
            facts.pieces[path] = pieces
    names: set[tuple[str, str]] = set()
    for path, pieces in facts.pieces.items():
        if any(piece.kind == "module" for piece in pieces):
            # A shim module keeps its own old import path alive.
            module = analysis.project.module_of.get(analysis.root / path, "")
            name = module.rsplit(".", 1)[-1]
            if name and analysis.vocabulary.rewrite(name) is not None:
                names.add(("name", name))
    for path, pieces in facts.pieces.items():
        if not pieces or path not in analysis.sites:
            continue
        for site in analysis.sites[path]:
            if site.action not in (Action.RENAME, Action.REFUSED):
                continue
            if site.role in (Role.DEFINITION, Role.LITERAL) and markers.covering(pieces, site.line):
                names.add((family(site), site.old))
    facts.names = frozenset(names)
    return facts

