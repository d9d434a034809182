# -- storage: what each command does with both key forms ------------------

class _Records:
    """What each command does with both key forms: generators that yield client commands.

    Written once; `KeyClient` runs them against a sync client, `AsyncKeyClient`
    awaits them against an asyncio one. Strings, counters, lists, sets, hashes
    and scripts here; moves and blocking pops, sorted sets and streams in the
    next chapter.
    """

    @staticmethod
    def _reads(key):
        """The keys to read, in the phase's order, each with whether it holds the old form."""
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return [(key, False)]
        return [(old, True), (key, False)] if now == DUAL_WRITE else [(key, False), (old, True)]

    @staticmethod
    def _lists(key):
        old = old_key(key)
        if old is None or phase() == NEW_ONLY:
            return [key]
        return [key, old]  # newest first, as LPUSH orders a list

    # strings and documents
    def get(self, key):
        for name, is_old in self._reads(key):
            value = yield _call("get", name)
            if value is not None:
                return new_value(value) if is_old else value
        return None

    def set(self, key, value, *args, **kwargs):
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return (yield _call("set", key, value, *args, **kwargs))
        copies = [(old, old_value(value)), (key, value)]
        if now != DUAL_WRITE:
            copies.reverse()
        if kwargs.get("nx") or kwargs.get("xx") or kwargs.get("get"):
            # The condition is decided on the key the phase's readers see first; the copy follows it.
            (first, first_value), (second, second_value) = copies
            result = yield _call("set", first, first_value, *args, **kwargs)
            if result:
                plain = {name: item for name, item in kwargs.items() if name not in ("nx", "xx", "get")}
                yield _call("set", second, second_value, *args, **plain)
            return result
        result = None
        for name, copy in copies:
            outcome = yield _call("set", name, copy, *args, **kwargs)
            result = outcome if name == key else result
        return result

    def setex(self, key, time, value):
        return (yield from self.set(key, value, ex=time))

    def psetex(self, key, time_ms, value):
        return (yield from self.set(key, value, px=time_ms))

    def delete(self, *keys):
        removed = 0
        for key in keys:
            count = 0
            for name in (key, old_key(key)):
                if name is not None:
                    count += (yield _call("delete", name))
            removed += 1 if count else 0
        return removed

    def exists(self, *keys):
        found, boolean = 0, False
        for key in keys:
            for name, _ in self._reads(key):
                hit = yield _call("exists", name)
                boolean = isinstance(hit, bool)
                if hit:
                    found += 1
                    break
        return bool(found) if boolean and len(keys) == 1 else found

    def expire(self, key, *args, **kwargs):
        result = yield _call("expire", key, *args, **kwargs)
        old = old_key(key)
        if old is not None:
            result = (yield _call("expire", old, *args, **kwargs)) or result
        return result

    def keys(self, pattern="*"):
        old = old_key(pattern)
        if old is None or phase() == NEW_ONLY:
            return (yield _call("keys", pattern))
        found = list((yield _call("keys", pattern)))
        found += [new_key(name) for name in (yield _call("keys", old))]
        return sorted(set(found))

    # counters: one authoritative key per phase, the other copy follows
    def incrby(self, key, amount=1):
        old = old_key(key)
        now = phase()
        if old is None or now == NEW_ONLY:
            return (yield _call("incrby", key, amount))
        first, second = (old, key) if now == DUAL_WRITE else (key, old)
        if now == PREFER_NEW and not (yield _call("exists", key)) and (yield _call("exists", old)):
            yield _call("set", key, (yield _call("get", old)))
        result = yield _call("incrby", first, amount)
        yield _call("set", second, result)
        return result

    def incr(self, key, amount=1):
        return (yield from self.incrby(key, amount))

    def decr(self, key, amount=1):
        return (yield from self.incrby(key, -amount))

    # queues: an item lives in exactly one list
    def _push(self, command, key, values):
        old = old_key(key)
        target = old if old is not None and phase() == DUAL_WRITE else key
        return (yield _call(command, target, *values))

    def lpush(self, key, *values):
        return (yield from self._push("lpush", key, values))

    def rpush(self, key, *values):
        return (yield from self._push("rpush", key, values))

    def _pop(self, command, key, args):
        old = old_key(key)
        if old is None or phase() == NEW_ONLY:
            return (yield _call(command, key, *args))
        for name in (old, key):  # the old list holds the older items
            value = yield _call(command, name, *args)
            if value is not None and value != []:
                return value
        return None

    def rpop(self, key, *args):
        return (yield from self._pop("rpop", key, args))

    def lpop(self, key, *args):
        return (yield from self._pop("lpop", key, args))

    def lrange(self, key, start, stop):
        names = self._lists(key)
        if len(names) == 1:
            return (yield _call("lrange", key, start, stop))
        items = []
        for name in names:
            items += (yield _call("lrange", name, 0, -1))
        stop = len(items) if stop == -1 else (stop + 1 if stop >= 0 else stop + 1 or len(items))
        return items[start:stop]

    def llen(self, key):
        total = 0
        for name in self._lists(key):
            total += (yield _call("llen", name))
        return total

    def lrem(self, key, *args):
        total = 0
        for name in self._lists(key):
            total += (yield _call("lrem", name, *args))
        return total

    # small reads and writes of a whole key: the first form that has it; both forms
    def _probe(self, command, key, missing, *args):
        for name, _ in self._reads(key):
            value = yield _call(command, name, *args)
            if value not in missing:
                return value
        return value

    def ttl(self, key):
        return (yield from self._probe("ttl", key, (-2,)))

    def pttl(self, key):
        return (yield from self._probe("pttl", key, (-2,)))

    def type(self, key):
        return (yield from self._probe("type", key, ("none", b"none")))

    def strlen(self, key):
        return (yield from self._probe("strlen", key, (0,)))

    def hlen(self, key):
        return (yield from self._probe("hlen", key, (0,)))

    def hexists(self, key, field):
        for name, is_old in self._reads(key):
            if (yield _call("hexists", name, _inverse(PAYLOAD_KEYS).get(field, field) if is_old else field)):
                return True
        return False

    def mget(self, keys, *more):
        names = [keys] if isinstance(keys, (str, bytes)) else list(keys)
        values = []
        for name in [*names, *more]:
            values.append((yield from self.get(name)))
        return values

    def _both(self, command, key, *args, **kwargs):
        result = yield _call(command, key, *args, **kwargs)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            result = (yield _call(command, old, *args, **kwargs)) or result
        return result

    def persist(self, key):
        return (yield from self._both("persist", key))

    def pexpire(self, key, *args, **kwargs):
        return (yield from self._both("pexpire", key, *args, **kwargs))

    def expireat(self, key, *args, **kwargs):
        return (yield from self._both("expireat", key, *args, **kwargs))

    def pexpireat(self, key, *args, **kwargs):
        return (yield from self._both("pexpireat", key, *args, **kwargs))

    def publish(self, channel, message):
        """Dual-publish: old subscribers get the old form on the old channel, new ones the new form."""
        old = old_key(channel)
        if old is None or phase() == NEW_ONLY:
            return (yield _call("publish", channel, message))
        return (yield _call("publish", old, old_value(message))) + (yield _call("publish", channel, message))

    # sets: membership in either form
    def sadd(self, key, *members):
        result = yield _call("sadd", key, *members)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            yield _call("sadd", old, *members)
        return result

    def srem(self, key, *members):
        removed = 0
        for name in self._lists(key):
            removed = max(removed, (yield _call("srem", name, *members)))
        return removed

    def smembers(self, key):
        found = set()
        for name, _ in self._reads(key):
            found |= set((yield _call("smembers", name)))
        return found

    def sismember(self, key, member):
        for name, _ in self._reads(key):
            if (yield _call("sismember", name, member)):
                return True
        return False

    def scard(self, key):
        return len((yield from self.smembers(key)))

    # hashes: documents, the old copy with old field names
    def hset(self, key, field=None, value=None, mapping=None, **kwargs):
        items = dict(mapping or {})
        if field is not None:
            items[field] = value
        result = yield _call("hset", key, mapping=items, **kwargs)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            yield _call("hset", old, mapping=to_old(items), **kwargs)
        return result

    def hget(self, key, field):
        for name, is_old in self._reads(key):
            name_field = _inverse(PAYLOAD_KEYS).get(field, field) if is_old else field
            value = yield _call("hget", name, name_field)
            if value is not None:
                return value
        return None

    def hgetall(self, key):
        for name, is_old in self._reads(key):
            found = yield _call("hgetall", name)
            if found:
                return to_new(found) if is_old else found
        return {}

    def hdel(self, key, *fields):
        result = yield _call("hdel", key, *fields)
        old = old_key(key)
        if old is not None:
            yield _call("hdel", old, *(_inverse(PAYLOAD_KEYS).get(field, field) for field in fields))
        return result

    # scripts: the old-form script (its key literals swapped) is read in the phase's order
    def eval(self, script, *args):
        """Both forms of the script in one EVAL: atomic, the phase's form first, the other when it returns nil."""
        call = _script_call(args)
        now = phase()
        if call is None or now == NEW_ONLY:
            return (yield _call("eval", script, *args))
        keys, argv, rebuild = call
        old_keys, old_argv = [_old_or(item) for item in keys], [_old_or(item) for item in argv]
        old_script = old_script_text(script)
        if old_script == script and old_keys == keys and old_argv == argv:
            return (yield _call("eval", script, *args))
        forms = [(old_script, old_keys, old_argv), (script, keys, argv)]
        if now == PREFER_NEW:
            forms.reverse()
        text, keys, argv = _both_scripts(forms)
        return new_value((yield _call("eval", text, *rebuild(keys, argv))))
