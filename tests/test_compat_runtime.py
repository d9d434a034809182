"""The compat layer at run time: import the migrated golden output and use it.

Old names must keep working and warn (naming the new name); new names must
not warn; classes, enum members, pickles, signatures and module objects must
be the very same things under both names.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import importlib.util
import inspect
import pickle
import shutil
import sys
import warnings
from pathlib import Path
from unittest import mock

import pytest

CASES = Path(__file__).parent / "fixtures" / "compat"


@pytest.fixture
def load(tmp_path: Path):
    """Import modules of a case's migrated tree (a private copy), forgotten afterwards."""
    added: list[str] = []

    def load(case: str, package: str):
        root = tmp_path / case
        if not root.exists():
            shutil.copytree(CASES / case / "expected", root)
            sys.path.insert(0, str(root))
            added.append(str(root))
        return importlib.import_module(package)

    before = set(sys.modules)
    yield load
    for name in set(sys.modules) - before:
        del sys.modules[name]
    for entry in added:
        sys.path.remove(entry)


def deprecated(match: str):
    return pytest.warns(DeprecationWarning, match=match)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# -- module-level names --------------------------------------------------------


def test_old_class_name_is_the_new_class(load):
    models = load("module_names", "names_app.models")
    with deprecated(r"names_app\.models\.Job is deprecated; use Step"):
        from names_app.models import Job
    assert Job is models.Step
    assert isinstance(models.Step("a"), Job)

    class Mine(Job):
        pass

    assert issubclass(Mine, models.Step)
    with deprecated("JobError"):
        with pytest.raises(models.JobError):
            raise models.StepError("boom")


def test_new_names_do_not_warn(load, no_warnings):
    models = load("module_names", "names_app.models")
    import names_app

    assert names_app.Step is models.Step
    assert models.make_step("a") == models.Step("a")
    assert models.STEP_LIMIT == 3 and models.StepKind.BATCH.value == "batch"


def test_constants_functions_aliases_and_enums(load):
    models = load("module_names", "names_app.models")
    with deprecated("JOB_LIMIT"):
        assert models.JOB_LIMIT == 3
    with deprecated("make_job is deprecated; use make_step"):
        assert models.make_job("a") == models.Step("a")
    with deprecated("JobMap"):
        assert models.JobMap == dict[str, int]
    with deprecated("JobKind"):
        assert models.JobKind.STREAM is models.StepKind.STREAM


def test_reexports_keep_the_old_names(load):
    load("module_names", "names_app")
    with deprecated(r"names_app\.Job is deprecated; use Step"):
        from names_app import Job
    from names_app.models import Step

    assert Job is Step


def test_patching_an_old_name_reaches_the_new_one_and_undoes_cleanly(load, monkeypatch):
    """Tests written against the old names patch them (`mock.patch("app.models.make_job")`): the
    code calling the new name must see the patch, and undoing it must leave the module as it was."""
    models = load("module_names", "names_app.models")
    original = models.make_step
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with mock.patch("names_app.models.make_job", return_value="patched"):
            assert models.make_step("a") == "patched"
        assert models.make_step is original and "make_job" not in vars(models)

        monkeypatch.setattr("names_app.models.make_job", lambda name: "monkeypatched")
        assert models.make_step("a") == "monkeypatched"
        monkeypatch.undo()
    assert models.make_step is original and "make_job" not in vars(models)
    with deprecated("make_job is deprecated; use make_step"):
        assert models.make_job("a") == models.Step("a")


def test_a_module_with_old_names_still_pickles_by_name(load):
    """cloudpickle and multiprocessing pickle a module a function refers to by its name: the
    module's compat class must not make it an object they can't pickle."""
    import pickle

    models = load("module_names", "names_app.models")
    assert type(models) is not type(sys) and pickle.loads(pickle.dumps(models)) is models


def test_existing_module_getattr_still_answers(load, no_warnings):
    models = load("module_names", "names_app.models")
    assert models.LEGACY_LIMIT == 3
    assert not hasattr(models, "NOTHING_HERE")


def test_private_names_get_no_alias(load, no_warnings):
    models = load("module_names", "names_app.models")
    assert not hasattr(models, "_job_cache") and not hasattr(models, "_forget_job")


