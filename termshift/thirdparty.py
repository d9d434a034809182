"""Members of classes that the project does not own.

A method that overrides a third-party base class must keep its name, so we need
to know what the base defines. We read the base's source with `ast` instead of
importing it: termshift never executes code it is analysing. Builtins are the
exception — they have no source, and introspecting them runs nothing foreign.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from functools import lru_cache
from importlib.machinery import PathFinder
from pathlib import Path

from .project import absolute_module
from .summary import dotted

# typing's special forms are functions or have no useful source; their members:
_SPECIAL: dict[str, frozenset[str]] = {
    "typing.NamedTuple": frozenset(dir(tuple)) | {"_fields", "_asdict", "_replace", "_make", "_field_defaults"},
    "typing.TypedDict": frozenset(dir(dict)),
    "typing.Protocol": frozenset(dir(object)),
    "typing.Generic": frozenset(dir(object)),
    "typing_extensions.NamedTuple": frozenset(dir(tuple)) | {"_fields", "_asdict", "_replace", "_make"},
    "typing_extensions.TypedDict": frozenset(dir(dict)),
    "typing_extensions.Protocol": frozenset(dir(object)),
}

_DEPTH = 8


def _find_source(module: str, search_path: tuple[str, ...]) -> Path | None:
    """The source file of a module, found without importing anything."""
    parts = module.split(".")
    path: list[str] | None = list(search_path) + sys.path
    spec = None
    for index in range(len(parts)):
        try:
            spec = PathFinder.find_spec(".".join(parts[: index + 1]), path)
        except (ImportError, ValueError):
            return None
        if spec is None:
            return None
        path = list(spec.submodule_search_locations or [])
    if spec is None or not spec.origin or not spec.origin.endswith((".py", ".pyi")):
        return None
    return Path(spec.origin)


def project_environment(root: Path) -> tuple[str, ...]:
    """The site-packages of a virtual environment in the project's folder (`.venv`, `venv`) that
    termshift does not run in: the third parties the project's interpreter finds are read from
    there, as a type checker reads them, when termshift is installed apart (pipx, another venv)."""
    found = []
    for name in (".venv", "venv"):
        environment = root / name
        if not (environment / "pyvenv.cfg").is_file():
            continue
        for folder in sorted((*environment.glob("lib/python3*/site-packages"), *environment.glob("Lib/site-packages"))):
            if str(folder) not in sys.path and str(folder.resolve()) not in sys.path:
                found.append(str(folder.resolve()))
    return tuple(found)


def package_folder(top: str, search_path: tuple[str, ...]) -> Path | None:
    """The folder of the top-level package `top` on the search path, found without importing it."""
    try:
        spec = PathFinder.find_spec(top, list(search_path) + sys.path)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


def note_read(path: str) -> None:
    """Record that an answer depended on `path` (a file, or a folder by its listing), as the
    class members read here are recorded."""
    _note((path,))


@lru_cache(maxsize=256)
def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None


def class_members(name: str, search_path: tuple[str, ...] = (), depth: int = 0) -> frozenset[str] | None:
    """Names defined by the class `name` (dotted) and its bases; None when unknowable."""
    return _class_members(name, tuple(search_path), depth)


# The source files each answer was read from, so that a cache of results
# that relied on it can tell when the installed packages changed.
_ANSWERS: dict[tuple[str, tuple[str, ...], int], tuple[frozenset[str] | None, frozenset[str]]] = {}
_readers: list[set[str]] = []  # the open recorders, innermost last


def recording() -> set[str]:
    """Start recording the third-party source files read from here on; `stop` ends it."""
    sources: set[str] = set()
    _readers.append(sources)
    return sources


def stop(sources: set[str]) -> None:
    for position in range(len(_readers) - 1, -1, -1):
        if _readers[position] is sources:  # by identity: two recorders may hold the same paths
            del _readers[position]
            return


def _note(paths) -> None:
    for reader in _readers:
        reader.update(paths)


def _class_members(name: str, search_path: tuple[str, ...], depth: int) -> frozenset[str] | None:
    return _remembered(_ANSWERS, (name, search_path, depth), lambda: _compute_class_members(name, search_path, depth))


def _remembered(answers: dict, key: tuple, compute):
    """`compute()`, once for `key`: the answer and the source files it was read from are kept in
    `answers`, and those files are noted as read again each time it is given."""
    known = answers.get(key)
    if known is None:
        sources = recording()
        try:
            found = compute()
        finally:
            stop(sources)
        known = answers[key] = (found, frozenset(sources))
    _note(known[1])
    return known[0]


def _compute_class_members(name: str, search_path: tuple[str, ...], depth: int) -> frozenset[str] | None:
    if name in _SPECIAL:
        return _SPECIAL[name]
    module, _, attr = name.rpartition(".")
    if module in ("builtins", ""):
        value = getattr(builtins, attr, None)
        return frozenset(dir(value)) if isinstance(value, type) else None
    if depth > _DEPTH:
        return None
    source = _find_source(module, search_path)
    if source is None:
        # `package.Name` may be a submodule's class re-exported by the package.
        return None
    _note((str(source),))
    tree = _parse(source)
    if tree is None:
        return None
    is_package = source.stem == "__init__"
    imports: dict[str, str] = {}
    for stmt in tree.body:  # module level only: a class or import nested in a block may not run
        if isinstance(stmt, ast.ClassDef) and stmt.name == attr:
            members: set[str] = set(dir(object))
            for item in stmt.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self":
                    members.add(sub.attr)
            for base in stmt.bases:
                base_name = dotted(base.value if isinstance(base, ast.Subscript) else base)
                if not base_name:
                    return None
                qualified = _qualify(tree, module, is_package, base_name)
                inherited = _class_members(qualified, search_path, depth + 1)
                if inherited is None:
                    return None
                members |= inherited
            return frozenset(members)
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                imports[alias.asname or alias.name] = absolute_module(module, stmt.level, stmt.module, is_package) + "." + alias.name
    target = imports.get(attr)
    if target:
        return _class_members(target, search_path, depth + 1)
    return _alias_members(tree, module, is_package, attr, search_path, depth)


_NOT_CLASSES = {"typing", "typing_extensions", "builtins", "collections", "types", "abc", "numbers"}
_RETURNS: dict[tuple[str, str, tuple[str, ...]], tuple[tuple[str, str] | None, frozenset[str]]] = {}


def method_returns(name: str, method: str, search_path: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """What the method of third-party class `name` is annotated to return: ("ann", "pkg.mod.Class")
    or ("items", "pkg.mod.Class") for a container of them; None when it can't be read.

    `scheduler.get_jobs()` of a third-party scheduler gives *its* jobs, not ours: with the
    annotation, their attributes are surely theirs."""
    search_path = tuple(search_path)
    return _remembered(_RETURNS, (name, method, search_path), lambda: _method_returns(name, method, search_path))


def _method_returns(name: str, method: str, search_path: tuple[str, ...]) -> tuple[str, str] | None:
    from .summary import annotation_type_ref

    found = _definition(name, search_path)
    if found is None or not isinstance(found[3], ast.ClassDef):
        return None
    module, source, tree, stmt = found
    for item in stmt.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method:
            ref = annotation_type_ref(item.returns) if item.returns is not None else None
            if ref is None or ref[0] not in ("ann", "items"):
                return None
            qualified = _qualify(tree, module, source.stem == "__init__", ref[1])
            if qualified.split(".", 1)[0] in _NOT_CLASSES:
                return None  # `Any`, `dict`, `Mapping`: whatever they hold may be anyone's
            return ref[0], qualified
    return None


def _read_module(module: str, search_path: tuple[str, ...], depth: int) -> tuple[Path, ast.Module] | None:
    """The source of a third party's module and its tree (the source noted as read), or None for
    the builtins, past the depth followed, or when it can't be found or parsed."""
    if module in ("builtins", "") or depth > _DEPTH:
        return None
    source = _find_source(module, search_path)
    tree = _parse(source) if source is not None else None
    if tree is None:
        return None
    _note((str(source),))
    return source, tree


