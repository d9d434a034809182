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
from termshift import engine, planned, planning, proof, rewrite
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


def forgetting(the_plan: planning.Plan, name: str, *, definition: bool) -> planning.Plan:
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
    assert proof.breaks(analysis, planning.plan(analysis, config.stages), config) == {}


@pytest.mark.parametrize("name", ["submit_job", "JobStatus", "pending_jobs"])
def test_a_definition_left_behind_breaks_its_renamed_uses(example, name):
    analysis, config = analysed(example)
    broken = proof.breaks(analysis, forgetting(planning.plan(analysis, config.stages), name, definition=True), config)
    assert name in broken
    assert "would no longer name the project's definition" in broken[name]


@pytest.mark.parametrize("name", ["submit_job", "JobStatus", "job_type"])
def test_a_use_left_behind_breaks_with_its_renamed_definition(example, name):
    analysis, config = analysed(example)
    broken = proof.breaks(analysis, forgetting(planning.plan(analysis, config.stages), name, definition=False), config)
    assert name in broken
    assert "would keep the name while what it names moves" in broken[name]


def test_migrate_withdraws_what_the_planned_tree_breaks_and_moves_the_rest(example, monkeypatch):
    """An engine that forgets `submit_job`'s definition: migrate keeps the name whole and says why,
    the rest is migrated, and the project's own suite passes."""
    real_plan = planning.plan

    def mistaken(analysis, stages, keep=None, **options):
        the_plan = real_plan(analysis, stages, keep, **options)
        if "submit_job" in (keep or {}):
            return the_plan
        return forgetting(the_plan, "submit_job", definition=True)

    monkeypatch.setattr(planning, "plan", mistaken)
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
    proof.breaks(analysis, forgetting(planning.plan(analysis, config.stages), "submit_job", definition=True), config)
    assert {path: path.stat().st_mtime_ns for path in example.rglob("*")} == before
    assert not {name for name in set(os.listdir(tempfile.gettempdir())) - leftovers if name.startswith("termshift-proof-")}


# -- the proof's shortcuts: the same verdict as analysing the whole planned tree ---------------------

@pytest.fixture
def wider(example: Path) -> Path:
    """The example, with the kinds of file the proof reads without searching, or takes from the first
    analysis: a module that spells only the new term, one that looks members up by a computed name,
    and a definition in a file of its own, used from another."""
    package = example / "dispatch"
    (package / "steps_only.py").write_text("def run_step(item):\n    return item\n")
    (package / "lookup.py").write_text('EVENTS = {"step.finished": "step_finished"}\n\n\n'
                                       "def pick(obj, kind):\n    return getattr(obj, EVENTS.get(kind, kind))\n")
    (package / "defs.py").write_text('def cancel_job(ident):\n    return f"cancelled {ident}"\n')
    (package / "labels.py").write_text('HEADERS = {"X-Job-Id": "id"}\nEVENT = "job.finished"\n')
    (package / "audit.py").write_text("from dispatch.defs import cancel_job  # re-exported\n")
    (package / "cancel.py").write_text("from dispatch.defs import cancel_job\n\n\n"
                                       "def cancel_all(idents):\n    return [cancel_job(ident) for ident in idents]\n")
    return example


def whole_tree_breaks(monkeypatch, analysis, the_plan, config) -> dict[str, str]:
    """`proof.breaks` as it was before it took shortcuts: the planned tree analysed whole, every file
    searched, every module summarised again."""
    real = engine.analyze

    def everything(root, paths, config, **options):
        options.pop("cache", None)
        options.pop("only_named", None)
        return real(root, [root], config, **options)

    with monkeypatch.context() as patched:
        patched.setattr(engine, "analyze", everything)
        return proof.breaks(analysis, the_plan, config)


def without_moves(the_plan: planning.Plan) -> planning.Plan:
    """A plan that renames every use of a module's new path but leaves the module where it is."""
    assert the_plan.moves
    the_plan.moves = []
    return the_plan