def test_pickles_naming_the_old_class_still_load(load):
    models = load("module_names", "names_app.models")
    data = pickle.dumps(models.Step("a"), protocol=0)
    assert b"\nStep\n" in data
    with deprecated("Job"):
        old = pickle.loads(data.replace(b"\nStep\n", b"\nJob\n"))
    assert type(old) is models.Step and old.name == "a"
    assert pickle.loads(pickle.dumps(models.StepKind.BATCH)) is models.StepKind.BATCH


# -- methods and parameters ------------------------------------------------------


def test_old_method_names_forward(load):
    service = load("methods_and_parameters", "methods_app.service")
    scheduler = service.Scheduler()
    with deprecated(r"Scheduler\.add_job is deprecated; use add_step"):
        assert scheduler.add_job("a") == "a:0"
    with deprecated("next_job"):
        assert scheduler.next_job() == "a"


def test_signatures_are_the_real_ones(load):
    service = load("methods_and_parameters", "methods_app.service")
    parameters = inspect.signature(service.Scheduler.add_step).parameters
    assert list(parameters) == ["self", "step_name", "step_priority"]
    assert parameters["step_priority"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["step_priority"].default == 0
    with deprecated("add_job"):
        old = inspect.signature(service.Scheduler().add_job)
    assert list(old.parameters) == ["step_name", "step_priority"]
    assert list(inspect.signature(service.submit_step).parameters) == ["scheduler", "step_name", "options"]
    assert list(inspect.signature(service.Scheduler).parameters) == ["max_steps"]
    # what reads a signature with getfullargspec (monty's MSONable serialises __init__'s arguments)
    assert inspect.getfullargspec(service.Scheduler.__init__).args == ["self", "max_steps"]
    assert inspect.getfullargspec(service.Scheduler.add_step).kwonlyargs == ["step_priority"]


def test_old_keywords_are_accepted_with_a_warning(load):
    service = load("methods_and_parameters", "methods_app.service")
    scheduler = service.Scheduler()
    with deprecated(r"keyword 'job_name' of Scheduler\.add_step\(\) is deprecated; use 'step_name'"):
        assert scheduler.add_step(job_name="a", step_priority=1) == "a:1"
    with deprecated("max_jobs"):
        assert service.Scheduler(max_jobs=2).limit == 2
    with deprecated("job_priority"):  # a **kwargs key the function reads
        assert service.submit_step(scheduler, "b", job_priority=3) == "b:3"
    with pytest.raises(TypeError, match="got both 'job_name' and 'step_name'"):
        scheduler.add_step(job_name="a", step_name="b")
    with pytest.raises(TypeError, match="both"):
        service.Scheduler(max_jobs=1, max_steps=2)


def test_new_keywords_and_methods_do_not_warn(load, no_warnings):
    service = load("methods_and_parameters", "methods_app.service")
    scheduler = service.Scheduler(max_steps=3)
    assert scheduler.add_step(step_name="a", step_priority=2) == "a:2"
    assert scheduler.step_count == 1 and scheduler.next_step() == "a"
    assert service.Scheduler.step_key(step_name="x") == "key-x"
    assert service.submit_step(scheduler, "b", step_priority=1) == "b:1"


def test_static_class_async_and_property_flavours(load):
    service = load("methods_and_parameters", "methods_app.service")
    with deprecated("job_key"):
        assert service.Scheduler.job_key("x") == "key-x"
    with deprecated("job_key"):
        assert service.Scheduler().job_key("y") == "key-y"

    class Sub(service.Scheduler):
        pass

    with deprecated("with_jobs"):
        built = Sub.with_jobs("a", "b")
    assert type(built) is Sub and built.queue == ["a", "b"]
    with deprecated("wait_for_job"):
        waiter = built.wait_for_job
    assert inspect.iscoroutinefunction(waiter) and inspect.iscoroutinefunction(service.Scheduler.wait_for_step)
    with deprecated("job_name"):
        assert asyncio.run(built.wait_for_step(job_name="c")) == "waited for c"
    with deprecated("job_count"):
        assert built.job_count == 2
    with deprecated("job_count"), pytest.raises(AttributeError):
        built.job_count = 5


def test_a_subclass_overriding_the_old_name_still_takes_effect(load):
    service = load("methods_and_parameters", "methods_app.service")

    class Legacy(service.Scheduler):
        def add_job(self, job_name, *, job_priority=0):
            return "legacy:" + super().add_job(job_name, job_priority=job_priority)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        legacy = Legacy.with_steps("a")  # the library calls add_step: the override runs
        assert legacy.add_step("b") == "legacy:b:0"
    assert legacy.queue == ["a", "b"]
    assert any("overriding" in str(warning.message) and "add_job" in str(warning.message) for warning in caught)


def test_an_override_written_with_the_old_keywords_gets_the_new_ones_the_code_passes(load):
    """The library now passes `step_priority=`; a user's subclass still declares `job_priority`,
    under the method's old name or its new one: each call hands the keyword on under the name
    the override declares, and defining such an override warns once."""
    service = load("methods_and_parameters", "methods_app.service")

    with deprecated(r"keyword 'job_priority' of .*Legacy\.add_job\(\) is deprecated; use 'step_priority'"):
        class Legacy(service.Scheduler):
            def add_job(self, job_name, *, job_priority=0):
                return "legacy:" + super().add_job(job_name, job_priority=job_priority)

    with deprecated("job_priority"):
        class Halfway(service.Scheduler):
            def add_step(self, step_name, *, job_priority=0):
                return f"halfway:{step_name}:{job_priority}"

    with deprecated("job_name"):
        class Flavours(service.Scheduler):
            @staticmethod
            def job_key(job_name):
                return "mine-" + job_name

            async def wait_for_step(self, job_name):
                return "mine " + job_name

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert service.submit_step(Legacy(), "b", step_priority=2) == "legacy:b:2"
        assert service.submit_step(Halfway(), "c", step_priority=3) == "halfway:c:3"
        assert Flavours.step_key(step_name="x") == "mine-x" and Flavours().step_key(step_name="y") == "mine-y"
        assert asyncio.run(Flavours().wait_for_step(step_name="z")) == "mine z"
    assert inspect.iscoroutinefunction(Flavours.wait_for_step)
    assert list(inspect.signature(Halfway.add_step).parameters) == ["self", "step_name", "job_priority"]


def test_an_override_with_the_new_keywords_is_left_as_it_is(load, no_warnings):
    service = load("methods_and_parameters", "methods_app.service")

    def add_step(self, step_name, *, step_priority=0):
        return f"current:{step_name}:{step_priority}"

    Current = type("Current", (service.Scheduler,), {"add_step": add_step})
    assert vars(Current)["add_step"] is add_step
    assert service.submit_step(Current(), "a", step_priority=1) == "current:a:1"


def test_patching_the_old_name_patches_what_the_code_calls(load):
    service = load("methods_and_parameters", "methods_app.service")
    scheduler = service.Scheduler.with_steps("a")
    with mock.patch.object(service.Scheduler, "next_job", return_value="patched") as patched:
        with deprecated("overriding"):
            assert scheduler.drain.__self__ is scheduler and scheduler.next_step() == "patched"
    patched.assert_called_once_with()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert scheduler.drain() == ["a"]  # the patch is gone, the alias is back


def test_patching_the_old_name_on_an_instance_after_a_plugin_replaced_it_on_the_class(load):
    """A monitoring plugin wraps a method on the class under its old name (sentry-sdk's RQ
    integration does `Worker.perform_job = traced`); a test then patches the old name on one
    instance: that instance's value is what the library's calls reach, as before the rename."""
    service = load("methods_and_parameters", "methods_app.service")
    with deprecated("next_job"):
        original = service.Scheduler.next_job

    def traced(self):
        return original(self)

    service.Scheduler.next_job = traced
    scheduler = service.Scheduler.with_steps("a", "b")
    with mock.patch.object(scheduler, "next_job", side_effect=["patched", None]):
        with deprecated(r"Scheduler\.next_job is deprecated; use next_step"):
            assert scheduler.drain() == ["patched"]
    assert "next_job" not in vars(scheduler)
    with deprecated("overriding"):  # the plugin's wrapper, on the class, again
        assert scheduler.drain() == ["a", "b"]
    other = service.Scheduler.with_steps("c")
    with deprecated("overriding"):
        assert other.drain() == ["c"]  # other instances never saw the patch


def test_private_members_get_no_alias(load, no_warnings):
    service = load("methods_and_parameters", "methods_app.service")
    assert not hasattr(service.Scheduler, "_drop_job") and not hasattr(service, "_retry_job")


# -- fields and attributes -------------------------------------------------------


def test_dataclass_fields(load):
    records = load("fields_and_attributes", "fields_app.records")
    with deprecated("keyword 'job_name'"):
        record = records.Record(job_name="a")
    assert record == records.Record(step_name="a") and record.step_name == "a"
    assert [field.name for field in dataclasses.fields(record)] == ["step_name", "step_count"]
    with deprecated(r"Record\.job_count is deprecated; use step_count"):
        record.job_count = 4
    assert record.bump() == 5
    with deprecated("job_count"):
        assert record.job_count == 5
    with pytest.raises(TypeError, match="both"):
        records.Record(job_name="a", step_name="b")
    assert pickle.loads(pickle.dumps(record)) == record


def test_frozen_dataclass_stays_frozen(load):
    records = load("fields_and_attributes", "fields_app.records")
    with deprecated("job_name"):
        snapshot = records.Snapshot(job_name="x")
    with deprecated("job_name"):
        assert snapshot.job_name == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):  # the class's own __setattr__ refuses first
        snapshot.job_name = "y"


