"""Apply renames: token-exact splices of the sites the finder located.

Each site names the exact characters it replaces, and the splice checks them
before touching anything, so every other byte of the file — formatting,
comments, quotes — survives as it was. The result is then re-parsed with
LibCST before it may be written (see `termshift.engine`).
"""

from __future__ import annotations

from typing import Iterable

from termshift.sites import Site
from termshift.textpos import Positions


class SpliceError(Exception):
    """A site no longer matches the text: the file changed under us, or a bug."""


def splice(text: str, sites: Iterable[Site]) -> str:
    positions = Positions(text)
    edits = sorted(
        (positions.offset(site.line, site.column), site) for site in sites
    )
    pieces: list[str] = []
    last = 0
    for offset, site in edits:
        if offset < last:
            if offset == last - len(site.old) and pieces and pieces[-1] == site.new:
                continue  # the same site twice
            raise SpliceError(f"{site.path}:{site.line}:{site.column + 1}: overlapping edits")
        if text[offset : offset + len(site.old)] != site.old:
            raise SpliceError(
                f"{site.path}:{site.line}:{site.column + 1}: expected {site.old!r}, "
                f"found {text[offset : offset + len(site.old)]!r}"
            )
        pieces.append(text[last:offset])
        pieces.append(site.new)
        last = offset + len(site.old)
    pieces.append(text[last:])
    return "".join(pieces)
