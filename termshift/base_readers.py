"""What a third party's base class reads of its subclasses by name, read from its source.

Two ways a subclass's names become data to a base it inherits from:

- the base looks methods up by a name built at run time from a fixed start and data:
  `getattr(self, "clean_%s" % name)` on a Django form, `"do_" + command` on `cmd.Cmd`
  (`lookup_prefixes`);
- the base reads the subclass's constructor by its parameters' names and the attributes named
  after them: monty's `MSONable.as_dict` writes `{"jobs": self.jobs}` for `__init__(self, jobs)`
  and `from_dict` calls `cls(**stored)`; scikit-learn's `get_params`, dnspython's `replace`,
  rich's `auto` repr do the same (`reads_constructor`). Renamed, what was stored under the old
  parameter's name no longer loads.

Each is answered for a class and its bases, from the modules that define them, never imported.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from .thirdparty import _NOT_CLASSES, _definition, _parse, _qualify, _remembered
from .summary import dotted

_PREFIXES: dict[tuple[str, tuple[str, ...]], tuple[frozenset[str], frozenset[str]]] = {}
_CONSTRUCTORS: dict[tuple[str, tuple[str, ...]], tuple[bool, frozenset[str]]] = {}


def lookup_prefixes(name: str, search_path: tuple[str, ...] = ()) -> frozenset[str]:
    """How the third-party class `name` (dotted) and its bases may start the names they look their
    members up by, computed at run time: `"clean_"` for `getattr(self, "clean_%s" % name)`, `"do_"`
    for `cmd.Cmd`'s `getattr(self, "do_" + command)`, `"visit_"` for `ast.NodeVisitor`. Read from
    their modules: the identifier-like strings ending in `_` that start a built string (`+`, `%`,
    an f-string, `.format`) in a module that calls getattr() or hasattr()."""
    search_path = tuple(search_path)
    return _remembered(_PREFIXES, (name, search_path), lambda: frozenset().union(
        *map(_module_prefixes, _class_sources(name, search_path, 0))))


def reads_constructor(name: str, search_path: tuple[str, ...] = ()) -> bool:
    """Does the third-party class `name` (dotted), or a base of it, read a constructor's parameters
    by name: does its module hand an `__init__` to `inspect.signature`, `getfullargspec` or
    `getargspec` (`getfullargspec(cls.__init__)`, `init = cls.__init__; signature(init)`)?"""
    search_path = tuple(search_path)
    return _remembered(_CONSTRUCTORS, (name, search_path), lambda: any(
        map(module_reads_constructor, _class_sources(name, search_path, 0))))


def _class_sources(name: str, search_path: tuple[str, ...], depth: int) -> list[Path]:
    """The modules defining the third-party class `name` and its bases, along them."""
    if name.partition(".")[0] in _NOT_CLASSES:  # `Generic[T]`, `ABC`: they read nothing of a subclass's
        return []
    found = _definition(name, search_path, depth)
    if found is None or not isinstance(found[3], ast.ClassDef):
        return []
    module, source, tree, stmt = found
    sources = [source]
    for base in stmt.bases:
        base_name = dotted(base.value if isinstance(base, ast.Subscript) else base)
        if base_name:
            qualified = _qualify(tree, module, source.stem == "__init__", base_name)
            sources += _class_sources(qualified, search_path, depth + 1)
    return sources


@lru_cache(maxsize=64)
def _module_prefixes(path: Path) -> frozenset[str]:
    """`lookup_prefixes`' strings, of one module: those that start the name getattr() or hasattr()
    is asked for, there or through a variable (`method = "visit_" + kind`)."""
    try:
        text = path.read_bytes()
    except OSError:
        return frozenset()
    if (b"getattr(" not in text and b"hasattr(" not in text) or _BUILT.search(text) is None:
        return frozenset()
    built: dict[str, str] = {}  # variable -> the start of the string it is assigned (module-wide: a superset)
    asked: list[ast.expr] = []  # the names getattr() and hasattr() are asked for
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            start = _built_start(node.value)
            if start:
                built[node.targets[0].id] = start
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr") \
                and len(node.args) >= 2:
            asked.append(node.args[1])
    found = {built.get(name.id, "") if isinstance(name, ast.Name) else _built_start(name) for name in asked}
    return frozenset(found - {""})


# What `_built_start` finds, as text (a superset): `"do_" +`, `"clean_%s"`, `f"visit_{`, `"get_{}"`.
_BUILT = re.compile(rb"""[A-Za-z_]\w*_(?:['"]\s*[+%]|%[sr(]|\{)""")


def _built_start(node: ast.expr) -> str:
    """The identifier-like start, ending in `_`, of a string built from it: `"do_" + command`,
    `"clean_%s" % name`, `f"visit_{kind}"`, `"get_{}".format(name)`; else ""."""
    start = None
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
        if isinstance(node.op, ast.Add):
            start = node.left.value
        elif isinstance(node.op, ast.Mod):
            start = node.left.value.partition("%")[0]
    elif isinstance(node, ast.JoinedStr) and len(node.values) > 1 and isinstance(node.values[0], ast.Constant):
        start = node.values[0].value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
        start = node.func.value.value.partition("{")[0]
    return start if isinstance(start, str) and len(start) > 2 and start.endswith("_") and start.isidentifier() else ""


_SIGNATURE_READERS = frozenset({"signature", "getfullargspec", "getargspec"})
_SIGNATURE_CALL = re.compile(rb"\b(?:signature|getfullargspec|getargspec)\(")
_INIT_HANDED = re.compile(rb"(?:signature|getfullargspec|getargspec)\([^)\n]*__init__|=[ \t]*[\w.]+\.__init__[ \t]*(?:#.*)?$",
                          re.MULTILINE)


@lru_cache(maxsize=64)
def module_reads_constructor(path: Path) -> bool:
    """Does a function of the module (a third party's, or the project's own) hand an `__init__`
    to a signature reader, itself or through a local variable it was assigned to?"""
    try:
        text = path.read_bytes()
    except OSError:
        return False
    # An `__init__` in the reader's parentheses or bound to a name first (`init = self.__init__`), and
    # a reader's call: else nothing to parse (submitit's `getfullargspec(_make_sbatch_string)`).
    tree = _parse(path) if _SIGNATURE_CALL.search(text) and _INIT_HANDED.search(text) else None
    for function in ast.walk(tree) if tree is not None else ():
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inits = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign) and _names_init(node.value)
                 for target in node.targets if isinstance(target, ast.Name)}
        for call in ast.walk(function):
            if isinstance(call, ast.Call) and call.args and \
                    (dotted(call.func) or "").rpartition(".")[2] in _SIGNATURE_READERS:
                read = call.args[0]
                if _names_init(read) or (isinstance(read, ast.Name) and read.id in inits):
                    return True
    return False


def _names_init(node: ast.expr) -> bool:
    return any(isinstance(part, ast.Attribute) and part.attr == "__init__" for part in ast.walk(node))