def test_dataclass_subclasses_take_their_bases_old_keywords(load):
    """`@dataclass` writes each subclass an __init__ of its own, taking the bases' fields too:
    the old keyword of a renamed base field works there as well, in this module or another."""
    records = load("fields_and_attributes", "fields_app.records")
    with deprecated(r"keyword 'job_name' of Outcome\.__init__\(\)"):
        outcome = records.Outcome(job_name="a", passed=False)
    assert outcome == records.Outcome(step_name="a", passed=False)
    with deprecated("job_count"):
        assert outcome.job_count == 0
    with pytest.raises(TypeError, match="both"):
        records.Outcome(job_name="a", step_name="b")
    with deprecated("keyword 'job_name'"):
        labelled = records.Labelled(job_name="x", label="l")  # a frozen one
    with pytest.raises(dataclasses.FrozenInstanceError):
        labelled.step_name = "y"
    reports = load("fields_and_attributes", "fields_app.reports")
    with deprecated(r"keyword 'job_(name|count)' of StepReport\.__init__\(\)"):
        report = reports.StepReport(job_name="r", job_count=2, pages=3)
    assert (report.step_name, report.step_count, report.pages) == ("r", 2, 3)
    with deprecated("JobReport"):
        assert reports.JobReport is reports.StepReport


