"""What one module defines, in a form cheap to keep for the whole project.

The gather pass summarises every first-party module that mentions a term (and,
lazily, any other module a resolution walks through). Summaries hold names and
dotted references only — no syntax trees — so they are small and picklable.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .astwalk import called_names, calls, collect, iter_child_nodes, touches, walk, walk_statements
from .namers import module_namers

# A type reference, resolved later in the module's own namespace:
# ("ann", "a.b.C") an instance of what the annotation names;
# ("call", "a.b.f") the result of calling it;
# ("cls", "a.b.C") the class itself; ("gen", "a.b.C") an instance of C[...] if C is ours;
# ("items", "a.b.C") a container (`list[C]`) whose items are instances of C.
TypeRef = tuple[str, str]

_WRAPPERS = {"Optional", "ClassVar", "Final", "Annotated", "Required", "NotRequired", "ReadOnly"}
_CLASS_OF = {"type", "Type"}
# Containers whose items are what their (first) parameter names: `list[Job]`, `Iterable[Job]`.
_ITEMS_OF = {"list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence", "MutableSequence", "Iterable",
             "Iterator", "Collection", "AbstractSet", "MutableSet", "Deque", "deque", "Generator", "AsyncIterator",
             "AsyncIterable", "AsyncGenerator"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}


def dotted(expr: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def annotation_ref(expr: ast.AST | None) -> str | None:
    """The class an annotation names, seen through Optional, `| None` and quotes."""
    inner = _unwrap(expr)
    return dotted(inner) if inner is not None and not isinstance(inner, ast.Subscript) else None


def annotation_type_ref(expr: ast.AST | None) -> TypeRef | None:
    """What an annotation tells of a value's type, as a TypeRef.

    Besides ("ann", C): ("cls", C) for `type[C]` / `Type[C]`, the class itself,
    whose call makes a C; ("gen", C) for a subscripted `C[...]`, an instance of C
    when C is one of the project's (generic) classes — a container such as
    `list[C]` stays unknown, as before.
    """
    inner = _unwrap(expr)
    if isinstance(inner, ast.Subscript):
        base = dotted(inner.value)
        if not base:
            return None
        if base.rsplit(".", 1)[-1] in _CLASS_OF:
            of = annotation_type_ref(inner.slice)
            return ("cls", of[1]) if of else None
        if base.rsplit(".", 1)[-1] in _ITEMS_OF or (base.rsplit(".", 1)[-1] in ("tuple", "Tuple") and _homogeneous(inner.slice)):
            item = inner.slice.elts[0] if isinstance(inner.slice, ast.Tuple) else inner.slice
            of = annotation_type_ref(item)
            return ("items", of[1]) if of and of[0] == "ann" else None
        return ("gen", base)
    name = dotted(inner) if inner is not None else None
    return ("ann", name) if name else None


_PLAIN = {"None", "str", "int", "float", "bytes", "bool", "complex"}


def _is_plain(expr: ast.AST) -> bool:
    """None or a builtin scalar in a union: `Job | None`, `"Job | str"` are Jobs where attributes are read."""
    if isinstance(expr, ast.Constant):
        return expr.value is None
    return isinstance(expr, ast.Name) and expr.id in _PLAIN


def _homogeneous(slice_: ast.AST) -> bool:
    """`tuple[Job, ...]`."""
    return isinstance(slice_, ast.Tuple) and len(slice_.elts) == 2 and isinstance(slice_.elts[1], ast.Constant) \
        and slice_.elts[1].value is Ellipsis


def _unwrap(expr: ast.AST | None) -> ast.AST | None:
    """The annotation inside quotes, Optional, `| None`, ClassVar and the like; None for other unions."""
    while expr is not None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            try:
                expr = ast.parse(expr.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            continue
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            left, right = expr.left, expr.right
            if _is_plain(right):
                expr = left
            elif _is_plain(left):
                expr = right
            else:
                return None
            continue
        if isinstance(expr, ast.Subscript) and (dotted(expr.value) or "").rsplit(".", 1)[-1] == "Union" \
                and isinstance(expr.slice, ast.Tuple):
            # `Union[Job, str]`: attributes of the value can only be Job's.
            rest = [element for element in expr.slice.elts if not _is_plain(element)]
            if len(rest) != 1:
                return None
            expr = rest[0]
            continue
        if isinstance(expr, ast.Subscript):
            base = dotted(expr.value)
            if base and base.rsplit(".", 1)[-1] in _WRAPPERS:
                inner = expr.slice
                if isinstance(inner, ast.Tuple) and inner.elts:
                    inner = inner.elts[0]
                expr = inner
                continue
        return expr
    return None


def value_ref(value: ast.AST | None) -> TypeRef | None:
    """What an assigned value tells of its type: only calls of named things."""
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call):
        callee = dotted(value.func)
        if callee:
            return ("call", callee)
    return None


@dataclass(slots=True)
class FunctionInfo:
    """What callers of a function need: the keywords it takes, and where its **kwargs go."""

    params: tuple[str, ...] = ()
    var_keyword: str | None = None
    returns: str | None = None
    decorators: tuple[str, ...] = ()
    kwargs_keys: frozenset[str] = frozenset()
    # Callees that receive the **kwargs (directly or through a dict they were
    # merged into): a keyword they take is one this function takes.
    forwards: tuple[str, ...] = ()
    params_are_data: bool = False  # see reads_own_locals
    # The return annotation as a TypeRef (`list[Job]` too); without one, for a pytest fixture, what
    # every `return` gives when they agree (a call's result): its value, for the tests that take it by name.
    returns_value: TypeRef | None = None
    fixture: bool = False  # decorated with pytest.fixture
    # Handed a function or class, it reads its name as data (a registry keyed by `__name__`), or
    # returns what does: namers.NAMES_ARGUMENT | namers.RETURNS_NAMER.
    names: int = 0


@dataclass(slots=True)
class Member:
    """A class member, as attribute lookups through the class see it."""

    kind: str  # method, attribute, class
    type_ref: TypeRef | None = None
    function: FunctionInfo | None = None


def mangled_parts(name: str) -> tuple[str, str] | None:
    """`_BaseJob__handle` as its class's name (leading underscores stripped, as Python does) and the
    private name written in that class (`__handle`); None for a name that is no such spelling."""
    if not name.startswith("_") or name.startswith("__"):
        return None
    owner, separator, private = name[1:].partition("__")
    if not separator or not owner or not private or private.endswith("__"):
        return None
    return owner, "__" + private


@dataclass(slots=True)
class ClassInfo:
    """A class, for member lookups along its bases and for the data classes' keywords."""

    name: str
    qualname: str
    kind: str  # class, enum, exception, typeddict, namedtuple, protocol, dataclass
    bases: tuple[str, ...] = ()
    members: dict[str, Member] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # annotated class-level names: constructor keywords of data classes
    # A data class whose decorator writes its __init__ (not `init=False`, none in the body): that
    # __init__ takes the fields of its data-class bases too, wherever they are defined.
    writes_init: bool = False
    style: str = ""  # data classes: whose rules make fields and keywords, fieldclasses.DATACLASS or ATTRS
    metaclass: str = ""  # `class Job(metaclass=Meta)`: Meta, as written


