"""Which renames leave a deprecated old name behind, and where.

`migrate` keeps old clients working through the deprecation period: every
renamed name that someone outside the module may use — its *public
surface* — stays reachable under the old name, with a warning. This module
decides that surface from the sites of a plan and the index's module
summaries; `termshift.codemods.compat` writes the code. It is pure planning,
so it never imports LibCST.

Public means not underscore-prefixed (dunders are public) and reachable from
the package: module-level names, names a package or an `__all__` re-exports,
public classes and their public members, the parameters of public functions
and methods (and the fields a data class or named tuple takes as keywords),
and modules and packages that moved. Locals and test modules get no compat:
nobody outside can be relying on them.

Private names get none either — unless code outside the migrated paths still
spells them. When only part of a project is migrated (the library, not its
tests), the files left out are clients like any other: a test that calls
`client._get_job_folder()`, or a subclass overriding `_parse_job_id`, depends
on that name whatever its underscore says. So an underscore-prefixed old name
that occurs, as a whole word, in a project file outside the migrated paths
counts as public (`OutsideUses`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from . import fieldclasses, markers
from .index import UNKNOWN
from .sites import Action, Role, Site

MODULE_KINDS = frozenset({"class", "type-alias", "type-var", "function", "variable", "constant", "module"})
MEMBER_KINDS = frozenset({"method", "attribute", "field", "class"})
IMPORTED = ("import", "module-import")
_ACCESSORS = ("property", ".setter", ".getter", ".deleter")


@dataclass
class ModuleCompat:
    """What one module keeps under its old names. Paths inside are the new spellings."""

    path: str  # relative path of the file, as in `plan.edits` (before any move)
    module: str
    names: dict[str, str] = field(default_factory=dict)  # module level: old -> new
    members: dict[str, dict[str, str]] = field(default_factory=dict)  # "Class" -> old -> new
    keywords: dict[str, dict[str, str]] = field(default_factory=dict)  # "f" / "Class.method" -> old -> new
    chains_getattr: bool = False  # the module has its own __getattr__ to fall back to
    starred: set[str] = field(default_factory=set)  # old names whose new ones a star import binds here

    def __bool__(self) -> bool:
        return bool(self.names or self.members or self.keywords)


@dataclass(frozen=True)
class Shim:
    """A module left at an old import path, standing for the module that moved away."""

    path: str  # relative path of the shim file (the old path of a moved module)
    old_module: str
    new_module: str
    package: bool  # an old package's __init__: its submodules have shims of their own
    old_names: tuple[str, ...] = ()  # deprecated names the new module still serves


@dataclass
class CompatPlan:
    """What the compat layer must add, per module, before the renames are applied."""

    modules: dict[str, ModuleCompat] = field(default_factory=dict)  # relative path -> request


def is_public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__") and len(name) > 4)


class OutsideUses:
    """Which private names the project's files outside the migrated paths still spell.

    A whole-word search of their bytes: cheap, and erring on the side of
    keeping an old name working (a local that happens to share the name
    costs one unneeded alias, which `cleanup` removes like any other). Files
    are read on the first question, and only those that mention the term at
    all are kept: an old name carries the term, so no other file can spell it.
    """

    def __init__(self, paths: Iterable[Path], needles: tuple[bytes, ...]) -> None:
        self._paths = sorted(paths)
        self._needles = needles
        self._texts: list[bytes] | None = None
        self._answers: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        if name not in self._answers:
            word = re.compile(rb"(?<![\w])" + re.escape(name.encode()) + rb"(?![\w])")
            self._answers[name] = any(word.search(text) for text in self._read())
        return self._answers[name]

    def _read(self) -> list[bytes]:
        if self._texts is None:
            self._texts = []
            for path in self._paths:
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                lowered = data.lower()
                if any(needle in lowered for needle in self._needles):
                    self._texts.append(data)
        return self._texts


def outside_uses(analysis) -> OutsideUses:
    """The private names used by the project's files that this run leaves alone."""
    targets = set(analysis.targets)
    others = (path for path in analysis.project.module_of if path not in targets)
    return OutsideUses(others, analysis.vocabulary.needles)


def surface(outside: OutsideUses) -> Callable[[str], bool]:
    """Whether an old name is part of what clients use: public, or spelled outside the run."""
    return lambda name: is_public(name) or name in outside


def is_test_module(module: str) -> bool:
    """Test suites are nobody's API: they get no compat code."""
    parts = module.split(".")
    return parts[-1] in ("conftest", "test", "tests") or parts[-1].startswith("test_") or parts[-1].endswith(
        "_test") or any(part in ("test", "tests") for part in parts[:-1])  # `tests.py`: a Django app's suite


