"""Suppression comments: `# termshift: ignore[CODE,…]` and `# termshift: ignore-file[CODE,…]`.

A line comment suppresses the named codes on its own line, or — written on
the first line of a statement that spans several lines — anywhere in that
statement, so a long call or a docstring needs one comment, not one per
line. A file comment suppresses the codes in the whole file, and only
counts in the file's header (before the first statement other than the
module docstring), where a reader looks for it.

A comment without codes is refused (it would hide findings nobody has seen)
and so is a code that suppresses nothing (it would hide the next one):
both are findings of their own.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Callable, Iterable

NEEDLE = "termshift:"
_PATTERN = re.compile(r"#.*?\btermshift:\s*(?P<kind>ignore-file|ignore)(?![\w-])(?:\[(?P<codes>[^\]]*)\])?")


@dataclass
class Comment:
    """One suppression comment. Lines and columns are 1-based; end_column is just past it."""

    line: int
    column: int
    end_column: int
    text: str
    codes: tuple[str, ...]
    file_wide: bool
    placed: bool = True  # False for an ignore-file comment below the file's header
    used: set[str] = field(default_factory=set)

    @property
    def bare(self) -> bool:
        return not self.codes


def _comment_tokens(text: str) -> Iterable[tuple[int, int, str, bool]]:
    """(line, 0-based column, comment text, own line) for each comment; regex on lines when tokenizing fails."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        for number, line in enumerate(text.splitlines(), 1):
            index = line.find("#")
            if index >= 0 and NEEDLE in line[index:]:
                yield number, index, line[index:], not line[:index].strip()
        return
    for token in tokens:
        if token.type == tokenize.COMMENT and NEEDLE in token.string:
            own_line = not token.line[: token.start[1]].strip()
            yield token.start[0], token.start[1], token.string, own_line


def _codes(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    return tuple(code.strip().upper() for code in raw.split(",") if code.strip())


class Statements:
    """Maps each line to the first line of the statement (or statement header) it belongs to."""

    def __init__(self, tree: ast.Module | None):
        self.first: dict[int, int] = {}
        self.header_end = 0  # last line of the file's header; 0 when unknown
        if tree is None:
            return
        body = list(tree.body)
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]
        self.header_end = (body[0].lineno - 1) if body else 10**9
        for node in ast.walk(tree):
            if isinstance(node, (ast.stmt, ast.ExceptHandler)) or type(node).__name__ == "match_case":
                self._record(node)

    def _span(self, start: int, end: int) -> None:
        if end > start:
            for line in range(start, end + 1):
                self.first[line] = start

    def _record(self, node: ast.AST) -> None:
        for decorator in getattr(node, "decorator_list", ()):
            self._span(decorator.lineno, decorator.end_lineno or decorator.lineno)
        start = getattr(node, "lineno", None)
        if start is None:  # match_case has no position of its own: use its pattern
            pattern = getattr(node, "pattern", None)
            start = getattr(pattern, "lineno", None)
            if start is None:
                return
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.AST):
            self._span(start, max(start, body[0].lineno - 1))
        else:
            self._span(start, getattr(node, "end_lineno", None) or start)

    def start_of(self, line: int) -> int:
        return self.first.get(line, line)


def _header_end_without_tree(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return number - 1
    return 10**9


class FileSuppressions:
    """The suppression comments of one file, and which of them were used."""

    def __init__(self, text: str):
        self.comments: list[Comment] = []
        if NEEDLE not in text:
            return
        for line, column, comment, own_line in _comment_tokens(text):
            for match in _PATTERN.finditer(comment):
                self.comments.append(Comment(
                    line=line,
                    column=column + 1,
                    end_column=column + len(comment) + 1,
                    text=match.group(0)[match.group(0).index("termshift:"):] if match.group(0) else comment,
                    codes=_codes(match.group("codes")),
                    file_wide=match.group("kind") == "ignore-file",
                    placed=own_line,
                ))
        if not self.comments:
            return
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        self.statements = Statements(tree)
        header_end = self.statements.header_end if tree is not None else _header_end_without_tree(text)
        for comment in self.comments:
            if comment.file_wide:
                comment.placed = comment.placed and comment.line <= header_end
        self._by_line: dict[int, list[Comment]] = {}
        for comment in self.comments:
            if not comment.file_wide and comment.codes:
                self._by_line.setdefault(comment.line, []).append(comment)

    def suppresses(self, code: str, line: int) -> bool:
        """True (and the comment is marked used) when a comment covers `code` at `line`."""
        if not self.comments:
            return False
        hit = False
        for comment in self.comments:
            if comment.file_wide and comment.placed and code in comment.codes:
                comment.used.add(code)
                hit = True
        candidates = {line, self.statements.start_of(line)}
        for number in candidates:
            for comment in self._by_line.get(number, ()):
                if code in comment.codes:
                    comment.used.add(code)
                    hit = True
        return hit

    def leftovers(self, known: Callable[[str], bool], enabled: Callable[[str], bool]) -> list[tuple[Comment, str, str]]:
        """(comment, code, detail) for each bare comment ('' code) and each code that suppressed nothing."""
        out: list[tuple[Comment, str, str]] = []
        for comment in self.comments:
            if comment.bare:
                out.append((comment, "", "bare"))
                continue
            if comment.file_wide and not comment.placed:
                out.append((comment, ",".join(comment.codes),
                            "ignore-file only counts on its own line in the file's header, "
                            "before the first statement: it suppresses nothing here"))
                continue
            for code in comment.codes:
                if code in comment.used:
                    continue
                if not known(code):
                    out.append((comment, code, f"{code} is not a termshift rule: the suppression does nothing"))
                elif enabled(code):
                    out.append((comment, code, f"unused suppression: nothing here is reported as {code}"))
        return out
