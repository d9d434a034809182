# -- storage: moves and blocking pops, sorted sets, streams ---------------

class _Moves:
    """Blocking pops and moves between lists: an item still lives in one list."""

    def _sources(self, key):
        """Where an item of a queue may be: the old list first (older items), then the new one."""
        old = old_key(key)
        return [key] if old is None or phase() == NEW_ONLY else [old, key]

    def _target(self, key):
        """Where new code puts an item: the old list while old code may pop it."""
        old = old_key(key)
        return old if old is not None and phase() == DUAL_WRITE else key

    def _blocking(self, command, keys, timeout):
        """BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: Redis itself blocks on every form, in order, and pops once."""
        names = [keys] if isinstance(keys, (str, bytes)) else list(keys)
        forms = {}
        for name in names:
            for source in (self._sources(name) if command in ("blpop", "brpop") else [self._first(name)]):
                forms.setdefault(source, name)
        result = yield _call(command, list(forms), timeout)
        if not result:
            return result
        return type(result)((_named(forms, result[0]), *result[1:]))

    def blpop(self, keys, timeout=0):
        return (yield from self._blocking("blpop", keys, timeout))

    def brpop(self, keys, timeout=0):
        return (yield from self._blocking("brpop", keys, timeout))

    def lmove(self, first, second, src="LEFT", dest="RIGHT"):
        for source in self._sources(first):
            value = yield _call("lmove", source, self._target(second), src, dest)
            if value is not None:
                return value
        return None

    def rpoplpush(self, src, dst):
        return (yield from self.lmove(src, dst, "RIGHT", "LEFT"))

    def blmove(self, first, second, timeout, src="LEFT", dest="RIGHT"):
        """Every form without blocking, then block on the list this phase pushes to.

        An item pushed to the other list while it blocks (a writer still in the
        previous phase) is taken by the next call, not this one.
        """
        destination = self._target(second)
        sources = self._sources(first)
        if len(sources) > 1:
            for source in sources:
                value = yield _call("lmove", source, destination, src, dest)
                if value is not None:
                    return value
        return (yield _call("blmove", self._target(first), destination, timeout, src, dest))

    def brpoplpush(self, src, dst, timeout=0):
        return (yield from self.blmove(src, dst, timeout, "RIGHT", "LEFT"))


