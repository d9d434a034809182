"""The engine: discover, pre-filter, gather, find, plan, rewrite.

`analyze` is shared by `check` and `migrate`: both see exactly the same sites.
`plan` turns sites into edits for the chosen stages, refusing collisions as a
whole (a refused name keeps its old spelling everywhere, so nothing is ever
half renamed). `apply` writes, or only reports, what the plan changes.
"""

from __future__ import annotations

import ast
import datetime
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import deprecation, files, markers
from .config import Config
from .finder import Collision, Finder
from .index import Index
from .project import Project
from .sites import Action, Site
from .vocabulary import Vocabulary

TYPE_KINDS = frozenset({"class", "type-alias", "type-var"})


@dataclass(frozen=True)
class Problem:
    """A file-level failure: unreadable, undecodable or unparsable."""

    path: str
    line: int
    column: int
    message: str


@dataclass
class Analysis:
    root: Path
    project: Project
    index: Index
    vocabulary: Vocabulary
    sites: dict[str, list[Site]] = field(default_factory=dict)  # relative path -> sites
    collisions: dict[str, list[Collision]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, files.SourceText] = field(default_factory=dict)
    targets: list[Path] = field(default_factory=list)
    skipped_generated: list[str] = field(default_factory=list)
    given: list[Path] = field(default_factory=list)

    def compat_pieces(self, path: str) -> list[markers.Piece]:
        """The compat code in a file: its sites are seen (the lint needs them) but never planned."""
        source = self.sources.get(path)
        return markers.scan(source.text) if source is not None else []

    def all_sites(self) -> Iterable[Site]:
        for sites in self.sites.values():
            yield from sites


class Workspace:
    """Reads and parses each file at most once per run."""

    def __init__(self, root: Path):
        self.root = root
        self.sources: dict[Path, files.SourceText | None] = {}
        self.trees: dict[Path, ast.Module | None] = {}
        self.errors: dict[Path, Problem] = {}

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def source(self, path: Path) -> files.SourceText | None:
        if path not in self.sources:
            try:
                self.sources[path] = files.read_source(path)
            except files.SourceError as error:
                self.sources[path] = None
                self.errors[path] = Problem(self.relative(path), 1, 0, str(error))
        return self.sources[path]

    def tree(self, path: Path) -> ast.Module | None:
        if path not in self.trees:
            source = self.source(path)
            tree = None
            if source is not None:
                try:
                    tree = ast.parse(source.text, filename=str(path))
                except (SyntaxError, ValueError) as error:
                    line = getattr(error, "lineno", None) or 1
                    column = max((getattr(error, "offset", None) or 1) - 1, 0)
                    message = getattr(error, "msg", None) or str(error)
                    self.errors[path] = Problem(self.relative(path), line, column, f"can't parse: {message}")
            self.trees[path] = tree
        return self.trees[path]


