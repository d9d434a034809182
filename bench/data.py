"""Benchmark `termshift data copy` + `verify` on a local redis-server, against a naive loop and the ceiling.

    python bench/data.py --keys 1000000

Starts its own redis-server (127.0.0.1, a free port, nothing on disk), fills
it with N keys of mixed types under the example's key patterns (JSON job
documents, hashes, counters, sets, sorted sets, small lists, one long queue),
then times, in the same run:

- `termshift data copy` and `termshift data verify` (the command line, end to end);
- the naive anchor: a per-key loop with redis-py (TYPE, then GET/SET with the
  document translated, or DUMP/RESTORE), over a sample, extrapolated;
- `redis-cli --scan | sed | redis-cli` issuing one COPY per key (no translation), over a sample;
- the ceiling: `redis-benchmark -t set -P 64`.

Prints a Markdown table. Needs redis-server, redis-cli, redis-benchmark and redis-py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

WIRE = {"wire_changes": [
    {"path": "app/store.py", "line": 1, "column": 1, "stage": "keys", "kind": "key", "old": 'f"job:{job_id}"',
     "new": 'f"step:{job_id}"'},
    {"path": "app/store.py", "line": 2, "column": 1, "stage": "keys", "kind": "key", "old": '"jobs:pending"',
     "new": '"steps:pending"'},
    {"path": "app/store.py", "line": 3, "column": 1, "stage": "keys", "kind": "key", "old": 'f"meta:job:{job_id}"',
     "new": 'f"meta:step:{job_id}"'},
    {"path": "app/store.py", "line": 4, "column": 1, "stage": "webhooks", "kind": "payload-key", "old": '"job_id"',
     "new": '"step_id"'},
    {"path": "app/store.py", "line": 5, "column": 1, "stage": "webhooks", "kind": "payload-key", "old": '"job_type"',
     "new": '"step_type"'},
]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(client: redis.Redis, count: int) -> dict[str, int]:
    """count keys: 60% JSON documents (a tenth with a TTL), 15% hashes, 10% counters, 5% sets, 5% sorted sets,
    5% small lists; and one queue of count/100 items."""
    kinds = {"document": 0, "hash": 0, "counter": 0, "set": 0, "zset": 0, "list": 0}
    pipe = client.pipeline(transaction=False)
    for index in range(count):
        slot = index % 20
        job_id = f"job-{index:08d}"
        if slot < 12:
            document = json.dumps({"job_id": job_id, "job_type": "render", "payload": {"n": index},
                                   "status": "completed", "attempts": 1, "error": None})
            pipe.set(f"job:{job_id}", document, px=86_400_000 if slot == 0 else None)
            kinds["document"] += 1
        elif slot < 15:
            pipe.hset(f"meta:job:{job_id}", mapping={"job_type": "render", "owner": "worker-1"})
            kinds["hash"] += 1
        elif slot < 17:
            pipe.set(f"job:{job_id}:runs", index)
            kinds["counter"] += 1
        elif slot == 17:
            pipe.sadd(f"job:{job_id}:tags", "a", "b", "c")
            kinds["set"] += 1
        elif slot == 18:
            pipe.zadd(f"job:{job_id}:retries", {"a": 1, "b": 2})
            kinds["zset"] += 1
        else:
            pipe.rpush(f"job:{job_id}:log", "started", "done")
            kinds["list"] += 1
        if index % 5000 == 4999:
            pipe.execute()
    queue = [f"job-{index:08d}" for index in range(max(count // 100, 1))]
    for start in range(0, len(queue), 5000):
        pipe.lpush("jobs:pending", *queue[start:start + 5000])
    pipe.execute()
    kinds["queue items"] = len(queue)
    return kinds


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, done


def naive(client: redis.Redis, sample: int) -> float:
    """Keys per second of a per-key loop: TYPE, then GET + translate + SET, or DUMP + RESTORE."""
    keys = []
    for key in client.scan_iter(match="job:*", count=1000):
        keys.append(key)
        if len(keys) >= sample:
            break
    start = time.perf_counter()
    for key in keys:
        new = b"naive:" + key
        kind = client.type(key)
        ttl = client.pttl(key)
        if kind == b"string":
            value = client.get(key)
            if value.startswith(b"{"):
                document = json.loads(value)
                value = json.dumps({("step_" + k[4:] if k.startswith("job_") else k): v for k, v in document.items()})
            client.set(new, value, px=ttl if ttl > 0 else None)
        else:
            client.restore(new, max(ttl, 0), client.dump(key))
    elapsed = time.perf_counter() - start
    for start_at in range(0, len(keys), 1000):
        client.delete(*[b"naive:" + key for key in keys[start_at:start_at + 1000]])
    return len(keys) / elapsed


def naive_verify(client: redis.Redis, sample: int) -> float:
    """Keys per second of a per-key check: TYPE and PTTL of both, then GET both (translating the old), or DUMP both."""
    keys = []
    for key in client.scan_iter(match="job:*", count=1000):
        keys.append(key)
        if len(keys) >= sample:
            break
    start = time.perf_counter()
    bad = 0
    for key in keys:
        new = b"step:" + key[4:]
        kind, new_kind = client.type(key), client.type(new)
        client.pttl(key), client.pttl(new)
        if kind == b"string" and new_kind == kind:
            value = client.get(key)
            if value.startswith(b"{"):
                document = json.loads(value)
                value = json.dumps({("step_" + k[4:] if k.startswith("job_") else k): v for k, v in document.items()})
            bad += value != client.get(new)
        elif kind == new_kind and kind != b"list":
            bad += client.dump(key) != client.dump(new)
    return len(keys) / (time.perf_counter() - start)


def cli_copy(port: int, sample: int) -> float:
    """Keys per second of `redis-cli --scan | sed 's/…/COPY …/' | redis-cli`: one COPY per key, untranslated."""
    script = (f"redis-cli -p {port} --scan --pattern 'job:*' | head -n {sample} | "
              f"sed 's/^\\(.*\\)$/COPY \\1 cli:\\1/' | redis-cli -p {port} > /dev/null")
    start = time.perf_counter()
    subprocess.run(["bash", "-c", script], check=True)
    elapsed = time.perf_counter() - start
    subprocess.run(["bash", "-c", f"redis-cli -p {port} --scan --pattern 'cli:*' | "
                    f"xargs -r -n 1000 redis-cli -p {port} DEL > /dev/null"], check=True)
    return sample / elapsed


def ceiling(port: int, count: int) -> float:
    done = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-P", "64", "-n", str(count), "-q"],
                          capture_output=True, text=True, check=True)
    text = done.stdout.replace("\r", "\n")
    line = [line for line in text.splitlines() if line.startswith("SET:")][-1]
    return float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="keys the naive loops run over")
    parser.add_argument("--batch-size", type=int, default=1000)
    options = parser.parse_args()
    for tool in ("redis-server", "redis-cli", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (apt-get install redis-server)")

    work = Path(tempfile.mkdtemp(prefix="termshift-bench-"))
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        (work / "wire.json").write_text(json.dumps(WIRE))
        (work / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
        start = time.perf_counter()
        kinds = fill(client, options.keys)
        filled = time.perf_counter() - start
        total = client.dbsize()
        env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        base = [sys.executable, "-m", "termshift", "data"]
        naive_rate = naive(client, options.sample)
        cli_rate = cli_copy(port, options.sample)
        copy_time, copied = timed(base + ["copy", "--report", "wire.json", "--batch-size", str(options.batch_size)],
                                  work, env)
        copy_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        verify_time, _ = timed(base + ["verify", "--report", "wire.json", "--batch-size", str(options.batch_size)],
                               work, env)
        naive_verify_rate = naive_verify(client, options.sample)  # against the copies just made
        rollback_time, _ = timed(base + ["rollback"], work, env)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        top = ceiling(port, min(options.keys, 1_000_000))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)

    keys = total - 1  # the queue is one key (its items are moved)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, redis-server {redis_version()}")
    print(f"keys: {total:,} ({', '.join(f'{v:,} {k}' for k, v in kinds.items())}); filled in {filled:.1f} s")
    print(f"copy said: {copied.stdout.strip()}")
    print()
    naive_both = keys / naive_rate + keys / naive_verify_rate
    print("| what | time | keys/s | vs the naive loop doing the same |")
    print("| --- | ---: | ---: | ---: |")
    rows = [
        ("`termshift data copy`", copy_time, keys / naive_rate),
        ("`termshift data verify`", verify_time, keys / naive_verify_rate),
        ("**copy + verify**", copy_time + verify_time, naive_both),
        ("`termshift data rollback`", rollback_time, None),
        (f"naive per-key redis-py copy loop (sample {options.sample:,}, extrapolated)", keys / naive_rate, None),
        (f"naive per-key redis-py verify loop (sample {options.sample:,}, extrapolated)", keys / naive_verify_rate,
         None),
        ("naive copy + verify", naive_both, None),
        (f"`redis-cli --scan \\| sed \\| redis-cli` COPY, untranslated (sample {options.sample:,})",
         keys / cli_rate, None),
        ("ceiling: `redis-benchmark -t set -P 64`", keys / top, None),
    ]
    for name, seconds, naive_seconds in rows:
        versus = f"{naive_seconds / seconds:,.1f}× faster" if naive_seconds else ""
        print(f"| {name} | {seconds:,.1f} s | {keys / seconds:,.0f} | {versus} |")
    print()
    print(f"peak RSS of the termshift processes: {rss:,.0f} MiB (copy: {copy_rss:,.0f} MiB)")


def redis_version() -> str:
    done = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
    return next((part[2:] for part in done.stdout.split() if part.startswith("v=")), "?")


if __name__ == "__main__":
    main()
