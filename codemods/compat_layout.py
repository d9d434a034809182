"""Where a module's compat block goes: what the placement needs to know about the module.

At the end, before a trailing ``if __name__ == "__main__":``; and the old
module-level names' part right after the imports when code below them runs
while the module is imported (`after_imports`). Lines are counted as Python
counts them, so a splice lands where LibCST and `ast` say.
"""

from __future__ import annotations

import re
from typing import Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def lines_of(text: str) -> list[str]:
    """The lines as Python numbers them (not `str.splitlines`, which also ends one at a form feed)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


class Layout:
    """What the block's placement needs to know about a module."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.bound: set[str] = set()
        self.has_getattr = False
        self.main_guard_line: int | None = None  # where a trailing `if __name__ == "__main__":` starts

    @classmethod
    def of(cls, text: str) -> "Layout":
        module = cst.parse_module(text)
        layout = cls(module)
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


def after_imports(module: cst.Module) -> int | None:
    """The last line of the module's docstring and imports, when a statement below them runs code.

    The imports run on through ``__all__``-style dunder assignments and
    ``if``/``try``/``with`` blocks in between: the statements that keep an
    import below them "at the top of the file" for pycodestyle's E402, so
    the block doesn't make a later import a lint error. `None` when nothing
    below runs code while the module is imported (a call, an import, a
    decorator), or the module is nothing but imports: one block at the end.
    Read off the tree `Layout.of` parsed, the lines counted in the code of
    the opening statements alone.
    """
    body = list(module.body)
    lines = len(module.header)
    end = index = 0
    while index < len(body) and _opens_the_module(body[index], first=index == 0):
        lines += len(lines_of(module.code_for_node(body[index])))
        if not _is_dunder_assignment(body[index]):
            end = lines
        index += 1
    rest = body[index:]
    if not end or not rest or not any(_runs_code(stmt) for stmt in rest):
        return None
    return end


def _opens_the_module(stmt: cst.CSTNode, *, first: bool) -> bool:
    if isinstance(stmt, (cst.If, cst.Try, cst.With)):
        return True
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    if all(isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body):
        return True
    if len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr) and isinstance(
            stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
        return first  # the docstring
    return _is_dunder_assignment(stmt)


def _is_dunder_assignment(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Assign) and all(
            isinstance(target.target, cst.Name) and target.target.value.startswith("__")
            and target.target.value.endswith("__") for target in small.targets)
        for small in stmt.body)


def _runs_code(node: cst.CSTNode) -> bool:
    """Whether a top-level statement calls or imports anything while the module is imported."""
    if isinstance(node, (cst.Call, cst.Import, cst.ImportFrom)):
        return True
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.decorators:
        return True
    if isinstance(node, (cst.FunctionDef, cst.Lambda)):
        parameters = node.params
        return any(parameter.default is not None and _runs_code(parameter.default)
                   for parameter in (*parameters.posonly_params, *parameters.params, *parameters.kwonly_params))
    return any(_runs_code(child) for child in node.children)


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
