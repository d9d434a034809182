"""Copy each old key to its new name, values translated, TTLs kept; move queues item by item.

On a single server a batch is two script calls: one reads (type, TTL, does
the new key exist, did we create it, the value), one writes the keys together
with their journal entries. In a cluster, where a batch spans slots, it is
pipelined round trips instead, the journal written before the keys. Every
write refuses to replace a key that appeared meanwhile (the script checks
EXISTS; SET NX, RESTORE without REPLACE), so nothing someone else wrote is
overwritten without `--overwrite`, and nothing is written twice.

Strings and hashes are read and written as values (their field names may
change); sets, sorted sets and streams go through DUMP / RESTORE, which keeps
them exactly. Lists are *moved*, not copied: a queue copied while workers pop
it would hand each item out twice. Each item goes with one atomic LMOVE
(old left end -> new right end, so the order is kept), in a script that also
counts it in the journal; whoever pops, from either list, gets it once.
"""

from __future__ import annotations

import json
import os
import struct
import time
from dataclasses import dataclass
from typing import Any, Callable

from . import journal
from .connect import is_cluster
from .patterns import KeyMap
from .scan import Pair, pairs
from .translate import FieldClash, Fields, NotJson

# KEYS[1] the new hash; ARGV: TTL in ms (<= 0: none), replace (1/0), then field, value, ...
CREATE_HASH = """
if ARGV[2] == '0' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
local ttl = tonumber(ARGV[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
"""

# Move up to ARGV[1] items from the left end of KEYS[1] to the right end of KEYS[2], counting them
# in hash KEYS[3] under field ARGV[2]: the items and the journal's count change together.
MOVE = """
local moved = 0
for i = 1, tonumber(ARGV[1]) do
  if not redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') then break end
  moved = moved + 1
end
if moved > 0 then redis.call('HINCRBY', KEYS[3], ARGV[2], moved) end
return moved
"""

# KEYS[1] the journal's `created`, then old, new, old, new, ... One row per pair:
# {type, PTTL, new exists, in the journal, value, new type, new value, new DUMP, new PTTL}.
READ = """
local out = {}
for i = 2, #KEYS, 2 do
  local old, new = KEYS[i], KEYS[i + 1]
  local kind = redis.call('TYPE', old)['ok']
  local ttl = redis.call('PTTL', old)
  local exists = redis.call('EXISTS', new)
  local ours = 0
  if exists == 1 then ours = redis.call('HEXISTS', KEYS[1], new) end
  local value, new_kind, new_value, new_dump, new_ttl = false, false, false, false, false
  local function fetch(key, as)
    if as == 'string' then return redis.call('GET', key) end
    if as == 'hash' then return redis.call('HGETALL', key) end
    return redis.call('DUMP', key)
  end
  if ours == 0 and kind ~= 'none' and kind ~= 'list' then
    value = fetch(old, kind)
    if exists == 1 then
      new_kind = redis.call('TYPE', new)['ok']
      new_value = fetch(new, kind)
      new_dump = redis.call('DUMP', new)
      new_ttl = redis.call('PTTL', new)
    end
  end
  if exists == 1 and ours == 0 then
    out[#out + 1] = {kind, ttl, exists, ours, value, new_kind, new_value, new_dump, new_ttl}
  elseif value then
    out[#out + 1] = {kind, ttl, exists, ours, value}
  else
    out[#out + 1] = {kind, ttl, exists, ours}
  end
end
return out
"""

# KEYS[1] the journal's `created`, then the new keys; ARGV[1] one blob, per key: type (1 byte: s, h or
# d for a DUMP), PTTL (8 bytes), replace (1 byte), the old key, n, then n values (the string, the DUMP, or
# field, value, ...), each length-prefixed. One argument, not a dozen per key: encoding arguments is most
# of a client's time. Each key and its journal entry are written together; a key that exists (and may not
# be replaced) is left: 0.
WRITE = """
local blob, pos, out = ARGV[1], 1, {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local kind, ttl, replace, old, n
  kind, ttl, replace, old, n, pos = struct.unpack('>c1i8BI4c0I4', blob, pos)
  local values = {}
  for j = 1, n do values[j], pos = struct.unpack('>I4c0', blob, pos) end
  if replace == 0 and redis.call('EXISTS', key) == 1 then
    out[#out + 1] = 0
  else
    if kind == 's' then
      if ttl > 0 then redis.call('SET', key, values[1], 'PX', ttl) else redis.call('SET', key, values[1]) end
    elseif kind == 'h' then
      redis.call('DEL', key)
      for j = 1, n, 2 do redis.call('HSET', key, values[j], values[j + 1]) end
      if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
    else
      redis.call('RESTORE', key, math.max(ttl, 0), values[1], 'REPLACE')
    end
    redis.call('HSET', KEYS[1], key, old)
    out[#out + 1] = 1
  end
end
return out
"""

