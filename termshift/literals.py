"""Wire-format literals: which strings are storage keys, routes, event types,
payload keys or prose — and which only look like them.

A string's meaning comes from where it sits, not from what it spells:
``"job_id"`` is a payload key as a dict key, an environment variable under
``os.environ``, prose in a log call. So each literal is classified by its
context first and its shape second, and anything that names a thing outside
the project (an environment variable, another program's flag, another
service's URL) is reported, never rewritten. What no rule claims is reported
too: a guess would be a silent change on the wire.

Runs after the identifier pass, on the same tree, and skips every word that
pass already claimed (``__all__`` entries, dotted paths, route placeholders,
``**kwargs`` keys).
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
import sys
from collections import deque
from typing import TYPE_CHECKING, Iterable, Iterator

from . import strings
from .astwalk import calls, walk, walk_statements
from .index import OWN
from .sites import Action, Role, Site
from .summary import dotted, may_call
from .textpos import NON_ASCII, Positions, line_starts
from .vocabulary import MatchKind, split_words

if TYPE_CHECKING:
    from .finder import Finder

ROUTE_DECORATORS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket",
     "websocket_route", "view"}
)
ROUTE_REGISTRATIONS = frozenset(
    {"add_route", "add_url_rule", "add_api_route", "add_api_websocket_route", "add_websocket_route", "add_get",
     "add_post", "add_put", "add_patch", "add_delete", "add_head", "add_view"}
)
# Route tables: Django's path()/re_path()/url(), Starlette's Route/Mount.
ROUTE_TABLE_SOURCES = {
    "django.urls": {"path", "re_path"},
    "django.conf.urls": {"url", "re_path"},
    "starlette.routing": {"Route", "WebSocketRoute", "Mount"},
    "fastapi.routing": {"APIRoute", "APIWebSocketRoute"},
}
ROUTE_KEYWORDS = frozenset({"path", "rule", "url", "route", "pattern"})
EVENT_NAMES = frozenset({"type", "event", "event_type", "kind", "event_name", "eventtype", "etype"})
KEY_LOOKUPS = frozenset({"get", "pop", "setdefault", "__getitem__", "__contains__", "__delitem__", "__setitem__"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
MESSAGE_KEYWORDS = frozenset({"help", "description", "epilog", "usage", "msg", "message", "reason", "detail", "doc"})
HTTP_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "fetch", "urlopen"})
_LOCAL_URL = r"[a-z][a-z0-9+.-]*://(?:localhost|127\.0\.0\.1|testserver|0\.0\.0\.0)(?::\d+)?"  # this machine's
LOCAL_HOSTS = re.compile(rf"^{_LOCAL_URL}(?=/|$)")
# A URL of this machine inside a longer string (`'action="http://testserver/jobs/goto"'`, a page a
# test expects): no other service's.
_LOCAL_URL_INSIDE = re.compile(rf"(?<![a-z0-9+.-]){_LOCAL_URL}(?=/|$|[\s'\"`])")
FOREIGN_URL_NOTE = "part of another service's URL: left as it is"
NOT_SERVED_NOTE = "a URL path the project doesn't serve: left as it is"
SENT_AWAY = "a key of a request to another service: left as it is"
_ROUTE_PLACEHOLDER = re.compile(r"<[^<>/]*>|\{[^{}/]*\}|%\(?[^)/]*\)?[sdr]|%[sdr]")
# A route placeholder's name: `{job_id}`, `{job_id:int}`, `<job_id>`, `<int:job_id>`.
PLACEHOLDER_NAME = re.compile(r"\{([A-Za-z_]\w*)(?::[^}]*)?\}|<(?:[A-Za-z_]\w*:)?([A-Za-z_]\w*)>")
_IDENTIFIER_LIKE = re.compile(r"[A-Za-z_][\w\-]*")
_EVENT_SHAPE = re.compile(r"[A-Za-z][\w.\-:]*")
_ENV_SHAPE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_FLAG_SHAPE = re.compile(r"--?[A-Za-z][\w\-]*(?:=.*)?", re.S)
_ENTRY_POINT = re.compile(r"[\w.]+\.[\w]+:[\w.]+")
_MAIN_REFERENCE = re.compile(r"__main__:[A-Za-z_][\w.]*")  # the running script's module:attribute
_MODULE_FILE = re.compile(r"(?:[\w.\-]*/)*[A-Za-z_]\w*\.pyi?")
_MODULE_FILE_IN_TEXT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.pyi?(?![\w.])")
_SCHEME_WITHOUT_COLON = re.compile(r"https?//")  # `http//localhost:8080/job/…`: a URL all the same
_REPR_TEXT = re.compile(r"<([A-Z][A-Za-z0-9_]*)[ :>(]|([A-Z][A-Za-z0-9_]*)\(")  # `<Job 42>`, `Job(…)`: not `Job 42 done`
_DOTTED_IN_TEXT = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# What only a regular expression spells: a group's `(?…`, a class escape (`\w`, `\d`), a lazy or
# greedy run (`.*`, `.+`), a negated set. A key, a path or a name never does (a route registered with
# a pattern, Django's `re_path`, is told by where it stands, before this).
_REGEX_SHAPE = re.compile(r"\(\?|\\[wdsWDSbB]|\.[*+]|\[\^")
_RE_FUNCTIONS = frozenset({"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"})


def route_segments(template: str) -> tuple[str, ...] | None:
    """A route or request path as segments, placeholders as '*'; None if not a path."""
    template = template.split("?", 1)[0].split("#", 1)[0]
    local = LOCAL_HOSTS.match(template)
    if local:
        template = template[local.end():]
    elif "://" in template:
        return None
    if "/" not in template or any(character.isspace() for character in template):
        return None
    template = template.lstrip("^").rstrip("$")
    segments = []
    for segment in template.strip("/").split("/"):
        segments.append("*" if _ROUTE_PLACEHOLDER.search(segment) and not _ROUTE_PLACEHOLDER.sub("", segment) else segment)
    return tuple(segments)


_REGISTRATION_WORDS = tuple(sorted(ROUTE_REGISTRATIONS))


def registered_routes(tree: ast.Module, text: str | None = None) -> set[tuple[str, ...]]:
    """The route templates a module registers, as segments: the paths the project serves.
    With `text`, the module's source, a module that imports no route table and never
    names a registration call is not walked for calls."""
    table = _route_table_names(tree)
    routes = set()
    for node in walk_statements(tree):  # definitions are statements: their decorators
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _callee_name(decorator) == "old_route" and decorator.args \
                        and isinstance(decorator.args[0], ast.Call):
                    decorator = decorator.args[0]  # an old route's twin through the wire layer (termshift.wiring)
                if isinstance(decorator, ast.Call) and _callee_name(decorator) in ROUTE_DECORATORS:
                    routes.update(_route_args(decorator))
    if not table and not may_call(text, _REGISTRATION_WORDS, methods=True):
        return routes
    for node in calls(tree):  # registrations and route tables, wherever the call sits
        name = _callee_name(node)
        if name in ROUTE_REGISTRATIONS or _is_table_call(node, table):
            routes.update(_route_args(node))
    return routes


def _route_args(call: ast.Call) -> Iterable[tuple[str, ...]]:
    for arg in _route_arg_nodes(call):
        template = _template(arg)
        if template is not None:
            segments = route_segments(template if template.startswith(("/", "^")) else "/" + template)
            if segments is not None:
                yield segments


def _route_arg_nodes(call: ast.Call) -> list[ast.AST]:
    nodes = [arg for arg in call.args if isinstance(arg, (ast.Constant, ast.JoinedStr))]
    nodes += [keyword.value for keyword in call.keywords if keyword.arg in ROUTE_KEYWORDS]
    return [node for node in nodes if _looks_like_route(_template(node))]


def _looks_like_route(template: str | None) -> bool:
    return template is not None and ("/" in template or template.startswith("^")) and "://" not in template \
        and not any(character.isspace() for character in template)


def _route_table_names(tree: ast.Module) -> set[str]:
    """Local names of route-table constructors: `path`, `Route`, and `web.get` for `from aiohttp import web`."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in ROUTE_TABLE_SOURCES:
            wanted = ROUTE_TABLE_SOURCES[node.module]
            names.update(alias.asname or alias.name for alias in node.names if alias.name in wanted)
        elif isinstance(node, ast.ImportFrom) and node.module == "aiohttp":
            for alias in node.names:
                if alias.name == "web":
                    names.update(f"{alias.asname or 'web'}.{method}" for method in ROUTE_DECORATORS)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "aiohttp.web" and alias.asname:
                    names.update(f"{alias.asname}.{method}" for method in ROUTE_DECORATORS)
    return names


