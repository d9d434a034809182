"""The `termshift` command: a `check` of an unchanged tree is answered before anything heavy loads.

Everything else goes straight to the click application in cli.py; see
replay.py for when a run is replayed and what its record depends on.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    # A run is short, and nearly everything it allocates (syntax trees, summaries, sites) lives
    # until it ends and holds no reference cycles: the cyclic collector would only walk those
    # objects again and again (a third of a cold check of the standard library) to free nothing.
    # Peak memory is the same without it.
    gc.disable()
    from . import replay

    run = replay.plan(sys.argv[1:])
    if run is not None:
        code = run.replay()
        if code is not None:
            sys.exit(code)
        run.begin()
    from .cli import main as application

    try:
        application()
    except SystemExit as exit:
        if run is not None:
            run.finish(exit.code)
        raise
    if run is not None:
        run.finish(0)


def entry() -> None:
    """The console script and `python -m termshift`: `main`, then leave at once.

    Freeing every syntax tree and summary one by one at exit takes longer than
    some whole runs' answers (a pre-commit run's, replayed); there is nothing
    left to clean up, so the output is flushed and the process ends.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said
            pass
    os._exit(code)
