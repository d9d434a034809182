"""Per-file work in a process pool, with the project-wide state shipped once.

Finding sites and rewriting files are per-file and CPU-bound; the project
index they read is built once, in the parent. Where `fork` exists the workers
are forked *after* that, so they inherit the index, the parsed trees and the
sources copy-on-write, for free; `gc.freeze()` keeps the collector from
touching (and so copying) those inherited pages. They are plain forked
children fed through pipes, not a multiprocessing Pool, whose start and stop
cost more than a small run's work. Elsewhere a Pool pickles the state once per
worker through its initializer. Per task only an item (a path) goes out and a
small result comes back.

A pool costs a fork per worker and a round trip per file, so few or small
jobs run in-process; `workers=1` always does. Results come back in the order
of the items, whatever order the workers finish in, so a run gives the same
output with any number of workers.

A `Crew` keeps its forked workers for two rounds, so that the second can use
what each made in the first: the engine summarises modules in the first and
searches each file in the second where its syntax tree already is. The
parent is one of a crew's workers: it has nothing else to do while they work.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import signal
import struct
import sys
from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below these, a pool costs more than it saves: forking is ~10 ms per worker,
# and searching a file costs ~2-3 ms per KB of source (a pre-commit run of
# 10 files, ~130 KB, is ~0.3 s of work in one process).
MIN_ITEMS = 4
MIN_BYTES = 50_000
DEFAULT_CAP = 8

_STATE: Any = None  # the shared state, in a worker (and in the parent while it runs in-process)


def default_workers() -> int:
    """One per CPU this process may use, capped: more buys little and costs memory."""
    try:
        count = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    return max(1, min(count, DEFAULT_CAP))


def worth_a_pool(workers: int, count: int, size: int) -> bool:
    return workers > 1 and count >= MIN_ITEMS and size >= MIN_BYTES


def start_method() -> str:
    """`fork` where it is safe (it inherits the index for free); `spawn` elsewhere.

    Never the platform default: Python 3.14 makes that `forkserver` on Linux,
    which would pickle the whole state per worker without saying so.
    """
    forced = os.environ.get("TERMSHIFT_START_METHOD")  # tests exercise the pickling path with it
    if forced:
        return forced
    if sys.platform.startswith("linux") and hasattr(os, "fork"):
        return "fork"
    return "spawn"


def run(
    work: Callable[[Any, Item], Result],
    items: Sequence[Item],
    state: Any,
    workers: int,
    *,
    weights: Sequence[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: Callable[[Result], Any] | None = None,
) -> list[Result]:
    """`[work(state, item) for item in items]`, spread over `workers` processes.

    `work` must be a module-level function (workers find it by name), and
    `state` picklable where fork isn't used. Heaviest items start first, so a
    large file never ends up alone at the end of the run. Each result is
    passed through `keep`, when given, as it comes: how the caller holds it.
    """
    global _STATE
    total = len(items)
    keep = keep or _as_is
    if workers <= 1 or total <= 1:
        results = []
        for done, item in enumerate(items, 1):
            results.append(keep(work(state, item)))
            if progress:
                progress(done, total)
        return results

    order = sorted(range(total), key=lambda i: -(weights[i] if weights else 0))
    workers = min(workers, total)
    chunksize = 1 if total < 200 else math.ceil(total / (workers * 4))

    method = start_method()
    results: list[Any] = [None] * total
    if method == "fork" and total <= _MAX_FORKED_ITEMS:
        with _inherited():
            _forked(work, items, state, workers, order, results, progress, keep)
        return results
    import multiprocessing

    context = multiprocessing.get_context(method)
    if method == "fork":
        _STATE = state
        try:
            with _inherited(), context.Pool(workers) as pool:
                _gather(pool, work, items, order, chunksize, results, progress, keep)
        finally:
            _STATE = None
    else:
        with context.Pool(workers, initializer=_initialize, initargs=(state,)) as pool:
            _gather(pool, work, items, order, chunksize, results, progress, keep)
    return results


def _as_is(result: Any) -> Any:
    return result


@contextmanager
def _inherited() -> Iterator[None]:
    """While forked workers run: with the collector on, everything the parent holds is moved out
    of its reach, so that no collection in a worker touches (and so copies) the inherited pages.
    The command line runs with the collector off (launch.py), and then there is nothing to do."""
    collecting = gc.isenabled()
    if collecting:
        gc.collect()
        gc.freeze()
    try:
        yield
    finally:
        if collecting:
            gc.unfreeze()


# Item numbers travel to forked workers through one pipe, written whole before
# they start: a pipe holds 64 KiB, so at most this many 4-byte numbers.
_MAX_FORKED_ITEMS = 16_000
_INDEX = struct.Struct("<I")
_LENGTH = struct.Struct("<Q")


def _forked(work, items, state, workers, order, results, progress, keep) -> None:
    """The pool, as plain forked children: each takes the next item number from a shared pipe
    (so the heaviest go first, and nobody idles while work remains) and sends back each result
    as it is done. multiprocessing's Pool costs ~15 ms to start and stop, three times per run;
    this costs ~3.
    """
    tasks_read = _queue(order)
    children: dict[int, int] = {}  # result pipe -> pid
    try:
        for _ in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover  (runs in the child, which never returns)
                os.close(read_end)
                _child(work, items, state, tasks_read, write_end)
            os.close(write_end)
            children[read_end] = pid
        os.close(tasks_read)
        tasks_read = -1
        _collect(children, results, progress, keep)
    finally:
        if tasks_read >= 0:
            os.close(tasks_read)
        _stop(children)


def _queue(order: Sequence[int]) -> int:
    """A pipe holding the item numbers in `order`, to be read by whoever is free: its read end."""
    tasks_read, tasks_write = os.pipe()
    os.write(tasks_write, b"".join(_INDEX.pack(index) for index in order))
    os.close(tasks_write)
    return tasks_read


def _taken(tasks: int) -> Iterator[int]:
    """The item numbers this worker takes from the shared pipe, until it is empty."""
    while True:
        number = os.read(tasks, _INDEX.size)
        if len(number) < _INDEX.size:
            return
        yield _INDEX.unpack(number)[0]


def _stop(children: dict[int, int]) -> None:
    for read_end, pid in children.items():
        try:
            os.close(read_end)
        except OSError:
            pass
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
        os.waitpid(pid, 0)


def _child(work, items, state, tasks: int, out: int) -> None:
    """A worker's whole life: never returns, never runs the parent's exit handlers or flushes its buffers."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it stops us with SIGTERM
        _answer(work, items, state, _taken(tasks), out)
    except BaseException:  # noqa: BLE001  (a broken pipe: the parent is gone or gave up)
        code = 1
    finally:
        os._exit(code)


