"""A name moves whole or not at all: every occurrence of its spelling is accounted for first.

The finder judges each occurrence on its own: this `job_id` is our parameter,
that `"job_id"` is a string no stage claims, that `x.job_id` can't be tied to
anything. Renaming the first while the others stay is how a migration breaks
a project and still looks done — a keyword renamed while `kwargs.pop("job_id")`
or `__slots__ = ("job_id",)` or `@click.option("--job-id")` still spells the
old name. So before a plan is written, each spelling that is about to be
renamed is checked against every occurrence of the same spelling in the files
searched:

- renamed in this run, or a local of a function (a local moves with its own
  uses alone, whatever else in the project shares its spelling): accounted for;
- tied to something else (a third-party name, an environment variable,
  another service's URL or request keys) or prose: accounted for;
- can't be tied to anything (unresolved), or a string that spells the name
  whole and that no stage can vouch for: *not* accounted for.

A spelling with an occurrence not accounted for keeps its name everywhere,
and is reported once with the occurrences that held it back. The unit is the
spelling (minus locals): an unresolved `x.job_id` could be a use of any
`job_id` the project defines, and nothing says which.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .literals import MAYBE_A_CLOSURES, NAME_PIECE
from .sites import Action, Role, Site
from .summary import mangled_parts

# Notes of reported strings that are tied to something outside the project: not a name of ours.
_TIED_ELSEWHERE = (
    "another service",  # its URL, or the body of a request sent to it
    "environment variable",
    "URL path the project doesn't serve",
    "data, left as it is",
    "a keyword of a callable the project doesn't define",  # a key of a dict handed to it as **kwargs
)
# ...and of keys read from what third-party code hands back, which may be the very dict the project
# wrote (a router hands back our handler's response): they hold back the same key on the wire.
_THEIR_KEYS = ("a key looked up on a third-party object",)
_NAME_CHAR = re.compile(r"[A-Za-z0-9_\-]")
_CONFIG_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")  # JOBS, SCHEDULER_JOB_DEFAULTS
_QUOTES = "'\""
_LITERAL_ROLES = (Role.LITERAL, Role.PROSE)


@dataclass
class Withheld:
    """A spelling kept everywhere: the occurrences that held it back, and what of the renames it
    stopped the plan needs (their positions are in `Withdrawn`: there may be hundreds of thousands)."""

    name: str
    blockers: list[Site] = field(default_factory=list)
    local: bool = False  # a function's local: kept in its function alone
    first: Site | None = None  # where it is best shown: its definition first, then in path order
    moves_module: bool = False  # one of its renames is a module's file or folder
    number: int = -1  # its place among the entries withhold() returns

    def take(self, mover: Site) -> None:
        """One more rename this withdraws."""
        if self.first is None or _shown_first(mover) < _shown_first(self.first):
            self.first = mover
        if mover.kind == "module":
            self.moves_module = True

    def reason(self) -> str:
        shown = ", ".join(f"{site.path}:{site.line}:{site.column + 1}" for site in self.blockers[:3])
        more = f" and {len(self.blockers) - 3} more" if len(self.blockers) > 3 else ""
        what = "occurrence" if len(self.blockers) == 1 else "occurrences"
        where = "in its function" if self.local else "everywhere"
        return (f"{self.name!r} is kept {where}: {len(self.blockers)} {what} of the name can't be tied "
                f"to what is renamed ({shown}{more})")


def _shown_first(site: Site) -> tuple:
    return (site.role is not Role.DEFINITION, site.path, site.line, site.column)


class Withdrawn:
    """The renames held back, as site key -> the reason: per file, the positions in order (line and
    column in one integer) and the entry holding each back — a few bytes a rename, where a set of
    keys took a hundred, and a name held back in a monorepo has a rename in every package."""

    _LINE = 24  # columns below 2**24

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        self._taken: dict[str, tuple[array, array]] = {}  # path -> positions, entry numbers (as taken)
        self._at: dict[str, tuple[array, array]] = {}  # path -> the same, in order, once sealed

    def take(self, site: Site, number: int) -> None:
        found = self._taken.get(site.path)
        if found is None:
            found = self._taken[site.path] = (array("q"), array("l"))
        found[0].append((site.line << self._LINE) | site.column)
        found[1].append(number)

    def seal(self) -> "Withdrawn":
        for path, (positions, numbers) in self._taken.items():
            pairs = sorted(set(zip(positions, numbers)))
            self._at[path] = (array("q", [position for position, _ in pairs]), array("l", [number for _, number in pairs]))
        self._taken = {}
        return self

    def get(self, key: tuple[str, int, int], default: str | None = None) -> str | None:
        path, line, column = key
        found = self._at.get(path)
        if found is None:
            return default
        positions, numbers = found
        position = (line << self._LINE) | column
        at = bisect.bisect_left(positions, position)
        if at < len(positions) and positions[at] == position:
            return self.reasons[numbers[at]]
        return default

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]

    def __bool__(self) -> bool:
        return bool(self._at)

    def __len__(self) -> int:
        return sum(len(positions) for positions, _ in self._at.values())

    def paths(self) -> list[str]:
        return sorted(self._at)


class Lines:
    """A file's lines, split once while its sites are gone through: asked for by every literal site
    of the file. The sites come a file at a time, so only the last few files' lines are kept (all
    of a large project's would be a second copy of its text)."""

    KEPT = 16

    def __init__(self, texts: Mapping[str, str]):
        self._texts = texts
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            text = self._texts.get(path)
            if text is None:
                return None
            if len(self._lines) >= self.KEPT:
                del self._lines[next(iter(self._lines))]  # the oldest
            lines = self._lines[path] = text.splitlines(keepends=True)
        return lines[number - 1] if 0 < number <= len(lines) else None