class _Logs:
    """Sorted sets and streams: records (`termshift data` copies them), one authoritative copy per phase."""

    def _first(self, key):
        """The copy this phase reads and decides on: old in dual-write, new after."""
        return self._reads(key)[0][0]

    def _copies(self, key):
        """(authoritative, mirror or None)."""
        reads = self._reads(key)
        return reads[0][0], (reads[1][0] if len(reads) > 1 else None)

    def _read_key(self, key):
        """The copy to read: the authoritative one, or the other when it doesn't exist (not copied yet)."""
        reads = self._reads(key)
        if len(reads) > 1 and not (yield _call("exists", reads[0][0])):
            return reads[1]
        return reads[0]

    def zadd(self, key, mapping, *args, **kwargs):
        first, mirror = self._copies(key)
        result = yield _call("zadd", first, mapping, *args, **kwargs)
        if mirror is not None:
            if args or kwargs:  # nx / xx / gt / lt / incr: the mirror takes the scores the first copy has now
                present = {}
                for member in mapping:
                    score = yield _call("zscore", first, member)
                    if score is not None:
                        present[member] = score
                if present:
                    yield _call("zadd", mirror, present)
            else:
                yield _call("zadd", mirror, mapping)
        return result

    def zrem(self, key, *members):
        first, mirror = self._copies(key)
        result = yield _call("zrem", first, *members)  # the claim: decided on the authoritative copy
        if mirror is not None:
            yield _call("zrem", mirror, *members)
        return result

    def zincrby(self, key, amount, member):
        first, mirror = self._copies(key)
        score = yield _call("zincrby", first, amount, member)
        if mirror is not None:
            yield _call("zadd", mirror, {member: score})
        return score

    def _zread(self, command, key, *args, **kwargs):
        name, _ = yield from self._read_key(key)
        return (yield _call(command, name, *args, **kwargs))

    def zscore(self, key, member):
        return (yield from self._zread("zscore", key, member))

    def zcard(self, key):
        return (yield from self._zread("zcard", key))

    def zcount(self, key, low, high):
        return (yield from self._zread("zcount", key, low, high))

    def zrank(self, key, member, *args, **kwargs):
        return (yield from self._zread("zrank", key, member, *args, **kwargs))

    def zrange(self, key, start, end, *args, **kwargs):
        return (yield from self._zread("zrange", key, start, end, *args, **kwargs))

    def zrevrange(self, key, start, end, *args, **kwargs):
        return (yield from self._zread("zrevrange", key, start, end, *args, **kwargs))

    def zrangebyscore(self, key, low, high, *args, **kwargs):
        return (yield from self._zread("zrangebyscore", key, low, high, *args, **kwargs))

    def zrevrangebyscore(self, key, high, low, *args, **kwargs):
        return (yield from self._zread("zrevrangebyscore", key, high, low, *args, **kwargs))

    def _zpop(self, command, key, count=None):
        first, mirror = self._copies(key)
        popped = yield _call(command, first, *(() if count is None else (count,)))
        if mirror is not None and popped:
            yield _call("zrem", mirror, *(member for member, _ in popped))
        return popped

    def zpopmin(self, key, count=None):
        return (yield from self._zpop("zpopmin", key, count))

    def zpopmax(self, key, count=None):
        return (yield from self._zpop("zpopmax", key, count))

    def _bzpop(self, command, keys, timeout):
        result = yield from self._blocking(command, keys, timeout)
        if result:
            _, mirror = self._copies(result[0])
            if mirror is not None:
                yield _call("zrem", mirror, result[1])
        return result

    def bzpopmin(self, keys, timeout=0):
        return (yield from self._bzpop("bzpopmin", keys, timeout))

    def bzpopmax(self, keys, timeout=0):
        return (yield from self._bzpop("bzpopmax", keys, timeout))

    # streams: entries added to both copies with one id, the old copy with old field names
    def xadd(self, name, fields, id="*", *args, **kwargs):
        first, mirror = self._copies(name)
        is_old = first != name
        entry = yield _call("xadd", first, to_old(fields) if is_old else fields, id, *args, **kwargs)
        if mirror is not None and entry is not None:
            try:
                yield _call("xadd", mirror, fields if is_old else to_old(fields), entry, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - the mirror already holds a later id
                send_log.warning("stream %s: entry %s not mirrored to %s: %s", first, entry, mirror, error)
        return entry

    def _xentries(self, entries, is_old):
        return [(entry, to_new(fields) if is_old else fields) for entry, fields in entries] if is_old else entries

    def xrange(self, name, *args, **kwargs):
        key, is_old = yield from self._read_key(name)
        return self._xentries((yield _call("xrange", key, *args, **kwargs)), is_old)

    def xrevrange(self, name, *args, **kwargs):
        key, is_old = yield from self._read_key(name)
        return self._xentries((yield _call("xrevrange", key, *args, **kwargs)), is_old)

    def xlen(self, name):
        key, _ = yield from self._read_key(name)
        return (yield _call("xlen", key))

    def xread(self, streams, *args, **kwargs):
        forms = {}
        for name, position in streams.items():
            key, is_old = yield from self._read_key(name)
            forms[key] = (name, position, is_old)
        found = yield _call("xread", {key: position for key, (_, position, _) in forms.items()}, *args, **kwargs)
        return _stream_reply(found, forms, self._xentries)

    def xdel(self, name, *entries):
        first, mirror = self._copies(name)
        result = yield _call("xdel", first, *entries)
        if mirror is not None:
            yield _call("xdel", mirror, *entries)
        return result

    def xtrim(self, name, *args, **kwargs):
        first, mirror = self._copies(name)
        result = yield _call("xtrim", first, *args, **kwargs)
        if mirror is not None:
            yield _call("xtrim", mirror, *args, **kwargs)
        return result

    def _group(self, name, command):
        """A consumer group's state (last id, pending entries) lives in one stream: the old one in dual-write."""
        old = old_key(name)
        now = phase()
        if old is None or now == NEW_ONLY:
            return name, False
        if now == PREFER_NEW:
            raise WireRefused(
                f"{command} on stream {name!r} in prefer-new: a consumer group's state lives in one stream "
                f"({old!r} until now); stay in dual-write until its readers stop, copy the stream with its groups "
                f"(termshift data copy), then switch to new-only")
        return old, True

    def xgroup_create(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XGROUP CREATE")
        return (yield _call("xgroup_create", key, groupname, *args, **kwargs))

    def xreadgroup(self, groupname, consumername, streams, *args, **kwargs):
        forms = {}
        for name, position in streams.items():
            key, is_old = self._group(name, "XREADGROUP")
            forms[key] = (name, position, is_old)
        found = yield _call("xreadgroup", groupname, consumername,
                            {key: position for key, (_, position, _) in forms.items()}, *args, **kwargs)
        return _stream_reply(found, forms, self._xentries)

    def xack(self, name, groupname, *entries):
        key, _ = self._group(name, "XACK")
        return (yield _call("xack", key, groupname, *entries))

    def xpending(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XPENDING")
        return (yield _call("xpending", key, groupname, *args, **kwargs))

    def xpending_range(self, name, groupname, *args, **kwargs):
        key, _ = self._group(name, "XPENDING")
        return (yield _call("xpending_range", key, groupname, *args, **kwargs))

    def xclaim(self, name, groupname, *args, **kwargs):
        key, is_old = self._group(name, "XCLAIM")
        found = yield _call("xclaim", key, groupname, *args, **kwargs)
        return self._xentries(found, is_old) if found and isinstance(found[0], (list, tuple)) else found

    def xautoclaim(self, name, groupname, *args, **kwargs):
        key, is_old = self._group(name, "XAUTOCLAIM")
        found = yield _call("xautoclaim", key, groupname, *args, **kwargs)
        if is_old and isinstance(found, (list, tuple)) and len(found) > 1 and found[1] \
                and isinstance(found[1][0], (list, tuple)):
            found = type(found)((found[0], self._xentries(found[1], True), *found[2:]))
        return found
