"""The command line: thin on purpose. It parses, calls the engine, reports, exits.

Exit codes are a contract (DESIGN.md): 0 done, 1 something refused or would
change (`--check`), 2 usage or configuration error — never a traceback for a
mistake the user can fix.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from . import __version__, config as config_module, engine, files, planning, rewrite
from .config import STAGES, ConfigError

IDENTIFIER_STAGES = ("types", "services")


class UsageFailure(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(f"termshift: error: {self.message}", err=True)


def _load(paths: tuple[Path, ...], config_file: Path | None) -> tuple[Path, config_module.Config, list[Path]]:
    try:
        return config_module.for_paths(paths, config_file)
    except ConfigError as error:
        raise UsageFailure(str(error)) from None


def _one_project(command: str, paths: tuple[Path, ...], config_file: Path | None
                 ) -> tuple[Path, config_module.Config, list[Path]]:
    """`_load` for a command that writes: its PATHS must all be in one project. A run is one
    transaction, journalled and locked in its project; across a monorepo's projects each is
    migrated (or cleaned up) in its own run, a library before the projects that use it."""
    try:
        groups = config_module.projects(paths, config_file)
    except ConfigError as error:
        raise UsageFailure(str(error)) from None
    if len(groups) > 1:
        _several_projects(command, [root for root, _, _ in groups])
    return _load(paths, config_file)


def _several_projects(command: str, roots: list[Path], own: list[Path] | None = None) -> None:
    """Refuse, naming the run for each project. `own`: what the first project's run must name when
    a path it was given holds the others (naming that path again would be refused again); none of
    its own, and it needs no run."""
    here = Path.cwd()
    names = [os.path.relpath(root, here) for root in roots]
    named = list(names)
    if own is not None:
        named[0] = " ".join(os.path.relpath(path, here) for path in own)
    runs = "; ".join(f"termshift {command} {paths}" for paths in named if paths)
    raise UsageFailure(f"the paths are in {len(roots)} projects ({', '.join(names)}), each with its own "
                       f"configuration and index, and a {command} is one transaction in one project: run it once "
                       f"per project ({runs}), a library before the projects that use it; nothing was changed")


def _own_paths(found: Iterable[Path], given: Iterable[Path], nested: list[Path]) -> list[Path]:
    """The fewest paths that name the outer project's `found` files and no sub-project: each file's
    highest folder that is inside a given path and holds no sub-project (or the file itself)."""
    given = [path.resolve() for path in given]

    def holds_a_project(folder: Path) -> bool:
        return any(folder == inner or folder in inner.parents for inner in nested)

    chosen: set[Path] = set()
    for path in found:
        top = path
        for folder in path.parents:
            if holds_a_project(folder) or not any(folder == named or named in folder.parents for named in given):
                break
            top = folder
        chosen.add(top)
    return sorted(chosen)


_WORKERS_HELP = "Processes to search and rewrite files in (default: one per CPU; 1 runs in this process)."
_NO_CACHE_HELP = "Neither read nor write the cache of earlier results (<root>/.termshift_cache)."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="termshift")
def main() -> None:
    """Move a Python codebase from one domain vocabulary to another (by default Job -> Step).

    Start with `termshift migrate --diff` to read what would change.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--stage", "stages", multiple=True, type=click.Choice(STAGES),
              help="Run only this stage (repeatable). Default: the config's stages.")
@click.option("--no-compat", is_flag=True,
              help="Rename without leaving deprecated aliases for the old names behind.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read settings from this file instead of pyproject.toml / termshift.toml.")
@click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write every storage key, route, event type and payload key that changes to FILE, as JSON.")
@click.option("--guide", "guide_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a Markdown migration guide for clients (old -> new: Python API, routes, fields, "
                   "event types, payload keys, storage keys, removal date) to FILE.")
@click.option("--workers", type=click.IntRange(min=1), help=_WORKERS_HELP)
@click.option("--no-cache", is_flag=True, help=_NO_CACHE_HELP)
@click.option("--abort", is_flag=True,
              help="Only roll back what a run that was killed while writing left half done, then exit.")
@click.option("--verify", "verify_command", metavar="CMD",
              help="Run the shell command CMD (e.g. the test suite) on temporary copies of the project: it must "
                   "pass as the project is, and after the migration; renames it fails with are found and withdrawn.")