def whole_string(line: str | None, site: Site) -> str | None:
    """The name a literal site's string spells whole (`"job_id"`, `"--job-id"` -> `job_id`), or None
    when the word sits inside a longer string (`"job:{id}"`, `"app.jobs"`, prose)."""
    if line is None:
        return None
    start, end = site.column, site.end_column
    while start > 0 and _NAME_CHAR.match(line[start - 1]):
        start -= 1
    while end < len(line) and _NAME_CHAR.match(line[end]):
        end += 1
    if start == 0 or end >= len(line) or line[start - 1] not in _QUOTES or line[end] != line[start - 1]:
        return None
    if line[end - 1] == "-":
        return None  # `"job-"`: a prefix of data, not a name
    name = line[start:end].lstrip("-").replace("-", "_")
    return name if name.isidentifier() else None


# Text files that may name the project's code: configuration (`storage = app.storage.MemoryJobStorage`),
# templates (`{{ job.job_id }}`, and their own file names), fixtures. Prose (.md, .rst, .txt) doesn't.
_SETTINGS_SUFFIXES = (".cfg", ".ini", ".conf", ".toml", ".yaml", ".yml", ".json", ".html", ".htm", ".jinja",
                      ".jinja2", ".j2", ".tpl", ".xml")
# ...and code in other languages that shares names with it: the columns a query returns (`AS jobs_count`,
# read back as `row["jobs_count"]`), a Lua script's keys, a front end reading a payload (`data.jobId`).
# There a dot or a dash is the language's own, so only a name of several words counts.
_CODE_SUFFIXES = (".sql", ".lua", ".graphql", ".gql", ".proto", ".sh", ".bash", ".js", ".mjs", ".cjs", ".ts",
                  ".jsx", ".tsx", ".vue", ".svelte")
OTHER_SUFFIXES = _SETTINGS_SUFFIXES + _CODE_SUFFIXES
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def other_names(paths: Iterable[tuple[str, str]], names: set[str]) -> list[Site]:
    """Occurrences of `names` in (relative path, text) pairs of files that aren't Python, and in
    their file names: nothing ties them to the code, so they hold a name back.

    Only what looks like code there counts: a name of several words (`job_id`, `MemoryJobStorage`)
    or, in settings, a part of a dotted path (`app.jobs.Runner`); a lone word (`"submit jobs"`) is prose."""
    found = []
    for path, text in paths:
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
        if stem in names:
            found.append(_elsewhere(path, 1, 0, stem, "the name of a file that isn't Python"))
        settings = not path.endswith(_CODE_SUFFIXES)
        for number, line in enumerate(text.splitlines(), 1):
            for match in _NAME.finditer(line):
                name = match.group()
                if name in names and (_SEVERAL_WORDS.search(name)
                                      or settings and _dotted_at(line, match.start(), match.end())):
                    found.append(_elsewhere(path, number, match.start(), name, "named in a file that isn't Python"))
            if not settings:
                continue
            for match in _DASHED.finditer(line):  # `regex-job` in YAML, which code may turn into `regex_job`
                name = match.group().replace("-", "_")
                if name in names:
                    found.append(_elsewhere(path, number, match.start(), name, "named in a file that isn't Python"))
    return found


_DASHED = re.compile(r"(?<![\w-])[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)+(?![\w-])")
_SEVERAL_WORDS = re.compile(r"[A-Za-z0-9]_+[A-Za-z0-9]|[a-z0-9][A-Z]")


