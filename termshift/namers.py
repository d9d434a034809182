"""Callables that read the name of the function or class handed to them.

`REGISTRY[f.__name__] = f` in a decorator, `cmd_name = f.__name__` in a
command-line framework, `cls.__name__` in `__init_subclass__`: the program keys
something by the name of what it was given. Renamed, the function registers
under its new name, and whatever still asks for the old one (a command line, a
queued message, a stored row, a name in a request) no longer finds it. So a
function or class handed to such a callable (decorated by it, passed to it,
or deriving from a class whose `__init_subclass__` does so) keeps
its name (finder.py).

A name read only to be shown (`log.info("ran %s", f.__name__)`, an exception's
message, `print`) is not data: what a program prints after a rename is the new
name, by definition.

Per module, a function *names its argument* when it reads a parameter's
`__name__` or `__qualname__` other than to show it (in its own body or a nested
function's), or hands a parameter on to a function of the same module, or a
method of its own class (`self._task_from_fun(fun)`), that names its argument;
it *returns a namer* when it returns a nested function that names its argument
(a decorator factory: `@register("kind")`, `@click.command()`), or what such a
factory returns, and names its argument when it calls one's result with a
parameter (`command(*args)(f)`). Calls into other modules are not followed:
only the functions whose lines read a name, or name a namer found so far, are
walked, which in most modules is none.

A class's own name is data too when one of its methods (or a base's) reads it
other than to show it: `{"type": type(self).__name__}` in a payload,
`f"{cls.__name__.lower()}:{id}"` as a storage key (NAMES_ITS_CLASS, also when
the method hands its receiver to a function of the module that reads its
argument's class's name: NAMES_CLASS_OF_ARGUMENT); and when its metaclass's
`__new__` or `__init__` keys the classes it makes by the name it is handed
(NAMES_ITS_INSTANCES). A `__repr__` or `__str__` only shows it.

A parameter's `__module__` read as data counts as its name (a task queue names
a task `app.jobs.cleanup`), and marks the name read as one with its module's
path (NAMES_MODULE): the module keeps its path too.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from .astwalk import iter_child_nodes, touches

NAME_ATTRIBUTES = ("__name__", "__qualname__")
# What may read a name in a module's text: the analysis walks only modules that spell one.
_MARKS = (".__name__", ".__qualname__", "__name__'", '__name__"', "__qualname__'", '__qualname__"', ".__module__")
# `f.__module__`: a function's module's name, read as data with the function's (a task queue's task names).
MODULE_ATTRIBUTE = "__module__"
# Where a name's `__name__` may be read, as `_read` reads it: of a plain name (`f.__name__`, not
# `self.__class__.__name__` or `type(self).__name__`: what stands before the dot), or by getattr().
_PLAIN_NAME_DOT = re.compile(r"(?<![\w.])[^\W\d]\w*[ \t]*\.[ \t]*\Z")
# A metaclass's `__new__(mcs, name, bases, namespace)` or `__init__(cls, name, bases, namespace)`.
_METACLASS_METHOD = re.compile(r"def[ \t]+__(?:new|init)__[ \t]*\([ \t]*\w+[ \t]*,[ \t]*\w+[ \t]*,[ \t]*(?:bases|parents)\b")
# Where the name of a value's class may be read: `type(x).__name__`, `x.__class__.__name__`.
_CLASS_NAME_DOT = re.compile(r"(?:(?<![\w.])type[ \t]*\([ \t]*[^\W\d]\w*[ \t]*\)|(?<![\w.])[^\W\d]\w*[ \t]*\.[ \t]*__class__)"
                             r"[ \t]*\.[ \t]*\Z")
# Methods whose text is for people to read: a name they read is shown.
_SHOWING_METHODS = frozenset({"__repr__", "__str__", "__format__", "__rich_repr__", "__rich__", "_repr_pretty_"})
# Calls whose arguments are shown, not kept: printing, logging, warnings, a command line's echo.
_SHOWN = frozenset({"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
                    "write", "echo", "secho", "fail", "skip", "getLogger", "getChild"})
# `self.method(f)`, `cls.method(f)`: a method of the class the function is in (celery's `app.task`
# hands the function to `self._task_from_fun`, which names the task after it).
_OWN_RECEIVERS = ("self", "cls")
# What a method's receiver is called, by custom: a name read through one may be its class's.
_RECEIVERS = frozenset({"self", "cls", "mcs", "mcls", "metacls", "klass", "kls"})
# What a hand-written wrapper copies from what it wraps (`functools.wraps` by hand).
_COPIED = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

NAMES_ARGUMENT = 1  # handed a function or class, it reads its name
RETURNS_NAMER = 2  # what it returns names its argument (a decorator factory)
NAMES_ITS_CLASS = 4  # a method that reads the name of its receiver's class (`type(self).__name__`)
NAMES_CLASS_OF_ARGUMENT = 8  # handed an object, it reads the name of its class (`type(obj).__name__`)
NAMES_ITS_INSTANCES = 16  # a metaclass's method that reads the name of the class it makes
NAMES_MODULE = 32  # with NAMES_ARGUMENT or RETURNS_NAMER: the name read is with its module's (`f.__module__`)


def may_name(text: str | None) -> bool:
    """Can the module's text read a name at all? (Without the text, it may.)"""
    return text is None or any(mark in text for mark in _MARKS) or _makes_classes(text)


