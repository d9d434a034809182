"""The literal pass finds comments without `tokenize`: it must find exactly what `tokenize` finds."""

from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
import types
from pathlib import Path

import pytest

from termshift import literals
from termshift.textpos import Positions

TRICKY = '''\
x = "a # not a comment"  # a comment
y = ("first part"  # between the parts of a concatenation
     "second # part")
z = f"{value:#x} and # {other['#']}"  # after an f-string with # in its format spec
s = """
# inside a triple-quoted string
"""  # after it
t = r"a\\\\" # after a raw string ending in backslashes
'''


def comment_starts(text: str) -> set[tuple[int, int]]:
    """Where the literal pass sees comments, with a vocabulary that matches every comment's first character."""
    tree = ast.parse(text)
    seen: set[tuple[int, int]] = set()

    def first_time(line: int, column: int) -> bool:
        fresh = (line, column) not in seen
        seen.add((line, column))
        return fresh

    finder = types.SimpleNamespace(
        tree=tree, text=text, pos=Positions(text), first_time=first_time, spells_term=True,
        vocab=types.SimpleNamespace(needles=(b"#",), scan=lambda comment: [types.SimpleNamespace(start=0)]),
    )
    found: set[tuple[int, int]] = set()
    finder_pass = literals.LiteralFinder.__new__(literals.LiteralFinder)
    literals._Context.__init__(finder_pass, tree)
    finder_pass.f, finder_pass.text, finder_pass.pos = finder, text, finder.pos
    finder_pass._emit = lambda line, column, match, verdict, scope: found.add((line, column))
    finder_pass._comments()
    return found


def tokenized(text: str) -> set[tuple[int, int]]:
    return {token.start for token in tokenize.generate_tokens(io.StringIO(text).readline) if token.type == tokenize.COMMENT}


def test_tricky_cases():
    assert comment_starts(TRICKY) == tokenized(TRICKY)
    assert len(tokenized(TRICKY)) == 5


STDLIB = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:120]


@pytest.mark.parametrize("path", STDLIB, ids=lambda path: path.name)
def test_same_comments_as_tokenize_on_the_standard_library(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
        ast.parse(text)
    except (UnicodeDecodeError, SyntaxError):
        pytest.skip("not a parsable UTF-8 module")
    assert comment_starts(text) == tokenized(text)
