"""Applying a plan: the new texts, module moves and compat shims, as a diff or written.

LibCST rewrites only the files the plan edits (codemods/), in `--workers`
processes; every new text is parsed again before anything is written, and the
writing itself is one transaction (transaction.py): all files or none.
"""

from __future__ import annotations

import ast
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import files, parallel, slices
from .engine import Analysis
from .planning import Plan, is_shim_module
from .sites import Role, Site
from .workspace import TOO_DEEP, Problem


def load_the_rewrite() -> None:
    """What rewriting files needs: LibCST, whose import takes longer than a dense project's
    search, and the compat codemods. A migration loads it as `analyze`'s `meanwhile`, while the
    workers summarise, so that it costs no time of its own and the rewrite's forked workers
    start with it."""
    import libcst  # noqa: F401

    import termshift.codemods.compat  # noqa: F401


@dataclass(repr=False, eq=False)
class Outcome:
    """What applying a plan changed, or would change with --diff: texts, moves, new files, failures."""

    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (old text, new text)
    moved: list[tuple[str, str]] = field(default_factory=list)  # module files and folders, deepest first
    renamed_files: dict[str, str] = field(default_factory=dict)  # every file whose path changes
    failures: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # done, with a caveat the user should read
    created: dict[str, str] = field(default_factory=dict)  # new files (compat shims at old module paths) -> text
    # the packages' rename manifests (manifest.py) -> (their text before, or None when new; their text)
    manifests: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    # path -> (encoding, BOM) of the files in `changed`: a diff is written in each file's own bytes
    encodings: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def diff(self) -> str:
        """A unified diff, with module renames as git shows them (`diff_bytes`, as text)."""
        return self.diff_bytes().decode("utf-8", "surrogateescape")

    def diff_bytes(self) -> bytes:
        """The diff as `git apply` takes it: each file's lines in that file's encoding and line endings."""
        return b"".join(self.diff_pieces())

    def diff_pieces(self) -> Iterator[bytes]:
        """`diff_bytes`, a file at a time: a project's whole diff, as lines, is several times the
        size of the project, so the command writes each file's part as it is made."""
        from .patch import file_diff, join

        for path in sorted(set(self.changed) | set(self.renamed_files) | set(self.created) | set(self.manifests)):
            out: list[bytes] = []
            if path in self.created:
                out += [line.encode("utf-8") for line in _new_file_diff(path, self.created[path])]
            if path in self.manifests:
                before, after = self.manifests[path]
                out += [line.encode("utf-8") for line in _new_file_diff(path, after)] if before is None else [
                    f"diff --git a/{path} b/{path}".encode("utf-8"), *file_diff(path, path, before, after)]
            if path in self.changed or path in self.renamed_files:
                new_path = self.renamed_files.get(path, path)
                out.append(f"diff --git a/{path} b/{new_path}".encode("utf-8"))
                if new_path != path:
                    out += [f"rename from {path}".encode("utf-8"), f"rename to {new_path}".encode("utf-8")]
                if path in self.changed:
                    old_text, new_text = self.changed[path]
                    encoding, bom = self.encodings.get(path, ("utf-8", False))
                    out += file_diff(path, new_path, old_text, new_text, encoding=encoding, bom=bom)
            if out:
                yield join(out)


def _new_file_diff(path: str, text: str) -> list[str]:
    lines = text.splitlines()
    return [f"diff --git a/{path} b/{path}", "new file mode 100644", "--- /dev/null", f"+++ b/{path}",
            f"@@ -0,0 +1,{len(lines)} @@", *(f"+{line}" for line in lines)]


def _final_path(path: str, moves: list[tuple[str, str]]) -> str:
    for old, new in moves:  # deepest first, so files before their folders
        if path == old:
            path = new
        elif path.startswith(old + "/"):
            path = new + path[len(old):]
    return path


