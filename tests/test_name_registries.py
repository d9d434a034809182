"""A function or class handed to a callable that reads its name keeps it: the program finds it
again by that name, as data (a registry keyed by `__name__`, a command named after its function).

The behaviour cases run their code before and after `migrate --no-compat`; the driver (`python
-c`) plays the outside world, and the names it asks for come from data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import migrated_alike, run_driver, termshift, write_project
from termshift.namers import NAMES_ARGUMENT, NAMES_MODULE, RETURNS_NAMER, module_namers

REGISTRY = (
    "HANDLERS = {}\n\n\n"
    "def handler(f):\n    HANDLERS[f.__name__] = f\n    return f\n\n\n"
    "def dispatch(name, x):\n    return HANDLERS[name](x)\n"
)

CASES = {
    # A decorator that keys a registry by the function's name.
    "decorator": ({
        "app/registry.py": REGISTRY,
        "app/handlers.py": "from app.registry import handler\n\n\n@handler\ndef on_job(x):\n    return x + 1\n",
    }, "import json, app.handlers; from app.registry import dispatch; print(dispatch(json.loads('\"on_job\"'), 1))"),
    # A decorator factory (`@register("kind")`), its closure keying by `__qualname__`.
    "factory": ({
        "app/registry.py": "REG = {}\n\n\ndef register(kind):\n    def deco(fn):\n"
                           "        REG[kind, fn.__qualname__] = fn\n        return fn\n    return deco\n",
        "app/handlers.py": "from app.registry import register\n\n\n@register('event')\ndef job_done():\n    return 'done'\n",
    }, "import json, app.handlers; from app.registry import REG; print(REG['event', json.loads('\"job_done\"')]())"),
    # A registry object's method, as a decorator and as a call; the name read through a helper.
    "method": ({
        "app/registry.py": "def key_of(f):\n    return f.__name__\n\n\nclass Registry:\n    def __init__(self):\n"
                           "        self.found = {}\n\n    def add(self, f):\n        self.found[key_of(f)] = f\n"
                           "        return f\n\n\nregistry = Registry()\n",
        "app/handlers.py": "from app.registry import registry\n\n\n@registry.add\ndef start_job():\n    return 'started'\n\n\n"
                           "def stop_job():\n    return 'stopped'\n\n\nregistry.add(f=stop_job)\n",
    }, "import json, app.handlers; from app.registry import registry; "
       "print([registry.found[n]() for n in json.loads('[\"start_job\", \"stop_job\"]')])"),
    # A decorator that hands the function on to a registry of another module, directly or through a
    # function there; one that only logs keys nothing (`show_job` is renamed).
    "across_modules": ({
        "app/registry.py": "class Registry:\n    def __init__(self):\n        self.found = {}\n\n"
                           "    def add(self, f):\n        self.found[f.__name__] = f\n\n\nregistry = Registry()\n\n\n"
                           "def register(f):\n    registry.found[f.__qualname__] = f\n",
        "app/tasks.py": "from app.registry import register, registry\n\n\ndef task(f):\n    registry.add(f)\n    return f\n\n\n"
                        "def plain(f):\n    register(f)\n    return f\n\n\ndef logged(f):\n    print('registering')\n    return f\n",
        "app/work.py": "from app.tasks import logged, plain, task\n\n\n@task\ndef run_job():\n    return 'ran'\n\n\n"
                       "@plain\ndef stop_job():\n    return 'stopped'\n\n\n@logged\ndef show_job():\n    return 'shown'\n",
    }, "import json, app.work; from app.registry import registry; "
       "print([registry.found[name]() for name in json.loads('[\"run_job\", \"stop_job\"]')])"),
    # A decorator factory whose closure hands the function on to a registry of another module.
    "factory_across_modules": ({
        "app/registry.py": "class Registry:\n    def __init__(self):\n        self.found = {}\n\n"
                           "    def add(self, kind, f):\n        self.found[kind, f.__name__] = f\n\n\nregistry = Registry()\n",
        "app/tasks.py": "from app.registry import registry\n\n\ndef task(kind):\n    def deco(f):\n"
                        "        registry.add(kind, f)\n        return f\n    return deco\n",
        "app/work.py": "from app.tasks import task\n\n\n@task('queue')\ndef run_job():\n    return 'ran'\n",
    }, "import json, app.work; from app.registry import registry; "
       "print(registry.found['queue', json.loads('\"run_job\"')]())"),
    # A registry keyed by the function's name with its module's path: the module keeps its path,
    # though the function's own name never spells the term.
    "module_path": ({
        "app/queue.py": "TASKS = {}\n\n\ndef task(f):\n    TASKS[f'{f.__module__}.{f.__qualname__}'] = f\n    return f\n",
        "app/jobs/__init__.py": "",
        "app/jobs/work.py": "from app.queue import task\n\n\n@task\ndef cleanup():\n    return 'cleaned'\n",
    }, "import json, app.jobs.work; from app.queue import TASKS; print(TASKS[json.loads('\"app.jobs.work.cleanup\"')]())"),
    # A function's local function, handed to a registry: held in its function, definition and all.
    "local": ({
        "app/registry.py": REGISTRY,
        "app/handlers.py": "from app.registry import handler\n\n\ndef setup():\n    def on_job(x):\n"
                           "        return x * 2\n\n    handler(on_job)\n    return on_job\n\n\nsetup()\n",
    }, "import json, app.handlers; from app.registry import dispatch; print(dispatch(json.loads('\"on_job\"'), 4))"),
    # `__init_subclass__` keying its subclasses by their class names.
    "subclasses": ({
        "app/plugins.py": "class Plugin:\n    plugins = {}\n\n    def __init_subclass__(cls, **kwargs):\n"
                          "        super().__init_subclass__(**kwargs)\n        Plugin.plugins[cls.__name__] = cls\n\n\n"
                          "class JobPlugin(Plugin):\n    name = 'jobs'\n",
    }, "import json; from app.plugins import Plugin; print(Plugin.plugins[json.loads('\"JobPlugin\"')].name)"),
    # click names a command after its function: the command line is the data.
    "click_command": ({
        "app/cli.py": "import click\n\n\n@click.command()\ndef requeue_job():\n    click.echo('requeued')\n\n\n"
                      "cli = click.Group(commands=[requeue_job])\n",
    }, "from click.testing import CliRunner; from app.cli import cli; "
       "r = CliRunner().invoke(cli, ['requeue-job']); print(r.exit_code, r.output.strip())"),
    # A command of a click group: a method of what a third party's decorator made of `cli`.
    "click_group": ({
        "app/cli.py": "import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n"
                      "@cli.command()\ndef purge_jobs():\n    click.echo('purged')\n",
    }, "from click.testing import CliRunner; from app.cli import cli; "
       "r = CliRunner().invoke(cli, ['purge-jobs']); print(r.exit_code, r.output.strip())"),
    # A task object that keeps the function and names itself after it later, in a property, through
    # a helper of another module; made by a method's closure that imports the class in its body
    # (stubs of `@overload` before it), and looked up by a key that spells the path.
    # A scheduler that names a task `module:qualname`, and a lookup that spells it so with the
    # module's `__name__` (APScheduler 4's task ids).
    "module_colon_name": ({
        "app/scheduler.py": "TASKS = {}\n\n\ndef add_job(func):\n"
                            "    TASKS[f'{func.__module__}:{func.__qualname__}'] = func\n",
        "app/work.py": "from app.scheduler import TASKS, add_job\n\n\ndef dummy_job():\n    return 'ran'\n\n\n"
                       "add_job(dummy_job)\n\n\ndef run():\n    return TASKS[f'{__name__}:dummy_job']()\n",
    }, "from app.work import run; print(run())"),
    "kept_by_an_object": ({
        "app/naming.py": "def full_path(obj):\n    return f'{obj.__module__}.{obj.__name__}'\n",
        "app/tasks.py": "from app import naming\n\n\nclass Task:\n    def __init__(self, func, name=None):\n"
                        "        self.func = func\n        self.name = name or self.full_path\n\n"
                        "    @property\n    def full_path(self):\n        return naming.full_path(self.func)\n",
        "app/registry.py": "import typing\n\nREGISTRY = {}\n\n\nclass Blueprint:\n    @typing.overload\n"
                           "    def task(self, queue: str) -> object: ...\n\n"
                           "    def task(self, queue='default'):\n        from app.tasks import Task\n\n"
                           "        def wrap(func):\n            task = Task(func)\n"
                           "            REGISTRY[task.name] = REGISTRY['builtin:' + task.name] = task\n"
                           "            return task\n\n        return wrap\n\n\nbuiltin = Blueprint()\n",
        "app/builtin.py": "from app.registry import builtin\n\n\n@builtin.task(queue='x')\n"
                          "def remove_old_jobs():\n    return 'removed'\n",
        "app/names.py": "KEYS = ['builtin:app.builtin.remove_old_jobs']\n",
    }, "import json, app.builtin; from app.registry import REGISTRY; from app.names import KEYS; "
       "print(REGISTRY[json.loads('\"app.builtin.remove_old_jobs\"')].func(), REGISTRY[KEYS[0]].func())"),
    # The class reached through a module the decorator imports in its body, under another name.
    "kept_by_an_object_of_a_module_imported_as": ({
        "app/kept.py": "class Command:\n    def __init__(self, callback):\n        self.callback = callback\n\n"
                       "    def key(self):\n        return self.callback.__name__\n",
        "app/registry.py": "REGISTRY = {}\n\n\ndef command(f):\n    import app.kept as kept\n\n"
                           "    made = kept.Command(f)\n    REGISTRY[made.key()] = made\n    return f\n",
        "app/commands.py": "from app.registry import command\n\n\n@command\ndef list_jobs():\n    return 'listed'\n",
    }, "import json, app.commands; from app.registry import REGISTRY; "
       "print(REGISTRY[json.loads('\"list_jobs\"')].callback())"),
    # The same, the name read in a method of the class itself.
    "kept_and_named_by_a_method": ({
        "app/registry.py": "REGISTRY = {}\n\n\nclass Command:\n    def __init__(self, callback):\n"
                           "        self.callback = callback\n\n    def key(self):\n        return self.callback.__name__\n\n\n"
                           "def command(f):\n    made = Command(f)\n    REGISTRY[made.key()] = made\n    return f\n",
        "app/commands.py": "from app.registry import command\n\n\n@command\ndef list_jobs():\n    return 'listed'\n",
    }, "import json, app.commands; from app.registry import REGISTRY; "
       "print(REGISTRY[json.loads('\"list_jobs\"')].callback())"),
}


_run = run_driver


def _migrate(root: Path) -> subprocess.CompletedProcess:
    return termshift("migrate", "--no-compat", ".", cwd=root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_migrated_code_behaves_the_same(tmp_path: Path, case: str) -> None:
    files, driver = CASES[case]
    migrated_alike(tmp_path / "project", files, driver, ("reads the name of", "can't read: it may key", "with its module's path"))


def test_a_name_only_shown_or_copied_onto_a_wrapper_is_renamed(tmp_path: Path) -> None:
    """Logging a function's name, or copying it onto a wrapper (`functools.wraps` by hand), keys
    nothing: the function is renamed, and the wrapper with it."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/tools.py": "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                        "def logged(f):\n    def inner(*a):\n        log.info('calling %s', f.__name__)\n"
                        "        return f(*a)\n    inner.__name__ = f.__name__\n    return inner\n\n\n"
                        "def checked(f):\n    if not callable(f):\n        raise TypeError(f'{f.__name__} is not callable')\n"
                        "    return f\n\n\n@logged\ndef run_job():\n    return 1\n\n\n@checked\ndef stop_job():\n    return 2\n\n\n"
                        "def main():\n    return run_job() + stop_job()\n",
    })
    done = _migrate(root)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (root / "app/tools.py").read_text()
    assert "def run_step()" in text and "def stop_step()" in text and "return run_step() + stop_step()" in text


