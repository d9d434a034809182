"""The site finder: every identifier and name-carrying string of one file.

It runs on `ast` (C speed) and decides, for each occurrence of a legacy word,
who owns the name: the project (rename it), someone else (leave it), or nobody
can tell (leave it and say so). The lint and the codemods both consume its
output; it never rewrites anything itself.

Ownership comes from scopes and a light type inference: a value is third-party
when it comes from a third-party import, annotation, constructor, call result,
or iteration over such a value; attributes and keyword arguments of
third-party values are theirs.

Inside a file, most of the work is skipped where the text shows there is
nothing to find. A statement that touches no line mentioning the term is not
visited by the identifier pass; the scope pass records only its bindings and
imports (lines that may name what a rename would make, or bind with `:=`,
are recorded whole); the string walks enter only statements a string about
the term can touch, counting escapes, non-ASCII text and implicit
concatenation; and the questions about `locals()`, `vars()`, `asdict()`,
`**kwargs` and route registrations are asked only of functions whose lines
name them. Every such shortcut is tested against doing the whole walk.
"""

from __future__ import annotations

import ast
import bisect
import functools
import builtins
import re
from dataclasses import dataclass, field

from . import strings
from .literals import MAYBE_A_CLOSURES, PLACEHOLDER_NAME, LiteralFinder, StringContext
from .astwalk import NodeVisitor, touches, walk
from .computed_lookups import ATTR_FUNCS, FIELD_NAME_CALLS, FIELD_NAME_TABLES, ComputedLookups
from .framework_names import CONSTRUCTOR_NOTE, DESCRIPTOR_NOTE, FIELD_NOTE, MODEL_NOTE, FrameworkDeclarations
from .handovers import Handovers
from .namers import NAME_ATTRIBUTES
from .index import DERIVED, EXT, EXTERNAL, OWN, UNKNOWN, Index, Ref, Type, class_of
from .manifest import Renamed
from .scopes import Binding, Parameter, Scope, ScopeBuilder
from .sites import Action, Role, Site
from .prefilter import spread_starts
from .sitetable import SiteSpool
from .summary import annotation_type_ref, bound_of, dotted
from .textpos import NON_ASCII, Marks, Positions
from .vocabulary import MatchKind, Vocabulary

_FIELD_CLASSES = {"dataclass", "typeddict", "namedtuple"}
# What a line that may call one of them, patch.object() or attrgetter() & co., hand a namespace over,
# read a data class's field names or list a package's modules holds (_loud_lines).
_ATTR_CALL_WORDS = (*sorted(ATTR_FUNCS), "object", "import_module", "__import__", "__dict__", "vars", "globals",
                    "modules", "getter(", "caller(", "fields", "__annotations__", "__match_args__", "_packages")
# `f"{job_id=}"`, `f"{job_id = !r:>10}"`: the end of a field that prints its expression's text.
_DEBUG_FIELD = re.compile(r"=\s*(?:![rsa])?(?::[^{}\n]*)?}")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?")
_ENTRY_POINT = re.compile(r"\s*[\w.\-\[\] ]+?\s*=\s*([A-Za-z_][\w.]*:[\w.]+)\s*")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_NAME_IN_TEXT = re.compile(r"(?<!\w)[A-Za-z_]\w*")
_MULTIWORD = re.compile(r"[A-Za-z0-9]_+[A-Za-z0-9]|[a-z0-9][A-Z]")
_GENERICS = {"dict", "list", "set", "frozenset", "tuple", "type", "Dict", "List", "Set", "FrozenSet", "Tuple", "Type",
             "Optional", "Union", "Sequence", "Mapping", "MutableMapping", "Iterable", "Iterator", "Callable",
             "ClassVar", "Final", "Awaitable", "Coroutine", "Generator", "AsyncIterator", "DefaultDict", "Deque"}
_COPIES = {"copy.copy": True, "copy.deepcopy": True, "copy": True, "deepcopy": True, "pickle.loads": False,
           "pickle.load": False, "cloudpickle.loads": False, "cloudpickle.load": False, "dill.loads": False}
_SELF_NAMING = {"TypeVar", "ParamSpec", "TypeVarTuple", "NewType", "NamedTuple", "TypedDict", "Enum", "IntEnum", "StrEnum"}
_SYS_MODULES = Type("ext", "sys.modules")
_MOCK_ASSERTS = {"assert_called_with", "assert_called_once_with", "assert_any_call", "assert_awaited_with",
                 "assert_awaited_once_with", "assert_any_await"}
# Builtins whose result has the items of their argument at that position.
_ITEMS_KEPT = {"sorted": 0, "list": 0, "tuple": 0, "set": 0, "frozenset": 0, "reversed": 0, "iter": 0, "filter": 1}


@dataclass
class Collision:
    """A rename that would bind a name already bound (or shadow one): refused, with where."""

    old: str
    new: str
    kind: str
    line: int
    column: int
    where: str


@dataclass
class FileSites:
    """One file's answer: its sites and the collisions its renames would make."""

    path: str
    module: str
    sites: list[Site] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)