def _makes_classes(text: str) -> bool:
    """May the text define a metaclass's `__new__` or `__init__`, handed the names of the classes it makes?"""
    return ("bases" in text or "parents" in text) and _METACLASS_METHOD.search(text) is not None


class _Function:
    __slots__ = ("node", "params", "parent", "nested", "owner", "reads", "calls", "method_calls", "factory_calls",
                 "dotted_calls", "returns", "returned_calls", "flags", "walked", "receiver", "made_name", "reads_class",
                 "reads_made", "class_calls", "receiver_calls", "reads_module")

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef, parent: "_Function | None", owner: str) -> None:
        args = node.args
        self.node = node
        self.params = {arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                           *filter(None, (args.vararg, args.kwarg)))}
        self.parent = parent
        self.nested: dict[str, _Function] = {}
        self.owner = owner  # "Class." for a method and the functions nested in one, else ""
        self.reads = False  # reads a parameter's name as data
        self.calls: set[str] = set()  # functions called with a parameter (or an alias of one)
        self.method_calls: set[str] = set()  # `self.method(parameter)`: the class's own methods
        self.dotted_calls: set[str] = set()  # `registry.add(parameter)`: followed by `handed_on`'s callers
        self.factory_calls: set[str] = set()  # `g(...)(parameter)`: g's result called with one
        self.returns: set[str] = set()  # names it returns
        self.returned_calls: set[str] = set()  # `return g(...)`: what g returns, it does
        self.flags = 0
        self.walked = False
        # A method's receiver (`self`, `cls`), and in a metaclass's `__new__` or `__init__` the parameter
        # that is handed the name of the class it makes; a nested function sees its method's.
        self.receiver = parent.receiver if parent is not None else _receiver(node, owner)
        self.made_name = parent.made_name if parent is not None else None
        self.reads_class = False  # reads its receiver's class's name as data (NAMES_ITS_CLASS)
        self.reads_made = False  # a metaclass's method: reads the name of the class it makes
        self.class_calls: set[str] = set()  # reads the name of a parameter's class (NAMES_CLASS_OF_ARGUMENT)
        self.receiver_calls: set[str] = set()  # functions of the module handed the receiver
        self.reads_module = False  # reads a parameter's `__module__` as data

    def resolve(self, name: str, module: dict[str, "_Function"]) -> "_Function | None":
        scope: _Function | None = self
        while scope is not None:
            if name in scope.nested:
                return scope.nested[name]
            scope = scope.parent
        return module.get(name)


