"""The first-party index: what each name in the project refers to, across files.

Built from module summaries, lazily: a resolution that walks into a module
summarises it on first use, so a repository where few files mention the term
costs few parses. Every answer is a `Ref`: who owns the thing (the project,
someone else, or nobody can tell), what kind of thing it is, and the type of
its value where that is known — which is what lets `scheduler.add_job(...)`
stay untouched when `scheduler` is a third-party object.

What a search needs to know of other modules is asked when a site needs it,
not up front: a name imported from a project module is resolved (and that
module summarised) when a site asks what it is, and whether a method
overrides a third-party one — which may mean reading the base class's source
— when a site in the method or its parameters asks. Most imported names and
most methods of a job-heavy file are never asked about. A file's answer then
rests only on the modules its own sites consulted, which is also what the
cache records for it.

In a large run (`packing`) the summaries are kept packed, ~a tenth of them as
objects: a search consults a few dozen modules, the project-wide facts are
kept apart as compact records (`Fact`, `members`, the names functions take),
and every process of the run holds every summary, so the summaries are what
would otherwise grow with the project.
"""

from __future__ import annotations

import ast
import builtins
import pickle
import re
import zlib
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from . import spill, thirdparty
from .manifest import Renamed
from .project import Project
from .fieldclasses import keyword as field_keyword, takes_field
from .summary import ClassInfo, FunctionInfo, Member, ModuleSummary, TypeRef, mangled_parts, summarize


# Summaries a packing index keeps unpacked: a file's search consults a few dozen modules, over and over.
KEPT_UNPACKED = 256


# A summary this large (a generated module's) stays as objects in a packing index: it is one of a
# few, and packing it would only have it held twice for a while (functions, classes and names).
PACKED_UP_TO = 2_000


def worth_packing(summary: ModuleSummary) -> bool:
    return len(summary.functions) + len(summary.classes) + len(summary.symbols) <= PACKED_UP_TO


def pack_summary(summary: ModuleSummary) -> bytes:
    """A summary as a large run keeps it: ~a tenth of it as objects."""
    return zlib.compress(pickle.dumps(summary, pickle.HIGHEST_PROTOCOL), 1)


_PACKED = (bytes, spill.Spilled)  # how a packed summary is kept: in memory, or spilled (spill.py)


def unpack_summary(blob: bytes) -> ModuleSummary:
    return pickle.loads(zlib.decompress(blob))


class Fact(NamedTuple):
    """What the index keeps of a module whose definitions feed the project-wide facts."""

    name: str
    classes: tuple[str, ...]  # qualnames of its classes
    payload: bool  # does it hold a TypedDict, or serialise data classes (payload_names)


class Type(NamedTuple):
    """A value's type. kind: mod, cls, inst, func, ext, items (a container of "mod:Qual" instances),
    extitems (a container of instances of the third-party class named). name: "mod", "mod:Qual" or
    dotted; a third-party instance is named "pkg.Class()"."""

    kind: str
    name: str = ""


def class_of(value: Type | None) -> Type | None:
    """The class of an instance of one of ours; None for anything else."""
    if value is not None and value.kind == "inst":
        return Type("cls", value.name)
    return None


EXT = Type("ext")
# A value that third-party code handed back: its own members are theirs, but it
# may be one of our objects (a queue's item, a mock's call): names the project
# defines are undecidable there.
DERIVED = Type("extd")

OWN, EXTERNAL, UNKNOWN = "own", "ext", "unknown"


class Ref(NamedTuple):
    owner: str  # own, ext, unknown
    kind: str  # class, function, module, variable, constant, type-alias, type-var, method, attribute, ""
    type: Type | None = None


_NOT_FOUND = Ref(UNKNOWN, "")
_EXT_REF = Ref(EXTERNAL, "", EXT)

Parser = Callable[[Path], "ast.Module | None"]


def looked_up_names(summary: ModuleSummary, project: Project) -> list[str]:
    """The names of a module that `getattr(module, name)` may reach and a rename may change: what
    it defines, what it imports from the project (`app/__init__.py` importing `run_job` from
    `app.tasks`: a rename leaves only the new name there), a package's modules. A third party's
    names keep theirs. (What it imports with `*`: `Index.looked_up_names`.)"""
    names = [name for name, symbol in summary.symbols.items()
             if symbol.kind not in ("import", "module-import")
             or project.is_first_party(symbol.target.partition(":")[0])]
    return names + project.submodules(summary.name)