def _is_table_call(call: ast.Call, table: set[str]) -> bool:
    return (dotted(call.func) or "") in table


def _callee_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _template(node: ast.AST) -> str | None:
    """A literal's value, with f-string expressions as `{}`."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
        return None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append("{}")
        return "".join(parts)
    return None


def served(segments: tuple[str, ...], routes: Iterable[tuple[str, ...]], open_end: str = "") -> bool:
    """Is this path one of `routes` (the project's): one with as many segments, each matching (a
    placeholder matches anything, `<page>.json` matches `1.json`)? A path that goes on at run
    time (`open_end`, see `_continued`) is the start of a longer route, or of its last segment."""
    count = len(segments)
    for route in routes:
        if open_end == "segment":
            found = len(route) > count and all(map(_segment_matches, route, segments))
        elif open_end == "partial":
            found = len(route) >= count and all(map(_segment_matches, route[:count - 1], segments[:-1])) \
                and _segment_starts(route[count - 1], segments[-1])
        else:
            found = len(route) == count and all(map(_segment_matches, route, segments))
        if found:
            return True
    return False


def _request_paths(call: ast.Call, values: Iterable[ast.AST] = ()) -> list[tuple[str, ...]]:
    """The URLs and absolute paths a call is given as literals (`"/jobs/create"`,
    `f"{base}/jobs/{id}"`, `"https://…"`), and those of `values` (what its names hold), as
    `route_segments` (`()` for another service's URL)."""
    found = []
    for value in (*call.args, *(keyword.value for keyword in call.keywords), *values):
        template = _template(value)
        if not template:
            continue
        template = template.strip()
        if "://" in template and not LOCAL_HOSTS.match(template):
            found.append(())
        elif template[0] in "/{" or LOCAL_HOSTS.match(template):
            segments = route_segments(template)
            if segments is not None:
                found.append(segments)
    return found


def is_key(template: str) -> bool:
    """`job:123`, `jobs:pending`, `app:job:{id}:lock`, `job:*`, a `job:` prefix."""
    text = template.strip()
    if not text or any(character.isspace() for character in text) or ":" not in text or "://" in text:
        return False
    if _ENTRY_POINT.fullmatch(text):  # `app.jobs:main` is a dotted path, not a key
        return False
    if re.match(r"[A-Za-z]:\\", text):  # a Windows path
        return False
    return len(text.split(":")) >= 2


class _Verdict:
    __slots__ = ("kind", "role", "action", "note")

    def __init__(self, kind: str, action: Action = Action.RENAME, note: str = "", role: Role = Role.LITERAL):
        self.kind = kind
        self.role = role
        self.action = action
        self.note = note


PROSE = _Verdict("prose", role=Role.PROSE)
PATTERN = "a regular expression: the text it matches may be anyone's"
LOOSE = "also used as a plain string where its role can't be told: a rename could not be made whole"
DATA = "a value (compared with ==, or a test's parameter value): data, left as it is"
# A migration of part of the project leaves the other files as they are (engine.analyze's `rewriting`).
UNWRITTEN = "{} only by files this run leaves as they are: renamed here alone, it would no longer match them; left as it is"
# Callables whose **kwargs become keys again, not keywords: the keys stay payload keys.
_KEY_COPIERS = frozenset({"dict", "OrderedDict", "defaultdict", "update"})
# A key of a dict handed as **kwargs to a callable the project doesn't define: that callable's keyword.
CONFIG_NAME = ("a setting's name the project reads but never defines: it belongs to the configuration that "
               "sets it")
THEIR_KEYWORD = "a keyword of a callable the project doesn't define (its dict is passed as **kwargs): left as it is"
# A keyword into a callable of unknown origin that no named function of the project takes: a third
# party's, or a closure's or a lambda's of the project (`made(job_manager=…)`, a factory's result).
# Never a finding; it holds back only the renames of such parameters (accounting.py).
MAYBE_A_CLOSURES = "a keyword of a callable of unknown origin: a closure of the project may take it"
REGISTRATION = "route registration"  # the note that tells compat where an old route may keep serving
# A word cut out of, or matched in, a class's or function's own name (`cls.__name__.replace("Job", "")`):
# the accounting holds back every name holding the word, which moves with the string or not at all.
NAME_PIECE = "a piece of a class's or function's own name (__name__): the names that hold it move with it or stay"
# The str methods that take a piece of the string they are called on (or test for one).
_PIECE_METHODS = frozenset({"replace", "startswith", "endswith", "removeprefix", "removesuffix", "split", "rsplit",
                            "partition", "rpartition", "find", "rfind", "index", "rindex", "count", "strip",
                            "lstrip", "rstrip"})
# The str methods whose result is still made of the name's words.
_NAME_KEEPING = frozenset({"lower", "upper", "casefold", "title", "capitalize", "replace", "removeprefix",
                           "removesuffix", "strip", "lstrip", "rstrip"})


_AST, _CONSTANT, _JOINED_STR, _EXPRESSION_STATEMENT = ast.AST, ast.Constant, ast.JoinedStr, ast.Expr
_HAS_DOCSTRING = frozenset({ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef})
# Fields that hold names, numbers or the shared context and operator singletons
# (`Load()`, `Add()`): nothing whose parent is ever asked for.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind",
                          "type_comment", "conversion", "is_async", "simple"})
# The fields through which statements hold statements (and handlers, match cases).
_BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_STATEMENT_LIKE = (ast.Module, ast.stmt, ast.excepthandler, getattr(ast, "match_case", ast.excepthandler))
_GATED_FIELDS: dict[type, tuple[tuple[str, ...], frozenset[str] | None]] = {}


def _gated_fields(node_class: type) -> tuple[tuple[str, ...], frozenset[str] | None]:
    """The fields a walk enters, and of those, for statements, the ones that are not blocks."""
    names = tuple(name for name in node_class._fields if name not in _LEAF_FIELDS)
    if not issubclass(node_class, _STATEMENT_LIKE):
        return names, None
    return names, frozenset(name for name in names if name not in _BLOCK_FIELDS)


# An escape that may spell a letter (`\x6a`, `\u006a`, `\N{...}`, octal): its string's
# value may hold what its text doesn't.
_LETTER_ESCAPE = re.compile(r"\\[xuUN0-7]")
# Between two letters of a word in a string's value: the end of one literal and the start
# of the next (implicit concatenation, across lines and comments), or a line continuation.
_JUNCTION = r"""(?:["'](?:\s|\\\r?\n|#[^\r\n]*)*[rRbBuUfF]{0,2}["']|\\\r?\n)?"""
_SPELLED: dict[tuple[tuple[bytes, ...], bool], "re.Pattern[str]"] = {}


def _spelled(needles: tuple[bytes, ...], ignore_case: bool) -> "re.Pattern[str]":
    """The needles, lowercase, with a junction allowed between any two letters."""
    pattern = _SPELLED.get((needles, ignore_case))
    if pattern is None:
        words = ("".join(re.escape(letter) + _JUNCTION for letter in needle.decode("utf-8").lower()[:-1])
                 + re.escape(needle.decode("utf-8").lower()[-1:]) for needle in needles if needle)
        pattern = _SPELLED[needles, ignore_case] = re.compile("|".join(words) or "(?!)", re.I if ignore_case else 0)
    return pattern