def module_namers(tree: ast.Module, text: str | None = None, *, closures_only: bool = False) -> dict[str, int]:
    """The functions of the module (by the summary's qualname: `f`, `Class.method`) that name
    their argument or return a namer, each with its flags (NAMES_ARGUMENT | RETURNS_NAMER).
    With `closures_only` (a third party's module, whose helpers are not ours to judge: the
    standard library's `dataclass` hands the class to `_process_class`, which reads its name to
    build a `__repr__`), a call that hands a parameter on is followed only into the function's
    own nested functions and its class's methods (a factory's result, into the module's too)."""
    if not may_name(text):
        return {}
    module: dict[str, _Function] = {}  # module-level functions called with an argument (none, `closures_only`)
    factories: dict[str, _Function] = {}  # module-level functions whose result is called or returned
    found: dict[str, _Function] = {}  # every function the summary knows, by qualname
    every: list[_Function] = []

    def collect(body: list[ast.stmt], prefix: str, parent: _Function | None, meta: bool = False) -> None:
        for statement in _statements(body):
            if isinstance(statement, _FUNCTIONS):
                function = _Function(statement, parent, parent.owner if parent is not None else prefix)
                if meta and parent is None:
                    function.made_name = _made_name(statement)
                every.append(function)
                if parent is None:
                    found[prefix + statement.name] = function
                    if not prefix:
                        factories[statement.name] = function
                        if not closures_only:
                            module[statement.name] = function
                else:
                    parent.nested[statement.name] = function
            elif isinstance(statement, ast.ClassDef) and parent is None:
                collect(statement.body, f"{prefix}{statement.name}.", None, is_metaclass(statement))

    # Only the functions that touch a line where a name may be read, or where a namer found so
    # far is named, are walked: in most modules, none or a few.
    lines, class_lines = _mark_lines(text) if text is not None and "\r" not in text else (None, None)  # (a lone \r ends a line too)
    if lines == [] and not _makes_classes(text):
        return {}
    collect(tree.body, "", None)  # the module's and its classes' functions; theirs, as they are walked
    walked: list[_Function] = []
    searched: set[str] = set()
    while True:
        fresh = [function for function in every if not function.walked
                 and (lines is None or function.made_name or touches(lines, function.node))]
        if fresh:
            for function in fresh:
                function.walked = True
                if function.parent is None and function.node.name in _SHOWING_METHODS:
                    pass  # all it reads, it shows
                elif _handed_anything(function) or function.made_name \
                        or (function.receiver and (class_lines is None or touches(class_lines, function.node))):
                    _read(function)
                else:
                    _returns(function)  # handed nothing, it may still return a namer (a factory)
                collect(function.node.body, "", function)  # its nested functions: walked if they touch a line too
            walked.extend(fresh)
            _settle(walked, module, factories, found)
            continue
        if lines is None:
            break
        named = {function.node.name for function in walked if function.flags} - searched
        if not named:
            break
        searched |= named
        named_lines = _word_lines(text, named)
        lines = sorted({*lines, *named_lines})
        class_lines = sorted({*class_lines, *named_lines})  # a method may hand its receiver to one
    namers = {qualname: function.flags for qualname, function in found.items() if function.flags}
    for function in every:  # no cycle outlives the call: the collector is off (launch.py)
        function.parent = function.node = None
        function.nested = {}
    return namers


