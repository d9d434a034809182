"""A progress line on stderr while keys go by (counts and rate), when stderr is a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def keys(label: str) -> Iterator[Callable[[int], None]]:
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    class Rate(TextColumn):
        def render(self, task):  # type: ignore[override]
            speed = task.finished_speed or task.speed
            return f"{speed:,.0f} keys/s" if speed else "… keys/s"

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} keys"),
                  Rate(""), TimeElapsedColumn(), console=Console(stderr=True), transient=False, redirect_stdout=False,
                  redirect_stderr=False) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.advance(task, n)
