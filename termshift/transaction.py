"""A run that writes is one transaction: all of it lands, or none of it does.

A migration rewrites dozens of modules and moves some of them; a rename is
only correct when every one of those changes is made. Writing file by file
left a tree half renamed whenever a write failed (a read-only folder, a full
disk), a signal arrived or the process was killed, and the next run then
planned from that half: it could not tell a module moved by the last run from
one it should move. So every change goes through a journal here:

- **Write-ahead.** Each step (write a file, move a module, create or delete a
  file or folder) is appended to `<root>/.termshift_cache/transaction/journal`
  and flushed to disk *before* it happens, with a copy of what it replaces.
  Every step can be undone whether or not it had happened when the run
  stopped, so undoing the journal from its end back always gives the tree as
  it was.
- **Rollback.** An error or a signal (SIGINT, SIGTERM, SIGHUP) while writing
  undoes the steps made so far, then the caller says so in one line. A process
  killed outright leaves the journal behind; the next command that writes
  (`migrate`, `cleanup`, `check --fix`) rolls it back first, and
  `termshift migrate --abort` does only that.
- **Commit** is removing the journal: one atomic unlink. The copies go after.
- **One at a time.** A writing command holds `<root>/.termshift_cache/lock`
  (an flock, released by the kernel when the process dies, however it dies)
  from before it reads the project until it is done; a second one refuses.
- **The root is a wall.** No step touches a path outside the project root or
  goes through a symlink, whatever the plan says.

Test hooks (environment): `TERMSHIFT_TEST_STEP_DELAY` (seconds to sleep after
each step), `TERMSHIFT_TEST_FAIL_AT=N` (the N-th step fails, once recorded),
`TERMSHIFT_TEST_KILL_AT=N[:phase]` (the process kills itself with SIGKILL at
step N, phase `record` before it is journaled, `act` between journal and
action, `done` after it; default `act`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from . import __version__

STATE_DIRNAME = ".termshift_cache"  # the cache's folder (cache.DIRNAME): the project's termshift state
_TRANSACTION = "transaction"
_JOURNAL = "journal"
_LOCK = "lock"
_TEMP_SUFFIX = ".termshift-tmp"
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class TransactionError(Exception):
    """Something the caller reports in one line (exit 2 for most commands)."""


class Busy(TransactionError):
    """Another termshift holds the project's lock."""


class OutsideRoot(TransactionError):
    """A step would write outside the project root or through a symlink."""


class RolledBack(TransactionError):
    """A run stopped while writing and every change it made was undone."""

    def __init__(self, message: str, *, signal_number: int | None = None) -> None:
        super().__init__(message)
        self.signal_number = signal_number

    @property
    def exit_code(self) -> int:
        return 128 + self.signal_number if self.signal_number else 1


class RollbackFailed(TransactionError):
    """Undoing failed too: the journal stays for the next run (or `migrate --abort`) to finish."""


class Interrupted(BaseException):
    """A signal arrived while writing (raised from the handler, like KeyboardInterrupt)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


# -- the project's state folder and its lock ------------------------------------


def state_folder(root: Path, *, create: bool = True) -> Path:
    """`<root>/.termshift_cache`, made (ignored by git) if missing; never a symlink out of the root."""
    folder = root / STATE_DIRNAME
    if os.path.islink(folder):
        raise OutsideRoot(f"{folder} is a symlink: termshift keeps its state only inside the project")
    if create and not folder.is_dir():
        folder.mkdir(parents=False, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by termshift: the cache ignores itself.\n*\n", encoding="utf-8")
    return folder


_held: list[int] = []  # the lock's descriptor while held: closed in forked children


def _close_in_child() -> None:
    for fd in _held:
        try:
            os.close(fd)  # only the child's copy: the parent's lock stays
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the project's write lock, or raise Busy naming the process that holds it.

    With fcntl the kernel releases the lock when its holder dies, so a lock
    left by a killed run is never stale. Without it (Windows) the lock is a
    file made with O_EXCL that holds its pid, taken over when that process is gone.
    """
    try:
        folder = state_folder(root)
    except OSError as error:
        raise TransactionError(f"can't create {root / STATE_DIRNAME}: {error.strerror or error}") from None
    path = folder / _LOCK
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _exclusive_file(path):
            yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise TransactionError(f"can't open the lock {path}: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise TransactionError(f"can't lock {path}: {error.strerror or error}") from None
            raise Busy(_busy_message(_holder(path))) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _held.append(fd)
        try:
            yield
        finally:
            if fd in _held:
                _held.remove(fd)
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip() or "0") or None
    except (OSError, ValueError):
        return None


