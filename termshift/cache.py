"""The run cache: what an unchanged file needs is read back, not recomputed.

A terminology gate runs on every commit, over trees that barely change. Two
kinds of entries, because a file's sites depend on other files while its
summary does not:

- per-module entries (a module's summary, the facts its strings give) are a
  pure function of the file's bytes, so their key is that content, the
  module's name and place, and `salt`;
- a file's findings depend on the whole project (names it defines anywhere,
  the routes it serves) and on every module the analysis consulted: the key
  holds the file's content and a project fingerprint (configuration, module
  layout, the content of every module that mentions the term), and the entry
  records the digests of the other modules and the third-party sources read
  for it; it is used only while they all still match.

`salt` ties every key to this termshift (its version and the state of its own
source files, so an edited checkout never reads stale answers), the Python
minor version (whose `ast` shapes the results) and the schema below.

A third kind, the record of a whole `check` run, is kept and checked by
replay.py.

Entries live under `<root>/.termshift_cache/`, which ignores itself for git
(a `.gitignore` holding `*`) and is tagged as a cache for backup tools. Each
is one file, written to a temporary name and renamed into place, so parallel
runs (pre-commit's) never read half an entry; anything unreadable is a miss.
Each worker writes the entries it made, while the others work, so a cold run
doesn't write them all from one process between the rounds.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's, as in replay.py
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

from . import __version__

SCHEMA = 4  # 4: BLAKE2b keys; 3: sites carry their local binding; 2: one folder per kind of entry (1 had 256 under each)
DIRNAME = ".termshift_cache"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by termshift.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


def digest(data: bytes) -> str:
    """BLAKE2b, as replay.py's records: without loading hashlib's OpenSSL half (~3 ms a run)."""
    from .replay import hasher  # here: `--no-cache` never hashes

    return hasher()(data, digest_size=32).hexdigest()


def code_fingerprint() -> str:
    """termshift's version and the size and time of each of its source files (read once a run:
    the cache and the record of the run, replay.py, both ask)."""
    if _fingerprint:
        return _fingerprint[0]
    here = os.path.dirname(os.path.realpath(__file__))
    parts = [__version__, f"{sys.version_info[0]}.{sys.version_info[1]}", str(SCHEMA)]
    try:
        with os.scandir(here) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    parts.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        pass
    _fingerprint.append(digest("\0".join(parts).encode()))
    return _fingerprint[0]


_fingerprint: list[str] = []


def write_whole(path: str, data: bytes) -> None:
    """`data` at `path`, written to a temporary sibling and renamed into place, so a reader
    finds the old file or the new one, never half of one. The temporary name is random
    rather than the process id: two containers sharing a tree may run the same pid."""
    temporary = f"{path}.tmp-{os.urandom(6).hex()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class Cache:
    def __init__(self, root: Path, salt: str | None = None) -> None:
        self.top = root / DIRNAME
        self.dir = self.top / f"v{SCHEMA}"
        self.salt = salt if salt is not None else code_fingerprint()
        self._ready = False
        # Entries are addressed as plain strings: a cold run reads and writes one per module.
        self._folder = str(self.dir)
        self._made: set[str] = set()  # entry folders known to exist
        # Kinds whose folder was missing at the first miss: a cold run asks for every entry, and
        # finds none, without trying to open each (until this process writes one of that kind).
        self._missing: set[str] = set()
        self._looked: set[str] = set()

    def key(self, *parts: str) -> str:
        return digest("\0".join((self.salt, *parts)).encode("utf-8", "surrogatepass"))

    def load(self, kind: str, key: str) -> Any | None:
        if kind in self._missing:
            return None
        import pickle

        try:
            with open(os.path.join(self._folder, kind, key), "rb") as stream:
                return pickle.load(stream)
        except FileNotFoundError:
            if kind not in self._looked:
                self._looked.add(kind)
                if not os.path.isdir(os.path.join(self._folder, kind)):
                    self._missing.add(kind)
            return None
        except Exception:  # truncated, from another termshift: all misses
            return None

    def store(self, kind: str, key: str, value: Any) -> None:
        """Best effort: a read-only checkout still gets its answers, just not cached."""
        import pickle

        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._prepare()
            folder = os.path.join(self._folder, kind)
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
                self._missing.discard(kind)
            write_whole(os.path.join(folder, key), data)
        except (OSError, pickle.PicklingError):
            pass

    def prepare(self) -> None:
        """Before forking workers that may write: they then never prune each other's entries."""
        try:
            self._prepare()
        except OSError:
            pass

    def _prepare(self) -> None:
        if self._ready:
            return
        if os.path.islink(self.top):  # never kept outside the project, whatever a link says
            raise OSError(f"{self.top} is a symlink")
        self.top.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Created by termshift: the cache ignores itself.\n*\n"),
                           ("CACHEDIR.TAG", _TAG)):
            path = self.top / name
            if not path.exists():
                path.write_text(text, encoding="utf-8")
        self._prune()
        self._ready = True

    def _prune(self) -> None:
        """Entries written by another termshift (or another state of its code) can never be
        read again: drop them when this one first writes, so the cache doesn't only grow.
        Those of another layout (`SCHEMA`) live in a folder of their own, dropped too."""
        marker = self.dir / "salt"
        try:
            if marker.read_text(encoding="utf-8") == self.salt:
                return
        except OSError:
            pass
        with os.scandir(self.top) as entries:
            stale = [entry.path for entry in entries if entry.name[:1] == "v" and entry.is_dir()]
        if stale:
            import shutil  # here: a first run, with nothing to drop, doesn't import it

            for folder in stale:
                shutil.rmtree(folder, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.salt, encoding="utf-8")