def _public_path(dotted: str, used: Callable[[str], bool] = is_public) -> bool:
    return all(used(part) for part in dotted.split("."))


def plan(analysis, the_plan) -> CompatPlan:
    """What each module of a migration plan keeps under its old names (shims: see `shims`)."""
    result = CompatPlan()
    used = surface(outside_uses(analysis))
    init_keywords = _init_keywords(analysis, the_plan)
    for path, sites in sorted(the_plan.edits.items()):
        if not path.endswith(".py"):
            continue
        module = analysis.project.module_of.get(analysis.root / path)
        if not module or is_test_module(module) or not _public_path(module, used):
            continue
        summary = analysis.index.module(module)
        if summary is None:
            continue
        request = _module_request(path, module, summary, sites, used,
                                  lambda qualname, module=module: init_keywords(module, qualname))
        if request:
            result.modules[path] = request
    _star_reexports(analysis, result, used)
    return result


# `from .jobs import *`: the files that may re-export a module's names without spelling one of them.
_STAR_IMPORT = re.compile(rb"\bimport\s*\*")


def _star_reexports(analysis, result: CompatPlan, used: Callable[[str], bool]) -> None:
    """The old names a module serves, served again by the modules that star-import it.

    A star import copies the names a module *has*; the old names its compat
    `__getattr__` serves are not among them. So `from .jobs import *` in a
    package's `__init__` re-exported `ProjectJob` before the migration and, left
    alone, not after: `from pkg import ProjectJob` breaks although `pkg.jobs`
    still serves it. The star-importing module gets its own compat names for
    every old name its star imports brought in (as Python binds them: the last
    star import that exports a name, unless the module binds the name itself),
    through any chain of star imports. The star-importer usually never spells
    the term, so it is found by its bytes; only files this run rewrites count.
    """
    served = {request.module: dict(request.names) for request in result.modules.values() if request.names}
    if not served:
        return
    index = analysis.index
    targets = set(analysis.targets)
    importers: list[tuple[str, str, object]] = []  # (relative path, module, summary)
    for path, module in sorted(analysis.project.module_of.items()):
        if path not in targets or is_test_module(module) or not _public_path(module, used):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not _STAR_IMPORT.search(data):
            continue
        summary = index.module(module)
        if summary is not None and summary.star_imports:
            importers.append((path.relative_to(analysis.root).as_posix(), module, summary))
    changed = True
    while changed:  # until every chain of star imports is followed
        changed = False
        for relative, module, summary in importers:
            for old in sorted({old for star in summary.star_imports for old in served.get(star, ())}):
                if old in summary.symbols or not used(old) or old in served.get(module, {}):
                    continue
                new = _star_binding(index, summary, old, served)
                if new is None:
                    continue
                request = result.modules.get(relative)
                if request is None:
                    request = result.modules[relative] = ModuleCompat(path=relative, module=module,
                                                                      chains_getattr=summary.dynamic)
                request.names[old] = new
                request.starred.add(old)
                served.setdefault(module, {})[old] = new
                changed = True


def _renamed(sites: list[Site]) -> list[Site]:
    """The renames that leave an old name behind. Not those a dependency's manifest made: an override
    of a method its library renamed is called by the library under the new name alone."""
    from .manifest import NOTE

    return [site for site in sites
            if site.action is Action.RENAME and site.old != site.new and not site.note.startswith(NOTE)]


def _init_keywords(analysis, the_plan) -> Callable[[str, str], dict[str, str]]:
    """The renamed keywords of a data class's generated __init__: (module, qualname) -> {old: new}.

    `@dataclass` writes an __init__ into every data class that takes the fields
    of all its data-class bases, wherever they are defined: `JobResult(JobDef)`
    takes the `job_try` that `JobDef` declares in another module. So each such
    __init__ is given the old keywords of every field renamed along its bases.
    """
    renamed: dict[tuple[str, str], dict[str, str]] = {}
    for path, sites in the_plan.edits.items():
        module = analysis.project.module_of.get(analysis.root / path)
        if not module:
            continue
        for site in _renamed(sites):
            if site.role is Role.DEFINITION and site.kind in MEMBER_KINDS:
                renamed.setdefault((module, site.scope), {}).setdefault(site.old, site.new)
    index = analysis.index

    def keywords(module: str, qualname: str) -> dict[str, str]:
        found = index.class_info(f"{module}:{qualname}")
        if not renamed or found is None or not found[1].writes_init:
            return {}
        style = found[1].style
        result: dict[str, str] = {}
        for base_module, base in index.mro(f"{module}:{qualname}")[0]:
            if base.kind != "dataclass" or base.style != style:
                continue  # a plain base's annotations (or attrs' for a @dataclass) are no fields here
            for old, new in renamed.get((base_module, base.qualname), {}).items():
                if old in base.fields:
                    result.setdefault(fieldclasses.keyword(old, style), fieldclasses.keyword(new, style))
        return result

    return keywords


