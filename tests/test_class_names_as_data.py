"""A class's or function's name read as data keeps it: a type tag in a payload, a key built from
the class's name, a registry keyed by it (a loop over classes, `__subclasses__()`, a metaclass).

The behaviour cases run their code before and after `migrate --no-compat`; the driver (`python
-c`) plays the outside world: what it stored, and the names it asks for, come from data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import migrated_alike, run_driver, termshift, write_project
from termshift.namers import (NAMES_ARGUMENT, NAMES_CLASS_OF_ARGUMENT, NAMES_ITS_CLASS, NAMES_ITS_INSTANCES,
                              module_namers)

CASES = {
    # A method writes its class's name into a payload, as a type tag.
    "type_tag": ({
        "app/model.py": "import json\n\n\nclass Job:\n    def __init__(self, ident):\n        self.ident = ident\n\n"
                        "    def dump(self):\n        return json.dumps({'type': type(self).__name__, 'ident': self.ident})\n",
    }, "from app.model import Job; print(Job(3).dump())"),
    # A base class of another module builds a storage key from the class's name.
    "base_class_key": ({
        "app/base.py": "class Model:\n    def key(self):\n        return f'{self.__class__.__name__.lower()}:{self.ident}'\n",
        "app/work.py": "from app.base import Model\n\n\nclass Job(Model):\n    def __init__(self, ident):\n"
                       "        self.ident = ident\n",
    }, "import json; from app.work import Job; store = json.loads('{\"job:3\": \"stored\"}'); print(store[Job(3).key()])"),
    # A class method names a table after the class.
    "class_method": ({
        "app/model.py": "class Table:\n    @classmethod\n    def table(cls):\n        return cls.__name__.lower()\n\n\n"
                        "class JobRow(Table):\n    pass\n",
    }, "import json; from app.model import JobRow; print({'jobrow': 'rows'}[JobRow.table()])"),
    # The receiver handed to a helper of the module that reads its class's name.
    "receiver_helper": ({
        "app/model.py": "def key_of(obj):\n    return f'{type(obj).__name__}:{obj.ident}'\n\n\n"
                        "class Job:\n    ident = 1\n\n    def key(self):\n        return key_of(self)\n",
    }, "from app.model import Job; print(Job().key())"),
    # A registry keyed by the names of the classes listed, looked up by a type tag from data.
    "listed_classes": ({
        "app/model.py": "class Job:\n    pass\n\n\nclass Task:\n    pass\n\n\n"
                        "KINDS = {kind.__name__: kind for kind in (Job, Task)}\n\n\n"
                        "def load(tag):\n    return KINDS[tag]().__class__.__qualname__\n",
    }, "import json; from app.model import load; print(load(json.loads('\"Job\"')))"),
    # The same through a module-level tuple, and of functions.
    "listed_functions": ({
        "app/actions.py": "def run_job():\n    return 'ran'\n\n\ndef stop():\n    return 'stopped'\n\n\n"
                          "ACTIONS = (run_job, stop)\nBY_NAME = {}\nfor action in ACTIONS:\n"
                          "    BY_NAME[action.__name__] = action\n",
    }, "import json; from app.actions import BY_NAME; print(BY_NAME[json.loads('\"run_job\"')]())"),
    # The name of a typed value's class: its own, or any subclass's.
    "typed_value": ({
        "app/model.py": "class Job:\n    pass\n\n\nclass BatchJob(Job):\n    pass\n",
        "app/tags.py": "from app.model import Job\n\n\ndef tag(job: Job) -> str:\n    return type(job).__name__\n",
    }, "from app.model import BatchJob; from app.tags import tag; print({'BatchJob': 'batch'}[tag(BatchJob())])"),
    # The subclasses of a base, keyed by their names.
    "subclasses": ({
        "app/plugins.py": "class Plugin:\n    pass\n\n\nclass JobPlugin(Plugin):\n    label = 'jobs'\n\n\n"
                          "def registry():\n    return {plugin.__name__: plugin for plugin in Plugin.__subclasses__()}\n",
    }, "import json; from app.plugins import registry; print(registry()[json.loads('\"JobPlugin\"')].label)"),
    # A class's path, module and all, written into a payload: the class keeps its name and the
    # module, though it never spells the term, its path.
    "class_path": ({
        "app/jobs/__init__.py": "",
        "app/jobs/model.py": "import json\n\n\nclass Record:\n    def dump(self):\n"
                             "        return json.dumps({'class': self.tag()})\n\n"
                             "    def tag(self):\n        return f'{type(self).__module__}.{type(self).__qualname__}'\n",
    }, "import json, importlib; from app.jobs.model import Record; path = json.loads(Record().dump())['class']; "
       "module, _, name = path.rpartition('.'); print(Record().tag(), getattr(importlib.import_module(module), name).__name__)"),
    # A metaclass keys the classes it makes by their names: those of another module too.
    "metaclass": ({
        "app/meta.py": "REGISTRY = {}\n\n\nclass Registered(type):\n    def __new__(mcs, name, bases, namespace):\n"
                       "        made = super().__new__(mcs, name, bases, namespace)\n        REGISTRY[name] = made\n"
                       "        return made\n\n\nclass Base(metaclass=Registered):\n    pass\n",
        "app/kinds.py": "from app.meta import Base\n\n\nclass JobKind(Base):\n    label = 'job'\n",
    }, "import json, app.kinds; from app.meta import REGISTRY; print(REGISTRY[json.loads('\"JobKind\"')].label)"),
    # The same from the metaclass's `__init__`, through the class it makes.
    "metaclass_init": ({
        "app/meta.py": "REGISTRY = {}\n\n\nclass Registered(type):\n    def __init__(cls, name, bases, namespace):\n"
                       "        super().__init__(name, bases, namespace)\n        REGISTRY[cls.__name__] = cls\n\n\n"
                       "class JobKind(metaclass=Registered):\n    label = 'job'\n",
    }, "import json; from app.meta import REGISTRY; print(REGISTRY[json.loads('\"JobKind\"')].label)"),
}


def _migrate(root: Path) -> subprocess.CompletedProcess:
    return termshift("migrate", "--no-compat", ".", cwd=root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_migrated_code_behaves_the_same(tmp_path: Path, case: str) -> None:
    files, driver = CASES[case]
    migrated_alike(tmp_path / "project", files, driver, ("as data",))


def test_a_class_name_only_shown_is_renamed(tmp_path: Path) -> None:
    """A class's name in its `__repr__`, a log line or an exception's message is shown, not kept:
    what a program prints after a rename is the new name, by definition."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/model.py": "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                        "class JobRun:\n    def __repr__(self):\n        return f'{type(self).__name__}()'\n\n"
                        "    def start(self):\n        log.info('starting %s', self.__class__.__name__)\n\n"
                        "    def check(self):\n        raise ValueError(f'{type(self).__name__} is not ready')\n\n\n"
                        "def describe(run: JobRun) -> str:\n    return repr(run)\n\n\n"
                        "def complain(run: JobRun) -> None:\n    print('bad', type(run).__name__)\n",
    })
    done = _migrate(root)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (root / "app/model.py").read_text()
    assert "class StepRun:" in text and "def describe(run: StepRun)" in text


