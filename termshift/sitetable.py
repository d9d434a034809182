"""Every file's sites, kept small when the project is large.

A job-heavy file has dozens of sites, and a site as an object takes ~200
bytes with its strings: in a monorepo of ten thousand such files the sites
alone outgrow a CI runner's memory, though every pass over them (the plan,
the accounting, the lint) needs one file's sites at a time. So a large run
keeps each file's sites packed — pickled and compressed, under 10 bytes a site —
and unpacks them each time they are asked for; nothing holds them all at
once. A small run keeps the lists as they are: unpacking costs more than the
memory is worth there.

Packing happens where the sites are made (the search's workers, in
parallel), and a table packs what it is given in the same mode, so the two
kinds never mix in one table.
"""

from __future__ import annotations

import pickle
import zlib
from typing import Iterable, Iterator, MutableMapping

from .sites import Site

# A run searching this many bytes of source packs its sites (~1,400 job-heavy files; the bench's
# dense corpus is a tenth of it).
PACK_FROM = 4_000_000


def pack(sites: list[Site]) -> bytes:
    """As plain tuples: pickle makes and reads those without a Python call per site."""
    return zlib.compress(pickle.dumps(list(map(tuple, sites)), pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes, _new=tuple.__new__, _site=Site) -> list[Site]:
    return [_new(_site, fields) for fields in pickle.loads(zlib.decompress(blob))]


class SiteTable(MutableMapping[str, "list[Site]"]):
    """Relative path -> that file's sites, in the order they were added. Packed or not, it
    behaves as a dict of lists: each read of a packed entry is a new list (changing it
    changes nothing until it is stored back)."""

    __slots__ = ("_entries", "packed")

    def __init__(self, entries: Iterable[tuple[str, list[Site]]] = (), *, packed: bool = False):
        self._entries: dict[str, list[Site] | bytes] = {}
        self.packed = packed
        for path, sites in entries:
            self[path] = sites

    def __getitem__(self, path: str) -> list[Site]:
        entry = self._entries[path]
        return unpack(entry) if type(entry) is bytes else entry

    def __setitem__(self, path: str, sites: list[Site] | bytes) -> None:
        """`sites` may come packed already (a worker packed them): stored as they come."""
        if type(sites) is bytes:
            self._entries[path] = sites if self.packed else unpack(sites)
        else:
            self._entries[path] = pack(sites) if self.packed else sites

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
