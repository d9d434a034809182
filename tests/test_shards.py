"""`check --shard K/N` and `merge-reports`: N CI jobs' reports joined are the unsharded report, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from termshift import cli, launch, shards

FIXTURES = Path(__file__).parent / "fixtures"
MERGEABLE = ("json", "sarif", "gitlab")

# What a generated project adds to its copies of the example: suppression comments (one used, one that
# suppresses nothing), an expired compat marker, and a module whose only legacy term is its own name.
EXTRAS = {
    "extras/__init__.py": "",
    "extras/quiet.py": ("job_count = 0  # termshift: ignore[TSH101]\n"
                        "total = 1  # termshift: ignore[TSH104]\n"),
    "extras/old_names.py": ("class Step:\n    pass\n\n\n# termshift: compat until 2020-01-01\nJob = Step\n"
                            "# termshift: end compat\n"),
    "extras/job_helpers.py": "def helper():\n    return 1\n",
}


def run(args: list[str], cwd: Path, monkeypatch, capsys, entry=launch.main) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.argv", ["termshift", *args])
    with pytest.raises(SystemExit) as exit:
        entry()
    out, err = capsys.readouterr()
    return exit.value.code or 0, out, err


def example(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "example", tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(FIXTURES / "vendor", tmp_path / "vendor", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "example"


def generated(tmp_path: Path, copies: int = 4) -> Path:
    """A multi-package project as bench/scale.py makes them, small: the example's package under
    `copies` names (8 files each), its stand-in third-party packages, and EXTRAS."""
    project = tmp_path / "mono"
    shutil.copytree(FIXTURES / "vendor", project / "vendor", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "pyproject.toml").write_text('[project]\nname = "mono"\nversion = "0.1.0"\n\n'
                                            '[tool.termshift]\nsearch_path = ["vendor"]\n', encoding="utf-8")
    for copy in range(copies):
        shutil.copytree(FIXTURES / "example" / "dispatch", project / f"dispatch_{copy:02d}",
                        ignore=shutil.ignore_patterns("__pycache__"))
    for relative, text in EXTRAS.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text, encoding="utf-8")
    return project


def sharded(args: list[str], count: int, cwd: Path, folder: Path, output_format: str, monkeypatch, capsys
            ) -> tuple[list[Path], list[int]]:
    """Every shard's report, written to a file of its own as CI jobs would, and their exit codes."""
    reports, codes = [], []
    for index in range(1, count + 1):
        report = folder / f"shard-{index}.{output_format}"
        code, out, _ = run(["check", *args, "--format", output_format, "--shard", f"{index}/{count}",
                            "--output-file", str(report)], cwd, monkeypatch, capsys)
        assert code in (0, 1) and out == ""
        reports.append(report)
        codes.append(code)
    return reports, codes


def merged_equals_unsharded(args: list[str], count: int, cwd: Path, folder: Path, output_format: str,
                            monkeypatch, capsys) -> dict:
    whole_code, whole, _ = run(["check", *args, "--format", output_format], cwd, monkeypatch, capsys)
    reports, codes = sharded(args, count, cwd, folder, output_format, monkeypatch, capsys)
    given = [str(report) for report in reversed(reports)]  # any order
    code, out, err = run(["merge-reports", *given], cwd, monkeypatch, capsys, entry=cli.main)
    assert out == whole
    assert code == whole_code == max(codes)
    assert f"{count} shards" in err
    # With --format and --output-file, the same.
    target = folder / f"merged.{output_format}"
    again = run(["merge-reports", "--format", output_format, "-o", str(target), *given], cwd, monkeypatch, capsys,
                entry=cli.main)
    assert again[0] == whole_code and target.read_text(encoding="utf-8") == whole
    return {"whole": whole, "reports": reports}


@pytest.mark.parametrize("output_format", MERGEABLE)
def test_four_shards_of_the_example_merge_into_the_unsharded_report(tmp_path, monkeypatch, capsys, output_format):
    project = example(tmp_path)
    done = merged_equals_unsharded(["--no-cache"], 4, project, tmp_path, output_format, monkeypatch, capsys)
    # Each shard reported a part, and every part counts: the files are spread, none is reported twice.
    parts = [_facts(report, output_format) for report in done["reports"]]
    paths = [path for facts in parts for path in facts["paths"]]
    _, whole, _ = run(["check", "--no-cache", "--format", "json"], project, monkeypatch, capsys)
    with_findings = {finding["path"] for finding in json.loads(whole)["findings"]}
    assert len(paths) == len(set(paths)) and set(paths) == with_findings and len(with_findings) > 10
    assert sum(1 for facts in parts if facts["paths"]) >= 3


