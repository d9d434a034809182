"""Which data classes `asdict()` turns into dicts: their fields are payload keys.

`dataclasses.asdict(x)` makes a dict whose keys are x's field names, so
renaming such a field changes data that leaves the code (JSON, a stored
record, what a test compares), and no compat layer can give the dict its old
keys back. Those fields move with the payload keys, in the `webhooks` stage.

What matters is the class, not the one place that serialises an instance: x
is rarely built in the call (`asdict(Entry(...))`); it comes out of an
annotated parameter, a method's result, a loop over a returned list
(`[asdict(j) for j in await redis.queued_jobs()]`). The summary records, for
each call, how its argument was obtained, as a path the index can follow
across modules (`value_paths`); the index turns each path into a class
(`classes_of`). A value typed as a class may be any of its subclasses, and its
dict holds the fields of every data class along its bases too: all of those
fields are payload keys.
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterable

from .astwalk import iter_child_nodes
from .summary import annotation_type_ref, dotted

SERIALIZERS = ("asdict", "astuple")

# How a value is obtained: a root, then steps taken from it.
# Root: ("val", "a.b") a name at the module's top level, or an annotation's TypeRef
# (summary.annotation_type_ref: ("ann", C), ("items", C), ...).
# Steps: "()" call it, "[]" take one of its items, any other string: that attribute.
ValuePath = tuple[tuple[str, str], tuple[str, ...]]

_CALL, _ITEM = "()", "[]"
_DEPTH = 8  # steps followed back from one argument: a chain of locals that long is rare


def value_paths(tree: ast.Module) -> list[ValuePath]:
    """How the argument of each `asdict(x)` / `astuple(x)` in the module was obtained, where it can be told.

    What binds each name is told only in the functions (or the module) that make such a call: a
    module that serialises does so in a few of its functions, and telling it everywhere cost more
    than the rest of the module's summary."""
    found: list[ValuePath] = []
    for owner, owner_class in _owners(tree):
        serializing = [call for call in _own_calls(owner)
                       if call.args and (dotted(call.func) or "").rsplit(".", 1)[-1] in SERIALIZERS]
        if not serializing:
            continue
        bindings = _bindings(owner, owner_class)
        for call in serializing:
            path = _path(call.args[0], bindings, _DEPTH)
            if path is not None:
                found.append(path)
    return found


def classes_of(index, module: str, path: ValuePath) -> list[str]:
    """The first-party classes (`module:Qualname`) the value a path describes is an instance of."""
    from .index import Type

    (how, name), steps = path
    if how == "ann" and not steps:
        return index._classes_named(module, name)  # also through a type alias
    value = index.resolve_dotted(module, name).type if how == "val" else index.ref_type(module, (how, name))
    for step in steps:
        if value is None:
            return []
        if step == _CALL:
            value = index.call_result(value)
        elif step == _ITEM:
            value = Type("inst", value.name) if value.kind == "items" else None
        else:
            value = index.attribute(value, step).type
    return [value.name] if value is not None and value.kind == "inst" else []


def payload_fields(index, serialized: Iterable[str], asked: frozenset[str] | None = None) -> set[str]:
    """The fields an instance of each class may have: those of its data-class bases and its subclasses.

    With `asked` (names of sites, which spell the term), only those need be told: a subclass's
    lineage adds one only through a data class defining it, in a module that spells it, so among
    the facts. Where no fact's data class defines one, the lineages of every fact's classes (which
    read the modules of all their bases) are not followed."""
    serialized = set(serialized)
    if not serialized:
        return set()
    names: set[str] = set()
    for qualified in serialized:  # those the facts don't hold (summarised on demand)
        names.update(field for _, base in index.mro(qualified)[0] if base.kind == "dataclass" for field in base.fields)
    if asked is not None and not defined_by_a_fact(index, asked - names):
        return names
    for fact in list(index.facts):
        for qualname in fact.classes:
            lineage = index.mro(f"{fact.name}:{qualname}")[0]
            if serialized.isdisjoint(f"{module}:{base.qualname}" for module, base in lineage):
                continue  # neither one of the serialised classes nor a subclass of one
            names.update(field for _, base in lineage if base.kind == "dataclass" for field in base.fields)
    return names


def defined_by_a_fact(index, fields: frozenset[str]) -> bool:
    """Does a data class of a module among the facts define one of these fields?"""
    if not fields:
        return False
    for fact in list(index.facts):
        if not fact.classes:
            continue
        summary = index.module(fact.name)
        if summary is not None and any(info.kind == "dataclass" and not fields.isdisjoint(info.fields)
                                       for info in summary.classes.values()):
            return True
    return False


def _owners(tree: ast.Module) -> Iterable[tuple[ast.AST, str | None]]:
    """The module and each function in it, with the class each function is a method of."""
    yield tree, None
    yield from _functions(tree)


