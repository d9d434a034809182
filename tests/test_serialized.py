"""Which data classes asdict() turns into dicts: found by how the value was obtained, not where it was built."""

from __future__ import annotations

import textwrap
from pathlib import Path

from termshift import config, engine

MODELS = '''
    import dataclasses
    from dataclasses import dataclass
    from typing import List


    @dataclass
    class JobBase:
        base_job_note: str = ""


    @dataclass
    class JobDef(JobBase):
        def_job_try: int = 0


    @dataclass
    class JobResult(JobDef):
        result_job_ok: bool = True


    @dataclass
    class Unrelated:
        other_job_name: str = ""


    class Queue:
        current: JobDef

        def queued_jobs(self) -> List[JobDef]:
            return []

        async def one_job(self) -> JobDef:
            return JobDef()
'''


def payload_names(tmp_path: Path, use: str) -> set[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "app" / "use.py").write_text(textwrap.dedent(use))
    analysis = engine.analyze(tmp_path, [tmp_path], config.Config())
    asked = analysis.payload_names()  # asked only of the sites' names: the same answer for those
    every = analysis.index.payload_names()
    assert asked == every & {site.old for site in analysis.all_sites() if site.kind in engine.FIELD_KINDS}
    return {name for name in every if "job" in name}


# Serialising a JobDef: its bases' fields and its subclasses' are in the dict too; Unrelated's are not.
LINEAGE = {"base_job_note", "def_job_try", "result_job_ok"}


def test_a_list_returned_by_a_method_of_an_annotated_parameter(tmp_path: Path) -> None:
    assert payload_names(tmp_path, '''
        import dataclasses
        from app.models import Queue

        def dump(queue: Queue):
            jobs = queue.queued_jobs()
            return [dataclasses.asdict(j) for j in jobs]
    ''') == LINEAGE


def test_awaited_results_loops_attributes_and_self(tmp_path: Path) -> None:
    assert payload_names(tmp_path, '''
        from dataclasses import asdict
        from app.models import Queue

        class Dumper:
            queue: Queue

            async def one(self):
                return asdict(await self.queue.one_job())

            def each(self):
                out = []
                for job in self.queue.queued_jobs():
                    out.append(asdict(job))
                return out

            def current(self):
                return asdict(self.queue.current)
    ''') == LINEAGE


def test_built_in_the_call_or_taken_from_a_list(tmp_path: Path) -> None:
    assert payload_names(tmp_path, '''
        from dataclasses import asdict
        from app.models import JobResult, Queue

        def built():
            return asdict(JobResult())

        def first(queue: Queue):
            return asdict(queue.queued_jobs()[0])
    ''') == LINEAGE


def test_a_subclass_serialised_names_its_bases_fields_not_its_siblings(tmp_path: Path) -> None:
    assert payload_names(tmp_path / "a", '''
        from dataclasses import asdict
        from app.models import JobBase

        def dump(base: JobBase):
            return asdict(base)
    ''') == LINEAGE  # a JobBase may be a JobDef or a JobResult
    assert payload_names(tmp_path / "b", '''
        from dataclasses import asdict
        from app.models import Unrelated

        def dump(value: Unrelated):
            return asdict(value)
    ''') == {"other_job_name"}


def test_values_of_unknown_origin_name_nothing(tmp_path: Path) -> None:
    assert payload_names(tmp_path, '''
        from dataclasses import asdict
        import somewhere_else

        def dump(value, other: "somewhere_else.Thing"):
            if value:
                value = other
            return asdict(value), asdict(other), asdict(somewhere_else.make()), [asdict(v) for v in value]
    ''') == set()


def test_asked_of_names_no_data_class_among_the_facts_defines_no_base_is_read(tmp_path: Path) -> None:
    """A subclass's lineage adds a payload key only through a data class defining it, which spells
    the term: where no fact's does, neither which classes are serialised nor the bases of every
    fact's classes are followed (the standard library's would be read for nothing)."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "base.py").write_text("class Runner:\n    pass\n")
    (tmp_path / "app" / "factory.py").write_text("def make() -> 'app.models.Record':\n    import app.models\n\n"
                                                 "    return app.models.Record()\n")
    (tmp_path / "app" / "helpers.py").write_text(textwrap.dedent('''
        """Helpers for the job runner."""
        from app.base import Runner


        class Helper(Runner):
            pass
    '''))
    (tmp_path / "app" / "models.py").write_text(textwrap.dedent('''
        from dataclasses import asdict, dataclass

        from app.factory import make


        @dataclass
        class Record:
            name: str = ""


        class Tracker:
            def __init__(self):
                self.job_count = 0


        def dump():
            return asdict(Record())


        def dump_made():
            return asdict(make())
    '''))
    analysis = engine.analyze(tmp_path, [tmp_path], config.Config())
    assert "job_count" in {site.old for site in analysis.all_sites() if site.kind in engine.FIELD_KINDS}
    assert not analysis.index.summarised("app.base") and not analysis.index.summarised("app.factory")
    assert analysis.payload_names() == frozenset()
    # Neither which classes are serialised (read through app.factory) nor their subclasses was told.
    assert not analysis.index.summarised("app.base") and not analysis.index.summarised("app.factory")
    assert analysis.index.payload_names() == {"name"}  # every name: every lineage followed
    assert analysis.index.summarised("app.base") and analysis.index.summarised("app.factory")