@pytest.mark.parametrize("output_format", MERGEABLE)
def test_shards_of_a_generated_project_merge_into_the_unsharded_report(tmp_path, monkeypatch, capsys, output_format):
    project = generated(tmp_path)
    done = merged_equals_unsharded(["--no-cache"], 4, project, tmp_path, output_format, monkeypatch, capsys)
    if output_format == "json":
        summary = json.loads(done["whole"])["summary"]
        # What a file of its own is reported for, each in exactly one shard: suppressions,
        # an unused suppression, expired compat code, a module moved for its name alone.
        assert summary["suppressed"] == 1 and summary["files"] == len(list(project.rglob("*.py")))
        assert {"TSH903", "TSH402", "TSH103"} <= set(summary["by_rule"])


def test_shards_merge_from_a_sub_folder_and_with_a_baseline(tmp_path, monkeypatch, capsys):
    """Paths shown from the current folder (`../…`) don't sort as the project's do; the stale
    entries of a baseline go back in the baseline's order, however it was edited."""
    project = generated(tmp_path, copies=3)
    baseline = tmp_path / "baseline.json"
    code, _, _ = run(["check", "--no-cache", "--write-baseline", str(baseline)], project, monkeypatch, capsys)
    assert code == 0
    data = json.loads(baseline.read_text())
    kept = data["findings"][::2]  # half of them stay known, the others are new again
    stale = [{"fingerprint": f"{number:032x}", "code": "TSH101", "path": path, "text": "job", "scope": ""}
             for number, path in enumerate(["extras/quiet.py", "dispatch_02/jobs.py", "dispatch_00/api.py",
                                            "extras/job_helpers.py", "dispatch_01/worker.py"])]
    data["findings"] = [stale[0], *kept[:40], stale[1], stale[2], *kept[40:], stale[3], stale[4]]
    baseline.write_text(json.dumps(data))
    args = ["--no-cache", "--baseline", str(baseline), ".."]
    done = merged_equals_unsharded(args, 3, project / "dispatch_01", tmp_path, "json", monkeypatch, capsys)
    summary = json.loads(done["whole"])["summary"]
    assert [entry["fingerprint"] for entry in summary["stale_baseline"]] == [entry["fingerprint"] for entry in stale]
    assert summary["baselined"] == len(kept) and summary["total"] > 0


def test_a_file_stays_in_its_shard_when_files_are_added(tmp_path, monkeypatch, capsys):
    project = generated(tmp_path, copies=3)

    def owners() -> dict[str, int]:
        reports, _ = sharded(["--no-cache"], 4, project, tmp_path, "json", monkeypatch, capsys)
        return {path: index for index, report in enumerate(reports, 1) for path in _facts(report, "json")["paths"]}

    before = owners()
    for copy in (3, 4):
        shutil.copytree(project / "dispatch_00", project / f"dispatch_{copy:02d}")
    (project / "extras" / "more_jobs.py").write_text("job_total = 0\n")
    after = owners()
    per_copy = sum(1 for path in before if path.startswith("dispatch_00/"))
    assert len(after) == len(before) + 2 * per_copy + 1
    assert {path: after[path] for path in before} == before
    assert len(set(before.values())) == 4


