"""Which files looking members up by a computed name could reach one a rename would change.

`getattr(filters, kind)` in a file that never spells the term matters only where `filters` is
typed as one of the project's classes or modules whose own members spell it (the finder's
`_computed_names` holds those members back): a *term-bearing* type. Every other such file is
searched for nothing, and reading them is most of a large tree's `check` (the standard library
has ~200, four times the source of the files that spell the term).

A file can type a value only from the names it spells: its imports, its own definitions, a
fixture by its parameter's name, a member by its name alone (`Index.by_name`), a dotted string.
Across modules, types travel only through the summaries' type references, dotted names spelled
in the defining module. So a file reaches a term-bearing type only by spelling a name whose
value *leads* there: the class or module itself, a function returning one, a variable holding
one, a class one of whose members (its own or inherited) leads there, or a member by its name
alone. Those names are found backwards from the term-bearing types, reading only the modules
that spell one of them (a definition leads there only through a name its module spells), with
the index's own resolution, until none is added. A computed-lookup file that spells none of
them is not searched.

What the index can't type now might be typed in a file's own search, which counts more modules
as facts (`Index.by_name` types a member when one class alone defines it): such a definition
leads there whenever its reference spells one of the names. A member's name counts on its own
only while at most one of the gathered classes defines it: with more, `by_name` never types it.

A file left out is read as every other file that never spells the term is: not parsed, so
neither a syntax error in it nor an expression too deep to follow is reported, nor a string
whose value spells the term only through escapes. Nothing in it could be renamed, and none of
its lookups reaches a member that could.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from . import files
from .index import Index, Type, looked_up_names
from .prefilter import computed_imports
from .project import Project
from .replay import RACY_NS
from .summary import ModuleSummary
from .vocabulary import Vocabulary

_WORD = re.compile(r"[^\W\d]\w*")
# How many bytes are searched for a name in the time a byte of source is parsed and searched: the
# search for a name's bytes runs at GB/s, ast.parse at a few MB/s (10.5 MB of the standard library
# in 1.9 s). A round of the names costs every module's bytes for each new name; it is not worth
# more than searching the files it might leave out.
SCAN_PER_PARSE = 400
_CLASS_KINDS = ("cls", "inst", "items")


class Remembered(NamedTuple):
    """A finished search for the names, as the cache keeps it (keyed by the facts it started from):
    good for a later run while no module that changed spells one of the names or, outside ASCII,
    the term. (A module read for its definitions spells one: if it changed and no longer does,
    none of its definitions can lead there, and the names it added are only more than needed.)"""

    names: frozenset[str]
    states: dict[str, tuple[int, int, int, int]]  # the modules unchanged since before the run (`_states`)
    left_out: frozenset[str]  # the lookup files found to spell none of the names, by module name


def unreached(index: Index, vocabulary: Vocabulary, facts: list[str], lookups: list[Path], wide: list[Path], *,
              read: Callable[[Path], bytes | None], size: Callable[[Path], int], since: int,
              remember: Callable[[Remembered], None] | None = None) -> list[Path]:
    """The files read only for their computed lookups that can't type a receiver as a term-bearing
    class or module, of `lookups`, the index holding the gathered `facts`. Never one whose names
    spell the term in their NFKC form (the pre-filter reads bytes as written); for the same reason
    the modules outside ASCII (`wide`) whose names do bear the term, though not among the facts,
    do. A finished search for the names is handed to `remember`, with the state of the modules
    unchanged since before the run started (`since`)."""
    module_of = index.project.module_of
    named = _named_with_the_term(index.project.modules, vocabulary)
    unspelled = [path for path in lookups if not spells_the_term(read(path), path, vocabulary)
                 and not _may_import(read(path), module_of.get(path), named)]
    if not unspelled:
        return []
    spelled_wide = [module_of[path] for path in wide
                    if path in module_of and spells_the_term(read(path), path, vocabulary)]
    summaries = [summary for summary in map(index.module, [*facts, *spelled_wide]) if summary is not None]
    modules, classes = term_bearing(summaries, vocabulary, index.project)
    reach = Reach(index, modules, classes | _ancestors(index, classes), read)
    del summaries
    left = reach.unreached(unspelled, size)
    if reach.finished and remember is not None:
        remember(Remembered(frozenset(reach.names), _states(index.project.modules, since),
                            frozenset(module_of[path] for path in left if path in module_of)))
    return left


def unreached_as_remembered(remembered: Remembered, modules: dict[str, Path], vocabulary: Vocabulary,
                            lookups: list[Path], *, read: Callable[[Path], bytes | None],
                            keyed: set[Path]) -> list[Path] | None:
    """`unreached` by the names an earlier run found, or None when they may no longer be all. A
    file it left out and unchanged since is left out again without being read. The content of the
    modules in `keyed` is the cache key's: unchanged, whatever their state."""
    now = _states(modules)
    if not _still_holds(remembered, now, modules, read, vocabulary, keyed):
        return None
    module_of = {path: name for name, path in modules.items()}
    named = _named_with_the_term(modules, vocabulary)
    left = []
    for path in lookups:
        name = module_of.get(path)
        if name in remembered.left_out and name in now and now[name] == remembered.states.get(name):
            left.append(path)
        elif (not spells_the_term(read(path), path, vocabulary) and not _may_import(read(path), name, named)
              and not spells_any(read(path), remembered.names)):
            left.append(path)
    return left