def _module_request(path: str, module: str, summary, sites: list[Site], used: Callable[[str], bool] = is_public,
                    init_keywords: Callable[[str], dict[str, str]] = lambda qualname: {}) -> ModuleCompat:
    sites = _renamed(sites)
    request = ModuleCompat(path=path, module=module, chains_getattr=summary.dynamic)

    # Where a definition's new name comes from: (scope, old) -> new.
    definitions = {(site.scope, site.old): site.new for site in sites if site.role is Role.DEFINITION}

    def new_path(old_path: str) -> str:
        parts = old_path.split(".")
        return ".".join(definitions.get((".".join(parts[:index]), part), part) for index, part in enumerate(parts))

    # Module-level names: defined here, or imported here.
    for site in sites:
        symbol = summary.symbols.get(site.old)
        if symbol is None or not used(site.old) or site.old in request.names:
            continue
        if symbol.kind in IMPORTED:
            # Imported names too, re-exported or not: tests patch a name where it is used
            # (`mock.patch("app.pool.run_job")`), and the patch must reach the renamed one.
            if site.role is Role.IMPORT and site.kind in MODULE_KINDS and site.scope == "":
                request.names[site.old] = site.new
        elif site.role is Role.DEFINITION and site.scope == "" and site.kind in MODULE_KINDS:
            request.names[site.old] = site.new

    # Members of public classes: methods, properties, attributes, fields, nested classes.
    for qualname, info in summary.classes.items():
        if not _public_path(qualname, used):
            continue
        members: dict[str, str] = {}
        for site in sites:
            if site.old in info.members and site.kind in MEMBER_KINDS and used(site.old) and (
                site.scope == qualname or site.scope.startswith(qualname + ".")
            ):
                members.setdefault(site.old, site.new)
        if members:
            request.members[new_path(qualname)] = members
        # A data class's fields (a named tuple's too) are its constructor's keywords: its own and,
        # through the __init__ the decorator writes, those of its data-class bases.
        if info.writes_init:
            renamed_fields = {old: new for old, new in init_keywords(qualname).items() if used(old)}
            if renamed_fields:
                request.keywords[new_path(qualname) + ".__init__"] = renamed_fields
        elif info.kind == "namedtuple":
            renamed_fields = {old: new for old, new in members.items() if old in info.fields}
            if renamed_fields:
                request.keywords[new_path(qualname) + ".__new__"] = renamed_fields

    # Parameters of public functions and methods, and the **kwargs keys they read.
    for key, function in summary.functions.items():
        if not _public_path(key, used) or ("." in key and key.rsplit(".", 1)[0] not in summary.classes):
            continue
        if any(decorator.endswith(_ACCESSORS) for decorator in function.decorators):
            continue  # a property's accessors are never called with keywords
        keywords: dict[str, str] = {}
        for site in sites:
            if site.kind != "parameter" or site.scope != key:
                continue
            if site.role is Role.DEFINITION and site.old in function.params:
                keywords.setdefault(site.old, site.new)
            elif site.role is Role.STRING and site.old in function.kwargs_keys:
                keywords.setdefault(site.old, site.new)
        if keywords:
            request.keywords.setdefault(new_path(key), {}).update(keywords)
    return request


def _star_binding(index, summary, old: str, served: dict[str, dict[str, str]]) -> str | None:
    """The new name of `old` when, of a module's star imports, the one that binds it (the last to
    bring it in, as Python runs them) serves it renamed; None when another binds it or one can't tell."""
    for star in reversed(summary.star_imports):
        if not index.project.is_first_party(star):
            return None  # theirs may bring in anything
        if not index.exports(star, old):
            continue
        if old in served.get(star, {}):
            return served[star][old]
        if index.resolve_name(star, old).owner != UNKNOWN:
            return None  # brought in from elsewhere, under the old name
    return None


# What a test asks a mock's method (`scheduler.remove_job.assert_called_once_with(...)`), or tells it
# to answer (`api.list_jobs.return_value = …`, `.side_effect = …`).
_MOCK_QUESTION = rb"\.(%s)\.(assert_\w+|called\b|call_count|call_args(?:_list)?|await_count|mock_calls|return_value|side_effect)"
_MOCK_TOLD = (b"return_value", b"side_effect")