class _Holders:
    """Which names hold a run of words whole (`SlurmJobEnvironment` holds `JobEnvironment`, not
    `obEnvironment`), asked once per string that names code: an index, not a scan, so a module with
    tens of thousands of names and strings costs (names + strings) x log, not names x strings.

    Each name is filed under every suffix that starts at one of its word boundaries (its start, after
    `_`, a capital after a non-capital, or the capital that starts a word after an acronym: HTTP|Job);
    the names holding `words` are those with such a suffix that starts with `words` and goes on at a
    boundary (its end, `_` or a capital).
    """

    def __init__(self, names: Iterable[str]):
        entries = sorted({(name[at:], name) for name in names for at in _word_starts(name)})
        self._suffixes = [suffix for suffix, _ in entries]
        self._names = [name for _, name in entries]

    def holding(self, words: str) -> set[str]:
        found = set()
        index = bisect.bisect_left(self._suffixes, words)
        while index < len(self._suffixes) and self._suffixes[index].startswith(words):
            rest = self._suffixes[index][len(words):]
            if not rest or rest[0] == "_" or rest[0].isupper():
                found.add(self._names[index])
            index += 1
        return found


def _word_starts(name: str) -> Iterable[int]:
    yield 0
    for at in range(1, len(name)):
        capital = name[at].isupper()
        after_capitals = capital and name[at - 1].isupper() and name[at + 1:at + 2].islower()  # HTTP|Job
        if name[at - 1] == "_" or (capital and not name[at - 1].isupper()) or after_capitals:
            yield at


def _dotted_at(line: str, start: int, end: int) -> bool:
    before = line[start - 1] == "." and start > 1 and (line[start - 2].isalnum() or line[start - 2] == "_")
    after = end + 1 < len(line) and line[end] == "." and (line[end + 1].isalpha() or line[end + 1] == "_")
    return before or after


def _elsewhere(path: str, line: int, column: int, name: str, note: str) -> Site:
    return Site(path, line, column, line, column + len(name), name, name, "string", Role.LITERAL, Action.UNRESOLVED, note)


PARAM = "param:"  # how a parameter's identity starts (finder.param_of); a function's other locals' don't
# Notes of strings that name code inside a longer text.
_NAMES_INSIDE = ("a module's file name", "text that names the project's code", "a word in code embedded")


def _function_of(param: str) -> str:
    """`param:path:1:0:9:handle_job.job` -> `handle_job`."""
    return param.rsplit(":", 1)[-1].rpartition(".")[0]


def _namespaces(site: Site) -> tuple[str, ...]:
    """Where a name lives, as far as what can name it goes: a parameter is named by keywords and
    **kwargs keys ("kw"); everything else by attribute, import or bare name ("attr"). A field is
    both (`Job(job_id=…)`, `job.job_id`), and a string can be either, or a key on the wire ("wire")."""
    if site.action is Action.REPORT and site.note.startswith(_THEIR_KEYS):
        return ("wire",)
    if site.role in _LITERAL_ROLES:
        return ("kw", "attr", "wire")
    if site.kind == "field":
        return ("kw", "attr")
    if site.kind == "parameter":
        return ("kw",)
    return ("attr",)


def _word_at(line: str | None, site: Site) -> str | None:
    """The identifier-like run of characters that holds the site's word."""
    if line is None:
        return None
    start, end = site.column, site.end_column
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):
        start -= 1
    while end < len(line) and (line[end].isalnum() or line[end] == "_"):
        end += 1
    name = line[start:end]
    return name if name.isidentifier() else None


def _blocks(site: Site) -> bool:
    if site.action is Action.UNRESOLVED:
        return True
    if site.action is Action.EXTERNAL:
        # (only a closure's parameter moves under its spelling)
        return site.note == MAYBE_A_CLOSURES or _setting_read_by_them(site)
    if site.action is Action.REPORT:
        return not any(mark in site.note for mark in _TIED_ELSEWHERE)
    return False


def _setting_read_by_them(site: Site) -> bool:
    """A setting's name read or set on a third party's object (`settings.CRON_JOB_TIMEOUT`,
    `getattr(settings, "CRON_JOB_TIMEOUT", 60)`): a framework's settings object serves the names of
    a settings module (Django's, `app.config.from_object`), so the project's definitions of that
    name are the setting itself, or a copy read from it, and keep it with the reader."""
    return site.role in (Role.REFERENCE, Role.STRING) and site.kind != "module" \
        and _CONFIG_NAME.fullmatch(site.old) is not None