def _functions(tree: ast.Module) -> Iterable[tuple[ast.AST, str | None]]:
    """Every function, with the qualname of the class it is a method of (None elsewhere)."""
    pending: list[tuple[ast.AST, str]] = [(tree, "")]  # a node, and the qualname prefix of classes in it
    while pending:
        node, prefix = pending.pop()
        for child in iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                pending.append((child, f"{prefix}{child.name}."))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield child, prefix[:-1] if isinstance(node, ast.ClassDef) else None
                pending.append((child, "<local>."))  # classes local to a function are no summary's
            else:
                pending.append((child, prefix))


def _own_calls(owner: ast.AST) -> Iterable[ast.Call]:
    """The calls in a function (or the module) that aren't inside a function nested in it."""
    pending = list(iter_child_nodes(owner))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue  # their calls are theirs (a lambda's parameters are bound nowhere here)
        if isinstance(node, ast.Call):
            yield node
        pending.extend(iter_child_nodes(node))


def _bindings(owner: ast.AST, owner_class: str | None) -> dict[str, list]:
    """name -> how it is bound in this function (or module): ("ann", annotation), ("is", value),
    ("in", iterable). A name bound more than once, differently, is left untold."""
    bindings: dict[str, list] = {}
    bind = partial(_bind, bindings)
    if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = owner.args
        positional = [*args.posonlyargs, *args.args]
        for number, arg in enumerate([*positional, *args.kwonlyargs, args.vararg, args.kwarg]):
            if arg is None:
                continue
            if arg.annotation is not None and arg not in (args.vararg, args.kwarg):
                bind(ast.Name(arg.arg), ("ann", arg.annotation))
            elif number == 0 and owner_class is not None and positional and arg is positional[0] \
                    and not _is_static(owner):
                bind(ast.Name(arg.arg), ("self", owner_class))
            else:
                bind(ast.Name(arg.arg), ("unknown",))
    for node in _own_nodes(owner):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, ("is", node.value) if isinstance(target, ast.Name) else ("unknown",))
        elif isinstance(node, ast.AnnAssign):
            bind(node.target, ("ann", node.annotation))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind(node.target, ("in", node.iter) if isinstance(node.target, ast.Name) else ("unknown",))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, ("unknown",))
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, ("is", node.value))
        elif isinstance(node, ast.AugAssign):
            bind(node.target, ("unknown",))
    return bindings


def _bind(bindings: dict[str, list], target: ast.AST, how: tuple) -> None:
    """Record how each name `target` binds is bound. (Not a closure: one that calls itself is a
    cycle, which keeps what it refers to alive with the collector off; launch.py.)"""
    if isinstance(target, ast.Name):
        bindings.setdefault(target.id, []).append(how)
    elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
        for element in (target.elts if not isinstance(target, ast.Starred) else [target.value]):
            _bind(bindings, element, ("unknown",))


def _is_static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any((dotted(d) or "").endswith(("staticmethod", "classmethod")) for d in function.decorator_list)


def _own_nodes(owner: ast.AST) -> Iterable[ast.AST]:
    pending = list(iter_child_nodes(owner))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        pending.extend(iter_child_nodes(node))


def _path(expr: ast.AST, bindings: dict[str, list], depth: int) -> ValuePath | None:
    if depth <= 0:
        return None
    if isinstance(expr, ast.Await):
        return _path(expr.value, bindings, depth)
    if isinstance(expr, ast.Name):
        how = bindings.get(expr.id)
        if how is None:
            return ("val", expr.id), ()
        if len({_key(one) for one in how}) != 1:
            return None
        kind, value = how[0][0], how[0][1] if len(how[0]) > 1 else None
        if kind == "ann":
            ref = annotation_type_ref(value)
            return (ref, ()) if ref is not None else None
        if kind == "self":
            return ("ann", value), ()
        if kind == "is":
            return _path(value, bindings, depth - 1)
        if kind == "in":
            return _then(_path(value, bindings, depth - 1), _ITEM)
        return None
    if isinstance(expr, ast.Attribute):
        return _then(_path(expr.value, bindings, depth - 1), expr.attr)
    if isinstance(expr, ast.Call):
        return _then(_path(expr.func, bindings, depth - 1), _CALL)
    if isinstance(expr, ast.Subscript) and not isinstance(expr.slice, ast.Slice):
        return _then(_path(expr.value, bindings, depth - 1), _ITEM)
    return None


def _key(how: tuple) -> object:
    """Two bindings alike (`x = f()` in both branches) tell the same: compared by their source."""
    return (how[0], ast.dump(how[1]) if len(how) > 1 and isinstance(how[1], ast.AST) else how[1:])


def _then(path: ValuePath | None, step: str) -> ValuePath | None:
    return None if path is None else (path[0], (*path[1], step))

