"""`migrate --verify CMD`: the project's own tests are the final judge of a migration.

termshift renames a name only when it can tie every use to the definition, but
some uses are out of any analysis's sight: a name built at run time
(`getattr(job, "_".join(["job", "id"]))`), `eval`, a template rendered by
another program, a pickle on disk. Only running the project can tell. So
`--verify` runs the project's own command (its test suite) on temporary copies
of the project, never in the user's tree:

1. on a copy of the project as it is: the command must pass there, or it can
   judge nothing;
2. on a copy migrated with the plan (analysed and written there exactly as the
   project itself would be): if the command passes, the plan is the one applied;
3. if it fails, the renames responsible are found by bisection over the names
   the plan renames (adaptive group testing: one culprit in O(log n) runs,
   withdrawn, and again until the command passes). A withdrawn name keeps its
   spelling everywhere and is refused with the reason, like any name termshift
   keeps (`planning.plan(..., keep=...)`).

Every run costs one run of the command, so the number of runs is capped
(`--verify-budget`): past it nothing is written. The copies live in the
system's temporary folder and are removed whatever happens, Ctrl-C and SIGTERM
included; the command runs in a session of its own, and whatever is left of it
is killed with the copy.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import engine, files, planning, rewrite, transaction
from .config import Config

# What a copy of the project leaves out: version control, termshift's own state, caches and
# virtual environments (a folder holding pyvenv.cfg is one, whatever its name). The project's
# own `exclude` patterns are left out too.
COPY_EXCLUDES: tuple[str, ...] = (
    ".git/",
    ".hg/",
    ".svn/",
    ".termshift_cache/",
    "__pycache__/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
)
TAIL_LINES = 15  # of the command's output, shown when it fails
_TAIL_BYTES = 64 * 1024
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def reason(command: str) -> str:
    """Why a name withdrawn by --verify keeps its spelling (the refusal's reason)."""
    return f"withdrawn by --verify: `{command}` fails with it renamed"


class VerifyError(Exception):
    """Verification can't give a verdict: reported in one line, nothing is written."""

    exit_code = 2


class OriginalFails(VerifyError):
    """The command fails on the project as it is: it can judge nothing."""


class BudgetSpent(VerifyError):
    """The runs allowed are spent and the command still fails on the migrated copy."""

    exit_code = 1


class Unsteady(VerifyError):
    """The command gave two answers for the same tree (a flaky test)."""

    exit_code = 1


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived while verifying (raised from the handler, like KeyboardInterrupt)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


@dataclass
class Run:
    """One run of the command on a copy."""

    number: int
    passed: bool
    tail: list[str]
    seconds: float
    timed_out: bool = False


@dataclass(repr=False, eq=False)
class Verdict:
    """What verification found: the plan to apply, and the names it withdrew (name -> the end of
    the command's output with it renamed)."""

    command: str
    plan: planning.Plan
    runs: int = 0
    withdrawn: dict[str, list[str]] = field(default_factory=dict)
    verified: bool = False
    note: str = ""  # why nothing was verified, when it wasn't


@dataclass(repr=False, eq=False)
class Verifier:
    """Runs `command` on copies of the analysed project, planned with some names kept."""

    analysis: engine.Analysis
    config: Config
    stages: Sequence[str]
    command: str
    compat_until: object = None  # datetime.date | None, as rewrite.apply takes it
    workers: int = 1
    budget: int = 30
    timeout: float = 600.0
    say: Callable[[str], None] = lambda message: None
    runs: int = 0
    # Names kept before the command is asked (the proof's, proof.py): every plan here keeps them too.
    base: Mapping[str, str] = field(default_factory=dict)
    _temp: Path | None = None
    _known: dict[frozenset[str], Run] = field(default_factory=dict)

    # -- the bisection ---------------------------------------------------------------------

    def verify(self) -> Verdict:
        full = planning.plan(self.analysis, self.stages, keep=self.base)
        names = renamed_names(full)
        if not names:
            return Verdict(self.command, full, note=f"nothing to rename, so `{self.command}` was not run")
        with self._scratch():
            original = self._run_on(None, f"`{self.command}` on a copy of the project as it is")
            assert original is not None
            if not original.passed:
                what = f"timed out after {_seconds(self.timeout)}" if original.timed_out else "fails"
                raise OriginalFails(
                    f"--verify needs a command that passes on the project as it is, and `{self.command}` "
                    f"{what} there; nothing was changed" + _tail_text(original.tail))
            first = self._trial(frozenset(), f"with the migration applied ({_count(len(names), 'name')} renamed)")
            if first is None:
                return Verdict(self.command, full, self.runs,
                               note="the plan can't be applied (see the errors above), so nothing was verified")
            if first.passed:
                return Verdict(self.command, full, self.runs, verified=True)
            withdrawn: dict[str, list[str]] = {}
            try:
                self._bisect(names, first, withdrawn)
            except BudgetSpent as error:
                found = (f"; withdrawn so far: {', '.join(map(repr, withdrawn))}" if withdrawn
                         else "; no culprit found yet")
                raise BudgetSpent(f"{error} and it still fails with the migration{found}. Nothing was "
                                  "written (a larger --verify-budget lets the search go on)") from None
            kept = {**self.base, **{name: reason(self.command) for name in withdrawn}}
            return Verdict(self.command, planning.plan(self.analysis, self.stages, keep=kept), self.runs,
                           withdrawn=withdrawn, verified=True)

    def _bisect(self, names: list[str], failing: Run, withdrawn: dict[str, list[str]]) -> None:
        """Withdraw one culprit at a time until the command passes: each found by binary search
        for the shortest prefix of the names that, renamed (and the rest kept), fails.

        Invariant: renaming `candidates[:lo]` passes (none renamed is the project as it is),
        renaming all of `candidates` fails, the names in `withdrawn` (filled in here) always kept."""
        candidates = list(names)
        lo = 0
        while True:
            hi, tail = len(candidates), failing.tail
            if hi <= lo:
                raise Unsteady(
                    f"`{self.command}` passed and failed on the same migration: it doesn't give the same "
                    f"answer twice, so it can't judge the renames; nothing was written" + _tail_text(tail))
            while hi - lo > 1:
                middle = (lo + hi) // 2
                run = self._partial(frozenset(withdrawn) | frozenset(candidates[middle:]),
                                    f"looking for a culprit among {hi - lo} names, {middle - lo} of them renamed")
                if run.passed:
                    lo = middle
                else:
                    hi, tail = middle, run.tail
            culprit = candidates.pop(hi - 1)
            withdrawn[culprit] = tail
            lo = hi - 1
            self.say(f"{culprit!r} is withdrawn: `{self.command}` fails with it renamed")
            if not candidates:
                return  # nothing renamed: the project as it is, which passes
            failing = self._partial(frozenset(withdrawn), f"with the migration applied, "
                                    f"{_count(len(withdrawn), 'name')} withdrawn")
            if failing.passed:
                return

    def _partial(self, kept: frozenset[str], what: str) -> Run:
        run = self._trial(kept, what)
        if run is None:
            raise VerifyError("a part of the plan can't be applied while the whole of it can; nothing was written")
        return run

    # -- one run on a copy -----------------------------------------------------------------

    def _trial(self, kept: frozenset[str], what: str) -> Run | None:
        """The command's run on a copy migrated with the names in `kept` withdrawn; None when the
        plan can't be applied at all (a file that can't be rewritten)."""
        if kept in self._known:
            return self._known[kept]
        keep = {**self.base, **{name: reason(self.command) for name in kept}}
        expected = planning.plan(self.analysis, self.stages, keep=keep)

        def prepare(copy: Path) -> bool:
            analysis = engine.analyze(copy, self._targets(copy), self._copy_config(), workers=self.workers,
                                      rewriting=True)
            the_plan = planning.plan(analysis, self.stages, keep=keep)
            if _signature(the_plan) != _signature(expected):
                raise VerifyError(
                    "the copy of the project in a temporary folder plans another migration than the project "
                    f"itself ({_first_difference(the_plan, expected)}): something outside the project shapes "
                    "its analysis, so the copy can't stand for it; nothing was changed")
            try:
                outcome = rewrite.apply(analysis, the_plan, write=True, compat_until=self.compat_until,
                                       workers=self.workers)
            except transaction.RolledBack as error:
                if error.signal_number == signal.SIGINT:
                    raise KeyboardInterrupt from None
                if error.signal_number:
                    raise Stopped(error.signal_number) from None
                raise VerifyError(f"can't write the temporary copy: {error}") from None
            return not outcome.failures

        run = self._run_on(prepare, what)
        if run is not None:
            self._known[kept] = run
        return run

    def _run_on(self, prepare: Callable[[Path], bool] | None, what: str) -> Run | None:
        """A fresh copy of the project, prepared (None if it can't be), then the command run in it:
        one run of the budget."""
        if self.runs >= self.budget:
            raise BudgetSpent(f"the budget of {self.budget} runs of `{self.command}` is spent")
        assert self._temp is not None
        number = self.runs + 1
        place = self._temp / f"run-{number}"
        copy = place / self.analysis.root.name
        self.say(f"run {number} (of at most {self.budget}): {what}")
        try:
            copy_project(self.analysis.root, copy, self.config.exclude)
            if prepare is not None and not prepare(copy):
                return None
            self.runs += 1
            run = run_command(self.command, copy, self.timeout, place / "output.log")
            run.number = number
            verdict = "passes" if run.passed else ("timed out" if run.timed_out else "fails")
            self.say(f"run {number}: {verdict} ({run.seconds:.1f}s)")
            return run
        finally:
            _remove(place)

    def _targets(self, copy: Path) -> list[Path]:
        root = self.analysis.root
        return [copy / path.relative_to(root) if path.is_relative_to(root) else path for path in self.analysis.given]

    def _copy_config(self) -> Config:
        """The project's configuration, with its search path where it is for the project itself
        (`../vendor` beside the project is not beside the copy)."""
        root = self.analysis.root
        return dataclasses.replace(
            self.config, search_path=tuple(str((root / entry).resolve()) for entry in self.config.search_path))

    @contextlib.contextmanager
    def _scratch(self) -> Iterator[None]:
        """The temporary folder of the copies, removed at the end whatever happens; SIGTERM and
        SIGHUP stop the run (as Ctrl-C does) so that it is."""
        previous = {}
        try:
            for number in _STOP_SIGNALS:
                previous[number] = signal.signal(number, _stop)
        except ValueError:  # not the main thread: signals stay as they are
            pass
        self._temp = Path(tempfile.mkdtemp(prefix="termshift-verify-"))
        try:
            yield
        finally:
            quiet = {}
            with contextlib.suppress(ValueError):
                for number in (signal.SIGINT, *_STOP_SIGNALS):
                    quiet[number] = signal.signal(number, signal.SIG_IGN)
            try:
                _remove(self._temp)
            finally:
                for number, handler in {**quiet, **previous}.items():
                    signal.signal(number, handler)
                self._temp = None


def verify(analysis: engine.Analysis, config: Config, stages: Sequence[str], command: str, *,
           compat_until=None, workers: int = 1, budget: int = 30, timeout: float = 600.0,
           say: Callable[[str], None] = lambda message: None, keep: Mapping[str, str] | None = None) -> Verdict:
    """The plan of `stages` that `command` passes with, found on copies of the analysed project;
    the names in `keep` are kept whatever the command says."""
    return Verifier(analysis, config, stages, command, compat_until, workers, budget, timeout, say,
                    base=dict(keep or {})).verify()


def renamed_names(the_plan: planning.Plan) -> list[str]:
    """What bisection works on: the distinct old spellings the plan renames, and the stems of the
    module files and folders it moves."""
    names = {site.old for sites in the_plan.edits.values() for site in sites}
    names.update(Path(old).stem if old.endswith((".py", ".pyi")) else Path(old).name for old, _ in the_plan.moves)
    return sorted(names)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _stop(number: int, frame: object) -> None:
    raise Stopped(number)


def _signature(the_plan: planning.Plan) -> tuple:
    edits = sorted((site.path, site.line, site.column, site.old, site.new)
                   for sites in the_plan.edits.values() for site in sites)
    return edits, sorted(the_plan.moves)


def _first_difference(one: planning.Plan, other: planning.Plan) -> str:
    (edits, moves), (other_edits, other_moves) = _signature(one), _signature(other)
    for path, line, column, old, new in sorted(set(edits) ^ set(other_edits)):
        return f"{path}:{line}:{column + 1}: {old!r}"
    for old, new in sorted(set(moves) ^ set(other_moves)):
        return f"the move of {old}"
    return "the same edits in another order"


# -- copies and runs ---------------------------------------------------------------------


def copy_project(root: Path, destination: Path, excludes: Sequence[str] = ()) -> None:
    """Copy the project to `destination`: what running its command needs, without version
    control, termshift's state, caches, virtual environments and the paths the project excludes.
    Symlinks are copied as links; sockets and pipes are left out."""
    rules = files._Rules(root, (*COPY_EXCLUDES, *excludes), use_gitignore=False)

    def ignore(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(root).as_posix()
        left_out = set()
        for name in names:
            path = os.path.join(folder, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                left_out.add(name)
                continue
            is_dir = stat.S_ISDIR(mode)
            if not (is_dir or stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                left_out.add(name)
            elif rules.ignores_relative(name if relative == "." else f"{relative}/{name}", is_dir):
                left_out.add(name)
            elif is_dir and (os.path.exists(os.path.join(path, "pyvenv.cfg"))
                             or os.path.isdir(os.path.join(path, "conda-meta"))):
                left_out.add(name)  # a virtual environment
        return left_out

    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root, destination, symlinks=True, ignore=ignore)


def run_command(command: str, cwd: Path, timeout: float, log: Path) -> Run:
    """`command` through the shell in `cwd`, its output (both streams) in `log`: in a session of
    its own, so that a timeout or an interruption stops it and everything it started."""
    started = time.monotonic()
    timed_out = False
    with open(log, "wb") as output:
        process = subprocess.Popen(command, shell=True, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(process)
            code = process.returncode
        except BaseException:
            _kill(process)
            raise
        _kill_group(process.pid, signal.SIGKILL)  # whatever it left running in the copy
    seconds = time.monotonic() - started
    tail = _tail(log)
    if timed_out:
        tail.append(f"(termshift: stopped after {_seconds(timeout)})")
    return Run(0, code == 0 and not timed_out, tail, seconds, timed_out)


def _kill(process: subprocess.Popen) -> None:
    _kill_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid, signal.SIGKILL)
        process.wait()


def _kill_group(group: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(group, number)


def _tail(log: Path) -> list[str]:
    try:
        with open(log, "rb") as output:
            output.seek(0, os.SEEK_END)
            size = output.tell()
            output.seek(max(0, size - _TAIL_BYTES))
            data = output.read()
    except OSError:
        return []
    lines = data.decode("utf-8", "replace").splitlines()
    if size > _TAIL_BYTES and lines:
        lines = lines[1:]  # the first may be cut
    while lines and not lines[-1].strip():
        lines.pop()
    return lines[-TAIL_LINES:]


def _tail_text(tail: list[str]) -> str:
    if not tail:
        return " (it printed nothing)"
    return ":\n" + "\n".join(f"    {line}" for line in tail)


def _seconds(value: float) -> str:
    return f"{value:g}s"


def _remove(path: Path) -> None:
    """Remove a copy, whatever the command left in it (read-only files and folders included)."""
    def writable(function, name, _info) -> None:
        try:
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            if not os.path.islink(name):
                os.chmod(name, stat.S_IRWXU)
            function(name)
        except OSError:
            pass

    if not os.path.lexists(path):
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=writable)
    else:
        shutil.rmtree(path, onerror=writable)