@dataclass(slots=True)
class Symbol:
    """A module-level name, for resolving imports of it from other modules."""

    kind: str  # class, function, variable, constant, type-alias, type-var, import, module-import
    target: str = ""  # imports: "a.b" (module) or "a.b:name"
    type_ref: TypeRef | None = None
    names: tuple[str, ...] = ()  # type aliases: the dotted names in their value


@dataclass(slots=True)
class ModuleSummary:
    """What other files need to know of a module without parsing it: plain data, pickled and cached.

    This and the records it holds are slotted: every summary lives for the whole run, and in a
    monorepo a dict per record was most of what the summaries took."""

    name: str
    path: str
    is_package: bool
    symbols: dict[str, Symbol] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)  # by qualname within the module
    functions: dict[str, FunctionInfo] = field(default_factory=dict)  # "f" or "Class.method"
    star_imports: list[str] = field(default_factory=list)
    # How the values handed to dataclasses.asdict/astuple were obtained (serialized.ValuePath):
    # their classes' fields become dict keys, so they travel with the payload keys.
    serialized: list[tuple] = field(default_factory=list)
    all_names: tuple[str, ...] | None = None
    dynamic: bool = False  # a module __getattr__: any attribute may exist
    # Attributes the module sets on objects other than `self` / `cls` (`app.scheduler = self`): on a
    # third-party object (a Flask app, `current_app`), what they hold is the project's (planted_names).
    planted: tuple[str, ...] = ()


