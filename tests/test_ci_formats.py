"""What CI and editors expect of `check`: GitLab Code Quality and JUnit reports, --output-file,
SARIF help links and fixes, --show-fixes / --exit-non-zero-on-fix, --stdin-filename."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema

from lintkit import termshift, write_project
from termshift.rules.registry import RULES
from termshift.rules_table import page

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parent.parent


def example(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "example", tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # the repository is the folder above
    return tmp_path / "example"


def test_gitlab_report_follows_gitlabs_code_quality_format(tmp_path):
    project = example(tmp_path)
    ran = termshift("check", "--format", "gitlab", "--output-file", "gl-code-quality.json", "--no-cache", cwd=project)
    assert ran.returncode == 1 and ran.stdout == ""
    raw = (project / "gl-code-quality.json").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # GitLab's parser refuses a BOM
    report = json.loads(raw)
    jsonschema.validate(report, json.loads((FIXTURES / "gitlab-codequality-schema.json").read_text()))
    findings = json.loads(termshift("check", "--format", "json", "--no-cache", cwd=project).stdout)["findings"]
    assert len(report) == len(findings) > 100
    # One entry per finding: GitLab shows one entry per fingerprint.
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    # Paths from the repository's top, where GitLab resolves them.
    assert {issue["location"]["path"].split("/")[0] for issue in report} == {"example"}
    severities = {finding["severity"] for finding in findings}
    assert {issue["severity"] for issue in report} == {{"error": "major", "warning": "minor", "info": "info"}[s]
                                                       for s in severities}
    first = report[0]
    assert first["location"]["lines"]["begin"] == findings[0]["line"]
    assert first["check_name"] == findings[0]["code"]


def test_junit_report_fails_one_test_case_per_failing_finding(tmp_path):
    project = write_project(tmp_path / "project", {"app/__init__.py": "", "app/models.py": "class Job:\n    pass\n",
                                                   "main.py": "# the job runner\nfrom app.models import Job\n"})
    ran = termshift("check", "--format", "junit", cwd=project)
    assert ran.returncode == 1
    root = ET.fromstring(ran.stdout)
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    assert len(cases) == 3 and int(root.get("tests")) == 3
    assert int(root.get("failures")) == len(failures) == 2  # the comment is only a warning
    assert {suite.get("name") for suite in root.findall("testsuite")} == {"app/models.py", "main.py"}
    failure = failures[0].find("failure")
    assert failure.get("type") in ("TSH101", "TSH102") and "Step" in failure.get("message")

    (project / "app" / "models.py").write_text("class Step:\n    pass\n")
    (project / "main.py").write_text("from app.models import Step\n")
    clean = termshift("check", "--format", "junit", cwd=project)
    assert clean.returncode == 0
    root = ET.fromstring(clean.stdout)
    assert root.get("failures") == "0" and len(root.findall("./testsuite/testcase")) == 1


def test_output_file_is_written_every_time_never_replayed(tmp_path):
    project = write_project(tmp_path / "project", {"app.py": "class Job:\n    pass\n"})
    report = project / "out.json"
    for _ in range(2):  # a second identical run would be replayed, printing only
        ran = termshift("check", "--format", "json", "-o", "out.json", cwd=project)
        assert ran.returncode == 1 and ran.stdout == ""
        assert json.loads(report.read_text())["findings"][0]["code"] == "TSH101"
        report.unlink()
    blocked = termshift("check", "--output-file", "missing/out.json", cwd=project)
    assert blocked.returncode == 2 and "can't write missing/out.json" in blocked.stderr


def test_sarif_links_each_rule_to_its_page_and_carries_fixes(tmp_path):
    project = example(tmp_path)
    sarif = json.loads(termshift("check", "--format", "sarif", "--no-cache", cwd=project).stdout)
    run = sarif["runs"][0]
    for rule in run["tool"]["driver"]["rules"]:
        uri = rule["helpUri"]
        assert uri.endswith(f"/blob/main/docs/rules/{rule['id']}.md")
        assert (REPOSITORY / "docs" / "rules" / f"{rule['id']}.md").read_text() == page(rule["id"])
    jsonschema.validate(sarif, json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text()))
    # Applying every fix of the file gives what `check --fix` writes there.
    text = (project / "dispatch" / "api.py").read_text()
    lines = text.splitlines(keepends=True)
    edits = []
    for result in run["results"]:
        for fix in result.get("fixes", []):
            (change,) = fix["artifactChanges"]
            assert change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
            if change["artifactLocation"]["uri"] != "example/dispatch/api.py":
                continue
            (replacement,) = change["replacements"]
            region = replacement["deletedRegion"]
            assert region["startLine"] == region["endLine"]
            edits.append((region["startLine"], region["startColumn"], region["endColumn"],
                          replacement["insertedContent"]["text"]))
    assert edits
    for line, start, end, new in sorted(edits, reverse=True):
        lines[line - 1] = lines[line - 1][: start - 1] + new + lines[line - 1][end - 1:]
    fixed = termshift("check", "--fix", "--no-cache", cwd=project)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "".join(lines) == (project / "dispatch" / "api.py").read_text()


def test_docs_pages_exist_for_every_rule():
    pages = {path.stem for path in (REPOSITORY / "docs" / "rules").glob("*.md")}
    assert pages == {rule.code for rule in RULES}


def test_fix_shows_what_it_changed_and_can_exit_non_zero(tmp_path):
    files = {"app/__init__.py": "", "app/jobs.py": "class Job:\n    pass\n",
             "main.py": "from app.jobs import Job\n\n\ndef run():\n    return Job()\n"}
    project = write_project(tmp_path / "a", files)
    ran = termshift("check", "--fix", "--show-fixes", cwd=project)
    assert ran.returncode == 0, ran.stderr
    assert "  fixed app/jobs.py: Job -> Step" in ran.stderr
    assert "  fixed main.py: jobs -> steps, Job -> Step (2x)" in ran.stderr
    assert "  moved app/jobs.py -> app/steps.py" in ran.stderr

    project = write_project(tmp_path / "b", files)
    ran = termshift("check", "--fix", "--exit-non-zero-on-fix", cwd=project)
    assert ran.returncode == 1 and "fixed app" not in ran.stderr
    again = termshift("check", "--fix", "--exit-non-zero-on-fix", cwd=project)
    assert again.returncode == 0  # nothing left to fix


def test_stdin_filename_checks_the_buffer_not_the_file(tmp_path):
    project = write_project(tmp_path / "project", {"app/__init__.py": "", "app/models.py": "class Step:\n    pass\n",
                                                   "app/other.py": "class Job:\n    pass\n"})

    def check(text: str, *args: str) -> subprocess.CompletedProcess:
        import sys

        return subprocess.run([sys.executable, "-m", "termshift", "check", "--stdin-filename", "app/models.py",
                               *args], cwd=project, input=text, capture_output=True, text=True, timeout=120)

    dirty = check("\n\nclass Job:\n    pass\n")
    assert dirty.returncode == 1
    assert dirty.stdout.splitlines() == ["app/models.py:3:7: TSH101 class 'Job' spells the legacy term: "
                                         "rename it to 'Step'"]  # app/other.py isn't checked
    assert check("class Step:\n    pass\n").returncode == 0
    assert check("class Job:\n    pass\n", "--format", "json").returncode == 1  # never a replay of the last run
    refused = check("class Job:\n", "--fix")
    assert refused.returncode == 2 and "--fix rewrites files, not stdin" in refused.stderr
    assert (project / "app" / "models.py").read_text() == "class Step:\n    pass\n"
