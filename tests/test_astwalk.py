"""The fast walk must yield exactly what ast.walk yields, in the same order."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from termshift.astwalk import walk

CONSTRUCTS = textwrap.dedent(
    '''
    from __future__ import annotations
    import os.path as p
    global_name = 1
    def f(a, /, b: int = 2, *args, c, d=3, **kw) -> "T":
        global global_name
        nonlocal_free = lambda x, *y: x
        def inner():
            nonlocal nonlocal_free
        return [i async for i in a if i] if a else {k: v for k, v in kw.items()}
    @decorator(arg)
    class C(Base, metaclass=M):
        x: int
        y = z = (1, *rest)
        async def m(self):
            async with a as (b, c), d:
                await e
            try:
                pass
            except ValueError as error:
                raise
    match command:
        case [Point(x=0, y=0), *others] | {"key": _, **rest} if guard:
            pass
        case str() as s:
            print(f"{s!r:>{width}} and {s=}")
    del a[1:2, ::3], b.c
    assert x, "message"
    '''
)


def test_walk_matches_ast_walk_on_every_construct() -> None:
    tree = ast.parse(CONSTRUCTS)
    assert [id(node) for node in walk(tree)] == [id(node) for node in ast.walk(tree)]


@pytest.mark.parametrize("module", [ast, inspect, textwrap, pytest])
def test_walk_matches_ast_walk_on_real_modules(module: object) -> None:
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    assert [id(node) for node in walk(tree)] == [id(node) for node in ast.walk(tree)]


def test_walk_starts_anywhere() -> None:
    expr = ast.parse("f(x, *y, k=z)").body[0]
    assert [type(node).__name__ for node in walk(expr)] == [type(node).__name__ for node in ast.walk(expr)]
