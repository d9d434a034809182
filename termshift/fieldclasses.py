"""Classes whose decorator writes their `__init__` from their fields: `@dataclass` and attrs.

Such a class's fields are its constructor's keywords — the fields of its
bases of the same kind included — so a renamed field renames a keyword that
callers spell, and the compat layer must accept the old one (deprecation.py).
Which names are fields, and which keyword each gives, follow the decorator's
own rules:

- `@dataclass` (with or without arguments): the annotated class-level names,
  ClassVars aside; the keyword is the field's name.
- attrs (`@attrs.define`, `@attr.s(auto_attribs=True)`, `@frozen`, ...): the
  annotated names too, unless the class assigns an unannotated `attr.ib()` /
  `field()` — as classic `@attr.s` does — when only those are fields; the
  keyword is the name without its leading underscores (`_job_id` takes
  `job_id=`).

`init=False` writes no `__init__`: there is nothing to accept old keywords.
"""

from __future__ import annotations

import ast
from typing import Callable

from .summary import dotted

DATACLASS, ATTRS = "dataclass", "attrs"

_ATTRS_DECORATORS = frozenset({
    "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attr.mutable",
    "attrs.define", "attrs.frozen", "attrs.mutable",
})
_ATTRS_FIELDS = frozenset({"attr.ib", "attr.attrib", "attr.field", "attrs.field"})
# Classic attrs: without auto_attribs=True only attr.ib() assignments are fields.
_CLASSIC = frozenset({"attr.s", "attr.attrs"})


def style(node: ast.ClassDef, origin: Callable[[str], str]) -> tuple[str, ast.expr | None]:
    """Which decorator writes the class from its fields (DATACLASS, ATTRS or ""), and that decorator.

    `origin(name)`: where a name used in the module comes from (`define` imported
    from attrs: "attrs.define"), so that a bare `@define` is told from another library's.
    """
    for decorator in node.decorator_list:
        name = _origin(dotted(decorator.func if isinstance(decorator, ast.Call) else decorator), origin)
        if name.rsplit(".", 1)[-1] == "dataclass":
            return DATACLASS, decorator
        if name in _ATTRS_DECORATORS:
            return ATTRS, decorator
    return "", None


def writes_init(decorator: ast.expr | None) -> bool:
    """`@dataclass`, `@define(frozen=True)`: yes; `@dataclass(init=False)`: no."""
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg == "init" and isinstance(keyword.value, ast.Constant) and not keyword.value.value:
                return False
    return decorator is not None


def fields(node: ast.ClassDef, kind: str, decorator: ast.expr | None, origin: Callable[[str], str],
           annotated: list[str]) -> list[str]:
    """The class's fields, given its annotated class-level names (ClassVars aside)."""
    if kind != ATTRS:
        return annotated
    assigned = []  # names given an attr.ib() / field(), annotated or not
    bare = False  # one of them unannotated: attrs then takes only those
    for stmt in node.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, ast.Call) or _origin(dotted(value.func), origin) not in _ATTRS_FIELDS:
            continue
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            assigned.append(stmt.target.id)
        elif isinstance(stmt, ast.Assign):
            names = [target.id for target in stmt.targets if isinstance(target, ast.Name)]
            assigned += names
            bare = bare or bool(names)
    classic = _origin(dotted(decorator.func if isinstance(decorator, ast.Call) else decorator), origin) in _CLASSIC
    auto = isinstance(decorator, ast.Call) and any(
        keyword.arg == "auto_attribs" and isinstance(keyword.value, ast.Constant) and keyword.value.value
        for keyword in decorator.keywords)
    if bare or (classic and not auto):
        return assigned
    return annotated


def keyword(name: str, kind: str) -> str:
    """The keyword the generated __init__ takes for a field."""
    return name.lstrip("_") or name if kind == ATTRS else name


def takes_field(info, name: str) -> bool:
    """Does the __init__ an attrs class's decorator writes take `name` for a field spelled otherwise
    (`job_id=` for `_job_id`)? Asked after `name in info.fields`, which answers for everything else."""
    return info.style == ATTRS and any(field != name and keyword(field, ATTRS) == name for field in info.fields)


def _origin(name: str | None, origin: Callable[[str], str]) -> str:
    if not name:
        return ""
    head, _, rest = name.partition(".")
    found = origin(head)
    return f"{found}.{rest}" if rest else found