def _busy_message(pid: int | None) -> str:
    who = f"another termshift (pid {pid})" if pid else "another termshift"
    return f"{who} is writing in this project: try again once it is done"


@contextlib.contextmanager
def _exclusive_file(path: Path) -> Iterator[None]:  # pragma: no cover - Windows
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            pid = _holder(path)
            if pid is not None and _alive(pid):
                raise Busy(_busy_message(pid)) from None
            with contextlib.suppress(OSError):
                os.unlink(path)  # the holder is gone: a stale lock
            continue
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return
    raise Busy(_busy_message(_holder(path)))


def _alive(pid: int) -> bool:  # pragma: no cover - Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# -- recovery ----------------------------------------------------------------------


def pending(root: Path) -> bool:
    """Whether an interrupted transaction's journal is waiting to be rolled back (cheap: one stat)."""
    return os.path.exists(os.path.join(root, STATE_DIRNAME, _TRANSACTION, _JOURNAL))


def recover(root: Path) -> int | None:
    """Roll back what a killed run left (the caller holds the lock): the number of steps undone,
    or None when there was nothing to roll back. Raises RollbackFailed when a step can't be undone."""
    folder = root / STATE_DIRNAME / _TRANSACTION
    if os.path.islink(root / STATE_DIRNAME) or not folder.is_dir():
        return None
    journal = folder / _JOURNAL
    if not journal.exists():  # committed: only the copies were left
        shutil.rmtree(folder, ignore_errors=True)
        return None
    steps = _read_journal(journal)
    _undo(root, folder, steps)
    _discard(folder)
    return len(steps)


def _read_journal(journal: Path) -> list[dict]:
    steps = []
    with open(journal, encoding="utf-8") as stream:
        for line in stream:
            if not line.endswith("\n"):
                break  # cut short by a kill: that step was never taken
            try:
                entry = json.loads(line)
            except ValueError:
                break
            if "op" in entry:
                steps.append(entry)
    return steps


def _discard(folder: Path) -> None:
    os.unlink(folder / _JOURNAL)  # the rollback is done once this is gone
    shutil.rmtree(folder, ignore_errors=True)


# -- the transaction -------------------------------------------------------------------