def test_dataclass_without_generated_init(load, no_warnings):
    """`@dataclass(init=False)` writes no __init__: there is none to wrap, and the module imports."""
    records = load("fields_and_attributes", "fields_app.records")
    assert records.Manual("o").step_owner == "o" and records.Unset().step_owner == ""
    assert "__init__" not in vars(records.Unset)


def test_attrs_classes_take_old_keywords(load):
    """attrs writes __init__ from the fields as @dataclass does, by its own rules: a private field's
    keyword has no underscore, classic `@attr.s` takes only its `attr.ib()`s."""
    pytest.importorskip("attrs")
    entries = load("fields_and_attributes", "fields_app.entries")
    with deprecated(r"keyword 'job_(name|count)' of Entry\.__init__\(\)"):
        entry = entries.Entry(job_name="a", job_count=2)
    assert entry == entries.Entry(step_name="a", step_count=2)
    with deprecated("Entry.job_count"):
        entry.job_count = 3  # slotted: the old name still writes the new slot
    assert entry.step_count == 3
    with deprecated("keyword 'job_(secret|name)'"):
        private = entries.PrivateEntry(job_name="b", job_secret="s")  # a frozen subclass
    assert private._step_secret == "s" and private.step_name == "b"
    with pytest.raises(TypeError, match="both"):
        entries.PrivateEntry(job_secret="s", step_secret="t")
    with deprecated("keyword 'job_title'"):
        assert entries.ClassicEntry(job_title="c").step_title == "c"
    with deprecated("keyword 'job_tag'"):
        assert entries.Tagged(job_tag="t").step_tag == "t"
    assert "__init__" not in vars(entries.Unwritten)  # init=False: nothing written, nothing wrapped


