"""A function or class handed to a callable that reads its name, held back (a mixin of the finder's site pass).

`@handler def on_job(…)` where `handler` does `HANDLERS[f.__name__] = f`; `@click.command()`,
whose command line is named after the function; `register(on_job)`; a subclass of a class whose
`__init_subclass__` keys a registry by `cls.__name__`. The program finds the function again by
its name, as data: a command line, a queued message, a stored row, a request. Renamed, it
registers under the new name and what asks for the old one no longer finds it, so the name is
kept everywhere (an UNRESOLVED site at its definition or where it is handed over, with why).

Which callables read the name is namers.py's: the project's own from their module's summary
(and, for a decorator or registrar whose summary says no, from what it hands its argument on to
in other modules, read again when asked: `_hands_on`), a third party's from its source (its
closures only: see `module_namers`). One more decorator
holds the name though nothing says it reads it: a method of what a third party's decorator
made of one of the project's functions (`@cli.command()` under `@click.group() def cli()`),
an object of a class termshift can't tell, handed the function to register it.

A class's or function's name read where it is written is data the same way
(`_name_read`): `Job.__name__`, `type(job).__name__` (each subclass's too), the
names of the classes a loop goes through (`{k.__name__: k for k in (Job, Task)}`,
`Base.__subclasses__()`), unless only shown. So is a class's name its own methods
or its metaclass read (`_named_by_its_class`, from the summaries: namers.py).

And an object pickled (`pickle.dumps(job)`, `dill`, `cloudpickle`, `joblib.dump`): the pickle
records its class by its module's path and its name, and loading it looks both up again. What was
stored or queued under the old names would no longer load, so the class keeps its name (each
subclass, which the object may be, too) and its module its path (`_pickled`).
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from .index import OWN, UNKNOWN, Type
from .namers import (NAMES_ARGUMENT, NAMES_ITS_CLASS, NAMES_ITS_INSTANCES, NAMES_MODULE, RETURNS_NAMER,
                     instance_of, shown_reads)
from .sites import Action, Role, Site
from .summary import dotted

if TYPE_CHECKING:
    from .finder import Finder
    from .scopes import Scope

_HANDED_KINDS = ("function", "class", "method")
# What records an object's class by its module's path and its name (`_pickled`).
PICKLERS = frozenset({"pickle.dumps", "pickle.dump", "dill.dumps", "dill.dump", "cloudpickle.dumps",
                      "cloudpickle.dump", "joblib.dump"})
_DEPTH = 4  # calls followed from a decorator into other modules


class Handovers:
    """The site pass's questions about names read by what they are handed to (module docstring)."""

    f: "Finder"
    shown: dict[ast.AST | None, set[ast.AST]]  # `_shown_reads`, by function or statement
    # And, of the site pass: `scope(node)`, the scope a node is in, and `func_stack`, the functions
    # it is in.

    def _named_by(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, its_type: Type | None = None) -> str:
        """Why the definition's name is data, or "": a decorator that reads it, or (a class, of type
        `its_type`) a base whose `__init_subclass__` does, a method of its own or its bases' that
        reads its class's name, or its metaclass, that of the classes it makes."""
        for decorator in node.decorator_list:
            callee, made, shown = _decorator(decorator)
            scope = self.scope(decorator)
            flags = self._reads_name(self.f.type_of(callee, scope), made)
            if flags:
                self._hold_the_module(decorator, flags, shown)
                return (f"`{shown}` reads the name of what it decorates (a registry keyed by `__name__`, a "
                        "command named after it): renamed, what asks for the old name would no longer find it")
            maker = self._made_by_a_third_party(callee.value, scope) if callee.__class__ is ast.Attribute else ""
            if maker:
                return (f"`{shown}` is a method of what a third party's `@{maker}` made, which termshift can't "
                        "read: it may key what it decorates by its name (a command named after it), and renamed, "
                        "what asks for the old name would no longer find it")
        if node.__class__ is not ast.ClassDef:
            return ""
        return (self._named_by_a_base(node) if node.bases else "") or (
            self._named_by_its_class(node, its_type.name) if its_type is not None and its_type.kind == "cls" else "")

    def _name_read(self, node: ast.Attribute, scope: Scope) -> None:
        """`Job.__name__`, `type(job).__name__`, `{c.__name__: c for c in (Job, Task)}`: the name of
        one of the project's classes or functions read here, as data unless only shown (a type tag in
        a payload, a registry's key). The class or function keeps its name (and, read through one
        of its objects, each of its subclasses theirs). Read through a method's own receiver
        (`type(self).__name__`), it is the class's summary that tells (`_named_by_its_class`)."""
        f = self.f
        value = node.value
        made = instance_of(value)
        named: list[Type] = []
        if node in self._shown_reads(node):
            return  # (asked first: telling what the name is may read other modules)
        if made is not None:
            if made.__class__ is ast.Name and self._is_a_receiver(made.id, scope):
                return
            kind = f.type_of(made, scope)
            if kind is not None and kind.kind == "inst":
                named = [Type("cls", kind.name), *self._subclasses(kind.name)]
        elif value.__class__ is ast.Name and self._is_a_receiver(value.id, scope):
            return
        else:
            named = self._listed(value, scope)
        held = [(kind, name) for kind in named
                if kind.kind in ("cls", "func") and (name := kind.name.rpartition(":")[2].rpartition(".")[2])
                and f.renamed_by_term(name)]
        if not held:
            return
        line, column = f.pos.char(node.lineno, node.col_offset)
        read = f"`{dotted(value) or 'type(…)'}.{node.attr}`"
        for kind, name in dict.fromkeys(held):
            f.spool.append(Site(
                f.path, line, column, line, column, name, name, "class" if kind.kind == "cls" else "function",
                Role.REFERENCE, Action.UNRESOLVED,
                f"its name is read here as data ({read}): renamed, what was stored, sent or looked up under the "
                "old name would no longer be found"))

    def _pickled(self, call: ast.Call, scope: Scope) -> None:
        """`pickle.dumps(job)`, `pickle.dump((job, meta), f)`: the classes of the objects handed to a
        pickler (one level into a tuple, list, set or dict display) keep their names and paths. A
        test's pickles are its own (a round trip that checks an object can be pickled): what they
        store, a test of the new code stores anew."""
        from .deprecation import is_test_module

        f = self.f
        if is_test_module(f.module):
            return
        callee = f.type_of(call.func, scope)
        if callee is None or callee.kind != "ext" or callee.name not in PICKLERS:
            return
        value = call.args[0]
        items = value.elts if value.__class__ in (ast.Tuple, ast.List, ast.Set) else \
            [*value.keys, *value.values] if value.__class__ is ast.Dict else [value]
        line, column = f.pos.char(call.lineno, call.col_offset)
        note = (f"`{dotted(call.func)}` records the class of what it is handed by its module's path and its name, and "
                "loading looks both up again: renamed or moved, what was stored or queued would no longer load")
        for item in items:
            kind = f.type_of(item, scope) if item is not None else None
            if kind is None or kind.kind != "inst":
                continue
            module = kind.name.partition(":")[0]
            held = [(word, "module") for word in dict.fromkeys(module.split(".")) if word]
            for made in (kind, *self._subclasses(kind.name)):  # a subclass's module is not told: its name is held
                held += [(name, "class") for name in made.name.rpartition(":")[2].split(".")]
            for name, what in dict.fromkeys(held):
                if f.renamed_by_term(name):
                    f.spool.append(Site(f.path, line, column, line, column, name, name, what, Role.REFERENCE,
                                        Action.UNRESOLVED, note))

    def _listed(self, value: ast.expr, scope: Scope, depth: int = 0) -> list[Type]:
        """What a name read may be: the value's type, or for a loop's variable (`for c in (Job,
        Task)`, `… for c in Base.__subclasses__()`) each class or function it is bound to in turn."""
        f = self.f
        if value.__class__ is ast.Name:
            found = f.lookup(value.id, scope)
            if found is not None and len(found[1]) == 1 and found[1][0].kind == "for" and depth < 2:
                return self._items(found[1][0].value, found[0], depth + 1)
        kind = f.type_of(value, scope)
        return [kind] if kind is not None else []

    def _items(self, iterable: ast.expr | None, scope: Scope, depth: int) -> list[Type]:
        if iterable.__class__ in (ast.Tuple, ast.List, ast.Set):
            return [kind for item in iterable.elts for kind in self._listed(item, scope, depth)]
        if iterable.__class__ is ast.Call and iterable.func.__class__ is ast.Attribute \
                and iterable.func.attr == "__subclasses__":
            base = self.f.type_of(iterable.func.value, scope)
            return self._subclasses(base.name) if base is not None and base.kind == "cls" else []
        if iterable.__class__ is ast.Name:
            found = self.f.lookup(iterable.id, scope)
            if found is not None and len(found[1]) == 1 and found[1][0].kind == "assign":
                return self._items(found[1][0].value, found[0], depth)
        return []

    def _subclasses(self, qualified: str) -> list[Type]:
        """The gathered classes deriving from `qualified`, as types (by their names: `Index.subclasses`)."""
        return [Type("cls", f":{info.qualname}") for info in self.f.index.subclasses(qualified)]

    def _is_a_receiver(self, name: str, scope: Scope) -> bool:
        """Is `name` the receiver of the method it is read in (its class's summary tells)?"""
        while scope is not None and scope.kind != "function":
            scope = scope.parent
        while scope is not None and scope.kind == "function":
            node = scope.node
            positional = (*node.args.posonlyargs, *node.args.args) if hasattr(node, "args") else ()
            if scope.parent is not None and scope.parent.kind == "class":
                return bool(positional) and positional[0].arg == name
            if any(arg.arg == name for arg in positional):
                return False
            scope = scope.parent
        return False

    def _shown_reads(self, node: ast.AST) -> set[ast.AST]:
        """The name reads of the outermost function around `node` (else of its top-level
        statement) that are only shown, once per such unit."""
        unit = self.func_stack[0] if self.func_stack else _statement_at(self.f.tree.body, node.lineno)
        found = self.shown.get(unit)
        if found is None:
            found = self.shown[unit] = shown_reads([unit]) if unit is not None else set()
        return found

    def _named_by_its_class(self, node: ast.ClassDef, qualified: str) -> str:
        """`def key(self): return f"{type(self).__name__}:{self.id}"` in the class or a base of
        it, or `REGISTRY[name] = cls` in its metaclass's `__new__`: what the program stores, sends or
        looks up by the class's name, which renamed would no longer be found. Read with its module's
        (`type(self).__module__`), the module keeps its path too."""
        index = self.f.index
        for module, info in index.mro(qualified)[0]:
            summary = index.module(module)
            method, flags = _flagged(summary, info, NAMES_ITS_CLASS)
            if method:
                self._hold_the_module(node, flags, method)
                return (f"`{method}` reads the name of its object's class (`type(self).__name__`) as data: "
                        "renamed, what was stored or sent under the old name would no longer be found")
            if info.metaclass:
                made = index.resolve_dotted(module, info.metaclass).type
                for meta_module, meta in index.mro(made.name)[0] if made is not None and made.kind == "cls" else ():
                    method, flags = _flagged(index.module(meta_module), meta, NAMES_ITS_INSTANCES)
                    if method:
                        return (f"its metaclass's `{method}` reads the name of each class it makes as data (a "
                                "registry keyed by it): renamed, what asks for the old name would no longer find it")
        return ""

    def _named_by_a_base(self, node: ast.ClassDef) -> str:
        index = self.f.index
        scope = self.scope(node)
        for base in node.bases:
            kind = self.f.type_of(base, scope)
            if kind is None or kind.kind != "cls":
                continue
            for module, info in index.mro(kind.name)[0]:
                if "__init_subclass__" not in info.members:
                    continue
                summary = index.module(module)
                function = summary.functions.get(f"{info.qualname}.__init_subclass__") if summary else None
                if function is not None and function.names & NAMES_ARGUMENT:
                    return (f"`{info.qualname}.__init_subclass__` reads the name of each subclass (a registry "
                            "keyed by `__name__`): renamed, what asks for the old name would no longer find it")
                break  # the first one along the bases is the one that runs
        return ""

    def _hands_on(self, module: str, qualname: str, depth: int, made: bool = False) -> int:
        """Does the project's function hand what it is given on to a callable of another module that
        reads its name (`def task(f): registry.register(f); return f`, the registry elsewhere)?
        With `made`, does what it returns (a decorator factory's closure, `@task("queue")`)? Its
        module's summary follows calls within the module only: the function is read again, once a
        process, when a name that spells the term is handed to it. Its flags, as `_reads_name`'s."""
        index = self.f.index
        key = (module, qualname, made)
        known = index.delegations.get(key)
        if known is None:
            from .namers import READS_KEPT, READS_KEPT_MODULE, handed_on

            index.delegations[key] = 0  # while it is asked: a cycle of calls reads nothing
            tree = index.tree_of(module)
            callees = handed_on(tree, qualname, made, self._absolute(module)) if tree is not None else set()
            known = 0
            for callee in sorted(callees):
                if callee in (READS_KEPT, READS_KEPT_MODULE):
                    known |= NAMES_ARGUMENT | (NAMES_MODULE if callee == READS_KEPT_MODULE else 0)
                elif ":" in callee:  # imported in the function's own body
                    pieces = index.dotted_pieces(callee)
                    known |= self._reads_name(pieces[-1][2].type if pieces else None, False, depth + 1)
                else:
                    known |= self._reads_name(index.resolve_dotted(module, callee).type, False, depth + 1)
            if known:
                known |= RETURNS_NAMER if made else NAMES_ARGUMENT
            index.delegations[key] = known
        return known

    def _absolute(self, module: str):
        """`absolute(level, name)`: an import's module, as written in `module`, made absolute."""
        project, summary = self.f.project, self.f.index.module(module)
        is_package = summary is not None and summary.is_package
        return lambda level, name: project.resolve_relative(module, level, name, is_package)

    def _made_by_a_third_party(self, value: ast.expr, scope: Scope) -> str:
        """`cli` in `@cli.command()`, one of the project's functions that a third party's decorator
        (`@click.group()`, not the standard library's `@property`) made into an object of its own:
        that decorator, else ""."""
        made = self.f.type_of(value, scope)
        if made is None or made.kind != "func":
            return ""
        index = self.f.index
        module, _, qualname = made.name.partition(":")
        summary = index.module(module)
        function = summary.functions.get(qualname) if summary else None
        for decorator in function.decorators if function is not None else ():
            kind = index.resolve_dotted(module, decorator).type
            top = kind.name.partition(".")[0] if kind is not None and kind.kind == "ext" and kind.name else ""
            if top and top != "builtins" and top not in sys.stdlib_module_names:
                return decorator
        return ""

    def _handed_names(self, call: ast.Call, scope: Scope) -> None:
        """`register(on_job)`, `registry.add(JobHandler)`, `app.add(view=on_job)`: a function or
        class of ours handed to a callable that reads the name of what it is handed (which of its
        parameters does is not told apart). The callee is asked about only when one is handed:
        most arguments that spell the term are values (`save(job)`)."""
        f = self.f
        handed = []
        for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
            if argument.__class__ is ast.Name and f.mentions(argument.id):
                ref = f.name_ref(argument.id, scope)
            elif argument.__class__ is ast.Attribute and f.mentions(argument.attr):
                ref = f.attr_ref(argument, scope)
            else:
                continue
            if ref.owner == OWN and ref.kind in _HANDED_KINDS:
                handed.append((argument, ref.kind))
        if not handed:
            return
        made = call.func.__class__ is ast.Call
        callee = call.func.func if made else call.func
        flags = self._reads_name(f.type_of(callee, scope), made)
        if not flags:
            return
        shown = dotted(callee) or "the callee"
        self._hold_the_module(call, flags, shown)
        note = (f"`{shown}{'(…)' if made else ''}` reads the name of what it is handed (a registry keyed by "
                "`__name__`): renamed, what asks for the old name would no longer find it")
        for argument, kind in handed:
            if argument.__class__ is ast.Name:
                # A function's local keeps its name in its function: its definition is held with it.
                f.emit_node_name(argument, argument.id, kind=kind, role=Role.REFERENCE, owner=UNKNOWN,
                                 scope=scope.qualname, note=note, local=f.local_of(argument.id, scope))
            else:
                f.emit_attr(argument, kind=kind, role=Role.REFERENCE, owner=UNKNOWN, scope=scope.qualname, note=note)

    def _reads_name(self, callee: Type | None, made: bool, depth: int = 0) -> int:
        """Does `callee(thing)` (`callee(…)(thing)`, when `made`) read `thing.__name__` as data?
        Its namers.py flags when it does (NAMES_MODULE: the name with its module's), else 0."""
        if callee is None or depth > _DEPTH:
            return 0
        wanted = RETURNS_NAMER if made else NAMES_ARGUMENT
        index = self.f.index
        if callee.kind == "func":
            module, _, qualname = callee.name.partition(":")
            summary = index.module(module)
            function = summary.functions.get(qualname) if summary else None
            if function is None:
                return 0
            return function.names if function.names & wanted else self._hands_on(module, qualname, depth, made)
        if callee.kind in ("cls", "inst"):
            # `Registered(thing)` reads it in `__init__`; `registry(thing)` and `Registry(…)(thing)`
            # in `__call__`.
            if made and callee.kind == "inst":
                return 0
            method = "__init__" if callee.kind == "cls" and not made else "__call__"
            found = index.find_member(callee.name, method)
            if found is None or found[2].kind != "method":
                return 0
            module, info, _ = found
            summary = index.module(module)
            function = summary.functions.get(f"{info.qualname}.{method}") if summary else None
            if function is None:
                return 0
            if function.names & NAMES_ARGUMENT:
                return function.names | wanted
            # `Task(func)` whose `__init__` keeps `func` for a method that names it (`self.func.__name__`,
            # `get_full_path(self.func)` in another module): read again, as a decorator is.
            if method != "__init__":
                return 0
            kept = self._hands_on(module, f"{info.qualname}.__init__", depth)
            return kept | wanted if kept else 0
        if callee.kind == "ext" and callee.name and callee.name.partition(".")[0] not in sys.stdlib_module_names:
            # (The standard library's decorators and registries key nothing by a name from data:
            # `functools.singledispatch` registers by type, `atexit` by the function itself.)
            from .thirdparty import namer_flags

            flags = namer_flags(callee.name, made, index.search_path)
            return flags if flags & wanted else 0
        return 0

    def _module_named_by(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """A function whose own name no rename changes, in a module a rename moves: held there when a
        decorator names it with its module's path (a task queue's `@app.task`: `app.jobs.cleanup`)."""
        for decorator in node.decorator_list:
            callee, made, shown = _decorator(decorator)
            self._hold_the_module(decorator, self._reads_name(self.f.type_of(callee, self.scope(decorator)), made), shown)

    def _hold_the_module(self, node: ast.AST, flags: int, shown: str) -> None:
        """What reads a function's name with its module's (`f"{f.__module__}.{f.__name__}"`, a task
        queue's task name) holds the module's path too: each of its words a rename would change."""
        if flags & NAMES_MODULE:
            self.f.hold_module(node, f"`{shown}` reads a name with its module's path (`__module__`) as data: moved, "
                                     f"{self.f.module!r} would no longer be found by what was stored or sent under "
                                     "the old path")


def _flagged(summary, info, flag: int) -> tuple[str, int]:
    """The first method of the class (`Class.method`) whose summary has `flag`, and its flags; or ("", 0)."""
    for name, member in info.members.items() if summary is not None else ():
        function = member.function if member.function is not None else summary.functions.get(f"{info.qualname}.{name}")
        if function is not None and function.names & flag:
            return f"{info.qualname}.{name}", function.names
    return "", 0


def _decorator(decorator: ast.expr) -> tuple[ast.expr, bool, str]:
    """What a decorator calls, whether it is a factory's result (`@task("queue")`), and how it is shown."""
    made = decorator.__class__ is ast.Call
    callee = decorator.func if made else decorator
    return callee, made, f"@{dotted(callee) or 'the decorator'}{'(…)' if made else ''}"


def _statement_at(body: list[ast.stmt], line: int) -> ast.stmt | None:
    """The statement of `body` that spans `line`."""
    for statement in body:
        start = min([statement.lineno, *(decorator.lineno for decorator in getattr(statement, "decorator_list", ()))])
        if start <= line <= (statement.end_lineno or statement.lineno):
            return statement
    return None