def _named_with_the_term(modules: Iterable[str], vocabulary: Vocabulary) -> list[str]:
    """The modules a part of whose name spells the term: those a rename would move."""
    return [name for name in modules if vocabulary.mentions(name)
            and any(vocabulary.rewrite(part) is not None for part in name.split("."))]


def _may_import(data: bytes | None, module: str | None, named: list[str]) -> bool:
    """May the text import one of the `named` modules by a computed name (the finder's
    `_computed_modules`)? Its name is not a receiver's type: the names that may lead there don't
    tell. A relative one (`"." + kind`) may be any module of the file's own top package."""
    if not named:
        return False
    if data is None:
        return True
    top = (module or "").partition(".")[0]
    if b"iter_modules" in data or b"walk_packages" in data:  # a package's modules, listed by name
        return True
    for prefix in computed_imports(data):
        if prefix.startswith("."):
            if any(name.partition(".")[0] == top for name in named):
                return True
        elif any(name.startswith(prefix) for name in named):
            return True
    return False


def _states(modules: dict[str, Path], since: int | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Each module's size, modification and change times and inode, as git's index compares files.
    With `since` (when the run started, in ns), not those changed too close to it to tell whether
    the run read them before or after (replay.RACY_NS): they are read again next time. Nor a file
    whose text comes from elsewhere than the disk (`files.OVERRIDES`, an editor's buffer)."""
    states = {}
    for name, path in modules.items():
        if files.OVERRIDES and os.path.abspath(path) in files.OVERRIDES:
            continue
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if since is not None and max(stat.st_mtime_ns, stat.st_ctime_ns) >= since - RACY_NS:
            continue
        states[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    return states


def _still_holds(remembered: Remembered, now: dict[str, tuple[int, int, int, int]], modules: dict[str, Path],
                 read: Callable[[Path], bytes | None], vocabulary: Vocabulary, keyed: set[Path]) -> bool:
    """Would following the names again find no other? Only a module that changed and now spells
    one of them (or bears the term outside ASCII) can add any."""
    for name, path in modules.items():
        if (name in now and now[name] == remembered.states.get(name)) or path in keyed:
            continue
        data = read(path)
        if spells_any(data, remembered.names) or spells_the_term(data, path, vocabulary):
            return False
    return True


def spells_the_term(data: bytes | None, path: Path, vocabulary: Vocabulary) -> bool:
    """Does a file whose bytes never spell the term as written (the pre-filter's test) spell it in
    its names' NFKC form? In ASCII it can't, and is not decoded to tell."""
    if data is None or data.isascii():
        return False
    try:
        return vocabulary.spelled_in(files.decode_source(path, data).text, written=False)
    except files.SourceError:
        return False


def term_bearing(summaries: Iterable[ModuleSummary], vocabulary: Vocabulary,
                 project: Project) -> tuple[set[str], set[str]]:
    """The modules and classes (`module:qualname`) whose own members spell the term (what a module
    imports from the project and a package's modules among them: `looked_up_names`), as the
    finder's `_computed_names` reads them. (A module importing `*` from one: `Reach._propagate`.)"""
    spells = vocabulary.renames
    modules: set[str] = set()
    classes: set[str] = set()
    for summary in summaries:
        if any(map(spells, looked_up_names(summary, project))):
            modules.add(summary.name)
        classes.update(f"{summary.name}:{qualname}" for qualname, info in summary.classes.items()
                       if any(map(spells, info.members)))
    # A package whose module's name spells the term, whether or not its own file does.
    for name in project.modules:
        package, _, last = name.rpartition(".")
        if package and spells(last):
            modules.add(package)
    return modules, classes


def _ancestors(index: Index, classes: set[str]) -> set[str]:
    """The first-party bases of these classes, all the way up: a lookup by a computed name on a base
    class's instance may reach its subclasses' members (the finder's `Index.subclass_members`)."""
    found: set[str] = set()
    pending = list(classes)
    while pending:
        module, _, qualname = pending.pop().partition(":")
        summary = index.module(module)
        info = summary.classes.get(qualname) if summary is not None else None
        for base in info.bases if info is not None else ():
            ref = index.resolve_dotted(module, base)
            if ref.type is not None and ref.type.kind == "cls" and ref.type.name not in found:
                found.add(ref.type.name)
                pending.append(ref.type.name)
    return found


class _Definition:
    """A name a module defines: what its value is typed from, and whether it leads there yet.

    `fixed` is the type a class, function or method is by its definition; otherwise the index
    types the value (`resolve`) only once its reference spells one of the names: it can't lead
    there before (see `Reach._leads`)."""

    __slots__ = ("name", "kind", "owner", "fixed", "words", "resolve", "typed", "leads")

    def __init__(self, name: str, kind: str, owner: str = "", *, fixed: Type | None = None,
                 words: frozenset[str] = frozenset(), resolve: Callable[[], Type | None] | None = None):
        self.name = name
        # "symbol" (owner: its module, or none for a pytest fixture), "function" (name: qualified),
        # "member" (owner: its class)
        self.kind = kind
        self.owner = owner
        self.fixed = fixed
        self.words = words
        self.resolve = resolve
        self.typed: Type | None | bool = False  # False: not asked yet
        self.leads = False


class Reach:
    """The names that may lead to a term-bearing type, found backwards from them (module docstring)."""

    def __init__(self, index: Index, modules: set[str], classes: set[str],
                 read: Callable[[Path], bytes | None]):
        self.index = index
        self.read = read
        self.term_modules = modules
        self.classes = set(classes)  # classes leading there, term-bearing ones included
        self.functions: set[str] = set()  # functions (`module:qualname`) whose result leads there
        self.names: set[str] = set()
        self._plain: set[str] = set()  # names that lead there wherever they are spelled
        self._bound: dict[str, set[str]] = {}  # the others: the first names of the modules defining them
        for module in modules:
            self._name(module.rpartition(".")[2], module)
        for qualified in classes:
            module, _, qualname = qualified.partition(":")
            self._name(qualname.rpartition(".")[2], module)
        self._definitions: dict[str, list[_Definition]] = {}
        self._named: dict[Path, bytes] = {}  # texts outside ASCII not in NFKC form, as their names are
        self._named_size = 0
        self._bases: dict[str, frozenset[str]] = {}  # each class read, by qualified name: its bases' words
        self._stars: dict[str, list[str]] = {}  # each module read: the modules of ours it imports `*` from
        self.finished = False  # every name found: not stopped because no file was left, or for cost
        self._module_bytes: int | None = None

    def unreached(self, paths: Iterable[Path], size: Callable[[Path], int]) -> list[Path]:
        """Of these files, those that spell no name leading to a term-bearing type. The names are
        followed while some file is left that spells none of them yet, and while a round costs
        less than searching the files left would: reading every module for the new names
        (`SCAN_PER_PARSE`), and parsing those that spell one and are not summarised yet. Where it
        would cost more, every file is searched: nothing is proven of any."""
        left = list(paths)
        fresh = set(self.names)
        modules = self.index.project.modules
        module_of = self.index.project.module_of
        while fresh and left:
            left = [path for path in left if not self._spells(module_of.get(path), path, fresh)]
            if not left:
                return []
            if self._scanned(size) * len(fresh) > sum(map(size, left)) * SCAN_PER_PARSE:
                return []
            unspelling = set(left)  # just read for the same names: none of them is spelled there
            spelling = [name for name, path in modules.items() if name not in self._definitions
                        and path not in unspelling and self._spells(name, path, fresh)]
            unread = sum(size(modules[name]) for name in spelling if not self.index.summarised(name))
            if unread > sum(map(size, left)):
                return []
            for name in spelling:
                self._definitions[name] = self._defined(name)
            before = self._told()
            self._propagate()
            fresh = {name for name in self.names if self._told(name) != before.get(name)}
        self.finished = True
        return left

    def _name(self, name: str, module: str = "") -> None:
        """`name` leads there: wherever it is spelled, or (defined at the top of `module`) where it
        may name that module's definition (`_spells`)."""
        self.names.add(name)
        if not module:
            self._plain.add(name)
        else:
            self._bound.setdefault(name, set()).add(module.partition(".")[0])

    def _told(self, name: str | None = None):
        """How a name is asked of a file (`_spells`): all of them, or one."""
        if name is None:
            return {name: self._told(name) for name in self.names}
        return True if name in self._plain else frozenset(self._bound.get(name, ()))

    def _spells(self, module: str | None, path: Path, names: set[str]) -> bool:
        """Does a module's text spell one of `names` where it may name what leads there?

        A name defined at the top of a module M (its classes, functions and values, a package's
        modules) is named elsewhere only by importing it, which spells M's first name (`from
        a.b import c`, `import a.b`, `from a.b import *`), from within M's top package (`from
        . import c`, relative imports can't leave it), or as an attribute or a string (`x.c`,
        `getattr(x, "c")`, `"a.b.c"`): elsewhere, `c` is some other value's name. A member by its
        name alone, or a pytest fixture by its parameter's, is named wherever it is spelled."""
        first = module.partition(".")[0] if module is not None else None
        data = self._named.get(path)
        if data is None:
            data = self.read(path)
            if data is not None and not data.isascii():
                # Its names as the tree has them, in UTF-8 (the bytes as they are when in NFKC form):
                # searched as bytes, a name outside ASCII meets a word boundary at every character
                # outside ASCII, which finds it more often, never less.
                text = data.decode("utf-8", "replace")
                named = _as_named(data, text)  # once a run, where it takes work
                if named is not text:
                    data = named.encode("utf-8", "surrogatepass")
                    if len(data) <= _NAMED_KEPT - self._named_size:
                        self._named[path] = data
                        self._named_size += len(data)
        for name in names:
            if not spells_any(data, (name,), named=True):
                continue
            bound = self._bound.get(name)
            if name in self._plain or bound is None or first in bound or data is None:
                return True
            if spells_any(data, (name,), dotted=True, named=True) or spells_any(data, bound, named=True):
                return True
        return False

    def _scanned(self, size: Callable[[Path], int]) -> int:
        """The bytes a round reads for each new name: every module's."""
        if self._module_bytes is None:
            self._module_bytes = sum(map(size, self.index.project.modules.values()))
        return self._module_bytes

    def _defined(self, module: str) -> list[_Definition]:
        index = self.index
        summary = index.module(module)
        if summary is None:
            return []
        found: list[_Definition] = []
        self._stars[module] = [star for star in summary.star_imports if index.project.is_first_party(star)]
        for name, symbol in summary.symbols.items():
            if symbol.kind == "class":
                found.append(_Definition(name, "symbol", module, fixed=Type("cls", f"{module}:{name}")))
            elif symbol.kind == "function":
                function = summary.functions.get(name)
                found.append(_Definition(name, "symbol", "" if function is not None and function.fixture else module,
                                         fixed=Type("func", f"{module}:{name}")))
            else:
                found.append(_Definition(name, "symbol", module, words=_words(symbol.target, symbol.type_ref, *symbol.names),
                                         resolve=lambda name=name: index.resolve_name(module, name).type))
        for qualname, function in summary.functions.items():
            qualified = f"{module}:{qualname}"
            found.append(_Definition(qualified, "function", words=_words(function.returns_value, function.returns),
                                     resolve=lambda qualified=qualified: index.call_result(Type("func", qualified))))
        for qualname, info in summary.classes.items():
            owner = f"{module}:{qualname}"
            self._bases[owner] = _words(*info.bases)
            for name, member in info.members.items():
                if member.kind == "method":
                    fixed = Type("func", f"{owner}.{name}")
                elif member.kind == "class":
                    fixed = Type("cls", f"{owner}.{name}")
                else:
                    found.append(_Definition(name, "member", owner, words=_words(member.type_ref),
                                             resolve=lambda owner=owner, name=name: index.attribute(
                                                 Type("inst", owner), name, owned=False).type))
                    continue
                found.append(_Definition(name, "member", owner, fixed=fixed))
        return found

    def _propagate(self) -> None:
        index = self.index
        changed = True
        while changed:
            changed = False
            for definitions in self._definitions.values():
                for definition in definitions:
                    if definition.leads or not self._leads(definition):
                        continue
                    definition.leads = changed = True
                    if definition.kind == "function":
                        self.functions.add(definition.name)
                        continue
                    if definition.kind == "member":
                        self.classes.add(definition.owner)
                        if _by_name_types(index, definition.name):
                            self._name(definition.name)
                        continue
                    self._name(definition.name, definition.owner)
            # A module importing `*` from a term-bearing one holds its names (`Index.looked_up_names`).
            for module, stars in self._stars.items():
                if module not in self.term_modules and not self.term_modules.isdisjoint(stars):
                    self.term_modules.add(module)
                    self._name(module.rpartition(".")[2], module)
                    changed = True
            # A class inheriting one that leads there leads there too (`find_member` walks the bases),
            # and its bases spell the name of the one that does.
            for qualified, words in self._bases.items():
                if qualified in self.classes or words.isdisjoint(self.names):
                    continue
                bases = _typed(lambda: index.mro(qualified)[0][1:]) or ()
                if any(f"{module}:{info.qualname}" in self.classes for module, info in bases):
                    self.classes.add(qualified)
                    changed = True

    def _leads(self, definition: _Definition) -> bool:
        """A value whose reference spells none of the names can't be typed as leading there: each
        step of resolving it (`a.b.c`) types a name its module spells, or a member by name alone."""
        value = definition.fixed
        if value is None:
            if definition.words.isdisjoint(self.names):
                return False
            if definition.typed is False:
                definition.typed = _typed(definition.resolve)
            value = definition.typed
            if value is None:
                return True  # undecided here, and perhaps typed in a search that counts more facts
        if value.kind in _CLASS_KINDS:
            return value.name in self.classes
        if value.kind == "func":
            return value.name in self.functions
        if value.kind == "mod":
            return value.name in self.term_modules
        return False


def _typed(resolve: Callable[[], Type | None]) -> Type | None:
    """The index's answer, or None (undecided) where its resolution runs in circles (members typed
    by name alone that name each other: a search reports its file as too deep to follow)."""
    try:
        return resolve()
    except RecursionError:
        return None


def _by_name_types(index: Index, name: str) -> bool:
    """May `by_name` type a member of this name, in some file's search? Only while at most one
    class defines it among the gathered facts (a search adds facts, never takes them away)."""
    count = index.members.get(name, (0, None))[0]
    return count <= 1 and len(index.defined.get(name, ())) <= 1


def _words(*references) -> frozenset[str]:
    words: set[str] = set()
    for reference in references:
        if reference is None:
            continue
        text = reference[1] if isinstance(reference, tuple) else reference
        words.update(_WORD.findall(text))
    return frozenset(words)


def spells_any(data: bytes | str | None, names: Iterable[str], *, dotted: bool = False, named: bool = False) -> bool:
    """Does the text spell one of `names` as a whole word (identifiers compared NFKC-normalised)?
    `dotted`: after a dot (`a.b`, `a . b`) or a quote, or where a dot may stand before it
    (`_after_a_dot`). A text outside ASCII is asked as `_as_named` makes it, unless `named`
    says the bytes are that already."""
    if data is None:
        return True  # unreadable: its search reports it
    if isinstance(data, bytes) and not named and not data.isascii():
        data = _as_named(data)
    if isinstance(data, str):
        return any(_after_a_dot(data, match.start()) if dotted else True
                   for name in names if name in data
                   for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", data))
    for name in names:
        encoded = name.encode()
        at = data.find(encoded)
        while at >= 0:
            end = at + len(encoded)
            if (at == 0 or not _is_word(data[at - 1])) and (end == len(data) or not _is_word(data[end])) \
                    and (not dotted or _after_a_dot(data, at)):
                return True
            at = data.find(encoded, at + 1)
    return False


def _as_named(data: bytes, text: str | None = None) -> str:
    """A text outside ASCII as its names are: NFKC-normalised (most text is in that form already,
    and is given back as it is: `text`, when given, is its decoding)."""
    text = data.decode("utf-8", "replace") if text is None else text
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _after_a_dot(data: bytes | str, at: int) -> bool:
    """May a dot (or a quote) stand before `at`: past spaces on its line or, first on it, at the
    end of the last line of code before (inside brackets, `a.b.` may end a line and a comment or
    a blank line follow it)? Where a `#` may start a comment, the code could end before it."""
    spaces, stops, newlines, backslash, hash_ = _BYTES if isinstance(data, bytes) else _TEXT
    at -= 1
    while at >= 0 and data[at] in spaces:
        at -= 1
    if at >= 0 and data[at] in stops:
        return True
    if at >= 0 and data[at] not in newlines:
        return False
    end = at
    for _ in range(_LINES_BACK):
        if end < 0:
            return False
        while end >= 0 and data[end] in newlines:
            end -= 1
        start = max(data.rfind(newlines[:1], 0, end + 1), data.rfind(newlines[1:], 0, end + 1)) + 1
        line = data[start:end + 1]
        code = line.lstrip()
        if code and not code.startswith(hash_):
            ends = [line] + [line[:place] for place in range(len(line)) if line[place:place + 1] == hash_]
            return any(part.rstrip().endswith((stops[:1], backslash)) for part in ends)
        end = start - 1  # blank, or a comment alone: the line before
    return True


# Characters of normalised text `Reach` keeps, so that a file is normalised once rather than every round.
_NAMED_KEPT = 1 << 24


_BYTES = (b" \t\f", b".'\"", b"\n\r", b"\\", b"#")
_TEXT = (" \t\f", ".'\"", "\n\r", "\\", "#")
_LINES_BACK = 20  # blank and comment lines looked past before it is taken that a dot may stand there


def _is_word(byte: int) -> bool:
    return byte == 95 or 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122
