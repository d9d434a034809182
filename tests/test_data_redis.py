"""`termshift data` against real servers: queues popped while they move, a cluster, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from datakit import data
from lintkit import write_project
from redisfix import (  # noqa: F401  (fixtures)
    assert_same, free_port, redis_cluster, redis_db, redis_server, snapshot, start,
)

STORE = '''\
import json

PENDING = "jobs:pending"
DONE = "stats:jobs_done"
LOG = "{app}:jobs:log"  # a hash tag: old and new name in one cluster slot


def job_key(job_id):
    return f"job:{job_id}"


def meta_key(job_id):
    return f"meta:job:{job_id}"


def save(redis, job_id, kind):
    redis.set(job_key(job_id), json.dumps({"job_id": job_id, "job_type": kind}))
    redis.hset(meta_key(job_id), mapping={"job_type": kind})
    redis.lpush(PENDING, job_id)
    redis.incr(DONE)
'''


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("data") / "queue", {"app/__init__.py": "", "app/store.py": STORE})
    # The plan is read from the code once here; the tests use its record (faster, and the `--report` path).
    wire = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--diff", "--report", "wire.json"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert (root / "wire.json").is_file(), wire.stderr
    return root


def run(project, server, *args, **options):
    return data(*args, "--report", "wire.json", cwd=project, env={"REDIS_URL": server.url}, **options)


def save(client, job_id: str, kind: str = "render") -> None:
    client.set(f"job:{job_id}", json.dumps({"job_id": job_id, "job_type": kind}))
    client.hset(f"meta:job:{job_id}", mapping={"job_type": kind})
    client.lpush("jobs:pending", job_id)
    client.incr("stats:jobs_done")


# -- queues ---------------------------------------------------------------------------


def test_a_queue_popped_while_it_moves_loses_and_doubles_nothing(project, redis_db):
    client = redis_db.client()
    items = [f"job-{index:05d}".encode() for index in range(8000)]
    for start_at in range(0, len(items), 1000):
        client.lpush("jobs:pending", *items[start_at:start_at + 1000])
    popped: list[tuple[str, bytes]] = []
    copied = threading.Event()

    def worker() -> None:
        """A worker in the dual-read phase: the old queue first, then the new one, until the copy is over
        and both are empty."""
        mine = redis_db.client()
        while True:
            for queue in ("jobs:pending", "steps:pending"):
                item = mine.rpop(queue)
                if item is not None:
                    popped.append((queue, item))
                    break
            else:
                if copied.is_set():
                    return
            time.sleep(0.0005)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        moved = run(project, redis_db, "copy", "--batch-size", "50")
    finally:
        copied.set()
        for thread in threads:
            thread.join(120)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    got = [item for _, item in popped]
    assert len(got) == len(set(got)) == len(items)  # none doubled, none lost
    assert set(got) == set(items)
    sources = {queue for queue, _ in popped}
    assert sources == {"jobs:pending", "steps:pending"}  # popped from both while items moved
    assert int(client.hget(b"{termshift-data}:moved-count", "jobs:pending")) > 0


def test_a_moved_queue_keeps_its_order_and_rolls_back(project, redis_db):
    client = redis_db.client()
    client.rpush("jobs:pending", *[f"j{index}" for index in range(2500)])
    client.rpush("steps:pending", "pushed-by-new-code")
    before = client.lrange("jobs:pending", 0, -1)
    assert run(project, redis_db, "copy", "--batch-size", "100").returncode == 0
    assert client.lrange("steps:pending", 0, -1) == [b"pushed-by-new-code", *before]
    assert not client.exists("jobs:pending")
    again = run(project, redis_db, "copy")  # nothing left to move: nothing doubled
    assert again.returncode == 0 and client.llen("steps:pending") == len(before) + 1
    assert run(project, redis_db, "verify").returncode == 0
    assert run(project, redis_db, "rollback").returncode == 0
    assert client.lrange("jobs:pending", 0, -1) == before
    assert client.lrange("steps:pending", 0, -1) == [b"pushed-by-new-code"]


def test_an_old_queue_that_fills_again_fails_verify(project, redis_db):
    client = redis_db.client()
    client.lpush("jobs:pending", "a", "b")
    assert run(project, redis_db, "copy").returncode == 0
    client.lpush("jobs:pending", "late")
    bad = run(project, redis_db, "verify")
    assert bad.returncode == 1
    assert "mismatch: jobs:pending -> steps:pending: 1 item(s) still in the old list" in bad.stdout


# -- conflicts --------------------------------------------------------------------------


def test_conflicts_are_named_and_kept_unless_overwritten_and_rollback_restores_them(project, redis_db):
    client = redis_db.client()
    for job_id in ("a", "b", "c"):
        save(client, job_id)
    client.set("step:a", "theirs")  # another value: a conflict
    client.set("step:b", json.dumps({"step_id": "b", "step_type": "render"}))  # the same value: in place
    before = snapshot(client)
    copied = run(project, redis_db, "copy")
    assert copied.returncode == 1
    assert "conflict: step:a (for job:a) already exists with another value" in copied.stdout
    assert client.get("step:a") == b"theirs" and "1 already in place" in copied.stdout
    assert "mismatch: job:a -> step:a: value differs" in run(project, redis_db, "verify").stdout
    forced = run(project, redis_db, "copy", "--overwrite")
    assert forced.returncode == 0, forced.stdout
    assert json.loads(client.get("step:a")) == {"step_id": "a", "step_type": "render"}
    assert run(project, redis_db, "verify").returncode == 0
    assert run(project, redis_db, "rollback").returncode == 0
    assert_same(before, snapshot(client))  # step:a is "theirs" again, step:b stays


def test_one_writing_run_at_a_time(project, redis_db):
    client = redis_db.client()
    save(client, "a")
    client.set(b"{termshift-data}:running", b"copy pid 1 on elsewhere", px=60_000)
    for command in ("copy", "rollback"):
        busy = run(project, redis_db, command)
        assert busy.returncode == 1
        assert "refused: another run is writing (copy pid 1 on elsewhere)" in busy.stderr
    assert not client.exists("step:a")
    assert run(project, redis_db, "copy", "--dry-run").returncode == 0  # reading needs no lease
    client.delete(b"{termshift-data}:running")
    assert run(project, redis_db, "copy").returncode == 0
    assert not client.exists(b"{termshift-data}:running")


def test_dry_run_writes_nothing(project, redis_db):
    client = redis_db.client()
    save(client, "a")
    before = snapshot(client)
    dry = run(project, redis_db, "copy", "--dry-run")
    assert dry.returncode == 0 and "would copy 3 key(s), would move 1 item(s)" in dry.stdout
    assert_same(before, snapshot(client))


# -- every type, TTLs --------------------------------------------------------------------


def test_every_type_and_ttl_is_copied(project, redis_db):
    client = redis_db.client()
    client.set("job:s", b"\x00\xffbinary", px=3_600_000)
    client.hset("job:h", mapping={"job_id": "h", "x": "job_id"})
    client.pexpire("job:h", 7_200_000)
    client.sadd("job:set", "a", "b", "job_id")
    client.zadd("job:z", {"a": 1.5, "b": -2})
    client.xadd("job:x", {"job_id": "1"}, id="5-1")
    client.xgroup_create("job:x", "workers", id="0")
    client.rpush("job:l", "x", "y")
    assert run(project, redis_db, "copy").returncode == 0
    assert client.get("step:s") == b"\x00\xffbinary" and 3_500_000 < client.pttl("step:s") <= 3_600_000
    assert client.hgetall("step:h") == {b"step_id": b"h", b"x": b"job_id"} and client.pttl("step:h") > 7_000_000
    assert client.smembers("step:set") == {b"a", b"b", b"job_id"}
    assert client.zrange("step:z", 0, -1, withscores=True) == [(b"b", -2.0), (b"a", 1.5)]
    assert client.xrange("step:x") == [(b"5-1", {b"job_id": b"1"})]
    assert client.xinfo_groups("step:x")[0]["name"] == b"workers"
    assert client.lrange("step:l", 0, -1) == [b"x", b"y"]
    assert client.pttl("step:set") == -1
    assert run(project, redis_db, "verify").returncode == 0
    client.pexpire("step:set", 100_000)
    bad = run(project, redis_db, "verify")
    assert bad.returncode == 1 and "mismatch: job:set -> step:set: TTL differs: none -> " in bad.stdout


# -- bad input ----------------------------------------------------------------------------


def one_line_error(done, exit_code: int = 2) -> str:
    assert done.returncode == exit_code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("termshift: error: "), done.stderr
    return lines[0]


def test_an_unreachable_server(project):
    url = f"redis://127.0.0.1:{free_port()}/0"
    for command in ("copy", "verify", "rollback", "drop-old", "plan"):
        done = data(command, "--report", "wire.json", "--redis-url", url, cwd=project)
        assert "can't connect" in one_line_error(done)


def test_no_server_given(project):
    assert "no server given" in one_line_error(data("copy", "--report", "wire.json", cwd=project))


def test_a_wrong_password(project, tmp_path):
    server = start(tmp_path / "locked", "--requirepass", "secret")
    try:
        for url in (f"redis://:wrong@127.0.0.1:{server.port}/0", server.url):
            done = data("verify", "--report", "wire.json", "--redis-url", url, cwd=project)
            line = one_line_error(done)
            assert "authentication failed" in line and "wrong" not in line.replace("WRONGPASS", "")
        ok = data("verify", "--report", "wire.json", "--redis-url", f"redis://:secret@127.0.0.1:{server.port}/0",
                  cwd=project)
        assert ok.returncode == 0, ok.stderr
    finally:
        server.stop()


def test_redis_py_missing(project):
    script = ("import sys; sys.modules['redis'] = None; sys.argv = ['termshift'] + sys.argv[1:]; "
              "from termshift.launch import entry; entry()")
    done = subprocess.run([sys.executable, "-c", script, "data", "copy", "--report", "wire.json",
                           "--redis-url", "redis://127.0.0.1:1/0"], cwd=project, capture_output=True, text=True)
    assert "termshift data needs redis-py: pip install 'termshift[redis]'" in one_line_error(done)


def test_a_single_server_is_not_a_cluster(project, redis_db):
    line = one_line_error(run(project, redis_db, "copy", "--cluster"))
    assert "is a single server, not a Redis Cluster node" in line


def test_a_value_that_is_not_the_json_the_code_writes_is_a_named_skip(project, redis_db):
    client = redis_db.client()
    save(client, "good")
    client.set("job:broken", '{"job_id": oops')
    copied = run(project, redis_db, "copy")
    assert copied.returncode == 1
    assert "skipped job:broken: not a JSON document" in copied.stdout
    assert not client.exists("step:broken") and client.exists("step:good")
    verified = run(project, redis_db, "verify")
    assert verified.returncode == 1
    assert "mismatch: job:broken -> step:broken: missing: not copied" in verified.stdout
    assert run(project, redis_db, "drop-old", "--yes").returncode == 1 and client.exists("job:good")


def test_a_key_deleted_mid_copy_is_named(redis_db):
    from termshift.data.copy import Copier
    from termshift.data.patterns import KeyMap, key_patterns
    from termshift.data.translate import Fields

    client = redis_db.client()
    client.set("job:1", "x")
    said: list[str] = []
    copier = Copier(client, KeyMap(key_patterns([{"kind": "key", "old": "'job:'", "new": "'step:'", "path": "a",
                                                  "line": 1}])), Fields({}), say=said.append)
    copier._batch([(b"job:1", b"step:1"), (b"job:gone", b"step:gone")])
    assert said == ["skipped job:gone: deleted while the copy ran (nothing to copy)"]
    assert client.get("step:1") == b"x" and not client.exists("step:gone")


# -- a cluster ----------------------------------------------------------------------------


def test_a_cluster_every_primary_scanned_keys_change_slots(project, redis_cluster):
    client = redis_cluster.client()
    client.flushall()
    for index in range(300):
        save(client, f"job-{index}")
    client.pexpire("job:job-7", 3_600_000)
    client.rpush("{app}:jobs:log", *[f"line {index}" for index in range(2500)])
    assert client.keyslot("jobs:pending") != client.keyslot("steps:pending")
    assert client.keyslot("{app}:jobs:log") == client.keyslot("{app}:steps:log")
    nodes = {client.keyslot(f"job:job-{index}") // 5462 for index in range(300)}
    assert len(nodes) == 3  # the keys live on every primary
    before = snapshot(client)
    env = {"REDIS_URL": redis_cluster.url}
    wrong = data("copy", "--report", "wire.json", "--no-cluster", cwd=project, env=env)
    assert "is a node of a Redis Cluster, not a single server" in one_line_error(wrong)
    copied = data("copy", "--report", "wire.json", "--batch-size", "64", cwd=project, env=env)
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "copied 601 key(s), moved 2800 item(s) of 2 list(s)" in copied.stdout
    assert client.lrange("{app}:steps:log", 0, -1) == before[b"{app}:jobs:log"][1]
    assert json.loads(client.get("step:job-7")) == {"step_id": "job-7", "step_type": "render"}
    assert client.pttl("step:job-7") > 3_500_000
    assert client.hgetall("meta:step:job-0") == {b"step_type": b"render"}
    assert client.lrange("steps:pending", 0, -1) == before[b"jobs:pending"][1]
    assert client.get("stats:steps_done") == b"300"
    assert data("verify", "--report", "wire.json", cwd=project, env=env).returncode == 0
    assert data("rollback", "--report", "wire.json", cwd=project, env=env).returncode == 0
    assert_same(before, snapshot(client))
    client.flushall()