def test_the_shard_of_a_path_is_the_same_in_every_process():
    """Python's hash() of a string differs from one process to the next; CI jobs must agree."""
    paths = [f"pkg_{number}/module_{number % 7}.py" for number in range(200)]
    probe = "import sys; from termshift import shards; print([shards.owner(p, 5) for p in sys.argv[1:]])"
    seen = set()
    for seed in ("1", "2", "random"):
        done = subprocess.run([sys.executable, "-c", probe, *paths], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        seen.add(done.stdout)
    assert len(seen) == 1
    owners = json.loads(seen.pop())
    assert owners == [shards.owner(path, 5) for path in paths]
    assert set(owners) == {1, 2, 3, 4, 5} and max(owners.count(k) for k in range(1, 6)) < 70


@pytest.mark.parametrize(("value", "message"), [
    ("0/4", "K must be between 1 and 4"),
    ("5/4", "K must be between 1 and 4"),
    ("a/b", "is not K/N"),
    ("1/0", "at least 1"),
    ("2", "is not K/N"),
    ("-1/4", "is not K/N"),
])
def test_a_bad_shard_is_a_usage_error(tmp_path, monkeypatch, capsys, value, message):
    project = example(tmp_path)
    for entry in (launch.main, cli.main):  # the fast path leaves it to click, which says what is wrong
        code, out, err = run(["check", "--no-cache", f"--shard={value}"], project, monkeypatch, capsys, entry=entry)
        assert code == 2 and out == ""
        assert "--shard" in err and message in err and "Traceback" not in err


@pytest.mark.parametrize("option", [["--fix"], ["--write-baseline", "base.json"]])
def test_what_sharding_cannot_divide_is_refused(tmp_path, monkeypatch, capsys, option):
    project = example(tmp_path)
    code, out, err = run(["check", "--no-cache", "--shard", "1/2", *option], project, monkeypatch, capsys)
    assert code == 2 and "--shard" in err and "unsharded" in err
    assert not (project / "base.json").exists()


@pytest.fixture
def reports(tmp_path, monkeypatch, capsys) -> dict[str, Path]:
    """Shard reports of the example: 1/3, 2/3 and 3/3 as json, 1/2 and 2/2 as json, 1/3 as sarif,
    an unsharded json report, and 1/3 of another run (only some files checked)."""
    project = example(tmp_path)
    made: dict[str, Path] = {}

    def check(name: str, *args: str) -> None:
        made[name] = tmp_path / name
        code, _, _ = run(["check", "--no-cache", "-o", str(made[name]), *args], project, monkeypatch, capsys)
        assert code == 1

    for index in (1, 2, 3):
        check(f"{index}of3.json", "--format", "json", "--shard", f"{index}/3")
    for index in (1, 2):
        check(f"{index}of2.json", "--format", "json", "--shard", f"{index}/2")
    check("1of3.sarif", "--format", "sarif", "--shard", "1/3")
    check("whole.json", "--format", "json")
    check("other-1of3.json", "--format", "json", "--shard", "1/3", "dispatch")
    monkeypatch.chdir(tmp_path)
    return made


@pytest.mark.parametrize(("names", "options", "message"), [
    (["1of3.json", "2of3.json"], [], "shard 3 of 3 missing"),
    (["1of3.json", "2of3.json", "2of3.json", "3of3.json"], [], "are both shard 2/3"),
    (["1of3.json", "2of3.json", "3of3.json", "2of2.json"], [], "different numbers of shards"),
    (["other-1of3.json", "2of3.json", "3of3.json"], [], "different runs"),
    (["1of3.json", "1of3.sarif"], [], "merge the reports of one format at a time"),
    (["1of3.json", "2of3.json", "3of3.json"], ["--format", "sarif"], "a json report, not sarif"),
    (["whole.json"], [], "not of a shard"),
    (["nowhere.json"], [], "no such report"),
])
def test_reports_that_are_not_one_runs_shards_are_refused(reports, monkeypatch, capsys, names, options, message):
    paths = [str(reports.get(name, name)) for name in names]
    code, out, err = run(["merge-reports", *options, *paths], Path.cwd(), monkeypatch, capsys, entry=cli.main)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("output_format", MERGEABLE)
def test_a_report_laid_out_anew_is_refused(tmp_path, monkeypatch, capsys, output_format):
    """The merged report is made of the reports' own text: one that another tool wrote again (the
    same values, other spacing) can't be, and is refused rather than merged into other text."""
    project = example(tmp_path)
    reports, _ = sharded(["--no-cache"], 2, project, tmp_path, output_format, monkeypatch, capsys)
    document = json.loads(reports[1].read_text(encoding="utf-8"))
    reports[1].write_text(json.dumps(document, indent=4), encoding="utf-8")
    code, out, err = run(["merge-reports", *map(str, reports)], tmp_path, monkeypatch, capsys, entry=cli.main)
    assert code == 2 and out == "" and "not laid out as `check` writes it" in err


def test_a_report_that_is_not_one_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("findings: many\n")
    (tmp_path / "list.json").write_text('{"a": 1}\n')
    for name, message in (("notes.txt", "not a JSON report"), ("list.json", "not a termshift")):
        code, _, err = run(["merge-reports", name], tmp_path, monkeypatch, capsys, entry=cli.main)
        assert code == 2 and message in err


def test_merge_reports_exits_as_the_unsharded_check_would(tmp_path, monkeypatch, capsys):
    """0 when nothing fails (also when the shards themselves ran with --exit-zero), 1 when something does."""
    project = example(tmp_path)
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + 'fail_on = "error"\n')
    reports, codes = sharded(["--no-cache", "--exit-zero"], 2, project, tmp_path, "sarif", monkeypatch, capsys)
    assert codes == [0, 0]
    code, _, err = run(["merge-reports", *map(str, reports)], tmp_path, monkeypatch, capsys, entry=cli.main)
    assert code == 1 and "failing" in err
    assert run(["merge-reports", "--exit-zero", *map(str, reports)], tmp_path, monkeypatch, capsys,
               entry=cli.main)[0] == 0
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "pyproject.toml").write_text('[project]\nname = "clean"\nversion = "0"\n')
    (clean / "main.py").write_text("print('hello')\n")
    reports, codes = sharded(["--no-cache"], 2, clean, tmp_path, "gitlab", monkeypatch, capsys)
    code, out, _ = run(["merge-reports", *map(str, reports)], tmp_path, monkeypatch, capsys, entry=cli.main)
    assert codes == [0, 0] and code == 0 and json.loads(out) == []