def function_info(node: ast.FunctionDef | ast.AsyncFunctionDef, source: "SourceFacts | None" = None) -> FunctionInfo:
    """`source`: what the module's text says, which spares walks that can't find anything."""
    args = node.args
    params = tuple(
        arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
    )
    var_kw = args.kwarg.arg if args.kwarg else None
    keys: set[str] = set()
    forwards: tuple[str, ...] = ()
    if var_kw and (source is None or source.names_again(var_kw, node)):
        nodes = collect(node, _KWARGS_NODES)  # one walk for the three questions about **kwargs
        for sub in nodes:
            key = _kwargs_key(sub, var_kw)
            if key is not None:
                keys.add(key)
        forwards = _kwargs_forwards(nodes, var_kw)
    decorators = tuple(filter(None, (dotted(_decorator_target(d)) for d in node.decorator_list)))
    fixture = any(decorator.rsplit(".", 1)[-1] == "fixture" for decorator in decorators)
    return FunctionInfo(
        params=params,
        var_keyword=var_kw,
        returns=annotation_ref(node.returns),
        returns_value=annotation_type_ref(node.returns) if node.returns is not None else (_returned(node) if fixture else None),
        fixture=fixture,
        decorators=decorators,
        kwargs_keys=frozenset(keys),
        forwards=forwards,
        params_are_data=reads_locals_at(source.locals_at if source else None, node),
    )


def _returned(node: ast.FunctionDef | ast.AsyncFunctionDef) -> TypeRef | None:
    """The call every `return`/`yield` of the function gives (`return JobService()`), when they agree."""
    found: set[TypeRef | None] = set()
    returned: list[ast.AST | None] = []
    assigned: dict[str, list[ast.AST]] = {}  # `service = JobService(); …; return service`
    for sub in walk_statements(node):
        if isinstance(sub, ast.Return):
            returned.append(sub.value)
        elif isinstance(sub, ast.Expr) and isinstance(sub.value, (ast.Yield, ast.YieldFrom)):
            returned.append(sub.value.value)
        elif isinstance(sub, ast.Assign):
            for target in sub.targets:
                for name in _target_names(target):
                    assigned.setdefault(name, []).append(sub.value if isinstance(target, ast.Name) else None)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and sub is not node:
            return None  # a factory: what it makes is not what it returns
    for value in returned:
        if isinstance(value, ast.Name) and len(assigned.get(value.id, ())) == 1:
            value = assigned[value.id][0]
        found.add(value_ref(value))
    return found.pop() if len(found) == 1 else None


# What the questions about **kwargs look at: `kwargs.get("k")`, `kwargs["k"]`, `"k" in kwargs`,
# `f(**kwargs)` and the assignments that copy them.
_KWARGS_NODES = (ast.Call, ast.Subscript, ast.Compare, ast.Assign)


