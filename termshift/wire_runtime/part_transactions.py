# -- storage: transactions ---------------------------------------------------

# What a command answers when it misses: a transaction is planned by running each command's logic as if
# every read missed, which gives every client command it may need.
_MISS = {
    **dict.fromkeys(("delete", "exists", "expire", "lpush", "rpush", "llen", "lrem", "sadd", "srem", "hset",
                     "hdel", "zadd", "zrem", "xdel", "xtrim", "xack", "strlen", "hlen", "publish", "persist",
                     "pexpire", "expireat", "pexpireat"), 0),
    "keys": [], "lrange": [], "smembers": set(), "hgetall": {}, "sismember": False, "hexists": False,
    "ttl": -2, "pttl": -2, "type": "none",
}
# Commands whose logic decides on one answer which command to send next, or sends what it read: inside
# MULTI/EXEC nothing is answered before EXEC.
_NOT_IN_TRANSACTION = frozenset({
    "lpop", "rpop", "lmove", "rpoplpush", "blpop", "brpop", "blmove", "brpoplpush", "incr", "incrby", "decr",
    "zincrby", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "zscore", "zcard", "zcount", "zrank", "zrange",
    "zrevrange", "zrangebyscore", "zrevrangebyscore", "xadd", "xrange", "xrevrange", "xlen", "xread",
    "xreadgroup", "xclaim", "xautoclaim",
})


def _transaction_plan(name, args, kwargs):
    """The client commands one queued command needs inside MULTI/EXEC, and the logic to replay on their answers."""
    renamed = phase() != NEW_ONLY and _names_renamed_key(args, kwargs)
    logic = getattr(KeyClient._logic, name, None) if name in COMMANDS else None
    if logic is None:
        if renamed:
            raise WireRefused(f"{name} on {renamed!r}: the transition layer doesn't cover this command")
        return [(name, args, kwargs)], None
    conditional = (name == "set" and any(kwargs.get(flag) for flag in ("nx", "xx", "get"))) or (
        name == "zadd" and (len(args) > 2 or kwargs))  # zadd(key, mapping, nx / xx / gt / lt / incr)
    if renamed and (name in _NOT_IN_TRANSACTION or conditional):
        raise WireRefused(
            f"{name} on {renamed!r} inside a transaction (MULTI/EXEC): during the transition it reads one "
            f"form of the key before it knows what to send to the other, and a transaction answers nothing "
            f"before EXEC; run it outside the transaction (or pipeline(transaction=False))")
    steps, commands = logic(*args, **kwargs), []
    try:
        command = next(steps)
        while True:
            commands.append(command)
            command = steps.send(_MISS.get(command[0]))
    except StopIteration:
        pass
    return commands, (lambda: logic(*args, **kwargs))


def _replay(logic, answers):
    """A command's result from the answers EXEC gave its client commands (its reads stop at the first hit)."""
    if logic is None:
        return answers[0]
    steps, answers = logic(), iter(answers)
    try:
        next(steps)
        while True:
            steps.send(next(answers))
    except StopIteration as done:
        return done.value


class KeyPipeline:
    """A pipeline through the transition layer.

    A transaction (redis-py's default, ``transaction=True``) stays one
    MULTI/EXEC: every client command the queued commands need is sent inside
    it, and each result is worked out from their answers; a command that must
    see one answer to decide the next is refused (``WireRefused``). ``watch``
    watches every form of its keys. Without a transaction the commands are
    replayed through the wrapper in order.
    """

    def __init__(self, client: KeyClient, transaction: bool = True, shard_hint=None) -> None:
        self._client = client
        self._transaction = transaction
        self._shard_hint = shard_hint
        self._queued: list = []
        self._real = None  # the client's own pipeline, from watch() on
        self._immediate = False

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._immediate:
            return getattr(type(self._client)(self._real), name)

        def queue(*args, **kwargs):
            self._queued.append((name, args, kwargs))
            return self

        return queue

    def _pipeline(self):
        if self._real is None:
            self._real = self._client._client.pipeline(transaction=True, shard_hint=self._shard_hint)
        return self._real

    def watch(self, *keys):
        """WATCH every form of the keys; commands run at once until ``multi()``, as redis-py does."""
        real = self._pipeline()
        self._immediate = True
        return real.watch(*_all_forms(keys))

    def multi(self):
        self._immediate = False
        return self._pipeline().multi()

    def _planned(self):
        queued, self._queued = self._queued, []
        plans = [_transaction_plan(name, args, kwargs) for name, args, kwargs in queued]
        real = self._pipeline()
        for commands, _ in plans:
            for name, args, kwargs in commands:
                getattr(real, name)(*args, **kwargs)
        return real, plans

    @staticmethod
    def _results(plans, answers):
        results, at = [], 0
        for commands, logic in plans:
            results.append(_replay(logic, answers[at:at + len(commands)]))
            at += len(commands)
        return results

    def execute(self, *args, **kwargs):
        if not self._transaction:
            queued, self._queued = self._queued, []
            return [getattr(self._client, name)(*a, **k) for name, a, k in queued]
        real, plans = self._planned()
        try:
            answers = real.execute(*args, **kwargs)
        finally:
            self._real, self._immediate = None, False
        return self._results(plans, answers)

    def reset(self):
        self._queued = []
        if self._real is not None:
            self._real.reset()
        self._real, self._immediate = None, False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.reset()
        return False


class AsyncKeyPipeline(KeyPipeline):
    async def watch(self, *keys):
        real = self._pipeline()
        self._immediate = True
        return await real.watch(*_all_forms(keys))

    async def execute(self, *args, **kwargs):
        if not self._transaction:
            queued, self._queued = self._queued, []
            return [await getattr(self._client, name)(*a, **k) for name, a, k in queued]
        real, plans = self._planned()
        try:
            answers = await real.execute(*args, **kwargs)
        finally:
            self._real, self._immediate = None, False
        return self._results(plans, answers)

    async def reset(self):
        self._queued = []
        if self._real is not None:
            await self._real.reset()
        self._real, self._immediate = None, False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.reset()
        return False


KeyClient._pipeline_class = KeyPipeline
AsyncKeyClient._pipeline_class = AsyncKeyPipeline


def _all_forms(keys) -> list:
    forms = []
    for key in keys:
        forms.append(key)
        old = old_key(key)
        if old is not None and phase() != NEW_ONLY:
            forms.append(old)
    return forms
