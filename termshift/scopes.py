"""Scopes: which names each scope binds, and how (import, def, parameter, …).

The first of the finder's two passes. Python's scoping rules decide what a
bare name refers to — a class body is invisible to its methods, `global`
redirects a binding, comprehensions have scopes of their own — and ownership
follows from the binding: a name bound by a third-party import is theirs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .astwalk import NodeVisitor, touches
from .index import EXTERNAL, OWN, Ref, Type
from .summary import dotted, locals_lines, reads_locals_at

if TYPE_CHECKING:
    from .finder import Finder
    from .index import Index


@dataclass(repr=False, eq=False)
class Binding:
    """One way a name is bound in a scope: what the finder needs to tell whose it is and its type."""

    kind: str  # import, def, class, param, assign, annassign, for, with, other
    node: ast.AST | None = None
    value: ast.AST | None = None
    annotation: ast.AST | None = None
    ref: Ref | None = None  # imports: what they refer to
    owner: str = OWN  # params of kept overrides are not ours to rename
    self_of: str | None = None  # first parameter of a method: qualified class
    is_cls: bool = False


class ImportedName(Binding):
    """A name a first-party `from module import name` binds, resolved when first asked about.

    Resolving it summarises the module, whose definitions then count for the
    file being searched (`Index.module`). A search asks only about names that
    mention the term and the types their sites lead to, so most modules a file
    imports from are never summarised for it: asking up front made a search of
    a job-heavy file summarise every module it imported anything from.
    """

    def __init__(self, node: ast.alias, index: "Index", module: str, name: str):
        super().__init__("import", node)
        del self.ref  # the default the dataclass set: the first read asks instead
        self._question = (index, module, name)

    @cached_property
    def ref(self) -> Ref | None:  # type: ignore[override]
        index, module, name = self._question
        return index.resolve_name(module, name)


@dataclass(repr=False, eq=False)
class Scope:
    """A module, class, function, lambda or comprehension scope, with the names bound in it."""

    kind: str  # module, class, function, lambda, comprehension
    node: ast.AST
    parent: "Scope | None"
    qualname: str = ""  # module-relative qualified name, for classes and functions
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # Declared names: few scopes declare any, and an empty set each would cost 216 bytes a scope.
    globals: frozenset[str] | set[str] = frozenset()
    nonlocals: frozenset[str] | set[str] = frozenset()
    loads: set[str] = field(default_factory=set)
    class_qual: str | None = None  # the class a method belongs to (qualified "mod:Qual")
    method_owner: str = OWN  # for methods: may the method (and its parameters) be renamed
    # A function reading its own `locals()` (or a bare `vars()`): each name it binds is a key of
    # that dict (`"{job_count} done".format(**locals())`), data that keeps its spelling.
    names_are_data: bool = False

    def bind(self, name: str, binding: Binding) -> None:
        if self.names_are_data and binding.kind != "import":
            binding.owner = EXTERNAL
        self.bindings.setdefault(name, []).append(binding)


class MethodScope(Scope):
    """A method's scope, whose `method_owner` is asked of the index when first needed.

    A method overriding a third-party one keeps its name and its parameters'
    names; telling may mean reading the base class's source. A method none of
    whose lines is about the term is never asked about: most of them.
    """

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef, parent: Scope, qualname: str, index: "Index",
                 class_qual: str):
        super().__init__("function", node, parent, qualname)
        del self.method_owner  # the default the dataclass set: the first read asks instead
        self._question = (index, class_qual, node.name)

    @cached_property
    def method_owner(self) -> str:  # type: ignore[override]
        index, class_qual, name = self._question
        return index.member_owner(class_qual, name)

    def consult(self) -> None:
        """Ask of the project's modules what `method_owner` would (the class's bases), not the
        third-party part, whose answer depends on nothing the search learns: a search that needs only
        a parameter's type then learns the same facts, in the same order, as when it asked the owner
        too, without reading third-party sources for an answer it doesn't use."""
        if "method_owner" not in self.__dict__ and not self._consulted:
            self._consulted = True
            index, class_qual, _ = self._question
            index.mro(class_qual)

    _consulted = False


