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
    spilled as it is stored, and each read of it is a new SourceText holding a new str."""

    __slots__ = ("_entries", "packed")

    def __init__(self, *, packed: bool = False):
        self._entries: dict[Key, SourceText | _Kept | None] = {}
        self.packed = packed

    def __getitem__(self, key: Key) -> SourceText | None:
        entry = self._entries[key]
        return entry.source() if type(entry) is _Kept else entry

    def __setitem__(self, key: Key, source: SourceText | None) -> None:
        if self.packed and source is not None:
            self._entries[key] = _Kept(spill.keep(source.text.encode(*_CODEC)), source.encoding, source.bom,
                                       source.newline)
        else:
            self._entries[key] = source

    def take(self, key: Key, other: "SourceTable", its_key: Hashable) -> None:
        """Store `other`'s entry for `its_key` under `key`, as it is kept (not decoded and kept again)."""
        entry = other._entries[its_key]
        if type(entry) is _Kept and not self.packed:
            entry = entry.source()
        elif type(entry) is SourceText and self.packed:
            self[key] = entry
            return
        self._entries[key] = entry

    def __delitem__(self, key: Key) -> None:
        del self._entries[key]

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
        source = self._table._entries[key] if self._within is None or key in self._within else None
        if source is None:
            raise KeyError(key)
        return source.source().text if type(source) is _Kept else source.text

    def __iter__(self):
        return (key for key, entry in self._table._entries.items()
                if entry is not None and (self._within is None or key in self._within))

    def __len__(self) -> int:
        return sum(1 for _ in self)
