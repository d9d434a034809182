"""Keep a sorted `__all__` sorted.

A rename moves a name in the alphabet: `GitlabJobCancelError` stood between
`GitlabInvitationError` and `GitlabLicenseError`, `GitlabStepCancelError`
doesn't. Projects keep `__all__` sorted on purpose, and check it — a test
asserting `__all__ == sorted(...)`, a linter's rule (ruff's RUF022) — so a
rename that leaves it unsorted fails a suite that passed. Python gives the
order of `__all__` no meaning (a star import binds each name once, whatever
the order), so a list that was sorted before the renames is sorted again
after, in the same order it kept: by code point, or ignoring case.

The entries trade places, the slots stay: every line break, comma and
bracket is where it was. A list whose entries aren't plain one-piece string
literals, or that holds a comment (it would stay on its line while its entry
moved away), is left as the renames made it.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterator

from termshift.textpos import Positions

Entries = list[tuple[str, int, int]]  # (value, start, end) of each entry's literal in the text


def keep_sorted(old_text: str, new_text: str) -> str:
    """`new_text` (`old_text` renamed) with each `__all__` that `old_text` kept sorted sorted again."""
    if "__all__" not in new_text:
        return new_text
    try:
        old_lists = list(_all_lists(old_text))
        new_lists = list(_all_lists(new_text))
    except (SyntaxError, ValueError):
        return new_text  # rewrite.py's validation reports a broken rewrite
    if len(old_lists) != len(new_lists):
        return new_text
    moves: list[tuple[int, int, str]] = []
    for old, new in zip(old_lists, new_lists):
        if old is None or new is None or len(old) != len(new):
            continue
        key = _order_kept([value for value, _, _ in old])
        if key is None or _is_sorted([value for value, _, _ in new], key):
            continue
        if "#" in _between(new_text, new):
            continue
        ordered = sorted(new, key=lambda entry: key(entry[0]))
        moves += [(start, end, new_text[moved_start:moved_end])
                  for (_, start, end), (_, moved_start, moved_end) in zip(new, ordered)]
    for start, end, literal in sorted(moves, reverse=True):
        new_text = new_text[:start] + literal + new_text[end:]
    return new_text


def _all_lists(text: str) -> Iterator[Entries | None]:
    """Every top-level `__all__ = [...]`, `__all__ += (...)` and `__all__.extend([...])`, in
    order: its entries, or None where they aren't all plain string literals."""
    positions = Positions(text)
    for stmt in ast.parse(text).body:
        value = None
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
                value = stmt.value
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if isinstance(call.func, ast.Attribute) and call.func.attr == "extend" and len(call.args) == 1 \
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "__all__":
                value = call.args[0]
        if isinstance(value, (ast.List, ast.Tuple)):
            yield _entries(positions, value.elts)


def _entries(positions: Positions, elements: list[ast.expr]) -> Entries | None:
    entries: Entries = []
    for element in elements:
        if not isinstance(element, ast.Constant) or not isinstance(element.value, str):
            return None
        if positions.string_value_start(element) is None:
            return None  # escapes, a prefix that changes the value, implicit concatenation
        start, end = positions.span(element)
        entries.append((element.value, start, end))
    return entries


def _order_kept(values: list[str]) -> Callable[[str], object] | None:
    """The order a list was kept in: by code point, else ignoring case; None when neither (or
    when it is too short to tell)."""
    if len(values) < 2:
        return None
    for key in (_plain, _ignoring_case):
        if _is_sorted(values, key):
            return key
    return None


def _plain(value: str) -> str:
    return value


def _ignoring_case(value: str) -> tuple[str, str]:
    return value.casefold(), value


def _is_sorted(values: list[str], key: Callable[[str], object]) -> bool:
    keys = [key(value) for value in values]
    return all(left <= right for left, right in zip(keys, keys[1:]))


def _between(text: str, entries: Entries) -> str:
    """The text from the first entry to the last."""
    return text[entries[0][1]:entries[-1][2]]