def analyze(
    root: Path,
    paths: Iterable[Path],
    config: Config,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Find every site in the files named by `paths`, with the whole project as context."""
    root = root.resolve()
    vocabulary = config.vocabulary()
    everything = files.discover(root, [root], config.exclude)
    paths = [Path(path).resolve() for path in paths]
    targets = files.discover(root, paths, config.exclude)
    project = Project.build(root, [*everything, *targets], config.first_party)
    workspace = Workspace(root)
    index = Index(project, workspace.tree, _search_path(root, config))
    analysis = Analysis(root, project, index, vocabulary, targets=targets, given=paths)

    mentioning = {path for path in everything if files.read_bytes_prefilter(path, vocabulary.needles)}
    mentioning.update(path for path in targets if files.read_bytes_prefilter(path, vocabulary.needles))
    # Gather: the project-wide facts come from every first-party module that mentions the term.
    index.gather(project.module_of[path] for path in sorted(mentioning) if path in project.module_of)
    index.routes, index.string_roles = _string_facts(
        workspace, sorted(path for path in mentioning if path in project.module_of), vocabulary
    )

    target_set = set(targets)
    for path in sorted(mentioning - target_set):
        source = workspace.sources.get(path)
        if source is not None and files.is_generated(source.text):
            analysis.skipped_generated.append(workspace.relative(path))

    work = [path for path in targets if path in mentioning]
    for done, path in enumerate(work, 1):
        relative = workspace.relative(path)
        source = workspace.source(path)
        if source is not None and files.is_generated(source.text):
            analysis.skipped_generated.append(relative)
            continue
        tree = workspace.tree(path)
        if tree is None:
            analysis.problems.append(workspace.errors[path])
            continue
        module = project.module_of.get(path, path.stem)
        if module not in index._summaries or index._summaries[module] is None:
            index.summarize(tree, module, path)
        found = Finder(index=index, vocabulary=vocabulary, path=relative, module=module, text=source.text, tree=tree).run()
        analysis.sites[relative] = found.sites
        if found.collisions:
            analysis.collisions[relative] = found.collisions
        analysis.sources[relative] = source
        if progress:
            progress(done, len(work))
    _metadata(analysis, workspace, root, paths)
    return analysis


def _metadata(analysis: Analysis, workspace: "Workspace", root: Path, targets: list[Path]) -> None:
    """Packaging metadata at the root, when the run covers the root itself."""
    from termshift.codemods import packaging

    if not any(root == path or root in path.parents for path in targets):
        return
    for path in packaging.metadata_files(root):
        if not files.read_bytes_prefilter(path, analysis.vocabulary.needles):
            continue
        source = workspace.source(path)
        if source is None:
            continue
        relative = workspace.relative(path)
        sites = packaging.find_sites(relative, source.text, analysis.index, analysis.vocabulary)
        if sites:
            analysis.sites[relative] = sites
            analysis.sources[relative] = source


def _string_facts(workspace: "Workspace", paths: list[Path], vocabulary: Vocabulary):
    """Project-wide facts about strings: the routes the project registers (a
    request path elsewhere, a test client's, is one of ours only when it
    matches one), and how it uses its keys and event names (see StringRoles)."""
    from .literals import StringRoles, registered_routes

    routes: set[tuple[str, ...]] = set()
    roles = StringRoles()
    for path in paths:
        tree = workspace.tree(path)
        if tree is not None:
            routes |= registered_routes(tree)
            roles.add(tree, vocabulary.needles)
    return frozenset(routes), roles


def _search_path(root: Path, config: Config) -> tuple[str, ...]:
    return tuple(str((root / entry).resolve()) for entry in config.search_path)


# -- planning -----------------------------------------------------------------


@dataclass
class Refusal:
    path: str
    line: int
    column: int
    old: str
    new: str
    reason: str


@dataclass
class Plan:
    edits: dict[str, list[Site]] = field(default_factory=dict)  # relative path -> RENAME sites to apply
    moves: list[tuple[str, str]] = field(default_factory=list)  # relative (old, new), deepest first
    refusals: list[Refusal] = field(default_factory=list)
    unresolved: list[Site] = field(default_factory=list)
    refused_names: set[str] = field(default_factory=set)


FIELD_KINDS = frozenset({"field", "attribute", "payload-key"})


def stage_of(site: Site, type_names: set[str], payload_names: frozenset[str]) -> str:
    """Identifiers take their stage from what they name, project-wide, so a
    name is never renamed as a type in one file and left as a variable in another.

    A field whose name is a key on the wire (a TypedDict field, a field of a
    data class that asdict() turns into a payload) moves with the payload
    keys, in `webhooks`: renaming it earlier would change the wire format.
    """
    if site.kind in ("key", "route", "event", "payload-key", "prose"):
        return site.stage
    if site.kind in FIELD_KINDS and site.old in payload_names:
        return "webhooks"
    return "types" if site.old in type_names else "services"


def plan(analysis: Analysis, stages: Iterable[str]) -> Plan:
    stages = set(stages)
    result = Plan()
    type_names = {name for name, kinds in analysis.index.defined.items() if kinds & TYPE_KINDS}
    type_names.update(
        site.old for site in analysis.all_sites() if site.action is Action.RENAME and site.kind in TYPE_KINDS
    )

    # Collisions refuse a name everywhere.
    for path, collisions in analysis.collisions.items():
        pieces = analysis.compat_pieces(path)
        for collision in collisions:
            if pieces and markers.covering(pieces, collision.line):
                continue
            stage = "types" if collision.old in type_names else "services"
            if stage in stages:
                result.refused_names.add(collision.old)
                result.refusals.append(
                    Refusal(path, collision.line, collision.column, collision.old, collision.new,
                            f"renaming {collision.old!r} to {collision.new!r} would collide: {collision.where}")
                )

    _refuse_broken_modules(analysis, result)
    _refuse_generated_names(analysis, result)
    moves = _module_moves(analysis, stages, result)
    payload_names = analysis.index.payload_names()

    for path, sites in analysis.sites.items():
        chosen = []
        pieces = analysis.compat_pieces(path)
        for site in sites:
            if stage_of(site, type_names, payload_names) not in stages:
                continue
            if pieces and markers.covering(pieces, site.line):
                continue  # compat code names the old terms on purpose; `cleanup` removes it
            if site.action is Action.RENAME and site.old not in result.refused_names:
                chosen.append(site)
            elif site.action is Action.UNRESOLVED:
                result.unresolved.append(site)
        if chosen:
            result.edits[path] = chosen
    result.moves = moves
    return result


def _refuse_broken_modules(analysis: Analysis, result: Plan) -> None:
    """A module that can't be parsed can't be renamed: keep its name everywhere."""
    for problem in analysis.problems:
        module = analysis.project.module_of.get(analysis.root / problem.path)
        if not module:
            continue
        for part in module.split("."):
            if analysis.vocabulary.rewrite(part) is not None and part not in result.refused_names:
                result.refused_names.add(part)
                result.refusals.append(
                    Refusal(problem.path, problem.line, problem.column, part, analysis.vocabulary.rewrite(part) or part,
                            f"module {module!r} can't be parsed, so its name is kept")
                )


def _refuse_generated_names(analysis: Analysis, result: Plan) -> None:
    """A @generated module is rewritten by its generator, not by us: the names
    it defines keep their spelling everywhere until it is regenerated."""
    vocabulary = analysis.vocabulary
    for path in analysis.skipped_generated:
        module = analysis.project.module_of.get(analysis.root / path)
        summary = analysis.index.module(module) if module else None
        if summary is None:
            continue
        names = [name for name, symbol in summary.symbols.items() if symbol.kind not in ("import", "module-import")]
        names += [member for info in summary.classes.values() for member in info.members]
        names += module.split(".")
        for name in names:
            new = vocabulary.rewrite(name)
            if new is not None and name not in result.refused_names:
                result.refused_names.add(name)
                result.refusals.append(
                    Refusal(path, 1, 0, name, new, f"{name!r} is defined in a @generated file: regenerate it, then migrate")
                )


def _module_moves(analysis: Analysis, stages: set[str], result: Plan) -> list[tuple[str, str]]:
    """Module files and package folders whose names carry the term."""
    if "services" not in stages:
        return []
    root = analysis.root
    vocabulary = analysis.vocabulary
    targets = set(analysis.targets)
    renames: dict[Path, Path] = {}
    for path in sorted(targets):
        if path not in analysis.project.module_of:
            continue
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        # Only the module's own name and its package folders are module names.
        module = analysis.project.module_of[path]
        depth = len(module.split(".")) if path.stem != "__init__" else len(module.split(".")) + 1
        for index in range(len(parts) - depth, len(parts)):
            if index < 0:
                continue
            name = parts[index]
            stem = name[: -len(Path(name).suffix)] if index == len(parts) - 1 else name
            new = vocabulary.rewrite(stem)
            if new is None or stem == "__init__":
                continue
            if _is_shim_module(path):
                break  # a module compat left at an old import path: `cleanup` removes it
            old_path = root.joinpath(*parts[: index + 1])
            new_name = new + (Path(name).suffix if index == len(parts) - 1 else "")
            renames[old_path] = old_path.with_name(new_name)
    moves: list[tuple[str, str]] = []
    for old_path, new_path in sorted(renames.items(), key=lambda item: -len(item[0].parts)):
        stem = old_path.stem if old_path.is_file() else old_path.name
        if stem in result.refused_names:
            continue
        if new_path.exists():
            result.refused_names.add(stem)
            result.refusals.append(
                Refusal(_rel(root, old_path), 1, 0, stem, new_path.stem,
                        f"can't rename module {_rel(root, old_path)} to {_rel(root, new_path)}: it exists")
            )
            continue
        moves.append((_rel(root, old_path), _rel(root, new_path)))
    # A refusal found here may hit sites already chosen: drop moves of refused names.
    return [(old, new) for old, new in moves if Path(old).stem not in result.refused_names]


def _is_shim_module(path: Path) -> bool:
    if not files.read_bytes_prefilter(path, (b"termshift: compat module",)):
        return False
    try:
        return any(piece.kind == "module" for piece in markers.scan(files.read_source(path).text))
    except files.SourceError:
        return False


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


# -- applying -----------------------------------------------------------------


@dataclass
class Outcome:
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (old text, new text)
    moved: list[tuple[str, str]] = field(default_factory=list)  # module files and folders, deepest first
    renamed_files: dict[str, str] = field(default_factory=dict)  # every file whose path changes
    failures: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # done, with a caveat the user should read
    created: dict[str, str] = field(default_factory=dict)  # new files (compat shims at old module paths) -> text

    def diff(self) -> str:
        """A unified diff, with module renames as git shows them."""
        out: list[str] = []
        for path in sorted(set(self.changed) | set(self.renamed_files) | set(self.created)):
            if path in self.created:
                out += _new_file_diff(path, self.created[path])
            if path not in self.changed and path not in self.renamed_files:
                continue
            new_path = self.renamed_files.get(path, path)
            out.append(f"diff --git a/{path} b/{new_path}")
            if new_path != path:
                out += [f"rename from {path}", f"rename to {new_path}"]
            if path not in self.changed:
                continue
            old_text, new_text = self.changed[path]
            lines = difflib.unified_diff(
                old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{new_path}",
            )
            for line in lines:
                out.append(line.rstrip("\r\n"))
                if not line.endswith(("\n", "\r")):
                    out.append("\\ No newline at end of file")
        return "\n".join(out) + ("\n" if out else "")


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


def apply(analysis: Analysis, the_plan: Plan, *, write: bool, compat_until: datetime.date | None = None) -> Outcome:
    """Rewrite the planned files (or only compute the result when `write` is false).

    With `compat_until`, what clients depend on keeps working until that date:
    renamed routes keep serving under their old paths.
    """
    from termshift.codemods.rename import SpliceError, splice

    outcome = Outcome()
    # Old public names, parameters and module paths keep working until compat_until.
    deprecated = deprecation.plan(analysis, the_plan) if compat_until is not None else None
    for path, sites in sorted(the_plan.edits.items()):
        source = analysis.sources[path]
        try:
            new_text = splice(source.text, sites)
            if compat_until is not None and any(site.kind == "route" for site in sites):
                from termshift.codemods.routes import keep_old_routes

                new_text, bare = keep_old_routes(source.text, new_text, sites, compat_until)
                outcome.notes += [
                    Problem(path, site.line, site.column,
                            "the old path can't keep serving here (its registration shares a line or spans "
                            "several): register it by hand if clients still call it")
                    for site in bare
                ]
            if deprecated is not None and path in deprecated.modules:
                from termshift.codemods.compat import add_block

                new_text = add_block(new_text, deprecated.modules[path], compat_until, source.newline)
            if path.endswith((".py", ".pyi")):
                _validate(new_text)
        except (SpliceError, SyntaxError) as error:
            outcome.failures.append(Problem(path, sites[0].line, sites[0].column, f"rewrite refused: {error}"))
            continue
        if new_text != source.text:
            outcome.changed[path] = (source.text, new_text)
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
    if write:
        for path, (_, new_text) in outcome.changed.items():
            files.write_source(analysis.root / path, new_text, analysis.sources[path])
        for old, new in the_plan.moves:
            files.move_path(analysis.root / old, analysis.root / new)
            _drop_bytecode(analysis.root / old)
        for path, text in outcome.created.items():
            (analysis.root / path).parent.mkdir(parents=True, exist_ok=True)
            files.write_source(analysis.root / path, text, files.SourceText(text, "utf-8", False, "\n"))
    return outcome


def _validate(text: str) -> None:
    """Re-parse the output before it may be written; LibCST is the stricter judge."""
    import libcst

    try:
        libcst.parse_module(text)
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
