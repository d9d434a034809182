"""The check pipeline: sites in, findings out.

    analyse -> plan (what --fix could change) -> findings from sites, file
    problems and expired compat -> rule selection and severities ->
    suppression comments -> fingerprints -> baseline

The sites come from the same `engine.analyze` that `migrate` uses, so the
lint reports exactly what the codemods would change, and nothing here
imports LibCST: a check stays cheap unless it is asked to fix.

The rules, and what applying them needs, are imported where they are used:
`run` has them load while worker processes search (`load_the_rules`), in a
process that would otherwise wait, instead of before the search starts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from itertools import chain, repeat
from pathlib import Path
from sys import intern

from typing import TYPE_CHECKING

from . import engine, files
from .config import Config
from .sites import Action, Role
from .roots import relative_posix

if TYPE_CHECKING:
    from . import baseline as baseline_module
    from . import compat_scan, planning
    from .findings import Finding
    from .rule import Rule
    from .selection import Selection
    from .shards import Shard


def _today() -> datetime.date:
    from .markers import today

    return today()


@dataclass(repr=False, eq=False)
class Options:
    """What the command line adds to the configuration for one check."""

    select: tuple[str, ...] | None = None  # replaces the config's selection
    ignore: tuple[str, ...] = ()  # adds to the config's ignores
    today: datetime.date = field(default_factory=_today)  # TERMSHIFT_TODAY pins it, as for migrate and cleanup
    baseline: list[baseline_module.Entry] | None = None


@dataclass(repr=False, eq=False)
class Result:
    """A check's findings, before and after the baseline, and the counts the summary prints."""

    root: Path
    findings: list[Finding]  # what is reported: not suppressed, not in the baseline
    unfiltered: list[Finding]  # before the baseline: what --write-baseline records
    suppressed: int = 0
    baselined: int = 0
    stale: list[baseline_module.Entry] = field(default_factory=list)
    fail_on: str = "error"
    files_checked: int = 0
    checked: frozenset[str] = frozenset()  # the files checked, relative to the root
    # Several projects' results as one (`merged`): a finding's failing severity is its project's.
    fail_on_of: dict[str, str] = field(default_factory=dict)
    # A digest of every file the run checks, in every shard (`run(shard=…)`): the shards of one run agree on it.
    population: str = ""

    @property
    def failing_count(self) -> int:
        """How many findings are at or above their failing severity (counted a finding at a time)."""
        from .findings import fails

        fail_on, fail_on_of = self.fail_on, self.fail_on_of
        return sum(1 for finding in self.findings if fails(finding, fail_on_of.get(finding.path, fail_on)))

    @property
    def failing(self) -> list[Finding]:
        from .findings import failing

        if not self.fail_on_of:
            return failing(self.findings, self.fail_on)
        return [finding for finding in self.findings
                if failing((finding,), self.fail_on_of.get(finding.path, self.fail_on))]


def merged(results: list[Result]) -> Result:
    """Several projects' results as one report, its paths relative to the folder that holds them all.

    A finding keeps the fingerprint it has in its own project, so a baseline matches it however
    the projects were named (one at a time by pre-commit, all together in CI).
    """
    if len(results) == 1:
        return results[0]
    import os

    from .findings import Finding

    base = Path(os.path.commonpath([str(result.root) for result in results]))
    findings, fail_on_of, checked = [], {}, set()
    suppressed = baselined = files_checked = 0
    for result in results:
        prefix = relative_posix(str(base), str(result.root))
        prefix = "" if prefix == "." else prefix + "/"
        for finding in result.findings:
            moved = Finding(prefix + finding.path, finding.line, finding.column, finding.end_line,
                            finding.end_column, finding.code, finding.rule, finding.severity, finding.message,
                            finding.fixable, finding.text, finding.scope, finding.occurrence)
            moved.pin_fingerprint(finding.fingerprint)  # as in its project
            findings.append(moved)
            fail_on_of[moved.path] = result.fail_on
        checked.update(prefix + path for path in result.checked)
        suppressed += result.suppressed
        baselined += result.baselined
        files_checked += result.files_checked
    findings.sort(key=lambda finding: (finding.path, finding.line, finding.column, finding.code))
    population = _digest(f"{relative_posix(str(base), str(result.root))}:{result.population}" for result in results)
    return Result(base, findings, findings, suppressed=suppressed, baselined=baselined, fail_on=results[0].fail_on,
                  files_checked=files_checked, checked=frozenset(checked), fail_on_of=fail_on_of,
                  population=population)