class StringLines:
    """The lines a string literal must touch for its value to mention the term.

    Those that spell it in any case, even split between the parts of an implicit
    concatenation; those with an escape that may stand for a letter; those with
    a character outside ASCII (case folding there may make the term). A
    statement none of whose expressions touches one holds no such string, so
    the walks that look for strings about the term need not enter it.
    """

    def __init__(self, text: str, needles: Iterable[bytes], starts: list[int] | None = None):
        """`starts`: the text's line starts (`textpos.line_starts`), when the caller has them."""
        ascii = text.isascii()
        # In ASCII text, lowering changes no offset, and a case-sensitive search of the lowered
        # text is several times faster than a case-insensitive one, which can't skip ahead.
        spelled = _spelled(tuple(needles), ignore_case=not ascii)
        spans = [match.span() for match in spelled.finditer(text.lower() if ascii else text)]
        spans += [match.span() for match in _LETTER_ESCAPE.finditer(text)]
        if not ascii:
            spans += [match.span() for match in NON_ASCII.finditer(text)]
        marked: set[int] = set()
        if spans:
            starts = starts if starts is not None else line_starts(text)
            line_of = bisect.bisect_right
            for start, end in spans:
                marked.update(range(line_of(starts, start), line_of(starts, end - 1) + 1))
        self._marked = sorted(marked)

    def touch(self, first: int, last: int) -> bool:
        """Does any of the lines first..last hold such a string?"""
        marked = self._marked
        index = bisect.bisect_left(marked, first)
        return index < len(marked) and marked[index] <= last