def _module_level(body: list[ast.stmt]):
    """Statements that run at import time, through `if`/`try` blocks (`if TYPE_CHECKING: … else: …`)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _module_level(stmt.body)
            yield from _module_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(handler.body for handler in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _module_level(block)


def _alias_members(tree: ast.Module, module: str, is_package: bool, attr: str, search_path: tuple[str, ...],
                   depth: int) -> frozenset[str] | None:
    """`_Base = unittest.TestCase` (or `object`, depending): a class alias has the members of every class
    it may be; None when one of them is unknowable or the name isn't bound to a class name at all."""
    members: set[str] = set()
    found = False
    for stmt in _module_level(tree.body):
        if not (isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets)):
            continue
        name = dotted(stmt.value)
        if not name or name == attr:
            return None
        inherited = _class_members(_qualify(tree, module, is_package, name), search_path, depth + 1)
        if inherited is None:
            return None
        members |= inherited
        found = True
    return frozenset(members) if found else None


def _qualify(tree: ast.Module, module: str, is_package: bool, name: str) -> str:
    head, _, rest = name.partition(".")
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == head:
                    base = absolute_module(module, stmt.level, stmt.module, is_package) + "." + alias.name
                    return f"{base}.{rest}" if rest else base
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname == head:
                    return f"{alias.name}.{rest}" if rest else alias.name
                if alias.asname is None and alias.name.split(".")[0] == head:
                    return name
    if hasattr(builtins, head) and not rest:
        return f"builtins.{head}"
    return f"{module}.{name}"


