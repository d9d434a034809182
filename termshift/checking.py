"""`termshift check`, end to end: options in, report out, exit code back.

Exit codes are the contract in DESIGN.md: 0 when nothing is at or above the
failing severity (`fail-on`, default `error`), 1 when something is, 2 for a
usage, configuration or internal error. `--exit-zero` turns 1 into 0.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config as config_module, engine, lint, replay
from .config import Config, ConfigError

if TYPE_CHECKING:
    from .shards import Shard


class CheckError(Exception):
    """A usage problem found while checking (bad selector, bad baseline): exit 2."""


@dataclass(repr=False, eq=False)
class Request:
    """Everything `check` was asked, as the command line parsed it."""

    root: Path
    config: Config
    targets: list[Path]
    format: str = "text"
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    baseline: Path | None = None
    write_baseline: Path | None = None
    fix: bool = False
    exit_zero: bool = False
    workers: int = 1
    cache: Any = None  # a termshift.cache.Cache, or None for --no-cache
    output_file: Path | None = None  # the report goes there instead of stdout
    show_fixes: bool = False
    exit_non_zero_on_fix: bool = False
    shard: Shard | None = None  # --shard K/N: report only this shard's files


def main(paths: tuple[Path, ...], output_format: str = "text", select: str | None = None, ignore: str | None = None,
         baseline: Path | None = None, write_baseline: Path | None = None, fix: bool = False, exit_zero: bool = False,
         workers: int | None = None, no_cache: bool = False, config_file: Path | None = None,
         output_file: Path | None = None, show_fixes: bool = False, exit_non_zero_on_fix: bool = False,
         stdin_filename: Path | None = None, shard: Shard | None = None) -> int:
    """The command, from its options as given (the click command's and launch.py's): the exit code.

    Each path is checked in its own project (the nearest folder that looks like one, roots.py), with
    that project's configuration and index; so are the sub-projects found under a named folder. The
    findings of all of them make one report.

    With a `shard`, every project is analysed whole and only the shard's files are reported on;
    the json, sarif and gitlab reports then say which shard they are, for `merge-reports`.

    A usage or configuration problem is a CheckError, and so is an internal
    error once its traceback is printed: the contract is exit 2 for both, never 1.
    """
    if shard is not None:
        _shardable(fix, write_baseline)
    if stdin_filename is not None:
        paths = _from_stdin(stdin_filename, fix)
    explicit = config_file.resolve() if config_file else None
    try:
        groups = config_module.projects(paths, config_file)
    except ConfigError as error:
        raise CheckError(str(error)) from None

    def request_for(root: Path, config: Config, targets: list[Path]) -> Request:
        chosen_workers, cache = engine.run_options(root, workers, no_cache)
        return Request(
            root=root, config=config, targets=[path.resolve() for path in targets], format=output_format,
            select=_codes(select), ignore=_codes(ignore) or (), baseline=baseline, write_baseline=write_baseline,
            fix=fix, exit_zero=exit_zero, workers=chosen_workers, cache=cache, output_file=output_file,
            show_fixes=show_fixes, exit_non_zero_on_fix=exit_non_zero_on_fix, shard=shard,
        )

    pending = [request_for(*group) for group in groups]
    try:
        entries = _baseline(baseline)
        done: dict[Path, tuple[lint.Result, tuple[int, bool], list[Path]]] = {}  # root -> its answer, what it checked
        while pending:
            request = pending.pop(0)
            earlier = done.get(request.root)
            if earlier is not None and (request.root in earlier[2] or request.targets == earlier[2]):
                continue  # already checked whole (a sub-project also named by its files)
            result, analysis, fixed = _examine(request) if not fix else _fix_run(request)
            done[request.root] = (result, fixed, request.targets)
            for folder in analysis.nested:  # a sub-project under a named folder: checked in its own right
                try:
                    nested_config = config_module.load(folder, explicit)
                except ConfigError as error:
                    raise CheckError(str(error)) from None
                pending.append(request_for(folder, nested_config, [folder]))
            # The findings are out of it: the analysis (every site, source and summary of the project)
            # is not kept while the report is written, which for sarif takes as much memory again.
            analysis = None
        return _answer([(result, fixed) for result, fixed, _ in done.values()], entries, asked=request)
    except _Stop as stop:
        return stop.code
    except CheckError:
        raise
    except FileNotFoundError as error:
        raise CheckError(str(error)) from None
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
        sys.stdout = open(os.devnull, "w")
        return 1
    except Exception as error:
        import traceback

        traceback.print_exc()
        raise CheckError(f"internal error: {error!r}") from None


def _shardable(fix: bool, write_baseline: Path | None) -> None:
    """--shard divides a report; what rewrites the project or records all of it can't be divided."""
    if fix:
        raise CheckError("--shard divides the report, not the rewriting: run --fix unsharded")
    if write_baseline is not None:
        raise CheckError("--shard with --write-baseline would record a part of the findings: write the baseline "
                         "from an unsharded run")


