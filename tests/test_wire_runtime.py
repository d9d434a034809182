"""The wire runtime (`termshift.wire_runtime`, copied into migrated projects): storage, webhooks, phases.

Storage against a real redis-server with redis-py; the mapping is the one
`migrate` computes for the bundled example.
"""

from __future__ import annotations

import json

import pytest

from redisfix import redis_db, redis_server  # noqa: F401  (fixtures)
from termshift import wire_runtime as wire
from termshift.wiring import literal_value


@pytest.fixture(autouse=True)
def mapping(monkeypatch):
    monkeypatch.setattr(wire, "KEYS", [("jobs:pending", "steps:pending"), ("jobs:active", "steps:active"),
                                       ("job:*", "step:*"), ("job:", "step:"), ("job:{}", "step:{}"),
                                       ("job:{}:lock", "step:{}:lock"), ("jobs:done", "steps:done"),
                                       ("jobs:seen", "steps:seen"), ("job:{}:meta", "step:{}:meta"),
                                       ("jobs:log", "steps:log")])
    monkeypatch.setattr(wire, "EVENTS", {"job_submitted": "step_submitted", "job_failed": "step_failed"})
    monkeypatch.setattr(wire, "PAYLOAD_KEYS", {"job_id": "step_id", "job_type": "step_type",
                                               "job_data": "step_data", "jobs": "steps"})
    monkeypatch.delenv("TERMSHIFT_PHASE", raising=False)


@pytest.fixture
def redis(redis_db):  # noqa: F811
    client = redis_db.client(decode_responses=True)
    yield client
    client.close()


def test_literal_values_become_patterns():
    assert literal_value('f"job:{job_id}"') == "job:{}"
    assert literal_value('"job:%s:lock"') == "job:{}:lock"
    assert literal_value("'jobs:pending'") == "jobs:pending"
    assert literal_value('"job:{}".format') is None


def test_key_forms():
    assert wire.old_key("step:j1") == "job:j1" and wire.old_key("step:j1:lock") == "job:j1:lock"
    assert wire.old_key(b"steps:pending") == b"jobs:pending" and wire.old_key("step:*") == "job:*"
    assert wire.old_key("job:j1") is None and wire.old_key("other") is None
    assert wire.new_key("job:j1:lock") == "step:j1:lock"


def test_phase_comes_from_the_environment(monkeypatch):
    assert wire.phase() == "dual-write"
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    assert wire.phase() == "prefer-new"
    monkeypatch.setenv("TERMSHIFT_PHASE", "bogus")
    assert wire.phase() == "dual-write"


def test_records_dual_write_keep_the_old_view(redis):
    client = wire.KeyClient(redis)
    client.set("step:j1", json.dumps({"step_id": "j1", "step_type": "render", "payload": {}}))
    assert json.loads(redis.get("job:j1")) == {"job_id": "j1", "job_type": "render", "payload": {}}
    assert json.loads(redis.get("step:j1"))["step_id"] == "j1"
    # Old code updates its copy: new code reads the old form first in dual-write, in the new field names.
    redis.set("job:j1", json.dumps({"job_id": "j1", "job_type": "encode", "payload": {}}))
    assert json.loads(client.get("step:j1")) == {"step_id": "j1", "step_type": "encode", "payload": {}}
    assert client.keys("step:*") == ["step:j1"] and client.exists("step:j1")
    assert client.delete("step:j1") == 1 and redis.keys("*") == []


def test_records_by_phase(redis, monkeypatch):
    client = wire.KeyClient(redis)
    redis.set("job:only-old", json.dumps({"job_id": "only-old"}))
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    assert json.loads(client.get("step:only-old")) == {"step_id": "only-old"}  # falls back to the old form
    client.set("step:j2", json.dumps({"step_id": "j2"}))
    redis.set("job:j2", json.dumps({"job_id": "stale"}))
    assert json.loads(client.get("step:j2")) == {"step_id": "j2"}  # new first
    assert redis.exists("job:j2")  # still written both ways: a rollback loses nothing
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    assert client.get("step:only-old") is None
    client.set("step:j3", "x")
    assert not redis.exists("job:j3")