def _digest(lines) -> str:
    import hashlib

    return hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def selection(config: Config, options: Options) -> Selection:
    from .rules import registry
    from .selection import Selection, rule_infos

    return Selection(config, rule_infos(registry.RULES), select=options.select, ignore=options.ignore)


def load_the_rules() -> None:
    """Everything `check` needs that the search doesn't (see the module's docstring)."""
    from . import compat_scan, findings, planning, suppressions  # noqa: F401
    from .rules import registry  # noqa: F401


def run(root: Path, targets: list[Path], config: Config, options: Options, chosen: Selection | None = None,
        progress=None, *, workers: int = 1, cache=None, shard: Shard | None = None
        ) -> tuple[Result, engine.Analysis, planning.Plan]:
    """Check the files under `targets`; compat code elsewhere in the project is analysed too,
    because a caller here relies on it, but nothing is reported for it. Without `chosen`, the
    selection is made while the search runs; a ConfigError from it stops the run. With a `shard`,
    the analysis is the same and only the shard's files are reported on (shards.py)."""
    picked = [chosen] if chosen is not None else []

    def meanwhile() -> None:
        if not picked:
            picked.append(selection(config, options))
        load_the_rules()

    root = root.resolve()
    targets, skipped = files.within_root(root, targets)
    if root in targets:
        # The whole project: the engine's own discovery is the list of checked files.
        analysis = engine.analyze(root, targets, config, progress=progress, workers=workers, cache=cache,
                                  meanwhile=meanwhile)
        checked = analysis.targets
    else:
        from .compat_scan import MARKER_BYTES

        checked = files.discover(root, targets, config.exclude)
        # Project files outside this run that hold compat code are analysed too: their old names
        # are compat names here as well.
        analysis = engine.analyze(root, checked, config, progress=progress, workers=workers, cache=cache,
                                  also=MARKER_BYTES if checked else None, meanwhile=meanwhile)
    analysis.skipped[:0] = [entry for entry in skipped if entry not in analysis.skipped]
    chosen = picked[0]
    # A plain check reports and writes nothing: it spares reading the project's other text files
    # (a name they hold back is still reported, only without that reason).
    from .planning import plan

    the_plan = plan(analysis, config.stages, other_files=False)
    reported = {_relative(root, path) for path in checked}
    population = _digest(sorted(reported)) if shard is not None else ""
    if shard is not None:
        reported = {path for path in reported if shard.owns(path)}
    result = check(analysis, the_plan, config, options, chosen, reported)
    result.population = population
    return result, analysis, the_plan


def check(analysis: engine.Analysis, the_plan: planning.Plan, config: Config, options: Options,
          chosen: Selection, checked: set[str] | None = None) -> Result:
    """Findings for the `checked` files (relative paths; default: every analysed file)."""
    from . import compat_scan
    from .findings import Finding, PackedFindings, fingerprinted
    from .rules import registry

    if checked is None:
        checked = {_relative(analysis.root, path) for path in analysis.targets}
    texts = _comment_texts(analysis)
    compat = compat_scan.gather(analysis, texts, registry.family)
    # The findings a file at a time, in report order: a large run's are packed as they are made.
    few: dict[str, list[Finding]] = {}  # path -> the findings that aren't a site's
    for finding in chain(_problem_findings(analysis), _move_findings(analysis, the_plan),
                         _expired_findings(compat, texts, options.today)):
        few.setdefault(finding.path, []).append(finding)
    ours = {path: text for path, text in texts.items() if path in checked}
    suppressions = _Suppressions(ours, chosen)
    of_sites = _site_findings(analysis, the_plan, compat)
    unfiltered: list[Finding] | PackedFindings = PackedFindings() if analysis.sites.packed else []
    for path in sorted({path for path in analysis.sites if path in checked} | few.keys() | ours.keys()):
        kept = []
        for finding in chain(of_sites(path) if path in checked else (), few.get(path, ())):
            if finding.path in checked and chosen.enabled(finding.code, finding.path):
                severity = chosen.severity_of(finding.code)
                kept.append(finding if severity == finding.severity else replace(finding, severity=severity))
        unfiltered.extend(fingerprinted(suppressions.apply(path, kept), own=True))
    suppressed = suppressions.count
    result = Result(analysis.root, unfiltered, unfiltered, fail_on=config.fail_on, files_checked=len(checked),
                    checked=frozenset(checked))
    result.suppressed = suppressed
    if options.baseline is not None:
        from . import baseline as baseline_module

        fresh, old, stale = baseline_module.split(unfiltered, options.baseline, checked)
        result.findings, result.baselined, result.stale = fresh, len(old), stale
    return result