def test_a_module_path_only_copied_onto_a_wrapper_moves(tmp_path: Path) -> None:
    """A decorator that copies `__module__` onto its wrapper (`functools.wraps` by hand) keys
    nothing by it: the module moves."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/tools.py": "def logged(f):\n    def inner(*a):\n        return f(*a)\n"
                        "    inner.__module__ = f.__module__\n    inner.__name__ = f.__name__\n    return inner\n",
        "app/jobs/__init__.py": "",
        "app/jobs/work.py": "from app.tools import logged\n\n\n@logged\ndef cleanup():\n    return 1\n",
    })
    done = _migrate(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "app/steps/work.py").exists()


def test_check_says_why_the_name_is_held(tmp_path: Path) -> None:
    files, _ = CASES["decorator"]
    root = write_project(tmp_path / "project", {"app/__init__.py": "", **files})
    done = subprocess.run([sys.executable, "-m", "termshift", "check", "."], cwd=root, capture_output=True, text=True)
    assert "app/handlers.py:5:5: TSH303 'on_job': `@handler` reads the name of what it decorates" in done.stdout


MINICLI = '''\
"""A command-line framework that names each command after its function, in a closure."""

COMMANDS = {}


def command(name=None):
    def decorator(f):
        COMMANDS[name or f.__name__.replace("_", "-")] = f
        return f
    return decorator


def _helper(f):
    return f.__name__


def wrap(f):
    """Reads the name only in a helper: a third party's helpers are not followed."""
    _helper(f)
    return f