@click.option("--verify-budget", type=click.IntRange(min=2), default=30, show_default=True, metavar="N",
              help="With --verify: at most N runs of CMD; past them nothing is written.")
@click.option("--verify-timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              metavar="SECONDS", help="With --verify: a run of CMD that takes longer fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the headline and why the run exits 1 (and the diff).")
@click.option("-v", "--verbose", is_flag=True,
              help="List every changed literal, refusal, unresolved use and note, not only the first few.")
def migrate(paths: tuple[Path, ...], stages: tuple[str, ...], no_compat: bool, show_diff: bool,
            check_only: bool, config_file: Path | None, report_file: Path | None, workers: int | None,
            no_cache: bool, abort: bool, verify_command: str | None, verify_budget: int,
            verify_timeout: float, guide_file: Path | None = None, quiet: bool = False,
            verbose: bool = False) -> None:
    """Rename the legacy term in PATHS (default: the current directory).

    The whole project (found from the nearest pyproject.toml, setup.cfg,
    setup.py or .git) is read to tell its own names from third-party ones;
    PATHS only choose which files are rewritten. Writing is all or nothing:
    on an error or a signal every change is undone.

    With --verify CMD the project's own command judges the migration: it runs
    on temporary copies (never in the project), and the renames it fails
    with are withdrawn, one bisection step per run of CMD.

    The summary on stderr fits a screen: counts by kind and stage, the first
    few items of each list (-v: all of them; --report FILE: all of them as
    JSON), then the headline and why the run exits 1. Progress shows on a
    terminal only.
    """
    if quiet and verbose:
        raise UsageFailure("-q and -v contradict each other: give one")
    root, config, targets = _one_project("migrate", paths, config_file)
    if verify_command is not None and not verify_command.strip():
        raise UsageFailure("--verify needs a command to run")
    verifying = (verify_command, verify_budget, verify_timeout) if verify_command is not None else None
    writes = not (show_diff or check_only)
    if abort:
        with _writing(root):
            pass
        click.echo("termshift migrate --abort: nothing left to roll back", err=True)
        sys.exit(0)
    with _writing(root) if writes else _reading(root):
        _migrate(root, config, targets, stages, no_compat, show_diff, check_only, report_file, workers, no_cache,
                 verifying, guide_file, quiet=quiet, verbose=verbose)


def _migrate(root: Path, config: config_module.Config, targets: list[Path], stages: tuple[str, ...],
             no_compat: bool, show_diff: bool, check_only: bool, report_file: Path | None, workers: int | None,
             no_cache: bool, verifying: tuple[str, int, float] | None = None,
             guide_file: Path | None = None, *, quiet: bool = False, verbose: bool = False) -> None:
    from . import report

    workers, cache = engine.run_options(root, workers, no_cache)
    chosen = stages or config.stages
    writes = not (show_diff or check_only)
    with report.phases(quiet) as phases:
        _migrate_run(root, config, targets, chosen, no_compat, show_diff, check_only, report_file, workers, cache,
                     verifying, guide_file, phases, report.Shown(limit=None if verbose else report.SHOWN,
                                                                 report_file=str(report_file) if report_file else None,
                                                                 quiet=quiet), writes)


def _migrate_run(root, config, targets, chosen, no_compat, show_diff, check_only, report_file, workers, cache,
                 verifying, guide_file, phases, shown, writes) -> None:
    from . import report

    try:
        analysis = engine.analyze(root, targets, config, progress=phases.update, workers=workers, cache=cache,
                                  phase=phases.start, rewriting=True, meanwhile=rewrite.load_the_rewrite)
    except FileNotFoundError as error:
        raise UsageFailure(str(error)) from None
    if analysis.nested:
        _several_projects("migrate", [root, *analysis.nested],
                          _own_paths(analysis.targets, targets, analysis.nested))
    from .markers import today, until

    compat_until = None if no_compat else until(today(), config.compat_weeks)
    verdict = None
    from . import proof

    phases.start("proving the plan")
    from .deprecation import unaliasable

    kept = proof.proven_keep(analysis, config, chosen, keep=None if no_compat else unaliasable(analysis),
                             workers=workers, progress=phases.update)
    if verifying is None:
        phases.start("planning")
        the_plan = planning.plan(analysis, chosen, keep=kept)
    else:
        verdict = _verify(analysis, config, chosen, compat_until, workers, *verifying, keep=kept)
        the_plan = verdict.plan
    staged = _stage_report(report_file, analysis, the_plan)  # before any file changes: it may not be writable
    if guide_file is not None:
        from . import guide

        try:
            guide_file.write_text(guide.render(analysis, the_plan, compat_until or until(today(), config.compat_weeks),
                                               today()), encoding="utf-8")
        except OSError as error:
            _drop(staged)
            raise UsageFailure(f"can't write the guide {guide_file}: {error.strerror or error}; nothing was changed") \
                from None
    try:
        outcome = rewrite.apply(analysis, the_plan, write=writes, compat_until=compat_until, workers=workers,
                               progress=phases.update, phase=phases.start)
    except BaseException:
        _drop(staged)
        raise
    phases.start("reporting")
    if staged is not None and (outcome.notes or outcome.failures):
        _restage(staged, analysis, the_plan, outcome)
    phases.stop()
    if show_diff:
        _write_diff(outcome.diff_pieces())
    if verdict is not None:
        report.verify_summary(verdict, wrote=writes and not outcome.failures)
    report.migrate_summary(analysis, the_plan, outcome, wrote=writes, shown=shown)
    if staged is not None and report_file is not None:
        if writes and outcome.failures:
            _drop(staged)  # nothing was written: there are no wire changes to record
        else:
            os.replace(staged, report_file)
    refused = bool(the_plan.refusals or the_plan.unresolved or analysis.problems or outcome.failures)
    would_change = bool(outcome.changed or outcome.moved)
    if check_only and would_change and not refused:
        click.echo("exit 1: files would change (--check)", err=True)
    sys.exit(1 if refused or (check_only and would_change) else 0)


def _verify(analysis: engine.Analysis, config: config_module.Config, stages: tuple[str, ...], compat_until,
            workers: int, command: str, budget: int, timeout: float, keep: dict[str, str]):
    """`--verify`: the plan the project's own command passes with (verify.py), or exit: 2 when the
    command fails on the project as it is, 1 when the budget is spent, 130/143 when interrupted."""
    from . import verify

    def say(message: str) -> None:
        click.echo(f"termshift: verify: {message}", err=True)

    try:
        return verify.verify(analysis, config, stages, command, compat_until=compat_until, workers=workers,
                             budget=budget, timeout=timeout, say=say, keep=keep)
    except verify.VerifyError as error:
        click.echo(f"termshift: error: {error}", err=True)
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, verify.Stopped) as error:
        number = error.number if isinstance(error, verify.Stopped) else 2
        click.echo("termshift: verify interrupted: its temporary copies are removed and nothing was changed",
                   err=True)
        sys.exit(128 + number)


