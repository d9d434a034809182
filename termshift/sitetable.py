"""Every file's sites, kept small when the project is large.

A job-heavy file has dozens of sites, and a site as an object takes ~200
bytes with its strings: in a monorepo of ten thousand such files the sites
alone outgrow a CI runner's memory, though every pass over them (the plan,
the accounting, the lint) needs one file's sites at a time. So a large run
keeps each file's sites packed — pickled and compressed, under 10 bytes a site,
and out of memory (spill.py) — and unpacks them each time they are asked for;
nothing holds them all at once. A small run keeps the lists as they are: unpacking costs more than the
memory is worth there.

Packing happens where the sites are made (the search's workers, in
parallel), and a table packs what it is given in the same mode, so the two
kinds never mix in one table.
"""

from __future__ import annotations

import io
import pickle
import zlib
from typing import Iterable, Iterator, MutableMapping

from . import spill
from .sites import Site

# A run searching this many bytes of source packs its sites (~1,400 job-heavy files; the bench's
# dense corpus is a tenth of it).
PACK_FROM = 4_000_000


# Sites pickled at once: a huge module's are packed a slice at a time, never copied whole.
PACK_SLICE = 8192


def pack(sites: list[Site]) -> bytes:
    """As plain tuples (pickle makes and reads those without a Python call per site), one
    pickle per slice, compressed as one stream."""
    if len(sites) <= PACK_SLICE:
        return zlib.compress(pickle.dumps(list(map(tuple, sites)), pickle.HIGHEST_PROTOCOL), 1)
    compressor = zlib.compressobj(1)
    parts = [compressor.compress(pickle.dumps(list(map(tuple, sites[start:start + PACK_SLICE])),
                                              pickle.HIGHEST_PROTOCOL))
             for start in range(0, len(sites), PACK_SLICE)]
    parts.append(compressor.flush())
    return b"".join(parts)


def unpack(blob: bytes, _new=tuple.__new__, _site=Site) -> list[Site]:
    data = zlib.decompress(blob)
    stream = io.BytesIO(data)
    sites = [_new(_site, fields) for fields in pickle.load(stream)]
    while stream.tell() < len(data):  # the next slice
        sites += [_new(_site, fields) for fields in pickle.load(stream)]
    return sites


_PACKED = (bytes, spill.Spilled)


class SiteTable(MutableMapping[str, "list[Site]"]):
    """Relative path -> that file's sites, in the order they were added. Packed or not, it
    behaves as a dict of lists: each read of a packed entry is a new list (changing it
    changes nothing until it is stored back)."""

    __slots__ = ("_entries", "packed")

    def __init__(self, entries: Iterable[tuple[str, list[Site]]] = (), *, packed: bool = False):
        self._entries: dict[str, list[Site] | spill.Spilled | bytes] = {}
        self.packed = packed
        for path, sites in entries:
            self[path] = sites

    def __getitem__(self, path: str) -> list[Site]:
        entry = self._entries[path]
        return unpack(spill.load(entry)) if type(entry) in _PACKED else entry

    def __setitem__(self, path: str, sites: list[Site] | bytes) -> None:
        """`sites` may come packed already (a worker packed them). Packed, they are spilled."""
        if type(sites) in _PACKED:
            self._entries[path] = spill.keep(sites) if self.packed else unpack(spill.load(sites))
        else:
            self._entries[path] = spill.keep(pack(sites)) if self.packed else sites

    def __delitem__(self, path: str) -> None:
        del self._entries[path]

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"SiteTable({len(self)} files, packed={self.packed})"


class SiteSpool:
    """One file's sites while its search runs: a huge module has hundreds of thousands, made
    while its tree and scopes are all alive, and as objects they would add a tenth again to
    the search's peak. Past `batch` sites they are packed as they come; `sorted()` gives
    them back in order once the search is done and its own structures are gone."""

    __slots__ = ("_batch", "_packed", "_open")

    def __init__(self, batch: int = PACK_SLICE):
        self._batch = batch
        self._packed: list[bytes] = []
        self._open: list[Site] = []

    def append(self, site: Site) -> None:
        self._open.append(site)
        if len(self._open) >= self._batch:
            self._packed.append(pack(self._open))
            self._open = []

    def __len__(self) -> int:
        return len(self._packed) * self._batch + len(self._open)

    def sorted(self) -> list[Site]:
        """Every site, by position; sites at one position in the order they came (a stable sort)."""
        sites: list[Site] = []
        while self._packed:
            sites += unpack(self._packed.pop(0))
        sites += self._open
        self._open = []
        sites.sort(key=_position)
        return sites


def _position(site: Site) -> tuple[int, int]:
    return site.line, site.column
