"""Real redis-server processes for the `termshift data` tests: one server per session, a cluster on demand.

Each server binds 127.0.0.1 on a free port, keeps nothing on disk, and is
stopped by its pid. Without redis-server the tests fail with a clear message
when CI is set (the CI script installs it) and are skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

MISSING = "redis-server is not installed (Debian: apt-get install -y redis-server); the data tests need a real one"


def need_redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    return found


def free_port(also_plus: int = 0) -> int:
    """A local TCP port that is free (and `port + also_plus` too: a cluster node's bus port)."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if also_plus and port + also_plus > 65535:
            continue
        if also_plus:
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port + also_plus))
                except OSError:
                    continue
        return port
    raise RuntimeError("no free port")


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **options):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, **options)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(workdir: Path, *extra: str, port: int | None = None) -> Server:
    binary = need_redis_server()
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(workdir), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    server = Server(port, process)
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"redis-server on port {port} didn't start")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = start(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_db(redis_server):
    """The session's server, emptied before the test."""
    client = redis_server.client()
    client.flushall()
    client.close()
    return redis_server


@dataclass
class Cluster:
    servers: list[Server]

    @property
    def url(self) -> str:
        return self.servers[0].url

    def client(self):
        from redis.cluster import RedisCluster

        return RedisCluster(host="127.0.0.1", port=self.servers[0].port)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def start_cluster(workdir: Path, nodes: int = 3) -> Cluster:
    servers = []
    try:
        for index in range(nodes):
            port = free_port(also_plus=10000)
            servers.append(start(workdir / f"node{index}", "--cluster-enabled", "yes",
                                 "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "5000",
                                 port=port))
        addresses = [f"127.0.0.1:{server.port}" for server in servers]
        subprocess.run([shutil.which("redis-cli") or "redis-cli", "--cluster", "create", *addresses,
                        "--cluster-replicas", "0", "--cluster-yes"],
                       check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 30
        while True:
            states = [server.client().cluster("info").get("cluster_state") for server in servers]
            if all(state == "ok" for state in states):
                return Cluster(servers)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster didn't come up: {states}")
            time.sleep(0.2)
    except BaseException:
        for server in servers:
            server.stop()
        raise


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    cluster = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield cluster
    cluster.stop()


# -- the whole database, to compare -----------------------------------------------


def snapshot(client) -> dict:
    """Every key: its type, its value in a comparable form, and whether / roughly when it expires."""
    out = {}
    servers = [node.redis_connection for node in client.get_primaries()] if hasattr(client, "get_primaries") \
        else [client]
    for server in servers:
        for key in server.scan_iter(count=1000):
            kind = server.type(key)
            if kind == b"string":
                value = server.get(key)
            elif kind == b"hash":
                value = sorted(server.hgetall(key).items())
            elif kind == b"list":
                value = server.lrange(key, 0, -1)
            elif kind == b"set":
                value = sorted(server.smembers(key))
            elif kind == b"zset":
                value = server.zrange(key, 0, -1, withscores=True)
            elif kind == b"stream":
                value = server.xrange(key)
            else:
                value = server.dump(key)
            ttl = server.pttl(key)
            out[key] = (kind, value, -1 if ttl < 0 else time.time() * 1000 + ttl)  # when it expires
    return out


def assert_same(before: dict, after: dict, *, ttl_slack_ms: int = 5000) -> None:
    """The same keys with the same types and values, expiring at the same moment (within the slack)."""
    assert sorted(after) == sorted(before)
    for key, (kind, value, ttl) in before.items():
        kind_after, value_after, ttl_after = after[key]
        assert (kind_after, value_after) == (kind, value), key
        assert (ttl < 0) == (ttl_after < 0), key
        assert abs(ttl - ttl_after) <= ttl_slack_ms, key


PYTHON = [sys.executable, *(["-P"] if sys.version_info >= (3, 11) else [])]