class _Context:
    """Where the strings of one tree sit: parents, docstrings, enum classes, route tables.

    With `lines`, only the strings that may mention the term, and their
    ancestors: no part of the tree that touches none of its lines is entered.
    """

    def __init__(self, tree: ast.Module, lines: StringLines | None = None):
        self.parents: dict[ast.AST, ast.AST] = {}  # keyed by node, not id: no int made per node
        self.docstrings: set[ast.AST] = set()
        self.enum_classes: set[ast.AST] = set()
        self.table_names = _route_table_names(tree)
        self.tree = tree
        self._sent_with: dict[tuple[str, ast.AST], list[tuple[str, ...]]] = {}  # request_paths, by name and body
        self._patterns_in: dict[ast.AST, frozenset[str]] = {}  # the names a body hands to re.* as patterns
        self.candidates: list[ast.AST] = []  # string literals (whole f-strings) that may mention the term
        parents = self.parents
        candidates = self.candidates
        fields_of = _GATED_FIELDS
        touch = lines.touch if lines is not None else None
        whole: set[ast.AST] = set()  # nodes inside an f-string: all of each is entered
        pending = deque((tree,))  # astwalk.walk's order, recording each child's parent on the way
        popleft, append = pending.popleft, pending.append
        while pending:
            node = popleft()
            node_class = node.__class__
            fields = fields_of.get(node_class)
            if fields is None:
                fields = fields_of[node_class] = _gated_fields(node_class)
            names, gated = fields
            if touch is None or node_class is _JOINED_STR or node in whole:
                # Everything: no lines to go by, or inside an f-string, whose parts' positions
                # were not always those of their text before Python 3.12.
                inside = touch is not None
                for name in names:
                    value = getattr(node, name, None)
                    if value.__class__ is list:
                        for item in value:
                            if isinstance(item, _AST):
                                parents[item] = node
                                append(item)
                                if inside:
                                    whole.add(item)
                    elif isinstance(value, _AST):
                        parents[value] = node
                        append(value)
                        if inside:
                            whole.add(value)
            elif gated is None:  # within an expression: the parts that touch a line
                for name in names:
                    value = getattr(node, name, None)
                    for item in value if value.__class__ is list else (value,):
                        if isinstance(item, _AST):
                            first = getattr(item, "lineno", None)
                            if first is not None and not touch(first, item.end_lineno or first):
                                continue
                            parents[item] = node
                            append(item)
            else:  # a statement (or the module): the parts that touch a line, decorators included
                for name in names:
                    value = getattr(node, name, None)
                    block = name not in gated
                    for item in value if value.__class__ is list else (value,):
                        if isinstance(item, _AST):
                            first = getattr(item, "lineno", None)
                            if first is not None:
                                if block:
                                    decorators = getattr(item, "decorator_list", None)
                                    if decorators:
                                        first = min(first, *(decorator.lineno for decorator in decorators))
                                if not touch(first, item.end_lineno or first):
                                    continue
                            parents[item] = node
                            append(item)
            if node_class is _CONSTANT:
                if isinstance(node.value, (str, bytes)):
                    candidates.append(node)
            elif node_class is _JOINED_STR:
                candidates.append(node)
            elif node_class is _EXPRESSION_STATEMENT:
                # A string standing alone as a statement is never read: an attribute's docstring
                # (`job: Job` then `"Job() instance of the task"`), or text set aside. Prose.
                if node.value.__class__ is _CONSTANT and isinstance(node.value.value, str):
                    self.docstrings.add(node.value)
            elif node_class in _HAS_DOCSTRING:
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                        and isinstance(body[0].value.value, str):
                    self.docstrings.add(body[0].value)
                if node_class is ast.ClassDef and any("Enum" in (dotted(base) or "") for base in node.bases):
                    self.enum_classes.add(node)
        self.strings = candidates  # every string literal, the parts of f-strings too
        self.candidates = [node for node in candidates
                           if not isinstance(parents.get(node), (ast.JoinedStr, ast.FormattedValue))]

    def _outermost(self, node: ast.AST) -> tuple[ast.AST, ast.AST | None]:
        """Climb through string-building expressions (`%`, `+`, `.format()`, parentheses)."""
        current = node
        parent = self.parents.get(current)
        while True:
            if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Mod, ast.Add)):
                pass
            elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.value is current \
                    and parent.func.attr in ("format", "format_map", "encode", "decode", "strip", "upper", "lower"):
                pass
            elif isinstance(parent, ast.Attribute) and parent.attr in ("format", "format_map"):
                current = parent
                parent = self.parents.get(current)
                continue
            else:
                return current, parent
            current = parent
            parent = self.parents.get(current)

    def _is_message(self, node: ast.AST, parent: ast.AST | None) -> bool:
        if isinstance(parent, ast.Assert) and parent.msg is node:
            return True
        if isinstance(parent, ast.keyword):
            if parent.arg in MESSAGE_KEYWORDS:
                return True
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Call):
            return False
        name = dotted(parent.func) or ""
        short = name.rsplit(".", 1)[-1]
        if name in ("print", "warnings.warn", "warn") or short in ("fail", "skip", "xfail", "exit", "abort"):
            return True
        if short in LOG_METHODS and isinstance(parent.func, ast.Attribute):
            receiver = (dotted(parent.func.value) or "").lower()
            if "log" in receiver or receiver in ("self", "warnings", "logging"):
                return True
        if short.endswith(("Error", "Exception", "Warning", "Exit")) or short in ("Exception", "ValueError"):
            return True
        raised = self.parents.get(parent)
        return isinstance(raised, ast.Raise)

    def _is_route_registration(self, node: ast.AST, parent: ast.AST | None) -> bool:
        if isinstance(parent, ast.keyword):
            if parent.arg not in ROUTE_KEYWORDS:
                return False
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Call) or not _looks_like_route(_template(node)):
            return False
        name = _callee_name(parent)
        if name in ROUTE_REGISTRATIONS:
            return True
        if _is_table_call(parent, self.table_names):
            return True
        holder = self.parents.get(parent)
        return (
            name in ROUTE_DECORATORS
            and isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and parent in holder.decorator_list
        )

    def _is_event(self, node: ast.AST, parent: ast.AST | None) -> bool:
        while isinstance(parent, (ast.Tuple, ast.List, ast.Set)):
            node, parent = parent, self.parents.get(parent)
        if isinstance(parent, ast.Call) and _callee_name(parent) in ("frozenset", "set", "tuple", "list"):
            node, parent = parent, self.parents.get(parent)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
                if _names_event(name):
                    return True
            holder = self.parents.get(parent)
            return isinstance(holder, ast.ClassDef) and holder in self.enum_classes
        if isinstance(parent, ast.Dict) and node in parent.values:
            key = parent.keys[parent.values.index(node)]
            return isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in EVENT_NAMES
        if isinstance(parent, ast.keyword):
            return (parent.arg or "").lower() in EVENT_NAMES
        if isinstance(parent, ast.Compare):
            others = [parent.left, *parent.comparators]
            return any(other is not node and _names_event_expr(other) for other in others)
        return False

    def _environment(self, node: ast.AST, parent: ast.AST | None) -> bool:
        if isinstance(parent, ast.Subscript) and parent.slice is node:
            return (dotted(parent.value) or "").endswith("environ")
        if isinstance(parent, ast.Call):
            name = dotted(parent.func) or ""
            return name.endswith(("getenv", "putenv", "unsetenv", "environ.get", "environ.pop", "environ.setdefault"))
        if isinstance(parent, ast.Compare):
            return any((dotted(other) or "").endswith("environ") for other in parent.comparators)
        return False

    def _their_namespace(self, key: str) -> str:
        """The third party whose namespace the key's first part names (`rq` of `rq:job:{id}`): a
        module the project imports that is neither its own nor the standard library's; else ""."""
        first = key.partition(":")[0]
        roles = self.f.index.string_roles
        if roles is None or first not in roles.imported or first in sys.stdlib_module_names \
                or self.f.project.is_first_party(first):
            return ""
        return first

    def _container(self, node: ast.AST, parent: ast.AST | None) -> ast.AST | None:
        if isinstance(parent, ast.Dict) and node in parent.keys:
            return parent
        if isinstance(parent, ast.Subscript) and parent.slice is node:
            return parent.value
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.args \
                and parent.args[0] is node and parent.func.attr in KEY_LOOKUPS:
            return parent.func.value
        if isinstance(parent, ast.Compare) and parent.left is node and len(parent.ops) == 1 \
                and isinstance(parent.ops[0], (ast.In, ast.NotIn)):
            return parent.comparators[0]
        return None

    def _held_in(self, container: ast.AST) -> tuple[str, ast.AST] | None:
        """The local name a dict is held in (`data = {…}`, or `data` itself), and the function (or
        module) whose body uses it: where it goes is read off that body's calls."""
        holder = self.parents.get(container)
        if isinstance(container, ast.Name):
            name = container.id
        elif isinstance(holder, (ast.Assign, ast.AnnAssign)) and holder.value is container:
            targets = holder.targets if isinstance(holder, ast.Assign) else [holder.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                return None
            name = targets[0].id
        else:
            return None
        body = self._body_of(container)
        return (name, body) if body is not None else None

    def request_paths(self, container: ast.AST) -> list[tuple[str, ...]]:
        """Where a dict is sent, when it is the body of a request: the paths (as `route_segments`,
        `()` for another service's URL) of the calls that hand it on next to a URL or an absolute
        path (`client.perform_query("POST", "/jobs/create", data=data)`, the project's own wrapper
        of an HTTP client as much as the client). Its keys are then that path's service's: the
        project's only where the project serves the path (StringRoles.sent)."""
        holder = self.parents.get(container)
        if isinstance(holder, ast.keyword):
            holder = self.parents.get(holder)
        if isinstance(holder, ast.Call) and container is not holder.func:
            return _request_paths(holder, self._held_paths(holder, self._body_of(holder)))
        named = self._held_in(container)
        if named is None:
            return []
        found = self._sent_with.get(named)
        if found is None:  # asked again for each key written into the same dict
            name, body = named
            found = self._sent_with[named] = [
                path for sub in calls(body)
                if any(isinstance(value, ast.Name) and value.id == name
                       for value in (*sub.args, *(keyword.value for keyword in sub.keywords)))
                for path in _request_paths(sub, self._held_paths(sub, body))]
        return found

    def _body_of(self, node: ast.AST) -> ast.AST | None:
        body = self.parents.get(node)
        while body is not None and not isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)):
            body = self.parents.get(body)
        return body

    def _held_paths(self, call: ast.Call, body: ast.AST | None) -> list[ast.AST]:
        """What the names a call is handed hold, where `body` (its function's) assigns them a string,
        or the result of a function of this module that returns one (`path = _to_query_path(project)`;
        `client.api_request(path=path, data=body)`): the path may be such a string."""
        names = {value.id for value in (*call.args, *(keyword.value for keyword in call.keywords))
                 if isinstance(value, ast.Name)}
        if not names or body is None or isinstance(body, ast.Lambda):
            return []
        held = []
        for statement in walk_statements(body):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in names:
                value = statement.value
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                    held.extend(self._returned_strings(value.func.id))
                else:
                    held.append(value)
        return held

    def _returned_strings(self, function: str) -> list[ast.AST]:
        """What a function defined at the top of this module returns, where it returns a string."""
        module = self.tree
        for statement in module.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == function:
                return [node.value for node in walk_statements(statement)
                        if isinstance(node, ast.Return) and node.value is not None and _template(node.value)]
        return []

    def _iterated_as_attribute_name(self, names: ast.AST) -> bool:
        """`for n in ("job_id", "hostname"): getattr(self, n)`: the strings are attribute names."""
        holder = self.parents.get(names)
        if not isinstance(holder, (ast.For, ast.comprehension)) or holder.iter is not names \
                or not isinstance(holder.target, ast.Name):
            return False
        body = holder if isinstance(holder, ast.For) else self.parents.get(holder)
        variable = holder.target.id
        return any(
            isinstance(sub, ast.Call) and _callee_name(sub) in ("getattr", "setattr", "hasattr", "delattr")
            and len(sub.args) >= 2 and isinstance(sub.args[1], ast.Name) and sub.args[1].id == variable
            for sub in walk(body)
        )

    def _names_something(self, node: ast.AST, parent: ast.AST | None) -> bool:
        """Strings the identifier pass reads as names: getattr()/patch() names, `__all__`, dotted paths."""
        if isinstance(parent, ast.Call) and _callee_name(parent) in _NAME_FUNCS:
            return True
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and self._iterated_as_attribute_name(parent):
            return True
        if isinstance(parent, (ast.List, ast.Tuple)):
            holder = self.parents.get(parent)
            if isinstance(holder, (ast.Assign, ast.AugAssign)):
                targets = holder.targets if isinstance(holder, ast.Assign) else [holder.target]
                if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
                    return True
        template = _template(node) or ""
        return "." in template and bool(re.fullmatch(r"[A-Za-z_][\w.]*(?::[\w.]+)?", template))