'''


def _with_a_third_party(tmp_path: Path, package: dict[str, str], files: dict[str, str],
                        driver: str) -> tuple[Path, str, str, subprocess.CompletedProcess]:
    """A project using an installed package of its own (`package`: its files, on the search path),
    the driver's output before, the driver, and the migration's outcome."""
    site = write_project(tmp_path / "site", package)
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", **files, "pyproject.toml": f"[tool.termshift]\nsearch-path = [{str(site)!r}]\n"})
    driver = f"import sys, json; sys.path.append({str(site)!r}); {driver}"
    before = _run(root, driver)
    return root, before, driver, _migrate(root)


def test_a_third_party_decorator_is_read_from_its_source(tmp_path: Path) -> None:
    root, before, driver, done = _with_a_third_party(
        tmp_path, {"minicli/__init__.py": "from .core import command, wrap\n", "minicli/core.py": MINICLI},
        {"app/cli.py": "import minicli\n\n\n@minicli.command()\ndef purge_jobs():\n    return 'purged'\n\n\n"
                       "@minicli.wrap\ndef list_jobs():\n    return []\n"},
        "import app.cli, minicli.core as m; print(m.COMMANDS[json.loads('\"purge-jobs\"')]())")
    assert before.strip() == "purged", before
    assert done.returncode == 1 and "`@minicli.command(…)` reads the name" in done.stderr, done.stderr
    assert _run(root, driver) == before
    assert "def list_steps()" in (root / "app/cli.py").read_text()


def test_a_third_party_in_the_projects_own_environment_is_read_there(tmp_path: Path) -> None:
    """termshift installed apart (pipx, another venv): the project's `.venv` is where its third
    parties are, and where their decorators are read from, as a type checker finds them."""
    site = "lib/python3.11/site-packages"
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/cli.py": "import minicli\n\n\n@minicli.command()\ndef purge_jobs():\n    return 'purged'\n",
        ".venv/pyvenv.cfg": "home = /usr/bin\n", f".venv/{site}/minicli/__init__.py": "from .core import command, wrap\n",
        f".venv/{site}/minicli/core.py": MINICLI})
    driver = (f"import sys, json; sys.path.append({str(root / '.venv' / site)!r}); import app.cli, minicli.core as m; "
              "print(m.COMMANDS[json.loads('\"purge-jobs\"')]())")
    before = _run(root, driver)
    assert before.strip() == "purged", before
    done = _migrate(root)
    assert done.returncode == 1 and "`@minicli.command(…)` reads the name" in done.stderr, done.stderr
    assert _run(root, driver) == before


MINIQUEUE = '''\
"""A task queue whose app names each task after its function, in a method of its own."""