class Parameter(Binding):
    """A method's parameter: ours to rename exactly when the method is, asked when first needed."""

    def __init__(self, node: ast.arg, scope: MethodScope):
        super().__init__("param", node, annotation=node.annotation)
        self._scope: MethodScope | None = scope

    @property  # type: ignore[override]
    def owner(self) -> str:
        return self._scope.method_owner if self._scope is not None else self._owner

    def consult(self) -> None:
        """`owner`'s questions to the project's modules, without its answer (MethodScope.consult)."""
        if self._scope is not None:
            self._scope.consult()

    @owner.setter
    def owner(self, value: str) -> None:
        self._scope = None
        self._owner = value


_COUNTER = ast.Constant(0)


def _unpacked(iterable: ast.AST | None, count: int) -> list[ast.AST] | None:
    """What each name of `for i, job in enumerate(jobs)` / `for a, b in zip(xs, ys)` takes its items from."""
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and not iterable.keywords):
        return None
    if iterable.func.id == "enumerate" and count == 2 and len(iterable.args) == 1:
        return [_COUNTER, iterable.args[0]]
    if iterable.func.id == "zip" and count == len(iterable.args):
        return list(iterable.args)
    return None


def _spread(target: ast.Tuple | ast.List, value: ast.AST | None) -> list[ast.AST | None] | None:
    """`first, *rest = build(), 2`: each name before a starred one takes its own element."""
    if not isinstance(value, (ast.Tuple, ast.List)) or any(isinstance(e, ast.Starred) for e in value.elts):
        return None
    parts: list[ast.AST | None] = []
    for index, element in enumerate(target.elts):
        if isinstance(element, ast.Starred):
            return parts + [None] * (len(target.elts) - index)
        parts.append(value.elts[index] if index < len(value.elts) else None)
    return parts if len(value.elts) == len(target.elts) else None


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")



