"""Every file's source text, kept out of memory when the project is large.

A run keeps the text of each file it searched to the end: the plan, the
accounting and the reports read a file's lines, and `apply` rewrites it. In a
monorepo that is a second copy of the project in memory, and the largest
thing that grows with it. A pass over the project needs one file's text at a
time, so a large run (sitetable.PACK_FROM) keeps each text in the run's
temporary file (spill.py) and decodes it again each time it is asked for: a
few microseconds a file, against parsing it, which takes milliseconds.
"""

from __future__ import annotations

from typing import Hashable, Iterator, Mapping, MutableMapping, NamedTuple, TypeVar

from . import spill
from .files import SourceText

Key = TypeVar("Key", bound=Hashable)

_CODEC = ("utf-8", "surrogatepass")  # any str round-trips, whatever the file's own encoding was


class _Kept(NamedTuple):
    """A text as a large run keeps it: its UTF-8 bytes, spilled, and how to write it back."""

    data: spill.Spilled | bytes
    encoding: str
    bom: bool
    newline: str

    def source(self) -> SourceText:
        return SourceText(spill.load(self.data).decode(*_CODEC), self.encoding, self.bom, self.newline)


class SourceTable(MutableMapping[Key, "SourceText | None"]):
    """Key -> the file's SourceText (None: it could not be read). With `packed`, each text is
    spilled as it is stored and decoded again when read; the last one read is kept, so that a
    file's passes, which ask for it over and over, share one str (and what is cached by it,
    textpos.line_starts) instead of each holding a copy."""

    __slots__ = ("_entries", "packed", "_last")

    def __init__(self, *, packed: bool = False):
        self._entries: dict[Key, SourceText | _Kept | None] = {}
        self.packed = packed
        self._last: tuple[Key, _Kept, SourceText] | None = None

    def __getitem__(self, key: Key) -> SourceText | None:
        entry = self._entries[key]
        if type(entry) is not _Kept:
            return entry
        last = self._last
        if last is not None and last[1] is entry:
            return last[2]
        source = entry.source()
        self._last = (key, entry, source)
        return source

    def __setitem__(self, key: Key, source: SourceText | None) -> None:
        self._last = None
        if self.packed and source is not None:
            self._entries[key] = _Kept(spill.keep(source.text.encode(*_CODEC)), source.encoding, source.bom,
                                       source.newline)
        else:
            self._entries[key] = source

    def take(self, key: Key, other: "SourceTable", its_key: Hashable) -> None:
        """Store `other`'s entry for `its_key` under `key`, as it is kept (not decoded and kept again)."""
        entry = other._entries[its_key]
        if entry is None or (type(entry) is _Kept) == self.packed:
            self._entries[key] = entry
        else:
            self[key] = other[its_key]

    def __delitem__(self, key: Key) -> None:
        del self._entries[key]
        self._last = None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[Key]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def texts(self, within: frozenset | None = None) -> Mapping[Key, str]:
        """The texts alone (of the keys `within`, when given), each decoded when it is asked for."""
        return _Texts(self, within)

    def __repr__(self) -> str:
        return f"SourceTable({len(self)} files, packed={self.packed})"


class _Texts(Mapping):
    __slots__ = ("_table", "_within")

    def __init__(self, table: SourceTable, within: frozenset | None):
        self._table, self._within = table, within

    def __getitem__(self, key):
        if (self._within is not None and key not in self._within) or self._table._entries[key] is None:
            raise KeyError(key)
        return self._table[key].text

    def __iter__(self):
        return (key for key, entry in self._table._entries.items()
                if entry is not None and (self._within is None or key in self._within))

    def __len__(self) -> int:
        return sum(1 for _ in self)
