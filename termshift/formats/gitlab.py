"""GitLab Code Quality: a JSON array of issues, for `artifacts: reports: codequality:`.

GitLab reads a subset of the Code Climate issue format: `description`,
`check_name`, `fingerprint`, `severity` (info, minor, major, critical,
blocker) and `location.path` with `location.lines.begin`. Paths are relative
to the repository, as GitLab resolves them against the checkout. The
fingerprint is the line-independent one the baseline uses, so the merge
request widget tells new findings from old ones when lines move, and two
findings never share one (GitLab shows one entry per fingerprint).

A shard's report (`check --shard`) ends with one more entry, not an issue: the
shard's facts that `merge-reports` needs. GitLab skips an entry without the
fields an issue must have, but the report to give GitLab is the merged one.
"""

from __future__ import annotations

from typing import TextIO

from . import SHARD_KEY, Report, indented

# error fails the check: major ranks it above what only warns.
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def _issue(report: Report, finding) -> dict:
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.rule}: {finding.message}",
        "categories": ["Style"],
        "fingerprint": finding.fingerprint,
        "severity": SEVERITY[finding.severity],
        "location": {
            "path": report.from_repository(finding.path),
            "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)},
        },
    }


def issues(report: Report):
    """The report's entries, each made when asked for."""
    for finding in report.result.findings:
        yield _issue(report, finding)
    shard = report.shard_record("gitlab")
    if shard is not None:
        yield {SHARD_KEY: shard}


def document(report: Report) -> list[dict]:
    return list(issues(report))


def write(report: Report, out: TextIO, err: TextIO) -> None:
    """As `json.dump(document(report), indent=2)` writes it, an entry at a time (indented.py).
    No BOM: GitLab's parser refuses one."""
    indented.write_array(out, issues(report))
    out.write("\n")