@pytest.mark.parametrize(("text", "renamed"), [
    ('    "Job() instance of the task"\n', True),  # an attribute's docstring: never read
    ('    shown: str = "Job() instance of the task"\n', False),  # a value: may be compared with a repr
])
def test_text_standing_alone_as_a_statement_is_prose(tmp_path: Path, text: str, renamed: bool) -> None:
    """Text that shows a class as its repr would holds the class's name back, unless it stands
    alone as a statement (an attribute's docstring): the program never reads that."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/model.py": "class Job:\n    pass\n\n\nclass Context:\n    job: Job\n" + text,
    })
    done = _migrate(root)
    assert ("class Step:" in (root / "app/model.py").read_text()) is renamed, done.stdout + done.stderr


def test_check_says_where_the_name_is_read(tmp_path: Path) -> None:
    files, _ = CASES["listed_classes"]
    root = write_project(tmp_path / "project", {"app/__init__.py": "", **files})
    done = subprocess.run([sys.executable, "-m", "termshift", "check", "."], cwd=root, capture_output=True, text=True)
    assert ("app/model.py:9:10: TSH303 'Job': its name is read here as data (`kind.__name__`)" in done.stdout), \
        done.stdout


def _namers(source: str) -> dict[str, int]:
    return module_namers(ast.parse(source), source)


def test_which_methods_read_their_class_name() -> None:
    source = (
        "import json\n\n"
        "class Job:\n"
        "    def dump(self):\n        return json.dumps({'type': type(self).__name__})\n\n"
        "    def __repr__(self):\n        return type(self).__name__\n\n"
        "    def log(self):\n        print(self.__class__.__name__)\n\n"
        "    @classmethod\n    def table(cls):\n        return cls.__name__.lower()\n\n"
        "    def key(self):\n        return key_of(self)\n\n"
        "    @staticmethod\n    def plain(x):\n        return x\n\n"
        "def key_of(obj):\n    return f'{obj.__class__.__name__}:{obj.id}'\n\n"
        "class Made(type):\n"
        "    def __new__(mcs, name, bases, namespace):\n"
        "        made = super().__new__(mcs, name, bases, namespace)\n        REG[name] = made\n        return made\n\n"
        "class Shown(type):\n"
        "    def __new__(mcs, name, bases, namespace):\n"
        "        print('making', name)\n        return super().__new__(mcs, name, bases, namespace)\n\n"
        "    def __init__(cls, name, bases, namespace):\n"
        "        super().__init__(name, bases, namespace)\n        REG[cls.__name__] = cls\n\n"
        "class Base:\n    def __init_subclass__(cls, **kwargs):\n        REG[cls.__name__] = cls\n"
    )
    assert _namers(source) == {
        "Job.dump": NAMES_ITS_CLASS, "Job.table": NAMES_ITS_CLASS, "Job.key": NAMES_ITS_CLASS,
        "key_of": NAMES_CLASS_OF_ARGUMENT, "Made.__new__": NAMES_ITS_INSTANCES,
        "Shown.__init__": NAMES_ITS_INSTANCES | NAMES_ARGUMENT, "Base.__init_subclass__": NAMES_ARGUMENT,
    }


PICKLE_DEPLOYED = ("import pathlib, sys; from app.store import save; from app import jobs; "
                   "kind = [v for k, v in vars(jobs).items() if k.endswith('Job') and isinstance(v, type)][0]; "
                   "pathlib.Path('stored.bin').write_bytes(save(kind(7)))")
PICKLE_LOAD = "import pathlib; from app.store import load; print(load(pathlib.Path('stored.bin').read_bytes()))"


@pytest.mark.parametrize("pickler", ["pickle.dumps(job)", "pickle.dumps((job, 'meta'))"])
def test_a_pickled_objects_class_keeps_its_name_and_path(tmp_path: Path, pickler: str) -> None:
    """A pickle records the class by its module's path and its name: renamed, what the old code
    stored (a queue's message, a cache entry) would no longer load."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/jobs.py": "class Job:\n    def __init__(self, number):\n        self.number = number\n\n"
                       "    def __repr__(self):\n        return f'<work {self.number}>'\n",
        "app/store.py": f"import pickle\n\nfrom app.jobs import Job\n\n\ndef save(job: Job) -> bytes:\n"
                        f"    return {pickler}\n\n\ndef load(blob):\n    return pickle.loads(blob)\n",
    })
    deployed = run_driver(root, PICKLE_DEPLOYED)
    assert deployed == "", deployed
    before = run_driver(root, PICKLE_LOAD)
    assert "<work 7>" in before, before
    done = termshift("migrate", "--no-compat", ".", cwd=root)
    assert done.returncode == 1 and "records the class of what it is handed" in done.stderr, done.stderr
    assert run_driver(root, PICKLE_LOAD) == before


def test_a_pickle_loaded_again_at_once_or_a_tests_holds_nothing(tmp_path: Path) -> None:
    """`pickle.loads(pickle.dumps(job))` is a copy, and a test's round trip stores nothing a
    deploy would find: the class moves."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/jobs.py": "import pickle\n\n\nclass Job:\n    pass\n\n\ndef clone(job: Job) -> Job:\n"
                       "    return pickle.loads(pickle.dumps(job))\n",
        "tests/test_jobs.py": "import pickle\n\nfrom app.jobs import Job\n\n\ndef test_pickles():\n"
                              "    job = Job()\n    assert pickle.loads(pickle.dumps(job)).__class__ is Job\n"
                              "    data = pickle.dumps(job)\n    assert pickle.loads(data).__class__ is Job\n",
    })
    done = termshift("migrate", "--no-compat", ".", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "class Step:" in (root / "app/steps.py").read_text()