def test_locks_are_decided_on_one_key(redis):
    client = wire.KeyClient(redis)
    redis.set("job:j1:lock", "old-worker")  # taken by old code
    assert not client.set("step:j1:lock", "new-worker", nx=True)
    assert client.get("step:j1:lock") == "old-worker"
    client.delete("step:j1:lock")
    assert client.set("step:j1:lock", "new-worker", nx=True)
    assert redis.set("job:j1:lock", "old-worker", nx=True) is None  # old code sees it taken


@pytest.mark.parametrize("phase", ["dual-write", "prefer-new"])
def test_queues_process_each_item_once(redis, monkeypatch, phase):
    monkeypatch.setenv("TERMSHIFT_PHASE", phase)
    client = wire.KeyClient(redis)
    redis.lpush("jobs:pending", "a", "b")  # old code's items
    client.lpush("steps:pending", "c")
    target = "jobs:pending" if phase == "dual-write" else "steps:pending"
    assert "c" in redis.lrange(target, 0, -1)  # in one list only, never both
    assert redis.llen("jobs:pending") + redis.llen("steps:pending") == 3
    assert client.llen("steps:pending") == 3 and sorted(client.lrange("steps:pending", 0, -1)) == ["a", "b", "c"]
    popped = [client.rpop("steps:pending") for _ in range(4)]
    assert sorted(popped[:3]) == ["a", "b", "c"] and popped[3] is None
    client.lpush("steps:active", "x")
    assert client.lrem("steps:active", 0, "x") == 1


def test_counters_and_sets_keep_their_meaning(redis, monkeypatch):
    client = wire.KeyClient(redis)
    redis.incr("jobs:done")  # old code counted one
    assert client.incr("steps:done") == 2 and redis.get("jobs:done") == "2" and redis.get("steps:done") == "2"
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    assert client.incr("steps:done") == 3 and redis.get("jobs:done") == "3"
    redis.sadd("jobs:seen", "a")
    client.sadd("steps:seen", "b")
    assert client.smembers("steps:seen") == {"a", "b"} and redis.smembers("jobs:seen") == {"a", "b"}


def test_hashes_keep_old_field_names_in_the_old_copy(redis):
    client = wire.KeyClient(redis)
    client.hset("step:j1:meta", mapping={"step_type": "render"})
    assert redis.hgetall("job:j1:meta") == {"job_type": "render"}
    assert client.hget("step:j1:meta", "step_type") == "render"
    redis.hset("job:j1:meta", mapping={"job_type": "encode"})
    assert client.hgetall("step:j1:meta") == {"step_type": "encode"}


def test_pipelines_and_scripts(redis):
    client = wire.KeyClient(redis)
    pipe = client.pipeline()
    pipe.set("step:p1", json.dumps({"step_id": "p1"})).lpush("steps:pending", "p1").get("step:p1")
    results = pipe.execute()
    assert json.loads(results[2]) == {"step_id": "p1"} and redis.lrange("jobs:pending", 0, -1) == ["p1"]
    assert json.loads(redis.get("job:p1")) == {"job_id": "p1"}


