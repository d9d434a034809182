"""`termshift data …`: the command-line glue, and nothing else.

Exit codes (DESIGN.md): 0 done, 1 a mismatch or refusal (each named),
2 usage or connection error; 130 when interrupted (run the command again).
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from .connect import DataError


class _Failure(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(f"termshift: error: {self.message}", err=True)


def _say(line: str) -> None:
    click.echo(line)


def _options(function: Callable) -> Callable:
    options = [
        click.option("--redis-url", envvar="REDIS_URL", metavar="URL",
                     help="The server (redis://[:password@]host:port/db, rediss://…). Default: $REDIS_URL."),
        click.option("--cluster/--no-cluster", "cluster", default=None,
                     help="Expect a Redis Cluster / a single server (default: whichever the URL is)."),
        click.option("--project", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."),
                     show_default=True, help="Plan from the code of this project."),
        click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Plan from this `termshift migrate --report` record instead of the code."),
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Read settings from this file instead of pyproject.toml / termshift.toml."),
        click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
                     help="Keys per pipelined batch."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


class _InOrder(click.Group):
    """The commands in the order they are used, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group("data", cls=_InOrder)
def data() -> None:
    """Move the stored data (Redis) to the new key names: plan, copy, verify, rollback, drop-old.

    The key patterns and field names come from the same analysis as
    `termshift migrate`, run on --project (default: the current directory).
    """


@contextmanager
def _session(options: dict, *, need_server: bool = True, need_plan: bool = True) -> Iterator[tuple[Any, Any, Any]]:
    """(plan, client or None, field renames); every failure a one-line error, exit 2."""
    from .plan import DataPlan, from_code, from_report
    from .translate import Fields

    url = options["redis_url"]
    try:
        if need_server or url:
            from .connect import redis_module, url_or_env

            redis_module()  # before the analysis: a missing redis-py is said at once
            url = url_or_env(url)
        if not need_plan:
            the_plan = DataPlan([], {}, "")
        elif options["report_file"]:
            the_plan = from_report(options["report_file"])
        else:
            the_plan = from_code(options["project"], options["config_file"])
        if not (need_server or url):
            yield the_plan, None, Fields(the_plan.fields)
            return
        from .connect import connect, failures

        client = connect(url, options["cluster"])
        with failures(url):
            yield the_plan, client, Fields(the_plan.fields)
    except DataError as error:
        raise _Failure(str(error)) from None


def _nothing(the_plan: Any) -> None:
    from .plan import NOTHING

    if not the_plan.patterns:
        click.echo(NOTHING.format(source=the_plan.source), err=True)
        sys.exit(1)


@contextmanager
def _interruptible() -> Iterator[Callable[[], bool]]:
    """The first Ctrl-C (SIGINT) or SIGTERM lets the current batch finish; the second stops at once."""
    stopped = []

    def handler(signum, frame):
        if stopped:
            raise KeyboardInterrupt
        stopped.append(signum)
        click.echo("stopping after this batch (again to stop at once)", err=True)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield lambda: bool(stopped)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _lease(client: Any, what: str, dry_run: bool = False) -> Iterator[Any]:
    """The database's one writing run (not needed to only read); another one running is a refusal, exit 1."""
    from .journal import Busy, Lease

    if dry_run:
        yield _NoLease()
        return
    try:
        lease = Lease(client, what).__enter__()
    except Busy as error:
        click.echo(f"termshift: refused: {error}", err=True)
        sys.exit(1)
    try:
        yield lease
    finally:
        lease.__exit__()


class _NoLease:
    def renew(self, _: int = 0) -> None:
        pass


def _both(*calls: Callable[[int], None]) -> Callable[[int], None]:
    def call(count: int) -> None:
        for each in calls:
            each(count)

    return call


@data.command("plan")
@_options
def plan_command(**options) -> None:
    """Print old pattern -> new pattern, and what kind of value is stored there (when a server is given)."""
    from .plan import found_under, table

    with _session(options, need_server=False) as (the_plan, client, _):
        found = [found_under(client, pattern) for pattern in the_plan.patterns] if client is not None else None
        click.echo(table(the_plan, found), nl=False)
    if not the_plan.patterns:
        from .plan import NOTHING

        click.echo(NOTHING.format(source=the_plan.source), err=True)