class StringRoles:
    """How a project uses its strings, project-wide: the evidence a wire rename needs.

    A payload key is renamed only where the project itself writes it (a dict
    literal key, a subscript assignment, `setdefault`), outside its tests (what
    only a test writes fakes what comes in), and never also uses the
    same word as a loose string (`n = "array_job_id"; env[n]`, a column list
    handed to another program): then a rename could not be made whole, and the
    key is reported instead. An event type is renamed only if it never appears
    as a loose string either.
    """

    def __init__(self) -> None:
        self.written: set[str] = set()
        self.loose: set[str] = set()  # whole values and \w+ tokens of strings no context claims
        self.events: set[str] = set()  # event types the project sends (anything but a comparison)
        # In a migration of part of the project, what only the files it leaves as they are write, send
        # and serve (engine._string_facts): a read of it renamed alone would miss what they hold.
        self.written_outside: set[str] = set()
        self.events_outside: set[str] = set()
        # Keys only test modules write: fakes of data that comes in (another service's responses).
        self.written_by_tests: set[str] = set()
        self.served_outside: frozenset[tuple[str, ...]] = frozenset()
        # The top-level modules the project imports: `rq:job:…` is in the namespace of `rq`, its data.
        self.imported: set[str] = set()
        # Keys written into the body of a request, each with the path it is sent to (`()`: another
        # service's URL): those sent to a path the project doesn't serve are that service's
        # vocabulary, kept wherever they are written or read (`away`, made by engine._string_facts).
        self.sent: set[tuple[str, tuple[str, ...]]] = set()
        self.away: frozenset[str] = frozenset()
        # Key-shaped words of text that no stage renames (`"clusters jobs:read"`, a test's expected
        # scopes): a key literal spelled the same (`["jobs:read"]`) renamed alone would no longer match it.
        self.spelled: set[str] = set()
        # The fields of text that no stage renames and that only a mapping fills (`${job_stdout_path}`
        # of a `string.Template`, `%(job_id)s`): a key of the mapping renamed alone leaves it unfilled.
        self.placeholders: set[str] = set()

    # The roles that hold whatever file gives them, in a migration of part of the project too:
    # the others have an `_outside` twin for the files the migration leaves as they are.
    WHOLE = frozenset({"loose", "imported", "sent", "spelled", "placeholders"})

    def settle(self, routes: set[tuple[str, ...]]) -> None:
        """Once every module is added, with every route the project serves: the keys sent away."""
        self.away = frozenset(key for key, path in self.sent if not path or not served(path, routes))
        self.written_outside -= self.written
        self.written_by_tests -= self.written
        self.events_outside -= self.events

    def add(self, tree: ast.Module, needles: Iterable[bytes], text: str | None = None,
            context: _Context | None = None) -> None:
        """Add one module's evidence; `text`, its source, lets the walk skip what can't be about
        the term; `context`, the module's `string_context`, when it is made already."""
        needles = tuple(needles)
        context = context or string_context(tree, text, needles)
        for statement in tree.body:
            if statement.__class__ is ast.Import:
                self.imported.update(alias.name.partition(".")[0] for alias in statement.names)
            elif statement.__class__ is ast.ImportFrom and not statement.level and statement.module:
                self.imported.add(statement.module.partition(".")[0])
        for node in context.candidates:
            template = _template(node)
            if template is None or not any(needle in template.lower().encode("utf-8", "surrogatepass") for needle in needles):
                continue
            if node in context.docstrings:
                continue
            outer, parent = context._outermost(node)
            if context._is_message(outer, parent):
                continue
            container = context._container(outer, parent)
            if container is not None:
                if _writes_key(outer, parent):
                    self.written.add(template)
                    self.sent.update((template, path) for path in context.request_paths(container))
                continue
            if context._is_event(outer, parent):
                if not isinstance(parent, ast.Compare):
                    self.events.add(template.strip())
                continue
            if context._is_route_registration(outer, parent) or is_key(template) \
                    or context._environment(outer, parent) or context._names_something(outer, parent):
                continue
            stripped = template.strip()
            if any(character.isspace() for character in stripped):
                self.spelled.update(word for word in stripped.split() if is_key(word))
                self.placeholders.update(next(filter(None, match)) for match in _MAPPING_FIELD.findall(stripped))
                continue  # prose: not a loose key
            if route_segments(stripped) is not None:
                continue  # a path: not a loose key
            self.loose.add(stripped)
            self.loose.update(re.findall(r"\w+", stripped))


_NAME_FUNCS = frozenset({"getattr", "setattr", "hasattr", "delattr", "object", "patch", "import_module", "TypeVar", "parametrize",
                         "NewType", "ParamSpec", "TypeVarTuple", "NamedTuple", "TypedDict", "cast"})


# The fields only a mapping fills: a `string.Template`'s `${name}` and `$name`, printf's `%(name)s`.
_MAPPING_FIELD = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)|%\(([A-Za-z_]\w*)\)")


def _is_re_call(call: ast.Call) -> bool:
    name = dotted(call.func) or ""
    return name.startswith("re.") and name[3:] in _RE_FUNCTIONS


def _writes_key(node: ast.AST, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Dict):
        return True
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, (ast.Store, ast.Del))
    return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) \
        and parent.func.attr in ("setdefault", "__setitem__")


StringContext = _Context


def string_context(tree: ast.Module, text: str | None, needles: Iterable[bytes],
                   starts: list[int] | None = None) -> _Context:
    """Where the strings of `tree` that may mention the term sit (`text`: its source; without
    it, every string). The gather makes it for the string facts; the search of the same file
    in the same process reads it again instead of walking the tree a second time."""
    return _Context(tree, StringLines(text, needles, starts) if text is not None else None)