def test_webhook_payloads_by_phase(monkeypatch):
    built = {"type": "step_submitted", "version": 1, "step_id": "j1", "step_data": {"step_type": "render"}}
    old = {"type": "job_submitted", "version": 1, "job_id": "j1", "job_data": {"job_type": "render"}}
    payload = wire.outgoing(built)
    # Old and new code in the process each see their form: equal to both, type equal to both spellings.
    assert payload == old and payload == built and payload != {**built, "version": 2}
    assert payload["type"] == "job_submitted" and payload["type"] == "step_submitted"
    assert payload["type"] in {"step_submitted"} and payload["type"] in set(wire._old_constant(("step_submitted",)))
    assert payload["step_id"] == "j1" and payload["job_data"]["step_type"] == "render"  # both readers
    # Serialised (a sender that posts the dict it was given): old type first, both key sets.
    assert json.loads(json.dumps(payload, sort_keys=True)) == {
        "type": "job_submitted", "version": 1, "job_id": "j1", "job_data": {"job_type": "render"},
        "step_id": "j1", "step_data": {"step_type": "render"}}
    assert wire.forms(payload) == [old, built]  # dual-send: each form whole
    assert [form["type"] for form in wire.forms(payload)] == ["job_submitted", "step_submitted"]
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    assert json.loads(json.dumps(wire.outgoing(built)))["type"] == "step_submitted"
    assert [form["type"] for form in wire.forms(wire.outgoing(built))] == ["step_submitted", "job_submitted"]
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    assert wire.forms(wire.outgoing(built)) == [built] and json.loads(json.dumps(wire.outgoing(built))) == built
    assert wire.outgoing(built) != old


def test_a_script_runs_in_both_forms_in_one_eval(redis, monkeypatch):
    script = "return redis.call('GET', 'step:' .. KEYS[1])"
    redis.set("job:old", json.dumps({"job_id": "old"}))
    client = wire.KeyClient(redis)
    assert json.loads(client.eval(script, 1, "old")) == {"step_id": "old"}
    # Keys passed whole in KEYS: each form gets its own; a pop-like script takes the item once.
    pop = "return redis.call('RPOP', KEYS[1])"
    redis.lpush("jobs:pending", "a")
    redis.lpush("steps:pending", "b")
    assert [client.eval(pop, 1, "steps:pending") for _ in range(3)] == ["a", "b", None]
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    redis.lpush("jobs:pending", "c")
    redis.lpush("steps:pending", "d")
    assert [client.eval(pop, 1, "steps:pending") for _ in range(3)] == ["d", "c", None]
    seen = []
    monkeypatch.setattr(redis, "eval", lambda text, *args: seen.append((text, args)))
    client.eval(pop, 1, "steps:pending")
    assert len(seen) == 1 and seen[0][1] == (2, "steps:pending", "jobs:pending")  # one EVAL: atomic


def test_incoming_old_events_are_made_new():
    raw = json.dumps({"type": "job_failed", "job_id": "j4", "job_data": {"reason": "x"}})
    text, hit = wire.incoming(raw)
    assert hit and json.loads(text) == {"type": "step_failed", "step_id": "j4", "step_data": {"reason": "x"}}
    assert wire.incoming(json.dumps({"type": "build_finished"}))[1] is False

    def reader(payload):
        return payload["step_id"], payload["type"]

    assert wire._wrap(reader)({"type": "job_failed", "job_id": "j5"}) == ("j5", "step_failed")


class Attributes(dict):
    """A dict subclass with behaviour of its own, as radical.saga's job descriptions are: it iterates
    through a cursor it keeps in itself, and only its own methods know its attributes."""

    def __init__(self, **values):
        super().__init__()
        self.values = values

    def __iter__(self):
        raise KeyError("_iterpos")  # its own iteration protocol, not a dict's

    def __getitem__(self, key):
        return self.values[key]


def test_objects_of_other_dict_subclasses_pass_through_untouched():
    description = Attributes(job_id="j6", executable="/bin/date")
    seen = []

    def create_job(desc, state=None):
        seen.append(desc)
        return {"job_service": "js", "job_id": desc["job_id"]}

    wire._wrap(create_job)(description, state=description)
    assert seen == [description] and seen[0] is description  # the very object, never iterated
    assert wire.incoming(description) == (description, False)
    assert wire.to_new({"job_id": description})["step_id"] is description
    assert wire._wrap(lambda: description)() is description