def test_an_unsharded_report_carries_no_shard_facts(tmp_path, monkeypatch, capsys):
    project = example(tmp_path)
    for output_format in MERGEABLE:
        _, out, _ = run(["check", "--no-cache", "--format", output_format], project, monkeypatch, capsys)
        assert "termshift_shard" not in out


def _facts(report: Path, output_format: str) -> dict:
    document = json.loads(report.read_text(encoding="utf-8"))
    if output_format == "json":
        return document["termshift_shard"]
    if output_format == "sarif":
        return document["runs"][0]["properties"]["termshift_shard"]
    return document[-1]["termshift_shard"]


def test_the_readme_recipes_merge_into_the_unsharded_report(tmp_path, monkeypatch, capsys):
    """The CI recipes' commands, run as their CI systems would run them, give the unsharded report."""
    import shlex

    import yaml

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### One check spread over several CI jobs", 1)[1].split("\n## ", 1)[0]
    github, gitlab = (yaml.safe_load(block.split("```", 1)[0]) for block in section.split("```yaml\n")[1:3])
    project = example(tmp_path)
    for recipe, count, output_format in ((github, 4, "sarif"), (gitlab, 4, "gitlab")):
        if recipe is github:
            assert github["jobs"]["termshift-part"]["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
            part = [step["run"] for step in github["jobs"]["termshift-part"]["steps"]
                    if "termshift check" in step.get("run", "")]
            merge = [step["run"] for step in github["jobs"]["termshift"]["steps"]
                     if "merge-reports" in step.get("run", "")]
            values = lambda index: {"${{ matrix.shard }}": str(index)}  # noqa: E731
        else:
            assert gitlab["termshift-part"]["parallel"] == count and gitlab["termshift"]["needs"] == ["termshift-part"]
            part = [line for line in gitlab["termshift-part"]["script"] if "termshift check" in line]
            merge = [line for line in gitlab["termshift"]["script"] if "merge-reports" in line]
            values = lambda index: {"$CI_NODE_INDEX": str(index), "$CI_NODE_TOTAL": str(count)}  # noqa: E731
        assert len(part) == len(merge) == 1
        folder = tmp_path / output_format
        folder.mkdir()
        for index in range(1, count + 1):
            line = part[0]
            for name, value in values(index).items():
                line = line.replace(name, value)
            args = shlex.split(line)[1:] + ["--no-cache", str(project)]
            assert run(args, folder, monkeypatch, capsys)[0] == 0  # --exit-zero: the merge is the gate
        # The shell expands the parts' pattern.
        args = [name for arg in shlex.split(merge[0])[1:]
                for name in (sorted(path.name for path in folder.glob(arg)) if "*" in arg else [arg])]
        assert len(args) > count
        code, _, _ = run(args, folder, monkeypatch, capsys, entry=cli.main)
        merged = (folder / args[args.index("-o") + 1]).read_text(encoding="utf-8")
        whole_code, whole, _ = run(["check", "--no-cache", "--format", output_format, str(project)], folder,
                                   monkeypatch, capsys)
        assert code == whole_code == 1 and merged == whole


@pytest.mark.parametrize("output_format", MERGEABLE)
def test_shards_of_several_projects_merge_into_the_unsharded_report(tmp_path, monkeypatch, capsys, output_format):
    """At the top of a monorepo each project is checked with its own settings: the shards divide
    every project's files, and the merged report is the one report of all of them."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    for name in ("alpha", "beta"):
        generated(top / name, copies=1)
        (top / name / "mono" / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "0"\n\n[tool.termshift]\nsearch_path = ["vendor"]\n'
            + ('fail-on = "warning"\n' if name == "beta" else ""))
    (top / "pyproject.toml").write_text('[tool.termshift]\nterms = { job = "step" }\n')
    (top / "tool.py").write_text("job_limit = 3\n")
    merged_equals_unsharded(["--no-cache"], 3, top, tmp_path, output_format, monkeypatch, capsys)