class Finder:
    """Finds the sites of one parsed file. One instance per file."""

    def __init__(self, *, index: Index, vocabulary: Vocabulary, path: str, module: str, text: str, tree: ast.Module,
                 strings: "StringContext | None" = None):
        self.index = index
        self.vocab = vocabulary
        self.path = path
        self.module = module
        self.text = text
        self.tree = tree
        self.pos = Positions(text)
        self.project = index.project
        self.is_package = path.endswith(("__init__.py", "__init__.pyi"))
        # Keyed by the nodes themselves, not their ids: an int per node would cost as much again as
        # the entry, on a huge module tens of MB.
        self.scope_of: dict[ast.AST, Scope] = {}  # node -> scope the node is evaluated in
        self.inner_scope: dict[ast.AST, Scope] = {}  # def, class, lambda or parameter -> the scope it opens or lives in
        self.result = FileSites(path=path, module=module)
        self.spool = SiteSpool()  # the sites as they are found; `result.sites` once sorted
        self._taken = Marks(self.pos)  # where a site was emitted
        self._identities: dict[str, str] = {}
        self._types: dict[ast.AST, Type | None] = {}  # the key keeps a node made here (a parsed annotation) alive
        self._in_progress: set[ast.AST] = set()
        self._annotating: set[ast.AST] = set()
        self._strings = strings  # where the tree's strings sit, when the gather found it already

    # -- entry -------------------------------------------------------------

    def run(self) -> FileSites:
        """The file's sites, in order, and the collisions its renames would make."""
        self.result.sites = self.search().sorted()
        return self.result

    def search(self, *, untie: bool = True) -> SiteSpool:
        """The sites, as found (the collisions go to `result`). Afterwards the finder holds
        nothing of the tree: a caller that drops the tree before sorting the sites (engine's
        search of a file) never has a huge module's tree and its sites as objects at once.
        With `untie`, the scopes let go of their bindings, whose cycles (a method's parameters
        refer to its scope) would hold the whole tree until the cyclic collector came by: the
        tree is freed as soon as the caller drops it."""
        module_scope = Scope("module", self.tree, None)
        literals = LiteralFinder(self, self._strings)  # its walk also tells the identifier pass where strings sit
        loud = _loud_lines(self, literals.strings)
        ScopeBuilder(self, module_scope, _busy_lines(self, loud)).build(self.tree)
        if self.spells_term:
            self._check_collisions()
        visitor = _SiteVisitor(self, literals, loud)
        if _DEBUG_FIELD.search(self.text):
            visitor.printed = self._printed_names(literals.strings)
        visitor.visit(self.tree)
        visitor.spelled_definitions()
        literals.run()
        del literals, visitor, module_scope
        if untie:
            for scope in self._scopes:
                scope.bindings.clear()
        self.tree, self._strings = None, None
        self.scope_of, self.inner_scope, self._types, self._scopes = {}, {}, {}, []
        self._in_progress = set()
        return self.spool

    def _printed_names(self, strings: list[ast.AST]) -> set[ast.Name]:
        """The names in the expressions of `f"{job_id=}"` fields, which print their own text. A
        function's local so printed keeps its name, as data (its bindings are no longer the
        project's); any other is held back where it is printed (`_SiteVisitor.visit_Name`). Of
        the f-strings among `strings`, those that may mention the term: such a name spells it."""
        printed: set[ast.Name] = set()
        for node in strings:
            if node.__class__ is not ast.JoinedStr:
                continue
            before = None
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and isinstance(before, ast.Constant) \
                        and isinstance(before.value, str) and before.value.rstrip().endswith("="):
                    printed.update(part for part in walk(value.value) if part.__class__ is ast.Name)
                before = value
        for name in printed:
            if not self.mentions(name.id):
                continue
            found = self.lookup(name.id, self.scope_of.get(name, self._scopes[0]))
            if found is not None and found[0].kind in ("function", "lambda", "comprehension"):
                for binding in found[1]:
                    if binding.kind != "import":
                        binding.owner = EXTERNAL
        return printed

    @functools.cached_property
    def module_moves(self) -> bool:
        """Does a rename move the module: a part of its dotted name spells the term?"""
        return any(map(self.renamed_by_term, self.module.split(".")))

    @functools.cached_property
    def spells_term(self) -> bool:
        """Does the text spell the term anywhere (`Vocabulary.spelled_in`)? A file searched though
        it never does (it looks members up by computed names) has no name a rename would change, so
        none whose new name could collide, and no comment about the term."""
        return self.vocab.spelled_in(self.text)

    # -- emitting ----------------------------------------------------------

    def emit(self, line: int, column: int, text: str, *, kind: str, role: Role, owner: str, note: str = "", scope: str = "",
             local: str = "") -> None:
        """Record one identifier-like occurrence at a (line, char column)."""
        if not self.first_time(line, column):
            return
        if role is Role.STRING:
            # The words inside a name in a string are the name's: the literal pass leaves them be.
            self._taken.take_inside(line, column, len(text))
        new = self.vocab.rewrite(text)
        if new is None:
            self._emit_odd(line, column, text, kind, role, scope)
            return
        if owner == OWN:
            action = Action.RENAME
            if isinstance(owner, Renamed):  # a dependency's manifest renamed it (manifest.py)
                note = owner.note
        elif owner == EXTERNAL:
            action = Action.EXTERNAL
        else:
            action = Action.UNRESOLVED
            note = note or "can't tell whether this name is the project's: left as it is"
        self.spool.append(
            Site(self.path, line, column, line, column + len(text), text, new, kind, role, action, note, scope, local)
        )

    def first_time(self, line: int, column: int) -> bool:
        """Whether nothing was emitted at (line, column) yet; from now on, something was."""
        return self._taken.take(line, column)

    def _emit_odd(self, line: int, column: int, text: str, kind: str, role: Role, scope: str) -> None:
        for match in self.vocab.scan(text):
            if match.kind is MatchKind.ODD:
                note = f"{match.word!r} has an odd case shape: rename it by hand"
            elif match.kind is MatchKind.GLUED:
                note = f"{match.word!r} only contains the term: left as it is"
            else:
                continue
            start = column + match.start
            self.spool.append(
                Site(self.path, line, start, line, start + len(match.word), match.word, match.word, kind, role, Action.ODD, note, scope)
            )

    def renamed_by_term(self, name: str) -> bool:
        """Would a rename change `name`?"""
        return self.vocab.renames(name)

    def mentions(self, name: str) -> bool:
        return self.vocab.mentions(name)

    def emit_node_name(self, node: ast.AST, name: str, **kwargs) -> None:
        """Emit a name that starts exactly at the node's position (Name, arg, keyword, alias)."""
        line, column = self.pos.char(node.lineno, node.col_offset)
        if not self.pos.at(line, column, name):
            found = self.pos.search(node, name)
            if found is None:
                self._unlocatable(node, name)
                return
            line, column = found
        self.emit(line, column, name, **kwargs)

    def emit_attr(self, node: ast.Attribute, **kwargs) -> None:
        line, column = self.pos.char(node.end_lineno, node.end_col_offset)
        column -= len(node.attr)
        if not self.pos.at(line, column, node.attr):
            found = self.pos.search(node, node.attr, last=True)
            if found is None:
                self._unlocatable(node, node.attr)
                return
            line, column = found
        self.emit(line, column, node.attr, **kwargs)

    def hold_module(self, node: ast.AST, note: str) -> None:
        """Keep the module's path, for what `node` does with it: each of its words a rename would change."""
        line, column = self.pos.char(node.lineno, node.col_offset)
        for word in dict.fromkeys(self.module.split(".")):
            if self.renamed_by_term(word):
                self.spool.append(Site(self.path, line, column, line, column, word, word, "module", Role.REFERENCE,
                                       Action.UNRESOLVED, note))

    def _unlocatable(self, node: ast.AST, name: str) -> None:
        line, column = self.pos.char(node.lineno, node.col_offset)
        self.spool.append(
            Site(self.path, line, column, line, column, name, name, "variable", Role.REFERENCE, Action.UNRESOLVED,
                 f"{name!r}: could not locate it in the source text")
        )

    # -- scopes and resolution --------------------------------------------

    def lookup(self, name: str, scope: Scope) -> tuple[Scope, list[Binding]] | None:
        current: Scope | None = scope
        if name in scope.globals:
            while current.parent is not None:
                current = current.parent
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            bindings = current.bindings.get(name)
            if bindings:
                return current, bindings
            first = False
            current = current.parent
        return None

    def param_of(self, name: str, scope: Scope) -> str:
        """The identity of the parameter `name` names here ("param:…"), or "" when it isn't one."""
        found = self.lookup(name, scope)
        if found is None or not any(binding.kind == "param" for binding in found[1]):
            return ""
        if self.fixture(name, found[0]) is not None:
            # pytest passes the fixture of that name: the parameter is the fixture function's symbol
            # (its kind is "function"), renamed with its definition or kept with it, never on its own.
            return ""
        node = found[0].node
        return self._identity(f"param:{self.path}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}:"
                              f"{getattr(node, 'end_lineno', 0)}:{getattr(node, 'name', '')}.{name}")

    def local_of(self, name: str, scope: Scope) -> str:
        """The identity of the function-local binding `name` names here, or "" when it isn't one.

        Only a local's own function (and the functions nested in it) can name it,
        so a local is renamed with its uses whatever else shares its spelling.
        """
        found = self.lookup(name, scope)
        if found is None:
            return ""
        where, bindings = found
        if where.kind not in ("function", "lambda", "comprehension") or any(b.kind in ("param", "import") for b in bindings):
            return ""
        node = where.node
        return self._identity(f"{self.path}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}:"
                              f"{getattr(node, 'end_lineno', 0)}:{name}")

    def _identity(self, made: str) -> str:
        """One string per binding, shared by all its sites (each use would otherwise hold its own copy)."""
        return self._identities.setdefault(made, made)

    def module_scope(self, scope: Scope) -> Scope:
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def name_ref(self, name: str, scope: Scope, *, owned: bool = True) -> Ref:
        """Who owns a bare name here, what kind of thing it is, and its type.

        Without `owned`, the owner of a method's parameter or of a class's member is not told (the
        Ref says UNKNOWN): the index is asked the same questions about the project's own modules,
        so that the facts it learns for the file are the same, but no third-party base class is
        read. Telling a type needs no owner, and most types are asked for names that never
        mention the term."""
        found = self.lookup(name, scope)
        if found is None:
            if hasattr(builtins, name):
                return Ref(EXTERNAL, "", Type("ext", f"builtins.{name}"))
            # Star imports and anything else only the index can know.
            return self.index.resolve_name(self.module, name)
        where, bindings = found
        imports = [b for b in bindings if b.kind == "import"]
        if imports and len(imports) == len(bindings):
            return imports[0].ref or Ref(UNKNOWN, "")
        binding = next(b for b in bindings if b.kind != "import")
        kind = self._binding_kind(where, binding, name)
        if owned or not isinstance(binding, Parameter):
            owner = binding.owner
        else:
            if self.spells_term:  # in a file that never does, no owner is ever asked: nor its questions
                binding.consult()
            owner = UNKNOWN
        if where.kind == "class" and binding.kind in ("def", "assign", "annassign", "class"):
            if not where.class_qual:
                owner = OWN
            elif owned:
                owner = self.index.member_owner(where.class_qual, name)
            else:
                if self.spells_term:
                    self.index.mro(where.class_qual)  # what member_owner asks of the project's modules
                owner = UNKNOWN
            if binding.kind == "annassign" and self._class_kind(where.class_qual) in _FIELD_CLASSES:
                kind = "field"
        if where.kind == "module" and binding.kind in ("assign", "annassign"):
            summary = self.index.module(self.module)
            symbol = summary.symbols.get(name) if summary else None
            if symbol is not None and symbol.kind not in ("import", "module-import"):
                kind = symbol.kind
        if binding.kind == "param" and self.fixture(name, where) is not None:
            kind = "function"  # the pytest fixture it requests by name: see param_of
        return Ref(owner, kind, self.binding_type(where, binding))

    @staticmethod
    def _binding_kind(where: Scope, binding: Binding, name: str) -> str:
        if binding.kind == "def":
            return "method" if where.kind == "class" else "function"
        if binding.kind == "class":
            return "class"
        if binding.kind == "param":
            return "parameter"
        if where.kind == "class":
            return "attribute"
        if where.kind == "module":
            return "constant" if name.isupper() else "variable"
        return "variable"

    def _class_kind(self, qualified: str | None) -> str | None:
        found = self.index.class_info(qualified) if qualified else None
        return found[1].kind if found else None

    def binding_type(self, where: Scope, binding: Binding) -> Type | None:
        if binding.kind == "import":
            return binding.ref.type if binding.ref else None
        if binding.kind == "class":
            qual = _child_qual(where, binding.node.name)
            return Type("cls", f"{self.module}:{qual}") if qual else None
        if binding.kind == "def":
            qual = _child_qual(where, binding.node.name)
            return Type("func", f"{self.module}:{qual}") if qual else None
        if binding.kind == "param":
            if binding.annotation is not None:
                # Evaluated where the function is defined: in `def run(job: job.Job)` the
                # annotation's `job` is the module, not the parameter.
                return self._annotated(binding.annotation, where.parent or where)
            if binding.self_of:
                return Type("cls" if binding.is_cls else "inst", binding.self_of)
            return self._fixture_type(binding.node.arg, where) if isinstance(binding.node, ast.arg) else None
        if binding.kind == "annassign":
            return self._annotated(binding.annotation, where)
        if binding.kind == "assign" and binding.value is not None:
            return self.type_of(binding.value, where)
        if binding.kind == "for" and binding.value is not None:
            iterable = self.type_of(binding.value, where)
            if iterable is not None and iterable.kind == "items":
                return Type("inst", iterable.name)
            if iterable is not None and iterable.kind == "extitems":
                return Type("ext", f"{iterable.name}()")
            # Items of a third-party iterable came from third-party code.
            return DERIVED if _is_ext(iterable) else None
        # `with tp() as x`: x is often ours (pytest.raises, mock.patch): undecided.
        return None
        return None

    def _annotated(self, annotation: ast.AST, scope: Scope) -> Type | None:
        """A binding's type from its annotation; None while that annotation is being read (`job:
        job.Job = …` at the top of a module names the binding it annotates)."""
        if annotation in self._annotating:
            return None
        self._annotating.add(annotation)
        try:
            return self.annotation_type(annotation, scope)
        finally:
            self._annotating.discard(annotation)

    def _fixture_type(self, name: str, where: Scope) -> Type | None:
        """A test's (or fixture's) parameter is the pytest fixture of its name: its value's type."""
        found = self.fixture(name, where)
        return self.index.ref_type(*found) if found is not None else None

    def fixture(self, name: str, where: Scope) -> tuple[str, object] | None:
        """The pytest fixture a test's (or fixture's) parameter `name` requests, as (module, what it
        returns), from the fixture in this module or in a conftest.py of this folder or one above;
        None when the parameter is no fixture's."""
        function = where.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or where.parent is None:
            return None
        decorated = any((dotted(d.func if isinstance(d, ast.Call) else d) or "").endswith("fixture")
                        for d in function.decorator_list)
        if not (function.name.startswith("test") or decorated):
            return None
        modules = self._fixture_modules
        if decorated and function.name == name:
            # A fixture that requests its own name (`def factory(factory)`) gets the one it overrides,
            # from a conftest.py above.
            modules = [module for module in modules if module != self.module]
        for module in modules:
            summary = self.index.module(module)
            info = summary.functions.get(name) if summary else None
            if info is not None and info.fixture:
                return module, info.returns_value
        return None

    @functools.cached_property
    def _fixture_modules(self) -> list[str]:
        """This module and the conftest.py modules of its folder and those above: the same for every
        parameter of the file, so found once."""
        modules = [self.module]
        folder = (self.project.root / self.path).parent
        while True:
            conftest = self.project.module_of.get(folder / "conftest.py")
            if conftest:
                modules.append(conftest)
            if folder == self.project.root or folder.parent == folder:
                return modules
            folder = folder.parent

    def annotation_type(self, annotation: ast.AST, scope: Scope) -> Type | None:
        ref = annotation_type_ref(annotation)
        if not ref:
            return None
        return self.index.annotated(ref[0], self.dotted_type(ref[1], scope))

    def dotted_type(self, name: str, scope: Scope) -> Type | None:
        """The type of the value a dotted name (`pkg.mod.Class`, `self.queue`) names here."""
        head, *rest = name.split(".")
        ref = self.name_ref(head, scope, owned=False)
        for attr in rest:
            ref = self.index.attribute(ref.type, attr, owned=False)
        return ref.type

    def type_of(self, expr: ast.AST, scope: Scope) -> Type | None:
        key = expr
        if key in self._types:
            return self._types[key]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            result = self._type_of(expr, scope)
        finally:
            self._in_progress.discard(key)
        self._types[key] = result
        return result

    def _type_of(self, expr: ast.AST, scope: Scope) -> Type | None:
        if isinstance(expr, ast.Name):
            return self.name_ref(expr.id, scope, owned=False).type
        if isinstance(expr, ast.Attribute):
            if expr.attr == "__class__":  # `self.__class__(...)` constructs the instance's own class
                return class_of(self.type_of(expr.value, scope))
            return self.attr_ref(expr, scope, owned=False).type
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Name) and expr.func.id == "type" and len(expr.args) == 1:
                return class_of(self.type_of(expr.args[0], scope))
            if isinstance(expr.func, ast.Name) and expr.func.id == "super" and len(expr.args) in (0, 2):
                return self._super_type(scope)
            if (dotted(expr.func) or "").rsplit(".", 1)[-1] == "TypeVar":
                bound = bound_of(expr)
                name = dotted(bound) if bound is not None else None
                return self.dotted_type(name, scope) if name else None
            copied = _COPIES.get(dotted(expr.func) or "")
            if copied is not None:
                # copy.copy(x) is x's type; pickle.loads(...) is whatever was pickled: unknown, not theirs.
                return self.type_of(expr.args[0], scope) if copied and expr.args else None
            imported = _imported_module(expr)
            if imported and self.project.is_module(imported):
                return Type("mod", imported)
            passed = _ITEMS_KEPT.get(expr.func.id) if isinstance(expr.func, ast.Name) else None
            if passed is not None and len(expr.args) > passed and self.name_ref(expr.func.id, scope).owner == EXTERNAL:
                items = self.type_of(expr.args[passed], scope)
                if items is not None and items.kind in ("items", "extitems"):
                    return items  # `sorted(jobs)`, `list(jobs)`, `filter(ok, jobs)`: the same items
            return self.index.call_result(self.type_of(expr.func, scope))
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)) and expr.elts:
            found = {self.type_of(element, scope) for element in expr.elts}
            only = found.pop() if len(found) == 1 else None
            return Type("items", only.name) if only is not None and only.kind == "inst" else None
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            element = self.type_of(expr.elt, self.scope_of.get(expr.elt, scope))
            return Type("items", element.name) if element is not None and element.kind == "inst" else None
        if isinstance(expr, ast.Subscript):
            container = self.type_of(expr.value, scope)
            if container == _SYS_MODULES:
                # `sys.modules[__name__]`, `sys.modules["app.handlers"]`: a module of ours.
                key = expr.slice
                if isinstance(key, ast.Name) and key.id == "__name__" and self.lookup("__name__", scope) is None:
                    return Type("mod", self.module)
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and self.project.is_module(key.value):
                    return Type("mod", key.value)
            if container is not None and container.kind in ("items", "extitems"):
                if isinstance(expr.slice, ast.Slice):
                    return container
                return Type("inst", container.name) if container.kind == "items" else Type("ext", f"{container.name}()")
        if isinstance(expr, ast.Await):
            return self.type_of(expr.value, scope)
        if isinstance(expr, (ast.Subscript, ast.Starred)):
            return DERIVED if _is_ext(self.type_of(expr.value, scope)) else None
        if isinstance(expr, ast.IfExp):
            body = self.type_of(expr.body, scope)
            return body if body is not None else self.type_of(expr.orelse, scope)
        if isinstance(expr, ast.BoolOp):
            for value in expr.values:
                found = self.type_of(value, scope)
                if found is not None:
                    return found
        return None

    def _super_type(self, scope: Scope) -> Type | None:
        """`super()` in a method: the next first-party class in the MRO, or a third-party base."""
        current: Scope | None = scope
        while current is not None and current.class_qual is None:
            current = current.parent
        if current is None:
            return None
        classes, external, _ = self.index.mro(current.class_qual)
        if len(classes) > 1:
            module, info = classes[1]
            return Type("inst", f"{module}:{info.qualname}")
        return EXT if external else None

    def attr_ref(self, node: ast.Attribute, scope: Scope, *, owned: bool = True) -> Ref:
        receiver = self.type_of(node.value, scope)
        return self.index.attribute(receiver, node.attr, owned=owned)

    def keyword_owner(self, call: ast.Call, keyword: str, scope: Scope) -> str:
        func = call.func
        callee = self.type_of(func, scope)
        if callee is not None and callee.name == "builtins.dict":
            return UNKNOWN  # `dict(job_id=…)` makes keys, which `**` may spread into a call of ours
        if callee is not None and callee.kind == "ext" and _forwards(func) and self._hands_on_our_callable(call, scope):
            # `functools.partial(run_job, job_id=…)`, `assertRaises(E, q.enqueue, job_timeout=0)`:
            # a callable that passes its keywords on to one of ours.
            return UNKNOWN
        if isinstance(func, ast.Attribute) and func.attr in _MOCK_ASSERTS and isinstance(func.value, ast.Name):
            patched = self._patched(func.value.id, scope)
            if patched is not None:
                # `fake.assert_called_once_with(job_id=…)`: the keyword is the patched callable's.
                return self.index.accepts_keyword(patched, keyword)
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value, scope)
            if receiver is not None and receiver.kind == "ext":
                # A method of a third-party object (`queue.enqueue(f, job_id=…)`): theirs, unless its
                # package's rename manifest lists the keyword (accepts_keyword asks it).
                return self.index.accepts_keyword(callee, keyword) if callee is not None and callee.kind == "ext" \
                    else EXTERNAL
        if callee is not None:
            return self.index.accepts_keyword(callee, keyword)
        return UNKNOWN

    def _patched(self, name: str, scope: Scope) -> Type | None:
        """The callable a mock stands in for: `with mock.patch.object(T, "n") as name`,
        `name = mocker.patch("app.jobs.run_job")`; None when `name` is no such mock."""
        found = self.lookup(name, scope)
        if found is None or len(found[1]) != 1:
            return None
        binding = found[1][0]
        call = binding.value
        if binding.kind not in ("with", "assign") or not isinstance(call, ast.Call) or not call.args:
            return None
        callee = dotted(call.func) or ""
        if callee.endswith("patch.object") and len(call.args) >= 2:
            target, attribute = call.args[0], call.args[1]
            if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
                owner = self.type_of(target, found[0])
                if owner is not None and owner.kind == "ext":
                    return Type("ext", f"{owner.name or 'object'}.{attribute.value}")  # a third-party object's method
                return self.index.attribute(owner, attribute.value).type
        elif callee.endswith("patch") and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            pieces = self.index.dotted_pieces(call.args[0].value)
            return pieces[-1][2].type if pieces else Type("ext", call.args[0].value)
        return None

    def _hands_on_our_callable(self, call: ast.Call, scope: Scope) -> bool:
        """Is one of the callables handed over ours, or may it be (`partial(made, job_manager=…)`
        with `made` a parameter, a fixture's closure)? Only a third party's is known not to be."""
        for arg in call.args:
            found = self.type_of(arg, scope)
            if found is not None and found.kind in ("func", "cls"):
                return True
            if found is None and arg.__class__ in _MAYBE_CALLABLE:
                return True
        return False

    # -- collisions --------------------------------------------------------

    def _check_collisions(self) -> None:
        for scope in self._scopes:
            bound = set(scope.bindings)
            for name in bound:
                if not self.mentions(name):
                    continue
                new = self.vocab.rewrite(name)
                if new is None:
                    continue
                clash = None
                if new in bound:
                    clash = f"{new!r} is already bound in the same scope"
                elif scope.kind in ("function", "lambda") and new in scope.loads:
                    clash = f"{new!r} from an outer scope is used here and would be shadowed"
                if clash is None:
                    continue
                binding = scope.bindings[name][0]
                line, column = self._binding_position(binding, name)
                where = scope.qualname or "module"
                self.result.collisions.append(
                    Collision(name, new, self._binding_kind(scope, binding, name), line, column, f"{clash} ({where})")
                )

    def _binding_position(self, binding: Binding, name: str) -> tuple[int, int]:
        node = binding.node
        if node is None or not hasattr(node, "lineno"):
            return 1, 0
        found = self.pos.search(node, name)
        return found if found else self.pos.char(node.lineno, node.col_offset)

    _scopes: list[Scope]


