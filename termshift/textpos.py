"""Positions: from `ast`'s line and UTF-8 byte columns to exact text offsets.

`ast` reports columns in UTF-8 bytes and leaves some names without a position
of their own (the `Job` of `class Job:`, the parts of `from app.jobs import`).
This module turns them into 1-based lines and 0-based character columns, and
every edit site is checked against the text before anyone trusts it.
"""

from __future__ import annotations

import ast
import re
from itertools import accumulate
from typing import Iterator

_NEWLINE = re.compile(r"\r\n|\r|\n")
NON_ASCII = re.compile(r"[^\x00-\x7f]")  # where identifiers are NFKC-normalised and case folding surprises
_SKIP = re.compile(r"(?:\s|\\\r?\n)*")
_STRING_START = re.compile(r"([rRbBuUfF]{0,2})('''|\"\"\"|'|\")")

# The name after `class`/`def`: one pattern for every definition (the name is
# compared after matching), instead of one compiled per name.
_CLASS_NAME = re.compile(r"(?:async(?:\s|\\\r?\n)+)?class(?:\s|\\\r?\n)+(\w+)")
_DEF_NAME = re.compile(r"(?:async(?:\s|\\\r?\n)+)?def(?:\s|\\\r?\n)+(\w+)")


def line_starts(text: str) -> list[int]:
    """The offset where each line of `text` starts (shared: never modify it).

    A module's summary and its string context need these, and its search,
    after every other module's summary: the last texts' are kept (with the
    text, so that its id names no other), up to `_KEPT` of them and `_KEPT_CHARS`
    characters, and a file's passes compute them once. The bound is in
    characters too because a kept text is held by the cache alone once a
    large run has spilled it (sourcetable.py): a thousand modules of the
    standard library's size would be ~150 MB of texts and offsets.
    """
    known = _known.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    if "\r" in text:
        starts = [0]
        starts.extend(match.end() for match in _NEWLINE.finditer(text))
    else:  # the same, without a Python step per line
        starts = list(accumulate(map((1).__add__, map(len, text.split("\n")[:-1])), initial=0))
    global _known_chars
    if not _known:
        _known_chars = 0
    while _known and (len(_known) >= _KEPT or _known_chars + len(text) > _KEPT_CHARS):
        oldest = _known.pop(next(iter(_known)))
        _known_chars -= len(oldest[0])
    _known[id(text)] = (text, starts)
    _known_chars += len(text)
    return starts


_KEPT, _KEPT_CHARS = 1024, 4_000_000
_known: dict[int, tuple[str, list[int]]] = {}
_known_chars = 0


