#!/usr/bin/env python3
"""Prove termshift on real projects: migrate pinned PyPI sdists and run their own test suites.

    python e2e/run.py [--project NAME]… [--all] [--mode full|compat|verify]… [--jobs N] [--cache DIR]

Per project (see corpus.py for the pins):

- baseline: the pristine tree, installed into the project's venv, runs its suite;
- full:     `termshift migrate --no-compat .` on a copy (library, tests and
            packaging together); the copy is reinstalled, every entry point it
            declares must load, the suite must pass as many tests as at
            baseline with none failing, and what the project doesn't own
            (corpus.Invariant) must be untouched;
- compat:   `termshift migrate --stage types --stage services <library>` on a
            fresh copy (compat layer on); the *original* tests, unchanged, must
            pass as at baseline;
- verify:   (projects marked `verify`) `termshift migrate --no-compat --verify
            "<the suite's command>" .` on a fresh copy: termshift runs the
            suite on copies of the tree before it writes anything, withdraws
            any rename the suite fails with, and the tree it writes must pass
            as at baseline (the line says how many runs it took and what was
            withdrawn).

Prints one line per project and mode, `project mode: N passed, M failed
(baseline N0)`, each failure's reasons under it, and exits 1 if any mode
failed. The full mode's line also says how much of the vocabulary moved:
`termshift check --select TSH101,TSH102,TSH103,TSH104` counts the legacy
identifiers in the tree before and after the migration, and the share gone is
reported (`93% of 412 legacy names renamed`); what is left is what termshift
kept and reported (third-party names, names it could not tie down).

Projects in corpus.LONG (proven, but whose suites take too long for every CI
run) and corpus.PENDING (a reproduction of what breaks them is in
tests/fixtures/fidelity/) are not run by default; `--project NAME` runs one,
`--all` adds the long ones. Standard library only; termshift runs from this interpreter's
environment, never from the projects' venvs. Logs: <cache>/logs/; the trees
of the last run stay in --work for a look.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import tempfile
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import corpus
import invariants
import sdist
import services
import suites
import venvs
from corpus import Project

HERE = Path(__file__).resolve().parent
MODES = ("full", "compat", "verify")
TEST_FOLDERS = ("tests", "test")
TEST_FILE_NAMES = ("conftest.py",)


@dataclass
class Result:
    project: str
    mode: str
    passed: int = 0
    failed: int = 0
    baseline: int = 0
    problems: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # expected compat differences that failed as expected
    # Legacy identifiers (TSH101-TSH104) `termshift check` finds in the pristine tree, and in the migrated one.
    legacy_before: int | None = None
    legacy_after: int | None = None
    unloadable: frozenset[str] = frozenset()  # baseline: entry points that don't load from the pristine tree
    note: str = ""  # verify mode: what `--verify` said it did

    @property
    def renamed(self) -> str | None:
        """`93% of 412 legacy names renamed`: the share of the pristine tree's legacy names gone after."""
        if self.legacy_before is None or self.legacy_after is None:
            return None
        if not self.legacy_before:
            return "no legacy names to rename"
        share = 1 - self.legacy_after / self.legacy_before
        return f"{share:.0%} of {self.legacy_before} legacy names renamed"

    @property
    def ok(self) -> bool:
        return not self.problems and self.failed == 0 and self.passed + len(self.differences) == self.baseline

    def line(self) -> str:
        line = f"{self.project} {self.mode}: {self.passed} passed, {self.failed} failed (baseline {self.baseline})"
        if self.differences:
            line += f", {len(self.differences)} expected difference{'s' if len(self.differences) != 1 else ''}"
        if self.renamed:
            line += f", {self.renamed}"
        if self.note:
            line += f", {self.note}"
        return line


@dataclass(frozen=True)
class Places:
    cache: Path
    scratch: Path  # work trees: outside any repository, so no outer pytest or git config applies

    @property
    def sdists(self) -> Path:
        return self.cache / "sdists"

    @property
    def venvs(self) -> Path:
        return self.cache / "venvs"

    def work(self, project: Project) -> Path:
        return self.scratch / project.name

    def log(self, project: Project, mode: str) -> Path:
        path = self.cache / "logs" / f"{project.name}-{mode}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _is_test_file(path: Path, tree: Path) -> bool:
    """A test module, a conftest, or any module of a tests/ folder (settings, helpers, fixtures)."""
    in_tests = any(part in TEST_FOLDERS for part in path.relative_to(tree).parts[:-1])
    return (in_tests or path.name.startswith("test_") or path.name.endswith("_test.py")
            or path.name in TEST_FILE_NAMES)


