"""Parameters whose names are data: a function that calls locals() or vars() keeps them.

The finder only walks a function to ask when the file can call them at all;
these cases pin down that shortcut from both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift.engine import analyze
from termshift.sites import Action

from lintkit import write_project


def _parameter_actions(tmp_path: Path, source: str) -> dict[str, Action]:
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/jobs.py": source})
    analysis = analyze(root, [root], config_module.load(root))
    return {site.old: site.action for site in analysis.sites["app/jobs.py"] if site.kind == "parameter"}


@pytest.mark.parametrize("call", ["locals()", "vars()", "\uff4cocals()"], ids=["locals", "vars", "nfkc-spelled"])
def test_a_function_reading_its_locals_keeps_its_parameter_names(tmp_path: Path, call: str) -> None:
    source = f"def make_flags(job_name):\n    return {call}\n"
    assert _parameter_actions(tmp_path, source) == {"job_name": Action.EXTERNAL}


@pytest.mark.parametrize("mention", ["# locals() would make these data\n", "x = vars\n", "obj.locals()\n",
                                     "print(vars(object()))\n"],
                         ids=["comment", "not-called", "a-method", "vars-of-an-object"])
def test_only_a_call_of_locals_makes_names_data(tmp_path: Path, mention: str) -> None:
    source = f"{mention}def make_flags(job_name):\n    return job_name\n"
    assert _parameter_actions(tmp_path, source) == {"job_name": Action.RENAME}


def test_locals_in_another_function_leaves_this_one_alone(tmp_path: Path) -> None:
    source = "def other(job_id):\n    return locals()\n\n\ndef make_flags(job_name):\n    return job_name\n"
    assert _parameter_actions(tmp_path, source) == {"job_id": Action.EXTERNAL, "job_name": Action.RENAME}
