"""One JSON object on stdout, in DESIGN.md's shape: paths relative to the
current directory, lines and columns 1-based."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from . import Report


def document(report: Report) -> dict:
    result = report.result
    findings = [
        {
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
        for finding in result.findings
    ]
    summary = {
        "files": result.files_checked,
        "total": len(result.findings),
        "failing": len(result.failing),
        "fail_on": result.fail_on,
        "by_rule": dict(sorted(Counter(finding.code for finding in result.findings).items())),
        "by_severity": dict(sorted(Counter(finding.severity for finding in result.findings).items())),
        "fixable": sum(1 for finding in result.findings if finding.fixable),
        "fixed": report.fixed,
        "suppressed": result.suppressed,
        "baselined": result.baselined,
        "stale_baseline": [
            {"path": entry.path, "code": entry.code, "text": entry.text, "scope": entry.scope,
             "fingerprint": entry.fingerprint}
            for entry in result.stale
        ],
    }
    return {"findings": findings, "summary": summary}


def write(report: Report, out: TextIO, err: TextIO) -> None:
    """One finding a line: readable, diffable, and written by json's C encoder
    (an indented dump goes through its pure-Python one, slower than the lint itself)."""
    doc = document(report)
    findings = ",\n  ".join(json.dumps(finding) for finding in doc["findings"])
    out.write('{"findings": [\n  ' + findings + "\n],\n" if findings else '{"findings": [],\n')
    out.write(' "summary": ' + json.dumps(doc["summary"]) + "}\n")
