# -- storage: the clients that run the logic ---------------------------------


class _Storage(_Records, _Moves, _Logs):
    """Every command the layer covers."""


COMMANDS = tuple(sorted(name for name in dir(_Storage) if not name.startswith("_")))


def _run(client, steps):
    try:
        name, args, kwargs = next(steps)
        while True:
            name, args, kwargs = steps.send(getattr(client, name)(*args, **kwargs))
    except StopIteration as done:
        return done.value


async def _run_async(client, steps):
    try:
        name, args, kwargs = next(steps)
        while True:
            name, args, kwargs = steps.send(await getattr(client, name)(*args, **kwargs))
    except StopIteration as done:
        return done.value


class KeyClient:
    """A Redis(-like) client that keeps old code's view of the data intact while new code runs.

    Covers the commands in `COMMANDS` (records, counters, queues and blocking
    pops, sets, hashes, sorted sets, streams, scripts, publish), locks and
    pipelines. Any other command goes to the client as it is, unless its key is
    one the migration renamed: then it is refused (`WireRefused`), not run on
    one form.
    """

    _logic = _Storage()
    _pipeline_class = None  # KeyPipeline, set below

    def __init__(self, client) -> None:
        self.__dict__["_client"] = client

    def __getattr__(self, name):
        """Anything not covered goes to the client as it is, unless it names a renamed key: then it is refused."""
        attribute = getattr(self._client, name)
        if name.startswith("_") or name in _NOT_COMMANDS or not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def uncovered(*args, **kwargs):
            renamed = phase() != NEW_ONLY and _names_renamed_key(args, kwargs)
            if renamed:
                raise WireRefused(
                    f"{name} on {renamed!r}: the transition layer doesn't cover this command, and running it on "
                    f"one form of the key would half-work; run it on both forms yourself "
                    f"({_old_or(renamed)!r} and {renamed!r}), or after the switch to new-only")
            return attribute(*args, **kwargs)

        return uncovered

    def __eq__(self, other):
        """Equal to the client it wraps (and to another wrapper of it): code that keeps the client it
        was handed, or compares two it was handed, finds the same one it gave."""
        if isinstance(other, KeyClient):
            other = other._client
        return self._client == other

    def __hash__(self):
        return hash(self._client)

    def pipeline(self, transaction=True, shard_hint=None):
        return self._pipeline_class(self, transaction, shard_hint)

    def lock(self, name, *args, **kwargs):
        """redis-py's lock, on the copy the phase decides on: where old code locks in dual-write."""
        return self._client.lock(_Storage._reads(name)[0][0], *args, **kwargs)

    def register_script(self, script):
        """A callable script, as redis-py's, run through this wrapper's ``eval`` (both forms, one EVAL)."""
        client = self

        def run(keys=(), args=(), client=client):
            return client.eval(script, len(keys), *keys, *args)

        return run

    def scan_iter(self, match=None, *args, **kwargs):
        """Keys matching the pattern in either form, in the new form, each once."""
        old = old_key(match) if match is not None else None
        if old is None or phase() == NEW_ONLY:
            return self._client.scan_iter(match, *args, **kwargs)
        return self._scan_both(match, old, args, kwargs)

    def scan(self, cursor=0, match=None, *args, **kwargs):
        """One SCAN over both forms: all of it at once, with cursor 0 back (one cursor can't walk two patterns)."""
        old = _scan_old_form(cursor, match)
        if old is None:
            return self._client.scan(cursor, match, *args, **kwargs)
        return 0, list(self._scan_both(match, old, args, kwargs))

    def _scan_both(self, match, old, args, kwargs):
        seen = set()
        for key in self._client.scan_iter(match, *args, **kwargs):
            seen.add(key)
            yield key
        for key in self._client.scan_iter(old, *args, **kwargs):
            key = new_key(key)
            if key not in seen:
                seen.add(key)
                yield key


class AsyncKeyClient(KeyClient):
    """The same for an asyncio client (``redis.asyncio.Redis``): every command is awaited."""

    async def scan(self, cursor=0, match=None, *args, **kwargs):
        old = _scan_old_form(cursor, match)
        if old is None:
            return await self._client.scan(cursor, match, *args, **kwargs)
        return 0, [key async for key in self._scan_both(match, old, args, kwargs)]

    async def _scan_both(self, match, old, args, kwargs):
        seen = set()
        async for key in self._client.scan_iter(match, *args, **kwargs):
            seen.add(key)
            yield key
        async for key in self._client.scan_iter(old, *args, **kwargs):
            key = new_key(key)
            if key not in seen:
                seen.add(key)
                yield key


def _scan_old_form(cursor, match):
    """The old form of a SCAN's pattern, when the scan starts (cursor 0) on a renamed key outside new-only."""
    if match is None or cursor not in (0, "0", b"0") or phase() == NEW_ONLY:
        return None
    return old_key(match)


# Client attributes that aren't commands on keys.
_NOT_COMMANDS = frozenset({
    "close", "aclose", "connection_pool", "execute_command", "parse_response", "get_connection_kwargs",
    "get_encoder", "get_retry", "set_retry", "set_response_callback", "pubsub", "monitor", "client",
    "transaction", "load_external_module", "initialize", "ping", "info", "flushdb",
    "flushall", "dbsize", "echo", "time", "config_get", "config_set", "script_load", "script_exists",
    "script_flush", "function_load", "from_url", "from_pool", "auto_close_connection_pool",
})


def _names_renamed_key(args, kwargs):
    """The first renamed key (new form) a command's arguments name: its first argument, or a mapping's keys."""
    candidates = list(args[:1])
    for value in (*args, *kwargs.values()):
        if isinstance(value, dict):
            candidates += list(value)
    for value in candidates:
        if isinstance(value, (str, bytes)) and old_key(value) is not None:
            return value
    return None


def _sync_command(name):
    def command(self, *args, **kwargs):
        return _run(self._client, getattr(self._logic, name)(*args, **kwargs))

    command.__name__ = name
    return command


def _async_command(name):
    async def command(self, *args, **kwargs):
        return await _run_async(self._client, getattr(self._logic, name)(*args, **kwargs))

    command.__name__ = name
    return command


for _name in COMMANDS:
    setattr(KeyClient, _name, _sync_command(_name))
    setattr(AsyncKeyClient, _name, _async_command(_name))


def wrap_client(client):
    """The client wrapped for its kind: asyncio clients get the awaiting wrapper."""
    if client is None or isinstance(client, KeyClient):
        return client
    execute = getattr(client, "execute_command", None)
    return AsyncKeyClient(client) if inspect.iscoroutinefunction(execute) else KeyClient(client)


class _ClientSlot:
    """A class attribute holding the project's client: whatever is assigned is wrapped in a KeyClient."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance, value):
        instance.__dict__[self.name] = wrap_client(value)


def storage(owner, attribute: str) -> None:
    """Wrap the client that instances of `owner` keep in `attribute` (set in ``__init__``)."""
    setattr(owner, attribute, _ClientSlot(attribute))