# Callables that call the callable they are handed with the keywords they are given.
_FORWARDERS = {"partial", "partialmethod", "assertRaises", "assertRaisesRegex", "assertWarns", "assertWarnsRegex",
               "raises", "warns", "deprecated_call", "run_in_executor", "to_thread", "submit", "call_soon",
               "call_later", "call_soon_threadsafe", "run", "Thread", "Process", "Timer", "apply_async", "apply",
               "callLater", "deferToThread", "maybeDeferred", "addCleanup", "enterContext", "callback", "push"}


# Expressions that may be a callable of unknown origin (not a literal, not an operation).
_MAYBE_CALLABLE = frozenset({ast.Name, ast.Attribute, ast.Call, ast.Subscript})


def _forwards(func: ast.AST) -> bool:
    name = dotted(func) or (func.attr if isinstance(func, ast.Attribute) else "")
    return name.rsplit(".", 1)[-1] in _FORWARDERS


def _is_ext(value: Type | None) -> bool:
    return value is not None and value.kind in ("ext", "extd")


def _imported_module(call: ast.Call) -> str | None:
    """`importlib.import_module("app.jobs")` and `__import__`-style calls."""
    name = dotted(call.func) or ""
    if name.rsplit(".", 1)[-1] in ("import_module", "__import__") and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _child_qual(where: Scope, name: str) -> str | None:
    if where.kind == "module":
        return name
    if where.kind == "class":
        return f"{where.qualname}.{name}"
    return None