def test_named_tuple_fields(load):
    records = load("fields_and_attributes", "fields_app.records")
    with deprecated("keyword '(first|second)_job'"):
        pair = records.Pair(first_job="a", second_job="b")
    assert pair == ("a", "b") and pair == records.Pair("a", "b")
    with deprecated("second_job"):
        assert pair.second_job == "b"
    assert pickle.loads(pickle.dumps(pair)) == pair


def test_enum_members(load):
    records = load("fields_and_attributes", "fields_app.records")
    with deprecated(r"Phase\.JOB_DONE is deprecated; use STEP_DONE"):
        assert records.Phase.JOB_DONE is records.Phase.STEP_DONE
    assert [member.name for member in records.Phase] == ["STEP_QUEUED", "STEP_DONE"]
    assert records.Phase(1) is records.Phase.STEP_QUEUED
    assert pickle.loads(pickle.dumps(records.Phase.STEP_DONE)) is records.Phase.STEP_DONE


def test_attributes_and_properties_read_and_write(load):
    records = load("fields_and_attributes", "fields_app.records")
    worker = records.Worker("w")
    with deprecated("current_job"):
        worker.current_job = "x"
    assert worker.current_step == "x"
    with deprecated("job_label"):
        worker.job_label = "w:y"
    assert worker.step_label == "w:y"
    with deprecated("current_job"):
        del worker.current_job
    assert not hasattr(worker, "current_step")
    assert not hasattr(records.Worker, "_job_history")


# -- private names the unmigrated code still uses ---------------------------------