class LiteralFinder(_Context):
    """The literal pass of one file's finder."""

    def __init__(self, finder: "Finder", context: _Context | None = None):
        if context is None:
            context = string_context(finder.tree, finder.text, finder.vocab.needles, finder.pos.starts)
        self.__dict__.update(vars(context))  # read only, from here on: sharing it is safe
        self.f = finder
        self.text = finder.text
        self.pos = finder.pos

    # -- entry -------------------------------------------------------------

    def run(self) -> None:
        needles = self.f.vocab.needles
        for node in self.candidates:
            start, end = self.pos.span(node)
            lowered = self.text[start:end].lower().encode("utf-8", "surrogatepass")
            if any(needle in lowered for needle in needles):
                self._literal(node, start, end)
        self._comments()

    # -- one literal ---------------------------------------------------------

    def _literal(self, node: ast.AST, start: int, end: int) -> None:
        template = _template(node)
        if template is None:
            return
        verdict = self.classify(node, template)
        regions = strings.regions(self.text, start, end)
        script_keys = None
        if verdict is None:
            script_keys = self._script_keys(regions)
            if script_keys:
                verdict = _Verdict("string", Action.REPORT, "a word in code embedded in a string: rename it by hand")
            else:
                verdict = self._fallback(template, node)
        route = verdict.kind == "route"
        scope = self._scope_name(node)
        if verdict.note == REGISTRATION:
            self._registered_placeholders(node, regions, scope)
        elif isinstance(node, _CONSTANT) and route_segments(template.strip()) is not None:
            self._unregistered_placeholders(node, regions, scope)
        for region in regions:
            text = strings.masked(self.text, region)
            if route:
                text = _ROUTE_PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), text)
            for match in self.f.vocab.scan(text):
                offset = region.start + match.start
                line, column = self.pos.line_col(offset)
                if not self.f.first_time(line, column):
                    continue
                here = verdict
                if script_keys and any(low <= offset < high for low, high in script_keys):
                    here = _Verdict("key")
                self._emit(line, column, match, here, scope)

    def _emit(self, line: int, column: int, match, verdict: _Verdict, scope: str) -> None:
        sites = self.f.spool
        end = column + len(match.word)
        if match.kind is MatchKind.TERM:
            sites.append(Site(self.f.path, line, column, line, end, match.word, match.replacement, verdict.kind,
                              verdict.role, verdict.action, verdict.note, scope))
        else:
            note = (f"{match.word!r} has an odd case shape: rename it by hand" if match.kind is MatchKind.ODD
                    else f"{match.word!r} only contains the term: left as it is")
            sites.append(Site(self.f.path, line, column, line, end, match.word, match.word, verdict.kind,
                              verdict.role, Action.ODD, note, scope))

    def _registered_placeholders(self, node: ast.AST, regions: list[strings.Region], scope: str) -> None:
        """`path("jobs/<int:job_id>/", views.job_detail)`: the placeholder names the view's parameter.

        Decorated handlers are bound by the identifier pass; here the handler is
        an argument of the registering call. Unbound, the placeholder is reported:
        renaming one side alone would break the route.
        """
        outer, parent = self._outermost(node)
        if isinstance(parent, ast.keyword):
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Call):
            return
        holder = self.parents.get(parent)
        if isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and parent in holder.decorator_list:
            return
        handler = next((arg for arg in parent.args if arg is not outer and not isinstance(arg, (ast.Constant, ast.JoinedStr))), None)
        handler = handler or next((k.value for k in parent.keywords if k.arg in ("view_func", "view", "handler", "endpoint")), None)
        params = self._handler_params(handler) if handler is not None else None
        for name, line, column in self._placeholders(regions):
            if params is not None and name in params:
                self.f.emit(line, column, name, kind="parameter", role=Role.STRING, owner=OWN, scope=scope)
            else:
                self.f.emit(line, column, name, kind="parameter", role=Role.STRING, owner="unknown", scope=scope,
                            note="a route placeholder whose handler can't be found: rename both by hand")

    def _placeholders(self, regions: list[strings.Region]) -> Iterator[tuple[str, int, int]]:
        """Each route placeholder in `regions` that mentions the term: its name and position."""
        for region in regions:
            text = self.text[region.start : region.end]
            for match in PLACEHOLDER_NAME.finditer(text):
                name = match.group(1) or match.group(2)
                if self.f.mentions(name):
                    group = 1 if match.group(1) else 2
                    yield (name, *self.pos.line_col(region.start + match.start(group)))

    def _unregistered_placeholders(self, node: ast.AST, regions: list[strings.Region], scope: str) -> None:
        """A path with placeholders that no route decorator or registration call holds
        (`self._add_url_route("/jobs/<job_id>", api.get_job)`, a helper of the project's own that
        registers it later): the placeholder may name a handler's parameter, and nothing here
        says which, nor that the path reaches the framework as it is. So it holds the parameter
        back: of the function handed over beside it when there is one, else of any function.

        A template formatted where it stands (`"/jobs/{job_id}".format(job_id=…)`) binds its
        placeholders to that call's keywords instead, which keep their names.
        """
        holder = self.parents.get(node)
        if isinstance(holder, ast.Attribute) and holder.attr in ("format", "format_map"):
            return
        outer, parent = self._outermost(node)
        if isinstance(parent, ast.keyword):
            parent = self.parents.get(parent)
        handlers = []
        if isinstance(parent, ast.Call):
            for arg in (*parent.args, *(keyword.value for keyword in parent.keywords)):
                if arg is not outer and not isinstance(arg, (ast.Constant, ast.JoinedStr)):
                    found = self._handler(arg)
                    if found is not None:
                        handlers.append(found)
        for name, line, column in self._placeholders(regions):
            # Held back in the handlers that take it (the accounting reads the function from
            # the identity's tail), or in every function when none does.
            takers = [function for function, params in handlers if name in params]
            local = f"param:{self.f.path}:0:0:0:{takers[0]}.{name}" if len(takers) == 1 else ""
            self.f.emit(line, column, name, kind="parameter", role=Role.STRING, owner="unknown", scope=scope,
                        local=local, note="a route placeholder outside any route registration termshift knows: "
                                          "the handler's parameter keeps its name (rename both by hand)")

    def _handler(self, handler: ast.AST) -> tuple[str, tuple[str, ...]] | None:
        """A first-party function's name (as its parameters' identities end) and its parameters."""
        scope = self.f.scope_of.get(handler) or self.f._scopes[0]
        found = self.f.type_of(handler, scope)
        if found is None or found.kind != "func":
            return None
        module, _, qual = found.name.partition(":")
        summary = self.f.index.module(module)
        function = summary.functions.get(qual) if summary else None
        return (qual.rsplit(".", 1)[-1], function.params) if function else None

    def _handler_params(self, handler: ast.AST) -> tuple[str, ...] | None:
        found = self._handler(handler)
        return found[1] if found else None

    def _script_keys(self, regions: list[strings.Region]) -> list[tuple[int, int]]:
        """Keys quoted inside a script (Redis Lua: `redis.call('GET', 'job:' .. id)`)."""
        found = []
        for region in regions:
            text = self.text[region.start : region.end]
            for low, high in strings.inner_strings(text):
                if is_key(text[low:high]):
                    found.append((region.start + low, region.start + high))
        return found

    # -- classification ------------------------------------------------------

    def classify(self, node: ast.AST, template: str) -> _Verdict | None:
        """Context first, then shape. None: nothing claimed it (maybe a script)."""
        if node in self.docstrings:
            return PROSE
        outer, parent = self._outermost(node)
        if self._is_message(outer, parent):
            return PROSE
        stripped = template.strip()
        if ("://" in stripped and not _LOCAL_URL_INSIDE.search(stripped)) or _SCHEME_WITHOUT_COLON.match(stripped):
            return _Verdict("string", Action.REPORT, FOREIGN_URL_NOTE)
        if _MAIN_REFERENCE.fullmatch(stripped):
            # `"__main__:job1"`: a callable of the running script, named by module and attribute (a
            # scheduler's func reference), not a key; the name in it moves with its definition or stays.
            # (`"app.tasks:job1"` is a dotted path, which the identifier pass ties to its definition.)
            return _Verdict("string", Action.REPORT, "text that names the project's code by module:attribute")
        if _MODULE_FILE.fullmatch(stripped):
            return _Verdict("string", Action.REPORT, "a module's file name: it changes if the module is renamed")
        if self._is_pattern(outer, parent):
            return _Verdict("string", Action.REPORT, PATTERN)
        if self._is_route_registration(outer, parent):
            return _Verdict("route", note=REGISTRATION)
        if _REGEX_SHAPE.search(stripped):
            return _Verdict("string", Action.REPORT, PATTERN)
        if self._is_event(outer, parent) and _EVENT_SHAPE.fullmatch(stripped):
            roles = self.f.index.string_roles
            if roles is not None and stripped in roles.loose:
                return _Verdict("event", Action.REPORT, LOOSE)
            if roles is not None and isinstance(parent, ast.Compare) and stripped not in roles.events:
                if stripped in roles.events_outside:
                    return _Verdict("event", Action.REPORT, UNWRITTEN.format("an event type sent"))
                return _Verdict("event", Action.REPORT, "an event type the project only compares with, and never "
                                "sends: the records may come from elsewhere")
            return _Verdict("event")
        if is_key(template):
            if any(_ENV_SHAPE.fullmatch(part) for part in stripped.split(":")):
                return _Verdict("string", Action.REPORT, "an environment variable's name: it belongs to the environment")
            if self._compared_with_data(node):
                return _Verdict("string", Action.REPORT, DATA)
            roles = self.f.index.string_roles
            if roles is not None and stripped in roles.spelled:
                return _Verdict("key", Action.REPORT, "also spelled inside a text that stays as it is: a rename "
                                "could not be made whole")
            if roles is not None and any(self._loose_name(part, roles) for part in stripped.split(":")):
                # `reverse("admin:cron_job_run")` next to `url(…, name="cron_job_run")`: the name a
                # part of the key spells stays as it is in the string no stage claims.
                return _Verdict("key", Action.REPORT, "a part of it is also used as a plain string where its role "
                                "can't be told: a rename could not be made whole")
            owner = self._their_namespace(stripped)
            if owner:
                return _Verdict("string", Action.REPORT, f"a key in the namespace of `{owner}`, a third party the "
                                "project imports: its data, which it writes and reads itself")
            return _Verdict("key")
        env = self._environment(outer, parent)
        if env or (_ENV_SHAPE.fullmatch(stripped) and self._container(outer, parent) is None):
            return _Verdict("string", Action.REPORT, "an environment variable's name: it belongs to the environment")
        if _ENV_SHAPE.fullmatch(stripped) and not self.f.index.names_anything(stripped):
            # `{"DELETE_JOBS": …}`, `"DELETE_JOBS" in app.config`: a setting's name the project reads
            # and never defines (one it defines moves with its definition: accounting's config keys).
            return _Verdict("string", Action.REPORT, CONFIG_NAME)
        if _FLAG_SHAPE.fullmatch(stripped):
            return _Verdict("string", Action.REPORT, "a command-line flag: it belongs to the program that reads it")
        segments = route_segments(stripped)
        if segments is not None:
            open_end = self._continued(node, stripped)
            if served(segments, self.f.index.routes, open_end):
                return _Verdict("route")
            roles = self.f.index.string_roles
            if roles is not None and served(segments, roles.served_outside, open_end):
                return _Verdict("string", Action.REPORT, UNWRITTEN.format("a URL path served"))
            return _Verdict("string", Action.REPORT, NOT_SERVED_NOTE)
        if _IDENTIFIER_LIKE.fullmatch(stripped):
            payload = self._payload(outer, parent)
            if payload is not None:
                return payload
        return None

    def _loose_name(self, part: str, roles: "StringRoles") -> bool:
        """A part of a key that a loose string spells whole, and that is more than the term
        alone (`cron_job_run`; not `jobs`, which many strings spell for as many reasons)."""
        if part not in roles.loose:
            return False
        words = tuple(word.lower() for _, _, word in split_words(part))
        return bool(words) and words not in self.f.vocab.forms

    def _fallback(self, template: str, node: ast.AST | None = None) -> _Verdict:
        if any(character.isspace() for character in template.strip()):
            for dotted_name in _DOTTED_IN_TEXT.findall(template):
                if self.f.project.is_first_party(dotted_name):
                    # `"<app.job.Job foo>"`: text that names the project's code (a repr), not prose.
                    return _Verdict("string", Action.REPORT, "text that names the project's code by a dotted path")
            if any(self.f.project.has_module_file(stem) for stem in _MODULE_FILE_IN_TEXT.findall(template)):
                # `" %s mr_filter_job.py --step-num=0"`: a command line that runs one of the project's modules.
                return _Verdict("string", Action.REPORT, "a module's file name in text: it changes if the module is renamed")
            shown = _REPR_TEXT.match(template.strip())
            if shown and "class" in self.f.index.defined.get(shown.group(1) or shown.group(2), ()):
                # `"<Job 42: test job>"`, `"Job(interval=1)"`: a class's __name__ as its repr shows it.
                return _Verdict("string", Action.REPORT, "text that names the project's code as its repr shows it")
            return PROSE
        if node is not None and self._is_name_piece(node):
            return _Verdict("string", Action.REPORT, NAME_PIECE)
        if node is not None and self._is_value(node):
            return _Verdict("string", Action.REPORT, DATA)
        return _Verdict("string", Action.REPORT, "a string no stage claims: rename it by hand if it is the project's")

    def _is_name_piece(self, node: ast.AST) -> bool:
        """A string a name's words are cut out of or matched against: an argument of `.replace`,
        `.endswith`, `.split`… called on a `__name__` (`type(self).__name__.replace("Job", "Cluster")`,
        or a local that holds one), or the left side of `in` with a `__name__` on the right."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute) \
                and parent.func.attr in _PIECE_METHODS:
            return self._names_itself(parent.func.value, parent)
        if isinstance(parent, ast.Compare) and parent.left is node and len(parent.ops) == 1 \
                and isinstance(parent.ops[0], (ast.In, ast.NotIn)):
            return self._names_itself(parent.comparators[0], parent)
        return False

    def _names_itself(self, expr: ast.AST, at: ast.AST, depth: int = 0) -> bool:
        """Is `expr` a class's or function's own name: `x.__name__`, `x.__qualname__`, a str method
        of one that keeps its words (`.lower()`), or a local assigned one in the scope of `at`?"""
        if depth > 4:
            return False
        if isinstance(expr, ast.Attribute):
            return expr.attr in ("__name__", "__qualname__")
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _NAME_KEEPING:
            return self._names_itself(expr.func.value, at, depth + 1)
        if isinstance(expr, ast.Name):
            found = self.f.lookup(expr.id, self.f.scope_of.get(at) or self.f._scopes[0])
            if found is None:
                return False
            values = [binding.value for binding in found[1]]
            return all(binding.kind == "assign" for binding in found[1]) and \
                all(value is not None and self._names_itself(value, at, depth + 1) for value in values)
        return False

    def _is_pattern(self, node: ast.AST, parent: ast.AST | None) -> bool:
        """The pattern of `re.compile(...)`, `re.match(...)` and the like, or a name's value that
        the function (or module) holding it hands to one (`pattern = r"JobId:(.*?)Job_Name"`, then
        `re.findall(pattern, text)`)."""
        if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
            return _is_re_call(parent)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            named = self._held_in(node)
            if named is not None:
                name, body = named
                patterns = self._patterns_in.get(body)
                if patterns is None:
                    patterns = self._patterns_in[body] = frozenset(
                        sub.args[0].id for sub in calls(body)
                        if sub.args and isinstance(sub.args[0], ast.Name) and _is_re_call(sub))
                return name in patterns
        return False

    def _compared_with_data(self, node: ast.AST) -> bool:
        """A key-shaped string on one side of an `==` whose other strings are data that keep their
        words (`split_key('job_id:x') == ('job_id', 'x')`): the strings of a comparison move together,
        or the comparison changes its truth, so this one is data too."""
        parent = self.parents.get(node)
        while parent is not None and not isinstance(parent, (ast.Compare, ast.stmt)):
            if isinstance(parent, ast.Call) and not isinstance(parent.func, ast.Name):
                return False  # handed to a method (`redis.get("job:1")`): the object may store it
            if not isinstance(parent, (ast.Call, ast.Tuple, ast.List, ast.Set, ast.keyword, ast.Starred,
                                       ast.BinOp, ast.JoinedStr, ast.FormattedValue)):
                return False
            parent = self.parents.get(parent)
        if not isinstance(parent, ast.Compare) or not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in parent.ops):
            return False
        mentions = self.f.vocab.mentions
        return any(
            isinstance(other, ast.Constant) and isinstance(other.value, str) and other is not node
            and mentions(other.value) and not is_key(other.value) and _IDENTIFIER_LIKE.fullmatch(other.value.strip())
            for other in ast.walk(parent)
        )

    def _is_value(self, node: ast.AST) -> bool:
        """A string that is compared with `==` or is a test's parameter value: data, which names nothing."""
        outer, parent = self._outermost(node)
        while isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
            outer, parent = parent, self.parents.get(parent)
        if isinstance(parent, ast.Compare):
            return all(isinstance(op, (ast.Eq, ast.NotEq)) for op in parent.ops)
        if isinstance(parent, ast.keyword) and parent.arg == "argvalues":
            parent = self.parents.get(parent)
        elif isinstance(parent, ast.Call) and outer in parent.args[1:2]:
            pass
        else:
            return False
        return isinstance(parent, ast.Call) and (dotted(parent.func) or "").endswith("parametrize")

    def _continued(self, node: ast.AST, path: str) -> str:
        """How a path goes on at run time: "" when it doesn't; "segment" after a `/` that is the left
        side of `+` (`"/view/job/" + job.id`), "partial" when `+` completes its last segment."""
        parent = self.parents.get(node)
        if not (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add) and parent.left is node):
            return ""
        return "segment" if path.endswith("/") else "partial"

    def _payload(self, node: ast.AST, parent: ast.AST | None) -> _Verdict | None:
        container = self._container(node, parent)
        if container is None:
            return None
        if isinstance(container, ast.Dict):
            call = self.parents.get(container)
            if isinstance(call, ast.keyword):
                call = self.parents.get(call)
            if isinstance(call, ast.Call) and _callee_name(call) in HTTP_CALLS and self._is_third_party(call.func):
                return _Verdict("payload-key", Action.REPORT, SENT_AWAY)
            if self._splatted_into_theirs(container):
                return _Verdict("payload-key", Action.REPORT, THEIR_KEYWORD)
            return self._owned_key(node)
        if self._is_third_party(container, strict=True):
            return _Verdict("payload-key", Action.REPORT, "a key looked up on a third-party object: left as it is")
        if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Store) and self._splatted_into_theirs(container):
            return _Verdict("payload-key", Action.REPORT, THEIR_KEYWORD)
        return self._owned_key(node)

    def _splatted_into_theirs(self, container: ast.AST) -> bool:
        """Is the dict whose key this is handed as `**kwargs` to a callable that isn't the project's
        (`options["job_defaults"] = …; scheduler.configure(**options)`)? Its keys are that callable's
        keywords then, which keep their names as any keyword to it does."""
        holder = self.parents.get(container)
        if isinstance(holder, ast.keyword) and holder.arg is None:  # f(**{"job_id": …})
            call = self.parents.get(holder)
            return isinstance(call, ast.Call) and self._not_ours(call.func)
        named = self._held_in(container)
        if named is None:
            return False
        name, body = named
        return any(
            isinstance(sub, ast.Call) and self._not_ours(sub.func)
            and any(keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == name
                    for keyword in sub.keywords)
            for sub in calls(body)
        )

    def _not_ours(self, func: ast.AST) -> bool:
        """A callable of a third party's, or a method no class or module of the project defines;
        not one that only copies the keys into another dict (`dict(**options)`, `d.update(**options)`)."""
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in _KEY_COPIERS:
            return False
        if self._is_third_party(func):
            return True
        return isinstance(func, ast.Attribute) and func.attr not in self.f.index.defined

    def _owned_key(self, node: ast.AST) -> _Verdict:
        roles = self.f.index.string_roles
        key = (_template(node) or "").strip()
        if roles is None:
            return _Verdict("payload-key")
        if key in roles.away:
            return _Verdict("payload-key", Action.REPORT, SENT_AWAY)
        if key in roles.loose:
            return _Verdict("payload-key", Action.REPORT, LOOSE)
        if key in roles.placeholders:
            return _Verdict("payload-key", Action.REPORT, "also a field of a template that stays as it is (`${…}`, "
                            "`%(…)s`), which the dict fills: a rename could not be made whole")
        if key not in roles.written:
            if key in roles.written_outside:
                return _Verdict("payload-key", Action.REPORT, UNWRITTEN.format("a key written"))
            if key in roles.written_by_tests:
                if key in self.f.index.defined:
                    # A name of the project's too: the tests spell what the project makes of its names
                    # (a data class's fields as `asdict` gives them, an object's `vars()`).
                    return _Verdict("payload-key")
                return _Verdict("payload-key", Action.REPORT, "a key only tests write (a fake of data that comes "
                                "from elsewhere, as another service's response): left as it is")
            return _Verdict("payload-key", Action.REPORT,
                            "a key the project only reads (the data may come from elsewhere): left as it is")
        return _Verdict("payload-key")

    def _is_third_party(self, expr: ast.AST, strict: bool = False) -> bool:
        """Third-party by type; `strict` only for values that are surely theirs (not data they handed back)."""
        scope = self.f.scope_of.get(expr) or self.f._scopes[0]
        try:
            found = self.f.type_of(expr, scope)
        except RecursionError:  # pragma: no cover - pathological expressions
            return False
        if found is None:
            return False
        if strict:  # an imported third-party object (`flask.request.args`), not a dict they typed or handed back
            return found.kind == "ext" and bool(found.name) and not found.name.startswith("builtins.") \
                and not found.name.endswith(")")
        return found.kind in ("ext", "extd")

    def _scope_name(self, node: ast.AST) -> str:
        current = self.parents.get(node)
        names = []
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(current.name)
            current = self.parents.get(current)
        return ".".join(reversed(names))

    # -- comments ------------------------------------------------------------

    def _comments(self) -> None:
        """Comments, found without `tokenize` (slow, pure Python): a `#` starts one
        unless it sits inside a string literal, and the tree knows where those are."""
        text = self.text
        if "#" not in text or not self.f.spells_term:
            return
        needles = self.f.vocab.needles
        wanted = []
        for number, line in enumerate(text.splitlines(), 1):
            at = line.find("#")
            if at >= 0 and any(needle in line[at:].lower().encode("utf-8", "surrogatepass") for needle in needles):
                wanted.append(number)
        if not wanted:
            return
        spans = []
        for span in sorted(self.pos.span(node) for node in self.candidates):
            if not spans or span[0] >= spans[-1][1]:  # strings inside f-string expressions are inside their f-string
                spans.append(span)
        starts = [start for start, _ in spans]
        between: dict[int, set[int]] = {}  # comments between the parts of an implicit concatenation

        def in_string(offset: int) -> bool:
            index = bisect.bisect_right(starts, offset) - 1
            if index < 0 or not spans[index][0] <= offset < spans[index][1]:
                return False
            if index not in between:
                between[index] = _comment_offsets(text, *spans[index])
            return offset not in between[index]

        for number in wanted:
            line_start = self.pos.starts[number - 1]
            line = self.pos.line_text(number).rstrip("\r\n")
            at = line.find("#")
            while at >= 0 and in_string(line_start + at):
                at = line.find("#", at + 1)
            if at < 0:
                continue
            comment = line[at:]
            if "termshift:" in comment:
                continue
            for match in self.f.vocab.scan(comment):
                if not self.f.first_time(number, at + match.start):
                    continue
                self._emit(number, at + match.start, match, PROSE, "")