def _lines_with(finder: Finder, exact: tuple[str, ...], anycase: tuple[str, ...]) -> set[int]:
    """The lines of the file that hold one of the words `exact` as written, or one of the
    (lower-case) words `anycase` in any case, or a character outside ASCII."""
    text, starts = finder.text, finder.pos.starts
    lines: set[int] = set()
    if text.isascii():
        haystacks = ((text, exact), (text.lower(), anycase))
    else:  # lower() may change lengths there: ask a pattern instead
        haystacks = ((text, exact),)
        pattern = re.compile("|".join(map(re.escape, anycase)) or "(?!)", re.IGNORECASE)
        for found in (*pattern.finditer(text), *NON_ASCII.finditer(text)):
            lines.add(bisect.bisect_right(starts, found.start()))
    last = len(starts)
    for haystack, words in haystacks:
        for word in words:
            at = haystack.find(word)
            while at >= 0:  # one hit per line is enough: go on from the next line
                number = bisect.bisect_right(starts, at)
                lines.add(number)
                if number >= last:
                    break
                at = haystack.find(word, starts[number])
    return lines


def _busy_lines(finder: Finder, loud: list[int]) -> list[int]:
    """The lines a statement must touch for the scope pass to record all of it, in order.

    The loud lines (the identifier pass and the literal pass ask about what sits
    there), and lines that may use a name a rename would make (it may be
    shadowed) or bind one with `:=` (a binding inside an expression) or declare
    one global. Elsewhere only the bindings that statements make, and the
    modules they import, count; and of a function or class none of whose lines
    is busy, only its name.
    """
    # A new name is looked for only where some name would be renamed into it. A function declaring
    # a name global (or nonlocal) binds it outside itself: it is walked, not skipped (scopes.py).
    busy = _lines_with(finder, (":=", "global", "nonlocal"),
                       tuple(sorted(finder.vocab.new_forms)) if finder.spells_term else ())
    busy.update(loud)
    return sorted(busy)