def _definition(name: str, search_path: tuple[str, ...], depth: int = 0
                ) -> tuple[str, Path, ast.Module, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] | None:
    """Where the third party defines `name` (dotted): its module's name, source and tree, and the
    function or class statement, through re-exports (`from .decorators import command`, `from
    django.forms.forms import *`); None when it can't be read."""
    module, _, attr = name.rpartition(".")
    read = _read_module(module, search_path, depth)
    if read is None:
        return None
    source, tree = read
    is_package = source.stem == "__init__"
    starred = []
    for stmt in _module_level(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == attr:
            return module, source, tree, stmt
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (alias.asname or alias.name) == attr:
                    target = absolute_module(module, stmt.level, stmt.module, is_package) + "." + alias.name
                    return _definition(target, search_path, depth + 1)
                if alias.name == "*":
                    starred.append(absolute_module(module, stmt.level, stmt.module, is_package))
    for other in starred:
        found = _definition(f"{other}.{attr}", search_path, depth + 1)
        if found is not None:
            return found
    return None


_NAMERS: dict[tuple[str, bool, tuple[str, ...]], tuple[int, frozenset[str]]] = {}


def reads_name(name: str, made: bool, search_path: tuple[str, ...] = ()) -> bool:
    """Does the third-party callable `name` (dotted; `pkg.mod.Class().method` for an instance's
    method), handed a function or class, read its name as data (namers.py)? With `made`: does
    what it returns, handed one, read it (`@click.command()`)? False when it can't be read."""
    from .namers import NAMES_ARGUMENT, RETURNS_NAMER

    return bool(namer_flags(name, made, search_path) & (RETURNS_NAMER if made else NAMES_ARGUMENT))


def namer_flags(name: str, made: bool, search_path: tuple[str, ...] = ()) -> int:
    """What namers.py tells of the callable `reads_name` asks about (its flags: with NAMES_MODULE,
    the name it reads is with its module's, as a task queue names its tasks); 0 when it can't be read."""
    search_path = tuple(search_path)
    return _remembered(_NAMERS, (name, made, search_path), lambda: _namer_flags(name, made, search_path))


def _namer_flags(name: str, made: bool, search_path: tuple[str, ...]) -> int:
    from .namers import NAMES_ARGUMENT, RETURNS_NAMER

    wanted = RETURNS_NAMER if made else NAMES_ARGUMENT
    owner, _, method = name.partition("().")
    found = _definition(owner, search_path)
    if found is None:
        return 0
    module, source, _, stmt = found
    namers = _module_namers(source)
    if isinstance(stmt, ast.ClassDef):
        if method:
            flags = namers.get(f"{stmt.name}.{method}", 0)
            if flags & wanted:
                return flags
            function = next((node for node in stmt.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and node.name == method), None)
            return wanted if function is not None and _kept_for_later(module, source, function, made, True) else 0
        # `Class(thing)` reads it in `__init__`; `Class(…)(thing)` in `__call__`.
        flags = namers.get(f"{stmt.name}.{'__call__' if made else '__init__'}", 0)
        return flags | wanted if flags & NAMES_ARGUMENT else 0
    if method:
        return 0
    flags = namers.get(stmt.name, 0)
    if flags & wanted:
        return flags
    return wanted if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) \
        and _kept_for_later(module, source, stmt, made, False) else 0


