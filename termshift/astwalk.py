"""`ast.walk` and `ast.NodeVisitor`, with the same behaviour, at about twice the speed.

Summaries and the finder walk every tree they read several times over, and
the standard versions spend most of their time in the generators of
`iter_child_nodes` / `iter_fields` and in a string-built method lookup per
node. These read `_fields` directly and look a handler up once per node
class; they visit exactly the nodes the standard ones visit, in the same
order, so callers that collect lists see no difference.
"""

from __future__ import annotations

import ast
import bisect
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

__all__ = ["NodeVisitor", "called_names", "calls", "collect", "iter_child_nodes", "touches", "walk", "walk_statements"]

_AST = ast.AST


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and every node below it, breadth first, as `ast.walk` yields them."""
    pending = deque((node,))
    popleft, append, extend = pending.popleft, pending.append, pending.extend
    while pending:
        node = popleft()
        if not isinstance(node, _AST):  # a list item that isn't a node: a name in `global a, b`
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(value)
            elif isinstance(value, _AST):
                append(value)
        yield node


# The only fields through which a statement holds other statements.
_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_block_fields_of: dict[type, tuple[str, ...]] = {}


def walk_statements(node: ast.AST) -> Iterator[ast.AST]:
    """What `walk(node)` yields, less everything inside expressions, in the same order.

    Statements only ever sit in the blocks of other statements (and of except
    handlers and match cases), so the walk never needs to enter an expression:
    leaving those subtrees out keeps the breadth-first order of what remains.
    The questions asked of assignments (`self.x = ...`) visit a tenth of the nodes.
    """
    pending = deque((node,))
    popleft, extend = pending.popleft, pending.extend
    fields_of = _block_fields_of
    while pending:
        node = popleft()
        fields = fields_of.get(node.__class__)
        if fields is None:
            fields = fields_of[node.__class__] = tuple(name for name in node._fields if name in _BLOCK_FIELDS)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(value)
        yield node


# Fields that hold no node a call can be found in: names, contexts, operators.
_NO_CALLS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind",
                       "type_comment", "conversion", "is_async", "simple", "names"})
_call_fields_of: dict[type, tuple[str, ...]] = {}


def calls(node: ast.AST) -> list[ast.Call]:
    """Every call below `node`, in no particular order.

    A whole-module question (does anything call locals()?), answered without a
    generator and without looking into the fields that can't hold a call: much
    cheaper than a `walk`.
    """
    return collect(node, _CALL)  # type: ignore[return-value]


_CALL = (ast.Call,)


def collect(node: ast.AST, kinds: tuple[type, ...]) -> list[ast.AST]:
    """The nodes of `kinds` that `walk(node)` yields, in its order, without a step per node
    in Python for the fields that hold no node of any kind (names, contexts, operators)."""
    found: list[ast.AST] = []
    pending = deque((node,))
    popleft, append = pending.popleft, pending.append
    fields_of = _call_fields_of
    while pending:
        node = popleft()
        node_class = node.__class__
        if node_class in kinds:
            found.append(node)
        fields = fields_of.get(node_class)
        if fields is None:
            fields = fields_of[node_class] = tuple(name for name in node._fields if name not in _NO_CALLS)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        append(item)
            elif isinstance(value, _AST):
                append(value)
    return found


def called_names(node: ast.AST, found: list[ast.Call] | None = None) -> set[str]:
    """The last name of everything called below `node` (`f`, `x.f` -> "f"); `found` is
    `calls(node)`, when the caller has it already."""
    names: set[str] = set()
    for call in calls(node) if found is None else found:
        func = call.func
        if func.__class__ is ast.Name:
            names.add(func.id)
        elif func.__class__ is ast.Attribute:
            names.add(func.attr)
    return names


def touches(lines: list[int], node: ast.AST) -> bool:
    """Does the node, decorators included, span one of `lines` (in order)?"""
    first = node.lineno
    if node.__class__ in _DECORATED:  # asked of every statement: no getattr() that mostly fails
        for decorator in node.decorator_list:
            if decorator.lineno < first:
                first = decorator.lineno
    index = _bisect_left(lines, first)
    return index < len(lines) and lines[index] <= node.end_lineno


_DECORATED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_bisect_left = bisect.bisect_left


def iter_child_nodes(node: ast.AST) -> list[ast.AST]:
    """The direct children of `node`, as `ast.iter_child_nodes` yields them, as a list."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend(item for item in value if isinstance(item, _AST))
        elif isinstance(value, _AST):
            found.append(value)
    return found


_DEPRECATED_CONSTANT_VISITORS = ("visit_Num", "visit_Str", "visit_Bytes", "visit_NameConstant", "visit_Ellipsis")
_STANDARD_VISIT_CONSTANT = getattr(ast.NodeVisitor, "visit_Constant", None)


class NodeVisitor(ast.NodeVisitor):
    """A drop-in `ast.NodeVisitor`: subclass it and define `visit_<Class>` methods as usual."""

    _handlers: ClassVar[dict[type, Callable[[Any, Any], Any]]] = {}
    # Fields generic_visit leaves out. OPERATORS: the expression contexts and
    # operators (`Load()`, `Add()`, shared singletons that hold nothing), a third
    # of all nodes, for visitors that have nothing to do with them.
    skipped_fields: ClassVar[frozenset[str]] = frozenset()
    OPERATORS: ClassVar[frozenset[str]] = frozenset({"ctx", "op", "ops"})
    _fields_of: ClassVar[dict[type, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}  # node class -> the function that visits it, per visitor class
        cls._fields_of = {}  # node class -> the fields generic_visit enters, per visitor class

    def visit(self, node: ast.AST) -> Any:
        handler = self._handlers.get(node.__class__)
        if handler is None:
            handler = self._handler(node.__class__)
        return handler(self, node)

    @classmethod
    def _handler(cls, node_class: type) -> Callable[[Any, Any], Any]:
        handler = getattr(cls, "visit_" + node_class.__name__, None)
        if handler is None or (
            handler is _STANDARD_VISIT_CONSTANT
            and not any(hasattr(cls, name) for name in _DEPRECATED_CONSTANT_VISITORS)
        ):
            handler = cls.generic_visit  # the standard visit_Constant only looks for those
        cls._handlers[node_class] = handler
        return handler

    def generic_visit(self, node: ast.AST) -> None:
        visit = self.visit
        fields = self._fields_of.get(node.__class__)
        if fields is None:
            fields = self._fields_of[node.__class__] = tuple(
                name for name in node._fields if name not in self.skipped_fields)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        visit(item)
            elif isinstance(value, _AST):
                visit(value)