def _settle(functions: list[_Function], module: dict[str, _Function], factories: dict[str, _Function],
            methods: dict[str, _Function]) -> None:
    """Each function's flags, from what it reads and what it calls, until none changes."""
    changed = True
    while changed:
        changed = False
        for function in functions:
            flags = function.flags
            handed = [function.resolve(name, module) for name in function.calls]
            if function.owner:
                handed += [methods.get(function.owner + name) for name in function.method_calls]
            makers = [function.resolve(name, factories) for name in function.factory_calls]
            if function.reads or any(_flags(callee) & NAMES_ARGUMENT for callee in handed) \
                    or any(_flags(maker) & RETURNS_NAMER for maker in makers):
                flags |= NAMES_ARGUMENT
            returned = [function.nested[name] for name in function.returns if name in function.nested]
            returned_makers = [function.resolve(name, factories) for name in function.returned_calls]
            if any(callee.flags & NAMES_ARGUMENT for callee in returned) \
                    or any(_flags(maker) & RETURNS_NAMER for maker in returned_makers):
                flags |= RETURNS_NAMER
            if function.reads_module or any(_flags(callee) & NAMES_MODULE for callee in
                                            (*handed, *makers, *returned, *returned_makers)):
                flags |= NAMES_MODULE
            if any(_flags(function.resolve(name, module)) & NAMES_CLASS_OF_ARGUMENT for name in function.calls):
                flags |= NAMES_CLASS_OF_ARGUMENT
            if function.reads_class or any(_flags(function.resolve(name, module)) & NAMES_CLASS_OF_ARGUMENT
                                           for name in function.receiver_calls):
                # In a metaclass, the receiver is the class it makes (but for `__new__`'s, the metaclass).
                in_a_metaclass = function.made_name is not None and function.node.name != "__new__"
                flags |= NAMES_ITS_INSTANCES if in_a_metaclass else NAMES_ITS_CLASS
            if function.reads_made:
                flags |= NAMES_ITS_INSTANCES
            if flags != function.flags:
                function.flags = flags
                changed = True


def _word_lines(text: str, words: set[str]) -> list[int]:
    """The numbers of the lines where one of `words` stands as a whole word."""
    found: list[int] = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if not (at and _word_character(text[at - 1])) and not (end < len(text) and _word_character(text[end])):
                found.append(at)
            at = text.find(word, end)
    return _numbered(text, sorted(found))


def _word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _mark_lines(text: str) -> tuple[list[int], list[int]]:
    """The numbers of the lines where a name's `__name__` or `__qualname__` may be read; and of
    those where it may be a class's, read through a method's receiver (`type(self).__name__`,
    `self.__class__.__name__`, `cls.__name__`)."""
    found: list[int] = []
    classes: list[int] = []
    for needle in (*NAME_ATTRIBUTES, MODULE_ATTRIBUTE):
        at = text.find(needle)
        while at >= 0:
            end = at + len(needle)
            start = max(0, at - 80)
            plain = _PLAIN_NAME_DOT.search(text, start, at)
            if plain is not None and plain.group().partition(".")[0].strip() in _RECEIVERS \
                    or _CLASS_NAME_DOT.search(text, start, at) is not None:
                classes.append(at)
                found.append(at)
            elif plain is not None or text[end:end + 1] in ("'", '"'):
                found.append(at)
            at = text.find(needle, end)
    return _numbered(text, sorted(found)), _numbered(text, sorted(classes))


def _numbered(text: str, offsets: list[int]) -> list[int]:
    """The line numbers of the offsets (in order), each once."""
    found: list[int] = []
    line, at = 1, 0
    for offset in offsets:
        line += text.count("\n", at, offset)
        at = offset
        if not found or found[-1] != line:
            found.append(line)
    return found