class _Movers:
    """What the renames of one (name, namespace) are, as far as holding them back goes: how many,
    the methods of the parameters among them, whether a class or function is one."""

    __slots__ = ("count", "methods", "class_or_function")

    def __init__(self) -> None:
        self.count = 0
        self.methods: set[str] = set()
        self.class_or_function = False

    def note(self, site: Site) -> None:
        self.count += 1
        if site.local.startswith(PARAM):
            self.methods.add(_function_of(site.local))
        if site.kind in _CLASS_OR_FUNCTION:
            self.class_or_function = True

    def any(self, method: str | None, class_or_function: bool) -> bool:
        if method is not None:
            return method in self.methods
        return self.class_or_function if class_or_function else self.count > 0


_CLASS_OR_FUNCTION = ("class", "function")
# Which renames a blocker withdraws: its namespaces, the method its parameter belongs to (None: any),
# and whether only classes and functions (a name holding the blocker's words); or a local, whole.
_Wanted = tuple[tuple[str, ...], "str | None", bool]
_LOCAL = ((), None, False)


def withhold(sites: Mapping[str, list[Site]], chosen: Iterable[Site], texts: Mapping[str, str],
             elsewhere: Iterable[Site] = ()) -> tuple[list[Withheld], Withdrawn]:
    """The spellings among the `chosen` renames that can't move whole, and the chosen sites they withdraw.

    `sites` is every site found (path -> sites), `texts` the files' texts (for the strings' extent),
    `elsewhere` the names found in the project's other text files (`other_names`).

    `chosen` is iterated twice and `sites` once, a file's sites at a time, and neither is held:
    first what moves is counted by spelling, then the blockers are matched against the counts, and
    only the renames of the spellings held back are kept, as they come by the second time. A large
    project's sites are packed (sitetable.py) and unpacked only as each file is reached.
    """
    lines = Lines(texts)

    def name_of(site: Site) -> str | None:
        if site.role in _LITERAL_ROLES:
            return whole_string(lines.line(site.path, site.line), site)
        return site.old

    moving: dict[tuple[str, str], _Movers] = {}  # (name, namespace) -> what the renames are
    locals_: set[str] = set()  # the functions' locals among the renames
    in_strings = False  # words renamed inside longer strings (which may hold a dotted path)
    for site in chosen:
        if site.local and not site.local.startswith(PARAM):
            locals_.add(site.local)
            continue
        name = name_of(site)
        if name is None:
            in_strings = in_strings or site.role in _LITERAL_ROLES
        else:
            for space in _namespaces(site):
                movers = moving.get((name, space))
                if movers is None:
                    movers = moving[(name, space)] = _Movers()
                movers.note(site)
    if not moving and not locals_ and not in_strings:
        return [], Withdrawn([]).seal()
    # Inside its own function a local is held back like any name (`"do job_fun()"` there may be its __name__).
    local_at: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for local in sorted(locals_):
        path, first, _, end, name = local.rsplit(":", 4)
        local_at.setdefault((path, name), []).append((int(first), int(end), local))
    held: dict[str, Withheld] = {}
    wanted: dict[str, set[_Wanted]] = {}  # held name (or local) -> which of its renames it withdraws
    holders = _Holders(name for name, space in moving if space == "attr")

    def hold(site: Site, name: str) -> None:
        # A parameter kept in its own function (`def handle_job(self, job)` overriding a method of an
        # unreadable base) is no use of another function's parameter: only of the same method's in
        # the classes above or below it, whose keywords travel together.
        method = _function_of(site.local) if site.local.startswith(PARAM) else None
        spaces = _namespaces(site)
        if spaces == ("wire",) and _CONFIG_NAME.fullmatch(name):
            # `app.config["JOBS"]`: a configuration key, which third-party code fills from the
            # attributes of the same name (`app.config.from_object(Config)`, a settings module).
            spaces = ("wire", "attr")
        hold_named(site, name, (spaces, method, False))
        mangled = mangled_parts(name)
        if mangled is not None:
            # `obj._BaseJob__handle` is `self.__handle` of class `BaseJob` by the name Python gives it
            # outside the class: kept, it keeps the class's name and the private name it is made of.
            owner, private = mangled
            hold_named(site, owner, (("attr",), None, True))
            hold_named(site, private, (("attr",), None, False))
        if site.role in (Role.STRING, *_LITERAL_ROLES) and (_SEVERAL_WORDS.search(name) or site.note == NAME_PIECE):
            # `n.endswith("JobEnvironment")` on a class's __name__: the classes whose names hold the
            # string's words (`SlurmJobEnvironment`) move with it or not at all (`"_job"`: `run_job`).
            for other in sorted(holders.holding(name.strip("_")) - {name}):
                hold_named(site, other, (("attr",), None, True))

    def hold_named(site: Site, name: str, want: _Wanted) -> None:
        spaces, method, class_or_function = want
        if any(movers.any(method, class_or_function) for space in spaces
               for movers in (moving.get((name, space)),) if movers is not None):
            held.setdefault(name, Withheld(name)).blockers.append(site)
            wanted.setdefault(name, set()).add(want)

    kept_code: dict[str, Site] = {}  # functions and classes kept where they are defined
    for path_sites in sites.values():
        for site in path_sites:
            if site.role is Role.DEFINITION and site.action is Action.UNRESOLVED and site.kind in _CLASS_OR_FUNCTION:
                kept_code.setdefault(site.old, site)
            if site.local and not site.local.startswith(PARAM):
                if site.local in locals_ and _blocks(site):
                    # A use of a local that can't be renamed (handed to a registry that keys it by its
                    # `__name__`): the local keeps its name in its function.
                    held.setdefault(site.local, Withheld(site.old, local=True)).blockers.append(site)
                    wanted[site.local] = {_LOCAL}
                continue
            if not _blocks(site):
                continue
            name = name_of(site)
            if name is None and site.note.startswith(_NAMES_INSIDE):
                # Inside a longer string that names code (`"two_step_job.py"`, `"<app.job.Job foo>"`),
                # the name the word stands in holds back whatever has that name.
                name = _word_at(lines.line(site.path, site.line), site)
            if name is None:
                continue
            hold(site, name)
            if site.role not in (Role.STRING, *_LITERAL_ROLES):
                continue  # in its function, only a string can name a local otherwise than by its name
            for first, end, local in local_at.get((site.path, name), ()):
                if first <= site.line <= end:
                    held.setdefault(local, Withheld(name, local=True)).blockers.append(site)
                    wanted[local] = {_LOCAL}
    for site in elsewhere:
        hold(site, site.old)
    in_paths = _kept_in_paths(chosen, lines, held, moving, kept_code) if in_strings else {}
    if not held:
        return [], Withdrawn([]).seal()
    entries = sorted(held.values(), key=lambda entry: (entry.name, entry.local))
    for number, entry in enumerate(entries):
        entry.number = number
    withdrawn = Withdrawn([entry.reason() for entry in entries])
    for site in chosen:  # the renames of what is held back
        if site.local and not site.local.startswith(PARAM):
            entry = held.get(site.local) if site.local in wanted else None
        else:
            name = name_of(site)
            wants = wanted.get(name) if name is not None else None
            entry = held[name] if wants and any(_withdraws(want, site) for want in wants) else None
            if entry is None and in_paths and site.role in _LITERAL_ROLES:
                word = in_paths.get(site.key())
                entry = held[word] if word is not None else None
        if entry is not None:
            entry.take(site)
            withdrawn.take(site, entry.number)
    return entries, withdrawn.seal()


