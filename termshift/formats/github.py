"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=app/jobs.py,line=3,col=7,endLine=3,endColumn=10,title=TSH101 legacy-identifier::message

Paths are relative to the repository (GitHub resolves them against the
checkout). Values are escaped as the runner expects: `%`, CR and LF
everywhere, and `:` and `,` inside properties.
"""

from __future__ import annotations

from typing import TextIO

from . import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: TextIO, err: TextIO) -> None:
    for finding in report.result.findings:
        properties = {
            "file": report.from_repository(finding.path),
            "line": finding.line,
            "col": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
            "title": f"{finding.code} {finding.rule}",
        }
        rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        out.write(f"::{_LEVEL[finding.severity]} {rendered}::{escape_data(finding.message)}\n")
