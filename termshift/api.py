"""The Python API: `termshift.migrate(...)` and `termshift.check(...)` return data and print nothing.

Scripts, notebooks, other tools and the LibCST codemod commands
(`termshift.codemods.migrate`) want the answers the command line prints, as
values: what changed, what was refused and why, the findings. These functions
run the same engine as the commands (`engine.analyze` -> `plan` -> `apply`,
`lint.run`), under the same lock and transaction when they write, so a call
and a command never disagree. A mistake in the call or the configuration is a
`ConfigError`, never a message on stderr.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence, Union

from .config import STAGES, Config, ConfigError

PathLike = Union[str, "os.PathLike[str]"]

__all__ = ["migrate", "check", "MigrationResult", "CheckResult", "ConfigError", "settings"]


@dataclass(frozen=True)
class MigrationResult:
    """What a migration changed, or would change when nothing was written.

    Paths are relative to `root`, with forward slashes. `refusals` and
    `unresolved` are what `termshift migrate` reports and exits 1 for.
    """

    root: Path
    written: bool
    changed: dict[str, tuple[str, str]]  # path -> (old text, new text)
    moved: list[tuple[str, str]]  # module files and package folders, deepest first
    created: dict[str, str]  # new files (compat shims, the wire module) -> text
    renamed: dict[str, int]  # sites renamed, by kind (class, function, key, route, …)
    refusals: list  # planning.Refusal: a name kept everywhere, and why
    unresolved: list  # sites.Site: a use that can't be tied to a definition
    problems: list  # workspace.Problem: files that can't be read, parsed or rewritten
    wire: list  # wire.WireChange: storage keys, routes, event types and payload keys that change
    diff: str  # the unified diff of the whole change (renames as git shows them)

    @property
    def ok(self) -> bool:
        """Nothing refused, unresolved or broken: `termshift migrate` would exit 0."""
        return not (self.refusals or self.unresolved or self.problems)


@dataclass(frozen=True)
class CheckResult:
    """The findings of a check (termshift.findings.Finding), after suppressions and the baseline."""

    root: Path
    findings: list
    files_checked: int
    fail_on: str
    suppressed: int = 0
    baselined: int = 0

    @property
    def failing(self) -> list:
        """The findings at or above `fail_on`: `termshift check` exits 1 when there are any."""
        from .findings import failing

        return failing(self.findings, self.fail_on)


def settings(paths: Sequence[PathLike] = (), *, config: PathLike | None = None,
             terms: Mapping[str, str] | None = None) -> tuple[Path, Config, list[Path]]:
    """The project root, its configuration and the target paths, as the commands find them;
    `terms` ({"job": "step"}) replaces the configured vocabulary."""
    from . import config as config_module

    given = tuple(Path(path) for path in paths) or (Path("."),)
    root, found, targets = config_module.for_paths(given, Path(config) if config is not None else None)
    if terms is not None:
        found = dataclasses.replace(found, terms=config_module._terms("terms", dict(terms)))
    return root, found, targets


def _stages(stages: Iterable[str] | None, config: Config) -> tuple[str, ...]:
    if stages is None:
        return tuple(config.stages)
    chosen = tuple(stages)
    unknown = [stage for stage in chosen if stage not in STAGES]
    if unknown:
        raise ConfigError(f"unknown stage {unknown[0]!r} (one of: {', '.join(STAGES)})")
    return chosen


def migrate(paths: PathLike | Sequence[PathLike] = ".", *, stages: Iterable[str] | None = None,
            compat: bool = True, write: bool = False, config: PathLike | None = None,
            terms: Mapping[str, str] | None = None, workers: int | None = 1,
            cache: bool = True) -> MigrationResult:
    """Plan the migration of `paths` (the whole project is read for context) and, with
    `write=True`, apply it as one transaction: all of it or none, as `termshift migrate`.

    `write` defaults to False, as `migrate --diff`: the result holds every new text and the diff.
    A run that refuses something still writes what it renames whole (`result.ok` says whether
    anything was refused). `compat=False` is `--no-compat`.
    """
    from . import engine, markers, planning, proof, rewrite, wire

    root, the_config, targets = settings(_as_list(paths), config=config, terms=terms)
    chosen = _stages(stages, the_config)
    workers, the_cache = engine.run_options(root, workers, not cache)
    compat_until = markers.until(markers.today(), the_config.compat_weeks) if compat else None

    def run() -> MigrationResult:
        analysis = engine.analyze(root, targets, the_config, workers=workers, cache=the_cache, rewriting=True,
                                  meanwhile=rewrite.load_the_rewrite)
        from .deprecation import unaliasable

        kept = proof.proven_keep(analysis, the_config, chosen, keep=unaliasable(analysis) if compat else None,
                                 workers=workers)
        the_plan = planning.plan(analysis, chosen, keep=kept)
        outcome = rewrite.apply(analysis, the_plan, write=write, compat_until=compat_until, workers=workers)
        renamed: dict[str, int] = {}
        for sites in the_plan.edits.values():
            for site in sites:
                renamed[site.kind] = renamed.get(site.kind, 0) + 1
        return MigrationResult(
            root=root, written=write and not outcome.failures, changed=dict(outcome.changed),
            moved=list(outcome.moved), created=dict(outcome.created), renamed=renamed,
            refusals=list(the_plan.refusals), unresolved=list(the_plan.unresolved),
            problems=[*analysis.problems, *outcome.failures], wire=wire.changes(analysis, the_plan),
            diff=outcome.diff(),
        )

    if not write:
        return run()
    from . import transaction

    said: list[str] = []
    try:
        with transaction.writing(root, said.append):
            return run()
    except transaction.TransactionError as error:
        raise ConfigError(str(error)) from None


def check(paths: PathLike | Sequence[PathLike] = ".", *, select: Iterable[str] | None = None,
          ignore: Iterable[str] = (), config: PathLike | None = None, terms: Mapping[str, str] | None = None,
          baseline: PathLike | None = None, workers: int | None = 1, cache: bool = True) -> CheckResult:
    """The findings `termshift check PATHS` reports, as data (nothing printed, nothing written
    but the cache)."""
    from . import engine, lint

    root, the_config, targets = settings(_as_list(paths), config=config, terms=terms)
    options = lint.Options(select=tuple(select) if select is not None else None, ignore=tuple(ignore))
    if baseline is not None:
        from . import baseline as baseline_module

        try:
            options.baseline = baseline_module.load(Path(baseline))
        except baseline_module.BaselineError as error:
            raise ConfigError(str(error)) from None
    workers, the_cache = engine.run_options(root, workers, not cache)
    result, _, _ = lint.run(root, [path.resolve() for path in targets], the_config, options, workers=workers,
                            cache=the_cache)
    return CheckResult(root=result.root, findings=list(result.findings), files_checked=result.files_checked,
                       fail_on=result.fail_on, suppressed=result.suppressed, baselined=result.baselined)


def _as_list(paths: PathLike | Sequence[PathLike]) -> list[PathLike]:
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)
