"""The `termshift` command: a `check` of an unchanged tree is answered before anything heavy loads.

Everything else goes straight to the click application in cli.py; see
replay.py for when a run is replayed and what its record depends on.
"""

from __future__ import annotations

import sys


def main() -> None:
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