def reads_own_locals(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> bool:
    """Does the function call `locals()` (or a bare `vars()`) in its own body?

    Then its parameter names are data — dict keys, command-line flags
    (`job_name` → `--job-name`) — and not the project's to rename.
    """
    pending: list[ast.AST] = list(node.body) if isinstance(node.body, list) else [node.body]
    while pending:
        sub = pending.pop()
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # their own locals
        if isinstance(sub, ast.Call) and reads_locals(sub):
            return True
        pending.extend(iter_child_nodes(sub))
    return False


def reads_locals(call: ast.Call) -> bool:
    """`locals()` or a bare `vars()`: the caller's local names become data."""
    func = call.func
    return func.__class__ is ast.Name and func.id in ("locals", "vars") and not call.args and not call.keywords


def _kwargs_forwards(nodes: list[ast.AST], kwargs: str) -> tuple[str, ...]:
    """`Step(**kwargs)`, or `fields.update(kwargs); Step(**fields)`: where the keywords go.

    `nodes`: the function's, in walk order."""
    carriers = {kwargs}
    for sub in nodes:
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "update" \
                and isinstance(sub.func.value, ast.Name) and any(
                    isinstance(arg, ast.Name) and arg.id == kwargs for arg in sub.args):
            carriers.add(sub.func.value.id)
        elif isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            value = sub.value
            if isinstance(value, ast.Dict) and any(
                key is None and isinstance(item, ast.Name) and item.id == kwargs
                for key, item in zip(value.keys, value.values)
            ):
                carriers.add(sub.targets[0].id)
            elif isinstance(value, ast.Call) and dotted(value.func) in ("dict", f"{kwargs}.copy") and (
                not value.args or (isinstance(value.args[0], ast.Name) and value.args[0].id == kwargs)
            ):
                carriers.add(sub.targets[0].id)
    forwards = []
    for sub in nodes:
        if isinstance(sub, ast.Call) and any(
            keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id in carriers
            for keyword in sub.keywords
        ):
            callee = dotted(sub.func)
            if callee:
                forwards.append(callee)
    return tuple(forwards)


def _kwargs_key(node: ast.AST, kwargs: str) -> str | None:
    """The key in `kwargs.pop("k")`, `kwargs.get("k")`, `kwargs["k"]`, `"k" in kwargs`."""
    key: ast.AST | None = None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("pop", "get", "setdefault")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == kwargs
        and node.args
    ):
        key = node.args[0]
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == kwargs:
        key = node.slice
    elif (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], (ast.In, ast.NotIn))
        and isinstance(node.comparators[0], ast.Name)
        and node.comparators[0].id == kwargs
    ):
        key = node.left
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier():
        return key.value
    return None


def _decorator_target(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def class_kind(node: ast.ClassDef, style: str = "") -> str:
    """`style`: a decorator writes the class from its fields (fieldclasses.style)."""
    names = {(dotted(base) or "").rsplit(".", 1)[-1] for base in node.bases}
    decorators = {(dotted(_decorator_target(d)) or "").rsplit(".", 1)[-1] for d in node.decorator_list}
    if style:
        decorators.add("dataclass")
    if names & _ENUM_BASES:
        return "enum"
    if "TypedDict" in names:
        return "typeddict"
    if "NamedTuple" in names:
        return "namedtuple"
    if "Protocol" in names:
        return "protocol"
    if "dataclass" in decorators:
        return "dataclass"
    if any(name.endswith(("Error", "Exception", "Warning")) for name in names):
        return "exception"
    return "class"


def _self_attribute(target: ast.AST, self_name: str) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name
    ):
        return target.attr
    return None