def _flags(function: _Function | None) -> int:
    return function.flags if function is not None else 0


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a body, through its blocks (`if`, `try`, `with`, loops), not into functions or classes."""
    for statement in body:
        yield statement
        if isinstance(statement, _FUNCTIONS + (ast.ClassDef,)):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if block:
                yield from _statements(block)
        for handler in getattr(statement, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from _statements(case.body)


def _read(function: _Function) -> None:
    """What the function's own body does with its parameters, in one walk (a nested function's
    reads of them, and calls with them, count as its own: a closure does them for it)."""
    read: list[str] = []  # names whose `__name__` is read as data
    modules: list[str] = []  # names whose `__module__` is
    class_modules: list[str] = []  # names whose class's `__module__` is (`type(self).__module__`)
    classes: list[str] = []  # names whose class's `__name__` is (`type(x).__name__`)
    handed: list[tuple[str, str, list[str]]] = []  # ("call" | "factory", callee, the names handed)
    copies: list[tuple[str, str]] = []  # `func = name`, as click's `command` does before `decorator(func)`
    receiver, made = function.receiver, function.made_name
    showing = function.parent is None and function.node.name in _SHOWING_METHODS
    pending: list[tuple[ast.AST, bool, frozenset[str], bool]] = [
        (statement, showing, frozenset(), False) for statement in function.node.body]
    while pending:
        node, shown, shadowed, nested = pending.pop()
        kind = node.__class__
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
            inner = node.args
            names = {arg.arg for arg in (*inner.posonlyargs, *inner.args, *inner.kwonlyargs,
                                         *filter(None, (inner.vararg, inner.kwarg)))}
            body = node.body if isinstance(node.body, list) else [node.body]
            pending.extend((statement, shown, shadowed | names, True) for statement in body)
            continue
        if kind is ast.Attribute:
            if node.attr in NAME_ATTRIBUTES and not shown:
                value = node.value
                if value.__class__ is ast.Name and value.id not in shadowed:
                    read.append(value.id)
                    if value.id == receiver:
                        classes.append(value.id)  # `cls.__name__`: the class's own
                else:
                    of = _class_of(value)
                    if of is not None and of not in shadowed:
                        classes.append(of)
            elif node.attr == MODULE_ATTRIBUTE and not shown:
                value = node.value
                if value.__class__ is ast.Name and value.id not in shadowed:
                    modules.append(value.id)
                    if value.id == receiver:
                        class_modules.append(value.id)
                else:
                    of = _class_of(value)
                    if of is not None and of not in shadowed:
                        class_modules.append(of)  # `type(self).__module__`: where the class is
        elif kind is ast.Name:
            if made and node.id == made and not shown and node.id not in shadowed:
                function.reads_made = True  # `REGISTRY[name] = cls` in a metaclass's `__new__`
        elif kind is ast.Call:
            callee, arguments = node.func, node.args
            if made and _makes_a_class(callee):
                # `super().__new__(mcs, name, bases, ns)`: the name handed on to make the class is not data.
                pending.extend((child, True, shadowed, nested) for child in (*arguments, *node.keywords))
                pending.append((callee, shown, shadowed, nested))
                continue
            if not shown and callee.__class__ is ast.Name and callee.id == "getattr" and len(arguments) >= 2 \
                    and arguments[0].__class__ is ast.Name and arguments[0].id not in shadowed \
                    and arguments[1].__class__ is ast.Constant and arguments[1].value in NAME_ATTRIBUTES:
                read.append(arguments[0].id)
            names = [argument.id for argument in map(_unstarred, (*arguments, *(k.value for k in node.keywords)))
                     if argument.__class__ is ast.Name and argument.id not in shadowed]
            if names:
                if callee.__class__ is ast.Name:
                    handed.append(("call", callee.id, names))
                elif callee.__class__ is ast.Attribute and callee.value.__class__ is ast.Name \
                        and callee.value.id in _OWN_RECEIVERS:
                    handed.append(("method", callee.attr, names))
                elif callee.__class__ is ast.Attribute and _chain(callee):
                    handed.append(("dotted", _chain(callee), names))
                elif callee.__class__ is ast.Call and callee.func.__class__ is ast.Name:
                    handed.append(("factory", callee.func.id, names))
            if _shows(callee):
                shown = True
        elif kind is ast.Return and node.value is not None and not nested:
            _returned(function, node.value)
        elif kind is ast.Assign:
            if all(target.__class__ is ast.Attribute and target.attr in _COPIED for target in node.targets):
                shown = True  # `wrapper.__name__ = f.__name__`: copied onto a wrapper, not kept as a key
            elif node.value.__class__ is ast.Name:
                copies.extend((target.id, node.value.id) for target in node.targets if target.__class__ is ast.Name)
        elif kind in (ast.Raise, ast.Assert):
            shown = True
        pending.extend((child, shown, shadowed, nested) for child in iter_child_nodes(node))
    aliases = _aliases(function.params, copies)
    own = _aliases({receiver}, copies) if receiver else set()
    handed_anything = _handed_anything(function)
    others = aliases - own
    # (`__init_subclass__` reads its receiver's name as a registrar reads what it is handed.)
    readable = aliases if handed_anything else others
    function.reads_module = any(name in readable for name in modules)
    function.reads = function.reads_module or any(name in readable for name in read)
    function.reads_class = function.node.name != "__init_subclass__" and any(name in own for name in classes)
    if function.node.name != "__init_subclass__" and any(name in own for name in class_modules):
        function.reads_class = True
        function.flags |= NAMES_MODULE  # the class's path, module and all
    if any(name in others for name in classes):
        function.flags |= NAMES_CLASS_OF_ARGUMENT
    for how, callee, names in handed:
        if how == "call" and any(name in own for name in names):
            function.receiver_calls.add(callee)
        if any(name in readable for name in names):
            {"call": function.calls, "method": function.method_calls, "dotted": function.dotted_calls,
             "factory": function.factory_calls}[how].add(callee)


def shown_reads(nodes: list[ast.AST]) -> set[ast.AST]:
    """Of the name reads (`x.__name__`) under `nodes`, those only shown: printed, logged, in an
    exception's message or a `__repr__`, copied onto a wrapper (what `_read` leaves out)."""
    found: set[ast.AST] = set()
    pending = [(node, False) for node in nodes]
    while pending:
        node, shown = pending.pop()
        kind = node.__class__
        if kind is ast.Attribute:
            if shown and node.attr in NAME_ATTRIBUTES:
                found.add(node)
        elif kind is ast.Call:
            shown = shown or _shows(node.func)
        elif kind in (ast.Raise, ast.Assert):
            shown = True
        elif kind is ast.Assign:
            shown = shown or all(target.__class__ is ast.Attribute and target.attr in _COPIED for target in node.targets)
        elif kind in _FUNCTIONS:
            shown = shown or node.name in _SHOWING_METHODS
        pending.extend((child, shown) for child in iter_child_nodes(node))
    return found