class App:
    def __init__(self):
        self.tasks = {}

    def task(self, *args, **opts):
        def inner(**options):
            def create(fun):
                return self._from_fun(fun, **options)
            return create
        if len(args) == 1 and callable(args[0]):
            return inner(**opts)(*args)
        return inner(**opts)

    def _from_fun(self, fun, name=None):
        self.tasks[name or fun.__name__] = fun
        return fun
'''


def test_a_third_party_method_that_names_in_a_method_of_its_class(tmp_path: Path) -> None:
    """`@app.task` of a task queue: the task's name, in the broker's messages, is the function's."""
    root, before, driver, done = _with_a_third_party(
        tmp_path, {"miniqueue/__init__.py": MINIQUEUE},
        {"app/tasks.py": "from miniqueue import App\n\napp = App()\n\n\n@app.task\ndef process_job():\n    return 1\n\n\n"
                         "@app.task(name='cleanup')\ndef cleanup_job():\n    return 2\n"},
        "from app.tasks import app; print(app.tasks[json.loads('\"process_job\"')](), sorted(app.tasks))")
    assert before.strip() == "1 ['cleanup', 'process_job']", before
    assert done.returncode == 1 and "`@app.task` reads the name" in done.stderr, done.stderr
    assert _run(root, driver) == before


MINITYPER_MAIN = '''\
"""A command-line framework that keeps each function as it registers it, and names the command
after it only when the command line is built (as Typer does)."""

