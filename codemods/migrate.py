"""The migration as a LibCST codemod command, for `python -m libcst.tool codemod`.

    # .libcst.codemod.yaml
    modules: ['termshift.codemods']

    python -m libcst.tool codemod migrate.Migrate --no-format .
    python -m libcst.tool codemod migrate.Migrate --no-format --stage types --term job=step src/

LibCST's tool runs a command file by file, each in a fresh instance, in a
pool of worker processes. A rename is not a per-file affair — `class Job` in
one file and `from app.jobs import Job` in another move together or not at
all — so every file's answer comes from one plan of the whole project: the
same `engine.analyze` -> `plan` -> `apply` that `termshift migrate` runs,
computed once and looked up per file. The result of a file is exactly the
text `termshift migrate` would write for it.

Where the plan is made: libcst.tool builds a `FullRepoManager` for the
command's full-repo metadata providers and calls their `gen_cache(root,
paths)` once, in the parent process, before it forks its workers (it is how
LibCST hands Pyre's types to codemods). `ProjectPlan` is such a provider: its
`gen_cache` plans the run over the files the tool gathered and keeps the plan
in this module, where the forked workers inherit it; each file's metadata is
the plan's key. The tool hands the command's own options only to the per-file
constructors, so `add_args` registers them with an argparse action that also
records what the parent parsed, for `gen_cache` to plan with. Workers that
are not forked (the spawn and forkserver start methods: macOS, Windows,
Python 3.14 on Linux) read the same plan once each from a private temporary
file the key names. Run any other way (`transform_module` on one module),
the first file of a process makes the plan, over the whole project, and the
rest reuse it.

What a file-by-file framework can't do, the command does not half do:

- module files and package folders named with the term keep their names
  (everywhere: imports included) unless `--move-modules` is given; then the
  command moves each file itself as it reaches it and writes the non-Python
  files the rename reaches (packaging metadata) — side effects that happen
  even with `-u`, so don't combine the two;
- names that only non-Python files would carry along are kept likewise;
- the wire transition layer (`_termshift_wire.py`, for renamed keys, routes
  and events with compat on) is a module of its own: it is written by
  `termshift migrate` only, and old routes keep serving through plain twins;
- if any file can't be rewritten, every file fails: nothing is half renamed.
"""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Mapping

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile
from libcst.metadata import BatchableMetadataProvider

from termshift.config import STAGES

_DEFAULTS: dict[str, Any] = {"terms": None, "stages": None, "no_compat": False, "config": None,
                             "move_modules": False}
_PARSED: dict[str, Any] = {}  # what libcst.tool parsed in this (the parent) process
_RUNS: dict[tuple, "_Run"] = {}  # plans, by key: made once, inherited by forked workers
_NO_PLAN = ("no plan",)
_HELD_BACK = ("a LibCST codemod rewrites files in place: module files keep their names "
              "(give --move-modules, or run `termshift migrate`, to move them)")
_OUTSIDE = "only non-Python files would carry this rename along (give --move-modules to write them)"


class CodemodFailure(Exception):
    """The plan can't be carried out: every file reports it, and none is rewritten."""


class _Record(argparse.Action):
    """Stores the option as usual, and notes it for `ProjectPlan.gen_cache` in the same process."""

    def __call__(self, parser, namespace, values, option_string=None):
        if self.nargs == 0:
            values = self.const
        if self.dest in ("terms", "stages"):
            values = [*(getattr(namespace, self.dest, None) or []), values]
        setattr(namespace, self.dest, values)
        _PARSED[self.dest] = values


def _key(options: Mapping[str, Any], root: Path | None) -> tuple:
    return (str(root), tuple(options["terms"] or ()), tuple(options["stages"] or ()), options["no_compat"],
            str(options["config"]), options["move_modules"])


@dataclass(repr=False, eq=False)
class _Run:
    """One project's plan, and what it gives each file."""

    root: Path
    changed: dict[str, str] = field(default_factory=dict)  # relative path -> new text
    moved: list[tuple[str, str]] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)  # relative path -> SourceText (encoding, BOM)
    visited: frozenset[str] = frozenset()  # the Python files the tool goes through
    failure: str | None = None
    warnings: list[str] = field(default_factory=list)
    written_outside: bool = False

    def final(self, path: str) -> str:
        """Where the file is once the modules have moved."""
        from termshift.rewrite import _final_path

        return _final_path(path, self.moved)


