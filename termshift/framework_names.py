"""Names a framework stores data under or looks up, held back (a mixin of the finder's site pass).

`job_id = models.IntegerField()` on a Django model: the framework reads the class's attributes
and keys its data by their names, a table's column. And the model's own name: Django names its
table (`shop_job`), its reverse accessors (`job.jobrun_set`) and its permissions after the class;
Peewee, SQLModel and Flask-SQLAlchemy name the table after it too. Renamed, the stored data would
need a migration of its own, so such a name is kept everywhere (an UNRESOLVED site, with why),
as any name the program reads as data.

So is a method a third party's base looks up by a name built from a fixed start and data
(`getattr(self, "clean_%s" % name)` on a Django form, `"do_" + command` on `cmd.Cmd`, `"visit_" +
kind` on `ast.NodeVisitor`): `clean_job` is the field `job`'s hook, `do_job` the command `job`.

And so is a parameter a framework fills by its name from outside the program: a FastAPI route
handler's `job_type` is the query string's `?job_type=`, a Typer command's `max_jobs` the option
`--max-jobs` users type (`_bound_by_name`); and a constructor's parameter, with the attribute named
after it, that a third party's base serialises by its name (`_constructor_read`).

A *declared field* is a class-level name bound to a call of a third party's class or function,
in a class with a third party's base (along its bases); a *model*, a class that declares one. An
enumeration's members are not fields. The project's own frameworks declare fields with a
descriptor that learns its attribute's name (`__set_name__`): such a name is held the same way.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .literals import ROUTE_DECORATORS
from .summary import dotted

if TYPE_CHECKING:
    from .finder import Finder
    from .scopes import Binding, Scope

FIELD_NOTE = ("a field its framework reads by name (a table's column, a form's field): renamed, the data keyed by "
              "it would need a migration of its own")
MODEL_NOTE = ("a model its framework may store by its class's name (a table, a reverse accessor named after it): "
              "renamed, the stored data would need a migration of its own")


# Frameworks that fill a route handler's parameters from the request by their names (a query
# string's, a header's, a form's field), and command lines that make an option of each (`--max-jobs`).
BINDS_REQUEST_BY_NAME = frozenset({"fastapi", "litestar", "ninja", "starlite"})
BINDS_OPTIONS_BY_NAME = frozenset({"typer"})
_COMMANDS = frozenset({"command", "callback"})
# What such a framework hands a parameter by its type, not its name.
_NOT_BY_NAME = frozenset({"Request", "WebSocket", "Response", "BackgroundTasks", "HTTPConnection", "SecurityScopes",
                          "Context", "HttpRequest", "State"})
_INJECTED = frozenset({"Depends", "Security", "Provide", "Inject"})
REQUEST_NOTE = ("a request's parameter: `{shown}` fills it from the request by its name (a query string's, a header's, "
                "a form's field), and renamed, the clients' requests would no longer reach it")
OPTION_NOTE = ("a command line's option: `{shown}` makes `--{option}` of it, and renamed, the commands users type and "
               "scripts run would no longer reach it")

CONSTRUCTOR_NOTE = ("`{base}` reads the constructor by its parameters' names and the attributes named after them "
                    "(it serialises or rebuilds instances by them): renamed, what was stored under the old name "
                    "would no longer load")

DESCRIPTOR_NOTE = ("a descriptor of the project's learns the attribute's name (`__set_name__`), and may key data by "
                   "it: renamed, what was stored under the old name would no longer be found")


class FrameworkDeclarations:
    """The site pass's questions about names a framework keys stored data by (module docstring)."""

    f: "Finder"
    constructors_read: dict[str, tuple[str, frozenset[str]]]  # `_constructor_read`'s answers, by class

    def _declared_field(self, node: ast.Name, scope: Scope) -> bool:
        """Is `node` (a definition in a class's body) a field its framework declares?"""
        bindings = scope.bindings.get(node.id)
        return bool(bindings) and self._declares(bindings[0], scope) and self._framework_class(scope)

    def _named_descriptor(self, node: ast.Name, scope: Scope) -> bool:
        """Is `node` (a definition in a class's body) bound to a descriptor of the project's that
        learns its name (`job_id = Field()`, `Field` defining `__set_name__`, itself or a base)? It
        is told its attribute's name so that it can key something by it: a row's column, a
        payload's key."""
        bindings = scope.bindings.get(node.id)
        value = bindings[0].value if bindings and bindings[0].kind in ("assign", "annassign") else None
        if not isinstance(value, ast.Call):
            return False
        callee = self.f.type_of(value.func, scope)
        return callee is not None and callee.kind == "cls" and any(
            "__set_name__" in info.members for _, info in self.f.index.mro(callee.name)[0])

    def _declared_model(self, node: ast.ClassDef) -> bool:
        """Is the class a model: does it declare a field its framework reads by name?"""
        scope = self.f.inner_scope.get(node)
        if scope is None or not scope.class_qual:
            return False
        declares = any(bindings and self._declares(bindings[0], scope) for bindings in scope.bindings.values())
        return declares and self._framework_class(scope)

    def _framework_hook(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> str:
        """Why a method of a class with a third party's base is named for it, or "": the base looks
        its methods up by a name built at run time from a fixed start (`getattr(self, "clean_%s" %
        name)` on a Django form, `"do_" + command` on `cmd.Cmd`), so the rest of the name is data
        (a field's name, a command the user types)."""
        if scope.kind != "class" or not scope.class_qual:
            return ""
        from .base_readers import lookup_prefixes

        index = self.f.index
        for base in index.mro(scope.class_qual)[1]:
            for prefix in lookup_prefixes(base, index.search_path):
                if node.name.startswith(prefix) and len(node.name) > len(prefix):
                    return (f"`{base}` looks its methods up by a name built from `{prefix}` and data (a field's, "
                            "a command's): renamed, it would no longer find it")
        return ""

    def _bound_by_name(self, function: ast.AST, arg: ast.arg) -> str:
        """Why a parameter's name is on the wire, or "": the function is a route handler of a framework
        that fills it from the request by its name, or a command whose option is named after it. A
        route's placeholder (`{job_id}`) moves with the route, and what is handed over by its type (a
        request, a dependency, a body's model) or under a name of its own (`alias=`) is no such name."""
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or arg.arg in ("self", "cls"):
            return ""
        if function.name == "__init__":
            base, params = self._constructor_read(self.scope(function).class_qual)
            if arg.arg in params:
                return CONSTRUCTOR_NOTE.format(base=base)
        for decorator in function.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            callee = self.f.type_of(decorator.func, self.scope(decorator))
            if callee is None or callee.kind != "ext" or not callee.name:
                continue
            package, verb = callee.name.partition(".")[0], callee.name.rpartition(".")[2]
            default = _default_of(function, arg)
            shown = dotted(decorator.func) or verb
            if package in BINDS_REQUEST_BY_NAME and verb in ROUTE_DECORATORS:
                if any(isinstance(part, ast.Constant) and isinstance(part.value, str) and
                       f"{{{arg.arg}" in part.value for part in (*decorator.args, *(k.value for k in decorator.keywords))):
                    return ""  # the route's placeholder, renamed with it
                if self._handed_by_type(arg, default, self.scope(decorator)):
                    return ""
                return REQUEST_NOTE.format(shown=shown)
            if package in BINDS_OPTIONS_BY_NAME and verb in _COMMANDS and default is not None:
                if _names_itself(default) or self._handed_by_type(arg, None, self.scope(decorator)):
                    return ""
                return OPTION_NOTE.format(shown=shown, option=arg.arg.replace("_", "-"))
        return ""

    def _constructor_read(self, class_qual: str | None) -> tuple[str, frozenset[str]]:
        """The base that reads the class's constructor by its parameters' names
        (`base_readers.reads_constructor`), and those names; ("", ∅) when none does. A base of the
        project's own does it as a third party's would (parsl's `RepresentationMixin` builds a
        repr from `getfullargspec(self.__init__)` and the attributes named after the parameters):
        the parameters and their attributes can't be renamed apart, nor in step with a reader
        that spells no name."""
        if not class_qual:
            return "", frozenset()
        known = self.constructors_read.get(class_qual)
        if known is None:
            from .base_readers import module_reads_constructor, reads_constructor

            index = self.f.index
            first_party, external, _ = index.mro(class_qual)
            base = next((name for name in external if reads_constructor(name, index.search_path)), "")
            if not base:
                base = next((f"{module}.{info.qualname}" for module, info in first_party
                             if module in index.project.modules
                             and module_reads_constructor(index.project.modules[module])), "")
            params: tuple[str, ...] = ()
            for module, info in first_party if base else ():
                summary = index.module(module)
                init = summary.functions.get(f"{info.qualname}.__init__") if summary else None
                if init is not None:
                    params = init.params
                    break
            known = self.constructors_read[class_qual] = (base, frozenset(params) - {"self"})
        return known

    def _handed_by_type(self, arg: ast.arg, default: ast.expr | None, scope: Scope) -> bool:
        """A request, a dependency, a body's model, or a name of its own (`Query(alias="jobId")`)."""
        for part in (arg.annotation, default):
            for node in ast.walk(part) if part is not None else ():
                if isinstance(node, ast.Call) and (
                        (dotted(node.func) or "").rpartition(".")[2] in _INJECTED or _names_itself(node)):
                    return True
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and (dotted(annotation.value) or "").endswith("Annotated"):
            first = annotation.slice.elts[0] if isinstance(annotation.slice, ast.Tuple) else annotation.slice
            annotation = first
        if annotation is None:
            return False
        if (dotted(annotation) or "").rpartition(".")[2] in _NOT_BY_NAME:
            return True
        kind = self.f.type_of(annotation, scope)
        return kind is not None and kind.kind == "cls" and self.f._class_kind(kind.name) != "enum"

    def _declares(self, binding: Binding, scope: Scope) -> bool:
        """`job_id = models.IntegerField()`, `id: Mapped[int] = mapped_column()`: bound to a call of
        a third party's."""
        value = binding.value if binding.kind in ("assign", "annassign") else None
        if not isinstance(value, ast.Call):
            return False
        callee = self.f.type_of(value.func, scope)
        return callee is not None and callee.kind == "ext"

    def _framework_class(self, scope: Scope) -> bool:
        """A class (of `scope`) with a third party's base, not an enumeration."""
        if not scope.class_qual or self.f._class_kind(scope.class_qual) == "enum":
            return False
        return bool(self.f.index.mro(scope.class_qual)[1])


def _default_of(function: ast.FunctionDef | ast.AsyncFunctionDef, arg: ast.arg) -> ast.expr | None:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if arg in positional:
        at = positional.index(arg) - (len(positional) - len(arguments.defaults))
        return arguments.defaults[at] if at >= 0 else None
    if arg in arguments.kwonlyargs:
        return arguments.kw_defaults[arguments.kwonlyargs.index(arg)]
    return None


def _names_itself(node: ast.expr) -> bool:
    """`Query(alias="jobId")`, `typer.Option("--jobs")`: the name on the wire is written out."""
    return isinstance(node, ast.Call) and (
        any(keyword.arg in ("alias", "validation_alias") for keyword in node.keywords) or
        any(isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value.startswith("-")
            for value in node.args))
