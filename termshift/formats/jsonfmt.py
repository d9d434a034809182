"""One JSON object on stdout, in DESIGN.md's shape: paths relative to the
current directory, lines and columns 1-based."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from . import SHARD_KEY, Report


def finding_record(report: Report, finding) -> dict:
    return {
        "path": report.from_cwd(finding.path),
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "fixable": finding.fixable,
        "fingerprint": finding.fingerprint,
    }


def summary_record(report: Report) -> dict:
    result = report.result
    codes: Counter = Counter()
    severities: Counter = Counter()
    fixable = 0
    for finding in result.findings:  # counted as they come: a monorepo's are a million and more
        codes[finding.code] += 1
        severities[finding.severity] += 1
        fixable += finding.fixable
    return summary(
        files=result.files_checked, codes=codes, severities=severities, fixable=fixable,
        failing=result.failing_count, fail_on=result.fail_on, fixed=report.fixed, suppressed=result.suppressed,
        baselined=result.baselined,
        stale=[{"path": entry.path, "code": entry.code, "text": entry.text, "scope": entry.scope,
                "fingerprint": entry.fingerprint} for entry in result.stale])


def summary(*, files: int, codes: Counter, severities: Counter, fixable: int, failing: int, fail_on: str,
            fixed: int, suppressed: int, baselined: int, stale: list[dict]) -> dict:
    """The summary from its counts (findings by code, by severity): a check's, and merge-reports'
    of its shards' reports."""
    return {
        "files": files,
        "total": sum(codes.values()),
        "failing": failing,
        "fail_on": fail_on,
        "by_rule": dict(sorted((code, count) for code, count in codes.items() if count)),
        "by_severity": dict(sorted((level, count) for level, count in severities.items() if count)),
        "fixable": fixable,
        "fixed": fixed,
        "suppressed": suppressed,
        "baselined": baselined,
        "stale_baseline": stale,
    }


def document(report: Report) -> dict:
    return {"findings": [finding_record(report, finding) for finding in report.result.findings],
            "summary": summary_record(report)}


# Findings written per piece of output: a large project has hundreds of thousands of them, and
# their records and text, made all at once, would take more memory than the search that found them.
_BATCH = 1000


def write(report: Report, out: TextIO, err: TextIO) -> None:
    """One finding a line: readable, diffable, and written by json's C encoder
    (an indented dump goes through its pure-Python one, slower than the lint itself).
    A shard's report has its shard's facts in one more top-level field, after the summary."""
    findings = report.result.findings
    if not findings:
        out.write('{"findings": [],\n')
    else:
        dumps = json.dumps
        out.write('{"findings": [\n  ')
        for start in range(0, len(findings), _BATCH):
            if start:
                out.write(",\n  ")
            out.write(",\n  ".join(dumps(finding_record(report, finding))
                                    for finding in findings[start:start + _BATCH]))
        out.write("\n],\n")
    shard = report.shard_record("json")
    tail = "" if shard is None else f',\n "{SHARD_KEY}": ' + json.dumps(shard)
    out.write(' "summary": ' + json.dumps(summary_record(report)) + tail + "}\n")