def plan_run(options: Mapping[str, Any], paths: Collection[str]) -> _Run:
    """The plan for `paths` (files, or a folder for the whole project) with the command's options."""
    from termshift import api, engine, markers, planning, proof, rewrite, workspace

    try:
        root, config, targets = api.settings([Path(path) for path in sorted(paths)[:1]] or ["."],
                                             config=options["config"], terms=_terms(options["terms"]))
        stages = api._stages(options["stages"], config)
    except api.ConfigError as error:
        return _Run(Path("."), failure=str(error))
    targets = [Path(path).resolve() for path in paths] if paths else [root]
    workers, cache = engine.run_options(root, None, False)
    analysis = engine.analyze(root, targets, config, workers=workers, cache=cache, rewriting=True)
    the_plan = planning.plan(analysis, stages)
    keep: dict[str, str] = {}
    if not options["move_modules"]:
        keep.update((Path(old).stem if old.endswith((".py", ".pyi")) else Path(old).name, _HELD_BACK)
                    for old, _ in the_plan.moves)
        for path, sites in the_plan.edits.items():
            if not path.endswith((".py", ".pyi")):
                keep.update((site.old, _OUTSIDE) for site in sites if not site.local)
    keep = proof.proven_keep(analysis, config, stages, keep, workers=workers)
    if keep:
        the_plan = planning.plan(analysis, stages, keep)
    compat_until = None if options["no_compat"] else markers.until(markers.today(), config.compat_weeks)
    outcome = rewrite.apply(analysis, the_plan, write=False, compat_until=compat_until, wire=False)
    # The packages' rename manifests are new files like the compat shims: written with them.
    created = {**outcome.created, **{path: text for path, (_, text) in outcome.manifests.items()}}
    run = _Run(root, {path: new for path, (_, new) in outcome.changed.items()}, list(outcome.moved),
               created, dict(analysis.sources),
               frozenset(planning._rel(root, path) for path in analysis.targets))
    problems = [*analysis.problems, *outcome.failures]
    for path, text in run.changed.items():  # LibCST must take every file before any is written
        if path.endswith((".py", ".pyi")) and not outcome.failures:
            try:
                rewrite._validate(text, strict=True)
            except SyntaxError as error:
                outcome.failures.append(workspace.Problem(path, 1, 0, f"rewrite refused: {error}"))
    if outcome.failures:
        first = outcome.failures[0]
        run.failure = f"{first.path}:{first.line}: {first.message} (so no file is rewritten)"
    for problem in problems:
        run.warnings.append(f"termshift: {problem.path}:{problem.line}: {problem.message}")
    for refusal in the_plan.refusals:
        run.warnings.append(f"termshift: refused {refusal.path}:{refusal.line}: {refusal.reason}")
    for site in the_plan.unresolved:
        run.warnings.append(f"termshift: unresolved {site.path}:{site.line}: {site.old!r}: {site.note}")
    return run


def _terms(given: list[str] | None) -> dict[str, str] | None:
    if not given:
        return None
    terms = {}
    for item in given:
        old, equals, new = item.partition("=")
        if not equals or not old.strip() or not new.strip():
            from termshift.config import ConfigError

            raise ConfigError(f"--term {item!r}: expected OLD=NEW, e.g. job=step")
        terms[old.strip()] = new.strip()
    return terms


class ProjectPlan(BatchableMetadataProvider[tuple]):
    """Full-repo metadata: the key of the run's plan, made once by `gen_cache` before the tool forks."""

    def __init__(self, cache: object = None) -> None:
        # Without a FullRepoManager (one module, run directly) there is no cache: the command plans itself.
        super().__init__(_NO_PLAN if cache is None else cache)

    @classmethod
    def gen_cache(cls, root_path: Path, paths: list[str], timeout: int | None = None,
                  **kwargs: Any) -> Mapping[str, object]:
        options = {**_DEFAULTS, **_PARSED}
        python = [path for path in paths if path.endswith((".py", ".pyi"))]
        if not python:
            return {}
        run = plan_run(options, python)
        # Workers that aren't forked from here (the spawn and forkserver start methods) read the same
        # plan from a file the key names (not sent with every task; nor made again, from a tree the
        # other workers are already rewriting).
        key = _key(options, run.root) + (_saved(run),)
        _RUNS[key] = run
        return {path: key for path in paths}

    def visit_Module(self, node: cst.Module) -> bool:
        self.set_metadata(node, self.cache)
        return False