class Positions:
    def __init__(self, text: str):
        self.text = text
        self.starts = line_starts(text)
        self._ascii = text.isascii()

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def char(self, line: int, byte_column: int) -> tuple[int, int]:
        """(1-based line, 0-based character column) from ast's byte column."""
        if self._ascii:
            return line, byte_column
        text = self.line_text(line)
        if text.isascii():
            return line, byte_column
        return line, len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="replace"))

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def line_col(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - self.starts[low]

    def at(self, line: int, column: int, name: str) -> bool:
        start = self.offset(line, column)
        if self.text[start : start + len(name)] != name:
            return False
        before = self.text[start - 1 : start] if start else ""
        after = self.text[start + len(name) : start + len(name) + 1]
        return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(*self.char(node.lineno, node.col_offset))
        end = self.offset(*self.char(node.end_lineno, node.end_col_offset))
        return start, end

    def search(self, node: ast.AST, name: str, last: bool = False) -> tuple[int, int] | None:
        """A whole-word occurrence of `name` inside the node's text, if exactly one or `last`."""
        start, end = self.span(node)
        pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
        found = [match.start() for match in pattern.finditer(self.text, start, end)]
        if not found or (len(found) > 1 and not last):
            return None
        return self.line_col(found[-1])

    def def_name(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int] | None:
        start = self.offset(*self.char(node.lineno, node.col_offset))
        pattern = _CLASS_NAME if isinstance(node, ast.ClassDef) else _DEF_NAME
        match = pattern.match(self.text, start)
        return self.line_col(match.start(1)) if match and match.group(1) == node.name else None

    def _walk_dotted(self, offset: int, name: str) -> Iterator[tuple[int, int, str]]:
        parts = name.split(".")
        for index, part in enumerate(parts):
            offset = _SKIP.match(self.text, offset).end()
            if self.text[offset : offset + len(part)] != part:
                return
            line, column = self.line_col(offset)
            yield line, column, part
            offset = _SKIP.match(self.text, offset + len(part)).end()
            if index + 1 < len(parts):
                if self.text[offset : offset + 1] != ".":
                    return
                offset += 1

    def dotted_parts(self, alias: ast.alias, name: str) -> list[tuple[int, int, str]]:
        """The parts of `a.b.c` in `import a.b.c as d`."""
        start = self.offset(*self.char(alias.lineno, alias.col_offset))
        return list(self._walk_dotted(start, name))

    def from_module_parts(self, node: ast.ImportFrom) -> list[tuple[int, int, str]]:
        """The parts of `app.jobs` in `from ..app.jobs import x`."""
        if not node.module:
            return []
        offset = self.offset(*self.char(node.lineno, node.col_offset))
        if not self.text.startswith("from", offset):
            return []
        offset += 4
        while True:
            offset = _SKIP.match(self.text, offset).end()
            if self.text[offset : offset + 1] != ".":
                break
            offset += 1
        return list(self._walk_dotted(offset, node.module))

    def asname(self, alias: ast.alias) -> tuple[int, int] | None:
        start, end = self.span(alias)
        pattern = re.compile(rf"(?<![\w])as(?:\s|\\\r?\n)+({re.escape(alias.asname)})(?![\w])")
        match = pattern.search(self.text, start, end)
        return self.line_col(match.start(1)) if match else None

    def string_value_start(self, node: ast.Constant) -> tuple[int, int] | None:
        """Where a plain one-line string literal's value begins; None if the
        literal's text isn't its value verbatim (escapes, concatenation)."""
        if not hasattr(node, "end_lineno") or node.lineno != node.end_lineno:
            return None
        start, end = self.span(node)
        literal = self.text[start:end]
        match = _STRING_START.match(literal)
        if not match or "b" in match.group(1).lower() or "f" in match.group(1).lower():
            return None
        quote = match.group(2)
        inner = literal[match.end() : len(literal) - len(quote)]
        if not literal.endswith(quote) or inner != node.value:
            return None
        return self.line_col(start + match.end())


class Marks:
    """The (line, column) positions of a text already taken by a site: a byte per character.

    A set of ints would cost ~70 bytes an entry, and a huge module has hundreds
    of thousands of them. A position past its line's end is no offset of the
    text (another line's would alias it): those few are kept as pairs.
    """

    __slots__ = ("_starts", "_end", "_taken", "_beyond")

    def __init__(self, positions: Positions):
        self._starts = positions.starts
        self._end = len(positions.text) + 1
        self._taken = bytearray(self._end)
        self._beyond: set[tuple[int, int]] = set()

    def _offset(self, line: int, column: int) -> int | None:
        starts = self._starts
        if 0 < line <= len(starts) and column >= 0:
            offset = starts[line - 1] + column
            if offset < (starts[line] if line < len(starts) else self._end):
                return offset
        return None

    def take(self, line: int, column: int) -> bool:
        """Whether the position was free; from now on, it is taken."""
        offset = self._offset(line, column)
        if offset is None:
            if (line, column) in self._beyond:
                return False
            self._beyond.add((line, column))
            return True
        if self._taken[offset]:
            return False
        self._taken[offset] = 1
        return True

    def take_inside(self, line: int, column: int, length: int) -> None:
        """Take the positions after (line, column) within `length` characters of it, on its line."""
        for step in range(1, length):
            self.take(line, column + step)
