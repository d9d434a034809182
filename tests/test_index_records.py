"""The project-wide records the index keeps for the whole run, and how a file's search adds to them
and takes its additions back."""

from termshift import index as index_module
from termshift.index import Type
from termshift.summary import ClassInfo, Member, ModuleSummary


def _module(name: str, cls: str, member: str) -> ModuleSummary:
    info = ClassInfo(cls, cls, "class", members={member: Member("method")})
    return ModuleSummary(name, name.replace(".", "/") + ".py", False, classes={cls: info})


def test_a_member_defined_by_one_class_keeps_its_type_until_a_files_search_brings_another():
    """`by_name` keeps a member's type only where exactly one class defines it. A module a file's
    search consults counts while that file is searched, and not after it."""
    index = index_module.Index(project=None, parse=lambda path: None)
    index.adopt("app.a", _module("app.a", "Runner", "job_count"))
    index.adopt("app.c", _module("app.c", "Other", "job_total"))
    index.adopt("app.d", _module("app.d", "Again", "job_total"))
    index.seal()
    index.adopt("app.b", _module("app.b", "Queue", "job_count"))  # summarised on demand: not a fact yet
    assert index.by_name("job_count").type == Type("func", "app.a:Runner.job_count")
    assert index.by_name("job_total").type is None  # two classes define it

    index.begin_file()
    index.module("app.b")
    assert index.by_name("job_count").type is None
    index.end_file()
    assert index.by_name("job_count").type == Type("func", "app.a:Runner.job_count")
    assert index.by_name("job_total").type is None

    index.begin_file()
    index.module("app.b")
    index.module("app.b")  # counted once for the file
    index.end_file()
    assert index.by_name("job_count").type == Type("func", "app.a:Runner.job_count")


def test_a_member_only_a_files_search_brings_is_forgotten_with_it():
    index = index_module.Index(project=None, parse=lambda path: None)
    index.seal()
    index.adopt("app.b", _module("app.b", "Queue", "job_count"))
    assert index.by_name("job_count").type is None and not index.members
    index.begin_file()
    index.module("app.b")
    assert index.by_name("job_count").type == Type("func", "app.b:Queue.job_count")
    index.end_file()
    assert not index.members and not index.defined.get("job_count")