def _answer(work, items, state, indices: Iterable[int], out: int, kept: list | None = None,
            keep: Callable[[Any], Any] | None = None) -> None:
    for index in indices:
        try:
            result = work(state, items[index])
            if kept is not None:
                kept[index] = keep(result) if keep is not None else result
            payload = pickle.dumps((index, result), pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001  (handed to the parent, which raises it)
            payload = _failure(index, error)
        _send(out, payload)


def _send(fd: int, payload: bytes) -> None:
    _write_all(fd, _LENGTH.pack(len(payload)) + payload)


def _receive(fd: int) -> bytes:
    """One frame `_send` wrote, read whole (a pipe hands it over in pieces)."""
    header = _read_exactly(fd, _LENGTH.size)
    return _read_exactly(fd, _LENGTH.unpack(header)[0])


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other end of the pipe is gone")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _failure(index: int, error: BaseException) -> bytes:
    import traceback

    text = "".join(traceback.format_exception(error))
    try:
        return pickle.dumps((-1, (error, text)), pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that can't be pickled: its text still can
        return pickle.dumps((-1, (RuntimeError(str(error)), text)), pickle.HIGHEST_PROTOCOL)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_ROUND_OVER = -2  # the item number of a worker's last frame in the first of two rounds


def _collect(children: dict[int, int], results: list, progress, keep) -> None:
    """Read every child's results as they come (a full pipe would stall the child), until each
    has closed its pipe."""
    inbox = _Inbox(children, results, progress, keep=keep)
    inbox.read(block=True)
    inbox.check()


class _Inbox:
    """The results children send, read as they come: a full pipe would stall its child.

    Reading ends with each child's pipe closed or, with `owners` (which child made each
    result), with each saying that its first round is over. `answered(pipe, index)` is called on each
    result (to deal that child more); `frames` keeps each result as it came, pickled; `keep`
    is how a result is held. Results this process makes itself are `mark`ed, so that progress
    counts them too.
    """

    def __init__(self, children: Iterable[int], results: list, progress: Callable[[int, int], None] | None = None,
                 owners: list | None = None, buffers: dict[int, bytearray] | None = None,
                 answered: Callable[[int, int], None] | None = None, frames: list | None = None,
                 keep: Callable[[Any], Any] = _as_is) -> None:
        import select  # poll(): the forked path runs where fork does; `selectors` costs more to import

        self.poller = select.poll()
        self.buffers = {} if buffers is None else buffers
        self.open = 0
        for read_end in children:
            self.poller.register(read_end, select.POLLIN)
            self.buffers.setdefault(read_end, bytearray())
            self.open += 1
        self.results, self.progress, self.owners, self.answered, self.frames, self.keep = (
            results, progress, owners, answered, frames, keep)
        self.done = 0
        self.received = [False] * len(results)

    def mark(self, index: int) -> None:
        self.received[index] = True
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.results))

    def wait(self, milliseconds: int) -> None:
        """What the children send within so long, if anything (the pipes waited on, not polled)."""
        if self.open and self.poller.poll(milliseconds):
            self.read(block=False)

    def read(self, block: bool) -> None:
        """Everything the children have sent; with `block`, until they have all finished."""
        results, owners, frames, answered = self.results, self.owners, self.frames, self.answered
        while self.open:
            events = self.poller.poll(None if block else 0)
            if not events:
                return
            for fd, _ in events:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    self.poller.unregister(fd)
                    self.open -= 1
                    continue
                buffer = self.buffers[fd]
                buffer += chunk
                while len(buffer) >= _LENGTH.size:
                    (length,) = _LENGTH.unpack_from(buffer)
                    if len(buffer) < _LENGTH.size + length:
                        break
                    frame = bytes(buffer[_LENGTH.size:_LENGTH.size + length])
                    index, result = pickle.loads(frame)
                    del buffer[:_LENGTH.size + length]
                    if index == -1:
                        error, text = result
                        raise error from RuntimeError(f"in a worker process:\n{text}")
                    if index == _ROUND_OVER and owners is not None:
                        self.poller.unregister(fd)
                        self.open -= 1
                        break
                    results[index] = self.keep(result)
                    if owners is not None:
                        owners[index] = fd
                    if frames is not None:
                        frames[index] = frame
                    if answered is not None:
                        answered(fd, index)
                    self.mark(index)

    def check(self) -> None:
        if not all(self.received):
            raise RuntimeError("a worker process ended before finishing its files")


