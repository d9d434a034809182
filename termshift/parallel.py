"""Per-file work in a process pool, with the project-wide state shipped once.

Finding sites and rewriting files are per-file and CPU-bound; the project
index they read is built once, in the parent. Where `fork` exists the pool is
created *after* that, so workers inherit the index, the parsed trees and the
sources copy-on-write, for free; `gc.freeze()` keeps the collector from
touching (and so copying) those inherited pages. Elsewhere the state is
pickled once per worker through the pool initializer. Per task only an item
(a path) goes out and a small result comes back.

A pool costs a fork per worker and a round trip per file, so few or small
jobs run in-process; `workers=1` always does. Results come back in the order
of the items, whatever order the workers finish in, so a run gives the same
output with any number of workers.
"""

from __future__ import annotations

import gc
import math
import os
import sys
from typing import Any, Callable, Iterable, Sequence, TypeVar

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
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
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
) -> list[Result]:
    """`[work(state, item) for item in items]`, spread over `workers` processes.

    `work` must be a module-level function (workers find it by name), and
    `state` picklable where fork isn't used. Heaviest items start first, so a
    large file never ends up alone at the end of the run.
    """
    global _STATE
    total = len(items)
    if workers <= 1 or total <= 1:
        results = []
        for done, item in enumerate(items, 1):
            results.append(work(state, item))
            if progress:
                progress(done, total)
        return results

    order = sorted(range(total), key=lambda i: -(weights[i] if weights else 0))
    workers = min(workers, total)
    chunksize = 1 if total < 200 else math.ceil(total / (workers * 4))
    import multiprocessing

    method = start_method()
    context = multiprocessing.get_context(method)
    results: list[Any] = [None] * total
    if method == "fork":
        _STATE = state
        gc.collect()
        gc.freeze()
        try:
            with context.Pool(workers) as pool:
                _gather(pool, work, items, order, chunksize, results, progress)
        finally:
            gc.unfreeze()
            _STATE = None
    else:
        with context.Pool(workers, initializer=_initialize, initargs=(state,)) as pool:
            _gather(pool, work, items, order, chunksize, results, progress)
    return results


def _gather(pool, work, items, order, chunksize, results, progress) -> None:
    tasks: Iterable = ((index, work, items[index]) for index in order)
    for done, (index, result) in enumerate(pool.imap_unordered(_call, tasks, chunksize=chunksize), 1):
        results[index] = result
        if progress:
            progress(done, len(results))


def _initialize(state: Any) -> None:
    global _STATE
    _STATE = state


def _call(task: tuple[int, Callable[[Any, Any], Any], Any]) -> tuple[int, Any]:
    index, work, item = task
    return index, work(_STATE, item)
