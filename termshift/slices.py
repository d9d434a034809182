"""A huge module parsed a slice at a time: the same tree, without the parser's whole-file peak.

Python's parser keeps every token of its input, and an arena of C nodes, until the
tree is built: parsing a 5 MB module peaks at about 700 MB for a tree of 300 MB;
LibCST's parser needs about 500 bytes per byte of source. A module is a sequence
of top-level statements, so it can be parsed as consecutive slices, each ending
where a statement does, and only one slice's peak is paid at a time.

Where a slice ends is only guessed (a line that starts at column 0 with code), so
every slice is proven by parsing it: the tokenizer's state at the end of a slice
depends on the text before it alone, so a slice that parses on its own ends
outside any bracket, string or continuation line, at a statement boundary of the
whole (slices never start with `else`, `elif`, `except` or `finally`); and
statements that parse on their own parse as a sequence. A slice that
doesn't parse is extended (to the next guess, then to twice its length) and
tried again; when one that reaches the
end of the text still doesn't, the whole text is parsed as before, which gives
the verdict and its exact message. Files up to `SLICE` characters take the
ordinary path.
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Iterator

# Characters per slice: a slice's parse then peaks at tens of MB, whatever the file's size.
SLICE = 256 * 1024
# LibCST's trees are larger per character than `ast`'s.
CST_SLICE = 64 * 1024

# Where a top-level statement may start: a line beginning with neither whitespace nor a comment
# nor a closing bracket, nor a clause that continues the statement before it (a slice ending
# before `else:` parses, the next one can't). A guess, proven by the parse.
_CANDIDATE = re.compile(r"^(?!(?:else|elif|except|finally)\b)[^\s#)\]}]", re.M)
_NEXT_GUESSES = 4  # failed guesses moved to the next line before a slice doubles
_NEWLINE = re.compile(r"\r\n|\r|\n")
# A future import that changes the grammar for the rest of the file, as only the whole parse sees it.
_GRAMMAR_FUTURE = "barry_as_FLUFL"


def parse(text: str, filename: str = "<unknown>", *, size: int = SLICE) -> ast.Module:
    """`ast.parse(text, filename)`: the same tree, the same errors."""
    if len(text) <= size or _GRAMMAR_FUTURE in text:
        return ast.parse(text, filename=filename)
    body: list[ast.stmt] = []
    for statements in _slices(text, size, lambda piece, line: _parse_at(piece, line, filename), _AST_ERRORS):
        if statements is None:
            return ast.parse(text, filename=filename)  # a slice to the end failed: the real verdict
        body.extend(statements)
    return ast.Module(body=body, type_ignores=[])


def check(text: str, parse_one: Callable[[str], object], errors: tuple[type[BaseException], ...], *,
          size: int) -> None:
    """Raise what `parse_one(text)` raises, if anything, parsing a slice at a time and keeping nothing
    (`errors`: what `parse_one` raises for text that doesn't parse)."""
    if len(text) <= size or _GRAMMAR_FUTURE in text:
        parse_one(text)
        return
    for parsed in _slices(text, size, lambda piece, line: parse_one(piece) or True, errors):
        if parsed is None:
            parse_one(text)
            return


_AST_ERRORS = (SyntaxError, ValueError)  # ValueError: a null character


def _parse_at(piece: str, line: int, filename: str) -> list[ast.stmt]:
    """The statements of `piece`, numbered as if it started on `line` (blank lines before it)."""
    return ast.parse("\n" * (line - 1) + piece, filename=filename).body


def _slices(text: str, size: int, parse_one: Callable[[str, int], object],
            errors: tuple[type[BaseException], ...]) -> Iterator[object]:
    """What `parse_one(slice, its first line)` gives for consecutive slices covering `text`, or
    None once a slice that reaches the end fails (the caller then parses the whole)."""
    start, line, length = 0, 1, len(text)
    while start < length:
        want, misses = size, 0
        end = _boundary(text, start + want)
        while True:
            try:
                parsed = parse_one(text[start:end], line)
            except errors:
                if end >= length:
                    yield None
                    return
                # The guess fell inside a statement: the next line that may start one, a few
                # times; then a slice twice as long, so that a statement of any size costs a
                # bounded number of parses of its own length.
                misses += 1
                if misses % _NEXT_GUESSES:
                    end = _boundary(text, end + 1)
                else:
                    want *= 2
                    end = _boundary(text, max(start + want, end + 1))
                continue
            break
        yield parsed
        line += sum(1 for _ in _NEWLINE.finditer(text, start, end))
        start = end


def _boundary(text: str, at: int) -> int:
    """The first candidate statement start at or after `at` (the end of the text when none)."""
    if at >= len(text):
        return len(text)
    found = _CANDIDATE.search(text, at)
    return found.start() if found is not None else len(text)
