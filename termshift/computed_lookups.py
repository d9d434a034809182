"""What a lookup by a name computed at run time may reach, held back (a mixin of the finder's site pass).

`getattr(filters, kind)` with `kind` from data may name any member of `filters` a rename would
change: each such member keeps its name everywhere (an UNRESOLVED site at the lookup, with why). So
do the calls that are getattr() by another name (`setattr`, `hasattr`, `delattr`, `patch.object`,
`operator.attrgetter(kind)(x)`), a key of an object's own namespace or of the module's
(`vars(obj)[kind]`, `obj.__dict__.update(data)`, `globals()[f"handle_{kind}"]`, `kind in
globals()`), an enumeration's member by its name (`State[row["state"]]`), a module imported by a
computed name, and a keyword a mapping from data carries into a call (`Record(**row)`). So do the
names a program reads as text: a namespace handed over whole (`json.dumps(vars(record))`), a data
class's field names (`dataclasses.fields(Record)`), a package's modules listed by `pkgutil`. A name
spelled whole (`getattr(obj, "job_id")`, `globals()["handle_job"]`, a format template's field
`"{0.job_id}"`) is the name it spells, and moves with it.

What a file never spelling the term is read for (the pre-filter) must agree with what this finds:
prefilter.py reads a superset of such files.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from .index import Type, class_of
from .sites import Action, Role, Site
from .summary import dotted, reads_locals

if TYPE_CHECKING:
    from .finder import Finder
    from .scopes import Scope

ATTR_FUNCS = {"getattr", "setattr", "hasattr", "delattr"}
# `operator.attrgetter(kind)(record)`: a getattr() in two calls.
_GETTER_MAKERS = {"attrgetter", "methodcaller"}
# Calls that make a copy of a data class's instance with the keywords changed: those are its fields.
_REPLACERS = {"dataclasses.replace", "copy.replace", "attr.evolve", "attrs.evolve"}
_PARTIALS = {"functools.partial", "functools.partialmethod"}
# getattr() & co. as the object protocol's own methods.
_DUNDER_LOOKUPS = {"__getattribute__", "__getattr__", "__setattr__", "__delattr__"}
# The names of the calls above, and of what is called through a class (`super().__init__(**options)`).
_PASSING_ON = {"replace", "evolve", "partial", "partialmethod", "_replace", "__init__", "__new__"}
# A data class's field names, as strings: `dataclasses.fields(x)`, `attr.fields_dict(X)`, `X._fields`.
FIELD_NAME_CALLS = {"fields", "fields_dict"}
_FIELD_MODULES = {"dataclasses", "attr", "attrs"}
FIELD_NAME_TABLES = {"_fields", "__dataclass_fields__", "__annotations__", "__match_args__", "_field_defaults"}
KWARGS_METHODS = {"pop", "get", "setdefault", "__getitem__", "__contains__"}
_KEYED_METHODS = {*KWARGS_METHODS, "update"}


class ComputedLookups:
    """The site pass's questions about names computed at run time (module docstring)."""

    f: "Finder"
    # And, of the site pass: `_string_name` (a string naming a name tied to `ref`), `_kwargs_key`
    # and `keyed` (the namespaces asked for keys where they stand).
    keyed: set[ast.AST]

    def _name_strings(self, call: ast.Call, scope: Scope) -> None:
        """What a call's strings and computed arguments name: getattr(obj, "name") & co.,
        mock.patch.object(obj, "name"), kwargs.pop("name"), `**mapping`, a format template's fields."""
        func = call.func
        name = dotted(func) or ""
        short = name.rsplit(".", 1)[-1]
        args = call.args
        if isinstance(func, ast.Attribute) and func.attr in _KEYED_METHODS:
            self.keyed.add(func.value)  # `vars(record).get(kind)`, `record.__dict__.update(data)`
        self.keyed.update(keyword.value for keyword in call.keywords if keyword.arg is None)
        if isinstance(func, ast.Attribute) and func.attr == "format_map" and args:
            self.keyed.add(args[0])
        if (short in ATTR_FUNCS and name == short or name.endswith("patch.object")) and len(args) >= 2:
            self._attribute_lookup(call, args[0], args[1], short, scope)
        elif short in _DUNDER_LOOKUPS and isinstance(func, ast.Attribute):
            # `object.__setattr__(self, name, value)`, `super().__getattribute__(name)`.
            if isinstance(func.value, ast.Name) and func.value.id == "object" and len(args) >= 2:
                self._attribute_lookup(call, args[0], args[1], short, scope)
            elif isinstance(func.value, ast.Call) and dotted(func.value.func) == "super" and args:
                self._attribute_lookup(call, None, args[0], short, scope)
        if short in ("import_module", "__import__") and args and _constant_text(args[0]) is None:
            self._computed_modules(call)
        elif short in ("iter_modules", "walk_packages") and args and isinstance(args[0], ast.Name) \
                and args[0].id == "__path__":
            self._listed_modules(call)
        if isinstance(func, ast.Call) and len(args) == 1 and func.args \
                and (dotted(func.func) or "").rsplit(".", 1)[-1] in _GETTER_MAKERS:
            self._getter(call, scope)
        if any(keyword.arg is None for keyword in call.keywords):
            self._computed_keywords(call, scope)
        if isinstance(func, ast.Attribute) and func.attr in KWARGS_METHODS and isinstance(func.value, ast.Name) and args:
            self._kwargs_key(func.value.id, args[0], scope)
        if isinstance(func, ast.Attribute) and func.attr in KWARGS_METHODS and args:
            self._state_key(func.value, args[0], scope)
        if isinstance(func, ast.Attribute) and func.attr == "update" and args:
            self._namespace_update(call, scope)
        if isinstance(func, ast.Attribute) and func.attr in ("format", "format_map") and _constant_text(func.value):
            self._format_fields(call, scope)

    def _attribute_lookup(self, call: ast.Call, receiver: ast.AST | None, name: ast.AST, what: str,
                          scope: Scope) -> None:
        """getattr(receiver, name) and its kin (no `receiver`: the instance a method is called on,
        for `super()`): a name spelled whole is the attribute's; one computed at run time holds back
        what it may reach. (The receiver's type is asked only then: it may take reading modules.)"""
        def owner() -> Type | None:
            return self._own_instance(scope) if receiver is None else self.f.type_of(receiver, scope)

        targets = self._attribute_names(name, scope)
        for target in targets:
            if self.f.mentions(target.value):
                self._string_name(target, 0, target.value, self.f.index.attribute(owner(), target.value), f"{what}() name")
        if not targets and not isinstance(name, ast.Constant) and (
                receiver is None or not self._own_names(name, receiver, scope)):
            held = self._computed_names(call, owner(), _affixes(name))
            if held and any(isinstance(part, ast.Attribute) and part.attr in ("__name__", "__qualname__")
                            for part in ast.walk(name)):
                self._named_by_name(call, held, _affixes(name))

    def _named_by_name(self, call: ast.Call, held: list[str], affixes: tuple[str, str]) -> None:
        """`getattr(self, "visit_" + type(node).__name__)`: the part of each member's name the
        `__name__` fills in is a class's or a function's name (`visit_Job`: `Job`), which must keep
        its spelling as long as the member does."""
        prefix, suffix = affixes
        line, column = self.f.pos.char(call.lineno, call.col_offset)
        for member in held:
            part = member[len(prefix):len(member) - len(suffix)]
            if part.isidentifier() and self.f.renamed_by_term(part):
                self.f.spool.append(Site(
                    self.f.path, line, column, line, column, part, part, "class", Role.REFERENCE, Action.UNRESOLVED,
                    f"is the `__name__` in {member!r}, which may be looked up here by a name computed at run time"))

    def _own_instance(self, scope: Scope) -> Type | None:
        """The type of the instance a method is called on (its first parameter's), for `super()`."""
        function = scope.node
        while scope is not None and not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = scope.parent
            function = scope.node if scope is not None else None
        if scope is None or not function.args.args:
            return None
        return self.f.name_ref(function.args.args[0].arg, scope, owned=False).type

    def _format_fields(self, call: ast.Call, scope: Scope) -> None:
        """`"{0.job_id}".format(record)`, `"{job_id}".format_map(vars(record))`: a replacement field
        names the attributes it looks up, on the argument it names; spelled in the template, not
        in the code, they move with the attribute (or hold it back, on a value of unknown type)."""
        template = call.func.value
        positional = iter(range(len(call.args)))
        for start, field in _braced_fields(template.value):
            head, *rest = _FIELD_PARTS.findall(field)
            automatic = next(positional, None) if not head else None  # `{}`, `{.job_id}`: the next argument
            if not any(map(self.f.mentions, (head, *rest))):
                continue  # no name here that a rename could change
            value: ast.AST | None = None
            namespace = None
            receiver: Type | None = None
            if not head or head.isdigit():
                number = automatic if not head else int(head)
                value = call.args[number] if number is not None and number < len(call.args) else None
            else:
                value = next((keyword.value for keyword in call.keywords if keyword.arg == head), None)
                if value is None:
                    mappings = call.args[:1] if call.func.attr == "format_map" else \
                        [keyword.value for keyword in call.keywords if keyword.arg is None]
                    namespace = next(filter(None, (self._namespace_of(mapping, scope) for mapping in mappings)), None)
                    if namespace is None and any(isinstance(mapping, ast.Call) and reads_locals(mapping) for mapping in mappings):
                        # `.format(**locals())`: the caller's local `head`, a name that is data there.
                        receiver = self.f.name_ref(head, scope, owned=False).type
            if namespace is not None:
                receiver = self._template_name(template, start, head, namespace[1])
            elif value is not None:
                receiver = self.f.type_of(value, scope)
            # On a value of unknown type (`receiver` None), each attribute is asked by its name alone.
            offset = start + len(head)
            for part in rest:
                if part.startswith("["):
                    break
                receiver = self._template_name(template, offset + 1, part[1:], receiver)
                offset += len(part)

    def _percent_fields(self, node: ast.BinOp, scope: Scope) -> None:
        """`"%(job_id)s" % vars(record)`, `% record.__dict__`: each key names one of its attributes."""
        namespace = self._namespace_of(node.right, scope)
        if namespace is None:
            return
        for match in _PERCENT_KEY.finditer(node.left.value):
            self._template_name(node.left, match.start(1), match.group(1), namespace[1])

    def _template_name(self, template: ast.Constant, start: int, name: str, receiver: Type | None) -> Type | None:
        """The attribute `name` of `receiver`, spelled in a template at value offset `start`: its type."""
        ref = self.f.index.attribute(receiver, name)
        if self.f.mentions(name) and name.isidentifier():
            self._string_name(template, start, name, ref, "replacement field")
        return ref.type

    def _state_key(self, mapping: ast.AST, key: ast.AST, scope: Scope, *, subscript: bool = False) -> None:
        """`obj.__dict__.setdefault("job_queue", [])`, `vars(obj)["job_id"]`, `globals()[kind]`,
        `State[name]`: a key of an object's own namespace (or of an enumeration's members) is the
        name of one of its attributes, as getattr's would be."""
        found = self._namespace_of(mapping, scope, subscript=subscript)
        if found is None:
            return
        owner, receiver = found
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if self.f.mentions(key.value):
                self._string_name(key, 0, key.value, self.f.index.attribute(receiver, key.value), "attribute name")
        elif owner is None or not self._own_names(key, owner, scope):  # `vars(obj)[kind]`: as `getattr(obj, kind)`
            self._computed_names(mapping, receiver, _affixes(key))

    def _whole_namespace(self, node: ast.AST, scope: Scope) -> None:
        """`json.dumps(vars(record))`, `logger.info(…, extra=vars(record))`, `return self.__dict__`
        (a pickle's state), `sorted(vars(self).items())`: an object's namespace handed over whole is
        data keyed by the names of its attributes, which whatever reads it may look up by name. Not
        when it is asked for one key (`_state_key`), updated (`_namespace_update`) or spread into a
        call (`_computed_keywords`), each of which tells for itself."""
        if node in self.keyed:
            return
        found = self._namespace_of(node, scope)
        if found is not None and found[0] is not None:
            self._computed_names(node, found[1])

    def _field_names(self, node: ast.AST, owner: ast.AST, scope: Scope) -> None:
        """`[f.name for f in dataclasses.fields(Job)]`, `Job._fields`, `attr.fields_dict(Job)`: a data
        class's field names read as strings, data (a header written, a row's keys read) that a
        rename of the fields would not change. Its fields are held back, as for a lookup."""
        if isinstance(node, ast.Call):
            callee = self.f.type_of(node.func, scope)
            if callee is None or callee.kind != "ext" or callee.name.partition(".")[0] not in _FIELD_MODULES:
                return
        found = self.f.type_of(owner, scope)
        found = class_of(found) or found
        if found is not None and found.kind == "cls":
            self._computed_names(node, found)

    def _namespace_update(self, call: ast.Call, scope: Scope) -> None:
        """`self.__dict__.update(data)`, `globals().update(handlers)`: a setattr() for each key."""
        found = self._namespace_of(call.func.value, scope)
        if found is None:
            return
        owners: list[ast.AST] = []
        if not all(self._keys_seen(mapping, scope, owners) for mapping in call.args[:1]) or (owners and not all(
                class_of(self.f.type_of(owner, scope)) == class_of(found[1]) for owner in owners)):
            self._computed_names(call, found[1])

    def _namespace_of(self, mapping: ast.AST, scope: Scope, *,
                      subscript: bool = False) -> tuple[ast.AST | None, Type | None] | None:
        """Whose own namespace `mapping` is, and its type: `obj.__dict__` and `vars(obj)` are `obj`'s,
        `globals()` is this module's (no expression names it); `State.__members__`, and `State`
        itself when subscripted, map an enumeration's members by name."""
        if isinstance(mapping, ast.Attribute) and mapping.attr == "__dict__":
            return mapping.value, self.f.type_of(mapping.value, scope)
        if isinstance(mapping, ast.Call):
            if not isinstance(mapping.func, ast.Name) or mapping.keywords:
                return None
            if mapping.func.id == "vars" and len(mapping.args) == 1 and self.f.lookup("vars", scope) is None:
                return mapping.args[0], self.f.type_of(mapping.args[0], scope)
            if mapping.func.id == "globals" and not mapping.args and self.f.lookup("globals", scope) is None:
                return None, Type("mod", self.f.module)
            return None
        if isinstance(mapping, ast.Attribute) and mapping.attr == "__members__":
            enum = mapping.value
        elif subscript:
            enum = mapping
        else:
            return None
        named = enum.id if isinstance(enum, ast.Name) else enum.attr if isinstance(enum, ast.Attribute) else None
        # Only an enumeration a member of which a rename would change is asked after (by its name).
        if named is None or named not in self.f.index.term_enums(self.f.renamed_by_term):
            return None
        found = self.f.type_of(enum, scope)
        if found is None or found.kind != "cls" or self.f._class_kind(found.name) != "enum":
            return None
        return enum, found

    def _getter(self, call: ast.Call, scope: Scope) -> None:
        """`operator.attrgetter(kind)(record)`, `methodcaller(kind, 1)(record)`: getattr(record, kind)."""
        maker, receiver = call.func, call.args[0]
        names = maker.args[:1] if (dotted(maker.func) or "").endswith("methodcaller") else maker.args
        for name in names:
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                if "." not in name.value and self.f.mentions(name.value):
                    ref = self.f.index.attribute(self.f.type_of(receiver, scope), name.value)
                    self._string_name(name, 0, name.value, ref, "attribute name")
            elif not isinstance(name, ast.Starred) and not self._own_names(name, receiver, scope):
                self._computed_names(call, self.f.type_of(receiver, scope), _affixes(name))

    def _computed_keywords(self, call: ast.Call, scope: Scope) -> None:
        """`Record(**json.loads(body))`, `cls(**row)`, `dataclasses.replace(record, **{kind: value})`:
        a mapping whose keys come from data may name any keyword the callable takes, so each that a
        rename would change is held back, as for a member looked up by a computed name. A mapping
        whose keys the code spells (`{"job_id": …}`, `dict(job_id=…)`), or that carries the
        caller's own **kwargs on (their keywords are followed there), or the callee's own names
        (`Record(**asdict(other_record))`), names nothing unseen. (What the keys are is asked
        first: the callee's type may take reading other modules.)"""
        owners: list[ast.AST] = []  # what the mappings hold the names of, when they are an object's
        if not all(self._keys_seen(keyword.value, scope, owners) for keyword in call.keywords if keyword.arg is None):
            self._hold_keywords(call, scope, ())
        elif owners:
            self._hold_keywords(call, scope, owners)

    def _hold_keywords(self, call: ast.Call, scope: Scope, owners: Sequence[ast.AST]) -> None:
        """Hold back the keywords the callee takes that a rename would change, unless every mapping
        holds the names of one of the callee's instances (`owners`)."""
        if not self._may_take_keywords(call.func, scope):
            return
        callee = self.f.type_of(call.func, scope)
        if callee is not None and callee.kind == "ext" and callee.name in _REPLACERS and call.args:
            callee = class_of(self.f.type_of(call.args[0], scope))
        elif callee is not None and callee.kind == "ext" and callee.name in _PARTIALS and call.args:
            callee = self.f.type_of(call.args[0], scope)  # `functools.partial(Record, **options)`
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "_replace":
            callee = class_of(self.f.type_of(call.func.value, scope))
        if callee is None or callee.kind not in ("func", "cls"):
            return
        if owners and all(class_of(self.f.type_of(owner, scope)) == callee for owner in owners):
            return
        line, column = self.f.pos.char(call.lineno, call.col_offset)
        for name in self.f.index.keywords(callee):
            if self.f.renamed_by_term(name):
                self.f.spool.append(Site(
                    self.f.path, line, column, line, column, name, name, "parameter", Role.REFERENCE,
                    Action.UNRESOLVED, "may be passed here by a keyword computed at run time"))

    def _may_take_keywords(self, func: ast.AST, scope: Scope) -> bool:
        """Could `func` be a callable whose keywords a rename changes? Asked of the name it is
        written with (the one it is imported by, for an alias) before its type, whose resolution
        may read other modules: one of `Index.keyword_takers`, or a value bound here (`cls`, `make
        = Record`), or a call that passes keywords on to its argument (`dataclasses.replace`). A
        file that never spells the term is searched for its spreads on the same names."""
        takers = self.f.index.keyword_takers(self.f.renamed_by_term)
        if isinstance(func, ast.Attribute):
            return func.attr in takers or func.attr in _PASSING_ON
        if not isinstance(func, ast.Name):
            return True
        if func.id in takers or func.id in _PASSING_ON:
            return True
        found = self.f.lookup(func.id, scope)
        if found is None:
            return False  # a builtin, or a name a star import brings: by its own name, as a taker's
        binding = found[1][0]
        if binding.kind == "import":
            return binding.node.name.rpartition(".")[2] in takers
        return binding.kind not in ("def", "class")

    def _keys_seen(self, mapping: ast.AST, scope: Scope, owners: list[ast.AST], depth: int = 0) -> bool:
        """Are the keys of a `**mapping` all spelled in the code, or carried on from the caller's
        own **kwargs? Or an object's names (`vars(other)`, `asdict(other)`): those objects go to
        `owners`, for the callee to be compared with."""
        if depth > 4:
            return False
        if isinstance(mapping, ast.Dict):
            return all(self._keys_seen(value, scope, owners, depth + 1) if key is None
                       else isinstance(key, ast.Constant) and isinstance(key.value, str)
                       for key, value in zip(mapping.keys, mapping.values))
        if isinstance(mapping, ast.Call):
            func = dotted(mapping.func) or ""
            if func == "dict" and self.f.lookup("dict", scope) is None and len(mapping.args) <= 1:
                return all(self._keys_seen(part, scope, owners, depth + 1)
                           for part in [*mapping.args, *(k.value for k in mapping.keywords if k.arg is None)])
            if reads_locals(mapping):
                return True  # the caller's local names: data already (summary.reads_own_locals)
            if len(mapping.args) == 1 and func.rsplit(".", 1)[-1] in ("vars", "asdict"):
                owners.append(mapping.args[0])
                return True
            if not mapping.args and isinstance(mapping.func, ast.Attribute):
                if mapping.func.attr == "_asdict":
                    owners.append(mapping.func.value)
                    return True
                if mapping.func.attr == "copy":
                    return self._keys_seen(mapping.func.value, scope, owners, depth + 1)
            return False
        if isinstance(mapping, ast.Attribute) and mapping.attr == "__dict__":
            owners.append(mapping.value)
            return True
        if isinstance(mapping, ast.Name):
            found = self.f.lookup(mapping.id, scope)
            if found is None or len(found[1]) != 1:
                return False
            where, (binding,) = found
            function = where.node
            if binding.kind == "param":
                return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and function.args.kwarg is not None and function.args.kwarg.arg == mapping.id
            return binding.kind == "assign" and binding.value is not None \
                and self._keys_seen(binding.value, scope, owners, depth + 1)
        return False

    def _computed_names(self, call: ast.expr, receiver: Type | None, affixes: tuple[str, str] = ("", "")) -> list[str]:
        """`getattr(filters, kind.replace("-", "_"))`: any member of one of our modules or classes may be
        looked up here by a name computed from data, so each that mentions the term is held back — each
        that the name's fixed start and end allow (`setattr(self, "_job_" + key, f)`: `_job_…` only).
        Returns the members held back."""
        prefix, suffix = affixes
        members: Iterable[str] = ()
        if receiver is not None and receiver.kind == "mod":
            if not self.f.spells_term and receiver.name == self.f.module:
                return []  # this file's own names, which never spell the term: none a rename would change
            members = self.f.index.looked_up_names(receiver.name)
        elif receiver is not None and receiver.kind in ("cls", "inst"):
            # Inherited members too, from wherever the bases are defined: a class of this file's own
            # reaches its bases' (`getattr(self, kind)` in a subclass of one that defines `job_id`);
            # and its subclasses' (`getattr(self, key)` in a base class, on a subclass's instance).
            members = dict.fromkeys(member for _, info in self.f.index.mro(receiver.name)[0] for member in info.members)
            members.update(dict.fromkeys(self.f.index.subclass_members(receiver.name)))
        line, column = self.f.pos.char(call.lineno, call.col_offset)
        held = []
        for member in members:
            if not (member.startswith(prefix) and member.endswith(suffix) and len(member) >= len(prefix + suffix)):
                continue
            if self.f.renamed_by_term(member):
                held.append(member)
                self.f.spool.append(Site(
                    self.f.path, line, column, line, column, member, member, "attribute", Role.REFERENCE,
                    Action.UNRESOLVED, "may be looked up here by a name computed at run time"))
        return held

    def _computed_modules(self, call: ast.Call) -> None:
        """`import_module(f"app.handlers.{kind}")`, `import_module("." + kind, __package__)`: any
        module of ours the name's fixed start and end allow may be imported here by a name computed
        at run time, so the words that spell the term in the part left open are held back. With no
        package of ours fixed at its start (`import_module(settings.BACKEND)`), the name could be any
        module's, spelled in configuration: that is for the dotted paths found there."""
        prefix, suffix = _affixes(call.args[0])
        if prefix.startswith("."):
            package = call.args[1] if len(call.args) > 1 else next(
                (keyword.value for keyword in call.keywords if keyword.arg == "package"), None)
            if not (isinstance(package, ast.Name) and package.id in ("__name__", "__package__")):
                return
            level = len(prefix) - len(prefix.lstrip("."))
            here = self.f.module if self.f.is_package or package.id == "__name__" else self.f.module.rpartition(".")[0]
            base = self.f.project.resolve_relative(here, level, None, True)
            prefix = f"{base}.{prefix[level:]}" if base else prefix[level:]
        self._hold_modules(call, prefix, suffix, "may be imported here by a name computed at run time")

    def _listed_modules(self, call: ast.Call) -> None:
        """`for info in pkgutil.iter_modules(__path__): HANDLERS[info.name] = …`: the package's
        modules are listed by name, names that data may hold (`HANDLERS[kind]`): held back."""
        if self.f.is_package:
            self._hold_modules(call, self.f.module + ".", "", "is listed here by its name (pkgutil)")

    def _hold_modules(self, call: ast.Call, prefix: str, suffix: str, why: str) -> None:
        """Hold back the words that spell the term in the modules of ours whose names start with
        `prefix` (a package of ours, then what is left open) and end with `suffix`."""
        fixed = prefix.rpartition(".")[0]
        if not fixed or not self.f.project.is_first_party(fixed):
            return
        line, column = self.f.pos.char(call.lineno, call.col_offset)
        held: set[str] = set()
        for module in self.f.project.modules:
            if not (module.startswith(prefix) and module.endswith(suffix) and len(module) >= len(prefix + suffix)):
                continue
            for word in module[len(fixed) + 1:].split("."):
                if word not in held and self.f.renamed_by_term(word):
                    held.add(word)
                    self.f.spool.append(Site(
                        self.f.path, line, column, line, column, word, word, "module", Role.REFERENCE,
                        Action.UNRESOLVED, f"names module {module!r}, which {why}"))

    def _own_names(self, name: ast.AST, receiver: ast.AST, scope: Scope) -> bool:
        """`hasattr(dispatch, name) for name in dispatch.__all__` (or `dir(dispatch)`, `vars(dispatch)`):
        the names come from the receiver itself, so they are the new ones once it is renamed."""
        if not isinstance(name, ast.Name):
            return False
        found = self.f.lookup(name.id, scope)
        if found is None or len(found[1]) != 1 or found[1][0].kind != "for":
            return False
        source = found[1][0].value
        if isinstance(source, ast.Attribute) and source.attr == "__all__":
            source = source.value
        elif (isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id in ("dir", "vars")
              and len(source.args) == 1 and not source.keywords and self.f.lookup(source.func.id, scope) is None):
            source = source.args[0]
        else:
            return False
        if ast.dump(source) == ast.dump(receiver):
            return True
        mine = self.f.type_of(receiver, scope)
        return mine is not None and mine.kind == "mod" and mine == self.f.type_of(source, scope)

    def _attribute_names(self, name: ast.AST, scope: Scope) -> list[ast.Constant]:
        """The string constants a getattr() name can be: `"job_id"`, or each of
        `for n in ("job_id", "hostname"): getattr(self, n)`."""
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            return [name]
        if not isinstance(name, ast.Name):
            return []
        found = self.f.lookup(name.id, scope)
        if found is None:
            return []
        bindings = found[1]
        if len(bindings) != 1 or bindings[0].kind != "for" or not isinstance(bindings[0].value, (ast.Tuple, ast.List, ast.Set)):
            return []
        items = bindings[0].value.elts
        if not all(isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items):
            return []
        return list(items)


