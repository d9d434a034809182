"""The pre-filter: one read of every file of the project tells which are read any further.

Most files of a large repository never mention the term. Each file's bytes are
searched, case-insensitively, for the needles of the vocabulary (and for a few
calls that make a file matter though it never spells the term), before anything
is decoded or parsed; only the files it picks are decoded, and only those are
ever held in memory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, NamedTuple

from . import files, parallel

COMMENT_MARK = b"termshift:"  # suppression comments and compat markers both start so


class Scanned(NamedTuple):
    """What one read of a file tells."""

    mentions: bool  # the term, as written, in any case
    data: bytes | None  # its bytes, when read further (and not in a large project: read again then)
    size: int
    holds: bool  # `also`, the caller's extra needle
    marked: bool  # a `termshift:` comment (a suppression or a compat marker)
    # Read further though it never spells the term: "lookup" (searched), "spreads" (searched when it
    # may call a callable whose keywords spell it, engine._find_file), "serializes" (gathered).
    looks_up: str
    outside_ascii: bool  # not mentioning the term as written, outside ASCII (its names' NFKC form may)
    digest: str | None  # the cache's, of the bytes of a file read further (with `digesting`)


# Reading every file of a project this large takes long enough to share between workers.
POOL_FROM = 1000  # files
CHUNK = 64


def scan(paths: list[Path], needles: tuple[bytes, ...], also: bytes | None, workers: int, *,
         digesting: bool = False) -> list[Scanned]:
    """What one read of each file tells (`Scanned`), in the order of `paths`. With `digesting`,
    the cache's digest of the bytes of each file read further: the workers hash them as they
    read them, rather than the analysis after them. In a large project, by a pool's workers,
    and without the bytes: all of them at once would be a copy of every such file in memory,
    and reading one again as it is decoded costs far less than its parse."""
    chunks = [paths[start:start + CHUNK] for start in range(0, len(paths), CHUNK)]
    large = len(paths) >= POOL_FROM
    job = (needles, also, not large, digesting)
    return [answer for found in parallel.run(read_chunk, chunks, job, workers if large else 1) for answer in found]


# `getattr(filters, kind.replace("-", "_"))`: a member looked up by a name computed at run time. A file
# doing so is searched even when it never spells the term: the members it may reach are held back.
# Every call the finder reads so (`getattr`, `setattr`, `hasattr`, `delattr`, `patch.object`) matches,
# but for one whose name is plainly a whole string (`getattr(obj, "name")`, `setattr(x, 'y', v)`):
# anything else it can't tell at a glance (`"_" + kind`, an f-string, a receiver that is a call) is
# searched, as the finder would search it in a file that also spells the term.
# So is a module imported by a computed name (`import_module(f"app.handlers.{kind}")`).
_WHOLE_STRING = rb"[rRbBuU]{0,2}(?:'[^'\\\n]*'|\"[^\"\\\n]*\")\s*[,)]"
# Only one whose name starts with a string can start with a package of ours (the finder holds nothing
# back for `import_module(name)`: that name is spelled in configuration, if anywhere).
_IMPORT = rb"\b(?:import_module|__import__)\s*\([\s(]*(?=[rRbBuUfF]{0,2}['\"])(?!" + _WHOLE_STRING + rb")"
# And an object's own namespace, or the module's, but for a key spelled whole (`vars(obj)[kind]`,
# `globals().update(found)`, `kind in globals()`, `json.dumps(vars(obj))`; not `vars(obj)["job"]`):
# `_namespace_lookup`.
_NAMESPACE = re.compile(rb"(?:\.__dict__|\bvars\s*\([^()]*\)|\bglobals\s*\(\s*\))")
_WHOLE_KEY = re.compile(rb"\s*(?:\[|\.\s*(?:get|pop|setdefault|__getitem__|__contains__)\s*\()"
                        rb"\s*[rRbBuU]{0,2}(?:'[^'\\\n]*'|\"[^\"\\\n]*\")\s*[,)\]]")
_NAMESPACES = (b".__dict__", b"vars", b"globals")
_WORD_BYTE = [chr(byte).isalnum() or byte == 95 for byte in range(256)]
# And `operator.attrgetter(kind)(record)`, `methodcaller(kind)(record)`.
_GETTER = rb"\b(?:attr|method)(?:getter|caller)\s*\((?!\s*" + _WHOLE_STRING + rb")"
COMPUTED_LOOKUP = re.compile(
    rb"(?:\b(?:get|set|has|del)attr|\bpatch\.object)\s*\((?!\s*[\w.]+\s*,\s*" + _WHOLE_STRING + rb")|"
    rb"__(?:get|set|del)attr(?:ibute)?__\s*\(|"  # `object.__setattr__(self, name, value)`
    rb"\b(?:iter_modules|walk_packages)\s*\(\s*__path__|"  # a package's modules listed by name
    rb"\bfields(?:_dict)?\s*\(|\._fields\b|__(?:dataclass_fields|annotations|match_args)__|"  # field names
    + _IMPORT + rb"|" + _GETTER)
# `asdict(entry)`: the fields of a data class turned into a dict are payload keys (serialized.py), whichever
# module does it; one that never spells the term is summarised all the same (not searched), to tell which class.
SERIALIZES = re.compile(rb"\bas(?:dict|tuple)\(")
# What each one's matches start with, and how many bytes before it they may begin: `attr` stands
# for all four of getattr & co., `import_` for import_module and __import__ (one scan of the bytes
# for each, rather than one for each call's name).
_LOOKUP_CALLS = ((b"attr", (3, 5)), (b"_modules", (4,)), (b"_packages", (4,)), (b"fields", (0, 2, 12)),
                 (b"__annotations__", (0,)), (b"__match_args__", (0,)), (b"patch.object", (0,)), (b"import_", (0, 2)), (b"getter(", (4,)), (b"caller(", (6,)))
# `Record(**json.loads(body))`: a call's keywords spread from a mapping, whose keys may come from
# data (the finder's `_computed_keywords`). A `**` after `(` or `,`, but on no line that starts a
# `def` or holds a `lambda` (whose `**kwargs` it is); a `def` written over several lines is taken
# for a call, and a file is only read for nothing. (As bytes here, as text for the finder.)
_SPREAD = {bytes: re.compile(rb"\*\*[ \t]*[\w({\[]"), str: re.compile(r"\*\*[ \t]*[\w({\[]")}
_PARAMETERS = {bytes: re.compile(rb"[ \t]*(?:async[ \t]+)?def[ \t]|.*\blambda\b"),
               str: re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]|.*\blambda\b")}
_SERIALIZING_CALLS = ((b"asdict(", (0,)), (b"astuple(", (0,)))
_IMPORT_CALLS = ((b"import_", (0, 2)),)


def spreads(data: bytes) -> bool:
    """Does the text spread a mapping into a call's keywords (`_SPREAD`)?"""
    return next(spread_starts(data), None) is not None