def apply(analysis: Analysis, the_plan: Plan, *, write: bool, compat_until: datetime.date | None = None,
          workers: int = 1, wire: bool = True, progress: Callable[[int, int], None] | None = None,
          phase: Callable[[str], None] | None = None, validate: bool = True) -> Outcome:
    """Rewrite the planned files (or only compute the result when `write` is false).

    With `compat_until`, what clients depend on keeps working until that date:
    renamed routes keep serving under their old paths. `wire=False` leaves out the
    wire transition layer (a module of its own, which a per-file rewrite can't create).
    `phase` and `progress` report the steps and the files rewritten, as for `analyze`.
    `validate=False` leaves the new texts unparsed, for a caller that parses them anyway
    (the proof, which analyses them) and then judges them with `validate_text`.
    """
    say = phase or (lambda label: None)
    say(f"rewriting {len(the_plan.edits)} files")
    from . import deprecation  # only a migration plans the compatibility layer

    outcome = Outcome()
    # Old public names, parameters and module paths keep working until compat_until.
    deprecated = deprecation.plan(analysis, the_plan) if compat_until is not None else None
    if deprecated is not None:
        outcome.notes += [
            Problem(path, line, column, f"a mock's {old!r} is {how}: compat can't make it stand "
                    f"for {new!r}, so this test needs the new name")
            for path, line, column, old, new, how in deprecation.mock_assertions(analysis, deprecated)]
    edits = the_plan.edits
    if deprecated is not None:
        # A module that only serves old names again (a star import re-exports them) has no edits.
        extra = sorted(path for path in deprecated.modules if path not in edits)
        for path in list(extra):
            if path not in analysis.sources:
                try:
                    analysis.sources[path] = files.read_source(analysis.root / path)
                except files.SourceError:
                    extra.remove(path)  # it was summarised a moment ago: gone since, nothing to serve
                    del deprecated.modules[path]
        edits = {**edits, **{path: [] for path in extra}} if extra else edits
    paths = sorted(edits)
    wired = None
    if compat_until is not None and wire:
        from . import markers, wiring  # old and new code share the wire until compat_until

        wired = wiring.plan(analysis, the_plan, compat_until, markers.today())
    job = _RewriteJob({path: analysis.sources[path] for path in paths}, edits,
                      deprecated.modules if deprecated is not None else None, compat_until, strict=write,
                      wire=wired.modules if wired is not None else {}, validate=validate)
    sizes = [len(analysis.sources[path].text) for path in paths]
    if not parallel.worth_a_pool(workers, len(paths), sum(sizes)):
        workers = 1
    elif job.compat or job.strict:
        import libcst  # noqa: F401  -- imported once here, inherited by forked workers

        if job.compat:
            import termshift.codemods.compat  # noqa: F401
    for path, (new_text, notes, failure) in zip(paths, parallel.run(_rewrite_file, paths, job, workers,
                                                                    weights=sizes, progress=progress)):
        outcome.notes += notes
        if failure is not None:
            outcome.failures.append(failure)
        elif new_text != analysis.sources[path].text:
            outcome.changed[path] = (analysis.sources[path].text, new_text)
            outcome.encodings[path] = (analysis.sources[path].encoding, analysis.sources[path].bom)
    if outcome.failures:
        # A file we could not rewrite would leave its names half renamed: write nothing.
        outcome.changed.clear()
        return outcome
    outcome.moved = list(the_plan.moves)
    for old, _ in the_plan.moves:
        old_path = analysis.root / old
        inside = [p for p in old_path.rglob("*") if p.is_file()] if old_path.is_dir() else [old_path]
        for member in inside:
            if "__pycache__" in member.parts:
                continue
            relative = member.relative_to(analysis.root).as_posix()
            outcome.renamed_files[relative] = _final_path(relative, the_plan.moves)
    if deprecated is not None:
        from termshift.codemods.compat import shim_module

        for shim in deprecation.shims(analysis, outcome.renamed_files, deprecated.modules):
            outcome.created[shim.path] = shim_module(shim, compat_until)
    from . import manifest  # the renames, for the projects that use this one (manifest.py)

    built = manifest.build(analysis, the_plan, outcome.renamed_files) if analysis.rename_manifest else {}
    for path, text in built.items():
        before = manifest.text_before(analysis.root, path, outcome.renamed_files)
        if text != before:
            outcome.manifests[path] = (before, text)
    if wired is not None and wired.path and wired.modules:
        existing = analysis.root / wired.path
        if not existing.exists():
            outcome.created[wired.path] = wired.text
        elif is_shim_module(existing):  # a run of another stage: the module learns its mapping too
            from . import markers, wiring

            before = existing.read_text(encoding="utf-8")
            text = wiring.merged(before, wired, compat_until, markers.today())
            if text != before:
                outcome.created[wired.path] = text
    if write:
        say(f"writing {len(outcome.changed) + len(outcome.created)} files")
        _write(analysis, outcome)
    return outcome


def _write(analysis: Analysis, outcome: Outcome) -> None:
    """Everything the outcome changes, as one transaction (transaction.py): all of it or none.

    The new texts are encoded first, so a text the file's encoding can't hold
    stops the run before anything is written."""
    from . import transaction

    root = analysis.root
    encoded = []
    for path, (_, new_text) in outcome.changed.items():
        try:
            encoded.append((root / path, files.encode_source(root / path, new_text, analysis.sources[path])))
        except files.SourceError as error:
            outcome.failures.append(Problem(path, 1, 0, str(error)))
    if outcome.failures:
        outcome.changed.clear()
        outcome.moved, outcome.renamed_files, outcome.created, outcome.manifests = [], {}, {}, {}
        return
    with transaction.begin(root) as journal:
        for path, data in encoded:
            journal.write(path, data)
        for old, new in outcome.moved:
            journal.move(root / old, root / new)
            _drop_bytecode(root / old)
        for path, text in outcome.created.items():
            journal.mkdir((root / path).parent)
            journal.write(root / path, text.encode("utf-8"), files.NEW_FILE_MODE)
        for path, (_, text) in outcome.manifests.items():
            journal.write(root / path, text.encode("utf-8"), files.NEW_FILE_MODE)


