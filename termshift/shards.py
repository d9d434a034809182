"""`check --shard K/N`: which files one of N CI jobs reports on.

A file belongs to a shard by a digest of its project-relative POSIX path,
never by its position in a listing: adding, removing or renaming a file
moves no other file to another shard, so a shard's report is comparable from
one build to the next. (Python's `hash()` is salted per process: two jobs
would disagree on every file.)

Only the reporting is divided. A file's findings depend on the whole
project: a name is kept everywhere when one occurrence of it anywhere can't
be tied to what is renamed, a collision in one module refuses the name in
all of them. So every shard analyses the whole project, as an unsharded
check does, and reports the findings of its own files; the shards' reports
are disjoint and together they are the unsharded report, which
`termshift merge-reports` (merging.py) puts back together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


class ShardError(ValueError):
    """A --shard value that isn't K/N with 1 <= K <= N: the message says what is wrong."""


@dataclass(frozen=True)
class Shard:
    """The K-th of N shards (1-based, as CI systems count their jobs)."""

    index: int
    count: int

    def owns(self, path: str) -> bool:
        """Whether the file at `path` (relative to its project, forward slashes) is this shard's."""
        return owner(path, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def owner(path: str, count: int) -> int:
    """The shard (1..count) a file at the project-relative POSIX `path` belongs to."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def parse(text: str) -> Shard:
    """`K/N` as the command line gives it."""
    index, slash, count = text.strip().partition("/")
    if not slash or not _number(index) or not _number(count):
        raise ShardError(f"{text!r} is not K/N (two whole numbers, e.g. 2/4: the second of four shards)")
    shard = Shard(int(index), int(count))
    if shard.count < 1:
        raise ShardError(f"{text!r}: the number of shards must be at least 1")
    if not 1 <= shard.index <= shard.count:
        raise ShardError(f"{text!r}: K must be between 1 and {shard.count} (shards are counted from 1)")
    return shard


def _number(text: str) -> bool:
    text = text.strip()
    return text.isascii() and text.isdigit()