_SELF = -1  # the owner of the items this process did itself
# Second-round items a forked worker holds: one in hand, the rest waiting, so that it does not
# wait for this process, which reads its answers only between items of its own.
_AHEAD = 3


class Crew:
    """Forked workers kept for two rounds, so that what each made in the first (the syntax
    trees it parsed) is still in its memory for the second.

    This process is one of the `workers`: it forks one fewer and works alongside
    them, which spares a fork, the copies of the pages it would share with one
    more child, and the pickling of what it makes itself. The first round is
    `run`'s: the heaviest items first, each to whoever is free. Then this
    process settles what the round told it and hands each worker the same
    `update` and the results the others made (each kept its own), from which
    `prepare` (inherited, like everything else, at the fork) makes the second
    round's state. Second-round items are dealt a few at a time, a worker's own
    first: those that `follow` a first-round item it did. Fork only; the
    workers end with the second round.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self._children: dict[int, tuple[int, int]] = {}  # result pipe -> (pid, control pipe)
        self._owners: list[int | None] = []
        self._frames: list[bytes | None] | None = None  # each first-round result, pickled, as its worker sent it
        self._results: list[Any] | None = None  # each first-round result, as this process holds it
        self._buffers: dict[int, bytearray] = {}
        self._second: Callable[[Any, Any], Any] | None = None

    def __enter__(self) -> "Crew":
        return self

    def __exit__(self, *exc: object) -> None:
        for _, control in self._children.values():
            try:
                os.close(control)
            except OSError:
                pass
        _stop({read_end: pid for read_end, (pid, _) in self._children.items()})
        self._children = {}

    @property
    def started(self) -> bool:
        return bool(self._children)

    def first(self, work: Callable[[Any, Item], Result], items: Sequence[Item], state: Any, weights: Sequence[int],
              *, second: Callable[[Any, Any], Any], second_items: Sequence[Any],
              prepare: Callable[[Any, list[Result]], Any],
              meanwhile: Callable[[], None] | None = None,
              started: Callable[[], None] | None = None,
              keep: Callable[[Result], Any] | None = None) -> list[Result]:
        """The first round, `run`'s way. A worker done with its share calls `meanwhile` (what
        the second round needs, loaded while this process settles this one) before it waits;
        this process calls `started` once the workers are at work, and then works too."""
        order = sorted(range(len(items)), key=lambda i: -weights[i])
        keep = keep or _as_is
        results: list[Any] = [None] * len(items)
        self._results = results
        self._owners = owners = [None] * len(items)
        # A worker's results as it sent them, for the others: with one worker, there are none.
        self._frames = frames = [None] * len(items) if self.workers > 2 else None
        self._second = second
        tasks_read = _queue(order)
        try:
            with _inherited():
                for _ in range(min(self.workers, len(items)) - 1):
                    read_end, write_end = _roomy_pipe()
                    control_read, control_write = _roomy_pipe()
                    pid = os.fork()
                    if pid == 0:  # pragma: no cover  (runs in the child, which never returns)
                        os.close(read_end)
                        os.close(control_write)
                        _crew_child(work, items, state, tasks_read, write_end, control_read,
                                    second, second_items, prepare, meanwhile, keep)
                    os.close(write_end)
                    os.close(control_read)
                    self._children[read_end] = (pid, control_write)
                if started is not None:
                    started()
                inbox = _Inbox(self._children, results, owners=owners, buffers=self._buffers, frames=frames,
                               keep=keep)
                for index in _taken(tasks_read):
                    results[index] = keep(work(state, items[index]))
                    owners[index] = _SELF
                    inbox.mark(index)
                    inbox.read(block=False)
                inbox.read(block=True)
                inbox.check()
        finally:
            os.close(tasks_read)
        return results

    def second(self, update: Any, items: Sequence[Any], weights: Sequence[int], follows: Sequence[int | None],
               progress: Callable[[int, int], None] | None = None,
               ready: Callable[[], Any] | None = None, keep: Callable[[Any], Any] | None = None,
               withheld: Sequence[int] = (), release: Callable[[], Iterable[int]] | None = None) -> list[Any]:
        """The second round over `items` (the `second_items` of `first`), dealt a few at a time
        (before it, each worker's `prepare` gets `update` and the first round's results):
        a worker that is free gets the heaviest of its own items left (those whose first-round
        item it did), then of the items nobody owns, then the lightest left of another's (it
        must parse that again, but would otherwise sit idle while the other works). Once every
        forked worker has its first items, `ready()` gives this process's own state for the
        round, and it works too.

        The items numbered in `withheld` are dealt to nobody until `release()`, called after
        `ready()`, says which of them to leave alone (their results None): the workers were
        given every item before this round, when it was not yet known which need no work, and
        this process tells while they work on the others (dealt them meanwhile by a thread)."""
        keep = keep or _as_is
        own: dict[int, deque[int]] = {fd: deque() for fd in [*self._children, _SELF]}
        spare: deque[int] = deque()
        held_back = set(withheld) if release is not None else set()

        def queue(indices: Iterable[int]) -> None:
            for index in sorted(indices, key=lambda i: -weights[i]):
                owner = self._owners[follows[index]] if follows[index] is not None else None
                (own[owner] if owner in own else spare).append(index)

        queue(i for i in range(len(items)) if i not in held_back)

        def next_for(fd: int) -> int | None:
            if own[fd]:
                return own[fd].popleft()
            if spare:
                return spare.popleft()
            others = max(own.values(), key=len)
            if others:
                # While this process tells the withheld items apart, its own are taken heaviest first:
                # it gets to none of them before the others run out, and what is left at the end
                # should be the lightest, for both to share.
                return others.popleft() if held_back and others is own[_SELF] else others.pop()
            return None if held_back else _NO_MORE  # nothing yet, or nothing more

        told: set[int] = set()  # the workers told that there is no more
        held = dict.fromkeys(self._children, 0)  # items dealt to each worker and not yet answered
        load = dict.fromkeys(self._children, 0)  # their weight
        busy = [0]  # the weight of the item this process is at

        def answered(fd: int, index: int) -> None:
            held[fd] -= 1
            load[fd] -= weights[index]
            deal(fd)

        def deal(fd: int) -> None:
            """Top up what `fd` holds: its own items and nobody's, _AHEAD of them and at least as
            heavy as the item this process is at (it reads answers only between its items: a
            worker holding less runs out meanwhile); another's only when it is down to its last,
            so that it is not taken before the owner could get to it."""
            while fd not in told and (held[fd] < _AHEAD or load[fd] < busy[0]):
                if own[fd] or spare or held[fd] <= 1:
                    index = next_for(fd)
                else:
                    return
                if index is None:
                    return
                if index == _NO_MORE:
                    told.add(fd)
                try:
                    os.write(self._children[fd][1], _INDEX.pack(index))
                except BrokenPipeError:  # the worker is gone: its items are found missing
                    told.add(fd)
                held[fd] += 1
                load[fd] += weights[index] if index != _NO_MORE else 0

        payload = pickle.dumps(update, pickle.HIGHEST_PROTOCOL)
        for fd, (_, control) in self._children.items():
            # Each worker kept its own first-round results: it gets the others', as they were sent
            # (this process's own pickled one at a time, as they go: never all of them at once).
            others = [index for index, owner in enumerate(self._owners) if owner != fd]
            _send(control, payload)
            _write_all(control, _INDEX.pack(len(others)))
            for index in others:
                frame = self._frames[index] if self._owners[index] != _SELF else None
                _send(control, frame or pickle.dumps((index, self._results[index]), pickle.HIGHEST_PROTOCOL))
            deal(fd)
        self._frames = self._results = None  # sent: as large as every summary of the project
        results: list[Any] = [None] * len(items)
        inbox = _Inbox(self._children, results, progress, buffers=self._buffers, answered=answered, keep=keep)
        with _dealing_meanwhile(inbox, bool(held_back)):
            state = ready() if ready is not None else None
            left_alone = set(release()) & held_back if held_back else set()
        if held_back:
            queue(held_back - left_alone)
            held_back.clear()
            for fd in self._children:
                deal(fd)
        for index in left_alone:
            inbox.mark(index)
        work = self._second
        while (index := next_for(_SELF)) != _NO_MORE:
            busy[0] = weights[index]
            for fd in self._children:
                deal(fd)
            results[index] = keep(work(state, items[index]))  # type: ignore[misc]
            inbox.mark(index)
            inbox.read(block=False)
        inbox.read(block=True)
        inbox.check()
        return results


@contextmanager
def _dealing_meanwhile(inbox: _Inbox, needed: bool) -> Iterator[None]:
    """While this process is busy with something else, a thread reads the workers' answers and
    deals them more (`inbox.answered`), so that they don't sit idle with nothing in hand. It only
    waits on the pipes: the rest of its work is short, under the interpreter's lock. What this
    thread does with a result, `keep` it (which may write a spill file) and tell the progress, is
    done here once the other is done: neither is any thread's to share."""
    if not needed:
        yield
        return
    import threading

    progress, inbox.progress = inbox.progress, None
    keep, inbox.keep = inbox.keep, _as_is
    before = inbox.received.copy()
    stop = threading.Event()
    failed: list[BaseException] = []

    def pump() -> None:
        try:
            while not stop.is_set():
                inbox.wait(_PUMP_MS)
        except BaseException as error:  # noqa: BLE001  (raised in the parent once the thread is joined)
            failed.append(error)

    thread = threading.Thread(target=pump, name="termshift-dealer", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        inbox.progress, inbox.keep = progress, keep
        for index, (now, then) in enumerate(zip(inbox.received, before)):
            if now and not then:
                inbox.results[index] = keep(inbox.results[index])
    if failed:
        raise failed[0]
    if progress is not None and inbox.done:
        progress(inbox.done, len(inbox.results))


_PUMP_MS = 5  # how long the dealer thread waits on the pipes before it looks whether to stop


_NO_MORE = 0xFFFF_FFFF  # the item number that tells a crew worker the second round is over


def _roomy_pipe() -> tuple[int, int]:
    """A pipe that holds what the parent tells a crew worker between the rounds (the other
    workers' results: ~100 KB on a job-heavy project) without blocking: with the default
    64 KiB, the parent waits for one worker to read it (it may still be loading the search)
    while the next waits for its turn. Up to 1 MiB, as far as the system allows."""
    read_end, write_end = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), _ROOMY)
    except (ImportError, OSError):  # another system, or a lower limit: a smaller pipe still works
        pass
    return read_end, write_end