def mock_assertions(analysis, compat: CompatPlan) -> list[tuple[str, int, int, str, str, str]]:
    """Where code outside the migrated paths asks a mock about a renamed method by its old name, or
    tells it what to answer there: (path, line, column, old, new, how). A mock has one child per
    name (`MagicMock(Scheduler)`, `create_autospec`, a bare `MagicMock()` in the class's place),
    so compat can't make `remove_job` stand for `remove_step` there; the run says which tests
    will need the new name."""
    renamed = {old: new for request in compat.modules.values() for members in request.members.values()
               for old, new in members.items()}
    if not renamed:
        return []
    question = re.compile(_MOCK_QUESTION % b"|".join(re.escape(old.encode()) for old in sorted(renamed)))
    targets = set(analysis.targets)
    found = []
    for path in sorted(analysis.project.module_of):
        if path in targets:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not any(needle in data.lower() for needle in analysis.vocabulary.needles):
            continue
        for match in question.finditer(data):
            line = data.count(b"\n", 0, match.start()) + 1
            column = match.start(1) - (data.rfind(b"\n", 0, match.start()) + 1)
            old = match.group(1).decode()
            how = "told what to answer" if match.group(2) in _MOCK_TOLD else "asked how it was called"
            found.append((path.relative_to(analysis.root).as_posix(), line, column, old, renamed[old], how))
    return found


def shims(analysis, renamed_files: dict[str, str], modules: dict[str, ModuleCompat]) -> list[Shim]:
    """One shim per old module path: every moved .py file, and the files inside moved packages.

    `renamed_files` maps the relative path of every file that moves to its
    new path (`Outcome.renamed_files`).
    """
    project = analysis.project
    used = surface(outside_uses(analysis))
    shims: list[Shim] = []
    for old, new in sorted(renamed_files.items()):
        if not old.endswith(".py") or old == new:
            continue
        old_module = project.module_of.get(analysis.root / old)
        if not old_module or is_test_module(old_module):
            continue
        if not _public_path(old_module, used):
            continue
        # Moves rename path segments, never add or drop one: the module's
        # dotted name is the tail of its new path.
        depth = len(old_module.split("."))
        new_module = ".".join(_module_name(new).split(".")[-depth:])
        request = modules.get(old)
        names = tuple(sorted(request.names)) if request else ()
        shims.append(Shim(old, old_module, new_module, PurePosixPath(old).name == "__init__.py", names))
    return shims


def _module_name(relative: str) -> str:
    parts = list(PurePosixPath(relative).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def served(text: str) -> ModuleCompat:
    """The old names a module's compat block serves, read back from its text.

    The inverse of writing the block (`termshift.codemods.compat`), for
    whoever needs to know which old names still work — the lint tells a
    caller of one from a forgotten rename. `ast` only, no LibCST.
    """
    result = ModuleCompat(path="", module="")
    pieces = [piece for piece in markers.scan(text) if piece.kind == "block"]
    if not pieces:
        return result
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return result
    for stmt in tree.body:
        if not markers.covering(pieces, stmt.lineno):
            continue
        call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        pairs = {kw.arg: kw.value.value for kw in call.keywords
                 if kw.arg and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)}
        owner = ast.unparse(call.args[0]) if call.args else ""
        if call.func.id == "dict" and isinstance(stmt, ast.Assign):
            result.names.update(pairs)
        elif call.func.id == "_compat_members":
            result.members.setdefault(owner, {}).update(pairs)
        elif call.func.id == "_compat_keywords" and len(call.args) == 2 and isinstance(call.args[1], ast.Constant):
            name = call.args[1].value
            path = name if owner in ("globals()", "sys.modules[__name__]") else f"{owner}.{name}"
            result.keywords.setdefault(path, {}).update(pairs)
    return result


def unaliasable(analysis) -> dict[str, str]:
    """The names a compat layer can't keep working, each with why: a protocol's members
    (`typing.Protocol`). The classes that implement a protocol (a user's adapter, a test's fake)
    define the old names without inheriting from anything an alias could be put on, while the
    project's calls through the protocol would ask for the new ones. Without a compat layer
    (`--no-compat`) every implementer is expected to move, and they are renamed."""
    found: dict[str, str] = {}
    for _, summary in analysis.index.made():
        for info in summary.classes.values():
            if info.kind != "protocol":
                continue
            for name in info.members:
                if name not in found and analysis.vocabulary.rewrite(name) not in (None, name):
                    found[name] = (f"{name!r} is kept: a member of the protocol `{info.qualname}`, which classes "
                                   "implement without inheriting from it (a user's, a test's fake), so no compat "
                                   "alias reaches them; renamed with --no-compat")
    return found