def _affixes(name: ast.AST) -> tuple[str, str]:
    """The text a name computed at run time surely starts and ends with: `"_job_" + key` starts with
    `_job_`, `f"{kind}_handler"` ends with `_handler`; ("", "") when nothing is fixed."""
    if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add):
        left, right = _affixes(name.left), _affixes(name.right)
        whole_left = _constant_text(name.left)
        whole_right = _constant_text(name.right)
        prefix = whole_left + right[0] if whole_left is not None else left[0]
        suffix = left[1] + whole_right if whole_right is not None else right[1]
        return prefix, suffix
    if isinstance(name, ast.JoinedStr) and name.values:
        first, last = _constant_text(name.values[0]), _constant_text(name.values[-1])
        if len(name.values) == 1:
            return (first or "", first or "")
        return (first or "", last or "")
    return ("", "")


# The parts of a replacement field's name after the first: `.job_id`, `[0]`.
_FIELD_PARTS = re.compile(r"^[^.\[]*|\.[^.\[]*|\[[^\]]*\]")
_PERCENT_KEY = re.compile(r"%\(([^)]*)\)")


def _braced_fields(template: str) -> Iterator[tuple[int, str]]:
    """Each replacement field of a `str.format` template: where its name starts, and the name
    (`0.job_id` in `{0.job_id!r:>10}`); `{{` and `}}` are literal braces."""
    at = template.find("{")
    while at >= 0:
        if template.startswith("{{", at):
            at = template.find("{", at + 2)
            continue
        end = template.find("}", at)
        if end < 0:
            return
        inner = template[at + 1:end]
        yield at + 1, re.split(r"[!:]", inner, maxsplit=1)[0]
        at = template.find("{", end)


def _constant_text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