def test_event_types_equal_both_spellings():
    kind = wire.wire_str("step_submitted")
    assert kind == "job_submitted" and kind == "step_submitted" and kind in ("step_submitted",)
    assert json.dumps(kind) == '"step_submitted"'


def test_asyncio_clients_are_awaited(redis_db):  # noqa: F811
    import asyncio

    import redis.asyncio

    async def scenario():
        raw = redis.asyncio.Redis(port=redis_db.port, decode_responses=True)
        client = wire.wrap_client(raw)
        assert isinstance(client, wire.AsyncKeyClient)
        await client.set("step:a1", json.dumps({"step_id": "a1"}))
        old_copy = json.loads(await raw.get("job:a1"))
        await client.lpush("steps:pending", "a1")
        in_old_list = await raw.lrange("jobs:pending", 0, -1)
        popped = await client.rpop("steps:pending")
        pipe = client.pipeline()
        pipe.get("step:a1").exists("step:a1")
        results = await pipe.execute()
        await raw.aclose()
        return old_copy, in_old_list, popped, results

    old_copy, in_old_list, popped, results = asyncio.run(scenario())
    assert old_copy == {"job_id": "a1"} and in_old_list == ["a1"] and popped == "a1"
    assert json.loads(results[0]) == {"step_id": "a1"} and results[1] == 1


def test_a_class_keeps_its_client_wrapped():
    class Store:
        def __init__(self, redis):
            self.redis = redis

    wire.storage(Store, "redis")
    plain = object()
    assert isinstance(Store(plain).redis, wire.KeyClient) and Store(plain).redis._client is plain
    assert Store(None).redis is None


def test_a_wrapped_client_is_equal_to_the_client_it_wraps(redis):
    """`Scheduler(connection=conn).connection == conn` holds through the wrapper (rq-scheduler's tests
    ask it), and the wrapper stands in for its client as a dict key."""
    wrapped = wire.KeyClient(redis)
    assert wrapped == redis and redis == wrapped and not (wrapped != redis)
    assert wrapped == wire.KeyClient(redis) and {wrapped: 1}[redis] == 1
    other = type(redis)(connection_pool=type(redis.connection_pool)(port=1))
    assert wrapped != other and wrapped != wire.KeyClient(other)