from .models import CommandInfo


class App:
    def __init__(self):
        self.registered_commands = []

    def command(self, name=None):
        def decorator(f):
            self.registered_commands.append(CommandInfo(name=name, callback=f))
            return f
        return decorator

    def keep(self, f):
        self.kept = f
        return f
'''

MINITYPER_RUN = '''\
def run(app, args):
    commands = {info.name or info.callback.__name__.replace("_", "-"): info.callback
                for info in app.registered_commands}
    return commands[args[0]]()
'''


def test_a_third_party_decorator_that_names_what_it_keeps_later(tmp_path: Path) -> None:
    """`@app.command()` keeps `CommandInfo(callback=f)`; another module of the package reads
    `info.callback.__name__` when it builds the command line. A decorator that keeps the function
    under a field its package never reads the name of (`keep`) is not a namer."""
    root, before, driver, done = _with_a_third_party(
        tmp_path, {"minityper/__init__.py": "from .main import App\n", "minityper/main.py": MINITYPER_MAIN,
                   "minityper/models.py": "class CommandInfo:\n    def __init__(self, name=None, callback=None):\n"
                                          "        self.name = name\n        self.callback = callback\n",
                   "minityper/running.py": MINITYPER_RUN},
        {"app/cli.py": "import minityper\n\napp = minityper.App()\n\n\n@app.command()\ndef list_jobs():\n"
                       "    return 'listed'\n\n\n@app.keep\ndef show_jobs():\n    return 'shown'\n"},
        "from app.cli import app; from minityper.running import run; print(run(app, json.loads('[\"list-jobs\"]')))")
    assert before.strip() == "listed", before
    assert done.returncode == 1 and "`@app.command(…)` reads the name" in done.stderr, done.stderr
    assert _run(root, driver) == before
    assert "def show_steps()" in (root / "app/cli.py").read_text()


MINIMCP_SERVER = '''\
from .tools import ToolManager


class Server:
    def __init__(self):
        self._tools = ToolManager()

    def tool(self, title=None):
        def decorator(fn):
            self.add_tool(fn, title=title)
            return fn
        return decorator

    def add_tool(self, fn, title=None):
        self._tools.add_tool(fn, title=title)

    def call(self, name):
        return self._tools.tools[name].fn()
'''

MINIMCP_TOOLS = '''\
from .base import Tool


class ToolManager:
    def __init__(self):
        self.tools = {}

    def add_tool(self, fn, title=None):
        tool = Tool.from_function(fn, title=title)
        self.tools[tool.name] = tool
'''

MINIMCP_BASE = '''\
class Tool:
    def __init__(self, name, fn):
        self.name, self.fn = name, fn

    @classmethod
    def from_function(cls, fn, title=None):
        return cls(fn.__name__, fn)