@data.command("copy")
@_options
@click.option("--dry-run", is_flag=True, help="Read everything, write nothing: say what would be copied.")
@click.option("--overwrite", is_flag=True, help="Replace new keys that exist with another value (rollback restores them).")
def copy_command(dry_run: bool, overwrite: bool, **options) -> None:
    """Copy every old key to its new name (values translated, TTLs kept); move list items."""
    from . import progress
    from .copy import Copier

    with _session(options) as (the_plan, client, fields):
        _nothing(the_plan)
        with _lease(client, "copy", dry_run) as lease, progress.keys("copying" if not dry_run else "reading") as \
                advance, _interruptible() as stop:
            tally = Copier(client, the_plan.keymap(), fields, dry_run=dry_run, overwrite=overwrite,
                           batch=options["batch_size"], say=_say, advance=_both(advance, lease.renew),
                           stop=stop).run()
    verb = "would copy" if dry_run else "copied"
    click.echo(f"{verb} {tally.copied} key(s), {'would move' if dry_run else 'moved'} {tally.items} item(s) of "
               f"{tally.lists} list(s); {tally.resumed} copied before, {tally.in_place} already in place, "
               f"{tally.conflicts} conflict(s), {tally.skipped} skipped, {tally.vanished} deleted meanwhile")
    if tally.interrupted:
        click.echo("interrupted: run `termshift data copy` again to finish", err=True)
        sys.exit(130)
    sys.exit(1 if tally.failed else 0)


@data.command("verify")
@_options
def verify_command(**options) -> None:
    """Check every copy against its original (value translated, TTL); name each that differs."""
    from . import progress
    from .verify import verify

    with _session(options) as (the_plan, client, fields):
        _nothing(the_plan)
        with progress.keys("verifying") as advance:
            checked = verify(client, the_plan.keymap(), fields, batch=options["batch_size"], say=_say,
                             advance=advance)
    click.echo(f"verified {checked.matched} key(s): {checked.mismatched} mismatch(es)")
    sys.exit(1 if checked.mismatched else 0)


@data.command("rollback")
@_options
def rollback_command(**options) -> None:
    """Remove exactly what copy created (restoring what --overwrite replaced), and move list items back.

    Reads only the journal copy keeps in Redis: the code isn't analysed.
    """
    from . import progress
    from .connect import is_cluster
    from .journal import RollbackRefused, rollback

    with _session(options, need_plan=False) as (_, client, __):
        try:
            with _lease(client, "rollback") as lease, progress.keys("rolling back") as advance:
                removed, restored, items = rollback(client, cluster=is_cluster(client), batch=options["batch_size"],
                                                    advance=_both(advance, lease.renew), say=_say)
        except RollbackRefused as error:
            click.echo(f"termshift: refused: {error}", err=True)
            sys.exit(1)
    click.echo(f"rolled back: removed {removed} key(s), restored {restored}, moved {items} list item(s) back")


@data.command("drop-old")
@_options
@click.option("--yes", is_flag=True, help="Don't ask.")
def drop_old_command(yes: bool, **options) -> None:
    """Delete the old keys, once every one of them verifies; asks first (or --yes)."""
    from . import journal, progress
    from .verify import verify

    with _session(options) as (the_plan, client, fields):
        _nothing(the_plan)
        keymap = the_plan.keymap()
        with progress.keys("verifying") as advance:
            checked = verify(client, keymap, fields, batch=options["batch_size"], say=_say, advance=advance)
        if checked.mismatched:
            click.echo(f"termshift: refused: {checked.mismatched} old key(s) don't match their copy "
                       "(named above): nothing deleted", err=True)
            sys.exit(1)
        if not checked.matched:
            click.echo("no old key left to delete")
            return
        patterns = ", ".join(pattern.old_glob for pattern in the_plan.patterns)
        if not yes and not click.confirm(f"delete {checked.matched} old key(s) matching {patterns}?", err=True):
            click.echo("nothing deleted", err=True)
            sys.exit(1)
        deleted = 0

        def drop(good: list[tuple[bytes, bytes]]) -> None:
            nonlocal deleted
            pipe = client.pipeline(transaction=False)
            for old, _ in good:
                pipe.unlink(old)
            deleted += sum(pipe.execute())

        with _lease(client, "drop-old") as lease, progress.keys("deleting") as advance:
            client.set(journal.DROPPED, b"1")
            again = verify(client, keymap, fields, batch=options["batch_size"], say=_say,
                           advance=_both(advance, lease.renew), matched=drop)
            client.delete(*journal.ALL)
    click.echo(f"deleted {deleted} old key(s)")
    sys.exit(1 if again.mismatched else 0)