def _copy(pristine: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(pristine, target, symlinks=True)
    return target


def _config(venv: Path, tree: Path) -> Path:
    """termshift's settings for a project: where its third-party sources are.

    termshift runs from this environment, not the project's venv, so it is told
    where the project's dependencies live — as README asks of any user whose
    dependencies aren't importable where termshift runs — to tell a method that
    overrides a third-party base class (`unittest.TestCase`'s, `testtools`')
    from the project's own. The file lies beside the tree, not in it.
    """
    config = tree.with_name(f"{tree.name}.termshift.toml")
    config.write_text(f"search-path = [{json.dumps(str(venvs.site_packages(venv)))}]\n", encoding="utf-8")
    return config


_MIGRATE_FAILURES = ("error ", "Traceback", "nothing was written", "termshift: error", "Error:")


def _termshift(args: list[str], tree: Path, log: Path, venv: Path) -> list[str]:
    """Run `termshift migrate` from the harness's environment; its refusals are the mode's problems."""
    args = [*args, "--config", str(_config(venv, tree))]
    command = [sys.executable, "-m", "termshift", "migrate", *args]
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ (cd {tree} && termshift migrate {' '.join(args)})\n")
        out.flush()
        result = subprocess.run(command, cwd=tree, env=venvs.clean_env(), stdout=out, stderr=subprocess.PIPE,
                                text=True, stdin=subprocess.DEVNULL)
        out.write(result.stderr)
    reported = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    # Exit 1 with only refusals and unresolved uses is the design: a name termshift can't tie down is
    # kept whole and reported, and the project decides (the renamed share in the result line counts
    # them). An error, a file left unwritten or a crash is a problem.
    failures = [line for line in reported if line.startswith(_MIGRATE_FAILURES)]
    if result.returncode == 0 or (result.returncode == 1 and not failures):
        return []
    return [f"termshift migrate {' '.join(args)} exited {result.returncode}",
            *(f"  {line}" for line in (failures or reported)[-15:])]


def _library_targets(project: Project, tree: Path) -> list[str]:
    """What compat mode migrates: the library folders, or their non-test modules when tests live inside."""
    if project.tests_outside_library:
        return list(project.library)
    return sorted(
        path.relative_to(tree).as_posix()
        for folder in project.library
        for path in (tree / folder).rglob("*.py")
        if not _is_test_file(path, tree)
    )


def _changed_tests(pristine: Path, tree: Path) -> list[str]:
    """Test modules of the pristine tree that differ in tree: compat mode must run the originals."""
    changed = []
    for path in sorted(pristine.rglob("*.py")):
        relative = path.relative_to(pristine)
        if _is_test_file(path, pristine) and (
            not (tree / relative).is_file() or (tree / relative).read_bytes() != path.read_bytes()
        ):
            changed.append(relative.as_posix())
    return changed


def _suite(project: Project, venv: Path, tree: Path, log: Path, result: Result,
           differences: tuple = (), extra: tuple[str, ...] = ()) -> None:
    outcome = suites.run(project, venv, tree, log, extra)
    result.passed, result.failed = outcome.passed, outcome.failed
    for difference in differences:
        # Expected to fail, and checked: a difference that passes, or isn't run, is a problem too.
        if difference.test in outcome.failures:
            outcome.failures.remove(difference.test)
            result.failed -= 1
            result.differences.append(f"expected difference: {difference.test}: {difference.reason}")
        else:
            result.problems.append(f"expected difference did not fail: {difference.test}")
    if outcome.problem:
        result.problems.append(outcome.problem)
    for name in outcome.failures[:10]:
        result.problems.append(f"failed: {name}")
    if len(outcome.failures) > 10:
        result.problems.append(f"… and {len(outcome.failures) - 10} more failures")


def _baseline(project: Project, venv: Path, pristine: Path, places: Places) -> Result:
    log = places.log(project, "baseline")
    tree = _copy(pristine, places.work(project) / "baseline")
    venvs.install(venv, tree, log)
    result = Result(project.name, "baseline")
    _suite(project, venv, tree, log, result)
    result.baseline = result.passed
    result.unloadable = venvs.entry_point_failures(project, venv, log)
    if result.failed:
        result.problems.insert(0, "the pristine tree fails its own tests: fix the environment or exclude "
                                  "the test in corpus.py, with the reason")
    return result


LEGACY_NAMES = ("TSH101", "TSH102", "TSH103", "TSH104")


def _legacy_names(tree: Path, config: Path, log: Path) -> tuple[int | None, list[str]]:
    """How many legacy identifiers `termshift check` finds in tree (TSH101-TSH104), or a problem."""
    command = [sys.executable, "-m", "termshift", "check", "--format", "json", "--no-cache",
               "--select", ",".join(LEGACY_NAMES), "--config", str(config), "."]
    result = subprocess.run(command, cwd=tree, env=venvs.clean_env(), capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ (cd {tree} && termshift check --format json --select {','.join(LEGACY_NAMES)} .)"
                  f"  (exit {result.returncode})\n{result.stderr}")
    try:
        if result.returncode not in (0, 1):
            raise ValueError(f"exit {result.returncode}")
        findings = json.loads(result.stdout)["findings"]
    except (ValueError, KeyError) as error:
        return None, [f"counting legacy names: termshift check failed in {tree} ({error}): "
                      f"{result.stderr.strip()[-300:]}"]
    return sum(1 for finding in findings if finding.get("code") in LEGACY_NAMES), []


def _full(project: Project, venv: Path, pristine: Path, places: Places, baseline: Result) -> Result:
    log = places.log(project, "full")
    result = Result(project.name, "full", baseline=baseline.passed)
    tree = _copy(pristine, places.work(project) / "full")
    result.legacy_before, problems = _legacy_names(tree, _config(venv, tree), log)
    result.problems += problems
    result.problems += _termshift(["--no-compat", "."], tree, log, venv)
    result.legacy_after, problems = _legacy_names(tree, _config(venv, tree), log)
    result.problems += problems
    before = invariants.occurrences(pristine, project.invariants)
    after = invariants.occurrences(tree, project.invariants)
    result.problems += [f"{problem} (diff -r {pristine} {tree})" for problem in invariants.compare(before, after)]
    if project.invariants and invariants.check_available():
        # The same configuration as the migration: the same third-party sources, the same findings.
        result.problems += invariants.check_severities(tree, after, log, _config(venv, tree))
    venvs.install(venv, tree, log)
    result.problems += venvs.load_entry_points(project, venv, log, baseline.unloadable)
    _suite(project, venv, tree, log, result, project.full_differences)
    return result


def _verify(project: Project, venv: Path, pristine: Path, places: Places, baseline: Result) -> Result:
    """`migrate --no-compat --verify CMD`: the suite judges the renames before anything is written."""
    log = places.log(project, "verify")
    result = Result(project.name, "verify", baseline=baseline.passed)
    tree = _copy(pristine, places.work(project) / "verify")
    # The copies termshift makes run the suite from their own root, whose modules come first on
    # sys.path (`python -m`): the venv's installed copy of the project is not what they test.
    command = shlex.join(suites.command(project, venv))
    start = log.stat().st_size
    result.problems += _termshift(["--no-compat", "--verify", command, "."], tree, log, venv)
    said = log.read_text(encoding="utf-8")[start:]
    verdict = re.search(r"^verified: .*\((\d+) runs? of it\)$", said, re.MULTILINE)
    if verdict is None:
        result.problems.append(f"--verify gave no verdict (see {log})")
    else:
        withdrawn = re.findall(r"^withdrawn ('[^']*')", said, re.MULTILINE)
        result.note = (f"verified in {verdict.group(1)} runs, "
                       + (f"withdrawn: {', '.join(withdrawn)}" if withdrawn else "nothing withdrawn"))
    venvs.install(venv, tree, log)
    result.problems += venvs.load_entry_points(project, venv, log, baseline.unloadable)
    _suite(project, venv, tree, log, result, project.full_differences)
    return result


def _compat(project: Project, venv: Path, pristine: Path, places: Places, baseline: Result) -> Result:
    log = places.log(project, "compat")
    result = Result(project.name, "compat", baseline=baseline.passed)
    tree = _copy(pristine, places.work(project) / "compat")
    result.problems += _termshift(["--stage", "types", "--stage", "services", *_library_targets(project, tree)],
                                  tree, log, venv)
    result.problems += [f"compat mode changed a test module: {name}" for name in _changed_tests(pristine, tree)]
    venvs.install(venv, tree, log)
    result.problems += venvs.load_entry_points(project, venv, log, baseline.unloadable)
    _suite(project, venv, tree, log, result, project.compat_differences, project.compat_args)
    return result


def prove(project: Project, modes: tuple[str, ...], places: Places) -> list[Result]:
    started = time.monotonic()
    modes = tuple(mode for mode in modes if mode != "verify" or project.verify)
    for mode in ("baseline", *modes):
        places.log(project, mode).write_text("")
    setup_log = places.log(project, "baseline")
    try:
        archive = sdist.fetch(project, places.sdists)
        pristine = sdist.unpack(archive, places.work(project) / "pristine")
        venv = venvs.ensure(project, places.venvs, setup_log)
        if "redis" in project.services:
            services.install_redirect(venvs.site_packages(venv))
    except (sdist.FetchError, venvs.EnvironmentFailure) as error:
        return [Result(project.name, mode, problems=[f"setup: {error}"]) for mode in modes]
    results = []
    try:
        baseline = _baseline(project, venv, pristine, places)
        _say(f"{project.name}: {baseline.line()}")
        results.append(baseline)
        steps = {"full": _full, "compat": _compat, "verify": _verify}
        for mode in modes:
            try:
                result = steps[mode](project, venv, pristine, places, baseline)
            except venvs.EnvironmentFailure as error:
                result = Result(project.name, mode, baseline=baseline.passed, problems=[str(error)])
            _say(f"{project.name}: {result.line()}")
            results.append(result)
    except venvs.EnvironmentFailure as error:
        results.append(Result(project.name, "baseline", problems=[str(error)]))
    _say(f"{project.name}: done in {time.monotonic() - started:.0f} s")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    known = (*corpus.PROJECTS, *corpus.LONG, *corpus.PENDING)
    names = [project.name for project in known]
    parser.add_argument("--project", action="append", choices=names, help="only this project (repeatable)")
    parser.add_argument("--mode", action="append", choices=MODES, help="only this mode (repeatable)")
    parser.add_argument("--all", action="store_true",
                        help="also the projects whose suites take too long for every CI run (corpus.LONG)")
    parser.add_argument("--jobs", type=int, default=2, help="projects proven at once (default 2)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache",
                        help="downloads, venvs and logs (default e2e/.cache)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "termshift-e2e",
                        help="where the projects' trees are unpacked and migrated; must lie outside "
                             "this repository (default: %(default)s)")
    options = parser.parse_args(argv)
    default = (*corpus.PROJECTS, *corpus.LONG) if options.all else corpus.PROJECTS
    projects = [project for project in known
                if (project.name in options.project if options.project else project in default)]
    modes = tuple(mode for mode in MODES if not options.mode or mode in options.mode)
    places = Places(options.cache.resolve(), options.work.resolve())
    if HERE.parent in (places.scratch, *places.scratch.parents):
        parser.error("--work must lie outside this repository: its pytest and git settings would apply")

    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        everything = list(pool.map(lambda project: prove(project, modes, places), projects))

    failed = False
    for results in everything:
        for result in results:
            if result.mode == "baseline" and result.ok:
                continue  # its numbers are in the modes' lines
            print(result.line() if result.mode != "baseline" else f"{result.project} baseline: "
                  f"{result.passed} passed, {result.failed} failed")
            for problem in result.problems:
                print(f"    {problem}")
            for difference in result.differences:
                print(f"    {difference}")
            failed = failed or not result.ok
    print(f"logs: {places.cache / 'logs'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