def summarize_class(node: ast.ClassDef, prefix: str, summary: ModuleSummary, source: "SourceFacts | None" = None) -> ClassInfo:
    from . import fieldclasses

    qualname = f"{prefix}{node.name}"
    style, decorator = fieldclasses.style(node, lambda name: _origin(summary, name)) if node.decorator_list \
        else ("", None)
    info = ClassInfo(
        name=node.name,
        qualname=qualname,
        kind=class_kind(node, style),
        bases=tuple(filter(None, (dotted(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases))),
        metaclass=next((dotted(keyword.value) or "" for keyword in node.keywords if keyword.arg == "metaclass"), ""),
    )
    fields: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = function_info(stmt, source)
            summary.functions[f"{qualname}.{stmt.name}"] = function
            returns = ("ann", function.returns) if function.returns else None
            is_property = any(d.endswith("property") or d.endswith(".setter") for d in function.decorators)
            info.members.setdefault(
                stmt.name,
                Member("attribute" if is_property else "method", returns, function),
            )
            _collect_self_attributes(stmt, info)
        elif isinstance(stmt, ast.ClassDef):
            nested = summarize_class(stmt, f"{qualname}.", summary, source)
            summary.classes[nested.qualname] = nested
            info.members[stmt.name] = Member("class")
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            info.members[stmt.target.id] = Member("attribute", annotation_type_ref(stmt.annotation))
            if not _is_class_var(stmt.annotation):
                fields.append(stmt.target.id)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for name in _target_names(target):
                    info.members.setdefault(name, Member("attribute", value_ref(stmt.value)))
    if info.kind == "dataclass" and style:
        info.style = style
        fields = fieldclasses.fields(node, style, decorator, lambda name: _origin(summary, name), fields)
        info.writes_init = "__init__" not in info.members and fieldclasses.writes_init(decorator)
    info.fields = tuple(fields)
    return info


def _is_class_var(annotation: ast.AST) -> bool:
    """`ClassVar`, `ClassVar[int]`, `"typing.ClassVar[int]"`: a class attribute, no field."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value.strip(), mode="eval").body
        except SyntaxError:
            return False
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return (dotted(annotation) or "").rsplit(".", 1)[-1] == "ClassVar"


def _origin(summary: ModuleSummary, name: str) -> str:
    """Where a name the module uses comes from, as far as its imports so far tell: `define`
    imported from attrs is "attrs.define"; a module imported under another name, that module."""
    symbol = summary.symbols.get(name)
    if symbol is not None and symbol.kind == "import":
        return symbol.target.replace(":", ".")
    if symbol is not None and symbol.kind == "module-import":
        return symbol.target
    return name


def _assigned_ref(value: ast.AST | None, annotations: dict[str, ast.AST]) -> TypeRef | None:
    """What `self.x = value` tells of x's type: a call's result, or an annotated parameter's type,
    also through `store if store is not None else Store()` and `store or Store()`."""
    if isinstance(value, ast.Name):
        annotation = annotations.get(value.id)
        return annotation_type_ref(annotation) if annotation is not None else None
    if isinstance(value, ast.IfExp):
        return _assigned_ref(value.body, annotations) or _assigned_ref(value.orelse, annotations)
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        for part in value.values:
            found = _assigned_ref(part, annotations)
            if found is not None:
                return found
        return None
    return value_ref(value)


def _collect_self_attributes(method: ast.FunctionDef | ast.AsyncFunctionDef, info: ClassInfo) -> None:
    args = method.args.posonlyargs + method.args.args
    if not args:
        return
    self_name = args[0].arg
    annotations = {arg.arg: arg.annotation for arg in (*args[1:], *method.args.kwonlyargs) if arg.annotation is not None}
    for sub in walk_statements(method):  # assignments are statements: no need to enter expressions
        if isinstance(sub, ast.AnnAssign):
            name = _self_attribute(sub.target, self_name)
            if name:
                current = info.members.get(name)
                if current is None or current.type_ref is None:
                    info.members[name] = Member("attribute", annotation_type_ref(sub.annotation))
        elif isinstance(sub, ast.Assign):
            for target in sub.targets:
                name = _self_attribute(target, self_name)
                if name:
                    current = info.members.get(name)
                    if current is None or (current.kind == "attribute" and current.type_ref is None):
                        info.members[name] = Member("attribute", _assigned_ref(sub.value, annotations))


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def bound_of(value: ast.AST) -> ast.AST | None:
    """`TypeVar("JobT", bound="Job")`: the bound's expression (a string annotation parsed)."""
    if not isinstance(value, ast.Call):
        return None
    for keyword in value.keywords:
        if keyword.arg == "bound":
            return _unwrap(keyword.value)
    return None


def _bound(value: ast.AST | None) -> TypeRef | None:
    """A TypeVar stands for its bound where attributes are read: `jobs: Iterable[JobT]` holds Jobs."""
    bound = bound_of(value) if value is not None else None
    name = dotted(bound) if bound is not None else None
    return ("cls", name) if name else None


def _variable_kind(name: str, value: ast.AST | None) -> str:
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in ("TypeVar", "ParamSpec", "TypeVarTuple"):
        return "type-var"
    if isinstance(value, ast.Call) and (dotted(value.func) or "").rsplit(".", 1)[-1] in ("NamedTuple", "TypedDict", "NewType"):
        return "class"
    if name[:1].isupper() and not name.isupper() and isinstance(value, (ast.Subscript, ast.BinOp, ast.Name, ast.Attribute)):
        return "type-alias"
    if name.isupper():
        return "constant"
    return "variable"


def _name_offsets(text: str, names: tuple[str, ...], methods: bool) -> list[int]:
    """Where one of `names` stands alone in the text (not inside `all_locals`, nor after
    a dot unless `methods`)."""
    found = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            before = text[start - 1:start]
            after = text[end:end + 1]
            if not (after.isalnum() or after == "_") and not (
                    before.isalnum() or before == "_" or (before == "." and not methods)):
                found.append(start)
            start = text.find(name, end)
    return found


def name_lines(text: str, names: tuple[str, ...], *, methods: bool = False) -> list[int]:
    """The lines, in order, where one of `names` stands alone as a name (with `methods`, also
    after a dot). A name outside ASCII is NFKC-normalised first, as the parser does."""
    from .textpos import NON_ASCII, line_starts

    offsets = _name_offsets(text, names, methods)
    if text.isascii() and not offsets:
        return []
    starts = line_starts(text)
    found = {bisect.bisect_right(starts, offset) for offset in offsets}
    if not text.isascii():
        import unicodedata

        match = NON_ASCII.search(text)
        while match is not None:  # each line outside ASCII once, normalised
            number = bisect.bisect_right(starts, match.start())
            end = starts[number] if number < len(starts) else len(text)
            if number not in found and _name_offsets(unicodedata.normalize("NFKC", text[starts[number - 1]:end]),
                                                     names, methods):
                found.add(number)
            match = NON_ASCII.search(text, end)
    return sorted(found)


def may_call(text: str | None, names: tuple[str, ...], *, methods: bool = False) -> bool:
    """Can the source `text` call one of `names` (or, with `methods`, a method of that name)?
    Without the text nobody can tell: then the answer is yes, and the caller walks the tree."""
    return text is None or bool(name_lines(text, names, methods=methods))


_READS_LOCALS = ("locals", "vars")
_SERIALIZES = ("asdict", "astuple")


def locals_lines(text: str | None, tree: ast.Module) -> list[int] | None:
    """Where the module may call locals() or vars(): [] nowhere, else the lines a function
    must span to call them, or None (without the text) when every function must be asked.

    Parameter names become data in such a function (`reads_own_locals`), and
    finding out costs a walk of the function; most modules never name either.
    """
    if text is not None:
        return name_lines(text, _READS_LOCALS)
    return None if any(reads_locals(call) for call in calls(tree)) else []


class SourceFacts:
    """What a module's text tells without a walk of its tree: where locals() or vars() may be
    called (`locals_lines`), and whether a function names one of its parameters again."""

    def __init__(self, text: str | None, tree: ast.Module):
        self.locals_at = locals_lines(text, tree)
        self._text = text if text is not None and text.isascii() else None  # elsewhere: NFKC
        self._starts: list[int] | None = None

    def names_again(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Does the function's text name `name` more than once (its signature does once)?"""
        text = self._text
        if text is None:
            return True
        if self._starts is None:
            from .textpos import line_starts

            self._starts = line_starts(text)
        starts = self._starts
        end = starts[node.end_lineno] if node.end_lineno < len(starts) else len(text)
        return len(_name_offsets(text[starts[node.lineno - 1]:end], (name,), False)) > 1


def reads_locals_at(locals_at: list[int] | None, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> bool:
    """`reads_own_locals(node)`, asked only where `locals_lines` says it can be yes."""
    if locals_at is not None and (not locals_at or not touches(locals_at, node)):
        return False
    return reads_own_locals(node)


def summarize(tree: ast.Module, name: str, path: str, is_package: bool, resolve_relative,
              text: str | None = None) -> ModuleSummary:
    """Summarise a parsed module. `resolve_relative(level, module)` makes import targets absolute;
    `text`, the module's source, spares the walk of its calls when it never names the ones asked about."""
    summary = ModuleSummary(name=name, path=path, is_package=is_package)
    symbols = summary.symbols
    source = SourceFacts(text, tree)
    # Which per-function questions (asdict()) can have a yes: a walk of the calls, where they may be named.
    called = called_names(tree) if may_call(text, _SERIALIZES, methods=True) else set()

    for stmt in _module_statements(tree.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = function_info(stmt, source)
            summary.functions[stmt.name] = function
            symbols[stmt.name] = Symbol("function", type_ref=("ann", function.returns) if function.returns else None)
            if stmt.name == "__getattr__":
                summary.dynamic = True
        elif isinstance(stmt, ast.ClassDef):
            info = summarize_class(stmt, "", summary, source)
            summary.classes[info.qualname] = info
            symbols[stmt.name] = Symbol("class")
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    symbols[alias.asname] = Symbol("module-import", alias.name)
                else:
                    top = alias.name.split(".")[0]
                    symbols.setdefault(top, Symbol("module-import", top))
        elif isinstance(stmt, ast.ImportFrom):
            module = resolve_relative(stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    summary.star_imports.append(module)
                else:
                    symbols[alias.asname or alias.name] = Symbol("import", f"{module}:{alias.name}")
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            ann = annotation_ref(stmt.annotation)
            kind = "type-alias" if (ann or "").endswith("TypeAlias") else _variable_kind(stmt.target.id, stmt.value)
            symbols[stmt.target.id] = Symbol(kind, type_ref=annotation_type_ref(stmt.annotation) if kind != "type-alias" else None)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for target_name in _target_names(target):
                    kind = _variable_kind(target_name, stmt.value if isinstance(target, ast.Name) else None)
                    type_ref = _bound(stmt.value) if kind == "type-var" else value_ref(stmt.value)
                    symbols.setdefault(target_name, Symbol(kind, type_ref=type_ref))
                if isinstance(target, ast.Name) and target.id == "__all__":
                    summary.all_names = _string_list(stmt.value)
        elif isinstance(stmt, getattr(ast, "TypeAlias", ())):  # Python 3.12 `type X = ...`
            symbols[stmt.name.id] = Symbol("type-alias")
    summary.planted = planted_names(tree)
    for qualname, flags in module_namers(tree, text).items():
        function = summary.functions.get(qualname)
        if function is not None:
            function.names = flags
    for name, symbol in symbols.items():
        if symbol.kind == "type-alias":
            symbol.names = _alias_names(tree, name)
    if not called.isdisjoint(_SERIALIZES):
        from .serialized import value_paths

        summary.serialized = value_paths(tree)
    return summary


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at the module's level, in order, through the blocks of `if`,
    `try`, `with` and loops. A generator, not a pair of nested functions: those would refer to
    each other, and the cycle would keep each summary alive, with the collector off, after
    it is packed (launch.py)."""
    for stmt in body:
        if isinstance(stmt, (ast.If, ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from _module_statements(stmt.body)
            yield from _module_statements(stmt.orelse)
            for handler in getattr(stmt, "handlers", ()):
                yield from _module_statements(handler.body)
            yield from _module_statements(getattr(stmt, "finalbody", []))
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
            yield from _module_statements(stmt.body)
        else:
            yield stmt


_OWN_RECEIVERS = ("self", "cls")
_ASSIGNS = (ast.Assign, ast.AnnAssign)


def planted_names(tree: ast.Module) -> tuple[str, ...]:
    """The attributes the module assigns on a receiver other than `self` or `cls`, sorted.

    `app.scheduler = self` hands a third-party object one of ours: read back anywhere
    (`current_app.scheduler.remove_job(…)`), that attribute's value is no longer theirs alone.
    Assignments are statements: the walk never enters an expression."""
    found = set()
    for node in walk_statements(tree):
        if node.__class__ not in _ASSIGNS:
            continue
        stack = list(node.targets) if node.__class__ is ast.Assign else [node.target]
        while stack:
            target = stack.pop()
            if isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
                stack.extend(target.elts if not isinstance(target, ast.Starred) else (target.value,))
            elif isinstance(target, ast.Attribute) and not (
                    isinstance(target.value, ast.Name) and target.value.id in _OWN_RECEIVERS):
                found.add(target.attr)
    return tuple(sorted(found))


def _names_in(expr: ast.AST) -> tuple[str, ...]:
    found = []
    for sub in walk(expr):
        if isinstance(sub, (ast.Name, ast.Attribute)):
            name = dotted(sub)
            if name:
                found.append(name)
    return tuple(found)


def _alias_names(tree: ast.Module, alias: str) -> tuple[str, ...]:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == alias for t in stmt.targets):
            return _names_in(stmt.value)
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == alias and stmt.value:
            return _names_in(stmt.value)
    return ()


def _string_list(value: ast.AST) -> tuple[str, ...] | None:
    if isinstance(value, (ast.List, ast.Tuple)):
        names = [elt.value for elt in value.elts if isinstance(elt, ast.Constant) and isinstance(elt.value, str)]
        return tuple(names)
    return None
