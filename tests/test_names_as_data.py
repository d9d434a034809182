"""Names the program reads or prints as text, or that data names: each case's code behaves the same
after `migrate` (the names move together, or are kept), its output checked before and after.

The driver (`python -c`) plays the outside world: the names it passes come from data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import write_project

CASES = {
    # `case Task(job_ref=ref)`: the keyword is the attribute, renamed with it.
    "match_class": ({
        "app/model.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass Task:\n    job_ref: int\n\n\n"
                        "def classify(x):\n    match x:\n        case Task(job_ref=ref):\n"
                        "            return f'task {ref}'\n    return '?'\n",
    }, "from app.model import Task, classify; print(classify(Task(3)))"),
    # `class Thing(Base, job_kind=...)`: a keyword `__init_subclass__` takes, kept on both sides.
    "class_keywords": ({
        "app/model.py": "class Base:\n    def __init_subclass__(cls, job_kind='none', **kw):\n"
                        "        super().__init_subclass__(**kw)\n        cls.kind = job_kind\n\n\n"
                        "class Thing(Base, job_kind='batch'):\n    pass\n",
    }, "from app.model import Thing; print(Thing.kind)"),
    # `object.__setattr__(self, name, value)` with a name from data.
    "object_setattr": ({
        "app/model.py": "class Record:\n    def __init__(self):\n        self.job_id = 1\n\n"
                        "    def set(self, name, value):\n        object.__setattr__(self, name, value)\n        return self\n\n"
                        "    def show(self):\n        return self.job_id\n\n\ndef make():\n    return Record()\n",
    }, "import json; from app.model import make; print(make().set(json.loads('\"job_id\"'), 9).show())"),
    # `getattr(self, key)` in a base class, the attribute defined on a subclass.
    "base_class_getattr": ({
        "app/model.py": "class Model:\n    def get(self, key):\n        return getattr(self, key)\n\n\n"
                        "class Record(Model):\n    def __init__(self):\n        self.job_id = 4\n",
    }, "import json; from app.model import Record; print(Record().get(json.loads('\"job_id\"')))"),
    # A data class's field names read as strings, a stored row's keys.
    "field_names": ({
        "app/model.py": "import dataclasses\n\n\n@dataclasses.dataclass\nclass Record:\n    job_id: int\n    name: str\n\n\n"
                        "def from_row(row):\n    names = [field.name for field in dataclasses.fields(Record)]\n"
                        "    return tuple(row[name] for name in names)\n",
    }, "import json; from app.model import from_row; print(from_row(json.loads('{\"job_id\": 5, \"name\": \"x\"}')))"),
    # A package's modules listed by name, looked up by a name from data.
    "listed_modules": ({
        "app/handlers/__init__.py": "import importlib\nimport pkgutil\n\nHANDLERS = {}\n"
                                    "for info in pkgutil.iter_modules(__path__):\n"
                                    "    HANDLERS[info.name] = importlib.import_module(__name__ + '.' + info.name)\n\n\n"
                                    "def handle(kind):\n    return HANDLERS[kind].handle()\n",
        "app/handlers/jobs.py": "def handle():\n    return 'jobs handled'\n",
    }, "import json; from app.handlers import handle; print(handle(json.loads('\"jobs\"')))"),
    # `getattr(self, "visit_" + type(node).__name__)`: the class's name is part of the method's.
    "visitor": ({
        "app/nodes.py": "class Job:\n    pass\n",
        "app/visitor.py": "from app.nodes import Job\n\n\nclass Visitor:\n    def visit(self, node):\n"
                          "        return getattr(self, 'visit_' + type(node).__name__)(node)\n\n"
                          "    def visit_Job(self, node):\n        return 'visited'\n\n\n"
                          "def run():\n    return Visitor().visit(Job())\n",
    }, "from app.visitor import run; print(run())"),
    # A piece of a function's `__name__` written with its underscore: the names that hold it stay.
    "name_piece": ({
        "app/cli.py": "def run_job():\n    return 1\n\n\ndef stop():\n    return 2\n\n\n"
                      "def main():\n    return [f.__name__.endswith('_job') for f in (run_job, stop)]\n",
    }, "from app.cli import main; print(main())"),
    # `cmd.Cmd` runs `do_<command>` for what the user types: the method's name is the command's.
    "cmd_commands": ({
        "app/shell.py": "import cmd\n\n\nclass Shell(cmd.Cmd):\n    def do_job(self, arg):\n"
                        "        print('job', arg)\n\n    def show_job(self):\n        return 'renamed'\n",
    }, "import json; from app.shell import Shell; Shell().onecmd(json.loads('\"job 3\"'))"),
    # A descriptor of the project's learns its attribute's name (`__set_name__`) and reads a row by it.
    "named_descriptor": ({
        "app/fields.py": "class Field:\n    def __set_name__(self, owner, name):\n        self.name = name\n\n"
                         "    def __get__(self, obj, owner=None):\n        return self if obj is None else obj.row[self.name]\n",
        "app/model.py": "from app.fields import Field\n\n\nclass Record:\n    job_id = Field()\n\n"
                        "    def __init__(self, row):\n        self.row = row\n\n    def show(self):\n"
                        "        return self.job_id\n",
    }, "import json; from app.model import Record; print(Record(json.loads('{\"job_id\": 4}')).show())"),
    # A command line that runs one of the project's modules by its file name, as text a check expects.
    "module_file_in_a_command": ({
        "app/filter_job.py": "print('filtered')\n",
        "app/runner.py": "import os\nfrom app import filter_job\n\n\ndef command():\n"
                         "    return 'sh -c \"cat | python %s --step=0\"' % os.path.basename(filter_job.__file__)\n\n\n"
                         "def check():\n    return command() == 'sh -c \"cat | python filter_job.py --step=0\"'\n",
    }, "from app.runner import check; print(check())"),
    # `f"{job_id=}"` prints the name: a local keeps it, as does a module's name.
    "debug_fstring": ({
        "app/model.py": "JOB_LIMIT = 3\n\n\ndef describe(n):\n    job_id = n * 2\n"
                        "    return f'{job_id=} {JOB_LIMIT = }'\n",
    }, "from app.model import describe; print(describe(5))"),
}


def _run(root: Path, driver: str) -> str:
    done = subprocess.run([sys.executable, "-c", driver], cwd=root, capture_output=True, text=True)
    return done.stdout + done.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_migrated_code_behaves_the_same(tmp_path: Path, case: str) -> None:
    files, driver = CASES[case]
    root = write_project(tmp_path / "project", {"app/__init__.py": "", **files})
    before = _run(root, driver)
    assert "Traceback" not in before
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert _run(root, driver) == before


def test_a_match_keyword_moves_with_its_attribute(tmp_path: Path) -> None:
    files, _ = CASES["match_class"]
    root = write_project(tmp_path / "project", {"app/__init__.py": "", **files})
    subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root, check=True,
                   capture_output=True)
    assert "case Task(step_ref=ref)" in (root / "app/model.py").read_text()


MINIDB = '''\
"""A declarative framework: a model's fields are the class attributes that hold a Field."""


