"""Where a module's compat block goes: what the placement needs to know about the module.

At the end, before a trailing ``if __name__ == "__main__":``; and the old
module-level names' part right after the imports when code below them runs
while the module is imported (`after_imports`). Lines are counted as Python
counts them, so a splice lands where LibCST and `ast` say.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def lines_of(text: str) -> list[str]:
    """The lines as Python numbers them (not `str.splitlines`, which also ends one at a form feed)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


class Layout:
    """What the block's placement needs to know about a module."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.has_getattr = False
        self.main_guard_line: int | None = None  # where a trailing `if __name__ == "__main__":` starts
        self.after_imports: int | None = None  # the imports' last line, when code that runs follows them

    @classmethod
    def of(cls, text: str) -> "Layout":
        module = cst.parse_module(text)
        layout = cls()
        layout.after_imports = _after_imports(text)
        layout.bound = _bound_names(module.body)
        layout.has_getattr = any(
            isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__getattr__" for stmt in module.body
        )
        if module.body and _is_main_guard(module.body[-1]):
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            positions = wrapper.resolve(PositionProvider)
            last = wrapper.module.body[-1]
            start = positions[last].start.line
            comments = [line for line in last.leading_lines if line.comment is not None]
            if comments:
                # Leading lines end right above the statement; start at the first comment.
                first = next(index for index, line in enumerate(last.leading_lines) if line.comment is not None)
                start -= len(last.leading_lines) - first
            layout.main_guard_line = start
        return layout


def _after_imports(text: str) -> int | None:
    """The last line of the module's docstring and imports, when a statement below them runs code.

    The imports run on: `__future__`, ``__all__``-style dunder assignments,
    and ``if``/``try``/``with`` blocks in between, the statements that keep
    an import below them "at the top of the file" for pycodestyle's E402, so
    the block doesn't make a later import a lint error. `None` when nothing
    below runs code while the module is imported (a call, an import, a
    decorator), or the module is nothing but imports: one block at the end.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    end, rest = 0, list(tree.body)
    while rest and _opens_the_module(rest[0], first=rest[0] is tree.body[0]):
        statement = rest.pop(0)
        if not isinstance(statement, ast.Assign):
            end = statement.end_lineno or end
    if not end or not rest or rest[0].lineno <= end or not any(_runs_code(stmt) for stmt in rest):
        return None
    return end


def _opens_the_module(stmt: ast.stmt, *, first: bool) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.If, ast.Try, ast.With)):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
        return first  # the docstring
    return isinstance(stmt, ast.Assign) and all(
        isinstance(target, ast.Name) and target.id.startswith("__") and target.id.endswith("__")
        for target in stmt.targets)


def _runs_code(node: ast.AST) -> bool:
    """Whether a top-level statement calls or imports anything while the module is imported."""
    if isinstance(node, (ast.Call, ast.Import, ast.ImportFrom)):
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return any(_runs_code(default) for default in [*node.args.defaults, *node.args.kw_defaults]
                   if default is not None)
    return any(_runs_code(child) for child in ast.iter_child_nodes(node))


def _is_main_guard(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.If) or not isinstance(stmt.test, cst.Comparison):
        return False
    test = stmt.test
    names = [test.left, *(target.comparator for target in test.comparisons)]
    return any(isinstance(node, cst.Name) and node.value == "__name__" for node in names) and any(
        isinstance(node, cst.SimpleString) and node.evaluated_value == "__main__" for node in names
    )


def _bound_names(body: Iterable[cst.CSTNode]) -> set[str]:
    """Names a module binds at its top level (inside if/try/with too)."""
    bound: set[str] = set()
    for stmt in body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            bound.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                bound.update(_small_bound(small))
        elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            for block in _blocks(stmt):
                bound.update(_bound_names(block.body if isinstance(block.body, Iterable) else ()))
    return bound


def _blocks(stmt: cst.CSTNode) -> list:
    blocks = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.IndentedBlock):
        blocks.append(body)
    orelse = getattr(stmt, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            blocks.extend(_blocks(orelse))
            break
        if isinstance(getattr(orelse, "body", None), cst.IndentedBlock):
            blocks.append(orelse.body)
        break
    for handler in getattr(stmt, "handlers", ()):
        if isinstance(handler.body, cst.IndentedBlock):
            blocks.append(handler.body)
    final = getattr(stmt, "finalbody", None)
    if final is not None and isinstance(final.body, cst.IndentedBlock):
        blocks.append(final.body)
    return blocks


def _small_bound(small: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    if isinstance(small, cst.Assign):
        for target in small.targets:
            names.update(_target_names(target.target))
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        names.update(_target_names(small.target))
    elif isinstance(small, cst.Import):
        for alias in small.names:
            if alias.asname is not None:
                names.update(_target_names(alias.asname.name))
            else:
                names.add(_dotted(alias.name).split(".")[0])
    elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
        for alias in small.names:
            if alias.asname is not None:
                names.update(_target_names(alias.asname.name))
            else:
                names.add(_dotted(alias.name).split(".")[-1])
    return names


def _target_names(node: cst.CSTNode) -> set[str]:
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, (cst.Tuple, cst.List)):
        return {name for element in node.elements for name in _target_names(element.value)}
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return set()


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
