"""The planned tree is analysed again before anything is written (proof.py).

The finder's known mistakes have fidelity cases of their own; these tests stand
for the unknown ones. A plan that forgets a definition, or one of its uses, is
what every such mistake looks like from the outside: the proof must catch it,
withdraw the name and leave the rest of the migration as it was.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from termshift import config as config_module
from termshift import engine, proof
from termshift.cli import main
from termshift.sites import Role

from test_example import FIXTURES, run_suite


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "example", tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "example"


def analysed(root: Path):
    root, config, targets = config_module.for_paths((root,))
    return engine.analyze(root, targets, config), config


def forgetting(the_plan: engine.Plan, name: str, *, definition: bool) -> engine.Plan:
    """The plan as a finder with one more mistake would make it: the definition of `name` (or its
    first use in path order) not renamed with the rest."""
    forgotten = None
    for path in sorted(the_plan.edits):
        kept = []
        for site in the_plan.edits[path]:
            if site.old == name and (site.role is Role.DEFINITION) == definition and (definition or forgotten is None):
                forgotten = site
                continue
            kept.append(site)
        the_plan.edits[path] = kept
    assert forgotten is not None, f"the plan renames no {'definition' if definition else 'use'} of {name!r}"
    return the_plan


def test_a_sound_plan_is_proven_as_it_is(example):
    analysis, config = analysed(example)
    assert proof.breaks(analysis, engine.plan(analysis, config.stages), config) == {}


@pytest.mark.parametrize("name", ["submit_job", "JobStatus", "pending_jobs"])
def test_a_definition_left_behind_breaks_its_renamed_uses(example, name):
    analysis, config = analysed(example)
    broken = proof.breaks(analysis, forgetting(engine.plan(analysis, config.stages), name, definition=True), config)
    assert name in broken
    assert "would no longer name the project's definition" in broken[name]


@pytest.mark.parametrize("name", ["submit_job", "JobStatus", "job_type"])
def test_a_use_left_behind_breaks_with_its_renamed_definition(example, name):
    analysis, config = analysed(example)
    broken = proof.breaks(analysis, forgetting(engine.plan(analysis, config.stages), name, definition=False), config)
    assert name in broken
    assert "would keep the name while what it names moves" in broken[name]


def test_migrate_withdraws_what_the_planned_tree_breaks_and_moves_the_rest(example, monkeypatch):
    """An engine that forgets `submit_job`'s definition: migrate keeps the name whole and says why,
    the rest is migrated, and the project's own suite passes."""
    real_plan = engine.plan

    def mistaken(analysis, stages, keep=None, **options):
        the_plan = real_plan(analysis, stages, keep, **options)
        if "submit_job" in (keep or {}):
            return the_plan
        return forgetting(the_plan, "submit_job", definition=True)

    monkeypatch.setattr(engine, "plan", mistaken)
    monkeypatch.chdir(example)
    result = CliRunner().invoke(main, ["migrate", "--no-compat", "--stage", "types", "--stage", "services",
                                       "--workers", "1", "--no-cache", "."])
    assert result.exit_code == 1, result.output
    refused = [line for line in result.output.splitlines() if "'submit_job' is kept everywhere" in line]
    assert len(refused) == 1 and "analysed again" in refused[0], result.output
    assert "refused: 1 name kept everywhere" in result.output

    texts = {path: path.read_text() for path in example.rglob("*.py")}
    assert any("def submit_job(" in text for text in texts.values())
    assert not any(re.search(r"\bsubmit_step\b", text) for text in texts.values())
    assert any("class StepService" in text for text in texts.values())
    assert not (example / "dispatch" / "jobs.py").exists()
    suite = run_suite(example)
    assert suite.returncode == 0, suite.stdout + suite.stderr


def test_the_proof_reads_nothing_but_a_copy(example):
    """The planned tree lives in a temporary folder; the project and the temporary area are left as found."""
    import tempfile

    before = {path: path.stat().st_mtime_ns for path in example.rglob("*")}
    leftovers = set(os.listdir(tempfile.gettempdir()))
    analysis, config = analysed(example)
    proof.breaks(analysis, forgetting(engine.plan(analysis, config.stages), "submit_job", definition=True), config)
    assert {path: path.stat().st_mtime_ns for path in example.rglob("*")} == before
    assert not {name for name in set(os.listdir(tempfile.gettempdir())) - leftovers if name.startswith("termshift-proof-")}
