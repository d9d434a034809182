"""The services a project's suite talks to, started by the harness for one run and stopped after.

Only Redis so far: a private `redis-server` on a free port of 127.0.0.1 (nothing persisted),
one per suite run, so the baseline and the migrated trees each start from an empty server and
projects proven in parallel never share one. Test suites that hard-code Redis's default address
(`Redis()`, `redis://127.0.0.1:6379/4`) reach it through a redirect installed in the project's
venv (see REDIRECT): redis-py connections to localhost:6379 go to the harness's port instead.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PORT_VARIABLE = "TERMSHIFT_E2E_REDIS_PORT"


class ServiceFailure(Exception):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis(log: Path):
    """A fresh redis-server on 127.0.0.1; yields the environment variables that point at it."""
    server = shutil.which("redis-server")
    if server is None:
        raise ServiceFailure("redis-server is not installed (Debian: apt-get install redis-server)")
    with tempfile.TemporaryDirectory(prefix="termshift-e2e-redis-") as scratch:
        for attempt in range(3):  # the free port may be taken between the probe and the bind
            port = _free_port()
            with log.open("a", encoding="utf-8") as out:
                out.write(f"$ {server} --port {port} --bind 127.0.0.1 (e2e service)\n")
                process = subprocess.Popen(
                    [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", scratch, "--databases", "32", "--protected-mode", "yes"],
                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )
            deadline = time.monotonic() + 10
            while process.poll() is None and time.monotonic() < deadline and not _answers(port):
                time.sleep(0.05)
            if process.poll() is None and _answers(port):
                break
            _stop(process)
        else:
            raise ServiceFailure(f"redis-server did not start (see {log})")
        try:
            # Only the harness's own variable: REDIS_URL, REDIS_HOST and the like are the suites' to set
            # (rq's tests set REDIS_HOST themselves and check what its CLI makes of it).
            yield {PORT_VARIABLE: str(port)}
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server this harness started, by its own handle (pid)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Installed as a module plus a .pth line into the site-packages of a venv whose project uses Redis;
# does nothing unless the harness set TERMSHIFT_E2E_REDIS_PORT for the suite's run.
REDIRECT = '''"""termshift e2e: redis-py connections to localhost:6379 go to the harness's private redis-server."""
import os
import sys

_PORT = os.environ.get("TERMSHIFT_E2E_REDIS_PORT")
_MODULES = {"redis.connection", "redis.asyncio.connection"}


def _redirect(module):
    connection = getattr(module, "Connection", None)
    if connection is None:
        return
    original = connection.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if getattr(self, "host", None) in ("localhost", "127.0.0.1") and str(getattr(self, "port", "")) == "6379":
            self.host, self.port = "127.0.0.1", int(_PORT)

    connection.__init__ = __init__


class _Loader:
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _redirect(module)


class _Finder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in _MODULES:
            return None
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _Loader(spec.loader)
                return spec
        return None


if _PORT:
    sys.meta_path.insert(0, _Finder)
'''


def install_redirect(site_packages: Path) -> None:
    (site_packages / "termshift_e2e_redis.py").write_text(REDIRECT, encoding="utf-8")
    (site_packages / "termshift_e2e_redis.pth").write_text("import termshift_e2e_redis\n", encoding="utf-8")