'''


def test_a_third_party_decorator_that_hands_it_on_to_where_its_name_is_read(tmp_path: Path) -> None:
    """`@server.tool()` hands the function to a method, which hands it to another module's class,
    whose constructor reads `fn.__name__`: a tool's clients call it by that name. A function only
    registered inside another (a local) is held the same way."""
    root, before, driver, done = _with_a_third_party(
        tmp_path, {"minimcp/__init__.py": "from .server import Server\n", "minimcp/server.py": MINIMCP_SERVER,
                   "minimcp/tools.py": MINIMCP_TOOLS, "minimcp/base.py": MINIMCP_BASE},
        {"app/tools.py": "import minimcp\n\n\ndef register(server: minimcp.Server):\n    @server.tool()\n"
                         "    def failed_jobs():\n        return ['j1']\n\n    return server\n\n\n"
                         "def count_jobs():\n    return 1\n"},
        "import minimcp; from app import tools; "
        "print(tools.register(minimcp.Server()).call(json.loads('\"failed_jobs\"')))")
    assert before.strip() == "['j1']", before
    assert done.returncode == 1 and "`@server.tool(…)` reads the name" in done.stderr, done.stderr
    assert _run(root, driver) == before
    assert "def count_steps()" in (root / "app/tools.py").read_text()


def _namers(source: str, **options) -> dict[str, int]:
    return module_namers(ast.parse(source), source, **options)


def test_which_functions_read_the_name_of_what_they_are_handed() -> None:
    source = (
        "def handler(f):\n    HANDLERS[f.__name__] = f\n    return f\n\n"
        "def shown(f):\n    print('calling', f.__name__)\n    return f\n\n"
        "def wrapped(f):\n    def inner():\n        return f()\n    inner.__name__ = f.__name__\n    return inner\n\n"
        "def refused(f):\n    raise TypeError(f'{f.__name__} is not a task')\n\n"
        "def register(kind):\n    def deco(fn):\n        REG[kind, getattr(fn, '__qualname__')] = fn\n        return fn\n"
        "    return deco\n\n"
        "def via(f):\n    return handler(f=f)\n\n"
        "def aliased(name=None):\n    func = name\n    def deco(f):\n        return handler(f)\n"
        "    return deco(func)\n\n"
        "def factory():\n    return register('x')\n\n"
        "def either(*args, **kwargs):\n    if len(args) == 1 and callable(args[0]):\n"
        "        return register('y')(args[0])\n    return register('y')\n\n"
        "class Base:\n    def __init_subclass__(cls):\n        REG[cls.__name__] = cls\n\n"
        "    def __repr__(self):\n        return type(self).__name__\n\n"
        "def shadowed(f):\n    def other(f):\n        return f.__name__\n    return other\n"
    )
    assert _namers(source) == {
        "handler": NAMES_ARGUMENT, "register": RETURNS_NAMER, "via": NAMES_ARGUMENT, "aliased": NAMES_ARGUMENT,
        "factory": RETURNS_NAMER, "either": NAMES_ARGUMENT | RETURNS_NAMER, "Base.__init_subclass__": NAMES_ARGUMENT,
        "shadowed": RETURNS_NAMER,
    }


def test_a_name_read_with_its_modules_path() -> None:
    """`f"{f.__module__}.{f.__name__}"` (a task queue's task name): the flag says the module's path
    is read too, through a class's own methods and a factory's closures; copied onto a wrapper, it is not."""
    source = (
        "def task(f):\n    TASKS[f'{f.__module__}.{f.__name__}'] = f\n    return f\n\n"
        "def wrapped(f):\n    def inner():\n        return f()\n    inner.__module__ = f.__module__\n    return inner\n\n"
        "class App:\n    def task(self, **options):\n        def create(fun):\n"
        "            return self._from_fun(fun, **options)\n        return create\n\n"
        "    def _from_fun(self, fun, name=None):\n        return name or gen(fun.__name__, fun.__module__)\n"
    )
    assert _namers(source) == {"task": NAMES_ARGUMENT | NAMES_MODULE, "App._from_fun": NAMES_ARGUMENT | NAMES_MODULE,
                               "App.task": NAMES_ARGUMENT | RETURNS_NAMER | NAMES_MODULE}


def test_a_third_partys_helpers_are_not_followed() -> None:
    assert _namers(MINICLI) == {"command": RETURNS_NAMER, "_helper": NAMES_ARGUMENT, "wrap": NAMES_ARGUMENT}
    assert _namers(MINICLI, closures_only=True) == {"command": RETURNS_NAMER, "_helper": NAMES_ARGUMENT}


def test_a_module_that_reads_no_name_is_not_walked() -> None:
    assert _namers("def handler(f):\n    HANDLERS[f] = f\n    return f\n") == {}
    assert module_namers(ast.parse("def f(x):\n    return x.__name__\n"), None) == {"f": NAMES_ARGUMENT}