def _from_stdin(path: Path, fix: bool) -> tuple[Path, ...]:
    """`--stdin-filename PATH`: PATH's text is read from stdin (an editor's buffer), and PATH alone is
    checked, with its project around it as on disk."""
    from . import files

    if fix:
        raise CheckError("--fix rewrites files, not stdin: give --stdin-filename without --fix")
    if not path.is_file():
        raise CheckError(f"--stdin-filename {path}: no such file (the text comes from stdin, the project "
                         "from where the file is)")
    files.OVERRIDES[os.path.abspath(path)] = sys.stdin.buffer.read()
    return (path,)


def _baseline(path: Path | None):
    if path is None:
        return None
    from . import baseline as baseline_module

    try:
        return baseline_module.load(path)
    except baseline_module.BaselineError as error:
        raise CheckError(str(error)) from None


def _fix_run(request: Request) -> tuple[lint.Result, engine.Analysis, tuple[int, bool]]:
    """`_examine` under the project's lock, after rolling back what a killed run left; a write that
    fails or is interrupted is undone whole. Each project is its own transaction: the pre-commit
    hook hands over files of several projects at once, and no project's fixes depend on another's."""
    from . import transaction

    def say(message: str) -> None:
        sys.stderr.write(f"termshift: {message}\n")

    try:
        with transaction.writing(request.root, say):
            return _examine(request)
    except transaction.RolledBack as error:
        say(f"error: {error}")
        raise _Stop(error.exit_code if error.signal_number else 2) from None
    except transaction.TransactionError as error:
        raise CheckError(str(error)) from None