def _loud_lines(finder: Finder, strings: list[ast.AST]) -> list[int]:
    """The lines a statement must touch for the identifier pass to have anything to do there, in order.

    Lines that mention the term in any case (a name that does appears in the
    text as it is), lines with a character outside ASCII (where identifiers are
    NFKC-normalised, so they may not), the lines of every string whose value
    mentions it (escapes and implicit concatenation hide it from the text), and
    lines that may call getattr() & co. or patch.object() (their name argument
    may be a loop variable over strings written elsewhere, or computed), or
    import a module by a computed name, or spread a mapping into a call's keywords,
    or may look an enumeration's member up by its name, or read a name as data."""
    mentions = finder.mentions
    # An enumeration a member of which a rename changes may be subscripted by a name from data anywhere.
    enums = tuple(sorted(finder.index.term_enums(finder.renamed_by_term)))
    # A class's or function's name read as data (`{kind.__name__: kind for kind in KINDS}`, handovers.py).
    # And what a pickle records of an object's class (`pickle.dumps(item)`, `item` typed elsewhere).
    names = (".__name__", ".__qualname__", "dump") if finder.spells_term else ()
    # A module a rename moves: what its decorators register may be named with its path (handovers.py).
    names += ("@", ".__module__") if finder.module_moves else ()
    loud = _lines_with(finder, (*_ATTR_CALL_WORDS, *enums, *names), finder.vocab.stems)
    loud.update(bisect.bisect_right(finder.pos.starts, at) for at in spread_starts(finder.text))
    for node in strings:
        if node.__class__ is ast.Constant and node.value.__class__ is str and mentions(node.value):
            loud.update(range(node.lineno, node.end_lineno + 1))
    return sorted(loud)