# What `handed_on` gives for a name read by the class itself, of what its `__init__` keeps (`self.func.__name__`).
READS_KEPT = "<reads the name of what it keeps>"
READS_KEPT_MODULE = "<reads the module of what it keeps>"


def handed_on(tree: ast.Module, qualname: str, made: bool = False, absolute=None) -> set[str]:
    """The callables the module's function `qualname` (`f`, `Class.method`) hands one of its
    parameters to, as it calls them (`register`, `registry.add`): what a decorator that reads no
    name itself passes on, for a caller that follows it into other modules (handovers.py). With
    `made`, those its nested functions hand theirs to (a decorator factory's closures).

    A class's `__init__` that keeps a parameter (`self.func = func`) hands it on to whatever the
    class's methods hand that attribute to (`utils.get_full_path(self.func)` in a property: a task
    named after its function), and gives READS_KEPT (READS_KEPT_MODULE) when a method reads its
    `__name__` (`__module__`) itself. With `absolute(level, module)`, a callee the function
    imports in its own body (`from app.tasks import Task`) is given as `app.tasks:Task`."""
    body, node, path = tree.body, None, []
    for part in qualname.split("."):
        # The last of that name: `@overload` stubs come before the definition.
        node = next((statement for statement in reversed(list(_statements(body)))
                     if isinstance(statement, (*_FUNCTIONS, ast.ClassDef)) and statement.name == part), None)
        if node is None:
            return set()
        path.append(node)
        body = node.body
    if not isinstance(node, _FUNCTIONS):
        return set()
    found: set[str] = set()
    for inner in [node] if not made else [statement for statement in _statements(node.body)
                                          if isinstance(statement, _FUNCTIONS)]:
        function = _Function(inner, None, "")
        _read(function)
        found |= function.calls | function.dotted_calls
    if node.name == "__init__" and len(path) >= 2 and path[-2].__class__ is ast.ClassDef:
        found |= _kept_and_handed_on(path[-2], node)
    if absolute is None:
        return found
    imported = _imported_in(node, absolute)
    return {_as_imported(callee, imported) for callee in found}