class Migrate(CodemodCommand):
    """Rename the legacy term across the project, as `termshift migrate` does, file by file."""

    DESCRIPTION = ("Rename a domain term (default job -> step) across the project, as `termshift migrate` "
                   "does; the whole project is planned once per run.")
    METADATA_DEPENDENCIES = (ProjectPlan,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        _PARSED.clear()
        arg_parser.add_argument("--term", dest="terms", action=_Record, metavar="OLD=NEW",
                                help="A term to rename (repeatable); default: the project's configuration "
                                     "([tool.termshift] terms), else job=step.")
        arg_parser.add_argument("--stage", dest="stages", action=_Record, choices=STAGES,
                                help="Run only this stage (repeatable); default: the configuration's stages.")
        arg_parser.add_argument("--no-compat", dest="no_compat", action=_Record, nargs=0, const=True, default=False,
                                help="Don't keep the old names working as deprecated aliases.")
        arg_parser.add_argument("--config", dest="config", action=_Record, metavar="FILE",
                                help="Read termshift's settings from FILE instead of pyproject.toml / termshift.toml.")
        arg_parser.add_argument("--move-modules", dest="move_modules", action=_Record, nargs=0, const=True,
                                default=False,
                                help="Also move module files and folders named with the term, and write packaging "
                                     "metadata, as the files are reached (writes even with -u).")

    def __init__(self, context: CodemodContext, terms: list[str] | None = None, stages: list[str] | None = None,
                 no_compat: bool = False, config: str | None = None, move_modules: bool = False) -> None:
        super().__init__(context)
        self.options = {"terms": terms, "stages": stages, "no_compat": no_compat, "config": config,
                        "move_modules": move_modules}

    def _run(self, tree: cst.Module, filename: str) -> _Run:
        """The run's plan: the one `gen_cache` made before the fork, else this process's own."""
        key = self.get_metadata(ProjectPlan, tree, _NO_PLAN)
        run = _RUNS.get(key) if key != _NO_PLAN else None
        if run is not None and key[:6] == _key(self.options, run.root):
            return run
        if key != _NO_PLAN and key[:6] == _key(self.options, Path(key[0])) and os.path.isfile(key[-1]):
            # Not forked from the process that planned: its plan, read once.
            import pickle

            with open(key[-1], "rb") as saved:
                run = _RUNS[key] = pickle.load(saved)
            return run
        path = Path(filename).resolve()
        for known, run in _RUNS.items():
            if known[-1] == "process" and known[:6] == _key(self.options, run.root) and path.is_relative_to(run.root):
                return run
        run = _whole_project(self.options, filename)
        _RUNS[_key(self.options, run.root) + ("process",)] = run
        return run

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename
        if not filename:
            raise SkipFile("termshift needs the file's path to know its project: stdin is not supported")
        run = self._run(tree, filename)
        if run.failure is not None:
            raise CodemodFailure(run.failure)
        path = Path(filename).resolve()
        try:
            relative = path.relative_to(run.root).as_posix()
        except ValueError:
            raise SkipFile(f"outside the project {run.root}") from None
        if relative == min(run.visited, default=None):
            for warning in run.warnings:
                self.warn(warning)
            if self.options["move_modules"]:
                self._write_outside(run)
        new_text = run.changed.get(relative)
        final = run.final(relative)
        if final != relative:
            return self._move(run, tree, relative, final, new_text)
        if new_text is None:
            return tree
        return _module(new_text, tree)

    def _move(self, run: _Run, tree: cst.Module, relative: str, final: str, new_text: str | None) -> cst.Module:
        """`--move-modules`: the file's new text goes to its new path; the old path gets its compat shim, or goes."""
        from termshift import files

        old_path, new_path = run.root / relative, run.root / final
        source = run.sources.get(relative)
        text = new_text if new_text is not None else tree.code
        data = files.encode_source(old_path, text, source) if source is not None else text.encode(tree.encoding)
        new_path.parent.mkdir(parents=True, exist_ok=True)
        new_path.write_bytes(data)
        shutil.copymode(old_path, new_path)
        shim = run.created.get(relative)
        if shim is not None:
            return _module(shim, tree)
        old_path.unlink()
        _prune(old_path.parent, run.root)
        raise SkipFile(f"moved to {final}")

    def _write_outside(self, run: _Run) -> None:
        """`--move-modules`: the non-Python files the rename reaches, and new files no visited path stands for."""
        if run.written_outside:
            return
        run.written_outside = True
        for path, text in run.changed.items():
            if path not in run.visited and not path.endswith((".py", ".pyi")):
                (run.root / path).write_text(text, encoding="utf-8")
        for path, text in run.created.items():
            if path not in run.visited:
                (run.root / path).parent.mkdir(parents=True, exist_ok=True)
                (run.root / path).write_text(text, encoding="utf-8")


def _saved(run: _Run) -> str:
    """The plan, in a private temporary file that goes when the process that made it ends."""
    import atexit
    import pickle
    import tempfile

    descriptor, name = tempfile.mkstemp(prefix="termshift-codemod-", suffix=".pickle")
    with os.fdopen(descriptor, "wb") as out:
        pickle.dump(run, out, protocol=pickle.HIGHEST_PROTOCOL)
    atexit.register(lambda: os.path.exists(name) and os.unlink(name))
    return name


def _whole_project(options: Mapping[str, Any], filename: str) -> _Run:
    from termshift import roots

    return plan_run(options, [roots.find_root(os.path.abspath(filename))])


def _module(text: str, like: cst.Module) -> cst.Module:
    return cst.parse_module(text).with_changes(encoding=like.encoding)


def _prune(folder: Path, root: Path) -> None:
    """A package folder left empty by the moves goes, as `termshift migrate` moves it whole."""
    while folder != root and folder.is_dir():
        cache = folder / "__pycache__"
        if cache.is_dir() and not any(entry.is_dir() or entry.suffix != ".pyc" for entry in cache.iterdir()):
            left = [entry for entry in folder.iterdir() if entry != cache]
            if left:
                return
            shutil.rmtree(cache, ignore_errors=True)
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
