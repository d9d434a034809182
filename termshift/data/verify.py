"""Every old key against its new one: same type, same TTL, same value once translated.

Each value is reduced to a checksum of a canonical form for its type (a
hash's fields sorted, a set's members sorted, a sorted set's members with
their scores in order, a stream's entries with their ids), the old value
translated first, so what is compared is what the new code will read. A
list was moved, not copied: an old list that still holds items is named.

`drop-old` deletes old keys through the same check, batch by batch, so a
key that changed after the verify is never deleted unchecked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .connect import is_cluster
from .copy import VALUE_TYPES, _name
from .patterns import KeyMap
from .scan import Pair, pairs
from .translate import FieldClash, Fields, NotJson

TTL_SLACK_MS = 2000
SAME = ("same DUMP",)  # the server found the two DUMP payloads byte for byte equal  # the old TTL is read a moment before the new key is written


@dataclass
class Checked:
    matched: int = 0
    mismatched: int = 0
    vanished: int = 0


def _fetch(pipe: Any, kind: bytes, key: bytes) -> None:
    if kind == b"string":
        pipe.get(key)
    elif kind == b"hash":
        pipe.hgetall(key)
    elif kind == b"set":
        pipe.smembers(key)
    elif kind == b"zset":
        pipe.zrange(key, 0, -1, withscores=True)
    elif kind == b"stream":
        pipe.xrange(key, "-", "+")
    elif kind == b"list":
        pipe.llen(key)
    else:
        pipe.dump(key)


def checksum(kind: bytes, value: Any) -> str:
    """A digest of the value's canonical form for its type."""
    digest = hashlib.blake2b(kind, digest_size=16)
    if kind == b"hash":
        items: Iterable = sorted(value.items())
    elif kind == b"set":
        items = sorted(value)
    elif kind == b"zset":
        items = [(member, repr(float(score))) for member, score in value]
    elif kind == b"stream":
        items = [(entry_id, sorted(fields.items())) for entry_id, fields in value]
    else:
        items = [value]
    for item in items:
        digest.update(repr(item).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


# KEYS: old, new, old, new, ... One row per pair: {old type, new type, old PTTL, new PTTL, then the two values
# (strings, hashes), the old list's length, or whether the two DUMPs are byte for byte the same (1/0)}.
READ = """
local out = {}
for i = 1, #KEYS, 2 do
  local old, new = KEYS[i], KEYS[i + 1]
  local kind, new_kind = redis.call('TYPE', old)['ok'], redis.call('TYPE', new)['ok']
  local row = {kind, new_kind, redis.call('PTTL', old), redis.call('PTTL', new)}
  if kind == 'list' then
    row[5] = redis.call('LLEN', old)
  elseif kind == new_kind and kind == 'string' then
    row[5], row[6] = redis.call('GET', old), redis.call('GET', new)
  elseif kind == new_kind and kind == 'hash' then
    row[5], row[6] = redis.call('HGETALL', old), redis.call('HGETALL', new)
  elseif kind == new_kind and kind ~= 'none' then
    row[5] = (redis.call('DUMP', old) == redis.call('DUMP', new)) and 1 or 0
  end
  out[#out + 1] = row
end
return out
"""


def check(client: Any, fields: Fields, chunk: list[Pair]) -> list[tuple[bytes, bytes, str | None]]:
    """(old, new, what is wrong or None) for each pair; "vanished" when the old key is gone."""
    chunk = list(dict.fromkeys(chunk))
    if not is_cluster(client):
        return _check_scripted(client, fields, chunk)
    return _check_pipelined(client, fields, chunk)


def _check_pipelined(client: Any, fields: Fields, chunk: list[Pair]) -> list[tuple[bytes, bytes, str | None]]:
    """A cluster (a batch spans slots): two pipelined round trips, every value compared in Python."""
    pipe = client.pipeline(transaction=False)
    for old, new in chunk:
        pipe.type(old)
        pipe.type(new)
        pipe.pttl(old)
        pipe.pttl(new)
    return _compare_pipelined(client, fields, chunk, pipe.execute())


def _compare_pipelined(client: Any, fields: Fields, chunk: list[Pair], state: list) -> list:
    pipe = client.pipeline(transaction=False)
    fetching = []
    for index, (old, new) in enumerate(chunk):
        old_kind, new_kind = state[4 * index], state[4 * index + 1]
        if old_kind in VALUE_TYPES and old_kind == new_kind and old_kind != b"list":
            _fetch(pipe, old_kind, old)
            _fetch(pipe, new_kind, new)
            fetching.append(index)
        elif old_kind == b"list":
            pipe.llen(old)
            fetching.append(index)
    values = iter(pipe.execute(raise_on_error=False))
    fetched = {}
    for index in fetching:
        kind = state[4 * index]
        fetched[index] = (next(values),) if kind == b"list" else (next(values), next(values))
    out: list[tuple[bytes, bytes, str | None]] = []
    for index, (old, new) in enumerate(chunk):
        old_kind, new_kind, old_ttl, new_ttl = state[4 * index: 4 * index + 4]
        out.append((old, new, _problem(fields, old_kind, new_kind, old_ttl, new_ttl, fetched.get(index))))
    return out


def _check_scripted(client: Any, fields: Fields, chunk: list[Pair]) -> list[tuple[bytes, bytes, str | None]]:
    """A single server: one script call reads the batch; a set, sorted set or stream whose DUMP
    differs from its copy's (an encoding may differ) is compared by value after."""
    rows = client.eval(READ, 2 * len(chunk), *[key for pair in chunk for key in pair])
    out: list[tuple[bytes, bytes, str | None]] = []
    differ: list[int] = []
    for index, ((old, new), row) in enumerate(zip(chunk, rows)):
        old_kind, new_kind, old_ttl, new_ttl = row[:4]
        values: tuple | None = None
        if old_kind == b"list":
            values = (row[4],)
        elif old_kind == new_kind and old_kind == b"string":
            values = (row[4], row[5])
        elif old_kind == new_kind and old_kind == b"hash":
            values = tuple(dict(zip(value[::2], value[1::2])) for value in row[4:6])
        elif old_kind == new_kind and old_kind in VALUE_TYPES:
            if row[4] != 1:
                differ.append(index)
                out.append((old, new, None))
                continue
            values = SAME
        out.append((old, new, _problem(fields, old_kind, new_kind, old_ttl, new_ttl, values)))
    if differ:
        again = _check_pipelined(client, fields, [chunk[index] for index in differ])
        for index, result in zip(differ, again):
            out[index] = result
    return out


def _problem(fields: Fields, old_kind: bytes, new_kind: bytes, old_ttl: int, new_ttl: int,
             values: tuple | None) -> str | None:
    if old_kind == b"none":
        return "vanished"
    if old_kind == b"list":
        length = values[0] if values else 0
        return f"{length} item(s) still in the old list (run `termshift data copy` again)"
    if new_kind == b"none":
        return "missing: not copied"
    if old_kind != new_kind:
        return f"type differs: {_name(old_kind)} -> {_name(new_kind)}"
    if old_kind not in VALUE_TYPES:
        return f"a {_name(old_kind)}: termshift can't compare it"
    if values is SAME:
        old_value = new_value = None
    else:
        old_value, new_value = values
    if isinstance(old_value, Exception) or isinstance(new_value, Exception):
        return f"can't be read: {old_value if isinstance(old_value, Exception) else new_value}"
    try:
        if values is SAME:
            pass
        elif old_kind == b"string":
            old_value = fields.document(old_value)
        elif old_kind == b"hash":
            old_value = fields.hash(old_value)
    except (NotJson, FieldClash) as error:
        return f"the old value can't be translated: {error}"
    if values is not SAME and checksum(old_kind, old_value) != checksum(new_kind, new_value):
        return "value differs"
    if (old_ttl > 0) != (new_ttl > 0):
        return f"TTL differs: {_ttl(old_ttl)} -> {_ttl(new_ttl)}"
    if old_ttl > 0 and abs(old_ttl - new_ttl) > TTL_SLACK_MS:
        return f"TTL differs: {_ttl(old_ttl)} -> {_ttl(new_ttl)}"
    return None


def _ttl(ms: int) -> str:
    return "none" if ms < 0 else f"{ms} ms"


def verify(client: Any, keymap: KeyMap, fields: Fields, *, batch: int = 1000,
           say: Callable[[str], None] = print, advance: Callable[[int], None] = lambda n: None,
           matched: Callable[[list[Pair]], None] | None = None) -> Checked:
    """Check every old key; name each mismatch. `matched`, if given, gets each batch's matching pairs."""
    result = Checked()
    for chunk in pairs(client, keymap, batch=batch):
        good: list[Pair] = []
        for old, new, problem in check(client, fields, chunk):
            if problem is None:
                result.matched += 1
                good.append((old, new))
            elif problem == "vanished":
                result.vanished += 1
            else:
                result.mismatched += 1
                say(f"mismatch: {_name(old)} -> {_name(new)}: {problem}")
        if matched is not None and good:
            matched(good)
        advance(len(chunk))
    return result