MISTAKES = [
    pytest.param(lambda plan: plan, id="sound"),
    *(pytest.param(lambda plan, name=name, definition=definition: forgetting(plan, name, definition=definition),
                   id=f"{name}-{'definition' if definition else 'use'}")
      for name in ("submit_job", "JobStatus", "cancel_job", "new_job_id", "pending_jobs") for definition in (True, False)),
    pytest.param(without_moves, id="moves"),
]


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_proof_judges_as_the_whole_planned_tree_does(wider, monkeypatch, mistake):
    analysis, config = analysed(wider)
    try:
        mistake(planning.plan(analysis, config.stages))
    except AssertionError:
        pytest.skip("the plan renames no such site")
    shortcut = proof.breaks(analysis, mistake(planning.plan(analysis, config.stages)), config)
    whole = whole_tree_breaks(monkeypatch, analysis, mistake(planning.plan(analysis, config.stages)), config)
    assert shortcut == whole


def test_the_planned_trees_facts_are_the_whole_trees(wider, monkeypatch):
    """What the proof's analysis learns project-wide (the names defined, the routes and string roles,
    the payload keys) is what analysing the whole planned tree learns, though it reads less."""
    analysis, config = analysed(wider)
    the_plan = planning.plan(analysis, config.stages)
    afters = []
    real = engine.analyze

    def spy(root, paths, config, **options):
        afters.append(real(root, paths, config, **options))
        return afters[-1]

    monkeypatch.setattr(engine, "analyze", spy)
    proof.breaks(analysis, the_plan, config)
    whole_tree_breaks(monkeypatch, analysis, the_plan, config)
    shortcut, whole = (after.index for after in afters)
    assert shortcut.defined == whole.defined
    assert shortcut.routes == whole.routes
    assert vars(shortcut.string_roles) == vars(whole.string_roles)
    assert shortcut.payload_names() == whole.payload_names()
    assert any("step" in value for values in vars(whole.string_roles).values() for value in values)


def test_a_definition_left_in_a_file_the_plan_does_not_touch_is_caught(wider, monkeypatch):
    """`defs.py` holds nothing but the forgotten definition: the planned tree keeps its bytes, so the
    proof takes its summary from the first analysis instead of making it again. The summary is of the
    file as it is, which defines `cancel_job` and no `cancel_step`: the renamed use in `cancel.py`
    is tied to nothing, and the name is withdrawn."""
    analysis, config = analysed(wider)
    made = []
    real = engine.summarize_module

    def summarize(project, tree, name, path, text=None):
        made.append(name)
        return real(project, tree, name, path, text)

    monkeypatch.setattr(engine, "summarize_module", summarize)
    broken = proof.breaks(analysis, forgetting(planning.plan(analysis, config.stages), "cancel_job", definition=True),
                          config)
    assert "cancel_job" in broken and "would no longer name the project's definition" in broken["cancel_job"]
    assert "dispatch.defs" not in made  # taken from the first analysis
    assert "dispatch.cancel" in made  # rewritten: summarised again


def test_the_proof_searches_only_the_files_whose_sites_it_judges(wider, monkeypatch):
    """Every module that spells either term is summarised (the planned tree's facts are the whole
    tree's), but a file is searched only when it holds a site the comparison reads."""
    analysis, config = analysed(wider)
    seen = {}
    real = engine.analyze

    def spy(root, paths, config, **options):
        seen["after"] = after = real(root, paths, config, **options)
        return after

    monkeypatch.setattr(engine, "analyze", spy)
    assert proof.breaks(analysis, planning.plan(analysis, config.stages), config) == {}
    after = seen["after"]
    searched = set(after.sites)
    assert "dispatch/cancel.py" in searched and "dispatch/service.py" in searched
    assert not searched & {"dispatch/steps_only.py", "dispatch/lookup.py"}
    assert "run_step" in after.index.defined  # steps_only.py, read for the facts all the same


def unparsable(the_plan: planning.Plan, path: str) -> planning.Plan:
    """The plan with `path`'s new text broken: its first edit leaves a stray bracket on a line of its own."""
    first, *rest = the_plan.edits[path]
    the_plan.edits[path] = [first._replace(new=first.new + "\n)"), *rest]
    return the_plan