def spread_starts(text: str | bytes) -> Iterator[int]:
    """Where the text spreads a mapping into a call's keywords (`_SPREAD`): each `**`'s offset."""
    kind = type(text)
    stars, newline, opening = (b"**", b"\n", (b"(", b",")) if kind is bytes else ("**", "\n", ("(", ","))
    spread, parameters = _SPREAD[kind], _PARAMETERS[kind]
    at = text.find(stars)
    while at >= 0:
        if text[max(0, at - 80):at].rstrip()[-1:] in opening and spread.match(text, at) is not None \
                and parameters.match(text, text.rfind(newline, 0, at) + 1) is None:
            yield at
        at = text.find(stars, at + 2)


def looks_up(data: bytes) -> bool:
    """Does the text look a member up by a name computed at run time (`COMPUTED_LOOKUP`, `_NAMESPACE_KEY`)?"""
    return _holds(data, _LOOKUP_CALLS, COMPUTED_LOOKUP) or _namespace_lookup(data)


def _namespace_lookup(data: bytes) -> bool:
    for needle in _NAMESPACES:
        at = data.find(needle)
        while at >= 0:
            if needle[0] == 46 or at == 0 or not _WORD_BYTE[data[at - 1]]:  # 46: "."
                found = _NAMESPACE.match(data, at)
                if found is not None and _WHOLE_KEY.match(data, found.end()) is None:
                    return True
            at = data.find(needle, at + 1)
    return False


def _holds(data: bytes, starts: tuple[tuple[bytes, tuple[int, ...]], ...], pattern: "re.Pattern[bytes]") -> bool:
    """`pattern.search(data)`, each of whose matches begins at one of `starts` (or so many bytes
    before it): the pattern is tried only there (a leading \\b still sees the byte before it). Most
    files hold none, and a plain search for them is many times faster than the pattern's own scan."""
    for start, backs in starts:
        at = data.find(start)
        while at >= 0:
            for back in backs:
                if at >= back and pattern.match(data, at - back) is not None:
                    return True
            at = data.find(start, at + 1)
    return False


# The start of the string a computed import's name starts with, as written: up to a placeholder, an
# escape or the string's end (the name the finder reads starts so, or with more of the same).
_IMPORT_PREFIX = re.compile(_IMPORT + rb"[rRbBuUfF]{0,2}['\"]([^'\"\\{%\n]*)")


def computed_imports(data: bytes) -> list[str]:
    """What each import of a module by a computed name that starts with a string (`_IMPORT`)
    surely starts with (`app.handlers.` for `import_module(f"app.handlers.{kind}")`)."""
    found = []
    for start, backs in _IMPORT_CALLS:
        at = data.find(start)
        while at >= 0:
            for back in backs:
                match = _IMPORT_PREFIX.match(data, at - back) if at >= back else None
                if match is not None:
                    found.append(match.group(1).decode("utf-8", "replace"))
            at = data.find(start, at + 1)
    return found


def read_chunk(job: tuple[tuple[bytes, ...], bytes | None, bool, bool], paths: list[Path]) -> list[Scanned]:
    needles, also, with_bytes, digesting = job
    if digesting:
        from .cache import digest
    found = []
    for path in paths:
        mentions, data, holds = files.read_mentioning(path, needles, also)
        verdict = "" if data is None or mentions else "lookup" if looks_up(data) \
            else "serializes" if _holds(data, _SERIALIZING_CALLS, SERIALIZES) else "spreads" if spreads(data) else ""
        further = mentions or verdict
        kept = data if with_bytes and further else None
        found.append(Scanned(mentions, kept, len(data) if data is not None else 0, holds,
                             data is not None and COMMENT_MARK in data, verdict,
                             data is not None and not mentions and not data.isascii(),
                             digest(data) if digesting and further and data is not None else None))
    return found
