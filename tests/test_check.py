"""`termshift check`: exit codes, formats, suppressions, baseline, configuration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from termshift.cli import main
from termshift.formats.github import escape_data, escape_property
from termshift.rules_table import markdown, plain

from lintkit import check, locations, termshift, write_project

FIXTURES = Path(__file__).parent / "fixtures"
LEGACY = {
    "app/__init__.py": "",
    "app/models.py": "class Job:\n    pass\n",
    "main.py": "from app.models import Job\n\n\ndef run():\n    return Job()\n",
}
CLEAN = {"app/__init__.py": "", "app/models.py": "class Step:\n    pass\n"}


def runner() -> CliRunner:
    """Separate stdout and stderr on click 8.1 (an option) and 8.2+ (always)."""
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI in-process from a folder; returns (exit code, stdout, stderr)."""

    def invoke(cwd: Path, *args: str):
        monkeypatch.chdir(cwd)
        result = runner().invoke(main, ["check", *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def project(tmp_path: Path, files=LEGACY, pyproject: str | None = None) -> Path:
    if pyproject is None:
        return write_project(tmp_path / "project", files)
    return write_project(tmp_path / "project", files, pyproject)


# -- exit codes -------------------------------------------------------------------


def test_legacy_code_fails_with_exit_1_and_path_line_col_lines(tmp_path, run):
    code, out, err = run(project(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert "app/models.py:1:7: TSH101 class 'Job' spells the legacy term: rename it to 'Step'" in lines
    assert "main.py:1:24: TSH102 import of class 'Job' spells the legacy term: import 'Step' instead" in lines
    assert "main.py:5:12: TSH101 class 'Job' spells the legacy term: rename it to 'Step'" in lines
    assert "TSH101" in err and "legacy-identifier" in err  # the summary by rule
    assert "3 findings (3 errors) in 3 files" in err


def test_clean_code_exits_0(tmp_path, run):
    code, out, _ = run(project(tmp_path, CLEAN))
    assert (code, out) == (0, "")


def test_exit_zero(tmp_path, run):
    code, out, _ = run(project(tmp_path), "--exit-zero")
    assert code == 0 and "TSH101" in out


def test_warnings_pass_by_default_and_fail_with_fail_on_warning(tmp_path, run):
    files = {"app.py": "def describe(thing):\n    return thing.job_id\n"}
    code, out, _ = run(project(tmp_path, files))
    assert code == 0 and "app.py:2:18: TSH303" in out
    strict = '[tool.termshift]\nfail-on = "warning"\n'
    code, _, _ = run(project(tmp_path / "strict", files, strict))
    assert code == 1


def test_usage_errors_exit_2(tmp_path, run):
    root = project(tmp_path)
    code, _, err = run(root, "--select", "TSH777")
    assert code == 2 and "--select: unknown rule 'TSH777'" in err and "Traceback" not in err
    code, _, err = run(root, "nowhere.py")
    assert code == 2 and "no such file or directory" in err
    code, _, err = run(root, "--baseline", "missing.json")
    assert code == 2 and "no such baseline file" in err


@pytest.mark.parametrize("table, key", [
    ('select = ["TSH1", "nonsense"]', "tool.termshift.select"),
    ('ignore = ["XYZ123"]', "tool.termshift.ignore"),
    ("severity = { TSH101 = \"loud\" }", "tool.termshift.severity.TSH101"),
    ("severity = { NOPE = \"info\" }", "tool.termshift.severity.NOPE"),
    ('per-path = { "tests/**" = ["TSH1000"] }', "tool.termshift.per-path.tests/**"),
    ('fail-on = "fatal"', "tool.termshift.fail-on"),
    ("colour = true", "tool.termshift.colour"),
])
def test_a_bad_config_exits_2_naming_the_key(tmp_path, table, key):
    root = project(tmp_path, pyproject=f"[tool.termshift]\n{table}\n")
    result = termshift("check", cwd=root)
    assert result.returncode == 2, result.stderr
    assert key in result.stderr and "Traceback" not in result.stderr


def test_unparsable_and_undecodable_files_are_findings_not_crashes(tmp_path, run):
    files = {"broken.py": "def submit_job(:\n    pass\n", "latin.py": b"JOB = 'caf\xe9'\n".decode("latin-1")}
    root = project(tmp_path, files)
    (root / "latin.py").write_bytes(b"# -*- coding: utf-8 -*-\nJOB = 'caf\xe9'\n")
    code, out, err = run(root)
    assert code == 1 and "Traceback" not in err
    assert re.search(r"^broken\.py:1:16: TSH901 .*can't parse", out, re.M)
    assert re.search(r"^latin\.py:1:1: TSH901 .*not valid utf-8", out, re.M)


def test_an_unknown_rule_selected_stops_a_run_whose_workers_have_started(tmp_path, run, monkeypatch):
    """Without --fix, the rules are selected while the worker processes search: a selector
    that names no rule still ends the run with exit 2 and says why, and no worker is left."""
    import os

    from termshift import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    files = {f"app/jobs_{number}.py": f"def submit_job_{number}(job_id):\n    return job_id\n" for number in range(4)}
    root = project(tmp_path, {"app/__init__.py": "", **files})
    workers: list[int] = []
    real_first = parallel.Crew.first

    def recording_first(self, *args, **kwargs):
        try:
            return real_first(self, *args, **kwargs)
        finally:
            workers.extend(pid for pid, _ in self._children.values())

    monkeypatch.setattr(parallel.Crew, "first", recording_first)
    code, out, err = run(root, "--select", "TSH000", "--workers", "2", "--no-cache")
    assert workers, "the run never reached its workers: the test would prove nothing"
    assert code == 2 and out == ""
    assert "TSH000" in err and "Traceback" not in err
    for pid in workers:  # each has been stopped and waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


# -- selection and configuration ---------------------------------------------------------


def test_select_and_ignore_on_the_command_line(tmp_path, run):
    root = project(tmp_path)
    _, out, _ = run(root, "--select", "TSH102")
    assert {line.split()[1] for line in out.splitlines()} == {"TSH102"}
    _, out, _ = run(root, "--select", "TSH1", "--ignore", "legacy-import")
    assert {line.split()[1] for line in out.splitlines()} == {"TSH101"}
    code, out, _ = run(root, "--ignore", "TSH101,TSH102")
    assert (code, out) == (0, "")


def test_config_select_ignore_severity_and_per_path(tmp_path, run):
    files = {**LEGACY, "tests/test_models.py": "from app.models import Job\n"}
    config = (
        "[tool.termshift]\n"
        'ignore = ["TSH102"]\n'
        'severity = { TSH101 = "warning" }\n'
        'per-path = { "tests/**" = ["TSH1"] }\n'
    )
    root = project(tmp_path, files, config)
    code, out, _ = run(root, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 0  # TSH101 downgraded to warning, TSH102 ignored
    assert {finding["code"] for finding in findings} == {"TSH101"}
    assert {finding["severity"] for finding in findings} == {"warning"}
    assert not any(finding["path"].startswith("tests/") for finding in findings)


def test_excludes_are_honoured_for_explicitly_named_files(tmp_path, run):
    root = project(tmp_path, {**LEGACY, "vendored/old.py": "class Job:\n    pass\n"},
                   '[tool.termshift]\nexclude = ["vendored/"]\n')
    code, out, _ = run(root, "vendored/old.py")
    assert (code, out) == (0, "")


# -- suppressions -------------------------------------------------------------------------


def test_line_suppression_and_first_line_of_a_multiline_statement(tmp_path):
    source = (
        "class Job:  # termshift: ignore[TSH101]\n"
        "    pass\n"
        "\n"
        "\n"
        "def make(**fields):\n"
        "    return fields\n"
        "\n"
        "\n"
        "value = make(  # termshift: ignore[TSH101]\n"
        "    job=Job,\n"
        ")\n"
        "other = make(\n"
        "    job=Job,  # termshift: ignore[TSH101]\n"
        ")\n"
        "last = make(\n"
        "    job=Job,\n"
        ")\n"
    )
    result = check(write_project(tmp_path / "p", {"app.py": source}))
    assert locations(result, "TSH101") == ["app.py:16:9"]
    assert result.suppressed == 3
    assert locations(result, "TSH903") == []


def test_decorator_and_def_headers_count_as_statements(tmp_path):
    source = (
        "def route(path):\n"
        "    return lambda handler: handler\n"
        "\n"
        "\n"
        "@route(  # termshift: ignore[TSH101]\n"
        "    Job := 1,\n"
        ")\n"
        "def submit(  # termshift: ignore[TSH101]\n"
        "    job_id,\n"
        "):\n"
        "    return job_id\n"
    )
    result = check(write_project(tmp_path / "p", {"app.py": source}))
    # the body is not part of the header: its use of job_id is still reported
    assert locations(result, "TSH101") == ["app.py:11:12"]


def test_ignore_file_in_the_header_only(tmp_path):
    header = '"""Docs."""\n# termshift: ignore-file[TSH101]\n\nclass Job:\n    pass\n'
    result = check(write_project(tmp_path / "a", {"app.py": header}))
    assert result.findings == [] and result.suppressed == 1
    late = "class Job:\n    pass\n# termshift: ignore-file[TSH101]\n"
    result = check(write_project(tmp_path / "b", {"app.py": late}))
    assert locations(result, "TSH101") == ["app.py:1:7"]
    assert locations(result, "TSH903") == ["app.py:3:1"]


def test_bare_suppression_is_a_finding_and_suppresses_nothing(tmp_path):
    result = check(write_project(tmp_path / "p", {"app.py": "class Job:  # termshift: ignore\n    pass\n"}))
    assert locations(result, "TSH101") == ["app.py:1:7"]
    assert locations(result, "TSH902") == ["app.py:1:13"]
    assert [f.severity for f in result.findings if f.code == "TSH902"] == ["error"]


def test_unused_and_unknown_codes_are_reported_even_in_files_without_the_term(tmp_path):
    source = "class Step:  # termshift: ignore[TSH101, TSH998]\n    pass\n"
    result = check(write_project(tmp_path / "p", {"app.py": source}))
    messages = [f.message for f in result.findings if f.code == "TSH903"]
    assert len(messages) == 2
    assert "nothing here is reported as TSH101" in messages[0] and "TSH998 is not a termshift rule" in messages[1]


def test_a_suppression_for_a_rule_switched_off_is_not_unused(tmp_path):
    source = "class Step:  # termshift: ignore[TSH101]\n    pass\n"
    result = check(write_project(tmp_path / "p", {"app.py": source}), ignore=("TSH101",))
    assert result.findings == []


def test_suppression_text_inside_a_string_is_not_a_comment(tmp_path):
    source = 'class Job:\n    NOTE = "# termshift: ignore[TSH101]"\n'
    result = check(write_project(tmp_path / "p", {"app.py": source}))
    assert locations(result, "TSH101") == ["app.py:1:7"]


# -- baseline -----------------------------------------------------------------------------


def test_baseline_hides_old_findings_survives_line_moves_and_reports_stale(tmp_path, run):
    root = project(tmp_path)
    code, _, err = run(root, "--write-baseline", "baseline.json")
    assert code == 0 and "wrote 3 finding(s)" in err
    data = json.loads((root / "baseline.json").read_text())
    assert data["version"] == 1 and len(data["findings"]) == 3
    assert all("line" not in entry for entry in data["findings"])

    assert run(root, "--baseline", "baseline.json")[0] == 0

    # Unrelated edits move every line: nothing new is reported.
    main_py = root / "main.py"
    main_py.write_text("import os\n\n\n" + main_py.read_text())
    code, out, _ = run(root, "--baseline", "baseline.json")
    assert (code, out) == (0, "")

    # A new legacy term fails, and only it is reported.
    main_py.write_text(main_py.read_text() + "\n\ndef again():\n    return Job()\n")
    code, out, _ = run(root, "--baseline", "baseline.json")
    assert code == 1 and out.splitlines() == [
        "main.py:12:12: TSH101 class 'Job' spells the legacy term: rename it to 'Step'"
    ]

    # Fixed findings leave stale entries behind, which are reported so the baseline shrinks.
    (root / "app" / "models.py").write_text("class Job:\n    pass\n\n\nclass Other:\n    pass\n")
    main_py.write_text("import os\n")
    code, out, err = run(root, "--baseline", "baseline.json", "--format", "json")
    summary = json.loads(out)["summary"]
    assert code == 0
    assert [(entry["path"], entry["code"]) for entry in summary["stale_baseline"]] == [
        ("main.py", "TSH101"), ("main.py", "TSH102")]
    _, _, err = run(root, "--baseline", "baseline.json")
    assert "2 baseline entries no longer match" in err


def test_checking_some_files_reports_no_stale_entries_for_the_others(tmp_path, run):
    root = project(tmp_path)
    run(root, "--write-baseline", "baseline.json")
    code, out, _ = run(root, "--baseline", "baseline.json", "--format", "json", "main.py")
    assert code == 0 and json.loads(out)["summary"]["stale_baseline"] == []


def test_a_broken_baseline_exits_2(tmp_path, run):
    root = project(tmp_path)
    (root / "baseline.json").write_text("{not json")
    code, _, err = run(root, "--baseline", "baseline.json")
    assert code == 2 and "not a termshift baseline" in err


def test_fingerprints_do_not_depend_on_lines(tmp_path):
    first = check(write_project(tmp_path / "a", {"app.py": "class Job:\n    pass\n"}))
    second = check(write_project(tmp_path / "b", {"app.py": "\n\n\nclass Job:\n    pass\n"}))
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]
    twice = check(write_project(tmp_path / "c", {"app.py": "job = 1\njob = 2\n"}))
    assert len({f.fingerprint for f in twice.findings}) == 2


# -- formats ------------------------------------------------------------------------------


def test_json_format_shape(tmp_path, run):
    root = project(tmp_path)
    code, out, _ = run(root.parent, "--format", "json", "project")
    document = json.loads(out)
    assert code == 1
    first = document["findings"][0]
    assert set(first) >= {"path", "line", "column", "end_line", "end_column", "code", "rule", "severity",
                          "message", "fixable"}
    assert first["path"] == "project/app/models.py"  # relative to the current directory
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (1, 7, 1, 10)
    assert (first["code"], first["rule"], first["severity"], first["fixable"]) == (
        "TSH101", "legacy-identifier", "error", True)
    assert document["summary"]["total"] == 3 and document["summary"]["by_rule"] == {"TSH101": 2, "TSH102": 1}


def test_sarif_is_valid_against_the_official_schema(tmp_path, run):
    files = {**LEGACY, "notes.py": "class Queue:  # termshift: ignore\n    pass\n",
             "odd.py": "jOb_count = 0\n"}
    root = project(tmp_path, files)
    code, out, _ = run(root, "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema)
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules][:2] == ["TSH101", "TSH102"]
    assert all(rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["markdown"]
               for rule in rules)
    by_rule = {result["ruleId"]: result for result in run_["results"]}
    location = by_rule["TSH102"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "main.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 1, "startColumn": 24, "endLine": 1, "endColumn": 27}
    assert by_rule["TSH304"]["level"] == "note"
    assert all(result["partialFingerprints"]["termshiftFingerprint/v1"] for result in run_["results"])


def test_sarif_uris_are_relative_to_the_repository(tmp_path, run):
    (tmp_path / ".git").mkdir()
    root = project(tmp_path)
    _, out, _ = run(root, "--format", "sarif")
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(out)["runs"][0]["results"]}
    assert uris == {"project/app/models.py", "project/main.py"}


def test_github_format(tmp_path, run):
    root = project(tmp_path, {"app/__init__.py": "", "app/models.py": "class Job:\n    pass\n",
                              "app/odd.py": "jOb = 1\n"})
    code, out, _ = run(root, "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=app/models.py,line=1,col=7,endLine=1,endColumn=10,title=TSH101 legacy-identifier::"
        "class 'Job' spells the legacy term: rename it to 'Step'",
        "::notice file=app/odd.py,line=1,col=1,endLine=1,endColumn=4,title=TSH304 odd-or-glued-word::"
        "'jOb' has an odd case shape: rename it by hand",
    ]


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# -- rules and explain -----------------------------------------------------------------------


def test_rules_and_explain_commands():
    cli = runner()
    table = cli.invoke(main, ["rules"])
    assert table.exit_code == 0 and table.stdout == plain()
    assert re.search(r"^TSH101\s+legacy-identifier\s+error", table.stdout, re.M)
    explained = cli.invoke(main, ["explain", "TSH402"])
    assert explained.exit_code == 0
    assert "compat-expired" in explained.stdout and "## Why is this bad?" in explained.stdout
    assert cli.invoke(main, ["explain", "legacy-import"]).exit_code == 0
    unknown = cli.invoke(main, ["explain", "TSH000"])
    assert unknown.exit_code == 2 and "unknown rule 'TSH000'" in unknown.stderr


def test_readme_rule_table_matches_the_registry():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert markdown() in readme


def test_check_does_not_import_libcst(tmp_path):
    root = project(tmp_path)
    probe = (
        "import sys\n"
        "from termshift.cli import main\n"
        "try:\n"
        "    main(['check', '--exit-zero', '.'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LIBCST', 'libcst' in sys.modules, file=sys.stderr)\n"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=60)
    assert "LIBCST False" in result.stderr, result.stderr


def test_an_internal_error_exits_2_not_1(tmp_path, run, monkeypatch):
    from termshift import lint

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint, "run", explode)
    code, _, err = run(project(tmp_path))
    assert code == 2 and "internal error: RuntimeError('boom')" in err


def test_the_engine_marks_every_file_the_lint_reads_comments_from() -> None:
    """The lint reads suppressions only from files the engine saw COMMENT_MARK in."""
    from termshift import prefilter, suppressions

    assert suppressions.NEEDLE.encode() == prefilter.COMMENT_MARK


def test_a_key_that_moves_is_not_called_unfixable_for_an_identifier_kept_with_the_same_word(tmp_path):
    # `job` the attribute is kept (a use that can't be tied); "jobComplete" the key still moves:
    # its finding is fixable, and says nothing of the attribute's refusal.
    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "app/store.py": "import json\n\n\ndef save(value):\n    return json.dumps({'jobComplete': value})\n\n\n"
                        "def load(text):\n    return json.loads(text)['jobComplete']\n",
        "app/other.py": "class Holder:\n    job = None\n\n\ndef name_of(thing):\n    return thing.job\n",
    })
    keys = [finding for finding in check(root).findings if finding.path == "app/store.py"]
    assert len(keys) == 2 and all(finding.fixable for finding in keys)
    assert not any("not fixable" in finding.message for finding in keys)
    attribute = [finding for finding in check(root).findings if finding.path == "app/other.py" and finding.code == "TSH101"]
    assert attribute and all("not fixable: 'job' is kept everywhere" in finding.message for finding in attribute)
