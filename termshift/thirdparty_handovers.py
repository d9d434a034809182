"""A third party's decorator that hands what it decorates on, call after call, to where its name is kept.

`@mcp.tool()`: the decorator's closure calls `self.add_tool(fn, …)`, which calls
`self._tool_manager.add_tool(fn, …)`, which calls `Tool.from_function(fn, …)`, which reads
`fn.__name__`: the tool is named after the function, and its clients call it by that name.
What the receivers are is the package's own business, so a callee is found by its name among the
package's functions: any of them that keeps the name it reads is enough, keeping a name being the
safe side. A name only shown (a message, a log line) or handed back (a helper's result, which its
caller may well only show) keys nothing.
Only the package's own source is read (`thirdparty.package_modules`, and parsed only where a
function of the name asked for is defined), a few calls deep.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from .literals import LOG_METHODS

_DEPTH = 4  # calls followed from the decorator's closure
_NAME_ATTRIBUTES = ("__name__", "__qualname__")
# Calls that only show what they are handed: a message, a log line, a warning.
_SHOWN = LOG_METHODS | {"print", "format"}


def reads_handed_name(top: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> bool:
    """Does `function` (of the package at `top`) read and keep the name of its parameter `param`, or
    hand it on to a function of the package that does?"""
    return _reads(top, function, param, 0, set())


def _reads(top: Path, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str, depth: int,
           seen: set[tuple[int, str]]) -> bool:
    if (id(function), param) in seen:
        return False
    seen.add((id(function), param))
    handed: list[tuple[str, bool, int | None, str | None]] = []  # callee, called on a receiver, position, keyword
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and node.attr in _NAME_ATTRIBUTES and _is(node.value, param) and \
                _kept(node, parents):
            return True
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else \
            node.func.id if isinstance(node.func, ast.Name) else None
        if callee == "getattr" and len(node.args) > 1 and _is(node.args[0], param) and \
                isinstance(node.args[1], ast.Constant) and node.args[1].value in _NAME_ATTRIBUTES and \
                _kept(node, parents):
            return True
        if callee is None or depth >= _DEPTH:
            continue
        on_receiver = isinstance(node.func, ast.Attribute)
        handed += [(callee, on_receiver, at, None) for at, arg in enumerate(node.args) if _is(arg, param)]
        handed += [(callee, on_receiver, None, keyword.arg) for keyword in node.keywords
                   if keyword.arg and _is(keyword.value, param)]
    for callee, on_receiver, at, keyword in handed:
        for definition in _functions_named(top, callee):
            taken = _parameter(definition, on_receiver, at, keyword)
            if taken and _reads(top, definition, taken, depth + 1, seen):
                return True
    return False


def _kept(read: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Is the name read kept (bound, stored, handed on, compared, a key), not only shown (in a
    message, a log line, an f-string) or handed back (a helper's result: its caller's to use)?"""
    node = read
    while node in parents:
        parent = parents[node]
        if isinstance(parent, (ast.JoinedStr, ast.Raise, ast.Return)):
            return False
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mod) and isinstance(parent.left, ast.Constant):
            return False
        if isinstance(parent, ast.Call) and node is not parent.func:
            callee = parent.func.attr if isinstance(parent.func, ast.Attribute) else \
                parent.func.id if isinstance(parent.func, ast.Name) else ""
            return callee not in _SHOWN
        if isinstance(parent, (ast.stmt, ast.Subscript, ast.Dict, ast.Compare)):
            return True
        node = parent
    return True


def _is(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, on_receiver: bool, at: int | None,
               keyword: str | None) -> str | None:
    """The parameter of `function` that a call's argument (at position `at`, or by `keyword`) lands on."""
    arguments = function.args
    positional = [arg.arg for arg in (*arguments.posonlyargs, *arguments.args)]
    if keyword is not None:
        return keyword if keyword in positional or keyword in {arg.arg for arg in arguments.kwonlyargs} else None
    if on_receiver and positional and positional[0] in ("self", "cls"):
        positional = positional[1:]  # `self.add_tool(fn)`, `Tool.from_function(fn)`
    return positional[at] if at is not None and at < len(positional) else None


@lru_cache(maxsize=256)
def _functions_named(top: Path, name: str) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...]:
    """The package's functions and methods called `name`, from the modules whose text defines one."""
    from .thirdparty import _parse

    found = []
    for path in _definers(top).get(name, ()):
        tree = _parse(path)
        found += [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.name == name] if tree is not None else []
    return tuple(found)


_DEF = re.compile(rb"\bdef[ \t]+(\w+)[ \t]*\(")


@lru_cache(maxsize=64)
def _definers(top: Path) -> dict[str, tuple[Path, ...]]:
    """Which modules of the package at `top` define a function of each name: one read of each."""
    from .thirdparty import package_modules

    found: dict[str, list[Path]] = {}
    for path in package_modules(top):
        try:
            names = {match.group(1).decode("ascii", "replace") for match in _DEF.finditer(path.read_bytes())}
        except OSError:
            continue
        for name in names:
            found.setdefault(name, []).append(path)
    return {name: tuple(paths) for name, paths in found.items()}
