"""What `copy` did, kept in Redis beside the data, so `rollback` can undo exactly that.

Every journal key carries the hash tag `{termshift-data}`: in a cluster they
all live on one node, and a SCAN of the old patterns never meets them.

- created:         new key -> old key, for each key copy created (written before the key is)
- overwritten:     new key -> DUMP of the value `--overwrite` replaced (and its TTL in overwritten-ttl)
- moved:           old list -> new list, for each list whose items were moved
- moved-info:      old list -> {"created": did the new list exist, "ttl": the old list's TTL}
- moved-count:     old list -> how many items were moved
- dropped:         set by drop-old; rollback refuses after it
- running:         held by the command that writes (copy, rollback, drop-old), one at a time; a lease
                   renewed after each batch, so a killed run frees it within a minute

`rollback` deletes the keys in `created` (restoring those in `overwritten`),
moves `moved-count` items of each moved list back, then deletes the journal.
"""

from __future__ import annotations

import json
from typing import Any, Callable

PREFIX = b"{termshift-data}:"
CREATED = PREFIX + b"created"
OVERWRITTEN = PREFIX + b"overwritten"
OVERWRITTEN_TTL = PREFIX + b"overwritten-ttl"
MOVED = PREFIX + b"moved"
MOVED_INFO = PREFIX + b"moved-info"
MOVED_COUNT = PREFIX + b"moved-count"
DROPPED = PREFIX + b"dropped"
RUNNING = PREFIX + b"running"
LEASE_MS = 60_000
ALL = (CREATED, OVERWRITTEN, OVERWRITTEN_TTL, MOVED, MOVED_INFO, MOVED_COUNT)

# Move up to ARGV[1] items from the right end of KEYS[1] to the left end of KEYS[2], counted in
# KEYS[3] under field ARGV[2] (negative: counted down). One script: the items and the count move together.
MOVE_BACK = """
local moved = 0
for i = 1, tonumber(ARGV[1]) do
  if not redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') then break end
  moved = moved + 1
end
if moved > 0 then redis.call('HINCRBY', KEYS[3], ARGV[2], -moved) end
return moved
"""


class RollbackRefused(Exception):
    """Rollback would lose data: one line, exit 1."""


class Busy(Exception):
    """Another run holds the lease: one line, exit 1."""


class Lease:
    """One writing run at a time, per database."""

    def __init__(self, client: Any, what: str):
        import os
        import socket

        self.client = client
        self.token = f"{what} pid {os.getpid()} on {socket.gethostname()}".encode()

    def __enter__(self) -> "Lease":
        if not self.client.set(RUNNING, self.token, nx=True, px=LEASE_MS):
            holder = self.client.get(RUNNING) or b"?"
            raise Busy(f"another run is writing ({holder.decode(errors='replace')}); if it is gone, wait a "
                       f"minute or delete the key {RUNNING.decode()}")
        return self

    def renew(self, _: int = 0) -> None:
        self.client.pexpire(RUNNING, LEASE_MS)

    def __exit__(self, *exc: object) -> None:
        if self.client.get(RUNNING) == self.token:
            self.client.delete(RUNNING)


def rollback(client: Any, *, cluster: bool, batch: int = 1000, advance: Callable[[int], None] = lambda n: None,
             say: Callable[[str], None] = print) -> tuple[int, int, int]:
    """Undo every copy this journal records. Returns (keys removed, keys restored, list items moved back)."""
    if client.exists(DROPPED):
        raise RollbackRefused("the old keys were dropped (drop-old): a rollback would delete the only copy")
    removed = restored = 0
    cursor = 0
    while True:
        cursor, entries = client.hscan(CREATED, cursor, count=batch)
        if entries:
            news = list(entries)
            pipe = client.pipeline(transaction=False)
            for new in news:
                pipe.hget(OVERWRITTEN, new)
                pipe.hget(OVERWRITTEN_TTL, new)
            saved = pipe.execute()
            pipe = client.pipeline(transaction=False)
            for index, new in enumerate(news):
                dump, ttl = saved[2 * index], saved[2 * index + 1]
                if dump is not None:
                    pipe.restore(new, max(int(ttl or 0), 0), dump, replace=True)
                    restored += 1
                else:
                    pipe.delete(new)
                    removed += 1
            pipe.execute()
            pipe = client.pipeline(transaction=False)
            pipe.hdel(CREATED, *news)
            pipe.hdel(OVERWRITTEN, *news)
            pipe.hdel(OVERWRITTEN_TTL, *news)
            pipe.execute()
            advance(len(news))
        if not cursor:
            break
    items = 0
    cursor = 0
    while True:
        cursor, entries = client.hscan(MOVED, cursor, count=batch)
        if entries:
            items += _lists_back(client, list(entries.items()), cluster=cluster, say=say)
            advance(len(entries))
        if not cursor:
            break
    client.delete(*ALL)
    return removed, restored, items


def _lists_back(client: Any, entries: list[tuple[bytes, bytes]], *, cluster: bool,
                say: Callable[[str], None]) -> int:
    """Move the items of a batch of moved lists back: one round trip for short lists."""
    pipe = client.pipeline(transaction=False)
    for old, _ in entries:
        pipe.hget(MOVED_COUNT, old)
        pipe.hget(MOVED_INFO, old)
    found = pipe.execute()
    counts = [int(found[2 * index] or 0) for index in range(len(entries))]
    infos = [json.loads(found[2 * index + 1] or b"{}") for index in range(len(entries))]
    if cluster:
        backs = [_move_back(client, new, old, count, cluster=True) for (old, new), count in zip(entries, counts)]
    else:
        pipe = client.pipeline(transaction=False)
        for (old, new), count in zip(entries, counts):
            pipe.eval(MOVE_BACK, 3, new, old, MOVED_COUNT, min(count, 1000), old)
        backs = pipe.execute()
        for index, ((old, new), count) in enumerate(zip(entries, counts)):
            if backs[index] == 1000 and count > 1000:
                backs[index] += _move_back(client, new, old, count - 1000, cluster=False)
    pipe = client.pipeline(transaction=False)
    for (old, new), count, info, back in zip(entries, counts, infos, backs):
        if back < count:
            say(f"rollback: {new.decode(errors='replace')} held {back} of the {count} items moved from "
                f"{old.decode(errors='replace')} (the rest were taken off the queue since): moved back {back}")
        ttl = int(info.get("ttl", -1))
        if ttl > 0 and back:
            pipe.pexpire(old, ttl)
        pipe.hdel(MOVED, old)
        pipe.hdel(MOVED_INFO, old)
        pipe.hdel(MOVED_COUNT, old)
    pipe.execute()
    return sum(backs)


def _move_back(client: Any, new: bytes, old: bytes, count: int, *, cluster: bool) -> int:
    if count <= 0:
        return 0
    if not cluster:
        moved = 0
        while moved < count:
            step = client.eval(MOVE_BACK, 3, new, old, MOVED_COUNT, min(1000, count - moved), old)
            moved += step
            if step == 0:
                break
        return moved
    moved = 0
    same_slot = client.keyslot(new) == client.keyslot(old)
    while moved < count:
        if same_slot:
            item = client.lmove(new, old, "RIGHT", "LEFT")
        else:  # keys in different slots: no atomic move exists (README, "Moving stored data")
            item = client.rpop(new)
            if item is not None:
                client.lpush(old, item)
        if item is None:
            break
        moved += 1
    return moved
