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

A *declared field* is a class-level name bound to a call of a third party's class or function,
in a class with a third party's base (along its bases); a *model*, a class that declares one. An
enumeration's members are not fields. The project's own frameworks declare fields with a
descriptor that learns its attribute's name (`__set_name__`): such a name is held the same way.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .finder import Finder
    from .scopes import Binding, Scope

FIELD_NOTE = ("a field its framework reads by name (a table's column, a form's field): renamed, the data keyed by "
              "it would need a migration of its own")
MODEL_NOTE = ("a model its framework may store by its class's name (a table, a reverse accessor named after it): "
              "renamed, the stored data would need a migration of its own")


DESCRIPTOR_NOTE = ("a descriptor of the project's learns the attribute's name (`__set_name__`), and may key data by "
                   "it: renamed, what was stored under the old name would no longer be found")


class FrameworkDeclarations:
    """The site pass's questions about names a framework keys stored data by (module docstring)."""

    f: "Finder"

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
        from .thirdparty import lookup_prefixes

        index = self.f.index
        for base in index.mro(scope.class_qual)[1]:
            for prefix in lookup_prefixes(base, index.search_path):
                if node.name.startswith(prefix) and len(node.name) > len(prefix):
                    return (f"`{base}` looks its methods up by a name built from `{prefix}` and data (a field's, "
                            "a command's): renamed, it would no longer find it")
        return ""

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