def _write_diff(data: bytes | Iterable[bytes]) -> None:
    """A diff goes out as bytes: each file's lines in that file's own encoding, so `git apply` takes it.
    On a terminal it is coloured as `git diff` colours it, unless NO_COLOR is set; piped, it is plain.
    Given in pieces (each a file's part, ending a line), it is written piece by piece."""
    sys.stdout.flush()
    pieces = (data,) if isinstance(data, bytes) else data
    if _colour(sys.stdout):
        from .patch import coloured

        pieces = (coloured(piece) for piece in pieces)
    buffer = getattr(sys.stdout, "buffer", None)
    for piece in pieces:
        if buffer is None:
            sys.stdout.write(piece.decode("utf-8", "replace"))
        else:
            buffer.write(piece)
    if buffer is not None:
        buffer.flush()


def _colour(stream) -> bool:
    """https://no-color.org: NO_COLOR (any value) turns colour off; TERM=dumb too; else a terminal gets it."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _restage(staged: Path, analysis: engine.Analysis, the_plan: planning.Plan, outcome: rewrite.Outcome) -> None:
    """The report again, with what only rewriting found (notes, files that couldn't be rewritten)."""
    from . import wire

    try:
        staged.write_text(wire.to_json(wire.changes(analysis, the_plan), _lists(analysis, the_plan, outcome)),
                          encoding="utf-8")
    except OSError:
        pass  # it was writable a moment ago; the first version stands


def _lists(analysis: engine.Analysis, the_plan: planning.Plan, outcome: rewrite.Outcome | None = None) -> dict:
    """Every list the summary shortens, in full, for --report."""
    problems = [*analysis.problems, *(outcome.failures if outcome else [])]
    return {
        "refused": [{"path": r.path, "line": r.line, "column": r.column + 1, "name": r.old, "new": r.new,
                     "reason": r.reason} for r in the_plan.refusals],
        "unresolved": [{"path": s.path, "line": s.line, "column": s.column + 1, "name": s.old, "note": s.note}
                       for s in the_plan.unresolved],
        "errors": [{"path": p.path, "line": p.line, "column": p.column + 1, "message": p.message} for p in problems],
        "notes": [{"path": n.path, "line": n.line, "column": n.column + 1, "message": n.message}
                  for n in (outcome.notes if outcome else [])],
    }


def _stage_report(report_file: Path | None, analysis: engine.Analysis, the_plan: planning.Plan) -> Path | None:
    """`--report`'s JSON, written beside its place and moved there once the run is done: a report that
    can't be written stops the run before any file changes, and a run undone leaves none behind."""
    if report_file is None:
        return None
    from . import wire

    staged = report_file.with_name(f".{report_file.name}.termshift-tmp")
    try:
        staged.write_text(wire.to_json(wire.changes(analysis, the_plan), _lists(analysis, the_plan)),
                          encoding="utf-8")
    except OSError as error:
        raise UsageFailure(f"can't write the report {report_file}: {error.strerror or error}; nothing was changed") \
            from None
    return staged


def _drop(staged: Path | None) -> None:
    if staged is not None:
        try:
            os.unlink(staged)
        except OSError:
            pass


@contextlib.contextmanager
def _writing(root: Path) -> Iterator[None]:
    """A command that writes: under the project's lock, after rolling back what a killed run left;
    an error or signal while writing undoes every change, and says so in one line."""
    from . import transaction

    try:
        with transaction.writing(root, lambda message: click.echo(f"termshift: {message}", err=True)):
            yield
    except transaction.RolledBack as error:
        click.echo(f"termshift: error: {error}", err=True)
        sys.exit(error.exit_code)
    except transaction.TransactionError as error:
        raise UsageFailure(str(error)) from None
    except KeyboardInterrupt:
        click.echo("termshift: interrupted before writing: nothing was changed", err=True)
        sys.exit(130)


@contextlib.contextmanager
def _reading(root: Path) -> Iterator[None]:
    from . import transaction

    transaction.warn_if_pending(root, lambda message: click.echo(f"termshift: {message}", err=True))
    yield


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--expired", is_flag=True, help="Remove only the pieces whose removal date has passed.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read settings from this file instead of pyproject.toml / termshift.toml.")
def cleanup(paths: tuple[Path, ...], show_diff: bool, expired: bool, config_file: Path | None) -> None:
    """Remove the compatibility code `migrate` left behind in PATHS (default: the current directory).

    Only code marked `# termshift: compat ...` goes: deprecated aliases,
    wrappers, keyword and attribute shims, and shim modules at old import
    paths. Every other byte stays as it was.
    """
    from termshift.codemods.cleanup import run

    from . import markers, report

    root, config, targets = _one_project("cleanup", paths, config_file)
    today = markers.today() if expired else None
    kept, skipped = files.within_root(root, targets)
    with _reading(root) if show_diff else _writing(root):
        result = run(root, kept, config.exclude, today=today, write=not show_diff)
    if result.nested:
        _several_projects("cleanup", [root, *result.nested],
                          _own_paths(files.discover(root, kept, config.exclude), kept, result.nested))
    result.skipped[:0] = skipped
    if show_diff:
        _write_diff(result.diff_bytes())
    report.cleanup_summary(result, wrote=not show_diff)
    sys.exit(1 if result.failures else 0)


# -- the lint ------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format",
              type=click.Choice(["text", "json", "sarif", "github", "gitlab", "junit"]), default="text",
              show_default=True, help="text for people, json for scripts, sarif for code scanning, github for "
                                      "annotations, gitlab for a Code Quality report, junit for CI test reports.")
