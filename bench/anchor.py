"""The benchmark's anchors: parse the listed files with `ast` or LibCST, nothing else.

    python bench/anchor.py ast|libcst LISTING [--workers N] [--prefilter]

With --prefilter, only the files that mention the term. A script of its own,
importing only what parsing in N processes needs, so that the anchors' wall
time is start-up, the parser's import and the parse, not the benchmark's own
imports (run.py's cost 40-70 ms more, which would flatter every ratio to them).
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

NEEDLES = (b"job",)  # the default vocabulary's old forms, lowercase ("jobs" contains "job")


def mentions(path: Path) -> bool:
    data = path.read_bytes().lower()
    return any(needle in data for needle in NEEDLES)


def _parse_ast(path: str) -> int:
    import ast

    try:
        ast.parse(Path(path).read_bytes(), filename=path)
    except (SyntaxError, ValueError):
        return 1
    return 0


def _parse_libcst(path: str) -> int:
    import libcst

    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:  # ParserSyntaxError, and what odd files in the stdlib raise
        return 1
    return 0


def main(argv: list[str]) -> None:
    # termshift runs with the cyclic collector off; so do the anchors, or they would be ~9% slower
    # than they need to be and every ratio to them would flatter termshift.
    gc.disable()
    parser, listing, *options = argv
    workers = int(options[options.index("--workers") + 1]) if "--workers" in options else 1
    paths = Path(listing).read_text().splitlines()
    if "--prefilter" in options:
        paths = [path for path in paths if mentions(Path(path))]
    if parser == "libcst":
        import libcst  # noqa: F401  (imported once, before the workers fork)
    parse = _parse_ast if parser == "ast" else _parse_libcst
    if workers <= 1 or len(paths) < 2:
        failures = sum(map(parse, paths))
    else:
        import multiprocessing

        chunk = max(1, len(paths) // (workers * 4))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            failures = sum(pool.imap_unordered(parse, paths, chunksize=chunk))
    print(json.dumps({"files": len(paths), "failures": failures}))


if __name__ == "__main__":
    main(sys.argv[1:])