def _kept_for_later(module: str, source: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, made: bool,
                    method: bool) -> bool:
    """Does the decorator keep what it is handed under a name (`CommandInfo(callback=f)` added to
    a list of its object's, `self.handler = f`) that its package reads the `__name__` of later, in
    another function or module (`command_info.callback.__name__`: a Typer command is named when
    the command line is built), or hand it on to a function of its package that reads it (an MCP
    server's tool, named after the function, thirdparty_handovers.py)? `made`: the decorator is
    what `function` returns."""
    if made:
        handed = [node for node in ast.walk(function) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and node is not function]
        takers = [(node, (*node.args.posonlyargs, *node.args.args)[:1]) for node in handed]
    else:
        positional = (*function.args.posonlyargs, *function.args.args)
        takers = [(function, positional[1:2] if method else positional[:1])]
    top = source
    for _ in range(module.count(".") + (source.stem == "__init__")):
        top = top.parent
    from .thirdparty_handovers import reads_handed_name

    if any(reads_handed_name(top, node, param.arg) for node, params in takers for param in params):
        return True  # handed on, call after call, to where its name is read (`@mcp.tool()`)
    fields: set[str] = set()
    for node, params in takers:
        names = {param.arg for param in params}
        for inner in ast.walk(node) if names else ():
            if isinstance(inner, ast.keyword) and isinstance(inner.value, ast.Name) and inner.value.id in names \
                    and inner.arg:
                fields.add(inner.arg)
            elif isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Name) and inner.value.id in names:
                fields.update(target.attr for target in inner.targets if isinstance(target, ast.Attribute))
    return bool(fields) and _package_reads_names_of(top, frozenset(fields))


# Modules of a package read for `_package_reads_names_of`, at most: a framework's own, not a monorepo's.
_PACKAGE_FILES = 400


@lru_cache(maxsize=64)
def package_modules(top: Path) -> tuple[Path, ...]:
    """The modules of the package at `top` that a question about the whole package reads (at most
    `_PACKAGE_FILES`), or `top` itself when it is a module."""
    try:
        return tuple(sorted(top.rglob("*.py"))[:_PACKAGE_FILES]) if top.is_dir() else (top,)
    except OSError:
        return ()


@lru_cache(maxsize=64)
def _package_reads_names_of(top: Path, fields: frozenset[str]) -> bool:
    """Does a module of the package at `top` read `<anything>.<field>.__name__` (or `__qualname__`)?"""
    pattern = re.compile(r"\.[ \t]*(?:%s)[ \t]*\.[ \t]*__(?:qual)?name__\b" % "|".join(map(re.escape, sorted(fields))))
    for path in package_modules(top):
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        if pattern.search(text):
            return True
    return False


@lru_cache(maxsize=64)
def _module_namers(path: Path) -> dict[str, int]:
    """A third-party module's namers, by qualname (its closures only: its helpers are not ours to
    judge, `namers.module_namers`), of a module that parses (`_read_module`)."""
    from .namers import module_namers

    tree = _parse(path)
    try:
        text = path.read_bytes().decode("utf-8", "replace")  # its lines, as the tree numbers them
    except OSError:
        text = None
    return module_namers(tree, text, closures_only=True)