def _comment_offsets(text: str, start: int, end: int) -> set[int]:
    """Where comments start inside one string literal's span (only an implicit
    concatenation can hold any)."""
    if "#" not in text[start:end]:
        return set()
    found: list[int] = []
    strings.regions(text, start, end, comments=found)
    return set(found)


def _names_event(name: str) -> bool:
    lowered = name.lower()
    if lowered in EVENT_NAMES:
        return True
    words = re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name)
    return any(word.lower() in ("event", "events") for word in words)


def _names_event_expr(expr: ast.AST) -> bool:
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return _names_event_expr(expr.elt)
    if isinstance(expr, ast.Call) and _callee_name(expr) in ("list", "set", "tuple", "sorted", "frozenset") and expr.args:
        return _names_event_expr(expr.args[0])
    if isinstance(expr, ast.Attribute):
        return _names_event(expr.attr)
    if isinstance(expr, ast.Name):
        return _names_event(expr.id)
    if isinstance(expr, ast.Subscript):
        key = expr.slice
        return isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in EVENT_NAMES
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and expr.args:
        key = expr.args[0]
        return isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() in EVENT_NAMES
    return False


def _wild(segment: str) -> str:
    return _ROUTE_PLACEHOLDER.sub("*", segment)


def _segment_matches(a: str, b: str) -> bool:
    """Can two path segments be the same, either one holding placeholders (`<page>.json`, `1.json`)?"""
    if a == b or a == "*" or b == "*":
        return True
    wild_a, wild_b = _wild(a), _wild(b)
    return wild_a == wild_b or _as_pattern(wild_a).fullmatch(b) is not None or \
        _as_pattern(wild_b).fullmatch(a) is not None


def _segment_starts(route: str, start: str) -> bool:
    """Can the route's segment begin with `start`, the fixed start of a segment completed at run time?"""
    wild = _wild(route)
    fixed = wild.split("*", 1)[0]
    return fixed.startswith(start) or ("*" in wild and start.startswith(fixed))


@functools.lru_cache(maxsize=1024)
def _as_pattern(wild: str) -> "re.Pattern[str]":
    """A route segment's pattern, made once per segment: every path string is matched against every route."""
    return re.compile("[^/]+".join(re.escape(part) for part in wild.split("*")))