@click.option("--output-file", "-o", "output_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE instead of stdout (the summary still goes to stderr).")
@click.option("--select", metavar="C,…", help="Only these rules (codes, prefixes such as TSH1, or names).")
@click.option("--ignore", metavar="C,…", help="Skip these rules, on top of the config's ignores.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record every current finding in this file and exit 0.")
@click.option("--fix", is_flag=True, help="Apply the codemods (no compat layer), then report what remains.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list what was renamed in each file, and the modules moved.")
@click.option("--exit-non-zero-on-fix", is_flag=True,
              help="With --fix: exit 1 when anything was fixed, even if nothing fails afterwards.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the check.")
@click.option("--stdin-filename", type=click.Path(path_type=Path, dir_okay=False), metavar="PATH",
              help="Read PATH's text from stdin (an editor's buffer) and check it, with its project as on disk.")
@click.option("--shard", metavar="K/N", callback=lambda context, parameter, value: _shard(value),
              help="Report only the K-th of N parts of the files (K from 1), for N CI jobs: each part is "
                   "chosen by a digest of each file's path, and each job still analyses the whole project. "
                   "`termshift merge-reports` joins the parts' json, sarif or gitlab reports into one.")
@click.option("--workers", type=click.IntRange(min=1), help=_WORKERS_HELP)
@click.option("--no-cache", is_flag=True, help=_NO_CACHE_HELP)
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read settings from this file instead of pyproject.toml / termshift.toml.")
def check(paths: tuple[Path, ...], output_format: str, select: str | None, ignore: str | None,
          baseline: Path | None, write_baseline: Path | None, fix: bool, exit_zero: bool,
          workers: int | None, no_cache: bool, config_file: Path | None, output_file: Path | None = None,
          show_fixes: bool = False, exit_non_zero_on_fix: bool = False, stdin_filename: Path | None = None,
          shard=None) -> None:
    """Report every remaining legacy term in PATHS (default: the current directory).

    Exits 0 when nothing is at or above the failing severity (`fail-on`,
    default error), 1 when something is, 2 on a usage or config error.
    With --shard K/N, the same for the shard's files alone.
    """
    from . import checking

    try:
        code = checking.main(paths, output_format, select, ignore, baseline, write_baseline, fix, exit_zero, workers,
                             no_cache, config_file, output_file, show_fixes, exit_non_zero_on_fix, stdin_filename,
                             shard)
    except checking.CheckError as error:
        raise UsageFailure(str(error)) from None
    sys.exit(code)