def _kept_in_paths(chosen: Iterable[Site], lines: "Lines", held: dict[str, Withheld],
                   moving: dict[tuple[str, str], _Movers], kept_code: dict[str, Site]) -> dict[tuple, str]:
    """`"builtin:app.tasks.remove_old_jobs"`, `f"{__name__}:run_job"`: the renames of words in longer
    strings that stand in a dotted or `module:attribute` path for a function or class that keeps its
    name (a task queue names it so, a scheduler its tasks), each
    with that name: the string keeps it too. A name kept only at its definition gets an entry."""
    code = set(kept_code)
    code.update(name for name in held if (movers := moving.get((name, "attr"))) is not None
                and movers.class_or_function)
    found: dict[tuple, str] = {}
    if not code:
        return found
    for site in chosen:
        if site.role not in _LITERAL_ROLES:
            continue
        line = lines.line(site.path, site.line)
        word = _word_at(line, site)
        if word is None or word not in code or word == site.old:
            continue
        start = line.find(word, max(0, site.column - len(word)))
        if start > 0 and line[start - 1] in ".:":  # `app.tasks.run_job`, `f"{__name__}:run_job"`
            if word not in held:
                held[word] = Withheld(word, [kept_code[word]])
            found[site.key()] = word
    return found


def _withdraws(want: _Wanted, site: Site) -> bool:
    spaces, method, class_or_function = want
    if not any(space in spaces for space in _namespaces(site)):
        return False
    if method is not None and not (site.local.startswith(PARAM) and _function_of(site.local) == method):
        return False
    return not class_or_function or site.kind in _CLASS_OR_FUNCTION