_ROOMY = 1 << 20


def _dealt(control: int) -> Iterator[int]:
    """The item numbers the parent deals this worker, one at a time."""
    while True:
        (index,) = _INDEX.unpack(_read_exactly(control, _INDEX.size))
        if index == _NO_MORE:
            return
        yield index


def _crew_child(work, items, state, tasks: int, out: int, control: int, second, second_items, prepare,
                meanwhile=None, keep=_as_is) -> None:
    """A crew worker's whole life: the first round, then, told so, the second. It holds the
    first round's results, its own and the others', the way `keep` makes them (the parent's
    way), until `prepare` has taken them in."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        made: list[Any] = [None] * len(items)
        _answer(work, items, state, _taken(tasks), out, made, keep)
        os.close(tasks)
        _send(out, pickle.dumps((_ROUND_OVER, None), pickle.HIGHEST_PROTOCOL))
        if meanwhile is not None:
            meanwhile()
        update = pickle.loads(_receive(control))
        for _ in range(_INDEX.unpack(_read_exactly(control, _INDEX.size))[0]):
            index, result = pickle.loads(_receive(control))
            made[index] = keep(result)
        try:
            state = prepare(update, made)
        except BaseException as error:  # noqa: BLE001  (handed to the parent, which raises it)
            _send(out, _failure(-1, error))
            raise
        update = made = None  # taken in by the state: every summary of the project, over again
        _answer(second, second_items, state, _dealt(control), out)
    except BaseException:  # noqa: BLE001  (a broken pipe: the parent is gone or gave up)
        code = 1
    finally:
        os._exit(code)


def _gather(pool, work, items, order, chunksize, results, progress, keep) -> None:
    tasks: Iterable = ((index, work, items[index]) for index in order)
    for done, (index, result) in enumerate(pool.imap_unordered(_call, tasks, chunksize=chunksize), 1):
        results[index] = keep(result)
        if progress:
            progress(done, len(results))


def _initialize(state: Any) -> None:
    global _STATE
    gc.disable()  # as in the parent (launch.py): the worker's objects live until it ends
    _STATE = state


def _call(task: tuple[int, Callable[[Any, Any], Any], Any]) -> tuple[int, Any]:
    index, work, item = task
    return index, work(_STATE, item)
