"""`ast.walk`, in the same order, at about twice the speed.

Summaries and the finder walk every tree they read several times over, and
`ast.walk` spends most of its time in the generators of `iter_child_nodes` /
`iter_fields`. This reads `_fields` directly and skips what isn't a node
when it comes off the queue, so it yields exactly what `ast.walk` yields, in
the same breadth-first order: callers that collect lists see no difference.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator

__all__ = ["walk"]

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
