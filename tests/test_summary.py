"""Module summaries: the per-function facts that only some modules can have."""

from __future__ import annotations

import ast
import textwrap

from termshift.summary import summarize


def _summary(source: str):
    return summarize(ast.parse(textwrap.dedent(source)), "app.jobs", "app/jobs.py", False,
                     lambda level, module: module or "")


def test_params_are_data_only_where_the_function_reads_its_own_locals() -> None:
    summary = _summary(
        """
        def flags(job_name):
            return locals()

        def described(job):
            return vars(job)

        def outer(job_id):
            def inner():
                return vars()
            return inner

        class Runner:
            def options(self, job_name):
                return dict(locals())
        """
    )
    data = {name: function.params_are_data for name, function in summary.functions.items()}
    assert data == {"flags": True, "described": False, "outer": False, "Runner.options": True}  # inner: not summarised


def test_self_attributes_anywhere_in_a_method_body() -> None:
    summary = _summary(
        """
        class Job:
            def __init__(self, queue: "Queue"):
                self.queue = queue
                if queue:
                    try:
                        self.retries: int = 3
                    except ValueError:
                        self.failed = make_failure()
                match queue:
                    case None:
                        self.empty = True
                self.handler = lambda: setattr(self, "hidden", 1)
        """
    )
    members = summary.classes["Job"].members
    assert set(members) == {"__init__", "queue", "retries", "failed", "empty", "handler"}
    assert members["retries"].type_ref == ("ann", "int")
    assert members["failed"].type_ref == ("call", "make_failure")


def test_the_source_text_only_spares_walks() -> None:
    """With the text, a module that never names locals(), vars(), asdict() or astuple() is not
    walked for calls: every summary must come out the same as without it."""
    from pathlib import Path

    from termshift.files import read_source

    here = Path(__file__).resolve().parent
    sources = [textwrap.dedent(
        """
        import dataclasses

        @dataclasses.dataclass
        class Job:
            job_id: int

        def payload(job: Job, **kwargs):
            kwargs.get("job_name")
            return dataclasses.asdict(job)

        def flags(job_name):
            return locals()
        """)]
    for path in [*sorted((here.parent / "termshift").rglob("*.py")), *sorted((here / "fixtures").rglob("*.py"))]:
        sources.append(read_source(path).text)
    asked = 0
    for text in sources:
        try:
            tree = ast.parse(text)
        except SyntaxError:  # fixtures of unparsable files
            continue
        args = (tree, "app.jobs", "app/jobs.py", False, lambda level, module: module or "")
        with_text = summarize(*args, text)
        assert with_text == summarize(*args)
        asked += with_text.serialized != [] or any(f.params_are_data for f in with_text.functions.values())
    assert asked  # some of them do call those


def test_may_call_reads_names_as_the_parser_does() -> None:
    from termshift.summary import may_call

    assert may_call("x = locals()", ("locals",))
    assert may_call("return vars", ("vars",))  # a name, even when not called here
    assert not may_call("all_locals(); locals_ = 1; self.locals()", ("locals",))
    assert may_call("dataclasses.asdict(job)", ("asdict",), methods=True)
    assert not may_call("dataclasses.asdict(job)", ("asdict",))
    assert may_call("ｌocals()", ("locals",))  # NFKC-normalised, as the parser reads it
    assert not may_call("text = 'ünïcode'\nall_locals()", ("locals",))
    assert may_call(None, ("locals",))  # no text: can't tell


def test_name_lines() -> None:
    from termshift.summary import name_lines

    assert name_lines("a = 1\nx = vars()\r\nlocals()\n", ("locals", "vars")) == [2, 3]
    assert name_lines("é = 1\ny = ｖars()\nz = vars\n", ("vars",)) == [2, 3]
    assert name_lines("é = 1\n", ("vars",)) == []


def test_classes_written_from_their_fields() -> None:
    """Which decorator writes a class's __init__ from its fields, by the decorator's own rules."""
    summary = _summary(
        """
        import attr
        import dataclasses as dc
        from attrs import define, field
        from other_library import define as other_define

        @dc.dataclass(frozen=True)
        class Plain:
            job_id: int
            limit: "ClassVar[int]" = 3

        @dc.dataclass(init=False)
        class Unwritten:
            job_id: int

        @define
        class Modern:
            _job_id: int
            note: str = field(default="")

        @attr.s
        class Classic:
            job_id = attr.ib()
            label: str = "not a field"

        @other_define
        class Elsewhere:
            job_id: int
        """
    )
    classes = summary.classes

    def facts(name: str) -> tuple:
        return classes[name].kind, classes[name].style, classes[name].fields, classes[name].writes_init

    assert facts("Plain") == ("dataclass", "dataclass", ("job_id",), True)  # a ClassVar is no field
    assert facts("Unwritten") == ("dataclass", "dataclass", ("job_id",), False)
    assert facts("Modern") == ("dataclass", "attrs", ("_job_id", "note"), True)
    assert facts("Classic") == ("dataclass", "attrs", ("job_id",), True)  # `label` isn't an attr.ib()
    assert facts("Elsewhere") == ("class", "", ("job_id",), False)  # another library's `define`
