"""Every rule's own VALID / INVALID examples, run through the real check pipeline."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from termshift.rule import project_files
from termshift.rules.registry import BY_CODE, RULES, SiteContext, rule_for
from termshift.sites import Action, Role, Site

from lintkit import check, locations, write_project


def _finder_finds_literals() -> bool:
    """Whether the finder reports wire literals and prose yet (examples that need them are xfail until then)."""
    with tempfile.TemporaryDirectory() as folder:
        result = check(write_project(Path(folder) / "probe", {"app.py": 'KEY = "jobs:pending"\n'}))
    return any(finding.code == "TSH201" for finding in result.findings)


LITERALS_FOUND = _finder_finds_literals()


def _cases(kind: str):
    for rule in RULES:
        for number, example in enumerate(getattr(rule, kind)):
            marks = ()
            if getattr(example, "xfail", "") and not LITERALS_FOUND:
                marks = (pytest.mark.xfail(strict=True, reason=example.xfail),)
            yield pytest.param(rule, example, id=f"{rule.code}-{rule.name}-{number}", marks=marks)


@pytest.mark.parametrize("rule, example", list(_cases("INVALID")))
def test_rule_flags_its_invalid_examples(tmp_path, rule, example):
    result = check(write_project(tmp_path / "project", project_files(example.files)))
    found = locations(result, rule.code)
    assert found, f"{rule.code} flagged nothing; findings: {[(f.code, f.line, f.column) for f in result.findings]}"
    for where in example.at:
        assert where in found, f"{rule.code} not at {where}; found {found}"


@pytest.mark.parametrize("rule, example", list(_cases("VALID")))
def test_rule_passes_its_valid_examples(tmp_path, rule, example):
    result = check(write_project(tmp_path / "project", project_files(example.files)))
    assert locations(result, rule.code) == []


def test_every_rule_documents_itself_and_has_examples():
    for rule in RULES:
        assert rule.code.startswith("TSH") and len(rule.code) == 6 and rule.code[3:].isdigit()
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.severity in ("info", "warning", "error")
        doc = rule.doc()
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix"):
            assert heading in doc, (rule.code, heading)
        assert rule.VALID and rule.INVALID, rule.code
    assert len({rule.code for rule in RULES}) == len(RULES) == len(BY_CODE)
    assert len({rule.name for rule in RULES}) == len(RULES)


def _site(action=Action.RENAME, role=Role.REFERENCE, kind="class", old="Job"):
    return Site("app.py", 1, 0, 1, 3, old, "Step", kind, role, action)


@pytest.mark.parametrize("site, context, code", [
    (_site(action=Action.EXTERNAL), SiteContext(), None),
    (_site(), SiteContext(in_compat=True), None),
    (_site(role=Role.DEFINITION), SiteContext(), "TSH101"),
    (_site(role=Role.IMPORT), SiteContext(), "TSH102"),
    (_site(role=Role.MODULE_PATH, kind="module"), SiteContext(), "TSH103"),
    (_site(role=Role.STRING), SiteContext(), "TSH104"),
    (_site(role=Role.LITERAL, kind="key"), SiteContext(), "TSH201"),
    (_site(role=Role.LITERAL, kind="route"), SiteContext(), "TSH202"),
    (_site(role=Role.LITERAL, kind="event"), SiteContext(), "TSH203"),
    (_site(role=Role.LITERAL, kind="payload-key"), SiteContext(), "TSH204"),
    (_site(kind="field", old="job_id"), SiteContext(wire_names=frozenset({"job_id"})), "TSH204"),
    (_site(role=Role.PROSE, kind="prose"), SiteContext(), "TSH301"),
    (_site(action=Action.REPORT, role=Role.LITERAL, kind="key"), SiteContext(), "TSH302"),
    (_site(action=Action.UNRESOLVED), SiteContext(), "TSH303"),
    (_site(action=Action.ODD), SiteContext(), "TSH304"),
    (_site(role=Role.IMPORT), SiteContext(compat_names=frozenset({("name", "Job")})), "TSH401"),
    # a compat route segment says nothing about an identifier of the same spelling
    (_site(role=Role.IMPORT), SiteContext(compat_names=frozenset({("literal:route", "Job")})), "TSH102"),
])
def test_rule_for_is_the_one_place_that_decides(site, context, code):
    rule = rule_for(site, context)
    assert (rule.code if rule else None) == code


def test_what_migrate_leaves_is_never_an_error():
    for code in ("TSH301", "TSH302", "TSH303", "TSH304", "TSH401"):
        assert BY_CODE[code].severity != "error"
