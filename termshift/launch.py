"""The `termshift` command: a `check` starts its work before anything it does not need loads.

A `check` of an unchanged tree is answered from the record of its last run
(replay.py) before click or the engine are imported; any other plainly valid
`check` runs without click (commandline.py). Everything else goes to the
click application in cli.py.
"""

from __future__ import annotations

import gc
import os
import sys

TYPE_CHECKING = False  # not typing's, as in replay.py
if TYPE_CHECKING:
    from .commandline import Check


def main() -> None:
    # A run is short, and what it keeps (summaries, sites) lives until it ends and holds no
    # reference cycles: the cyclic collector would only walk those objects again and again (a
    # third of a cold check of the standard library) to free nothing. What the search of a file
    # leaves behind does hold cycles (and its tree): in a large run the engine collects just that,
    # as it goes (engine._collect_garbage), so memory stays bounded.
    gc.disable()
    from . import commandline, replay

    check = commandline.parse(sys.argv[1:])
    run = replay.plan(check) if check is not None else None
    if run is not None:
        code = run.replay()
        if code is not None:
            sys.exit(code)
        run.begin()
    try:
        if check is None:
            from .cli import main as application

            application()
        else:
            sys.exit(_check(check))
    except SystemExit as exit:
        if run is not None:
            run.finish(exit.code)
        raise
    if run is not None:
        run.finish(0)


def _check(check: Check) -> int:
    """The check, answered as the click command answers it: the same messages, the same exit codes."""
    from . import checking

    try:
        return checking.main(**check.keywords())
    except checking.CheckError as error:
        sys.stderr.write(f"termshift: error: {error}\n")
        return 2
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\nAborted!\n")
        return 1


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
