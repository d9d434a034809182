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
