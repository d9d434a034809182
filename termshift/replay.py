"""A `check` of an unchanged tree answers from the record of its last run.

The gate runs on every commit and CI build, over trees that barely change.
The cache already spares an unchanged file its analysis, but a run that
still imports the engine, discovers, hashes and loads every entry costs
several times the interpreter's own start. So a `check` that may use the
cache also leaves a record: what it printed, how it exited, and everything
that went into that answer. When every input is as recorded, the next
identical run prints the record before click or the engine are imported.

What a record depends on:

- the exact command (options, paths, working folder), the interpreter and
  its import path, termshift's own source files, today's date (compat
  deadlines) and the environment variables that change what is printed;
- the names in every folder discovery walked (a file added, removed or
  renamed anywhere it looked), plus every folder of the import path and the
  configured search path (a package installed or removed);
- every file read: the discovered sources, .gitignore files, the files at
  the project root (configuration, packaging metadata), the baseline, the
  third-party sources the analysis read.

Files are compared by size, mtime, ctime and inode, as git's index does.
Like git, a file changed within the same clock tick as the run that read it
could keep all four ("racily clean"): files that changed shortly before the
run started are recorded with a digest of their content as well, and hashed
again on replay.

Only runs whose output goes to a pipe or file are recorded or replayed, so
no terminal sizing, colour or progress display can differ. `--no-cache`,
`--fix`, `--write-baseline`, `--output-file` (a replay only prints) and
`--stdin-filename` (stdin is not a file it can record) are never replayed.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

from .cache import DIRNAME, SCHEMA
from .roots import find_root, repository_of

TYPE_CHECKING = False  # not typing's: importing it costs a replayed check ~4 ms
if TYPE_CHECKING:
    from typing import Any

    from .commandline import Check

RECORD_FORMAT = 2  # 2: BLAKE2b keys and digests
# A file whose ctime or mtime is this close to the run's start may have been
# changed within the same timestamp tick (coarse on some filesystems): trust
# its content digest, not its stat.
RACY_NS = 2_000_000_000

# A check with one of these is neither replayed nor recorded: it writes files, or skips the cache.
NEVER_REPLAYED = frozenset({"--fix", "--write-baseline", "--no-cache", "--output-file", "-o", "--stdin-filename"})

# What rich, Python and termshift read from the environment that can change the output.
_ENVIRONMENT = ("COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE",
                "TTY_INTERACTIVE", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONPATH", "LANG", "LC_ALL", "LC_CTYPE",
                "TERMSHIFT_TODAY", "JUPYTER_COLUMNS", "JUPYTER_LINES")
_PACKAGES = ("termshift", os.path.join("termshift", "formats"), "rules", "codemods")


class Observed:
    """What a run read, filled in by discovery and the analysis while they work."""

    def __init__(self) -> None:
        self.folders: set[str] = set()  # listings the answer depends on
        self.files: set[str] = set()  # contents the answer depends on
        self.roots: set[str] = set()  # the projects checked: the files at each root are read (configuration)


observing: Observed | None = None  # set while a recordable run is under way


class Run:
    """One `termshift check` invocation that may be replayed or recorded."""

    def __init__(self, args: list[str], options: dict[str, str], root: str) -> None:
        self.args = args
        self.options = options
        self.root = root
        self.started = time.time_ns()
        self._key, self.slot = _identity(args, options, root)
        self._out: _Tee | None = None
        self._err: _Tee | None = None

    @property
    def record_path(self) -> str:
        return os.path.join(self.root, DIRNAME, f"v{SCHEMA}", "runs", self.slot)

    # -- replay ------------------------------------------------------------

    def replay(self) -> int | None:
        """The recorded exit code, after printing the recorded output; None when anything changed."""
        try:
            with open(self.record_path, "rb") as stream:
                record = marshal.load(stream)
            if record["format"] != RECORD_FORMAT or record["key"] != self._key or not _still(record):
                return None
            stdout, stderr, code = record["stdout"], record["stderr"], record["code"]
        except Exception:  # missing, torn, from another termshift: just run
            return None
        try:
            sys.stdout.write(stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away (`| head`), as `check` itself answers it
            sys.stdout = open(os.devnull, "w")
            return 1
        sys.stderr.write(stderr)
        sys.stderr.flush()
        return code

    # -- record ------------------------------------------------------------

    def begin(self) -> None:
        """Watch what the run reads and what it prints."""
        global observing
        observing = Observed()
        self._out, self._err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self._out, self._err  # type: ignore[assignment]

    def finish(self, code: Any) -> None:
        """Stop watching; keep a record when the run answered (exit 0 or 1)."""
        global observing
        seen, observing = observing, None
        if self._out is None or self._err is None:
            return
        whole = sys.stdout is self._out and sys.stderr is self._err and not (self._out.failed or self._err.failed)
        sys.stdout, sys.stderr = self._out.stream, self._err.stream  # type: ignore[assignment]
        if seen is None or code not in (0, 1, None) or not seen.folders or not whole:
            return  # no answer, or not all of it was printed (a reader went away): nothing to replay
        try:
            self._write(seen, 0 if code is None else code)
        except Exception:  # best effort: a record is an optimisation, never a failure
            pass

    def _write(self, seen: Observed, code: int) -> None:
        files = set(seen.files)
        folders = set(seen.folders) | set(_import_folders())
        for folder in list(seen.folders):
            gitignore = os.path.join(folder, ".gitignore")
            if os.path.isfile(gitignore):
                files.add(gitignore)
        for root in {self.root, *seen.roots}:
            with os.scandir(root) as entries:  # configuration, packaging metadata
                files.update(entry.path for entry in entries if entry.is_file())
        baseline = self.options.get("--baseline")
        if baseline:
            files.add(os.path.abspath(baseline))
        config = self.options.get("--config")
        if config:
            files.add(os.path.abspath(config))
        stats, digests = [], {}
        for path in sorted(files):
            state = _stat(path)
            if state is None:
                return  # gone already: nothing to trust
            stats.append((path, *state))
            if max(state[1], state[2]) >= self.started - RACY_NS:
                digests[path] = _digest(path)
        listings = []
        for folder in sorted(folders):
            names = _listing(folder)
            if names is not None:
                listings.append((folder, names))
        record = {"format": RECORD_FORMAT, "key": self._key, "stats": stats, "digests": digests,
                  "listings": listings, "stdout": self._out.text(), "stderr": self._err.text(), "code": code}
        _store(self.root, self.record_path, marshal.dumps(record))


def plan(check: Check) -> Run | None:
    """The run of `check` that may be replayed or recorded, if it may."""
    if any(name in check.options for name in NEVER_REPLAYED):
        return None
    try:
        if sys.stdout.isatty() or sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return Run(check.args, check.options, find_root(check.paths[0] if check.paths else "."))


# -- what a record is keyed by and checked against -----------------------------


def _identity(args: list[str], options: dict[str, str], root: str) -> tuple[str, str]:
    """(the full key, the slot it is stored in). The slot leaves out the paths, so a pre-commit
    hook that names different files on every commit keeps one record per option set, not one
    per commit."""
    date = time.strftime("%Y-%m-%d")
    shared = [str(RECORD_FORMAT), sys.executable, sys.version, os.getcwd(), root, repository_of(root), date,
              repr([os.path.abspath(entry) for entry in sys.path]),  # "" (-c) and the folder (-m) are one place
              getattr(sys.stdout, "encoding", "") or "", getattr(sys.stderr, "encoding", "") or "",
              *(f"{name}={os.environ.get(name)}" for name in _ENVIRONMENT), *_code_state()]
    chosen = [f"{name}={value}" for name, value in sorted(options.items())]
    hash = hasher()
    slot = hash("\0".join([*shared, *chosen]).encode("utf-8", "surrogateescape")).hexdigest()
    key = hash("\0".join([*shared, "\1", *args]).encode("utf-8", "surrogateescape")).hexdigest()
    return key, slot


def _code_state() -> list[str]:
    """termshift's own source files, by size and time: an edited checkout never replays stale answers."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    state = []
    for package in _PACKAGES:
        folder = os.path.join(top, package)
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py"):
                        stat = entry.stat()
                        state.append(f"{package}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            state.append(f"{package}:missing")
    state.sort()
    return state


def _import_folders() -> list[str]:
    """Where third-party modules are looked up: installing a package changes a listing here."""
    return [entry for entry in sys.path if entry and os.path.isdir(entry)]


def _stat(path: str) -> tuple[int, int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _listing(folder: str) -> list[str] | None:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return None


def _digest(path: str) -> str:
    with open(path, "rb") as stream:
        return hasher()(stream.read()).hexdigest()


def hasher() -> Any:
    """BLAKE2b, without importing hashlib: its OpenSSL half takes longer to load (~3 ms) than a
    replay takes to check every file, and a record is only compared with its own kind."""
    try:
        from _blake2 import blake2b  # CPython's own; hashlib.blake2b is this one
    except ImportError:  # pragma: no cover  (another interpreter)
        from hashlib import blake2b
    return blake2b


def _still(record: dict) -> bool:
    """Whether every input the record depends on is as it was."""
    for path, *state in record["stats"]:
        if _stat(path) != tuple(state):
            return False
    for path, digest in record["digests"].items():
        if _digest(path) != digest:
            return False
    for folder, names in record["listings"]:
        if _listing(folder) != names:
            return False
    return True


def _store(root: str, path: str, data: bytes) -> None:
    """Next to the cache's own entries, written whole or not at all."""
    from pathlib import Path

    from .cache import Cache, write_whole

    Cache(Path(root)).prepare()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_whole(path, data)


class _Tee:
    """A text stream that passes everything on and keeps a copy."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.failed = False
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        try:
            written = self.stream.write(text)  # raises first for anything but text
        except OSError:
            self.failed = True
            raise
        self._parts.append(text)
        return written

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError:
            self.failed = True
            raise

    def text(self) -> str:
        return "".join(self._parts)

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