# -- sources of findings -------------------------------------------------------


def _finding(make: type[Finding], rule: type[Rule], path: str, line: int, column: int, end_line: int,
             end_column: int, message: str, *, fixable: bool = False, text: str = "", scope: str = "",
             replacement: str | None = None) -> Finding:
    """Positions in: 1-based line, 0-based columns; out: 1-based columns. (`make`: the Finding
    class, which the callers import once each.) The message is interned: a dense tree says the
    same thing of the same name hundreds of times, and every finding lives until the report is out."""
    return make(path, line, column + 1, end_line, max(end_column, column) + 1, rule.code, rule.name,
                rule.severity, intern(message), fixable, text, scope, 0, replacement)


def _site_findings(analysis: engine.Analysis, the_plan: planning.Plan, compat: compat_scan.CompatFacts):
    """The findings of one file's sites, as `of(path)`: what every file's need is worked out once.
    (The other files' sites were searched for what they tell about the checked ones: compat code
    elsewhere, another shard's files.)"""
    from .findings import Finding
    from .rules import registry

    refused = {}
    for refusal in the_plan.refusals:
        refused.setdefault(refusal.old, refusal.reason)
    wire_names = analysis.payload_names()
    # A site's context is one of two: inside compat code or not.
    outside, inside = (registry.SiteContext(in_compat=compat_code, compat_names=compat.names, wire_names=wire_names)
                       for compat_code in (False, True))
    covering = compat.covering if compat.pieces else None
    rule_for, rename, refusable = registry.rule_for, Action.RENAME, (Action.RENAME, Action.REFUSED)
    words = (Role.LITERAL, Role.PROSE)

    def of(path: str):
        if path not in analysis.sites:
            return
        edits = the_plan.edits.get(path)
        fixable = {site.key() for site in edits} if edits else ()
        for site in analysis.sites[path]:
            rule = rule_for(site, inside if covering is not None and covering(site) is not None else outside)
            if rule is None:
                continue
            message = rule.message(site)
            fixes = site.action is rename and site.key() in fixable
            kept = the_plan.withheld.get(site.key()) if the_plan.withheld else None
            if kept is not None:
                message += f" (not fixable: {kept})"
            elif refused and site.action in refusable and site.old in refused and not (fixes and site.role in words):
                # A refusal is of a name: a key or a text spelling the same word moves all the same.
                message += f" (not fixable: {refused[site.old]})"
            yield _finding(Finding, rule, site.path, site.line, site.column, site.end_line, site.end_column, message,
                           fixable=fixes, text=site.old, scope=site.scope, replacement=site.new if fixes else None)

    return of


def _move_findings(analysis: engine.Analysis, the_plan: planning.Plan):
    """A module whose only legacy term is its own name, and that no import spells: `migrate` moves
    it, so the gate says so too, at the module's first line (`check` and `migrate --check` agree)."""
    from types import SimpleNamespace

    from .findings import Finding
    from .rules import registry

    if not the_plan.moves and not the_plan.refused_moves:
        return
    spelled = {site.old for sites in analysis.sites.values() for site in sites if site.role is Role.MODULE_PATH}
    refused = {}
    for refusal in the_plan.refusals:
        refused.setdefault(refusal.old, refusal.reason)
    rule = registry.BY_CODE["TSH103"]
    for (old, new), fixable in chain(zip(the_plan.moves, repeat(True)), zip(the_plan.refused_moves, repeat(False))):
        old_name, new_name = old.rpartition("/")[2], new.rpartition("/")[2]
        path = old
        if old.endswith((".py", ".pyi")):
            old_name, new_name = old_name.rpartition(".")[0], new_name.rpartition(".")[0]
        else:
            path = f"{old}/__init__.py"
            if not (analysis.root / path).is_file():
                continue
        if old_name in spelled:
            continue
        message = rule.message(SimpleNamespace(old=old_name, new=new_name))
        if not fixable:
            message += f" (not fixable: {refused.get(old_name, f'{old_name!r} is kept everywhere')})"
        yield _finding(Finding, rule, path, 1, 0, 1, 0, message, fixable=fixable, text=old_name, scope="")