@pytest.mark.parametrize("path", ["dispatch/service.py", "dispatch/labels.py"])
def test_a_plan_whose_text_does_not_parse_is_left_to_apply(wider, monkeypatch, path):
    """`apply` refuses to write a text that doesn't parse, so the proof withdraws nothing from such a plan
    (the run reports the file instead). The proof leaves the parsing to its analysis, which reads the
    file whether it searches it (service.py) or only summarises it (labels.py, whose only edits are
    strings); only what the analysis couldn't parse is parsed again, for the verdict."""
    analysis, config = analysed(wider)
    forgotten = forgetting(planning.plan(analysis, config.stages), "submit_job", definition=True)
    assert "submit_job" in proof.breaks(analysis, forgotten, config)
    validated = []
    real = rewrite.validate_text
    monkeypatch.setattr(rewrite, "validate_text", lambda text: validated.append(text) or real(text))
    broken = unparsable(forgetting(planning.plan(analysis, config.stages), "submit_job", definition=True), path)
    assert proof.breaks(analysis, broken, config) == {}
    assert len(validated) == 1  # the analysis parsed every other text; this one is parsed again, and fails
    outcome = rewrite.apply(analysis, broken, write=False)
    assert [failure.path for failure in outcome.failures] == [path]


@pytest.mark.parametrize("mistake", [MISTAKES[0], MISTAKES[1], MISTAKES[4], MISTAKES[-1]])
def test_a_large_planned_tree_is_analysed_in_a_fresh_process_with_the_same_verdict(wider, monkeypatch, mistake):
    """Past `APART_FROM` bytes the planned tree is analysed by a fresh interpreter, so that its analysis
    doesn't stack on the first one's memory: what comes back (the judged sites, the files parsed) gives
    the verdict the analysis in this process gives."""
    analysis, config = analysed(wider)
    here = proof.breaks(analysis, mistake(planning.plan(analysis, config.stages)), config)
    answers = []
    real = planned._apart

    def apart(arguments):
        answers.append(real(arguments))
        return answers[-1]

    monkeypatch.setattr(planned, "APART_FROM", 0)
    monkeypatch.setattr(planned, "_apart", apart)
    assert proof.breaks(analysis, mistake(planning.plan(analysis, config.stages)), config) == here
    assert len(answers) == 1 and answers[0] is not None  # the fresh process answered
    assert answers[0].parsed and any(answers[0].sites(path) for path in answers[0].judged)


def test_when_no_fresh_process_answers_the_planned_tree_is_analysed_here(wider, monkeypatch):
    analysis, config = analysed(wider)
    the_plan = forgetting(planning.plan(analysis, config.stages), "submit_job", definition=True)
    here = proof.breaks(analysis, the_plan, config)
    assert "submit_job" in here
    monkeypatch.setattr(planned, "APART_FROM", 0)
    monkeypatch.setattr(planned.sys, "executable", str(Path(__file__).parent / "no-such-python"))
    assert planned._apart((analysis.root, [], config, None, 1)) is None
    assert proof.breaks(analysis, forgetting(planning.plan(analysis, config.stages), "submit_job", definition=True),
                        config) == here


def test_a_local_kept_where_it_is_handed_breaks_with_its_renamed_definition(tmp_path):
    """A use of a function's local the finder could not tie (handed to a registry that keys it by
    its `__name__`), kept while a plan renames the local's definition: the proof withdraws it."""
    from lintkit import write_project

    root = write_project(tmp_path / "project", {
        "app/__init__.py": "",
        "app/registry.py": "HANDLERS = {}\n\n\ndef handler(f):\n    HANDLERS[f.__name__] = f\n    return f\n",
        "app/handlers.py": "from app.registry import handler\n\n\ndef setup():\n    def on_job(x):\n"
                           "        return x\n\n    handler(on_job)\n    return on_job\n",
    })
    analysis, config = analysed(root)
    the_plan = planning.plan(analysis, config.stages)
    assert not any(site.old == "on_job" for sites in the_plan.edits.values() for site in sites)  # held
    # A plan that renames the local anyway, as an accounting mistake would make it.
    the_plan.edits["app/handlers.py"] = [site for site in analysis.sites["app/handlers.py"]
                                         if site.old == "on_job" and site.action.name == "RENAME"]
    broken = proof.breaks(analysis, the_plan, config)
    assert "would keep the name while the function's local it names moves" in broken.get("on_job", ""), broken
