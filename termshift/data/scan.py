"""The old keys, in batches: SCAN (never KEYS) on every server that holds keys.

Memory stays that of one batch whatever the size of the database. SCAN may
return a key twice; everything downstream is idempotent, so that only costs
a repeated check.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .connect import primaries
from .journal import PREFIX
from .patterns import KeyMap

Pair = tuple[bytes, bytes]  # (old key, new key)


def _glob_regex(glob: bytes) -> "re.Pattern[bytes]":
    out, escaped = [], False
    for byte in glob:
        char = bytes([byte])
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == b"\\":
            escaped = True
        elif char == b"*":
            out.append(b".*")
        elif char == b"?":
            out.append(b".")
        else:
            out.append(re.escape(char))
    return re.compile(b"".join(out) + rb"\Z", re.S)


def pairs(client: Any, keymap: KeyMap, *, batch: int = 1000, count: int = 1000) -> Iterator[list[Pair]]:
    """Batches of (old key, new key) for every stored key an old pattern matches."""
    globs, exact = keymap.scans()
    pending: list[Pair] = []
    if exact:
        pipe = client.pipeline(transaction=False)
        for key in exact:
            pipe.exists(key)
        for key, present in zip(exact, pipe.execute()):
            new = keymap.new_key(key)
            if present and new is not None:
                pending.append((key, new))
    earlier: list["re.Pattern[bytes]"] = []
    for glob in globs:
        for server in primaries(client):
            cursor = 0
            while True:
                cursor, keys = server.scan(cursor, match=glob, count=count)
                for key in keys:
                    if key.startswith(PREFIX) or any(regex.match(key) for regex in earlier):
                        continue
                    new = keymap.new_key(key)
                    if new is not None:
                        pending.append((key, new))
                if len(pending) >= batch:
                    yield pending
                    pending = []
                if not cursor:
                    break
        earlier.append(_glob_regex(glob))
    if pending:
        yield pending


def sample(client: Any, glob: bytes, *, limit: int = 5, rounds: int = 20) -> list[bytes]:
    """A few keys matching `glob`, without walking a large database to the end."""
    found: list[bytes] = []
    for server in primaries(client):
        cursor, turns = 0, 0
        while len(found) < limit and turns < rounds:
            cursor, keys = server.scan(cursor, match=glob, count=1000)
            found += [key for key in keys if not key.startswith(PREFIX)]
            turns += 1
            if not cursor:
                break
    return found[:limit]