@dataclass(repr=False, eq=False)
class _RewriteJob:
    """What rewriting one file needs: inherited by forked workers, pickled once for the others."""

    sources: dict[str, files.SourceText]
    edits: dict[str, list[Site]]
    compat: dict | None  # deprecation's ModuleCompat per path, when compat code is added
    compat_until: datetime.date | None
    strict: bool  # the output is written: LibCST must accept it
    wire: dict = field(default_factory=dict)  # wiring.WireModule per path: the wire transition layer
    validate: bool = True  # parse each new text (`apply`'s `validate`)


def _rewrite_file(job: _RewriteJob, path: str) -> tuple[str | None, list[Problem], Problem | None]:
    """One file's new text, the notes for the user, or why it can't be rewritten."""
    from termshift.codemods.rename import SpliceError, splice

    source, sites, notes = job.sources[path], job.edits[path], []
    try:
        new_text = splice(source.text, sites)
        if "__all__" in source.text and any(site.role is Role.STRING for site in sites):
            from termshift.codemods.sorted_all import keep_sorted

            new_text = keep_sorted(source.text, new_text)
        if job.compat_until is not None and any(site.kind == "route" for site in sites):
            from termshift.codemods.routes import keep_old_routes

            new_text, bare = keep_old_routes(source.text, new_text, sites, job.compat_until,
                                             wire=path in job.wire)
            notes = [
                Problem(path, site.line, site.column,
                        "the old path can't keep serving here (its registration shares a line with other "
                        "code, or holds a comment or a triple-quoted string): register it by hand if clients "
                        "still call it")
                for site in bare
            ]
        if job.compat is not None and path in job.compat:
            from termshift.codemods.compat import add_block

            new_text = add_block(new_text, job.compat[path], job.compat_until, source.newline)
        if job.compat_until is not None and path in job.wire:
            from termshift.wiring import add_pieces

            new_text = add_pieces(new_text, job.wire[path], job.compat_until, source.newline)
        if job.validate and path.endswith((".py", ".pyi")):
            _validate(new_text, strict=job.strict)
    except (SpliceError, SyntaxError) as error:
        return None, notes, Problem(path, *_first_place(sites), f"rewrite refused: {error}")
    except RecursionError:
        return None, notes, Problem(path, *_first_place(sites), f"rewrite refused: {TOO_DEEP}")
    return new_text, notes, None


def _first_place(sites: list[Site]) -> tuple[int, int]:
    """Where a refused rewrite is reported: its first edit, or the top of a file given only compat code."""
    return (sites[0].line, sites[0].column) if sites else (1, 0)


def validate_text(text: str) -> bool:
    """Would `apply` (writing nothing) accept this new text of a Python file?"""
    try:
        _validate(text, strict=False)
    except (SyntaxError, RecursionError):
        return False
    return True


def _validate(text: str, *, strict: bool = True) -> None:
    """Re-parse the output before it may be written; LibCST is the stricter judge.

    When nothing is written (`--diff`, `--check`) Python's own parser is the
    judge: it runs at C speed and rejects what a bad splice breaks. Either judges
    a slice of statements at a time (slices.py), so a huge module is never held
    as a second tree, nor as a LibCST tree at all.
    """
    if not strict:
        try:
            slices.check(text, ast.parse, (SyntaxError, ValueError), size=slices.SLICE)
        except (SyntaxError, ValueError) as error:
            message = getattr(error, "msg", None) or str(error)
            raise SyntaxError(f"the rewritten code does not parse: {message}") from None
        return
    import libcst

    try:
        slices.check(text, libcst.parse_module, (libcst.ParserSyntaxError,), size=slices.CST_SLICE)
    except libcst.ParserSyntaxError as error:
        raise SyntaxError(f"the rewritten code does not parse: {error.message}") from None


def _drop_bytecode(old: Path) -> None:
    """A stale `__pycache__/jobs.*.pyc` would keep importing the old module name."""
    cache = old.parent / "__pycache__"
    if cache.is_dir():
        for pyc in cache.glob(f"{old.stem}.*.pyc"):
            try:
                os.remove(pyc)
            except OSError:
                pass