class Transaction:
    """The journal of one run's changes; use `begin` rather than making one directly."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self.folder = state_folder(self.root) / _TRANSACTION
        self.steps: list[dict] = []
        self._journal: int | None = None
        self._copies = 0
        self._delay = float(os.environ.get("TERMSHIFT_TEST_STEP_DELAY") or 0)
        self._fail_at = int(os.environ.get("TERMSHIFT_TEST_FAIL_AT") or 0)
        kill = os.environ.get("TERMSHIFT_TEST_KILL_AT") or ""
        number, _, phase = kill.partition(":")
        self._kill_at = (int(number), phase or "act") if number else None

    # -- the steps --

    def write(self, path: Path, data: bytes, mode: int | None = None) -> None:
        """Replace (or create) a file atomically: its bytes go to a sibling first."""
        relative = self._inside(path)
        existed = os.path.lexists(path)
        if existed and (os.path.islink(path) or not os.path.isfile(path)):
            raise TransactionError(f"{relative}: not a regular file, not written")
        if mode is None:
            mode = os.stat(path).st_mode & 0o7777 if existed else 0o644
        entry = {"op": "write", "path": relative, "temp": _temp_name(relative)}
        if existed:
            entry["copy"], entry["mode"] = self._keep(path), os.stat(path).st_mode & 0o7777
        self._record(entry)
        temp = self.root / entry["temp"]
        _write_whole(temp, data, mode)
        os.replace(temp, path)
        self._done()

    def move(self, source: Path, destination: Path) -> None:
        """Rename a module file or package folder; never over an existing path."""
        old, new = self._inside(source), self._inside(destination)
        if os.path.islink(source):
            raise OutsideRoot(f"{old} is a symlink: not moved")
        if os.path.lexists(destination):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), new)
        self._record({"op": "move", "path": old, "to": new})
        os.rename(source, destination)
        self._done()

    def delete(self, path: Path) -> None:
        """Delete a file, keeping a copy to put back."""
        relative = self._inside(path)
        if os.path.islink(path) or not os.path.isfile(path):
            raise TransactionError(f"{relative}: not a regular file, not deleted")
        self._record({"op": "delete", "path": relative, "copy": self._keep(path),
                      "mode": os.stat(path).st_mode & 0o7777})
        os.unlink(path)
        self._done()

    def mkdir(self, path: Path) -> None:
        """Make a folder (and the missing ones above it), each recorded."""
        missing = []
        here = path
        while not os.path.lexists(here):
            missing.append(here)
            here = here.parent
        for folder in reversed(missing):
            relative = self._inside(folder)
            self._record({"op": "mkdir", "path": relative})
            os.mkdir(folder)
            self._done()

    def rmdir(self, path: Path) -> None:
        """Remove an empty folder."""
        relative = self._inside(path)
        self._record({"op": "rmdir", "path": relative, "mode": os.stat(path).st_mode & 0o7777})
        os.rmdir(path)
        self._done()

    # -- the journal --

    def _open(self) -> None:
        if self._journal is not None:
            return
        if self.folder.exists():
            raise TransactionError(f"{self.folder} exists: an earlier run's changes were not rolled back")
        self.folder.mkdir()
        self._journal = os.open(self.folder / _JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        header = {"termshift": __version__, "pid": os.getpid(), "root": str(self.root), "started": time.time()}
        os.write(self._journal, (json.dumps(header) + "\n").encode())
        os.fsync(self._journal)

    def _keep(self, path: Path) -> str:
        """A copy of the file as it is now, on disk before the step that changes it is recorded."""
        self._open()
        self._copies += 1
        name = str(self._copies)
        with open(path, "rb") as stream:
            data = stream.read()
        _write_whole(self.folder / name, data, 0o600)
        return name

    def _record(self, entry: dict) -> None:
        number = len(self.steps) + 1
        self._hook(number, "record")
        self._open()
        os.write(self._journal, (json.dumps(entry) + "\n").encode())  # type: ignore[arg-type]
        os.fsync(self._journal)  # type: ignore[arg-type]
        self.steps.append(entry)
        self._hook(number, "act")
        if number == self._fail_at:
            raise OSError(errno.EIO, "injected failure (TERMSHIFT_TEST_FAIL_AT)", entry["path"])

    def _done(self) -> None:
        self._hook(len(self.steps), "done")
        if self._delay:
            time.sleep(self._delay)

    def _hook(self, number: int, phase: str) -> None:
        if self._kill_at is not None and self._kill_at == (number, phase):
            os.kill(os.getpid(), signal.SIGKILL)

    def _inside(self, path: Path) -> str:
        """`path` relative to the root, POSIX style, or OutsideRoot: nothing is written through a
        symlink (the folders above it must be the real ones) or outside the project."""
        path = Path(os.path.abspath(path))
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            raise OutsideRoot(f"{path} is outside the project root {self.root}: not written") from None
        if not relative.parts or relative.parts[0] == STATE_DIRNAME:
            raise OutsideRoot(f"{path}: not a project file")
        if os.path.realpath(path.parent) != str(path.parent):
            raise OutsideRoot(f"{relative.as_posix()}: a folder above it is a symlink: not written")
        return relative.as_posix()

    def commit(self) -> None:
        if self._journal is None:
            return  # nothing was written
        os.close(self._journal)
        self._journal = None
        _discard(self.folder)

    def rollback(self) -> None:
        if self._journal is None:
            return
        os.close(self._journal)
        self._journal = None
        _undo(self.root, self.folder, self.steps)
        _discard(self.folder)


def _temp_name(relative: str) -> str:
    folder, _, name = relative.rpartition("/")
    return f"{folder}/.{name}{_TEMP_SUFFIX}" if folder else f".{name}{_TEMP_SUFFIX}"


def _write_whole(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, mode)


def _undo(root: Path, folder: Path, steps: list[dict]) -> None:
    """Undo `steps` from the last back. Each undo checks what is on disk, so a step recorded but
    never taken (the run stopped between the two) is undone as a no-op."""
    failures = []
    for entry in reversed(steps):
        try:
            _undo_step(root, folder, entry)
        except OSError as error:
            failures.append(f"{entry['op']} {entry['path']}: {error.strerror or error}")
    if failures:
        raise RollbackFailed(
            f"could not undo {len(failures)} change(s) ({failures[0]}); the journal is kept in "
            f"{folder}: fix that, then run `termshift migrate --abort`")


def _undo_step(root: Path, folder: Path, entry: dict) -> None:
    op, path = entry["op"], root / entry["path"]
    if op == "write":
        temp = root / entry["temp"]
        if os.path.lexists(temp):
            os.unlink(temp)
        if "copy" not in entry:  # a file the run created
            if os.path.lexists(path):
                os.unlink(path)
            return
        _restore(path, folder / entry["copy"], entry["mode"], root / entry["temp"])
    elif op == "delete":
        if not os.path.lexists(path):
            _restore(path, folder / entry["copy"], entry["mode"], root / _temp_name(entry["path"]))
    elif op == "move":
        destination = root / entry["to"]
        if os.path.lexists(destination) and not os.path.lexists(path):
            os.rename(destination, path)
    elif op == "mkdir":
        if os.path.isdir(path) and not os.path.islink(path):
            with contextlib.suppress(OSError):  # not empty: something not ours is in it
                _drop_bytecode_folder(path)
                os.rmdir(path)
    elif op == "rmdir":
        if not os.path.lexists(path):
            os.mkdir(path, entry["mode"])


def _restore(path: Path, copy: Path, mode: int, temp: Path) -> None:
    with open(copy, "rb") as stream:
        data = stream.read()
    try:
        with open(path, "rb") as stream:
            if stream.read() == data and os.stat(path).st_mode & 0o7777 == mode:
                return  # never changed (or already put back)
    except OSError:
        pass
    _write_whole(temp, data, mode)
    os.replace(temp, path)


def _drop_bytecode_folder(path: Path) -> None:
    """A folder the run made may have gained a __pycache__ since (a test importing the new module)."""
    cache = path / "__pycache__"
    if cache.is_dir() and not cache.is_symlink():
        shutil.rmtree(cache, ignore_errors=True)


# -- running a transaction ---------------------------------------------------------------


@contextlib.contextmanager
def begin(root: Path) -> Iterator[Transaction]:
    """A transaction: committed when the block ends, rolled back (RolledBack raised, naming the
    cause) when it raises or a signal arrives. The caller holds the lock (`locked`)."""
    transaction = Transaction(root)
    previous = {}
    _stopping.clear()
    try:
        for number in _SIGNALS:
            previous[number] = signal.signal(number, _raise_interrupted)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield transaction
        _quiet(previous)
        transaction.commit()
    except BaseException as error:
        _quiet(previous)
        undone = len(transaction.steps)
        try:
            transaction.rollback()
        except RollbackFailed as failed:
            raise RollbackFailed(f"{_cause(error)}, and {failed}") from None
        changes = f"its {undone} change(s) were undone" if undone else "nothing had been written"
        message = f"{_cause(error)}: {changes}; the project is as it was"
        raise RolledBack(message, signal_number=error.number if isinstance(error, Interrupted) else None) from error
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _quiet(previous: dict) -> None:
    """While committing or undoing, a second signal must not stop us half way: it is ignored."""
    for number in previous:
        signal.signal(number, signal.SIG_IGN)


_stopping: list[int] = []  # the signal being handled: a second one must not cut the rollback short


def _raise_interrupted(number: int, frame: object) -> None:
    if not _stopping:
        _stopping.append(number)
        raise Interrupted(number)


def _cause(error: BaseException) -> str:
    if isinstance(error, Interrupted):
        return f"interrupted by {signal.Signals(error.number).name} while writing"
    if isinstance(error, KeyboardInterrupt):
        return "interrupted while writing"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"can't write {where}{error.strerror or error}"
    if isinstance(error, TransactionError):
        return str(error)
    return f"stopped while writing by {error!r}"


@contextlib.contextmanager
def writing(root: Path, say) -> Iterator[None]:
    """What a command that writes runs inside: the project's lock, and first the rollback of
    whatever a killed run left half done (`say` tells the user about it)."""
    with locked(root):
        undone = recover(root)
        if undone is not None:
            say(f"an earlier run was stopped while writing: its {undone} change(s) were rolled back first")
        yield


def warn_if_pending(root: Path, say) -> None:
    """For commands that only read: a tree in the middle of a write is not what it seems."""
    if pending(root):
        say("warning: a run that writes is under way here, or was stopped half way; the next "
            "`termshift migrate` (or `termshift migrate --abort`) rolls its changes back")
