"""A module parsed a slice at a time is the module parsed whole: the same tree, the same errors."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst
import pytest

from termshift import slices

HERE = Path(__file__).resolve().parent
# Statements whose lines start at column 0 inside brackets and strings: guesses the parse must reject.
TRICKY = "".join(
    f"def job_{number}(x):\n    return [\n1,\n]\n\n"
    f"DATA_{number} = '''\ndef not_code():\n    pass\n'''\n"
    f"if x:\n    pass\nelse:\n    pass\n@decorated\nclass Job{number}:\n    pass\n"
    f"value = (1 +\n2)\n\n\n"
    for number in range(60))


def _sources() -> list[Path]:
    """Real code: the fixtures, termshift itself, and a slice of the standard library."""
    stdlib = sorted(Path(ast.__file__).parent.glob("*.py"))[:80]
    return sorted((HERE / "fixtures").rglob("*.py")) + sorted((HERE.parent / "termshift").rglob("*.py")) + stdlib


def _dump(tree: ast.AST) -> str:
    try:
        return ast.dump(tree, include_attributes=True)
    except RecursionError:  # deeper than `ast.dump` goes (a fidelity case's generated expression): node by node
        return repr([(type(node).__name__, *(getattr(node, name, None) for name in node._attributes),
                      *(value for _, value in ast.iter_fields(node) if not isinstance(value, (ast.AST, list))))
                     for node in ast.walk(tree)])


def test_the_slices_of_real_code_give_the_whole_tree() -> None:
    checked = 0
    for path in _sources():
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            whole = ast.parse(text, filename=str(path))
        except (SyntaxError, ValueError):
            continue
        assert _dump(slices.parse(text, str(path), size=200)) == _dump(whole), path
        checked += 1
    assert checked > 150


def test_column_zero_lines_inside_statements_are_not_taken_for_their_ends() -> None:
    assert _dump(slices.parse(TRICKY, size=50)) == _dump(ast.parse(TRICKY))
    slices.check(TRICKY, libcst.parse_module, (libcst.ParserSyntaxError,), size=50)


@pytest.mark.parametrize("broken", [
    TRICKY + "x = (\n", TRICKY + "def g(:\n    pass\n" + TRICKY, TRICKY + "s = '''\nabc\n",
    TRICKY + "y = 1\0\n", TRICKY + "else:\n    pass\n" + TRICKY,
])
def test_a_module_that_doesnt_parse_fails_as_it_fails_whole(broken: str) -> None:
    with pytest.raises((SyntaxError, ValueError)) as whole:
        ast.parse(broken, filename="m.py")
    with pytest.raises((SyntaxError, ValueError)) as sliced:
        slices.parse(broken, "m.py", size=50)
    assert (type(sliced.value), str(sliced.value)) == (type(whole.value), str(whole.value))
    with pytest.raises((SyntaxError, ValueError)):
        slices.check(broken, ast.parse, (SyntaxError, ValueError), size=50)
    if "\0" not in broken:
        with pytest.raises(libcst.ParserSyntaxError):
            slices.check(broken, libcst.parse_module, (libcst.ParserSyntaxError,), size=50)


def test_a_huge_module_is_never_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the slicing is for: no parse sees more than about a slice of a large module."""
    text = TRICKY * 20
    seen: list[int] = []
    parse = ast.parse

    def measured(source, *args, **kwargs):
        seen.append(len(source.lstrip("\n")))
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(slices.ast, "parse", measured)
    tree = slices.parse(text, size=4096)
    assert _dump(tree) == _dump(parse(text))
    assert len(seen) > 20 and max(seen) < 4096 + 200