class Field:
    pass


class Model:
    @classmethod
    def load(cls, row):
        names = [name for name, value in vars(cls).items() if isinstance(value, Field)]
        return {name: row[name] for name in names}

    @classmethod
    def table(cls):
        """Where its rows are stored: a table named after the class, as Django's, Peewee's."""
        return cls.__name__.lower()
'''


def _with_minidb(tmp_path: Path, models: str, driver: str) -> tuple[Path, str, str, subprocess.CompletedProcess]:
    """A project whose `app/models.py` is `models`, with the framework installed: its root, the
    driver's output before, the driver, and the migration's outcome."""
    site = write_project(tmp_path / "site", {"minidb/__init__.py": MINIDB})
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/models.py": models,
        "pyproject.toml": f"[tool.termshift]\nsearch-path = [{str(site)!r}]\n",
    })
    driver = f"import sys, json; sys.path.append({str(site)!r}); {driver}"
    before = _run(root, driver)
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)
    return root, before, driver, done


def test_a_field_a_framework_declares_by_its_name_keeps_it(tmp_path: Path) -> None:
    """`job_id = models.IntegerField()` on a Django model: the column is named after the attribute."""
    root, before, driver, done = _with_minidb(
        tmp_path, "from minidb import Field, Model\n\n\nclass Task(Model):\n    job_id = Field()\n\n\n"
                  "def show(task):\n    return task\n",
        "from app.models import Task; print(Task.load(json.loads('{\"job_id\": 3}')))")
    assert "Traceback" not in before
    assert done.returncode == 1 and "a field its framework reads by name" in done.stderr, done.stderr
    assert _run(root, driver) == before


def test_a_model_its_framework_stores_by_its_class_name_keeps_it(tmp_path: Path) -> None:
    """`class Job(models.Model)`: Django's table is `app_job`, its reverse accessor `jobrun_set`."""
    root, before, driver, done = _with_minidb(
        tmp_path, "from minidb import Field, Model\n\n\nclass JobRecord(Model):\n    title = Field()\n\n\n"
                  "class JobView:\n    title = 'a plain class: renamed'\n",
        "from app.models import *; "
        "print(json.loads('{\"jobrecord\": \"stored\"}')[[v for k, v in vars().items() if k.endswith('Record')][0].table()])")
    assert before.strip() == "stored", before
    assert done.returncode == 1 and "a model its framework may store by its class's name" in done.stderr, done.stderr
    assert _run(root, driver) == before
    assert "class StepView:" in (root / "app/models.py").read_text()


DJANGO_DRIVER = (
    "import django, json; from django.conf import settings; "
    "settings.configure(INSTALLED_APPS=['shop'], DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', "
    "'NAME': ':memory:'}}); django.setup(); from django.apps import apps; from shop import forms; "
    "found = list(apps.get_app_config('shop').get_models()); "
    "print(sorted(model._meta.db_table for model in found), "
    "sorted(related.get_accessor_name() for model in found for related in model._meta.related_objects)); "
    "form = [value for name, value in vars(forms).items() if name.endswith('Form') and name != 'Form'][0]"
    "(json.loads('{\"job\": \"x\"}')); form.is_valid(); print(form.cleaned_data)"
)


def test_django_keeps_its_tables_reverse_accessors_and_field_hooks(tmp_path: Path) -> None:
    """Django names a model's table (`shop_job`) and reverse accessor (`jobrun_set`) after the class,
    and calls a form's `clean_<field>`: renamed, the stored rows and the hook would be left behind."""
    root = write_project(tmp_path / "project", {
        "shop/__init__.py": "",
        "shop/models.py": "from django.db import models\n\n\nclass Job(models.Model):\n"
                          "    title = models.CharField(max_length=20)\n\n\nclass JobRun(models.Model):\n"
                          "    job = models.ForeignKey(Job, on_delete=models.CASCADE)\n\n\n"
                          "def runs_of(job):\n    return job.jobrun_set.all()\n",
        "shop/forms.py": "from django import forms\n\n\nclass RequestForm(forms.Form):\n    job = forms.CharField()\n\n"
                         "    def clean_job(self):\n        return self.cleaned_data['job'].upper()\n",
    })
    before = _run(root, DJANGO_DRIVER)
    assert before.splitlines() == ["['shop_job', 'shop_jobrun'] ['jobrun_set']", "{'job': 'X'}"], before
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert _run(root, DJANGO_DRIVER) == before


MIGRATION = ("from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
             "    dependencies = {dependencies}\n    operations = [{operation}]\n")
COMMAND = ("from django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n"
           "    def handle(self, *args, **options):\n        self.stdout.write({said!r})\n")
DJANGO_MIGRATE = (
    "import django, io, json; from django.conf import settings; "
    "settings.configure(INSTALLED_APPS=['shop'], DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', "
    "'NAME': 'db.sqlite3'}}); django.setup(); from django.core.management import call_command; "
    "call_command('migrate', 'shop', verbosity=1); call_command('showmigrations', 'shop'); "
    "call_command(json.loads('\"run_jobs\"'))"
)


def test_a_module_its_framework_finds_by_listing_its_package_keeps_its_path(tmp_path: Path) -> None:
    """Django records an applied migration by its module's name, and a command is its module's
    name: renamed, the next `migrate` would apply `0002_job_notes` again as `0002_step_notes` (and
    fail on the column it adds), and `manage.py run_jobs` would be gone. A module of the same
    app that no listing finds still moves."""
    root = write_project(tmp_path / "project", {
        "shop/__init__.py": "",
        "shop/models.py": "from django.db import models\n\n\nclass Record(models.Model):\n"
                          "    title = models.CharField(max_length=20)\n    note = models.CharField(max_length=20)\n",
        "shop/job_forms.py": "from django import forms\n\n\nclass RequestForm(forms.Form):\n    title = forms.CharField()\n",
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": MIGRATION.format(dependencies="[]", operation=(
            "migrations.CreateModel(name='Record', fields=[('id', models.AutoField(primary_key=True)), "
            "('title', models.CharField(max_length=20))])")),
        "shop/migrations/0002_job_notes.py": MIGRATION.format(dependencies="[('shop', '0001_initial')]", operation=(
            "migrations.AddField(model_name='record', name='note', field=models.CharField(max_length=20, "
            "default=''))")),
        "shop/management/__init__.py": "", "shop/management/commands/__init__.py": "",
        "shop/management/commands/run_jobs.py": COMMAND.format(said="ran"),
        "shop/management/commands/list_records.py": COMMAND.format(said="listed"),
    })
    deployed = _run(root, DJANGO_MIGRATE)  # the database as the old code left it
    assert "Applying shop.0002_job_notes... OK" in deployed and deployed.rstrip().endswith("ran"), deployed
    before = _run(root, DJANGO_MIGRATE)
    assert "No migrations to apply" in before and "[X] 0002_job_notes" in before, before
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", "--no-compat", "."], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 1 and "no import statement can spell" in done.stderr, done.stderr
    assert "finds by listing its folder, as its siblings (each defines `Command`" in done.stderr, done.stderr
    assert _run(root, DJANGO_MIGRATE) == before
    assert (root / "shop/step_forms.py").exists() and not (root / "shop/job_forms.py").exists()


REVISION = ('"""{doc}"""\nrevision = {rev!r}\ndown_revision = {down!r}\n\n\n'
            'def upgrade():\n    return {rev!r}\n\n\ndef downgrade():\n    return {down!r}\n')
ALEMBIC_LOADS = (  # as Alembic reads its versions folder: every file, by its path
    "import importlib.util, pathlib\nfound = []\n"
    "for path in sorted(pathlib.Path('migrations/versions').glob('*.py')):\n"
    "    spec = importlib.util.spec_from_file_location(path.stem, path)\n"
    "    module = importlib.util.module_from_spec(spec)\n    spec.loader.exec_module(module)\n"
    "    found.append((module.revision, module.down_revision, module.upgrade()))\nprint(found)\n"
)


@pytest.mark.parametrize("compat", [True, False])
def test_revisions_a_framework_loads_by_path_keep_theirs(tmp_path: Path, compat: bool) -> None:
    """Alembic loads every file of its versions folder: a compat module at a revision's old path
    would be loaded as one more (and can't import what it points to); a name that starts with a
    digit no import can spell at all. Both keep their paths, whatever the mode."""
    root = write_project(tmp_path / "project", {
        "app/__init__.py": "", "app/jobs.py": "def run_job():\n    return 1\n",
        "migrations/versions/0001_create_jobs.py": REVISION.format(doc="create jobs", rev="0001", down=None),
        "migrations/versions/ae10_add_job_index.py": REVISION.format(doc="add job index", rev="ae10", down="0001"),
    })
    before = _run(root, ALEMBIC_LOADS)
    assert before.strip() == "[('0001', None, '0001'), ('ae10', '0001', 'ae10')]", before
    done = subprocess.run([sys.executable, "-m", "termshift", "migrate", *([] if compat else ["--no-compat"]), "."],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 1 and "no import statement can spell" in done.stderr, done.stderr
    assert "each defines `down_revision`, `downgrade`, `revision`, `upgrade`" in done.stderr, done.stderr
    assert _run(root, ALEMBIC_LOADS) == before
    assert (root / "app/steps.py").exists()  # a module imported by name still moves
