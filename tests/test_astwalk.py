"""The fast walk must yield exactly what ast.walk yields, in the same order."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from termshift.astwalk import NodeVisitor, called_names, collect, iter_child_nodes, walk, walk_statements

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


def _recorder(base: type) -> type:
    class Recorder(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.seen: list[tuple[str, int]] = []

        def generic_visit(self, node: ast.AST) -> None:
            self.seen.append(("generic", id(node)))
            super().generic_visit(node)

        def visit_Name(self, node: ast.Name) -> None:
            self.seen.append(("name", id(node)))

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            self.seen.append(("def", id(node)))
            for statement in node.body:  # skips decorators and arguments on purpose
                self.visit(statement)

        visit_AsyncFunctionDef = visit_FunctionDef

    return Recorder


@pytest.mark.parametrize("source", [CONSTRUCTS, inspect.getsource(ast)], ids=["constructs", "ast.py"])
def test_node_visitor_visits_like_ast_node_visitor(source: str) -> None:
    tree = ast.parse(source)
    fast, standard = _recorder(NodeVisitor)(), _recorder(ast.NodeVisitor)()
    fast.visit(tree)
    standard.visit(tree)
    assert fast.seen == standard.seen
    assert {kind for kind, _ in fast.seen} == {"generic", "name", "def"}


def test_node_visitor_keeps_handlers_per_class() -> None:
    class Names(NodeVisitor):
        def __init__(self) -> None:
            self.names: list[str] = []

        def visit_Name(self, node: ast.Name) -> None:
            self.names.append(node.id)

    class Nothing(NodeVisitor):
        pass

    tree = ast.parse("a = b + c")
    Nothing().visit(tree)  # caches generic_visit for Name in Nothing, not in Names
    names = Names()
    names.visit(tree)
    assert names.names == ["a", "b", "c"]


def test_iter_child_nodes_matches_ast_iter_child_nodes() -> None:
    for node in ast.walk(ast.parse(CONSTRUCTS)):
        assert [id(child) for child in iter_child_nodes(node)] == [id(child) for child in ast.iter_child_nodes(node)]


_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


@pytest.mark.parametrize("source", [CONSTRUCTS, inspect.getsource(ast), inspect.getsource(inspect)],
                         ids=["constructs", "ast.py", "inspect.py"])
def test_walk_statements_is_walk_without_expressions(source: str) -> None:
    tree = ast.parse(source)
    for start in [tree, *(node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef)))]:
        expected = [id(node) for node in ast.walk(start) if node is start or isinstance(node, _BLOCKS)]
        assert [id(node) for node in walk_statements(start)] == expected


def test_walk_statements_reaches_handlers_and_match_cases() -> None:
    kinds = {type(node).__name__ for node in walk_statements(ast.parse(CONSTRUCTS))}
    assert {"ExceptHandler", "match_case", "AsyncWith", "Raise", "Pass"} <= kinds
    assert not kinds & {"Name", "Call", "Lambda", "arguments"}


@pytest.mark.parametrize("source", [CONSTRUCTS, inspect.getsource(ast), inspect.getsource(inspect)],
                         ids=["constructs", "ast.py", "inspect.py"])
def test_called_names_finds_every_call(source: str) -> None:
    tree = ast.parse(source)
    expected = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }
    assert called_names(tree) == expected


def test_called_names_looks_everywhere_a_call_can_hide() -> None:
    source = textwrap.dedent(
        """
        @deco(a)
        def f(x=default(), *, y: hint() = kw_default()) -> ret():
            global g
            lambda: in_lambda()
            [in_comp() for _ in it() if cond()]
            f"{in_fstring()!r:{in_spec()}}"
            match subject():
                case {"k": 1} if guard():
                    obj.method()
            try:
                pass
            except handled() as error:
                pass
        """
    )
    assert called_names(ast.parse(source)) == {
        "deco", "default", "hint", "kw_default", "ret", "in_lambda", "in_comp", "it", "cond", "in_fstring",
        "in_spec", "subject", "guard", "method", "handled",
    }


def test_a_visitor_can_leave_operators_out() -> None:
    class Everything(NodeVisitor):
        def __init__(self) -> None:
            self.seen: list[int] = []

        def generic_visit(self, node: ast.AST) -> None:
            self.seen.append(id(node))
            super().generic_visit(node)

    class NoOperators(Everything):
        skipped_fields = NodeVisitor.OPERATORS

    tree = ast.parse(CONSTRUCTS + "x = -a + b < c and not d\ny += 1\n")
    everything, no_operators = Everything(), NoOperators()
    everything.visit(tree)
    no_operators.visit(tree)
    operators = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    singletons = {id(node) for node in ast.walk(tree) if isinstance(node, operators)}
    assert singletons and singletons <= set(everything.seen)
    assert no_operators.seen == [seen for seen in everything.seen if seen not in singletons]


@pytest.mark.parametrize("source", [CONSTRUCTS, inspect.getsource(ast), inspect.getsource(inspect)],
                         ids=["constructs", "ast.py", "inspect.py"])
def test_collect_is_walk_of_some_kinds(source: str) -> None:
    tree = ast.parse(source)
    kinds = (ast.Call, ast.Subscript, ast.Compare, ast.Assign)
    for start in [tree, *(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))]:
        expected = [id(node) for node in ast.walk(start) if type(node) in kinds]
        assert [id(node) for node in collect(start, kinds)] == expected
