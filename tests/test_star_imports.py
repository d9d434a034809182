"""`from m import *`: the last star import that brings a name in binds it, as Python runs them."""

from __future__ import annotations

from pathlib import Path

from termshift import config as config_module, engine
from termshift.index import EXTERNAL, OWN, UNKNOWN

MODULES = {
    "app/__init__.py": "",
    "app/first.py": "def run_job():\n    pass\n\n\ndef _quiet_job():\n    pass\n\n\ndef kept_job():\n    pass\n",
    "app/second.py": "def run_job():\n    pass\n\n\ndef _quiet_job():\n    pass\n",
    "app/listed.py": '__all__ = ["other_job"]\n\n\ndef kept_job():\n    pass\n\n\ndef other_job():\n    pass\n',
    "app/use.py": "from app.first import *\nfrom app.second import *\nfrom app.listed import *\n",
    "app/theirs.py": "from app.first import *\nfrom json import *\n",
}


def _index(tmp_path: Path):
    for relative, text in MODULES.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    root, config, targets = config_module.for_paths((tmp_path,))
    return engine.analyze(root, targets, config).index


def test_the_last_star_import_that_brings_a_name_in_binds_it(tmp_path):
    index = _index(tmp_path)
    found = index.resolve_name("app.use", "run_job")
    assert found.owner == OWN and found.type.name == "app.second:run_job"
    # `__all__` leaves it out of the last one: the one before binds it.
    found = index.resolve_name("app.use", "kept_job")
    assert found.owner == OWN and found.type.name == "app.first:kept_job"
    assert index.resolve_name("app.use", "other_job").type.name == "app.listed:other_job"
    # Without `__all__`, a private name is never brought in by a star.
    assert index.resolve_name("app.use", "_quiet_job").owner == UNKNOWN
    # A third-party star import after ours may bring in anything: the name isn't tied to ours.
    assert index.resolve_name("app.theirs", "run_job").owner == EXTERNAL