def _kept_and_handed_on(cls: ast.ClassDef, init: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """What the class's methods hand the attributes its `__init__` keeps its parameters in to, and
    READS_KEPT / READS_KEPT_MODULE for a name they read of one (not only to show it)."""
    positional = (*init.args.posonlyargs, *init.args.args)
    if not positional:
        return set()
    params = {arg.arg for arg in (*positional[1:], *init.args.kwonlyargs)}
    kept = {target.attr for statement in _statements(init.body) if statement.__class__ in (ast.Assign, ast.AnnAssign)
            and statement.value.__class__ is ast.Name and statement.value.id in params
            for target in (statement.targets if statement.__class__ is ast.Assign else [statement.target])
            if _attribute_of(target, positional[0].arg) is not None}
    found: set[str] = set()
    for method in cls.body:
        if not kept or not isinstance(method, _FUNCTIONS) or method.name in _SHOWING_METHODS:
            continue
        receiver = _receiver(method, cls.name)
        if receiver is None:
            continue
        shown = shown_reads(method.body)
        for sub in ast.walk(method):
            if sub.__class__ is ast.Attribute and sub.attr in (*NAME_ATTRIBUTES, MODULE_ATTRIBUTE) \
                    and _attribute_of(sub.value, receiver) in kept and sub not in shown:
                found.add(READS_KEPT_MODULE if sub.attr == MODULE_ATTRIBUTE else READS_KEPT)
            elif sub.__class__ is ast.Call and any(
                    _attribute_of(_unstarred(argument), receiver) in kept
                    for argument in (*sub.args, *(keyword.value for keyword in sub.keywords))):
                callee = sub.func
                if _attribute_of(callee, receiver) is not None:
                    found.add(f"{cls.name}.{callee.attr}")  # a method of its own
                elif callee.__class__ is ast.Name:
                    found.add(callee.id)
                elif _chain(callee):
                    found.add(_chain(callee))
    return found


def _attribute_of(node: ast.expr, receiver: str) -> str | None:
    """`x` in `self.x`, for the receiver's name; else None."""
    if node.__class__ is ast.Attribute and node.value.__class__ is ast.Name and node.value.id == receiver:
        return node.attr
    return None


def _imported_in(function: ast.FunctionDef | ast.AsyncFunctionDef, absolute) -> dict[str, str]:
    """The names the function imports in its own body (and its closures in theirs), each as
    `module:object` (`Task` -> `app.tasks:Task`) or, for a module, `module:`."""
    found: dict[str, str] = {}
    for node in ast.walk(function):
        if node.__class__ is ast.ImportFrom:
            module = absolute(node.level, node.module)
            for alias in node.names:
                if alias.name != "*" and module:
                    found[alias.asname or alias.name] = f"{module}:{alias.name}"
        elif node.__class__ is ast.Import:
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = f"{alias.name}:"
                else:
                    top = alias.name.partition(".")[0]
                    found[top] = f"{top}:"
    return found


def _as_imported(callee: str, imported: dict[str, str]) -> str:
    head, _, rest = callee.partition(".")
    target = imported.get(head)
    if target is None:
        return callee
    module, _, name = target.partition(":")
    if not name:  # `import app.tasks [as t]` then `app.tasks.Task(f)` (`t.Task(f)`): all of it a dotted path
        return f"{module}.{rest}:" if rest and module != head else f"{callee}:"
    return f"{module}:{name}.{rest}" if rest else target


def _chain(node: ast.expr) -> str:
    """`registry.add`, `app.tasks.register`: an attribute of a name, as dotted text; else ""."""
    parts = []
    while node.__class__ is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if node.__class__ is ast.Name else ""


def _handed_anything(function: _Function) -> bool:
    """Can the function be handed a function or class: has it a parameter, but for a method's
    receiver (`def test_repr(self)` reads names, but of nothing it is handed)? `__init_subclass__`
    is handed the subclass as its receiver."""
    node, params = function.node, function.params
    if function.owner and function.parent is None and node.name != "__init_subclass__" \
            and not any(isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
                        for decorator in node.decorator_list):
        params = params - {arg.arg for arg in (*node.args.posonlyargs, *node.args.args)[:1]}
    return bool(params)


def _returns(function: _Function) -> None:
    """What the function's own `return` statements give (`_read`'s, without the walk)."""
    for statement in _statements(function.node.body):
        if statement.__class__ is ast.Return and statement.value is not None:
            _returned(function, statement.value)


def _returned(function: _Function, value: ast.expr) -> None:
    if value.__class__ is ast.Name:
        function.returns.add(value.id)
    elif value.__class__ is ast.Call and value.func.__class__ is ast.Name:
        function.returned_calls.add(value.func.id)


def _receiver(node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> str | None:
    """A method's receiver: its first positional parameter (none for a static method's)."""
    if not owner or any(decorator.__class__ is ast.Name and decorator.id == "staticmethod"
                        for decorator in node.decorator_list):
        return None
    positional = (*node.args.posonlyargs, *node.args.args)
    return positional[0].arg if positional else None


def is_metaclass(node: ast.ClassDef) -> bool:
    """Does the class look like a metaclass: derived from `type` or a `…Meta` class, or making
    classes in its `__new__` or `__init__` (`(mcs, name, bases, namespace)`)?"""
    for base in node.bases:
        name = (_chain(base) or "").rpartition(".")[2] if base.__class__ is ast.Attribute else \
            base.id if base.__class__ is ast.Name else ""
        if name == "type" or "Meta" in name:
            return True
    return any(_made_name(statement) for statement in node.body if isinstance(statement, _FUNCTIONS))


def _made_name(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """In a metaclass's `__new__(mcs, name, bases, namespace)` or `__init__(cls, name, bases,
    namespace)`, the parameter handed the name of the class made; else ""."""
    positional = (*node.args.posonlyargs, *node.args.args)
    if node.name in ("__new__", "__init__") and len(positional) >= 4 and positional[2].arg in ("bases", "parents"):
        return positional[1].arg
    return ""


def instance_of(value: ast.expr) -> ast.expr | None:
    """`x` in `type(x)` and `x.__class__`: the value whose class it is."""
    if value.__class__ is ast.Call and value.func.__class__ is ast.Name and value.func.id == "type" \
            and len(value.args) == 1 and not value.keywords:
        return value.args[0]
    if value.__class__ is ast.Attribute and value.attr == "__class__":
        return value.value
    return None


def _class_of(value: ast.expr) -> str | None:
    """The name in `type(name)` or `name.__class__`."""
    of = instance_of(value)
    return of.id if of is not None and of.__class__ is ast.Name else None


def _makes_a_class(callee: ast.expr) -> bool:
    """`super().__new__`, `type.__new__`, `super().__init__`, `type(…)`: where a metaclass hands the
    name on to make the class."""
    if callee.__class__ is ast.Name:
        return callee.id == "type"
    if callee.__class__ is ast.Attribute and callee.attr in ("__new__", "__init__"):
        value = callee.value
        return (value.__class__ is ast.Name and value.id == "type") or (
            value.__class__ is ast.Call and value.func.__class__ is ast.Name and value.func.id == "super")
    return False


def _unstarred(argument: ast.expr) -> ast.expr:
    """`*args` and `args[0]` hand on what `args` holds (celery's `inner_create_task_cls(**opts)(*args)`,
    `create_shared_task(**kwargs)(args[0])`)."""
    return argument.value if argument.__class__ in (ast.Starred, ast.Subscript) else argument


def _aliases(params: set[str], copies: list[tuple[str, str]]) -> set[str]:
    """The parameters and the names assigned one of them, through copies of copies."""
    aliases = set(params)
    grown = bool(copies)
    while grown:
        grown = False
        for target, source in copies:
            if source in aliases and target not in aliases:
                aliases.add(target)
                grown = True
    return aliases


def _shows(callee: ast.AST) -> bool:
    name = callee.attr if callee.__class__ is ast.Attribute else callee.id if callee.__class__ is ast.Name else None
    return name in _SHOWN