class _Stop(Exception):
    """A project's --fix was rolled back: the run ends with this exit code (already explained)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _examine(request: Request) -> tuple[lint.Result, engine.Analysis, tuple[int, bool]]:
    """One project's findings (before any baseline), its analysis, how many --fix removed and
    whether it changed a file or moved a module."""
    from . import report

    if not request.fix and os.path.exists(os.path.join(request.root, ".termshift_cache", "transaction", "journal")):
        from . import transaction  # only then: a plain check imports nothing it doesn't need

        transaction.warn_if_pending(request.root, lambda message: sys.stderr.write(f"termshift: {message}\n"))
    if replay.observing is not None:
        replay.observing.roots.add(str(request.root))
    options = lint.Options(select=request.select, ignore=request.ignore)
    chosen = None  # without --fix, the rules are selected while the search runs (lint.run)
    if request.fix:  # nothing is rewritten under a selection that turns out to be wrong
        try:
            chosen = lint.selection(request.config, options)
        except ConfigError as error:
            raise CheckError(str(error)) from None

    targets = request.targets
    fixed = 0
    touched = False  # --fix changed a file or moved a module
    if request.fix:
        from . import fix as fix_module

        with report.progress("fixing") as progress:
            outcome = fix_module.fix(request.root, request.config, progress=progress, workers=request.workers,
                                     cache=request.cache)
        for problem in outcome.failures:
            report.err.print(f"[red]not fixed[/] {report.location(problem.path, problem.line, problem.column)}: "
                             f"{problem.message}")
        for line in fix_module.refused(outcome):
            report.err.print(line, markup=False)
        targets = _after_moves(request.root, targets, outcome.moved)
        fixed = outcome.edits
        touched = bool(outcome.changed or outcome.moved)
        if outcome.changed or outcome.moved:
            report.err.print(f"termshift check --fix: {len(outcome.changed)} file(s) rewritten, "
                             f"{len(outcome.moved)} module path(s) renamed")
            if request.show_fixes:
                for line in fix_module.shown(outcome):
                    report.err.print(line, markup=False)

    with report.progress("checking") as progress:
        try:
            result, analysis, _ = lint.run(request.root, targets, request.config, options, chosen,
                                           progress=progress, workers=request.workers, cache=request.cache,
                                           shard=request.shard)
        except ConfigError as error:  # a selector the rules don't know
            raise CheckError(str(error)) from None

    if analysis.skipped:
        report.skipped(analysis.skipped)
    return result, analysis, (fixed, touched)


def _answer(done: list[tuple[lint.Result, tuple[int, bool]]], entries, *, asked: Request) -> int:
    """The report of every project checked, as one: the baseline, the output, the exit code
    (`asked`: any of the projects' requests, for the options they share)."""
    from . import report

    request = asked
    result = lint.merged([result for result, _ in done])
    fixed = sum(count for _, (count, _) in done)
    touched = any(changed for _, (_, changed) in done)
    if request.write_baseline is not None:
        from . import baseline as baseline_module

        try:
            count = baseline_module.write(request.write_baseline, result.unfiltered)
        except baseline_module.BaselineError as error:
            raise CheckError(str(error)) from None
        report.err.print(f"termshift check: wrote {count} finding(s) to the baseline {request.write_baseline}")
        return 0
    if entries is not None:
        from . import baseline as baseline_module

        fresh, old, stale = baseline_module.split(result.unfiltered, entries, set(result.checked))
        result.findings, result.baselined, result.stale = fresh, len(old), stale

    from .formats import Report, repository_of, writer

    the_report = Report(result, Path.cwd(), repository_of(result.root), fixed=fixed)
    if request.shard is not None:
        from .formats import Sharding

        the_report.sharding = Sharding(request.shard, _run_key(request, result.population, entries),
                                       _positions(result.stale, entries))
    if request.output_file is None:
        writer(request.format)(the_report, sys.stdout, sys.stderr)
        sys.stdout.flush()
    else:
        try:
            with open(request.output_file, "w", encoding="utf-8", newline="\n") as out:
                writer(request.format)(the_report, out, sys.stderr)
        except OSError as error:
            raise CheckError(f"can't write {request.output_file}: {error.strerror or error}") from None
    if request.exit_non_zero_on_fix and touched:
        return 1
    if result.failing_count and not request.exit_zero:
        return 1
    return 0


def _run_key(request: Request, population: str, entries) -> str:
    """What the shards of one run share, on whichever machine each ran: the files checked (all
    shards' together), the options that choose the findings and the baseline's entries. Reports
    whose keys differ don't make one report."""
    import hashlib

    baseline = "-" if entries is None else ",".join(entry.fingerprint for entry in entries)
    chosen = [population, request.format, ",".join(request.select or ("-",)), ",".join(request.ignore), baseline]
    return hashlib.blake2b("\0".join(chosen).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def _positions(stale: list, entries) -> list[int]:
    """Where each stale entry is in the baseline: the merged report lists them in the baseline's order."""
    if not stale:
        return []
    at = {id(entry): number for number, entry in enumerate(entries)}
    return [at[id(entry)] for entry in stale]


def _after_moves(root: Path, targets: list[Path], moves: list[tuple[str, str]]) -> list[Path]:
    """The targets under their new names, once --fix has renamed modules and packages."""
    out = []
    for target in targets:
        parent, name = os.path.split(os.path.abspath(target))
        absolute = Path(os.path.realpath(parent), name)  # a symlink stays one: it was skipped, and is again
        for old, new in moves:  # deepest first, as the engine orders them
            old_path, new_path = root / old, root / new
            if absolute == old_path:
                absolute = new_path
            elif old_path in absolute.parents:
                absolute = new_path / absolute.relative_to(old_path)
        if absolute.exists():
            out.append(absolute)
    return out
