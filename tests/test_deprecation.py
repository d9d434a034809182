"""Which renames get compat: the public surface, and private names the rest of the project uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config, deprecation, engine, planning


def plan_for(tmp_path: Path, files: dict[str, str], targets: tuple[str, ...] = ()) -> deprecation.CompatPlan:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    paths = [tmp_path / target for target in targets] or [tmp_path]
    analysis = engine.analyze(tmp_path, paths, config.Config())
    return deprecation.plan(analysis, planning.plan(analysis, ["types", "services"]))


def test_public_names_members_and_parameters(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, {
        "app/__init__.py": "from .core import Job, _JobBase\n",
        "app/core.py": (
            "class _JobBase:\n    def run_job(self):\n        pass\n\n\n"
            "class Job(_JobBase):\n"
            "    def __init__(self, job_id):\n        self.job_id = job_id\n        self._job_note = ''\n\n"
            "    def next_job(self):\n        local_job = self\n        return local_job\n\n"
            "    def _peek_job(self):\n        pass\n\n\n"
            "def find_job(job_id, **options):\n    return options.pop('job_limit', None)\n\n\n"
            "def _load_job(job_id):\n    pass\n\n\n"
            "MAX_JOBS = 3\n_job_cache = {}\n"
        ),
    })
    core = plan.modules["app/core.py"]
    assert core.names == {"Job": "Step", "find_job": "find_step", "MAX_JOBS": "MAX_STEPS"}
    assert core.members == {"Step": {"job_id": "step_id", "next_job": "next_step"}}
    assert core.keywords == {"Step.__init__": {"job_id": "step_id"},
                             "find_step": {"job_id": "step_id", "job_limit": "step_limit"}}
    # A package's imports are its public names; a private one is not.
    assert plan.modules["app/__init__.py"].names == {"Job": "Step"}


PRIVATE_LIBRARY = {
    "app/__init__.py": "",
    "app/core.py": (
        "class _JobBase:\n    def _run_job(self):\n        pass\n\n\n"
        "class Job(_JobBase):\n    def _peek_job(self, job_id):\n        pass\n\n"
        "    def _drop_job(self):\n        pass\n\n\n"
        "def _load_job(job_id):\n    pass\n\n\n"
        "_job_cache = {}\n"
    ),
    # Not migrated when only app/ is: a client of whatever it spells.
    "tests/test_core.py": (
        "from app.core import Job, _JobBase, _load_job\n\n\n"
        "class Mine(_JobBase):\n    def _run_job(self):\n        return Job()._peek_job(job_id=1)\n\n\n"
        "my_job_cache = _load_job  # the cache, only inside a longer word\n"
    ),
}


def test_private_names_used_outside_the_migrated_paths_get_compat(tmp_path: Path) -> None:
    core = plan_for(tmp_path, PRIVATE_LIBRARY, targets=("app",)).modules["app/core.py"]
    assert core.names == {"_JobBase": "_StepBase", "Job": "Step", "_load_job": "_load_step"}
    assert core.members == {"_StepBase": {"_run_job": "_run_step"}, "Step": {"_peek_job": "_peek_step"}}
    assert core.keywords == {"_load_step": {"job_id": "step_id"}, "Step._peek_step": {"job_id": "step_id"}}


def test_private_names_get_none_when_the_whole_project_moves(tmp_path: Path) -> None:
    core = plan_for(tmp_path, PRIVATE_LIBRARY).modules["app/core.py"]
    assert core.names == {"Job": "Step"} and not core.members and not core.keywords


def test_outside_uses_are_whole_words(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = my_job_cache + self._job_note\n")
    (tmp_path / "b.py").write_bytes(b"_job_flag = 1\n")  # never mentions the needle: not read
    outside = deprecation.OutsideUses([tmp_path / "a.py", tmp_path / "b.py"], (b"job_c", b"job_n"))
    assert "_job_note" in outside
    assert "_job_cache" not in outside and "_job" not in outside and "_job_flag" not in outside


def test_every_imported_name_keeps_its_old_name_where_it_is_imported(tmp_path: Path) -> None:
    """`__all__` or not, `from app import JobKind` and `mock.patch("app.user.Job")` reach a module's
    imported names: they keep working under the old spelling, in every module that imports them."""
    plan = plan_for(tmp_path, {
        "app/__init__.py": "from .core import Job, JobKind\n\n__all__ = ['Job']\n",
        "app/core.py": "class Job:\n    pass\n\n\nclass JobKind:\n    pass\n",
        "app/user.py": "from .core import Job\n",
        "app/_private.py": "from .core import Job\n",
    })
    assert plan.modules["app/__init__.py"].names == {"Job": "Step", "JobKind": "StepKind"}
    assert plan.modules["app/user.py"].names == {"Job": "Step"}
    assert "app/_private.py" not in plan.modules  # nobody outside reaches a private module


@pytest.mark.parametrize("module", ["tests.test_jobs", "conftest", "app.jobs_test", "test_jobs", "app.tests",
                                    "app.test"])
def test_test_modules_get_no_compat(module: str) -> None:
    assert deprecation.is_test_module(module)
    assert not deprecation.is_test_module("app.testing_jobs")


def test_a_django_apps_tests_module_gets_no_compat(tmp_path: Path) -> None:
    """Aliases of its renamed test methods would make the runner run each of them twice."""
    plan = plan_for(tmp_path, {
        "app/__init__.py": "",
        "app/core.py": "class Job:\n    pass\n",
        "app/tests.py": "import unittest\n\nfrom app.core import Job\n\n\n"
                        "class JobTest(unittest.TestCase):\n    def test_job_runs(self):\n        Job()\n",
    })
    assert plan.modules["app/core.py"].names == {"Job": "Step"}
    assert "app/tests.py" not in plan.modules


def test_dunders_are_public_private_names_are_not() -> None:
    assert deprecation.is_public("__init__") and deprecation.is_public("job")
    assert not deprecation.is_public("_job") and not deprecation.is_public("__job")


def test_served_reads_back_what_the_block_says() -> None:
    import datetime

    from termshift.codemods.compat import add_block

    text = (
        "class Step:\n    def __init__(self, step_id):\n        self.step_id = step_id\n\n"
        "    def run_step(self):\n        pass\n\n\ndef make_step(step_id):\n    return Step(step_id)\n"
    )
    request = deprecation.ModuleCompat(
        path="app/core.py", module="app.core",
        names={"Job": "Step", "make_job": "make_step"},
        members={"Step": {"run_job": "run_step", "job_id": "step_id"}},
        keywords={"Step.__init__": {"job_id": "step_id"}, "make_step": {"job_id": "step_id"}},
    )
    served = deprecation.served(add_block(text, request, datetime.date(2027, 3, 1)))
    assert (served.names, served.members, served.keywords) == (request.names, request.members, request.keywords)
    assert not deprecation.served(text)


def test_property_accessors_take_no_keyword_shim(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, {
        "app/__init__.py": "",
        "app/core.py": (
            "class Worker:\n    @property\n    def label(self):\n        return ''\n\n"
            "    @label.setter\n    def label(self, job_name):\n        pass\n"
        ),
    })
    assert "app/core.py" not in plan.modules or not plan.modules["app/core.py"].keywords


STAR_LIBRARY = {
    "app/__init__.py": "from app.models import *\nfrom app.late import *\n",
    "app/models/__init__.py": "from .jobs import *\nfrom .other import *\n\nJobAlias = 1\n",
    "app/models/jobs.py": (
        '__all__ = ["Job", "JobAlias", "JobQueue", "run_job"]\n\n\n'
        "class Job:\n    pass\n\n\nclass JobQueue:\n    pass\n\n\n"
        "def run_job():\n    pass\n\n\ndef _job_helper():\n    pass\n\n\nJobAlias = 2\n"
    ),
    "app/models/other.py": "class Other:\n    pass\n\n\ndef run_job():\n    pass\n",
    "app/late.py": "from app.models.jobs import JobQueue as _mine\n\n\ndef JobQueue():\n    return _mine()\n",
    "app/_private.py": "from app.models.jobs import *\n",
    "tests/test_models.py": "from app import Job\n",
}


def test_star_imports_serve_the_old_names_they_brought_in(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, STAR_LIBRARY, targets=("app",))
    assert plan.modules["app/models/jobs.py"].names == {
        "Job": "Step", "JobAlias": "StepAlias", "JobQueue": "StepQueue", "run_job": "run_step"}
    models = plan.modules["app/models/__init__.py"]
    # `run_job` is bound by the later star import (of a module whose own `run_job` is renamed too);
    # `JobAlias` is the package's own, bound after the star import; no star import brings `_job_helper` in.
    assert models.names == {"Job": "Step", "JobAlias": "StepAlias", "JobQueue": "StepQueue", "run_job": "run_step"}
    assert models.starred == {"Job", "JobQueue", "run_job"}
    # Through a chain of star imports, and from whichever module binds the name last.
    top = plan.modules["app/__init__.py"]
    assert top.names == {"Job": "Step", "JobAlias": "StepAlias", "JobQueue": "StepQueue", "run_job": "run_step"}
    assert top.starred == set(top.names)
    assert "app/_private.py" not in plan.modules  # a private module: nobody imports from it


def test_star_imports_outside_the_migrated_paths_are_left_alone(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, STAR_LIBRARY, targets=("app/models",))
    assert "app/__init__.py" not in plan.modules and "app/models/__init__.py" in plan.modules


def test_a_name_a_later_star_import_binds_unrenamed_is_not_served(tmp_path: Path) -> None:
    # app/late.py is left out of the run: its `JobQueue` keeps its name, and it binds the package's.
    plan = plan_for(tmp_path, STAR_LIBRARY, targets=("app/models", "app/__init__.py"))
    assert plan.modules["app/__init__.py"].names == {"Job": "Step", "JobAlias": "StepAlias", "run_job": "run_step"}
