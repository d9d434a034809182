"""`termshift check`'s command line, read without click.

The check runs on every commit and every CI build, and importing click and
building the command group is ~13 ms of a cold check that takes ~0.25 s
on a job-heavy project, spent before any work can start. So launch.py hands
a plainly valid check command line straight to `checking.main`, which is
the code the click command runs too. Anything else (an option this module
does not know, a value click would reject, --help, a path that does not
exist) goes to click, which reads the command line again and reports it.

replay.py reads the same parse to decide whether a run may be replayed.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's, as in replay.py
if TYPE_CHECKING:
    from typing import Any

# `termshift check`'s options (a test keeps these equal to the click command's).
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
VALUE_OPTIONS = frozenset({"--format", "--select", "--ignore", "--baseline", "--write-baseline", "--workers",
                           "--config", "--output-file", "-o", "--stdin-filename", "--shard"})
FLAG_OPTIONS = frozenset({"--fix", "--exit-zero", "--no-cache", "--show-fixes", "--exit-non-zero-on-fix"})
# click.Path(dir_okay=False): an existing folder or an unreadable file is click's to report.
_FILE_OPTIONS = ("--baseline", "--write-baseline", "--config")


class Check:
    """A `termshift check` command line: its paths, and its options by name (a flag's value is "")."""

    __slots__ = ("args", "paths", "options")

    def __init__(self, args: list[str], paths: list[str], options: dict[str, str]) -> None:
        self.args = args
        self.paths = paths
        self.options = options

    def keywords(self) -> dict[str, Any]:
        """The arguments of `checking.main`, as click would have converted them."""
        from pathlib import Path

        options = self.options

        def path(name: str) -> Path | None:
            value = options.get(name)
            return None if value is None else Path(value)

        workers = options.get("--workers")
        shard = options.get("--shard")
        if shard is not None:
            from .shards import parse

            shard = parse(shard)  # valid: _plainly_valid said so
        return {
            "paths": tuple(Path(path) for path in self.paths),
            "output_format": options.get("--format", "text"),
            "select": options.get("--select"),
            "ignore": options.get("--ignore"),
            "baseline": path("--baseline"),
            "write_baseline": path("--write-baseline"),
            "fix": "--fix" in options,
            "exit_zero": "--exit-zero" in options,
            "workers": None if workers is None else int(workers),
            "no_cache": "--no-cache" in options,
            "config_file": path("--config"),
            "output_file": path("--output-file") or path("-o"),
            "show_fixes": "--show-fixes" in options,
            "exit_non_zero_on_fix": "--exit-non-zero-on-fix" in options,
            "stdin_filename": path("--stdin-filename"),
            "shard": shard,
        }


def parse(args: list[str]) -> Check | None:
    """The check `args` asks for, when it is one click would accept as it stands; else None."""
    if not args or args[0] != "check":
        return None
    paths: list[str] = []
    options: dict[str, str] = {}
    rest = iter(args[1:])
    only_paths = False
    for arg in rest:
        if only_paths or not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        if arg == "--":
            only_paths = True
            continue
        name, equals, value = arg.partition("=")
        if name in VALUE_OPTIONS:
            if not equals:
                following = next(rest, None)
                if following is None:
                    return None
                value = following
            options[name] = value  # given twice, the last one counts, as in click
        elif name in FLAG_OPTIONS and not equals:
            options[name] = ""
        else:
            return None  # --help, or not ours to understand
    if not _plainly_valid(paths, options):
        return None
    return Check(args, paths, options)


def _plainly_valid(paths: list[str], options: dict[str, str]) -> bool:
    if options.get("--format", "text") not in FORMATS:
        return False
    workers = options.get("--workers")
    if workers is not None and not (workers.isascii() and workers.isdigit() and int(workers) >= 1):
        return False
    shard = options.get("--shard")
    if shard is not None:
        from .shards import ShardError, parse

        try:
            parse(shard)
        except ShardError:
            return False
    output = options.get("--output-file", options.get("-o"))
    if "--output-file" in options and "-o" in options:
        return False  # which one counts is click's to say
    if output is not None and (not output or os.path.isdir(output)):
        return False
    for name in _FILE_OPTIONS:
        value = options.get(name)
        if value is not None and (not value or os.path.isdir(value)
                                  or (os.path.exists(value) and not os.access(value, os.R_OK))):
            return False
    return all(path and os.path.exists(path) for path in paths)
