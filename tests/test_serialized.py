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
    return {name for name in analysis.index.payload_names() if "job" in name}


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
