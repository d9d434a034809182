"""Key patterns and field names, planned from the code: what `migrate` renames on the wire.

A storage key literal as the code spells it (`f"job:{job_id}"`, `"job:%s:lock"`,
`"jobs:pending"`, the `'job:'` a Lua script concatenates) becomes a Redis glob
(`job:*`), each placeholder a `*` that carries its text over to the new key:
`job:job-1f3a` -> `step:job-1f3a` (an id is data, not vocabulary). Field names
come from the payload keys and the payload fields (TypedDict and asdict()ed
dataclass fields) `migrate` renames: the JSON documents and hashes the code
stores are written with them.

Pure functions over the `wire.WireChange` records; no Redis here.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

# Placeholders in a plain string: printf style, str.format fields, and a glob's own star.
_PRINTF = r"%\([^)]*\)[sdifrx]|%[sdifrx]"
_FORMAT = r"\{[^{}]*\}"
_GLOB_SPECIAL = re.compile(rb"([\\*?\[\]])")


@dataclass(frozen=True)
class KeyPattern:
    """Old and new key shapes: literal pieces with a wildcard between each two."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    where: tuple[str, ...] = field(default=(), compare=False)  # path:line where the code spells it

    @property
    def exact(self) -> bool:
        return len(self.old) == 1

    @property
    def old_glob(self) -> str:
        return "*".join(self.old)

    @property
    def new_glob(self) -> str:
        return "*".join(self.new)

    def scan_glob(self) -> bytes:
        """The old pattern as a SCAN MATCH glob, its literal pieces escaped."""
        return b"*".join(_GLOB_SPECIAL.sub(rb"\\\1", piece.encode()) for piece in self.old)

    def specificity(self) -> int:
        return sum(len(piece) for piece in self.old)

    def regex(self) -> "re.Pattern[bytes]":
        return re.compile(b"(.*)".join(re.escape(piece.encode()) for piece in self.old) + rb"\Z", re.S)

    def fill(self, captured: Iterable[bytes]) -> bytes:
        out = [self.new[0].encode()]
        for text, piece in zip(captured, self.new[1:]):
            out += [text, piece.encode()]
        return b"".join(out)


def literal_value(source: str) -> tuple[list[str], list[str]] | None:
    """A literal as written -> (text pieces, placeholder texts between them); None if not a str literal."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.JoinedStr):
        pieces, holes = [""], []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                pieces[-1] += value.value
            else:
                holes.append("{}")  # an f-string's field is a placeholder whatever its expression
                pieces.append("")
        return pieces, holes
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value if isinstance(node.value, str) else node.value.decode("utf-8", "replace")
        return [value], []
    return None


def _split(pieces: list[str], holes: list[str], braces: bool) -> tuple[list[str], list[str]]:
    """Split the text pieces further at printf / format placeholders and glob stars."""
    pattern = re.compile("|".join([_PRINTF, r"\*"] + ([_FORMAT] if braces else [])))
    out, found = [], []
    for index, piece in enumerate(pieces):
        parts = pattern.split(piece)
        found_here = pattern.findall(piece)
        if out:
            out[-1] += parts[0]
            out += parts[1:]
        else:
            out += parts
        found += found_here
        if index < len(holes):
            found.append(holes[index])
            out.append("")
    return out, found


def key_pattern(old_source: str, new_source: str, where: str = "") -> KeyPattern | None:
    """The pattern of one renamed key literal, or None when it isn't a plain string or f-string."""
    old, new = literal_value(old_source), literal_value(new_source)
    if old is None or new is None:
        return None
    for braces in (True, False):
        old_parts, old_holes = _split(*old, braces=braces)
        new_parts, new_holes = _split(*new, braces=braces)
        # A `{...}` whose text the rename changed is a hash tag (`{jobs}:pending`), not a placeholder.
        if len(old_parts) == len(new_parts) and old_holes == new_holes:
            break
    else:
        return None
    if len(old_parts) == 1:
        # A prefix or suffix the code concatenates a name to: `"job:" + job_id`, `'job:' .. KEYS[1]`.
        if old_parts[0].endswith(":") and new_parts[0].endswith(":"):
            old_parts, new_parts = old_parts + [""], new_parts + [""]
        elif old_parts[0].startswith(":") and new_parts[0].startswith(":"):
            old_parts, new_parts = [""] + old_parts, [""] + new_parts
    if not "".join(old_parts) or old_parts == new_parts:
        return None
    return KeyPattern(tuple(old_parts), tuple(new_parts), (where,) if where else ())