def _shard(value: str | None):
    if value is None:
        return None
    from .shards import ShardError, parse

    try:
        return parse(value)
    except ShardError as error:
        raise click.BadParameter(str(error)) from None


@main.command("merge-reports")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["json", "sarif", "gitlab"]),
              help="The reports' format (default: as their content says); the merged report is in it too.")
@click.option("--output-file", "-o", "output_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the merged report to FILE instead of stdout.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the check.")
def merge_reports(reports: tuple[Path, ...], output_format: str | None, output_file: Path | None,
                  exit_zero: bool) -> None:
    """Join the reports of `termshift check --shard 1/N` ... `N/N` into the report one unsharded check writes.

    REPORTS are every shard's json, sarif or gitlab report, in any order.
    They must come from one run: the same N, each shard once, none missing,
    the same termshift, files and options; otherwise nothing is merged.

    Exits as that unsharded check would: 0 when nothing is at or above the
    failing severity, 1 when something is (0 with --exit-zero), 2 when the
    reports can't be merged.
    """
    from . import merging

    try:
        merged = merging.merge(list(reports), output_format)
    except merging.MergeError as error:
        raise UsageFailure(str(error)) from None
    if output_file is None:
        merged.write(sys.stdout)
        sys.stdout.flush()
    else:
        try:
            with open(output_file, "w", encoding="utf-8", newline="\n") as out:
                merged.write(out)
        except OSError as error:
            raise UsageFailure(f"can't write {output_file}: {error.strerror or error}") from None
    click.echo(f"termshift merge-reports: {merged.count} shard{'s' if merged.count != 1 else ''}, "
               f"{merged.findings} finding{'s' if merged.findings != 1 else ''}, {merged.failing} failing", err=True)
    sys.exit(1 if merged.failing and not exit_zero else 0)


@main.command("rules")
def rules_command() -> None:
    """Print the rule table: code, name, default severity, what it reports."""
    from .rules_table import plain

    click.echo(plain(), nl=False)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print one rule's documentation: what it does, why, example, fix."""
    from .rules_table import explain_text

    text = explain_text(code)
    if text is None:
        raise UsageFailure(f"unknown rule {code!r} (see `termshift rules`)")
    click.echo(text)


# -- the stored data -----------------------------------------------------------

from .data.cli import data as _data  # noqa: E402  (the group; redis-py loads only when a command runs)

main.add_command(_data)
