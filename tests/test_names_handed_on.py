"""Names the code hands on to something termshift can't follow: they keep their spelling.

Three shapes seen in real projects, each a break before: a route string with a
placeholder given to a helper of the project's own that registers it later; a
dict's keys handed as `**kwargs` to a callable the project doesn't define; an
attribute the project sets on a third-party object and reads back through it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import termshift


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    for name, text in files.items():
        (tmp_path / "app" / name).write_text(textwrap.dedent(text))
    return tmp_path


def _new_text(tmp_path: Path, name: str) -> str:
    result = termshift.migrate(tmp_path, compat=False, cache=False)
    changed = result.changed.get(f"app/{name}")
    return changed[1] if changed else (tmp_path / "app" / name).read_text()


def test_a_placeholder_of_a_route_handed_to_a_helper_keeps_the_handlers_parameter(tmp_path):
    _project(tmp_path, {
        "api.py": """
            def get_job(job_id):
                return job_id


            def cancel_job(job_id):
                return job_id


            def label(job_id):
                return f"#{job_id}"
            """,
        "routes.py": """
            from . import api


            def register(app, add, values):
                add(app, "/jobs/<job_id>", api.get_job)
                add(app, "/jobs/{job_id}/cancel", view=api.cancel_job)
                return "/jobs/{job_id}".format_map(values)
            """,
    })
    api = _new_text(tmp_path, "api.py")
    # The handlers beside the paths keep the parameter their placeholders name...
    assert "def get_step(job_id):" in api and "def cancel_step(job_id):" in api
    # ...a function no path names moves, and a template formatted in place holds nothing back.
    assert "def label(step_id):" in api


def test_a_placeholder_with_no_handler_beside_it_holds_the_parameter_back_everywhere(tmp_path):
    _project(tmp_path, {
        "api.py": """
            def get_job(job_id):
                return job_id
            """,
        "routes.py": """
            JOB_URL = "/jobs/<job_id>"
            """,
    })
    assert "(job_id):\n    return job_id" in _new_text(tmp_path, "api.py")


def test_keys_handed_as_kwargs_to_a_callable_not_of_the_project_keep_their_names(tmp_path):
    _project(tmp_path, {
        "conf.py": """
            import types


            def options(scheduler, job_defaults):
                given = dict()
                given["job_defaults"] = job_defaults
                scheduler.configure(**given)
                return types.SimpleNamespace(**{"job_id": 1})


            def copied(job_id):
                base = {"job_id": job_id}
                return dict(**base, extra=1)
            """,
    })
    conf = _new_text(tmp_path, "conf.py")
    assert 'given["job_defaults"] = step_defaults' in conf  # the variable moves, the keyword doesn't
    assert 'SimpleNamespace(**{"job_id": 1})' in conf
    # dict(**base) makes keys of them again: still the project's payload keys, renamed.
    assert 'base = {"step_id": step_id}' in conf


def test_a_method_read_through_an_attribute_set_on_a_third_party_object_keeps_its_name(tmp_path):
    _project(tmp_path, {
        "ext.py": """
            from flask import current_app


            class Scheduler:
                def __init__(self, app):
                    app.extensions_scheduler = self

                def remove_job(self, name):
                    return name

                def count_jobs(self):
                    return 0


            def delete(name):
                return current_app.extensions_scheduler.remove_job(name)


            def count(app):
                return Scheduler(app).count_jobs()
            """,
    })
    ext = _new_text(tmp_path, "ext.py")
    assert "def remove_job(self, name):" in ext and "extensions_scheduler.remove_job(name)" in ext
    assert "def count_steps(self):" in ext and "Scheduler(app).count_steps()" in ext