class Index:
    def __init__(self, project: Project, parse: Parser, search_path: Iterable[str] = (),
                 text: Callable[[Path], str | None] | None = None):
        self.project = project
        self._parse = parse
        self._text = text  # a module's source, when known: spares summaries some walks
        self.search_path = tuple(search_path)
        # Each summary, or with `packing` (a large run) each summary pickled and compressed: the
        # few a file's search consults are unpacked again (`_unpacked`, the latest KEPT_UNPACKED).
        self._summaries: dict[str, ModuleSummary | bytes | None] = {}
        self.packing = False
        self._unpacked: dict[str, ModuleSummary] = {}
        # Names the project defines anywhere (module level and class members),
        # with their kinds: the fallback when a receiver's type is unknown.
        self.defined: dict[str, set[str]] = {}
        # By member name, how many classes define it, and the first of them to: (module, class
        # qualname, member kind, its type). `by_name` wants a member's type only where one class
        # alone defines it, so the others need no record: a monorepo defines the same names over
        # and over, and a record for each would be the index's largest table.
        self.members: dict[str, tuple[int, tuple[str, str, str, TypeRef | None]]] = {}
        # Parameter, **kwargs key and field names of the facts' functions and classes, with the
        # number of facts naming each.
        self._taken: dict[str, int] = {}
        # Attribute names the facts' modules set on objects not their own (summary.planted_names),
        # with the number of facts naming each.
        self._planted: dict[str, int] = {}
        self.routes: frozenset[tuple[str, ...]] = frozenset()  # served route templates, as segments
        # The summaries whose definitions feed `defined`, `members` and the
        # keyword questions: the modules gathered up front, for every file, and
        # while one file is being searched, the modules its own resolutions
        # consulted (`begin_file` .. `end_file`). Never the modules an earlier
        # file happened to summarise: then a file's sites would depend on which
        # files were searched before it, in this process or this pool worker,
        # and no cache could be keyed by what the file consulted.
        self.facts: list[Fact] = []
        self._recording = True
        self._base_facts: set[str] = set()
        # names, undo logs (of `defined`, `members`, `_taken`, `_planted`)
        self._file: tuple[set[str], list[tuple[str, str | None]], list[str], list[str], list[str]] | None = None
        self.consulted: set[str] | None = None  # modules served while finding one file
        self.store = None  # where summaries are kept between runs: load(name, path), save(name, path, summary)
        self.string_roles = None  # literals.StringRoles: how the project uses its keys and event names
        self.upstream = None  # manifest.Upstream: the renames its dependencies' manifests list
        self._term_enums: frozenset[str] | None = None
        self._keyword_takers: frozenset[str] | None = None
        self._subclass_members: dict[str, list[str]] = {}
        self._imports_spelled: dict[str, bool] = {}  # imports_submodule: does the package's text import from it
        # Whether a decorator or registrar of ours hands what it is given on to one that reads its
        # name, in another module (handovers.py), by (module, qualname): asked at most once a process.
        self.delegations: dict[tuple[str, str, bool], int] = {}  # handovers._hands_on's flags
        self._typing_by_name: set[str] = set()  # the members `by_name` is typing, outermost first
        self._payload: tuple[tuple, frozenset[str]] | None = None  # payload_names, for so many facts and names asked

    # -- third-party names ---------------------------------------------------

    def theirs(self, dotted: str) -> Ref:
        """A third-party name (`pkg.mod.Name`, an instance's member `pkg.mod.Class().name`): theirs,
        unless the package's rename manifest says it was renamed (manifest.py): then it moves too."""
        if self.upstream is not None:
            found = self.upstream.renamed(dotted)
            if found is not None:
                _, kind, note = found
                if not note:  # renamed into words this project's vocabulary doesn't give: can't follow
                    return Ref(UNKNOWN, "", Type("ext", dotted))
                return Ref(Renamed(note), kind, Type("ext", dotted))
        return Ref(EXTERNAL, "", Type("ext", dotted))

    def _their_keyword(self, callee: str, keyword: str) -> str:
        """`accepts_keyword` for a third-party callable: a keyword its package renamed moves too."""
        if self.upstream is not None:
            callee = callee.removesuffix("()")
            for key in (f"{callee}({keyword})", f"{callee}.__init__({keyword})", f"{callee}.{keyword}"):
                found = self.upstream.renamed(key)
                if found is not None:
                    return Renamed(found[2]) if found[2] else UNKNOWN
        return EXTERNAL

    # -- summaries ---------------------------------------------------------

    def module(self, name: str) -> ModuleSummary | None:
        if self._file is not None:
            self.consulted.add(name)
            summary = self._summary(name) if name in self._summaries else self._load(name)
            if summary is not None and name not in self._base_facts and name not in self._file[0]:
                self._file[0].add(name)
                self._record_definitions(summary, self._file)
            return summary
        if name in self._summaries:
            return self._summary(name)
        return self._load(name)

    def tree_of(self, name: str) -> ast.Module | None:
        """The project module's syntax tree, parsed again unless the file is being searched: for the
        rare question a summary doesn't answer."""
        path = self.project.modules.get(name)
        return self._parse(path) if path is not None else None

    def summarised(self, name: str) -> bool:
        """Is the module's summary at hand (made, adopted or found missing), or would asking for it
        mean reading the module?"""
        return name in self._summaries

    def _summary(self, name: str) -> ModuleSummary | None:
        """The summary kept for `name`, unpacked if it was packed."""
        kept = self._summaries[name]
        if type(kept) not in _PACKED:
            return kept
        summary = self._unpacked.get(name)
        if summary is None:
            if len(self._unpacked) >= KEPT_UNPACKED:
                del self._unpacked[next(iter(self._unpacked))]  # the oldest
            summary = self._unpacked[name] = unpack_summary(spill.load(kept))
        return summary

    def _load(self, name: str) -> ModuleSummary | None:
        self._summaries[name] = None  # guards import cycles
        path = self.project.modules.get(name)
        summary = None
        if path is not None:
            summary = self.store.load(name, path) if self.store is not None else None
            if summary is not None:
                self._adopt(summary)
            else:
                tree = self._parse(path)
                if tree is not None:
                    summary = self.summarize(tree, name, path)
                    if self.store is not None:
                        self.store.save(name, path, summary)
        return summary  # kept by _adopt (packed, when packing)

    def summarize(self, tree: ast.Module, name: str, path: Path) -> ModuleSummary:
        summary = summarize_module(self.project, tree, name, path, self._text(path) if self._text else None)
        self._adopt(summary)
        return summary

    def adopt(self, name: str, summary: ModuleSummary | bytes | None) -> None:
        """`module(name)`, with the summary made elsewhere (a pool worker, the cache), perhaps
        packed already (`pack_summary`)."""
        if summary is None:
            self._summaries[name] = None
        elif type(summary) in _PACKED:
            self._adopt(unpack_summary(spill.load(summary)), summary)
        else:
            self._adopt(summary)

    def _adopt(self, summary: ModuleSummary, packed: "bytes | spill.Spilled | None" = None) -> None:
        if self.packing and (packed is not None or worth_packing(summary)):
            self._unpacked.pop(summary.name, None)
            self._summaries[summary.name] = spill.keep(packed if packed is not None else pack_summary(summary))
        else:
            self._summaries[summary.name] = summary
        if self._recording and summary.name not in self._base_facts:
            self._base_facts.add(summary.name)
            self._record_definitions(summary)

    def made(self) -> Iterator[tuple[str, ModuleSummary]]:
        """The summaries made or adopted so far, with their module names: another analysis of the
        same modules (the proof's, of the planned tree) takes them instead of making them again."""
        for name in self.made_names():
            yield name, self._summary(name)

    def gathered(self) -> Iterator[ModuleSummary]:
        """The summaries of the facts gathered up front (never those a file's search adds): the
        same in every process and for every file, whichever asks first."""
        for name in sorted(self._base_facts):
            if self._summaries.get(name) is not None:
                yield self._summary(name)

    def term_enums(self, spells: Callable[[str], bool]) -> frozenset[str]:
        """The names of the gathered enumerations a member of which `spells` the term: a member looked
        up by its name (`State[name]`) is named by data, which a rename doesn't change. (Only in a
        file that is searched: the pre-filter reads no other for it, as a subscript by a name can't
        be told from a generic type's at a glance without a scan that costs more than the rest.)"""
        if self._term_enums is None:
            self._term_enums = frozenset(
                qualname.rpartition(".")[2] for summary in self.gathered() for qualname, info in summary.classes.items()
                if info.kind == "enum" and any(map(spells, info.members)))
        return self._term_enums

    def subclass_members(self, qualified: str) -> list[str]:
        """The own members of the gathered classes that derive from `qualified`, by the names their
        bases are written with (a class whose members spell the term is among the facts): what
        `getattr(self, name)` in a base class may reach on its subclasses' instances."""
        found = self._subclass_members.get(qualified)
        if found is None:
            members: dict[str, None] = {}
            for info in self.subclasses(qualified):
                members.update(dict.fromkeys(info.members))
            found = self._subclass_members[qualified] = list(members)
        return found

    def subclasses(self, qualified: str) -> list[ClassInfo]:
        """The gathered classes that derive from `qualified`, all the way down, by the names their
        bases are written with (a class whose name or members spell the term is among the facts)."""
        classes = [info for summary in self.gathered() for info in summary.classes.values()]
        names = {qualified.rpartition(":")[2].rpartition(".")[2]}
        found: list[ClassInfo] = []
        grown = True
        while grown:
            grown = False
            for info in classes:
                if info.name not in names and not names.isdisjoint(base.rpartition(".")[2] for base in info.bases):
                    names.add(info.name)
                    found.append(info)
                    grown = True
        return found

    def keyword_takers(self, spells: Callable[[str], bool]) -> frozenset[str]:
        """The names a call must be written with for a `**mapping` spread into its keywords to reach
        one that `spells` the term (the finder's `_computed_keywords`): each function and class of
        the gathered facts that takes such a keyword, by its own name; a method by its name, unless
        a dunder (`super().__init__(**options)`), for which its class's. Those that take one through
        their **kwargs (`make(**kwargs)` → `Record(**kwargs)`) or a base class count by the names
        they are written with, without resolving them: a base's module may be one not read yet, and
        reading them all would cost what asking by name saves. (So a class that inherits such a
        keyword through a class of a module that never spells the term is not counted.)"""
        if self._keyword_takers is not None:
            return self._keyword_takers
        names: set[str] = set()
        leads: list[tuple[str, list[str]]] = []  # the others: their name, and the names that would count them
        for summary in self.gathered():
            for qualname, function in summary.functions.items():
                owner, _, name = qualname.rpartition(".")
                name = owner.rpartition(".")[2] if name.startswith("__") and owner else name
                if any(map(spells, (*function.params, *function.kwargs_keys))):
                    names.add(name)
                elif function.var_keyword and function.forwards:
                    leads.append((name, [callee.rpartition(".")[2] for callee in function.forwards]))
            for qualname, info in summary.classes.items():
                name = qualname.rpartition(".")[2]
                if any(map(spells, info.fields)):
                    names.add(name)
                else:
                    leads.append((name, [base.rpartition(".")[2] for base in info.bases]))
        grown = True
        while grown:
            before = len(names)
            names.update(name for name, through in leads if name not in names and not names.isdisjoint(through))
            grown = len(names) > before
        self._keyword_takers = frozenset(names)
        return self._keyword_takers

    def made_names(self) -> list[str]:
        return [name for name, summary in self._summaries.items() if summary is not None]

    def seal(self) -> None:
        """The gathered facts are complete: from now on, summaries made on demand count
        only for the file being searched (`begin_file`)."""
        self._recording = False

    def begin_file(self) -> None:
        self.consulted = set()
        self._file = (set(), [], [], [], [])

    def end_file(self) -> set[str]:
        """Forget what this file's resolutions added; return the modules it consulted."""
        names, defined_log, members_log, taken_log, planted_log = self._file
        for name in planted_log:
            self._planted[name] -= 1
            if not self._planted[name]:
                del self._planted[name]
        for name, kind in reversed(defined_log):
            if kind is None:
                del self.defined[name]
            else:
                self.defined[name].discard(kind)
        for name in members_log:
            count, first = self.members[name]
            if count == 1:
                del self.members[name]
            else:
                self.members[name] = (count - 1, first)
        for name in taken_log:
            self._taken[name] -= 1
            if not self._taken[name]:
                del self._taken[name]
        del self.facts[len(self.facts) - len(names):]
        consulted, self.consulted, self._file = self.consulted, None, None
        return consulted

    def _record_definitions(self, summary: ModuleSummary, undo=None) -> None:
        self.facts.append(Fact(summary.name, tuple(summary.classes),
                               bool(summary.serialized) or any(info.kind == "typeddict"
                                                               for info in summary.classes.values())))
        taken = {name for function in summary.functions.values() for name in (*function.params, *function.kwargs_keys)}
        taken.update(name for info in summary.classes.values() for name in info.fields)
        for name in taken:
            self._taken[name] = self._taken.get(name, 0) + 1
        if undo is not None:
            undo[3].extend(taken)
        planted = getattr(summary, "planted", ())  # a summary pickled before planted_names
        for name in planted:
            self._planted[name] = self._planted.get(name, 0) + 1
        if undo is not None:
            undo[4].extend(planted)

        def define(name: str, kind: str) -> None:
            kinds = self.defined.get(name)
            if kinds is None:
                kinds = self.defined[name] = set()
                if undo is not None:
                    undo[1].append((name, None))
            if kind not in kinds:
                kinds.add(kind)
                if undo is not None:
                    undo[1].append((name, kind))

        for name, symbol in summary.symbols.items():
            if symbol.kind not in ("import", "module-import"):
                define(name, symbol.kind)
        for info in summary.classes.values():
            for name, member in info.members.items():
                define(name, "method" if member.kind == "method" else "attribute")
                known = self.members.get(name)
                self.members[name] = (known[0] + 1, known[1]) if known is not None else (
                    1, (summary.name, info.qualname, member.kind, member.type_ref))
                if undo is not None:
                    undo[2].append(name)
        for module in (summary.name,):
            for part in module.split("."):
                define(part, "module")

    def payload_names(self, asked: frozenset[str] | None = None) -> frozenset[str]:
        """Field names that are dict keys on the wire: TypedDict fields, and
        fields of data classes that are turned into dicts with asdict(). With `asked`,
        those of them (the rest may be left untold: see `payload_fields`)."""
        from .serialized import classes_of, defined_by_a_fact, payload_fields

        key = (len(self.facts), asked)
        if self._payload is not None and self._payload[0] == key and self._file is None:
            return self._payload[1]
        names: set[str] = set()
        serialized: set[str] = set()
        # Which classes are serialised matters only for the fields of data classes, which spell the
        # term where asked of (see payload_fields): where none among the facts defines one, it is not told.
        telling = asked is None or defined_by_a_fact(self, asked)
        for fact in list(self.facts):
            if not fact.payload:
                continue
            summary = self._summary(fact.name)
            for info in summary.classes.values():
                if info.kind == "typeddict":
                    names.update(info.fields)
            if telling:
                for path in summary.serialized:
                    serialized.update(classes_of(self, summary.name, path))
        found = frozenset(names | payload_fields(self, serialized, asked))
        if asked is not None:
            found &= asked
        if self._file is None:  # asked again by the plan, the report and the wire layer: answered once
            self._payload = (key, found)
        return found

    def _classes_named(self, module: str, dotted_name: str, depth: int = 0) -> list[str]:
        ref = self.resolve_dotted(module, dotted_name)
        if ref.type is not None and ref.type.kind == "cls":
            return [ref.type.name]
        if ref.kind == "type-alias" and depth < 4:
            # Find the alias's defining module and expand its value.
            head = dotted_name.split(".")[0]
            summary = self.module(module)
            symbol = summary.symbols.get(head) if summary else None
            owner = module
            while symbol is not None and symbol.kind == "import":
                owner, _, attr = symbol.target.partition(":")
                target = self.module(owner)
                symbol = target.symbols.get(attr) if target else None
            if symbol is not None and symbol.kind == "type-alias":
                return [q for name in symbol.names for q in self._classes_named(owner, name, depth + 1)]
        return []

    def gather(self, modules: Iterable[str]) -> None:
        """Summarise these modules up front: the project-wide facts come from them."""
        for name in modules:
            self.module(name)

    # -- resolution --------------------------------------------------------

    def resolve_name(self, module: str, name: str, _seen: frozenset = frozenset()) -> Ref:
        """What `name` means at the top level of first-party `module`."""
        key = (module, name)
        if key in _seen:
            return _NOT_FOUND
        seen = _seen | {key}
        submodule = f"{module}.{name}"
        summary = self.module(module)
        if summary is None:
            if self.project.is_module(submodule):
                return Ref(OWN, "module", Type("mod", submodule))
            if self.project.is_namespace(submodule):
                # `cloud` of `google.cloud.shop`: a folder shared with others, never renamed as ours
                return Ref(UNKNOWN, "module", Type("mod", submodule))
            if not self.project.is_first_party(module):
                return self.theirs(submodule)
            return _NOT_FOUND
        symbol = summary.symbols.get(name)
        if symbol is None:
            if self.project.is_module(submodule):
                return Ref(OWN, "module", Type("mod", submodule))
            # The last star import that brings the name in binds it, as Python runs them in order.
            for star in reversed(summary.star_imports):
                if not self.project.is_first_party(star):
                    return _EXT_REF  # theirs may bring in anything
                if not self.exports(star, name):
                    continue
                found = self.resolve_name(star, name, seen)
                if found.owner != UNKNOWN:
                    return found
            return _NOT_FOUND
        if symbol.kind == "class":
            return Ref(OWN, "class", Type("cls", f"{module}:{name}"))
        if symbol.kind == "function":
            return Ref(OWN, "function", Type("func", f"{module}:{name}"))
        if symbol.kind == "module-import":
            if self.project.is_first_party(symbol.target) or self.project.is_namespace(symbol.target):
                return Ref(OWN, "module", Type("mod", symbol.target))
            return self.theirs(symbol.target)
        if symbol.kind == "import":
            source, _, attr = symbol.target.partition(":")
            package = self.project.package_in_namespace(source, attr)
            if package:
                return Ref(OWN, "module", Type("mod", package))
            if not self.project.is_first_party(source):
                return self.theirs(f"{source}.{attr}")
            if self.imports_submodule(source, attr):
                return Ref(OWN, "module", Type("mod", f"{source}.{attr}"))
            return self.resolve_name(source, attr, seen)
        value_type = self.ref_type(module, symbol.type_ref, seen) if symbol.type_ref else None
        return Ref(OWN, symbol.kind, value_type)

    def imports_submodule(self, package: str, name: str) -> bool:
        """Whether `from package import name` binds the submodule `package.name`, first-party.

        Python hands back the package's attribute, and falls back to the submodule only when
        there is none. Loading a submodule sets that attribute, but a package that binds the
        name by importing from the submodule itself (`from .Model import Model`) rebinds it
        after the load: the name is then the package's, the class, not the module."""
        submodule = f"{package}.{name}"
        if not self.project.is_module(submodule):
            return False
        if not self.summarised(package):
            spelled = self._imports_spelled.get(submodule)
            if spelled is None:
                spelled = self._imports_spelled[submodule] = _imports_from(self.project.modules.get(package), name)
            if not spelled:  # the package isn't summarised for a name it can't import from its submodule
                if self._file is not None:
                    self.consulted.add(package)  # (the answer rests on its text all the same)
                return True
        summary = self.module(package)
        symbol = summary.symbols.get(name) if summary is not None else None
        if symbol is None or symbol.kind != "import":
            return True
        source = symbol.target.partition(":")[0]
        return not (source == submodule or source.startswith(f"{submodule}."))

    def looked_up_names(self, module: str, _seen: frozenset[str] = frozenset()) -> list[str]:
        """`looked_up_names` of the module, and those of ours it imports with `*` that it exports."""
        summary = self.module(module)
        if summary is None:
            return []
        names = looked_up_names(summary, self.project)
        for star in summary.star_imports:
            if self.project.is_first_party(star) and star not in _seen:
                names += [name for name in self.looked_up_names(star, _seen | {module}) if self.exports(star, name)]
        return names

    def exports(self, module: str, name: str) -> bool:
        """Whether `from module import *` can bring `name` in: `__all__` says so, or, without one,
        the name is public."""
        summary = self.module(module)
        if summary is not None and summary.all_names is not None:
            return name in summary.all_names
        return not name.startswith("_")

    def resolve_dotted(self, module: str, dotted_name: str, _seen: frozenset = frozenset()) -> Ref:
        """What `a.b.c`, written at the top level of `module`, refers to."""
        head, *rest = dotted_name.split(".")
        ref = self.resolve_name(module, head, _seen)
        if ref.owner == UNKNOWN and hasattr(builtins, head):
            ref = Ref(EXTERNAL, "", Type("ext", f"builtins.{head}"))
        for attr in rest:
            ref = self.attribute(ref.type, attr)
        return ref

    def ref_type(self, module: str, ref: TypeRef | None, _seen: frozenset = frozenset()) -> Type | None:
        """The type of a value described by a summary's TypeRef."""
        if ref is None:
            return None
        how, name = ref
        target = self.resolve_dotted(module, name, _seen)
        if how == "call":
            return self.call_result(target.type)
        return self.annotated(how, target.type)

    @classmethod
    def annotated(cls, how: str, named: Type | None) -> Type | None:
        """The type of a value annotated with what `named` is: see summary.annotation_type_ref."""
        if named is not None and named.kind == "ext" and named.name in _ANYTHING:
            return None  # `x: Any` says nothing of x, as no annotation doesn't: its members may be ours
        if how == "ann":
            return cls.instance_of(named)
        if how == "items":
            # Items of ours: a container of them; of theirs: a container they typed, whose items are theirs.
            if named is not None and named.kind == "cls":
                return Type("items", named.name)
            return EXT if named is not None and named.kind in ("ext", "extd") else None
        own_class = named if named is not None and named.kind == "cls" else None
        return own_class if how == "cls" else cls.instance_of(own_class)

    @staticmethod
    def instance_of(value: Type | None) -> Type | None:
        if value is None:
            return None
        if value.kind == "cls":
            return Type("inst", value.name)
        if value.kind == "ext" and value.name.rsplit(".", 1)[-1] in _STANDINS:
            return DERIVED
        if value.kind == "ext" and value.name and not value.name.startswith("builtins.") and not value.name.endswith(")"):
            return Type("ext", f"{value.name}()")  # an instance of a named third-party class: its members are theirs
        if value.kind in ("ext", "extd"):
            return EXT
        return None

    def call_result(self, callee: Type | None) -> Type | None:
        if callee is None:
            return None
        if callee.kind == "ext":
            owner, _, method = callee.name.rpartition("().")
            if owner and method:
                returned = thirdparty.method_returns(owner, method, self.search_path)
                if returned is not None:
                    how, name = returned
                    return Type("extitems", name) if how == "items" else Type("ext", f"{name}()")
            if callee.name.rsplit(".", 1)[-1] in _STANDINS:
                return DERIVED  # a mock stands in for one of ours as readily as for one of theirs
            if _looks_like_class(callee.name):
                return Type("ext", f"{callee.name}()") if callee.name and not callee.name.startswith("builtins.") else EXT
            return DERIVED
        if callee.kind == "extd":
            return DERIVED
        if callee.kind == "cls":
            return Type("inst", callee.name)
        if callee.kind == "func":
            module, _, qual = callee.name.partition(":")
            summary = self.module(module)
            function = summary.functions.get(qual) if summary else None
            if function and function.returns_value:
                return self.ref_type(module, function.returns_value)
        return None

    # -- classes -----------------------------------------------------------

    def class_info(self, qualified: str) -> tuple[str, ClassInfo] | None:
        module, _, qual = qualified.partition(":")
        summary = self.module(module)
        if summary is None:
            return None
        info = summary.classes.get(qual)
        return (module, info) if info else None

    def mro(self, qualified: str) -> tuple[list[tuple[str, ClassInfo]], list[str], bool]:
        """First-party classes in lookup order, the third-party bases, and whether any base is unknown."""
        first_party: list[tuple[str, ClassInfo]] = []
        external: list[str] = []
        unknown = False
        pending = [qualified]
        seen: set[str] = set()
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            found = self.class_info(current)
            if found is None:
                unknown = True
                continue
            module, info = found
            first_party.append(found)
            for base in info.bases:
                ref = self.resolve_dotted(module, base)
                if ref.type is not None and ref.type.kind == "cls":
                    pending.append(ref.type.name)
                elif (ref.owner == EXTERNAL or isinstance(ref.owner, Renamed)) and ref.type is not None \
                        and ref.type.kind == "ext" and ref.type.name:
                    if ref.type.name != "builtins.object":
                        external.append(ref.type.name)
                elif base.rsplit(".", 1)[-1] not in ("object",):
                    unknown = True
        return first_party, external, unknown

    def member_owner(self, qualified: str, name: str) -> str:
        """Whether a member defined in a first-party class may be renamed.

        `ext` when a third-party base defines it too (an override keeps its
        name), `unknown` when a base can't be read, else `own`.
        """
        _, external, unknown = self.mro(qualified)
        for base in external:
            if self.upstream is not None:
                renamed = self.theirs(f"{base}.{name}")
                if renamed.owner != EXTERNAL:
                    return renamed.owner  # overrides a method its package renamed: moves with it (or unknown)
                base = self._now_named(base)
            members = thirdparty.class_members(base, self.search_path)
            if members is None:
                unknown = True
            elif name in members:
                return EXTERNAL
        return UNKNOWN if unknown else OWN

    def _renamed_member(self, qualified: str, name: str) -> Ref:
        """`name` as a renamed member of the first of `qualified`'s third-party bases that has it."""
        for base in self.mro(qualified)[1]:
            ref = self.theirs(f"{base}.{name}")
            if isinstance(ref.owner, Renamed):
                return ref
        return Ref(UNKNOWN, "")

    def _now_named(self, base: str) -> str:
        """A third-party class by the name it has now, when its package's manifest renamed it."""
        found = self.upstream.renamed(base) if self.upstream is not None else None
        return f"{base.rpartition('.')[0]}.{found[0]}" if found is not None else base

    def find_member(self, qualified: str, name: str) -> tuple[str, ClassInfo, Member] | None:
        """The first class along `qualified`'s bases that defines `name`; a private member's
        mangled name (`_BaseJob__handle`, what `self.__handle` is in `BaseJob`) only in its class."""
        mangled = mangled_parts(name)
        for module, info in self.mro(qualified)[0]:
            member = info.members.get(name)
            if member is None and mangled is not None and info.name.lstrip("_") == mangled[0]:
                member = info.members.get(mangled[1])
            if member is not None:
                return module, info, member
        return None

    def attribute(self, value: Type | None, attr: str, *, owned: bool = True) -> Ref:
        """What `value.attr` refers to. Without `owned`, a member a first-party class defines is not
        told whose it is (UNKNOWN): its type doesn't depend on it, and telling may read third-party
        bases (`member_owner`); the project's modules are asked the same questions all the same."""
        if value is None:
            return self.by_name(attr)
        if value.kind == "ext":
            if attr in self._planted:
                # Set by the project on an object of theirs (`app.scheduler = self`): what it holds
                # may be ours, so the names it leads to are undecidable, as on what they hand back.
                return Ref(EXTERNAL, "", DERIVED)
            # Their API; what it returns is theirs too, but may carry our objects.
            if value.name and not value.name.startswith("builtins."):
                return self.theirs(f"{value.name}.{attr}")
            return Ref(EXTERNAL, "", DERIVED)
        if value.kind == "extd":
            if attr in self.defined:
                # Maybe one of ours, maybe theirs: its value's type is unknown too.
                return Ref(UNKNOWN, "")
            return Ref(EXTERNAL, "", DERIVED)
        if value.kind == "mod":
            return self.resolve_name(value.name, attr)
        if value.kind in ("cls", "inst"):
            found = self.find_member(value.name, attr)
            if found is not None:
                module, info, member = found
                if owned:
                    owner = self.member_owner(value.name, attr)
                else:
                    self.mro(value.name)  # what member_owner asks of the project's modules
                    owner = UNKNOWN
                if member.kind == "method":
                    member_type = Type("func", f"{module}:{info.qualname}.{attr}")
                elif member.kind == "class":
                    member_type = Type("cls", f"{module}:{info.qualname}.{attr}")
                elif info.kind == "enum" and value.kind == "cls":
                    member_type = Type("inst", value.name)
                else:
                    member_type = self.ref_type(module, member.type_ref)
                return Ref(owner, member.kind, member_type)
            owner = self.member_owner(value.name, attr)
            if isinstance(owner, Renamed):  # inherited from a third-party class whose package renamed it
                return self._renamed_member(value.name, attr)
            if owner == UNKNOWN:
                return Ref(UNKNOWN, "")
            if owner == EXTERNAL:
                return _EXT_REF
            if owner == UNKNOWN:
                return Ref(UNKNOWN, "")
            return self.by_name(attr)
        return self.by_name(attr)

    def by_name(self, attr: str) -> Ref:
        """The fallback for an unknown receiver: a name the project defines may be
        ours or may be theirs (`queue.get_jobs()` on a third-party queue, in a
        project that defines `get_jobs` too), so it is never owned by spelling.

        When exactly one class defines the member, its type is kept, so
        `worker.scheduler.add_job` is known to be third-party even when
        `worker` is an unannotated parameter.
        """
        kinds = self.defined.get(attr)
        if not kinds:
            return _NOT_FOUND
        value_type = None
        count, first = self.members.get(attr, (0, None))
        if count == 1 and len(kinds) == 1 and attr not in self._typing_by_name:
            module, qualname, kind, type_ref = first
            if kind == "attribute":
                # Its type may be written through itself (`self.worker = other.worker`): not typed again then.
                self._typing_by_name.add(attr)
                try:
                    value_type = self.ref_type(module, type_ref)
                finally:
                    self._typing_by_name.discard(attr)
            elif kind == "method":
                value_type = Type("func", f"{module}:{qualname}.{attr}")
        return Ref(UNKNOWN, _preferred_kind(kinds), value_type)

    def dotted_pieces(self, value: str) -> list[tuple[int, str, Ref]] | None:
        """Each part of a dotted import string (`app.jobs:submit_job`,
        `app.jobs.Job`) with its offset and what it refers to; None when the
        string doesn't start with a first-party module."""
        module_part, _, object_part = value.partition(":")
        parts = module_part.split(".")
        if not self.project.is_module(parts[0]) and not self.project.is_namespace(parts[0]):
            return None
        pieces: list[tuple[int, str, Ref]] = []
        offset = 0
        current: Type | None = None
        in_modules = True
        for index, part in enumerate(parts):
            prefix = ".".join(parts[: index + 1])
            if in_modules and self.project.is_module(prefix):
                ref = Ref(OWN, "module", Type("mod", prefix))
            elif in_modules and self.project.is_namespace(prefix):
                # `radical` of `radical.saga.job`: a folder shared with others, never renamed as ours
                ref = Ref(UNKNOWN, "module", Type("mod", prefix))
            else:
                in_modules = False
                ref = self.attribute(current, part) if current is not None else Ref(UNKNOWN, "")
            pieces.append((offset, part, ref))
            current = ref.type
            offset += len(part) + 1
        if object_part:
            offset = len(module_part) + 1
            current = Type("mod", module_part) if self.project.is_module(module_part) else None
            if current is None:
                return None
            for part in object_part.split("."):
                ref = self.attribute(current, part)
                pieces.append((offset, part, ref))
                current = ref.type
                offset += len(part) + 1
        return pieces

    # -- calls -------------------------------------------------------------

    def accepts_keyword(self, callee: Type | None, keyword: str, depth: int = 0) -> str:
        """Does a first-party callable take `keyword`? own / ext / unknown."""
        if callee is None:
            return UNKNOWN
        if callee.kind == "extd":
            # Handed back by third-party code, it may be one of ours (a mock's, a registry's):
            # a keyword the project takes somewhere can't be told apart.
            return UNKNOWN if self._any_function_takes(keyword) else EXTERNAL
        if callee.kind == "ext":
            return self._their_keyword(callee.name, keyword) if callee.name else EXTERNAL
        if callee.kind == "func":
            module, _, qual = callee.name.partition(":")
            summary = self.module(module)
            function = summary.functions.get(qual) if summary else None
            verdict = self._takes(module, function, keyword, depth)
            owner, _, method = qual.rpartition(".")
            if verdict == OWN and not method.startswith("__") and owner in (summary.classes if summary else ()):
                # A method that overrides a third-party one keeps its parameters: so do its callers' keywords.
                # (`__init__` and the other dunders "override" object's, whose parameters dictate nothing.)
                return self.member_owner(f"{module}:{owner}", method)
            return verdict
        if callee.kind == "cls":
            verdicts = []
            for module, info in self.mro(callee.name)[0]:
                if keyword in info.fields or takes_field(info, keyword):
                    return OWN
                summary = self.module(module)
                init = summary.functions.get(f"{info.qualname}.__init__") if summary else None
                if init is not None:
                    verdicts.append(self._takes(module, init, keyword, depth))
                    break
            if verdicts:
                return verdicts[0]
            _, external, unknown = self.mro(callee.name)
            return EXTERNAL if external else UNKNOWN
        return UNKNOWN

    def _takes(self, module: str, function: FunctionInfo | None, keyword: str, depth: int) -> str:
        verdict = _takes(function, keyword)
        if verdict != UNKNOWN or function is None or not function.var_keyword or not function.forwards or depth > 4:
            return verdict
        # The keyword travels on through **kwargs: it is ours when every callee that receives it is.
        verdicts = {self.accepts_keyword(self.resolve_dotted(module, callee).type, keyword, depth + 1)
                    for callee in function.forwards}
        if verdicts == {OWN}:
            return OWN
        return EXTERNAL if EXTERNAL in verdicts else UNKNOWN

    def keywords(self, callee: Type | None, depth: int = 0) -> list[str]:
        """Every keyword a first-party callable may take by name: its parameters, the keys its
        **kwargs reads and what they are forwarded to; a class's fields (along its bases) and its
        __init__'s. What `callee(**mapping)` may name, for a mapping whose keys come from data."""
        if callee is None or depth > 4:
            return []
        if callee.kind == "func":
            module, _, qual = callee.name.partition(":")
            summary = self.module(module)
            function = summary.functions.get(qual) if summary else None
            return self._keywords_of(module, function, depth)
        if callee.kind != "cls":
            return []
        names: list[str] = []
        for module, info in self.mro(callee.name)[0]:
            names.extend(info.fields)
            names.extend(field_keyword(field, info.style) for field in info.fields if info.style)
            summary = self.module(module)
            init = summary.functions.get(f"{info.qualname}.__init__") if summary else None
            if init is not None:
                names.extend(self._keywords_of(module, init, depth))
                break
        return list(dict.fromkeys(names))

    def _keywords_of(self, module: str, function: FunctionInfo | None, depth: int) -> list[str]:
        if function is None:
            return []
        names = [*function.params, *sorted(function.kwargs_keys)]  # (a set: in the order of its hash)
        if function.var_keyword:
            for target in function.forwards:
                names.extend(self.keywords(self.resolve_dotted(module, target).type, depth + 1))
        return names

    def lands_on_field(self, callee: Type | None, keyword: str, depth: int = 0) -> bool:
        """Does `keyword` reach a data class's field, maybe through **kwargs? Then
        it is that field's name and moves with it (in `webhooks` when the field is on the wire)."""
        if callee is None or depth > 4:
            return False
        if callee.kind == "cls":
            return any(keyword in info.fields or takes_field(info, keyword) for _, info in self.mro(callee.name)[0])
        if callee.kind != "func":
            return False
        module, _, qual = callee.name.partition(":")
        summary = self.module(module)
        function = summary.functions.get(qual) if summary else None
        if function is None or keyword in function.params or not function.var_keyword:
            return False
        return any(self.lands_on_field(self.resolve_dotted(module, target).type, keyword, depth + 1)
                   for target in function.forwards)

    def names_anything(self, name: str) -> bool:
        """Does the project define `name` anywhere: a module-level name, a member, a parameter or a field?"""
        return name in self.defined or self._any_function_takes(name)

    def _any_function_takes(self, keyword: str) -> bool:
        return keyword in self._taken


