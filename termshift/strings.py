"""String literals as source text: where their words are, and what they say.

A literal's words are rewritten in the source, not in the value, so this
module works on the source text of a literal: it splits implicit
concatenations into their tokens, skips f-string expressions (they are
identifiers, found elsewhere), masks escape sequences (so ``"\\njob"`` still
holds the word ``job``) and placeholders (``{job_id}``, ``%(job_id)s``: they
name keywords or parameters, which the finder binds on its own).
Nothing here depends on the Python version: 3.12 tokenizes f-strings
differently, source text is the same everywhere.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PREFIX = re.compile(r"[rRbBuUfF]{0,2}")
_ESCAPE = re.compile(r"\\(?:N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|\r\n|.|\n)", re.S)
_PERCENT_NAMED = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")
_BRACED = re.compile(r"\{[^{}]*\}")


class Region(NamedTuple):
    """A stretch of literal characters in the source: [start, end) offsets."""

    start: int
    end: int
    raw: bool
    fstring: bool


def regions(source: str, start: int, end: int, comments: list[int] | None = None) -> list[Region]:
    """The literal (non-expression) parts of the string tokens in source[start:end];
    where comments between them start goes into `comments`, when given."""
    found: list[Region] = []
    position = start
    while position < end:
        character = source[position]
        if character == "#":  # a comment between implicitly concatenated parts
            if comments is not None:
                comments.append(position)
            newline = source.find("\n", position, end)
            position = end if newline < 0 else newline + 1
            continue
        if character in " \t\r\n\\()":
            position += 1
            continue
        prefix = _PREFIX.match(source, position, end).group(0)
        quote_at = position + len(prefix)
        if quote_at >= end or source[quote_at] not in "'\"":
            position += 1
            continue
        quote = source[quote_at] * 3 if source.startswith(source[quote_at] * 3, quote_at) else source[quote_at]
        lower = prefix.lower()
        body = quote_at + len(quote)
        if "f" in lower:
            position = _fstring(source, body, end, quote, "r" in lower, found)
        else:
            close = _closing(source, body, end, quote)
            found.append(Region(body, close, "r" in lower, False))
            position = close + len(quote)
    return found


def _closing(source: str, position: int, end: int, quote: str) -> int:
    """Where the quote that closes a string body starts (`end` if none does): the
    first quote before `end` that no backslash escapes."""
    find = source.find
    while position < end:
        close = find(quote, position)
        if close < 0 or close >= end:
            return end
        escape = find("\\", position, close)
        if escape < 0:
            return close
        position = escape + 2
    return end


def _fstring(source: str, position: int, end: int, quote: str, raw: bool, found: list[Region]) -> int:
    """Literal parts of one f-string token; returns the offset after its closing quote."""
    literal_start = position
    while position < end:
        character = source[position]
        if character == "\\":
            position += 2
            continue
        if source.startswith(quote, position):
            found.append(Region(literal_start, position, raw, True))
            return position + len(quote)
        if character == "{":
            if source.startswith("{{", position):
                position += 2
                continue
            found.append(Region(literal_start, position, raw, True))
            position = _skip_expression(source, position + 1, end)
            literal_start = position
            continue
        position += 1
    found.append(Region(literal_start, end, raw, True))
    return end


def _skip_expression(source: str, position: int, end: int) -> int:
    """From just after `{` to just after its matching `}` (format specs included)."""
    depth = 1
    while position < end and depth:
        character = source[position]
        if character in "'\"":
            quote = source[position] * 3 if source.startswith(character * 3, position) else character
            position = _closing(source, position + len(quote), end, quote) + len(quote)
            continue
        if character in "{[(":
            depth += 1
        elif character in "}])":
            depth -= 1
        position += 1
    return position


def masked(source: str, region: Region, *, placeholders: bool = True) -> str:
    """The region's text with escapes and placeholders blanked out, same length."""
    text = source[region.start : region.end]
    blank = lambda match: " " * len(match.group(0))  # noqa: E731
    if not region.raw:
        text = _ESCAPE.sub(blank, text)
    if placeholders:
        text = _PERCENT_NAMED.sub(blank, text)
        if not region.fstring:
            text = _BRACED.sub(blank, text)
        else:
            text = text.replace("{{", "  ").replace("}}", "  ")
    return text


_INNER_QUOTED = re.compile(r"'([^'\\\n]*)'|\"([^\"\\\n]*)\"")


def inner_strings(text: str) -> list[tuple[int, int]]:
    """Quoted strings inside a string (a Lua or SQL script): (start, end) of their contents."""
    spans = []
    for match in _INNER_QUOTED.finditer(text):
        group = 1 if match.group(1) is not None else 2
        spans.append((match.start(group), match.end(group)))
    return spans