def outside_module(load, case: str, relative: str):
    """A module of the part of a case that was not migrated, imported from its file."""
    load(case, "outside_app")
    path = CASES / case / "expected" / relative
    spec = importlib.util.spec_from_file_location(f"_outside_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_private_names_used_outside_the_migrated_paths_keep_working(load):
    executors = load("private_used_outside", "outside_app.executors")
    with deprecated(r"ShellExecutor\._parse_job_id is deprecated; use _parse_step_id"):
        assert executors.ShellExecutor._parse_job_id("Submitted 12") == "12"
    with deprecated(r"Executor\._job_folder is deprecated; use _step_folder"):
        assert executors.ShellExecutor()._job_folder("a/b") == ("a", "b")
    with deprecated(r"_job_label is deprecated; use _step_label"):
        from outside_app.executors import _job_label
    assert _job_label is executors._step_label
    with deprecated("_JOB_PREFIX"):
        assert executors._JOB_PREFIX == "job-"


def test_private_names_nobody_outside_uses_get_no_alias(load, no_warnings):
    executors = load("private_used_outside", "outside_app.executors")
    assert not hasattr(executors, "_job_counter") and not hasattr(executors.Executor, "_forget_job")


def test_the_unmigrated_tests_pass_on_the_migrated_library(load):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tests = outside_module(load, "private_used_outside", "tests/test_executors.py")  # imports old names
        tests.test_an_override_of_the_old_abstract_name_implements_it()
        tests.test_private_names_still_answer()
    assert all(warning.category is DeprecationWarning for warning in caught)


def test_an_abc_accepts_a_subclass_implementing_only_the_old_abstract_names(load):
    executors = load("private_used_outside", "outside_app.executors")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        class Legacy(executors.Executor):
            @staticmethod
            def _parse_job_id(output):
                return "legacy"

            def describe_job(self):
                return "old"

        legacy = Legacy()  # not abstract: the old names implement the renamed abstract methods
        assert legacy.submit("x") == "job-legacy" and legacy.describe_step() == "old"
    assert any("overriding" in str(w.message) and "_parse_job_id" in str(w.message) for w in caught)

    with pytest.warns(DeprecationWarning, match="overriding .*describe_job"):

        class Incomplete(executors.Executor):
            def describe_job(self):
                return "old"

    with pytest.raises(TypeError, match="_parse_step_id"):
        Incomplete()  # implementing neither name still leaves it abstract


def test_a_subclass_setting_the_old_class_attribute_still_takes_effect(load):
    executors = load("private_used_outside", "outside_app.executors")

    class Legacy(executors.ShellExecutor):
        max_jobs = 4

    with deprecated(r"overriding .*Legacy\.max_jobs is deprecated; use max_steps"):
        assert Legacy().capacity() == 4
    shell = executors.ShellExecutor()
    shell.max_steps = 2  # an instance attribute shadows the class one, under either name
    with deprecated("max_jobs"):
        assert shell.max_jobs == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert executors.ShellExecutor().capacity() == 1 and executors.Executor.max_steps == 1

    class Modern(executors.Executor):
        @staticmethod
        def _parse_step_id(output):
            return "new"

        def describe_step(self):
            return "new"

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Modern().submit("x") == "job-new"


def test_a_plugin_the_package_loads_while_it_is_imported_finds_the_old_names(load):
    """The package's ``__init__`` loads plugins that import its old names back, mid-import."""
    with deprecated(r"plug_app\.Job is deprecated; use Step"):
        plug_app = load("plugins_at_import", "plug_app")
    echo = sys.modules["plug_plugins.echo"]
    assert plug_app.PLUGINS["echo"] is echo.EchoJob
    assert issubclass(echo.EchoJob, plug_app.Step) and echo.QUEUED is plug_app.StepState.QUEUED
    assert echo.RUNNER_SEEN is None  # asked for before the package bound it: an ImportError, as before
    assert plug_app.run_step(echo.EchoJob("a")).describe() == "a: done"
    with deprecated("run_job"):
        assert plug_app.run_job is plug_app.run_step


def test_a_module_its_package_runs_without_importing_it_keeps_its_old_names(load):
    """A plugin loader's ``exec_module`` runs a module that ``sys.modules`` never holds."""
    plug_app = load("plugins_at_import", "plug_app")
    shell = plug_app.BUNDLED["shell"]
    assert "plug_app.bundled.shell" not in sys.modules and plug_app.PLUGINS["shell"] is shell.ShellStep
    with deprecated(r"plug_app\.bundled\.shell\.ShellJob is deprecated; use ShellStep"):
        assert shell.ShellJob is shell.ShellStep
    with deprecated("keyword 'job' of describe_step"):
        assert shell.describe_step(job=shell.ShellStep("x")) == "$ x"
    assert inspect.signature(shell.describe_step).parameters.keys() == {"step"}


def test_patching_an_old_name_before_anything_else_undoes_to_the_new_one(load):
    plug_app = load("plugins_at_import", "plug_app")
    original = plug_app.run_step
    with deprecated("run_job"), mock.patch("plug_app.run_job") as patched:
        assert plug_app.run_step is patched
    assert plug_app.run_step is original


# -- modules and packages --------------------------------------------------------


def test_old_module_path_is_the_new_module(load):
    steps = load("module_moves", "moves_app.steps")
    with deprecated(r"moves_app\.jobs is deprecated; use moves_app\.steps"):
        import moves_app.jobs
    assert moves_app.jobs is steps and sys.modules["moves_app.jobs"] is steps
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once: the shim is not run again
        assert importlib.import_module("moves_app.jobs") is steps
        from moves_app import jobs
    assert jobs is steps
    with deprecated("Job"):
        from moves_app.jobs import Job
    assert Job is steps.Step


def test_old_package_and_its_submodules(load):
    store = load("module_moves", "moves_app.step_store")
    with deprecated(r"moves_app\.job_store is deprecated"):
        from moves_app.job_store import MemoryStore
    assert MemoryStore is store.MemoryStore
    with deprecated(r"moves_app\.job_store\.memory is deprecated"):
        import moves_app.job_store.memory
    assert sys.modules["moves_app.job_store.memory"] is sys.modules["moves_app.step_store.memory"]
    with deprecated(r"job_files is deprecated; use moves_app\.step_store\.step_files"):
        from moves_app.job_store.job_files import ROOT
    assert ROOT is importlib.import_module("moves_app.step_store.step_files").ROOT
    assert isinstance(MemoryStore(), store.MemoryStore)


def test_modules_of_other_newline_styles(load):
    crlf = load("newlines", "nl_app.crlf")
    unterminated = load("newlines", "nl_app.unterminated")
    with deprecated("run_job"):
        assert crlf.run_job("a") == "a"
    with deprecated("count_jobs"):
        assert unterminated.count_jobs([1, 2]) == 2