def _problem_findings(analysis: engine.Analysis):
    from .findings import Finding
    from .rules import registry

    rule = registry.BY_CODE["TSH901"]
    for problem in analysis.problems:
        yield _finding(Finding, rule, problem.path, problem.line, problem.column, problem.line, problem.column,
                       rule.message(problem), text="")


def _expired_findings(compat: compat_scan.CompatFacts, texts: dict[str, str], today: datetime.date):
    from .findings import Finding
    from .rules import registry

    rule = registry.BY_CODE["TSH402"]
    for path, pieces in compat.pieces.items():
        lines = texts[path].splitlines()
        for piece in pieces:
            if piece.until is not None and not piece.expired(today):
                continue
            line = lines[piece.start_line - 1] if piece.start_line <= len(lines) else ""
            column = max(line.find("#"), 0)
            message = rule.message(piece) if piece.until is not None else (
                f"compat marker with an invalid date ({piece.raw_date}): it can never expire; fix the date")
            yield _finding(Finding, rule, path, piece.start_line, column, piece.start_line, len(line), message,
                           text=f"compat until {piece.raw_date}")


# -- suppressions ----------------------------------------------------------------


class _Suppressions:
    """The checked files' suppression comments, applied a file's findings at a time: a comment
    that suppresses nothing, or suppresses without saying what, is a finding of its own."""

    def __init__(self, texts: dict[str, str], chosen: Selection):
        from .suppressions import FileSuppressions

        self.by_file = {path: FileSuppressions(text) for path, text in texts.items()}
        self.chosen = chosen
        self.count = 0  # the findings suppressed so far

    def apply(self, path: str, findings: list[Finding]) -> list[Finding]:
        """`findings`, all of them `path`'s, without those suppressed, and with the file's leftover comments."""
        from .findings import Finding
        from .rules import registry

        comments = self.by_file.get(path)
        if comments is None:
            return findings
        kept = []
        for finding in findings:
            if comments.suppresses(finding.code, finding.line):
                self.count += 1
            else:
                kept.append(finding)
        chosen = self.chosen
        bare, unused = registry.BY_CODE["TSH902"], registry.BY_CODE["TSH903"]
        leftovers = comments.leftovers(lambda code: code in registry.BY_CODE,
                                       lambda code, path=path: chosen.enabled(code, path))
        for comment, code, detail in leftovers:
            rule = bare if detail == "bare" else unused
            if not chosen.enabled(rule.code, path):
                continue
            message = bare.message(f"# {comment.text}") if rule is bare else unused.message(detail)
            kept.append(Finding(path, comment.line, comment.column, comment.line, comment.end_column, rule.code,
                                rule.name, chosen.severity_of(rule.code), message, False,
                                f"{comment.text}:{code}", ""))
        return kept


def _comment_texts(analysis: engine.Analysis) -> dict[str, str]:
    """The text of every checked file that holds a termshift comment (suppressions, compat markers):
    of those whose bytes the pre-filter found to hold one (`Analysis.marked`)."""
    from .suppressions import NEEDLE

    texts: dict[str, str] = {}
    for path in analysis.targets:
        if path not in analysis.marked:
            continue
        relative = _relative(analysis.root, path)
        source = analysis.sources.get(relative)
        if source is not None:
            if NEEDLE in source.text:
                texts[relative] = source.text
            continue
        try:
            text = files.read_source(path).text
        except files.SourceError:
            continue
        if NEEDLE in text:
            texts[relative] = text
    return texts


def _relative(root: Path, path: Path) -> str:
    return relative_posix(str(root), str(path))