_RECORD = struct.Struct(">cqBI")  # type, PTTL, replace, length of the old key
_COUNT = struct.Struct(">I")

VALUE_TYPES = (b"string", b"hash", b"list", b"set", b"zset", b"stream")


@dataclass
class Tally:
    copied: int = 0  # keys written
    resumed: int = 0  # written by an earlier run (in the journal)
    in_place: int = 0  # the new key was already there, with the same value
    conflicts: int = 0  # the new key was already there, with another value (named)
    skipped: int = 0  # values that can't be translated (named)
    vanished: int = 0  # deleted between the scan and the copy (named)
    lists: int = 0  # lists whose items were moved
    items: int = 0  # list items moved
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.conflicts or self.skipped)


def _name(key: bytes) -> str:
    return key.decode("utf-8", "backslashreplace")


def _batch_delay() -> float:
    """A pause after each batch, for tests that interrupt a copy midway (TERMSHIFT_DATA_BATCH_DELAY, seconds)."""
    try:
        return float(os.environ.get("TERMSHIFT_DATA_BATCH_DELAY", "0"))
    except ValueError:
        return 0.0


class Copier:
    def __init__(self, client: Any, keymap: KeyMap, fields: Fields, *, dry_run: bool = False,
                 overwrite: bool = False, batch: int = 1000, say: Callable[[str], None] = print,
                 advance: Callable[[int], None] = lambda n: None, stop: Callable[[], bool] = lambda: False):
        self.client = client
        self.keymap = keymap
        self.fields = fields
        self.dry_run = dry_run
        self.overwrite = overwrite
        self.batch = batch
        self.say = say
        self.advance = advance
        self.stop = stop
        self.cluster = is_cluster(client)
        self.tally = Tally()

    def run(self) -> Tally:
        delay = _batch_delay()
        for chunk in pairs(self.client, self.keymap, batch=self.batch):
            if self.stop():
                self.tally.interrupted = True
                break
            self._batch(chunk)
            self.advance(len(chunk))
            if delay:
                time.sleep(delay)
        if self.stop():  # a stop during the last batch may have cut a list's move short
            self.tally.interrupted = True
        return self.tally

    # -- one batch -----------------------------------------------------------

    def _batch(self, chunk: list[Pair]) -> None:
        chunk = list(dict.fromkeys(chunk))
        states = self._read_pipelined(chunk) if self.cluster else self._read_scripted(chunk)
        writes: list[tuple[bytes, bytes, bytes, int, Any, bool]] = []  # old, new, type, TTL, value, replace
        saved: list[tuple[bytes, bytes, int]] = []  # new key, DUMP, TTL: values --overwrite replaces
        queues: list[tuple[bytes, bytes, int, bool]] = []
        for (old, new), state in zip(chunk, states):
            kind, ttl, exists, ours, value, new_kind, new_value, new_dump, new_ttl = state
            if kind == b"none":
                self._vanished(old)
            elif kind == b"list":
                queues.append((old, new, ttl, bool(exists)))
            elif kind not in VALUE_TYPES:
                self.tally.skipped += 1
                self.say(f"skipped {_name(old)}: a {_name(kind)} (a module type termshift can't copy)")
            elif ours:
                self.tally.resumed += 1
            elif value is None or value == {} or isinstance(value, Exception):
                self._vanished(old)
            else:
                try:
                    translated = self._translate(kind, value)
                except (NotJson, FieldClash) as error:
                    self.tally.skipped += 1
                    self.say(f"skipped {_name(old)}: {error}: left for you to move")
                    continue
                if exists:
                    if new_kind == kind and _same(kind, new_value, translated):
                        self.tally.in_place += 1
                        continue
                    if not self.overwrite:
                        self.tally.conflicts += 1
                        self.say(f"conflict: {_name(new)} (for {_name(old)}) already exists with another value: "
                                 "left as it is (--overwrite replaces it)")
                        continue
                    if new_dump is not None:
                        saved.append((new, new_dump, new_ttl))
                writes.append((old, new, kind, ttl, translated, bool(exists)))
        if self.dry_run:
            self.tally.copied += len(writes)
        elif writes:
            results = self._write_pipelined(writes, saved) if self.cluster else self._write_scripted(writes, saved)
            lost = []
            for (old, new, *_), result in zip(writes, results):
                if isinstance(result, Exception) or not result:
                    lost.append(new)
                    self.tally.conflicts += 1
                    reason = _first_line(result) if isinstance(result, Exception) else "appeared while the copy ran"
                    self.say(f"conflict: {_name(new)} (for {_name(old)}): {reason}: left as it is")
                else:
                    self.tally.copied += 1
            if lost:
                self.client.hdel(journal.CREATED, *lost)
        if queues:
            self._move_all(queues)

    def _vanished(self, old: bytes) -> None:
        self.tally.vanished += 1
        self.say(f"skipped {_name(old)}: deleted while the copy ran (nothing to copy)")

    # Per pair: (type, TTL, new key exists, created by us, value, and for an existing new key
    # not ours: its type, value, DUMP and TTL). A value is a GET, an HGETALL or a DUMP.

    def _read_scripted(self, chunk: list[Pair]) -> list[tuple]:
        """A single server: one script call reads the whole batch."""
        keys = [journal.CREATED] + [key for pair in chunk for key in pair]
        out = []
        for row in self.client.eval(READ, len(keys), *keys):
            kind, ttl, exists, ours, value, new_kind, new_value, new_dump, new_ttl = (row + [None] * 5)[:9]
            if kind == b"hash" and isinstance(value, list):
                value = dict(zip(value[::2], value[1::2]))
            if new_kind == b"hash" and isinstance(new_value, list):
                new_value = dict(zip(new_value[::2], new_value[1::2]))
            out.append((kind, ttl, exists, ours, value, new_kind, new_value, new_dump, new_ttl))
        return out

    def _read_pipelined(self, chunk: list[Pair]) -> list[tuple]:
        """A cluster: keys of one batch live in many slots, so two pipelined round trips."""
        pipe = self.client.pipeline(transaction=False)
        for old, new in chunk:
            pipe.type(old)
            pipe.pttl(old)
            pipe.exists(new)
            pipe.hexists(journal.CREATED, new)
        state = pipe.execute()
        pipe = self.client.pipeline(transaction=False)
        for index, (old, new) in enumerate(chunk):
            kind, _, exists, ours = state[4 * index: 4 * index + 4]
            if kind in VALUE_TYPES and kind != b"list" and not ours:
                _fetch(pipe, kind, old)
                if exists:
                    pipe.type(new)
                    _fetch(pipe, kind, new)
                    pipe.dump(new)
                    pipe.pttl(new)
        fetched = iter(pipe.execute(raise_on_error=False))
        out = []
        for index, (old, new) in enumerate(chunk):
            kind, ttl, exists, ours = state[4 * index: 4 * index + 4]
            value = new_kind = new_value = new_dump = new_ttl = None
            if kind in VALUE_TYPES and kind != b"list" and not ours:
                value = next(fetched)
                if exists:
                    new_kind, new_value, new_dump, new_ttl = next(fetched), next(fetched), next(fetched), next(fetched)
            out.append((kind, ttl, exists, ours, value, new_kind, new_value, new_dump, new_ttl))
        return out

    def _write_scripted(self, writes: list, saved: list) -> list:
        """A single server: one script call writes the batch and its journal entries together."""
        self._save_overwritten(saved)
        keys = [journal.CREATED] + [new for _, new, *_ in writes]
        blob: list[bytes] = []
        for old, new, kind, ttl, value, exists in writes:
            values = [item for pair in value.items() for item in pair] if kind == b"hash" else [value]
            code = b"s" if kind == b"string" else b"h" if kind == b"hash" else b"d"
            blob.append(_RECORD.pack(code, ttl, 1 if exists and self.overwrite else 0, len(old)) + old
                        + _COUNT.pack(len(values)))
            for item in values:
                blob += [_COUNT.pack(len(item)), item]
        return self.client.eval(WRITE, len(keys), *keys, b"".join(blob))

    def _write_pipelined(self, writes: list, saved: list) -> list:
        """A cluster: the journal first (a copy stopped between the two is undone all the same), then the keys."""
        self._save_overwritten(saved)
        self.client.hset(journal.CREATED, mapping={new: old for old, new, *_ in writes})
        pipe = self.client.pipeline(transaction=False)
        for old, new, kind, ttl, value, exists in writes:
            replace = exists and self.overwrite
            if kind == b"string":
                pipe.set(new, value, px=ttl if ttl > 0 else None, nx=not replace)
            elif kind == b"hash":
                flat = [item for pair in value.items() for item in pair]
                pipe.execute_command("EVAL", CREATE_HASH, 1, new, ttl, 1 if replace else 0, *flat)
            else:
                pipe.restore(new, max(ttl, 0), value, replace=replace)
        return pipe.execute(raise_on_error=False)

    def _save_overwritten(self, saved: list[tuple[bytes, bytes, int]]) -> None:
        if saved:
            pipe = self.client.pipeline(transaction=False)
            for new, dump, ttl in saved:
                pipe.hset(journal.OVERWRITTEN, new, dump)
                pipe.hset(journal.OVERWRITTEN_TTL, new, ttl)
            pipe.execute()

    def _translate(self, kind: bytes, value: Any) -> Any:
        if kind == b"string":
            return self.fields.document(value)
        if kind == b"hash":
            return self.fields.hash(value)
        return value  # a DUMP payload: no field names to change

    # -- queues --------------------------------------------------------------

    def _move_all(self, queues: list[tuple[bytes, bytes, int, bool]]) -> None:
        """Move every item of each old list onto the right end of its new list, each exactly once."""
        if self.dry_run:
            pipe = self.client.pipeline(transaction=False)
            for old, *_ in queues:
                pipe.llen(old)
            self.tally.lists += len(queues)
            self.tally.items += sum(pipe.execute())
            return
        if self.cluster:
            for old, new, ttl, exists in queues:
                self._move(old, new, ttl, not exists)
            return
        # One round trip for a batch of short lists; a long one goes on, a script call per batch of items.
        pipe = self.client.pipeline(transaction=False)
        for old, new, ttl, exists in queues:
            pipe.hsetnx(journal.MOVED, old, new)
            pipe.hsetnx(journal.MOVED_INFO, old, json.dumps({"created": not exists, "ttl": ttl}))
            pipe.eval(MOVE, 3, old, new, journal.MOVED_COUNT, self.batch, old)
        results = pipe.execute()
        pipe = self.client.pipeline(transaction=False)
        for index, (old, new, ttl, exists) in enumerate(queues):
            moved = results[3 * index + 2]
            while moved and moved % self.batch == 0 and not self.stop():
                step = self.client.eval(MOVE, 3, old, new, journal.MOVED_COUNT, self.batch, old)
                moved += step
                if step < self.batch:
                    break
            if not exists and ttl > 0 and moved:
                pipe.pexpire(new, ttl)
            self.tally.lists += 1
            self.tally.items += moved
        pipe.execute()

    def _move(self, old: bytes, new: bytes, ttl: int, created: bool) -> None:
        self.client.hsetnx(journal.MOVED, old, new)
        self.client.hsetnx(journal.MOVED_INFO, old, json.dumps({"created": created, "ttl": ttl}))
        moved = self._move_in_cluster(old, new)
        if created and ttl > 0 and moved:
            self.client.pexpire(new, ttl)
        self.tally.lists += 1
        self.tally.items += moved

    def _move_in_cluster(self, old: bytes, new: bytes) -> int:
        """In a cluster the journal lives in another slot: LMOVE where both lists share a slot; else
        through a staging list in the old list's slot, so an item is never only in this process."""
        client = self.client
        moved = 0
        if client.keyslot(old) == client.keyslot(new):
            while not self.stop():
                want = min(self.batch, client.llen(old))
                if not want:
                    break
                pipe = client.pipeline(transaction=False)
                for _ in range(want):
                    pipe.lmove(old, new, "LEFT", "RIGHT")
                step = sum(1 for item in pipe.execute() if item is not None)
                if step:
                    client.hincrby(journal.MOVED_COUNT, old, step)
                moved += step
                if step < want:
                    break
            return moved
        staging = staging_key(old)
        left = client.lrange(staging, 0, -1)
        if left:
            self.say(f"{_name(old)}: {len(left)} item(s) were in flight when an earlier copy stopped: pushed to "
                     f"{_name(new)} now (one may be there twice if the stop came after its push)")
        while not self.stop():
            item = left.pop(0) if left else client.lmove(old, staging, "LEFT", "RIGHT")
            if item is None:
                break
            client.rpush(new, item)
            client.lpop(staging)
            client.hincrby(journal.MOVED_COUNT, old, 1)
            moved += 1
        return moved


def staging_key(old: bytes) -> bytes:
    """A list in the same cluster slot as `old`."""
    start = old.find(b"{")
    if start >= 0 and old.find(b"}", start + 1) > start + 1:
        return old + b":termshift-moving"
    return b"{" + old + b"}:termshift-moving"


def _fetch(pipe: Any, kind: bytes, key: bytes) -> None:
    if kind == b"string":
        pipe.get(key)
    elif kind == b"hash":
        pipe.hgetall(key)
    else:
        pipe.dump(key)


def _same(kind: bytes, stored: Any, translated: Any) -> bool:
    if kind == b"hash":
        return dict(stored or {}) == translated
    return stored == translated


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]