def _subsumes(broad: KeyPattern, narrow: KeyPattern) -> bool:
    """Every key `narrow` matches, `broad` matches too and renames the same way."""
    if broad == narrow:
        return True
    marker = "\x00"
    sample_old = marker.join(narrow.old).encode()
    match = broad.regex().match(sample_old)
    if match is None:
        return False
    return broad.fill(match.groups()) == marker.join(narrow.new).encode()


def key_patterns(changes: Iterable[Mapping]) -> list[KeyPattern]:
    """The key patterns of the wire changes (`kind == "key"`), each spelling folded into the broadest
    pattern that renames its keys the same way; most general first."""
    found: dict[tuple, KeyPattern] = {}
    for change in changes:
        if change["kind"] != "key":
            continue
        pattern = key_pattern(change["old"], change["new"], f"{change['path']}:{change['line']}")
        if pattern is None:
            continue
        known = found.get((pattern.old, pattern.new))
        where = (known.where if known else ()) + pattern.where
        found[(pattern.old, pattern.new)] = KeyPattern(pattern.old, pattern.new, where)
    patterns = sorted(found.values(), key=lambda p: (p.specificity(), p.old))
    kept: list[KeyPattern] = []
    for pattern in patterns:
        for index, broad in enumerate(kept):
            if _subsumes(broad, pattern):
                kept[index] = KeyPattern(broad.old, broad.new, broad.where + pattern.where)
                break
        else:
            kept.append(pattern)
    return sorted(kept, key=lambda p: (p.exact, p.old))


def field_names(changes: Iterable[Mapping], fields: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """old -> new names of document fields and hash fields: the renamed payload keys (literals) and payload
    fields (identifiers). A name renamed two different ways is left out (it can't be decided per value)."""
    mapping: dict[str, str] = {}
    ambiguous: set[str] = set()
    pairs = list(fields)
    for change in changes:
        if change["kind"] != "payload-key":
            continue
        old, new = literal_value(change["old"]), literal_value(change["new"])
        if old and new and not old[1] and not new[1]:
            pairs.append((old[0][0], new[0][0]))
    for old, new in pairs:
        if old == new:
            continue
        if mapping.get(old, new) != new:
            ambiguous.add(old)
        mapping[old] = new
    return {old: new for old, new in sorted(mapping.items()) if old not in ambiguous}


class KeyMap:
    """Old key -> new key, by the most specific pattern that matches."""

    def __init__(self, patterns: Iterable[KeyPattern]):
        self.patterns = list(patterns)
        ordered = sorted(self.patterns, key=lambda p: -p.specificity())
        self._exact = {p.old[0].encode(): p.new[0].encode() for p in ordered if p.exact}
        self._globs = [(p.regex(), p) for p in ordered if not p.exact]

    def new_key(self, key: bytes) -> bytes | None:
        exact = self._exact.get(key)
        if exact is not None:
            return exact
        for regex, pattern in self._globs:
            match = regex.match(key)
            if match is not None:
                new = pattern.fill(match.groups())
                return new if new != key else None
        return None

    def scans(self) -> tuple[list[bytes], list[bytes]]:
        """What to read: (globs to SCAN, exact keys no glob covers). A glob another glob covers is left
        out: the broader SCAN finds its keys, and new_key() still renames them by the narrower pattern."""
        globs = [p.old_glob for p in self.patterns if not p.exact]
        kept = [glob for glob in globs
                if not any(other != glob and fnmatch.fnmatchcase(glob.replace("*", "\x00"), other) for other in globs)]
        kept = list(dict.fromkeys(kept))
        by_glob = {p.old_glob: p for p in self.patterns if not p.exact}
        exact = [p.old[0] for p in self.patterns if p.exact and not any(fnmatch.fnmatchcase(p.old[0], g) for g in kept)]
        return [by_glob[glob].scan_glob() for glob in kept], [key.encode() for key in exact]
