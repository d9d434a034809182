"""The plan: which sites a migration renames in the chosen stages, and which it refuses.

A name moves whole or not at all: `plan` turns the analysis's sites into edits
and module moves, and withholds every occurrence of a name that would collide,
half-rename a wire literal or reach a file it can't rewrite (accounting.py says
which), so nothing is left half renamed. `check` plans too, to tell which
findings `--fix` can fix.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from . import files, listed_modules, markers
from .engine import FIELD_KINDS, TYPE_KINDS, Analysis
from .sites import Action, Role, Site
from .sitetable import SiteTable


@dataclass
class Refusal:
    """A rename not made, and why: it would collide or half-rename something."""

    path: str
    line: int
    column: int
    old: str
    new: str
    reason: str
    local: bool = False  # a function's local, kept in its function alone


@dataclass(repr=False, eq=False)
class Plan:
    """What the chosen stages would change: the edits, the module moves, and what is refused."""

    edits: SiteTable = field(default_factory=SiteTable)  # relative path -> RENAME sites to apply
    moves: list[tuple[str, str]] = field(default_factory=list)  # relative (old, new), deepest first
    # The modules that would move but for a refusal of their name: still legacy paths, for the check.
    refused_moves: list[tuple[str, str]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    unresolved: list[Site] = field(default_factory=list)
    refused_names: set[str] = field(default_factory=set)
    # Site key -> why its name is kept (`.get(key)`): an accounting.Withdrawn once something is.
    withheld: Mapping[tuple[str, int, int], str] = field(default_factory=dict)


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


def plan(analysis: Analysis, stages: Iterable[str], keep: Mapping[str, str] | None = None, *,
         other_files: bool = True) -> Plan:
    """The edits and moves of the chosen `stages`, and what is refused.

    `keep` maps names (old spellings, module stems included) to why they must keep their
    spelling (`--verify` withdraws the renames the project's own tests fail with): every site
    of such a name, a function's locals included, is withdrawn, the module named so stays
    where it is, and the name is refused with that reason. `other_files`: read the project's
    configuration and template files for names that hold a rename back; only a report that
    writes nothing may skip them.
    """
    stages = set(stages)
    keep = dict(keep or {})
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
    wanted: list[tuple[str, str]] = []  # every module move the stages ask for, refused or not
    moves = _module_moves(analysis, stages, result, wanted)
    payload_names = analysis.payload_names()
    kept_first: dict[str, Site] = {}  # a name in `keep` -> its first site the stages would rename

    visible = _Visible(analysis.sites)  # every site outside compat code, chosen stage or not
    result.edits = SiteTable(packed=analysis.sites.packed)
    for path, sites in analysis.sites.items():
        if not sites:
            continue
        chosen = []
        pieces = analysis.compat_pieces(path)
        if pieces:
            # Compat code names the old terms on purpose; `cleanup` removes it.
            sites = visible.hidden[path] = [site for site in sites if not markers.covering(pieces, site.line)]
        for site in sites:
            if stage_of(site, type_names, payload_names) not in stages:
                continue
            if site.action is Action.RENAME and site.old in keep:
                first = kept_first.get(site.old)
                if first is None or _first_key(site) < _first_key(first):
                    kept_first[site.old] = site
                continue
            if site.action is Action.RENAME and (site.local or site.old not in result.refused_names):
                chosen.append(site)
            elif site.action is Action.UNRESOLVED:
                result.unresolved.append(site)
        if chosen:
            result.edits[path] = chosen
    _withhold(analysis, result, visible, other_files, moves)
    _keep(analysis, result, keep, kept_first, moves)
    result.moves = [(old, new) for old, new in moves if Path(old).stem not in result.refused_names]
    result.refused_moves = [(old, new) for old, new in wanted
                            if Path(old).stem in result.refused_names and Path(old).stem not in keep]
    return result


class _Visible(Mapping[str, "list[Site]"]):
    """Every file's sites but those in compat code: the files without any are read from the
    analysis as they are asked for, not copied (a large project's sites are packed)."""

    def __init__(self, sites: Mapping[str, list[Site]]):
        self.sites = sites
        self.hidden: dict[str, list[Site]] = {}  # path -> its sites outside compat code, where it has some

    def __getitem__(self, path: str) -> list[Site]:
        found = self.hidden.get(path)
        return found if found is not None else self.sites[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.sites)

    def __len__(self) -> int:
        return len(self.sites)


def _first_key(site: Site) -> tuple:
    """Where a name is best shown: its definition first, then in path order."""
    return (site.role is not Role.DEFINITION, site.path, site.line, site.column)


def _keep(analysis: Analysis, result: Plan, keep: dict[str, str], first: dict[str, Site],
          moves: list[tuple[str, str]]) -> None:
    """The names the caller keeps: refused once each, where the plan would have renamed them
    (a name refused already may still have had locals to rename: they are what this withdraws)."""
    for name, reason in sorted(keep.items()):
        moved = next((old for old, _ in moves if Path(old).stem == name), None)
        site = first.get(name)
        if site is None and moved is None:
            continue  # nothing the chosen stages would rename
        where = (moved, 1, 0) if moved is not None else (site.path, site.line, site.column)
        new = analysis.vocabulary.rewrite(name) or (site.new if site is not None else name)
        result.refusals.append(Refusal(*where, name, new, reason))
        result.refused_names.add(name)


def _withhold(analysis: Analysis, result: Plan, visible: Mapping[str, list[Site]], other_files: bool,
              moves: list[tuple[str, str]] = ()) -> None:
    """A spelling with an occurrence that can't be tied to what is renamed keeps its name everywhere.

    A module file or folder that moves is accounted for like its name's other renames, even where
    no import names it (`"from app.jobs import Job"` run in a child interpreter holds `jobs` back).
    The renames are gone through a file at a time, never gathered: a large project's are packed."""
    from . import routes_elsewhere
    from .accounting import Lines, other_names, whole_string, withhold

    modules = [_moving_module(analysis, old, new) for old, new in moves]
    chosen = _Chosen(result.edits, modules)  # with the dotted paths in other files, once added
    texts = analysis.sources.texts(within=frozenset(path for path in visible if path in analysis.sources))
    elsewhere: list[Site] = []
    if other_files:
        lines = Lines(texts)
        routes: dict[str, list[Site]] = {}  # a route's path segment -> the renames of words in it
        for site in chosen:
            if site.kind == "route":
                segment = routes_elsewhere.segment_of(lines.line(site.path, site.line), site)
                if segment:
                    routes.setdefault(segment, []).append(site)
        others = list(_other_texts(analysis)) if routes else None
        if routes:
            asked = routes_elsewhere.spelled_in_strings(routes, visible, lines.line)
            asked.update(routes_elsewhere.requested(routes, others))
            _hold_routes(analysis, result, routes, asked)
        names = {site.old for site in chosen if not site.local and site.role not in (Role.LITERAL, Role.PROSE)}
        # A key or value the code spells whole (`"ownership-jobs"`) is data's too: a YAML fixture that
        # says `- ownership-jobs` is read back into the very lookup the rename would change.
        names.update(name for site in chosen if site.role is Role.LITERAL and not site.local
                     for name in (whole_string(lines.line(site.path, site.line), site),) if name)
        if names:
            others = list(_other_texts(analysis)) if others is None else others
            dotted = _dotted_paths(analysis, others, list(chosen), moves)
            tied = {site.key() for sites in dotted.values() for site in sites}
            for path, sites in dotted.items():
                result.edits[path] = sites
            elsewhere = [site for site in other_names(others, names) if site.key() not in tied]
    held, withdrawn = withhold(visible, chosen, texts, elsewhere)
    if not held:
        return
    result.withheld = withdrawn
    for entry in held:
        if entry.moves_module:
            result.refused_names.add(entry.name)  # the module keeps its file name too
        first = entry.first
        result.refusals.append(Refusal(first.path, max(first.line, 1), first.column, entry.name,
                                       analysis.vocabulary.rewrite(entry.name) or first.new,
                                       withdrawn.reasons[entry.number], entry.local))
    for path in withdrawn.paths():
        _drop_edits(result, path, withdrawn)


def _hold_routes(analysis: Analysis, result: Plan, routes: dict[str, list[Site]],
                 requested: dict[str, tuple[str, int]]) -> None:
    """Withdraw the renames in the route segments another file of the project requests
    (routes_elsewhere.py), each segment refused once, at its first rename."""
    withdrawn: dict[str, set[tuple]] = {}
    for segment, (path, line) in sorted(requested.items()):
        sites = routes[segment]
        for site in sites:
            withdrawn.setdefault(site.path, set()).add(site.key())
        first = min(sites, key=lambda site: (site.path, site.line, site.column))
        result.refusals.append(Refusal(
            first.path, first.line, first.column, segment, analysis.vocabulary.rewrite(segment) or first.new,
            f"the route segment {segment!r} is kept: {path}:{line} spells a path with it (a front end, a spec, a "
            "URL or a page in a string), and nothing ties that text to the route: renamed, it would ask for a "
            "path no longer served"))
    for path, keys in withdrawn.items():
        _drop_edits(result, path, keys)


def _drop_edits(result: Plan, path: str, withdrawn) -> None:
    """Take the sites whose keys are in `withdrawn` out of the plan's edits of `path`."""
    if path not in result.edits:
        return
    kept = [site for site in result.edits[path] if site.key() not in withdrawn]
    if kept:
        result.edits[path] = kept
    else:
        del result.edits[path]


class _Chosen:
    """The renames a plan has chosen, gone through anew each time it is iterated (a file's edits
    at a time), with the module moves."""

    def __init__(self, edits: Mapping[str, list[Site]], modules: list[Site]):
        self.edits, self.modules = edits, modules

    def __iter__(self) -> Iterator[Site]:
        for sites in self.edits.values():
            yield from sites
        yield from self.modules


def _moving_module(analysis: Analysis, old: str, new: str) -> Site:
    """A module move as the accounting sees it: a definition of the module's name, at line 0 of its
    file or folder (no site of the file's text is there, so withdrawing it withdraws no other)."""
    stem, new_stem = (Path(old).stem, Path(new).stem) if old.endswith((".py", ".pyi")) else (Path(old).name, Path(new).name)
    return Site(old, 0, 0, 0, len(stem), stem, new_stem, "module", Role.DEFINITION, Action.RENAME)


def _other_texts(analysis: Analysis) -> Iterable[tuple[str, str]]:
    """The project's text files that aren't Python and that the analysis didn't read, mentioning the term."""
    from .accounting import OTHER_SUFFIXES

    needles = analysis.vocabulary.needles
    for path in files.discover(analysis.root, [analysis.root], analysis.exclude, suffixes=OTHER_SUFFIXES):
        relative = _rel(analysis.root, path)
        if relative in analysis.others_read:
            yield relative, analysis.sources[relative].text
            continue
        if relative in analysis.sources or relative in analysis.sites or path.name in files.PROJECT_MARKERS:
            continue  # read by the analysis (packaging metadata included)
        try:
            raw = files._read_all(path)
        except OSError:
            continue
        if any(needle in raw.lower() for needle in needles) or analysis.vocabulary.mentions(relative):
            yield relative, raw.decode("utf-8", "replace")


def _dotted_paths(analysis: Analysis, texts: list[tuple[str, str]], chosen: list[Site],
                  moves: list[tuple[str, str]]) -> dict[str, list[Site]]:
    """The renames of dotted paths to the project's code in its other text files (dotted_elsewhere.py)."""
    from . import dotted_elsewhere

    modules = {module: _rel(analysis.root, path) for path, module in analysis.project.module_of.items()}
    index = analysis.index

    def members(module: str, qualname: str):
        summary = index.module(module)
        if summary is None:
            return None
        if not qualname:
            return {name for name, symbol in summary.symbols.items() if symbol.kind not in ("import", "module-import")}
        info = summary.classes.get(qualname)
        return None if info is None else set(info.members)

    found = dotted_elsewhere.sites(texts, modules, chosen, moves, members)
    for path in found:
        if path not in analysis.sources:
            try:
                analysis.sources[path] = files.read_source(analysis.root / path)
            except files.SourceError:
                continue
            analysis.others_read.add(path)
    return {path: sites for path, sites in found.items() if path in analysis.others_read}


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
        # One that parses but can't be searched (too deep) has a summary, so uses elsewhere are tied
        # to its names: those must not move without their definitions.
        summary = analysis.index.module(module)
        if summary is None:
            continue
        names = [name for name, symbol in summary.symbols.items() if symbol.kind not in ("import", "module-import")]
        names += [member for info in summary.classes.values() for member in info.members]
        for name in names:
            new = analysis.vocabulary.rewrite(name)
            if new is not None and name not in result.refused_names:
                result.refused_names.add(name)
                result.refusals.append(
                    Refusal(problem.path, problem.line, problem.column, name, new,
                            f"{name!r} is defined in {problem.path}, which can't be analysed, so its name is kept"))
    _refuse_names_broken_modules_spell(analysis, result)


def _refuse_names_broken_modules_spell(analysis: Analysis, result: Plan) -> None:
    """A file that can't be analysed still uses names of the rest of the project (`job.CopyJob`,
    `record["job_id"]`), unseen: each name or key it spells that a rename elsewhere would change is
    kept everywhere, or the file would be left calling the old one."""
    spelled: dict[str, tuple[str, str]] = {}  # old -> (new, the file spelling it)
    for problem in analysis.problems:
        try:
            text = files.read_source(analysis.root / problem.path).text
        except (files.SourceError, OSError):
            continue
        for old, new in spelled_names(text, analysis.vocabulary).items():
            spelled.setdefault(old, (new, problem.path))
    spelled = {old: where for old, where in spelled.items() if old not in result.refused_names}
    if not spelled:
        return
    renamed = {site.old for site in analysis.all_sites()
               if site.action is Action.RENAME and not site.local and site.old in spelled}
    for old in sorted(renamed):
        new, path = spelled[old]
        result.refused_names.add(old)
        result.refusals.append(Refusal(path, 1, 0, old, new,
                                       f"{old!r} is spelled in {path}, which can't be analysed, so it is kept"))


_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)  # Python 3.12 tokenizes an f-string's text apart


def spelled_names(text: str, vocabulary) -> dict[str, str]:
    """Every name in `text`, and every word of a string without spaces in it (a key, a route), that
    `vocabulary` renames: old -> new. Comments and prose are left out; text that doesn't tokenize
    is read word by word."""
    found: dict[str, str] = {}

    def name(word: str) -> None:
        new = vocabulary.rewrite(word)
        if new is not None:
            found.setdefault(word, new)

    def string(value: str) -> None:
        if value and not any(char.isspace() for char in value):
            if value.isidentifier():
                name(value)
            for match in vocabulary.scan(value):
                if match.replacement:
                    found.setdefault(match.word, match.replacement)

    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME:
                name(token.string)
            elif token.type == tokenize.STRING:
                body = token.string.lstrip("rRbBuUfF")
                quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
                string(body[len(quote):len(body) - len(quote)])
            elif token.type == _FSTRING_MIDDLE:
                string(token.string)
    except (tokenize.TokenError, SyntaxError):
        for match in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", text):
            name(match.group())
    return found


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


def _module_moves(analysis: Analysis, stages: set[str], result: Plan,
                  wanted: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Module files and package folders whose names carry the term (each added to `wanted`, and
    returned unless its name is refused)."""
    if "services" not in stages:
        return []
    root = analysis.root
    vocabulary = analysis.vocabulary
    top = str(root)
    # A module or package named with the term spells it in its path below the root.
    named = {path for path in analysis.targets
             if str(path).startswith(top) and vocabulary.mentions(str(path)[len(top):])}
    renames: dict[Path, Path] = {}
    for path in sorted(named):
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
            if is_shim_module(path):
                break  # a module compat left at an old import path: `cleanup` removes it
            old_path = root.joinpath(*parts[: index + 1])
            new_name = new + (Path(name).suffix if index == len(parts) - 1 else "")
            renames[old_path] = old_path.with_name(new_name)
    moves: list[tuple[str, str]] = []
    spelled: set[str] | None = None

    def imported(stem: str) -> bool:
        """Does an import (or a string) of the project name a module `stem`? Read once, when asked."""
        nonlocal spelled
        if spelled is None:
            spelled = {site.old for sites in analysis.sites.values() for site in sites
                       if site.kind == "module" and site.role is not Role.DEFINITION}
        return stem in spelled

    for old_path, new_path in sorted(renames.items(), key=lambda item: -len(item[0].parts)):
        stem = old_path.stem if old_path.is_file() else old_path.name
        wanted.append((_rel(root, old_path), _rel(root, new_path)))
        if stem in result.refused_names:
            continue
        link = next((link for link, target in analysis.links.items()
                     if target == old_path or old_path in target.parents), None)
        if link is not None:
            result.refused_names.add(stem)
            result.refusals.append(
                Refusal(_rel(root, old_path), 1, 0, stem, new_path.stem,
                        f"can't rename module {_rel(root, old_path)}: the symlink {_rel(root, link)} points "
                        f"into it and would be left dangling")
            )
            continue
        why = listed_modules.why_listed(analysis.index, analysis.project, old_path, imported) \
            if old_path.suffix in (".py", ".pyi") else ""
        if why:
            result.refused_names.add(stem)
            result.refusals.append(Refusal(_rel(root, old_path), 1, 0, stem, new_path.stem, why))
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


def is_shim_module(path: Path) -> bool:
    """Is the file at `path` a compat module an earlier run planted at a module's old path?"""
    if not files.read_bytes_prefilter(path, (b"termshift: compat module",)):
        return False
    try:
        return any(piece.kind == "module" for piece in markers.scan(files.read_source(path).text))
    except files.SourceError:
        return False


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