def summarize_module(project: Project, tree: ast.Module, name: str, path: Path, text: str | None = None) -> ModuleSummary:
    """A module's summary: a function of its text, its name and its place alone (`text`, the
    source `tree` was parsed from, only saves work)."""
    is_package = path.stem == "__init__"

    def absolute(level: int, module: str | None) -> str:
        return project.resolve_relative(name, level, module, is_package)

    return summarize(tree, name, str(path), is_package, absolute, text)


# Annotations that admit any value: what is read off such a value may be any class's member, ours too.
_ANYTHING = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})

# Third-party classes whose instances stand in for anyone's objects: their attributes may be ours.
_STANDINS = frozenset({"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock", "PropertyMock",
                       "create_autospec", "SimpleNamespace", "Namespace", "MockerFixture"})


def _imports_from(path: Path | None, submodule: str) -> bool:
    """Does the file spell an import from its package's `submodule` (`from .Model import …`,
    `from pkg.Model import …`)? Without one, its package can't rebind the submodule's name."""
    try:
        text = path.read_bytes() if path is not None else b""
    except OSError:
        return False
    return re.search(rb"\." + re.escape(submodule.encode()) + rb"\s+import\b", text) is not None


def _looks_like_class(name: str) -> bool:
    """`taskclock.Scheduler` is a constructor; `taskclock.make_scheduler` a function."""
    last = name.rsplit(".", 1)[-1]
    return last[:1].isupper()


def _takes(function: FunctionInfo | None, keyword: str) -> str:
    if function is None:
        return UNKNOWN
    if keyword in function.params:
        return EXTERNAL if function.params_are_data else OWN
    if function.var_keyword and keyword in function.kwargs_keys:
        return OWN
    return UNKNOWN


_KIND_ORDER = ("class", "type-alias", "type-var", "module", "function", "method", "constant", "attribute", "variable")


def _preferred_kind(kinds: set[str]) -> str:
    for kind in _KIND_ORDER:
        if kind in kinds:
            return kind
    return next(iter(kinds))