class _SiteVisitor(ComputedLookups, Handovers, FrameworkDeclarations, NodeVisitor):
    """Second pass: emit a site for every occurrence of a legacy word."""

    skipped_fields = NodeVisitor.OPERATORS

    def __init__(self, finder: Finder, context: LiteralFinder, loud: list[int]):
        self.f = finder
        self.module_scope = finder._scopes[0]
        self.func_stack: list[ast.AST] = []
        self.parents = context.parents
        self.docstrings = context.docstrings
        self._loud = loud
        self.printed: set[ast.Name] = set()  # names an f-string's `=` prints (Finder._printed_names)
        # Namespaces (`vars(record)`, `record.__dict__`) asked for keys where they stand: not handed
        # over whole (`_whole_namespace`). Marked by the node that holds them, before it is entered.
        self.keyed: set[ast.AST] = set()
        self._spelled_later: list[ast.Constant] = []
        self.shown: dict[ast.AST | None, set[ast.AST]] = {}
        self.copies: set[ast.AST] = set()  # pickling calls whose pickle is loaded again at once
        self.constructors_read: dict[str, tuple[str, frozenset[str]]] = {}

    # Every site this pass emits, and every question it asks the index, starts
    # from a name or string inside the statement at hand that mentions the term
    # (the one exception, a getattr() name bound to strings elsewhere, is below).
    # So a statement none of whose lines can hold such a name is skipped whole.

    @classmethod
    def _handler(cls, node_class: type):
        handler = super()._handler(node_class)
        if issubclass(node_class, ast.stmt):
            visit_statement = handler

            def handler(self: "_SiteVisitor", node: ast.stmt) -> None:
                if self._may_mention(node):
                    visit_statement(self, node)

            cls._handlers[node_class] = handler
        return handler

    def _may_mention(self, node: ast.stmt) -> bool:
        return touches(self._loud, node)

    def scope(self, node: ast.AST) -> Scope:
        return self.f.scope_of.get(node, self.module_scope)

    def scope_name(self, node: ast.AST) -> str:
        return self.scope(node).qualname

    # identifiers ----------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if not self.f.mentions(node.id):
            return
        scope = self.scope(node)
        ref = self.f.name_ref(node.id, scope)
        role = Role.DEFINITION if isinstance(node.ctx, ast.Store) and self._is_definition(node, scope) else Role.REFERENCE
        owner, note = ref.owner, ""
        if node in self.printed and owner != EXTERNAL:
            owner, note = UNKNOWN, "an f-string's `=` prints it by its name: renamed, the text would change"
        elif role is Role.DEFINITION and scope.kind == "class" and owner == OWN:
            if self._declared_field(node, scope):
                owner, note = UNKNOWN, FIELD_NOTE
            elif self._named_descriptor(node, scope):
                owner, note = UNKNOWN, DESCRIPTOR_NOTE
        self.f.emit_node_name(node, node.id, kind=ref.kind or "variable", role=role, owner=owner, scope=scope.qualname,
                              local=self.f.local_of(node.id, scope) or self.f.param_of(node.id, scope), note=note)

    def _is_definition(self, node: ast.Name, scope: Scope) -> bool:
        bindings = scope.bindings.get(node.id)
        return bool(bindings) and bindings[0].node is node

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        if node.attr == "__dict__":
            self._whole_namespace(node, self.scope(node))
        elif node.attr in FIELD_NAME_TABLES:
            self._field_names(node, node.value, self.scope(node))
        elif node.attr in NAME_ATTRIBUTES:
            self._name_read(node, self.scope(node))
        if not self.f.mentions(node.attr):
            return
        scope = self.scope(node)
        ref = self.f.attr_ref(node, scope)
        kind = ref.kind or "attribute"
        if kind in ("function",) and not isinstance(node.value, ast.Name):
            kind = "method"
        if ref.owner == UNKNOWN and kind in ("field", "parameter"):
            kind = "attribute"  # whatever it is, it is read as an attribute: no keyword can name it
        owner, note = ref.owner, ""
        if owner == OWN and node.value.__class__ is ast.Name and node.value.id == "self" and scope.kind == "function":
            base, params = self._constructor_read(scope.parent.class_qual)  # a method's class
            if node.attr in params or node.attr[:1] == "_" and node.attr[1:] in params:
                owner, note = UNKNOWN, CONSTRUCTOR_NOTE.format(base=base)
        self.f.emit_attr(node, kind=kind, role=Role.REFERENCE, owner=owner, scope=scope.qualname, note=note)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope = self.scope(node)
        if self.f.mentions(node.name):
            ref = self.f.name_ref(node.name, scope)
            found = self.f.pos.def_name(node)
            if found:
                note = ""
                if ref.owner == OWN:
                    note = (self._named_by(node) if node.decorator_list else "") or self._framework_hook(node, scope)
                self.f.emit(*found, node.name, kind=ref.kind or "function", role=Role.DEFINITION,
                            owner=UNKNOWN if note else ref.owner, scope=scope.qualname,
                            local=self.f.local_of(node.name, scope), note=note)
        elif node.decorator_list and self.f.module_moves:
            self._module_named_by(node)
        self.func_stack.append(node)
        if self.f.spells_term:  # else no string names a parameter a rename would change
            self._route_placeholders(node)
            self._parametrize_names(node)
        self.generic_visit(node)
        self.func_stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        scope = self.scope(node)
        if self.f.mentions(node.name):
            ref = self.f.name_ref(node.name, scope)
            found = self.f.pos.def_name(node)
            if found:
                note = ""
                if ref.owner == OWN:
                    note = self._named_by(node, ref.type) or (MODEL_NOTE if node.bases and self._declared_model(node) else "")
                self.f.emit(*found, node.name, kind="class", role=Role.DEFINITION, owner=UNKNOWN if note else ref.owner,
                            scope=scope.qualname, local=self.f.local_of(node.name, scope), note=note)
        elif self.f.module_moves:
            # Its name stays; its path may be read with it (`type(self).__module__`): the module's is held then.
            made = self.f.name_ref(node.name, scope).type
            if made is not None and made.kind == "cls":
                self._named_by_its_class(node, made.name)
        for keyword in node.keywords:
            # `class Batch(Base, job_kind="batch")`: a keyword `__init_subclass__` or the metaclass takes.
            if keyword.arg and keyword.arg != "metaclass" and self.f.mentions(keyword.arg):
                self.f.emit_node_name(keyword, keyword.arg, kind="parameter", role=Role.REFERENCE, owner=UNKNOWN,
                                      scope=scope.qualname, note="a keyword of a class statement (for "
                                      "`__init_subclass__` or the metaclass): rename both sides by hand")
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.AST) -> None:
        """`case Task(job_ref=ref)`: each keyword is an attribute of the class's instances."""
        self.generic_visit(node)
        if not any(map(self.f.mentions, node.kwd_attrs)):
            return
        scope = self.scope(node)
        instance = Index.instance_of(self.f.type_of(node.cls, scope))
        start = self.f.pos.span(node.cls)[1]
        for name, pattern in zip(node.kwd_attrs, node.kwd_patterns):
            end = self.f.pos.span(pattern)[0]
            if self.f.mentions(name):
                found = [match.start() for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", self.f.text[start:end])]
                ref = self.f.index.attribute(instance, name)
                if found:
                    self.f.emit(*self.f.pos.line_col(start + found[-1]), name, kind=ref.kind or "attribute",
                                role=Role.REFERENCE, owner=ref.owner, scope=scope.qualname)
                else:
                    self.f._unlocatable(node, name)
            start = self.f.pos.span(pattern)[1]

    def visit_arg(self, node: ast.arg) -> None:
        if node.annotation is not None:
            self.visit(node.annotation)
        if not self.f.mentions(node.arg):
            return
        scope = self._param_scope(node)
        bindings = scope.bindings.get(node.arg, []) if scope else []
        owner = bindings[0].owner if bindings else OWN
        fixture = scope is not None and self.f.fixture(node.arg, scope) is not None  # requested by name
        note = self._bound_by_name(scope.node, node) if scope is not None and scope.kind == "function" else ""
        self.f.emit_node_name(node, node.arg, kind="function" if fixture else "parameter", role=Role.DEFINITION,
                              owner=UNKNOWN if note else owner, note=note, scope=scope.qualname if scope else "",
                              local=self.f.param_of(node.arg, scope) if scope else "")

    def _param_scope(self, node: ast.arg) -> Scope | None:
        return self.f.inner_scope.get(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        scope = self.scope(node)
        # First the names its strings carry (getattr, patch.object, kwargs keys): what they name
        # outranks what the strings only spell.
        self._name_strings(node, scope)
        if (node.args or node.keywords) and self.f.spells_term:
            self._handed_names(node, scope)
            called = (dotted(node.func) or "").rpartition(".")[2]
            if called in ("dumps", "dump") and node.args and node not in self.copies:
                self._pickled(node, scope)
            elif called == "loads" and node.args and node.args[0].__class__ is ast.Call:
                self.copies.add(node.args[0])  # `pickle.loads(pickle.dumps(job))`: a copy, never stored
        if node.func.__class__ is ast.Name and node.func.id == "vars" and len(node.args) == 1:
            self._whole_namespace(node, scope)
        elif (dotted(node.func) or "").rpartition(".")[2] in FIELD_NAME_CALLS and len(node.args) == 1:
            self._field_names(node, node.args[0], scope)
        self.visit(node.func)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)
            if keyword.arg and self.f.mentions(keyword.arg):
                owner = self.f.keyword_owner(node, keyword.arg, scope)
                note = ""
                if owner == UNKNOWN and not self.f.index.names_anything(keyword.arg):
                    # Into **kwargs, naming nothing a named function of the project takes
                    # (`SLURM_JOB_ID=…` for an environment helper): no other side to leave behind,
                    # unless a closure or a lambda takes it, whose renames it holds back.
                    owner, note = EXTERNAL, MAYBE_A_CLOSURES
                callee = self.f.type_of(node.func, scope)
                is_field = self.f.index.lands_on_field(callee, keyword.arg)
                self.f.emit_node_name(keyword, keyword.arg, kind="field" if is_field else "parameter",
                                      role=Role.REFERENCE, owner=owner, scope=scope.qualname, note=note)

    def visit_Import(self, node: ast.Import) -> None:
        project = self.f.project
        scope = self.scope(node)
        for alias in node.names:
            first_party = project.is_first_party(alias.name)
            parts = self.f.pos.dotted_parts(alias, alias.name)
            for index, (line, column, part) in enumerate(parts):
                if self.f.mentions(part):
                    module = ".".join(alias.name.split(".")[: index + 1])
                    owner = OWN if first_party and project.is_module(module) else (
                        self.f.index.theirs(module).owner if not first_party else UNKNOWN)
                    self.f.emit(line, column, part, kind="module", role=Role.MODULE_PATH, owner=owner, scope=scope.qualname)
            if alias.asname and self.f.mentions(alias.asname):
                found = self.f.pos.asname(alias)
                if found:
                    # An alias follows what it names: ours for our modules, theirs for theirs.
                    ref = self.f.name_ref(alias.asname, scope)
                    self.f.emit(*found, alias.asname, kind=ref.kind or "module", role=Role.IMPORT, owner=ref.owner, scope=scope.qualname)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        f = self.f
        project = f.project
        scope = self.scope(node)
        source = project.resolve_relative(f.module, node.level, node.module, f.is_package)
        first_party = project.is_first_party(source)
        if node.module and f.mentions(node.module):
            base = source[: len(source) - len(node.module)].rstrip(".")
            for index, (line, column, part) in enumerate(f.pos.from_module_parts(node)):
                if f.mentions(part):
                    prefix = ".".join(filter(None, [base, *node.module.split(".")[: index + 1]]))
                    owner = OWN if first_party and project.is_module(prefix) else (
                        f.index.theirs(prefix).owner if not first_party else UNKNOWN)
                    f.emit(line, column, part, kind="module", role=Role.MODULE_PATH, owner=owner, scope=scope.qualname)
        for alias in node.names:
            if alias.name != "*" and f.mentions(alias.name):
                if first_party:
                    if f.index.imports_submodule(source, alias.name):
                        ref = Ref(OWN, "module")
                    else:
                        ref = f.index.resolve_name(source, alias.name)
                elif project.package_in_namespace(source, alias.name):
                    ref = Ref(OWN, "module")
                else:
                    ref = f.index.theirs(f"{source}.{alias.name}")
                    ref = ref if ref.owner != EXTERNAL else Ref(EXTERNAL, "")
                f.emit_node_name(alias, alias.name, kind=ref.kind or "variable", role=Role.IMPORT, owner=ref.owner,
                                 scope=scope.qualname)
            if alias.asname and f.mentions(alias.asname):
                found = f.pos.asname(alias)
                if found:
                    ref = f.name_ref(alias.asname, scope)
                    f.emit(*found, alias.asname, kind=ref.kind or "variable", role=Role.IMPORT, owner=ref.owner, scope=scope.qualname)

    def visit_Global(self, node: ast.Global) -> None:
        self._declared(node)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._declared(node)

    def _declared(self, node: ast.Global | ast.Nonlocal) -> None:
        scope = self.scope(node)
        for name in node.names:
            if self.f.mentions(name):
                found = self.f.pos.search(node, name)
                if found:
                    ref = self.f.name_ref(name, scope)
                    self.f.emit(*found, name, kind=ref.kind or "variable", role=Role.REFERENCE, owner=ref.owner,
                                scope=scope.qualname, local=self.f.local_of(name, scope))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name and self.f.mentions(node.name):
            found = self.f.pos.search(node, node.name)
            if found:
                scope = self.scope(node)
                self.f.emit(*found, node.name, kind="variable", role=Role.DEFINITION, owner=OWN,
                            scope=scope.qualname, local=self.f.local_of(node.name, scope))
        self.generic_visit(node)

    # strings that carry names -----------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                self._all_strings(node.value)
        self._own_name_string(node)

    def _own_name_string(self, node: ast.Assign) -> None:
        """`JobT = TypeVar("JobT")`, `JobId = NewType("JobId", str)`: the string is the name."""
        value = node.value
        if not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call)):
            return
        if (dotted(value.func) or "").rsplit(".", 1)[-1] not in _SELF_NAMING or not value.args:
            return
        first = value.args[0]
        name = node.targets[0].id
        if isinstance(first, ast.Constant) and first.value == name and self.f.mentions(name):
            ref = self.f.name_ref(name, self.scope(node))
            self._string_name(first, 0, name, ref, "type name")

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        if isinstance(node.target, ast.Name) and node.target.id == "__all__":
            self._all_strings(node.value)

    def _all_strings(self, value: ast.AST) -> None:
        if not isinstance(value, (ast.List, ast.Tuple)):
            return
        for element in value.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str) and self.f.mentions(element.value):
                ref = self.f.name_ref(element.value, self.module_scope)
                self._string_name(element, 0, element.value, ref, "__all__ entry")

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and self.f.mentions(node.value):
            self._string_annotation_or_dotted(node)

    def _string_annotation_or_dotted(self, node: ast.Constant) -> None:
        value = node.value
        scope = self.scope(node)
        if self._in_annotation(node):
            self._string_annotation(node, scope)
            return
        if ("." in value or ":" in value) and _DOTTED.fullmatch(value):
            self._dotted_string(node, value)
            return
        entry_point = _ENTRY_POINT.fullmatch(value)
        if entry_point:  # "name = app.jobs:main" in setup.py's entry_points
            self._dotted_string(node, entry_point.group(1), entry_point.start(1))
            return
        self._spelled_later.append(node)  # after every pass that ties a string to what it names

    def spelled_definitions(self) -> None:
        for node in self._spelled_later:
            self._spelled_definitions(node)

    def _spelled_definitions(self, node: ast.Constant) -> None:
        """`"JobEnvironment"`, `"do job_fun('foo')"`, `"app/job_detail.html"`: a string that spells the
        multi-word name of one of the project's classes or functions may mirror its `__name__` (a
        class-name suffix, repr text) or only share its spelling (a template's file name). Nothing
        ties it to the name, so it is left as it is and holds the name back. One-word names
        (`"Job"`) are prose, and so are docstrings."""
        if node in self.docstrings:
            return
        scope = self.scope(node)
        start, end = self.f.pos.span(node)
        # Source regions, not the value: implicit concatenation and escapes keep their places.
        for region in strings.regions(self.f.text, start, end):
            text = strings.masked(self.f.text, region, placeholders=False)
            for match in _NAME_IN_TEXT.finditer(text):
                name = match.group()
                if _MULTIWORD.search(name) and self.f.mentions(name):
                    kind = self._definition_kind(name, scope)
                    if kind:
                        line, column = self.f.pos.line_col(region.start + match.start())
                        self.f.emit(line, column, name, kind=kind, role=Role.STRING, owner=UNKNOWN, scope=scope.qualname,
                                    note="a string that spells the name: can't tell whether it is the name or text")

    def _definition_kind(self, name: str, scope: Scope) -> str | None:
        """"class" or "function" when `name`, seen from `scope`, is only one of the project's classes or functions."""
        found = self.f.lookup(name, scope)
        if found is not None:
            where, bindings = found
            if where.kind != "class" and all(binding.kind in ("def", "class") for binding in bindings):
                return "class" if bindings[0].kind == "class" else "function"
            if not all(binding.kind == "import" and binding.ref is not None and binding.ref.owner == OWN
                       for binding in bindings):
                return None
        kinds = self.f.index.defined.get(name)
        if kinds and kinds <= {"class", "function"}:
            return "class" if "class" in kinds else "function"
        return None

    def _in_annotation(self, node: ast.AST) -> bool:
        """Does the string sit in a type annotation (a forward reference), at any depth?

        Asked only of strings that mention the term, by climbing their parents:
        an annotation, a return annotation, the subscript of a generic
        (`dict[str, "Job"]`, wherever it sits), TypeVar's bound= and
        constraints, cast()'s type."""
        parents = self.parents
        child = node
        parent = parents.get(child)
        while parent is not None:
            parent_class = parent.__class__
            if parent_class is ast.arg:
                if parent.annotation is child:
                    return True
            elif parent_class is ast.FunctionDef or parent_class is ast.AsyncFunctionDef:
                if parent.returns is child:
                    return True
            elif parent_class is ast.AnnAssign:
                if parent.annotation is child:
                    return True
            elif parent_class is ast.Subscript:
                if parent.slice is child and (dotted(parent.value) or "").rsplit(".", 1)[-1] in _GENERICS:
                    return True
            elif parent_class is ast.Call:
                callee = (dotted(parent.func) or "").rsplit(".", 1)[-1]
                if callee == "TypeVar":
                    if child.__class__ is ast.keyword:
                        if child.arg == "bound":
                            return True
                    elif any(arg is child for arg in parent.args[1:]):
                        return True
                elif callee == "cast" and parent.args and parent.args[0] is child:
                    return True
            child, parent = parent, parents.get(parent)
        return False

    def _string_annotation(self, node: ast.Constant, scope: Scope) -> None:
        inner_start = self.f.pos.string_value_start(node)
        if inner_start is None:
            return
        try:
            expr = ast.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return
        offset = len(node.value) - len(node.value.lstrip())
        line, column = inner_start
        for sub in walk(expr):
            if isinstance(sub, ast.Name) and self.f.mentions(sub.id):
                ref = self.f.name_ref(sub.id, scope)
                self.f.emit(line, column + offset + sub.col_offset, sub.id, kind=ref.kind or "class",
                            role=Role.STRING, owner=ref.owner, scope=scope.qualname, local=self.f.local_of(sub.id, scope))
            elif isinstance(sub, ast.Attribute) and self.f.mentions(sub.attr):
                ref = self.f.index.attribute(self.f.type_of(sub.value, scope), sub.attr)
                self.f.emit(line, column + offset + sub.end_col_offset - len(sub.attr), sub.attr,
                            kind=ref.kind or "attribute", role=Role.STRING, owner=ref.owner, scope=scope.qualname)

    def _dotted_string(self, node: ast.Constant, value: str, offset: int = 0) -> None:
        """`"app.jobs:submit_job"`, `mock.patch("app.jobs.Job")`: module path, then attributes."""
        for start, part, ref in self.f.index.dotted_pieces(value) or ():
            if self.f.mentions(part):
                self._string_name(node, offset + start, part, ref, "dotted name")

    def _string_name(self, node: ast.Constant, start: int, name: str, ref: Ref, what: str) -> None:
        """Emit a name that sits inside a plain string literal at value offset `start`."""
        inner = self.f.pos.string_value_start(node)
        if inner is None:
            # Held for a hand. Each piece where it stands (split across the fragments of an implicit
            # concatenation, at its offset in the value), so that no piece hides another: a module
            # `myjob` would otherwise take the place of the class after it, which then moved alone.
            line, column = self.f.pos.search(node, name) or self.f.pos.char(node.lineno, node.col_offset + start)
            self.f.emit(line, column, name, kind=ref.kind or "variable", role=Role.STRING, owner=UNKNOWN,
                        note=f"{what} in a string with escapes or continuation: rename by hand")
            return
        line, column = inner
        kind = ref.kind or ("module" if what == "dotted name" else "variable")
        self.f.emit(line, column + start, name, kind=kind, role=Role.STRING, owner=ref.owner, scope=self.scope_name(node))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.keyed.add(node.value)
        self.generic_visit(node)
        if isinstance(node.value, ast.Name):
            self._kwargs_key(node.value.id, node.slice, self.scope(node))
        self._state_key(node.value, node.slice, self.scope(node), subscript=True)

    def visit_Compare(self, node: ast.Compare) -> None:
        self.keyed.update(node.comparators)
        self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            if isinstance(node.comparators[0], ast.Name):
                self._kwargs_key(node.comparators[0].id, node.left, self.scope(node))
            else:  # `kind in globals()`, `name in vars(obj)`
                self._state_key(node.comparators[0], node.left, self.scope(node))

    def _kwargs_key(self, container: str, key: ast.AST, scope: Scope) -> None:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and self.f.mentions(key.value)):
            return
        if not key.value.isidentifier():
            return
        found = self.f.lookup(container, scope)
        if found is None:
            return
        where, bindings = found
        function = where.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.args.kwarg is None:
            return
        if function.args.kwarg.arg != container:
            return
        owner = where.method_owner
        if owner == EXTERNAL:
            # An override of a third-party method reading a key of its **kwargs: the key may be the
            # base's keyword or one the override takes for itself: callers can't be told apart.
            owner = UNKNOWN
        self._string_name(key, 0, key.value, Ref(owner, "parameter"), "**kwargs key")

    def _parameters(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Binding]:
        """The function's parameters, by name. Their owners are told only for those a string names
        that mention the term: a method's may mean reading its third-party bases' source. The
        project's modules are asked about each all the same (Parameter.consult)."""
        function_scope = self.f.inner_scope.get(node)
        if function_scope is None:
            return {}
        params = {name: bindings[0] for name, bindings in function_scope.bindings.items() if bindings[0].kind == "param"}
        for binding in params.values():
            if isinstance(binding, Parameter):
                binding.consult()
        return params

    def _route_placeholders(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """`@app.get("/job/{job_id}")` names the handler's parameter: they change together."""
        params = self._parameters(node)
        if not params:
            return
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            for arg in (*decorator.args, *(k.value for k in decorator.keywords)):
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    continue
                for match in PLACEHOLDER_NAME.finditer(arg.value):
                    name = match.group(1) or match.group(2)
                    group = 1 if match.group(1) else 2
                    if name in params and self.f.mentions(name):
                        self._string_name(arg, match.start(group), name, Ref(params[name].owner, "parameter"),
                                          "route placeholder")

    def _parametrize_names(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """`@pytest.mark.parametrize("job_id,expected", …)` names the test's parameters: they change together."""
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and (dotted(decorator.func) or "").endswith("mark.parametrize")):
                continue
            argnames = decorator.args[0] if decorator.args else next(
                (k.value for k in decorator.keywords if k.arg == "argnames"), None)
            strings = argnames.elts if isinstance(argnames, (ast.List, ast.Tuple)) else [argnames]
            params = self._parameters(node)
            for string in strings:
                if not (isinstance(string, ast.Constant) and isinstance(string.value, str)):
                    continue
                for match in _IDENTIFIER.finditer(string.value):
                    if match.group() in params and self.f.mentions(match.group()):
                        self._string_name(string, match.start(), match.group(),
                                          Ref(params[match.group()].owner, "parameter"), "parametrize name")

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            self.keyed.add(node.right)  # `"%(job_id)s" % vars(record)`: `_percent_fields` reads its keys
        self.generic_visit(node)
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            self._percent_fields(node, self.scope(node))

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._iterated(node.iter)
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._iterated(node.iter)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def _iterated(self, source: ast.AST) -> None:
        """`for name in vars(record)`, `… in record.__dict__.items()`: the names go where the loop
        takes them, asked there (`setattr(other, name, value)`), not handed over whole."""
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args \
                and source.func.attr in ("items", "keys", "values"):
            source = source.func.value
        self.keyed.add(source)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)
