import re

import pytest

from termshift.config import Config, ConfigError, load, parse
from termshift.vocabulary import Term


def test_no_config_means_job_to_step(tmp_path):
    config = load(tmp_path)
    assert config == Config()
    assert config.vocabulary().rewrite("Job") == "Step"


def test_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.termshift]\nterms = { task = "step" }\nkeep = ["SLURM_JOB_ID"]\nexclude = ["migrations/"]\n'
        'stages = ["types"]\nfirst-party = ["shared"]\n'
    )
    config = load(tmp_path)
    assert config.terms == (Term("task", "step"),)
    assert config.keep == ("SLURM_JOB_ID",)
    assert config.exclude == ("migrations/",)
    assert config.stages == ("types",)
    assert config.first_party == ("shared",)


def test_termshift_toml_wins_and_takes_a_bare_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.termshift]\nterms = { task = "step" }\n')
    (tmp_path / "termshift.toml").write_text('terms = [{ old = "child", new = "item", old_plural = "children" }]\n')
    config = load(tmp_path)
    assert config.terms == (Term("child", "item", "children", "items"),)


def test_pyproject_without_table_is_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load(tmp_path) == Config()


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"terms": {"job": 3}}, "terms.job"),
        ({"terms": {"Job": "step"}}, "terms"),
        ({"terms": []}, "terms"),
        ({"stages": ["nope"]}, "stages"),
        ({"keep": "x"}, "keep"),
        ({"compat-weeks": -1}, "compat-weeks"),
        ({"colour": "blue"}, "colour"),
        ({"severity": {"TSH101": "fatal"}}, "severity.TSH101"),
        ({"compat-weeks": 99999999}, "compat-weeks"),
        ({"terms": {"job": "job"}}, "terms.job"),
        ({"terms": {"job": "class"}}, "terms.job"),
        ({"terms": {"job": "step", "step": "task"}}, "terms.step"),
        ({"terms": [{"old": "job", "new": "step"}, {"old": "job", "new": "task"}]}, "terms.job"),
        ({"terms": [{"old": "job", "new": "step", "old_plural": 1}]}, r"terms[0].old_plural"),
        ({"terms": [{"old": "job", "new": "step", "new_plural": "step"}]}, "terms.job"),
        ({"terms": [{"old": "job", "new": "step", "new_plural": "Steps!"}]}, "terms.job"),
        ({"terms": {"WorkItem": "ticket"}}, "terms.WorkItem: old 'WorkItem'"),
        ({"terms": {"work__item": "ticket"}}, "terms.work__item"),
        ({"terms": {"job": "build step!"}}, "terms.job: new 'build step!'"),
        ({"terms": {"job": "v2"}}, "terms.job: new 'v2'"),
        ({"terms": {"item": "work_item"}}, "terms.item: the old 'item' is part of the new 'work_item'"),
        ({"terms": {"work_item": "ticket", "work-item": "task"}}, "terms.work-item: 'work_item' is given twice"),
        ({"terms": {"work_item": "ticket", "work_items": "x"}}, "'work_items' is given twice"),
        ({"terms": {"job": "build_step", "step": "task"}}, "terms.step: the old 'step' is part of the new 'build_step'"),
    ],
)
def test_mistakes_name_the_key(table, key):
    with pytest.raises(ConfigError, match=re.escape(key)):
        parse(table)


def test_broken_toml_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.termshift\n")
    with pytest.raises(ConfigError, match="pyproject.toml"):
        load(tmp_path)


def test_explicit_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load(tmp_path, tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("table", "terms"),
    [
        ({"work_item": "ticket"}, (Term("work_item", "ticket", "work_items", "tickets"),)),
        ({"work-item": "ticket"}, (Term("work_item", "ticket"),)),
        ({"work item": "ticket"}, (Term("work_item", "ticket"),)),
        ({"job": "build_step"}, (Term("job", "build_step", "jobs", "build_steps"),)),
        ({"job": "build-step"}, (Term("job", "build_step"),)),
        ({"work_item": "build_step"}, (Term("work_item", "build_step", "work_items", "build_steps"),)),
        ({"work_item": "ticket", "item": "entry"}, (Term("work_item", "ticket"), Term("item", "entry"))),
        ([{"old": "work_child", "new": "ticket", "old_plural": "work_children"}],
         (Term("work_child", "ticket", "work_children", "tickets"),)),
    ],
)
def test_terms_of_several_words(table, terms):
    assert parse({"terms": table}).terms == terms


def test_a_term_of_several_words_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.termshift]\nterms = { work_item = "ticket", job = "build-step" }\n')
    vocabulary = load(tmp_path).vocabulary()
    assert vocabulary.rewrite("WorkItemStore") == "TicketStore"
    assert vocabulary.rewrite("submitJob") == "submitBuildStep"
