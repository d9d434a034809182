"""Forward references: a quoted name in any annotation position is the class it names."""

from __future__ import annotations

from pathlib import Path

import pytest

from termshift import config as config_module
from termshift.engine import analyze
from termshift.sites import Action, Role

from lintkit import write_project

HEADER = "from typing import Callable, Optional, TypeVar, cast\n\n\nclass Job:\n    pass\n\n\n"


def _string_sites(tmp_path: Path, line: str) -> list[tuple[int, str, str, Action]]:
    root = write_project(tmp_path / "project", {"app/__init__.py": "", "app/jobs.py": HEADER + line + "\n"})
    analysis = analyze(root, [root], config_module.load(root))
    last = HEADER.count("\n") + 1
    return [(site.column, site.old, site.kind, site.action) for site in analysis.sites["app/jobs.py"]
            if site.role is Role.STRING and site.line == last]


@pytest.mark.parametrize("line, column", [
    ('def f(job: "Job"): pass', 12),
    ('def f(*jobs: "Job"): pass', 14),
    ('def f() -> "Job": pass', 12),
    ('current: "Job"', 10),
    ('JobMap = dict[str, "Job"]', 20),
    ('Jobs = Callable[["Job"], Optional["Job"]]', 18),
    ('T = TypeVar("T", bound="Job")', 24),
    ('T = TypeVar("T", "Job", str)', 18),
    ('value = cast("Job", object())', 14),
])
def test_quoted_names_in_annotations_are_renamed(tmp_path: Path, line: str, column: int) -> None:
    sites = _string_sites(tmp_path, line)
    assert (column, "Job", "class", Action.RENAME) in sites


@pytest.mark.parametrize("line", [
    'label = "Job"',
    'T = TypeVar("Job")',
    'value = cast(object, "Job")',
    'value = lookup["Job"]',
    'def f(job="Job"): pass',
])
def test_the_same_word_elsewhere_is_not_a_forward_reference(tmp_path: Path, line: str) -> None:
    assert [site for site in _string_sites(tmp_path, line) if site[2] == "class"] == []