@pytest.fixture
def receiver():
    """A real HTTP receiver on a free local port: (url, what it got); a `job_*` type or step "bad" is turned away."""
    import http.server
    import threading

    got = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            got.append((body, self.headers.get(wire.FORM_HEADER)))
            self.send_response(400 if body["type"].startswith("job_") or body.get("step_id") == "bad" else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()


def test_the_module_http_clients_dual_send(receiver, monkeypatch):
    import urllib.request
    from urllib.request import urlopen

    httpx = pytest.importorskip("httpx")
    url, got = receiver
    built = {"type": "step_failed", "step_id": "j1", "step_data": {"reason": "x"}}
    namespace = {"__name__": "hooks", "httpx": httpx, "urllib": urllib, "urlopen": urlopen, "json": json}
    wire.payloads(namespace)
    assert namespace["json"] is json and namespace["urllib"].request.Request is urllib.request.Request
    response = namespace["httpx"].post(url, json=wire.outgoing(built))
    assert response.status_code == 200  # the new form was taken; the old one turned away is not an error
    request = urllib.request.Request(url, data=json.dumps(wire.outgoing(built)).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Content-Length": "999"})
    assert namespace["urlopen"](request, timeout=5).status == 200
    old = {"type": "job_failed", "job_id": "j1", "job_data": {"reason": "x"}}
    assert got == [(old, "old"), (built, "new")] * 2
    got.clear()
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    assert namespace["urllib"].request.urlopen(url, data=json.dumps(old).encode(), timeout=5).status == 200
    assert got == [(built, None)]  # the new form only, no header
    got.clear()
    monkeypatch.delenv("TERMSHIFT_PHASE")
    bad = {"type": "step_failed", "step_id": "bad", "step_data": {}}
    with pytest.raises(urllib.error.HTTPError) as refused:  # no form taken: the first form's error, as before
        namespace["urlopen"](url, data=json.dumps(bad).encode(), timeout=5)
    assert refused.value.code == 400 and [form["type"] for form, _ in got] == ["job_failed", "step_failed"]


# -- blocking pops, sorted sets, streams, transactions: against a real redis-server --------------


def test_blocking_pops_take_each_item_once_from_old_and_new_code(redis_db, monkeypatch):  # noqa: F811
    """Old workers BRPOP the old list, new ones BRPOP through the wrapper; pushers of both kinds: each item once."""
    import threading

    monkeypatch.delenv("TERMSHIFT_PHASE", raising=False)
    got, lock = [], threading.Lock()

    def worker(kind):
        raw = redis_db.client(decode_responses=True)
        client = wire.KeyClient(raw) if kind == "new" else raw
        key = "steps:pending" if kind == "new" else "jobs:pending"
        while True:
            popped = client.brpop(key, timeout=1)
            if popped is None:
                break
            with lock:
                got.append((kind, popped[0], popped[1]))
        raw.close()

    workers = [threading.Thread(target=worker, args=(kind,)) for kind in ("old", "new", "old", "new")]
    for thread in workers:
        thread.start()
    raw = redis_db.client(decode_responses=True)
    client = wire.KeyClient(raw)
    items = []
    for i in range(100):
        if i % 2:
            client.lpush("steps:pending", f"new-{i}")
        else:
            raw.lpush("jobs:pending", f"old-{i}")
        items.append(f"{'new' if i % 2 else 'old'}-{i}")
    raw.lpush("steps:pending", "copied")  # an item `termshift data copy` moved: only new code takes it
    for thread in workers:
        thread.join(30)
    assert sorted(value for _, _, value in got) == sorted(items + ["copied"])
    assert {kind for kind, _, _ in got} == {"old", "new"}
    # New code is told the key it asked for; old code the one it asked for.
    assert {key for kind, key, _ in got if kind == "new"} == {"steps:pending"}
    assert raw.llen("jobs:pending") == raw.llen("steps:pending") == 0
    raw.close()


def test_moves_between_lists_follow_the_queues(redis):
    client = wire.KeyClient(redis)
    redis.rpush("jobs:pending", "a")
    redis.rpush("steps:pending", "b")
    assert client.lmove("steps:pending", "steps:active", "LEFT", "RIGHT") == "a"
    assert client.rpoplpush("steps:pending", "steps:active") == "b"
    assert redis.lrange("jobs:active", 0, -1) == ["b", "a"]  # where old workers look in dual-write (RPOPLPUSH: left)
    assert client.blmove("steps:pending", "steps:active", 0.1) is None
    redis.rpush("steps:pending", "c")
    assert client.brpoplpush("steps:pending", "steps:done", 0.1) == "c"
    assert redis.lrange("jobs:done", 0, -1) == ["c"]


def test_sorted_sets_are_records_with_one_authoritative_copy(redis, monkeypatch):
    client = wire.KeyClient(redis)
    client.zadd("steps:seen", {"a": 1, "b": 2, "c": 3})
    assert redis.zrange("jobs:seen", 0, -1, withscores=True) == redis.zrange("steps:seen", 0, -1, withscores=True)
    redis.zadd("jobs:seen", {"d": 0})  # old code writes its copy only
    assert client.zrange("steps:seen", 0, -1) == ["d", "a", "b", "c"] and client.zcard("steps:seen") == 4
    assert client.zscore("steps:seen", "d") == 0 and client.zrangebyscore("steps:seen", 2, 3) == ["b", "c"]
    # A claim (ZREM) is decided on the authoritative copy: old code's claim wins, new code's then fails.
    assert redis.zrem("jobs:seen", "a") == 1 and client.zrem("steps:seen", "a") == 0
    assert client.zpopmin("steps:seen") == [("d", 0.0)]
    assert client.zincrby("steps:seen", 5, "b") == 7 and redis.zscore("steps:seen", "b") == 7
    assert client.zadd("steps:seen", {"c": 1}, nx=True) == 0 and redis.zscore("steps:seen", "c") == 3
    assert client.bzpopmax("steps:seen", 0.1) == ("steps:seen", "b", 7.0)
    assert redis.zrange("jobs:seen", 0, -1) == redis.zrange("steps:seen", 0, -1) == ["c"]
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    redis.zadd("steps:seen", {"e": 9})
    assert client.zrange("steps:seen", 0, -1) == ["c", "e"]  # the new copy decides now
    redis.zadd("steps:other", {"x": 1})
    assert client.zrange("steps:other", 0, -1) == ["x"]


def test_streams_mirror_entries_with_one_id_and_old_field_names(redis, monkeypatch):
    client = wire.KeyClient(redis)
    entry = client.xadd("steps:log", {"step_id": "j1", "state": "done"})
    assert redis.xrange("jobs:log") == [(entry, {"job_id": "j1", "state": "done"})]
    assert redis.xrange("steps:log") == [(entry, {"step_id": "j1", "state": "done"})]
    old_entry = redis.xadd("jobs:log", {"job_id": "j2"})  # old code appends to its stream only
    assert client.xrange("steps:log") == [(entry, {"step_id": "j1", "state": "done"}), (old_entry, {"step_id": "j2"})]
    assert client.xlen("steps:log") == 2
    assert client.xread({"steps:log": entry}) == [["steps:log", [(old_entry, {"step_id": "j2"})]]]
    # Consumer groups: the old stream's group in dual-write (old and new readers share it) ...
    client.xgroup_create("steps:log", "workers", id="0")
    first = client.xreadgroup("workers", "new-1", {"steps:log": ">"}, count=1)
    second = redis.xreadgroup("workers", "old-1", {"jobs:log": ">"}, count=1)
    assert first == [["steps:log", [(entry, {"step_id": "j1", "state": "done"})]]]
    assert second == [["jobs:log", [(old_entry, {"job_id": "j2"})]]]
    assert client.xack("steps:log", "workers", entry) == 1
    # ... and refused in prefer-new rather than read from a stream whose group never saw those entries.
    monkeypatch.setenv("TERMSHIFT_PHASE", "prefer-new")
    with pytest.raises(wire.WireRefused, match="consumer group's state lives in one stream"):
        client.xreadgroup("workers", "new-1", {"steps:log": ">"})
    assert client.xrange("steps:log")[0][0] == entry  # the new copy, read first now
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    with pytest.raises(redis_module_error()):
        client.xreadgroup("workers", "new-1", {"steps:log": ">"})  # new-only: the new stream, no group there


def redis_module_error():
    import redis

    return redis.ResponseError


def test_transactions_stay_one_multi_exec(redis, redis_db, monkeypatch):  # noqa: F811
    import redis as redis_py

    client = wire.KeyClient(redis)
    with client.pipeline() as pipe:
        pipe.set("step:t1", json.dumps({"step_id": "t1"})).lpush("steps:pending", "t1").get("step:t1")
        pipe.get("step:nothing").sadd("steps:seen", "t1").exists("step:t1")
        results = pipe.execute()
    assert results[0] is True and results[1] == 1 and json.loads(results[2]) == {"step_id": "t1"}
    assert results[3:] == [None, 1, 1]
    assert json.loads(redis.get("job:t1")) == {"job_id": "t1"} and redis.lrange("jobs:pending", 0, -1) == ["t1"]
    # Everything went in one MULTI/EXEC: the server saw one transaction holding both forms' commands.
    def calls(command):
        return redis.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0)

    before = {command: calls(command) for command in ("multi", "exec", "set", "del")}
    pipe = client.pipeline()
    pipe.set("step:t2", "x").delete("step:t2")
    assert pipe.execute() == [True, 1]
    assert {command: calls(command) - count for command, count in before.items()} == {
        "multi": 1, "exec": 1, "set": 2, "del": 2}
    assert not redis.exists("job:t2") and not redis.exists("step:t2")
    # WATCH covers both forms: old code writing the old key aborts new code's transaction.
    pipe = client.pipeline()
    pipe.watch("step:t1")
    current = json.loads(pipe.get("step:t1"))  # immediate, through the layer
    redis.set("job:t1", json.dumps({"job_id": "t1", "by": "old code"}))
    pipe.multi()
    pipe.set("step:t1", json.dumps({**current, "by": "new code"}))
    with pytest.raises(redis_py.WatchError):
        pipe.execute()
    assert json.loads(redis.get("job:t1"))["by"] == "old code"
    # A command that must see one answer to choose the next is refused inside a transaction, clearly.
    pipe = client.pipeline()
    pipe.rpop("steps:pending")
    with pytest.raises(wire.WireRefused, match="inside a transaction"):
        pipe.execute()
    assert redis.lrange("jobs:pending", 0, -1) == ["t1"]  # nothing ran
    unbatched = client.pipeline(transaction=False)
    unbatched.rpop("steps:pending").get("step:t1")
    assert unbatched.execute()[0] == "t1"


def test_a_plain_zadd_runs_inside_a_transaction(redis):
    client = wire.KeyClient(redis)
    with client.pipeline() as pipe:
        pipe.zadd("steps:done", {"t1": 1.0}).zadd("schedule", {"step:t1": 2.0})  # a member, not a key
        assert pipe.execute() == [1, 1]
    assert redis.zscore("jobs:done", "t1") == 1.0 and redis.zscore("steps:done", "t1") == 1.0
    assert redis.zrange("schedule", 0, -1, withscores=True) == [("step:t1", 2.0)]
    pipe = client.pipeline()
    pipe.zadd("steps:done", {"t1": 5.0}, xx=True)
    with pytest.raises(wire.WireRefused, match="inside a transaction"):
        pipe.execute()


def test_uncovered_commands_on_renamed_keys_are_refused(redis, monkeypatch):
    client = wire.KeyClient(redis)
    redis.set("job:g1", "v")
    with pytest.raises(wire.WireRefused, match="getdel on 'step:g1'"):
        client.getdel("step:g1")
    assert redis.get("job:g1") == "v"
    assert client.getdel("unrelated") is None and client.ping()  # other keys and client calls pass
    assert sorted(client.scan_iter(match="step:*")) == ["step:g1"]
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    assert client.getdel("step:g1") is None  # new-only: the new key, as after cleanup


def test_async_payload_functions_stay_coroutines():
    import asyncio

    async def build():
        return {"type": "step_submitted", "step_id": "a"}

    wrapped = wire._wrap(build)
    assert asyncio.iscoroutinefunction(wrapped)
    assert asyncio.run(wrapped()) == {"type": "job_submitted", "job_id": "a"}


def test_small_commands_locks_scripts_and_publish(redis):
    client = wire.KeyClient(redis)
    redis.set("job:s1", "abc", ex=100)  # written by old code
    assert client.ttl("step:s1") > 0 and client.type("step:s1") == "string" and client.strlen("step:s1") == 3
    assert client.ttl("step:none") == -2 and client.type("step:none") == "none"
    assert client.mget(["step:s1", "step:none"]) == ["abc", None]
    client.hset("step:h1", mapping={"step_id": "h1"})
    assert client.hexists("step:h1", "step_id") and redis.hexists("job:h1", "job_id") and client.hlen("step:h1") == 1
    assert client.persist("step:s1") and redis.ttl("job:s1") == -1
    # A lock new code takes is the one old code takes (the old key, in dual-write).
    lock = client.lock("step:s1:lock", timeout=5)
    assert lock.acquire(blocking=False) and redis.exists("job:s1:lock") and not redis.exists("step:s1:lock")
    assert not redis.lock("job:s1:lock").acquire(blocking=False)
    lock.release()
    # redis-py Script objects: through the wrapper's eval.
    script = client.register_script("return redis.call('GET', KEYS[1])")
    assert script(keys=["step:s1"]) == "abc"
    # Publish: old subscribers get the old form on the old channel, new ones the new form.
    got = {}
    subscriber = redis.pubsub()
    subscriber.subscribe("job:s1", "step:s1")
    for _ in range(2):
        subscriber.get_message(timeout=1)
    assert client.publish("step:s1", json.dumps({"step_id": "s1"})) == 2
    for _ in range(2):
        message = subscriber.get_message(timeout=2)
        got[message["channel"]] = json.loads(message["data"])
    subscriber.close()
    assert got == {"job:s1": {"job_id": "s1"}, "step:s1": {"step_id": "s1"}}


def test_the_generator_knows_every_command_the_runtime_covers():
    from termshift.wiring import CLIENT_COMMANDS

    assert set(wire.COMMANDS) <= CLIENT_COMMANDS
    assert "from __future__ import annotations" in wire.source().split("\n\n\n")[0]


def test_patching_a_sender_through_the_wired_module_patches_the_module(monkeypatch):
    import urllib.request
    from unittest import mock

    namespace = {"__name__": "hooks", "urllib": urllib}
    wire.payloads(namespace)
    hooks = type("Module", (), namespace)
    real = urllib.request.urlopen
    with mock.patch.object(hooks.urllib.request, "urlopen") as fake:
        fake.return_value.status = 200
        hooks.urllib.request.urlopen("http://x/", data=json.dumps({"type": "step_failed", "step_id": "a"}).encode())
        assert [json.loads(call.kwargs["data"])["type"] for call in fake.call_args_list] == ["job_failed",
                                                                                              "step_failed"]
    assert urllib.request.urlopen is real  # restored as it was, not left wrapped


def test_only_an_attribute_that_holds_a_redis_client_is_wrapped_as_one():
    """A dict read with `.get()`, an HTTP session's `.delete()`, a path's `.exists()`: commands
    other objects have too don't make a client, or the dict would be wrapped and stop being one."""
    from termshift.wiring import clients

    text = (
        "import redis\n\n\nclass Context:\n"
        "    def __init__(self, profile, session, cache, conn: 'redis.Redis', queue):\n"
        "        self.profile = profile\n        self.session = session\n"
        "        self.cache = redis.Redis() if cache is None else cache\n"
        "        self.conn = conn\n        self._redis = None\n        self.queue = queue\n\n"
        "    def run(self):\n"
        "        self.profile.get('job_id')\n        self.session.delete('/jobs/1')\n"
        "        self.cache.get('job:1')\n        self.conn.set('job:1', 1)\n"
        "        self._redis.get('job:2')\n        self.queue.lpush('jobs', 1)\n"
    )
    assert sorted(clients(text)) == [("Context", "_redis"), ("Context", "cache"), ("Context", "conn"),
                                     ("Context", "queue")]


def test_an_enumeration_of_event_types_finds_its_members_by_their_old_values(monkeypatch):
    import enum

    class Kind(str, enum.Enum):
        submitted = "step_submitted"
        other = "other"

        @classmethod
        def _missing_(cls, value):
            return cls.other if value == "unknown" else None

    Kind.__module__ = "app.events"
    wire.payloads({"__name__": "app.events", "Kind": Kind})
    assert Kind.submitted.value == "step_submitted"  # members stay as they are: they can't be reassigned
    assert Kind("job_submitted") is Kind.submitted and Kind("step_submitted") is Kind.submitted
    assert Kind("unknown") is Kind.other  # the enumeration's own answer, for the rest
    monkeypatch.setenv("TERMSHIFT_PHASE", "new-only")
    with pytest.raises(ValueError):
        Kind("job_submitted")