class ScopeBuilder(NodeVisitor):
    """First pass: every scope, its bindings, and the scope each node lives in.

    With `busy` lines, a statement that touches none of them is taken in
    quietly: the bindings it makes and the modules it imports are recorded (a
    busy line elsewhere may ask for them), but its expressions are not
    entered, and nobody will ask for the scope of anything inside it. Most of
    a file that mentions the term once is such statements.
    """

    skipped_fields = NodeVisitor.OPERATORS  # nobody asks for the scope of `Load()`

    def __init__(self, finder: Finder, module_scope: Scope, busy: list[int] | None = None):
        self.finder = finder
        self.scope = module_scope
        self._locals_at: list[int] | None = None  # `build` narrows it down
        self._busy = busy
        finder._scopes = [module_scope]

    @classmethod
    def _handler(cls, node_class: type):
        handler = super()._handler(node_class)
        quiet = getattr(cls, "_quiet_" + node_class.__name__, None)
        if quiet is not None:  # a statement that can be taken in quietly (any other: always whole)
            whole = handler

            def handler(self: "ScopeBuilder", node: ast.stmt) -> None:
                if self._busy is None or touches(self._busy, node):
                    whole(self, node)
                else:
                    quiet(self, node)

            cls._handlers[node_class] = handler
        return handler

    def build(self, tree: ast.Module) -> None:
        # Most files never call locals() or vars(): then no function needs a walk of
        # its own to ask, and elsewhere only the functions on whose lines it is named.
        self._locals_at = locals_lines(self.finder.text, tree)
        self.visit(tree)

    def generic_visit(self, node: ast.AST) -> None:
        self.finder.scope_of[node] = self.scope
        NodeVisitor.generic_visit(self, node)

    def _push(self, kind: str, node: ast.AST, qualname: str = "", method_of: str | None = None) -> Scope:
        if method_of is None:
            scope = Scope(kind, node, self.scope, qualname)
        else:
            scope = MethodScope(node, self.scope, qualname, self.finder.index, method_of)
        self.finder._scopes.append(scope)
        self.finder.inner_scope[node] = scope
        self.finder.scope_of[node] = self.scope
        return scope

    def _target_scope(self, name: str) -> Scope:
        if name in self.scope.globals:
            return self.finder.module_scope(self.scope)
        return self.scope

    # bindings -------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        self.finder.scope_of[node] = self.scope
        project = self.finder.project
        for alias in node.names:
            target = alias.name if alias.asname else alias.name.split(".")[0]
            if project.is_first_party(target) or project.is_namespace(target):  # `import radical.saga` binds `radical`
                ref = Ref(OWN, "module", Type("mod", target))
            else:
                ref = self.finder.index.theirs(target)
            self._target_scope(alias.asname or target).bind(alias.asname or target, Binding("import", alias, ref=ref))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.finder.scope_of[node] = self.scope
        finder = self.finder
        source = finder.project.resolve_relative(finder.module, node.level, node.module, finder.is_package)
        for alias in node.names:
            if alias.name == "*":
                continue
            binding: Binding
            package = finder.project.package_in_namespace(source, alias.name)
            if package:
                binding = Binding("import", alias, ref=Ref(OWN, "module", Type("mod", package)))
            elif not finder.project.is_first_party(source):
                binding = Binding("import", alias, ref=finder.index.theirs(f"{source}.{alias.name}"))
            elif finder.index.imports_submodule(source, alias.name):
                binding = Binding("import", alias, ref=Ref(OWN, "module", Type("mod", f"{source}.{alias.name}")))
            else:
                binding = ImportedName(alias, finder.index, source, alias.name)
            name = alias.asname or alias.name
            self._target_scope(name).bind(name, binding)

    def visit_Global(self, node: ast.Global) -> None:
        self.finder.scope_of[node] = self.scope
        self.scope.globals = {*self.scope.globals, *node.names}

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.finder.scope_of[node] = self.scope
        self.scope.nonlocals = {*self.scope.nonlocals, *node.names}

    def visit_Name(self, node: ast.Name) -> None:
        self.finder.scope_of[node] = self.scope
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._target_scope(node.id).bind(node.id, Binding("other", node))
        else:
            self.scope.loads.add(node.id)

    def visit_MatchAs(self, node: ast.AST) -> None:
        """`case JobRecord() as held`: held is a JobRecord."""
        self.finder.scope_of[node] = self.scope
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            pattern = node.pattern
            value = None
            if pattern.__class__.__name__ == "MatchClass":
                value = ast.Call(func=pattern.cls, args=[], keywords=[])
            self._target_scope(node.name).bind(node.name, Binding("assign" if value else "other", node, value=value))

    def visit_MatchStar(self, node: ast.AST) -> None:
        self.finder.scope_of[node] = self.scope
        if node.name:
            self._target_scope(node.name).bind(node.name, Binding("other", node))

    def visit_MatchMapping(self, node: ast.AST) -> None:
        self.generic_visit(node)
        if node.rest:
            self._target_scope(node.rest).bind(node.rest, Binding("other", node))

    def visit_Assign(self, node: ast.Assign) -> None:
        self.finder.scope_of[node] = self.scope
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.finder.scope_of[target] = self.scope
                self._target_scope(target.id).bind(target.id, Binding("assign", target, value=node.value))
            else:
                self.visit(target)
                self._bind_spread(target, node.value)
        self.visit(node.value)

    def _bind_spread(self, target: ast.AST, value: ast.AST) -> None:
        """`first, *rest = build(), 2`: `first` is also bound to `build()`, its own element."""
        if not isinstance(target, (ast.Tuple, ast.List)):
            return
        for element, part in zip(target.elts, _spread(target, value) or ()):
            if isinstance(element, ast.Name) and part is not None:
                bindings = self._target_scope(element.id).bindings.get(element.id, [])
                for index, binding in enumerate(bindings):
                    if binding.node is element:
                        bindings[index] = Binding("assign", element, value=part)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.finder.scope_of[node] = self.scope
        if isinstance(node.target, ast.Name):
            self.finder.scope_of[node.target] = self.scope
            self._target_scope(node.target.id).bind(
                node.target.id, Binding("annassign", node.target, value=node.value, annotation=node.annotation)
            )
        else:
            self.visit(node.target)
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.finder.scope_of[node] = self.scope
        self.finder.scope_of[node.target] = self.scope
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        scope.bind(node.target.id, Binding("assign", node.target, value=node.value))
        self.visit(node.value)

    def _bind_targets(self, target: ast.AST, kind: str, value: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            self.finder.scope_of[target] = self.scope
            self._target_scope(target.id).bind(target.id, Binding(kind, target, value=value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.finder.scope_of[target] = self.scope
            parts = _unpacked(value, len(target.elts)) if kind == "for" else _spread(target, value)
            for index, element in enumerate(target.elts):
                self._bind_targets(element, kind, parts[index] if parts else value)
        elif isinstance(target, ast.Starred):
            self.finder.scope_of[target] = self.scope
            self._bind_targets(target.value, kind, value)
        else:
            self.visit(target)

    def visit_For(self, node: ast.For) -> None:
        self.finder.scope_of[node] = self.scope
        self._bind_targets(node.target, "for", node.iter)
        self.visit(node.iter)
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With) -> None:
        self.finder.scope_of[node] = self.scope
        for item in node.items:
            self.finder.scope_of[item] = self.scope
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._bind_targets(item.optional_vars, "with", item.context_expr)
        for stmt in node.body:
            self.visit(stmt)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.finder.scope_of[node] = self.scope
        if node.name:
            self._target_scope(node.name).bind(node.name, Binding("other", node))
        if node.type is not None:
            self.visit(node.type)
        for stmt in node.body:
            self.visit(stmt)

    # scopes ---------------------------------------------------------------

    def _qual(self, name: str) -> str:
        return f"{self.scope.qualname}.{name}" if self.scope.qualname else name

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._target_scope(node.name).bind(node.name, Binding("class", node))
        for expr in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(expr)
        self._class_scope(node)

    def _class_scope(self, node: ast.ClassDef) -> None:
        scope = self._push("class", node, self._qual(node.name))
        if self.scope.kind in ("module", "class"):
            scope.class_qual = f"{self.finder.module}:{scope.qualname}"
        outer, self.scope = self.scope, scope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._target_scope(node.name).bind(node.name, Binding("def", node))
        for expr in node.decorator_list:
            self.visit(expr)
        args = node.args
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.visit(default)
        for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)
        if node.returns is not None:
            self.visit(node.returns)
        self._function_scope(node)

    def _function_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        method_of = self.scope.class_qual if self.scope.kind == "class" else None
        scope = self._push("function", node, self._qual(node.name), method_of or None)
        self._bind_params(scope, node, method_of)
        outer, self.scope = self.scope, scope
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def _bind_params(self, scope: Scope, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, method_of: str | None) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        decorators = {dotted(d) for d in getattr(node, "decorator_list", [])}
        is_static = "staticmethod" in decorators
        # locals() makes the parameter names data (dict keys, flags): they keep their spelling, as
        # every other name the function binds does (Scope.bind).
        names_are_data = scope.names_are_data = reads_locals_at(self._locals_at, node)
        for arg in (*positional, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is None:
                continue
            self.finder.scope_of[arg] = self.scope
            # Parameters of a kept override keep their names (the framework may
            # pass them by keyword); dunder methods are called by the language.
            if names_are_data:
                binding = Binding("param", arg, annotation=arg.annotation, owner=EXTERNAL)
            elif isinstance(scope, MethodScope) and not _is_dunder(node.name):
                binding = Parameter(arg, scope)
            else:
                binding = Binding("param", arg, annotation=arg.annotation, owner=OWN)
            if method_of and not is_static and positional and arg is positional[0]:
                binding.self_of = method_of
                binding.is_cls = "classmethod" in decorators
            scope.bind(arg.arg, binding)
            self.finder.inner_scope[arg] = scope

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.visit(default)
        scope = self._push("lambda", node)
        self._bind_params(scope, node, None)
        outer, self.scope = self.scope, scope
        self.visit(node.body)
        self.scope = outer

    def _comprehension(self, node: ast.AST, elements: list[ast.AST]) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        scope = self._push("comprehension", node)
        outer, self.scope = self.scope, scope
        for index, generator in enumerate(generators):
            self.finder.scope_of[generator] = scope
            self._bind_targets(generator.target, "for", generator.iter)
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for element in elements:
            self.visit(element)
        self.scope = outer

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    # quiet statements: their bindings, not their expressions ----------------

    def _quiet_Expr(self, node: ast.stmt) -> None:
        pass

    _quiet_Return = _quiet_Raise = _quiet_Assert = _quiet_Pass = _quiet_Break = _quiet_Continue = _quiet_Expr

    def _quiet_store(self, target: ast.AST, kind: str, value: ast.AST | None) -> None:
        """The names a target binds, as the whole visit binds them: a bare name of an assignment
        is an "assign", names inside tuples and starred ones (and deleted ones) are "other"."""
        if isinstance(target, ast.Name):
            self._target_scope(target.id).bind(target.id, Binding(kind, target, value=value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._quiet_store(element, kind, value)
        elif isinstance(target, ast.Starred):
            self._quiet_store(target.value, kind, value)

    def _quiet_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._target_scope(target.id).bind(target.id, Binding("assign", target, value=node.value))
            else:
                self._quiet_store(target, "other", None)
                self._bind_spread(target, node.value)

    def _quiet_AugAssign(self, node: ast.AugAssign) -> None:
        self._quiet_store(node.target, "other", None)

    def _quiet_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._quiet_store(target, "other", None)

    def _quiet_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._target_scope(node.target.id).bind(
                node.target.id, Binding("annassign", node.target, value=node.value, annotation=node.annotation)
            )

    def _quiet_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._quiet_store(node.target, "for", node.iter)
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    _quiet_AsyncFor = _quiet_For

    def _quiet_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._quiet_store(item.optional_vars, "with", item.context_expr)
        for stmt in node.body:
            self.visit(stmt)

    _quiet_AsyncWith = _quiet_With

    def _quiet_If(self, node: ast.If | ast.While) -> None:
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    _quiet_While = _quiet_If

    def _quiet_Try(self, node: ast.Try) -> None:
        for stmt in node.body:
            self.visit(stmt)
        for handler in node.handlers:
            if handler.name:
                self._target_scope(handler.name).bind(handler.name, Binding("other", handler))
            for stmt in handler.body:
                self.visit(stmt)
        for stmt in node.orelse + node.finalbody:
            self.visit(stmt)

    _quiet_TryStar = _quiet_Try

    # A function or class none of whose lines is busy is only a name: no question of a pass starts
    # inside it (each starts on a loud line, and those are busy), and the scopes a question walks
    # are those around where it starts. Its summary tells what calling it returns, and what its
    # class's members are. Most of a file's functions are such, and most of a file that is
    # searched only because it looks members up by computed names.

    def _quiet_ClassDef(self, node: ast.ClassDef) -> None:
        self._target_scope(node.name).bind(node.name, Binding("class", node))

    def _quiet_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._target_scope(node.name).bind(node.name, Binding("def", node))

    _quiet_AsyncFunctionDef = _quiet_FunctionDef
