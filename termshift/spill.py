"""A large run's packed records, kept in a temporary file instead of in memory.

A large run packs what it keeps of each file (its sites, sitetable.py; its
module's summary, index.py; its source text, files.SourceText) and reads one
back at a time, when a pass over the project comes to it. Packed, they still
take a few kilobytes a file: in a monorepo that is what makes memory grow with
the project once trees and sites are bounded. So they are written to an
unlinked temporary file, one per process, and read back with `os.pread`: from
the page cache, which the system may reclaim, and never from the process's
own memory. What stays in memory per record is a handle of one int.

A forked worker inherits the parent's file and reads the parent's records from
it; what it writes goes to a file of its own. When no temporary file can be
made or written (a read-only system, a full disk), `keep` gives the bytes back
and the caller keeps them, as it would without a spill.
"""

from __future__ import annotations

import os

_FIELD = 40  # bits of a handle's offset and of its length: records up to 1 TiB
_MASK = (1 << _FIELD) - 1


class Spilled(int):
    """Where a record is: its file's number, its offset and its length, in one int."""

    __slots__ = ()

    def __reduce__(self):
        """Pickled for another process (a spawned worker, which can't read this one's file): the
        record's bytes, which every reader of a handle takes as well (`load`)."""
        return (bytes, (read(self),))


_files: list[int] = []  # descriptors by number: the parent's, inherited, then this process's own
_writer = {"pid": 0, "number": -1, "end": 0}


def keep(data: bytes) -> Spilled | bytes:
    """`data` written out: its handle, or the bytes themselves when they can't be written.
    (A handle given is kept as it is.)"""
    if type(data) is Spilled:
        return data
    if _writer["pid"] != os.getpid():
        _open()
    number, end = _writer["number"], _writer["end"]
    if number < 0:
        return data
    view, written = memoryview(data), 0
    try:
        while written < len(data):
            written += os.pwrite(_files[number], view[written:], end + written)
    except OSError:  # a full disk: this record stays in memory
        return data
    _writer["end"] = end + len(data)
    return Spilled((number << 2 * _FIELD) | (end << _FIELD) | len(data))


def read(handle: Spilled) -> bytes:
    fd = _files[handle >> 2 * _FIELD]
    at, size = (handle >> _FIELD) & _MASK, handle & _MASK
    chunks = []
    while size:  # one read, unless a signal cuts it short
        chunk = os.pread(fd, size, at)
        if not chunk:
            raise OSError("termshift's temporary file ended early")
        chunks.append(chunk)
        at, size = at + len(chunk), size - len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def load(entry: Spilled | bytes) -> bytes:
    """The bytes of an entry that `keep` made: read back, or as they were kept."""
    return read(entry) if type(entry) is Spilled else entry


def _open() -> None:
    """This process's own file (a forked worker must not write at offsets its parent owns), or
    none, once, when none can be made."""
    import tempfile  # here: a run small enough never to spill doesn't import it

    _writer.update(pid=os.getpid(), number=-1, end=0)
    try:
        fd, path = tempfile.mkstemp(prefix="termshift-", suffix=".spill")
    except OSError:
        return
    try:
        os.unlink(path)  # gone with the last process that holds it open, however the run ends
    except OSError:
        os.close(fd)
        return
    _files.append(fd)
    _writer["number"] = len(_files) - 1
